//! Findings rules: how long personal and other schemas keep data, and when a table counts as unused.
//! Defaults suit the common platform convention of personal `usr_` schemas kept for 7 days; a TOML
//! file (`lakescope findings --rules FILE`) changes them per schema.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result, ResultExt};

/// A schema's own retention.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct SchemaRule {
    #[ts(type = "number")]
    pub retention_days: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields, default)]
#[ts(export)]
pub struct Rules {
    /// A table with no new version / file for this many days is unused.
    #[ts(type = "number")]
    pub unused_days: i64,
    /// Schemas whose names start with this are personal.
    pub personal_prefix: String,
    #[ts(type = "number")]
    pub personal_retention_days: i64,
    /// Per-schema retention, winning over the personal default.
    pub schemas: BTreeMap<String, SchemaRule>,
    /// The users still around (an active-users file, see [`Rules::parse_active_users`]). A personal
    /// schema whose owner is not listed belongs to someone who left. `None`: no such findings.
    pub active_users: Option<Vec<String>>,
    /// When a partition's files are small enough that compaction pays ([`Compaction`]).
    pub compaction: Compaction,
}

/// The small-file rule. A partition of the current version is a compaction finding when it has at least
/// `min_files` data files, their average size is under 3/4 of the target (what Iceberg's
/// rewrite_data_files calls too small: `min-file-size-bytes` defaults to 75 % of the target), and
/// rewriting its bytes into target-size files would leave fewer files. The target is the table's own
/// setting when it has one (Iceberg `write.target-file-size-bytes`, Delta `delta.targetFileSize`), else
/// these defaults: Iceberg's 512 MiB, and 1 GiB for Delta (OPTIMIZE's `maxFileSize` in Spark / Databricks).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields, default)]
#[ts(export)]
pub struct Compaction {
    /// Fewer files than this are never worth a rewrite (rewrite_data_files' `min-input-files` is 5).
    #[ts(type = "number")]
    pub min_files: u64,
    #[ts(type = "number")]
    pub iceberg_target_file_bytes: u64,
    #[ts(type = "number")]
    pub delta_target_file_bytes: u64,
}

impl Default for Compaction {
    fn default() -> Self {
        Compaction { min_files: 5, iceberg_target_file_bytes: 512 << 20, delta_target_file_bytes: 1 << 30 }
    }
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            unused_days: 30,
            personal_prefix: "usr_".into(),
            personal_retention_days: 7,
            schemas: BTreeMap::new(),
            active_users: None,
            compaction: Compaction::default(),
        }
    }
}

impl Rules {
    pub fn parse(text: &str, origin: &str) -> Result<Rules> {
        let r: Rules = toml::from_str(text).with_context(|| format!("findings rules {origin}"))?;
        let check = |key: &str, v: i64| {
            if v >= 0 { Ok(()) } else { Err(Error::invalid(format!("findings rules {origin}: {key} must be ≥ 0 days (got {v})"))) }
        };
        check("unused_days", r.unused_days)?;
        check("personal_retention_days", r.personal_retention_days)?;
        let c = &r.compaction;
        if c.min_files < 2 || c.iceberg_target_file_bytes == 0 || c.delta_target_file_bytes == 0 {
            return Err(Error::invalid(format!(
                "findings rules {origin}: compaction.min_files must be ≥ 2 and the target file sizes > 0 bytes"
            )));
        }
        for (name, s) in &r.schemas {
            if name.trim().is_empty() || name.trim() != name {
                return Err(Error::invalid(format!("findings rules {origin}: schema name {name:?} must not be empty or start or end with spaces")));
            }
            check(&format!("schemas.{name}.retention_days"), s.retention_days)?;
        }
        Ok(r)
    }

    /// The rules as a TOML file `lakescope findings --rules FILE` reads back to the same rules (the
    /// active users are not part of it: they are a file of their own, `--active-users`). Refused, with
    /// the key named, when [`Self::parse`] would refuse the result.
    pub fn to_toml(&self, origin: &str) -> Result<String> {
        let mut text = String::from("# Findings rules (`lakescope findings --rules FILE` reads this file).\n");
        let mut plain = self.clone();
        plain.active_users = None;
        text += &toml::to_string_pretty(&plain).map_err(|e| Error::invalid(format!("findings rules {origin}: {e}")))?;
        let back = Self::parse(&text, origin)?;
        if back != plain {
            return Err(Error::internal(format!("findings rules {origin}: the TOML written does not read back the same")));
        }
        Ok(text)
    }

    pub fn load(path: &Path) -> Result<Rules> {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading findings rules {}", path.display()))?;
        Self::parse(&text, &path.display().to_string())
    }

