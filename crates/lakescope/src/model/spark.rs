//! Spark applications as `lakescope spark --json` prints them and the Spark page shows them: per executor
//! what was allocated and what was used, per job and stage the executor peaks, memory-seconds and their
//! price, advice and warnings.
//!
//! `peak` figures are Spark's own ExecutorMetrics, keyed by Spark's metric names, and equal the History
//! Server's `peakMemoryMetrics` for the same log. Where Spark recorded nothing (or only zeros), the figure's
//! `telemetry` says so and a warning explains why: a missing number is never shown as a confident 0.

use std::collections::BTreeMap;

use serde::{Serialize, Serializer};
use ts_rs::TS;

/// Spark's ExecutorMetrics names, in Spark's own order (`ExecutorMetricType.metricToOffset`).
pub const METRIC_NAMES: [&str; 23] = [
    "JVMHeapMemory",
    "JVMOffHeapMemory",
    "OnHeapExecutionMemory",
    "OffHeapExecutionMemory",
    "OnHeapStorageMemory",
    "OffHeapStorageMemory",
    "OnHeapUnifiedMemory",
    "OffHeapUnifiedMemory",
    "DirectPoolMemory",
    "MappedPoolMemory",
    "ProcessTreeJVMVMemory",
    "ProcessTreeJVMRSSMemory",
    "ProcessTreePythonVMemory",
    "ProcessTreePythonRSSMemory",
    "ProcessTreeOtherVMemory",
    "ProcessTreeOtherRSSMemory",
    "MinorGCCount",
    "MinorGCTime",
    "MajorGCCount",
    "MajorGCTime",
    "TotalGCTime",
    "ConcurrentGCCount",
    "ConcurrentGCTime",
];

/// Index of a metric in [`METRIC_NAMES`].
pub mod metric {
    pub const JVM_HEAP: usize = 0;
    pub const JVM_OFF_HEAP: usize = 1;
    pub const ON_HEAP_EXECUTION: usize = 2;
    pub const OFF_HEAP_EXECUTION: usize = 3;
    pub const ON_HEAP_STORAGE: usize = 4;
    pub const OFF_HEAP_STORAGE: usize = 5;
    pub const PROCESS_TREE_JVM_RSS: usize = 11;
    pub const PROCESS_TREE_PYTHON_RSS: usize = 13;
    pub const PROCESS_TREE_OTHER_RSS: usize = 15;

    /// Position of a Spark metric name, if it is one we know (a `match`: this runs for every metric of
    /// every task end).
    pub fn index(name: &str) -> Option<usize> {
        Some(match name {
            "JVMHeapMemory" => 0,
            "JVMOffHeapMemory" => 1,
            "OnHeapExecutionMemory" => 2,
            "OffHeapExecutionMemory" => 3,
            "OnHeapStorageMemory" => 4,
            "OffHeapStorageMemory" => 5,
            "OnHeapUnifiedMemory" => 6,
            "OffHeapUnifiedMemory" => 7,
            "DirectPoolMemory" => 8,
            "MappedPoolMemory" => 9,
            "ProcessTreeJVMVMemory" => 10,
            "ProcessTreeJVMRSSMemory" => 11,
            "ProcessTreePythonVMemory" => 12,
            "ProcessTreePythonRSSMemory" => 13,
            "ProcessTreeOtherVMemory" => 14,
            "ProcessTreeOtherRSSMemory" => 15,
            "MinorGCCount" => 16,
            "MinorGCTime" => 17,
            "MajorGCCount" => 18,
            "MajorGCTime" => 19,
            "TotalGCTime" => 20,
            "ConcurrentGCCount" => 21,
            "ConcurrentGCTime" => 22,
            _ => return None,
        })
    }

    #[cfg(test)]
    mod tests {
        #[test]
        fn index_agrees_with_the_names() {
            for (i, n) in super::super::METRIC_NAMES.iter().enumerate() {
                assert_eq!(super::index(n), Some(i));
            }
            assert_eq!(super::index("Nope"), None);
        }
    }
}

/// Peak values of Spark's ExecutorMetrics, exactly as Spark folds them (`compareAndUpdatePeakValues`:
/// element-wise max). Serialised as `{"JVMHeapMemory": bytes, …}` in Spark's order.
/// (TypeScript sees it as `Record<string, number>`; each field using it says so.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Peaks(pub [i64; 23]);

