//! `lakescope collect` and `lakescope snapshots`: record table sizes into the store and read them back.

use std::path::PathBuf;

use lakescope::collect::{CollectOptions, CollectOutcome};
use lakescope::store::Store;
use lakescope::{units, Result};

use crate::{open_sources, print_json};

/// What the size subcommands need from the global options.
pub struct Globals {
    pub sources: Option<PathBuf>,
    pub store: Option<String>,
    pub json: bool,
    pub as_of_ms: i64,
}

#[derive(clap::Args)]
pub struct CollectArgs {
    /// Skip the depth-1 `du` of each source's root (per-prefix snapshots).
    #[arg(long)]
    no_prefixes: bool,
    /// The findings recorded with the run (`overview --from-store` lists them) use these settings.
    #[command(flatten)]
    findings: FindingsArgs,
}

#[derive(clap::Args)]
pub struct SnapshotsArgs {
    /// Only this table (`source.namespace.name`); default: every table.
    target: Option<String>,
    /// Print the collection runs instead of the snapshots.
    #[arg(long)]
    runs: bool,
    /// Print the per-prefix snapshots instead of the table snapshots.
    #[arg(long, conflicts_with = "runs")]
    prefixes: bool,
}

pub async fn collect(args: CollectArgs, g: Globals) -> Result<()> {
    let ls = open_sources(g.sources)?;
    let store = Store::open(g.store.as_deref()).await?;
    let opts = CollectOptions { as_of_ms: g.as_of_ms, prefixes: !args.no_prefixes };
    let (rules, profile) = args.findings.settings()?;
    let progress = |p: &lakescope::collect::CollectProgress| {
        let what = match p.outcome {
            CollectOutcome::Recorded => "recorded",
            CollectOutcome::Present => "already recorded",
            CollectOutcome::Failed => "FAILED",
        };
        eprintln!("[{}/{}] {} {what}", p.done, p.total, p.table);
    };
    let report = ls.collect(&store, &opts, (&rules, &profile), &progress).await?;
    store.close().await;
    for f in &report.failures {
        eprintln!("warning: {}: {}", f.target, f.error.message);
    }
    if g.json {
        return print_json(&report);
    }
    outln!(
        "{} tables: {} recorded, {} already recorded, {} failed; {} prefixes recorded into {}",
        report.tables_total,
        report.tables_recorded,
        report.tables_present,
        report.tables_failed,
        report.prefixes_recorded,
        report.store
    );
    Ok(())
}

pub async fn snapshots(args: SnapshotsArgs, g: Globals) -> Result<()> {
    let store = Store::open(g.store.as_deref()).await?;
    if args.runs {
        let runs = store.runs().await?;
        if g.json {
            return print_json(&runs);
        }
        for r in runs {
            let end = r.finished_ms.map(units::datetime).unwrap_or_else(|| "interrupted".into());
            outln!(
                "{}  {} → {}  {} recorded, {} present, {} failed of {}",
                r.run_id,
                units::datetime(r.started_ms),
                end,
                r.tables_recorded,
                r.tables_present,
                r.tables_failed,
                r.tables_total
            );
        }
        return Ok(());
    }
    if args.prefixes {
        let rows = store.prefix_snapshots().await?;
        if g.json {
            return print_json(&rows);
        }
        for p in rows {
            outln!("{}  {}:{}  {}  {} objects", p.day, p.source, p.prefix, units::bytes(p.bytes), p.objects);
        }
        return Ok(());
    }
    let filter = match &args.target {
        None => None,
        Some(t) => match t.split('.').collect::<Vec<_>>().as_slice() {
            [s, ns, n] => Some((s.to_string(), ns.to_string(), n.to_string())),
            _ => {
                return Err(lakescope::Error::invalid(format!(
                    "{t:?}: name the table as source.namespace.name (as `lakescope tables` lists it)"
                )));
            }
        },
    };
    let rows = store.snapshots(filter.as_ref().map(|(s, ns, n)| (s.as_str(), ns.as_str(), n.as_str()))).await?;
    if g.json {
        return print_json(&rows);
    }
    for s in rows {
        outln!(
            "{}  {}  v{}  live {}  total {}  reclaimable {}",
            s.day,
            s.qualified_name(),
            s.version_id.as_deref().unwrap_or("-"),
            units::bytes(s.storage.live_bytes),
            units::bytes(s.storage.total_bytes),
            units::bytes(s.storage.reclaimable_bytes)
        );
    }
    Ok(())
}

#[derive(clap::Args)]
pub struct CostArgs {
    /// `source.namespace.name`, `namespace.name`, `name`, or a location.
    target: String,
    /// A price profile: a built-in name (aws-s3-standard, aws-s3-standard-ia, aws-s3-glacier,
    /// gcp-gcs-standard, azure-adls-hot, onprem-hdfs), a NAME.toml in the user's prices dir, or a file.
    #[arg(long)]
    profile: Option<String>,
}

