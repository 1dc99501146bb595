//! What `_delta_log/` holds, from its listing alone: commits, checkpoints (classic, multi-part, v2),
//! and which stretch of versions can be replayed.
//!
//! `_last_checkpoint` is only a hint (it may be stale or missing), so the listing decides. Log
//! retention may have deleted old commits: replay starts at version 0 when every commit is still
//! there, else at the oldest complete checkpoint followed by an unbroken run of commits.

use std::collections::BTreeMap;

use crate::error::{Error, Result};
use crate::storage::FileEntry;

/// One way of reading the table state at a checkpoint version: all files that make it up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Checkpoint {
    pub version: u64,
    /// Paths relative to the table root (`_delta_log/…`). Several for multi-part checkpoints.
    pub parts: Vec<FileEntry>,
    /// A v2 checkpoint in JSON form (`N.checkpoint.<uuid>.json`) rather than Parquet.
    pub json: bool,
}

/// The listing of `_delta_log/`, sorted into commits and complete checkpoints.
#[derive(Debug, Default)]
pub(super) struct LogListing {
    /// Commit version → its JSON file.
    pub commits: BTreeMap<u64, FileEntry>,
    /// Checkpoint version → a complete checkpoint at that version (classic preferred).
    pub checkpoints: BTreeMap<u64, Checkpoint>,
}

/// The stretch of the log a replay reads.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Segment {
    /// First version with known totals (0, or the starting checkpoint's version).
    pub start: u64,
    pub end: u64,
    /// The checkpoint the replay starts from (`None`: start from an empty table at version 0).
    pub checkpoint: Option<Checkpoint>,
    /// The newest checkpoint at or before `end`: its tombstones are the "current state" VACUUM sees.
    pub latest_checkpoint: Option<Checkpoint>,
}

