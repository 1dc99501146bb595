//! `lakescope bench history`: a table's history with totals per version, ours against pyiceberg's and
//! deltalake's, on every source table with at least `min_versions` versions.
//!
//! Two views, both reported: in-process (our facade call vs the library call, Python's import time
//! excluded) and end to end (our CLI process vs the Python process, as a user would run either).

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use serde::Serialize;

use super::{median, Comparison};
use crate::error::{Error, Result, ResultExt};
use crate::model::TableFormat;
use crate::Lakescope;

static REFERENCE_SCRIPT: &str = include_str!("../../../../assets/bench/history_ref.py");

pub struct Options {
    pub sources_file: PathBuf,
    pub python: PathBuf,
    pub runs: usize,
    pub min_versions: usize,
    /// The `lakescope` binary to time end to end (none: skip the end-to-end view).
    pub cli: Option<PathBuf>,
}

#[derive(Debug, Serialize)]
pub struct Report {
    pub runs: usize,
    pub in_process: Vec<Comparison>,
    pub end_to_end: Vec<Comparison>,
    /// Python's import time of the reference library, reported apart (in-process view excludes it).
    pub reference_import_seconds: Vec<(String, f64)>,
}

pub async fn run(opts: &Options) -> Result<Report> {
    let ls = Lakescope::from_sources_file(&opts.sources_file)?;
    let listing = ls.tables().await;
    let script = std::env::temp_dir().join(format!("lakescope-history-ref-{}.py", std::process::id()));
    std::fs::write(&script, REFERENCE_SCRIPT)?;
    let mut report = Report { runs: opts.runs, in_process: vec![], end_to_end: vec![], reference_import_seconds: vec![] };
    for t in listing.tables.iter().filter(|t| t.format != TableFormat::Parquet) {
        let target = t.qualified_name();
        let rows = ls.history(&target).await?;
        if rows.len() < opts.min_versions {
            continue;
        }
        let subject = format!("{target} ({} versions)", rows.len());
        let mut ours = Vec::new();
        for _ in 0..opts.runs {
            let fresh = Lakescope::from_sources_file(&opts.sources_file)?;
            let t0 = Instant::now();
            let h = fresh.history(&target).await?;
            ours.push(t0.elapsed());
            assert_eq!(h.len(), rows.len());
        }
        let source = ls.sources().iter().find(|s| s.name == t.source).expect("listed source");
        let args: Vec<String> = match t.format {
            TableFormat::Iceberg => vec![
                "iceberg".into(),
                source.uri.clone().unwrap_or_default(),
                source.warehouse.clone().unwrap_or_default(),
                source.catalog.clone().unwrap_or_else(|| "default".into()),
                format!("{}.{}", t.namespace, t.name),
            ],
            _ => vec!["delta".into(), t.location.trim_start_matches("file://").to_string()],
        };
        let doc = reference(&opts.python, &script, &args, opts.runs)?;
        if doc.versions != rows.len() {
            return Err(Error::internal(format!(
                "{target}: {} reports {} versions, we report {}",
                doc.tool,
                doc.versions,
                rows.len()
            )));
        }
        let ref_t: Vec<Duration> = doc.seconds.iter().map(|s| Duration::from_secs_f64(*s)).collect();
        report.in_process.push(Comparison::new(subject.clone(), "lakescope engine", &doc.tool, median(&ours), median(&ref_t)));
        report.reference_import_seconds.push((doc.tool.clone(), doc.import_seconds));

        if let Some(cli) = &opts.cli {
            // Whole processes, as a user runs either: our CLI vs a Python process doing one run.
            let (mut cli_t, mut py_t) = (Vec::new(), Vec::new());
            for _ in 0..opts.runs {
                let t0 = Instant::now();
                let st = Command::new(cli)
                    .args(["--sources", &opts.sources_file.display().to_string(), "history", &target, "--json"])
                    .stdout(std::process::Stdio::null())
                    .status()?;
                cli_t.push(t0.elapsed());
                if !st.success() {
                    return Err(Error::internal(format!("lakescope history {target} failed")));
                }
                let t0 = Instant::now();
                reference(&opts.python, &script, &args, 1)?;
                py_t.push(t0.elapsed());
            }
            let tool = format!("python + {}", doc.tool);
            report.end_to_end.push(Comparison::new(subject, "lakescope CLI", &tool, median(&cli_t), median(&py_t)));
        }
    }
    let _ = std::fs::remove_file(&script);
    if report.in_process.is_empty() {
        return Err(Error::not_found(format!(
            "no Iceberg or Delta table with at least {} versions in {}",
            opts.min_versions,
            opts.sources_file.display()
        )));
    }
    Ok(report)
}

/// Run the reference script `runs` times in one Python process.
fn reference(python: &std::path::Path, script: &std::path::Path, args: &[String], runs: usize) -> Result<RefOutput> {
    let out = Command::new(python)
        .arg(script)
        .args(args)
        .arg(runs.to_string())
        .output()
        .with_context(|| format!("running {} (pass --python with pyiceberg/deltalake)", python.display()))?;
    if !out.status.success() {
        return Err(Error::internal(format!("reference run {args:?} failed: {}", String::from_utf8_lossy(&out.stderr))));
    }
    Ok(serde_json::from_slice(&out.stdout)?)
}

#[derive(serde::Deserialize)]
struct RefOutput {
    tool: String,
    versions: usize,
    seconds: Vec<f64>,
    import_seconds: f64,
}
