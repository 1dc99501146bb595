//! `lakescope lint-names`: check every table's schema, name prefix, owner and comment against naming
//! rules (built-in medallion layout, or `--rules FILE`), printed per schema.

use std::path::PathBuf;

use lakescope::cancel::CancelToken;
use lakescope::naming::{NamingRules, NamingReport};
use lakescope::store::Store;
use lakescope::Result;

use crate::size_cmds::Globals;
use crate::{open_sources, print_json};

#[derive(clap::Args)]
pub struct LintNamesArgs {
    /// A naming rules TOML file. Default: the built-in medallion layout (ods/mart/fact, usr_<name>).
    #[arg(long)]
    rules: Option<PathBuf>,
}

/// Refresh the lookup index (only changed tables are re-read), then lint it; Ctrl-C cancels.
pub async fn run(args: LintNamesArgs, g: Globals) -> Result<()> {
    let rules = NamingRules::load(args.rules.as_deref())?;
    let ls = open_sources(g.sources)?;
    let store = Store::open(g.store.as_deref()).await?;
    let cancel = CancelToken::new();
    let on_ctrl_c = cancel.clone();
    let watcher = tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            on_ctrl_c.cancel();
        }
    });
    let report = ls.lint_names(&store, &rules, &cancel).await;
    watcher.abort();
    store.close().await;
    let report = report?;
    for e in &report.unchecked {
        eprintln!("warning: not checked: {}: {}", e.target, e.error.message);
    }
    if g.json {
        return print_json(&report);
    }
    print_human(&report);
    Ok(())
}

fn print_human(r: &NamingReport) {
    for s in r.schemas.iter().filter(|s| !s.violations.is_empty()) {
        let layer = s.layer.as_deref().map(|l| format!(" ({l})")).unwrap_or_default();
        outln!("{}.{}{layer}: {} violations among {} tables", s.source, s.schema, s.violations.len(), s.tables);
        for v in &s.violations {
            outln!("  {:<8} {:<32} {}", v.rule.as_str(), v.table, v.message);
        }
    }
    let clean = r.schemas.iter().filter(|s| s.violations.is_empty()).count();
    outln!(
        "{} violations in {} tables checked against {}; {} of {} schemas clean",
        r.violation_count,
        r.tables_checked,
        r.rules,
        clean,
        r.schemas.len()
    );
}
