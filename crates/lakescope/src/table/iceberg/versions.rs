//! Time travel over Iceberg snapshots (see [`crate::versions`]), from manifests alone.
//!
//! What a snapshot added and removed comes from its own manifest entries (status ADDED / DELETED with
//! its snapshot id), not from the summary: the summary's byte keys count delete files with data files,
//! and a writer may omit them. Each distinct manifest is read once, and reduced as it arrives. Only
//! data files are counted; delete files are named in a note, since rows then count rows before deletes.

use std::collections::HashMap;
use std::sync::Arc;

use futures::StreamExt;
use iceberg::spec::{DataContentType, ManifestStatus, Snapshot};

use super::{columns, history, manifests, IcebergTable};
use crate::error::{Error, Result};
use crate::model::HistoryRow;
use crate::storage::Location;
use crate::versions::{diff, unknown_version, Change, FileStat, VersionEntry, VersionState};

const CONCURRENCY: usize = 16;

/// One manifest entry, as much of it as time travel needs.
struct Entry {
    snapshot_id: i64,
    status: ManifestStatus,
    data: bool,
    file: FileStat,
}

impl IcebergTable {
    /// Every snapshot in the metadata, oldest first, with its data-file changes.
    pub(crate) async fn versions(&self) -> Result<(Vec<VersionEntry>, Vec<String>)> {
        let (root, m) = (&self.loaded.root, &self.loaded.metadata);
        let rows = self.history().await?;
        let wanted = m.snapshots().map(|s| (s.snapshot_id(), s.manifest_list().to_string())).collect();
        let lists = manifests::read_lists(root, wanted, m.format_version()).await;
        for (id, l) in &lists.by_snapshot {
            if let Err(e) = l {
                return Err(Error::new(e.kind, format!("snapshot {id} of {}: {}", self.loaded.file, e.message)));
            }
        }
        // Per snapshot id: (added, removed) data files; delete files only counted for the note.
        let mut changes: HashMap<i64, (Change, Change)> = HashMap::new();
        let mut delete_files = 0u64;
        let reads: Vec<_> = lists.manifests.iter().map(|(path, l)| entries(root, path, l.added_snapshot_id)).collect();
        let mut stream = futures::stream::iter(reads).buffer_unordered(CONCURRENCY);
        while let Some(read) = stream.next().await {
            for e in read? {
                let slot = match e.status {
                    ManifestStatus::Existing => continue,
                    _ if !e.data => {
                        delete_files += 1;
                        continue;
                    }
                    ManifestStatus::Added => &mut changes.entry(e.snapshot_id).or_insert_with(zero).0,
                    ManifestStatus::Deleted => &mut changes.entry(e.snapshot_id).or_insert_with(zero).1,
                };
                *slot = plus(*slot, &e.file);
            }
        }
        let snaps: HashMap<i64, &Arc<Snapshot>> = m.snapshots().map(|s| (s.snapshot_id(), s)).collect();
        let versions = rows
            .into_iter()
            .map(|r| {
                let (added, removed) = changes.get(&r.version).copied().unwrap_or_else(zero);
                VersionEntry {
                    parent_id: snaps.get(&r.version).and_then(|s| s.parent_snapshot_id()).map(|p| p.to_string()),
                    version_id: r.version_id,
                    timestamp_ms: r.timestamp_ms,
                    operation: r.operation,
                    added,
                    removed,
                    total: Change { files: r.data_files, bytes: r.data_bytes, rows: r.records },
                }
            })
            .collect();
        let mut notes = vec![
            "Iceberg: added/removed are the data files of each snapshot's own manifest entries \
             (ADDED/DELETED), relative to its parent snapshot"
                .to_string(),
        ];
        if delete_files > 0 {
            notes.push(format!(
                "{delete_files} delete-file entries are not counted: rows count rows before deletes apply"
            ));
        }
        Ok((versions, notes))
    }

