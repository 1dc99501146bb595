//! `lakescope bench du`: our `du` beside the tools people use for the same question, whole processes
//! on both sides (as a user runs them): `du -sb` on a local tree, and on S3 a boto3 paginated listing —
//! what `aws s3 ls --recursive --summarize` does — on the same prefix. Object counts are checked to
//! agree on S3 (`du -sb` also counts directory entries' sizes, so only the time is compared there).
//!
//! At platform scale (1M objects) the trees are generated outside the timed part and kept for the next
//! run: a local tree under the work directory ([`ensure_tree`]), and an S3 prefix filled by boto3
//! (assets/bench/du_fill.py). With the AWS CLI at hand (`--aws`, PATH, or beside the Python), the S3
//! side is also timed against `aws s3 ls --recursive --summarize` itself.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde::Serialize;

use super::{Comparison, median};
use crate::error::{Error, Result, ResultExt};

static REFERENCE_SCRIPT: &str = include_str!("../../../../assets/bench/du_ref.py");
static FILL_SCRIPT: &str = include_str!("../../../../assets/bench/du_fill.py");

pub struct Options {
    /// A local directory to measure.
    pub dir: Option<PathBuf>,
    /// An `s3://bucket/prefix` to measure (endpoint and credentials from the environment).
    pub s3: Option<String>,
    pub python: PathBuf,
    pub runs: usize,
    /// The `lakescope` binary.
    pub cli: PathBuf,
    /// Measure a generated local tree of this many files (under `work_dir`) instead of `dir`.
    pub local_files: Option<u64>,
    /// Fill the `s3` prefix up to this many objects before timing.
    pub s3_objects: Option<u64>,
    /// The AWS CLI; `None` looks on PATH and beside the Python.
    pub aws: Option<PathBuf>,
    pub work_dir: PathBuf,
}

/// `work_dir/du-tree-<n>`: `n` files, 1000 per directory, every 16th 1–4095 bytes and the rest empty
/// (what is timed is the walk, not the bytes; empty files keep a million of them to inodes, not GBs).
/// A finished tree is marked by `du-tree-<n>.done` beside it and reused.
pub fn ensure_tree(work_dir: &Path, n: u64) -> Result<PathBuf> {
    let root = work_dir.join(format!("du-tree-{n}"));
    let done = work_dir.join(format!("du-tree-{n}.done"));
    if done.exists() {
        return Ok(root);
    }
    let what = || format!("generating {n} files under {}", root.display());
    let _ = std::fs::remove_dir_all(&root);
    let body = vec![b'x'; 4096];
    for i in 0..n {
        let dir = root.join(format!("d{:05}", i / 1000));
        if i % 1000 == 0 {
            std::fs::create_dir_all(&dir).with_context(what)?;
        }
        let size = if i % 16 == 0 { ((i * 37) % 4095 + 1) as usize } else { 0 };
        std::fs::write(dir.join(format!("f{:04}", i % 1000)), &body[..size]).with_context(what)?;
    }
    std::fs::write(&done, n.to_string()).with_context(what)?;
    Ok(root)
}

/// The AWS CLI to compare with, if there is one.
fn find_aws(opts: &Options) -> Option<PathBuf> {
    if let Some(a) = &opts.aws {
        return Some(a.clone());
    }
    let beside = opts.python.parent().map(|d| d.join("aws")).filter(|p| p.exists());
    let on_path = std::env::var_os("PATH")
        .and_then(|paths| std::env::split_paths(&paths).map(|d| d.join("aws")).find(|p| p.exists()));
    beside.or(on_path)
}

