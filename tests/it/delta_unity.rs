//! Delta tables in a Unity Catalog style layout (`layout = "unity"`): deltalake writes tables at
//! `<root>/<catalog>/<schema>/<table>`, which list as `catalog.schema.table` and read as deltalake reads
//! them by that name; a table elsewhere under the root is reported on that table, not listed under a
//! made-up name, and the others still list and index.

use serde_json::Value;

use crate::delta_truth::{assert_agrees, now_rfc3339, table_and_history};
use crate::support::{cli_json, py_json};

#[test]
fn a_unity_layout_lists_catalog_schema_table_and_reads_as_deltalake_does() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("lake");
    let at = |p: &str| root.join(p).display().to_string();
    py_json("delta_truth.py", &["write-mixed", &at("main/sales/orders")]);
    py_json("delta_truth.py", &["write-escapes", &at("dev/usr_ann/scratch")]);
    py_json("delta_truth.py", &["write-escapes", &at("main/loose")]);
    let sources = dir.path().join("sources.toml");
    std::fs::write(&sources, format!("[[source]]\nname = \"uc\"\nkind = \"delta\"\nlocation = \"{}\"\nlayout = \"unity\"\n", root.display()))
        .unwrap();
    let src = sources.display().to_string();

    let listed = cli_json(&["--sources", &src, "tables"]);
    let names: Vec<String> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|t| format!("{}.{}.{}", t["source"].as_str().unwrap(), t["namespace"].as_str().unwrap(), t["name"].as_str().unwrap()))
        .collect();
    assert_eq!(names, ["uc.dev.usr_ann.scratch", "uc.main.sales.orders"], "{listed:#}");

    for (name, path) in [("uc.main.sales.orders", "main/sales/orders"), ("uc.dev.usr_ann.scratch", "dev/usr_ann/scratch")] {
        let (table, history) = table_and_history(&["--sources", &src], name, &now_rfc3339());
        assert_eq!(table["namespace"], name.split('.').skip(1).take(2).collect::<Vec<_>>().join("."), "{name}");
        let truth = py_json("delta_truth.py", &["summary", &at(path)]);
        assert_agrees(name, &table, &history, &truth);
    }

    let store = dir.path().join("store.db").display().to_string();
    let report: Value = cli_json(&["--sources", &src, "--store", &store, "index"]);
    assert_eq!((report["indexed"].as_u64(), report["failed"].as_u64()), (Some(2), Some(1)), "{report}");
    let misplaced = report["errors"].as_array().unwrap().iter().find(|e| e["target"] == "uc.main.loose").expect("the misplaced table");
    assert_eq!(misplaced["error"]["kind"], "InvalidInput", "{misplaced}");
    assert!(misplaced["error"]["message"].as_str().unwrap().contains("main/loose/"), "{misplaced}");
}
