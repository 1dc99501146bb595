//! Settings' "Costs and findings": the price profile every dollar uses, the user's own profiles and the
//! findings rules, over the engine's `settings` module (files in the user's config dir that the CLI's
//! `--profile`, `--rules` and `--active-users` read too). Each command answers with the settings as
//! they are after it, so the page shows exactly what was saved.

use lakescope::cost::PriceProfile;
use lakescope::error::ErrorReport;
use lakescope::findings::Rules;
use lakescope::settings::{self, CostSettings};

use crate::commands::report;

type Reply<T> = Result<T, ErrorReport>;

/// Where the app keeps them: beside the user's sources file, like the collection schedule.
pub(crate) fn dir() -> std::path::PathBuf {
    settings::default_dir()
}

/// The rules and price profile the Overview, its findings and the app's collections use.
pub(crate) fn rules_and_profile() -> lakescope::Result<(Rules, PriceProfile)> {
    settings::resolve(&dir())
}

#[tauri::command]
pub fn cost_settings() -> CostSettings {
    settings::load(&dir())
}

#[tauri::command]
pub fn price_profile_choose(id: String) -> Reply<CostSettings> {
    settings::choose_profile(&dir(), &id).map_err(report)?;
    Ok(settings::load(&dir()))
}

#[tauri::command]
pub fn price_profile_save(profile: PriceProfile) -> Reply<CostSettings> {
    settings::save_profile(&dir(), &profile).map_err(report)?;
    Ok(settings::load(&dir()))
}

#[tauri::command]
pub fn price_profile_delete(name: String) -> Reply<CostSettings> {
    settings::delete_profile(&dir(), &name).map_err(report)?;
    Ok(settings::load(&dir()))
}

/// `active_users`: the list as typed (one name per line or CSV), `None` for no list.
#[tauri::command]
pub fn findings_rules_save(rules: Rules, active_users: Option<String>) -> Reply<CostSettings> {
    settings::save_rules(&dir(), &rules, active_users.as_deref()).map_err(report)?;
    Ok(settings::load(&dir()))
}
