//! The log actions Lakescope needs, parsed from JSON commit lines (serde) — checkpoints produce the same
//! types in [`super::checkpoint`]. Fields nobody here reads (column stats other than `numRecords`,
//! `txn`, `cdc`, `domainMetadata`, …) are skipped by the parser.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::error::{Error, Result};

/// A deletion vector's identity (`storageType` + `pathOrInlineDv` + `offset`), part of a file's key.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct DeletionVector {
    pub storage_type: String,
    pub path_or_inline_dv: String,
    #[serde(default)]
    pub offset: Option<i32>,
}

impl DeletionVector {
    pub fn unique_id(&self) -> String {
        match self.offset {
            Some(o) => format!("{}{}@{o}", self.storage_type, self.path_or_inline_dv),
            None => format!("{}{}", self.storage_type, self.path_or_inline_dv),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct AddFile {
    /// As the log records it: a URL-encoded path relative to the table root, or an absolute URI.
    pub path: String,
    pub size: u64,
    pub modification_time: i64,
    /// Keyed by physical column name, sorted by it.
    pub partition_values: Vec<(String, Option<String>)>,
    /// `numRecords` from the file's stats, when the writer recorded them.
    pub records: Option<u64>,
    pub deletion_vector: Option<DeletionVector>,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct RemoveFile {
    pub path: String,
    pub size: Option<u64>,
    pub deletion_timestamp: Option<i64>,
    pub deletion_vector: Option<DeletionVector>,
}

/// The key the protocol reconciles files by: path plus deletion-vector id.
pub(super) fn file_key(path: &str, dv: Option<&DeletionVector>) -> String {
    match dv {
        Some(dv) => format!("{path}\u{0}{}", dv.unique_id()),
        None => path.to_string(),
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct CommitInfo {
    #[serde(default)]
    pub timestamp: Option<i64>,
    #[serde(default)]
    pub in_commit_timestamp: Option<i64>,
    #[serde(default)]
    pub operation: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Metadata {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    pub schema_string: String,
    #[serde(default)]
    pub partition_columns: Vec<String>,
    #[serde(default)]
    pub configuration: BTreeMap<String, Option<String>>,
    #[serde(default)]
    pub created_time: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Protocol {
    pub min_reader_version: i32,
    pub min_writer_version: i32,
    #[serde(default)]
    pub reader_features: Option<Vec<String>>,
    #[serde(default)]
    pub writer_features: Option<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Action {
    Add(AddFile),
    Remove(RemoveFile),
    CommitInfo(CommitInfo),
    Metadata(Metadata),
    Protocol(Protocol),
    /// A v2 checkpoint's pointer to a file of actions under `_delta_log/_sidecars/`.
    Sidecar {
        path: String,
    },
    /// A change-data file (`_change_data/…`): not table data, but a file the log references.
    Cdc {
        path: String,
    },
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AddJson {
    path: String,
    #[serde(default)]
    partition_values: BTreeMap<String, Option<String>>,
    size: i64,
    #[serde(default)]
    modification_time: i64,
    #[serde(default)]
    stats: Option<String>,
    #[serde(default)]
    deletion_vector: Option<DeletionVector>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RemoveJson {
    path: String,
    #[serde(default)]
    size: Option<i64>,
    #[serde(default)]
    deletion_timestamp: Option<i64>,
    #[serde(default)]
    deletion_vector: Option<DeletionVector>,
}

#[derive(Deserialize)]
struct PathOnly {
    path: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Line {
    add: Option<AddJson>,
    remove: Option<RemoveJson>,
    commit_info: Option<CommitInfo>,
    meta_data: Option<Metadata>,
    protocol: Option<Protocol>,
    sidecar: Option<PathOnly>,
    cdc: Option<PathOnly>,
}

#[derive(Deserialize)]
struct Stats {
    #[serde(rename = "numRecords")]
    num_records: Option<i64>,
}

/// `numRecords` from an add's stats JSON; `None` when absent or unreadable (the file then has no
/// usable stats, which the reader reports as unknown records, never as 0).
pub(super) fn num_records(stats: &str) -> Option<u64> {
    serde_json::from_str::<Stats>(stats).ok()?.num_records.and_then(|n| u64::try_from(n).ok())
}

/// Parse a newline-delimited JSON log file (a commit or a JSON v2 checkpoint), calling `each` per
/// action. `file` names the file in errors, which also give the 1-based line.
pub(super) fn parse_json_log(file: &str, text: &[u8], mut each: impl FnMut(Action)) -> Result<()> {
    for (n, line) in text.split(|b| *b == b'\n').enumerate() {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let parsed: Line = serde_json::from_slice(line).map_err(|e| {
            Error::corrupt(format!("{file} line {}: not a valid Delta action: {e}", n + 1)).with_source(e)
        })?;
        let bad = |what: &str| Error::corrupt(format!("{file} line {}: {what}", n + 1));
        if let Some(a) = parsed.add {
            each(Action::Add(AddFile {
                size: u64::try_from(a.size).map_err(|_| bad("negative add.size"))?,
                records: a.stats.as_deref().and_then(num_records),
                path: a.path,
                modification_time: a.modification_time,
                partition_values: a.partition_values.into_iter().collect(),
                deletion_vector: a.deletion_vector,
            }));
        }
        if let Some(r) = parsed.remove {
            each(Action::Remove(RemoveFile {
                path: r.path,
                size: r.size.and_then(|s| u64::try_from(s).ok()),
                deletion_timestamp: r.deletion_timestamp,
                deletion_vector: r.deletion_vector,
            }));
        }
        if let Some(c) = parsed.commit_info {
            each(Action::CommitInfo(c));
        }
        if let Some(m) = parsed.meta_data {
            each(Action::Metadata(m));
        }
        if let Some(p) = parsed.protocol {
            each(Action::Protocol(p));
        }
        if let Some(s) = parsed.sidecar {
            each(Action::Sidecar { path: s.path });
        }
        if let Some(c) = parsed.cdc {
            each(Action::Cdc { path: c.path });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Vec<Action>> {
        let mut out = Vec::new();
        parse_json_log("_delta_log/00000000000000000003.json", text.as_bytes(), |a| out.push(a))?;
        Ok(out)
    }

    #[test]
    fn reads_add_remove_and_commit_info() {
        let text = r#"{"commitInfo":{"timestamp":1700000000000,"operation":"WRITE","operationParameters":{"mode":"Append"}}}
{"add":{"path":"day=2024-01-01/a%20b.parquet","partitionValues":{"day":"2024-01-01"},"size":10,"modificationTime":5,"dataChange":true,"stats":"{\"numRecords\":7,\"minValues\":{\"a\":1}}"}}
{"remove":{"path":"old.parquet","deletionTimestamp":6,"dataChange":true,"size":3}}
{"txn":{"appId":"x","version":1}}
{"cdc":{"path":"_change_data/cdc-00000.c000.snappy.parquet","partitionValues":{},"size":5,"dataChange":false}}
"#;
        let actions = parse(text).unwrap();
        assert_eq!(actions.len(), 4);
        assert_eq!(actions[3], Action::Cdc { path: "_change_data/cdc-00000.c000.snappy.parquet".into() });
        match &actions[1] {
            Action::Add(a) => {
                assert_eq!((a.size, a.records, a.path.as_str()), (10, Some(7), "day=2024-01-01/a%20b.parquet"));
                assert_eq!(a.partition_values, vec![("day".to_string(), Some("2024-01-01".to_string()))]);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            actions[2],
            Action::Remove(RemoveFile {
                path: "old.parquet".into(),
                size: Some(3),
                deletion_timestamp: Some(6),
                deletion_vector: None
            })
        );
    }

    #[test]
    fn missing_or_broken_stats_mean_unknown_records() {
        assert_eq!(num_records(r#"{"numRecords":0}"#), Some(0));
        assert_eq!(num_records(r#"{"minValues":{}}"#), None);
        assert_eq!(num_records("{not json"), None);
    }

    #[test]
    fn a_truncated_line_is_corrupt_and_names_file_and_line() {
        let text = "{\"commitInfo\":{\"timestamp\":1}}\n{\"add\":{\"path\":\"a.parquet\",\"si";
        let e = parse(text).unwrap_err();
        assert_eq!(e.kind, crate::error::ErrorKind::Corrupt);
        assert!(e.message.contains("00000000000000000003.json line 2"), "{}", e.message);
    }
}