    /// An active-users file: one user name per line, or a CSV whose first column is the user name
    /// (a header whose first field is `user` is skipped; so are blank lines and `#` comments).
    /// Names are compared case-insensitively. An empty list is refused: it would mark everyone departed.
    pub fn parse_active_users(text: &str, origin: &str) -> Result<Vec<String>> {
        let mut users = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let first = line.split(',').next().unwrap_or("").trim().trim_matches('"');
            if users.is_empty() && first.eq_ignore_ascii_case("user") {
                continue;
            }
            if first.is_empty() || first.contains(char::is_whitespace) {
                return Err(Error::invalid(format!(
                    "active users {origin} line {}: {first:?} is not a user name (one name per line, or CSV with the name first)",
                    i + 1
                )));
            }
            users.push(first.to_lowercase());
        }
        if users.is_empty() {
            return Err(Error::invalid(format!("active users {origin}: no user listed (every personal schema would count as departed)")));
        }
        users.sort();
        users.dedup();
        Ok(users)
    }

    pub fn load_active_users(&mut self, path: &Path) -> Result<()> {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading active users {}", path.display()))?;
        self.active_users = Some(Self::parse_active_users(&text, &path.display().to_string())?);
        Ok(())
    }

    /// The owner of a personal schema who is not among the active users, when there is a list.
    pub fn departed_owner<'a>(&self, schema: &'a str) -> Option<&'a str> {
        let active = self.active_users.as_ref()?;
        let owner = schema.strip_prefix(self.personal_prefix.as_str()).filter(|o| !o.is_empty() && !self.personal_prefix.is_empty())?;
        (!active.iter().any(|u| u.eq_ignore_ascii_case(owner))).then_some(owner)
    }

    /// The retention of a schema, if it has one.
    pub fn retention_days(&self, schema: &str) -> Option<i64> {
        if let Some(s) = self.schemas.get(schema) {
            return Some(s.retention_days);
        }
        (!self.personal_prefix.is_empty() && schema.starts_with(&self.personal_prefix)).then_some(self.personal_retention_days)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn personal_default_and_per_schema_overrides() {
        let r = Rules::parse("unused_days = 60\n[schemas.usr_boss]\nretention_days = 90\n[schemas.ods]\nretention_days = 365\n", "r.toml").unwrap();
        assert_eq!(r.retention_days("usr_jdoe"), Some(7));
        assert_eq!(r.retention_days("usr_boss"), Some(90));
        assert_eq!(r.retention_days("ods"), Some(365));
        assert_eq!(r.retention_days("mart"), None);
        assert_eq!(r.unused_days, 60);
    }

    #[test]
    fn active_users_from_a_list_or_a_csv_and_who_departed() {
        let csv = "user,team\n# HR export\nAlice,data\n\nbob, platform\n";
        let mut r = Rules { active_users: Some(Rules::parse_active_users(csv, "u.csv").unwrap()), ..Rules::default() };
        assert_eq!(r.active_users.as_deref().unwrap(), ["alice", "bob"]);
        assert_eq!(r.departed_owner("usr_jdoe"), Some("jdoe"));
        assert_eq!(r.departed_owner("usr_ALICE"), None, "case-insensitive");
        assert_eq!(r.departed_owner("ods"), None, "not a personal schema");
        assert_eq!(r.departed_owner("usr_"), None, "no owner in the name");
        r.active_users = None;
        assert_eq!(r.departed_owner("usr_jdoe"), None, "no list, no departed owners");

        let e = Rules::parse_active_users("user\nbob smith\n", "/u.csv").unwrap_err();
        assert!(e.message.contains("/u.csv line 2") && e.message.contains("bob smith"), "{}", e.message);
        let e = Rules::parse_active_users("# nobody\nuser\n", "/u.csv").unwrap_err();
        assert!(e.message.contains("no user listed"), "{}", e.message);
    }

    #[test]
    fn bad_rules_name_the_file_and_key() {
        let e = Rules::parse("[schemas.ods]\nretention_days = -1\n", "/r.toml").unwrap_err();
        assert!(e.message.contains("/r.toml") && e.message.contains("schemas.ods.retention_days"), "{}", e.message);
        let e = Rules::parse("unused = 3\n", "/r.toml").unwrap_err();
        assert!(e.message.contains("/r.toml") && e.message.contains("unused"), "{}", e.message);
        let e = Rules::parse("[compaction]\nmin_files = 1\n", "/r.toml").unwrap_err();
        assert!(e.message.contains("/r.toml") && e.message.contains("compaction.min_files"), "{}", e.message);
        let r = Rules::parse("[compaction]\ndelta_target_file_bytes = 1000\n", "/r.toml").unwrap();
        assert_eq!((r.compaction.delta_target_file_bytes, r.compaction.min_files), (1000, 5));
    }
}
