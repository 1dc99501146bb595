//! Time travel against the formats' own tools: what `lakescope versions` says each version added and
//! removed, and what `lakescope diff` finds between two versions, must equal what pyiceberg
//! (`inspect.entries`, `inspect.data_files` at a snapshot) and deltalake (`get_add_actions` at a
//! version) say — on demo tables (overwrites, deletes, an ALTER TABLE) and on one table of each format
//! the test writes with the reference writers (appends, predicate overwrite, delete, new column).
//!
//! Cost: one fixture for the module — two Python runs (write the tables, then answer every question
//! at once) — and a handful of CLI runs.

use std::sync::OnceLock;

use serde_json::{json, Value};

use crate::support::{cli, cli_json, demo, py_json};

const SCRIPT: &str = "versions_truth.py";

/// One table under test: how the CLI names it, our documents, and the reference's answers.
struct Case {
    what: String,
    target: String,
    ours: Value,
    diffs: Vec<(String, String, Value)>,
    truth: Value,
}

struct Fixture {
    /// Kept alive for the tests: the tables the fixture wrote live in it.
    _dir: tempfile::TempDir,
    lab_delta: String,
    cases: Vec<Case>,
}

fn sources() -> String {
    demo().sources_arg()
}

fn versions_of(target: &str) -> Value {
    cli_json(&["--sources", &sources(), "versions", target])
}

fn diff_of(target: &str, a: &str, b: &str) -> Value {
    cli_json(&["--sources", &sources(), "diff", target, a, b])
}

fn ids(v: &Value) -> Vec<String> {
    v["versions"].as_array().unwrap().iter().map(|r| r["version_id"].as_str().unwrap().to_string()).collect()
}

