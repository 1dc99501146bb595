//! The collector: record a size snapshot of every table of every source into the store, so that trends
//! exist for tables whose format keeps no history (plain Parquet) and so that cost and findings can be
//! computed over time without re-reading every table.
//!
//! Each table's versions (its own history's live bytes) are recorded too, so the overview from the store
//! measures growth exactly as a live read does (see `overview::from_store`).
//!
//! Each run also records the findings of the tables it reads (with the rules and price profile they were
//! computed with), so the overview from the store lists the same findings as a live read.
//!
//! One table at a time (memory stays bounded by the largest table's listing), each recorded in its own
//! transaction; a table that fails is recorded as an error and the run goes on. Because a snapshot is
//! keyed by (table, UTC day, version), a rerun after a crash or `kill -9` records exactly the tables
//! the killed run had not finished, and a second run on the same day records nothing new.
//!
//! A cancelled run (the app's Cancel) stops between tables, or abandons the read of the table under way,
//! and is left unfinished exactly like a killed one, so nothing reads it as a finished collection.

pub mod activity;
pub mod schedule;

use serde::Serialize;
use ts_rs::TS;

use crate::api::Lakescope;
use crate::cancel::CancelToken;
use crate::cost::PriceProfile;
use crate::findings::Rules;
use crate::error::{Error, ErrorReport, Result, ResultExt};
use crate::model::{TableInfo, TableRef};
use crate::store::{utc_day, CollectionRun, PrefixSnapshot, SizeSnapshot, Store};
use crate::table::ReadOptions;

/// Settings of one collection run.
#[derive(Debug, Clone, Copy)]
pub struct CollectOptions {
    /// The time the snapshots describe (reclaimable bytes depend on it), epoch ms.
    pub as_of_ms: i64,
    /// Also record a depth-1 `du` of every source's root.
    pub prefixes: bool,
}

/// What happened to one table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum CollectOutcome {
    /// A new snapshot was written.
    Recorded,
    /// The store already held this table's snapshot for this day and version.
    Present,
    /// The table could not be read; the error is recorded with the run.
    Failed,
}

/// Progress of a run, reported after each table (the app shows it; the CLI prints it on stderr).
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct CollectProgress {
    #[ts(type = "number")]
    pub done: u64,
    #[ts(type = "number")]
    pub total: u64,
    /// `source.namespace.name`.
    pub table: String,
    pub outcome: CollectOutcome,
}

/// A table (or source, or prefix) that could not be collected.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct CollectFailure {
    pub target: String,
    pub error: ErrorReport,
}

/// What `lakescope collect --json` prints.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct CollectReport {
    pub run_id: String,
    /// The store's URL or path (password redacted).
    pub store: String,
    #[ts(type = "number")]
    pub as_of_ms: i64,
    #[ts(type = "number")]
    pub tables_total: u64,
    #[ts(type = "number")]
    pub tables_recorded: u64,
    #[ts(type = "number")]
    pub tables_present: u64,
    #[ts(type = "number")]
    pub tables_failed: u64,
    #[ts(type = "number")]
    pub prefixes_recorded: u64,
    pub failures: Vec<CollectFailure>,
}

impl Lakescope {
    /// Record a snapshot of every table of every source into `store`, with the table's findings under
    /// `findings` (rules, price profile), calling `progress` after each.
    pub async fn collect(
        &self,
        store: &Store,
        opts: &CollectOptions,
        findings: (&Rules, &PriceProfile),
        progress: &(dyn Fn(&CollectProgress) + Send + Sync),
    ) -> Result<CollectReport> {
        self.collect_until_cancelled(store, opts, findings, progress, &CancelToken::new()).await
    }

