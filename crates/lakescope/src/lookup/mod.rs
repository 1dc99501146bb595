//! Lookup: an index of every table of every source, kept in the store, and a fast fuzzy search over it
//! (Ctrl+K in the app, `lakescope search`).
//!
//! Why an index at all: listing catalogs is quick, but what people search for (a column, a comment, an
//! owner, and the size and freshness shown beside a hit) lives in each table's metadata, which takes
//! from milliseconds to seconds per table to read. So a refresh reads a table only when a cheap
//! fingerprint of its current version changed ([`fingerprint`]), and a search never touches a catalog:
//! it runs over an in-memory structure loaded once from the store ([`search::SearchIndex`]).

pub mod fingerprint;
mod metastore;
pub mod refresh;
pub mod score;
pub mod search;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, ErrorReport, Result};
use crate::model::TableFormat;

pub use refresh::{IndexOutcome, IndexProgress, IndexReport};
pub use search::{Hit, Matched, SearchFilters, SearchIndex};

/// Where a table sits in the medallion naming the demo (and many platforms) use; derived from names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum Layer {
    Ods,
    Mart,
    Fact,
    /// Personal sandboxes: `usr_*` schemas or tables.
    Personal,
}

impl Layer {
    /// The layer a `namespace.name` belongs to: a personal `usr_` schema wins, then the table's own
    /// prefix (`ods_`, `mart_`, `fact_`), then the schema's (`ods`, `mart_sales`, …).
    pub fn of(namespace: &str, name: &str) -> Option<Layer> {
        let (ns, name) = (namespace.to_ascii_lowercase(), name.to_ascii_lowercase());
        if ns.starts_with("usr_") || name.starts_with("usr_") {
            return Some(Layer::Personal);
        }
        let by_prefix = |s: &str| {
            [("ods", Layer::Ods), ("mart", Layer::Mart), ("fact", Layer::Fact)].into_iter().find_map(|(p, l)| {
                (s == p || s.strip_prefix(p).is_some_and(|rest| rest.starts_with('_'))).then_some(l)
            })
        };
        by_prefix(&name).or_else(|| by_prefix(&ns))
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Layer::Ods => "ods",
            Layer::Mart => "mart",
            Layer::Fact => "fact",
            Layer::Personal => "personal",
        }
    }

    pub fn parse(s: &str) -> Result<Layer> {
        match s.to_ascii_lowercase().as_str() {
            "ods" => Ok(Layer::Ods),
            "mart" => Ok(Layer::Mart),
            "fact" => Ok(Layer::Fact),
            "personal" | "usr" => Ok(Layer::Personal),
            other => Err(Error::invalid(format!("layer {other:?} is not one of ods, mart, fact, personal"))),
        }
    }
}

/// A column as the index keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct IndexedColumn {
    pub name: String,
    #[serde(rename = "type")]
    pub data_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub comment: Option<String>,
}

/// One row of the index: what a table is, who owns it, what it holds, how big and how fresh.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct IndexedTable {
    pub source: String,
    pub namespace: String,
    pub name: String,
    /// The source's kind as in the sources file (`iceberg-sql`, `hms`, `delta`, `storage`, …).
    pub source_kind: String,
    pub format: TableFormat,
    pub location: String,
    /// What decided whether the last refresh re-read this table (metadata file, newest log entry, or
    /// a digest of a Parquet directory's files).
    pub fingerprint: String,
    pub layer: Option<Layer>,
    pub owner: Option<String>,
    pub comment: Option<String>,
    pub columns: Vec<IndexedColumn>,
    pub partition_columns: Vec<String>,
    #[ts(type = "number | null")]
    pub records: Option<u64>,
    #[ts(type = "number")]
    pub data_files: u64,
    /// Live data bytes as the table's metadata records them (`current.data_bytes` of `lakescope table`).
    #[ts(type = "number")]
    pub data_bytes: u64,
    /// Everything under the table's location (`storage.total_bytes` of `lakescope table`).
    #[ts(type = "number")]
    pub total_bytes: u64,
    /// Commit time of the current version (Parquet: newest data file), epoch ms.
    #[ts(type = "number | null")]
    pub last_modified_ms: Option<i64>,
    #[ts(type = "number")]
    pub indexed_ms: i64,
}

impl IndexedTable {
    /// `source.namespace.name`.
    pub fn qualified_name(&self) -> String {
        format!("{}.{}.{}", self.source, self.namespace, self.name)
    }
}

/// A source, or one of its tables, that the latest refresh could not index.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct IndexError {
    pub source: String,
    /// `source <name>` for the source itself, else the table's `source.namespace.name`.
    pub target: String,
    pub error: ErrorReport,
}

/// Where a background refresh stands, and what the loaded index holds (the app pushes it to the window).
#[derive(Debug, Clone, Default, Serialize, TS)]
#[ts(export)]
pub struct IndexStatus {
    pub running: bool,
    #[ts(type = "number")]
    pub done: u64,
    #[ts(type = "number")]
    pub total: u64,
    /// The table being read now.
    pub current: Option<String>,
    /// Tables in the loaded index.
    #[ts(type = "number")]
    pub tables: u64,
    /// Sources and owners present in the loaded index (the search's filter chips).
    pub sources: Vec<String>,
    pub owners: Vec<String>,
    /// The last refresh's summary, or why it failed as a whole.
    pub last: Option<IndexReport>,
    pub error: Option<ErrorReport>,
}

impl IndexStatus {
    /// The parts of the status that describe a loaded index.
    pub fn describe(&mut self, index: &SearchIndex) {
        let mut sources: Vec<String> = index.tables().iter().map(|t| t.source.clone()).collect();
        sources.dedup();
        let mut owners: Vec<String> = index.tables().iter().filter_map(|t| t.owner.clone()).collect();
        owners.sort();
        owners.dedup();
        self.tables = index.len() as u64;
        self.sources = sources;
        self.owners = owners;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layer_comes_from_table_then_schema_prefix_and_usr_wins() {
        assert_eq!(Layer::of("ods", "ods_orders"), Some(Layer::Ods));
        assert_eq!(Layer::of("sales", "mart_daily_revenue"), Some(Layer::Mart));
        assert_eq!(Layer::of("fact", "clicks"), Some(Layer::Fact));
        assert_eq!(Layer::of("usr_jdoe", "ods_copy"), Some(Layer::Personal));
        assert_eq!(Layer::of("default", "usr_jdoe_export"), Some(Layer::Personal));
        assert_eq!(Layer::of("default", "odsx_thing"), None, "a prefix must end at '_'");
        assert_eq!(Layer::of("default", "orders"), None);
        assert_eq!(Layer::parse("Personal").unwrap(), Layer::Personal);
        assert_eq!(Layer::parse("gold").unwrap_err().kind, crate::ErrorKind::InvalidInput);
    }
}
