//! The price of memory- and core-hours, the way platform teams turn YARN's memorySeconds/vcoreSeconds
//! into a cloud-equivalent bill.
//!
//! Defaults: Google Compute Engine N2 custom machine types, on-demand, us-central1 — they price vCPU and
//! memory separately ($0.031611 per vCPU-hour, $0.004237 per GiB-hour), which is exactly the split this
//! needs. A team's own cost profile replaces these (another issue's work); this stays one small function.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::model::Cost;

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
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

/// Price allocated and wasted GiB-hours and core-hours.
pub fn price(allocated_gib_hours: f64, wasted_gib_hours: f64, vcore_hours: f64, p: &Prices) -> Cost {
    Cost {
        allocated_usd: allocated_gib_hours * p.usd_per_gib_hour,
        wasted_usd: wasted_gib_hours * p.usd_per_gib_hour,
        vcore_usd: vcore_hours * p.usd_per_vcore_hour,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn prices_gib_and_core_hours() {
        let c = super::price(100.0, 75.0, 10.0, &super::Prices::default());
        assert!((c.allocated_usd - 0.4237).abs() < 1e-9);
        assert!((c.wasted_usd - 0.317775).abs() < 1e-9);
        assert!((c.vcore_usd - 0.31611).abs() < 1e-9);
    }
}
