//! `lakescope orphans <table>`: the orphan files behind an orphan-files finding, one per line, so they
//! can be checked against remove_orphan_files' dry run or VACUUM DRY RUN before anything is deleted.

use lakescope::{Result, units};

use crate::size_cmds::Globals;
use crate::{open_sources_for, print_json};

pub async fn run(target: &str, g: Globals) -> Result<()> {
    let ls = open_sources_for(g.sources, target)?;
    let read = lakescope::table::ReadOptions { as_of_ms: g.as_of_ms };
    let report = ls.orphan_files(target, &read).await?;
    if g.json {
        return print_json(&report);
    }
    let cutoff = report
        .cutoff_ms
        .and_then(chrono::DateTime::from_timestamp_millis)
        .map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
        .unwrap_or_else(|| "none (nothing is removable)".into());
    outln!("{} orphan file(s), {} removable now (modified before {cutoff})", units::count(report.removable_files), units::bytes(report.removable_bytes));
    for f in &report.files {
        outln!("{:>10}  {}", units::bytes(f.bytes), f.path);
    }
    Ok(())
}
