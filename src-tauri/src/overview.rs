//! The Overview page's commands: the platform at a glance over the engine's facade (from the store's latest
//! collection when there is one, live on Refresh), and its top-growth chart re-drawn from movers the page already holds (theme or width changes never re-read tables).

use lakescope::charts::ChartOptions;
use lakescope::error::ErrorReport;
use lakescope::overview::{Mover, Overview, OverviewOptions, SchemaBytes};
use lakescope::store::Store;
use tauri::State;

use crate::commands::{engine, report};
use crate::settings::rules_and_profile;
use crate::AppState;

type Reply<T> = Result<T, ErrorReport>;

/// Every table read now, priced with the profile chosen in Settings, findings under the rules saved
/// there — the same as `lakescope overview --json --profile P --rules R --active-users U` with those files.
#[tauri::command]
pub async fn overview(state: State<'_, AppState>) -> Reply<Overview> {
    let (rules, profile) = rules_and_profile().map_err(report)?;
    Ok(engine(&state).await?.overview(&rules, &profile, &OverviewOptions::default()).await)
}

/// The overview of the store's latest finished collection (`lakescope overview --from-store --json`, with
/// Settings' profile and rules), or
/// `None` when the app's store (`LAKESCOPE_STORE`, else the default one) does not exist or holds none —
/// then the page reads every table live. Never creates a store.
#[tauri::command]
pub async fn overview_from_store() -> Reply<Option<Overview>> {
    let target = std::env::var("LAKESCOPE_STORE").ok().filter(|s| !s.is_empty());
    let exists = match &target {
        Some(t) if t.contains("://") && !t.starts_with("sqlite:") => true,
        Some(t) => std::path::Path::new(t.trim_start_matches("sqlite://").trim_start_matches("sqlite:")).is_file(),
        None => lakescope::store::default_store_path().is_file(),
    };
    if !exists {
        return Ok(None);
    }
    let store = Store::open(target.as_deref()).await.map_err(report)?;
    let (rules, profile) = match rules_and_profile() {
        Ok(rp) => rp,
        Err(e) => {
            store.close().await;
            return Err(report(e));
        }
    };
    let o = lakescope::overview::overview_from_store(&store, &rules, &profile, &OverviewOptions::default()).await;
    store.close().await;
    match o {
        Ok(o) => Ok(Some(o)),
        Err(e) if e.kind == lakescope::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(report(e)),
    }
}

#[tauri::command]
pub fn top_growth_chart_svg(movers: Vec<Mover>, growth_days: i64, options: ChartOptions) -> Reply<String> {
    lakescope::overview::top_growth_chart_svg(&movers, growth_days, &options).map_err(report)
}

/// The per-schema chart re-drawn from the schemas the page already holds.
#[tauri::command]
pub fn schema_chart_svg(schemas: Vec<SchemaBytes>, options: ChartOptions) -> Reply<String> {
    lakescope::overview::schema_chart_svg(&schemas, &options).map_err(report)
}