    /// [`Self::collect`] that stops once `cancel` is cancelled: before the next table (a table's reads
    /// are abandoned, its store writes never are) or source prefix, with an `ErrorKind::Cancelled` error.
    /// The run is then left unfinished (with a `run` error saying it was cancelled), as a killed run is.
    pub async fn collect_until_cancelled(
        &self,
        store: &Store,
        opts: &CollectOptions,
        findings: (&Rules, &PriceProfile),
        progress: &(dyn Fn(&CollectProgress) + Send + Sync),
        cancel: &CancelToken,
    ) -> Result<CollectReport> {
        let listing = self.tables().await;
        let total = listing.tables.len() as u64;
        let run = CollectionRun {
            run_id: uuid::Uuid::new_v4().to_string(),
            started_ms: chrono::Utc::now().timestamp_millis(),
            finished_ms: None,
            as_of_ms: opts.as_of_ms,
            sources_file: self.sources_path().map(|p| p.display().to_string()),
            tables_total: total,
            tables_recorded: 0,
            tables_present: 0,
            tables_failed: 0,
        };
        store.begin_run(&run).await?;
        store.record_findings_basis(&run.run_id, findings.0, findings.1).await?;
        let mut report = CollectReport {
            run_id: run.run_id.clone(),
            store: store.display().to_string(),
            as_of_ms: opts.as_of_ms,
            tables_total: total,
            tables_recorded: 0,
            tables_present: 0,
            tables_failed: 0,
            prefixes_recorded: 0,
            failures: Vec::new(),
        };
        for e in &listing.errors {
            let target = format!("source {}", e.source);
            store.record_error(&run.run_id, &target, &Error::new(e.error.kind, e.error.message.clone()), false).await?;
            report.failures.push(CollectFailure { target, error: e.error.clone() });
        }
        let read = ReadOptions { as_of_ms: opts.as_of_ms };
        for (i, t) in listing.tables.iter().enumerate() {
            let name = t.qualified_name();
            let page = tokio::select! {
                biased;
                () = cancel.cancelled() => None,
                page = self.table_page(&name, &read) => Some(page),
            };
            let Some(page) = page.filter(|_| !cancel.is_cancelled()) else { return stopped(store, &run.run_id).await };
            let outcome = match page {
                Ok(page) => {
                    // Versions first: a run killed in between leaves versions without the snapshot, and
                    // the rerun (which records the snapshot) finds them already there.
                    store.record_versions((&t.source, &t.namespace, &t.name), &page.history).await?;
                    if let Some(e) = &page.history_error {
                        let target = format!("{name} (history)");
                        store.record_error(&run.run_id, &target, &Error::new(e.kind, e.message.clone()), false).await?;
                        report.failures.push(CollectFailure { target, error: e.clone() });
                    }
                    let found = crate::findings::table_findings(self, t, &page.info, findings.0, findings.1, opts.as_of_ms);
                    store.record_findings(&run.run_id, &name, &found).await?;
                    if store.record_snapshot(&snapshot_of(&run.run_id, t, &page.info, opts.as_of_ms)).await? {
                        report.tables_recorded += 1;
                        CollectOutcome::Recorded
                    } else {
                        report.tables_present += 1;
                        CollectOutcome::Present
                    }
                }
                Err(e) => {
                    store.record_error(&run.run_id, &name, &e, true).await?;
                    report.tables_failed += 1;
                    report.failures.push(CollectFailure { target: name.clone(), error: e.to_report() });
                    CollectOutcome::Failed
                }
            };
            progress(&CollectProgress { done: i as u64 + 1, total, table: name, outcome });
        }
        if opts.prefixes {
            for source in self.sources() {
                if cancel.is_cancelled() {
                    return stopped(store, &run.run_id).await;
                }
                let Some(root) = source.root() else { continue };
                match record_prefixes(store, &run.run_id, &source.name, root, &source.store_options(), opts.as_of_ms).await {
                    Ok(n) => report.prefixes_recorded += n,
                    Err(e) => {
                        let target = format!("prefixes of {}", source.name);
                        store.record_error(&run.run_id, &target, &e, false).await?;
                        report.failures.push(CollectFailure { target, error: e.to_report() });
                    }
                }
            }
        }
        store.finish_run(&run.run_id, chrono::Utc::now().timestamp_millis(), total).await?;
        Ok(report)
    }
}

/// A cancelled run: say so in the store (the run itself stays unfinished) and answer `Cancelled`.
async fn stopped(store: &Store, run_id: &str) -> Result<CollectReport> {
    let e = crate::cancel::cancelled(format!("collection run {run_id} into store {}", store.display()));
    store.record_error(run_id, "run", &e, false).await?;
    Err(e)
}

/// The snapshot row of a table read as of `as_of_ms`.
pub fn snapshot_of(run_id: &str, t: &TableRef, info: &TableInfo, as_of_ms: i64) -> SizeSnapshot {
    let c = &info.current;
    // Plain Parquet directories have no version: their files' fingerprint stands in for it, so a day's
    // second run records nothing unless files changed.
    let version_key = c.version_id.clone().unwrap_or_else(|| {
        format!("files:{}:bytes:{}:newest:{}", c.data_files, c.data_bytes, c.timestamp_ms.unwrap_or(0))
    });
    SizeSnapshot {
        source: t.source.clone(),
        namespace: t.namespace.clone(),
        name: t.name.clone(),
        format: info.format,
        location: t.location.clone(),
        day: utc_day(as_of_ms),
        version_key,
        run_id: run_id.to_string(),
        collected_ms: as_of_ms,
        version_id: c.version_id.clone(),
        version_ms: c.timestamp_ms,
        records: c.records,
        data_files: c.data_files,
        data_bytes: c.data_bytes,
        storage: info.storage.clone(),
    }
}

/// A depth-1 `du` of a source's root: one row per top-level directory, plus one (`""`) for loose files
/// when there are any.
/// Each directory's listing is summed and dropped before the next is read.
async fn record_prefixes(
    store: &Store,
    run_id: &str,
    source: &str,
    root: &str,
    options: &std::collections::BTreeMap<String, String>,
    as_of_ms: i64,
) -> Result<u64> {
    let loc = crate::storage::open(root, options)?;
    let (dirs, files) = loc.list_dir().await.with_context(|| format!("listing {root}"))?;
    let mut sums = Vec::new();
    if !files.is_empty() {
        sums.push((String::new(), files.iter().map(|f| f.size).sum::<u64>(), files.len() as u64));
    }
    for d in dirs {
        let listed = loc.join(&d).list_files().await.with_context(|| format!("listing {root}/{d}"))?;
        sums.push((format!("{d}/"), listed.iter().map(|f| f.size).sum(), listed.len() as u64));
    }
    let mut recorded = 0;
    for (prefix, bytes, objects) in sums {
        let row = PrefixSnapshot {
            source: source.to_string(),
            prefix,
            day: utc_day(as_of_ms),
            run_id: run_id.to_string(),
            collected_ms: as_of_ms,
            bytes,
            objects,
        };
        recorded += u64::from(store.record_prefix(&row).await?);
    }
    Ok(recorded)
}
