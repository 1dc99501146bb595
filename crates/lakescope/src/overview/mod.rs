//! The platform at a glance: every table's bytes and dollars added up, how much the live data grew over
//! the last days, the tables that grew most, and every finding ranked by dollars saved.
//!
//! It reads each table once (info and history from one open) and derives everything from those reads
//! with the same functions `lakescope cost`, `lakescope findings` and `lakescope history` use, so each
//! figure on the overview page can be checked against those commands' JSON.

use futures::StreamExt;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::api::Lakescope;
use crate::charts::{ChartOptions, TopGrowthChart};
use crate::error::{Error, Result};
use crate::collect::CollectFailure;
use crate::cost::PriceProfile;
use crate::findings::{self, Finding, Rules};
use crate::model::{HistoryRow, TableFormat};
use crate::table::ReadOptions;

const DAY_MS: i64 = 86_400_000;
/// Tables read at once: enough to overlap file-system waits, few enough to stay gentle on a catalog.
const PARALLEL_READS: usize = 4;

/// How an overview is computed.
#[derive(Debug, Clone)]
pub struct OverviewOptions {
    pub read: ReadOptions,
    /// Growth is measured from `as_of − growth_days` to `as_of`.
    pub growth_days: i64,
    /// How many movers to list.
    pub top: usize,
}

impl Default for OverviewOptions {
    fn default() -> Self {
        OverviewOptions { read: ReadOptions::default(), growth_days: 30, top: 10 }
    }
}

/// A table's growth over the window, from its own history (live data bytes after each version).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Mover {
    /// `source.namespace.name`.
    pub table: String,
    pub format: TableFormat,
    /// Live data bytes of the last version at or before the window's start (0: the table is younger).
    #[ts(type = "number")]
    pub bytes_before: u64,
    /// Live data bytes of the last version at or before as-of.
    #[ts(type = "number")]
    pub bytes_now: u64,
    /// `bytes_now − bytes_before` (negative when the table shrank).
    #[ts(type = "number")]
    pub growth_bytes: i64,
    /// What the growth adds to the monthly bill (negative when it shrank).
    pub growth_usd_per_month: f64,
}

/// What `lakescope overview --json` prints and the app's Overview page shows.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Overview {
    #[ts(type = "number")]
    pub as_of_ms: i64,
    pub profile: String,
    pub conventions: String,
    /// Tables read (those in `failures` are not counted anywhere below).
    #[ts(type = "number")]
    pub tables: u64,
    /// Every byte under every table's location (the sum of `lakescope table`'s `storage.total_bytes`).
    #[ts(type = "number")]
    pub total_bytes: u64,
    #[ts(type = "number")]
    pub live_bytes: u64,
    #[ts(type = "number")]
    pub reclaimable_bytes: u64,
    /// What keeping `total_bytes` costs per month under the profile.
    pub usd_per_month: f64,
    #[ts(type = "number")]
    pub growth_days: i64,
    /// Sum of the movers' growth over every table with history.
    #[ts(type = "number")]
    pub growth_bytes: i64,
    pub growth_usd_per_month: f64,
    /// Tables without a history of their own (plain Parquet): their growth is unknown, not zero.
    pub growth_unknown: Vec<String>,
    /// Biggest growth first (shrinking tables last), at most `top`.
    pub movers: Vec<Mover>,
    /// Highest dollars per month first, exactly as `lakescope findings` ranks them.
    pub findings: Vec<Finding>,
    /// The findings' dollars per month added up.
    pub findings_usd_per_month: f64,
    pub rules: Rules,
    /// Tables (or sources) that could not be read; the others are still counted.
    pub failures: Vec<CollectFailure>,
    /// Bytes per schema (`source.namespace`), most bytes first: what `lakescope chart schemas` draws.
    pub schemas: Vec<SchemaBytes>,
    /// Set when the figures come from the store's latest collection instead of reading every table now.
    pub from_store: Option<StoreBasis>,
}

/// One schema's tables added up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SchemaBytes {
    /// `source.namespace`.
    pub schema: String,
    #[ts(type = "number")]
    pub tables: u64,
    #[ts(type = "number")]
    pub total_bytes: u64,
    #[ts(type = "number")]
    pub live_bytes: u64,
    #[ts(type = "number")]
    pub reclaimable_bytes: u64,
}

