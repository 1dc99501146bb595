//! Findings: where money can be saved, ranked by dollars per month, each with the exact command a user
//! would copy into Spark SQL. Lakescope never runs them; it only reads.
//!
//! Every finding's bytes are a figure the table page already shows (the breakdown's reclaimable bytes
//! split into orphans and the rest, a partition's data bytes, the table's total bytes), so a finding can
//! be checked against `lakescope table --json` and, through it, against the formats' own tools. A
//! table's VACUUM / expire finding and its orphan finding never share a byte: together they are its
//! reclaimable bytes.

mod commands;
mod compaction;
mod orphans;
mod rules;

use std::collections::BTreeMap;

use serde::Serialize;
use ts_rs::TS;

use crate::api::Lakescope;
use crate::collect::CollectFailure;
use crate::cost::PriceProfile;
use crate::model::{TableFormat, TableInfo, TableRef};
use crate::table::ReadOptions;

pub use compaction::CompactionPayoff;
pub use orphans::{OrphanFile, OrphanReport};
pub use rules::{Compaction, Rules, SchemaRule};

const DAY_MS: i64 = 86_400_000;

/// What kind of saving a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum FindingKind {
    /// Delta VACUUM would delete these bytes now: files removed from the table before the retention
    /// cut-off (untracked files are [`FindingKind::OrphanFiles`]).
    VacuumDue,
    /// Iceberg expire_snapshots would delete these bytes now: files only expired snapshots reach.
    ExpireSnapshotsDue,
    /// A partition of a schema with a retention rule, last written before the retention window.
    PartitionPastRetention,
    /// A table with no new version / snapshot / file for the configured number of days.
    UnusedTable,
    /// A table in a personal schema whose owner is not in the active-users list.
    DepartedOwner,
    /// Files in the table's location that no version / snapshot references, older than the safety
    /// window: Iceberg remove_orphan_files deletes them, Delta VACUUM does.
    OrphanFiles,
    /// A partition of many small data files that compaction (rewrite_data_files / OPTIMIZE) would merge.
    SmallFiles,
}

/// One saving, with the command that would realise it.
#[derive(Debug, Clone, Serialize, serde::Deserialize, TS)]
#[ts(export)]
pub struct Finding {
    pub kind: FindingKind,
    /// `source.namespace.name`.
    pub table: String,
    pub format: TableFormat,
    /// The partition concerned (column → value; null is the SQL NULL partition).
    pub partition: Option<BTreeMap<String, Option<String>>>,
    #[ts(type = "number")]
    pub bytes: u64,
    /// What keeping `bytes` costs per month under the chosen profile.
    pub usd_per_month: f64,
    /// Why this is a finding, with the figures that decided it.
    pub reason: String,
    /// The exact statements to copy, in order (Spark SQL). Lakescope never runs them.
    pub commands: Vec<String>,
    /// How many files the finding is about (orphan files), when it is about files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(type = "number", optional)]
    pub files: Option<u64>,
    /// What compaction would change (small-file findings).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub compaction: Option<CompactionPayoff>,
}

/// What `lakescope findings --json` prints.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct FindingsReport {
    #[ts(type = "number")]
    pub as_of_ms: i64,
    pub profile: String,
    pub conventions: String,
    pub rules: Rules,
    /// Highest dollars per month first.
    pub findings: Vec<Finding>,
    /// Tables (or sources) that could not be read; the others are still reported.
    pub failures: Vec<CollectFailure>,
}

impl Lakescope {
    /// Read every table of every source as of `opts.as_of_ms` and list what could be saved.
    pub async fn findings(&self, rules: &Rules, profile: &PriceProfile, opts: &ReadOptions) -> FindingsReport {
        let listing = self.tables().await;
        let mut failures: Vec<CollectFailure> = listing
            .errors
            .iter()
            .map(|e| CollectFailure { target: format!("source {}", e.source), error: e.error.clone() })
            .collect();
        let mut findings = Vec::new();
        for t in &listing.tables {
            match self.table(&t.qualified_name(), opts).await {
                Ok(info) => findings.extend(table_findings(self, t, &info, rules, profile, opts.as_of_ms)),
                Err(e) => failures.push(CollectFailure { target: t.qualified_name(), error: e.to_report() }),
            }
        }
        rank(&mut findings);
        FindingsReport {
            as_of_ms: opts.as_of_ms,
            profile: profile.name.clone(),
            conventions: profile.conventions(),
            rules: rules.clone(),
            findings,
            failures,
        }
    }
}

