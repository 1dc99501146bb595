//! Trainer mode through the CLI on a real SQLite store: a trainer starts a class, trainees join it and
//! send progress files, and the class table (JSON, and CSV read back by Python's csv module) equals what
//! the files hold; another class's file and a broken file are reported by name and the rest is kept.

use std::path::Path;

use serde_json::Value;

use crate::support::{cli, cli_json, py_json};

fn as_user(store: &Path, user: &str, args: &[&str]) -> Value {
    let mut all = vec!["--store", store.to_str().unwrap(), "tutorials", "--user", user];
    all.extend_from_slice(args);
    cli_json(&all)
}

#[test]
fn a_class_table_from_sent_progress_files_matches_the_files_in_json_and_csv() {
    let d = tempfile::tempdir().unwrap();
    let store = d.path().join("store.db");
    let inbox = d.path().join("inbox");
    std::fs::create_dir(&inbox).unwrap();
    let inbox_s = inbox.to_str().unwrap();

    let code = as_user(&store, "tess", &["new-class"])["class_code"].as_str().unwrap().to_string();
    assert_eq!(code.len(), 9, "{code}");
    // Trainees type the code as they read it.
    let typed = code.to_lowercase().replace('-', " ");
    let m = as_user(&store, "ada", &["join-class", &typed, "--name", "Ada, L."]);
    assert_eq!((m["class_code"].as_str(), m["learner_name"].as_str()), (Some(code.as_str()), Some("Ada, L.")));
    as_user(&store, "bob", &["join-class", &code]);
    as_user(&store, "cy", &["join-class", "ABCD-2345"]);

    as_user(&store, "ada", &["start", "find-a-table"]);
    as_user(&store, "ada", &["complete", "find-a-table"]);
    as_user(&store, "ada", &["start", "size-trend"]);
    as_user(&store, "ada", &["advance", "size-trend", "2"]);
    as_user(&store, "bob", &["start", "spark-memory"]);
    let sent: Vec<String> = ["ada", "bob", "cy"]
        .iter()
        .map(|u| as_user(&store, u, &["export-progress", inbox_s])["path"].as_str().unwrap().to_string())
        .collect();
    std::fs::write(inbox.join("zz-broken.json"), "{\"format\": \"lakescope-progress\", \"vers").unwrap();

    // The trainer's class is the default filter.
    let report = as_user(&store, "tess", &["class-report", inbox_s]);
    assert_eq!(report["class_code"], code.as_str());
    let rows = report["rows"].as_array().unwrap();
    let mut expected = Vec::new();
    for path in &sent[..2] {
        let f: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
        assert_eq!((f["format"].as_str(), f["version"].as_u64()), (Some("lakescope-progress"), Some(1)));
        for t in f["tutorials"].as_array().unwrap() {
            expected.push((f["learner"].as_str().unwrap().to_string(), t.clone()));
        }
    }
    assert_eq!(rows.len(), expected.len());
    let bundled = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../../assets/tutorials"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().extension().is_some_and(|x| x == "md"))
        .count();
    assert_eq!(rows.len(), 2 * bundled, "two learners of this class, one row per bundled tutorial each");
    for (row, (learner, t)) in rows.iter().zip(&expected) {
        assert_eq!(row["learner"].as_str(), Some(learner.as_str()));
        assert_eq!(row["class_code"], code.as_str());
        for k in ["tutorial_id", "title", "steps", "started", "step_reached", "completed", "elapsed_ms", "started_ms", "completed_ms"] {
            assert_eq!(row[k], t[k], "{learner} {k}");
        }
    }
    let ada_size = rows.iter().find(|r| r["learner"] == "Ada, L." && r["tutorial_id"] == "size-trend").unwrap();
    assert_eq!((ada_size["started"].as_bool(), ada_size["step_reached"].as_u64()), (Some(true), Some(2)));
    let errors = report["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 2, "{errors:?}");
    let cy_file = Path::new(&sent[2]).file_name().unwrap().to_str().unwrap();
    assert_eq!(errors[0]["file"], cy_file);
    assert!(errors[0]["message"].as_str().unwrap().contains(&format!("in class ABCD-2345, not this class {code}")));
    assert_eq!((errors[1]["file"].as_str(), errors[1]["kind"].as_str()), (Some("zz-broken.json"), Some("Corrupt")));

    // CSV: the same rows, as Python's csv module reads them; skipped files named on stderr.
    let out = cli().args(["--store", store.to_str().unwrap(), "tutorials", "--user", "tess", "class-report", inbox_s, "--csv"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(cy_file) && stderr.contains("zz-broken.json: not valid JSON"), "{stderr}");
    let csv_path = d.path().join("class.csv");
    std::fs::write(&csv_path, &out.stdout).unwrap();
    let csv_rows = py_json("csv_rows.py", &[csv_path.to_str().unwrap()]);
    let csv_rows = csv_rows.as_array().unwrap();
    assert_eq!(csv_rows.len(), rows.len());
    let text = |v: &Value| match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    for (c, r) in csv_rows.iter().zip(rows) {
        for (k, v) in r.as_object().unwrap() {
            assert_eq!(c[k].as_str(), Some(text(v).as_str()), "CSV column {k}");
        }
    }

    // Another class asked for explicitly: only cy.
    let other = as_user(&store, "tess", &["class-report", inbox_s, "--class", "abcd2345"]);
    let learners: Vec<_> = other["rows"].as_array().unwrap().iter().map(|r| r["learner"].as_str().unwrap()).collect();
    assert_eq!(learners, vec!["cy"; bundled]);

    // Sending again never replaces the file already sent.
    let again = as_user(&store, "ada", &["export-progress", inbox_s])["path"].as_str().unwrap().to_string();
    assert_ne!(again, sent[0]);
    let out = cli().args(["--store", store.to_str().unwrap(), "tutorials", "--user", "ada", "export-progress", &sent[0], "--json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));
}

#[test]
fn reset_demo_needs_confirmation_and_refuses_a_folder_that_is_not_the_demo() {
    let d = tempfile::tempdir().unwrap();
    let store = d.path().join("store.db");
    let mine = d.path().join("mine");
    std::fs::create_dir(&mine).unwrap();
    std::fs::write(mine.join("data.csv"), "keep me").unwrap();
    let run = |extra: &[&str]| {
        let mut args = vec!["--store", store.to_str().unwrap(), "tutorials", "--user", "tess", "reset-demo", "--demo-dir", mine.to_str().unwrap(), "--json"];
        args.extend_from_slice(extra);
        cli().args(args).output().unwrap()
    };
    let out = run(&[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("pass --yes to confirm"));
    let out = run(&["--yes"]);
    assert_eq!(out.status.code(), Some(2));
    let err: Value = serde_json::from_slice(&out.stderr).unwrap();
    assert!(err["error"]["message"].as_str().unwrap().contains("is not a Lakescope demo lakehouse"), "{err}");
    assert_eq!(std::fs::read_to_string(mine.join("data.csv")).unwrap(), "keep me");
}
