//! The rows of the store as the rest of the engine (and the UI) sees them, and their decoding from
//! either database's rows (macros, so each expansion is checked against the concrete driver).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::model::{StorageBreakdown, TableFormat};

/// One table's size as recorded by a collection run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SizeSnapshot {
    pub source: String,
    pub namespace: String,
    pub name: String,
    pub format: TableFormat,
    pub location: String,
    /// UTC day of `collected_ms` (`YYYY-MM-DD`): one snapshot per table, version and day.
    pub day: String,
    /// The version id, or for tables without versions (plain Parquet) a fingerprint of their files.
    pub version_key: String,
    pub run_id: String,
    /// The "as of" time the snapshot describes (the run's `--as-of`, default the time it ran).
    #[ts(type = "number")]
    pub collected_ms: i64,
    pub version_id: Option<String>,
    #[ts(type = "number | null")]
    pub version_ms: Option<i64>,
    #[ts(type = "number | null")]
    pub records: Option<u64>,
    #[ts(type = "number")]
    pub data_files: u64,
    #[ts(type = "number")]
    pub data_bytes: u64,
    pub storage: StorageBreakdown,
}

impl SizeSnapshot {
    /// `source.namespace.name`.
    pub fn qualified_name(&self) -> String {
        format!("{}.{}.{}", self.source, self.namespace, self.name)
    }
}

/// What one top-level prefix of a source's storage held on a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PrefixSnapshot {
    pub source: String,
    /// The prefix below the source's root (`ods.db/`); `""` for loose files at the root itself.
    pub prefix: String,
    pub day: String,
    pub run_id: String,
    #[ts(type = "number")]
    pub collected_ms: i64,
    #[ts(type = "number")]
    pub bytes: u64,
    #[ts(type = "number")]
    pub objects: u64,
}

/// One `lakescope collect` run. A run with no `finished_ms` was killed or crashed; the tables it
/// recorded are kept and the next run completes the rest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CollectionRun {
    pub run_id: String,
    #[ts(type = "number")]
    pub started_ms: i64,
    #[ts(type = "number | null")]
    pub finished_ms: Option<i64>,
    #[ts(type = "number")]
    pub as_of_ms: i64,
    pub sources_file: Option<String>,
    #[ts(type = "number")]
    pub tables_total: u64,
    /// Snapshots this run wrote.
    #[ts(type = "number")]
    pub tables_recorded: u64,
    /// Tables whose snapshot for this day and version was already in the store.
    #[ts(type = "number")]
    pub tables_present: u64,
    #[ts(type = "number")]
    pub tables_failed: u64,
}

/// A table, source or prefix that could not be collected in a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CollectionError {
    pub run_id: String,
    pub target: String,
    /// An [`crate::ErrorKind`] name.
    pub kind: String,
    pub message: String,
}

pub(super) fn count(v: i64, column: &str) -> Result<u64> {
    u64::try_from(v).map_err(|_| Error::corrupt(format!("column {column} holds the negative count {v}")))
}

pub(super) fn format(text: &str) -> Result<TableFormat> {
    match text {
        "iceberg" => Ok(TableFormat::Iceberg),
        "delta" => Ok(TableFormat::Delta),
        "parquet" => Ok(TableFormat::Parquet),
        other => Err(Error::corrupt(format!("column format holds the unknown table format {other:?}"))),
    }
}

macro_rules! snapshot_from_row {
    ($r:expr) => {{
        use sqlx::Row as _;
        let r = $r;
        let c = |col: &str| -> $crate::error::Result<u64> { $crate::store::rows::count(r.try_get::<i64, _>(col)?, col) };
        (|| -> $crate::error::Result<$crate::store::SizeSnapshot> {
            Ok($crate::store::SizeSnapshot {
                source: r.try_get("source")?,
                namespace: r.try_get("namespace")?,
                name: r.try_get("name")?,
                format: $crate::store::rows::format(&r.try_get::<String, _>("format")?)?,
                location: r.try_get("location")?,
                day: r.try_get("day")?,
                version_key: r.try_get("version_key")?,
                run_id: r.try_get("run_id")?,
                collected_ms: r.try_get("collected_ms")?,
                version_id: r.try_get("version_id")?,
                version_ms: r.try_get("version_ms")?,
                records: match r.try_get::<Option<i64>, _>("records")? {
                    Some(v) => Some($crate::store::rows::count(v, "records")?),
                    None => None,
                },
                data_files: c("data_files")?,
                data_bytes: c("data_bytes")?,
                storage: $crate::model::StorageBreakdown {
                    total_bytes: c("total_bytes")?,
                    total_files: c("total_files")?,
                    live_bytes: c("live_bytes")?,
                    old_version_bytes: c("old_version_bytes")?,
                    orphan_bytes: c("orphan_bytes")?,
                    metadata_bytes: c("metadata_bytes")?,
                    reclaimable_bytes: c("reclaimable_bytes")?,
                },
            })
        })()
    }};
}

macro_rules! prefix_from_row {
    ($r:expr) => {{
        use sqlx::Row as _;
        let r = $r;
        (|| -> $crate::error::Result<$crate::store::PrefixSnapshot> {
            Ok($crate::store::PrefixSnapshot {
                source: r.try_get("source")?,
                prefix: r.try_get("prefix")?,
                day: r.try_get("day")?,
                run_id: r.try_get("run_id")?,
                collected_ms: r.try_get("collected_ms")?,
                bytes: $crate::store::rows::count(r.try_get("bytes")?, "bytes")?,
                objects: $crate::store::rows::count(r.try_get("objects")?, "objects")?,
            })
        })()
    }};
}

macro_rules! run_from_row {
    ($r:expr) => {{
        use sqlx::Row as _;
        let r = $r;
        let c = |col: &str| -> $crate::error::Result<u64> { $crate::store::rows::count(r.try_get::<i64, _>(col)?, col) };
        (|| -> $crate::error::Result<$crate::store::CollectionRun> {
            Ok($crate::store::CollectionRun {
                run_id: r.try_get("run_id")?,
                started_ms: r.try_get("started_ms")?,
                finished_ms: r.try_get("finished_ms")?,
                as_of_ms: r.try_get("as_of_ms")?,
                sources_file: r.try_get("sources_file")?,
                tables_total: c("tables_total")?,
                tables_recorded: c("tables_recorded")?,
                tables_present: c("tables_present")?,
                tables_failed: c("tables_failed")?,
            })
        })()
    }};
}

macro_rules! error_from_row {
    ($r:expr) => {{
        use sqlx::Row as _;
        let r = $r;
        (|| -> $crate::error::Result<$crate::store::CollectionError> {
            Ok($crate::store::CollectionError {
                run_id: r.try_get("run_id")?,
                target: r.try_get("target")?,
                kind: r.try_get("kind")?,
                message: r.try_get("message")?,
            })
        })()
    }};
}

pub(super) use {error_from_row, prefix_from_row, run_from_row, snapshot_from_row};
