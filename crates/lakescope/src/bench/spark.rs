//! `lakescope bench spark`: our full executor/job memory summary of a large real event log against the
//! real Spark History Server answering `/allexecutors` for the same log, side by side in one run, with
//! our throughput and peak RSS.
//!
//! The log (≥ 300 MB uncompressed, ≥ 100k tasks) is written by a real Spark run
//! (`tests/spark/lakescope_big_log.py`, pyspark from the venv) and cached under `target/bench/`. The
//! History Server is started by `tests/spark/lakescope_serve_history.py` (which reuses the fixtures'
//! `history_server.py`); its time runs from launching it to the `/allexecutors` answer, as a user waits
//! for it — server start and log parsing included, and reported apart.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use serde::Serialize;

use crate::error::{Error, Result, ResultExt};
use crate::model::AppSummary;
use crate::spark::Prices;

static BIG_LOG_SCRIPT: &str = include_str!("../../../../tests/spark/lakescope_big_log.py");
static SERVE_SCRIPT: &str = include_str!("../../../../tests/spark/lakescope_serve_history.py");
static HISTORY_SERVER_TOOL: &str = include_str!("../../../../tests/spark/history_server.py");

pub struct Options {
    /// An existing log (file or directory); None: build (or reuse) one under `cache_dir`.
    pub log: Option<PathBuf>,
    pub min_bytes: u64,
    pub python: PathBuf,
    pub cache_dir: PathBuf,
    /// Skip the History Server (the memory-bound test only needs our side).
    pub skip_history_server: bool,
}

#[derive(Debug, Serialize)]
pub struct Report {
    pub log: String,
    pub uncompressed_bytes: u64,
    pub compressed_bytes: u64,
    pub tasks: u64,
    pub executors: usize,
    pub jobs: usize,
    /// Our time to the full summary (decode, replay, jobs, advice), best of the runs.
    pub ours_seconds: f64,
    /// Launch of the History Server to its `/allexecutors` answer (0 when skipped).
    pub history_server_seconds: f64,
    /// Of which: until the server answered at all, and the `/allexecutors` request alone.
    pub history_server_up_seconds: f64,
    pub history_server_allexecutors_seconds: f64,
    pub ratio: f64,
    pub mb_per_second_per_core: f64,
    pub cores_used: usize,
    /// VmHWM of this process after summarising (our peak resident memory).
    pub peak_rss_bytes: u64,
    /// Every executor's peak equals the History Server's `peakMemoryMetrics`.
    pub peaks_match: bool,
}

/// This process's peak resident set size (Linux `VmHWM`).
pub fn peak_rss_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok()))
        .map(|kb| kb * 1024)
        .unwrap_or(0)
}

fn scripts_dir() -> Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("lakescope-bench-spark-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    for (name, text) in [
        ("lakescope_big_log.py", BIG_LOG_SCRIPT),
        ("lakescope_serve_history.py", SERVE_SCRIPT),
        ("history_server.py", HISTORY_SERVER_TOOL),
    ] {
        std::fs::write(dir.join(name), text)?;
    }
    Ok(dir)
}

/// Build (or reuse) a big real log.
fn build_log(opts: &Options, scripts: &Path) -> Result<PathBuf> {
    // ~3.5 KB of JSON per task end: aim for min_bytes with a margin.
    let tasks = (opts.min_bytes / 3000).max(100_000);
    let out = opts.cache_dir.join(format!("spark-{}k", tasks / 1000));
    eprintln!("bench spark: building (or reusing) a real Spark log of ≥ {tasks} tasks in {} …", out.display());
    let res = Command::new(&opts.python)
        .arg(scripts.join("lakescope_big_log.py"))
        .args(["--out", &out.display().to_string(), "--tasks", &tasks.to_string()])
        .stderr(Stdio::inherit())
        .output()
        .with_context(|| format!("running {} (pyspark and Java 17 are needed)", opts.python.display()))?;
    if !res.status.success() {
        return Err(Error::internal("the Spark run that writes the benchmark log failed (see its output above)"));
    }
    let info: serde_json::Value = serde_json::from_slice(&res.stdout)?;
    Ok(PathBuf::from(info["log"].as_str().ok_or_else(|| Error::internal("big-log script printed no log path"))?))
}

fn du(path: &Path) -> u64 {
    match std::fs::metadata(path) {
        Ok(m) if m.is_file() => m.len(),
        Ok(m) if m.is_dir() => std::fs::read_dir(path).map(|rd| rd.flatten().map(|e| du(&e.path())).sum()).unwrap_or(0),
        _ => 0,
    }
}

