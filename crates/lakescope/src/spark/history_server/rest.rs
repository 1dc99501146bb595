//! The History Server's JSON, as its `status.api.v1` classes serialise it (only the fields we use).

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::spark::events::MetricValues;

#[derive(Deserialize)]
pub struct Application {
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub attempts: Vec<Attempt>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Attempt {
    #[serde(default)]
    pub attempt_id: Option<String>,
    #[serde(default)]
    pub completed: bool,
    #[serde(default)]
    pub spark_user: Option<String>,
    #[serde(default)]
    pub app_spark_version: Option<String>,
    #[serde(default)]
    pub start_time_epoch: Option<i64>,
    #[serde(default)]
    pub end_time_epoch: Option<i64>,
    #[serde(default)]
    pub last_updated_epoch: Option<i64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StorageMemory {
    #[serde(default)]
    pub total_on_heap_storage_memory: u64,
    #[serde(default)]
    pub total_off_heap_storage_memory: u64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RestExecutor {
    pub id: String,
    #[serde(default)]
    pub host_port: Option<String>,
    #[serde(default)]
    pub total_cores: u32,
    #[serde(default)]
    pub total_tasks: u64,
    #[serde(default)]
    pub failed_tasks: u64,
    #[serde(default)]
    pub max_memory: Option<u64>,
    #[serde(default)]
    pub add_time: Option<String>,
    #[serde(default)]
    pub remove_time: Option<String>,
    #[serde(default)]
    pub remove_reason: Option<String>,
    #[serde(default)]
    pub memory_metrics: Option<StorageMemory>,
    #[serde(default)]
    pub peak_memory_metrics: Option<MetricValues>,
    #[serde(default)]
    pub resource_profile_id: i32,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RestJob {
    pub job_id: i64,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub submission_time: Option<String>,
    #[serde(default)]
    pub completion_time: Option<String>,
    #[serde(default)]
    pub stage_ids: Vec<i64>,
    #[serde(default)]
    pub status: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RestStageExecutor {
    #[serde(default)]
    pub memory_bytes_spilled: u64,
    #[serde(default)]
    pub disk_bytes_spilled: u64,
    #[serde(default)]
    pub peak_memory_metrics: Option<MetricValues>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RestStage {
    pub stage_id: i64,
    #[serde(default)]
    pub attempt_id: i64,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub submission_time: Option<String>,
    #[serde(default)]
    pub completion_time: Option<String>,
    #[serde(default)]
    pub num_complete_tasks: u64,
    #[serde(default)]
    pub num_failed_tasks: u64,
    #[serde(default)]
    pub executor_run_time: u64,
    #[serde(default)]
    pub memory_bytes_spilled: u64,
    #[serde(default)]
    pub disk_bytes_spilled: u64,
    #[serde(default)]
    pub executor_summary: BTreeMap<String, RestStageExecutor>,
}

#[derive(Deserialize)]
pub struct RestResource {
    #[serde(default)]
    pub amount: f64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RestProfile {
    pub id: i32,
    #[serde(default)]
    pub executor_resources: BTreeMap<String, RestResource>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RestEnvironment {
    #[serde(default)]
    pub spark_properties: Vec<(String, String)>,
    #[serde(default)]
    pub resource_profiles: Vec<RestProfile>,
}

/// The server's dates: `2026-12-01T10:11:37.221GMT`. Its "-1" date (`1969-12-31T23:59:59.999GMT`)
/// means "none".
pub fn parse_time(s: &str) -> Option<i64> {
    let t = chrono::NaiveDateTime::parse_from_str(s.trim_end_matches("GMT"), "%Y-%m-%dT%H:%M:%S%.3f").ok()?;
    let ms = t.and_utc().timestamp_millis();
    (ms >= 0).then_some(ms)
}

#[cfg(test)]
mod tests {
    #[test]
    fn server_dates() {
        assert_eq!(super::parse_time("2026-12-01T10:11:37.221GMT"), Some(1_796_119_897_221));
        assert_eq!(super::parse_time("1969-12-31T23:59:59.999GMT"), None);
        assert_eq!(super::parse_time("yesterday"), None);
    }
}
