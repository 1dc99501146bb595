//! Delta demo tables, written with delta_kernel's own transactions and its default engine.
//!
//! Why the kernel and not hand-written JSON: the demo must be a table the reference tools accept
//! without special cases, so every commit, data file (with its stats) and checkpoint comes from the
//! kernel. Two things the kernel cannot do are patched right after each commit, before anything
//! reads it back:
//!
//! - **Back-dating.** The kernel stamps commits with the wall clock; the demo's history spans months.
//!   [`backdate`] rewrites the commit's `commitInfo.timestamp`, `add.modificationTime`,
//!   `remove.deletionTimestamp` and `metaData.createdTime`, and file mtimes follow the plan. In-commit
//!   timestamps are left disabled so there is no second clock to keep consistent.
//! - **Reproducibility.** The kernel draws random UUIDs (`txnId`, `metaData.id`) and random data-file
//!   names; ids are replaced by UUIDs seeded from the table name and version, and files are renamed to
//!   stable names built from the plan ([`super::FileBatch::stem`]).
//!
//! The plan's commits map one-to-one onto versions: version 0 is the kernel's `CREATE TABLE` carrying
//! the first day's files, appends are blind `WRITE`s, overwrites are `WRITE`s that remove every live
//! file, copy-on-write deletes are `DELETE`s that remove the files added on the target day and add
//! their rewrites, and schema evolution is the kernel's ALTER TABLE ADD COLUMN. Checkpoints are
//! written Spark-style at versions 10, 20, 30, … with `_last_checkpoint`.
//!
//! Known non-reproducible detail: the kernel drops tombstones older than (wall clock − retention)
//! from checkpoints, so which tombstones a checkpoint keeps depends on when the demo is built
//! relative to its anchor day (Spark and delta-rs do the same with their clocks).

mod backdate;
mod files;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use delta_kernel::committer::FileSystemCommitter;
use delta_kernel::engine::arrow_conversion::TryFromArrow;
use delta_kernel::schema::{DataType as KernelType, StructField, StructType};
use delta_kernel::snapshot::{Snapshot, SnapshotRef};
use delta_kernel::transaction::create_table::create_table;
use delta_kernel::transaction::data_layout::DataLayout;
use delta_kernel::transaction::{CommitResult, Transaction};
use delta_kernel_default_engine::executor::tokio::TokioMultiThreadExecutor;
use delta_kernel_default_engine::DefaultEngine;
use url::Url;

use super::plan::{Action, Commit, Plan};
use super::recipe::TableRecipe;
use super::set_mtime;
use crate::error::{Error, Result, ResultExt};

/// The configuration key under which demo tables record their owner (Delta has no owner field).
pub const OWNER_KEY: &str = "owner";
/// Spark's default `delta.checkpointInterval`: checkpoints at versions 10, 20, 30, …
const CHECKPOINT_INTERVAL: u64 = 10;
/// `engineInfo` of every demo commit.
const ENGINE_INFO: &str = concat!("lakescope-demo/", env!("CARGO_PKG_VERSION"));

type Engine = DefaultEngine<TokioMultiThreadExecutor>;

/// Write the table `t` under `root` by replaying `plan`.
pub async fn write_table(root: &Path, t: &TableRecipe, plan: &Plan) -> Result<()> {
    let (root, t, plan) = (root.to_path_buf(), t.clone(), plan.clone());
    // The kernel's API is synchronous and blocks on its executor, nested (a checkpoint write inside a
    // read): it gets a thread of its own outside any runtime, and a multi-threaded runtime of its own.
    let (tx, rx) = tokio::sync::oneshot::channel();
    std::thread::Builder::new()
        .name(format!("delta-demo-{}", t.name))
        .spawn(move || {
            let result = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .map_err(Error::from)
                .and_then(|rt| DemoWriter::new(root, &t, &plan, rt)?.write());
            tx.send(result).ok();
        })
        .map_err(|e| Error::from(e).context("starting the Delta demo writer"))?;
    rx.await.map_err(|_| Error::internal("the Delta demo writer thread died"))?
}