pub async fn run(opts: &Options) -> Result<Report> {
    let scripts = scripts_dir()?;
    let log = match &opts.log {
        Some(l) => l.clone(),
        None => build_log(opts, &scripts)?,
    };
    let input = log.display().to_string();
    let prices = Prices::default();
    // Best of three: the first run also warms the page cache, as the History Server's read does.
    let mut best = f64::INFINITY;
    let mut apps: Vec<AppSummary> = Vec::new();
    let mut bytes = 0;
    for _ in 0..3 {
        let t = crate::spark::timed(&input, &prices).await?;
        best = best.min(t.seconds);
        bytes = t.uncompressed_bytes;
        apps = t.apps;
    }
    let peak_rss = peak_rss_bytes();
    let tasks: u64 = apps.iter().flat_map(|a| a.executors.iter()).map(|x| x.tasks).sum();
    // One application is read on one core; several are spread over the cores.
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1).min(apps.len().max(1));
    let mut report = Report {
        log: input.clone(),
        uncompressed_bytes: bytes,
        compressed_bytes: du(&log),
        tasks,
        executors: apps.iter().map(|a| a.executors.len()).sum(),
        jobs: apps.iter().map(|a| a.jobs.len()).sum(),
        ours_seconds: best,
        history_server_seconds: 0.0,
        history_server_up_seconds: 0.0,
        history_server_allexecutors_seconds: 0.0,
        ratio: 0.0,
        mb_per_second_per_core: bytes as f64 / 1e6 / best / cores as f64,
        cores_used: cores,
        peak_rss_bytes: peak_rss,
        peaks_match: false,
    };
    if !opts.skip_history_server {
        let (up, total, request, answer) = history_server_allexecutors(opts, &scripts, &log, &apps).await?;
        report.history_server_up_seconds = up;
        report.history_server_seconds = total;
        report.history_server_allexecutors_seconds = request;
        report.ratio = total / best;
        report.peaks_match = answer;
    }
    let _ = std::fs::remove_dir_all(&scripts);
    Ok(report)
}

/// Start the History Server on the log, time it to the `/allexecutors` answer, and check its peaks
/// against ours. Returns (listed, total, request, peaks equal).
async fn history_server_allexecutors(opts: &Options, scripts: &Path, log: &Path, apps: &[AppSummary]) -> Result<(f64, f64, f64, bool)> {
    let app = apps.first().ok_or_else(|| Error::not_found(format!("{}: no application", log.display())))?;
    let t0 = Instant::now();
    let mut child = Command::new(&opts.python)
        .arg(scripts.join("lakescope_serve_history.py"))
        .arg(log)
        .args(["--timeout", "600"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .with_context(|| format!("starting the History Server with {}", opts.python.display()))?;
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("piped")).read_line(&mut line)?;
    let up = t0.elapsed().as_secs_f64();
    let url = serde_json::from_str::<serde_json::Value>(&line).ok().and_then(|v| v["url"].as_str().map(str::to_string));
    let result = async {
        let url = url.ok_or_else(|| Error::internal(format!("the History Server did not start: {line:?}")))?;
        let t1 = Instant::now();
        let body = reqwest::get(format!("{url}/api/v1/applications/{}/allexecutors", app.app_id))
            .await
            .and_then(|r| r.error_for_status())
            .map_err(|e| Error::new(crate::ErrorKind::Unreachable, format!("History Server: {e}")))?
            .bytes()
            .await
            .map_err(|e| Error::new(crate::ErrorKind::Unreachable, format!("History Server: {e}")))?;
        let request = t1.elapsed().as_secs_f64();
        let total = t0.elapsed().as_secs_f64();
        let theirs: Vec<serde_json::Value> = serde_json::from_slice(&body)?;
        let ours = serde_json::to_value(&app.executors)?;
        let equal = theirs.iter().all(|e| {
            let mine = ours.as_array().and_then(|xs| xs.iter().find(|x| x["id"] == e["id"]));
            mine.is_some_and(|m| m["peak"] == e.get("peakMemoryMetrics").cloned().unwrap_or(serde_json::Value::Null))
        }) && theirs.len() == app.executors.len();
        Ok::<_, Error>((up, total, request, equal))
    }
    .await;
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.flush();
    }
    let _ = child.wait();
    result
}
