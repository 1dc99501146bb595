//! Orphan-file and small-file findings against the formats' own tools, file by file.
//!
//! Orphans: `lakescope orphans` must list exactly the files deltalake's VACUUM FULL dry run deletes that
//! no version of the log ever added (Delta), and exactly the unreferenced files under `data/` and
//! `metadata/` older than 3 days that pyiceberg's walk of every snapshot's manifests leaves (Iceberg) —
//! on the demo tables and on tables the tests write and plant orphans into. The orphan finding and the
//! VACUUM / expire finding of a table split its reclaimable bytes without sharing one.
//!
//! Small files: every partition pyiceberg's `inspect.files()` / deltalake's `get_add_actions()` shows
//! with enough small files has a finding with the same file count and bytes, and no other does.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, SystemTime};

use serde_json::{json, Value};

use crate::support::{cli_json, demo, py_json, AS_OF};

const DAY_MS: i64 = 86_400_000;

fn rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms).unwrap().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn qualified(t: &Value) -> String {
    format!("{}.{}.{}", t["source"].as_str().unwrap(), t["namespace"].as_str().unwrap(), t["name"].as_str().unwrap())
}

fn local_path(location: &str) -> String {
    location.strip_prefix("file://").unwrap_or(location).to_string()
}

fn demo_tables(format: &str) -> Vec<(String, Value)> {
    let d = demo();
    let tables = cli_json(&["--sources", &d.sources_arg(), "tables"]);
    tables.as_array().unwrap().iter().filter(|t| t["format"] == format).map(|t| (qualified(t), t.clone())).collect()
}

/// `[{path, size}]` from `lakescope orphans --json`, in the reference scripts' shape.
fn our_orphans(sources: &str, as_of: &str, target: &str) -> (Value, Value) {
    let report = cli_json(&["--sources", sources, "--as-of", as_of, "orphans", target]);
    let files: Vec<Value> =
        report["files"].as_array().unwrap().iter().map(|f| json!({"path": f["path"], "size": f["bytes"]})).collect();
    assert_eq!(report["removable_files"], files.len(), "{target}: {report}");
    let sum: u64 = files.iter().map(|f| f["size"].as_u64().unwrap()).sum();
    assert_eq!(report["removable_bytes"], sum, "{target}: {report}");
    (Value::from(files), report)
}

/// The findings of one table at `as_of`, by kind.
fn findings_of(sources: &str, as_of: &str, table: &str) -> BTreeMap<String, Vec<Value>> {
    let report = cli_json(&["--sources", sources, "--as-of", as_of, "findings"]);
    let mut by_kind: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for f in report["findings"].as_array().unwrap().iter().filter(|f| f["table"] == table) {
        by_kind.entry(f["kind"].as_str().unwrap().to_string()).or_default().push(f.clone());
    }
    by_kind
}

/// The orphan finding and the VACUUM / expire finding split the table's reclaimable bytes.
fn assert_split(what: &str, by_kind: &BTreeMap<String, Vec<Value>>, removal_kind: &str, reclaimable: u64, orphan_bytes: u64, orphan_files: usize) {
    let bytes = |kind: &str| -> u64 { by_kind.get(kind).into_iter().flatten().map(|f| f["bytes"].as_u64().unwrap()).sum() };
    assert_eq!(bytes("orphan_files"), orphan_bytes, "{what}: orphan finding = the listed orphans: {by_kind:#?}");
    assert_eq!(bytes(removal_kind) + bytes("orphan_files"), reclaimable, "{what}: no byte in two findings: {by_kind:#?}");
    if orphan_bytes > 0 {
        assert_eq!(by_kind["orphan_files"][0]["files"], orphan_files, "{what}");
    } else {
        assert!(!by_kind.contains_key("orphan_files"), "{what}: no orphans, no finding");
    }
}

#[test]
fn delta_orphans_are_the_files_vacuum_full_deletes_that_no_version_added() {
    let d = demo();
    let s = d.sources_arg();
    let mut seen_orphans = false;
    for (name, t) in demo_tables("delta") {
        let path = local_path(t["location"].as_str().unwrap());
        let split = py_json("delta_truth.py", &["vacuum-split", &path]);
        let as_of = rfc3339(split["now_ms"].as_i64().unwrap());
        let (files, _) = our_orphans(&s, &as_of, &name);
        assert_eq!(files, split["untracked"], "{name}: orphans vs deltalake VACUUM FULL dry run minus every version's adds");
        let page = cli_json(&["--sources", &s, "--as-of", &as_of, "table", &name]);
        let reclaimable = page["storage"]["reclaimable_bytes"].as_u64().unwrap();
        let by_kind = findings_of(&s, &as_of, &name);
        assert_split(&name, &by_kind, "vacuum_due", reclaimable, split["untracked_bytes"].as_u64().unwrap(), files.as_array().unwrap().len());
        if let Some(o) = by_kind.get("orphan_files") {
            let path = page["location"].as_str().unwrap().trim_start_matches("file://").to_string();
            assert_eq!(o[0]["commands"], json!([format!("VACUUM delta.`{path}`")]), "{name}: Delta orphans go with VACUUM");
            assert!(o[0]["reason"].as_str().unwrap().contains("VACUUM deletes them"), "{name}: {}", o[0]["reason"]);
            seen_orphans = true;
        }
    }
    assert!(seen_orphans, "the demo's failed Delta jobs left orphans");
}

