//! Hive-style Parquet tables: our rows, files, bytes and partitions equal what duckdb reads from the
//! same files (and the filesystem reports), on a table pyarrow writes here and on the demo's tables.

use serde_json::Value;

use crate::support::{cli_json, demo, py_json, AS_OF};

/// Compare our `table --json` document with `parquet_truth.py describe` on the same directory.
fn assert_matches_duckdb(ours: &Value, truth: &Value) {
    assert_eq!(ours["format"], "parquet");
    for key in ["records", "data_files", "data_bytes"] {
        assert_eq!(ours["current"][key], truth[key], "current.{key}");
    }
    assert_eq!(truth["scanned_rows"], truth["records"], "duckdb's scan agrees with the footers");
    let mut cols: Vec<&str> = ours["schema"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    let mut truth_cols: Vec<&str> = truth["columns"].as_array().unwrap().iter().map(|c| c.as_str().unwrap()).collect();
    cols.sort();
    truth_cols.sort();
    assert_eq!(cols, truth_cols, "columns (partition columns included)");

    let key = |p: &Value| serde_json::to_string(&p["values"]).unwrap();
    let mut ours_p: Vec<&Value> = ours["partitions"].as_array().unwrap().iter().collect();
    ours_p.sort_by_key(|p| key(p));
    let mut truth_p: Vec<&Value> = truth["partitions"].as_array().unwrap().iter().collect();
    truth_p.sort_by_key(|p| key(p));
    assert_eq!(ours_p.len(), truth_p.len(), "partition count");
    for (o, t) in ours_p.iter().zip(&truth_p) {
        assert_eq!(o["values"], t["values"]);
        for k in ["records", "data_files", "data_bytes"] {
            assert_eq!(o[k], t[k], "partition {} {k}", key(o));
        }
    }
}

#[test]
fn pyarrow_hive_table_with_null_partition_and_job_leftovers() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("events");
    py_json("parquet_truth.py", &["write", root.to_str().unwrap()]);
    let truth = py_json("parquet_truth.py", &["describe", root.to_str().unwrap()]);
    let ours = cli_json(&["--sources", "/dev/null", "table", root.to_str().unwrap()]);
    assert_matches_duckdb(&ours, &truth);

    // NULL partitions are null, not the string Hive uses on disk.
    let parts = ours["partitions"].as_array().unwrap();
    assert!(parts.iter().any(|p| p["values"]["app"].is_null()), "a NULL app partition");
    assert_eq!(ours["partition_columns"], serde_json::json!(["app", "dt"]));

    // Everything under the location counts; markers are metadata, the abandoned attempt an orphan.
    let s = &ours["storage"];
    let total: u64 = walk_sizes(&root);
    assert_eq!(s["total_bytes"].as_u64().unwrap(), total);
    assert_eq!(s["live_bytes"], truth["data_bytes"]);
    assert_eq!(s["metadata_bytes"].as_u64().unwrap(), 16, "_SUCCESS (0 B) + .crc (16 B)");
    assert_eq!(s["orphan_bytes"].as_u64().unwrap(), 17, "_temporary/0/part-9.parquet");
    assert_eq!(s["reclaimable_bytes"].as_u64().unwrap(), 0, "no format tool reclaims plain Parquet");
}

#[test]
fn demo_parquet_tables_match_duckdb() {
    let d = demo();
    for name in ["ods_web_logs", "usr_jdoe_export"] {
        let ours = cli_json(&["--sources", &d.sources_arg(), "--as-of", AS_OF, "table", name]);
        let loc = ours["location"].as_str().unwrap().trim_start_matches("file://").to_string();
        let truth = py_json("parquet_truth.py", &["describe", &loc]);
        assert_matches_duckdb(&ours, &truth);
        assert_eq!(ours["source"], "hive");
        assert!(ours["current"]["data_files"].as_u64().unwrap() >= 10, "{name} has its daily files");
    }
}

fn walk_sizes(p: &std::path::Path) -> u64 {
    let mut total = 0;
    for e in std::fs::read_dir(p).unwrap() {
        let e = e.unwrap();
        let m = std::fs::symlink_metadata(e.path()).unwrap();
        if m.is_dir() {
            total += walk_sizes(&e.path());
        } else if m.is_file() {
            total += m.len();
        }
    }
    total
}
