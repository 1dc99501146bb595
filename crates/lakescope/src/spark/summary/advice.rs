//! Right-sizing advice: rules over what an application (or several runs of it) reserved and used, each
//! with its threshold written here and repeated in the advice, and a config to paste.
//!
//! The rules look at the executors that do the work (the driver alone in local mode), and only at
//! executors whose peaks are known: advice never rests on an unknown read as zero.

use crate::model::{metric, Advice, AppSummary, ExecutorSummary, RunsAdvice, Telemetry};
use crate::spark::cost::Prices;
use crate::units;

/// Heap peak below this share of the heap: over-allocated.
pub const OVER_ALLOCATED_BELOW: f64 = 0.5;
/// Headroom added to an observed peak when suggesting a size.
pub const HEADROOM: f64 = 0.25;
/// Heap peak at or above this share of the heap: at risk.
pub const NEAR_LIMIT_AT: f64 = 0.9;
/// Growth suggested when memory ran out (kills, spills, near the limit).
pub const GROW: f64 = 1.5;
/// Python workers' peak RSS at or above this share of the memory reserved outside the heap
/// (overhead + PySpark memory): Python-heavy.
pub const PYTHON_SHARE_AT: f64 = 0.5;
/// …or at least this many times the JVM heap's peak (the job's memory goes to Python).
pub const PYTHON_OVER_HEAP: f64 = 1.0;
/// A stage is skewed when its slowest task takes at least this many times the mean task…
pub const SKEW_RATIO: f64 = 5.0;
/// …and at least this long.
pub const SKEW_MIN_MS: u64 = 30_000;
/// Spark refuses executors below 450 MiB (1.5 × its 300 MiB reserve); never suggest less than this.
const MIN_HEAP: u64 = 512 << 20;
const MIB: u64 = 1 << 20;
const GIB: u64 = 1 << 30;

/// What the rules look at, for one application or merged over runs.
#[derive(Debug, Clone, Default)]
pub struct Observed {
    /// `spark.executor` or `spark.driver` (local mode).
    pub role: &'static str,
    pub heap_bytes: u64,
    pub overhead_bytes: u64,
    pub overhead_explicit: bool,
    pub pyspark_bytes: u64,
    pub offheap_bytes: u64,
    pub heap_peak: Option<u64>,
    pub python_peak: Option<u64>,
    pub known: u32,
    pub unknown: u32,
    pub memory_spilled: u64,
    pub disk_spilled: u64,
    pub heap_kills: u32,
    pub container_kills: u32,
    pub shuffle_partitions: Option<u64>,
    /// Allocated GiB-hours of the executors in this role (what a smaller size would save on).
    pub allocated_gib_hours: f64,
    /// (stage id, slowest task ms, mean task ms) of skewed stages.
    pub skewed: Vec<(i64, u64, u64)>,
}

fn workers(app: &AppSummary) -> Vec<&ExecutorSummary> {
    let non_driver: Vec<&ExecutorSummary> = app.executors.iter().filter(|x| !x.is_driver).collect();
    if non_driver.is_empty() { app.executors.iter().collect() } else { non_driver }
}

