//! Iceberg tables: metadata JSON, manifest lists and manifests, parsed with the iceberg crate and read
//! through our storage layer (so S3 and local tables take the same path).
//!
//! The table page needs three kinds of truth, at three costs:
//! - history reads the metadata file only (snapshot summaries carry totals), falling back to manifests
//!   for snapshots whose summaries lack them ([`history`]);
//! - current totals come from the current snapshot's summary, checked against (and, when keys are
//!   missing, replaced by) a scan of its manifests, which also gives per-partition figures;
//! - the storage breakdown needs every snapshot's manifests, to tell live, old-version, metadata and
//!   orphan files apart, and the expiry rules to tell what maintenance would reclaim ([`storage`]).

mod avro_container;
mod avro_names;
mod expiry;
mod fast_avro;
mod history;
mod manifests;
mod metadata;
mod sample;
mod storage;
mod versions;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use super::ReadOptions;
use crate::error::{ErrorKind, Result};
use crate::model::{Column, CurrentVersion, HistoryRow, PartitionStat, TableFormat, TableInfo};
use crate::storage::Location;
use history::SummaryTotals;
use manifests::{Counts, ManifestSummary, PartitionAgg, PartitionKey};
use metadata::Loaded;

pub struct IcebergTable {
    /// Boxed: parsed metadata is large and `Table` holds readers of every format by value.
    loaded: Box<Loaded>,
}

impl IcebergTable {
    /// Open the table rooted at `root` (or at the `metadata.json` itself). `metadata_location`, when a
    /// catalog knows it, names the current metadata file and wins over any guess.
    pub async fn open(root: Location, metadata_location: Option<&str>) -> Result<Self> {
        Ok(IcebergTable { loaded: Box::new(metadata::load(root, metadata_location).await?) })
    }

    pub async fn info(&self, opts: &ReadOptions) -> Result<TableInfo> {
        let l = &self.loaded;
        let m = &l.metadata;
        let mut warnings = l.warnings.clone();

        let listing = match l.root.list_files().await {
            Ok(files) => files,
            Err(e) if matches!(e.kind, ErrorKind::NotFound | ErrorKind::InvalidInput) => {
                warnings.push(format!("table location {} could not be listed: {}", l.root.display(), e.message));
                Vec::new()
            }
            Err(e) => return Err(e),
        };

        // Every snapshot's manifest list, then every distinct manifest once.
        let snapshot_ms: HashMap<i64, i64> = m.snapshots().map(|s| (s.snapshot_id(), s.timestamp_ms())).collect();
        let current = m.current_snapshot().cloned();
        let wanted = m.snapshots().map(|s| (s.snapshot_id(), s.manifest_list().to_string())).collect();
        let all = manifests::read_lists(&l.root, wanted, m.format_version()).await;
        let mut lists: HashMap<i64, Vec<Arc<str>>> = HashMap::new();
        for (id, list) in all.by_snapshot {
            match list {
                Ok(list) => {
                    lists.insert(id, list);
                }
                Err(e) if Some(id) == current.as_ref().map(|s| s.snapshot_id()) => {
                    return Err(e.context(format!("current snapshot {id} of {}", l.file)));
                }
                Err(e) => warnings.push(format!("snapshot {id}: {}; its files are not accounted for", e.message)),
            }
        }
        let current_manifests: BTreeSet<&Arc<str>> =
            current.as_ref().and_then(|s| lists.get(&s.snapshot_id())).into_iter().flatten().collect();
        let mut read: HashMap<Arc<str>, Arc<ManifestSummary>> = HashMap::new();
        for (path, summary) in manifests::read_manifests(&l.root, all.manifests.iter(), &snapshot_ms).await {
            match summary {
                Ok(s) => {
                    read.insert(path, s);
                }
                Err(e) if current_manifests.contains(&path) => return Err(e.context(format!("reading {}", l.file))),
                Err(e) => warnings.push(format!("{}; files only it references are not accounted for", e.message)),
            }
        }
        drop(all.manifests);

        // Current totals and partitions from the current snapshot's manifests.
        let mut scan = Counts::default();
        let mut delete_files = 0;
        let mut parts: BTreeMap<PartitionKey, PartitionAgg> = BTreeMap::new();
        for path in &current_manifests {
            let Some(s) = read.get(*path) else { continue };
            scan.merge(&s.data);
            delete_files += s.deletes.files;
            for (k, a) in &s.partitions {
                let agg = parts.entry(k.clone()).or_default();
                agg.data.merge(&a.data);
                agg.newest_snapshot_ms = agg.newest_snapshot_ms.max(a.newest_snapshot_ms);
            }
        }
        let current_version = match &current {
            None => CurrentVersion {
                version: None,
                version_id: None,
                timestamp_ms: None,
                records: Some(0),
                data_files: 0,
                data_bytes: 0,
            },
            Some(s) => {
                let t = SummaryTotals::of(s);
                let checks = [("total-records", t.records, scan.records), ("total-data-files", t.data_files, scan.files)];
                for (key, said, found) in checks.into_iter().chain([("total-files-size", t.data_bytes, scan.bytes)]) {
                    if let Some(said) = said.filter(|v| *v != found) {
                        warnings.push(format!("snapshot {} summary says {key}={said}, its manifests say {found}", s.snapshot_id()));
                    }
                }
                if delete_files > 0 {
                    warnings.push(format!(
                        "{delete_files} delete file(s) are live: records count rows before deletes are applied"
                    ));
                }
                CurrentVersion {
                    version: Some(s.snapshot_id()),
                    version_id: Some(s.snapshot_id().to_string()),
                    timestamp_ms: Some(s.timestamp_ms()),
                    records: Some(t.records.unwrap_or(scan.records)),
                    data_files: t.data_files.unwrap_or(scan.files),
                    data_bytes: t.data_bytes.unwrap_or(scan.bytes),
                }
            }
        };

        let partition_columns: Vec<String> = m.default_partition_spec().fields().iter().map(|f| f.name.clone()).collect();
        let other_keys: BTreeSet<Vec<&String>> = parts
            .keys()
            .map(|k| k.iter().map(|(n, _)| n).collect::<Vec<_>>())
            .filter(|names| names.iter().copied().ne(partition_columns.iter()))
            .collect();
        for names in &other_keys {
            warnings.push(format!(
                "partition spec evolved: some live files keep the partition fields they were written with ({})",
                if names.is_empty() { "unpartitioned".to_string() } else { names.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ") }
            ));
        }
        let partitions = if parts.keys().all(|k| k.is_empty()) {
            Vec::new()
        } else {
            parts
                .into_iter()
                .map(|(k, a)| PartitionStat {
                    values: k.into_iter().collect(),
                    records: Some(a.data.records),
                    data_files: a.data.files,
                    data_bytes: a.data.bytes,
                    last_modified_ms: a.newest_snapshot_ms,
                })
                .collect()
        };

        let outside = current_manifests
            .iter()
            .filter_map(|p| read.get(*p))
            .flat_map(|s| s.live_paths.iter())
            .filter(|p| l.root.relative_of(p).is_none())
            .count();
        if outside > 0 {
            warnings.push(format!(
                "{outside} live file(s) lie outside the table location {}; they are not in the storage figures",
                l.root.display()
            ));
        }
        let refs = l.refs();
        let (storage, orphans) = storage::breakdown(l, &refs, &listing, &storage::References { lists: &lists, manifests: &read }, opts.as_of_ms);
        if expiry::retained(m, &refs, opts.as_of_ms).is_none() {
            warnings.push("gc.enabled=false: expire_snapshots and remove_orphan_files refuse to delete files".into());
        }

        let schema = columns(m.current_schema());
        let properties: BTreeMap<String, String> = m.properties().iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        Ok(TableInfo {
            name: l.root.display().rsplit('/').next().unwrap_or_default().to_string(),
            format: TableFormat::Iceberg,
            location: l.root.display(),
            schema,
            partition_columns,
            current: current_version,
            storage,
            orphans,
            partitions,
            source: None,
            namespace: None,
            owner: properties.get("owner").cloned(),
            comment: properties.get("comment").cloned(),
            properties,
            warnings,
        })
    }

    /// One row per snapshot still in the metadata, oldest first.
    pub async fn history(&self) -> Result<Vec<HistoryRow>> {
        history::rows(&self.loaded.root, &self.loaded.metadata)
            .await
            .map_err(|e| if e.message.contains(&self.loaded.file) { e } else { e.context(format!("history of {}", self.loaded.file)) })
    }
}

impl std::fmt::Debug for IcebergTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "IcebergTable({})", self.loaded.file)
    }
}

