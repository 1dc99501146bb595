//! The price of memory- and core-hours, the way platform teams turn YARN's memorySeconds/vcoreSeconds
//! into a cloud-equivalent bill.
//!
//! The prices themselves are a price profile's `[compute]` section ([`crate::cost::Prices`]); this stays
//! one small function.

use crate::model::Cost;

/// The compute prices of a price profile (see [`crate::cost`]); the Spark pages price executors with them.
pub use crate::cost::Prices;

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
