//! From a stream of event-log bytes to an [`AppSummary`]: lines are split with a fixed buffer, each
//! needed event is parsed and replayed (History Server rules, see [`replay`]), and at the end the state
//! becomes executors with allocated vs peak memory, jobs and stages with executor peaks, memory-seconds,
//! streaming progress, advice and warnings.
//!
//! Damage is reported, not fatal: a cut last line or zstd frame (a log copied while Spark was writing
//! it), a corrupt line in the middle, or a codec error after some events all become warnings and keep
//! everything read before; only a stream with no application in it is an error.

pub mod advice;
pub mod allocated;
mod assemble;
pub mod memory;
mod replay;
mod streaming;

pub use assemble::{assemble, lost_to_memory, telemetry_of, Parts};

use std::collections::BTreeMap;
use std::io::{self, Read};

use crate::error::{Error, Result};
use crate::model::{AppSummary, ExecutorSummary, JobSummary, StageSummary, Warning};
use crate::spark::cost::Prices;
use crate::spark::events::lines::{Item, LineReader};
use crate::spark::events::{self as ev, Kind, Peek};

use allocated::MemoryConf;
use replay::Replay;
use streaming::StreamingFold;

/// Builds one application's summary from its event-log files, fed in order.
pub struct Summarizer {
    source: String,
    replay: Replay,
    streaming: StreamingFold,
    app_id: Option<String>,
    attempt_id: Option<String>,
    app_name: Option<String>,
    user: Option<String>,
    spark_version: Option<String>,
    start_ms: Option<i64>,
    end_ms: Option<i64>,
    last_ms: Option<i64>,
    props: BTreeMap<String, String>,
    profiles: BTreeMap<i32, BTreeMap<String, f64>>,
    events: u64,
    log_bytes: u64,
    corrupt_lines: u64,
    first_corrupt: Option<String>,
    warnings: Vec<Warning>,
    /// Reused buffer for task ends without their accumulators.
    scratch: Vec<u8>,
}

fn warning(kind: &str, message: String) -> Warning {
    Warning { kind: kind.into(), message, executor_id: None }
}

impl Summarizer {
    pub fn new(source: impl Into<String>) -> Self {
        Summarizer {
            source: source.into(),
            replay: Replay::default(),
            streaming: StreamingFold::default(),
            app_id: None,
            attempt_id: None,
            app_name: None,
            user: None,
            spark_version: None,
            start_ms: None,
            end_ms: None,
            last_ms: None,
            props: BTreeMap::new(),
            profiles: BTreeMap::new(),
            events: 0,
            log_bytes: 0,
            corrupt_lines: 0,
            first_corrupt: None,
            warnings: Vec::new(),
            scratch: Vec::new(),
        }
    }

    /// Read one (decompressed) event-log file. `name` is used in warnings and errors.
    pub fn feed(&mut self, input: impl Read, name: &str) -> Result<()> {
        let mut lines = LineReader::new(input);
        let keep = |head: &[u8]| !matches!(ev::peek(head), Peek::Unwanted);
        while let Some(item) = lines.next(&keep) {
            match item {
                Item::Line(r) => {
                    let line = lines.slice(r);
                    if !line.is_empty() && !self.line(line) {
                        self.corrupt_lines += 1;
                        if self.first_corrupt.is_none() {
                            self.first_corrupt = Some(format!("{name}: line after event {}", self.events));
                        }
                    }
                }
                Item::Last(r) => {
                    let line = lines.slice(r);
                    if !self.line(line) {
                        self.warnings.push(warning(
                            "truncated",
                            format!("{name}: the last line is cut off after {} bytes (the log was being written); everything before it is kept", line.len()),
                        ));
                    }
                }
                Item::Skipped { bytes, cut: true, .. } => self.warnings.push(warning(
                    "truncated",
                    format!("{name}: the last line is cut off after {bytes} bytes (the log was being written); everything before it is kept"),
                )),
                Item::Skipped { bytes, too_long: true, .. } => self.warnings.push(warning(
                    "long-line",
                    format!("{name}: skipped an event of {bytes} bytes, longer than the {} MiB a needed event may be", ev::lines::MAX_LINE >> 20),
                )),
                Item::Skipped { .. } => self.events += 1,
            }
        }
        self.log_bytes += lines.bytes_read;
        if let Some(e) = lines.error.take() {
            if e.kind() == io::ErrorKind::UnexpectedEof {
                self.warnings.push(warning("truncated", format!("{name}: {e}; everything before it is kept")));
            } else if self.events == 0 {
                return Err(Error::corrupt(format!("{name}: {e}")));
            } else {
                self.warnings.push(warning("corrupt", format!("{name}: {e}; the {} events before it are kept", self.events)));
            }
        }
        Ok(())
    }