    /// Both versions' live data files and schemas, for a diff. `table` names the table in errors.
    pub(crate) async fn version_pair(&self, table: &str, from: &str, to: &str) -> Result<(VersionState, VersionState, Vec<String>)> {
        let m = &self.loaded.metadata;
        let ordered = history::ordered(m);
        let valid = match (ordered.first(), ordered.last()) {
            (Some(a), Some(b)) => format!(
                "its {} snapshot(s) run from {} to {} (`lakescope versions` lists them)",
                ordered.len(),
                a.snapshot_id(),
                b.snapshot_id()
            ),
            _ => "it has no snapshots yet".to_string(),
        };
        let find = |asked: &str| {
            asked
                .trim()
                .parse::<i64>()
                .ok()
                .and_then(|id| m.snapshot_by_id(id))
                .cloned()
                .ok_or_else(|| unknown_version(table, asked, &valid))
        };
        let (a, b) = (find(from)?, find(to)?);
        let rows = self.history().await?;
        let mut notes = Vec::new();
        let sa = self.state_of(&a, &rows, &mut notes).await?;
        let sb = self.state_of(&b, &rows, &mut notes).await?;
        Ok((sa, sb, notes))
    }

    async fn state_of(&self, s: &Snapshot, rows: &[HistoryRow], notes: &mut Vec<String>) -> Result<VersionState> {
        let m = &self.loaded.metadata;
        let row = rows.iter().find(|r| r.version == s.snapshot_id()).expect("every snapshot has a history row");
        let files = self.live_data_files(s).await?;
        let schema = match s.schema_id().and_then(|id| m.schema_by_id(id)) {
            Some(schema) => columns(schema),
            None => {
                notes.push(format!("snapshot {} records no schema id: the current schema is shown", s.snapshot_id()));
                columns(m.current_schema())
            }
        };
        let total = diff::total(&files);
        if row.records.is_some_and(|r| Some(r) != total.rows) || row.data_files != total.files {
            notes.push(format!(
                "snapshot {}: its summary totals differ from its manifests; the diff follows the manifests",
                s.snapshot_id()
            ));
        }
        let entry = VersionEntry {
            version_id: row.version_id.clone(),
            parent_id: s.parent_snapshot_id().map(|p| p.to_string()),
            timestamp_ms: row.timestamp_ms,
            operation: row.operation.clone(),
            added: Change::default(),
            removed: Change::default(),
            total,
        };
        Ok(VersionState { entry, files, schema })
    }

    /// Data files live in snapshot `s` (ADDED or EXISTING entries of its manifests).
    async fn live_data_files(&self, s: &Snapshot) -> Result<Vec<FileStat>> {
        let root = &self.loaded.root;
        let list = manifests::read_list(root, s.manifest_list(), self.loaded.metadata.format_version())
            .await
            .map_err(|e| e.context(format!("snapshot {}", s.snapshot_id())))?;
        let reads: Vec<_> = list.iter().map(|mf| entries(root, &mf.manifest_path, mf.added_snapshot_id)).collect();
        let mut stream = futures::stream::iter(reads).buffered(CONCURRENCY);
        let mut out = Vec::new();
        while let Some(read) = stream.next().await {
            out.extend(read?.into_iter().filter(|e| e.data && e.status != ManifestStatus::Deleted).map(|e| e.file));
        }
        Ok(out)
    }
}

/// The entries of one manifest.
async fn entries(root: &Location, path: &str, added_snapshot_id: i64) -> Result<Vec<Entry>> {
    let bytes = root.resolve_absolute(path)?.read("").await?;
    let manifest = super::manifests::parse_manifest(&bytes, path)?;
    let (entries, _) = manifest.into_parts();
    Ok(entries
        .iter()
        .map(|e| {
            let f = e.data_file();
            Entry {
                // v2 entries may leave the snapshot id to be inherited from the manifest list.
                snapshot_id: e.snapshot_id().unwrap_or(added_snapshot_id),
                status: e.status(),
                data: f.content_type() == DataContentType::Data,
                file: FileStat { path: f.file_path().to_string(), bytes: f.file_size_in_bytes(), rows: Some(f.record_count()) },
            }
        })
        .collect())
}

fn zero() -> (Change, Change) {
    let z = Change { files: 0, bytes: 0, rows: Some(0) };
    (z, z)
}

fn plus(c: Change, f: &FileStat) -> Change {
    Change { files: c.files + 1, bytes: c.bytes + f.bytes, rows: c.rows.zip(f.rows).map(|(a, b)| a + b) }
}


