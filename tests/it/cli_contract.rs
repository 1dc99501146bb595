//! The CLI contract of DESIGN.md: document shapes, error documents, exit codes.

use crate::support::{cli, cli_json, demo};

#[test]
fn tables_lists_every_demo_table_with_contract_fields() {
    let d = demo();
    let tables = cli_json(&["--sources", &d.sources_arg(), "tables"]);
    let tables = tables.as_array().expect("an array");
    assert_eq!(tables.len(), 10, "{tables:#?}");
    for t in tables {
        for key in ["source", "namespace", "name", "format", "location"] {
            assert!(t[key].is_string(), "{key} missing in {t}");
        }
    }
    let count = |f: &str| tables.iter().filter(|t| t["format"] == f).count();
    assert_eq!((count("iceberg"), count("delta"), count("parquet")), (4, 4, 2));
}

#[test]
fn unknown_table_is_a_json_error_with_kind() {
    let d = demo();
    let out = cli().args(["--sources", &d.sources_arg(), "table", "no_such_table", "--json"]).output().unwrap();
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    let doc: serde_json::Value = serde_json::from_slice(&out.stderr).expect("error document on stderr");
    assert_eq!(doc["error"]["kind"], "NotFound");
    assert!(doc["error"]["message"].as_str().unwrap().contains("no_such_table"));
}

#[test]
fn missing_location_names_the_path() {
    let out = cli().args(["table", "/nonexistent/lake/t1", "--json", "--sources", "/dev/null"]).output().unwrap();
    assert!(!out.status.success());
    let doc: serde_json::Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(doc["error"]["kind"], "NotFound", "{doc}");
    assert!(doc["error"]["message"].as_str().unwrap().contains("/nonexistent/lake/t1"), "{doc}");
}

#[test]
fn closed_stdout_ends_quietly_instead_of_panicking() {
    // `lakescope history t | head -3` used to panic with "failed printing to stdout: Broken pipe".
    let d = demo();
    let mut child = cli()
        .args(["--sources", &d.sources_arg(), "history", "ods_customers"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the reader goes away before the first line is written
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(out.status.success(), "{}: {stderr}", out.status);
}

/// `--version` names the version and the commit built from: the engine's constants, which the app's
/// About shows too (the E2E compares the two).
#[test]
fn version_names_the_build() {
    let out = cli().arg("--version").output().unwrap();
    assert!(out.status.success());
    let line = String::from_utf8(out.stdout).unwrap();
    assert_eq!(line.trim(), format!("lakescope {}", lakescope::version::VERSION_LINE));
    let head = std::process::Command::new("git").args(["log", "-1", "--format=%h", "--abbrev=12"]).output().unwrap();
    let head = String::from_utf8(head.stdout).unwrap();
    assert!(line.contains(head.trim()), "{line} should name HEAD {head}");
}