/// Gather what the rules need from one application.
pub fn observe(app: &AppSummary) -> Observed {
    let ws = workers(app);
    let role = if ws.iter().all(|x| x.is_driver) { "spark.driver" } else { "spark.executor" };
    let mut o = Observed { role, ..Default::default() };
    let tree_on = app.memory_properties.get("spark.executor.processTreeMetrics.enabled").is_some_and(|v| v == "true");
    for x in &ws {
        o.heap_bytes = o.heap_bytes.max(x.allocated.heap_bytes);
        o.overhead_bytes = o.overhead_bytes.max(x.allocated.overhead_bytes);
        o.overhead_explicit |= x.allocated.overhead_explicit;
        o.pyspark_bytes = o.pyspark_bytes.max(x.allocated.pyspark_bytes);
        o.offheap_bytes = o.offheap_bytes.max(x.allocated.offheap_bytes);
        o.memory_spilled += x.memory_bytes_spilled;
        o.disk_spilled += x.disk_bytes_spilled;
        if x.lost_to_memory {
            let r = x.removal_reason.as_deref().unwrap_or("");
            if r.contains("code 52") || r.contains("OutOfMemoryError") { o.heap_kills += 1 } else { o.container_kills += 1 }
        }
        match (&x.peak, x.telemetry) {
            (Some(p), t) if t != Telemetry::None => {
                o.known += 1;
                o.heap_peak = Some(o.heap_peak.unwrap_or(0).max(p.get(metric::JVM_HEAP)));
                if tree_on && !(x.is_driver && app.master.as_deref().is_some_and(|m| m.starts_with("local-cluster"))) {
                    o.python_peak = Some(o.python_peak.unwrap_or(0).max(p.get(metric::PROCESS_TREE_PYTHON_RSS)));
                }
            }
            _ => o.unknown += 1,
        }
    }
    o.shuffle_partitions = app.memory_properties.get("spark.sql.shuffle.partitions").and_then(|v| v.parse().ok());
    let hours = crate::spark::summary::memory::memory_seconds(&app.executors, None, false, &Prices::default(), |x| x.peak.as_ref());
    let driver_only = crate::spark::summary::memory::memory_seconds(
        &app.executors.iter().filter(|x| x.is_driver).cloned().collect::<Vec<_>>(),
        None,
        false,
        &Prices::default(),
        |x| x.peak.as_ref(),
    );
    o.allocated_gib_hours = if role == "spark.driver" { hours.allocated_gib_hours } else { hours.allocated_gib_hours - driver_only.allocated_gib_hours };
    for s in &app.stages {
        if s.task_ms_max >= SKEW_MIN_MS && s.task_ms_mean > 0 && s.task_ms_max as f64 >= SKEW_RATIO * s.task_ms_mean as f64 {
            o.skewed.push((s.stage_id, s.task_ms_max, s.task_ms_mean));
        }
    }
    o
}

/// Merge observations of several runs: the largest peaks and sizes, all kills and spills.
pub fn merge(runs: &[Observed]) -> Observed {
    let mut o = runs.first().cloned().unwrap_or_default();
    for r in runs.iter().skip(1) {
        o.heap_bytes = o.heap_bytes.max(r.heap_bytes);
        o.overhead_bytes = o.overhead_bytes.max(r.overhead_bytes);
        o.overhead_explicit |= r.overhead_explicit;
        o.pyspark_bytes = o.pyspark_bytes.max(r.pyspark_bytes);
        o.heap_peak = match (o.heap_peak, r.heap_peak) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        o.python_peak = match (o.python_peak, r.python_peak) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        o.known += r.known;
        o.unknown += r.unknown;
        o.memory_spilled += r.memory_spilled;
        o.disk_spilled += r.disk_spilled;
        o.heap_kills += r.heap_kills;
        o.container_kills += r.container_kills;
        o.allocated_gib_hours += r.allocated_gib_hours;
        o.skewed.extend(r.skewed.iter().copied());
    }
    o
}

/// A size as Spark config text, rounded up: 128 MiB steps below 1 GiB, 512 MiB steps above.
pub fn size_conf(bytes: u64) -> String {
    let step = if bytes < GIB { 128 * MIB } else { 512 * MIB };
    let rounded = bytes.div_ceil(step).max(1) * step;
    if rounded % GIB == 0 { format!("{}g", rounded / GIB) } else { format!("{}m", rounded / MIB) }
}

/// A size as Spark config text, exactly (for settings kept as they are).
fn exact_conf(bytes: u64) -> String {
    if bytes.is_multiple_of(GIB) { format!("{}g", bytes / GIB) } else { format!("{}m", bytes.div_ceil(MIB)) }
}

