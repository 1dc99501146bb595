//! One streaming pass over the log: start from the segment's checkpoint (or an empty table at
//! version 0), apply every later commit in order, and after each commit know the table's totals.
//!
//! Memory is bounded by the live-file set (plus, for the table page, the set of files the retained
//! log mentions, which the storage breakdown needs anyway): commits are fetched a few at a time and
//! dropped once applied; checkpoints are decoded batch by batch.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use futures::StreamExt;

use super::actions::{self, Action, AddFile, CommitInfo, Metadata, Protocol, RemoveFile, file_key};
use super::checkpoint::{self, Want};
use super::log::{Checkpoint, LogListing, Segment};
use super::paths;
use crate::error::{Error, Result};
use crate::model::HistoryRow;
use crate::storage::Location;

/// How many commit files are fetched ahead of the one being applied.
const PREFETCH: usize = 16;
/// Shown when a commit carries no `commitInfo` (old writers omit it).
pub(super) const UNKNOWN_OPERATION: &str = "UNKNOWN";

/// What the replay keeps beyond the running totals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    /// One row per version.
    History,
    /// The final state with tombstones and every file the retained log mentions.
    Table,
}

pub(super) struct LiveFile {
    /// As the log records it.
    pub path: String,
    pub size: u64,
    pub records: Option<u64>,
    /// Index into [`Replay::partitions`].
    pub partition: u32,
    pub modification_time: i64,
    pub deletion_vector_file: Option<String>,
}

/// A remove in the current state: when VACUUM may delete the file (and its deletion vector).
pub(super) struct Tombstone {
    pub path: String,
    pub deletion_timestamp: Option<i64>,
    pub deletion_vector_file: Option<String>,
}

pub(super) struct Replay<'a> {
    root: &'a Location,
    mode: Mode,
    /// File key (path + deletion-vector id) → live file.
    pub live: HashMap<String, LiveFile>,
    pub data_bytes: u64,
    pub records: u64,
    pub files_without_stats: u64,
    /// Distinct partition-value sets (physical column names), interned.
    pub partitions: Vec<Vec<(String, Option<String>)>>,
    partition_ids: HashMap<Vec<(String, Option<String>)>, u32>,
    pub metadata: Option<Metadata>,
    pub protocol: Option<Protocol>,
    /// [`Mode::Table`]: file key → tombstone, as of the latest checkpoint plus later commits.
    pub tombstones: HashMap<String, Tombstone>,
    /// [`Mode::Table`]: log paths of every file an add, remove or cdc action in the replayed log names.
    pub referenced: HashSet<String>,
    /// [`Mode::History`]: one row per version; [`Mode::Table`]: only the newest.
    pub rows: Vec<HistoryRow>,
    /// Set while a version's actions are applied.
    counts: Counts,
    /// [`Mode::History`]: per row, the rows its adds and removes carried (time travel, see
    /// [`crate::versions`]); `None` where a file has no `numRecords`.
    pub row_changes: Vec<(Option<u64>, Option<u64>)>,
    /// Versions whose live files and schema are kept as they close, for a diff between two versions.
    pub capture: BTreeSet<u64>,
    pub captured: BTreeMap<u64, Captured>,
}

/// A version's live files (path, size, records) and schema string, as captured for a diff.
pub(super) struct Captured {
    pub files: Vec<(String, u64, Option<u64>)>,
    pub schema_string: Option<String>,
}

#[derive(Default)]
struct Counts {
    added_files: u64,
    added_bytes: u64,
    removed_files: u64,
    removed_bytes: u64,
    commit_info: Option<CommitInfo>,
    added_records: u64,
    removed_records: u64,
    added_records_unknown: bool,
    removed_records_unknown: bool,
}

