//! Plain (Hive-style) Parquet directories: `key=value/` partition folders holding Parquet files.
//!
//! There is no table metadata, so the listing *is* the table: every visible file is data, hidden files
//! (`_SUCCESS`, `.crc`, `_temporary/`) are not data but still count toward storage, and rows come from
//! each file's footer.

use std::collections::BTreeMap;

use futures::StreamExt;

use super::ReadOptions;
use crate::error::Result;
use crate::model::{Column, CurrentVersion, PartitionStat, StorageBreakdown, TableFormat, TableInfo};
use crate::size::{summarize, FileRole};
use crate::storage::{FileEntry, Location};

/// How many footers are read at once.
const FOOTER_CONCURRENCY: usize = 16;
/// Hive's name for the NULL partition.
pub const HIVE_NULL_PARTITION: &str = "__HIVE_DEFAULT_PARTITION__";

pub struct ParquetTable {
    pub(crate) root: Location,
}

struct DataFile {
    entry: FileEntry,
    partition: Vec<(String, Option<String>)>,
    rows: Option<u64>,
}

impl ParquetTable {
    pub async fn open(root: Location) -> Result<Self> {
        Ok(ParquetTable { root })
    }

    pub async fn info(&self, _opts: &ReadOptions) -> Result<TableInfo> {
        let listing = self.root.list_files().await?;
        let mut warnings = Vec::new();
        let (data, other): (Vec<&FileEntry>, Vec<&FileEntry>) = listing.iter().partition(|f| is_visible(&f.path));

        let root = &self.root;
        // Collected first: a closure inside the stream's type makes rustc fail to prove the future
        // `Send` (rust-lang/rust#102211), and the desktop app needs `Send` futures.
        let reads: Vec<_> =
            data.iter().map(|f| async move { (f, super::read_footer(root, &f.path, f.size).await) }).collect();
        let footers: Vec<_> = futures::stream::iter(reads).buffered(FOOTER_CONCURRENCY).collect().await;

        let mut schema: Option<Vec<Column>> = None;
        let mut files = Vec::new();
        let mut roles: Vec<(&FileEntry, FileRole, bool)> = Vec::new();
        for (entry, footer) in footers {
            match footer {
                Ok(meta) => {
                    if schema.is_none() {
                        match super::arrow_schema(&meta) {
                            Ok(s) => {
                                schema = Some(
                                    s.fields()
                                        .iter()
                                        .map(|f| Column {
                                            name: f.name().clone(),
                                            data_type: f.data_type().to_string(),
                                            nullable: f.is_nullable(),
                                            comment: None,
                                        })
                                        .collect(),
                                )
                            }
                            Err(e) => warnings.push(format!("{}: schema not readable: {e}", entry.path)),
                        }
                    }
                    let rows = u64::try_from(meta.file_metadata().num_rows()).ok();
                    files.push(DataFile { entry: (*entry).clone(), partition: partition_of(&entry.path), rows });
                    roles.push((entry, FileRole::Live, false));
                }
                Err(e) => {
                    warnings.push(format!("{} is not data: {}", entry.path, e.message));
                    roles.push((entry, FileRole::Orphan, false));
                }
            }
        }
        roles.extend(other.iter().map(|f| (*f, hidden_role(&f.path), false)));
        let storage: StorageBreakdown = summarize(roles);

        let partition_columns: Vec<String> =
            files.first().map(|f| f.partition.iter().map(|(k, _)| k.clone()).collect()).unwrap_or_default();
        if files.iter().any(|f| f.partition.iter().map(|(k, _)| k).ne(partition_columns.iter())) {
            warnings.push("data files disagree on partition columns (mixed directory layouts)".into());
        }
        let mut columns = schema.unwrap_or_default();
        for p in &partition_columns {
            if !columns.iter().any(|c| &c.name == p) {
                columns.push(Column { name: p.clone(), data_type: "Utf8".into(), nullable: true, comment: None });
            }
        }

        let mut parts: BTreeMap<Vec<(String, Option<String>)>, PartitionStat> = BTreeMap::new();
        for f in &files {
            let stat = parts.entry(f.partition.clone()).or_insert_with(|| PartitionStat {
                values: f.partition.iter().cloned().collect(),
                records: Some(0),
                data_files: 0,
                data_bytes: 0,
                last_modified_ms: None,
            });
            stat.records = stat.records.zip(f.rows).map(|(a, b)| a + b);
            stat.data_files += 1;
            stat.data_bytes += f.entry.size;
            stat.last_modified_ms = stat.last_modified_ms.max(Some(f.entry.last_modified_ms));
        }
        let records = files.iter().try_fold(0u64, |acc, f| f.rows.map(|r| acc + r));
        let current = CurrentVersion {
            version: None,
            version_id: None,
            timestamp_ms: files.iter().map(|f| f.entry.last_modified_ms).max(),
            records,
            data_files: files.len() as u64,
            data_bytes: files.iter().map(|f| f.entry.size).sum(),
        };
        Ok(TableInfo {
            name: self.root.display().rsplit('/').next().unwrap_or_default().to_string(),
            format: TableFormat::Parquet,
            location: self.root.display(),
            schema: columns,
            partition_columns: if partition_columns.is_empty() { Vec::new() } else { partition_columns },
            current,
            storage,
            orphans: Default::default(),
            partitions: if files.iter().all(|f| f.partition.is_empty()) { Vec::new() } else { parts.into_values().collect() },
            source: None,
            namespace: None,
            owner: None,
            comment: None,
            properties: BTreeMap::new(),
            warnings,
        })
    }
}

