//! What storage and compute cost: price profiles (bytes, requests, memory- and core-hours) and the
//! dollars of a table now, over time, and forecast.
//!
//! Every dollar figure is bytes × a price from a profile with the unit conventions stated beside it
//! (byte unit, replication, a 730-hour month), so a user can redo the arithmetic by hand.

mod forecast;
mod profile;
mod table;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use forecast::{linear_fit, Fit};
pub use profile::{ByteUnit, PriceProfile, RequestPrices, StoragePrice, DEFAULT_PROFILE, MONTH_HOURS};
pub use table::{CostBreakdown, Forecast, ForecastPoint, TableCost, TrendOrigin, TrendPoint};

/// The price of memory- and core-hours, the way platform teams turn YARN's memorySeconds/vcoreSeconds
/// into a cloud-equivalent bill (a profile's `[compute]`; Spark executors are priced with it).
///
/// Defaults: Google Compute Engine N2 custom machine types, on-demand, us-central1 — they price vCPU and
/// memory separately ($0.031611 per vCPU-hour, $0.004237 per GiB-hour), which is exactly the split this
/// needs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct Prices {
    pub usd_per_gib_hour: f64,
    pub usd_per_vcore_hour: f64,
}

impl Default for Prices {
    fn default() -> Self {
        Prices { usd_per_gib_hour: 0.004237, usd_per_vcore_hour: 0.031611 }
    }
}
