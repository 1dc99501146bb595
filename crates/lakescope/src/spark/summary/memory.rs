//! Memory-seconds: what each executor reserved over its lifetime against what it used at its peak.
//!
//! "Used" is the executor's peak footprint from Spark's own metrics: the process tree's resident memory
//! (JVM + Python + other) when process-tree metrics were on, else JVM heap + JVM off-heap (Python unknown).
//! In `local-cluster` mode the driver's process tree includes the executors, so the driver counts only its
//! JVM figures there. Executors without telemetry add to the allocation but not to used or wasted: an
//! unknown is not a zero.

use crate::model::{metric, ExecutorSummary, MemorySeconds, Peaks, Telemetry};
use crate::spark::cost::{price, Prices};

const GIB: f64 = (1u64 << 30) as f64;
const MS_PER_HOUR: f64 = 3_600_000.0;

/// The peak bytes an executor used, when known.
pub fn used_bytes(peak: &Peaks, jvm_only: bool) -> u64 {
    let jvm = peak.get(metric::JVM_HEAP) + peak.get(metric::JVM_OFF_HEAP);
    let tree = peak.get(metric::PROCESS_TREE_JVM_RSS) + peak.get(metric::PROCESS_TREE_PYTHON_RSS) + peak.get(metric::PROCESS_TREE_OTHER_RSS);
    if jvm_only || peak.get(metric::PROCESS_TREE_JVM_RSS) == 0 { jvm } else { tree.max(jvm) }
}

/// Whether a driver's process-tree figures include other processes' (local-cluster mode).
pub fn driver_tree_is_shared(master: Option<&str>) -> bool {
    master.is_some_and(|m| m.starts_with("local-cluster"))
}

/// Overlap of two time ranges, in milliseconds.
fn overlap(a: (i64, i64), b: (i64, i64)) -> i64 {
    (a.1.min(b.1) - a.0.max(b.0)).max(0)
}

/// Fold executors over `window` (None: each executor's whole lifetime). `peak_of` gives the peak to count
/// for an executor in this window (its own peak for the app, its job peak for a job).
pub fn memory_seconds<'a>(
    execs: &'a [ExecutorSummary],
    window: Option<(i64, i64)>,
    shared_driver_tree: bool,
    prices: &Prices,
    peak_of: impl Fn(&'a ExecutorSummary) -> Option<&'a Peaks>,
) -> MemorySeconds {
    let mut m = MemorySeconds::default();
    for x in execs {
        let (Some(add), Some(end)) = (x.add_ms, x.end_ms) else { continue };
        let ms = match window {
            Some(w) => overlap((add, end), w),
            None => (end - add).max(0),
        };
        if ms == 0 {
            continue;
        }
        let hours = ms as f64 / MS_PER_HOUR;
        let alloc = x.allocated.total_bytes as f64 / GIB * hours;
        m.allocated_gib_hours += alloc;
        m.vcore_hours += x.cores.unwrap_or(1) as f64 * hours;
        let known = peak_of(x).filter(|p| p.is_set() && !p.all_zero() && x.telemetry != Telemetry::None);
        match known {
            Some(p) => {
                let used = used_bytes(p, x.is_driver && shared_driver_tree) as f64 / GIB * hours;
                m.used_gib_hours += used;
                m.wasted_gib_hours += (alloc - used).max(0.0);
            }
            None => m.executors_unknown += 1,
        }
    }
    m.cost = price(m.allocated_gib_hours, m.wasted_gib_hours, m.vcore_hours, prices);
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Allocation;

    fn exec(id: &str, total_gib: u64, add: i64, end: i64, heap_peak: i64) -> ExecutorSummary {
        let mut peak = Peaks::UNSET;
        let mut v = [0i64; 23];
        v[metric::JVM_HEAP] = heap_peak;
        peak.update(&Peaks(v));
        ExecutorSummary {
            id: id.into(),
            host: None,
            is_driver: id == "driver",
            add_ms: Some(add),
            remove_ms: None,
            end_ms: Some(end),
            removal_reason: None,
            lost_to_memory: false,
            cores: Some(2),
            resource_profile_id: 0,
            allocated: Allocation { total_bytes: total_gib << 30, ..Default::default() },
            peak: Some(peak),
            telemetry: if heap_peak > 0 { Telemetry::TaskEnd } else { Telemetry::None },
            tasks: 1,
            failed_tasks: 0,
            memory_bytes_spilled: 0,
            disk_bytes_spilled: 0,
            max_storage_bytes: None,
        }
    }

    #[test]
    fn allocated_used_and_unknown() {
        let hour = 3_600_000;
        let execs = vec![exec("1", 16, 0, 2 * hour, 4 << 30), exec("2", 16, 0, hour, 0)];
        let m = memory_seconds(&execs, None, false, &Prices::default(), |x| x.peak.as_ref());
        assert!((m.allocated_gib_hours - 48.0).abs() < 1e-9);
        assert!((m.used_gib_hours - 8.0).abs() < 1e-9);
        assert!((m.wasted_gib_hours - 24.0).abs() < 1e-9, "the unknown executor's hours are not waste");
        assert_eq!(m.executors_unknown, 1);
        assert!((m.vcore_hours - 6.0).abs() < 1e-9);
        let w = memory_seconds(&execs, Some((hour / 2, 3 * hour)), false, &Prices::default(), |x| x.peak.as_ref());
        assert!((w.allocated_gib_hours - 16.0 * 1.5 - 8.0).abs() < 1e-9);
    }
}
