//! Delta numbers checked against deltalake (delta-rs), the reference reader: every demo Delta table
//! (written by delta_kernel, back-dated afterwards) and tables deltalake itself writes here — appends,
//! overwrites, deletes, partitions, checkpoints, log cleanup, orphans and tombstones on both sides of
//! the retention cut-off.

use serde_json::{Value, json};

use crate::support::{ANCHOR, cli, cli_json, demo, py_json};

/// `file:///x/y` → `/x/y` (deltalake is given plain paths).
fn local_path(location: &str) -> String {
    location.strip_prefix("file://").unwrap_or(location).to_string()
}

fn demo_delta_tables() -> Vec<(String, String)> {
    let d = demo();
    let tables = cli_json(&["--sources", &d.sources_arg(), "tables"]);
    let out: Vec<(String, String)> = tables
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["format"] == "delta")
        .map(|t| {
            let name = format!(
                "{}.{}.{}",
                t["source"].as_str().unwrap(),
                t["namespace"].as_str().unwrap(),
                t["name"].as_str().unwrap()
            );
            (name, local_path(t["location"].as_str().unwrap()))
        })
        .collect();
    assert_eq!(out.len(), 4, "the recipe has four Delta tables: {out:?}");
    out
}

pub(crate) fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Our `table` and `history` documents against deltalake's `summary` of the same table.
pub(crate) fn assert_agrees(what: &str, ours: &Value, history: &Value, truth: &Value) {
    let cur = &ours["current"];
    assert_eq!(cur["version"], truth["version"], "{what}: current version");
    assert_eq!(cur["timestamp_ms"], truth["timestamp_ms"], "{what}: current version's commit time");
    assert_eq!(
        json!([cur["data_files"], cur["data_bytes"], cur["records"]]),
        json!([truth["current"]["files"], truth["current"]["bytes"], truth["current"]["records"]]),
        "{what}: add actions (count, sum of sizes, sum of numRecords)"
    );
    assert_eq!(ours["partition_columns"], truth["partition_columns"], "{what}: partition columns");
    let mut parts: Vec<Value> = ours["partitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| json!({"values": p["values"], "files": p["data_files"], "bytes": p["data_bytes"], "records": p["records"]}))
        .collect();
    parts.sort_by_key(|p| p["values"].to_string());
    let mut expected = truth["partitions"].as_array().unwrap().clone();
    expected.sort_by_key(|p| p["values"].to_string());
    if truth["partition_columns"].as_array().unwrap().is_empty() {
        assert!(parts.is_empty(), "{what}: an unpartitioned table lists no partitions");
    } else {
        assert_eq!(parts, expected, "{what}: per-partition stats");
    }
    assert_eq!(ours["comment"], truth["description"], "{what}: comment = description");
    assert_eq!(ours["properties"], truth["configuration"], "{what}: properties = configuration");

    let rows = history.as_array().unwrap();
    let truth_history = truth["history"].as_array().unwrap();
    let versions: Vec<&Value> = rows.iter().map(|r| &r["version"]).collect();
    let truth_versions: Vec<&Value> = truth_history.iter().map(|r| &r["version"]).collect();
    assert_eq!(versions, truth_versions, "{what}: the versions history shows");
    for ((row, h), totals) in rows.iter().zip(truth_history).zip(truth["versions"].as_array().unwrap()) {
        let v = &row["version"];
        assert_eq!(
            json!([row["timestamp_ms"], row["operation"]]),
            json!([h["timestamp_ms"], h["operation"]]),
            "{what} v{v}: history row"
        );
        assert_eq!(
            json!([row["data_files"], row["data_bytes"], row["records"]]),
            json!([totals["files"], totals["bytes"], totals["records"]]),
            "{what} v{v}: totals as of the version (deltalake loaded with version={v})"
        );
    }
}

pub(crate) fn table_and_history(args_prefix: &[&str], target: &str, as_of: &str) -> (Value, Value) {
    let mut a: Vec<&str> = args_prefix.to_vec();
    a.extend(["--as-of", as_of, "table", target]);
    let table = cli_json(&a);
    let mut h: Vec<&str> = args_prefix.to_vec();
    h.extend(["history", target]);
    (table, cli_json(&h))
}

#[test]
fn every_demo_delta_table_agrees_with_deltalake() {
    let d = demo();
    let sources = d.sources_arg();
    let anchor_ms = chrono::NaiveDate::parse_from_str(ANCHOR, "%Y-%m-%d")
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc()
        .timestamp_millis();
    for (name, path) in demo_delta_tables() {
        let (table, history) = table_and_history(&["--sources", &sources], &name, &now_rfc3339());
        let truth = py_json("delta_truth.py", &["summary", &path]);
        assert_agrees(&name, &table, &history, &truth);
        assert_eq!(table["owner"], truth["configuration"]["owner"], "{name}: owner from the configuration");

        // Back-dating is what deltalake sees: months of daily commits ending by the anchor day, in order.
        let times: Vec<i64> =
            truth["history"].as_array().unwrap().iter().map(|h| h["timestamp_ms"].as_i64().unwrap()).collect();
        assert!(times.windows(2).all(|w| w[0] < w[1]), "{name}: commit times increase");
        assert!(*times.last().unwrap() < anchor_ms + 86_400_000, "{name}: no commit after the anchor day");
        assert!(times[0] < anchor_ms - 20 * 86_400_000, "{name}: history reaches weeks back");
    }
}

#[test]
fn deltalake_reads_the_data_of_every_demo_delta_table() {
    let d = demo();
    for (name, path) in demo_delta_tables() {
        let table = cli_json(&["--sources", &d.sources_arg(), "table", &name]);
        let rows = py_json("delta_truth.py", &["rows", &path]);
        assert_eq!(table["current"]["records"], rows["rows"], "{name}: rows deltalake reads = records from stats");
    }
}

#[test]
fn demo_reclaimable_bytes_equal_vacuum_full_now() {
    let d = demo();
    for (name, path) in demo_delta_tables() {
        let vacuum = py_json("delta_truth.py", &["vacuum", &path]);
        let as_of = chrono::DateTime::from_timestamp_millis(vacuum["now_ms"].as_i64().unwrap()).unwrap().to_rfc3339();
        let table = cli_json(&["--sources", &d.sources_arg(), "--as-of", &as_of, "table", &name]);
        assert_eq!(table["storage"]["reclaimable_bytes"], vacuum["bytes"], "{name}: {:#}", vacuum["files"]);
    }
}

#[test]
fn a_table_written_by_deltalake_agrees_including_vacuum() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mixed").display().to_string();
    let written = py_json("delta_truth.py", &["write-mixed", &path]);
    assert!(written["version"].as_i64().unwrap() >= 9, "enough versions for checkpoints: {written}");

    let vacuum = &written["vacuum"];
    let as_of = chrono::DateTime::from_timestamp_millis(vacuum["now_ms"].as_i64().unwrap()).unwrap().to_rfc3339();
    let (table, history) = table_and_history(&["--sources", "/dev/null"], &path, &as_of);
    let truth = py_json("delta_truth.py", &["summary", &path]);
    assert_agrees("deltalake-written table", &table, &history, &truth);

    // The scenario straddles the cut-off: some removed and orphaned files are due, others are not,
    // and hidden files never are.
    let due: Vec<&str> = vacuum["files"].as_array().unwrap().iter().map(|f| f["path"].as_str().unwrap()).collect();
    assert!(due.contains(&"day=2026-01-01/orphan-old.parquet"), "{due:?}");
    assert!(due.contains(&"day=2026-01-01/.orphan-old.parquet.crc"), "{due:?}");
    assert!(!due.iter().any(|p| p.contains("orphan-young") || p.starts_with("_tmp/")), "{due:?}");
    let paths = |key: &str| -> Vec<String> {
        written[key].as_array().unwrap().iter().map(|p| p.as_str().unwrap().to_string()).collect()
    };
    let (old, young) = (paths("old_tombstones"), paths("young_tombstones"));
    assert!(!old.is_empty() && !young.is_empty(), "{written}");
    assert!(old.iter().all(|p| due.contains(&p.as_str())), "old tombstones are due: {old:?} in {due:?}");
    assert!(!young.iter().any(|p| due.contains(&p.as_str())), "young tombstones are kept: {young:?} in {due:?}");
    assert_eq!(table["storage"]["reclaimable_bytes"], vacuum["bytes"], "reclaimable = VACUUM FULL dry run: {due:?}");

    let s = &table["storage"];
    let parts: i64 = ["live_bytes", "old_version_bytes", "orphan_bytes", "metadata_bytes"]
        .iter()
        .map(|k| s[k].as_i64().unwrap())
        .sum();
    assert_eq!(s["total_bytes"].as_i64().unwrap(), parts, "{s}");
    assert_eq!(s["live_bytes"], table["current"]["data_bytes"], "{s}");
    assert!(s["orphan_bytes"].as_i64().unwrap() > 0 && s["old_version_bytes"].as_i64().unwrap() > 0, "{s}");
}