/// Highest dollars per month first; ties by table and kind, so every listing ranks the same way.
pub fn rank(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        b.usd_per_month.total_cmp(&a.usd_per_month).then_with(|| (&a.table, a.kind as u8).cmp(&(&b.table, b.kind as u8)))
    });
}

/// The findings of one table read as of `as_of_ms`.
pub fn table_findings(
    ls: &Lakescope,
    t: &TableRef,
    info: &TableInfo,
    rules: &Rules,
    profile: &PriceProfile,
    as_of_ms: i64,
) -> Vec<Finding> {
    let catalog = ls
        .sources()
        .iter()
        .find(|s| s.name == t.source)
        .map(|s| s.catalog.clone().unwrap_or_else(|| s.name.clone()))
        .unwrap_or_else(|| t.source.clone());
    let table = t.qualified_name();
    let sql_name = format!("{}.{}", t.namespace, t.name);
    // Iceberg tables are addressed through their Spark catalog; Hive/Delta tables through the session's.
    let spark_name = if info.format == TableFormat::Iceberg { format!("{catalog}.{sql_name}") } else { sql_name.clone() };
    let finding = |kind, partition, bytes: u64, reason: String, commands: Vec<String>| Finding {
        kind,
        table: table.clone(),
        format: info.format,
        partition,
        bytes,
        usd_per_month: profile.usd_per_month(bytes),
        reason,
        commands,
        files: None,
        compaction: None,
    };
    let mut out = Vec::new();
    let orphans = &info.orphans;
    // The orphan finding takes the orphan part of the reclaimable bytes, the VACUUM / expire one the rest.
    let removed = info.storage.reclaimable_bytes.saturating_sub(orphans.removable_bytes);
    match info.format {
        TableFormat::Delta if removed > 0 => out.push(finding(
            FindingKind::VacuumDue,
            None,
            removed,
            format!("VACUUM would delete {removed} bytes of files removed from the table before the retention cut-off"),
            vec![commands::delta_vacuum(&t.location)],
        )),
        TableFormat::Iceberg if removed > 0 => out.push(finding(
            FindingKind::ExpireSnapshotsDue,
            None,
            removed,
            format!("expire_snapshots would delete {removed} bytes now: files only snapshots past the table's retention reach"),
            vec![commands::iceberg_expire(&catalog, &sql_name, &info.properties, as_of_ms)],
        )),
        _ => {}
    }
    if orphans.removable_bytes > 0
        && let Some(cutoff) = orphans.cutoff_ms
    {
        let n = orphans.removable_files;
        let (reason, commands) = if info.format == TableFormat::Iceberg {
            (
                format!(
                    "{n} file(s), {} bytes, under data/ or metadata/ that no snapshot or metadata file references, \
                     older than remove_orphan_files' 3-day window; review the dry run's list first",
                    orphans.removable_bytes
                ),
                commands::iceberg_remove_orphans(&catalog, &sql_name, cutoff),
            )
        } else {
            (
                format!(
                    "{n} file(s), {} bytes, that no version in the log references, older than the retention cut-off; \
                     Delta has no separate command: VACUUM deletes them with the removed files",
                    orphans.removable_bytes
                ),
                vec![commands::delta_vacuum(&t.location)],
            )
        };
        out.push(Finding { files: Some(n), ..finding(FindingKind::OrphanFiles, None, orphans.removable_bytes, reason, commands) });
    }
    out.extend(small_files(info, &catalog, &sql_name, t, rules, profile));
    if let Some(days) = rules.retention_days(&t.namespace) {
        let cutoff = as_of_ms - days * DAY_MS;
        for p in &info.partitions {
            let Some(modified) = p.last_modified_ms else { continue };
            if modified < cutoff && p.data_bytes > 0 {
                out.push(finding(
                    FindingKind::PartitionPastRetention,
                    Some(p.values.clone()),
                    p.data_bytes,
                    format!(
                        "schema {} keeps data {days} days; this partition was last written {} days before as-of",
                        t.namespace,
                        (as_of_ms - modified) / DAY_MS
                    ),
                    vec![commands::drop_partition(info.format, &spark_name, &p.values)],
                ));
            }
        }
    }
    if let Some(owner) = rules.departed_owner(&t.namespace)
        && info.storage.total_bytes > 0
    {
        let schema = if info.format == TableFormat::Iceberg { format!("{catalog}.{}", t.namespace) } else { t.namespace.clone() };
        out.push(finding(
            FindingKind::DepartedOwner,
            None,
            info.storage.total_bytes,
            format!(
                "personal schema {} belongs to {owner}, who is not in the active users list; drop its tables, then the \
                 schema (it refuses while tables remain)",
                t.namespace
            ),
            vec![commands::drop_table(info.format, &spark_name), commands::drop_schema(&schema)],
        ));
    }
    if let Some(last) = info.current.timestamp_ms {
        let cutoff = as_of_ms - rules.unused_days * DAY_MS;
        if last < cutoff && info.storage.total_bytes > 0 {
            out.push(finding(
                FindingKind::UnusedTable,
                None,
                info.storage.total_bytes,
                format!(
                    "no new version or file for {} days (rule: {} days); no reads are known to Lakescope",
                    (as_of_ms - last) / DAY_MS,
                    rules.unused_days
                ),
                vec![commands::drop_table(info.format, &spark_name)],
            ));
        }
    }
    out
}

