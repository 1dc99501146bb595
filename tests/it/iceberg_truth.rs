//! Iceberg numbers against pyiceberg: every demo Iceberg table (written by our iceberg-rust based demo
//! writer) and a table pyiceberg writes itself must read the same through `lakescope table`/`history`
//! as through pyiceberg — current snapshot, live data files, partitions, every snapshot's totals, and
//! the bytes expire_snapshots + remove_orphan_files would reclaim. A full pyiceberg scan of each demo
//! table is the proof that the tables we write are valid Iceberg.

use std::path::Path;
use std::time::{Duration, SystemTime};

use serde_json::{json, Value};

use crate::support::{cli, cli_json, demo, py_json, AS_OF};

const SCRIPT: &str = "iceberg_truth.py";
const DAY_MS: i64 = 86_400_000;

/// SQLAlchemy's spelling of an absolute SQLite path (`sqlite:////abs/path`).
fn sqlalchemy_uri(db: &Path) -> String {
    format!("sqlite:///{}", db.display())
}

fn warehouse_url(dir: &Path) -> String {
    format!("file://{}", dir.display())
}

fn sorted_partitions(parts: &Value) -> Vec<Value> {
    let mut v: Vec<Value> = parts
        .as_array()
        .expect("partitions array")
        .iter()
        .map(|p| json!({"values": p["values"], "records": p["records"], "data_files": p["data_files"], "data_bytes": p["data_bytes"]}))
        .collect();
    v.sort_by_key(|p| p["values"].to_string());
    v
}

/// Compare our `table` and `history` documents with pyiceberg's view of the same table.
pub(crate) fn assert_agrees(what: &str, ours: &Value, history: &Value, py: &Value) {
    let (c, pc) = (&ours["current"], &py["current"]);
    assert_eq!(c["version_id"], pc["version_id"], "{what}: current snapshot");
    assert_eq!(c["version"].to_string(), pc["version_id"].as_str().unwrap(), "{what}: snapshot id stays exact");
    assert_eq!(c["timestamp_ms"], pc["timestamp_ms"], "{what}: snapshot time");
    for k in ["records", "data_files", "data_bytes"] {
        assert_eq!(c[k], pc[k], "{what}: current {k} vs pyiceberg inspect.files()");
    }
    assert_eq!(ours["partition_columns"], py["partition_columns"], "{what}: partition columns");
    assert_eq!(sorted_partitions(&ours["partitions"]), sorted_partitions(&py["partitions"]), "{what}: partitions");
    let schema: Vec<Value> = ours["schema"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| json!({"name": f["name"], "type": f["type"], "nullable": f["nullable"], "comment": f["comment"]}))
        .collect();
    assert_eq!(Value::from(schema), py["schema"], "{what}: schema");
    for (k, v) in py["properties"].as_object().unwrap() {
        assert_eq!(&ours["properties"][k], v, "{what}: property {k}");
    }

    let s = &ours["storage"];
    let parts: u64 = ["live_bytes", "old_version_bytes", "orphan_bytes", "metadata_bytes"].iter().map(|k| s[k].as_u64().unwrap()).sum();
    assert_eq!(s["total_bytes"].as_u64().unwrap(), parts, "{what}: storage parts add up");

    let rows = history.as_array().expect("history array");
    let refs = py["history"].as_array().unwrap();
    assert_eq!(rows.len(), refs.len(), "{what}: one history row per snapshot");
    for (row, r) in rows.iter().zip(refs) {
        let at = format!("{what}: snapshot {}", r["version_id"]);
        assert_eq!(row["version_id"], r["version_id"], "{at}: order");
        assert_eq!(row["timestamp_ms"], r["timestamp_ms"], "{at}: time");
        assert_eq!(row["operation"], r["operation"], "{at}: operation");
        for k in ["records", "data_files", "data_bytes"] {
            assert_eq!(row[k], r["manifests"][k], "{at}: {k} vs pyiceberg's manifest reader");
        }
        for k in ["added_files", "removed_files", "added_bytes", "removed_bytes"] {
            assert_eq!(row[k], r["changes"][k], "{at}: {k} vs pyiceberg's manifest entries");
        }
        let summary = &r["summary"];
        assert_eq!(row["records"], summary["total-records"], "{at}: records vs summary");
        assert_eq!(row["data_files"], summary["total-data-files"], "{at}: data files vs summary");
    }
    let last = rows.last().expect("at least one snapshot");
    assert_eq!(last["version_id"], c["version_id"], "{what}: newest history row is the current snapshot");
}

fn reclaim(uri: &str, warehouse: &str, catalog: &str, ident: &str, as_of: &str) -> Value {
    py_json(SCRIPT, &["reclaim", uri, warehouse, catalog, ident, as_of])
}

