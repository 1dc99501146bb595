//! Lakescope's desktop shell: a window, the engine in managed state, and a handful of commands.
//!
//! Each command is a few lines over [`lakescope::api`] so the app, the CLI and the tests see the same
//! numbers; anything that needs thought belongs in the engine. Errors cross to the UI as the engine's
//! `ErrorReport {kind, message}`, which the UI switches on.

mod collecting;
mod commands;
mod credentials;
mod learn;
mod overview;
mod lookup;
mod naming;
mod progress;
mod settings;
mod spark;
mod storage;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use lakescope::api::{Startup, StartupOptions};
use lakescope::error::ErrorReport;
use lakescope::Lakescope;
use tauri::{Manager, WebviewWindowBuilder};
use tokio::sync::{Mutex, RwLock};

/// What the commands share: where sources come from, the opened engine, and when the process began.
pub struct AppState {
    options: StartupOptions,
    started: Instant,
    engine: RwLock<Option<(Arc<Lakescope>, Startup)>>,
    /// Held while starting, so a double call (a reload during the first demo build) builds once.
    /// Holds the error of the start begun at launch until the UI's first `bootstrap` collects it.
    starting: Mutex<Option<ErrorReport>>,
    /// The Spark page's opened inputs; independent of the sources, so it works when they do not open.
    spark: lakescope::spark::workspace::SparkWorkspace,
    /// The Learn page's tutorials and progress store, opened on first use (see `learn.rs`).
    learn: tokio::sync::OnceCell<lakescope::tutorials::Learn>,
    /// Ctrl+K's index and its background refresh.
    lookup: lookup::LookupState,
    /// The Storage page's listings under way (see `storage.rs`).
    storage: storage::StorageJobs,
    /// "Collect now" and the schedule's timer (see `collecting.rs`).
    collector: collecting::Collector,
}

impl AppState {
    /// Sources from the environment when set (tests and scripts must never touch the user's config):
    /// `LAKESCOPE_SOURCES` names a sources file, `LAKESCOPE_DEMO_DIR` where the demo is built or reused.
    pub fn from_env(started: Instant) -> Self {
        let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
        let mut options = StartupOptions { sources: var("LAKESCOPE_SOURCES"), ..Default::default() };
        if let Some(dir) = var("LAKESCOPE_DEMO_DIR") {
            options.demo_dir = dir;
        }
        let spark = spark::workspace(var("LAKESCOPE_SPARK_INPUTS"));
        AppState {
            options,
            started,
            engine: RwLock::new(None),
            starting: Mutex::new(None),
            spark,
            learn: Default::default(),
            lookup: Default::default(),
            storage: Default::default(),
            collector: Default::default(),
        }
    }

    /// Open the sources and list their tables once. Started at launch, so the catalogs are read while
    /// WebKit is still starting; the UI's `bootstrap` then waits for it instead of starting again.
    /// `retry` decides whether an earlier failure is reported as is or tried again.
    pub(crate) async fn ensure_started(&self, retry: bool) -> Result<Startup, ErrorReport> {
        let mut failed = self.starting.lock().await;
        if let Some((_, startup)) = self.engine.read().await.as_ref() {
            return Ok(startup.clone());
        }
        if let Some(e) = failed.take().filter(|_| !retry) {
            return Err(e);
        }
        match Lakescope::start(&self.options).await {
            Ok((ls, startup)) => {
                let _warm = ls.tables().await;
                *self.engine.write().await = Some((Arc::new(ls), startup.clone()));
                Ok(startup)
            }
            Err(e) => {
                eprintln!("lakescope: {:?}: {}", e.kind, e.detailed());
                *failed = Some(e.to_report());
                Err(e.to_report())
            }
        }
    }
}

impl AppState {
    /// Run `change` (which rewrites the sources' files, e.g. the demo reset) with no engine open, then
    /// open the sources again, so nothing keeps reading files the change replaced.
    pub(crate) async fn reopen_after<T>(&self, change: impl std::future::Future<Output = lakescope::Result<T>>) -> Result<T, ErrorReport> {
        let answer = {
            let mut failed = self.starting.lock().await;
            self.engine.write().await.take();
            *failed = None;
            change.await
        };
        let reopened = self.ensure_started(true).await;
        let answer = answer.map_err(|e| {
            eprintln!("lakescope: {:?}: {}", e.kind, e.detailed());
            e.to_report()
        })?;
        reopened.map(|_| answer)
    }
}