/// Job markers and checksums are the directory's own metadata; anything else hidden (an abandoned
/// `_temporary/` attempt, a `.spark-staging` dir) is left-over data nothing reads: an orphan.
fn hidden_role(path: &str) -> FileRole {
    let name = path.rsplit('/').next().unwrap_or(path);
    let in_hidden_dir = path.split('/').rev().skip(1).any(|c| c.starts_with('_') || c.starts_with('.'));
    let marker = matches!(name, "_SUCCESS" | "_metadata" | "_common_metadata") || name.ends_with(".crc");
    if marker && !in_hidden_dir { FileRole::Metadata } else { FileRole::Orphan }
}

/// Data files are those with no hidden path component (`_…` or `.…`), as Spark and Hive decide.
pub fn is_visible(path: &str) -> bool {
    path.split('/').all(|c| !c.starts_with('_') && !c.starts_with('.'))
}

/// `a=1/b=x%3Ay/file` → `[("a", "1"), ("b", "x:y")]` (Hive escapes special characters with `%XX`).
pub(crate) fn partition_of(path: &str) -> Vec<(String, Option<String>)> {
    let mut comps: Vec<&str> = path.split('/').collect();
    comps.pop();
    comps
        .into_iter()
        .filter_map(|c| c.split_once('='))
        .map(|(k, v)| {
            let v = crate::storage::percent_decode(v);
            (crate::storage::percent_decode(k), if v == HIVE_NULL_PARTITION { None } else { Some(v) })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hive_partition_values_are_unescaped_and_null_is_null() {
        assert_eq!(
            partition_of("app=a%3Aios/dt=__HIVE_DEFAULT_PARTITION__/part-0.parquet"),
            vec![("app".to_string(), Some("a:ios".to_string())), ("dt".to_string(), None)]
        );
        assert_eq!(partition_of("part-0.parquet"), vec![]);
        assert_eq!(crate::storage::percent_decode("100%"), "100%");
    }

    #[test]
    fn markers_are_metadata_and_abandoned_attempts_are_orphans() {
        assert_eq!(hidden_role("dt=1/_SUCCESS"), FileRole::Metadata);
        assert_eq!(hidden_role("dt=1/.part-0.parquet.crc"), FileRole::Metadata);
        assert_eq!(hidden_role("_temporary/0/part-9.parquet"), FileRole::Orphan);
        assert_eq!(hidden_role(".spark-staging-1/x"), FileRole::Orphan);
    }

    #[test]
    fn hidden_components_are_not_data() {
        assert!(is_visible("dt=1/part-0.parquet"));
        assert!(!is_visible("dt=1/_SUCCESS"));
        assert!(!is_visible("_temporary/0/part-0.parquet"));
        assert!(!is_visible("dt=1/.part-0.parquet.crc"));
    }
}