#[test]
fn every_demo_iceberg_table_reads_as_pyiceberg_reads_it() {
    let d = demo();
    let src = d.sources_arg();
    let uri = sqlalchemy_uri(&d.dir.join("catalog.db"));
    let wh = warehouse_url(&d.dir.join("warehouse"));
    let tables = cli_json(&["--sources", &src, "tables"]);
    let iceberg: Vec<&Value> = tables.as_array().unwrap().iter().filter(|t| t["format"] == "iceberg").collect();
    assert_eq!(iceberg.len(), 4, "the recipe's Iceberg tables: {iceberg:#?}");

    let mut reclaimable_somewhere = false;
    for t in iceberg {
        let ident = format!("{}.{}", t["namespace"].as_str().unwrap(), t["name"].as_str().unwrap());
        let qualified = format!("demo.{ident}");
        let ours = cli_json(&["--sources", &src, "--as-of", AS_OF, "table", &qualified]);
        let history = cli_json(&["--sources", &src, "history", &qualified]);
        let py = py_json(SCRIPT, &["table", &uri, &wh, "demo", &ident, "--scan"]);
        assert_agrees(&qualified, &ours, &history, &py);
        assert_eq!(ours["current"]["records"], py["scan_rows"], "{qualified}: rows of a full pyiceberg scan");
        assert_eq!(ours["warnings"], json!([]), "{qualified}: a clean demo table has no warnings");
        assert!(
            ours["current"]["version"].as_i64().unwrap() > 1 << 53,
            "{qualified}: demo snapshot ids exceed 2^53 so consumers must keep them exact"
        );

        let r = reclaim(&uri, &wh, "demo", &ident, AS_OF);
        assert_eq!(ours["storage"]["reclaimable_bytes"], r["reclaimable_bytes"], "{qualified}: reclaimable at {AS_OF}: {r}");
        reclaimable_somewhere |= r["reclaimable_bytes"].as_u64().unwrap() > 0;
    }
    assert!(reclaimable_somewhere, "the demo has old snapshots and orphans to reclaim");
}

#[test]
fn demo_shapes_are_what_the_recipe_promises() {
    let d = demo();
    let src = d.sources_arg();
    let orders = cli_json(&["--sources", &src, "history", "demo.ods.ods_orders"]);
    let rows = orders.as_array().unwrap();
    assert_eq!(rows.len(), 402, "400 daily appends + 2 copy-on-write deletes");
    assert_eq!(rows.iter().filter(|r| r["operation"] == "overwrite").count(), 2);
    let revenue = cli_json(&["--sources", &src, "--as-of", AS_OF, "table", "demo.mart.mart_daily_revenue"]);
    assert_eq!(revenue["schema"].as_array().unwrap().last().unwrap()["name"], "refund_amount", "schema evolution");
    assert_eq!(revenue["current"]["data_files"], 1, "each nightly overwrite replaces the whole table");
    let jdoe = cli_json(&["--sources", &src, "--as-of", AS_OF, "table", "demo.usr_jdoe.usr_jdoe_churn_features"]);
    assert!(jdoe["storage"]["orphan_bytes"].as_u64().unwrap() > 0, "uncommitted files of failed jobs");
    let clicks = cli_json(&["--sources", &src, "--as-of", AS_OF, "table", "demo.fact.fact_clicks"]);
    assert_eq!(clicks["properties"]["history.expire.max-snapshot-age-ms"], "432000000");
}

/// A table pyiceberg writes itself, in a SQL catalog of its own; a sources file pointing at it.
struct LabTable {
    _dir: tempfile::TempDir,
    sources: String,
    doc: Value,
}

fn lab_table() -> LabTable {
    let dir = tempfile::tempdir().unwrap();
    let doc = py_json(SCRIPT, &["write", dir.path().to_str().unwrap()]);
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
    LabTable { sources: sources.display().to_string(), _dir: dir, doc }
}

fn rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms).unwrap().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn set_age(path: &Path, ms_since_epoch: i64) {
    let t = SystemTime::UNIX_EPOCH + Duration::from_millis(ms_since_epoch as u64);
    std::fs::File::options().write(true).open(path).unwrap().set_modified(t).unwrap();
}