/// A schema's top-level fields as the table page and the Versions view show them.
pub(super) fn columns(schema: &iceberg::spec::Schema) -> Vec<Column> {
    schema
        .as_struct()
        .fields()
        .iter()
        .map(|f| Column {
            name: f.name.clone(),
            data_type: manifests::type_name(&f.field_type),
            nullable: !f.required,
            comment: f.doc.clone(),
        })
        .collect()
}

/// Fuzzing entry (see [`crate::fuzzing`]): a `metadata.json` and what the table page takes from it.
pub(crate) fn fuzz_metadata(bytes: &[u8]) -> Result<()> {
    let m = metadata::parse(bytes, "00001-fuzz.metadata.json")?;
    let _ = (m.current_schema(), m.default_partition_spec(), m.snapshots().count(), m.current_snapshot());
    Ok(())
}

/// Fuzzing entry (see [`crate::fuzzing`]): a manifest list (read as v1 or v2 by `v2`), by both readers.
/// Whatever the iceberg crate reads, the fast reader must read the same; it may read more (it needs
/// fewer fields), never less.
pub(crate) fn fuzz_manifest_list(bytes: &[u8], v2: bool) -> Result<()> {
    let version = if v2 { iceberg::spec::FormatVersion::V2 } else { iceberg::spec::FormatVersion::V1 };
    let (full, fast) = manifests::listed_both_ways(bytes, "snap-fuzz.avro", version)?;
    if let Some(fast) = fast {
        assert_eq!(fast, full, "the fast manifest list reader disagrees with the iceberg crate's");
    }
    Ok(())
}

/// Fuzzing entry (see [`crate::fuzzing`]): a manifest, reduced as the table page reduces it, by both
/// readers: whatever the iceberg crate reads, the fast reader must read the same, or leave it to it.
pub(crate) fn fuzz_manifest(bytes: &[u8]) -> Result<()> {
    let fast = fast_avro::manifest(bytes, 1);
    let full = manifests::rows("fuzz-m0.avro", bytes, 1)?;
    if let Some(fast) = fast {
        assert_eq!(fast, full, "the fast manifest reader disagrees with the iceberg crate's");
    }
    let (names, rows) = full;
    // Summed as the table page sums a manifest, from the rows already read (equal if both read it).
    manifests::fold(&names, rows, &HashMap::new());
    Ok(())
}

/// Test support (see [`crate::fuzzing`]): the fast and the iceberg crate's readers on a metadata folder.
pub(crate) fn fast_readers_agree_on(metadata_dir: &std::path::Path) -> std::result::Result<(usize, usize), String> {
    fast_avro::readers_agree_on(metadata_dir)
}
