//! Memory does not grow with the log: a real Spark log many times larger than a fixture is summarised
//! by a child `lakescope` process whose peak resident memory (VmHWM) stays about what the small log
//! needs, and under the 100 MB goal.
//!
//! The large log is written by a real Spark run (tests/spark/lakescope_big_log.py, plain JSON so its
//! size is its uncompressed size) and cached in target/ across runs.

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

use crate::support::{cli_json, python, repo_root};

/// ~13k tasks: about 40 MB of JSON, 100× the fixtures, in about a minute of Spark.
fn big_log() -> PathBuf {
    let target = repo_root().join("target");
    let lock = std::fs::File::create(target.join("spark-memtest.lock")).unwrap();
    lock.lock().unwrap();
    let out = Command::new(python())
        .arg(repo_root().join("tests/spark/lakescope_big_log.py"))
        .args(["--out", target.join("spark-memtest").to_str().unwrap(), "--tasks", "12000", "--partitions", "1000", "--plain"])
        .output()
        .expect("run lakescope_big_log.py");
    lock.unlock().ok();
    assert!(out.status.success(), "the Spark run failed: {}", String::from_utf8_lossy(&out.stderr));
    let info: Value = serde_json::from_slice(&out.stdout).unwrap();
    PathBuf::from(info["log"].as_str().unwrap())
}

fn summarise(log: &str) -> (u64, u64) {
    let r = cli_json(&["bench", "spark", "--log", log, "--no-history-server"]);
    (r["uncompressed_bytes"].as_u64().unwrap(), r["peak_rss_bytes"].as_u64().unwrap())
}

#[test]
fn peak_rss_does_not_grow_with_the_log() {
    let big = big_log();
    let small = repo_root().join("assets/spark/logs/codecs");
    let small = small.read_dir().unwrap().flatten().find(|e| !e.file_name().to_string_lossy().contains('.')).unwrap().path();
    let (small_bytes, small_rss) = summarise(small.to_str().unwrap());
    let (big_bytes, big_rss) = summarise(big.to_str().unwrap());
    assert!(big_bytes > 50 * small_bytes, "the big log ({big_bytes} B) is much bigger than the small one ({small_bytes} B)");
    assert!(big_rss < 100_000_000, "peak RSS {big_rss} B on a {big_bytes} B log");
    assert!(
        big_rss < small_rss + 24_000_000,
        "peak RSS grew from {small_rss} B ({small_bytes} B log) to {big_rss} B ({big_bytes} B log)"
    );
}
