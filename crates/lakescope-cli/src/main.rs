//! `lakescope`: the command line over the engine's facade. Every subcommand parses its arguments, calls
//! one facade function and prints the result as JSON (`--json`) or as a human table. Nothing else.

/// `println!` that ends the program quietly when stdout is closed (`lakescope tables | head`), as
/// command-line tools do, instead of panicking on the broken pipe.
macro_rules! outln {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        if writeln!(std::io::stdout().lock(), $($t)*).is_err() {
            std::process::exit(0);
        }
    }};
}

mod bench_index;
mod bench_size;
mod check;
mod credentials;
mod du;
mod human;
mod inventory;
mod lookup;
mod naming;
mod size_cmds;
mod metastore;
mod orphans;
mod tablepage;
mod tutorials;
mod overview;
mod trainer;
mod versions;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use lakescope::charts::{ChartOptions, SizeChart, Theme};
use lakescope::demo::DemoOptions;
use lakescope::table::ReadOptions;
use lakescope::{Error, Lakescope, Result};
use serde::Serialize;

#[derive(Parser)]
#[command(name = "lakescope", version = lakescope::version::VERSION_LINE, about = "Explore data platforms: catalogs, tables, size, history")]
struct Cli {
    /// Sources file (TOML). Default: the user's config dir, else the demo lakehouse's.
    #[arg(long, global = true, env = "LAKESCOPE_SOURCES")]
    sources: Option<PathBuf>,
    /// Print one JSON document on stdout (errors as {"error":{…}} on stderr).
    #[arg(long, global = true)]
    json: bool,
    /// "Now" for clock-dependent figures (reclaimable bytes, retention), RFC 3339. Default: now.
    #[arg(long, global = true, value_parser = parse_time)]
    as_of: Option<i64>,
    /// Lakescope's own store: `sqlite://FILE`, a file path, or `postgres://…`. Default: the user's data dir.
    #[arg(long, global = true, env = "LAKESCOPE_STORE")]
    store: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build (or reuse) the demo lakehouse and print its sources file.
    Demo {
        /// Where to build it. Default: the user's data dir.
        #[arg(long)]
        dir: Option<PathBuf>,
        /// Day 0 of the demo's history (YYYY-MM-DD). Default: today (UTC).
        #[arg(long)]
        anchor: Option<chrono::NaiveDate>,
        /// Rebuild even if a complete build exists.
        #[arg(long)]
        force: bool,
    },
    /// List every table of every source.
    Tables,
    /// Show a table: schema, current size, partitions, storage breakdown.
    Table {
        /// `source.namespace.name`, `namespace.name`, `name`, or a location.
        target: String,
    },
    /// Show a table's versions / snapshots, oldest first.
    History { target: String },
    /// Every retained version / snapshot with the files, bytes and rows it added and removed.
    Versions { target: String },
    /// Two versions side by side: totals, files added and removed, schema changes.
    Diff {
        target: String,
        /// Delta version or Iceberg snapshot id (as `versions` prints them).
        from: String,
        to: String,
        /// Files listed per side (the totals count them all).
        #[arg(long, default_value_t = lakescope::versions::DEFAULT_FILE_LIMIT)]
        limit: usize,
    },
    /// Show what a Hive Metastore registers for a table: owner, parameters, partitions with locations.
    Metastore { target: String },
    /// The first rows of a table's current version, read from its first data files (never a scan).
    Sample {
        target: String,
        /// Rows to show (1 to 1000).
        #[arg(long, default_value_t = lakescope::sample::DEFAULT_LIMIT)]
        limit: u32,
    },
    /// The SELECT and the CREATE TABLE (Spark SQL) for a table.
    Ddl { target: String },
    /// Test a configured source with one cheap read-only call; fails with the kind of what failed.
    Check { source: String },
    /// A source's credentials in the OS keychain: set (value from stdin), list (stored or not), delete.
    #[command(subcommand)]
    Credentials(credentials::CredentialsCommand),
    /// Objects and bytes under a location (local path, s3://, gs://, az://), per child prefix.
    Du {
        uri: String,
        /// How many path levels the children are (0: totals only).
        #[arg(long, default_value_t = 1)]
        depth: usize,
        /// The location's size per inventory (an `s3-inventory` / `hdfs-image` source), oldest first.
        #[arg(long)]
        history: bool,
    },
    /// Measure against the tool a user would otherwise run, side by side (use a release build).
    #[command(subcommand)]
    Bench(BenchCommand),
    /// Spark applications: allocated vs used memory per executor and job, advice and warnings.
    Spark {
        /// Event-log files, directories (of many applications, or one eventlog_v2_* directory),
        /// s3:// gs:// az:// prefixes, or http(s):// History Server URLs.
        #[arg(required = true)]
        inputs: Vec<String>,
        /// Print advice across runs of the same application name instead of the applications.
        #[arg(long)]
        runs: bool,
        #[command(flatten)]
        prices: PriceArgs,
    },
    /// Record a size snapshot of every table (and top-level prefix) of every source into the store.
    Collect(size_cmds::CollectArgs),
    /// Read back what `collect` recorded: table snapshots, prefix snapshots or runs.
    Snapshots(size_cmds::SnapshotsArgs),
    /// A table's storage cost per day and month by breakdown, its trend and a 30/90-day forecast.
    Cost(size_cmds::CostArgs),
    /// Savings ranked by $/month (vacuum/expire due, orphan files, partitions past retention, unused
    /// tables, departed owners, small files), each with
    /// the Spark SQL to copy. Never runs anything.
    Findings(size_cmds::FindingsArgs),
    /// The orphan files of a table that remove_orphan_files (Iceberg) / VACUUM (Delta) would delete as of
    /// `--as-of`, one by one.
    Orphans { target: String },
    /// Tutorials (bundled, or `--dir`) with a user's progress in the store; fails naming file and line
    /// of any invalid tutorial file.
    Tutorials(tutorials::TutorialsArgs),
    /// The platform at a glance: total bytes and $/month, growth, biggest movers, findings.
    Overview(overview::OverviewArgs),
    /// Refresh the lookup index (every table's names, columns, owner, size) in the store; only tables
    /// whose version changed are re-read.
    Index,
    /// Fuzzy search over the lookup index: table names, then columns, comments and owners.
    Search(lookup::SearchArgs),
    /// Check schemas, table-name prefixes, owners and comments against naming rules, per schema.
    LintNames(naming::LintNamesArgs),
    /// Render a chart to an SVG or PNG file.
    Chart {
        #[arg(value_enum)]
        kind: ChartKind,
        /// The table (`size`) or event log (`memory`); `top-growth` takes none.
        target: Option<String>,
        #[arg(long)]
        out: PathBuf,
        #[arg(long, value_enum, default_value = "light")]
        theme: ThemeArg,
        #[arg(long, default_value_t = 900)]
        width: u32,
        #[arg(long, default_value_t = 320)]
        height: u32,
        /// For `memory`: the application id (needed when the input holds several).
        #[arg(long)]
        app: Option<String>,
        /// For `top-growth`: price profile, rules, window and number of tables.
        #[command(flatten)]
        overview: overview::OverviewArgs,
    },
}

