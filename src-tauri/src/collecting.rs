//! Collections from the app: "Collect now" and the schedule's timer, one at a time.
//!
//! Both run the engine's `collect` (the same call and options as `lakescope collect`, with the rules and
//! price profile chosen in Settings) into the app's store (`LAKESCOPE_STORE`, else the default one). When to run
//! is the engine's rule (`CollectSchedule::next_attempt_ms`); the loop here only sleeps until then. The
//! UI polls `collect_status` (an in-memory answer) for progress, and `collect_cancel` stops a run, which
//! the engine leaves unfinished so nothing reads it as a finished collection.
//!
//! Each collection's start and finish are logged on stderr ("lakescope-app: … collection started",
//! "lakescope-app: collection finished: run …"); the app kill test (tests/it/app_kill.rs) reads them.
//!
//! `LAKESCOPE_SCHEDULE_HOUR_MS` is a test hook: the length of the schedule's hour in milliseconds, so the
//! E2E sees a scheduled collection within seconds. Nothing else should set it.

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use lakescope::cancel::CancelToken;
use lakescope::collect::activity::{CollectEndKind, CollectEnded, CollectRunning, CollectStatus, CollectTrigger};
use lakescope::collect::schedule::{default_schedule_path, CollectSchedule, HOUR_MS};
use lakescope::collect::{CollectOptions, CollectProgress, CollectReport};
use lakescope::error::ErrorReport;
use lakescope::store::Store;
use lakescope::{Error, ErrorKind};
use tauri::{Manager, State};

use crate::commands::{engine, report};
use crate::AppState;

type Reply<T> = Result<T, ErrorReport>;

/// The longest the loop sleeps before looking again (the store may have been collected into by the CLI).
const MAX_NAP: Duration = Duration::from_secs(60);

/// The app's collections: the schedule, the run under way and how the last one ended.
pub struct Collector {
    inner: Mutex<Inner>,
    /// Held for a whole run: a manual and a scheduled collection never overlap.
    turn: tokio::sync::Mutex<()>,
    /// Woken when the schedule changes or a run ends.
    wake: tokio::sync::Notify,
    hour_ms: i64,
    schedule_path: PathBuf,
    store: Option<String>,
}

#[derive(Default)]
struct Inner {
    schedule: CollectSchedule,
    schedule_error: Option<ErrorReport>,
    last_finished_ms: Option<i64>,
    /// The last scheduled attempt that did not finish (failed or cancelled).
    last_unfinished_ms: Option<i64>,
    running: Option<(CollectRunning, CancelToken)>,
    last: Option<CollectEnded>,
    finished_runs: u64,
}

fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

impl Default for Collector {
    fn default() -> Self {
        let hour_ms = std::env::var("LAKESCOPE_SCHEDULE_HOUR_MS").ok().and_then(|v| v.parse::<i64>().ok()).filter(|&h| h > 0);
        let schedule_path = default_schedule_path();
        let mut inner = Inner::default();
        match CollectSchedule::load(&schedule_path) {
            Ok(s) => inner.schedule = s,
            Err(e) => inner.schedule_error = Some(report(e)),
        }
        Collector {
            inner: Mutex::new(inner),
            turn: Default::default(),
            wake: Default::default(),
            hour_ms: hour_ms.unwrap_or(HOUR_MS),
            schedule_path,
            store: std::env::var("LAKESCOPE_STORE").ok().filter(|s| !s.trim().is_empty()),
        }
    }
}

impl Collector {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn status(&self) -> CollectStatus {
        let i = self.lock();
        CollectStatus {
            schedule: i.schedule,
            schedule_path: self.schedule_path.display().to_string(),
            schedule_error: i.schedule_error.clone(),
            store: match &self.store {
                Some(s) => lakescope::sources::redact_url(s),
                None => lakescope::store::default_store_path().display().to_string(),
            },
            last_finished_ms: i.last_finished_ms,
            next_due_ms: self.next_attempt(&i, now_ms()),
            hour_ms: self.hour_ms,
            running: i.running.as_ref().map(|(r, _)| r.clone()),
            last: i.last.clone(),
            finished_runs: i.finished_runs,
        }
    }

    fn next_attempt(&self, i: &Inner, now: i64) -> Option<i64> {
        if i.schedule_error.is_some() {
            return None;
        }
        i.schedule.next_attempt_ms(i.last_finished_ms, i.last_unfinished_ms, now, self.hour_ms)
    }

    /// Whether the app's store exists (the status never creates one; a collection does).
    fn store_exists(&self) -> bool {
        match self.store.as_deref() {
            Some(t) if t.contains("://") && !t.starts_with("sqlite:") => true,
            Some(t) => std::path::Path::new(t.trim_start_matches("sqlite://").trim_start_matches("sqlite:")).is_file(),
            None => lakescope::store::default_store_path().is_file(),
        }
    }

    /// Read the end of the store's latest finished collection (another process may have collected).
    async fn read_last_finished(&self) -> lakescope::Result<Option<i64>> {
        if !self.store_exists() {
            return Ok(None);
        }
        let store = Store::open(self.store.as_deref()).await?;
        let run = store.latest_finished_run(i64::MAX).await;
        store.close().await;
        let last = run?.and_then(|r| r.finished_ms);
        self.lock().last_finished_ms = last;
        Ok(last)
    }