/// Which collection an overview from the store describes. Findings are not in the store (they need each
/// table's partitions and properties): such an overview lists none, and a live read brings them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct StoreBasis {
    /// The store's URL or path, password redacted.
    pub store: String,
    pub run_id: String,
    /// When that collection run finished, epoch ms (its as-of time is the overview's `as_of_ms`).
    #[ts(type = "number")]
    pub finished_ms: i64,
}

/// Most bytes first, ties by name: one order for the live and the stored overview.
fn sort_schemas(schemas: &mut [SchemaBytes]) {
    schemas.sort_by(|a, b| b.total_bytes.cmp(&a.total_bytes).then_with(|| a.schema.cmp(&b.schema)));
}

/// Biggest growth first (shrinking tables last), ties by name, at most `top`.
fn rank_movers(movers: &mut Vec<Mover>, top: usize) {
    movers.sort_by(|a, b| b.growth_bytes.cmp(&a.growth_bytes).then_with(|| a.table.cmp(&b.table)));
    movers.truncate(top);
}

/// Growth of live data bytes between `from_ms` and `to_ms` from history rows (oldest first);
/// `None` when the history is empty (nothing to measure).
pub fn growth(history: &[HistoryRow], from_ms: i64, to_ms: i64) -> Option<(u64, u64)> {
    if history.is_empty() {
        return None;
    }
    let at = |t: i64| history.iter().filter(|h| h.timestamp_ms <= t).max_by_key(|h| (h.timestamp_ms, h.version)).map_or(0, |h| h.data_bytes);
    Some((at(from_ms), at(to_ms)))
}

impl Lakescope {
    /// Read every table of every source as of `opts.read.as_of_ms` and add it all up.
    pub async fn overview(&self, rules: &Rules, profile: &PriceProfile, opts: &OverviewOptions) -> Overview {
        let as_of = opts.read.as_of_ms;
        let listing = self.tables().await;
        let mut failures: Vec<CollectFailure> = listing
            .errors
            .iter()
            .map(|e| CollectFailure { target: format!("source {}", e.source), error: e.error.clone() })
            .collect();
        // Owned refs: a closure over borrowed ones makes the future not `Send` for the app's runtime.
        let pages: Vec<_> = futures::stream::iter(listing.tables.clone())
            .map(|t| async move {
                let page = self.table_page(&t.qualified_name(), &opts.read).await;
                (t, page)
            })
            .buffered(PARALLEL_READS)
            .collect()
            .await;

        let mut o = Overview {
            as_of_ms: as_of,
            profile: profile.name.clone(),
            conventions: profile.conventions(),
            tables: 0,
            total_bytes: 0,
            live_bytes: 0,
            reclaimable_bytes: 0,
            usd_per_month: 0.0,
            growth_days: opts.growth_days,
            growth_bytes: 0,
            growth_usd_per_month: 0.0,
            growth_unknown: Vec::new(),
            movers: Vec::new(),
            findings: Vec::new(),
            findings_usd_per_month: 0.0,
            rules: rules.clone(),
            failures: Vec::new(),
            schemas: Vec::new(),
            from_store: None,
        };
        let mut schemas: std::collections::BTreeMap<String, SchemaBytes> = Default::default();
        for (t, page) in pages {
            let name = t.qualified_name();
            let page = match page {
                Ok(p) => p,
                Err(e) => {
                    failures.push(CollectFailure { target: name, error: e.to_report() });
                    continue;
                }
            };
            if let Some(e) = &page.history_error {
                failures.push(CollectFailure { target: format!("{name} (history)"), error: e.clone() });
            }
            let s = &page.info.storage;
            o.tables += 1;
            o.total_bytes += s.total_bytes;
            o.live_bytes += s.live_bytes;
            o.reclaimable_bytes += s.reclaimable_bytes;
            let schema = format!("{}.{}", t.source, t.namespace);
            let sb = schemas.entry(schema.clone()).or_insert(SchemaBytes {
                schema,
                tables: 0,
                total_bytes: 0,
                live_bytes: 0,
                reclaimable_bytes: 0,
            });
            sb.tables += 1;
            sb.total_bytes += s.total_bytes;
            sb.live_bytes += s.live_bytes;
            sb.reclaimable_bytes += s.reclaimable_bytes;
            match growth(&page.history, as_of - opts.growth_days * DAY_MS, as_of) {
                Some((before, now)) => {
                    let growth_bytes = now as i64 - before as i64;
                    o.movers.push(Mover {
                        table: name,
                        format: page.info.format,
                        bytes_before: before,
                        bytes_now: now,
                        growth_bytes,
                        growth_usd_per_month: profile.usd_per_month(now) - profile.usd_per_month(before),
                    });
                }
                None => o.growth_unknown.push(name),
            }
            o.findings.extend(findings::table_findings(self, &t, &page.info, rules, profile, as_of));
        }
        o.usd_per_month = profile.usd_per_month(o.total_bytes);
        o.growth_bytes = o.movers.iter().map(|m| m.growth_bytes).sum();
        o.growth_usd_per_month = o.movers.iter().map(|m| m.growth_usd_per_month).sum();
        rank_movers(&mut o.movers, opts.top);
        o.schemas = schemas.into_values().collect();
        sort_schemas(&mut o.schemas);
        findings::rank(&mut o.findings);
        o.findings_usd_per_month = o.findings.iter().map(|f| f.usd_per_month).sum();
        o.failures = failures;
        o
    }
}