pub async fn cost(args: CostArgs, g: Globals) -> Result<()> {
    let ls = open_sources(g.sources)?;
    let profile = lakescope::cost::PriceProfile::resolve(args.profile.as_deref())?;
    // Read collected snapshots from an explicitly named store, or from the default one if it exists;
    // never create a store just to read from it.
    let store = match &g.store {
        Some(s) => Some(Store::open(Some(s)).await?),
        None if lakescope::store::default_store_path().is_file() => Some(Store::open(None).await?),
        None => None,
    };
    let read = lakescope::table::ReadOptions { as_of_ms: g.as_of_ms };
    let cost = ls.table_cost(&args.target, &profile, &read, store.as_ref()).await?;
    if let Some(s) = store {
        s.close().await;
    }
    if g.json {
        return print_json(&cost);
    }
    let b = &cost.bytes;
    let (d, m) = (&cost.usd_per_day, &cost.usd_per_month);
    outln!("{} with {} ({})", cost.table, cost.profile.name, cost.profile.description);
    for (what, bytes, day, month) in [
        ("total", b.total_bytes, d.total, m.total),
        ("live", b.live_bytes, d.live, m.live),
        ("old versions", b.old_version_bytes, d.old_version, m.old_version),
        ("orphan", b.orphan_bytes, d.orphan, m.orphan),
        ("metadata", b.metadata_bytes, d.metadata, m.metadata),
        ("reclaimable", b.reclaimable_bytes, d.reclaimable, m.reclaimable),
    ] {
        outln!("  {what:<13} {:>10}  ${day:>12.6}/day  ${month:>12.4}/month", units::bytes(bytes));
    }
    if let Some(f) = &cost.forecast {
        outln!("  in 30 days   {:>10}  ${:.4}/month", units::bytes(f.in_30_days.total_bytes), f.in_30_days.usd_per_month);
        outln!("  in 90 days   {:>10}  ${:.4}/month", units::bytes(f.in_90_days.total_bytes), f.in_90_days.usd_per_month);
        outln!("  forecast: {}", f.method);
    }
    for w in &cost.warnings {
        outln!("  note: {w}");
    }
    outln!("  {}", cost.conventions);
    Ok(())
}

#[derive(clap::Args)]
pub struct FindingsArgs {
    /// Price profile to put dollars on the bytes (see `lakescope cost --help`).
    #[arg(long)]
    profile: Option<String>,
    /// Findings rules (TOML): unused_days, personal_prefix, personal_retention_days, [schemas.NAME],
    /// [compaction] min_files / iceberg_target_file_bytes / delta_target_file_bytes.
    #[arg(long)]
    rules: Option<PathBuf>,
    /// Active users (one name per line, or CSV with the name first): personal schemas of anyone else
    /// are findings.
    #[arg(long)]
    active_users: Option<PathBuf>,
}

impl FindingsArgs {
    fn settings(&self) -> Result<(lakescope::findings::Rules, lakescope::cost::PriceProfile)> {
        finding_settings(self.profile.as_deref(), self.rules.as_deref(), self.active_users.as_deref())
    }
}

/// The rules (a file, or the defaults) with their active users, and the price profile (a name or file,
/// or the default) that `findings`, `collect` and `overview` judge tables by.
pub(crate) fn finding_settings(
    profile: Option<&str>,
    rules: Option<&std::path::Path>,
    active_users: Option<&std::path::Path>,
) -> Result<(lakescope::findings::Rules, lakescope::cost::PriceProfile)> {
    let profile = lakescope::cost::PriceProfile::resolve(profile)?;
    let mut rules = match rules {
        Some(p) => lakescope::findings::Rules::load(p)?,
        None => lakescope::findings::Rules::default(),
    };
    if let Some(p) = active_users {
        rules.load_active_users(p)?;
    }
    Ok((rules, profile))
}

pub async fn findings(args: FindingsArgs, g: Globals) -> Result<()> {
    let ls = open_sources(g.sources)?;
    let (rules, profile) = args.settings()?;
    let read = lakescope::table::ReadOptions { as_of_ms: g.as_of_ms };
    let report = ls.findings(&rules, &profile, &read).await;
    for f in &report.failures {
        eprintln!("warning: {}: {}", f.target, f.error.message);
    }
    if g.json {
        return print_json(&report);
    }
    if report.findings.is_empty() {
        outln!("No findings.");
    }
    for f in &report.findings {
        outln!("${:.6}/month  {:>10}  {:?}  {}", f.usd_per_month, units::bytes(f.bytes), f.kind, f.table);
        if let Some(p) = &f.partition {
            let values: Vec<String> = p.iter().map(|(k, v)| format!("{k}={}", v.as_deref().unwrap_or("NULL"))).collect();
            outln!("    partition {}", values.join(", "));
        }
        if let Some(c) = &f.compaction {
            outln!(
                "    {} files → ~{} (avg {}, target {})",
                units::count(c.data_files),
                units::count(c.files_after),
                units::bytes(c.avg_file_bytes),
                units::bytes(c.target_file_bytes)
            );
        }
        outln!("    {}", f.reason);
        for c in &f.commands {
            outln!("    {c};");
        }
    }
    Ok(())
}
