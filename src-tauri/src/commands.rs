//! The commands the UI invokes. Each is a thin call into the engine's facade; their names are listed
//! in `build.rs` (which generates their `allow-*` permissions) and granted in `capabilities/main.toml`.

use std::sync::Arc;

use lakescope::api::{Startup, TableListing, TablePage};
use lakescope::charts::ChartOptions;
use lakescope::error::ErrorReport;
use lakescope::table::ReadOptions;
use lakescope::{Error, Lakescope};
use tauri::State;

use crate::AppState;

type Reply<T> = Result<T, ErrorReport>;

pub(crate) fn report(e: Error) -> ErrorReport {
    eprintln!("lakescope: {:?}: {}", e.kind, e.detailed());
    e.to_report()
}

pub(crate) async fn engine(state: &AppState) -> Reply<Arc<Lakescope>> {
    match state.engine.read().await.as_ref() {
        Some((ls, _)) => Ok(ls.clone()),
        None => Err(report(Error::internal("the UI asked for data before `bootstrap` opened the sources"))),
    }
}

/// Open the sources (first launch: build or reuse the demo lakehouse) and say which are in use.
/// The app began this at launch; the first call collects that result (success or failure), later
/// calls return the same success or, after a failure, try again (the UI's Retry).
#[tauri::command]
pub async fn bootstrap(state: State<'_, AppState>, retry: bool) -> Reply<Startup> {
    state.ensure_started(retry).await
}

#[tauri::command]
pub async fn list_tables(state: State<'_, AppState>) -> Reply<TableListing> {
    Ok(engine(&state).await?.tables().await)
}

/// `target` is a qualified name (`source.namespace.name`) or a location; "now" is the clock's now.
#[tauri::command]
pub async fn table_page(state: State<'_, AppState>, target: String) -> Reply<TablePage> {
    engine(&state).await?.table_page(&target, &ReadOptions::default()).await.map_err(report)
}

/// The first `limit` rows (default 20, at most 1000) of a table's current version.
#[tauri::command]
pub async fn table_sample(state: State<'_, AppState>, target: String, limit: Option<u32>) -> Reply<lakescope::sample::SampleRows> {
    engine(&state).await?.sample(&target, limit).await.map_err(report)
}

/// The Versions tab: every retained version with what it added and removed.
#[tauri::command]
pub async fn table_versions(state: State<'_, AppState>, target: String) -> Reply<lakescope::versions::TableVersions> {
    engine(&state).await?.versions(&target).await.map_err(report)
}

/// The Versions tab's side-by-side view of two versions (ids as `table_versions` gives them).
#[tauri::command]
pub async fn table_diff(state: State<'_, AppState>, target: String, from: String, to: String) -> Reply<lakescope::versions::VersionDiff> {
    let limit = lakescope::versions::DEFAULT_FILE_LIMIT;
    engine(&state).await?.diff(&target, &from, &to, limit).await.map_err(report)
}

#[tauri::command]
pub async fn size_chart_svg(state: State<'_, AppState>, target: String, options: ChartOptions) -> Reply<String> {
    engine(&state).await?.size_chart_svg(&target, &options).await.map_err(report)
}

/// Forget cached listings and histories; the next calls re-read catalogs and logs.
#[tauri::command]
pub async fn refresh(state: State<'_, AppState>) -> Reply<()> {
    engine(&state).await?.refresh().await;
    Ok(())
}

/// The version and build About shows: the same engine constants `lakescope --version` prints.
#[tauri::command]
pub fn build_info() -> lakescope::version::BuildInfo {
    lakescope::version::build_info()
}

/// Milliseconds since the app's `main` began. The UI calls it once its first table list is painted,
/// so this is the cold-start figure; it is logged too, for scripts that watch the app start.
#[tauri::command]
pub fn process_uptime_ms(state: State<'_, AppState>) -> u64 {
    let ms = state.started.elapsed().as_millis() as u64;
    eprintln!("lakescope-app: table list painted {ms} ms after start");
    ms
}