/// Build and run the app until its window closes.
pub fn run() {
    let started = Instant::now();
    tauri::Builder::default()
        .manage(AppState::from_env(started))
        .setup(|app| {
            spark::push_progress(app.handle());
            let boot = start_with_page(app.handle());
            tauri::async_runtime::spawn(collecting::Collector::run_loop(app.handle().clone()));
            let config = app.config().app.windows.first().cloned().ok_or("tauri.conf.json lists no window")?;
            let mut window = WebviewWindowBuilder::from_config(app.handle(), &config)?;
            if let Some(script) = boot {
                window = window.initialization_script(script);
            }
            window.build()?;
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::bootstrap,
            commands::list_tables,
            commands::table_page,
            commands::table_sample,
            commands::table_versions,
            commands::table_diff,
            commands::size_chart_svg,
            commands::refresh,
            commands::process_uptime_ms,
            commands::build_info,
            spark::spark_overview,
            spark::spark_add_input,
            spark::spark_add_demo,
            spark::spark_remove_input,
            spark::spark_refresh,
            spark::spark_app_page,
            spark::spark_export_chart,
            learn::learn_overview,
            learn::learn_start,
            learn::learn_advance,
            learn::learn_complete,
            learn::learn_reset,
            learn::learn_dismiss_offer,
            learn::learn_classroom,
            learn::learn_join_class,
            learn::learn_send_progress,
            learn::learn_new_class,
            learn::learn_class_report,
            learn::learn_export_class_report,
            learn::learn_reset_demo,
            overview::overview,
            overview::overview_from_store,
            overview::top_growth_chart_svg,
            overview::schema_chart_svg,
            spark::spark_cancel,
            lookup::lookup_search,
            lookup::lookup_status,
            lookup::lookup_refresh,
            naming::naming_lint,
            lookup::lookup_cancel,
            storage::storage_list,
            storage::storage_cancel,
            storage::source_check,
            credentials::credentials_list,
            credentials::credential_set,
            credentials::credential_delete,
            collecting::collect_status,
            collecting::collect_now,
            collecting::collect_cancel,
            collecting::collect_schedule_save,
            settings::cost_settings,
            settings::price_profile_choose,
            settings::price_profile_save,
            settings::price_profile_delete,
            settings::findings_rules_save,
        ])
        .run(tauri::generate_context!())
        .expect("error while running the Lakescope window");
}

/// How long the window waits for the sources before opening without them.
const BOOT_WAIT: Duration = Duration::from_millis(300);

/// Start opening the sources and listing their tables. When that is quick (tens of milliseconds,
/// unless the demo must be built), hand the answer to the page as `window.__LAKESCOPE_BOOT__`: while
/// WebKit starts up its first IPC replies wait a few hundred milliseconds, which is most of a cold
/// start. Otherwise the work goes on in the background and the UI asks through `bootstrap`.
fn start_with_page(handle: &tauri::AppHandle) -> Option<String> {
    let h = handle.clone();
    let task = tauri::async_runtime::spawn(async move {
        let state = h.state::<AppState>();
        match state.ensure_started(false).await {
            Ok(startup) => {
                let listing = state.engine.read().await.as_ref().map(|(ls, _)| ls.clone())?.tables().await;
                Some(serde_json::json!({ "startup": startup, "listing": listing }))
            }
            Err(error) => Some(serde_json::json!({ "error": error })),
        }
    });
    let boot = tauri::async_runtime::block_on(async { tokio::time::timeout(BOOT_WAIT, task).await });
    match boot {
        // JSON is valid JavaScript; the page reads and deletes this once.
        Ok(Ok(Some(doc))) => Some(format!("window.__LAKESCOPE_BOOT__ = {doc};")),
        _ => None,
    }
}