impl<'a> Replay<'a> {
    pub fn new(root: &'a Location, mode: Mode) -> Self {
        Replay {
            root,
            mode,
            live: HashMap::new(),
            data_bytes: 0,
            records: 0,
            files_without_stats: 0,
            partitions: Vec::new(),
            partition_ids: HashMap::new(),
            metadata: None,
            protocol: None,
            tombstones: HashMap::new(),
            referenced: HashSet::new(),
            rows: Vec::new(),
            counts: Counts::default(),
            row_changes: Vec::new(),
            capture: BTreeSet::new(),
            captured: BTreeMap::new(),
        }
    }

    /// Replay `segment` of the log `listing` describes.
    pub async fn run(mut self, listing: &LogListing, segment: &Segment) -> Result<Self> {
        let root = self.root;
        let latest = segment.latest_checkpoint.as_ref().filter(|_| self.mode == Mode::Table);
        let mut first_commit = segment.start;
        if let Some(cp) = &segment.checkpoint {
            checkpoint::read(root, cp, Want::All, &mut |a| self.apply(a)).await?;
            // The checkpoint's own commit, when still there, only tells when and what it was.
            let (ts_fallback, info) = match listing.commits.get(&cp.version) {
                Some(entry) => {
                    let bytes = commit_bytes(root, &entry.path, root.read(&entry.path).await)?;
                    let mut counts = Counts::default();
                    actions::parse_json_log(&root.join(&entry.path).display(), &bytes, |a| {
                        count(&mut counts, &self.live, &a)
                    })?;
                    (entry.last_modified_ms, counts)
                }
                None => (cp.parts[0].last_modified_ms, Counts::default()),
            };
            self.counts = info;
            self.finish_version(cp.version, ts_fallback);
            first_commit = cp.version + 1;
        }
        let versions: Vec<u64> = (first_commit..=segment.end).collect();
        let mut fetched = futures::stream::iter(versions.into_iter().map(|v| {
            let entry = listing.commits.get(&v).expect("the segment has every commit").clone();
            async move { (v, root.read(&entry.path).await, entry) }
        }))
        .buffered(PREFETCH);
        while let Some((v, bytes, entry)) = fetched.next().await {
            let bytes = commit_bytes(root, &entry.path, bytes)?;
            actions::parse_json_log(&root.join(&entry.path).display(), &bytes, |a| self.apply(a))?;
            self.finish_version(v, entry.last_modified_ms);
            if let Some(cp) = latest.filter(|cp| cp.version == v) {
                self.reset_tombstones(cp).await?;
            }
        }
        Ok(self)
    }

    /// VACUUM works from the tombstones of the newest checkpoint plus later commits; the checkpoint
    /// writer already dropped the expired ones, so they must be read from it, not replayed.
    async fn reset_tombstones(&mut self, cp: &Checkpoint) -> Result<()> {
        let mut fresh = Vec::new();
        checkpoint::read(self.root, cp, Want::Tombstones, &mut |a| {
            if let Action::Remove(r) = a {
                fresh.push(r)
            }
        })
        .await?;
        self.tombstones.clear();
        for r in fresh {
            self.note_tombstone(r);
        }
        Ok(())
    }

    fn apply(&mut self, action: Action) {
        count(&mut self.counts, &self.live, &action);
        match action {
            Action::Add(a) => self.add(a),
            Action::Remove(r) => self.remove(r),
            Action::CommitInfo(_) => {}
            Action::Metadata(m) => self.metadata = Some(m),
            Action::Protocol(p) => self.protocol = Some(p),
            Action::Sidecar { .. } => {}
            Action::Cdc { path } => {
                if self.mode == Mode::Table {
                    self.referenced.insert(path);
                }
            }
        }
    }

    fn add(&mut self, a: AddFile) {
        let key = file_key(&a.path, a.deletion_vector.as_ref());
        let dv_file = a.deletion_vector.as_ref().and_then(paths::deletion_vector_file);
        if self.mode == Mode::Table {
            self.tombstones.remove(&key);
            self.referenced.insert(a.path.clone());
            if let Some(dv) = &dv_file {
                self.referenced.insert(dv.clone());
            }
        }
        let partition = self.intern(a.partition_values);
        let file = LiveFile {
            path: a.path,
            size: a.size,
            records: a.records,
            partition,
            modification_time: a.modification_time,
            deletion_vector_file: dv_file,
        };
        self.data_bytes += file.size;
        match file.records {
            Some(r) => self.records += r,
            None => self.files_without_stats += 1,
        }
        if let Some(old) = self.live.insert(key, file) {
            self.forget(&old);
        }
    }

