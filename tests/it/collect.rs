//! `lakescope collect`: killed with SIGKILL at several points of a run on the demo lakehouse, the store
//! stays consistent (every recorded table whole, run counters matching the rows), reruns complete the
//! rest without duplicates, and every snapshot equals what `lakescope table --json` reports.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::Stdio;

use serde_json::Value;

use crate::support::{cli, cli_json, demo, AS_OF};

fn with_store<'a>(sources: &'a str, store: &'a str, rest: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["--sources", sources, "--store", store, "--as-of", AS_OF];
    args.extend_from_slice(rest);
    args
}

/// Start `collect`, let it report `after` tables on stderr, then SIGKILL it (std's `kill` is SIGKILL).
fn collect_and_kill(sources: &str, store: &str, after: usize) {
    let mut child = cli()
        .args(with_store(sources, store, &["collect", "--json"]))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start lakescope collect");
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut seen = 0;
    while seen < after {
        match lines.next() {
            Some(Ok(l)) if l.starts_with('[') => seen += 1,
            Some(Ok(_)) => {}
            _ => panic!("collect ended before reporting {after} tables"),
        }
    }
    child.kill().expect("kill -9 collect");
    let status = child.wait().unwrap();
    assert!(!status.success(), "collect was killed, not finished ({status})");
}

/// The store is consistent: each run's counters equal the snapshot rows it wrote (they are written in
/// one transaction per table), and no table has two snapshots for one day and version.
pub(crate) fn assert_consistent(sources: &str, store: &str) -> (Vec<Value>, Vec<Value>) {
    let snaps = cli_json(&with_store(sources, store, &["snapshots"]));
    let snaps = snaps.as_array().unwrap().clone();
    let runs = cli_json(&with_store(sources, store, &["snapshots", "--runs"]));
    let runs = runs.as_array().unwrap().clone();
    for r in &runs {
        let written = snaps.iter().filter(|s| s["run_id"] == r["run_id"]).count() as u64;
        assert_eq!(r["tables_recorded"].as_u64(), Some(written), "run counters vs rows: {r}");
        assert_eq!(r["tables_failed"], 0, "{r}");
    }
    let mut keys: Vec<String> = snaps
        .iter()
        .map(|s| format!("{}.{}.{} {} {}", s["source"], s["namespace"], s["name"], s["day"], s["version_key"]))
        .collect();
    let n = keys.len();
    keys.dedup();
    assert_eq!(keys.len(), n, "duplicate snapshots");
    (snaps, runs)
}

/// Bytes and regular files below a directory, as `du --apparent-size` counts them.
fn du(dir: &Path) -> (u64, u64) {
    let mut total = (0, 0);
    for e in std::fs::read_dir(dir).unwrap() {
        let e = e.unwrap();
        let m = std::fs::symlink_metadata(e.path()).unwrap();
        if m.is_dir() {
            let (b, n) = du(&e.path());
            total = (total.0 + b, total.1 + n);
        } else if m.is_file() {
            total = (total.0 + m.len(), total.1 + 1);
        }
    }
    total
}

