//! `lakescope index` and `lakescope search`: refresh the lookup index in the store, and search it.

use lakescope::cancel::CancelToken;
use lakescope::lookup::{IndexOutcome, Layer, Matched, SearchFilters};
use lakescope::store::Store;
use lakescope::{units, Lakescope, Result};

use crate::size_cmds::Globals;
use crate::{open_sources, print_json};

#[derive(clap::Args)]
pub struct SearchArgs {
    /// Words to look for in table names, columns, comments and owners (typos forgiven).
    query: String,
    /// Only tables of this source.
    #[arg(long)]
    source: Option<String>,
    /// iceberg, delta, parquet, or hive (tables registered in a Hive Metastore source).
    #[arg(long)]
    format: Option<String>,
    /// ods, mart, fact or personal (usr_*), as derived from names.
    #[arg(long)]
    layer: Option<String>,
    /// Only tables with this owner (case-insensitive).
    #[arg(long)]
    owner: Option<String>,
    #[arg(long, default_value_t = 20)]
    limit: usize,
}

/// Refresh the index; progress on stderr, Ctrl-C cancels between tables.
pub async fn index(g: Globals) -> Result<()> {
    let ls = open_sources(g.sources)?;
    let store = Store::open(g.store.as_deref()).await?;
    let report = refresh(&ls, &store).await;
    store.close().await;
    let report = report?;
    for e in &report.errors {
        eprintln!("warning: {}: {}", e.target, e.error.message);
    }
    if g.json {
        return print_json(&report);
    }
    outln!(
        "{} tables listed: {} indexed, {} unchanged, {} removed, {} failed; {} in the index at {} ({} ms)",
        report.tables_listed,
        report.indexed,
        report.unchanged,
        report.removed,
        report.failed,
        report.tables_in_index,
        report.store,
        report.elapsed_ms
    );
    Ok(())
}

async fn refresh(ls: &Lakescope, store: &Store) -> Result<lakescope::lookup::IndexReport> {
    let cancel = CancelToken::new();
    let on_ctrl_c = cancel.clone();
    let watcher = tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            on_ctrl_c.cancel();
        }
    });
    let progress = |p: &lakescope::lookup::IndexProgress| {
        // A metastore of 100k tables would print 100k lines: past a thousand, every thousandth and failures.
        if p.total > 1000 && !p.done.is_multiple_of(1000) && p.done != p.total && p.outcome != IndexOutcome::Failed {
            return;
        }
        let what = match p.outcome {
            IndexOutcome::Indexed => "indexed",
            IndexOutcome::Unchanged => "unchanged",
            IndexOutcome::Failed => "FAILED",
        };
        eprintln!("[{}/{}] {} {what}", p.done, p.total, p.table);
    };
    let report = ls.refresh_index(store, &cancel, &progress).await;
    watcher.abort();
    report
}

/// Search the index (built first if the store has never held one).
pub async fn search(args: SearchArgs, g: Globals) -> Result<()> {
    let filters = SearchFilters {
        source: args.source,
        format: args.format,
        layer: args.layer.as_deref().map(Layer::parse).transpose()?,
        owner: args.owner,
    };
    filters.validate()?;
    let store = Store::open(g.store.as_deref()).await?;
    let mut index = Lakescope::load_index(&store).await?;
    if index.is_empty() && store.lookup_errors().await?.is_empty() {
        eprintln!("note: the index in {} is empty; indexing every source first", store.display());
        let ls = open_sources(g.sources)?;
        refresh(&ls, &store).await?;
        index = Lakescope::load_index(&store).await?;
    }
    store.close().await;
    let hits = index.search(&args.query, &filters, args.limit);
    if g.json {
        return print_json(&hits);
    }
    if hits.is_empty() {
        outln!("no table matches {:?} among {} indexed tables", args.query, index.len());
    }
    for h in &hits {
        let field = match h.matched {
            Matched::Name => "schema",
            Matched::Column => "column",
            Matched::Comment => "comment",
            Matched::Owner => "owner",
        };
        let why = h.matched_text.as_ref().map(|t| format!("  ({field}: {t})")).unwrap_or_default();
        let fresh = h.last_modified_ms.map(units::datetime).unwrap_or_else(|| "-".into());
        outln!(
            "{}.{}.{}  {}  {}  {}{why}",
            h.source,
            h.namespace,
            h.name,
            h.format,
            units::bytes(h.data_bytes),
            fresh
        );
    }
    Ok(())
}

/// `lakescope bench search`: ours vs SQLite LIKE and FTS5 over the same synthetic rows.
pub async fn bench(tables: usize, runs: usize, json: bool) -> Result<()> {
    let report = lakescope::bench::search::run(&lakescope::bench::search::Options { tables, runs, limit: 20 }).await?;
    if json {
        return print_json(&report);
    }
    outln!(
        "{} tables, {} columns; typed keystroke by keystroke: {:?}",
        report.tables,
        report.columns,
        report.typed
    );
    outln!("build: in-memory index {:.0} ms, SQLite rows + FTS5 {:.0} ms", report.build_index_ms, report.build_sqlite_ms);
    outln!("{:<36} {:>8} {:>10} {:>10} {:>10} {:>12}", "ENGINE", "QUERIES", "P50", "P99", "MAX", "P99 vs OURS");
    for l in &report.latencies {
        outln!(
            "{:<36} {:>8} {:>7.3} ms {:>7.3} ms {:>7.3} ms {:>11.1}x",
            l.engine,
            l.queries,
            l.p50_ms,
            l.p99_ms,
            l.max_ms,
            l.p99_ratio
        );
    }
    Ok(())
}