mod from_store;
pub use from_store::overview_from_store;

/// The chart the Overview page and `lakescope chart top-growth` draw from an overview's movers.
pub fn top_growth_chart(movers: &[Mover], growth_days: i64) -> (String, &[Mover]) {
    (format!("Top {} tables by growth of live data, last {growth_days} days", movers.len()), movers)
}

/// [`top_growth_chart`] as SVG, for the app (which holds the movers already and only re-draws).
pub fn top_growth_chart_svg(movers: &[Mover], growth_days: i64, opts: &ChartOptions) -> Result<String> {
    if !(80..=4000).contains(&opts.width) || !(80..=2000).contains(&opts.height) {
        return Err(Error::invalid(format!("chart size {}x{} is outside 80x80 to 4000x2000 pixels", opts.width, opts.height)));
    }
    let (title, movers) = top_growth_chart(movers, growth_days);
    crate::charts::render_svg(&TopGrowthChart { title: &title, movers }, opts)
}

/// The per-schema chart of an overview as SVG, for the app (which holds the schemas already).
pub fn schema_chart_svg(schemas: &[SchemaBytes], opts: &ChartOptions) -> Result<String> {
    if !(80..=4000).contains(&opts.width) || !(80..=2000).contains(&opts.height) {
        return Err(Error::invalid(format!("chart size {}x{} is outside 80x80 to 4000x2000 pixels", opts.width, opts.height)));
    }
    crate::charts::render_svg(&crate::charts::SchemaChart { title: SCHEMA_CHART_TITLE, schemas }, opts)
}

/// The per-schema chart's title, the same in the app and `lakescope chart schemas`.
pub const SCHEMA_CHART_TITLE: &str = "Bytes on storage per schema";

#[cfg(test)]
mod tests {
    use super::*;

    fn row(version: i64, timestamp_ms: i64, data_bytes: u64) -> HistoryRow {
        HistoryRow {
            version,
            version_id: version.to_string(),
            timestamp_ms,
            operation: "WRITE".into(),
            records: None,
            data_files: 1,
            data_bytes,
            added_files: 1,
            removed_files: 0,
            added_bytes: 0,
            removed_bytes: 0,
        }
    }

    /// The app runs the overview on a multi-threaded runtime, which needs a `Send` future.
    #[test]
    fn overview_future_is_send_for_the_desktop_app() {
        fn send<T: Send>(_: T) {}
        let ls = Lakescope::new(Vec::new(), None);
        let (rules, profile) = (Rules::default(), PriceProfile::resolve(None).unwrap());
        send(ls.overview(&rules, &profile, &OverviewOptions::default()));
    }

    #[test]
    fn growth_takes_the_last_version_at_or_before_each_end() {
        let h = [row(0, 10, 100), row(1, 20, 150), row(2, 20, 170), row(3, 40, 120)];
        assert_eq!(growth(&h, 20, 40), Some((170, 120)), "two versions at one time: the later version wins");
        assert_eq!(growth(&h, 5, 25), Some((0, 170)), "before the first version the table held nothing");
        assert_eq!(growth(&h, 15, 30), Some((100, 170)));
        assert_eq!(growth(&[], 0, 10), None, "no history: unknown, not zero");
    }
}