impl LogListing {
    /// Sort a listing of the table root (paths relative to it) into commits and checkpoints.
    pub fn from_entries<'a>(entries: impl IntoIterator<Item = &'a FileEntry>) -> LogListing {
        let mut listing = LogListing::default();
        // version → (classic, v2 uuid, multi-part sets keyed by part count)
        let mut multi: BTreeMap<(u64, u32), Vec<(u32, FileEntry)>> = BTreeMap::new();
        let mut v2: BTreeMap<u64, Checkpoint> = BTreeMap::new();
        for e in entries {
            let Some(name) = e.path.strip_prefix("_delta_log/") else { continue };
            if name.contains('/') {
                continue; // _sidecars/, _commits/, _staged_commits/: read only when referenced
            }
            match parse_log_name(name) {
                Some(LogFile::Commit(v)) => {
                    listing.commits.insert(v, e.clone());
                }
                Some(LogFile::Classic(v)) => {
                    listing.checkpoints.insert(v, Checkpoint { version: v, parts: vec![e.clone()], json: false });
                }
                Some(LogFile::V2 { version, json }) => {
                    v2.entry(version).or_insert(Checkpoint { version, parts: vec![e.clone()], json });
                }
                Some(LogFile::Part { version, part, of }) => {
                    multi.entry((version, of)).or_default().push((part, e.clone()))
                }
                None => {}
            }
        }
        for ((version, of), mut parts) in multi {
            parts.sort_by_key(|(p, _)| *p);
            parts.dedup_by_key(|(p, _)| *p);
            let complete = parts.len() as u32 == of && parts.iter().enumerate().all(|(i, (p, _))| *p == i as u32 + 1);
            if complete && !listing.checkpoints.contains_key(&version) {
                let parts = parts.into_iter().map(|(_, e)| e).collect();
                listing.checkpoints.insert(version, Checkpoint { version, parts, json: false });
            }
        }
        for (version, cp) in v2 {
            listing.checkpoints.entry(version).or_insert(cp);
        }
        listing
    }

    /// Choose the replay segment; `table` names the table in errors.
    pub fn segment(&self, table: &str) -> Result<Segment> {
        let last_commit = self.commits.keys().next_back().copied();
        let last_checkpoint = self.checkpoints.keys().next_back().copied();
        let end = match (last_commit, last_checkpoint) {
            (None, None) => {
                return Err(Error::not_found(format!("{table}: _delta_log/ has no commits or checkpoints")));
            }
            (a, b) => a.max(b).unwrap(),
        };
        // Versions from `v` to `end` all have a commit file.
        let unbroken_from = |v: u64| (v..=end).all(|x| self.commits.contains_key(&x));
        let latest_checkpoint = self.checkpoints.range(..=end).next_back().map(|(_, c)| c.clone());
        if unbroken_from(0) {
            return Ok(Segment { start: 0, end, checkpoint: None, latest_checkpoint });
        }
        // The oldest checkpoint after which no commit is missing.
        let mut first_gap_after = None;
        for v in (0..=end).rev() {
            if !self.commits.contains_key(&v) {
                first_gap_after = Some(v);
                break;
            }
        }
        let gap = first_gap_after.expect("some commit is missing");
        // A checkpoint at `gap` itself (its commit deleted) or later works.
        match self.checkpoints.range(gap..).next() {
            Some((&start, cp)) => Ok(Segment { start, end, checkpoint: Some(cp.clone()), latest_checkpoint }),
            None => Err(Error::corrupt(format!(
                "{table}: commit {gap} is missing from _delta_log/ and no checkpoint at or after it lets the \
                 table be read (versions up to {end})"
            ))),
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
enum LogFile {
    Commit(u64),
    Classic(u64),
    Part { version: u64, part: u32, of: u32 },
    V2 { version: u64, json: bool },
}

/// `00000000000000000010.json`, `….checkpoint.parquet`, `….checkpoint.0000000001.0000000003.parquet`,
/// `….checkpoint.<uuid>.json|parquet`; anything else (`.crc`, `_last_checkpoint`, compacted logs,
/// temporary files) is not part of the replay.
fn parse_log_name(name: &str) -> Option<LogFile> {
    let (digits, rest) = name.split_at_checked(20)?;
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let version: u64 = digits.parse().ok()?;
    if rest == ".json" {
        return Some(LogFile::Commit(version));
    }
    let rest = rest.strip_prefix(".checkpoint")?;
    if rest == ".parquet" {
        return Some(LogFile::Classic(version));
    }
    let rest = rest.strip_prefix('.')?;
    if let Some(mid) = rest.strip_suffix(".parquet") {
        if let Some((part, of)) = mid.split_once('.')
            && part.len() == 10
            && of.len() == 10
            && let (Ok(part), Ok(of)) = (part.parse(), of.parse())
        {
            return Some(LogFile::Part { version, part, of });
        }
        return is_uuid(mid).then_some(LogFile::V2 { version, json: false });
    }
    let mid = rest.strip_suffix(".json")?;
    is_uuid(mid).then_some(LogFile::V2 { version, json: true })
}

fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.chars()
            .enumerate()
            .all(|(i, c)| if [8, 13, 18, 23].contains(&i) { c == '-' } else { c.is_ascii_hexdigit() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(path: &str) -> FileEntry {
        FileEntry { path: format!("_delta_log/{path}"), size: 1, last_modified_ms: 0 }
    }
    fn v(n: u64, suffix: &str) -> FileEntry {
        e(&format!("{n:020}{suffix}"))
    }

    #[test]
    fn names_of_every_log_file_kind() {
        assert_eq!(parse_log_name("00000000000000000007.json"), Some(LogFile::Commit(7)));
        assert_eq!(parse_log_name("00000000000000000010.checkpoint.parquet"), Some(LogFile::Classic(10)));
        assert_eq!(
            parse_log_name("00000000000000000010.checkpoint.0000000002.0000000003.parquet"),
            Some(LogFile::Part { version: 10, part: 2, of: 3 })
        );
        assert_eq!(
            parse_log_name("00000000000000000010.checkpoint.80a083e8-7026-4e79-81be-64bd76c43a11.json"),
            Some(LogFile::V2 { version: 10, json: true })
        );
        for other in [
            "_last_checkpoint",
            "00000000000000000010.crc",
            "00000000000000000001.00000000000000000009.compacted.json",
            ".00000000000000000003.json.tmp",
            "0001.json",
        ] {
            assert_eq!(parse_log_name(other), None, "{other}");
        }
    }

    #[test]
    fn replay_starts_at_zero_when_every_commit_is_there() {
        let files = [v(0, ".json"), v(1, ".json"), v(2, ".json"), v(1, ".checkpoint.parquet")];
        let s = LogListing::from_entries(&files).segment("t").unwrap();
        assert_eq!((s.start, s.end, s.checkpoint.is_none()), (0, 2, true));
        assert_eq!(s.latest_checkpoint.unwrap().version, 1);
    }

    #[test]
    fn after_log_cleanup_replay_starts_at_the_oldest_usable_checkpoint() {
        // commits 0..=4 deleted; checkpoints at 4 (usable, its commit gone too) and 9.
        let mut files: Vec<_> = (5..=12).map(|n| v(n, ".json")).collect();
        files.push(v(4, ".checkpoint.parquet"));
        files.push(v(9, ".checkpoint.parquet"));
        let s = LogListing::from_entries(&files).segment("t").unwrap();
        assert_eq!((s.start, s.end), (4, 12));
        assert_eq!(s.latest_checkpoint.unwrap().version, 9);
    }

    #[test]
    fn a_gap_after_a_checkpoint_moves_the_start_past_it() {
        let mut files: Vec<_> = (0..=12).filter(|&n| n != 6).map(|n| v(n, ".json")).collect();
        files.push(v(5, ".checkpoint.parquet"));
        files.push(v(8, ".checkpoint.parquet"));
        let s = LogListing::from_entries(&files).segment("t").unwrap();
        assert_eq!(s.start, 8);
    }

    #[test]
    fn incomplete_multi_part_checkpoints_are_ignored_and_gaps_without_one_are_corrupt() {
        let mut files: Vec<_> = (3..=5).map(|n| v(n, ".json")).collect();
        files.push(v(2, ".checkpoint.0000000001.0000000002.parquet"));
        let e = LogListing::from_entries(&files).segment("t").unwrap_err();
        assert_eq!(e.kind, crate::error::ErrorKind::Corrupt);
        files.push(v(2, ".checkpoint.0000000002.0000000002.parquet"));
        let s = LogListing::from_entries(&files).segment("t").unwrap();
        assert_eq!((s.start, s.checkpoint.unwrap().parts.len()), (2, 2));
    }

    #[test]
    fn an_empty_log_is_not_found() {
        let e = LogListing::from_entries(&[]).segment("t").unwrap_err();
        assert_eq!(e.kind, crate::error::ErrorKind::NotFound);
    }
}