/// Versions worth checking: the first, the last two, and every one that removed something (capped).
fn pick(v: &Value) -> Vec<String> {
    let rows = v["versions"].as_array().unwrap();
    let mut out: Vec<String> = Vec::new();
    let mut push = |id: &str| {
        if !out.iter().any(|x| x == id) {
            out.push(id.to_string())
        }
    };
    push(rows[0]["version_id"].as_str().unwrap());
    for r in rows.iter().filter(|r| r["removed"]["files"].as_u64().unwrap() > 0).take(3) {
        push(r["version_id"].as_str().unwrap());
    }
    for r in rows.iter().rev().take(2) {
        push(r["version_id"].as_str().unwrap());
    }
    out
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let d = demo();
        let dir = tempfile::tempdir().unwrap();
        let lab = py_json(SCRIPT, &["write", dir.path().to_str().unwrap()]);
        let lab_ice = lab["iceberg"]["location"].as_str().unwrap().trim_start_matches("file://").to_string();
        let lab_delta = lab["delta"]["path"].as_str().unwrap().to_string();

        let tables = cli_json(&["--sources", &sources(), "tables"]);
        let location = |q: &str| {
            tables.as_array().unwrap().iter().find(|t| format!("{}.{}.{}", t["source"].as_str().unwrap(), t["namespace"].as_str().unwrap(), t["name"].as_str().unwrap()) == q)
                .unwrap_or_else(|| panic!("demo table {q}"))["location"].as_str().unwrap().trim_start_matches("file://").to_string()
        };
        let demo_uri = format!("sqlite:///{}", d.dir.join("catalog.db").display());
        let demo_wh = format!("file://{}", d.dir.join("warehouse").display());

        // (what, target, reference request without versions/diffs)
        let plan: Vec<(&str, String, &str, Value)> = vec![
            ("iceberg lab (pyiceberg)", lab_ice.clone(), "iceberg", json!({"uri": lab["iceberg"]["uri"], "warehouse": lab["iceberg"]["warehouse"], "catalog": "lab", "ident": "lab.events"})),
            ("iceberg demo mart_daily_revenue", "demo.mart.mart_daily_revenue".into(), "iceberg", json!({"uri": demo_uri, "warehouse": demo_wh, "catalog": "demo", "ident": "mart.mart_daily_revenue"})),
            ("iceberg demo usr_jdoe_churn_features", "demo.usr_jdoe.usr_jdoe_churn_features".into(), "iceberg", json!({"uri": demo_uri, "warehouse": demo_wh, "catalog": "demo", "ident": "usr_jdoe.usr_jdoe_churn_features"})),
            ("delta lab (deltalake)", lab_delta.clone(), "delta", json!({"path": lab_delta})),
            ("delta demo ods_customers", "delta.ods.ods_customers".into(), "delta", json!({"path": location("delta.ods.ods_customers")})),
            ("delta demo usr_jdoe_ab_test", "delta.usr_jdoe.usr_jdoe_ab_test".into(), "delta", json!({"path": location("delta.usr_jdoe.usr_jdoe_ab_test")})),
        ];
        let mut request = json!({"iceberg": [], "delta": []});
        let mut cases = Vec::new();
        for (what, target, format, mut req) in plan {
            let ours = versions_of(&target);
            let all = ids(&ours);
            let picked = pick(&ours);
            // Whole span, and the step into the first version that removed files.
            let mut pairs = vec![(all[0].clone(), all[all.len() - 1].clone())];
            if let Some(r) = ours["versions"].as_array().unwrap().iter().find(|r| r["removed"]["files"].as_u64().unwrap() > 0 && !r["parent_id"].is_null()) {
                let parent = r["parent_id"].as_str().unwrap().to_string();
                if all.contains(&parent) {
                    pairs.push((parent, r["version_id"].as_str().unwrap().to_string()));
                }
            }
            req["versions"] = json!(picked);
            req["diffs"] = json!(pairs.iter().map(|(a, b)| [a, b]).collect::<Vec<_>>());
            request[format].as_array_mut().unwrap().push(req);
            let diffs = pairs.into_iter().map(|(a, b)| {
                let doc = diff_of(&target, &a, &b);
                (a, b, doc)
            }).collect();
            cases.push(Case { what: what.to_string(), target, ours, diffs, truth: Value::Null });
        }
        let req_file = dir.path().join("request.json");
        std::fs::write(&req_file, request.to_string()).unwrap();
        let truth = py_json(SCRIPT, &["truth", req_file.to_str().unwrap()]);
        let mut answers = truth["iceberg"].as_array().unwrap().iter().chain(truth["delta"].as_array().unwrap()).cloned();
        for c in &mut cases {
            c.truth = answers.next().expect("one answer per table");
        }
        Fixture { _dir: dir, lab_delta, cases }
    })
}

fn file_set(v: &Value) -> Vec<Value> {
    v.as_array().unwrap().iter().map(|f| json!({"path": f["path"], "bytes": f["bytes"], "rows": f["rows"]})).collect()
}

#[test]
fn each_versions_added_and_removed_files_bytes_rows_equal_the_reference_readers() {
    for c in &fixture().cases {
        let rows = c.ours["versions"].as_array().unwrap();
        let truth = c.truth["versions"].as_object().unwrap();
        assert!(!truth.is_empty(), "{}: nothing compared", c.what);
        for (id, t) in truth {
            let r = rows.iter().find(|r| r["version_id"] == id.as_str()).unwrap();
            let at = format!("{} version {id}", c.what);
            assert_eq!(r["added"], t["added"], "{at}: added");
            assert_eq!(r["removed"], t["removed"], "{at}: removed");
            assert_eq!(r["parent_id"], t["parent_id"], "{at}: parent");
            assert_eq!(r["operation"], t["operation"], "{at}: operation");
            assert_eq!(r["timestamp_ms"], t["timestamp_ms"], "{at}: time");
        }
        // The check has teeth: some compared version removed rows, some added them.
        let moved = |k: &str| truth.values().any(|t| t[k]["rows"].as_u64().unwrap_or(0) > 0);
        assert!(moved("added"), "{}: no compared version added rows", c.what);
        // Two demo tables only ever append; every other one has overwrites or deletes.
        if !c.what.contains("churn_features") && !c.what.contains("ab_test") {
            assert!(moved("removed"), "{}: no compared version removed rows", c.what);
        }
    }
}

