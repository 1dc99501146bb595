//! The storage breakdown of an Iceberg table: every listed file gets one role, and a flag for whether
//! `expire_snapshots` followed by `remove_orphan_files` would delete it as of `--as-of`.
//!
//! Roles (paths compared relative to the table root, exactly as written in metadata):
//! - live: data and delete files of the current snapshot (ADDED or EXISTING entries of its manifests);
//! - old_version: data and delete files live in some other snapshot still in the metadata, not in the
//!   current one;
//! - metadata: the current metadata file, those in its metadata log, `metadata/version-hint.text`, and
//!   the manifest lists, manifests and statistics files of every snapshot in the metadata;
//! - orphan: everything else (failed writes, metadata files that fell out of the metadata log, files
//!   left behind by snapshots already expired, stray files anywhere under the root).
//!
//! Reclaimable (FORMATS.md): nothing when `gc.enabled=false`; else files reachable now but not from
//! the snapshots that survive expiry ([`super::expiry`]) — data, manifests, manifest lists and
//! statistics files — plus orphans under `data/` or `metadata/` with no hidden path component and a
//! modification time before as-of − 3 days (the `older_than` default of `remove_orphan_files`).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use iceberg::spec::SnapshotReference;

use super::expiry;
use super::manifests::ManifestSummary;
use super::metadata::{Loaded, VERSION_HINT};
use crate::model::{OrphanFiles, StorageBreakdown};
use crate::size::{summarize_with_orphans, FileRole};
use crate::storage::FileEntry;

/// `remove_orphan_files` leaves files younger than this alone (Java's and Spark's default).
pub(super) const ORPHAN_MIN_AGE_MS: i64 = 3 * 86_400_000;

/// What each snapshot references: its manifest list and manifests (as listed), when they could be read.
pub(super) struct References<'a> {
    pub lists: &'a HashMap<i64, Vec<Arc<str>>>,
    pub manifests: &'a HashMap<Arc<str>, Arc<ManifestSummary>>,
}

#[derive(Default)]
struct Reach {
    meta: HashSet<String>,
    data: HashSet<String>,
}

pub(super) fn breakdown(
    loaded: &Loaded,
    branches_and_tags: &BTreeMap<String, SnapshotReference>,
    listing: &[FileEntry],
    refs: &References<'_>,
    as_of_ms: i64,
) -> (StorageBreakdown, OrphanFiles) {
    let m = &loaded.metadata;
    let rel = |abs: &str| loaded.root.relative_of(abs).unwrap_or_else(|| abs.to_string());
    let mut stats: HashMap<i64, Vec<String>> = HashMap::new();
    for s in m.statistics_iter() {
        stats.entry(s.snapshot_id).or_default().push(rel(&s.statistics_path));
    }
    for s in m.partition_statistics_iter() {
        stats.entry(s.snapshot_id).or_default().push(rel(&s.statistics_path));
    }
    let reach_of = |ids: &mut dyn Iterator<Item = i64>| -> Reach {
        let mut r = Reach::default();
        // Snapshots share most of their manifests: each distinct one is resolved once. The lists hold
        // one shared `Arc` per distinct path, so the address tells them apart without hashing paths.
        let mut seen: HashSet<*const u8> = HashSet::new();
        let mut manifests: Vec<&Arc<str>> = Vec::new();
        for id in ids {
            let Some(s) = m.snapshot_by_id(id) else { continue };
            r.meta.insert(rel(s.manifest_list()));
            r.meta.extend(stats.get(&id).into_iter().flatten().cloned());
            manifests.extend(refs.lists.get(&id).into_iter().flatten().filter(|mp| seen.insert(Arc::as_ptr(mp).cast::<u8>())));
        }
        for mp in manifests {
            r.meta.insert(rel(mp));
            if let Some(ms) = refs.manifests.get(mp.as_ref()) {
                r.data.extend(ms.live_paths.iter().map(|p| rel(p)));
            }
        }
        r
    };

    let now = reach_of(&mut m.snapshots().map(|s| s.snapshot_id()));
    let live = reach_of(&mut m.current_snapshot_id().into_iter()).data;
    let mut metadata_files: HashSet<String> = m.metadata_log().iter().map(|l| rel(&l.metadata_file)).collect();
    metadata_files.insert(rel(&loaded.file));
    metadata_files.insert(VERSION_HINT.to_string());

    let after = expiry::retained(m, branches_and_tags, as_of_ms).map(|keep| reach_of(&mut keep.into_iter()));
    let orphan_cutoff = as_of_ms.saturating_sub(ORPHAN_MIN_AGE_MS);

    let roles = listing.iter().map(|f| {
        let p = f.path.as_str();
        let role = if live.contains(p) {
            FileRole::Live
        } else if now.data.contains(p) {
            FileRole::OldVersion
        } else if now.meta.contains(p) || metadata_files.contains(p) {
            FileRole::Metadata
        } else {
            FileRole::Orphan
        };
        let reclaimable = match &after {
            None => false,
            Some(after) => {
                let reachable_now = now.data.contains(p) || now.meta.contains(p);
                let reachable_after = after.data.contains(p) || after.meta.contains(p);
                (reachable_now && !reachable_after)
                    || (role == FileRole::Orphan && orphan_removal_scope(p) && f.last_modified_ms < orphan_cutoff)
            }
        };
        (f, role, reclaimable)
    });
    summarize_with_orphans(roles, after.as_ref().map(|_| orphan_cutoff))
}

/// Orphan removal looks under `data/` and `metadata/` only, and skips hidden files and directories.
fn orphan_removal_scope(path: &str) -> bool {
    (path.starts_with("data/") || path.starts_with("metadata/"))
        && path.split('/').all(|c| !c.starts_with('.') && !c.starts_with('_'))
}

#[cfg(test)]
mod tests {
    use super::orphan_removal_scope;

    #[test]
    fn orphan_removal_skips_root_and_hidden_files() {
        assert!(orphan_removal_scope("data/d=1/x.parquet"));
        assert!(orphan_removal_scope("metadata/00001-a.metadata.json"));
        assert!(!orphan_removal_scope("notes.txt"));
        assert!(!orphan_removal_scope("data/.x.parquet.crc"));
        assert!(!orphan_removal_scope("data/_temporary/x.parquet"));
        assert!(!orphan_removal_scope("other/x.parquet"));
    }
}
