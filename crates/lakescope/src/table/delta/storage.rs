//! Where a Delta table's bytes go, and what VACUUM (full mode) would delete as of a given time.
//!
//! Every regular file of the table's listing gets exactly one role:
//! - **metadata**: everything under `_delta_log/` (commits, checkpoints, sidecars, `.crc`,
//!   `_last_checkpoint`);
//! - **live**: the data files of the current version's adds, and their deletion-vector files;
//! - **old_version**: any other file an add, remove or cdc action in the replayed log names (the
//!   starting checkpoint, its tombstones, and every later commit): data a still-readable version needs,
//!   change data, or a tombstone VACUUM will clear;
//! - **orphan**: everything else (uncommitted leftovers of failed jobs, files of versions whose log was
//!   cleaned up, stray `.crc` or `_SUCCESS` files).
//!
//! **Reclaimable** is exactly what `VACUUM … FULL` would delete as of `as_of`: cut-off = as_of −
//! `delta.deletedFileRetentionDuration` (default 7 days). A listed file is reclaimable when it is not
//! under `_delta_log/`, not live, not hidden (first path component starting with `_` or `.`, except
//! partition directories, `_change_data` and `_delta_index`), and either has a tombstone in the current
//! state (newest checkpoint + later commits) whose `deletionTimestamp` is before the cut-off (a
//! tombstone without one counts as time 0, as delta-rs does), or has no tombstone and was modified at
//! or before the cut-off. Sizes come from the listing, never from `remove.size`.

use std::collections::{HashMap, HashSet};

use super::paths;
use super::replay::Replay;
use crate::model::{OrphanFiles, StorageBreakdown};
use crate::size::{FileRole, summarize_with_orphans};
use crate::storage::{FileEntry, Location};

/// Delta's default `delta.deletedFileRetentionDuration`.
pub(super) const DEFAULT_RETENTION_MS: i64 = 7 * 24 * 3_600_000;

/// Parse a Delta interval such as `interval 7 days`, `interval 168 hours` or `interval 1 week` into
/// milliseconds.
pub(super) fn parse_interval(text: &str) -> Option<i64> {
    let lower = text.trim().to_ascii_lowercase();
    let mut words = lower.split_whitespace().peekable();
    if words.peek() == Some(&"interval") {
        words.next();
    }
    let mut total: i64 = 0;
    let mut any = false;
    while let Some(n) = words.next() {
        let n: i64 = n.parse().ok()?;
        let unit = words.next()?;
        let ms: f64 = match unit.trim_end_matches('s') {
            "nanosecond" => 1e-6,
            "microsecond" => 1e-3,
            "millisecond" => 1.0,
            "second" => 1e3,
            "minute" => 60e3,
            "hour" => 3_600e3,
            "day" => 86_400e3,
            "week" => 7.0 * 86_400e3,
            _ => return None,
        };
        total = total.checked_add((n as f64 * ms) as i64)?;
        any = true;
    }
    any.then_some(total)
}

/// Classify `listing` (the table root, relative paths) against the replayed state.
pub(super) fn breakdown(
    root: &Location,
    listing: &[FileEntry],
    state: &Replay,
    partition_columns: &[String],
    cutoff_ms: i64,
) -> (StorageBreakdown, OrphanFiles) {
    let rel = |log_path: &str| paths::relative(root, log_path);
    let live: HashSet<String> = state
        .live
        .values()
        .flat_map(|f| [Some(f.path.as_str()), f.deletion_vector_file.as_deref()])
        .flatten()
        .filter_map(rel)
        .collect();
    let referenced: HashSet<String> = state.referenced.iter().filter_map(|p| rel(p)).collect();
    // The earliest deletion time any tombstone gives a path decides (a file removed twice is
    // reclaimable once the first removal expires; delta-rs keys tombstones by path alone).
    let mut tombstoned: HashMap<String, i64> = HashMap::new();
    for t in state.tombstones.values() {
        for p in [Some(t.path.as_str()), t.deletion_vector_file.as_deref()].into_iter().flatten() {
            if let Some(p) = rel(p) {
                let ts = t.deletion_timestamp.unwrap_or(0);
                tombstoned.entry(p).and_modify(|e| *e = (*e).min(ts)).or_insert(ts);
            }
        }
    }
    let roles = listing.iter().map(|f| {
        if f.path.starts_with("_delta_log/") {
            return (f, FileRole::Metadata, false);
        }
        if live.contains(&f.path) {
            return (f, FileRole::Live, false);
        }
        let role = if referenced.contains(&f.path) { FileRole::OldVersion } else { FileRole::Orphan };
        let reclaimable = !paths::is_hidden(&f.path, partition_columns)
            && match tombstoned.get(&f.path) {
                Some(deleted) => *deleted < cutoff_ms,
                None => f.last_modified_ms <= cutoff_ms,
            };
        (f, role, reclaimable)
    });
    summarize_with_orphans(roles, Some(cutoff_ms))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retention_intervals() {
        assert_eq!(parse_interval("interval 7 days"), Some(DEFAULT_RETENTION_MS));
        assert_eq!(parse_interval("interval 1 week"), Some(DEFAULT_RETENTION_MS));
        assert_eq!(parse_interval("interval 168 hours"), Some(DEFAULT_RETENTION_MS));
        assert_eq!(parse_interval("INTERVAL 3 DAYS"), Some(3 * 86_400_000));
        assert_eq!(parse_interval("interval 1 day 12 hours"), Some(36 * 3_600_000));
        assert_eq!(parse_interval("interval 0 seconds"), Some(0));
        for bad in ["", "interval", "7 days later", "interval seven days", "interval 1 month"] {
            assert_eq!(parse_interval(bad), None, "{bad}");
        }
    }
}
