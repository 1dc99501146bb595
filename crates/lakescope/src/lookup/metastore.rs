//! Refreshing the index for a Hive Metastore source from the metastore alone.
//!
//! Why a path of its own: a platform metastore registers 100k tables and a million partitions, and
//! opening each table's files (the generic refresh) costs a listing per table — hours, not seconds. The
//! metastore already keeps what the index shows: names, owners, comments, columns, partition keys and
//! Hive's statistics (numRows, numFiles, totalSize, transient_lastDdlTime). So a refresh reads the
//! whole metastore in a few set-based queries ([`MetastoreReader`]), compares each table's digest of
//! those rows with the one indexed, fetches columns only for the tables that changed (all of them,
//! alongside the rest, when the index holds none of the source's tables yet), and writes the changed
//! rows in batched transactions, many rows per statement. Cancel is checked between batches.
//!
//! Hive (Parquet) tables whose registration carries `totalSize` are indexed from it, as Hive's own
//! `DESCRIBE FORMATTED` reports them (`data_bytes` = `total_bytes` = totalSize, summed over partitions
//! for a partitioned table). Iceberg and Delta tables registered in the metastore — and Hive tables that
//! were never analysed — have no trustworthy statistics there, so they go through the generic path
//! (fingerprint, then read the format's own metadata) with owner and comment from the metastore.

use std::collections::{HashMap, HashSet};

use super::refresh::{index_one, source_kind_name, Key};
use super::{IndexError, IndexOutcome, IndexProgress, IndexReport, IndexedColumn, IndexedTable, Layer};
use crate::cancel::CancelToken;
use crate::catalog::hms::stats::{MetastoreReader, Registration};
use crate::catalog::hms::TableProblem;
use crate::error::Result;
use crate::sources::SourceConfig;
use crate::store::Store;

/// Rows written per transaction (and between cancel checks).
const BATCH: usize = 2000;

/// A metastore source as read for one refresh.
pub(super) struct MetastoreSnapshot {
    pub reader: MetastoreReader,
    pub tables: Vec<Registration>,
    pub problems: Vec<TableProblem>,
    /// Every column set, when read up front (see [`MetastoreSnapshot::read`]).
    pub columns: Option<HashMap<String, Vec<IndexedColumn>>>,
}

impl MetastoreSnapshot {
    /// `all_columns`: the index holds none of the source's tables yet, so every table will be indexed and
    /// every column read; they are then read alongside the tables instead of after the comparison.
    pub async fn read(source: &SourceConfig, all_columns: bool) -> Result<Self> {
        let tables = async {
            let mut reader = MetastoreReader::open(source).await?;
            let (tables, problems) = reader.tables(source).await?;
            Ok::<_, crate::error::Error>((reader, tables, problems))
        };
        let columns = async {
            match all_columns {
                true => MetastoreReader::all_columns(source).await.map(Some),
                false => Ok(None),
            }
        };
        let (tables, columns) = tokio::join!(tables, columns);
        let ((reader, tables, problems), columns) = (tables?, columns?);
        Ok(MetastoreSnapshot { reader, tables, problems, columns })
    }
}

/// Where a refresh stands across sources.
pub(super) struct Tally<'a> {
    pub done: u64,
    pub total: u64,
    pub report: &'a mut IndexReport,
    pub cancel: &'a CancelToken,
    pub progress: &'a (dyn Fn(&IndexProgress) + Send + Sync),
}

impl Tally<'_> {
    fn step(&mut self, table: String, outcome: IndexOutcome) {
        self.done += 1;
        (self.progress)(&IndexProgress { done: self.done, total: self.total, table, outcome });
    }
}