    fn remove(&mut self, r: RemoveFile) {
        let key = file_key(&r.path, r.deletion_vector.as_ref());
        if let Some(old) = self.live.remove(&key) {
            self.forget(&old);
        }
        if self.mode == Mode::Table {
            self.note_tombstone(r);
        }
    }

    fn note_tombstone(&mut self, r: RemoveFile) {
        let key = file_key(&r.path, r.deletion_vector.as_ref());
        let dv_file = r.deletion_vector.as_ref().and_then(paths::deletion_vector_file);
        self.referenced.insert(r.path.clone());
        if let Some(dv) = &dv_file {
            self.referenced.insert(dv.clone());
        }
        self.tombstones.insert(
            key,
            Tombstone { path: r.path, deletion_timestamp: r.deletion_timestamp, deletion_vector_file: dv_file },
        );
    }

    fn forget(&mut self, old: &LiveFile) {
        self.data_bytes -= old.size;
        match old.records {
            Some(r) => self.records -= r,
            None => self.files_without_stats -= 1,
        }
    }

    fn intern(&mut self, values: Vec<(String, Option<String>)>) -> u32 {
        if let Some(id) = self.partition_ids.get(&values) {
            return *id;
        }
        let id = self.partitions.len() as u32;
        self.partitions.push(values.clone());
        self.partition_ids.insert(values, id);
        id
    }

    /// Close version `v`: its time is the in-commit timestamp, else `commitInfo.timestamp`, else the
    /// commit file's modification time.
    fn finish_version(&mut self, v: u64, file_mtime: i64) {
        let c = std::mem::take(&mut self.counts);
        let info = c.commit_info.unwrap_or_default();
        let row = HistoryRow {
            version: v as i64,
            version_id: v.to_string(),
            timestamp_ms: info.in_commit_timestamp.or(info.timestamp).unwrap_or(file_mtime),
            operation: info.operation.unwrap_or_else(|| UNKNOWN_OPERATION.to_string()),
            records: (self.files_without_stats == 0).then_some(self.records),
            data_files: self.live.len() as u64,
            data_bytes: self.data_bytes,
            added_files: c.added_files,
            removed_files: c.removed_files,
            added_bytes: c.added_bytes,
            removed_bytes: c.removed_bytes,
        };
        if self.mode == Mode::Table {
            self.rows.clear();
        } else {
            let known = |n: u64, unknown: bool| (!unknown).then_some(n);
            self.row_changes.push((known(c.added_records, c.added_records_unknown), known(c.removed_records, c.removed_records_unknown)));
        }
        if self.capture.contains(&v) {
            let files = self.live.values().map(|f| (f.path.clone(), f.size, f.records)).collect();
            let schema_string = self.metadata.as_ref().map(|m| m.schema_string.clone());
            self.captured.insert(v, Captured { files, schema_string });
        }
        self.rows.push(row);
    }
}

/// A commit file's content; an empty one is a commit that was created but never written.
fn commit_bytes(root: &Location, rel: &str, read: Result<bytes::Bytes>) -> Result<bytes::Bytes> {
    let bytes = read?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::corrupt(format!("{} is empty: a half-written commit", root.join(rel).display())));
    }
    Ok(bytes)
}