/// Prices of memory- and core-hours (defaults: cloud on-demand list prices, see `spark::cost`).
#[derive(clap::Args)]
struct PriceArgs {
    /// Price executors with this price profile's `[compute]` prices: a built-in name, a profile saved in
    /// Settings (`NAME.toml` in the config dir's `prices/`) or a file (see `lakescope cost --help`).
    #[arg(long)]
    profile: Option<String>,
    /// $ per GiB-hour of executor memory (overrides the profile's).
    #[arg(long)]
    usd_per_gib_hour: Option<f64>,
    /// $ per vcore-hour (overrides the profile's).
    #[arg(long)]
    usd_per_vcore_hour: Option<f64>,
}

impl PriceArgs {
    fn prices(&self) -> lakescope::Result<lakescope::spark::Prices> {
        let d = match &self.profile {
            Some(p) => lakescope::cost::PriceProfile::resolve(Some(p))?.compute,
            None => lakescope::spark::Prices::default(),
        };
        Ok(lakescope::spark::Prices {
            usd_per_gib_hour: self.usd_per_gib_hour.unwrap_or(d.usd_per_gib_hour),
            usd_per_vcore_hour: self.usd_per_vcore_hour.unwrap_or(d.usd_per_vcore_hour),
        })
    }
}

#[derive(clap::Args)]
pub(crate) struct BenchDuArgs {
    /// Local directory (default: the demo lakehouse).
    #[arg(long)]
    dir: Option<PathBuf>,
    /// Generate (once, kept under target/bench) and measure a local tree of this many files.
    #[arg(long)]
    local_files: Option<u64>,
    /// An s3://bucket/prefix (endpoint and credentials from AWS_* in the environment).
    #[arg(long)]
    s3: Option<String>,
    /// Fill the --s3 prefix up to this many objects first (outside the timing; over HTTP, slow).
    #[arg(long, requires = "s3")]
    s3_objects: Option<u64>,
    /// Start a moto S3 server holding this many objects (a warehouse-shaped tree, filled in-process in
    /// under a minute per million) and measure it instead of --s3; the server is stopped afterwards.
    #[arg(long, conflicts_with = "s3")]
    s3_moto_objects: Option<u64>,
    /// The S3 tools to time ours against: boto3 (its paginated listing), aws (`aws s3 ls --recursive
    /// --summarize`, if found).
    #[arg(long, value_delimiter = ',', default_value = "boto3,aws", value_parser = ["boto3", "aws"])]
    s3_references: Vec<String>,
    /// The AWS CLI to compare with (default: `aws` beside the Python, else on PATH).
    #[arg(long)]
    aws: Option<PathBuf>,
    #[arg(long, default_value_t = 5)]
    runs: usize,
    #[arg(long)]
    python: Option<PathBuf>,
}