/// Bring one metastore source's rows in `store` up to date with `snap`; returns the source's errors.
pub(super) async fn refresh_source(
    store: &Store,
    source: &SourceConfig,
    mut snap: MetastoreSnapshot,
    known: &HashMap<Key, String>,
    now_ms: i64,
    tally: &mut Tally<'_>,
) -> Result<Vec<IndexError>> {
    let mut errors: Vec<IndexError> = Vec::new();
    for p in &snap.problems {
        let target = format!("{}.{}.{}", source.name, p.namespace, p.name);
        errors.push(IndexError { source: source.name.clone(), target, error: p.error.clone() });
        tally.report.failed += 1;
    }
    let mut seen: HashSet<Key> = HashSet::with_capacity(snap.tables.len());
    // From the metastore's statistics: changed ones are built once their columns are read.
    let mut changed: Vec<&Registration> = Vec::new();
    // Read from their files (no statistics in the metastore): enriched with metastore facts below.
    let mut read: Vec<(&Registration, IndexedTable)> = Vec::new();
    for reg in &snap.tables {
        let t = &reg.entry.table;
        let key = (t.source.clone(), t.namespace.clone(), t.name.clone());
        let old = known.get(&key);
        seen.insert(key.clone());
        if reg.stats.is_some() {
            if old == Some(&reg.fingerprint) {
                tally.report.unchanged += 1;
                tally.step(t.qualified_name(), IndexOutcome::Unchanged);
            } else {
                changed.push(reg);
            }
            continue;
        }
        tally.cancel.check(|| format!("indexing after {} of {} tables", tally.done, tally.total))?;
        match index_one(source, &reg.entry, old, now_ms).await {
            Ok(None) => {
                tally.report.unchanged += 1;
                tally.step(t.qualified_name(), IndexOutcome::Unchanged);
            }
            Ok(Some(row)) => read.push((reg, row)),
            Err(e) => {
                store.lookup_remove(&key.0, &key.1, &key.2).await?;
                errors.push(IndexError { source: source.name.clone(), target: t.qualified_name(), error: e.to_report() });
                tally.report.failed += 1;
                tally.step(t.qualified_name(), IndexOutcome::Failed);
            }
        }
    }

    let cd_ids: Vec<&str> = changed.iter().chain(read.iter().map(|(r, _)| r)).filter_map(|r| r.cd_id.as_deref()).collect();
    let mut columns = match snap.columns.take() {
        Some(all) => all,
        None if cd_ids.is_empty() => HashMap::new(),
        None => snap.reader.columns(&cd_ids).await?,
    };
    let mut rows: Vec<IndexedTable> = Vec::with_capacity(changed.len() + read.len());
    for reg in changed {
        let cols = reg.cd_id.as_ref().and_then(|cd| columns.get(cd)).cloned().unwrap_or_default();
        rows.push(from_metastore(source, reg, cols, now_ms));
    }
    for (reg, mut row) in read {
        // Metastore tables keep owner and comment in the metastore, not in the files.
        row.owner = row.owner.or_else(|| reg.owner.clone());
        row.comment = row.comment.or_else(|| reg.comment.clone());
        if let Some(mcols) = reg.cd_id.as_ref().and_then(|cd| columns.get_mut(cd)) {
            for c in row.columns.iter_mut().filter(|c| c.comment.is_none()) {
                c.comment = mcols.iter().find(|m| m.name.eq_ignore_ascii_case(&c.name)).and_then(|m| m.comment.clone());
            }
        }
        rows.push(row);
    }
    for batch in rows.chunks(BATCH) {
        tally.cancel.check(|| format!("indexing after {} of {} tables", tally.done, tally.total))?;
        store.lookup_upsert_many(batch).await?;
        for row in batch {
            tally.report.indexed += 1;
            tally.report.reread.push(row.qualified_name());
            tally.step(row.qualified_name(), IndexOutcome::Indexed);
        }
    }
    for gone in known.keys().filter(|k| k.0 == source.name && !seen.contains(*k)) {
        if store.lookup_remove(&gone.0, &gone.1, &gone.2).await? {
            tally.report.removed += 1;
        }
    }
    Ok(errors)
}

/// A table's index row from its registration and Hive's statistics alone.
fn from_metastore(source: &SourceConfig, reg: &Registration, mut columns: Vec<IndexedColumn>, now_ms: i64) -> IndexedTable {
    let t = &reg.entry.table;
    let stats = reg.stats.unwrap_or(crate::catalog::hms::stats::HiveStats { records: None, files: 0, bytes: 0 });
    // Hive lists partition keys after the columns (DESCRIBE); they are columns to search for too.
    columns.extend(reg.partition_keys.iter().cloned());
    IndexedTable {
        source: t.source.clone(),
        namespace: t.namespace.clone(),
        name: t.name.clone(),
        source_kind: source_kind_name(source.kind),
        format: t.format,
        location: t.location.clone(),
        fingerprint: reg.fingerprint.clone(),
        layer: Layer::of(&t.namespace, &t.name),
        owner: reg.owner.clone(),
        comment: reg.comment.clone(),
        columns,
        partition_columns: reg.partition_keys.iter().map(|k| k.name.clone()).collect(),
        records: stats.records,
        data_files: stats.files,
        data_bytes: stats.bytes,
        total_bytes: stats.bytes,
        last_modified_ms: reg.last_ddl_ms,
        indexed_ms: now_ms,
    }
}
