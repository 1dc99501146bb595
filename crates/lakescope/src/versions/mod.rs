//! Time travel: every retained version (Delta version / Iceberg snapshot) with what it added and
//! removed relative to its parent, and a diff between any two versions — files, totals and schema side
//! by side.
//!
//! Why a module of its own: history rows (`lakescope history`) answer "how big was the table then";
//! this answers "what changed, and between which files". Both come from the formats' metadata alone
//! (Iceberg manifests and snapshot summaries, Delta add/remove actions), never from scanning data, and
//! a figure the metadata does not carry is `null`, never an estimate. The format readers in
//! [`crate::table`] collect the raw facts; the set arithmetic lives in [`diff`], so it is unit-tested
//! without any table.

pub mod diff;

use serde::Serialize;
use ts_rs::TS;

use crate::api::Lakescope;
use crate::error::{Error, Result};
use crate::model::{Column, TableFormat};
use crate::table::Table;

pub use diff::{FileStat, SchemaChange, SchemaChangeKind};

/// Files, bytes and rows moved by a change. `rows` is null when some file's metadata lacks a row
/// count (Delta files without `numRecords` stats).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, TS)]
#[ts(export, rename = "VersionChange")]
pub struct Change {
    #[ts(type = "number")]
    pub files: u64,
    #[ts(type = "number")]
    pub bytes: u64,
    #[ts(type = "number | null")]
    pub rows: Option<u64>,
}

/// One retained version and what it did relative to its parent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct VersionEntry {
    /// Delta version or Iceberg snapshot id, as exact text (snapshot ids exceed 2^53).
    pub version_id: String,
    /// The version this one was written on top of: the previous Delta version, the Iceberg parent
    /// snapshot (which may have been expired); null for the first version.
    pub parent_id: Option<String>,
    #[ts(type = "number")]
    pub timestamp_ms: i64,
    pub operation: String,
    pub added: Change,
    pub removed: Change,
    /// The table's totals as of this version (live data files).
    pub total: Change,
}

/// `lakescope versions <table> --json`: oldest first.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct TableVersions {
    pub table: String,
    pub format: TableFormat,
    pub versions: Vec<VersionEntry>,
    /// What the figures mean for this format, and figures that could not be known.
    pub notes: Vec<String>,
}

/// One side of a diff: a version, its totals and its schema.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct VersionSide {
    pub version_id: String,
    #[ts(type = "number")]
    pub timestamp_ms: i64,
    pub operation: String,
    pub total: Change,
    pub schema: Vec<Column>,
}

/// `lakescope diff <table> <from> <to> --json`: what it takes to go from `from` to `to`.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct VersionDiff {
    pub table: String,
    pub format: TableFormat,
    pub from: VersionSide,
    pub to: VersionSide,
    /// Live in `to`, not in `from` (sorted by path; at most `limit` listed, `added` counts them all).
    pub added_files: Vec<FileStat>,
    /// Live in `from`, not in `to`.
    pub removed_files: Vec<FileStat>,
    pub added: Change,
    pub removed: Change,
    /// Files left out of the lists above because of the limit (the totals still count them).
    #[ts(type = "number")]
    pub files_not_listed: u64,
    pub schema_changes: Vec<SchemaChange>,
    pub notes: Vec<String>,
}

/// What a format reader knows about one version, before the diff.
pub(crate) struct VersionState {
    pub entry: VersionEntry,
    /// Live data files (Iceberg: data and delete files).
    pub files: Vec<FileStat>,
    pub schema: Vec<Column>,
}

/// The default cap on listed files in a diff (totals always count every file).
pub const DEFAULT_FILE_LIMIT: usize = 1000;

impl Lakescope {
    /// Every retained version of `target`, oldest first, with what each added and removed.
    pub async fn versions(&self, target: &str) -> Result<TableVersions> {
        let (t, entry) = self.open(target).await?;
        let name = entry.map(|e| e.table.qualified_name()).unwrap_or_else(|| target.to_string());
        let (versions, notes) = match &t {
            Table::Iceberg(i) => i.versions().await?,
            Table::Delta(d) => d.versions().await?,
            Table::Parquet(_) => return Err(no_versions(&name)),
        };
        Ok(TableVersions { table: name, format: t.format(), versions, notes })
    }

    /// The difference between versions `from` and `to` of `target` (either order; ids as `versions`
    /// prints them), listing at most `limit` files per side.
    pub async fn diff(&self, target: &str, from: &str, to: &str, limit: usize) -> Result<VersionDiff> {
        let (t, entry) = self.open(target).await?;
        let name = entry.map(|e| e.table.qualified_name()).unwrap_or_else(|| target.to_string());
        let (a, b, notes) = match &t {
            Table::Iceberg(i) => i.version_pair(&name, from, to).await?,
            Table::Delta(d) => d.version_pair(&name, from, to).await?,
            Table::Parquet(_) => return Err(no_versions(&name)),
        };
        let files = diff::files(&a.files, &b.files, limit);
        Ok(VersionDiff {
            table: name,
            format: t.format(),
            schema_changes: diff::schema(&a.schema, &b.schema),
            from: side(a),
            to: side(b),
            added_files: files.added,
            removed_files: files.removed,
            added: files.added_total,
            removed: files.removed_total,
            files_not_listed: files.not_listed,
            notes,
        })
    }
}

fn side(s: VersionState) -> VersionSide {
    VersionSide {
        version_id: s.entry.version_id,
        timestamp_ms: s.entry.timestamp_ms,
        operation: s.entry.operation,
        total: s.entry.total,
        schema: s.schema,
    }
}

fn no_versions(name: &str) -> Error {
    Error::unsupported(format!("{name} is a plain Parquet directory: it keeps no versions to travel between"))
}

/// The error for a version the table does not have, naming the table and what it does have.
pub(crate) fn unknown_version(table: &str, asked: &str, valid: &str) -> Error {
    Error::not_found(format!("{table} has no version {asked:?}; {valid}"))
}
