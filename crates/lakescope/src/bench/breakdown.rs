//! `lakescope bench size`, part (a): the storage breakdown (live / old-version / orphan / metadata /
//! reclaimable bytes) of a table with many files and snapshots — goal < 1 s — beside pyiceberg and
//! deltalake computing the same breakdown with the code the truth tests check us against
//! (`tests/py/iceberg_truth.py breakdown`, `tests/py/delta_truth.py breakdown`).
//!
//! The tables are written once by `tests/py/size_bench_tables.py` (slow: every commit rewrites its
//! metadata) and reused while their shape matches. A timing only counts when both sides give the same
//! five figures, so the bench fails rather than report a fast wrong answer. The reference scripts live
//! in the repository (the bench is a developer's tool, run from a checkout).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::{median, Comparison};
use crate::error::{Error, Result, ResultExt};
use crate::model::StorageBreakdown;
use crate::table::ReadOptions;
use crate::Lakescope;

/// The budget for one table's breakdown.
pub const GOAL: Duration = Duration::from_secs(1);

pub struct Options {
    /// Where the generated tables are kept (reused across runs).
    pub dir: PathBuf,
    /// Data files written over the table's life (some later removed).
    pub files: usize,
    pub snapshots: usize,
    /// Timed runs of ours (the reference runs once: it takes seconds to minutes).
    pub runs: usize,
    pub python: PathBuf,
    /// The repository's `tests/py` (reference and generator scripts).
    pub scripts: PathBuf,
}

/// One table's breakdown, ours and the reference's, which must be equal.
#[derive(Debug, Clone, Serialize)]
pub struct TableBreakdown {
    pub format: String,
    pub location: String,
    pub as_of_ms: i64,
    pub snapshots: usize,
    pub ours: StorageBreakdown,
    pub reference: StorageBreakdown,
    pub timing: Comparison,
    pub goal_seconds: f64,
    pub goal_met: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub files: usize,
    pub snapshots: usize,
    /// Seconds the generator took when it wrote the tables (on the run that wrote them).
    pub generate_seconds: Option<f64>,
    pub tables: Vec<TableBreakdown>,
}

#[derive(Deserialize)]
struct Generated {
    iceberg: GeneratedIceberg,
    delta: GeneratedDelta,
    generate_seconds: Option<f64>,
}

#[derive(Deserialize)]
struct GeneratedIceberg {
    uri: String,
    warehouse: String,
    catalog: String,
    ident: String,
    location: String,
    snapshots: usize,
    as_of: String,
}

#[derive(Deserialize)]
struct GeneratedDelta {
    path: String,
    version: usize,
}

#[derive(Deserialize)]
struct Reference {
    tool: String,
    seconds: f64,
    now_ms: Option<i64>,
    #[serde(flatten)]
    breakdown: StorageBreakdown,
}

/// `tests/py` of the checkout the bench runs in (current directory or the binary's, and their parents).
pub fn find_scripts() -> Result<PathBuf> {
    let bases = [std::env::current_dir().ok(), std::env::current_exe().ok()];
    bases
        .iter()
        .flatten()
        .flat_map(|b| b.ancestors())
        .map(|a| a.join("tests/py"))
        .find(|p| p.join("size_bench_tables.py").is_file())
        .ok_or_else(|| {
            Error::not_found("tests/py/size_bench_tables.py: run `lakescope bench size` from a Lakescope checkout")
        })
}