#[test]
fn table_written_by_pyiceberg_reads_the_same_by_catalog_directory_and_metadata_file() {
    let lab = lab_table();
    let (uri, wh) = (lab.doc["uri"].as_str().unwrap(), lab.doc["warehouse"].as_str().unwrap());
    let py = py_json(SCRIPT, &["table", uri, wh, "lab", "lab.events", "--scan"]);
    let ops: Vec<&str> = py["history"].as_array().unwrap().iter().map(|h| h["operation"].as_str().unwrap()).collect();
    assert!(ops.contains(&"delete") && ops.contains(&"overwrite"), "pyiceberg wrote delete and overwrite snapshots: {ops:?}");

    let location = lab.doc["location"].as_str().unwrap().trim_start_matches("file://").to_string();
    let metadata_file = lab.doc["metadata_location"].as_str().unwrap().trim_start_matches("file://").to_string();
    for target in ["lab.lab.events", location.as_str(), metadata_file.as_str()] {
        let ours = cli_json(&["--sources", &lab.sources, "table", target]);
        let history = cli_json(&["--sources", &lab.sources, "history", target]);
        assert_agrees(target, &ours, &history, &py);
        assert_eq!(ours["current"]["records"], py["scan_rows"], "{target}: no delete files, so records = scanned rows");
        // After spec evolution, old files keep `{day}`, new ones have `{day, region}`.
        let keysets: std::collections::BTreeSet<usize> =
            ours["partitions"].as_array().unwrap().iter().map(|p| p["values"].as_object().unwrap().len()).collect();
        assert_eq!(keysets, [1, 2].into(), "{target}: both partition key sets shown");
        assert!(ours["warnings"].to_string().contains("partition spec evolved"), "{target}: {}", ours["warnings"]);
        assert_eq!(ours["schema"].as_array().unwrap().last().unwrap()["name"], "note", "{target}: evolved schema");
        assert_eq!(ours["owner"], "lab-team");
        assert_eq!(ours["schema"][2]["comment"], "order amount in EUR", "{target}: column doc");
    }
    // The figures above come from the fast Avro readers: they read every list and manifest pyiceberg
    // wrote (deflate blocks with pyiceberg's trailing bytes, day and region partitions, deletes) and give
    // what the iceberg crate's readers give.
    let (lists, manifests) = lakescope::fuzzing::iceberg_fast_readers_agree(&Path::new(&location).join("metadata")).unwrap();
    let snapshots = py["history"].as_array().unwrap().len();
    assert!(lists >= snapshots && manifests > 0, "{lists} lists, {manifests} manifests, {snapshots} snapshots");
}

#[test]
fn reclaimable_bytes_match_pyiceberg_expiry_and_orphan_listing() {
    let lab = lab_table();
    let (uri, wh) = (lab.doc["uri"].as_str().unwrap(), lab.doc["warehouse"].as_str().unwrap());
    let root = Path::new(lab.doc["location"].as_str().unwrap().trim_start_matches("file://")).to_path_buf();
    let now = chrono::Utc::now().timestamp_millis();

    // A failed job's data file (old enough to remove), a fresh one (too young), a file at the table root
    // and a hidden checksum (both never removed by orphan removal).
    let some_data = std::fs::read_dir(root.join("data/day=2026-03-01"))
        .expect("pyiceberg's partition directory")
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "parquet"))
        .unwrap();
    let old_orphan = root.join("data/day=2026-03-01/00000-9-failed-job.parquet");
    let young_orphan = root.join("data/day=2026-03-01/00000-8-running-job.parquet");
    std::fs::copy(&some_data, &old_orphan).unwrap();
    std::fs::copy(&some_data, &young_orphan).unwrap();
    std::fs::write(root.join("README.txt"), b"stray file at the table root").unwrap();
    std::fs::write(root.join("data/.00000-9-failed-job.parquet.crc"), b"crc").unwrap();
    for p in [&old_orphan, &root.join("README.txt"), &root.join("data/.00000-9-failed-job.parquet.crc")] {
        set_age(p, now - 10 * DAY_MS);
    }
    let old_size = std::fs::metadata(&old_orphan).unwrap().len();

    let mut seen = Vec::new();
    let cases = [("now", now), ("in 4 days", now + 4 * DAY_MS), ("in 5½ days", now + 11 * DAY_MS / 2), ("in 30 days", now + 30 * DAY_MS)];
    for (label, as_of_ms) in cases {
        let as_of = rfc3339(as_of_ms);
        let ours = cli_json(&["--sources", &lab.sources, "--as-of", &as_of, "table", "lab.lab.events"]);
        let r = reclaim(uri, wh, "lab", "lab.events", &as_of);
        assert_eq!(ours["storage"]["reclaimable_bytes"], r["reclaimable_bytes"], "{label}: {r}");
        seen.push((label, r["reclaimable_bytes"].as_u64().unwrap(), r["expired_snapshots"].as_u64().unwrap()));
    }
    // Now: every snapshot is younger than the 5-day default, so only the old failed-job file goes.
    assert_eq!(seen[0], ("now", old_size, 0), "{seen:?}");
    // In 4 days every snapshot is still within the 5-day default; past 5 days every snapshot but the
    // current one and the tagged first one expires, and all orphans are old enough.
    let snapshots = lab.doc["snapshots"].as_u64().unwrap();
    assert_eq!(seen[1].2, 0, "{seen:?}");
    assert_eq!(seen[2].2, snapshots - 2, "{seen:?}");
    assert_eq!(seen[3].2, snapshots - 2, "{seen:?}");
    assert!(seen[2].1 > seen[1].1 && seen[1].1 >= seen[0].1, "{seen:?}");

    // gc.enabled=false: expire_snapshots and remove_orphan_files refuse, nothing is reclaimable.
    py_json(SCRIPT, &["props", uri, wh, "lab", "lab.events", "gc.enabled=false"]);
    let as_of = rfc3339(now + 30 * DAY_MS);
    let ours = cli_json(&["--sources", &lab.sources, "--as-of", &as_of, "table", "lab.lab.events"]);
    assert_eq!(ours["storage"]["reclaimable_bytes"], 0);
    assert!(ours["warnings"].to_string().contains("gc.enabled=false"), "{}", ours["warnings"]);
    assert_eq!(reclaim(uri, wh, "lab", "lab.events", &as_of)["reclaimable_bytes"], 0);

    let ours = cli_json(&["--sources", &lab.sources, "--as-of", &rfc3339(now), "table", "lab.lab.events"]);
    assert!(ours["storage"]["orphan_bytes"].as_u64().unwrap() >= 2 * old_size, "both failed-job files are orphans");
}

