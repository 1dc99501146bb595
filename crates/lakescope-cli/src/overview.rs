//! `lakescope overview`, `lakescope chart top-growth` and `lakescope chart cost`: the platform at a
//! glance as the app's Overview page shows it, and the charts drawn from the same figures.

use std::path::Path;

use lakescope::charts::{signed_bytes, ChartOptions, CostChart, SchemaChart, TopGrowthChart};
use lakescope::overview::{Overview, OverviewOptions};
use lakescope::store::Store;
use lakescope::{units, Error, Lakescope, Result};

use crate::size_cmds::Globals;
use crate::{open_sources, print_json};

#[derive(clap::Args)]
pub struct OverviewArgs {
    /// Price profile to put dollars on the bytes (see `lakescope cost --help`).
    #[arg(long)]
    profile: Option<String>,
    /// Findings rules (TOML), as for `lakescope findings`.
    #[arg(long)]
    rules: Option<std::path::PathBuf>,
    /// Active users, as for `lakescope findings`.
    #[arg(long)]
    active_users: Option<std::path::PathBuf>,
    /// Growth is measured over this many days before as-of.
    #[arg(long, default_value_t = 30)]
    days: i64,
    /// How many of the biggest movers to list.
    #[arg(long, default_value_t = 10)]
    top: usize,
    /// Add up the latest `collect` run at or before --as-of from the store instead of reading every
    /// table (findings need a live read and are left out).
    #[arg(long)]
    from_store: bool,
}

impl OverviewArgs {
    /// The overview from the store (`--from-store`) or from reading every table.
    async fn figures(&self, g: &Globals) -> Result<Overview> {
        if !self.from_store {
            return self.compute(&open_sources(g.sources.clone())?, g.as_of_ms).await;
        }
        // Reading never creates a store: without --store the default one must exist.
        let store = match &g.store {
            Some(s) => Store::open(Some(s)).await?,
            None if lakescope::store::default_store_path().is_file() => Store::open(None).await?,
            None => {
                return Err(Error::not_found(format!(
                    "no store at {}: run `lakescope collect` first or pass --store",
                    lakescope::store::default_store_path().display()
                )))
            }
        };
        let (rules, profile, opts) = self.settings(g.as_of_ms)?;
        let o = lakescope::overview::overview_from_store(&store, &rules, &profile, &opts).await;
        store.close().await;
        let o = o?;
        for f in &o.failures {
            eprintln!("warning: {}: {}", f.target, f.error.message);
        }
        Ok(o)
    }

    fn settings(&self, as_of_ms: i64) -> Result<(lakescope::findings::Rules, lakescope::cost::PriceProfile, OverviewOptions)> {
        if self.days <= 0 {
            return Err(Error::invalid(format!("--days must be at least 1 (got {})", self.days)));
        }
        let (rules, profile) =
            crate::size_cmds::finding_settings(self.profile.as_deref(), self.rules.as_deref(), self.active_users.as_deref())?;
        let opts = OverviewOptions {
            read: lakescope::table::ReadOptions { as_of_ms },
            growth_days: self.days,
            top: self.top,
        };
        Ok((rules, profile, opts))
    }

    async fn compute(&self, ls: &Lakescope, as_of_ms: i64) -> Result<Overview> {
        let (rules, profile, opts) = self.settings(as_of_ms)?;
        let o = ls.overview(&rules, &profile, &opts).await;
        for f in &o.failures {
            eprintln!("warning: {}: {}", f.target, f.error.message);
        }
        Ok(o)
    }
}