#[derive(Subcommand)]
enum BenchCommand {
    /// Storage du: ours vs `du -sb` on a local tree, and vs boto3's listing and `aws s3 ls` on S3.
    Du(BenchDuArgs),
    /// Spark: our executor/job memory summary vs the History Server's /allexecutors on a ≥ 300 MB log.
    Spark {
        /// Use this event log (file or directory) instead of building one with a real Spark run.
        #[arg(long)]
        log: Option<PathBuf>,
        /// Minimum uncompressed size of the generated log, in MB.
        #[arg(long, default_value_t = 300)]
        min_mb: u64,
        #[arg(long)]
        python: Option<PathBuf>,
        /// Only our side: time, throughput and peak RSS (no History Server).
        #[arg(long)]
        no_history_server: bool,
    },
    /// History with per-version totals: ours vs pyiceberg / deltalake on tables with many versions.
    History {
        #[arg(long, default_value_t = 5)]
        runs: usize,
        #[arg(long, default_value_t = 365)]
        min_versions: usize,
        /// Python with pyiceberg and deltalake (default: $LAKESCOPE_PYTHON, ./.venv, python3).
        #[arg(long)]
        python: Option<PathBuf>,
    },
    /// Ctrl+K search over 100k synthetic tables: p50/p99 per keystroke vs SQLite LIKE and FTS5.
    Search {
        #[arg(long, default_value_t = 100_000)]
        tables: usize,
        #[arg(long, default_value_t = 3)]
        runs: usize,
    },
    /// Overview of 10k tables from the store (goal < 200 ms) and a 2-year size chart (goal < 50 ms).
    Size(bench_size::SizeArgs),
    /// A generated 100k-table / 1M-partition metastore: full index (goal < 20 s) vs psql, search p99 vs ILIKE.
    Index(bench_index::IndexArgs),
    /// Read a 10M-row S3 Inventory (CSV gzip, Parquet): rows/s and peak RSS vs DuckDB on the same files.
    Inventory(inventory::InventoryArgs),
}

#[derive(Clone, Copy, ValueEnum)]
enum ChartKind {
    /// Table size over time.
    Size,
    /// Per-executor allocated vs peak memory of a Spark application, stacked by component.
    Memory,
    /// The top-N tables by growth of live data over a window (`--days`, `--top`).
    TopGrowth,
    /// A table's cost over time and its forecast (`--profile`), as `lakescope cost` computes them.
    Cost,
    /// Bytes per schema, stacked live / reclaimable / other, from the overview's figures (`--from-store`).
    Schemas,
}