    fn seen(&mut self, t: i64) {
        if t > 0 {
            self.last_ms = Some(self.last_ms.map_or(t, |l| l.max(t)));
        }
    }

    /// Replay one line; false when it is not a complete event we could read.
    fn line(&mut self, line: &[u8]) -> bool {
        let kind = match ev::peek(line) {
            Peek::Wanted(k) => k,
            Peek::Unwanted => {
                // A cut line can still start with a known prefix; only complete lines count.
                self.events += 1;
                return line.last() == Some(&b'}');
            }
            Peek::Unknown => match ev::kind_of(line) {
                Some(k) => k,
                None => {
                    let ok = serde_json::from_slice::<serde::de::IgnoredAny>(line).is_ok();
                    self.events += u64::from(ok);
                    return ok;
                }
            },
        };
        let ok = self.event(kind, line).is_ok();
        self.events += u64::from(ok);
        ok
    }

    fn event(&mut self, kind: Kind, line: &[u8]) -> serde_json::Result<()> {
        use serde_json::from_slice as parse;
        match kind {
            Kind::LogStart => self.spark_version = Some(parse::<ev::LogStart>(line)?.version.into_owned()),
            Kind::AppStart => {
                let e: ev::AppStart = parse(line)?;
                self.app_id = e.id.map(|s| s.into_owned());
                self.attempt_id = e.attempt_id.map(|s| s.into_owned());
                self.app_name = Some(e.name.into_owned());
                self.user = e.user.map(|s| s.into_owned());
                self.start_ms = Some(e.time);
                self.seen(e.time);
            }
            Kind::AppEnd => {
                let e: ev::AppEnd = parse(line)?;
                self.end_ms = Some(e.time);
                self.seen(e.time);
            }
            Kind::Environment => self.props = parse::<ev::Environment>(line)?.spark,
            Kind::ResourceProfile => {
                let e: ev::ResourceProfile = parse(line)?;
                self.profiles.insert(e.id, e.executor.into_iter().map(|(k, v)| (k, v.amount)).collect());
            }
            Kind::BlockManagerAdded => {
                let e: ev::BlockManagerAdded = parse(line)?;
                self.seen(e.time);
                self.replay.block_manager_added(e);
            }
            Kind::ExecutorAdded => {
                let e: ev::ExecutorAdded = parse(line)?;
                self.seen(e.time);
                self.replay.executor_added(e);
            }
            Kind::ExecutorRemoved => {
                let e: ev::ExecutorRemoved = parse(line)?;
                self.seen(e.time);
                self.replay.executor_removed(e);
            }
            Kind::JobStart => {
                let e: ev::JobStart = parse(line)?;
                self.seen(e.time.unwrap_or(0));
                self.replay.job_start(e);
            }
            Kind::JobEnd => {
                let e: ev::JobEnd = parse(line)?;
                self.seen(e.time.unwrap_or(0));
                self.replay.job_end(e);
            }
            Kind::StageSubmitted => self.replay.stage_submitted(parse::<ev::StageEvent>(line)?.info),
            Kind::StageCompleted => {
                let e: ev::StageEvent = parse(line)?;
                self.seen(e.info.completion_time.unwrap_or(0));
                self.replay.stage_completed(e.info);
            }
            Kind::TaskStart => self.replay.task_start(parse(line)?),
            Kind::TaskEnd => {
                let mut scratch = std::mem::take(&mut self.scratch);
                let slim = if ev::without_accumulables(line, &mut scratch) { &scratch[..] } else { line };
                let parsed = parse::<ev::TaskEnd>(slim).map(|e| {
                    self.seen(e.info.finish_time);
                    self.replay.task_end(e);
                });
                self.scratch = scratch;
                parsed?
            }
            Kind::StageExecutorMetrics => self.replay.stage_executor_metrics(parse(line)?),
            Kind::MetricsUpdate => self.replay.metrics_update(parse(line)?),
            Kind::QueryProgress => self.streaming.add(parse::<ev::QueryProgressEvent>(line)?.progress),
        }
        Ok(())
    }