struct DemoWriter<'a> {
    root: PathBuf,
    url: Url,
    engine: Engine,
    /// Runs the engine's async Parquet writes (this thread is outside any runtime).
    rt: tokio::runtime::Runtime,
    t: &'a TableRecipe,
    plan: &'a Plan,
    /// Log paths of the live files each plan day added (what a copy-on-write delete of that day removes).
    by_day: BTreeMap<i32, Vec<String>>,
    /// Data files written for the commit in progress (their mtimes follow the commit time).
    pending: Vec<PathBuf>,
    /// `metaData.id`, seeded from the table name.
    table_id: String,
}

impl<'a> DemoWriter<'a> {
    fn new(root: PathBuf, t: &'a TableRecipe, plan: &'a Plan, rt: tokio::runtime::Runtime) -> Result<Self> {
        std::fs::create_dir_all(&root).with_context(|| format!("creating {}", root.display()))?;
        let url = Url::from_directory_path(&root)
            .map_err(|_| Error::invalid(format!("{} is not an absolute directory", root.display())))?;
        let store = delta_kernel_default_engine::storage::store_from_url(&url)?;
        let executor = Arc::new(TokioMultiThreadExecutor::new(rt.handle().clone()));
        let engine = delta_kernel_default_engine::DefaultEngineBuilder::new(store).with_task_executor(executor).build();
        let table_id = backdate::seeded_uuid(&format!("{}.{}", t.namespace, t.name), u64::MAX);
        Ok(DemoWriter { root, url, engine, rt, t, plan, by_day: BTreeMap::new(), pending: Vec::new(), table_id })
    }

    fn write(mut self) -> Result<()> {
        let (first, rest) = self
            .plan
            .commits
            .split_first()
            .ok_or_else(|| Error::invalid(format!("demo table {} has no commits", self.t.name)))?;
        self.create(first)?;
        self.finish_commit(0, first)?;
        for (i, c) in rest.iter().enumerate() {
            let version = i as u64 + 1;
            self.commit(version, c)?;
            self.finish_commit(version, c)?;
        }
        Ok(())
    }

    /// Version 0: the kernel's CREATE TABLE with the first day's files.
    fn create(&mut self, c: &Commit) -> Result<()> {
        let files = match &c.action {
            Action::Append { files } | Action::Overwrite { files } => files,
            other => {
                return Err(Error::invalid(format!(
                    "demo table {}: the first commit must write data (got {})",
                    self.t.name,
                    other.name()
                )));
            }
        };
        let schema = Arc::new(StructType::try_from_arrow(self.plan.shape.schema(false).as_ref())?);
        let mut props = vec![
            (OWNER_KEY.to_string(), self.t.owner.clone()),
            ("delta.checkpointInterval".to_string(), CHECKPOINT_INTERVAL.to_string()),
        ];
        if let Some(days) = self.t.retention {
            props.push(("delta.deletedFileRetentionDuration".to_string(), format!("interval {days} days")));
        }
        let mut builder = create_table(self.url.as_str(), schema, ENGINE_INFO).with_table_properties(props);
        if let Some(col) = self.partition_column() {
            builder = builder.with_data_layout(DataLayout::partitioned([col]));
        }
        let mut txn = builder.build(&self.engine, Box::new(FileSystemCommitter::new()))?;
        let ws = txn.write_state()?;
        let mut paths = Vec::new();
        for f in files {
            let (add, path) = self.write_file(&ws, f, "", c.timestamp_ms)?;
            txn.add_files(add);
            paths.push(path);
        }
        self.by_day.insert(c.day, paths);
        expect_committed(txn.commit(&self.engine)?, 0)
    }

