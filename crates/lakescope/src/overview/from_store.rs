//! The overview from the store: the same figures as reading every table, taken from the latest finished
//! `collect` run instead — what opens the Overview page at once on a platform of thousands of tables.
//!
//! The database does the adding up (per-schema sums and each table's live bytes at the window's two
//! ends, see `store::aggregates`); Rust only prices and ranks, with the same functions the live overview
//! uses, so right after a collection both agree figure for figure (the integration tests hold them to it).

use crate::api::Lakescope;
use crate::collect::CollectFailure;
use crate::cost::PriceProfile;
use crate::error::{Error, ErrorReport, Result};
use crate::findings::{Finding, FindingKind, Rules};
use crate::store::Store;

use super::{rank_movers, sort_schemas, Mover, Overview, OverviewOptions, SchemaBytes, StoreBasis, DAY_MS};

impl Lakescope {
    /// The overview as of the latest collection finished at or before `opts.read.as_of_ms`, with the
    /// findings that run recorded; `from_store` says which run the figures describe.
    pub async fn overview_from_store(
        &self,
        store: &Store,
        rules: &Rules,
        profile: &PriceProfile,
        opts: &OverviewOptions,
    ) -> Result<Overview> {
        overview_from_store(store, rules, profile, opts).await
    }
}

/// [`Lakescope::overview_from_store`] without sources: the store is all it reads.
pub async fn overview_from_store(store: &Store, rules: &Rules, profile: &PriceProfile, opts: &OverviewOptions) -> Result<Overview> {
    let Some(run) = store.latest_finished_run(opts.read.as_of_ms).await? else {
        return Err(Error::not_found(format!(
            "store {} holds no finished collection at or before {}: run `lakescope collect` first",
            store.display(),
            crate::units::datetime(opts.read.as_of_ms)
        )));
    };
    let as_of = run.as_of_ms;
    let day = crate::store::utc_day(as_of);
    let sums = store.schema_sums(&day, as_of).await?;
    let grown = store.table_growth(&day, as_of - opts.growth_days * DAY_MS, as_of).await?;
    let failures = store
        .errors(&run.run_id)
        .await?
        .into_iter()
        .map(|e| CollectFailure {
            target: e.target,
            error: ErrorReport { kind: parse_kind(&e.kind), message: e.message },
        })
        .collect();

    let mut schemas: Vec<SchemaBytes> = sums
        .iter()
        .map(|s| SchemaBytes {
            schema: format!("{}.{}", s.source, s.namespace),
            tables: s.tables,
            total_bytes: s.total_bytes,
            live_bytes: s.live_bytes,
            reclaimable_bytes: s.reclaimable_bytes,
        })
        .collect();
    sort_schemas(&mut schemas);
    let total_bytes = schemas.iter().map(|s| s.total_bytes).sum();
    let mut movers = Vec::new();
    let mut growth_unknown = Vec::new();
    for g in grown {
        let table = format!("{}.{}.{}", g.source, g.namespace, g.name);
        if !g.has_history {
            growth_unknown.push(table);
            continue;
        }
        movers.push(Mover {
            table,
            format: g.format,
            bytes_before: g.bytes_before,
            bytes_now: g.bytes_now,
            growth_bytes: g.bytes_now as i64 - g.bytes_before as i64,
            growth_usd_per_month: profile.usd_per_month(g.bytes_now) - profile.usd_per_month(g.bytes_before),
        });
    }
    // The live overview lists tables in catalog order; sorted names make the stored one deterministic.
    growth_unknown.sort();
    movers.sort_by(|a, b| a.table.cmp(&b.table));
    let growth_bytes = movers.iter().map(|m| m.growth_bytes).sum();
    let growth_usd_per_month = movers.iter().map(|m| m.growth_usd_per_month).sum();
    rank_movers(&mut movers, opts.top);
    let (findings, rules) = stored_findings(store, &run.run_id, rules, profile).await?;
    Ok(Overview {
        as_of_ms: as_of,
        profile: profile.name.clone(),
        conventions: profile.conventions(),
        tables: schemas.iter().map(|s| s.tables).sum(),
        total_bytes,
        live_bytes: schemas.iter().map(|s| s.live_bytes).sum(),
        reclaimable_bytes: schemas.iter().map(|s| s.reclaimable_bytes).sum(),
        usd_per_month: profile.usd_per_month(total_bytes),
        growth_days: opts.growth_days,
        growth_bytes,
        growth_usd_per_month,
        growth_unknown,
        movers,
        findings_usd_per_month: findings.iter().map(|f| f.usd_per_month).sum(),
        findings,
        rules,
        failures,
        schemas,
        from_store: Some(StoreBasis {
            store: store.display().to_string(),
            run_id: run.run_id,
            finished_ms: run.finished_ms.unwrap_or(as_of),
        }),
    })
}

/// The findings the run recorded, ranked as the live overview ranks them, and the rules they were found
/// under (the run's, which the overview reports: `rules` applies only to a store that kept none). Asked
/// for another price profile than the run's, storage findings are re-priced from their bytes; small-file
/// findings are priced at $0 per month under any profile.
async fn stored_findings(store: &Store, run_id: &str, rules: &Rules, profile: &PriceProfile) -> Result<(Vec<Finding>, Rules)> {
    let Some(stored) = store.findings(run_id).await? else {
        return Ok((Vec::new(), rules.clone()));
    };
    let mut found = stored.findings;
    if stored.profile != *profile {
        for f in found.iter_mut().filter(|f| f.kind != FindingKind::SmallFiles) {
            f.usd_per_month = profile.usd_per_month(f.bytes);
        }
    }
    crate::findings::rank(&mut found);
    Ok((found, stored.rules))
}

/// The `ErrorKind` a stored error was recorded with (its `Debug` name); unknown names read as Internal.
fn parse_kind(name: &str) -> crate::ErrorKind {
    use crate::ErrorKind as K;
    let kinds = [
        K::NotFound, K::InvalidInput, K::Corrupt, K::Unsupported, K::Unreachable,
        K::Auth, K::Permission, K::Io, K::Cancelled, K::Internal,
    ];
    kinds.into_iter().find(|k| format!("{k:?}") == name).unwrap_or(K::Internal)
}
