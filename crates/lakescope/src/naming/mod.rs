//! Naming rules: check every table of every source against a team's layout (which schemas exist, how
//! table names start in each layer, which layers must carry an owner and a comment) and list what
//! breaks it, per schema (`lakescope lint-names`, the app's Naming section).
//!
//! Why over the lookup index: owners and comments live in each table's metadata (or the metastore),
//! which the index already reads and refreshes incrementally; linting is then a pass over its rows.
//! Tables the refresh could not read are reported beside the violations, never silently skipped.

pub mod rules;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use serde::Serialize;
use ts_rs::TS;

pub use rules::{LayerRule, NamingRules, DEFAULT_RULES, DEFAULT_RULES_NAME};

use crate::api::Lakescope;
use crate::cancel::CancelToken;
use crate::error::Result;
use crate::lookup::{IndexError, IndexedTable};
use crate::store::Store;

/// Which rule a table breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum NamingRule {
    /// Its schema is in no layer and not among the allowed schemas.
    Schema,
    /// Its name does not start with its layer's prefix.
    Prefix,
    /// Its layer requires an owner and it has none.
    Owner,
    /// Its layer requires a comment and it has none (or only blanks).
    Comment,
}

impl NamingRule {
    /// The name `--json` uses.
    pub fn as_str(self) -> &'static str {
        match self {
            NamingRule::Schema => "schema",
            NamingRule::Prefix => "prefix",
            NamingRule::Owner => "owner",
            NamingRule::Comment => "comment",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct NamingViolation {
    pub source: String,
    pub schema: String,
    pub table: String,
    pub rule: NamingRule,
    pub message: String,
}

/// One schema of one source and what breaks the rules in it.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct SchemaViolations {
    pub source: String,
    pub schema: String,
    /// The layer the schema belongs to, if any.
    pub layer: Option<String>,
    #[ts(type = "number")]
    pub tables: u64,
    pub violations: Vec<NamingViolation>,
}

/// What `lakescope lint-names --json` prints.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct NamingReport {
    /// The rules file used (or `built-in naming-rules.toml`).
    pub rules: String,
    #[ts(type = "number")]
    pub tables_checked: u64,
    #[ts(type = "number")]
    pub violation_count: u64,
    /// Every schema holding a checked table, by source then schema; `violations` may be empty.
    pub schemas: Vec<SchemaViolations>,
    /// Sources or tables that could not be read, so were not checked.
    pub unchecked: Vec<IndexError>,
}

/// Check `tables` against `rules` (pure: the facade feeds it the refreshed index).
pub fn lint(rules: &NamingRules, tables: &[IndexedTable]) -> NamingReport {
    let mut schemas: BTreeMap<(String, String), SchemaViolations> = BTreeMap::new();
    for t in tables {
        let layer = rules.layers.iter().find_map(|l| l.schema.matches(&t.namespace).map(|word| (l, word)));
        let entry = schemas.entry((t.source.clone(), t.namespace.clone())).or_insert_with(|| SchemaViolations {
            source: t.source.clone(),
            schema: t.namespace.clone(),
            layer: layer.as_ref().map(|(l, _)| l.name.clone()),
            tables: 0,
            violations: Vec::new(),
        });
        entry.tables += 1;
        let mut violate = |rule, message: String| {
            entry.violations.push(NamingViolation {
                source: t.source.clone(),
                schema: t.namespace.clone(),
                table: t.name.clone(),
                rule,
                message,
            })
        };
        let Some((layer, word)) = layer else {
            if !rules.allowed_schemas.contains(&t.namespace.to_ascii_lowercase()) {
                let known: Vec<&str> = rules.layers.iter().map(|l| l.schema.text.as_str()).chain(rules.allowed_schemas.iter().map(String::as_str)).collect();
                violate(NamingRule::Schema, format!("schema {:?} is in no layer and not allowed (allowed: {})", t.namespace, known.join(", ")));
            }
            continue;
        };
        if let Some(prefix) = layer.prefix_for(&t.namespace, &word)
            && !t.name.to_ascii_lowercase().starts_with(&prefix)
        {
            violate(NamingRule::Prefix, format!("{} table {:?} should start with {prefix:?}", layer.name, t.name));
        }
        let blank = |v: &Option<String>| v.as_deref().is_none_or(|s| s.trim().is_empty());
        if layer.require_owner && blank(&t.owner) {
            violate(NamingRule::Owner, format!("{} table {:?} has no owner", layer.name, t.name));
        }
        if layer.require_comment && blank(&t.comment) {
            violate(NamingRule::Comment, format!("{} table {:?} has no comment", layer.name, t.name));
        }
    }
    let schemas: Vec<SchemaViolations> = schemas.into_values().collect();
    NamingReport {
        rules: rules.file.clone(),
        tables_checked: tables.len() as u64,
        violation_count: schemas.iter().map(|s| s.violations.len() as u64).sum(),
        schemas,
        unchecked: Vec::new(),
    }
}

impl Lakescope {
    /// Refresh the lookup index in `store` (re-reading only changed tables), then check every table of
    /// the configured sources against `rules`.
    pub async fn lint_names(&self, store: &Store, rules: &NamingRules, cancel: &CancelToken) -> Result<NamingReport> {
        let refreshed = self.refresh_index(store, cancel, &|_| {}).await?;
        // A source that could not be listed keeps its old rows in the index; they are not checked
        // (they may be stale), its error is reported instead.
        let unlisted: Vec<&str> =
            refreshed.errors.iter().filter(|e| e.target == format!("source {}", e.source)).map(|e| e.source.as_str()).collect();
        let configured: Vec<&str> =
            self.sources().iter().map(|s| s.name.as_str()).filter(|s| !unlisted.contains(s)).collect();
        let tables: Vec<IndexedTable> =
            store.lookup_tables().await?.into_iter().filter(|t| configured.contains(&t.source.as_str())).collect();
        let mut report = lint(rules, &tables);
        report.unchecked = refreshed.errors;
        Ok(report)
    }
}
