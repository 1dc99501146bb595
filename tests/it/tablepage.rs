//! The table page's additions: sample rows equal what pyarrow reads from the same files (with the
//! current file set and partition values taken from deltalake / pyiceberg / pyarrow's Hive
//! partitioning, not from Lakescope), and the copyable SQL names the table as `table --json` reads it.

use std::path::Path;

use serde_json::Value;

use crate::support::{cli, cli_json, demo, py_json};

/// `lakescope sample` on `target`, and the reference reader's rows for the same files.
fn sample_and_truth(target: &str, limit: &str, truth_args: &[&str]) -> (Value, Value) {
    let d = demo();
    let sample = cli_json(&["--sources", &d.sources_arg(), "sample", target, "--limit", limit]);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sample.json");
    std::fs::write(&file, sample.to_string()).unwrap();
    let mut args: Vec<&str> = truth_args.to_vec();
    args.push(file.to_str().unwrap());
    let truth = py_json("sample_truth.py", &args);
    (sample, truth)
}

fn names(cols: &Value) -> Vec<String> {
    cols.as_array().unwrap().iter().map(|c| c.as_str().map_or_else(|| c["name"].as_str().unwrap().to_string(), str::to_string)).collect()
}

fn column<'a>(sample: &'a Value, name: &str) -> Vec<&'a Value> {
    let i = names(&sample["columns"]).iter().position(|n| n == name).unwrap_or_else(|| panic!("no column {name}"));
    sample["rows"].as_array().unwrap().iter().map(|r| &r[i]).collect()
}

fn check_same_rows(what: &str, sample: &Value, truth: &Value, limit: u64) {
    assert_eq!(truth["not_current"], Value::Array(vec![]), "{what}: sampled files not in the current version");
    assert_eq!(names(&sample["columns"]), names(&truth["columns"]), "{what}: columns");
    assert_eq!(sample["rows"], truth["rows"], "{what}: rows");
    let n = sample["rows"].as_array().unwrap().len() as u64;
    if let Some(total) = truth["total_rows"].as_u64() {
        assert_eq!(n, limit.min(total), "{what}: row count");
    }
    let per_file: u64 = sample["files"].as_array().unwrap().iter().map(|f| f["rows"].as_u64().unwrap()).sum();
    assert_eq!(per_file, n, "{what}: rows per file add up");
}

#[test]
fn delta_sample_of_a_partitioned_evolved_table_equals_pyarrow_on_the_same_files() {
    let d = demo();
    for (target, table_dir, limit) in
        [("delta.usr_jdoe.usr_jdoe_ab_test", "delta/usr_jdoe/usr_jdoe_ab_test", "250"), ("delta.fact.fact_payments", "delta/fact/fact_payments", "1000")]
    {
        let path = d.dir.join(table_dir);
        let (sample, truth) = sample_and_truth(target, limit, &["delta", path.to_str().unwrap()]);
        check_same_rows(target, &sample, &truth, limit.parse().unwrap());
        assert_eq!(sample["version_id"], truth["version"], "{target}: sampled version");
        // Delta files are taken in path order, so the same table always shows the same rows.
        let sampled: Vec<String> =
            sample["files"].as_array().unwrap().iter().map(|f| f["path"].as_str().unwrap().trim_start_matches("file://").to_string()).collect();
        assert_eq!(Value::from(sampled), truth["first_files_by_path"], "{target}: first files by path");
        assert!(sample["files"].as_array().unwrap().len() > 1, "{target}: the limit spans files");
    }
    // The evolved table: its oldest files predate `variant_label` (null there) and keep the partition
    // column only in the log (filled in from it).
    let (sample, _) = sample_and_truth("delta.usr_jdoe.usr_jdoe_ab_test", "20", &["delta", d.dir.join("delta/usr_jdoe/usr_jdoe_ab_test").to_str().unwrap()]);
    assert!(column(&sample, "variant_label").iter().all(|v| v.is_null()), "old files lack the added column");
    let meta = cli_json(&["--sources", &d.sources_arg(), "table", "delta.usr_jdoe.usr_jdoe_ab_test"]);
    let part = meta["partition_columns"][0].as_str().unwrap();
    assert!(column(&sample, part).iter().all(|v| v.is_string()), "partition values filled in: {sample}");
}

