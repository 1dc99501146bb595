//! Which snapshots `expire_snapshots` would keep, as Java's `RemoveSnapshots` decides it, at a given time.
//!
//! Each branch is walked from its head, keeping ancestors while fewer than its min-snapshots-to-keep are
//! kept or the ancestor is younger than its max-snapshot-age, stopping at the first that fails both.
//! Tags keep their snapshot. Refs other than `main` older than their max-ref-age are dropped first.
//! Snapshots no remaining ref reaches are kept only while younger than the table's max-snapshot-age.

use std::collections::{BTreeMap, HashMap, HashSet};

use iceberg::spec::{SnapshotReference, SnapshotRetention, TableMetadata, MAIN_BRANCH};

pub(super) const MAX_SNAPSHOT_AGE: &str = "history.expire.max-snapshot-age-ms";
pub(super) const MIN_SNAPSHOTS: &str = "history.expire.min-snapshots-to-keep";
pub(super) const MAX_REF_AGE: &str = "history.expire.max-ref-age-ms";
pub(super) const GC_ENABLED: &str = "gc.enabled";
/// Java's and pyiceberg's default max snapshot age: 5 days.
pub(super) const DEFAULT_MAX_SNAPSHOT_AGE_MS: i64 = 5 * 86_400_000;

/// The snapshots that survive expiry at `now_ms`; `None` when `gc.enabled=false` forbids expiry.
pub(super) fn retained(
    metadata: &TableMetadata,
    refs: &BTreeMap<String, SnapshotReference>,
    now_ms: i64,
) -> Option<HashSet<i64>> {
    let props = metadata.properties();
    if props.get(GC_ENABLED).is_some_and(|v| v.eq_ignore_ascii_case("false")) {
        return None;
    }
    let prop = |k: &str| props.get(k).and_then(|v| v.trim().parse::<i64>().ok());
    let default_max_age = prop(MAX_SNAPSHOT_AGE).unwrap_or(DEFAULT_MAX_SNAPSHOT_AGE_MS);
    let default_min_keep = prop(MIN_SNAPSHOTS).unwrap_or(1).max(1);
    let default_max_ref_age = prop(MAX_REF_AGE).unwrap_or(i64::MAX);

    let ts: HashMap<i64, i64> = metadata.snapshots().map(|s| (s.snapshot_id(), s.timestamp_ms())).collect();
    let parent: HashMap<i64, Option<i64>> = metadata.snapshots().map(|s| (s.snapshot_id(), s.parent_snapshot_id())).collect();
    let ancestors = |head: i64| {
        std::iter::successors(Some(head), |id| parent.get(id).copied().flatten()).take_while(|id| ts.contains_key(id))
    };

    let live_refs: Vec<&SnapshotReference> = refs
        .iter()
        .filter(|(name, r)| {
            let Some(&head_ms) = ts.get(&r.snapshot_id) else { return false };
            let max_ref_age = match &r.retention {
                SnapshotRetention::Branch { max_ref_age_ms, .. } | SnapshotRetention::Tag { max_ref_age_ms } => {
                    max_ref_age_ms.unwrap_or(default_max_ref_age)
                }
            };
            name.as_str() == MAIN_BRANCH || now_ms.saturating_sub(head_ms) <= max_ref_age
        })
        .map(|(_, r)| r)
        .collect();

    let mut keep = HashSet::new();
    for r in &live_refs {
        match &r.retention {
            SnapshotRetention::Tag { .. } => {
                keep.insert(r.snapshot_id);
            }
            SnapshotRetention::Branch { min_snapshots_to_keep, max_snapshot_age_ms, .. } => {
                let min_keep = min_snapshots_to_keep.map(i64::from).unwrap_or(default_min_keep).max(1);
                let cutoff = now_ms.saturating_sub(max_snapshot_age_ms.unwrap_or(default_max_age));
                let mut kept = 0i64;
                for id in ancestors(r.snapshot_id) {
                    if kept < min_keep || ts[&id] >= cutoff {
                        keep.insert(id);
                        kept += 1;
                    } else {
                        break;
                    }
                }
            }
        }
    }
    // Snapshots outside every ref's ancestry (e.g. from a dropped branch) age out on the table default.
    let mut referenced = HashSet::new();
    for r in &live_refs {
        match r.retention {
            SnapshotRetention::Tag { .. } => {
                referenced.insert(r.snapshot_id);
            }
            SnapshotRetention::Branch { .. } => referenced.extend(ancestors(r.snapshot_id)),
        }
    }
    let cutoff = now_ms.saturating_sub(default_max_age);
    keep.extend(ts.iter().filter(|(id, t)| !referenced.contains(id) && **t >= cutoff).map(|(id, _)| *id));
    Some(keep)
}