#[test]
fn collect_killed_at_any_point_then_rerun_records_every_table_once_and_exactly() {
    let d = demo();
    let sources = d.sources_arg();
    let tmp = tempfile::tempdir().unwrap();
    let store_path = tmp.path().join("store.db");
    let store = store_path.to_str().unwrap();

    // Killed right after start (during migrations), then inside slow Iceberg reads and a fast Delta one.
    let mut recorded_before = 0;
    for after in [0, 1, 2, 4] {
        collect_and_kill(&sources, store, after);
        let (snaps, runs) = assert_consistent(&sources, store);
        assert!(snaps.len() >= recorded_before, "a kill lost finished tables");
        recorded_before = snaps.len();
        assert!(runs.iter().all(|r| r["finished_ms"].is_null()), "killed runs stay unfinished: {runs:?}");
    }
    assert!(recorded_before > 0 && recorded_before < 10, "the kills left a partial store ({recorded_before} tables)");

    let report = cli_json(&with_store(&sources, store, &["collect"]));
    assert_eq!(report["tables_total"], 10, "{report}");
    assert_eq!(report["tables_failed"], 0, "{report}");
    assert_eq!(report["tables_recorded"].as_u64().unwrap() as usize, 10 - recorded_before, "{report}");
    assert_eq!(report["tables_present"].as_u64().unwrap() as usize, recorded_before, "{report}");

    let again = cli_json(&with_store(&sources, store, &["collect"]));
    assert_eq!((again["tables_recorded"].as_u64(), again["tables_present"].as_u64()), (Some(0), Some(10)), "{again}");
    assert_eq!(again["prefixes_recorded"], 0, "prefixes are recorded once a day: {again}");

    let (snaps, runs) = assert_consistent(&sources, store);
    assert_eq!(snaps.len(), 10);
    assert_eq!(runs.iter().filter(|r| !r["finished_ms"].is_null()).count(), 2);
    for s in &snaps {
        let name = format!("{}.{}.{}", s["source"].as_str().unwrap(), s["namespace"].as_str().unwrap(), s["name"].as_str().unwrap());
        let t = cli_json(&["--sources", &sources, "--as-of", AS_OF, "table", &name]);
        assert_eq!(s["storage"], t["storage"], "{name}");
        for key in ["version_id", "records", "data_files", "data_bytes"] {
            assert_eq!(s[key], t["current"][key], "{name} {key}");
        }
        assert_eq!(s["version_ms"], t["current"]["timestamp_ms"], "{name}");
        assert_eq!(s["location"], t["location"], "{name}");
        assert_eq!(s["day"], "2026-11-30");
    }

    // Per-prefix snapshots: a depth-1 du of each source's root, against a plain filesystem walk.
    let prefixes = cli_json(&with_store(&sources, store, &["snapshots", "--prefixes"]));
    let got: BTreeMap<String, (u64, u64)> = prefixes
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (format!("{}:{}", p["source"].as_str().unwrap(), p["prefix"].as_str().unwrap()), (p["bytes"].as_u64().unwrap(), p["objects"].as_u64().unwrap()))
        })
        .collect();
    for (source, dir) in [("delta", "delta"), ("hive", "hive"), ("demo", "warehouse")] {
        for e in std::fs::read_dir(d.dir.join(dir)).unwrap() {
            let e = e.unwrap();
            if e.file_type().unwrap().is_dir() {
                let key = format!("{source}:{}/", e.file_name().to_string_lossy());
                assert_eq!(got.get(&key), Some(&du(&e.path())), "{key}");
            }
        }
    }
}

#[test]
fn collect_on_an_unreadable_table_records_the_error_and_keeps_going() {
    let d = demo();
    let tmp = tempfile::tempdir().unwrap();
    // A storage source over a copy of one demo Parquet table plus a Delta table whose log is broken.
    let lake = tmp.path().join("lake");
    let good = lake.join("ods.db/web_logs");
    copy_dir(&d.dir.join("hive/ods.db/ods_web_logs"), &good);
    let bad = lake.join("ods.db/broken/_delta_log");
    std::fs::create_dir_all(&bad).unwrap();
    std::fs::write(bad.join("00000000000000000000.json"), b"{not json\n").unwrap();
    let sources = tmp.path().join("sources.toml");
    let url = format!("file://{}", lake.display());
    std::fs::write(&sources, format!("[[source]]\nname = 'lake'\nkind = 'storage'\nlocation = '{url}'\n")).unwrap();
    let store = tmp.path().join("s.db");

    let out = cli()
        .args(with_store(sources.to_str().unwrap(), store.to_str().unwrap(), &["collect", "--json"]))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((report["tables_recorded"].as_u64(), report["tables_failed"].as_u64()), (Some(1), Some(1)), "{report}");
    let failure = &report["failures"][0];
    assert_eq!(failure["target"], "lake.ods.broken");
    assert_eq!(failure["error"]["kind"], "Corrupt", "{failure}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("[2/2]") && stderr.contains("lake.ods.broken FAILED"), "{stderr}");
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}