fn opt_bytes(b: Option<u64>) -> String {
    b.map(units::bytes).unwrap_or_else(|| "unknown".into())
}

fn rounded(bytes: u64) -> u64 {
    super::allocated::parse_size(&size_conf(bytes), MIB).unwrap_or(bytes)
}

/// The container total for a heap, keeping the other settings and Spark's default overhead rule.
fn total_for(o: &Observed, heap: u64) -> u64 {
    let overhead = if o.overhead_explicit { o.overhead_bytes } else { ((heap / MIB) / 10).max(384) * MIB };
    heap + overhead + o.pyspark_bytes + o.offheap_bytes
}

fn advice(kind: &str, severity: &str, title: String, detail: String, threshold: String, observed: f64, config: String) -> Advice {
    Advice { kind: kind.into(), severity: severity.into(), title, detail, threshold, observed, config, saves_gib_hours: None, saves_usd: None }
}

/// Apply every rule.
pub fn rules(o: &Observed, prices: &Prices) -> Vec<Advice> {
    let mut out = Vec::new();
    let role = o.role;
    let heap_key = format!("{role}.memory");
    let ran_out = o.memory_spilled > 0 || o.heap_kills > 0 || o.container_kills > 0;
    if let (Some(peak), true) = (o.heap_peak, o.heap_bytes > 0) {
        let ratio = peak as f64 / o.heap_bytes as f64;
        if ratio < OVER_ALLOCATED_BELOW && !ran_out {
            let new_heap = rounded(((peak as f64 * (1.0 + HEADROOM)) as u64).max(MIN_HEAP));
            if new_heap < o.heap_bytes {
                let (old_t, new_t) = (total_for(o, o.heap_bytes), total_for(o, new_heap));
                let share = 1.0 - new_t as f64 / old_t as f64;
                let mut a = advice(
                    "over-allocated",
                    "info",
                    format!("Over-allocated: peaked at {} of a {} heap", units::bytes(peak), units::bytes(o.heap_bytes)),
                    format!(
                        "The heap ({heap_key}) was {} and peaked at {} ({:.0}%). Ask for {} and free {:.0}% of the memory-hours.",
                        units::bytes(o.heap_bytes),
                        units::bytes(peak),
                        ratio * 100.0,
                        size_conf(new_heap),
                        share * 100.0
                    ),
                    format!("heap peak < {:.0}% of heap; suggestion = peak + {:.0}% headroom", OVER_ALLOCATED_BELOW * 100.0, HEADROOM * 100.0),
                    ratio,
                    format!("--conf {heap_key}={}", size_conf(new_heap)),
                );
                let saved = o.allocated_gib_hours * share;
                a.saves_gib_hours = Some(saved);
                a.saves_usd = Some(saved * prices.usd_per_gib_hour);
                out.push(a);
            }
        }
        if ratio >= NEAR_LIMIT_AT {
            let new_heap = rounded((o.heap_bytes as f64 * GROW) as u64);
            out.push(advice(
                "near-limit",
                "warning",
                format!("At risk: heap peaked at {:.0}% of its limit", ratio * 100.0),
                format!("The heap peaked at {} of {}: one larger partition away from an OutOfMemoryError.", units::bytes(peak), units::bytes(o.heap_bytes)),
                format!("heap peak ≥ {:.0}% of heap; suggestion = heap × {GROW}", NEAR_LIMIT_AT * 100.0),
                ratio,
                format!("--conf {heap_key}={}", size_conf(new_heap)),
            ));
        }
    }
    if o.memory_spilled > 0 {
        let parts = o.shuffle_partitions.unwrap_or(200) * 2;
        out.push(advice(
            "spilling",
            "warning",
            format!("Spilling: {} spilled from memory ({} to disk)", units::bytes(o.memory_spilled), units::bytes(o.disk_spilled)),
            "Tasks ran out of execution memory and spilled to disk: give them more memory, or smaller partitions.".into(),
            format!("memory bytes spilled > 0; suggestion = heap × {GROW} or twice the shuffle partitions"),
            o.memory_spilled as f64,
            format!("--conf {heap_key}={} --conf spark.sql.shuffle.partitions={parts}", size_conf((o.heap_bytes as f64 * GROW) as u64)),
        ));
    }
    if o.heap_kills > 0 {
        out.push(advice(
            "memory-kills",
            "critical",
            format!("{} executor(s) died of java.lang.OutOfMemoryError", o.heap_kills),
            "Executors exited with code 52 (JVM out of heap): the heap is too small for the largest task.".into(),
            format!("removal reason exit code 52 / OutOfMemoryError; suggestion = heap × {GROW}"),
            o.heap_kills as f64,
            format!("--conf {heap_key}={}", size_conf((o.heap_bytes as f64 * GROW) as u64)),
        ));
    }
    if o.container_kills > 0 {
        let need = o.python_peak.map(|p| (p as f64 * (1.0 + HEADROOM)) as u64).unwrap_or(0);
        let new_overhead = rounded(((o.overhead_bytes as f64 * GROW) as u64).max(need));
        out.push(advice(
            "memory-kills",
            "critical",
            format!("{} executor(s) killed for exceeding their memory limit", o.container_kills),
            "Executors were SIGKILLed (exit 137) or stopped by the cluster manager for exceeding the container: the memory outside the heap (overhead: Python workers, native buffers) ran out.".into(),
            format!("removal reason exit 137 / memory-limit message; suggestion = overhead × {GROW} (at least Python peak + {:.0}%)", HEADROOM * 100.0),
            o.container_kills as f64,
            format!("--conf {role}.memoryOverhead={}", size_conf(new_overhead)),
        ));
    }
    if let Some(py) = o.python_peak.filter(|p| *p > 0) {
        let outside = o.overhead_bytes + o.pyspark_bytes;
        let share = py as f64 / outside.max(1) as f64;
        let over_heap = o.heap_peak.is_some_and(|h| py as f64 >= PYTHON_OVER_HEAP * h as f64);
        if (share >= PYTHON_SHARE_AT || over_heap) && role == "spark.executor" {
            // Never lower Python's own limit below what it has: pyspark.memory caps address space, not RSS.
            let need = rounded((py as f64 * (1.0 + HEADROOM)) as u64);
            let pyspark = if o.pyspark_bytes >= need { exact_conf(o.pyspark_bytes) } else { size_conf(need) };
            let mut config = format!("--conf spark.executor.pyspark.memory={pyspark}");
            if let Some(h) = o.heap_peak {
                let heap = rounded(((h as f64 * (1.0 + HEADROOM)) as u64).max(MIN_HEAP));
                if heap < o.heap_bytes {
                    config.push_str(&format!(" --conf spark.executor.memory={}", size_conf(heap)));
                }
            }
            out.push(advice(
                "python-heavy",
                if share >= 1.0 { "warning" } else { "info" },
                format!("Python-heavy: Python workers peaked at {}", units::bytes(py)),
                format!(
                    "Python workers live outside the JVM heap: they peaked at {} ({}the JVM heap's peak of {}) against {} of overhead + PySpark memory. Size Python's memory, not the heap.",
                    units::bytes(py),
                    if over_heap { "more than " } else { "less than " },
                    opt_bytes(o.heap_peak),
                    units::bytes(outside)
                ),
                format!(
                    "Python RSS ≥ {:.0}% of overhead + pyspark.memory, or ≥ {PYTHON_OVER_HEAP}× the heap peak; suggestion = Python peak + {:.0}% (never below the current pyspark.memory)",
                    PYTHON_SHARE_AT * 100.0,
                    HEADROOM * 100.0
                ),
                share,
                config,
            ));
        }
    }
    if let Some(&(stage, max, mean)) = o.skewed.iter().max_by_key(|s| s.1) {
        out.push(advice(
            "skew",
            "info",
            format!("Skew: stage {stage}'s slowest task took {:.0}× the mean", max as f64 / mean as f64),
            format!("{} stage(s) have a task far slower than the rest (slowest {} s vs mean {} s): one partition holds much more data.", o.skewed.len(), max / 1000, mean / 1000),
            format!("slowest task ≥ {SKEW_RATIO}× the mean and ≥ {} s", SKEW_MIN_MS / 1000),
            max as f64 / mean as f64,
            "--conf spark.sql.adaptive.enabled=true --conf spark.sql.adaptive.skewJoin.enabled=true".into(),
        ));
    }
    out
}

