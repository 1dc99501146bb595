//! One history row per snapshot, from the metadata file alone when the snapshot summaries carry their
//! totals (Java, pyiceberg and iceberg-rust writers all write them), from manifests when they do not.
//!
//! Per row: `records`/`data_files`/`data_bytes` are the table's totals as of the snapshot
//! (`total-records`, `total-data-files`, and `total-files-size` when the snapshot has no delete files —
//! that key counts delete files too). `added_files`/`removed_files` count data and delete files,
//! `added_bytes`/`removed_bytes` their sizes, as the summary's `added-*`/`deleted-*`/`removed-*` keys do.

use std::collections::HashMap;
use std::sync::Arc;

use iceberg::spec::{Snapshot, TableMetadata};

use super::manifests::{self, Counts, ManifestSummary};
use crate::error::Result;
use crate::model::HistoryRow;
use crate::storage::Location;

/// Snapshot summary keys (the Iceberg spec's names).
pub(super) mod keys {
    pub const TOTAL_RECORDS: &str = "total-records";
    pub const TOTAL_DATA_FILES: &str = "total-data-files";
    pub const TOTAL_FILES_SIZE: &str = "total-files-size";
    pub const TOTAL_DELETE_FILES: &str = "total-delete-files";
    pub const ADDED_DATA_FILES: &str = "added-data-files";
    pub const ADDED_DELETE_FILES: &str = "added-delete-files";
    pub const DELETED_DATA_FILES: &str = "deleted-data-files";
    pub const REMOVED_DELETE_FILES: &str = "removed-delete-files";
    pub const ADDED_FILES_SIZE: &str = "added-files-size";
    pub const REMOVED_FILES_SIZE: &str = "removed-files-size";
}

/// A snapshot's totals as its summary states them; `None` where a key is missing or unusable.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(super) struct SummaryTotals {
    pub records: Option<u64>,
    pub data_files: Option<u64>,
    /// `total-files-size`, only when the summary also says there are no delete files.
    pub data_bytes: Option<u64>,
}

impl SummaryTotals {
    pub(super) fn of(s: &Snapshot) -> Self {
        let get = |k: &str| s.summary().additional_properties.get(k).and_then(|v| v.trim().parse::<u64>().ok());
        SummaryTotals {
            records: get(keys::TOTAL_RECORDS),
            data_files: get(keys::TOTAL_DATA_FILES),
            data_bytes: match get(keys::TOTAL_DELETE_FILES) {
                Some(0) => get(keys::TOTAL_FILES_SIZE),
                _ => None,
            },
        }
    }

    fn complete(&self) -> bool {
        self.records.is_some() && self.data_files.is_some() && self.data_bytes.is_some()
    }
}

/// Snapshots oldest first: by sequence number (v2+), then time (v1 tables have no sequence numbers).
pub(super) fn ordered(m: &TableMetadata) -> Vec<&Arc<Snapshot>> {
    let mut snaps: Vec<_> = m.snapshots().collect();
    snaps.sort_by_key(|s| (s.sequence_number(), s.timestamp_ms(), s.snapshot_id()));
    snaps
}

pub(super) async fn rows(root: &Location, m: &TableMetadata) -> Result<Vec<HistoryRow>> {
    let snaps = ordered(m);
    // Only snapshots whose summaries lack totals cost manifest reads.
    let need: Vec<&Arc<Snapshot>> = snaps.iter().copied().filter(|s| !SummaryTotals::of(s).complete()).collect();
    let scanned = scan(root, m, &need).await?;

    Ok(snaps
        .into_iter()
        .map(|s| {
            let props = &s.summary().additional_properties;
            let get = |k: &str| props.get(k).and_then(|v| v.trim().parse::<u64>().ok()).unwrap_or(0);
            let t = SummaryTotals::of(s);
            let (totals, changes) = match scanned.get(&s.snapshot_id()) {
                Some((totals, changes)) => (*totals, Some(*changes)),
                None => (Counts::default(), None),
            };
            // A summary with totals records changes as keys that are absent when zero; without totals
            // the writer kept no summary worth trusting, so the manifests tell what changed.
            let (added_files, removed_files, added_bytes, removed_bytes) = match changes {
                Some(c) if t.records.is_none() => (c.added.files, c.removed.files, c.added.bytes, c.removed.bytes),
                _ => (
                    get(keys::ADDED_DATA_FILES) + get(keys::ADDED_DELETE_FILES),
                    get(keys::DELETED_DATA_FILES) + get(keys::REMOVED_DELETE_FILES),
                    get(keys::ADDED_FILES_SIZE),
                    get(keys::REMOVED_FILES_SIZE),
                ),
            };
            HistoryRow {
                version: s.snapshot_id(),
                version_id: s.snapshot_id().to_string(),
                timestamp_ms: s.timestamp_ms(),
                operation: s.summary().operation.as_str().to_string(),
                records: t.records.or(changes.map(|_| totals.records)),
                data_files: t.data_files.unwrap_or(totals.files),
                data_bytes: t.data_bytes.unwrap_or(totals.bytes),
                added_files,
                removed_files,
                added_bytes,
                removed_bytes,
            }
        })
        .collect())
}

/// Totals (live data files) and this snapshot's own changes, from its manifests.
pub(super) async fn scan(
    root: &Location,
    m: &TableMetadata,
    snaps: &[&Arc<Snapshot>],
) -> Result<HashMap<i64, (Counts, manifests::Changes)>> {
    if snaps.is_empty() {
        return Ok(HashMap::new());
    }
    let wanted = snaps.iter().map(|s| (s.snapshot_id(), s.manifest_list().to_string())).collect();
    let lists = manifests::read_lists(root, wanted, m.format_version()).await;
    let mut read: HashMap<Arc<str>, Arc<ManifestSummary>> = HashMap::new();
    for (path, summary) in manifests::read_manifests(root, lists.manifests.iter(), &HashMap::new()).await {
        read.insert(path, summary?);
    }
    let mut by_snapshot = HashMap::new();
    for (id, list) in lists.by_snapshot {
        by_snapshot.insert(id, list.map_err(|e| e.context(format!("snapshot {id}")))?);
    }
    Ok(by_snapshot
        .into_iter()
        .map(|(id, list)| {
            let mut totals = Counts::default();
            let mut changes = manifests::Changes::default();
            for mf in list.iter() {
                let Some(s) = read.get(mf) else { continue };
                totals.merge(&s.data);
                if let Some(c) = s.changes.get(&id) {
                    changes.added.merge(&c.added);
                    changes.removed.merge(&c.removed);
                }
            }
            (id, (totals, changes))
        })
        .collect())
}
