//! Replays listener events into executor, stage and job state the way the History Server's
//! `AppStatusListener` does, so our peaks equal its `peakMemoryMetrics` and stage `executorSummary`.
//!
//! The rules that decide the numbers (from Spark's `AppStatusListener`):
//! - an executor record is created by its first block-manager-added or executor-added event while it is
//!   not live (the driver has only the former); its add time is that event's;
//! - task-end "Task Executor Metrics" fold into the executor only while it is live, and into the stage's
//!   executor summary while the stage attempt is live;
//! - stage executor-metrics events fold into the executor while it is live *or* recently dead (removed
//!   while a live stage had been submitted before the removal), and into the live stage;
//! - metrics updates (the driver's heartbeats) fold into the live executor and the live stage they name;
//! - a stage attempt stops being live when it completes with no running task (or its last task ends
//!   after completion), or when its job ends while it is still pending (skipped).

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::model::Peaks;

use crate::spark::events::{
    BlockManagerAdded, ExecutorAdded, ExecutorRemoved, JobEnd, JobStart, MetricValues, MetricsUpdate, StageExecutorMetrics,
    StageInfo, TaskEnd, TaskStart,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StageStatus {
    Pending,
    Active,
    Complete,
    Failed,
    Skipped,
}

impl StageStatus {
    pub fn name(self) -> &'static str {
        match self {
            StageStatus::Pending => "pending",
            StageStatus::Active => "active",
            StageStatus::Complete => "complete",
            StageStatus::Failed => "failed",
            StageStatus::Skipped => "skipped",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Exec {
    pub id: String,
    pub host: Option<String>,
    pub add_ms: i64,
    pub remove_ms: Option<i64>,
    pub reason: Option<String>,
    pub cores: Option<u32>,
    pub rp_id: i32,
    pub peak: Peaks,
    /// Which sources brought non-zero memory figures.
    pub from_task_end: bool,
    pub from_stage_metrics: bool,
    pub from_heartbeat: bool,
    pub tasks: u64,
    pub failed_tasks: u64,
    pub oom_task_failures: u64,
    pub memory_spilled: u64,
    pub disk_spilled: u64,
    pub max_storage: Option<u64>,
}

impl Exec {
    fn new(id: &str, time: i64) -> Self {
        Exec {
            id: id.to_string(),
            host: None,
            add_ms: time,
            remove_ms: None,
            reason: None,
            cores: None,
            rp_id: 0,
            peak: Peaks::UNSET,
            from_task_end: false,
            from_stage_metrics: false,
            from_heartbeat: false,
            tasks: 0,
            failed_tasks: 0,
            oom_task_failures: 0,
            memory_spilled: 0,
            disk_spilled: 0,
            max_storage: None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Stage {
    pub stage_id: i64,
    pub attempt_id: i64,
    pub name: String,
    pub status: StageStatus,
    pub submission_ms: Option<i64>,
    pub completion_ms: Option<i64>,
    pub job_ids: Vec<i64>,
    pub active_tasks: i64,
    pub tasks: u64,
    pub failed_tasks: u64,
    pub memory_spilled: u64,
    pub disk_spilled: u64,
    pub task_ms_sum: u64,
    pub task_ms_max: u64,
    pub succeeded: u64,
    /// Executor id → the stage's executor summary peaks (an entry exists once Spark made a summary).
    pub peaks: BTreeMap<String, Peaks>,
    pub live: bool,
}

#[derive(Debug, Clone)]
pub struct Job {
    pub job_id: i64,
    pub name: String,
    pub start_ms: Option<i64>,
    pub end_ms: Option<i64>,
    pub status: &'static str,
    pub stage_ids: Vec<i64>,
}

/// The replayed state of one application.
#[derive(Default)]
pub struct Replay {
    /// Every executor record, in order of creation; `live`/`dead` index into it.
    pub execs: Vec<Exec>,
    live: HashMap<String, usize>,
    dead: HashMap<String, usize>,
    /// Current stage-attempt records by (stage, attempt).
    pub stages: HashMap<(i64, i64), Stage>,
    /// Records replaced by a later job's re-use of the same stage id (kept for the jobs that ran them).
    pub replaced_stages: Vec<Stage>,
    pub jobs: BTreeMap<i64, Job>,
    live_jobs: HashSet<i64>,
    pub saw_stage_metrics: bool,
}

fn nonzero(m: &MetricValues) -> bool {
    !m.0.all_zero()
}

impl Replay {
    fn get_or_create_exec(&mut self, id: &str, time: i64) -> &mut Exec {
        let idx = match self.live.get(id) {
            Some(&i) => i,
            None => {
                // A re-registered id replaces its old record, as the History Server's store does.
                let i = match self.execs.iter().position(|e| e.id == id) {
                    Some(i) => {
                        self.execs[i] = Exec::new(id, time);
                        self.dead.remove(id);
                        i
                    }
                    None => {
                        self.execs.push(Exec::new(id, time));
                        self.execs.len() - 1
                    }
                };
                self.live.insert(id.to_string(), i);
                i
            }
        };
        &mut self.execs[idx]
    }

    pub fn block_manager_added(&mut self, e: BlockManagerAdded) {
        let exec = self.get_or_create_exec(&e.id.executor_id, e.time);
        if let Some(h) = e.id.host {
            exec.host = Some(h.into_owned());
        }
        exec.max_storage = match (e.max_onheap, e.max_offheap) {
            (Some(on), Some(off)) => Some(on + off),
            _ => e.max_memory.or(exec.max_storage),
        };
    }

    pub fn executor_added(&mut self, e: ExecutorAdded) {
        let exec = self.get_or_create_exec(&e.executor_id, e.time);
        if let Some(h) = e.info.host {
            exec.host = Some(h.into_owned());
        }
        exec.cores = e.info.cores;
        exec.rp_id = e.info.resource_profile_id;
    }

    pub fn executor_removed(&mut self, e: ExecutorRemoved) {
        let Some(idx) = self.live.remove(e.executor_id.as_ref()) else { return };
        let exec = &mut self.execs[idx];
        exec.remove_ms = Some(e.time);
        exec.reason = e.reason.map(|r| r.into_owned());
        if self.active_for_live_stages(e.time) {
            self.dead.insert(e.executor_id.into_owned(), idx);
        }
    }

    /// `isExecutorActiveForLiveStages`: some live stage was submitted before the executor went away.
    fn active_for_live_stages(&self, removed: i64) -> bool {
        self.stages.values().any(|s| s.live && s.submission_ms.unwrap_or(0) < removed)
    }

    fn get_or_create_stage(&mut self, info: &StageInfo) -> &mut Stage {
        let key = (info.stage_id, info.attempt_id);
        let is_live = self.stages.get(&key).is_some_and(|s| s.live);
        if !is_live {
            let fresh = Stage {
                stage_id: info.stage_id,
                attempt_id: info.attempt_id,
                name: String::new(),
                status: StageStatus::Pending,
                submission_ms: None,
                completion_ms: None,
                job_ids: Vec::new(),
                active_tasks: 0,
                tasks: 0,
                failed_tasks: 0,
                memory_spilled: 0,
                disk_spilled: 0,
                task_ms_sum: 0,
                task_ms_max: 0,
                succeeded: 0,
                peaks: BTreeMap::new(),
                live: true,
            };
            if let Some(old) = self.stages.insert(key, fresh) {
                self.replaced_stages.push(old);
            }
        }
        let s = self.stages.get_mut(&key).expect("just inserted");
        s.name = info.name.to_string();
        s.submission_ms = info.submission_time;
        s.completion_ms = info.completion_time;
        s
    }

    pub fn job_start(&mut self, e: JobStart) {
        let name = e.stages.iter().max_by_key(|s| s.stage_id).map(|s| s.name.to_string()).unwrap_or_default();
        self.jobs.insert(
            e.job_id,
            Job {
                job_id: e.job_id,
                name,
                start_ms: e.time.filter(|t| *t > 0),
                end_ms: None,
                status: "running",
                stage_ids: e.stage_ids.clone(),
            },
        );
        self.live_jobs.insert(e.job_id);
        for info in &e.stages {
            let s = self.get_or_create_stage(info);
            if !s.job_ids.contains(&e.job_id) {
                s.job_ids.push(e.job_id);
            }
        }
    }

    pub fn job_end(&mut self, e: JobEnd) {
        if !self.live_jobs.remove(&e.job_id) {
            return;
        }
        let Some(job) = self.jobs.get_mut(&e.job_id) else { return };
        for s in self.stages.values_mut() {
            if s.live && job.stage_ids.contains(&s.stage_id) && s.status == StageStatus::Pending {
                s.status = StageStatus::Skipped;
                s.live = false;
            }
        }
        job.status = if e.result.result == "JobSucceeded" { "succeeded" } else { "failed" };
        job.end_ms = e.time.filter(|t| *t > 0);
    }

    pub fn stage_submitted(&mut self, info: StageInfo) {
        let live_jobs: Vec<i64> =
            self.jobs.values().filter(|j| self.live_jobs.contains(&j.job_id) && j.stage_ids.contains(&info.stage_id)).map(|j| j.job_id).collect();
        let s = self.get_or_create_stage(&info);
        s.status = StageStatus::Active;
        s.job_ids = live_jobs;
    }

    pub fn stage_completed(&mut self, info: StageInfo) {
        let key = (info.stage_id, info.attempt_id);
        if let Some(s) = self.stages.get_mut(&key).filter(|s| s.live) {
            s.name = info.name.to_string();
            s.submission_ms = info.submission_time;
            s.completion_ms = info.completion_time;
            s.status = if info.failure_reason.is_some() {
                StageStatus::Failed
            } else if info.submission_time.is_some() {
                StageStatus::Complete
            } else {
                StageStatus::Skipped
            };
            if s.active_tasks == 0 {
                s.live = false;
            }
        }
        // Forget dead executors no live stage still overlaps.
        let keep: Vec<(String, usize)> = self
            .dead
            .iter()
            .filter(|(_, i)| self.active_for_live_stages(self.execs[**i].remove_ms.unwrap_or(i64::MAX)))
            .map(|(k, v)| (k.clone(), *v))
            .collect();
        self.dead = keep.into_iter().collect();
    }

    pub fn task_start(&mut self, e: TaskStart) {
        if let Some(s) = self.stages.get_mut(&(e.stage_id, e.stage_attempt)).filter(|s| s.live) {
            s.active_tasks += 1;
        }
    }

    pub fn task_end(&mut self, e: TaskEnd) {
        let success = e.reason.reason == "Success";
        let tm = e.metrics.unwrap_or_default();
        let oom = e.reason.class_name.as_deref().is_some_and(|c| c.contains("OutOfMemoryError"));
        if let Some(s) = self.stages.get_mut(&(e.stage_id, e.stage_attempt)).filter(|s| s.live) {
            s.active_tasks -= 1;
            s.tasks += 1;
            if !success {
                s.failed_tasks += 1;
            }
            s.memory_spilled += tm.memory_spilled;
            s.disk_spilled += tm.disk_spilled;
            if success && e.info.finish_time >= e.info.launch_time {
                let ms = (e.info.finish_time - e.info.launch_time) as u64;
                s.task_ms_sum += ms;
                s.task_ms_max = s.task_ms_max.max(ms);
                s.succeeded += 1;
            }
            let summary = s.peaks.entry(e.info.executor_id.to_string()).or_insert(Peaks::UNSET);
            if let Some(m) = &e.executor_metrics {
                summary.update(&m.0);
            }
            if s.active_tasks == 0 && matches!(s.status, StageStatus::Complete | StageStatus::Failed) {
                s.live = false;
            }
        }
        // Our own per-executor counts do not depend on liveness: the task ran there.
        let idx = self.live.get(e.info.executor_id.as_ref()).copied();
        let any = idx.or_else(|| self.execs.iter().rposition(|x| x.id == e.info.executor_id));
        if let Some(i) = any {
            let x = &mut self.execs[i];
            x.tasks += 1;
            x.failed_tasks += u64::from(!success);
            x.oom_task_failures += u64::from(oom);
            x.memory_spilled += tm.memory_spilled;
            x.disk_spilled += tm.disk_spilled;
        }
        if let (Some(i), Some(m)) = (idx, &e.executor_metrics) {
            let x = &mut self.execs[i];
            x.peak.update(&m.0);
            x.from_task_end |= nonzero(m);
        }
    }

    pub fn stage_executor_metrics(&mut self, e: StageExecutorMetrics) {
        self.saw_stage_metrics = true;
        let id = e.executor_id.as_ref();
        if let Some(&i) = self.live.get(id).or_else(|| self.dead.get(id)) {
            let x = &mut self.execs[i];
            x.peak.update(&e.metrics.0);
            x.from_stage_metrics |= nonzero(&e.metrics);
        }
        self.stage_level(e.stage_id, e.stage_attempt, id, &e.metrics);
    }

    pub fn metrics_update(&mut self, e: MetricsUpdate) {
        let id = e.executor_id.as_ref();
        for u in &e.updates {
            if let Some(&i) = self.live.get(id) {
                let x = &mut self.execs[i];
                x.peak.update(&u.metrics.0);
                x.from_heartbeat |= nonzero(&u.metrics);
            }
            self.stage_level(u.stage_id, u.stage_attempt, id, &u.metrics);
        }
    }

    fn stage_level(&mut self, stage: i64, attempt: i64, exec: &str, m: &MetricValues) {
        if let Some(s) = self.stages.get_mut(&(stage, attempt)).filter(|s| s.live) {
            s.peaks.entry(exec.to_string()).or_insert(Peaks::UNSET).update(&m.0);
        }
    }

    /// Every stage attempt that ran, oldest first: replaced records, then current ones (a current record
    /// that only re-lists an already finished stage as skipped is dropped in favour of the one that ran).
    pub fn all_stages(&self) -> Vec<&Stage> {
        let mut out: Vec<&Stage> = self.replaced_stages.iter().collect();
        let ran: HashSet<(i64, i64)> = self.replaced_stages.iter().map(|s| (s.stage_id, s.attempt_id)).collect();
        out.extend(self.stages.values().filter(|s| !(ran.contains(&(s.stage_id, s.attempt_id)) && s.status == StageStatus::Skipped && s.peaks.is_empty())));
        out.sort_by_key(|s| (s.stage_id, s.attempt_id, s.submission_ms));
        out
    }
}