/// Advice for one application.
pub fn for_app(app: &AppSummary, prices: &Prices) -> Vec<Advice> {
    rules(&observe(app), prices)
}

/// Advice across runs of the same application name (suggestions sized for the largest run).
pub fn across_runs(apps: &[AppSummary], prices: &Prices) -> Vec<RunsAdvice> {
    let mut names: Vec<&str> = apps.iter().map(|a| a.app_name.as_str()).collect();
    names.sort();
    names.dedup();
    names
        .into_iter()
        .map(|name| {
            let runs: Vec<&AppSummary> = apps.iter().filter(|a| a.app_name == name).collect();
            let obs: Vec<Observed> = runs.iter().map(|a| observe(a)).collect();
            let m = merge(&obs);
            RunsAdvice {
                app_name: name.to_string(),
                runs: runs.len() as u32,
                app_ids: runs.iter().map(|a| a.app_id.clone()).collect(),
                heap_peak_bytes: m.heap_peak,
                heap_bytes: Some(m.heap_bytes).filter(|h| *h > 0),
                python_peak_bytes: m.python_peak,
                allocated_gib_hours: runs.iter().map(|a| a.memory.allocated_gib_hours).sum(),
                wasted_gib_hours: runs.iter().map(|a| a.memory.wasted_gib_hours).sum(),
                advice: rules(&m, prices),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn observed(heap_gib: u64, peak_mib: u64) -> Observed {
        Observed {
            role: "spark.executor",
            heap_bytes: heap_gib * GIB,
            overhead_bytes: heap_gib * GIB / 10,
            heap_peak: Some(peak_mib * MIB),
            known: 2,
            allocated_gib_hours: 100.0,
            ..Default::default()
        }
    }

    #[test]
    fn the_issue_example_16g_peaking_at_3_1g() {
        let a = rules(&observed(16, 3174), &Prices::default());
        assert_eq!(a.len(), 1, "{a:?}");
        assert_eq!(a[0].kind, "over-allocated");
        assert_eq!(a[0].config, "--conf spark.executor.memory=4g");
        let saved = a[0].saves_gib_hours.unwrap();
        assert!((74.0..76.0).contains(&saved), "frees ~75% of 100 GiB-hours: {saved}");
        assert!(a[0].threshold.contains("50%"));
    }

    #[test]
    fn near_limit_spills_and_kills() {
        let mut o = observed(4, 3900);
        o.memory_spilled = 1 << 30;
        o.heap_kills = 1;
        o.container_kills = 2;
        o.python_peak = Some(900 * MIB);
        let kinds: Vec<String> = rules(&o, &Prices::default()).into_iter().map(|a| a.kind).collect();
        assert_eq!(kinds, ["near-limit", "spilling", "memory-kills", "memory-kills", "python-heavy"]);
    }

    #[test]
    fn unknown_peaks_give_no_sizing_advice() {
        let mut o = observed(16, 0);
        o.heap_peak = None;
        assert!(rules(&o, &Prices::default()).is_empty());
    }

    #[test]
    fn config_sizes_round_up() {
        assert_eq!(size_conf(3_900 * MIB), "4g");
        assert_eq!(size_conf(600 * MIB), "640m");
        assert_eq!(size_conf(1500 * MIB), "1536m");
    }
}
