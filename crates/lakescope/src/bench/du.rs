//! `lakescope bench du`: our `du` beside the tools people use for the same question, whole processes
//! on both sides (as a user runs them): `du -sb` on a local tree, and on S3 a boto3 paginated listing —
//! what `aws s3 ls --recursive --summarize` does — on the same prefix. Object counts are checked to
//! agree on S3 (`du -sb` also counts directory entries' sizes, so only the time is compared there).

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use serde::Serialize;

use super::{Comparison, median};
use crate::error::{Error, Result, ResultExt};

static REFERENCE_SCRIPT: &str = include_str!("../../../../assets/bench/du_ref.py");

pub struct Options {
    /// A local directory to measure.
    pub dir: Option<PathBuf>,
    /// An `s3://bucket/prefix` to measure (endpoint and credentials from the environment).
    pub s3: Option<String>,
    pub python: PathBuf,
    pub runs: usize,
    /// The `lakescope` binary.
    pub cli: PathBuf,
}

#[derive(Debug, Serialize)]
pub struct Report {
    pub runs: usize,
    pub comparisons: Vec<Comparison>,
}

fn timed(cmd: &mut Command, what: &str) -> Result<(Duration, Vec<u8>)> {
    let t0 = Instant::now();
    let out = cmd.output().with_context(|| format!("running {what}"))?;
    let took = t0.elapsed();
    if !out.status.success() {
        return Err(Error::internal(format!("{what} failed: {}", String::from_utf8_lossy(&out.stderr).trim())));
    }
    Ok((took, out.stdout))
}

fn objects_of(stdout: &[u8], key: &str, what: &str) -> Result<u64> {
    let v: serde_json::Value = serde_json::from_slice(stdout).with_context(|| format!("{what} output"))?;
    v[key].as_u64().ok_or_else(|| Error::internal(format!("{what} printed no {key}")))
}

pub fn run(opts: &Options) -> Result<Report> {
    let mut comparisons = Vec::new();
    if let Some(dir) = &opts.dir {
        let d = dir.to_str().ok_or_else(|| Error::invalid(format!("{} is not UTF-8", dir.display())))?;
        let (mut ours, mut theirs) = (Vec::new(), Vec::new());
        for _ in 0..opts.runs {
            ours.push(timed(Command::new(&opts.cli).args(["du", d, "--depth", "0", "--json"]), "lakescope du")?.0);
            theirs.push(timed(Command::new("du").args(["-sb", d]), "du -sb")?.0);
        }
        comparisons.push(Comparison::new(d.to_string(), "lakescope du", "du -sb", median(&ours), median(&theirs)));
    }
    if let Some(uri) = &opts.s3 {
        let script = std::env::temp_dir().join(format!("lakescope-du-ref-{}.py", std::process::id()));
        std::fs::write(&script, REFERENCE_SCRIPT)?;
        let (mut ours, mut theirs) = (Vec::new(), Vec::new());
        for _ in 0..opts.runs {
            let (t, out) = timed(Command::new(&opts.cli).args(["du", uri, "--depth", "0", "--json"]), "lakescope du")?;
            let our_objects = objects_of(&out, "total_objects", "lakescope du")?;
            ours.push(t);
            let (t, out) = timed(Command::new(&opts.python).arg(&script).arg(uri), "boto3 listing")?;
            let their_objects = objects_of(&out, "objects", "boto3 listing")?;
            theirs.push(t);
            if our_objects != their_objects {
                return Err(Error::internal(format!("{uri}: lakescope counted {our_objects} objects, boto3 {their_objects}")));
            }
        }
        let _ = std::fs::remove_file(&script);
        comparisons.push(Comparison::new(
            uri.clone(),
            "lakescope du",
            "boto3 paginated list (aws s3 ls --recursive --summarize)",
            median(&ours),
            median(&theirs),
        ));
    }
    if comparisons.is_empty() {
        return Err(Error::invalid("nothing to measure: give --dir and/or --s3"));
    }
    Ok(Report { runs: opts.runs, comparisons })
}
