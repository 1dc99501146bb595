//! The dollars of one table: now by breakdown, over time (from its own history and from collected
//! snapshots), and a 30/90-day forecast whose method is stated in the output.

use serde::Serialize;
use ts_rs::TS;

use super::{linear_fit, PriceProfile};
use crate::api::Lakescope;
use crate::error::Result;
use crate::model::{HistoryRow, StorageBreakdown, TableInfo};
use crate::store::{SizeSnapshot, Store};
use crate::table::ReadOptions;

/// Days of trend the forecast line is fitted over.
pub const FORECAST_WINDOW_DAYS: i64 = 90;
const DAY_MS: i64 = 86_400_000;

/// Dollars for each part of a [`StorageBreakdown`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct CostBreakdown {
    pub total: f64,
    pub live: f64,
    pub old_version: f64,
    pub orphan: f64,
    pub metadata: f64,
    /// What VACUUM / expire_snapshots + remove_orphan_files would stop paying for.
    pub reclaimable: f64,
}

impl CostBreakdown {
    fn of(b: &StorageBreakdown, price: impl Fn(u64) -> f64) -> Self {
        CostBreakdown {
            total: price(b.total_bytes),
            live: price(b.live_bytes),
            old_version: price(b.old_version_bytes),
            orphan: price(b.orphan_bytes),
            metadata: price(b.metadata_bytes),
            reclaimable: price(b.reclaimable_bytes),
        }
    }
}

/// Where a trend point comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum TrendOrigin {
    /// A Delta version / Iceberg snapshot: live data bytes only (history lists no storage).
    History,
    /// A snapshot `lakescope collect` recorded: the whole storage listing.
    Collected,
}

/// One point of the cost trend.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct TrendPoint {
    #[ts(type = "number")]
    pub time_ms: i64,
    pub origin: TrendOrigin,
    #[ts(type = "number")]
    pub live_bytes: u64,
    /// Every byte under the location; known for collected snapshots only.
    #[ts(type = "number | null")]
    pub total_bytes: Option<u64>,
    /// Of `total_bytes` when known, else of `live_bytes`.
    pub usd_per_month: f64,
}

/// The table's bytes and dollars some days ahead.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ForecastPoint {
    #[ts(type = "number")]
    pub days: i64,
    #[ts(type = "number")]
    pub total_bytes: u64,
    pub usd_per_month: f64,
}

/// A forecast and how it was made.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Forecast {
    /// The method in one sentence (series, window, number of points).
    pub method: String,
    pub slope_bytes_per_day: f64,
    #[ts(type = "number")]
    pub points: u64,
    pub in_30_days: ForecastPoint,
    pub in_90_days: ForecastPoint,
}

/// What `lakescope cost <table> --json` prints.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct TableCost {
    pub table: String,
    pub profile: PriceProfile,
    /// How bytes become dollars (byte unit, replication, month length), for checking by hand.
    pub conventions: String,
    #[ts(type = "number")]
    pub as_of_ms: i64,
    pub bytes: StorageBreakdown,
    pub usd_per_day: CostBreakdown,
    pub usd_per_month: CostBreakdown,
    /// Oldest first, up to `as_of_ms`.
    pub trend: Vec<TrendPoint>,
    pub forecast: Option<Forecast>,
    pub warnings: Vec<String>,
}

