//! Data files of the Delta demo: written by the kernel's default engine (which also collects the
//! stats, `numRecords` included), then moved to a stable name so builds reproduce; removal of live
//! files through the kernel's scan metadata; orphans that no commit references.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, Int64Array, StringArray};
use arrow::record_batch::RecordBatch;
use delta_kernel::EngineData;
use delta_kernel::committer::FileSystemCommitter;
use delta_kernel::engine::arrow_data::ArrowEngineData;
use delta_kernel::engine_data::FilteredEngineData;
use delta_kernel::expressions::Scalar;
use delta_kernel::snapshot::SnapshotRef;
use delta_kernel::transaction::{Transaction, WriteState};

use super::DemoWriter;
use crate::demo::plan::{FileBatch, Orphan};
use crate::demo::set_mtime;
use crate::error::{Error, Result, ResultExt};

impl DemoWriter<'_> {
    /// Write `f` through the engine's Parquet writer and rename it to `part-NNNNN-<stem><suffix>.c000.parquet`
    /// in the directory the engine chose. Returns the add metadata (path and modification time
    /// replaced accordingly) and the path as the log records it.
    pub(super) fn write_file(
        &mut self,
        ws: &Arc<WriteState>,
        f: &FileBatch,
        suffix: &str,
        timestamp_ms: i64,
    ) -> Result<(Box<dyn EngineData>, String)> {
        let mut ctx = ws.write_context_builder();
        let mut batch = f.batch.clone();
        if let Some(col) = self.partition_column() {
            // The engine writes partition values into the path and the log, not into the file.
            let idx = batch.schema().index_of(col)?;
            let keep: Vec<usize> = (0..batch.num_columns()).filter(|&i| i != idx).collect();
            batch = batch.project(&keep)?;
            let day = f.key.date.signed_duration_since(chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()).num_days();
            ctx = ctx.with_partition_values(HashMap::from([(col.to_string(), Scalar::Date(day as i32))]));
        }
        let ctx = ctx.build()?;
        let add = self.rt.block_on(self.engine.write_parquet(&ArrowEngineData::new(batch), &ctx))?;
        let add: RecordBatch = ArrowEngineData::try_from_engine_data(add)?.into();

        let written = string_at(&add, "path")?;
        let dir = written.rsplit_once('/').map(|(d, _)| format!("{d}/")).unwrap_or_default();
        let log_path = format!("{dir}part-{:05}-{}{suffix}.c000.parquet", f.key.part, f.stem());
        let from = self.fs_path(&written)?;
        let to = self.fs_path(&log_path)?;
        if to.exists() {
            return Err(Error::internal(format!("demo file {} would be written twice", to.display())));
        }
        std::fs::rename(&from, &to).with_context(|| format!("renaming {} to {}", from.display(), to.display()))?;
        self.pending.push(to);

        let columns: Vec<ArrayRef> = add
            .schema()
            .fields()
            .iter()
            .zip(add.columns())
            .map(|(field, col)| -> ArrayRef {
                match field.name().as_str() {
                    "path" => Arc::new(StringArray::from(vec![log_path.as_str()])),
                    "modificationTime" => Arc::new(Int64Array::from(vec![timestamp_ms])),
                    _ => col.clone(),
                }
            })
            .collect();
        let add = RecordBatch::try_new(add.schema(), columns)?;
        Ok((Box::new(ArrowEngineData::new(add)), log_path))
    }

    /// Stage removal of the live files whose log path is in `only` (every live file when `None`).
    /// Fails when a listed file is not live, so the plan and the table cannot drift apart.
    pub(super) fn remove_where(
        &self,
        snapshot: &SnapshotRef,
        txn: &mut Transaction,
        only: Option<&[String]>,
    ) -> Result<()> {
        let wanted: Option<HashSet<&str>> = only.map(|o| o.iter().map(String::as_str).collect());
        let mut found = 0usize;
        let scan = snapshot.clone().scan_builder().build()?;
        for meta in scan.scan_metadata(&self.engine)? {
            let (data, selected) = meta?.scan_files.into_parts();
            let batch = ArrowEngineData::try_from_engine_data(data)?;
            let paths = batch
                .record_batch()
                .column_by_name("path")
                .and_then(|c| c.as_any().downcast_ref::<StringArray>())
                .ok_or_else(|| Error::internal("kernel scan metadata without a string `path` column"))?;
            let selection: Vec<bool> = (0..paths.len())
                .map(|i| {
                    let live = selected.get(i).copied().unwrap_or(true);
                    live && wanted.as_ref().is_none_or(|w| w.contains(paths.value(i)))
                })
                .collect();
            found += selection.iter().filter(|s| **s).count();
            txn.remove_files(FilteredEngineData::try_new(batch, selection)?);
        }
        if let Some(w) = &wanted
            && found != w.len()
        {
            return Err(Error::internal(format!(
                "demo table {}: expected to remove {} live files, found {found}",
                self.t.name,
                w.len()
            )));
        }
        Ok(())
    }

    /// Files a failed job wrote with the table's schema of the time and never committed.
    pub(super) fn write_orphans(&mut self, orphans: &[&Orphan]) -> Result<()> {
        let snapshot = self.snapshot()?;
        // A transaction that is never committed: only its write context is used.
        let txn = snapshot.transaction(Box::new(FileSystemCommitter::new()), &self.engine)?;
        let ws = txn.write_state()?;
        for o in orphans {
            self.write_file(&ws, &o.file, "", o.timestamp_ms)?;
            for p in std::mem::take(&mut self.pending) {
                set_mtime(&p, o.timestamp_ms)?;
            }
        }
        Ok(())
    }

    /// The local file behind a (URL-encoded, relative) log path.
    fn fs_path(&self, log_path: &str) -> Result<PathBuf> {
        let url = self.url.join(log_path)?;
        url.to_file_path().map_err(|_| Error::internal(format!("{url} is not a local file")))
    }
}

fn string_at(batch: &RecordBatch, column: &str) -> Result<String> {
    batch
        .column_by_name(column)
        .and_then(|c| c.as_any().downcast_ref::<StringArray>())
        .filter(|c| !c.is_empty() && c.is_valid(0))
        .map(|c| c.value(0).to_string())
        .ok_or_else(|| Error::internal(format!("kernel add metadata without a `{column}` string")))
}
