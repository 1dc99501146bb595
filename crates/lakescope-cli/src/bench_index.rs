//! `lakescope bench index`: a generated 100k-table / 1M-partition Hive Metastore in PostgreSQL, indexed
//! and searched, beside psql and a SQL ILIKE search on the metastore (see `lakescope::bench::index`).

use std::path::PathBuf;

use lakescope::bench::human_secs;
use lakescope::bench::index::{run, Options};
use lakescope::{Error, Result};

use crate::print_json;

#[derive(clap::Args)]
pub struct IndexArgs {
    /// The PostgreSQL server to generate the metastore on (default: $LAKESCOPE_TEST_PG_URL).
    #[arg(long)]
    pg: Option<String>,
    /// The database the generated metastore lives in (dropped and regenerated when its size differs).
    #[arg(long, default_value = "lakescope_bench_metastore")]
    database: String,
    #[arg(long, default_value_t = 100_000)]
    tables: u64,
    /// Partitions in all, over the half of the tables that are partitioned.
    #[arg(long, default_value_t = 1_000_000)]
    partitions: u64,
    #[arg(long, default_value_t = 3)]
    runs: usize,
    /// Where the scratch store goes (default: target/bench/index under the current directory).
    #[arg(long)]
    dir: Option<PathBuf>,
}

pub async fn bench(args: IndexArgs, json: bool) -> Result<()> {
    let pg_url = match args.pg.or_else(|| std::env::var("LAKESCOPE_TEST_PG_URL").ok().filter(|u| !u.is_empty())) {
        Some(u) => u,
        None => return Err(Error::invalid("give --pg postgres://… (or set LAKESCOPE_TEST_PG_URL): the server to generate the metastore on")),
    };
    let work_dir = match args.dir {
        Some(d) => d,
        None => std::env::current_dir()?.join("target/bench/index"),
    };
    let opts = Options {
        pg_url,
        database: args.database,
        tables: args.tables,
        partitions: args.partitions,
        runs: args.runs,
        limit: 20,
        work_dir,
    };
    let r = run(&opts).await?;
    if json {
        return print_json(&r);
    }
    let made = if r.generated { format!("generated in {}", human_secs(r.generate_seconds)) } else { "reused".into() };
    outln!("metastore: {} tables, {} partitions, {} columns ({made})", r.tables, r.partitions, r.columns);
    let c = &r.index;
    outln!(
        "full index: {} {}  vs  {} {}  → {:.2}x  (goal < {:.0} s: {})",
        c.ours,
        human_secs(c.ours_seconds),
        c.reference_tool,
        human_secs(c.reference_seconds),
        c.ratio,
        r.index_goal_seconds,
        if c.ours_seconds < r.index_goal_seconds { "met" } else { "MISSED" }
    );
    outln!(
        "refresh with nothing changed: {}; {} tables, {} bytes in the index (= metastore totalSize); loaded in {:.0} ms",
        human_secs(r.reindex_unchanged_seconds),
        r.tables_in_index,
        r.indexed_bytes,
        r.load_index_ms
    );
    outln!("{:<50} {:>8} {:>10} {:>10} {:>12}", "SEARCH, KEYSTROKE BY KEYSTROKE", "QUERIES", "P50", "P99", "P99 VS OURS");
    for l in &r.search {
        outln!("{:<50} {:>8} {:>7.3} ms {:>7.3} ms {:>11.1}x", l.engine, l.queries, l.p50_ms, l.p99_ms, l.p99_ratio);
    }
    let ours = r.search.last().map(|l| l.p99_ms).unwrap_or(f64::INFINITY);
    outln!("search goal p99 < {:.0} ms: {}", r.search_goal_p99_ms, if ours < r.search_goal_p99_ms { "met" } else { "MISSED" });
    Ok(())
}
