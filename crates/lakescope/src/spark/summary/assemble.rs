//! From everything known about an application (read from a log or a History Server) to its summary:
//! lifetimes, job peaks, memory-seconds, warnings about what could not be measured, and advice — one
//! derivation for both sources, so they cannot drift apart.

use std::collections::BTreeMap;

use crate::model::{AppSummary, ExecutorSummary, JobSummary, Peaks, StageSummary, Telemetry, Warning};
use crate::spark::cost::Prices;

use super::{advice, memory, warning};

/// Spark properties that decide memory, kept on the summary so advice and the app can show them.
const MEMORY_PROPERTY_PREFIXES: &[&str] = &[
    "spark.master",
    "spark.executor.memory",
    "spark.executor.minMemoryOverhead",
    "spark.executor.pyspark.memory",
    "spark.executor.cores",
    "spark.executor.instances",
    "spark.executor.processTreeMetrics.enabled",
    "spark.executor.metrics.pollingInterval",
    "spark.driver.memory",
    "spark.driver.minMemoryOverhead",
    "spark.driver.cores",
    "spark.memory.",
    "spark.eventLog.logStageExecutorMetrics",
    "spark.sql.shuffle.partitions",
    "spark.dynamicAllocation.enabled",
    "spark.kubernetes.resource.type",
];

/// Everything known about an application, from a log or a History Server, before the derived figures.
pub struct Parts {
    pub app_id: String,
    pub attempt_id: Option<String>,
    pub app_name: String,
    pub spark_version: Option<String>,
    pub user: Option<String>,
    pub source: String,
    pub start_ms: Option<i64>,
    pub end_ms: Option<i64>,
    /// The last time the log mentions (the end of an unfinished application).
    pub last_ms: Option<i64>,
    pub log_bytes: u64,
    pub events: u64,
    /// With `allocated`, `peak`, `telemetry` and lifetimes filled in.
    pub executors: Vec<ExecutorSummary>,
    /// Without peaks and memory yet.
    pub jobs: Vec<JobSummary>,
    pub stages: Vec<StageSummary>,
    pub streaming: Vec<crate::model::StreamingQuery>,
    pub props: BTreeMap<String, String>,
    pub saw_stage_metrics: bool,
    pub warnings: Vec<Warning>,
}

/// Job peaks (max over the attempts of the stages that ran for the job), memory-seconds, warnings and
/// advice: the same derivation whether the parts came from a log or a History Server.
pub fn assemble(p: Parts, prices: &Prices) -> AppSummary {
    let mut warnings = p.warnings;
    let completed = p.end_ms.is_some();
    if !completed {
        warnings.push(warning(
            "in-progress",
            "the log has no application end: the application was still running (or died) when it was read; executors still alive end at the last event".into(),
        ));
    }
    let app_end = p.end_ms.or(p.last_ms);
    let mut executors = p.executors;
    for x in executors.iter_mut().filter(|x| x.end_ms.is_none()) {
        x.end_ms = x.remove_ms.or(app_end);
    }
    executors.sort_by_key(|x| (!x.is_driver, id_key(&x.id)));
    executor_warnings(&mut warnings, &p.props, p.saw_stage_metrics, &executors);
    let master = p.props.get("spark.master").cloned();
    let shared = memory::driver_tree_is_shared(master.as_deref());
    let stages = p.stages;
    let jobs: Vec<JobSummary> = p
        .jobs
        .into_iter()
        .map(|mut j| {
            let mut peak_by_executor: BTreeMap<String, Peaks> = BTreeMap::new();
            for s in stages.iter().filter(|s| j.stage_ids.contains(&s.stage_id) && s.job_ids.contains(&j.job_id)) {
                for (id, pk) in &s.peak_by_executor {
                    peak_by_executor.entry(id.clone()).or_insert(Peaks::UNSET).update(pk);
                }
            }
            let window = j.start_ms.map(|s| (s, j.end_ms.or(app_end).unwrap_or(s)));
            if let Some(w) = window {
                j.memory = memory::memory_seconds(&executors, Some(w), shared, prices, |x| peak_by_executor.get(&x.id));
            }
            j.peak_by_executor = peak_by_executor;
            j
        })
        .collect();
    let memory = memory::memory_seconds(&executors, None, shared, prices, |x| x.peak.as_ref());
    let memory_properties =
        p.props.iter().filter(|(k, _)| MEMORY_PROPERTY_PREFIXES.iter().any(|pre| k.starts_with(pre))).map(|(k, v)| (k.clone(), v.clone())).collect();
    let mut app = AppSummary {
        app_id: p.app_id,
        attempt_id: p.attempt_id,
        app_name: p.app_name,
        spark_version: p.spark_version,
        user: p.user,
        master,
        source: p.source,
        start_ms: p.start_ms,
        end_ms: p.end_ms,
        completed,
        log_bytes: p.log_bytes,
        events: p.events,
        executors,
        jobs,
        stages,
        memory,
        streaming: p.streaming,
        advice: Vec::new(),
        warnings,
        memory_properties,
    };
    app.advice = advice::for_app(&app, prices);
    app
}

