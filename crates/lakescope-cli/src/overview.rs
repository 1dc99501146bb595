//! `lakescope overview` and `lakescope chart top-growth`: the platform at a glance, as the app's
//! Overview page shows it.

use std::path::Path;

use lakescope::charts::{signed_bytes, ChartOptions, TopGrowthChart};
use lakescope::overview::{Overview, OverviewOptions};
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
}

impl OverviewArgs {
    async fn compute(&self, ls: &Lakescope, as_of_ms: i64) -> Result<Overview> {
        if self.days <= 0 {
            return Err(Error::invalid(format!("--days must be at least 1 (got {})", self.days)));
        }
        let profile = lakescope::cost::PriceProfile::resolve(self.profile.as_deref())?;
        let mut rules = match &self.rules {
            Some(p) => lakescope::findings::Rules::load(p)?,
            None => lakescope::findings::Rules::default(),
        };
        if let Some(p) = &self.active_users {
            rules.load_active_users(p)?;
        }
        let opts = OverviewOptions {
            read: lakescope::table::ReadOptions { as_of_ms },
            growth_days: self.days,
            top: self.top,
        };
        let o = ls.overview(&rules, &profile, &opts).await;
        for f in &o.failures {
            eprintln!("warning: {}: {}", f.target, f.error.message);
        }
        Ok(o)
    }
}

pub async fn overview(args: OverviewArgs, g: Globals) -> Result<()> {
    let ls = open_sources(g.sources)?;
    let o = args.compute(&ls, g.as_of_ms).await?;
    if g.json {
        return print_json(&o);
    }
    outln!("{} tables with {} ({})", o.tables, o.profile, units::datetime(o.as_of_ms));
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
    outln!("Findings: {} saving ${:.4}/month (see `lakescope findings`)", o.findings.len(), o.findings_usd_per_month);
    Ok(())
}

/// Render the top-N growth chart of the overview to `out` (`.svg` or `.png`).
pub async fn chart(args: OverviewArgs, g: Globals, opts: &ChartOptions, out: &Path) -> Result<()> {
    let ls = open_sources(g.sources)?;
    let o = args.compute(&ls, g.as_of_ms).await?;
    let (title, movers) = lakescope::overview::top_growth_chart(&o.movers, o.growth_days);
    let bytes = lakescope::charts::render_for_path(&TopGrowthChart { title: &title, movers }, opts, out)?;
    std::fs::write(out, bytes).map_err(|e| Error::from(e).context(format!("writing {}", out.display())))?;
    if g.json {
        return print_json(&serde_json::json!({ "out": out, "movers": o.movers }));
    }
    outln!("{}", out.display());
    Ok(())
}