    fn commit(&mut self, version: u64, c: &Commit) -> Result<()> {
        let snapshot = self.snapshot()?;
        let committer = Box::new(FileSystemCommitter::new());
        let result = match &c.action {
            Action::AddColumn { name, data_type } => {
                let field = StructField::nullable(name.clone(), KernelType::try_from_arrow(data_type)?);
                let txn = snapshot.alter_table().add_column(field).build(&self.engine, committer)?;
                return expect_committed(txn.commit(&self.engine)?, version);
            }
            Action::Append { files } => {
                let mut txn = snapshot.transaction(committer, &self.engine)?.with_operation("WRITE".into()).with_blind_append();
                let paths = self.add_all(&mut txn, files, "", c.timestamp_ms)?;
                self.by_day.entry(c.day).or_default().extend(paths);
                txn.commit(&self.engine)?
            }
            Action::Overwrite { files } => {
                let mut txn = snapshot.clone().transaction(committer, &self.engine)?.with_operation("WRITE".into());
                self.remove_where(&snapshot, &mut txn, None)?;
                let paths = self.add_all(&mut txn, files, "", c.timestamp_ms)?;
                self.by_day.clear();
                self.by_day.insert(c.day, paths);
                txn.commit(&self.engine)?
            }
            Action::Delete { target_day, rewritten, .. } => {
                let mut txn = snapshot.clone().transaction(committer, &self.engine)?.with_operation("DELETE".into());
                let targets = self.by_day.remove(target_day).unwrap_or_default();
                self.remove_where(&snapshot, &mut txn, Some(&targets))?;
                let paths = self.add_all(&mut txn, rewritten, "-r", c.timestamp_ms)?;
                self.by_day.insert(*target_day, paths);
                txn.commit(&self.engine)?
            }
        };
        expect_committed(result, version)
    }

    fn add_all(&mut self, txn: &mut Transaction, files: &[super::FileBatch], suffix: &str, ts: i64) -> Result<Vec<String>> {
        let ws = txn.write_state()?;
        let mut paths = Vec::with_capacity(files.len());
        for f in files {
            let (add, path) = self.write_file(&ws, f, suffix, ts)?;
            txn.add_files(add);
            paths.push(path);
        }
        Ok(paths)
    }

    /// Back-date what the kernel just committed, then checkpoint and leave orphans as the plan says.
    fn finish_commit(&mut self, version: u64, c: &Commit) -> Result<()> {
        let log = self.root.join("_delta_log");
        let commit_file = log.join(format!("{version:020}.json"));
        let stamp = backdate::Stamp {
            timestamp_ms: c.timestamp_ms,
            created_ms: self.plan.commits[0].timestamp_ms,
            txn_id: backdate::seeded_uuid(&format!("{}.{}", self.t.namespace, self.t.name), version),
            table_id: &self.table_id,
            description: &self.t.comment,
        };
        backdate::rewrite_commit(&commit_file, &stamp)?;
        set_mtime(&commit_file, c.timestamp_ms)?;
        for p in std::mem::take(&mut self.pending) {
            set_mtime(&p, c.timestamp_ms)?;
        }
        if version > 0 && version % CHECKPOINT_INTERVAL == 0 {
            let snapshot = self.snapshot()?;
            snapshot.checkpoint(&self.engine, None).with_context(|| format!("checkpointing version {version}"))?;
            set_mtime(&log.join(format!("{version:020}.checkpoint.parquet")), c.timestamp_ms)?;
            set_mtime(&log.join("_last_checkpoint"), c.timestamp_ms)?;
        }
        let next_ts = self.plan.commits.iter().map(|n| n.timestamp_ms).find(|&t| t > c.timestamp_ms).unwrap_or(i64::MAX);
        let due: Vec<_> =
            self.plan.orphans.iter().filter(|o| o.timestamp_ms >= c.timestamp_ms && o.timestamp_ms < next_ts).collect();
        if !due.is_empty() {
            self.write_orphans(&due)?;
        }
        Ok(())
    }

    /// The table as it is on disk now (after back-dating), never the kernel's in-memory post-commit view.
    fn snapshot(&self) -> Result<SnapshotRef> {
        Ok(Snapshot::builder_for(self.url.as_str()).build(&self.engine)?)
    }

    fn partition_column(&self) -> Option<&'static str> {
        if self.plan.partitioned { self.plan.shape.day_column() } else { None }
    }
}