/// Price a table read as of `as_of_ms`, with its history and the snapshots collected for it.
pub fn table_cost(
    info: &TableInfo,
    history: &[HistoryRow],
    snapshots: &[SizeSnapshot],
    profile: &PriceProfile,
    as_of_ms: i64,
) -> TableCost {
    let b = &info.storage;
    let mut trend: Vec<TrendPoint> = history
        .iter()
        .filter(|h| h.timestamp_ms <= as_of_ms)
        .map(|h| TrendPoint {
            time_ms: h.timestamp_ms,
            origin: TrendOrigin::History,
            live_bytes: h.data_bytes,
            total_bytes: None,
            usd_per_month: profile.usd_per_month(h.data_bytes),
        })
        .chain(snapshots.iter().filter(|s| s.collected_ms <= as_of_ms).map(|s| TrendPoint {
            time_ms: s.collected_ms,
            origin: TrendOrigin::Collected,
            live_bytes: s.storage.live_bytes,
            total_bytes: Some(s.storage.total_bytes),
            usd_per_month: profile.usd_per_month(s.storage.total_bytes),
        }))
        .collect();
    trend.sort_by_key(|p| (p.time_ms, p.origin == TrendOrigin::Collected));

    let mut warnings = Vec::new();
    let forecast = forecast(&trend, b.total_bytes, profile, as_of_ms);
    if forecast.is_none() {
        warnings.push(format!(
            "no forecast: fewer than two trend points in the last {FORECAST_WINDOW_DAYS} days (run `lakescope collect` daily \
             to record some)"
        ));
    }
    TableCost {
        table: match (&info.source, &info.namespace) {
            (Some(s), Some(ns)) => format!("{s}.{ns}.{}", info.name),
            _ => info.location.clone(),
        },
        profile: profile.clone(),
        conventions: profile.conventions(),
        as_of_ms,
        bytes: b.clone(),
        usd_per_day: CostBreakdown::of(b, |n| profile.usd_per_day(n)),
        usd_per_month: CostBreakdown::of(b, |n| profile.usd_per_month(n)),
        trend,
        forecast,
        warnings,
    }
}

/// Collected total bytes when there are two or more in the window (they include every byte billed),
/// else the history's live data bytes; the slope of their least-squares line is added to today's total.
fn forecast(trend: &[TrendPoint], total_now: u64, profile: &PriceProfile, as_of_ms: i64) -> Option<Forecast> {
    let from = as_of_ms - FORECAST_WINDOW_DAYS * DAY_MS;
    let window = trend.iter().filter(|p| p.time_ms >= from);
    let collected: Vec<(i64, f64)> =
        window.clone().filter_map(|p| p.total_bytes.map(|t| (p.time_ms, t as f64))).collect();
    let (series, points) = if collected.len() >= 2 {
        ("total bytes of the collected snapshots", collected)
    } else {
        let live: Vec<(i64, f64)> =
            window.filter(|p| p.origin == TrendOrigin::History).map(|p| (p.time_ms, p.live_bytes as f64)).collect();
        ("live data bytes of the table's own history (versions/snapshots)", live)
    };
    let fit = linear_fit(&points)?;
    let at = |days: i64| {
        let bytes = (total_now as f64 + fit.slope_per_day * days as f64).max(0.0).round() as u64;
        ForecastPoint { days, total_bytes: bytes, usd_per_month: profile.usd_per_month(bytes) }
    };
    Some(Forecast {
        method: format!(
            "today's total bytes plus {:.1} bytes/day × days ahead, the slope of a least-squares linear fit of the {series} \
             over the {FORECAST_WINDOW_DAYS} days before as-of ({} points), priced with the same profile",
            fit.slope_per_day, fit.points
        ),
        slope_bytes_per_day: fit.slope_per_day,
        points: fit.points as u64,
        in_30_days: at(30),
        in_90_days: at(90),
    })
}

impl Lakescope {
    /// A table's cost now, over time and forecast. `store` adds the snapshots collected for it.
    pub async fn table_cost(
        &self,
        target: &str,
        profile: &PriceProfile,
        opts: &ReadOptions,
        store: Option<&Store>,
    ) -> Result<TableCost> {
        let page = self.table_page(target, opts).await?;
        let info = &page.info;
        let snapshots = match (store, &info.source, &info.namespace) {
            (Some(st), Some(s), Some(ns)) => st.snapshots(Some((s, ns, &info.name))).await?,
            _ => Vec::new(),
        };
        let mut cost = table_cost(info, &page.history, &snapshots, profile, opts.as_of_ms);
        if let Some(e) = page.history_error {
            cost.warnings.push(format!("history could not be read: {}", e.message));
        }
        Ok(cost)
    }
}
