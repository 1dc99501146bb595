//! `lakescope bench du`: our `du` beside the tools people use for the same question, whole processes
//! on both sides (as a user runs them): `du -sb` on a local tree, and on S3 a boto3 paginated listing —
//! what `aws s3 ls --recursive --summarize` does — on the same prefix. Objects and bytes are checked to
//! agree on S3 (`du -sb` also counts directory entries' sizes, so only the time is compared there).
//!
//! At platform scale (1M objects) the trees are generated outside the timed part: a local tree under the
//! work directory, kept for the next run ([`ensure_tree`]); on S3 either a prefix filled over HTTP by
//! boto3 (assets/bench/du_fill.py, `--s3 URI --s3-objects N`: about an hour for a million on moto), or a
//! moto server the bench starts itself and fills in-process (assets/bench/du_moto.py,
//! `--s3-moto-objects N`: under a minute for a million), stopped when the bench ends. With the AWS CLI at
//! hand (`--aws`, PATH, or beside the Python), the S3 side is also timed against
//! `aws s3 ls --recursive --summarize` itself.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde::Serialize;

use super::{Comparison, median};
use crate::error::{Error, Result, ResultExt};

static REFERENCE_SCRIPT: &str = include_str!("../../../../assets/bench/du_ref.py");
static FILL_SCRIPT: &str = include_str!("../../../../assets/bench/du_fill.py");
static MOTO_SCRIPT: &str = include_str!("../../../../assets/bench/du_moto.py");

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
    /// Start a moto server of our own holding this many objects (assets/bench/du_moto.py) and measure
    /// it instead of `s3`; the server is stopped afterwards.
    pub s3_moto_objects: Option<u64>,
    /// Which tools ours is timed against on S3.
    pub references: References,
    pub work_dir: PathBuf,
}

/// The S3 tools to compare with.
#[derive(Debug, Clone, Copy)]
pub struct References {
    /// boto3's paginated listing (what `aws s3 ls --recursive --summarize` does, without printing).
    pub boto3: bool,
    /// The AWS CLI itself, if one is found.
    pub aws: bool,
}

/// A moto server started for the bench, filled in-process ([`MOTO_SCRIPT`]); stopped when dropped.
struct MotoServer {
    child: std::process::Child,
    endpoint: String,
    uri: String,
    objects: u64,
    bytes: u64,
}

impl MotoServer {
    fn start(opts: &Options, n: u64) -> Result<MotoServer> {
        use std::io::BufRead;
        let script = std::env::temp_dir().join(format!("lakescope-du-moto-{}.py", std::process::id()));
        std::fs::write(&script, MOTO_SCRIPT)?;
        let mut child = Command::new(&opts.python)
            .arg(&script)
            .args(["lakescope-bench-du", &n.to_string()])
            .envs(CREDENTIALS.iter().filter(|(k, _)| std::env::var_os(k).is_none()).copied())
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .with_context(|| format!("starting moto with {}", opts.python.display()))?;
        let mut line = String::new();
        let read = std::io::BufReader::new(child.stdout.take().expect("piped")).read_line(&mut line);
        let _ = std::fs::remove_file(&script);
        let doc: serde_json::Value = match read.ok().and_then(|_| serde_json::from_str(&line).ok()) {
            Some(doc) => doc,
            None => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(Error::internal(format!("moto did not start (pip install 'moto[server]'): {line:?}")));
            }
        };
        let field = |k: &str| doc[k].as_u64().unwrap_or(0);
        let server = MotoServer {
            endpoint: doc["endpoint"].as_str().unwrap_or_default().to_string(),
            uri: doc["uri"].as_str().unwrap_or_default().to_string(),
            objects: field("objects"),
            bytes: field("bytes"),
            child,
        };
        eprintln!("moto at {} holds {} objects under {} (filled in {} s)", server.endpoint, server.objects, server.uri, doc["fill_seconds"]);
        Ok(server)
    }

    /// The settings every tool reads to reach this server.
    fn env(&self) -> Vec<(&'static str, String)> {
        let mut env: Vec<(&'static str, String)> = CREDENTIALS
            .iter()
            .filter(|(k, _)| std::env::var_os(k).is_none())
            .map(|(k, v)| (*k, v.to_string()))
            .collect();
        env.extend([("AWS_ENDPOINT", self.endpoint.clone()), ("AWS_ENDPOINT_URL", self.endpoint.clone()), ("AWS_ALLOW_HTTP", "true".into())]);
        env
    }
}

impl Drop for MotoServer {
    fn drop(&mut self) {
        drop(self.child.stdin.take()); // the server serves until its stdin closes
        let _ = self.child.wait();
    }
}

/// moto accepts any credentials; these are used where the environment has none.
const CREDENTIALS: &[(&str, &str)] =
    &[("AWS_ACCESS_KEY_ID", "testing"), ("AWS_SECRET_ACCESS_KEY", "testing"), ("AWS_REGION", "us-east-1")];

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