impl Peaks {
    /// What Spark starts from: nothing recorded (`isSet` is false until the first update).
    pub const UNSET: Peaks = {
        let mut v = [0i64; 23];
        v[0] = -1;
        Peaks(v)
    };

    /// Spark's `ExecutorMetrics.isSet`: at least one update was folded in.
    pub fn is_set(&self) -> bool {
        self.0[0] > -1
    }

    /// Fold `other` in (element-wise max); true when anything grew.
    pub fn update(&mut self, other: &Peaks) -> bool {
        let mut grew = false;
        for (mine, theirs) in self.0.iter_mut().zip(other.0.iter()) {
            if *theirs > *mine {
                *mine = *theirs;
                grew = true;
            }
        }
        grew
    }

    /// A metric as bytes (0 when unset or negative).
    pub fn get(&self, idx: usize) -> u64 {
        self.0[idx].max(0) as u64
    }

    /// True when every memory figure is zero: Spark recorded the executor but measured nothing.
    pub fn all_zero(&self) -> bool {
        self.0[..16].iter().all(|v| *v <= 0)
    }
}

impl Default for Peaks {
    fn default() -> Self {
        Peaks::UNSET
    }
}

impl Serialize for Peaks {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(METRIC_NAMES.len()))?;
        for (name, v) in METRIC_NAMES.iter().zip(self.0.iter()) {
            m.serialize_entry(name, v)?;
        }
        m.end()
    }
}

/// Where an executor's `peak` came from. Spark logs executor memory only at task end ("Task Executor
/// Metrics"), in per-stage executor-metrics events (`spark.eventLog.logStageExecutorMetrics`) and in the
/// driver's heartbeats; the History Server folds all three.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum Telemetry {
    /// Per-stage executor metrics (the most complete source: polled peaks of every stage).
    StageMetrics,
    /// Only task-end metrics: peaks seen when tasks finished, missing what happened between.
    TaskEnd,
    /// Only the driver's heartbeats.
    Heartbeat,
    /// Read from a History Server, which does not say where its figure came from.
    HistoryServer,
    /// Nothing, or only zeros: the peak is unknown (never read it as "used nothing").
    None,
}

/// Memory the cluster manager reserves for one executor (or the driver), from the resource profile and
/// the application's properties.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Allocation {
    /// JVM heap (`spark.executor.memory` / `spark.driver.memory`).
    #[ts(type = "number")]
    pub heap_bytes: u64,
    /// `spark.memory.offHeap.size` when `spark.memory.offHeap.enabled`.
    #[ts(type = "number")]
    pub offheap_bytes: u64,
    /// `spark.executor.memoryOverhead`, or the default max(factor × heap, minimum).
    #[ts(type = "number")]
    pub overhead_bytes: u64,
    /// Whether the overhead was set explicitly (false: Spark's default rule applied).
    pub overhead_explicit: bool,
    /// `spark.executor.pyspark.memory` (0: not set, Python workers live inside the overhead).
    #[ts(type = "number")]
    pub pyspark_bytes: u64,
    /// The container: heap + off-heap + overhead + PySpark.
    #[ts(type = "number")]
    pub total_bytes: u64,
}

/// One executor (or the driver) of an application.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ExecutorSummary {
    /// Spark's executor id (`"driver"`, `"0"`, `"1"`, …).
    pub id: String,
    pub host: Option<String>,
    pub is_driver: bool,
    #[ts(type = "number | null")]
    pub add_ms: Option<i64>,
    /// When Spark removed it; null when it was still alive when the log ends.
    #[ts(type = "number | null")]
    pub remove_ms: Option<i64>,
    /// End of its lifetime for memory-seconds: `remove_ms`, else the application's end (or the last
    /// event of an unfinished log).
    #[ts(type = "number | null")]
    pub end_ms: Option<i64>,
    pub removal_reason: Option<String>,
    /// The removal reason reads as a memory kill (JVM OutOfMemoryError exit 52, SIGKILL 137, YARN /
    /// Kubernetes memory-limit messages).
    pub lost_to_memory: bool,
    #[ts(type = "number | null")]
    pub cores: Option<u32>,
    pub resource_profile_id: i32,
    pub allocated: Allocation,
    /// Spark's peak ExecutorMetrics (History Server `peakMemoryMetrics`); null when Spark recorded none.
    #[ts(type = "Record<string, number> | null")]
    pub peak: Option<Peaks>,
    pub telemetry: Telemetry,
    #[ts(type = "number")]
    pub tasks: u64,
    #[ts(type = "number")]
    pub failed_tasks: u64,
    #[ts(type = "number")]
    pub memory_bytes_spilled: u64,
    #[ts(type = "number")]
    pub disk_bytes_spilled: u64,
    /// Storage memory the block manager offered (on-heap + off-heap), from its registration.
    #[ts(type = "number | null")]
    pub max_storage_bytes: Option<u64>,
}