fn python_json<T: serde::de::DeserializeOwned>(python: &Path, script: &Path, args: &[&str]) -> Result<T> {
    let out = Command::new(python)
        .arg(script)
        .args(args)
        .output()
        .with_context(|| format!("running {} (pass --python with pyiceberg and deltalake)", python.display()))?;
    if !out.status.success() {
        return Err(Error::internal(format!(
            "{} {args:?} failed: {}",
            script.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    serde_json::from_slice(&out.stdout).with_context(|| format!("reading the output of {} {args:?}", script.display()))
}

fn rfc3339_ms(text: &str) -> Result<i64> {
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|t| t.timestamp_millis())
        .map_err(|e| Error::invalid(format!("as-of {text:?} from the generator: {e}")))
}

/// Time ours `runs` times on a fresh facade each (nothing cached between runs).
async fn time_ours(location: &str, as_of_ms: i64, runs: usize) -> Result<(StorageBreakdown, Duration)> {
    let mut samples = Vec::new();
    let mut last = None;
    for _ in 0..runs.max(1) {
        let ls = Lakescope::new(Vec::new(), None);
        let t = Instant::now();
        let info = ls.table(location, &ReadOptions { as_of_ms }).await?;
        samples.push(t.elapsed());
        last = Some(info.storage);
    }
    Ok((last.expect("at least one run"), median(&samples)))
}

fn compare(format: &str, location: &str, as_of_ms: i64, snapshots: usize, ours: (StorageBreakdown, Duration), reference: Reference) -> Result<TableBreakdown> {
    let (o, r) = (&ours.0, &reference.breakdown);
    let figures = [
        ("total_bytes", o.total_bytes, r.total_bytes),
        ("total_files", o.total_files, r.total_files),
        ("live_bytes", o.live_bytes, r.live_bytes),
        ("old_version_bytes", o.old_version_bytes, r.old_version_bytes),
        ("orphan_bytes", o.orphan_bytes, r.orphan_bytes),
        ("metadata_bytes", o.metadata_bytes, r.metadata_bytes),
        ("reclaimable_bytes", o.reclaimable_bytes, r.reclaimable_bytes),
    ];
    if let Some((name, ours_v, ref_v)) = figures.iter().find(|(_, a, b)| a != b) {
        return Err(Error::internal(format!(
            "bench size: {format} table {location}: our {name} is {ours_v} but {} says {ref_v}: no timing reported",
            reference.tool
        )));
    }
    let timing = Comparison::new(
        format!("{format} breakdown, {snapshots} snapshots, {} files", o.total_files),
        "lakescope engine",
        &reference.tool,
        ours.1,
        Duration::from_secs_f64(reference.seconds.max(0.0)),
    );
    Ok(TableBreakdown {
        format: format.into(),
        location: location.into(),
        as_of_ms,
        snapshots,
        ours: ours.0,
        reference: reference.breakdown,
        goal_met: ours.1 < GOAL,
        goal_seconds: GOAL.as_secs_f64(),
        timing,
    })
}

pub async fn run(opts: &Options) -> Result<Report> {
    if opts.files == 0 || opts.snapshots < 2 {
        return Err(Error::invalid("bench size's breakdown needs at least 1 file and 2 snapshots"));
    }
    let gen_dir = opts.dir.join("size-tables");
    let (files, snapshots) = (opts.files.to_string(), opts.snapshots.to_string());
    let generated: Generated = python_json(
        &opts.python,
        &opts.scripts.join("size_bench_tables.py"),
        &[&gen_dir.display().to_string(), &files, &snapshots],
    )?;
    let mut tables = Vec::new();

    let ice = &generated.iceberg;
    let as_of_ms = rfc3339_ms(&ice.as_of)?;
    let reference: Reference = python_json(
        &opts.python,
        &opts.scripts.join("iceberg_truth.py"),
        &["breakdown", &ice.uri, &ice.warehouse, &ice.catalog, &ice.ident, &ice.as_of],
    )?;
    let ours = time_ours(&ice.location, as_of_ms, opts.runs).await?;
    tables.push(compare("iceberg", &ice.location, as_of_ms, ice.snapshots, ours, reference)?);

    // VACUUM's dry run answers for its own "now": ours is asked as of that instant.
    let delta = &generated.delta;
    let reference: Reference = python_json(&opts.python, &opts.scripts.join("delta_truth.py"), &["breakdown", &delta.path])?;
    let as_of_ms = reference.now_ms.ok_or_else(|| Error::internal("delta_truth.py breakdown printed no now_ms"))?;
    let ours = time_ours(&delta.path, as_of_ms, opts.runs).await?;
    tables.push(compare("delta", &delta.path, as_of_ms, delta.version + 1, ours, reference)?);

    Ok(Report { files: opts.files, snapshots: opts.snapshots, generate_seconds: generated.generate_seconds, tables })
}