#[test]
fn delta_orphans_planted_in_a_deltalake_table_are_listed_when_old_enough() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lake/mixed").display().to_string();
    py_json("delta_truth.py", &["write-mixed", &path]);
    let sources = dir.path().join("sources.toml");
    std::fs::write(&sources, format!("[[source]]\nname = \"lab\"\nkind = \"delta\"\nlocation = \"file://{}\"\n", dir.path().join("lake").display())).unwrap();
    let s = sources.display().to_string();
    let tables = cli_json(&["--sources", &s, "tables"]);
    let name = qualified(&tables[0]);

    let split = py_json("delta_truth.py", &["vacuum-split", &path]);
    let as_of = rfc3339(split["now_ms"].as_i64().unwrap());
    let (files, report) = our_orphans(&s, &as_of, &name);
    assert_eq!(files, split["untracked"], "orphans vs deltalake");
    let paths: Vec<&str> = files.as_array().unwrap().iter().map(|f| f["path"].as_str().unwrap()).collect();
    assert_eq!(paths, ["day=2026-01-01/.orphan-old.parquet.crc", "day=2026-01-01/orphan-old.parquet"], "old ones only; _tmp/ is hidden");
    // The table's 10-second retention is the safety window.
    assert_eq!(report["cutoff_ms"].as_i64().unwrap(), split["now_ms"].as_i64().unwrap() - 10_000, "{report}");

    let page = cli_json(&["--sources", &s, "--as-of", &as_of, "table", &name]);
    let reclaimable = page["storage"]["reclaimable_bytes"].as_u64().unwrap();
    assert!(split["removed_bytes"].as_u64().unwrap() > 0, "old tombstones are due too: {split}");
    let by_kind = findings_of(&s, &as_of, &name);
    assert_split("deltalake table", &by_kind, "vacuum_due", reclaimable, split["untracked_bytes"].as_u64().unwrap(), 2);
    assert_eq!(by_kind["vacuum_due"][0]["bytes"], split["removed_bytes"], "VACUUM's removed files vs deltalake");
}

fn set_age(path: &Path, ms_since_epoch: i64) {
    let t = SystemTime::UNIX_EPOCH + Duration::from_millis(ms_since_epoch as u64);
    std::fs::File::options().write(true).open(path).unwrap().set_modified(t).unwrap();
}

fn sqlalchemy_uri(db: &Path) -> String {
    format!("sqlite:///{}", db.display())
}

#[test]
fn iceberg_orphans_are_what_pyiceberg_leaves_unreferenced_in_every_snapshot() {
    let d = demo();
    let s = d.sources_arg();
    let uri = sqlalchemy_uri(&d.dir.join("catalog.db"));
    let wh = format!("file://{}", d.dir.join("warehouse").display());
    let mut seen_orphans = false;
    for (name, t) in demo_tables("iceberg") {
        let ident = format!("{}.{}", t["namespace"].as_str().unwrap(), t["name"].as_str().unwrap());
        let r = py_json("iceberg_truth.py", &["reclaim", &uri, &wh, "demo", &ident, AS_OF]);
        let (files, report) = our_orphans(&s, AS_OF, &name);
        assert_eq!(files, r["orphans"], "{name}: orphans vs pyiceberg");
        let by_kind = findings_of(&s, AS_OF, &name);
        let reclaimable = r["reclaimable_bytes"].as_u64().unwrap();
        let orphan_bytes = reclaimable - r["expired_bytes"].as_u64().unwrap();
        assert_split(&name, &by_kind, "expire_snapshots_due", reclaimable, orphan_bytes, files.as_array().unwrap().len());
        if let Some(o) = by_kind.get("orphan_files") {
            let cmds: Vec<&str> = o[0]["commands"].as_array().unwrap().iter().map(|c| c.as_str().unwrap()).collect();
            let call = format!("CALL demo.system.remove_orphan_files(table => '{ident}', older_than => TIMESTAMP '2026-11-27 12:00:00'");
            assert_eq!(cmds, [format!("{call}, dry_run => true)"), format!("{call})")], "{name}");
            assert_eq!(report["cutoff_ms"].as_i64().unwrap(), 1_796_040_000_000 - 3 * DAY_MS);
            seen_orphans = true;
        }
        if let Some(e) = by_kind.get("expire_snapshots_due") {
            assert_eq!(e[0]["commands"].as_array().unwrap().len(), 1, "{name}: expire_snapshots alone: {}", e[0]);
        }
    }
    assert!(seen_orphans, "the demo's failed Iceberg jobs left orphans");
}