#[test]
fn escaped_partition_paths_match_the_listing_and_null_stays_null() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("escapes").display().to_string();
    py_json("delta_truth.py", &["write-escapes", &path]);
    let (table, history) = table_and_history(&["--sources", "/dev/null"], &path, &now_rfc3339());
    let truth = py_json("delta_truth.py", &["summary", &path]);
    assert_agrees("table with escaped partition values", &table, &history, &truth);
    let s = &table["storage"];
    assert_eq!(s["live_bytes"], table["current"]["data_bytes"], "every add path found in the listing: {s}");
    assert_eq!(s["orphan_bytes"], 0, "{s}");
    let values: Vec<&Value> = table["partitions"].as_array().unwrap().iter().map(|p| &p["values"]["tag"]).collect();
    assert!(values.contains(&&Value::Null) && values.contains(&&json!("x:y")), "{values:?}");
}

#[test]
fn after_log_cleanup_history_starts_at_the_oldest_checkpoint() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cleaned").display().to_string();
    let written = py_json("delta_truth.py", &["write-cleanup", &path]);
    let log: Vec<&str> = written["log"].as_array().unwrap().iter().map(|f| f.as_str().unwrap()).collect();
    assert!(!log.contains(&"00000000000000000000.json"), "cleanup removed early commits: {log:?}");

    let (table, history) = table_and_history(&["--sources", "/dev/null"], &path, &now_rfc3339());
    let truth = py_json("delta_truth.py", &["summary", &path]);
    assert_agrees("table after log cleanup", &table, &history, &truth);
    let first = history[0]["version"].as_i64().unwrap();
    assert!(
        log.contains(&format!("{first:020}.checkpoint.parquet").as_str()),
        "history starts at a checkpoint: v{first}, {log:?}"
    );
}

