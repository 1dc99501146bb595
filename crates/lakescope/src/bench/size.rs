//! `lakescope bench size`: the budgets for the Overview page at platform scale — the overview of
//! 10,000 tables added up from the store (goal < 200 ms) and a size chart of two years of daily points
//! (goal < 50 ms) — timed in-process, each beside its goal.
//!
//! The scratch store is generated first (outside the timed part) with known figures, and before any
//! timing is reported the overview the store's SQL computes is checked against the same figures computed
//! in Rust with the live overview's own growth function: a fast answer that is wrong would not count.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde::Serialize;

use super::median;
use crate::charts::{render_svg, ChartOptions, SizeChart};
use crate::cost::PriceProfile;
use crate::error::{Error, Result};
use crate::findings::Rules;
use crate::model::{HistoryRow, StorageBreakdown, TableFormat};
use crate::overview::{growth, overview_from_store, OverviewOptions};
use crate::store::{utc_day, CollectionRun, SizeSnapshot, Store};
use crate::table::ReadOptions;

const DAY_MS: i64 = 86_400_000;
/// The bench's as-of (any fixed time: the figures are generated relative to it).
const AS_OF_MS: i64 = 1_796_083_200_000; // 2026-12-01T00:00:00Z

pub struct Options {
    /// Where the scratch store is written (replaced on every run).
    pub dir: PathBuf,
    pub tables: usize,
    /// Versions recorded per table with history (every third table is plain Parquet, with none).
    pub versions: usize,
    /// Daily points in the size chart.
    pub chart_days: usize,
    pub runs: usize,
}

/// One timed figure beside its goal.
#[derive(Debug, Clone, Serialize)]
pub struct GoalCheck {
    pub subject: String,
    pub ours_seconds: f64,
    pub goal_seconds: f64,
    /// goal / ours: above 1 the goal is met with room to spare.
    pub ratio: f64,
    pub met: bool,
}

impl GoalCheck {
    fn new(subject: String, ours: Duration, goal: Duration) -> Self {
        let (o, g) = (ours.as_secs_f64(), goal.as_secs_f64());
        GoalCheck { subject, ours_seconds: o, goal_seconds: g, ratio: if o > 0.0 { g / o } else { f64::INFINITY }, met: ours < goal }
    }
}

/// A figure as the store's SQL computed it and as generated (they must agree before timings count).
#[derive(Debug, Clone, Serialize)]
pub struct Agreement {
    pub figure: String,
    pub store: i64,
    pub expected: i64,
}

#[derive(Debug, Serialize)]
pub struct Report {
    pub runs: usize,
    pub tables: usize,
    pub versions_per_table: usize,
    /// Seconds to generate and load the scratch store (not timed against any goal).
    pub generate_seconds: f64,
    pub checks: Vec<Agreement>,
    pub goals: Vec<GoalCheck>,
}

/// The generated tables: (snapshot, versions) with figures derived from the table's index.
fn generate(tables: usize, versions: usize) -> Vec<(SizeSnapshot, Vec<HistoryRow>)> {
    (0..tables)
        .map(|i| {
            let format = [TableFormat::Iceberg, TableFormat::Delta, TableFormat::Parquet][i % 3];
            let history: Vec<HistoryRow> = if format == TableFormat::Parquet {
                Vec::new()
            } else {
                // Spread over the last 90 days; some tables shrink in their last version.
                (0..versions)
                    .map(|v| {
                        let t = AS_OF_MS - 90 * DAY_MS + (v as i64 * 90 * DAY_MS) / versions.max(1) as i64 + (i as i64 % 1000);
                        let grow = 1_000 * (i as u64 % 97 + 1) * (v as u64 + 1);
                        let bytes = if v + 1 == versions && i % 7 == 0 { grow / 3 } else { grow };
                        HistoryRow {
                            version: v as i64,
                            version_id: v.to_string(),
                            timestamp_ms: t,
                            operation: "WRITE".into(),
                            records: None,
                            data_files: v as u64 + 1,
                            data_bytes: bytes,
                            added_files: 1,
                            removed_files: 0,
                            added_bytes: 0,
                            removed_bytes: 0,
                        }
                    })
                    .collect()
            };
            let live = history.last().map_or(10_000 * (i as u64 % 13 + 1), |h| h.data_bytes);
            let snapshot = SizeSnapshot {
                source: "bench".into(),
                namespace: format!("schema_{:03}", i % 40),
                name: format!("table_{i:05}"),
                format,
                location: format!("file:///bench/table_{i:05}"),
                day: utc_day(AS_OF_MS),
                version_key: history.last().map_or_else(|| "files".to_string(), |h| h.version_id.clone()),
                run_id: "bench".into(),
                collected_ms: AS_OF_MS,
                version_id: history.last().map(|h| h.version_id.clone()),
                version_ms: history.last().map(|h| h.timestamp_ms),
                records: None,
                data_files: history.len() as u64,
                data_bytes: live,
                storage: StorageBreakdown {
                    total_bytes: live * 2 + 4_096,
                    total_files: 10,
                    live_bytes: live,
                    old_version_bytes: live / 2,
                    orphan_bytes: live / 2,
                    metadata_bytes: 4_096,
                    reclaimable_bytes: live / 3,
                },
            };
            (snapshot, history)
        })
        .collect()
}