    /// Turn the replayed state into the summary.
    pub fn finish(mut self, prices: &Prices) -> Result<AppSummary> {
        let Some(app_id) = self.app_id.take() else {
            return Err(Error::corrupt(format!(
                "{}: no SparkListenerApplicationStart event in {} events: not a Spark event log, or cut before the application started",
                self.source, self.events
            )));
        };
        if self.corrupt_lines > 0 {
            self.warnings.push(warning(
                "corrupt-line",
                format!("{} line(s) could not be read as events and were skipped (first: {})", self.corrupt_lines, self.first_corrupt.clone().unwrap_or_default()),
            ));
        }
        let app_end = self.end_ms.or(self.last_ms);
        let conf = MemoryConf { props: &self.props, profiles: &self.profiles };
        let executors: Vec<ExecutorSummary> = self.replay.execs.iter().map(|x| executor(x, &conf, app_end)).collect();
        let stages: Vec<StageSummary> = self.replay.all_stages().into_iter().map(stage).collect();
        let jobs: Vec<JobSummary> = self
            .replay
            .jobs
            .values()
            .map(|j| JobSummary {
                job_id: j.job_id,
                name: j.name.clone(),
                start_ms: j.start_ms,
                end_ms: j.end_ms,
                status: j.status.to_string(),
                stage_ids: j.stage_ids.clone(),
                peak_by_executor: BTreeMap::new(),
                memory: Default::default(),
            })
            .collect();
        let parts = Parts {
            app_id,
            attempt_id: self.attempt_id,
            app_name: self.app_name.unwrap_or_default(),
            spark_version: self.spark_version,
            user: self.user,
            source: self.source,
            start_ms: self.start_ms,
            end_ms: self.end_ms,
            last_ms: self.last_ms,
            log_bytes: self.log_bytes,
            events: self.events,
            executors,
            jobs,
            stages,
            streaming: self.streaming.finish(),
            props: self.props,
            saw_stage_metrics: self.replay.saw_stage_metrics,
            warnings: self.warnings,
        };
        Ok(assemble(parts, prices))
    }
}

fn executor(x: &replay::Exec, conf: &MemoryConf, app_end: Option<i64>) -> ExecutorSummary {
    let is_driver = x.id == "driver";
    let telemetry = telemetry_of(&x.peak, x.from_stage_metrics, x.from_task_end, x.from_heartbeat);
    let driver_cores = conf.props.get("spark.driver.cores").and_then(|c| c.parse().ok()).unwrap_or(1);
    ExecutorSummary {
        id: x.id.clone(),
        host: x.host.clone(),
        is_driver,
        add_ms: Some(x.add_ms),
        remove_ms: x.remove_ms,
        end_ms: x.remove_ms.or(app_end),
        removal_reason: x.reason.clone(),
        lost_to_memory: x.reason.as_deref().is_some_and(lost_to_memory),
        cores: if is_driver { Some(driver_cores) } else { x.cores },
        resource_profile_id: x.rp_id,
        allocated: if is_driver { conf.driver() } else { conf.executor(x.rp_id) },
        peak: Some(x.peak).filter(|p| p.is_set()),
        telemetry,
        tasks: x.tasks,
        failed_tasks: x.failed_tasks,
        memory_bytes_spilled: x.memory_spilled,
        disk_bytes_spilled: x.disk_spilled,
        max_storage_bytes: x.max_storage,
    }
}

