//! Filesystem (Hadoop-style) Iceberg warehouses: tables pyiceberg wrote, left as files only, with
//! `version-hint.text` as Hadoop tables carry it. `tables` lists them with folder namespaces, `table` and
//! `history` agree with pyiceberg's StaticTable on the metadata file the writer committed last (found
//! through a current hint, a lagging hint, or no hint), and a hint naming a missing version is a
//! `Corrupt` error naming the hint while the other tables list, read and index.

use std::sync::OnceLock;

use serde_json::Value;

use crate::iceberg_truth::assert_agrees;
use crate::support::{cli, cli_json, py_json, AS_OF};

struct Warehouse {
    sources: String,
    /// pyiceberg's `write` document: `[{namespace, name, location, current}]`.
    tables: Value,
    _dir: tempfile::TempDir,
}

fn warehouse() -> &'static Warehouse {
    static W: OnceLock<Warehouse> = OnceLock::new();
    W.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let tables = py_json("iceberg_fs.py", &["write", dir.path().to_str().unwrap()]);
        let sources = dir.path().join("sources.toml");
        let wh = format!("file://{}/", dir.path().join("warehouse").display());
        std::fs::write(&sources, format!("[[source]]\nname = \"fs\"\nkind = \"iceberg-fs\"\nwarehouse = \"{wh}\"\n")).unwrap();
        Warehouse { sources: sources.display().to_string(), tables, _dir: dir }
    })
}

fn names(v: &Value) -> Vec<(String, String)> {
    v.as_array().unwrap().iter().map(|t| (t["namespace"].as_str().unwrap().to_string(), t["name"].as_str().unwrap().to_string())).collect()
}

#[test]
fn a_filesystem_warehouse_lists_every_table_under_its_folders() {
    let w = warehouse();
    let ours = cli_json(&["--sources", &w.sources, "tables"]);
    assert_eq!(names(&ours), names(&w.tables), "{ours:#}");
    for (t, theirs) in ours.as_array().unwrap().iter().zip(w.tables.as_array().unwrap()) {
        assert_eq!((t["source"].as_str(), t["format"].as_str()), (Some("fs"), Some("iceberg")));
        assert_eq!(t["location"].as_str().unwrap().trim_end_matches('/'), theirs["location"].as_str().unwrap());
    }
}

#[test]
fn filesystem_tables_read_as_pyiceberg_reads_their_current_metadata() {
    let w = warehouse();
    for t in w.tables.as_array().unwrap().iter().filter(|t| t["name"] != "broken") {
        let qualified = format!("fs.{}.{}", t["namespace"].as_str().unwrap(), t["name"].as_str().unwrap());
        let ours = cli_json(&["--sources", &w.sources, "--as-of", AS_OF, "table", &qualified]);
        let history = cli_json(&["--sources", &w.sources, "history", &qualified]);
        let py = py_json("iceberg_fs.py", &["table", t["current"].as_str().unwrap()]);
        assert_agrees(&qualified, &ours, &history, &py);
        assert_eq!(ours["current"]["records"], py["scan_rows"], "{qualified}: rows of a full pyiceberg scan");
        assert_eq!(ours["warnings"], serde_json::json!([]), "{qualified}: a good hint or none needs no warning");
    }
}

#[test]
fn a_hint_naming_a_missing_version_is_corrupt_and_the_rest_keeps_working() {
    let w = warehouse();
    let out = cli().args(["--sources", &w.sources, "table", "fs.ods.broken", "--json"]).output().unwrap();
    assert!(!out.status.success());
    let doc: Value = serde_json::from_slice(&out.stderr).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    assert_eq!(doc["error"]["kind"], "Corrupt", "{doc}");
    let message = doc["error"]["message"].as_str().unwrap();
    assert!(message.contains("ods/broken/metadata/version-hint.text") && message.contains("version 42"), "{message}");

    let store = w._dir.path().join("store.db").display().to_string();
    let report = cli_json(&["--sources", &w.sources, "--store", &store, "index"]);
    let total = w.tables.as_array().unwrap().len() as u64;
    assert_eq!(report["tables_listed"], total, "{report}");
    assert_eq!((report["indexed"].as_u64(), report["failed"].as_u64()), (Some(total - 1), Some(1)), "{report}");
    let errors = report["errors"].as_array().unwrap();
    assert!(errors.iter().any(|e| e["target"] == "fs.ods.broken" && e["error"]["kind"] == "Corrupt"), "{report}");
}
