//! Refreshing the index: list every source, fingerprint every table, re-read only those whose
//! fingerprint changed, drop the ones that are gone.
//!
//! Failure is per unit: a source that cannot be listed keeps its previously indexed tables (a server
//! that is down for a minute should not empty the search) and is recorded as an error; a table that
//! cannot be read is recorded as an error of its source and dropped from the index (its old row would
//! show numbers that may no longer be true); everything else is indexed. Tables are read one at a time,
//! so memory stays that of the largest table's metadata, and the cancel token is checked between them.

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use ts_rs::TS;

use super::{fingerprint, IndexError, IndexedColumn, IndexedTable, Layer};
use crate::api::Lakescope;
use crate::cancel::CancelToken;
use crate::catalog::{self, CatalogEntry};
use crate::error::{Result, ResultExt};
use crate::model::{TableFormat, TableInfo};
use crate::sources::{SourceConfig, SourceKind};
use crate::store::Store;
use crate::table::{self, ReadOptions, Table};

/// What happened to one table in a refresh.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum IndexOutcome {
    /// New or changed: its metadata was read and its row written.
    Indexed,
    /// Same fingerprint as indexed before: not read.
    Unchanged,
    Failed,
}

/// Reported after each table (the CLI prints it on stderr; the app shows a progress bar).
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct IndexProgress {
    #[ts(type = "number")]
    pub done: u64,
    #[ts(type = "number")]
    pub total: u64,
    /// `source.namespace.name`.
    pub table: String,
    pub outcome: IndexOutcome,
}

/// What `lakescope index --json` prints.
#[derive(Debug, Clone, Default, Serialize, TS)]
#[ts(export)]
pub struct IndexReport {
    /// The store's URL or path (password redacted).
    pub store: String,
    /// Tables listed by the sources that could be listed.
    #[ts(type = "number")]
    pub tables_listed: u64,
    #[ts(type = "number")]
    pub indexed: u64,
    #[ts(type = "number")]
    pub unchanged: u64,
    #[ts(type = "number")]
    pub removed: u64,
    #[ts(type = "number")]
    pub failed: u64,
    /// Tables in the index after the refresh (kept rows of unlistable sources included).
    #[ts(type = "number")]
    pub tables_in_index: u64,
    /// Per source: the source itself or the tables of it that could not be indexed.
    pub errors: Vec<IndexError>,
    /// The qualified names that were read (new or changed), in order.
    pub reread: Vec<String>,
    #[ts(type = "number")]
    pub elapsed_ms: u64,
}

pub(super) type Key = (String, String, String);