#[test]
fn vacuum_commits_keep_totals_and_old_versions_stay_readable_from_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vacuumed").display().to_string();
    py_json("delta_truth.py", &["write-cleanup", &path]);
    let vacuumed = py_json("delta_truth.py", &["vacuum-now", &path]);
    assert!(!vacuumed["deleted"].as_array().unwrap().is_empty(), "VACUUM deleted removed files: {vacuumed}");

    let (table, history) = table_and_history(&["--sources", "/dev/null"], &path, &now_rfc3339());
    let truth = py_json("delta_truth.py", &["summary", &path]);
    assert_agrees("vacuumed table", &table, &history, &truth);
    let rows = history.as_array().unwrap();
    let n = rows.len();
    let ops: Vec<&str> = rows[n - 2..].iter().map(|r| r["operation"].as_str().unwrap()).collect();
    assert_eq!(ops, ["VACUUM START", "VACUUM END"]);
    for r in &rows[n - 2..] {
        for k in ["records", "data_files", "data_bytes"] {
            assert_eq!(r[k], rows[n - 3][k], "{k} unchanged by {}", r["operation"]);
        }
    }
    // With zero retention VACUUM FULL left only live files and the log.
    let s = &table["storage"];
    assert_eq!((&s["old_version_bytes"], &s["orphan_bytes"]), (&json!(0), &json!(0)), "{s}");
    assert_eq!(s["live_bytes"], table["current"]["data_bytes"], "{s}");
}

#[test]
fn a_truncated_commit_is_corrupt_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cleaned");
    py_json("delta_truth.py", &["write-cleanup", &path.display().to_string()]);
    let last = std::fs::read_dir(path.join("_delta_log"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".json"))
        .max()
        .unwrap();
    let file = path.join("_delta_log").join(&last);
    let text = std::fs::read(&file).unwrap();
    std::fs::write(&file, &text[..text.len() - 25]).unwrap();
    for cmd in ["table", "history"] {
        let (kind, message) = cli_error(&[cmd, &path.display().to_string()]);
        assert_eq!(kind, "Corrupt", "{cmd}: {message}");
        assert!(message.contains(&last) && message.contains("line"), "{cmd}: {message}");
    }
    // A commit file created but never written.
    std::fs::write(&file, b"").unwrap();
    for cmd in ["table", "history"] {
        let (kind, message) = cli_error(&[cmd, &path.display().to_string()]);
        assert_eq!(kind, "Corrupt", "{cmd}: {message}");
        assert!(message.contains(&last) && message.contains("empty"), "{cmd}: {message}");
    }
}

#[test]
fn a_delta_table_without_its_log_is_not_found() {
    let dir = tempfile::tempdir().unwrap();
    let empty_log = dir.path().join("t");
    std::fs::create_dir_all(empty_log.join("_delta_log")).unwrap();
    for cmd in ["table", "history"] {
        let (kind, message) = cli_error(&[cmd, &empty_log.display().to_string()]);
        assert_eq!(kind, "NotFound", "{cmd}: {message}");
        assert!(message.contains("_delta_log"), "{cmd}: {message}");
    }
    let (kind, _) = cli_error(&["table", &dir.path().join("missing").display().to_string()]);
    assert_eq!(kind, "NotFound");
}

fn cli_error(args: &[&str]) -> (String, String) {
    let out = cli().args(args).args(["--json", "--sources", "/dev/null"]).output().unwrap();
    assert!(!out.status.success(), "lakescope {args:?} should fail");
    let doc: Value = serde_json::from_slice(&out.stderr)
        .unwrap_or_else(|e| panic!("no error document ({e}): {}", String::from_utf8_lossy(&out.stderr)));
    let kind = doc["error"]["kind"].as_str().unwrap().to_string();
    (kind, doc["error"]["message"].as_str().unwrap().to_string())
}