#[derive(Clone, Copy, ValueEnum)]
enum ThemeArg {
    Light,
    Dark,
}

fn parse_time(s: &str) -> std::result::Result<i64, String> {
    chrono::DateTime::parse_from_rfc3339(s)
        .map(|t| t.timestamp_millis())
        .map_err(|e| format!("{s:?} is not an RFC 3339 time (e.g. 2026-03-01T00:00:00Z): {e}"))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let json = cli.json;
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime");
    match rt.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if json {
                let doc = serde_json::json!({ "error": e.to_report() });
                eprintln!("{doc}");
            } else {
                eprintln!("error: {}", e.detailed());
            }
            ExitCode::from(match e.kind {
                lakescope::ErrorKind::NotFound => 3,
                lakescope::ErrorKind::InvalidInput => 2,
                lakescope::ErrorKind::Cancelled => 130,
                _ => 1,
            })
        }
    }
}

async fn run(cli: Cli) -> Result<()> {
    let read = ReadOptions { as_of_ms: cli.as_of.unwrap_or_else(|| chrono::Utc::now().timestamp_millis()) };
    let globals = size_cmds::Globals { sources: cli.sources.clone(), store: cli.store.clone(), json: cli.json, as_of_ms: read.as_of_ms };
    match cli.command {
        Command::Collect(args) => size_cmds::collect(args, globals).await,
        Command::Snapshots(args) => size_cmds::snapshots(args, globals).await,
        Command::Cost(args) => size_cmds::cost(args, globals).await,
        Command::Findings(args) => size_cmds::findings(args, globals).await,
        Command::Orphans { target } => orphans::run(&target, globals).await,
        Command::Tutorials(args) => tutorials::run(args, cli.store.as_deref(), cli.json).await,
        Command::Overview(args) => overview::overview(args, globals).await,
        Command::Chart { kind: ChartKind::TopGrowth, target: None, out, theme, width, height, app: _, overview: args } => {
            let theme = if matches!(theme, ThemeArg::Dark) { Theme::Dark } else { Theme::Light };
            overview::chart(args, globals, &ChartOptions { width, height, theme }, &out).await
        }
        Command::Chart { kind: ChartKind::TopGrowth, target: Some(t), .. } => {
            Err(Error::invalid(format!("`chart top-growth` covers every table; drop {t:?}")))
        }
        Command::Chart { kind: ChartKind::Cost, target: Some(target), out, theme, width, height, app: _, overview: args } => {
            let theme = if matches!(theme, ThemeArg::Dark) { Theme::Dark } else { Theme::Light };
            overview::cost_chart(&target, args, globals, &ChartOptions { width, height, theme }, &out).await
        }
        Command::Chart { kind: ChartKind::Schemas, target: None, out, theme, width, height, app: _, overview: args } => {
            let theme = if matches!(theme, ThemeArg::Dark) { Theme::Dark } else { Theme::Light };
            overview::schema_chart(args, globals, &ChartOptions { width, height, theme }, &out).await
        }
        Command::Chart { kind: ChartKind::Schemas, target: Some(t), .. } => {
            Err(Error::invalid(format!("`chart schemas` covers every table; drop {t:?}")))
        }
        Command::Chart { target: None, .. } => Err(Error::invalid("`chart size`, `chart cost` and `chart memory` need a table or event log")),
        Command::Index => lookup::index(globals).await,
        Command::Check { source } => check::run(&source, globals).await,
        Command::Credentials(cmd) => credentials::run(cmd, globals).await,
        Command::Search(args) => lookup::search(args, globals).await,
        Command::LintNames(args) => naming::run(args, globals).await,
        Command::Bench(BenchCommand::Search { tables, runs }) => lookup::bench(tables, runs, cli.json).await,
        Command::Bench(BenchCommand::Size(args)) => bench_size::bench(args, cli.json).await,
        Command::Bench(BenchCommand::Index(args)) => bench_index::bench(args, cli.json).await,
        Command::Bench(BenchCommand::Inventory(args)) => inventory::bench(args, cli.json).await,
        Command::Demo { dir, anchor, force } => {
            let dir = dir.unwrap_or_else(lakescope::sources::default_demo_dir);
            let info = lakescope::demo::build(&DemoOptions { dir, anchor, force }).await?;
            if cli.json {
                print_json(&info)
            } else {
                outln!("{}", info.sources_file);
                Ok(())
            }
        }
        Command::Tables => {
            let ls = open_sources(cli.sources)?;
            let listing = ls.tables().await;
            for e in &listing.errors {
                eprintln!("warning: source {}: {}", e.source, e.error.message);
            }
            if cli.json { print_json(&listing.tables) } else { human::tables(&listing.tables) }
        }
        Command::Table { target } => {
            let ls = open_sources_for(cli.sources, &target)?;
            let info = ls.table(&target, &read).await?;
            if cli.json { print_json(&info) } else { human::table(&info) }
        }
        Command::Du { uri, depth, history } => {
            // A sources file only lends its store options (endpoint, region) to locations inside it.
            let ls = match cli.sources {
                Some(p) => open_sources(Some(p))?,
                None => open_sources(None).unwrap_or_else(|_| Lakescope::new(Vec::new(), None)),
            };
            if history {
                return inventory::history(&ls, &uri, cli.json).await;
            }
            let report = du::run(&ls, &uri, depth).await?;
            if cli.json { print_json(&report) } else { du::human(&report) }
        }
        Command::History { target } => {
            let ls = open_sources_for(cli.sources, &target)?;
            let rows = ls.history(&target).await?;
            if cli.json { print_json(&rows) } else { human::history(&rows) }
        }
        Command::Versions { target } => versions::versions(&open_sources_for(cli.sources, &target)?, &target, cli.json).await,
        Command::Diff { target, from, to, limit } => {
            versions::diff(&open_sources_for(cli.sources, &target)?, &target, &from, &to, limit, cli.json).await
        }
        Command::Metastore { target } => metastore::run(&open_sources(cli.sources)?, &target, cli.json).await,
        Command::Sample { target, limit } => tablepage::sample(&open_sources_for(cli.sources, &target)?, &target, Some(limit), cli.json).await,
        Command::Ddl { target } => tablepage::ddl(&open_sources_for(cli.sources, &target)?, &target, &read, cli.json).await,
        Command::Bench(BenchCommand::Du(args)) => du::bench(args, cli.json),
        Command::Bench(BenchCommand::History { runs, min_versions, python }) => {
            let sources_file = match cli.sources {
                Some(p) => p,
                None => {
                    let dir = lakescope::sources::default_demo_dir();
                    let info = lakescope::demo::build(&DemoOptions { dir, anchor: None, force: false }).await?;
                    PathBuf::from(info.sources_file)
                }
            };
            let opts = lakescope::bench::history::Options {
                sources_file,
                python: lakescope::bench::find_python(python.as_deref()),
                runs: runs.max(1),
                min_versions,
                cli: std::env::current_exe().ok(),
            };
            let report = lakescope::bench::history::run(&opts).await?;
            if cli.json { print_json(&report) } else { human::bench(&report) }
        }
        Command::Spark { inputs, runs, prices } => {
            // As for du: a prefix inside a configured storage source opens with its options.
            let ls = match cli.sources {
                Some(p) => open_sources(Some(p))?,
                None => open_sources(None).unwrap_or_else(|_| Lakescope::new(Vec::new(), None)),
            };
            // Ctrl-C stops a slow History Server or listing (exit 130, like du).
            let cancel = lakescope::cancel::CancelToken::new();
            let on_ctrl_c = cancel.clone();
            let watcher = tokio::spawn(async move {
                if tokio::signal::ctrl_c().await.is_ok() {
                    on_ctrl_c.cancel();
                }
            });
            let got = ls.spark_apps_in_sources(&inputs, &prices.prices()?, &cancel).await;
            watcher.abort();
            if cancel.is_cancelled() {
                return Err(match got.errors.iter().find(|e| e.error.kind == lakescope::ErrorKind::Cancelled) {
                    Some(e) => Error::new(e.error.kind, e.error.message.clone()),
                    None => lakescope::cancel::cancelled(format!("reading {}", inputs.join(", "))),
                });
            }
            for e in &got.errors {
                eprintln!("warning: {}: {}", e.input, e.error.message);
            }
            if let (true, Some(e)) = (got.apps.is_empty(), got.errors.first()) {
                return Err(Error::new(e.error.kind, e.error.message.clone()));
            }
            match (runs, cli.json) {
                (true, true) => print_json(&got.runs),
                (false, true) => print_json(&got.apps),
                (true, false) => human::spark_runs(&got.runs),
                (false, false) => human::spark(&got.apps),
            }
        }
        Command::Bench(BenchCommand::Spark { log, min_mb, python, no_history_server }) => {
            let opts = lakescope::bench::spark::Options {
                log,
                min_bytes: min_mb * 1_000_000,
                python: lakescope::bench::find_python(python.as_deref()),
                cache_dir: std::env::current_dir()?.join("target/bench"),
                skip_history_server: no_history_server,
            };
            let report = lakescope::bench::spark::run(&opts).await?;
            if cli.json { print_json(&report) } else { human::bench_spark(&report) }
        }
        Command::Chart { kind: ChartKind::Memory, target: Some(target), out, theme, width, height, app, overview: _ } => {
            let summary = Lakescope::spark_app(&target, app.as_deref(), &Default::default()).await?;
            let theme = match theme {
                ThemeArg::Light => Theme::Light,
                ThemeArg::Dark => Theme::Dark,
            };
            let opts = ChartOptions { width, height, theme };
            let chart = lakescope::charts::MemoryChart { app: &summary };
            let bytes = lakescope::charts::render_for_path(&chart, &opts, &out)?;
            std::fs::write(&out, bytes).map_err(|e| Error::from(e).context(format!("writing {}", out.display())))?;
            if !cli.json {
                println!("{}", out.display());
                return Ok(());
            }
            print_json(&serde_json::json!({ "out": out }))
        }
        Command::Chart { kind: ChartKind::Size, target: Some(target), out, theme, width, height, app: _, overview: _ } => {
            let ls = open_sources_for(cli.sources, &target)?;
            let rows = ls.history(&target).await?;
            let theme = match theme {
                ThemeArg::Light => Theme::Light,
                ThemeArg::Dark => Theme::Dark,
            };
            let opts = ChartOptions { width, height, theme };
            let bytes = lakescope::charts::render_for_path(&SizeChart { title: &target, history: &rows }, &opts, &out)?;
            std::fs::write(&out, bytes).map_err(|e| Error::from(e).context(format!("writing {}", out.display())))?;
            if cli.json {
                print_json(&serde_json::json!({ "out": out }))
            } else {
                outln!("{}", out.display());
                Ok(())
            }
        }
    }
}

