//! Findings: where money can be saved, ranked by dollars per month, each with the exact command a user
//! would copy into Spark SQL. Lakescope never runs them; it only reads.
//!
//! Every finding's bytes are a figure the table page already shows (the breakdown's reclaimable bytes,
//! a partition's data bytes, the table's total bytes), so a finding can be checked against
//! `lakescope table --json` and, through it, against the formats' own tools.

mod commands;
mod rules;

use std::collections::BTreeMap;

use serde::Serialize;
use ts_rs::TS;

use crate::api::Lakescope;
use crate::collect::CollectFailure;
use crate::cost::PriceProfile;
use crate::model::{TableFormat, TableInfo, TableRef};
use crate::table::ReadOptions;

pub use rules::{Rules, SchemaRule};

const DAY_MS: i64 = 86_400_000;

/// What kind of saving a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum FindingKind {
    /// Delta VACUUM would delete these bytes now (old versions past retention and untracked files).
    VacuumDue,
    /// Iceberg expire_snapshots + remove_orphan_files would delete these bytes now.
    ExpireSnapshotsDue,
    /// A partition of a schema with a retention rule, last written before the retention window.
    PartitionPastRetention,
    /// A table with no new version / snapshot / file for the configured number of days.
    UnusedTable,
    /// A table in a personal schema whose owner is not in the active-users list.
    DepartedOwner,
}

/// One saving, with the command that would realise it.
#[derive(Debug, Clone, Serialize, TS)]
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
    };
    let mut out = Vec::new();
    let reclaimable = info.storage.reclaimable_bytes;
    match info.format {
        TableFormat::Delta if reclaimable > 0 => out.push(finding(
            FindingKind::VacuumDue,
            None,
            reclaimable,
            format!("VACUUM would delete {reclaimable} bytes now (files removed before the retention cut-off, and untracked files)"),
            vec![commands::delta_vacuum(&t.location)],
        )),
        TableFormat::Iceberg if reclaimable > 0 => out.push(finding(
            FindingKind::ExpireSnapshotsDue,
            None,
            reclaimable,
            format!("expire_snapshots + remove_orphan_files would delete {reclaimable} bytes now"),
            commands::iceberg_expire(&catalog, &sql_name, &info.properties, as_of_ms),
        )),
        _ => {}
    }
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
