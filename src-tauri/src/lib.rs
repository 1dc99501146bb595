//! Lakescope's desktop shell: a window, the engine in managed state, and a handful of commands.
//!
//! Each command is a few lines over [`lakescope::api`] so the app, the CLI and the tests see the same
//! numbers; anything that needs thought belongs in the engine. Errors cross to the UI as the engine's
//! `ErrorReport {kind, message}`, which the UI switches on.

mod commands;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use lakescope::api::{Startup, StartupOptions};
use lakescope::Lakescope;
use tokio::sync::{Mutex, RwLock};

/// What the commands share: where sources come from, the opened engine, and when the process began.
pub struct AppState {
    options: StartupOptions,
    started: Instant,
    engine: RwLock<Option<(Arc<Lakescope>, Startup)>>,
    /// Held while starting, so a double call (a reload during the first demo build) builds once.
    starting: Mutex<()>,
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
        AppState { options, started, engine: RwLock::new(None), starting: Mutex::new(()) }
    }
}

/// Build and run the app until its window closes.
pub fn run() {
    let started = Instant::now();
    tauri::Builder::default()
        .manage(AppState::from_env(started))
        .invoke_handler(tauri::generate_handler![
            commands::bootstrap,
            commands::list_tables,
            commands::table_page,
            commands::size_chart_svg,
            commands::refresh,
            commands::process_uptime_ms,
        ])
        .run(tauri::generate_context!())
        .expect("error while running the Lakescope window");
}