pub async fn overview(args: OverviewArgs, g: Globals) -> Result<()> {
    let o = args.figures(&g).await?;
    if g.json {
        return print_json(&o);
    }
    outln!("{} tables with {} ({})", o.tables, o.profile, units::datetime(o.as_of_ms));
    if let Some(b) = &o.from_store {
        outln!("  from the collection in {} finished {}", b.store, units::datetime(b.finished_ms));
    }
    outln!("  total        {:>10}  ${:.4}/month", units::bytes(o.total_bytes), o.usd_per_month);
    outln!("  live         {:>10}", units::bytes(o.live_bytes));
    outln!("  reclaimable  {:>10}", units::bytes(o.reclaimable_bytes));
    outln!("  growth       {:>10}  over {} days (${:+.4}/month)", signed_bytes(o.growth_bytes), o.growth_days, o.growth_usd_per_month);
    if !o.growth_unknown.is_empty() {
        outln!("  growth unknown (no history of their own): {}", o.growth_unknown.join(", "));
    }
    outln!("Biggest movers:");
    for m in &o.movers {
        outln!("  {:>10}  {}", signed_bytes(m.growth_bytes), m.table);
    }
    outln!("Schemas:");
    for s in &o.schemas {
        outln!("  {:>10}  {:>10} reclaimable  {}", units::bytes(s.total_bytes), units::bytes(s.reclaimable_bytes), s.schema);
    }
    if o.from_store.is_some() {
        outln!("Findings: not in the store (run `lakescope overview` or `lakescope findings` to read every table)");
        return Ok(());
    }
    outln!("Findings: {} saving ${:.4}/month (see `lakescope findings`)", o.findings.len(), o.findings_usd_per_month);
    Ok(())
}

/// Render the top-N growth chart of the overview to `out` (`.svg` or `.png`).
pub async fn chart(args: OverviewArgs, g: Globals, opts: &ChartOptions, out: &Path) -> Result<()> {
    let o = args.figures(&g).await?;
    let (title, movers) = lakescope::overview::top_growth_chart(&o.movers, o.growth_days);
    let bytes = lakescope::charts::render_for_path(&TopGrowthChart { title: &title, movers }, opts, out)?;
    std::fs::write(out, bytes).map_err(|e| Error::from(e).context(format!("writing {}", out.display())))?;
    if g.json {
        return print_json(&serde_json::json!({ "out": out, "movers": o.movers }));
    }
    outln!("{}", out.display());
    Ok(())
}

/// Render the overview's bytes per schema to `out` (`.svg` or `.png`).
pub async fn schema_chart(args: OverviewArgs, g: Globals, opts: &ChartOptions, out: &Path) -> Result<()> {
    let o = args.figures(&g).await?;
    let chart = SchemaChart { title: lakescope::overview::SCHEMA_CHART_TITLE, schemas: &o.schemas };
    let bytes = lakescope::charts::render_for_path(&chart, opts, out)?;
    std::fs::write(out, bytes).map_err(|e| Error::from(e).context(format!("writing {}", out.display())))?;
    if g.json {
        return print_json(&serde_json::json!({ "out": out, "schemas": o.schemas }));
    }
    outln!("{}", out.display());
    Ok(())
}

/// Render a table's cost over time (history and collected snapshots, priced) with its forecast.
pub async fn cost_chart(target: &str, args: OverviewArgs, g: Globals, opts: &ChartOptions, out: &Path) -> Result<()> {
    let ls = open_sources(g.sources)?;
    let profile = lakescope::cost::PriceProfile::resolve(args.profile.as_deref())?;
    // Collected snapshots from a named store, or from the default one if it exists (never created here).
    let store = match &g.store {
        Some(s) => Some(lakescope::store::Store::open(Some(s)).await?),
        None if lakescope::store::default_store_path().is_file() => Some(lakescope::store::Store::open(None).await?),
        None => None,
    };
    let read = lakescope::table::ReadOptions { as_of_ms: g.as_of_ms };
    let cost = ls.table_cost(target, &profile, &read, store.as_ref()).await;
    if let Some(s) = store {
        s.close().await;
    }
    let cost = cost?;
    let title = format!("{} — $ per month with {}", cost.table, cost.profile.name);
    let bytes = lakescope::charts::render_for_path(&CostChart { title: &title, cost: &cost }, opts, out)?;
    std::fs::write(out, bytes).map_err(|e| Error::from(e).context(format!("writing {}", out.display())))?;
    if g.json {
        return print_json(&serde_json::json!({ "out": out, "table": cost.table, "trend_points": cost.trend.len() }));
    }
    outln!("{}", out.display());
    Ok(())
}
