//! The Learn page's commands: each a line over the engine's [`Learn`] (tutorials + progress).
//!
//! The store opens on first use, not at launch: most sessions never visit the Learn page, and a store
//! that cannot be opened must only break that page. `LAKESCOPE_STORE` names it (tests point it at a
//! scratch file); otherwise it is the user's store in their data dir. `LAKESCOPE_TUTORIALS_DIR` makes
//! every listing re-read tutorials from that folder (see `lakescope::tutorials`).

use lakescope::error::ErrorReport;
use lakescope::store::{Store, TutorialProgress};
use lakescope::tutorials::{Learn, LearnOverview, TutorialSource};
use tauri::State;

use crate::AppState;

type Reply<T> = Result<T, ErrorReport>;

fn report(e: lakescope::Error) -> ErrorReport {
    eprintln!("lakescope: {:?}: {}", e.kind, e.detailed());
    e.to_report()
}

fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

/// The learner: the OS user name (progress is per user even when a team shares a Postgres store).
fn user() -> String {
    ["USER", "USERNAME", "LOGNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.trim().is_empty()))
        .unwrap_or_else(|| "local".into())
}

async fn learn(state: &AppState) -> Reply<&Learn> {
    state
        .learn
        .get_or_try_init(|| async {
            let target = std::env::var("LAKESCOPE_STORE").ok().filter(|s| !s.trim().is_empty());
            let store = Store::open(target.as_deref()).await.map_err(report)?;
            Ok(Learn::new(TutorialSource::from_env(), store, user()))
        })
        .await
}

#[tauri::command]
pub async fn learn_overview(state: State<'_, AppState>) -> Reply<LearnOverview> {
    learn(&state).await?.overview().await.map_err(report)
}

/// Start or resume a tutorial; `restart` begins again from its first step.
#[tauri::command]
pub async fn learn_start(state: State<'_, AppState>, id: String, restart: bool) -> Reply<TutorialProgress> {
    learn(&state).await?.start(&id, restart, now_ms()).await.map_err(report)
}

#[tauri::command]
pub async fn learn_advance(state: State<'_, AppState>, id: String, step: u32) -> Reply<TutorialProgress> {
    learn(&state).await?.advance(&id, step, now_ms()).await.map_err(report)
}

#[tauri::command]
pub async fn learn_complete(state: State<'_, AppState>, id: String) -> Reply<TutorialProgress> {
    learn(&state).await?.complete(&id, now_ms()).await.map_err(report)
}

#[tauri::command]
pub async fn learn_reset(state: State<'_, AppState>, id: String) -> Reply<bool> {
    learn(&state).await?.reset(&id).await.map_err(report)
}

/// The learner declined the first-launch offer.
#[tauri::command]
pub async fn learn_dismiss_offer(state: State<'_, AppState>) -> Reply<()> {
    learn(&state).await?.dismiss_offer(now_ms()).await.map_err(report)
}
