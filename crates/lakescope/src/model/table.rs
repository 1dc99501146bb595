//! Tables: the listing row, the full table page, history rows and the storage breakdown.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The on-storage format of a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum TableFormat {
    Iceberg,
    Delta,
    /// A plain (Hive-style) directory of Parquet files.
    Parquet,
}

impl std::fmt::Display for TableFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            TableFormat::Iceberg => "iceberg",
            TableFormat::Delta => "delta",
            TableFormat::Parquet => "parquet",
        })
    }
}

/// One row of `lakescope tables --json`: where a table is registered and where it lives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TableRef {
    pub source: String,
    pub namespace: String,
    pub name: String,
    pub format: TableFormat,
    /// URL of the table's root (`file:///…`, `s3://…`).
    pub location: String,
}

impl TableRef {
    /// `source.namespace.name`, the name that is unique across sources.
    pub fn qualified_name(&self) -> String {
        format!("{}.{}.{}", self.source, self.namespace, self.name)
    }
}

/// A column of the current schema. Nested types are shown in the format's own notation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Column {
    pub name: String,
    #[serde(rename = "type")]
    pub data_type: String,
    pub nullable: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub comment: Option<String>,
}

/// The table's current version, as its metadata records it (never from scanning data).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CurrentVersion {
    /// Delta version or Iceberg snapshot id; null for plain Parquet directories and empty Iceberg tables.
    #[ts(skip)]
    pub version: Option<i64>,
    /// `version` as exact text (Iceberg snapshot ids exceed JavaScript's safe integers).
    pub version_id: Option<String>,
    /// Commit time of that version (for Parquet: the newest data file's modification time).
    #[ts(type = "number | null")]
    pub timestamp_ms: Option<i64>,
    /// Rows in live data files; null when the metadata does not record them (Delta files without stats).
    #[ts(type = "number | null")]
    pub records: Option<u64>,
    #[ts(type = "number")]
    pub data_files: u64,
    #[ts(type = "number")]
    pub data_bytes: u64,
}

/// Where the bytes under a table's location go. `total = live + old_version + orphan + metadata`;
/// `reclaimable` is what VACUUM / expire_snapshots + remove_orphan_files would delete as of `--as-of`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct StorageBreakdown {
    #[ts(type = "number")]
    pub total_bytes: u64,
    #[ts(type = "number")]
    pub total_files: u64,
    /// Data (and delete) files of the current version.
    #[ts(type = "number")]
    pub live_bytes: u64,
    /// Data files held only by older versions / snapshots still in the table's history.
    #[ts(type = "number")]
    pub old_version_bytes: u64,
    /// Files in the location that no version references.
    #[ts(type = "number")]
    pub orphan_bytes: u64,
    /// The format's own metadata: Delta log, Iceberg metadata JSON, manifest lists and manifests.
    #[ts(type = "number")]
    pub metadata_bytes: u64,
    #[ts(type = "number")]
    pub reclaimable_bytes: u64,
}

/// Orphan files (referenced by no version or snapshot) that the format's own procedure would delete as
/// of `--as-of`: Delta VACUUM (untracked files older than `delta.deletedFileRetentionDuration`), Iceberg
/// `remove_orphan_files` (files under `data/` or `metadata/` older than 3 days). They are part of
/// `storage.reclaimable_bytes`; the rest of it is what VACUUM's tombstones / expire_snapshots free.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct OrphanFiles {
    #[ts(type = "number")]
    pub removable_files: u64,
    #[ts(type = "number")]
    pub removable_bytes: u64,
    /// Files modified after this are left alone (the procedure's safety window); null when the format
    /// has no orphan removal (plain Parquet) or it is disabled (`gc.enabled=false`).
    #[ts(type = "number | null")]
    pub cutoff_ms: Option<i64>,
    /// The removable files themselves (relative to the table root). Kept off the table page's JSON, which
    /// must stay small for tables with many orphans; `lakescope orphans` prints them.
    #[serde(skip)]
    #[ts(skip)]
    pub files: Vec<crate::storage::FileEntry>,
}

/// Statistics of one partition (one combination of partition values) in the current version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PartitionStat {
    /// Partition column → value as text; null means the SQL NULL partition. After Iceberg partition-spec
    /// evolution, files keep the keys of the spec they were written with.
    pub values: BTreeMap<String, Option<String>>,
    #[ts(type = "number | null")]
    pub records: Option<u64>,
    #[ts(type = "number")]
    pub data_files: u64,
    #[ts(type = "number")]
    pub data_bytes: u64,
    /// Newest modification/commit time among the partition's files, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(type = "number | null", optional)]
    pub last_modified_ms: Option<i64>,
}

/// Everything the table page shows, as `lakescope table <t> --json` prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TableInfo {
    pub name: String,
    pub format: TableFormat,
    pub location: String,
    pub schema: Vec<Column>,
    pub partition_columns: Vec<String>,
    pub current: CurrentVersion,
    pub storage: StorageBreakdown,
    /// The orphan part of `storage.reclaimable_bytes`.
    #[serde(default)]
    pub orphans: OrphanFiles,
    pub partitions: Vec<PartitionStat>,
    /// Catalog registration, when the table was opened through a source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub namespace: Option<String>,
    pub owner: Option<String>,
    pub comment: Option<String>,
    /// Table properties / configuration as the format stores them.
    pub properties: BTreeMap<String, String>,
    /// Things that were read but look wrong, or numbers that could not be known.
    pub warnings: Vec<String>,
}

/// One Delta version or Iceberg snapshot, with the table's totals *as of* that version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct HistoryRow {
    #[ts(skip)]
    pub version: i64,
    /// `version` as exact text.
    pub version_id: String,
    #[ts(type = "number")]
    pub timestamp_ms: i64,
    /// The writer's operation name (`WRITE`, `DELETE`, `append`, `overwrite`, …).
    pub operation: String,
    #[ts(type = "number | null")]
    pub records: Option<u64>,
    #[ts(type = "number")]
    pub data_files: u64,
    #[ts(type = "number")]
    pub data_bytes: u64,
    #[ts(type = "number")]
    pub added_files: u64,
    #[ts(type = "number")]
    pub removed_files: u64,
    #[ts(type = "number")]
    pub added_bytes: u64,
    #[ts(type = "number")]
    pub removed_bytes: u64,
}