/// `Total Objects: N` from `aws s3 ls --summarize`.
fn aws_objects(stdout: &[u8]) -> Result<u64> {
    let text = String::from_utf8_lossy(stdout);
    text.lines()
        .find_map(|l| l.trim().strip_prefix("Total Objects:").and_then(|n| n.trim().parse().ok()))
        .ok_or_else(|| Error::internal("aws s3 ls printed no `Total Objects:` line"))
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
    let generated = opts.local_files.map(|n| ensure_tree(&opts.work_dir, n)).transpose()?;
    if let Some(dir) = generated.as_ref().or(opts.dir.as_ref()) {
        let d = dir.to_str().ok_or_else(|| Error::invalid(format!("{} is not UTF-8", dir.display())))?;
        let (mut ours, mut theirs) = (Vec::new(), Vec::new());
        for _ in 0..opts.runs {
            let (t, out) = timed(Command::new(&opts.cli).args(["du", d, "--depth", "0", "--json"]), "lakescope du")?;
            if let Some(n) = opts.local_files {
                let counted = objects_of(&out, "total_objects", "lakescope du")?;
                if counted != n {
                    return Err(Error::internal(format!("{d}: lakescope counted {counted} files, {n} were generated")));
                }
            }
            ours.push(t);
            theirs.push(timed(Command::new("du").args(["-sb", d]), "du -sb")?.0);
        }
        comparisons.push(Comparison::new(d.to_string(), "lakescope du", "du -sb", median(&ours), median(&theirs)));
    }
    if let Some(uri) = &opts.s3 {
        if let Some(n) = opts.s3_objects {
            let fill = std::env::temp_dir().join(format!("lakescope-du-fill-{}.py", std::process::id()));
            std::fs::write(&fill, FILL_SCRIPT)?;
            let filled = timed(Command::new(&opts.python).arg(&fill).arg(uri).arg(n.to_string()), "filling the S3 prefix");
            let _ = std::fs::remove_file(&fill);
            filled?;
        }
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
        if let Some(aws) = find_aws(opts) {
            let endpoint = std::env::var("AWS_ENDPOINT_URL").or_else(|_| std::env::var("AWS_ENDPOINT")).ok();
            let target = format!("{}/", uri.trim_end_matches('/'));
            let mut cli_runs = Vec::new();
            for _ in 0..opts.runs {
                let mut cmd = Command::new(&aws);
                cmd.args(["s3", "ls", "--recursive", "--summarize", &target]);
                if let Some(e) = &endpoint {
                    cmd.args(["--endpoint-url", e]);
                }
                let (t, out) = timed(&mut cmd, "aws s3 ls")?;
                let n = aws_objects(&out)?;
                let ours_n = objects_of(&timed(Command::new(&opts.cli).args(["du", uri, "--depth", "0", "--json"]), "lakescope du")?.1, "total_objects", "lakescope du")?;
                if n != ours_n {
                    return Err(Error::internal(format!("{uri}: lakescope counted {ours_n} objects, aws s3 ls {n}")));
                }
                cli_runs.push(t);
            }
            comparisons.push(Comparison::new(
                uri.clone(),
                "lakescope du",
                "aws s3 ls --recursive --summarize",
                median(&ours),
                median(&cli_runs),
            ));
        }
    }
    if comparisons.is_empty() {
        return Err(Error::invalid("nothing to measure: give --dir and/or --s3"));
    }
    Ok(Report { runs: opts.runs, comparisons })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_tree_has_the_files_asked_for_and_is_reused() {
        let tmp = tempfile::tempdir().unwrap();
        let root = ensure_tree(tmp.path(), 2500).unwrap();
        let files: usize = std::fs::read_dir(&root).unwrap().map(|d| std::fs::read_dir(d.unwrap().path()).unwrap().count()).sum();
        assert_eq!(files, 2500);
        std::fs::remove_file(root.join("d00000/f0001")).unwrap();
        ensure_tree(tmp.path(), 2500).unwrap();
        assert!(!root.join("d00000/f0001").exists(), "a finished tree is reused, not rewritten");
        assert_eq!(aws_objects(b"2026-01-01 a\n\nTotal Objects: 12\n   Total Size: 3\n").unwrap(), 12);
        assert!(aws_objects(b"nothing").is_err());
    }
}
