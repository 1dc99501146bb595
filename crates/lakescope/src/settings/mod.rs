//! The costs-and-findings settings the desktop app keeps for its user: which price profile prices every
//! dollar, the user's own profiles, and the findings rules with an optional active-users list.
//!
//! Each is a file the CLI reads too, so the app and `lakescope` agree on every figure:
//! `<dir>/prices/NAME.toml` is `--profile NAME`, `<dir>/findings_rules.toml` is `--rules FILE` and
//! `<dir>/active_users.txt` is `--active-users FILE`. Only the choice of profile is the app's own
//! (`<dir>/price_profile.json`, kept like the collection schedule). `<dir>` is the folder of the user's
//! sources file. Every save is checked first and writes nothing when refused; files are written beside
//! their place and renamed, so a crash never leaves half a file.

mod profiles;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use profiles::{check_name, BrokenProfile, ProfileEntry, ProfileOrigin};

use crate::cost::{PriceProfile, DEFAULT_PROFILE};
use crate::error::{Error, ErrorReport, Result, ResultExt};
use crate::findings::Rules;

/// The folder of the user's sources file (`~/.config/lakescope`), where the app keeps its settings.
pub fn default_dir() -> PathBuf {
    let sources = crate::sources::default_sources_path();
    sources.parent().map(Path::to_path_buf).unwrap_or_else(std::env::temp_dir)
}

/// The files of the settings in `dir`.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct SettingsPaths {
    /// The user's profiles (`--profile NAME` reads `NAME.toml` here).
    pub prices_dir: String,
    /// The findings rules (`--rules`).
    pub rules: String,
    /// The active users (`--active-users`); absent when there is no list.
    pub active_users: String,
    /// Which profile the app uses.
    pub choice: String,
}

impl SettingsPaths {
    fn of(dir: &Path) -> SettingsPaths {
        let s = |p: PathBuf| p.display().to_string();
        SettingsPaths {
            prices_dir: s(prices_dir(dir)),
            rules: s(rules_path(dir)),
            active_users: s(active_users_path(dir)),
            choice: s(choice_path(dir)),
        }
    }
}

pub fn prices_dir(dir: &Path) -> PathBuf {
    dir.join("prices")
}
pub fn rules_path(dir: &Path) -> PathBuf {
    dir.join("findings_rules.toml")
}
pub fn active_users_path(dir: &Path) -> PathBuf {
    dir.join("active_users.txt")
}
fn choice_path(dir: &Path) -> PathBuf {
    dir.join("price_profile.json")
}

/// Everything the Settings page shows. Files that cannot be read are reported beside the defaults
/// shown in their place, so the page always opens.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct CostSettings {
    /// The id of the profile every dollar is priced with.
    pub active_profile: String,
    /// The choice file cannot be read, or names a profile that is gone (the default is shown).
    pub active_profile_error: Option<ErrorReport>,
    /// Built-in profiles first, then the user's.
    pub profiles: Vec<ProfileEntry>,
    pub broken_profiles: Vec<BrokenProfile>,
    /// The saved rules (the defaults when none are saved), without the active users.
    pub rules: Rules,
    pub rules_error: Option<ErrorReport>,
    /// The active-users file as written; `None` when there is no list.
    pub active_users: Option<String>,
    pub active_users_error: Option<ErrorReport>,
    pub paths: SettingsPaths,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Choice {
    profile: String,
}

/// Read every setting in `dir`.
pub fn load(dir: &Path) -> CostSettings {
    let (profiles, broken_profiles) = profiles::list_in(&prices_dir(dir));
    let (active_profile, active_profile_error) = match chosen_profile(dir) {
        Ok(id) if profiles.iter().any(|p| p.id == id) => (id, None),
        Ok(id) => (
            DEFAULT_PROFILE.to_string(),
            Some(Error::not_found(format!("the chosen price profile {id:?} is not among the profiles (built-in or in {})", prices_dir(dir).display())).to_report()),
        ),
        Err(e) => (DEFAULT_PROFILE.to_string(), Some(e.to_report())),
    };
    let (rules, rules_error) = match saved_rules(dir) {
        Ok(r) => (r, None),
        Err(e) => (Rules::default(), Some(e.to_report())),
    };
    let (active_users, active_users_error) = match read_optional(&active_users_path(dir), "active users") {
        Ok(text) => {
            let error = text.as_deref().and_then(|t| Rules::parse_active_users(t, &active_users_path(dir).display().to_string()).err());
            (text, error.map(|e| e.to_report()))
        }
        Err(e) => (None, Some(e.to_report())),
    };
    CostSettings {
        active_profile,
        active_profile_error,
        profiles,
        broken_profiles,
        rules,
        rules_error,
        active_users,
        active_users_error,
        paths: SettingsPaths::of(dir),
    }
}