pub async fn run(opts: &Options) -> Result<Report> {
    if opts.tables == 0 || opts.versions == 0 || opts.chart_days < 2 {
        return Err(Error::invalid("bench size needs at least 1 table, 1 version and 2 chart days"));
    }
    let runs = opts.runs.max(1);
    std::fs::create_dir_all(&opts.dir)?;
    let path = opts.dir.join("bench-size-store.db");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }

    // Generate and load (not timed against any goal).
    let t0 = Instant::now();
    let tables = generate(opts.tables, opts.versions);
    let store = Store::open(Some(&path.display().to_string())).await?;
    let run = CollectionRun {
        run_id: "bench".into(),
        started_ms: AS_OF_MS,
        finished_ms: None,
        as_of_ms: AS_OF_MS,
        sources_file: None,
        tables_total: tables.len() as u64,
        tables_recorded: tables.len() as u64,
        tables_present: 0,
        tables_failed: 0,
    };
    store.begin_run(&run).await?;
    store.import(&tables).await?;
    store.finish_run("bench", AS_OF_MS + 1, tables.len() as u64).await?;
    let generate_seconds = t0.elapsed().as_secs_f64();

    let profile = PriceProfile::resolve(None)?;
    let ov_opts = OverviewOptions { read: ReadOptions { as_of_ms: AS_OF_MS }, growth_days: 30, top: 10 };
    let rules = Rules::default();
    let mut samples = Vec::new();
    let mut o = None;
    for _ in 0..runs {
        let t = Instant::now();
        let got = overview_from_store(&store, &rules, &profile, &ov_opts).await?;
        samples.push(t.elapsed());
        o = Some(got);
    }
    store.close().await;
    let o = o.expect("at least one run");

    // The same figures from the generated rows, growth with the live overview's own function.
    let from = AS_OF_MS - 30 * DAY_MS;
    let sum = |f: fn(&SizeSnapshot) -> u64| tables.iter().map(|(s, _)| f(s)).sum::<u64>() as i64;
    let grown: Vec<(String, i64)> = tables
        .iter()
        .filter_map(|(s, h)| growth(h, from, AS_OF_MS).map(|(b, n)| (s.qualified_name(), n as i64 - b as i64)))
        .collect();
    let mut top = grown.clone();
    top.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let top_growth = top.first().map_or(0, |t| t.1);
    let checks = vec![
        Agreement { figure: "tables".into(), store: o.tables as i64, expected: tables.len() as i64 },
        Agreement { figure: "total_bytes".into(), store: o.total_bytes as i64, expected: sum(|s| s.storage.total_bytes) },
        Agreement { figure: "live_bytes".into(), store: o.live_bytes as i64, expected: sum(|s| s.storage.live_bytes) },
        Agreement {
            figure: "reclaimable_bytes".into(),
            store: o.reclaimable_bytes as i64,
            expected: sum(|s| s.storage.reclaimable_bytes),
        },
        Agreement { figure: "growth_bytes".into(), store: o.growth_bytes, expected: grown.iter().map(|g| g.1).sum() },
        Agreement {
            figure: "growth_unknown".into(),
            store: o.growth_unknown.len() as i64,
            expected: (tables.len() - grown.len()) as i64,
        },
        Agreement { figure: "schemas".into(), store: o.schemas.len() as i64, expected: opts.tables.min(40) as i64 },
        Agreement { figure: "top_mover_growth".into(), store: o.movers.first().map_or(0, |m| m.growth_bytes), expected: top_growth },
    ];
    if let Some(c) = checks.iter().find(|c| c.store != c.expected) {
        return Err(Error::internal(format!(
            "bench size: the store's {} is {} but the generated rows add up to {}: no timing reported",
            c.figure, c.store, c.expected
        )));
    }
    let movers_match = o.movers.iter().map(|m| (&m.table, m.growth_bytes)).eq(top.iter().take(10).map(|(t, g)| (t, *g)));
    if !movers_match {
        return Err(Error::internal("bench size: the store's movers differ from the generated rows' top 10"));
    }

    // The size chart of two years of daily points (a table's history as the History tab draws it).
    let points: Vec<HistoryRow> = (0..opts.chart_days)
        .map(|d| HistoryRow {
            version: d as i64,
            version_id: d.to_string(),
            timestamp_ms: AS_OF_MS - (opts.chart_days - d) as i64 * DAY_MS,
            operation: "WRITE".into(),
            records: Some(d as u64 * 1_000),
            data_files: d as u64 + 1,
            data_bytes: 1_000_000 + (d as u64 * 7_919) % 500_000 + d as u64 * 10_000,
            added_files: 1,
            removed_files: 0,
            added_bytes: 10_000,
            removed_bytes: 0,
        })
        .collect();
    let chart_opts = ChartOptions::default();
    let mut chart_samples = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        let svg = render_svg(&SizeChart { title: "Live data over time", history: &points }, &chart_opts)?;
        chart_samples.push(t.elapsed());
        if !svg.contains("Live data over time") {
            return Err(Error::internal("bench size: the size chart lost its title"));
        }
    }

    Ok(Report {
        runs,
        tables: opts.tables,
        versions_per_table: opts.versions,
        generate_seconds,
        checks,
        goals: vec![
            GoalCheck::new(
                format!("overview of {} tables from the store (SQLite)", opts.tables),
                median(&samples),
                Duration::from_millis(200),
            ),
            GoalCheck::new(
                format!("size chart of {} daily points (SVG)", opts.chart_days),
                median(&chart_samples),
                Duration::from_millis(50),
            ),
        ],
    })
}
