//! `lakescope bench size`: the overview of 10,000 tables from the store and a two-year size chart, each
//! timed beside the goal, after the store's figures are checked against the generated ones.

use std::path::PathBuf;

use lakescope::bench::human_secs;
use lakescope::bench::size::{run, Options};
use lakescope::Result;

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
    /// Where the scratch store goes (default: target/bench under the current directory).
    #[arg(long)]
    dir: Option<PathBuf>,
}

pub async fn bench(args: SizeArgs, json: bool) -> Result<()> {
    let dir = match args.dir {
        Some(d) => d,
        None => std::env::current_dir()?.join("target/bench"),
    };
    let opts = Options { dir, tables: args.tables, versions: args.versions, chart_days: args.chart_days, runs: args.runs };
    let r = run(&opts).await?;
    if json {
        return print_json(&r);
    }
    outln!(
        "Generated {} tables × {} versions into a scratch SQLite store in {} (not timed).",
        r.tables,
        r.versions_per_table,
        human_secs(r.generate_seconds)
    );
    outln!("Checked before timing: {}", r.checks.iter().map(|c| format!("{} {}", c.figure, c.store)).collect::<Vec<_>>().join(", "));
    outln!("");
    outln!("{:<52} {:>10} {:>10} {:>8}", format!("MEDIAN OF {} RUNS", r.runs), "OURS", "GOAL", "RATIO");
    for g in &r.goals {
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