    /// One collection into the app's store, exactly as `lakescope collect` runs it.
    async fn collect(&self, state: &AppState, trigger: CollectTrigger) -> Reply<CollectReport> {
        let Ok(_turn) = self.turn.try_lock() else {
            let who = match self.lock().running.as_ref().map(|(r, _)| r.trigger) {
                Some(CollectTrigger::Scheduled) => "a scheduled collection",
                _ => "a collection",
            };
            return Err(report(Error::invalid(format!("{who} is already running: wait for it or cancel it"))));
        };
        let cancel = CancelToken::new();
        let started_ms = now_ms();
        self.lock().running = Some((CollectRunning { trigger, started_ms, progress: None, cancelling: false }, cancel.clone()));
        eprintln!("lakescope-app: {trigger:?} collection started");
        let result = self.run(state, &cancel, started_ms).await.map_err(|e| {
            eprintln!("lakescope: {trigger:?} collection: {:?}: {}", e.kind, e.detailed());
            e.to_report()
        });
        let ended_ms = now_ms();
        if let Ok(r) = &result {
            // After the run is marked finished in the store (the app kill test relies on this order).
            eprintln!(
                "lakescope-app: collection finished: run {} ({trigger:?}), {} recorded, {} present, {} failed in {} ms",
                r.run_id,
                r.tables_recorded,
                r.tables_present,
                r.tables_failed,
                ended_ms - started_ms
            );
        }
        let mut i = self.lock();
        i.running = None;
        let kind = match &result {
            Ok(_) => CollectEndKind::Finished,
            Err(e) if e.kind == ErrorKind::Cancelled => CollectEndKind::Cancelled,
            Err(_) => CollectEndKind::Failed,
        };
        if kind == CollectEndKind::Finished {
            i.finished_runs += 1;
            i.last_finished_ms = Some(ended_ms);
        } else if trigger == CollectTrigger::Scheduled {
            i.last_unfinished_ms = Some(started_ms);
        }
        let (report_, error) = match &result {
            Ok(r) => (Some(r.clone()), None),
            Err(e) => (None, Some(e.clone())),
        };
        i.last = Some(CollectEnded { trigger, kind, ended_ms, report: report_, error });
        drop(i);
        self.wake.notify_one();
        result
    }

    async fn run(&self, state: &AppState, cancel: &CancelToken, as_of_ms: i64) -> lakescope::Result<CollectReport> {
        let ls = engine(state).await.map_err(|e| Error::new(e.kind, e.message))?;
        let store = Store::open(self.store.as_deref()).await?;
        let (rules, profile) = crate::settings::rules_and_profile()?;
        let opts = CollectOptions { as_of_ms, prefixes: true };
        let progress = |p: &CollectProgress| {
            if let Some((r, _)) = self.lock().running.as_mut() {
                r.progress = Some(p.clone());
            }
        };
        let result = ls.collect_until_cancelled(&store, &opts, (&rules, &profile), &progress, cancel).await;
        store.close().await;
        result
    }

    fn cancel(&self) -> bool {
        match self.lock().running.as_mut() {
            Some((r, cancel)) => {
                cancel.cancel();
                r.cancelling = true;
                true
            }
            None => false,
        }
    }

    /// The timer: sleep until the schedule's next attempt (or a change), then collect when the store
    /// agrees it is due. Runs for as long as the app does.
    pub async fn run_loop(app: tauri::AppHandle) {
        let state = app.state::<AppState>();
        let me = &state.collector;
        if let Err(e) = me.read_last_finished().await {
            eprintln!("lakescope: the collection schedule cannot read the store: {}", e.detailed());
        }
        loop {
            let now = now_ms();
            let due = me.next_attempt(&me.lock(), now);
            let nap = match due {
                Some(d) if d <= now => {
                    me.scheduled(&state).await;
                    continue;
                }
                Some(d) => Duration::from_millis((d - now) as u64).min(MAX_NAP),
                None => MAX_NAP,
            };
            let _ = tokio::time::timeout(nap, me.wake.notified()).await;
        }
    }

    /// A due scheduled collection: re-read the store's last finish first (the CLI may have collected).
    async fn scheduled(&self, state: &AppState) {
        if state.engine.read().await.is_none() {
            // The sources are still opening (or failed to: the UI offers Retry); look again shortly.
            tokio::time::sleep(Duration::from_millis(500)).await;
            return;
        }
        let fresh = self.read_last_finished().await;
        let now = now_ms();
        let still_due = {
            let i = self.lock();
            fresh.is_err() || self.next_attempt(&i, now).is_some_and(|d| d <= now)
        };
        if still_due && let Err(e) = self.collect(state, CollectTrigger::Scheduled).await {
            eprintln!("lakescope: the scheduled collection did not finish ({:?}): {}", e.kind, e.message);
        }
    }
}

/// The schedule, the collection under way with its progress, and how the last one ended.
#[tauri::command]
pub fn collect_status(state: State<'_, AppState>) -> CollectStatus {
    state.collector.status()
}

/// Collect every table into the app's store now; refused while another collection runs.
#[tauri::command]
pub async fn collect_now(state: State<'_, AppState>) -> Reply<CollectReport> {
    state.collector.collect(&state, CollectTrigger::Manual).await
}

/// Stop the collection under way (manual or scheduled); false when none runs.
#[tauri::command]
pub fn collect_cancel(state: State<'_, AppState>) -> bool {
    state.collector.cancel()
}

/// Save the schedule (the engine checks the interval) and let the timer recompute its due time.
#[tauri::command]
pub fn collect_schedule_save(state: State<'_, AppState>, schedule: CollectSchedule) -> Reply<CollectStatus> {
    let me = &state.collector;
    schedule.save(&me.schedule_path).map_err(report)?;
    {
        let mut i = me.lock();
        i.schedule = schedule;
        i.schedule_error = None;
        // A new schedule starts afresh: an earlier failure no longer postpones it.
        i.last_unfinished_ms = None;
    }
    me.wake.notify_one();
    Ok(me.status())
}