/// The rules and profile the app prices and judges with: the chosen profile (the default when none is
/// chosen), the saved rules and the active users — what `lakescope --profile P --rules R
/// --active-users U` uses with the same files.
pub fn resolve(dir: &Path) -> Result<(Rules, PriceProfile)> {
    let profile = resolve_profile(dir)?;
    let mut rules = saved_rules(dir)?;
    let users = active_users_path(dir);
    if users.is_file() {
        rules.load_active_users(&users)?;
    }
    Ok((rules, profile))
}

/// The chosen price profile alone (the Spark page needs no rules, so a broken rules file does not stop it).
pub fn resolve_profile(dir: &Path) -> Result<PriceProfile> {
    PriceProfile::resolve_in(&prices_dir(dir), Some(&chosen_profile(dir)?))
        .map_err(|e| e.context(format!("the price profile chosen in {}", choice_path(dir).display())))
}

/// The id of the chosen profile, [`DEFAULT_PROFILE`] when none was chosen.
pub fn chosen_profile(dir: &Path) -> Result<String> {
    let path = choice_path(dir);
    match read_optional(&path, "the chosen price profile")? {
        None => Ok(DEFAULT_PROFILE.to_string()),
        Some(text) => {
            let c: Choice = serde_json::from_str(&text).map_err(|e| Error::corrupt(format!("chosen price profile {}: {e}", path.display())))?;
            Ok(c.profile)
        }
    }
}

/// Price everything with profile `id` from now on; refused (nothing written) when it does not resolve.
pub fn choose_profile(dir: &Path, id: &str) -> Result<PriceProfile> {
    if id.ends_with(".toml") || id.contains(['/', '\\']) {
        return Err(Error::invalid(format!("price profile {id:?}: choose a profile by name, not by file")));
    }
    let profile = PriceProfile::resolve_in(&prices_dir(dir), Some(id))?;
    let path = choice_path(dir);
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let text = serde_json::to_string_pretty(&Choice { profile: id.to_string() })?;
    write_atomically(&path, &text, &format!("saving the chosen price profile to {}", path.display()))?;
    Ok(profile)
}

/// Save a user profile as `prices/NAME.toml` (see [`profiles::save_in`]).
pub fn save_profile(dir: &Path, profile: &PriceProfile) -> Result<ProfileEntry> {
    profiles::save_in(&prices_dir(dir), profile)
}

/// Delete the user profile `name`; when it was the chosen one, the default profile is chosen again.
pub fn delete_profile(dir: &Path, name: &str) -> Result<()> {
    profiles::delete_in(&prices_dir(dir), name)?;
    if chosen_profile(dir).is_ok_and(|c| c == name) && PriceProfile::built_in_text(name).is_none() {
        let path = choice_path(dir);
        std::fs::remove_file(&path).with_context(|| format!("resetting the chosen price profile {}", path.display()))?;
    }
    Ok(())
}

/// The saved rules without active users; the defaults when none are saved.
fn saved_rules(dir: &Path) -> Result<Rules> {
    let path = rules_path(dir);
    match read_optional(&path, "findings rules")? {
        None => Ok(Rules::default()),
        Some(text) => {
            let mut r = Rules::parse(&text, &path.display().to_string())?;
            // The list is a file of its own; a hand-written one inside the rules would be a second truth.
            r.active_users = None;
            Ok(r)
        }
    }
}

/// Save the rules as the TOML `--rules` reads, and the active users as the file `--active-users` reads
/// (`None` removes the list). Both are checked before either is written.
pub fn save_rules(dir: &Path, rules: &Rules, active_users: Option<&str>) -> Result<()> {
    let path = rules_path(dir);
    let users_path = active_users_path(dir);
    let text = rules.to_toml(&path.display().to_string())?;
    if let Some(users) = active_users {
        Rules::parse_active_users(users, &users_path.display().to_string())?;
    }
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    write_atomically(&path, &text, &format!("saving findings rules to {}", path.display()))?;
    match active_users {
        Some(users) => {
            let mut users = users.to_string();
            if !users.ends_with('\n') {
                users.push('\n');
            }
            write_atomically(&users_path, &users, &format!("saving active users to {}", users_path.display()))
        }
        None => match std::fs::remove_file(&users_path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                Err(Error::from(e)).with_context(|| format!("removing the active users {}", users_path.display()))
            }
            _ => Ok(()),
        },
    }
}

/// A file's text, `None` when it does not exist.
fn read_optional(path: &Path, what: &str) -> Result<Option<String>> {
    match std::fs::read_to_string(path) {
        Ok(t) => Ok(Some(t)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::from(e)).with_context(|| format!("reading {what} {}", path.display())),
    }
}

/// Write `text` beside `path`, then rename it into place.
fn write_atomically(path: &Path, text: &str, what: &str) -> Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    std::fs::write(&tmp, text).context(what)?;
    std::fs::rename(&tmp, path).context(what)
}
