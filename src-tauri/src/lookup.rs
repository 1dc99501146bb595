//! Ctrl+K over the lookup index: the loaded search structure, a background refresh with progress, and
//! the commands the quick-open box calls. While a refresh runs, the status is pushed to the window as
//! `lookup-status` events (throttled, and once when it ends; see [`crate::progress`]). The index lives in the app's store (`LAKESCOPE_STORE`, else the
//! user's data dir), so the last one answers at once while a new refresh runs.

use std::sync::{Arc, Mutex};

use lakescope::cancel::CancelToken;
use lakescope::error::ErrorReport;
use lakescope::lookup::{Hit, IndexStatus, SearchFilters, SearchIndex};
use lakescope::store::Store;
use lakescope::{Error, Lakescope};
use tauri::{AppHandle, Manager, State};
use tokio::sync::RwLock;

use crate::AppState;
use crate::progress::{Throttle, emit, test_step_delay};

type Reply<T> = Result<T, ErrorReport>;

#[derive(Default)]
pub struct LookupState {
    index: RwLock<Option<Arc<SearchIndex>>>,
    status: Mutex<IndexStatus>,
    cancel: Mutex<Option<CancelToken>>,
}

fn report(e: Error) -> ErrorReport {
    eprintln!("lakescope: {:?}: {}", e.kind, e.detailed());
    e.to_report()
}

fn store_target() -> Option<String> {
    std::env::var("LAKESCOPE_STORE").ok().filter(|s| !s.is_empty())
}

impl LookupState {
    fn status(&self) -> IndexStatus {
        self.status.lock().expect("status lock").clone()
    }

    /// The loaded index, loading the stored one on first use.
    async fn index(&self) -> Result<Arc<SearchIndex>, Error> {
        if let Some(ix) = self.index.read().await.as_ref() {
            return Ok(ix.clone());
        }
        let store = Store::open(store_target().as_deref()).await?;
        let ix = Arc::new(Lakescope::load_index(&store).await?);
        store.close().await;
        self.status.lock().expect("status lock").describe(&ix);
        *self.index.write().await = Some(ix.clone());
        Ok(ix)
    }
}

/// Search the index: best `limit` tables for `query` under `filters`.
#[tauri::command]
pub async fn lookup_search(state: State<'_, AppState>, query: String, filters: SearchFilters, limit: usize) -> Reply<Vec<Hit>> {
    filters.validate().map_err(report)?;
    let ix = state.lookup.index().await.map_err(report)?;
    Ok(ix.search(&query, &filters, limit.min(200)))
}

/// Where the background refresh stands, and what the loaded index holds.
#[tauri::command]
pub async fn lookup_status(state: State<'_, AppState>) -> Reply<IndexStatus> {
    if state.lookup.index.read().await.is_none() {
        // Loading the stored index fills the status; a store that cannot open is the status' error.
        if let Err(e) = state.lookup.index().await {
            state.lookup.status.lock().expect("status lock").error = Some(report(e));
        }
    }
    Ok(state.lookup.status())
}

/// Start refreshing the index in the background (no-op while one runs); answers at once.
#[tauri::command]
pub async fn lookup_refresh(app: AppHandle, state: State<'_, AppState>) -> Reply<IndexStatus> {
    let engine = match state.engine.read().await.as_ref() {
        Some((ls, _)) => ls.clone(),
        None => return Err(report(Error::internal("the index was asked to refresh before the sources were opened"))),
    };
    let cancel = {
        let mut slot = state.lookup.cancel.lock().expect("cancel lock");
        if slot.is_some() {
            return Ok(state.lookup.status());
        }
        let token = CancelToken::new();
        *slot = Some(token.clone());
        token
    };
    {
        let mut s = state.lookup.status.lock().expect("status lock");
        s.running = true;
        s.done = 0;
        s.total = 0;
        s.error = None;
    }
    tauri::async_runtime::spawn(async move {
        let state = app.state::<AppState>();
        let lookup = &state.lookup;
        let throttle = Throttle::default();
        let progress = |p: &lakescope::lookup::IndexProgress| {
            let now = {
                let mut s = lookup.status.lock().expect("status lock");
                s.done = p.done;
                s.total = p.total;
                s.current = Some(p.table.clone());
                throttle.due().then(|| s.clone())
            };
            if let Some(now) = now {
                emit(&app, "lookup-status", now);
            }
            test_step_delay();
        };
        let result = async {
            let store = Store::open(store_target().as_deref()).await?;
            let report = engine.refresh_index(&store, &cancel, &progress).await;
            let loaded = match &report {
                Ok(_) => Some(Lakescope::load_index(&store).await),
                Err(_) => None,
            };
            store.close().await;
            Ok::<_, Error>((report?, loaded.transpose()?))
        }
        .await;
        let result = match result {
            Ok((r, Some(ix))) => {
                let ix = Arc::new(ix);
                *lookup.index.write().await = Some(ix.clone());
                Ok((r, Some(ix)))
            }
            Ok((r, None)) => Ok((r, None)),
            Err(e) => Err(e),
        };
        let mut s = lookup.status.lock().expect("status lock");
        s.running = false;
        s.current = None;
        match result {
            Ok((r, ix)) => {
                if let Some(ix) = ix {
                    s.describe(&ix);
                }
                eprintln!(
                    "lakescope-app: index refreshed: {} indexed, {} unchanged, {} removed, {} failed in {} ms",
                    r.indexed, r.unchanged, r.removed, r.failed, r.elapsed_ms
                );
                s.last = Some(r);
            }
            Err(e) => s.error = Some(report(e)),
        }
        let ended = s.clone();
        drop(s);
        *lookup.cancel.lock().expect("cancel lock") = None;
        emit(&app, "lookup-status", ended);
    });
    Ok(state.lookup.status())
}

/// Stop the refresh under way (false when none runs). The refresh ends with a Cancelled error in the
/// status; rows it already wrote are current, the rest keep their previous values, and the loaded index
/// stays as it was, so search goes on working.
#[tauri::command]
pub fn lookup_cancel(state: State<'_, AppState>) -> bool {
    match state.lookup.cancel.lock().expect("cancel lock").as_ref() {
        Some(token) => {
            token.cancel();
            true
        }
        None => false,
    }
}
