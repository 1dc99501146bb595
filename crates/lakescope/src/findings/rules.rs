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
}

impl Default for Rules {
    fn default() -> Self {
        Rules { unused_days: 30, personal_prefix: "usr_".into(), personal_retention_days: 7, schemas: BTreeMap::new() }
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
        for (name, s) in &r.schemas {
            check(&format!("schemas.{name}.retention_days"), s.retention_days)?;
        }
        Ok(r)
    }

    pub fn load(path: &Path) -> Result<Rules> {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading findings rules {}", path.display()))?;
        Self::parse(&text, &path.display().to_string())
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
    fn bad_rules_name_the_file_and_key() {
        let e = Rules::parse("[schemas.ods]\nretention_days = -1\n", "/r.toml").unwrap_err();
        assert!(e.message.contains("/r.toml") && e.message.contains("schemas.ods.retention_days"), "{}", e.message);
        let e = Rules::parse("unused = 3\n", "/r.toml").unwrap_err();
        assert!(e.message.contains("/r.toml") && e.message.contains("unused"), "{}", e.message);
    }
}