#[test]
fn iceberg_orphans_planted_in_a_pyiceberg_table_follow_remove_orphan_files_scope() {
    let dir = tempfile::tempdir().unwrap();
    let doc = py_json("iceberg_truth.py", &["write", dir.path().to_str().unwrap()]);
    let sources = dir.path().join("sources.toml");
    std::fs::write(
        &sources,
        format!(
            "[[source]]\nname = \"lab\"\nkind = \"iceberg-sql\"\nuri = \"sqlite://{}\"\nwarehouse = \"{}\"\ncatalog = \"lab\"\n",
            dir.path().join("catalog.db").display(),
            doc["warehouse"].as_str().unwrap()
        ),
    )
    .unwrap();
    let s = sources.display().to_string();
    let (uri, wh) = (doc["uri"].as_str().unwrap(), doc["warehouse"].as_str().unwrap());
    let root = Path::new(doc["location"].as_str().unwrap().trim_start_matches("file://")).to_path_buf();
    let now = chrono::Utc::now().timestamp_millis();

    // Old failed-job data and metadata files (removable), a fresh one (too young), a stray file at the root
    // and a hidden checksum (never in remove_orphan_files' scope).
    let planted = [
        ("data/day=2026-03-01/00000-9-failed-job.parquet", now - 10 * DAY_MS),
        ("metadata/snap-1-failed-commit.avro", now - 4 * DAY_MS),
        ("data/day=2026-03-01/00000-8-running-job.parquet", now - DAY_MS),
        ("README.txt", now - 10 * DAY_MS),
        ("data/.00000-9-failed-job.parquet.crc", now - 10 * DAY_MS),
    ];
    for (rel, age) in planted {
        let p = root.join(rel);
        std::fs::write(&p, format!("planted {rel}").repeat(7)).unwrap();
        set_age(&p, age);
    }
    for (label, as_of_ms) in [("now", now), ("in 30 days", now + 30 * DAY_MS)] {
        let as_of = rfc3339(as_of_ms);
        let r = py_json("iceberg_truth.py", &["reclaim", uri, wh, "lab", "lab.events", &as_of]);
        let (files, _) = our_orphans(&s, &as_of, "lab.lab.events");
        assert_eq!(files, r["orphans"], "{label}: orphans vs pyiceberg");
        let paths: Vec<&str> = files.as_array().unwrap().iter().map(|f| f["path"].as_str().unwrap()).collect();
        assert!(paths.contains(&"data/day=2026-03-01/00000-9-failed-job.parquet"), "{label}: {paths:?}");
        assert!(paths.contains(&"metadata/snap-1-failed-commit.avro"), "{label}: {paths:?}");
        assert!(!paths.iter().any(|p| p.ends_with("README.txt") || p.ends_with(".crc")), "{label}: {paths:?}");
        assert_eq!(paths.contains(&"data/day=2026-03-01/00000-8-running-job.parquet"), label != "now", "{label}: 3-day window");
        let reclaimable = r["reclaimable_bytes"].as_u64().unwrap();
        let orphan_bytes = reclaimable - r["expired_bytes"].as_u64().unwrap();
        let by_kind = findings_of(&s, &as_of, "lab.lab.events");
        assert_split(label, &by_kind, "expire_snapshots_due", reclaimable, orphan_bytes, paths.len());
        assert_eq!(by_kind.contains_key("expire_snapshots_due"), label != "now", "{label}: snapshots expire after 5 days");
    }
}

/// A table's partitions as the reference tool lists them: (values, or null for the whole table; files; bytes).
type Parts = Vec<(Value, u64, u64)>;

/// The small-file rule with the documented defaults, applied to the reference tool's partitions.
fn due(files: u64, bytes: u64, target: u64) -> Option<u64> {
    let after = bytes.div_ceil(target).max(1);
    (files >= 5 && (bytes / files) * 4 < target * 3 && after < files).then_some(after)
}