fn stage(s: &replay::Stage) -> StageSummary {
    StageSummary {
        stage_id: s.stage_id,
        attempt_id: s.attempt_id,
        name: s.name.clone(),
        status: s.status.name().to_string(),
        job_ids: s.job_ids.clone(),
        submission_ms: s.submission_ms,
        completion_ms: s.completion_ms,
        tasks: s.tasks,
        failed_tasks: s.failed_tasks,
        memory_bytes_spilled: s.memory_spilled,
        disk_bytes_spilled: s.disk_spilled,
        task_ms_mean: s.task_ms_sum.checked_div(s.succeeded).unwrap_or(0),
        task_ms_max: s.task_ms_max,
        peak_by_executor: s.peaks.iter().filter(|(_, p)| p.is_set()).map(|(k, p)| (k.clone(), *p)).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_kill_reasons() {
        assert!(lost_to_memory("Command exited with code 52"));
        assert!(lost_to_memory("Command exited with code 137"));
        assert!(lost_to_memory("Container killed by YARN for exceeding memory limits. 5.5 GB of 5.5 GB physical memory used."));
        assert!(lost_to_memory("The executor with id 3 exited with exit code 137(SIGKILL, possible container OOM)."));
        assert!(!lost_to_memory("Command exited with code 143"));
        assert!(!lost_to_memory("Executor killed by driver."));
    }

    #[test]
    fn a_stream_without_an_application_is_an_error() {
        let mut s = Summarizer::new("x.log");
        s.feed(&b"{\"Event\":\"SparkListenerLogStart\",\"Spark Version\":\"4.3.0\"}\n"[..], "x.log").unwrap();
        let err = s.finish(&Prices::default()).unwrap_err();
        assert_eq!(err.kind, crate::ErrorKind::Corrupt);
        assert!(err.message.contains("no SparkListenerApplicationStart"), "{}", err.message);
    }
}

#[cfg(test)]
mod fixture_tests {
    use super::*;
    use crate::model::metric;

    fn repo() -> std::path::PathBuf {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
    }

    /// Regression: an executor killed mid-stage gets its peak from a stage-metrics event logged *after*
    /// its removal; the History Server keeps such "recently dead" executors, and so must we.
    #[tokio::test]
    async fn an_executor_removed_before_its_stage_metrics_keeps_them() {
        let dir = repo().join("assets/spark/logs/executor_lost");
        let manifest: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(repo().join("assets/spark/logs/manifest.json")).unwrap()).unwrap();
        let facts = &manifest["fixtures"]["executor_lost"]["applications"][0]["executors"];
        let (id, expected) = facts
            .as_object()
            .unwrap()
            .iter()
            .find(|(_, x)| x["removed_reason"].as_str().is_some_and(|r| r.contains("137")))
            .map(|(id, x)| (id.clone(), x["peak_stage_metrics"]["ProcessTreePythonRSSMemory"].as_i64().unwrap()))
            .unwrap();
        let entries = crate::spark::source::discover(dir.to_str().unwrap()).await.unwrap();
        let app = tokio::task::spawn_blocking(move || crate::spark::summarize_entry(&entries[0], &Prices::default())).await.unwrap().unwrap();
        let x = app.executors.iter().find(|x| x.id == id).unwrap();
        assert!(x.remove_ms.is_some() && x.lost_to_memory);
        assert_eq!(x.peak.unwrap().0[metric::PROCESS_TREE_PYTHON_RSS], expected);
        assert_eq!(x.telemetry, crate::model::Telemetry::StageMetrics);
    }
}