/// `Total Objects: N` and `Total Size: B` from `aws s3 ls --summarize` (its last lines).
fn aws_summary(stdout: &[u8]) -> Result<(u64, u64)> {
    let tail = &stdout[stdout.len().saturating_sub(4096)..];
    let text = String::from_utf8_lossy(tail);
    let field = |name: &str| {
        text.lines()
            .find_map(|l| l.trim().strip_prefix(name).and_then(|n| n.trim().parse().ok()))
            .ok_or_else(|| Error::internal(format!("aws s3 ls printed no `{name}` line")))
    };
    Ok((field("Total Objects:")?, field("Total Size:")?))
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
    if let Some(n) = opts.s3_moto_objects {
        let server = MotoServer::start(opts, n)?;
        let env = server.env();
        s3_compare(opts, &server.uri, &env, Some((server.objects, server.bytes)), &mut comparisons)?;
    } else if let Some(uri) = &opts.s3 {
        if let Some(n) = opts.s3_objects {
            let fill = std::env::temp_dir().join(format!("lakescope-du-fill-{}.py", std::process::id()));
            std::fs::write(&fill, FILL_SCRIPT)?;
            let filled = timed(Command::new(&opts.python).arg(&fill).arg(uri).arg(n.to_string()), "filling the S3 prefix");
            let _ = std::fs::remove_file(&fill);
            filled?;
        }
        s3_compare(opts, uri, &[], None, &mut comparisons)?;
    }
    if comparisons.is_empty() {
        return Err(Error::invalid("nothing to measure: give --dir, --local-files, --s3 or --s3-moto-objects"));
    }
    Ok(Report { runs: opts.runs, comparisons })
}

/// `objects` and `bytes` as every tool must count them: from our du, and `expected` (what a filled
/// server holds) if known.
fn agree(uri: &str, tool: &str, got: (u64, u64), ours: (u64, u64), expected: Option<(u64, u64)>) -> Result<()> {
    let want = expected.unwrap_or(ours);
    if got != want || ours != want {
        return Err(Error::internal(format!(
            "{uri}: {tool} counted {} objects / {} bytes, lakescope du {} / {}{}",
            got.0,
            got.1,
            ours.0,
            ours.1,
            expected.map(|e| format!(", the bucket holds {} / {}", e.0, e.1)).unwrap_or_default()
        )));
    }
    Ok(())
}

/// Ours against the boto3 listing and the AWS CLI (those of `opts.references`) on `uri`, each run
/// timing every tool once and checking that all count the same objects and bytes.
fn s3_compare(
    opts: &Options,
    uri: &str,
    env: &[(&str, String)],
    expected: Option<(u64, u64)>,
    comparisons: &mut Vec<Comparison>,
) -> Result<()> {
    let script = std::env::temp_dir().join(format!("lakescope-du-ref-{}.py", std::process::id()));
    std::fs::write(&script, REFERENCE_SCRIPT)?;
    let aws = if opts.references.aws { find_aws(opts) } else { None };
    if opts.references.aws && aws.is_none() {
        eprintln!("no AWS CLI found (--aws, PATH, beside the Python): `aws s3 ls` is left out");
    }
    let endpoint = env
        .iter()
        .find(|(k, _)| *k == "AWS_ENDPOINT")
        .map(|(_, v)| v.clone())
        .or_else(|| std::env::var("AWS_ENDPOINT_URL").or_else(|_| std::env::var("AWS_ENDPOINT")).ok());
    let target = format!("{}/", uri.trim_end_matches('/'));
    let (mut ours, mut boto, mut cli) = (Vec::new(), Vec::new(), Vec::new());
    let result = (|| -> Result<()> {
        for _ in 0..opts.runs {
            let mut cmd = Command::new(&opts.cli);
            cmd.args(["du", uri, "--depth", "0", "--json"]).envs(env.iter().map(|(k, v)| (*k, v)));
            let (t, out) = timed(&mut cmd, "lakescope du")?;
            let counted = (objects_of(&out, "total_objects", "lakescope du")?, objects_of(&out, "total_bytes", "lakescope du")?);
            ours.push(t);
            if opts.references.boto3 {
                let mut cmd = Command::new(&opts.python);
                cmd.arg(&script).arg(uri).envs(env.iter().map(|(k, v)| (*k, v)));
                let (t, out) = timed(&mut cmd, "boto3 listing")?;
                let got = (objects_of(&out, "objects", "boto3 listing")?, objects_of(&out, "bytes", "boto3 listing")?);
                agree(uri, "boto3", got, counted, expected)?;
                boto.push(t);
            }
            if let Some(aws) = &aws {
                let mut cmd = Command::new(aws);
                cmd.args(["s3", "ls", "--recursive", "--summarize", &target]).envs(env.iter().map(|(k, v)| (*k, v)));
                if let Some(e) = &endpoint {
                    cmd.args(["--endpoint-url", e]);
                }
                let (t, out) = timed(&mut cmd, "aws s3 ls")?;
                agree(uri, "aws s3 ls", aws_summary(&out)?, counted, expected)?;
                cli.push(t);
            }
        }
        Ok(())
    })();
    let _ = std::fs::remove_file(&script);
    result?;
    if ours.is_empty() {
        return Ok(());
    }
    if !boto.is_empty() {
        let what = "boto3 paginated list (aws s3 ls --recursive --summarize)";
        comparisons.push(Comparison::new(uri.to_string(), "lakescope du", what, median(&ours), median(&boto)));
    }
    if !cli.is_empty() {
        let what = "aws s3 ls --recursive --summarize";
        comparisons.push(Comparison::new(uri.to_string(), "lakescope du", what, median(&ours), median(&cli)));
    }
    if boto.is_empty() && cli.is_empty() {
        return Err(Error::invalid(format!("{uri}: no tool to compare with (boto3 left out and no AWS CLI)")));
    }
    Ok(())
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
        assert_eq!(aws_summary(b"2026-01-01 a\n\nTotal Objects: 12\n   Total Size: 3\n").unwrap(), (12, 3));
        assert!(aws_summary(b"nothing").is_err());
    }
}