fn executor_warnings(warnings: &mut Vec<Warning>, props: &BTreeMap<String, String>, saw_stage_metrics: bool, execs: &[ExecutorSummary]) {
    let python = props.keys().any(|k| k.starts_with("spark.pyspark.") || k == "spark.submit.pyFiles");
    if python && props.get("spark.executor.processTreeMetrics.enabled").is_none_or(|v| v != "true") {
        warnings.push(warning(
            "process-tree-off",
            "Python workers' memory is unknown: process-tree metrics were off (spark.executor.processTreeMetrics.enabled=true records ProcessTreePythonRSSMemory); ProcessTree* figures read 0 but mean \"not measured\"".into(),
        ));
    }
    if !saw_stage_metrics {
        warnings.push(warning(
            "no-stage-metrics",
            "the log has no stage executor metrics (spark.eventLog.logStageExecutorMetrics=false): peaks come only from task ends and heartbeats and miss what happened between them".into(),
        ));
    }
    for x in execs.iter().filter(|x| x.telemetry == Telemetry::None) {
        let (kind, why) = match (&x.peak, x.tasks) {
            (_, 0) if !x.is_driver => ("no-telemetry", "ran no task and Spark logged no metrics for it"),
            (None, _) => ("no-telemetry", "has no memory metrics in the log"),
            (Some(_), _) => ("zero-peaks", "has only zero memory metrics (tasks too short for the metrics poller, or polling off)"),
        };
        warnings.push(Warning {
            kind: kind.into(),
            message: format!("executor {} {why}: its peak memory is unknown, not 0", x.id),
            executor_id: Some(x.id.clone()),
        });
    }
}

/// Numeric executor ids sort as numbers.
fn id_key(id: &str) -> (u64, String) {
    (id.parse::<u64>().unwrap_or(u64::MAX), id.to_string())
}

/// A removal reason that reads as a memory kill.
pub fn lost_to_memory(reason: &str) -> bool {
    const SIGNS: &[&str] = &[
        "exited with code 52",
        "exit code 52",
        "code 137",
        "OutOfMemoryError",
        "OOMKilled",
        "exceeding memory limits",
        "exceeds memory limits",
        "physical memory limits",
        "memory limit",
    ];
    SIGNS.iter().any(|s| reason.contains(s))
}

/// Provenance from the sources that brought non-zero figures.
pub fn telemetry_of(peak: &Peaks, stage: bool, task_end: bool, heartbeat: bool) -> Telemetry {
    if !peak.is_set() || peak.all_zero() {
        Telemetry::None
    } else if stage {
        Telemetry::StageMetrics
    } else if task_end {
        Telemetry::TaskEnd
    } else if heartbeat {
        Telemetry::Heartbeat
    } else {
        Telemetry::None
    }
}