fn error_doc(args: &[&str]) -> Value {
    let out = cli().args(args).arg("--json").output().unwrap();
    assert!(!out.status.success(), "lakescope {args:?} should fail");
    serde_json::from_slice(&out.stderr).unwrap_or_else(|e| panic!("no error document ({e}): {}", String::from_utf8_lossy(&out.stderr)))
}

/// Copy a directory tree (the pyiceberg table), so tests can break the copy.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

#[test]
fn broken_or_missing_iceberg_tables_are_named_errors() {
    let lab = lab_table();
    let src = Path::new(lab.doc["location"].as_str().unwrap().trim_start_matches("file://")).to_path_buf();
    let scratch = tempfile::tempdir().unwrap();

    // Truncated current metadata file: Corrupt, naming the file.
    let broken = scratch.path().join("broken");
    copy_tree(&src, &broken);
    let meta_name = Path::new(lab.doc["metadata_location"].as_str().unwrap()).file_name().unwrap().to_owned();
    let meta = broken.join("metadata").join(&meta_name);
    let text = std::fs::read(&meta).unwrap();
    std::fs::write(&meta, &text[..text.len() / 2]).unwrap();
    let doc = error_doc(&["table", broken.to_str().unwrap(), "--sources", "/dev/null"]);
    assert_eq!(doc["error"]["kind"], "Corrupt", "{doc}");
    assert!(doc["error"]["message"].as_str().unwrap().contains(meta_name.to_str().unwrap()), "{doc}");

    // The current snapshot's manifest list is gone: the table page cannot be true, so it fails and says
    // which file; history needs only the metadata file and still works.
    let py = py_json(SCRIPT, &["table", lab.doc["uri"].as_str().unwrap(), lab.doc["warehouse"].as_str().unwrap(), "lab", "lab.events"]);
    let current = py["current"]["version_id"].as_str().unwrap().to_string();
    let list = std::fs::read_dir(src.join("metadata"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .find(|n| n.starts_with(&format!("snap-{current}-")))
        .expect("manifest list of the current snapshot");
    std::fs::remove_file(src.join("metadata").join(&list)).unwrap();
    let doc = error_doc(&["table", src.to_str().unwrap(), "--sources", "/dev/null"]);
    assert_eq!(doc["error"]["kind"], "NotFound", "{doc}");
    assert!(doc["error"]["message"].as_str().unwrap().contains(&list), "{doc}");
    let history = cli_json(&["history", src.to_str().unwrap(), "--sources", "/dev/null"]);
    assert_eq!(history.as_array().unwrap().len(), py["history"].as_array().unwrap().len());

    // No table there at all.
    let missing = scratch.path().join("nowhere/ns.db/t");
    let doc = error_doc(&["table", missing.to_str().unwrap(), "--sources", "/dev/null"]);
    assert_eq!(doc["error"]["kind"], "NotFound", "{doc}");
    let missing_meta = scratch.path().join("nowhere/ns.db/t/metadata/00003-x.metadata.json");
    let doc = error_doc(&["table", missing_meta.to_str().unwrap(), "--sources", "/dev/null"]);
    assert_eq!(doc["error"]["kind"], "NotFound", "{doc}");
    assert!(doc["error"]["message"].as_str().unwrap().contains("00003-x.metadata.json"), "{doc}");
}
