//! Delta demo tables, written with delta_kernel's own transactions and its default engine.
//!
//! Why the kernel and not hand-written JSON: the demo must be a table the reference tools accept
//! without special cases, so every commit, data file (with its stats) and checkpoint comes from the
//! kernel. What the kernel cannot do is patched right after each commit, before anything reads it
//! back (the truth tests prove deltalake reads the result, every version of it):
//!
//! - **Back-dating.** The kernel stamps commits with the wall clock; the demo's history spans months.
//!   [`backdate`] rewrites the commit's `commitInfo.timestamp`, `add.modificationTime`,
//!   `remove.deletionTimestamp` and `metaData.createdTime`, and file mtimes follow the plan. In-commit
//!   timestamps are left disabled so there is no second clock to keep consistent.
//! - **Reproducibility.** The kernel draws random UUIDs (`txnId`, `metaData.id`) and random data-file
//!   names; ids are replaced by UUIDs seeded from the table name and version, and files are renamed to
//!   stable names built from the plan ([`super::FileBatch::stem`]).
//! - **Description.** The kernel's CREATE TABLE has no description; `metaData.description` is set to
//!   the recipe's comment. The owner goes into the configuration under [`OWNER_KEY`].
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

use delta_kernel::checkpoint::{CheckpointSpec, V2CheckpointConfig};
use delta_kernel::committer::FileSystemCommitter;
use delta_kernel::engine::arrow_conversion::TryFromArrow;
use delta_kernel::schema::{DataType as KernelType, StructField, StructType};
use delta_kernel::snapshot::{Snapshot, SnapshotRef};
use delta_kernel::transaction::create_table::create_table;
use delta_kernel::transaction::data_layout::DataLayout;
use delta_kernel::transaction::{CommitResult, Transaction};
use delta_kernel_default_engine::DefaultEngine;
use delta_kernel_default_engine::executor::tokio::TokioMultiThreadExecutor;
use url::Url;

use super::plan::{Action, Commit, Plan};
use super::recipe::TableRecipe;
use super::set_mtime;
use crate::error::{Error, Result, ResultExt};

/// The configuration key under which demo tables record their owner (Delta has no owner field).
pub use crate::table::delta::OWNER_KEY;
/// Spark's default `delta.checkpointInterval`: checkpoints at versions 10, 20, 30, …
const CHECKPOINT_INTERVAL: u64 = 10;
/// `engineInfo` of every demo commit.
const ENGINE_INFO: &str = concat!("lakescope-demo/", env!("CARGO_PKG_VERSION"));

type Engine = DefaultEngine<TokioMultiThreadExecutor>;

/// Layout choices the demo itself does not use; tests take them to get column-mapped tables or v2
/// checkpoints with sidecars from the same real writer.
#[derive(Debug, Clone, Default)]
pub(crate) struct Layout {
    /// Extra table properties at creation (`delta.columnMapping.mode`, `delta.checkpointPolicy`, …).
    pub properties: Vec<(String, String)>,
    /// Write v2 checkpoints with sidecars of about this many file actions each.
    pub sidecar_hint: Option<usize>,
}

/// Write the table `t` under `root` by replaying `plan`.
pub async fn write_table(root: &Path, t: &TableRecipe, plan: &Plan) -> Result<()> {
    write_table_with(root, t, plan, Layout::default()).await
}

pub(crate) async fn write_table_with(root: &Path, t: &TableRecipe, plan: &Plan, layout: Layout) -> Result<()> {
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
                .and_then(|rt| DemoWriter::new(root, &t, &plan, rt, layout)?.write());
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
    layout: Layout,
}

impl<'a> DemoWriter<'a> {
    fn new(
        root: PathBuf,
        t: &'a TableRecipe,
        plan: &'a Plan,
        rt: tokio::runtime::Runtime,
        layout: Layout,
    ) -> Result<Self> {
        std::fs::create_dir_all(&root).with_context(|| format!("creating {}", root.display()))?;
        let url = Url::from_directory_path(&root)
            .map_err(|_| Error::invalid(format!("{} is not an absolute directory", root.display())))?;
        let store = delta_kernel_default_engine::storage::store_from_url(&url)?;
        let executor = Arc::new(TokioMultiThreadExecutor::new(rt.handle().clone()));
        let engine = delta_kernel_default_engine::DefaultEngineBuilder::new(store).with_task_executor(executor).build();
        let table_id = backdate::seeded_uuid(&format!("{}.{}", t.namespace, t.name), u64::MAX);
        Ok(DemoWriter {
            root,
            url,
            engine,
            rt,
            t,
            plan,
            by_day: BTreeMap::new(),
            pending: Vec::new(),
            table_id,
            layout,
        })
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
        props.extend(self.layout.properties.iter().cloned());
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
                let mut txn =
                    snapshot.transaction(committer, &self.engine)?.with_operation("WRITE".into()).with_blind_append();
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

    fn add_all(
        &mut self,
        txn: &mut Transaction,
        files: &[super::FileBatch],
        suffix: &str,
        ts: i64,
    ) -> Result<Vec<String>> {
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
        if version > 0 && version.is_multiple_of(CHECKPOINT_INTERVAL) {
            let snapshot = self.snapshot()?;
            let spec = self.layout.sidecar_hint.map(|hint| {
                CheckpointSpec::V2(V2CheckpointConfig::WithSidecar { file_actions_per_sidecar_hint: Some(hint) })
            });
            let sidecars = log.join("_sidecars");
            let before = list_names(&sidecars);
            snapshot
                .checkpoint(&self.engine, spec.as_ref())
                .with_context(|| format!("checkpointing version {version}"))?;
            set_mtime(&log.join(format!("{version:020}.checkpoint.parquet")), c.timestamp_ms)?;
            set_mtime(&log.join("_last_checkpoint"), c.timestamp_ms)?;
            for name in list_names(&sidecars).difference(&before) {
                set_mtime(&sidecars.join(name), c.timestamp_ms)?;
            }
        }
        let next_ts =
            self.plan.commits.iter().map(|n| n.timestamp_ms).find(|&t| t > c.timestamp_ms).unwrap_or(i64::MAX);
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

/// File names in `dir` (none when it does not exist).
fn list_names(dir: &Path) -> std::collections::BTreeSet<std::ffi::OsString> {
    std::fs::read_dir(dir).map(|rd| rd.filter_map(|e| Some(e.ok()?.file_name())).collect()).unwrap_or_default()
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
mod tests;