#[test]
fn a_diff_lists_exactly_the_files_only_one_side_has_with_totals_and_schemas() {
    for c in &fixture().cases {
        let truth = c.truth["diffs"].as_array().unwrap();
        assert_eq!(truth.len(), c.diffs.len(), "{}", c.what);
        for ((a, b, ours), t) in c.diffs.iter().zip(truth) {
            let at = format!("{} diff {a}..{b}", c.what);
            assert_eq!(ours["files_not_listed"], 0, "{at}");
            assert_eq!(file_set(&ours["added_files"]), file_set(&t["added_files"]), "{at}: added files");
            assert_eq!(file_set(&ours["removed_files"]), file_set(&t["removed_files"]), "{at}: removed files");
            assert_eq!(ours["added"], t["added"], "{at}: added totals");
            assert_eq!(ours["removed"], t["removed"], "{at}: removed totals");
            for side in ["from", "to"] {
                let cols: Vec<Value> = ours[side]["schema"].as_array().unwrap().iter().map(|col| {
                    if c.what.starts_with("iceberg") {
                        json!({"name": col["name"], "type": col["type"], "nullable": col["nullable"]})
                    } else {
                        json!({"name": col["name"], "nullable": col["nullable"]})
                    }
                }).collect();
                assert_eq!(Value::from(cols), t[side]["columns"], "{at}: {side} schema");
            }
            // Totals on each side follow from the other side and the change.
            let total = |s: &str, k: &str| ours[s]["total"][k].as_u64().unwrap() as i64;
            for k in ["files", "bytes"] {
                let moved = ours["added"][k].as_u64().unwrap() as i64 - ours["removed"][k].as_u64().unwrap() as i64;
                assert_eq!(total("to", k) - total("from", k), moved, "{at}: {k} balance");
            }
        }
    }
}

#[test]
fn diffs_over_the_written_tables_show_the_new_columns() {
    let f = fixture();
    for (what, column) in [("iceberg lab", "note"), ("delta lab", "channel")] {
        let c = f.cases.iter().find(|c| c.what.starts_with(what)).unwrap();
        let (_, _, whole) = &c.diffs[0];
        let changes = whole["schema_changes"].as_array().unwrap();
        assert_eq!(changes.len(), 1, "{what}: {changes:?}");
        assert_eq!(changes[0]["column"], column);
        assert_eq!(changes[0]["kind"], "added");
        assert!(changes[0]["from"].is_null() && changes[0]["to"].is_string());
    }
    // Reversed sides swap added and removed, and the schema change becomes a drop.
    let c = f.cases.iter().find(|c| c.what.starts_with("delta lab")).unwrap();
    let (a, b, fwd) = &c.diffs[0];
    let back = diff_of(&c.target, b, a);
    assert_eq!(back["added"], fwd["removed"]);
    assert_eq!(back["removed"], fwd["added"]);
    assert_eq!(back["schema_changes"][0]["kind"], "dropped");
}

#[test]
fn an_unknown_version_names_the_table_and_the_valid_range() {
    let f = fixture();
    for (target, bad, expect) in [
        (f.lab_delta.as_str(), "99", "its versions run from 0 to 5"),
        (f.lab_delta.as_str(), "latest", "its versions run from 0 to 5"),
        ("demo.mart.mart_daily_revenue", "12", "snapshot(s) run from"),
    ] {
        let out = cli().args(["--sources", &sources(), "diff", target, bad, bad, "--json"]).output().unwrap();
        assert!(!out.status.success(), "{target} {bad}");
        let err: Value = serde_json::from_slice(&out.stderr).unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stderr)));
        let msg = err["error"]["message"].as_str().unwrap();
        assert_eq!(err["error"]["kind"], "NotFound", "{msg}");
        assert!(msg.contains(target) && msg.contains(bad) && msg.contains(expect), "{msg}");
    }
    // A plain Parquet directory keeps no versions: said plainly, not an empty list.
    let out = cli().args(["--sources", &sources(), "versions", "hive.ods.ods_web_logs", "--json"]).output().unwrap();
    assert!(!out.status.success());
    let err: Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(err["error"]["kind"], "Unsupported", "{err}");
}
