//! `lakescope lint-names` on the demo lakehouse (its one undocumented, ownerless Parquet directory in a
//! medallion schema is the only violation of the built-in rules), and on a copy whose Delta source got
//! tables written by deltalake that break each rule; plus a rules file of the user's and a broken one.

use std::path::Path;

use serde_json::Value;

use crate::support::{cli, cli_json, demo, py_json};

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

/// Every violation as `source.schema.table rule`, in report order.
fn violations(report: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for s in report["schemas"].as_array().unwrap() {
        for v in s["violations"].as_array().unwrap() {
            assert_eq!((&v["source"], &v["schema"]), (&s["source"], &s["schema"]), "grouped under its schema: {s}");
            out.push(format!("{}.{}.{} {}", v["source"].as_str().unwrap(), v["schema"].as_str().unwrap(), v["table"].as_str().unwrap(), v["rule"].as_str().unwrap()));
        }
    }
    out
}

fn lint(sources: &str, store: &Path, extra: &[&str]) -> Value {
    let store = store.display().to_string();
    let mut args = vec!["--sources", sources, "--store", &store, "lint-names"];
    args.extend_from_slice(extra);
    cli_json(&args)
}

#[test]
fn demo_breaks_the_builtin_rules_only_with_its_ownerless_parquet_directory() {
    let d = demo();
    let tmp = tempfile::tempdir().unwrap();
    let r = lint(&d.sources_arg(), &tmp.path().join("store.db"), &[]);
    assert_eq!(r["rules"], "built-in naming-rules.toml");
    assert_eq!(r["tables_checked"], 10, "{r}");
    assert_eq!(violations(&r), ["hive.ods.ods_web_logs owner", "hive.ods.ods_web_logs comment"], "{r}");
    assert_eq!(r["violation_count"], 2);
    assert_eq!(r["unchecked"], serde_json::json!([]));
    let schemas: Vec<String> = r["schemas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| format!("{}.{} {} {}", s["source"].as_str().unwrap(), s["schema"].as_str().unwrap(), s["layer"].as_str().unwrap(), s["tables"]))
        .collect();
    assert_eq!(
        schemas,
        [
            "delta.fact fact 1",
            "delta.mart mart 1",
            "delta.ods ods 1",
            "delta.usr_jdoe personal 1",
            "demo.fact fact 1",
            "demo.mart mart 1",
            "demo.ods ods 1",
            "demo.usr_jdoe personal 1",
            "hive.ods ods 1",
            "hive.usr_jdoe personal 1",
        ]
    );
    let msg = &r["schemas"][8]["violations"][0]["message"];
    assert_eq!(msg, "ods table \"ods_web_logs\" has no owner");

    // Human output: grouped per schema, clean schemas only counted.
    let out = cli()
        .args(["--sources", &d.sources_arg(), "--store", &tmp.path().join("store.db").display().to_string(), "lint-names"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("hive.ods (ods): 2 violations among 1 tables\n"), "{text}");
    assert!(text.contains("2 violations in 10 tables checked against built-in naming-rules.toml; 9 of 10 schemas clean"), "{text}");
}

#[test]
fn tables_written_by_deltalake_against_the_rules_are_listed_per_schema() {
    let d = demo();
    let tmp = tempfile::tempdir().unwrap();
    let lake = tmp.path().join("delta");
    copy_dir(&d.dir.join("delta"), &lake);
    let written = py_json("naming_tables.py", &[lake.to_str().unwrap()]);
    // What deltalake itself says the new tables carry (the rules read the same fields).
    assert_eq!(written["ods.ods_events"]["owner"], "data-eng", "{written}");
    assert!(written["ods.ods_events"]["comment"].is_null(), "{written}");
    assert_eq!(written["mart.revenue_by_day"]["comment"], "Revenue per day, rebuilt nightly");
    assert!(written["usr_asmith.asmith_scratch"]["owner"].is_null());

    let demo_sources = std::fs::read_to_string(&d.sources).unwrap();
    let demo_delta = format!("file://{}", d.dir.join("delta").display());
    assert!(demo_sources.contains(&demo_delta), "{demo_sources}");
    let sources = tmp.path().join("sources.toml");
    std::fs::write(&sources, demo_sources.replace(&demo_delta, &format!("file://{}", lake.display()))).unwrap();
    let src = sources.display().to_string();

    let r = lint(&src, &tmp.path().join("store.db"), &[]);
    assert_eq!(r["tables_checked"], 14, "{r}");
    assert_eq!(
        violations(&r),
        [
            "delta.mart.revenue_by_day prefix",
            "delta.ods.ods_events comment",
            "delta.staging.tmp_load schema",
            "delta.usr_asmith.asmith_scratch prefix",
            "hive.ods.ods_web_logs owner",
            "hive.ods.ods_web_logs comment",
        ],
        "{r}"
    );
    let staging = r["schemas"].as_array().unwrap().iter().find(|s| s["schema"] == "staging").unwrap();
    assert!(staging["layer"].is_null(), "{staging}");
    let personal = r["schemas"].as_array().unwrap().iter().find(|s| s["schema"] == "usr_asmith").unwrap();
    assert_eq!(personal["violations"][0]["message"], "personal table \"asmith_scratch\" should start with \"usr_asmith_\"");

    // The team's own rules: `staging` allowed, comments not required in ods, owners required of personal tables.
    let rules = tmp.path().join("rules.toml");
    let builtin = std::fs::read_to_string(crate::support::repo_root().join("assets/naming-rules.toml")).unwrap();
    let team = builtin
        .replace("allowed_schemas = []", "allowed_schemas = [\"staging\"]")
        .replacen("prefix = \"ods_\"\nrequire_owner = true\nrequire_comment = true", "prefix = \"ods_\"\nrequire_owner = true\nrequire_comment = false", 1)
        .replace("prefix = \"<schema>_\"\nrequire_owner = false", "prefix = \"<schema>_\"\nrequire_owner = true");
    assert_ne!(team, builtin);
    std::fs::write(&rules, team).unwrap();
    let r = lint(&src, &tmp.path().join("store.db"), &["--rules", rules.to_str().unwrap()]);
    assert_eq!(r["rules"], rules.display().to_string());
    assert_eq!(
        violations(&r),
        [
            "delta.mart.revenue_by_day prefix",
            "delta.usr_asmith.asmith_scratch prefix",
            "delta.usr_asmith.asmith_scratch owner",
            "hive.ods.ods_web_logs owner",
            "hive.usr_jdoe.usr_jdoe_export owner",
        ],
        "{r}"
    );
}

#[test]
fn a_broken_rules_file_fails_naming_file_and_line() {
    let d = demo();
    let tmp = tempfile::tempdir().unwrap();
    let rules = tmp.path().join("rules.toml");
    std::fs::write(&rules, "[[layer]]\nname = \"ods\"\nschema = \"ods\"\nprefx = \"ods_\"\n").unwrap();
    let out = cli()
        .args(["--sources", &d.sources_arg(), "--store", &tmp.path().join("s.db").display().to_string(), "lint-names", "--rules"])
        .arg(&rules)
        .arg("--json")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "invalid input");
    let err: Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(err["error"]["kind"], "InvalidInput", "{err}");
    let msg = err["error"]["message"].as_str().unwrap();
    assert!(msg.starts_with(&format!("{}:4: ", rules.display())) && msg.contains("prefx"), "{msg}");
}
