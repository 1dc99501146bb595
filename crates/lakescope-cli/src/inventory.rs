//! `lakescope du <uri> --history` (one point per inventory of an `s3-inventory` / `hdfs-image` source)
//! and `lakescope bench inventory`.

use std::path::PathBuf;

use lakescope::bench::human_secs;
use lakescope::storage::DuOptions;
use lakescope::{Lakescope, Result, units};

use crate::print_json;

pub async fn history(ls: &Lakescope, uri: &str, json: bool) -> Result<()> {
    let h = ls.du_history(uri, &DuOptions::default()).await?;
    if json {
        return print_json(&h);
    }
    outln!("{}  (source {}, one point per inventory)", h.uri, h.source);
    for p in &h.points {
        outln!("  {}  {:>10}  {:>12} objects  {}", p.date, units::bytes(p.total_bytes), units::count(p.total_objects), p.report);
    }
    Ok(())
}

#[derive(clap::Args)]
pub struct InventoryArgs {
    /// Rows (objects) in the generated inventory.
    #[arg(long, default_value_t = 10_000_000)]
    rows: u64,
    /// Where the generated inventory goes (default: target/bench under the current directory).
    #[arg(long)]
    dir: Option<PathBuf>,
    /// Python with pyarrow and duckdb (default: $LAKESCOPE_PYTHON, ./.venv, python3).
    #[arg(long)]
    python: Option<PathBuf>,
    /// Only our side (no DuckDB).
    #[arg(long)]
    no_reference: bool,
}

pub async fn bench(args: InventoryArgs, json: bool) -> Result<()> {
    let dir = match args.dir {
        Some(d) => d,
        None => std::env::current_dir()?.join("target/bench"),
    };
    let opts = lakescope::bench::inventory::Options {
        rows: args.rows,
        dir,
        python: lakescope::bench::find_python(args.python.as_deref()),
        no_reference: args.no_reference,
    };
    let r = lakescope::bench::inventory::run(&opts).await?;
    if json {
        return print_json(&r);
    }
    outln!("Inventory of {} objects, generated in {} (not timed); totals checked on both sides.", units::count(r.rows), human_secs(r.generate_seconds));
    outln!("{:<8} {:>6} {:>10} {:>14} {:>10}  |  {:>10} {:>10} {:>7}", "FORMAT", "FILES", "OURS", "ROWS/S", "PEAK RSS", "DUCKDB", "ITS RSS", "RATIO");
    for f in &r.formats {
        outln!(
            "{:<8} {:>6} {:>10} {:>14} {:>10}  |  {:>10} {:>10} {:>7}{}",
            f.format,
            f.data_files,
            human_secs(f.ours_seconds),
            units::count(f.rows_per_second as u64),
            units::bytes(f.peak_rss_bytes),
            f.reference_seconds.map(human_secs).unwrap_or_default(),
            f.reference_peak_rss_bytes.map(units::bytes).unwrap_or_default(),
            f.ratio.map(|x| format!("{x:.2}x")).unwrap_or_default(),
            if f.goal_met { "" } else { "  (below the 2M rows/s goal)" }
        );
    }
    Ok(())
}
