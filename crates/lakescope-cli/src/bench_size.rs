//! `lakescope bench size`: (a) the storage breakdown of an Iceberg and a Delta table with many files and
//! snapshots, ours beside pyiceberg's and deltalake's (equal figures required), goal < 1 s; then the
//! overview of 10,000 tables from the store and a two-year size chart, each timed beside the issue's
//! goal, after the store's figures are checked against the generated ones.

use std::path::PathBuf;

use lakescope::bench::{breakdown, find_python, human_secs};
use lakescope::bench::size::{run, Options};
use lakescope::Result;
use serde::Serialize;

use crate::print_json;

#[derive(clap::Args)]
pub struct SizeArgs {
    /// Tables in the generated store.
    #[arg(long, default_value_t = 10_000)]
    tables: usize,
    /// Versions recorded per Iceberg/Delta table (every third table is plain Parquet, with none).
    #[arg(long, default_value_t = 20)]
    versions: usize,
    /// Daily points in the size chart (two years by default).
    #[arg(long, default_value_t = 730)]
    chart_days: usize,
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// Where the scratch store and the generated tables go (default: target/bench under the current directory).
    #[arg(long)]
    dir: Option<PathBuf>,
    /// Data files written over the life of each breakdown table (pyiceberg / deltalake write them once).
    #[arg(long, default_value_t = 10_000)]
    files: usize,
    /// Snapshots (Iceberg) / versions (Delta) of each breakdown table.
    #[arg(long, default_value_t = 1_000)]
    snapshots: usize,
    /// Python with pyiceberg and deltalake (default: $LAKESCOPE_PYTHON, the checkout's .venv, python3).
    #[arg(long)]
    python: Option<PathBuf>,
    /// Skip part (a), the breakdown beside pyiceberg and deltalake (it needs the checkout's tests/py).
    #[arg(long)]
    skip_breakdown: bool,
}

#[derive(Serialize)]
struct Report {
    #[serde(flatten)]
    overview: lakescope::bench::size::Report,
    breakdown: Option<breakdown::Report>,
}

pub async fn bench(args: SizeArgs, json: bool) -> Result<()> {
    let dir = match args.dir {
        Some(d) => d,
        None => std::env::current_dir()?.join("target/bench"),
    };
    let breakdown = if args.skip_breakdown {
        None
    } else {
        let opts = breakdown::Options {
            dir: dir.clone(),
            files: args.files,
            snapshots: args.snapshots,
            runs: args.runs,
            python: find_python(args.python.as_deref()),
            scripts: breakdown::find_scripts()?,
        };
        Some(breakdown::run(&opts).await?)
    };
    let opts = Options { dir, tables: args.tables, versions: args.versions, chart_days: args.chart_days, runs: args.runs };
    let r = Report { overview: run(&opts).await?, breakdown };
    if json {
        return print_json(&r);
    }
    if let Some(b) = &r.breakdown {
        outln!(
            "(a) Storage breakdown of tables with {} data files over {} snapshots{}; equal figures checked first.",
            b.files,
            b.snapshots,
            b.generate_seconds.map_or(String::new(), |s| format!(" (written once in {})", human_secs(s)))
        );
        outln!("{:<52} {:>10} {:>12} {:>10} {:>8} {:>8}", format!("OURS: MEDIAN OF {} RUNS", r.overview.runs), "OURS", "REFERENCE", "THEIRS", "RATIO", "GOAL");
        for t in &b.tables {
            let c = &t.timing;
            outln!(
                "{:<52} {:>10} {:>12} {:>10} {:>7.1}x {:>8}{}",
                c.subject,
                human_secs(c.ours_seconds),
                c.reference_tool,
                human_secs(c.reference_seconds),
                c.ratio,
                human_secs(t.goal_seconds),
                if t.goal_met { "" } else { "  (goal missed)" }
            );
            let s = &t.ours;
            outln!(
                "    live {} · old versions {} · orphans {} · metadata {} · reclaimable {} bytes (as of {} ms)",
                s.live_bytes,
                s.old_version_bytes,
                s.orphan_bytes,
                s.metadata_bytes,
                s.reclaimable_bytes,
                t.as_of_ms
            );
        }
        outln!("");
    }
    let o = &r.overview;
    outln!(
        "Generated {} tables × {} versions into a scratch SQLite store in {} (not timed).",
        o.tables,
        o.versions_per_table,
        human_secs(o.generate_seconds)
    );
    outln!("Checked before timing: {}", o.checks.iter().map(|c| format!("{} {}", c.figure, c.store)).collect::<Vec<_>>().join(", "));
    outln!("");
    outln!("{:<52} {:>10} {:>10} {:>8}", format!("MEDIAN OF {} RUNS", o.runs), "OURS", "GOAL", "RATIO");
    for g in &o.goals {
        outln!(
            "{:<52} {:>10} {:>10} {:>7.1}x{}",
            g.subject,
            human_secs(g.ours_seconds),
            human_secs(g.goal_seconds),
            g.ratio,
            if g.met { "" } else { "  (goal missed)" }
        );
    }
    Ok(())
}