/// Count a commit's adds and removes (a remove without `size` counts the size of the file it removes).
fn count(c: &mut Counts, live: &HashMap<String, LiveFile>, action: &Action) {
    match action {
        Action::Add(a) => {
            c.added_files += 1;
            c.added_bytes += a.size;
            match a.records {
                Some(r) => c.added_records += r,
                None => c.added_records_unknown = true,
            }
        }
        Action::Remove(r) => {
            c.removed_files += 1;
            c.removed_bytes += r
                .size
                .or_else(|| live.get(&file_key(&r.path, r.deletion_vector.as_ref())).map(|f| f.size))
                .unwrap_or(0);
            // Rows of a removed file are those its add recorded (removes rarely carry stats).
            match live.get(&file_key(&r.path, r.deletion_vector.as_ref())).and_then(|f| f.records) {
                Some(n) => c.removed_records += n,
                None => c.removed_records_unknown = true,
            }
        }
        Action::CommitInfo(info) => c.commit_info = Some(info.clone()),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::delta::actions::DeletionVector;

    fn add(path: &str, size: u64, records: Option<u64>, dv: Option<&str>) -> Action {
        Action::Add(AddFile {
            path: path.into(),
            size,
            modification_time: 0,
            partition_values: Vec::new(),
            records,
            deletion_vector: dv.map(|d| DeletionVector {
                storage_type: "i".into(),
                path_or_inline_dv: d.into(),
                offset: None,
            }),
        })
    }

    fn remove(path: &str, dv: Option<&str>) -> Action {
        Action::Remove(RemoveFile {
            path: path.into(),
            size: None,
            deletion_timestamp: Some(1),
            deletion_vector: dv.map(|d| DeletionVector {
                storage_type: "i".into(),
                path_or_inline_dv: d.into(),
                offset: None,
            }),
        })
    }

    fn info(ts: i64, ict: Option<i64>) -> Action {
        Action::CommitInfo(CommitInfo {
            timestamp: Some(ts),
            in_commit_timestamp: ict,
            operation: Some("WRITE".into()),
        })
    }

    fn replay() -> Replay<'static> {
        static ROOT: std::sync::OnceLock<Location> = std::sync::OnceLock::new();
        Replay::new(ROOT.get_or_init(|| crate::storage::open("/t", &Default::default()).unwrap()), Mode::History)
    }

    #[test]
    fn commit_time_is_in_commit_timestamp_then_commit_info_then_file_mtime() {
        let mut r = replay();
        r.apply(info(100, Some(150)));
        r.finish_version(0, 999);
        r.apply(info(200, None));
        r.finish_version(1, 999);
        r.apply(add("a", 1, Some(1), None));
        r.finish_version(2, 999);
        let times: Vec<_> = r.rows.iter().map(|x| (x.timestamp_ms, x.operation.as_str())).collect();
        assert_eq!(times, [(150, "WRITE"), (200, "WRITE"), (999, UNKNOWN_OPERATION)]);
    }

    #[test]
    fn a_live_file_without_stats_makes_records_unknown_until_it_is_removed() {
        let mut r = replay();
        r.apply(add("a", 10, Some(5), None));
        r.apply(add("b", 20, None, None));
        r.finish_version(0, 0);
        r.apply(remove("b", None));
        r.finish_version(1, 0);
        let rows: Vec<_> = r.rows.iter().map(|x| (x.records, x.data_files, x.data_bytes, x.removed_bytes)).collect();
        assert_eq!(rows, [(None, 2, 30, 0), (Some(5), 1, 10, 20)]);
    }

    #[test]
    fn files_are_reconciled_by_path_and_deletion_vector() {
        let mut r = replay();
        r.apply(add("a", 10, Some(5), None));
        r.finish_version(0, 0);
        // A deletion-vector update: the same path removed without and re-added with a vector.
        r.apply(remove("a", None));
        r.apply(add("a", 10, Some(5), Some("dv1")));
        r.finish_version(1, 0);
        r.apply(remove("a", Some("dv1")));
        r.apply(add("a", 10, Some(5), Some("dv2")));
        r.finish_version(2, 0);
        let rows: Vec<_> =
            r.rows.iter().map(|x| (x.data_files, x.data_bytes, x.added_files, x.removed_files)).collect();
        assert_eq!(rows, [(1, 10, 1, 0), (1, 10, 1, 1), (1, 10, 1, 1)]);
    }
}