#[test]
fn small_file_findings_match_the_partitions_pyiceberg_and_deltalake_list() {
    let d = demo();
    let s = d.sources_arg();
    let report = cli_json(&["--sources", &s, "--as-of", AS_OF, "findings", "--profile", "aws-s3-standard"]);
    let ours: Vec<&Value> = report["findings"].as_array().unwrap().iter().filter(|f| f["kind"] == "small_files").collect();
    let ours_of = |table: &str| -> BTreeMap<String, &Value> {
        ours.iter().filter(|f| f["table"] == table).map(|f| (f["partition"].to_string(), *f)).collect()
    };
    let mut expected_any = BTreeMap::new();

    // Reference partitions: (values or null for the whole table, files, bytes).
    let uri = sqlalchemy_uri(&d.dir.join("catalog.db"));
    let wh = format!("file://{}", d.dir.join("warehouse").display());
    let mut cases: Vec<(String, &str, Parts, String)> = Vec::new();
    for (name, t) in demo_tables("iceberg") {
        let ident = format!("{}.{}", t["namespace"].as_str().unwrap(), t["name"].as_str().unwrap());
        let py = py_json("iceberg_truth.py", &["table", &uri, &wh, "demo", &ident]);
        let parts: Parts = if py["partitions"].as_array().unwrap().is_empty() {
            vec![(Value::Null, py["current"]["data_files"].as_u64().unwrap(), py["current"]["data_bytes"].as_u64().unwrap())]
        } else {
            py["partitions"].as_array().unwrap().iter().map(|p| (p["values"].clone(), p["data_files"].as_u64().unwrap(), p["data_bytes"].as_u64().unwrap())).collect()
        };
        assert!(py["properties"].get("write.target-file-size-bytes").is_none(), "{name}: demo tables use the default");
        cases.push((name, "iceberg", parts, format!("CALL demo.system.rewrite_data_files(table => '{ident}'")));
    }
    for (name, t) in demo_tables("delta") {
        let path = local_path(t["location"].as_str().unwrap());
        let truth = py_json("delta_truth.py", &["summary", &path]);
        let parts: Parts = if truth["partition_columns"].as_array().unwrap().is_empty() {
            vec![(Value::Null, truth["current"]["files"].as_u64().unwrap(), truth["current"]["bytes"].as_u64().unwrap())]
        } else {
            truth["partitions"].as_array().unwrap().iter().map(|p| (p["values"].clone(), p["files"].as_u64().unwrap(), p["bytes"].as_u64().unwrap())).collect()
        };
        cases.push((name, "delta", parts, format!("OPTIMIZE delta.`{path}`")));
    }
    for (name, format, parts, command) in cases {
        let target: u64 = if format == "iceberg" { 512 << 20 } else { 1 << 30 };
        let mine = ours_of(&name);
        let mut want = 0;
        for (values, files, bytes) in parts {
            let key = values.to_string();
            match (due(files, bytes, target), mine.get(&key)) {
                (Some(after), Some(f)) => {
                    let c = &f["compaction"];
                    assert_eq!(
                        json!([c["data_files"], c["data_bytes"], c["files_after"], c["target_file_bytes"], f["files"]]),
                        json!([files, bytes, after, target, files]),
                        "{name} {key}: vs the reference's files"
                    );
                    assert_eq!((f["bytes"].as_u64(), f["usd_per_month"].as_f64()), (Some(0), Some(0.0)), "{name}: no storage saving claimed");
                    let read_usd = c["requests_saved_per_read"].as_f64().unwrap() * 0.0004;
                    assert!((c["usd_per_1000_reads"].as_f64().unwrap() - read_usd).abs() < 1e-12, "{name}: S3 GET price: {c}");
                    let cmd = f["commands"][0].as_str().unwrap();
                    assert!(cmd.starts_with(&command), "{name}: {cmd}");
                    if let Some(day) = values.get("day").and_then(|v| v.as_str()) {
                        let pred = if format == "iceberg" { format!("where => '`day` = ''{day}''')") } else { format!(" WHERE `day` = '{day}'") };
                        assert!(cmd.ends_with(&pred), "{name}: {cmd}");
                    }
                    want += 1;
                }
                (None, None) => {}
                (w, f) => panic!("{name} {key}: reference says {w:?} after compaction ({files} files, {bytes} bytes), ours {f:?}"),
            }
        }
        assert_eq!(mine.len(), want, "{name}: no finding for a partition the reference does not list");
        expected_any.insert(name, want);
    }
    assert!(expected_any["demo.fact.fact_clicks"] > 0, "{expected_any:?}");
    assert!(expected_any.iter().any(|(n, c)| n.ends_with("fact_payments") && *c > 0), "{expected_any:?}");
    assert!(ours.iter().all(|f| f["format"] != "parquet"), "no Spark SQL compacts a plain Parquet directory");
}
