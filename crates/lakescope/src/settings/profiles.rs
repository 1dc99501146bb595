//! The user's own price profiles, `NAME.toml` files in one folder: listed beside the built-in ones,
//! saved from a form (checked, then written as TOML that `lakescope --profile NAME` reads back to the
//! same profile) and deleted. Built-in profiles are read-only: a user profile may copy one under a new
//! name, never take its name (it would silently replace the built-in everywhere).

use std::path::{Path, PathBuf};

use serde::Serialize;
use ts_rs::TS;

use super::write_atomically;
use crate::cost::PriceProfile;
use crate::error::{Error, ErrorReport, Result, ResultExt};

/// Where a profile comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ProfileOrigin {
    /// Compiled in (`assets/prices`); read-only.
    BuiltIn,
    /// A `NAME.toml` in the user's prices folder.
    User,
}

/// One profile that can be chosen.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ProfileEntry {
    /// What `--profile` takes: the built-in's name, or the user file's name without `.toml`.
    pub id: String,
    pub origin: ProfileOrigin,
    /// The user profile's file.
    pub path: Option<String>,
    pub profile: PriceProfile,
}

/// A `.toml` in the prices folder that is not a valid profile (named so the user can fix it).
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct BrokenProfile {
    pub path: String,
    pub error: ErrorReport,
}

/// The built-in profiles, then the user's (by id); a user file named like a built-in hides it, as
/// `--profile` would. Files that do not parse are listed apart.
pub fn list_in(prices_dir: &Path) -> (Vec<ProfileEntry>, Vec<BrokenProfile>) {
    let mut users = Vec::new();
    let mut broken = Vec::new();
    if let Ok(dir) = std::fs::read_dir(prices_dir) {
        for e in dir.flatten() {
            let path = e.path();
            let Some(id) = path.file_name().and_then(|n| n.to_str()).and_then(|n| n.strip_suffix(".toml")) else { continue };
            if id.starts_with('.') || !path.is_file() {
                continue;
            }
            match PriceProfile::load_file(&path) {
                Ok(profile) => users.push(ProfileEntry {
                    id: id.to_string(),
                    origin: ProfileOrigin::User,
                    path: Some(path.display().to_string()),
                    profile,
                }),
                Err(e) => broken.push(BrokenProfile { path: path.display().to_string(), error: e.to_report() }),
            }
        }
    }
    users.sort_by(|a, b| a.id.cmp(&b.id));
    broken.sort_by(|a, b| a.path.cmp(&b.path));
    let mut all: Vec<ProfileEntry> = PriceProfile::built_in()
        .into_iter()
        .filter(|p| !users.iter().any(|u| u.id == p.name))
        .map(|p| ProfileEntry { id: p.name.clone(), origin: ProfileOrigin::BuiltIn, path: None, profile: p })
        .collect();
    all.extend(users);
    (all, broken)
}

/// A name a user profile can have: it is the file name, so letters, digits, `-` and `_` (1 to 64), and
/// not a built-in's name.
pub fn check_name(name: &str) -> Result<()> {
    let ok_char = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    if name.is_empty() {
        return Err(Error::invalid("price profile name: a name is required"));
    }
    if name.len() > 64 || !name.chars().all(ok_char) {
        return Err(Error::invalid(format!(
            "price profile name {name:?}: use 1 to 64 letters, digits, '-' or '_' (it becomes the file NAME.toml)"
        )));
    }
    if PriceProfile::built_in_text(name).is_some() {
        return Err(Error::invalid(format!(
            "price profile name {name:?} is a built-in profile's: built-in profiles are read-only, save the copy under another name"
        )));
    }
    Ok(())
}

/// Save `profile` as `<prices_dir>/NAME.toml` (replacing the user's profile of that name). Checked
/// first — the name, every price ≥ 0, replication ≥ 1, and that the TOML reads back to exactly this
/// profile — and nothing is written when refused.
pub fn save_in(prices_dir: &Path, profile: &PriceProfile) -> Result<ProfileEntry> {
    check_name(&profile.name)?;
    let path = prices_dir.join(format!("{}.toml", profile.name));
    let origin = path.display().to_string();
    let body = toml::to_string_pretty(profile).map_err(|e| Error::invalid(format!("price profile {origin}: {e}")))?;
    let text = format!(
        "# Price profile saved by Lakescope: `lakescope --profile {}` reads it. Units: `per` is GB (10^9 bytes), GiB (2^30),\n\
         # TB (10^12) or TiB (2^40); a month is 730 hours; replication multiplies every stored byte.\n{body}",
        profile.name
    );
    let back = PriceProfile::parse(&text, &origin)?;
    if &back != profile {
        return Err(Error::internal(format!("price profile {origin}: the TOML written does not read back the same")));
    }
    std::fs::create_dir_all(prices_dir).with_context(|| format!("creating the price profiles folder {}", prices_dir.display()))?;
    write_atomically(&path, &text, &format!("saving price profile {origin}"))?;
    Ok(ProfileEntry { id: profile.name.clone(), origin: ProfileOrigin::User, path: Some(origin), profile: back })
}

/// Delete the user's profile `name`; built-in profiles cannot be deleted.
pub fn delete_in(prices_dir: &Path, name: &str) -> Result<PathBuf> {
    let path = prices_dir.join(format!("{name}.toml"));
    if PriceProfile::built_in_text(name).is_some() {
        if !path.is_file() {
            return Err(Error::invalid(format!("price profile {name:?} is built in: built-in profiles cannot be deleted")));
        }
    } else {
        check_name(name)?;
    }
    if !path.is_file() {
        return Err(Error::not_found(format!("no user price profile {name:?} in {}", prices_dir.display())));
    }
    std::fs::remove_file(&path).with_context(|| format!("deleting price profile {}", path.display()))?;
    Ok(path)
}
