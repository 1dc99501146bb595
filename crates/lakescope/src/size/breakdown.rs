//! Summing a classified listing into a [`StorageBreakdown`].

use crate::model::{OrphanFiles, StorageBreakdown};
use crate::storage::FileEntry;

/// The role of one file found under a table's location.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileRole {
    /// Referenced by the current version.
    Live,
    /// Referenced only by older versions still in the table's history.
    OldVersion,
    /// Referenced by no version.
    Orphan,
    /// The format's own metadata (logs, checkpoints, metadata JSON, manifests).
    Metadata,
}

/// Sum a listing whose files were each given a role and a "would be reclaimed" flag.
pub fn summarize<'a>(files: impl IntoIterator<Item = (&'a FileEntry, FileRole, bool)>) -> StorageBreakdown {
    let mut b = StorageBreakdown::default();
    for (f, role, reclaimable) in files {
        b.total_bytes += f.size;
        b.total_files += 1;
        match role {
            FileRole::Live => b.live_bytes += f.size,
            FileRole::OldVersion => b.old_version_bytes += f.size,
            FileRole::Orphan => b.orphan_bytes += f.size,
            FileRole::Metadata => b.metadata_bytes += f.size,
        }
        if reclaimable {
            b.reclaimable_bytes += f.size;
        }
    }
    b
}

/// [`summarize`], and the orphan files among the reclaimable ones: the orphan part of the breakdown's
/// reclaimable bytes, so an orphan finding and a VACUUM / expire finding never count a byte twice.
/// `cutoff_ms` is the procedure's safety cut-off, recorded for display.
pub fn summarize_with_orphans<'a>(
    files: impl IntoIterator<Item = (&'a FileEntry, FileRole, bool)>,
    cutoff_ms: Option<i64>,
) -> (StorageBreakdown, OrphanFiles) {
    let mut orphans = OrphanFiles { cutoff_ms, ..OrphanFiles::default() };
    let b = summarize(files.into_iter().inspect(|(f, role, reclaimable)| {
        if *role == FileRole::Orphan && *reclaimable {
            orphans.removable_files += 1;
            orphans.removable_bytes += f.size;
            orphans.files.push((*f).clone());
        }
    }));
    orphans.files.sort_by(|a, b| a.path.cmp(&b.path));
    (b, orphans)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_add_up_to_total() {
        let f = |p: &str, size| FileEntry { path: p.into(), size, last_modified_ms: 0 };
        let files = [f("a", 10), f("b", 20), f("c", 30), f("d", 40)];
        let roles = [(FileRole::Live, false), (FileRole::OldVersion, true), (FileRole::Orphan, true), (FileRole::Metadata, false)];
        let b = summarize(files.iter().zip(roles).map(|(f, (r, x))| (f, r, x)));
        assert_eq!(b.total_bytes, 100);
        assert_eq!(b.live_bytes + b.old_version_bytes + b.orphan_bytes + b.metadata_bytes, b.total_bytes);
        assert_eq!(b.reclaimable_bytes, 50);
        assert_eq!(b.total_files, 4);
    }

    #[test]
    fn only_reclaimable_orphans_are_removable() {
        let f = |p: &str, size| FileEntry { path: p.into(), size, last_modified_ms: 0 };
        let files = [f("b", 20), f("a", 30), f("young", 5), f("old", 40)];
        let roles = [(FileRole::OldVersion, true), (FileRole::Orphan, true), (FileRole::Orphan, false), (FileRole::Orphan, true)];
        let (b, o) = summarize_with_orphans(files.iter().zip(roles).map(|(f, (r, x))| (f, r, x)), Some(7));
        assert_eq!((b.reclaimable_bytes, b.orphan_bytes), (90, 75));
        assert_eq!((o.removable_files, o.removable_bytes, o.cutoff_ms), (2, 70, Some(7)));
        assert_eq!(o.files.iter().map(|f| f.path.as_str()).collect::<Vec<_>>(), ["a", "old"]);
    }
}