impl Lakescope {
    /// Bring the lookup index in `store` up to date with every configured source.
    pub async fn refresh_index(
        &self,
        store: &Store,
        cancel: &CancelToken,
        progress: &(dyn Fn(&IndexProgress) + Send + Sync),
    ) -> Result<IndexReport> {
        let started = std::time::Instant::now();
        let now_ms = chrono::Utc::now().timestamp_millis();
        let mut report = IndexReport { store: store.display().to_string(), ..Default::default() };
        let configured: Vec<String> = self.sources().iter().map(|s| s.name.clone()).collect();
        report.removed += store.lookup_forget_sources_except(&configured).await?.len() as u64;

        let known: HashMap<Key, String> =
            store.lookup_fingerprints().await?.into_iter().map(|(s, ns, n, fp)| ((s, ns, n), fp)).collect();
        // Metastore sources are read from the metastore alone (see `metastore`); the rest are listed.
        let (hms, others): (Vec<SourceConfig>, Vec<SourceConfig>) =
            self.sources().iter().cloned().partition(|s| s.kind == SourceKind::Hms);
        let (listings, snapshots) = futures::join!(
            catalog::list_all(&others),
            futures::future::join_all(hms.iter().map(|s| {
                let first = !known.keys().any(|k| k.0 == s.name);
                super::metastore::MetastoreSnapshot::read(s, first)
            }))
        );
        let total: u64 = listings.iter().map(|l| l.tables.len() as u64).sum::<u64>()
            + snapshots.iter().flatten().map(|s| s.tables.len() as u64).sum::<u64>();
        report.tables_listed = total;
        let mut done = 0;
        for (source, snap) in hms.iter().zip(snapshots) {
            let errors = match snap {
                Ok(snap) => {
                    let mut tally = super::metastore::Tally { done, total, report: &mut report, cancel, progress };
                    let errors = super::metastore::refresh_source(store, source, snap, &known, now_ms, &mut tally).await?;
                    done = tally.done;
                    errors
                }
                // A metastore that cannot be read keeps its previously indexed tables.
                Err(e) => vec![IndexError { source: source.name.clone(), target: format!("source {}", source.name), error: e.to_report() }],
            };
            store.lookup_set_errors(&source.name, &errors, now_ms).await?;
            report.errors.extend(errors);
        }
        for listing in &listings {
            let source = self.sources().iter().find(|s| s.name == listing.source).expect("listing of a configured source");
            let mut errors = Vec::new();
            if let Some(e) = &listing.error {
                errors.push(IndexError { source: source.name.clone(), target: format!("source {}", source.name), error: e.clone() });
                store.lookup_set_errors(&source.name, &errors, now_ms).await?;
                report.errors.extend(errors);
                continue;
            }
            for p in &listing.table_errors {
                let target = format!("{}.{}.{}", source.name, p.namespace, p.name);
                errors.push(IndexError { source: source.name.clone(), target, error: p.error.clone() });
                report.failed += 1;
            }
            let mut seen: HashSet<Key> = HashSet::new();
            for entry in &listing.tables {
                cancel.check(|| format!("indexing after {done} of {total} tables"))?;
                let t = &entry.table;
                let key = (t.source.clone(), t.namespace.clone(), t.name.clone());
                seen.insert(key.clone());
                let outcome = match index_one(source, entry, known.get(&key), now_ms).await {
                    Ok(None) => {
                        report.unchanged += 1;
                        IndexOutcome::Unchanged
                    }
                    Ok(Some(row)) => {
                        store.lookup_upsert(&row).await?;
                        report.indexed += 1;
                        report.reread.push(t.qualified_name());
                        IndexOutcome::Indexed
                    }
                    Err(e) => {
                        store.lookup_remove(&key.0, &key.1, &key.2).await?;
                        errors.push(IndexError { source: source.name.clone(), target: t.qualified_name(), error: e.to_report() });
                        report.failed += 1;
                        IndexOutcome::Failed
                    }
                };
                done += 1;
                progress(&IndexProgress { done, total, table: t.qualified_name(), outcome });
            }
            for gone in known.keys().filter(|k| k.0 == source.name && !seen.contains(*k)) {
                if store.lookup_remove(&gone.0, &gone.1, &gone.2).await? {
                    report.removed += 1;
                }
            }
            store.lookup_set_errors(&source.name, &errors, now_ms).await?;
            report.errors.extend(errors);
        }
        report.tables_in_index = store.lookup_count().await?;
        report.elapsed_ms = started.elapsed().as_millis() as u64;
        Ok(report)
    }

    /// The index as stored, ready to search (load once; search per keystroke).
    pub async fn load_index(store: &Store) -> Result<super::SearchIndex> {
        Ok(super::SearchIndex::new(store.lookup_tables().await?))
    }
}

/// Read one table unless its fingerprint equals `known`; `Ok(None)` means unchanged.
pub(super) async fn index_one(source: &SourceConfig, entry: &CatalogEntry, known: Option<&String>, now_ms: i64) -> Result<Option<IndexedTable>> {
    let t = &entry.table;
    let loc = crate::storage::open(&t.location, &source.store_options()).with_context(|| t.qualified_name())?;
    let fp = fingerprint::of(entry, &loc).await?;
    if known == Some(&fp) {
        return Ok(None);
    }
    let opened = match (t.format, &entry.metadata_location) {
        (TableFormat::Iceberg, Some(ml)) => Table::Iceberg(table::iceberg::IcebergTable::open(loc, Some(ml)).await?),
        _ => table::open(loc).await?,
    };
    let info = opened.info(&ReadOptions { as_of_ms: now_ms }).await.with_context(|| format!("reading {}", t.qualified_name()))?;
    // Metastore tables get owner and comment from the metastore (`metastore::refresh_source`).
    Ok(Some(row_of(source, entry, &info, fp, now_ms)))
}

fn row_of(source: &SourceConfig, entry: &CatalogEntry, info: &TableInfo, fingerprint: String, now_ms: i64) -> IndexedTable {
    let t = &entry.table;
    IndexedTable {
        source: t.source.clone(),
        namespace: t.namespace.clone(),
        name: t.name.clone(),
        source_kind: source_kind_name(source.kind),
        format: info.format,
        location: t.location.clone(),
        fingerprint,
        layer: Layer::of(&t.namespace, &t.name),
        owner: info.owner.clone(),
        comment: info.comment.clone(),
        columns: info
            .schema
            .iter()
            .map(|c| IndexedColumn { name: c.name.clone(), data_type: c.data_type.clone(), comment: c.comment.clone() })
            .collect(),
        partition_columns: info.partition_columns.clone(),
        records: info.current.records,
        data_files: info.current.data_files,
        data_bytes: info.current.data_bytes,
        total_bytes: info.storage.total_bytes,
        last_modified_ms: info.current.timestamp_ms,
        indexed_ms: now_ms,
    }
}

/// The kind as the sources file spells it.
pub(super) fn source_kind_name(kind: SourceKind) -> String {
    serde_json::to_value(kind).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_else(|| format!("{kind:?}"))
}
