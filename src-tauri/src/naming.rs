//! The Overview page's Naming section: the built-in naming rules checked over the lookup index in the
//! app's store (refreshed first, re-reading only changed tables) — `lakescope lint-names --json`.

use lakescope::cancel::CancelToken;
use lakescope::error::ErrorReport;
use lakescope::naming::{NamingReport, NamingRules};
use lakescope::store::Store;
use tauri::State;

use crate::commands::{engine, report};
use crate::AppState;

#[tauri::command]
pub async fn naming_lint(state: State<'_, AppState>) -> Result<NamingReport, ErrorReport> {
    let rules = NamingRules::load(None).map_err(report)?;
    let ls = engine(&state).await?;
    let target = std::env::var("LAKESCOPE_STORE").ok().filter(|s| !s.is_empty());
    let store = Store::open(target.as_deref()).await.map_err(report)?;
    let result = ls.lint_names(&store, &rules, &CancelToken::new()).await;
    store.close().await;
    result.map_err(report)
}