#[test]
fn iceberg_sample_equals_pyarrow_on_the_current_snapshots_files() {
    let d = demo();
    let uri = format!("sqlite:///{}", d.dir.join("catalog.db").display());
    let wh = format!("file://{}", d.dir.join("warehouse").display());
    for (target, ident) in [("demo.fact.fact_clicks", "fact.fact_clicks"), ("demo.mart.mart_daily_revenue", "mart.mart_daily_revenue")] {
        let (sample, truth) = sample_and_truth(target, "40", &["iceberg", &uri, &wh, "demo", ident]);
        check_same_rows(target, &sample, &truth, 40);
        assert_eq!(sample["version_id"], truth["version"], "{target}: sampled snapshot");
        assert_eq!(truth["with_deletes"], Value::Array(vec![]), "{target}: no sampled file has deletes");
    }
}

#[test]
fn hive_parquet_sample_equals_pyarrow_with_folder_partitions() {
    let d = demo();
    let path = d.dir.join("hive/ods.db/ods_web_logs");
    let (sample, truth) = sample_and_truth("hive.ods.ods_web_logs", "30", &["parquet", path.to_str().unwrap()]);
    check_same_rows("ods_web_logs", &sample, &truth, 30);
    assert!(column(&sample, "dt").iter().all(|v| v.is_string()), "dt comes from the folders");
    assert!(column(&sample, "ts").iter().all(|v| v.as_str().is_some_and(|s| s.ends_with("+00:00"))), "UTC timestamps");
}

#[test]
fn sample_refuses_limits_outside_bounds_and_unknown_tables_by_name() {
    let d = demo();
    for (args, kind, needle) in [
        (vec!["sample", "delta.fact.fact_payments", "--limit", "0"], "InvalidInput", "0"),
        (vec!["sample", "delta.fact.fact_payments", "--limit", "5000"], "InvalidInput", "5000"),
        (vec!["sample", "no_such_table"], "NotFound", "no_such_table"),
    ] {
        let out = cli().args(["--sources", &d.sources_arg()]).args(&args).arg("--json").output().unwrap();
        assert!(!out.status.success(), "{args:?}");
        let doc: Value = serde_json::from_slice(&out.stderr).expect("error document on stderr");
        assert_eq!(doc["error"]["kind"], kind, "{args:?}: {doc}");
        assert!(doc["error"]["message"].as_str().unwrap().contains(needle), "{args:?}: {doc}");
    }
}

#[test]
fn ddl_and_select_name_the_table_as_table_json_reads_it() {
    let d = demo();
    let src = d.sources_arg();
    for target in ["delta.fact.fact_payments", "demo.ods.ods_orders", "hive.ods.ods_web_logs"] {
        let info = cli_json(&["--sources", &src, "table", target]);
        let sql = cli_json(&["--sources", &src, "ddl", target]);
        let ddl = sql["ddl"].as_str().unwrap();
        let cols: Vec<&str> = info["schema"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
        assert!(sql["select"].as_str().unwrap().starts_with(&format!("SELECT {}\nFROM ", cols.join(", "))), "{target}: {sql}");
        assert!(ddl.contains(&format!("\nUSING {}\n", info["format"].as_str().unwrap())), "{target}: {ddl}");
        assert!(ddl.contains(&format!("LOCATION '{}'", info["location"].as_str().unwrap())), "{target}: {ddl}");
        for p in info["partition_columns"].as_array().unwrap() {
            assert!(ddl.contains(&format!("PARTITIONED BY ({})", p.as_str().unwrap())), "{target}: {ddl}");
        }
        if let Some(c) = info["comment"].as_str() {
            assert!(ddl.contains(&format!("COMMENT '{}'", c.replace('\'', "\\'"))), "{target}: {ddl}");
        }
        if let Some(o) = info["owner"].as_str() {
            assert!(ddl.starts_with(&format!("-- owner: {o}\n")), "{target}: {ddl}");
        }
        assert!(Path::new(info["location"].as_str().unwrap().trim_start_matches("file://")).is_dir());
    }
}