fn expect_committed<S: std::fmt::Debug>(result: CommitResult<S>, version: u64) -> Result<()> {
    match result {
        CommitResult::Committed(c) if c.commit_version() == version => Ok(()),
        CommitResult::Committed(c) => {
            Err(Error::internal(format!("expected to commit version {version}, committed {}", c.commit_version())))
        }
        other => Err(Error::internal(format!("commit of version {version} did not go through: {other:?}"))),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::demo::plan::plan;
    use crate::demo::recipe::Recipe;
    use crate::table::delta::DeltaTable;
    use crate::table::ReadOptions;

    /// What the plan says the table holds after each commit: (files, rows).
    fn expected_totals(p: &Plan) -> Vec<(u64, u64)> {
        let mut by_day: BTreeMap<i32, Vec<u64>> = BTreeMap::new();
        let mut out = Vec::new();
        for c in &p.commits {
            let rows = |files: &[super::super::FileBatch]| files.iter().map(|f| f.batch.num_rows() as u64).collect::<Vec<_>>();
            match &c.action {
                Action::Append { files } => by_day.entry(c.day).or_default().extend(rows(files)),
                Action::Overwrite { files } => {
                    by_day.clear();
                    by_day.insert(c.day, rows(files));
                }
                Action::Delete { target_day, rewritten, .. } => {
                    by_day.insert(*target_day, rows(rewritten));
                }
                Action::AddColumn { .. } => {}
            }
            let files = by_day.values().map(|v| v.len() as u64).sum();
            let records = by_day.values().flatten().sum();
            out.push((files, records));
        }
        out
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn every_bundled_delta_table_replays_to_its_plan() {
        let r = Recipe::bundled();
        let anchor = chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        let dir = tempfile::tempdir().unwrap();
        for t in r.tables.iter().filter(|t| t.format == crate::model::TableFormat::Delta) {
            let p = plan(t, r.seed, anchor, false);
            let root = dir.path().join(&t.name);
            write_table(&root, t, &p).await.unwrap();
            let loc = crate::storage::open(root.to_str().unwrap(), &Default::default()).unwrap();
            let table = DeltaTable::open(loc).await.unwrap();
            let history = table.history().await.unwrap();
            assert_eq!(history.len(), p.commits.len(), "{}", t.name);
            for ((row, c), (files, records)) in history.iter().zip(&p.commits).zip(expected_totals(&p)) {
                assert_eq!(row.timestamp_ms, c.timestamp_ms, "{} v{}", t.name, row.version);
                assert_eq!((row.data_files, row.records), (files, Some(records)), "{} v{}", t.name, row.version);
                let op = match (&c.action, row.version) {
                    (_, 0) => "CREATE TABLE",
                    (Action::Append { .. } | Action::Overwrite { .. }, _) => "WRITE",
                    (Action::Delete { .. }, _) => "DELETE",
                    (Action::AddColumn { .. }, _) => "ALTER TABLE",
                };
                assert_eq!(row.operation, op, "{} v{}", t.name, row.version);
            }
            let info = table.info(&ReadOptions { as_of_ms: p.commits.last().unwrap().timestamp_ms }).await.unwrap();
            assert_eq!(info.owner.as_deref(), Some(t.owner.as_str()));
            assert_eq!(info.comment.as_deref(), Some(t.comment.as_str()));
            assert_eq!(info.partition_columns.len(), usize::from(p.partitioned && p.shape.day_column().is_some()));
            let log = std::fs::read_dir(root.join("_delta_log")).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap());
            let checkpoints: Vec<u64> =
                log.filter_map(|n| n.strip_suffix(".checkpoint.parquet").map(|v| v.parse().unwrap())).collect::<std::collections::BTreeSet<_>>().into_iter().collect();
            let last = p.commits.len() as u64 - 1;
            assert_eq!(checkpoints, (1..=last / 10).map(|k| k * 10).collect::<Vec<_>>(), "{}", t.name);
            // Orphans are real Parquet files nobody references.
            assert_eq!(info.storage.orphan_bytes > 0, t.orphans > 0, "{}", t.name);
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_same_anchor_writes_the_same_bytes() {
        let r = Recipe::bundled();
        let t = r.tables.iter().find(|t| t.name == "usr_jdoe_ab_test").unwrap();
        let p = plan(t, r.seed, chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(), false);
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        write_table(a.path(), t, &p).await.unwrap();
        write_table(b.path(), t, &p).await.unwrap();
        let files = |d: &Path| {
            let loc = crate::storage::open(d.to_str().unwrap(), &Default::default()).unwrap();
            let rt = tokio::runtime::Handle::current();
            tokio::task::block_in_place(|| rt.block_on(loc.list_files())).unwrap()
        };
        let (fa, fb) = (files(a.path()), files(b.path()));
        assert_eq!(fa, fb);
        for f in &fa {
            let (x, y) = (std::fs::read(a.path().join(&f.path)).unwrap(), std::fs::read(b.path().join(&f.path)).unwrap());
            assert!(x == y, "{} differs between two builds", f.path);
        }
    }
}
