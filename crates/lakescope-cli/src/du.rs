//! `lakescope du`: objects and bytes under a location, with running totals on stderr while a big
//! listing is under way and Ctrl-C to stop it (exit code 130, "cancelled …").

use std::io::{IsTerminal, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use lakescope::cancel::CancelToken;
use lakescope::storage::{DuOptions, DuReport};
use lakescope::{Lakescope, Result, units};

pub async fn run(ls: &Lakescope, uri: &str, depth: usize) -> Result<DuReport> {
    let cancel = CancelToken::new();
    let on_ctrl_c = cancel.clone();
    let watcher = tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            on_ctrl_c.cancel();
        }
    });
    let tty = std::io::stderr().is_terminal();
    // A terminal gets one line rewritten in place; a log gets a line every few seconds.
    let every = if tty { Duration::from_millis(200) } else { Duration::from_secs(5) };
    let last = Arc::new(Mutex::new(Instant::now()));
    let shown = Arc::new(Mutex::new(false));
    let progress = {
        let shown = shown.clone();
        Arc::new(move |p: lakescope::storage::DuProgress| {
            let mut last = last.lock().unwrap();
            if last.elapsed() < every {
                return;
            }
            *last = Instant::now();
            let mut line = format!("{} objects, {} so far", units::count(p.objects), units::bytes(p.bytes));
            if p.prefixes_total > 1 {
                line += &format!(" ({}/{} prefixes)", units::count(p.prefixes_done), units::count(p.prefixes_total));
            }
            let mut err = std::io::stderr().lock();
            let _ = if tty { write!(err, "\r\x1b[2K{line}") } else { writeln!(err, "{line}") };
            *shown.lock().unwrap() = true;
        })
    };
    let opts = DuOptions { depth, cancel, progress: Some(progress) };
    let result = ls.du(uri, &opts).await;
    watcher.abort();
    if tty && *shown.lock().unwrap() {
        eprint!("\r\x1b[2K");
    }
    result
}

pub fn human(r: &DuReport) -> Result<()> {
    outln!("{}  {} objects  {}", units::bytes(r.total_bytes), units::count(r.total_objects), r.uri);
    for c in &r.children {
        let when = if c.last_modified_ms > 0 { units::datetime(c.last_modified_ms) } else { String::new() };
        outln!("  {:>10}  {:>9}  {when:<19}  {}", units::bytes(c.bytes), units::count(c.objects), c.name);
    }
    Ok(())
}

/// `lakescope bench du`.
pub fn bench(a: crate::BenchDuArgs, json: bool) -> Result<()> {
    let dir = match (a.dir, a.s3.is_some() || a.s3_moto_objects.is_some(), a.local_files) {
        (Some(d), _, _) => Some(d),
        (None, false, None) => Some(lakescope::sources::default_demo_dir()),
        _ => None,
    };
    let references = lakescope::bench::du::References {
        boto3: a.s3_references.iter().any(|r| r == "boto3"),
        aws: a.s3_references.iter().any(|r| r == "aws"),
    };
    let opts = lakescope::bench::du::Options {
        dir,
        s3: a.s3,
        python: lakescope::bench::find_python(a.python.as_deref()),
        runs: a.runs.max(1),
        cli: std::env::current_exe()?,
        local_files: a.local_files,
        s3_objects: a.s3_objects,
        aws: a.aws,
        s3_moto_objects: a.s3_moto_objects,
        references,
        work_dir: std::env::current_dir()?.join("target/bench"),
    };
    let report = lakescope::bench::du::run(&opts)?;
    if json {
        outln!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(());
    }
    outln!("Median of {} runs, whole processes on both sides:", report.runs);
    for c in &report.comparisons {
        outln!(
            "  {}\n    {} {}  |  {} {}  |  ratio {:.2}x",
            c.subject,
            c.ours,
            lakescope::bench::human_secs(c.ours_seconds),
            c.reference_tool,
            lakescope::bench::human_secs(c.reference_seconds),
            c.ratio
        );
    }
    Ok(())
}