/// The sources to use: `--sources`, else the user's sources file, else the demo lakehouse's.
/// Sources for a command about one `target`: a location (a path or URL) needs no sources file — one
/// only lends its store options (endpoint, region) to locations inside it — so only a table *name*
/// fails when there is none.
fn open_sources_for(explicit: Option<PathBuf>, target: &str) -> Result<Lakescope> {
    let is_location = target.contains('/');
    match open_sources(explicit.clone()) {
        Err(e) if explicit.is_none() && is_location && e.kind == lakescope::ErrorKind::NotFound => Ok(Lakescope::new(Vec::new(), None)),
        r => r,
    }
}

fn open_sources(explicit: Option<PathBuf>) -> Result<Lakescope> {
    if let Some(p) = explicit {
        return Lakescope::from_sources_file(&p);
    }
    let user = lakescope::sources::default_sources_path();
    if user.exists() {
        return Lakescope::from_sources_file(&user);
    }
    let demo = lakescope::sources::default_demo_dir().join("sources.toml");
    if demo.exists() {
        return Lakescope::from_sources_file(&demo);
    }
    Err(Error::not_found(format!(
        "no sources file: pass --sources FILE, create {}, or run `lakescope demo` first",
        user.display()
    )))
}

fn print_json<T: Serialize>(value: &T) -> Result<()> {
    let text = serde_json::to_string_pretty(value)?;
    outln!("{text}");
    Ok(())
}
