//! The fields of each event kind that the summary uses, named as Spark's `JsonProtocol` writes them.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::de::{Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use crate::model::{metric, Peaks};

#[derive(Deserialize)]
pub struct LogStart<'a> {
    #[serde(rename = "Spark Version", borrow)]
    pub version: Cow<'a, str>,
}

#[derive(Deserialize)]
pub struct AppStart<'a> {
    #[serde(rename = "App Name", borrow)]
    pub name: Cow<'a, str>,
    #[serde(rename = "App ID", borrow, default)]
    pub id: Option<Cow<'a, str>>,
    #[serde(rename = "App Attempt ID", borrow, default)]
    pub attempt_id: Option<Cow<'a, str>>,
    #[serde(rename = "Timestamp")]
    pub time: i64,
    #[serde(rename = "User", borrow, default)]
    pub user: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
pub struct AppEnd {
    #[serde(rename = "Timestamp")]
    pub time: i64,
}

/// Only "Spark Properties": JVM, Hadoop and system properties and the classpath are skipped.
#[derive(Deserialize)]
pub struct Environment {
    #[serde(rename = "Spark Properties", deserialize_with = "properties", default)]
    pub spark: BTreeMap<String, String>,
}

/// Spark 4 writes properties as an object; older Sparks as `[[key, value], …]`.
fn properties<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, String>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = BTreeMap<String, String>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an object or a list of [key, value] pairs")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Self::Value, A::Error> {
            let mut out = BTreeMap::new();
            while let Some((k, v)) = m.next_entry::<String, String>()? {
                out.insert(k, v);
            }
            Ok(out)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<Self::Value, A::Error> {
            let mut out = BTreeMap::new();
            while let Some((k, v)) = s.next_element::<(String, String)>()? {
                out.insert(k, v);
            }
            Ok(out)
        }
    }
    d.deserialize_any(V)
}

#[derive(Deserialize)]
pub struct ResourceProfile {
    #[serde(rename = "Resource Profile Id")]
    pub id: i32,
    #[serde(rename = "Executor Resource Requests", default)]
    pub executor: BTreeMap<String, ResourceRequest>,
}

#[derive(Deserialize)]
pub struct ResourceRequest {
    #[serde(rename = "Amount")]
    pub amount: f64,
}

#[derive(Deserialize)]
pub struct BlockManagerId<'a> {
    #[serde(rename = "Executor ID", borrow)]
    pub executor_id: Cow<'a, str>,
    #[serde(rename = "Host", borrow, default)]
    pub host: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
pub struct BlockManagerAdded<'a> {
    #[serde(rename = "Block Manager ID", borrow)]
    pub id: BlockManagerId<'a>,
    #[serde(rename = "Timestamp")]
    pub time: i64,
    #[serde(rename = "Maximum Onheap Memory", default)]
    pub max_onheap: Option<u64>,
    #[serde(rename = "Maximum Offheap Memory", default)]
    pub max_offheap: Option<u64>,
    #[serde(rename = "Maximum Memory", default)]
    pub max_memory: Option<u64>,
}

#[derive(Deserialize)]
pub struct ExecutorInfo<'a> {
    #[serde(rename = "Host", borrow, default)]
    pub host: Option<Cow<'a, str>>,
    #[serde(rename = "Total Cores", default)]
    pub cores: Option<u32>,
    #[serde(rename = "Resource Profile Id", default)]
    pub resource_profile_id: i32,
}

#[derive(Deserialize)]
pub struct ExecutorAdded<'a> {
    #[serde(rename = "Timestamp")]
    pub time: i64,
    #[serde(rename = "Executor ID", borrow)]
    pub executor_id: Cow<'a, str>,
    #[serde(rename = "Executor Info", borrow)]
    pub info: ExecutorInfo<'a>,
}

#[derive(Deserialize)]
pub struct ExecutorRemoved<'a> {
    #[serde(rename = "Timestamp")]
    pub time: i64,
    #[serde(rename = "Executor ID", borrow)]
    pub executor_id: Cow<'a, str>,
    #[serde(rename = "Removed Reason", borrow, default)]
    pub reason: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
pub struct StageInfo<'a> {
    #[serde(rename = "Stage ID")]
    pub stage_id: i64,
    #[serde(rename = "Stage Attempt ID", default)]
    pub attempt_id: i64,
    #[serde(rename = "Stage Name", borrow, default)]
    pub name: Cow<'a, str>,
    #[serde(rename = "Submission Time", default)]
    pub submission_time: Option<i64>,
    #[serde(rename = "Completion Time", default)]
    pub completion_time: Option<i64>,
    #[serde(rename = "Failure Reason", default)]
    pub failure_reason: Option<IgnoredAny>,
}

#[derive(Deserialize)]
pub struct JobStart<'a> {
    #[serde(rename = "Job ID")]
    pub job_id: i64,
    #[serde(rename = "Submission Time", default)]
    pub time: Option<i64>,
    #[serde(rename = "Stage Infos", borrow, default)]
    pub stages: Vec<StageInfo<'a>>,
    #[serde(rename = "Stage IDs", default)]
    pub stage_ids: Vec<i64>,
}

#[derive(Deserialize)]
pub struct JobResult<'a> {
    #[serde(rename = "Result", borrow)]
    pub result: Cow<'a, str>,
}

#[derive(Deserialize)]
pub struct JobEnd<'a> {
    #[serde(rename = "Job ID")]
    pub job_id: i64,
    #[serde(rename = "Completion Time", default)]
    pub time: Option<i64>,
    #[serde(rename = "Job Result", borrow)]
    pub result: JobResult<'a>,
}