/// One Spark job, with the executor peaks of the stages that ran for it.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct JobSummary {
    #[ts(type = "number")]
    pub job_id: i64,
    pub name: String,
    #[ts(type = "number | null")]
    pub start_ms: Option<i64>,
    #[ts(type = "number | null")]
    pub end_ms: Option<i64>,
    /// `succeeded`, `failed` or `running` (no end in the log).
    pub status: String,
    #[ts(type = "Array<number>")]
    pub stage_ids: Vec<i64>,
    /// Executor id → max over every attempt of the job's stages (failed ones included; skipped stages
    /// carry none) of that executor's stage peaks, the driver included.
    #[ts(type = "Record<string, Record<string, number>>")]
    pub peak_by_executor: BTreeMap<String, Peaks>,
    pub memory: MemorySeconds,
}

/// One stage attempt, as the History Server's stage page lists it.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct StageSummary {
    #[ts(type = "number")]
    pub stage_id: i64,
    #[ts(type = "number")]
    pub attempt_id: i64,
    pub name: String,
    /// `complete`, `failed`, `skipped`, `active` or `pending`.
    pub status: String,
    #[ts(type = "Array<number>")]
    pub job_ids: Vec<i64>,
    #[ts(type = "number | null")]
    pub submission_ms: Option<i64>,
    #[ts(type = "number | null")]
    pub completion_ms: Option<i64>,
    #[ts(type = "number")]
    pub tasks: u64,
    #[ts(type = "number")]
    pub failed_tasks: u64,
    #[ts(type = "number")]
    pub memory_bytes_spilled: u64,
    #[ts(type = "number")]
    pub disk_bytes_spilled: u64,
    /// Task run times: mean and max, for skew.
    #[ts(type = "number")]
    pub task_ms_mean: u64,
    #[ts(type = "number")]
    pub task_ms_max: u64,
    /// Executor id → that executor's peaks during this attempt (History Server stage `executorSummary`).
    #[ts(type = "Record<string, Record<string, number>>")]
    pub peak_by_executor: BTreeMap<String, Peaks>,
}

/// Memory-seconds reserved and used, converted to GiB-hours and priced.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct MemorySeconds {
    /// Σ container total × lifetime, in GiB-hours.
    pub allocated_gib_hours: f64,
    /// Σ peak used × lifetime, in GiB-hours, over executors whose use is known.
    pub used_gib_hours: f64,
    /// allocated − used over executors whose use is known.
    pub wasted_gib_hours: f64,
    /// Σ cores × lifetime, in core-hours.
    pub vcore_hours: f64,
    /// Executors whose use is unknown (no telemetry): their allocation counts, their waste does not.
    pub executors_unknown: u32,
    pub cost: Cost,
}

/// What memory- and core-hours cost at the configured prices.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Cost {
    pub allocated_usd: f64,
    pub wasted_usd: f64,
    pub vcore_usd: f64,
}

