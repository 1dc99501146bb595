//! `lakescope tutorials`: the bundled tutorials list with a learner's progress from a real store
//! (SQLite, and the test PostgreSQL server), progress moves the way the Learn page makes them, and an
//! invalid tutorial folder fails naming file and line.

use std::path::Path;

use serde_json::Value;
use sqlx::Connection;

use crate::support::{cli, cli_json, repo_root};

fn tut(store: &str, args: &[&str]) -> Value {
    let mut all = vec!["--store", store, "tutorials", "--user", "ada"];
    all.extend_from_slice(args);
    cli_json(&all)
}

fn entry<'a>(overview: &'a Value, id: &str) -> &'a Value {
    overview["entries"].as_array().unwrap().iter().find(|e| e["tutorial"]["id"] == id).unwrap()
}

/// Start, resume, advance, complete, restart and reset against `store`, checking each answer.
fn walk_progress(store: &str) {
    let o = tut(store, &[]);
    let ids: Vec<_> = o["entries"].as_array().unwrap().iter().map(|e| e["tutorial"]["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["find-a-table", "size-trend", "spark-memory", "retention", "maintenance"]);
    assert_eq!(o["offer"], "find-a-table", "no progress yet: the first tutorial is offered");
    assert_eq!(o["user"], "ada");
    let steps = entry(&o, "find-a-table")["tutorial"]["steps"].as_array().unwrap().len() as u64;
    assert_eq!(steps, 6);

    let p = tut(store, &["start", "find-a-table"]);
    assert_eq!((p["step_reached"].as_u64(), p["completed_ms"].is_null()), (Some(0), true));
    tut(store, &["advance", "find-a-table", "3"]);
    let resumed = tut(store, &["start", "find-a-table"]);
    assert_eq!(resumed["step_reached"], 3, "start resumes where the learner left off");
    assert_eq!(resumed["started_ms"], p["started_ms"]);

    let out = cli().args(["--store", store, "tutorials", "--user", "ada", "advance", "find-a-table", "6", "--json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "a step past the end is invalid input");
    assert!(String::from_utf8_lossy(&out.stderr).contains("has 6 steps"), "{}", String::from_utf8_lossy(&out.stderr));

    let done = tut(store, &["complete", "find-a-table"]);
    assert_eq!(done["step_reached"], steps);
    assert!(done["completed_ms"].as_i64().unwrap() >= p["started_ms"].as_i64().unwrap());
    let o = tut(store, &[]);
    assert_eq!(entry(&o, "find-a-table")["progress"]["completed_ms"], done["completed_ms"]);
    assert!(entry(&o, "size-trend")["progress"].is_null());
    assert!(o["offer"].is_null(), "offered once");
    // Another user of the same store has their own progress.
    let other = cli_json(&["--store", store, "tutorials", "--user", "bob"]);
    assert!(entry(&other, "find-a-table")["progress"].is_null());

    let again = tut(store, &["start", "find-a-table", "--restart"]);
    assert_eq!((again["step_reached"].as_u64(), again["completed_ms"].is_null()), (Some(0), true));
    assert_eq!(tut(store, &["reset", "find-a-table"])["reset"], true);
    assert!(entry(&tut(store, &[]), "find-a-table")["progress"].is_null());
}

#[test]
fn progress_moves_and_resumes_in_a_sqlite_store() {
    let d = tempfile::tempdir().unwrap();
    walk_progress(d.path().join("store.db").to_str().unwrap());
}

#[test]
fn progress_moves_and_resumes_in_a_postgres_store() {
    let admin = match std::env::var("LAKESCOPE_TEST_PG_URL") {
        Ok(u) if !u.is_empty() => u,
        _ if std::env::var("LAKESCOPE_SKIP_DB_TESTS").as_deref() == Ok("1") => return,
        _ => panic!("LAKESCOPE_TEST_PG_URL is not set: start the test databases with `eval \"$(scripts/databases.sh)\"`"),
    };
    let db = "lakescope_it_tutorials";
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let mut c = sqlx::PgConnection::connect(&admin).await.expect("connect to the test PostgreSQL");
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"))).execute(&mut c).await.unwrap();
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {db}"))).execute(&mut c).await.unwrap();
    });
    let (base, _) = admin.rsplit_once('/').unwrap();
    walk_progress(&format!("{base}/{db}"));
}

#[test]
fn an_invalid_tutorial_file_fails_naming_file_and_line() {
    let d = tempfile::tempdir().unwrap();
    let good = std::fs::read_to_string(repo_root().join("assets/tutorials/find-a-table.md")).unwrap();
    std::fs::write(d.path().join("good.md"), &good).unwrap();
    let bad = good.replace(r#"check = { kind = "searched", query = "orders" }"#, r#"check = { kind = "searched_for", query = "orders" }"#);
    assert_ne!(bad, good);
    let line = bad.lines().position(|l| l.contains("searched_for")).unwrap() + 1;
    std::fs::write(d.path().join("bad.md"), &bad).unwrap();
    let store = d.path().join("store.db");
    let run = |dir: &Path| {
        cli().args(["--store", store.to_str().unwrap(), "tutorials", "--dir", dir.to_str().unwrap(), "--json"]).output().unwrap()
    };
    let out = run(d.path());
    assert_eq!(out.status.code(), Some(2), "invalid input");
    let err: Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(err["error"]["kind"], "InvalidInput");
    let msg = err["error"]["message"].as_str().unwrap();
    assert!(msg.contains(&format!("bad.md:{line}: step 1 \"Search for the table\"")), "{msg}");
    assert!(msg.contains("searched_for"), "{msg}");

    // Fixed on disk, the next listing reads the fix (nothing is cached between runs).
    std::fs::write(d.path().join("bad.md"), good.replace("order = 1", "order = 0").replace("Find a table and", "Edited: find a table and")).unwrap();
    let out = run(d.path());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let o: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(o["entries"][0]["tutorial"]["id"], "bad");
    assert!(o["entries"][0]["tutorial"]["title"].as_str().unwrap().starts_with("Edited"));
    assert_eq!(o["origin"], d.path().to_str().unwrap());
}