#[derive(Deserialize)]
pub struct StageEvent<'a> {
    #[serde(rename = "Stage Info", borrow)]
    pub info: StageInfo<'a>,
}

#[derive(Deserialize)]
pub struct TaskInfo<'a> {
    #[serde(rename = "Executor ID", borrow)]
    pub executor_id: Cow<'a, str>,
    #[serde(rename = "Launch Time", default)]
    pub launch_time: i64,
    #[serde(rename = "Finish Time", default)]
    pub finish_time: i64,
}

#[derive(Deserialize)]
pub struct TaskStart<'a> {
    #[serde(rename = "Stage ID")]
    pub stage_id: i64,
    #[serde(rename = "Stage Attempt ID", default)]
    pub stage_attempt: i64,
    #[serde(rename = "Task Info", borrow)]
    pub info: TaskInfo<'a>,
}

#[derive(Deserialize)]
pub struct TaskEndReason<'a> {
    #[serde(rename = "Reason", borrow)]
    pub reason: Cow<'a, str>,
    #[serde(rename = "Class Name", borrow, default)]
    pub class_name: Option<Cow<'a, str>>,
}

#[derive(Deserialize, Default)]
pub struct TaskMetrics {
    #[serde(rename = "Memory Bytes Spilled", default)]
    pub memory_spilled: u64,
    #[serde(rename = "Disk Bytes Spilled", default)]
    pub disk_spilled: u64,
    #[serde(rename = "Peak Execution Memory", default)]
    pub peak_execution_memory: u64,
}

#[derive(Deserialize)]
pub struct TaskEnd<'a> {
    #[serde(rename = "Stage ID")]
    pub stage_id: i64,
    #[serde(rename = "Stage Attempt ID", default)]
    pub stage_attempt: i64,
    #[serde(rename = "Task End Reason", borrow)]
    pub reason: TaskEndReason<'a>,
    #[serde(rename = "Task Info", borrow)]
    pub info: TaskInfo<'a>,
    /// Absent in logs of Sparks before 3.0 (then Spark folds nothing).
    #[serde(rename = "Task Executor Metrics", default)]
    pub executor_metrics: Option<MetricValues>,
    #[serde(rename = "Task Metrics", default)]
    pub metrics: Option<TaskMetrics>,
}

#[derive(Deserialize)]
pub struct StageExecutorMetrics<'a> {
    #[serde(rename = "Executor ID", borrow)]
    pub executor_id: Cow<'a, str>,
    #[serde(rename = "Stage ID")]
    pub stage_id: i64,
    #[serde(rename = "Stage Attempt ID", default)]
    pub stage_attempt: i64,
    #[serde(rename = "Executor Metrics")]
    pub metrics: MetricValues,
}

#[derive(Deserialize)]
pub struct StageKeyedMetrics {
    #[serde(rename = "Stage ID")]
    pub stage_id: i64,
    #[serde(rename = "Stage Attempt ID", default)]
    pub stage_attempt: i64,
    #[serde(rename = "Executor Metrics")]
    pub metrics: MetricValues,
}

#[derive(Deserialize)]
pub struct MetricsUpdate<'a> {
    #[serde(rename = "Executor ID", borrow)]
    pub executor_id: Cow<'a, str>,
    #[serde(rename = "Executor Metrics Updated", default)]
    pub updates: Vec<StageKeyedMetrics>,
}

/// One ExecutorMetrics object as logged: names missing from it count as 0, as Spark's `JsonProtocol`
/// reads them (so folding it in always makes a peak "set").
#[derive(Debug, Clone, Copy)]
pub struct MetricValues(pub Peaks);

impl<'de> Deserialize<'de> for MetricValues {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = MetricValues;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an ExecutorMetrics object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<MetricValues, A::Error> {
                let mut values = [0i64; 23];
                while let Some(key) = m.next_key::<Cow<'de, str>>()? {
                    match metric::index(&key) {
                        Some(i) => values[i] = m.next_value::<i64>()?,
                        None => {
                            m.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(MetricValues(Peaks(values)))
            }
        }
        d.deserialize_map(V)
    }
}

/// `StreamingQueryListener.QueryProgressEvent`: the query's progress after one micro-batch.
#[derive(Deserialize)]
pub struct QueryProgressEvent<'a> {
    #[serde(borrow)]
    pub progress: QueryProgress<'a>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QueryProgress<'a> {
    #[serde(borrow)]
    pub id: Cow<'a, str>,
    #[serde(borrow)]
    pub run_id: Cow<'a, str>,
    #[serde(borrow, default)]
    pub name: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub timestamp: Cow<'a, str>,
    pub batch_id: i64,
    #[serde(default)]
    pub batch_duration: Option<u64>,
    #[serde(default)]
    pub duration_ms: BTreeMap<String, i64>,
    #[serde(default)]
    pub state_operators: Vec<StateOperator>,
    #[serde(default)]
    pub sources: Vec<ProgressSource>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StateOperator {
    #[serde(default)]
    pub num_rows_total: u64,
    #[serde(default)]
    pub memory_used_bytes: u64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProgressSource {
    #[serde(default)]
    pub num_input_rows: u64,
    #[serde(default, deserialize_with = "rate")]
    pub input_rows_per_second: f64,
    #[serde(default, deserialize_with = "rate")]
    pub processed_rows_per_second: f64,
}

/// Rates are numbers, or `"NaN"`/`"Infinity"` strings when a batch had no time.
fn rate<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    let v = serde_json::Value::deserialize(d)?;
    Ok(v.as_f64().filter(|x| x.is_finite()).unwrap_or(0.0))
}
