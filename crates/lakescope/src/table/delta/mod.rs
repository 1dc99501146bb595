//! Delta tables, read from `_delta_log/` alone: JSON commits parsed with serde and checkpoints read
//! with the parquet crate, in one streaming pass (see [`replay`]).
//!
//! Why not the kernel: the table page and the history need what a snapshot does not keep — per-version
//! totals, every file the retained log mentions, the tombstones VACUUM sees — and computing them from
//! one pass is an order of magnitude faster than loading each version. The numbers follow the
//! reference readers exactly (the integration tests compare them with deltalake):
//!
//! - **Versions.** The listing of `_delta_log/` decides (`_last_checkpoint` is only a hint). Replay
//!   starts at version 0 when every commit is present, else at the oldest complete checkpoint
//!   followed by an unbroken run of commits; history starts there too.
//! - **Commit time**: `inCommitTimestamp`, else `commitInfo.timestamp`, else the commit file's mtime.
//! - **Totals**: live files reconciled by (path, deletion-vector id); `data_bytes` sums `add.size`;
//!   `records` sums stats `numRecords` and is null (with a warning) when any live file lacks it.
//! - **Partitions** come from `partitionValues` (keyed by physical names under column mapping,
//!   reported by logical name) — never from folder names.
//! - **Storage** roles and reclaimable bytes: see [`storage`].

mod actions;
mod checkpoint;
mod log;
mod paths;
mod replay;
mod schema;
mod sample;
mod storage;
mod versions;

use std::collections::BTreeMap;

use super::ReadOptions;
use crate::error::{Error, Result};
use crate::model::{CurrentVersion, HistoryRow, PartitionStat, TableFormat, TableInfo};
use crate::storage::{FileEntry, Location};
use log::LogListing;
use replay::{Mode, Replay};

/// The configuration key the owner is read from (what the demo and many teams use).
pub const OWNER_KEY: &str = "owner";
const RETENTION_KEY: &str = "delta.deletedFileRetentionDuration";
/// Reader features whose effect on file-level metadata this reader handles (or that have none).
const UNDERSTOOD_READER_FEATURES: &[&str] = &[
    "columnMapping",
    "deletionVectors",
    "v2Checkpoint",
    "timestampNtz",
    "typeWidening",
    "typeWidening-preview",
    "variantType",
    "variantType-preview",
    "variantShredding-preview",
    "vacuumProtocolCheck",
];

pub struct DeltaTable {
    root: Location,
}

impl DeltaTable {
    pub async fn open(root: Location) -> Result<Self> {
        Ok(DeltaTable { root })
    }

    pub async fn info(&self, opts: &ReadOptions) -> Result<TableInfo> {
        let listing = self.root.list_files().await?;
        let log = LogListing::from_entries(&listing);
        if !listing.iter().any(|f| f.path.starts_with("_delta_log/")) {
            return Err(Error::not_found(format!("{}: no _delta_log/ (not a Delta table)", self.root.display())));
        }
        let segment = log.segment(&self.root.display())?;
        let state = Replay::new(&self.root, Mode::Table).run(&log, &segment).await?;
        self.table_info(&listing, &state, opts)
    }

    /// The files of `_delta_log` only, with paths relative to the table root (`_delta_log/…`): what
    /// history and sampling replay, without listing the table's data files.
    pub(crate) async fn log_entries(&self) -> Result<Vec<FileEntry>> {
        Ok(self
            .root
            .join("_delta_log")
            .list_files()
            .await?
            .into_iter()
            .map(|f| FileEntry { path: format!("_delta_log/{}", f.path), ..f })
            .collect())
    }

    pub async fn history(&self) -> Result<Vec<HistoryRow>> {
        let listing = self.log_entries().await?;
        let log = LogListing::from_entries(&listing);
        let segment = log.segment(&self.root.display())?;
        Ok(Replay::new(&self.root, Mode::History).run(&log, &segment).await?.rows)
    }