/// One small-file finding per partition of the current version (the whole table when unpartitioned)
/// that [`compaction::payoff`] says is worth rewriting.
fn small_files(info: &TableInfo, catalog: &str, sql_name: &str, t: &TableRef, rules: &Rules, profile: &PriceProfile) -> Vec<Finding> {
    let Some((target, from)) = compaction::target_file_bytes(info.format, &info.properties, &rules.compaction) else {
        return Vec::new();
    };
    let unpartitioned = [(BTreeMap::new(), info.current.data_files, info.current.data_bytes)];
    let parts: Vec<(BTreeMap<String, Option<String>>, u64, u64)> = if info.partitions.is_empty() {
        unpartitioned.to_vec()
    } else {
        info.partitions.iter().map(|p| (p.values.clone(), p.data_files, p.data_bytes)).collect()
    };
    let read_price = profile.requests.usd_per_1000_reads;
    let is_column = |k: &String| info.schema.iter().any(|c| &c.name == k);
    let mut out = Vec::new();
    for (values, files, bytes) in parts {
        let Some(p) = compaction::payoff(files, bytes, (target, &from), &rules.compaction, read_price) else { continue };
        // A transform's partition field (`ts_day`) is no column: rewrite_data_files needs the whole table then.
        let where_ok = values.keys().all(is_column);
        let command = match info.format {
            TableFormat::Iceberg if where_ok => commands::iceberg_rewrite(catalog, sql_name, &values),
            TableFormat::Iceberg => commands::iceberg_rewrite(catalog, sql_name, &BTreeMap::new()),
            _ => commands::delta_optimize(&t.location, &values),
        };
        let price = if read_price > 0.0 {
            format!("${:.6} per 1,000 full reads at the profile's read price", p.usd_per_1000_reads)
        } else {
            "the profile has no request price".to_string()
        };
        let reason = format!(
            "{files} data files averaging {} bytes, under 3/4 of the {} byte target ({}); compaction would leave {} \
             file(s), so every full read opens {} fewer ({price}). Stored bytes do not shrink (the old files stay until \
             the next {}), and how often the partition is read is unknown here, so no $/month is claimed{}",
            p.avg_file_bytes,
            p.target_file_bytes,
            p.target_from,
            p.files_after,
            p.requests_saved_per_read,
            if info.format == TableFormat::Iceberg { "expire_snapshots" } else { "VACUUM" },
            if where_ok { "" } else { "; a partition field is a transform, so the command rewrites the whole table" },
        );
        out.push(Finding {
            kind: FindingKind::SmallFiles,
            table: t.qualified_name(),
            format: info.format,
            partition: (!values.is_empty()).then_some(values),
            bytes: 0,
            usd_per_month: 0.0,
            reason,
            commands: vec![command],
            files: Some(files),
            compaction: Some(p),
        });
    }
    out
}
