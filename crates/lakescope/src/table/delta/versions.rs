//! Time travel over Delta versions (see [`crate::versions`]), from the log's add and remove actions.
//!
//! One history replay gives every version's changes: files and bytes as the actions say, rows from the
//! adds' `numRecords` and, for a removed file, from the add that made it live (removes rarely carry
//! stats). A diff replays once more, keeping the live files and schema of just the two versions asked.

use super::log::LogListing;
use super::replay::{Mode, Replay};
use super::{schema, DeltaTable};
use crate::error::Result;
use crate::model::HistoryRow;
use crate::versions::{diff, unknown_version, Change, FileStat, VersionEntry, VersionState};

impl DeltaTable {
    /// Every version the log still holds, oldest first, with what each commit added and removed.
    pub(crate) async fn versions(&self) -> Result<(Vec<VersionEntry>, Vec<String>)> {
        let listing = self.log_entries().await?;
        let log = LogListing::from_entries(&listing);
        let segment = log.segment(&self.root.display())?;
        let replay = Replay::new(&self.root, Mode::History).run(&log, &segment).await?;
        let mut notes = vec!["Delta: added/removed are each commit's add and remove actions, relative to the previous \
                              version; rows of a removed file are those its add recorded"
            .to_string()];
        if segment.start > 0 {
            notes.push(format!(
                "versions before {} are gone from _delta_log/ (log retention); history starts at its checkpoint",
                segment.start
            ));
        }
        let versions = replay
            .rows
            .iter()
            .zip(&replay.row_changes)
            .map(|(r, (added_rows, removed_rows))| VersionEntry {
                parent_id: (r.version > 0).then(|| (r.version - 1).to_string()),
                added: Change { files: r.added_files, bytes: r.added_bytes, rows: *added_rows },
                removed: Change { files: r.removed_files, bytes: r.removed_bytes, rows: *removed_rows },
                ..entry(r)
            })
            .collect();
        Ok((versions, notes))
    }

    /// Both versions' live files and schemas, from one replay. `table` names the table in errors.
    pub(crate) async fn version_pair(&self, table: &str, from: &str, to: &str) -> Result<(VersionState, VersionState, Vec<String>)> {
        let listing = self.log_entries().await?;
        let log = LogListing::from_entries(&listing);
        let segment = log.segment(&self.root.display())?;
        let valid = format!("its versions run from {} to {}", segment.start, segment.end);
        let parse = |asked: &str| {
            asked
                .trim()
                .parse::<u64>()
                .ok()
                .filter(|v| (segment.start..=segment.end).contains(v))
                .ok_or_else(|| unknown_version(table, asked, &valid))
        };
        let (a, b) = (parse(from)?, parse(to)?);
        let mut replay = Replay::new(&self.root, Mode::History);
        replay.capture.extend([a, b]);
        let mut replay = replay.run(&log, &segment).await?;
        let mut state = |v: u64| -> Result<VersionState> {
            let row = replay.rows.iter().find(|r| r.version == v as i64).expect("the replay closed every version");
            let captured = replay.captured.remove(&v).expect("captured as the version closed");
            let schema = match &captured.schema_string {
                Some(s) => schema::parse(s).map_err(|e| e.context(format!("{table} version {v}")))?.columns,
                None => Vec::new(),
            };
            let files: Vec<FileStat> =
                captured.files.into_iter().map(|(path, bytes, rows)| FileStat { path, bytes, rows }).collect();
            let mut entry = entry(row);
            entry.total = diff::total(&files);
            Ok(VersionState { entry, files, schema })
        };
        // The same version on both sides is captured once.
        let sb = state(b)?;
        let sa = if a == b {
            VersionState { entry: sb.entry.clone(), files: sb.files.clone(), schema: sb.schema.clone() }
        } else {
            state(a)?
        };
        Ok((sa, sb, Vec::new()))
    }
}

fn entry(r: &HistoryRow) -> VersionEntry {
    VersionEntry {
        version_id: r.version_id.clone(),
        parent_id: None,
        timestamp_ms: r.timestamp_ms,
        operation: r.operation.clone(),
        added: Change::default(),
        removed: Change::default(),
        total: Change { files: r.data_files, bytes: r.data_bytes, rows: r.records },
    }
}