    fn table_info(&self, listing: &[FileEntry], state: &Replay<'_>, opts: &ReadOptions) -> Result<TableInfo> {
        let where_ = self.root.display();
        let meta = state
            .metadata
            .as_ref()
            .ok_or_else(|| Error::corrupt(format!("{where_}: the log has no metaData action")))?;
        let schema = schema::parse(&meta.schema_string).map_err(|e| e.context(&where_))?;
        let properties: BTreeMap<String, String> =
            meta.configuration.iter().filter_map(|(k, v)| Some((k.clone(), v.clone()?))).collect();
        let mut warnings = Vec::new();

        let retention_ms = match properties.get(RETENTION_KEY) {
            None => storage::DEFAULT_RETENTION_MS,
            Some(text) => storage::parse_interval(text).unwrap_or_else(|| {
                warnings.push(format!("{RETENTION_KEY} = {text:?} is not an interval; using the default 7 days"));
                storage::DEFAULT_RETENTION_MS
            }),
        };
        let (storage, orphans) =
            storage::breakdown(&self.root, listing, state, &meta.partition_columns, opts.as_of_ms - retention_ms);

        if state.files_without_stats > 0 {
            warnings.push(format!(
                "{} of {} live files have no numRecords in their stats: the row count is unknown",
                state.files_without_stats,
                state.live.len()
            ));
        }
        let reader_features = state.protocol.as_ref().and_then(|p| p.reader_features.as_deref()).unwrap_or_default();
        for f in reader_features.iter().filter(|f| !UNDERSTOOD_READER_FEATURES.contains(&f.as_str())) {
            warnings.push(format!("reader feature {f:?} is not understood here: figures may be incomplete"));
        }
        if state.live.values().any(|f| f.deletion_vector_file.is_some()) {
            warnings.push("some files have deletion vectors: records count rows before those deletes".into());
        }
        let last = state.rows.last().expect("a replay closes at least one version");
        let current = CurrentVersion {
            version: Some(last.version),
            version_id: Some(last.version_id.clone()),
            timestamp_ms: Some(last.timestamp_ms),
            records: last.records,
            data_files: last.data_files,
            data_bytes: last.data_bytes,
        };
        let partitions = if meta.partition_columns.is_empty() { Vec::new() } else { partition_stats(state, &schema) };
        Ok(TableInfo {
            name: where_.trim_end_matches('/').rsplit('/').next().unwrap_or_default().to_string(),
            format: TableFormat::Delta,
            location: where_,
            schema: schema.columns,
            partition_columns: meta.partition_columns.clone(),
            current,
            storage,
            orphans,
            partitions,
            source: None,
            namespace: None,
            owner: properties.get(OWNER_KEY).cloned(),
            comment: meta.description.clone().filter(|d| !d.is_empty()),
            properties,
            warnings,
        })
    }
}

fn partition_stats(state: &Replay<'_>, schema: &schema::Schema) -> Vec<PartitionStat> {
    let mut by_id: BTreeMap<u32, PartitionStat> = BTreeMap::new();
    for f in state.live.values() {
        let stat = by_id.entry(f.partition).or_insert_with(|| PartitionStat {
            values: state.partitions[f.partition as usize]
                .iter()
                .map(|(physical, v)| {
                    (schema.logical_of.get(physical).cloned().unwrap_or_else(|| physical.clone()), v.clone())
                })
                .collect(),
            records: Some(0),
            data_files: 0,
            data_bytes: 0,
            last_modified_ms: None,
        });
        stat.records = stat.records.zip(f.records).map(|(a, b)| a + b);
        stat.data_files += 1;
        stat.data_bytes += f.size;
        stat.last_modified_ms = stat.last_modified_ms.max(Some(f.modification_time));
    }
    let mut out: Vec<PartitionStat> = by_id.into_values().collect();
    out.sort_by(|a, b| a.values.cmp(&b.values));
    out
}

/// Fuzzing entry (see [`crate::fuzzing`]): one commit file's actions, and the schema of any metadata.
pub(crate) fn fuzz_commit(bytes: &[u8]) -> Result<()> {
    let mut schemas = Vec::new();
    actions::parse_json_log("00000000000000000000.json", bytes, |a| {
        if let actions::Action::Metadata(m) = a {
            schemas.push(m.schema_string)
        }
    })?;
    schemas.iter().try_for_each(|s| schema::parse(s).map(drop))
}

/// Fuzzing entry (see [`crate::fuzzing`]): one Parquet checkpoint's actions, and the schema of its metadata.
pub(crate) fn fuzz_checkpoint(bytes: &[u8]) -> Result<()> {
    let mut schemas = Vec::new();
    let mut each = |a: actions::Action| {
        if let actions::Action::Metadata(m) = a {
            schemas.push(m.schema_string)
        }
    };
    checkpoint::decode_parquet(bytes::Bytes::copy_from_slice(bytes), "checkpoint.parquet", checkpoint::Want::All, &mut each)?;
    schemas.iter().try_for_each(|s| schema::parse(s).map(drop))
}
