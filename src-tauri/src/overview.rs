//! The Overview page's commands: the platform at a glance over the engine's facade, and its top-growth
//! chart re-drawn from movers the page already holds (theme or width changes never re-read tables).

use lakescope::charts::ChartOptions;
use lakescope::cost::PriceProfile;
use lakescope::error::ErrorReport;
use lakescope::findings::Rules;
use lakescope::overview::{Mover, Overview, OverviewOptions};
use tauri::State;

use crate::commands::{engine, report};
use crate::AppState;

type Reply<T> = Result<T, ErrorReport>;

/// Every table read now, priced with the default profile, findings under the default rules — the same
/// as `lakescope overview --json` with no options.
#[tauri::command]
pub async fn overview(state: State<'_, AppState>) -> Reply<Overview> {
    let profile = PriceProfile::resolve(None).map_err(report)?;
    Ok(engine(&state).await?.overview(&Rules::default(), &profile, &OverviewOptions::default()).await)
}

#[tauri::command]
pub fn top_growth_chart_svg(movers: Vec<Mover>, growth_days: i64, options: ChartOptions) -> Reply<String> {
    lakescope::overview::top_growth_chart_svg(&movers, growth_days, &options).map_err(report)
}