/// Structured Streaming progress, folded per query.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct StreamingQuery {
    pub id: String,
    pub run_id: String,
    pub name: Option<String>,
    #[ts(type = "number")]
    pub batches: u64,
    #[ts(type = "number | null")]
    pub first_batch_id: Option<i64>,
    #[ts(type = "number | null")]
    pub last_batch_id: Option<i64>,
    #[ts(type = "number")]
    pub batch_ms_mean: u64,
    #[ts(type = "number")]
    pub batch_ms_max: u64,
    #[ts(type = "number")]
    pub input_rows: u64,
    pub input_rows_per_second_mean: f64,
    pub processed_rows_per_second_mean: f64,
    pub processed_rows_per_second_max: f64,
    /// Max over batches of the sum of the state operators' `memoryUsedBytes`.
    #[ts(type = "number")]
    pub state_memory_bytes_max: u64,
    #[ts(type = "number")]
    pub state_memory_bytes_last: u64,
    #[ts(type = "number")]
    pub state_rows_max: u64,
    /// The most recent batches (at most 500), oldest first, for a chart.
    pub recent: Vec<StreamingBatch>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct StreamingBatch {
    #[ts(type = "number")]
    pub batch_id: i64,
    pub timestamp: String,
    #[ts(type = "number")]
    pub duration_ms: u64,
    #[ts(type = "number")]
    pub input_rows: u64,
    pub processed_rows_per_second: f64,
    #[ts(type = "number")]
    pub state_memory_bytes: u64,
}

/// A suggestion with the rule that produced it and a config to paste.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Advice {
    /// `over-allocated`, `near-limit`, `spilling`, `memory-kills`, `python-heavy`, `skew`.
    pub kind: String,
    /// `info`, `warning` or `critical`.
    pub severity: String,
    pub title: String,
    pub detail: String,
    /// The rule, with its threshold, as written in the code (`heap peak < 50% of heap`).
    pub threshold: String,
    /// The measured value the rule looked at, e.g. the peak/heap ratio.
    pub observed: f64,
    /// Ready to paste: `--conf spark.executor.memory=4g …`.
    pub config: String,
    /// Memory-hours the suggestion frees (negative: it asks for more), when it can be computed.
    pub saves_gib_hours: Option<f64>,
    pub saves_usd: Option<f64>,
}

/// Something that could not be measured or read, said out loud.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Warning {
    /// `no-telemetry`, `zero-peaks`, `process-tree-off`, `no-stage-metrics`, `truncated`, `in-progress`,
    /// `corrupt-line`, `long-line`.
    pub kind: String,
    pub message: String,
    pub executor_id: Option<String>,
}

/// One Spark application attempt: what `lakescope spark --json` prints per application.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct AppSummary {
    pub app_id: String,
    pub attempt_id: Option<String>,
    pub app_name: String,
    pub spark_version: Option<String>,
    pub user: Option<String>,
    pub master: Option<String>,
    /// Where it was read from (a log file or directory, or a History Server URL).
    pub source: String,
    #[ts(type = "number | null")]
    pub start_ms: Option<i64>,
    /// Application end; null for an unfinished (in-progress) log.
    #[ts(type = "number | null")]
    pub end_ms: Option<i64>,
    pub completed: bool,
    /// Uncompressed bytes of event log read (0 from a History Server).
    #[ts(type = "number")]
    pub log_bytes: u64,
    #[ts(type = "number")]
    pub events: u64,
    pub executors: Vec<ExecutorSummary>,
    pub jobs: Vec<JobSummary>,
    pub stages: Vec<StageSummary>,
    pub memory: MemorySeconds,
    pub streaming: Vec<StreamingQuery>,
    pub advice: Vec<Advice>,
    pub warnings: Vec<Warning>,
    /// The Spark properties that decide memory (`spark.executor.memory`, `spark.memory.*`, …).
    pub memory_properties: BTreeMap<String, String>,
}

/// Advice across several runs of the same application name.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct RunsAdvice {
    pub app_name: String,
    pub runs: u32,
    pub app_ids: Vec<String>,
    /// Max over runs of the executors' heap peak, and the heap they asked for.
    #[ts(type = "number | null")]
    pub heap_peak_bytes: Option<u64>,
    #[ts(type = "number | null")]
    pub heap_bytes: Option<u64>,
    #[ts(type = "number | null")]
    pub python_peak_bytes: Option<u64>,
    pub allocated_gib_hours: f64,
    pub wasted_gib_hours: f64,
    pub advice: Vec<Advice>,
}

/// An input that could not be read, next to the applications that could.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct SparkInputError {
    pub input: String,
    pub error: crate::error::ErrorReport,
}
