//! Secrets stay secret: planted credentials are used (a metastore read through a role whose password is
//! planted, an S3 key refused by a server with authentication on), and afterwards the planted values
//! appear nowhere Lakescope writes: not in any command's output or error, not in its store (the index,
//! collected snapshots), not in an exported chart.
//!
//! The metastore role is also the read-only user the docs recommend: it holds SELECT and nothing else.

use std::path::Path;
use std::process::Output;

use sqlx::Connection;

use crate::hms::{Flavour, fresh_metastore, server};
use crate::s3::moto::moto_with_auth;
use crate::support::{AS_OF, cli, demo, py_json};

const DB: &str = "lakescope_secrets_hms";
const ROLE: &str = "lakescope_secret_reader";
/// The planted values: each is unique enough that a match anywhere is a leak.
const PG_PASSWORD: &str = "Planted-PgPassword-7Qx2";
const WRONG_PG_PASSWORD: &str = "Planted-WrongPassword-K9m4";
const S3_SECRET: &str = "Planted-S3Secret-Zt81/wq";

fn run(args: &[&str], env: &[(&str, &str)]) -> Output {
    cli().args(args).arg("--json").envs(env.iter().copied()).output().expect("run lakescope")
}

/// Every planted value, and how it looks percent-encoded in a URL.
fn planted() -> Vec<String> {
    let mut v = Vec::new();
    for s in [PG_PASSWORD, WRONG_PG_PASSWORD, S3_SECRET] {
        v.push(s.to_string());
        v.push(s.replace('/', "%2F"));
    }
    v
}

fn assert_no_secret(what: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    for s in planted() {
        assert!(!text.contains(&s), "{what} contains the planted secret {s:?}");
    }
}

fn assert_dir_has_no_secret(dir: &Path) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let p = entry.path();
        if p.is_dir() {
            assert_dir_has_no_secret(&p);
        } else if p.file_name().is_some_and(|n| n != "sources.toml") {
            assert_no_secret(&p.display().to_string(), &std::fs::read(&p).unwrap());
        }
    }
}

#[test]
fn planted_credentials_are_used_and_appear_nowhere_lakescope_writes() {
    let Some(admin) = server(Flavour::Postgres) else { return };
    let loaded = py_json("hms_load.py", &[demo().dir.to_str().unwrap()]);
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let url = rt.block_on(async {
        let mut c = sqlx::PgConnection::connect(&admin).await.expect("connect to the test PostgreSQL");
        for sql in [format!("DROP DATABASE IF EXISTS {DB} WITH (FORCE)"), format!("DROP ROLE IF EXISTS {ROLE}")] {
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&mut c).await.unwrap();
        }
        let create = format!("CREATE ROLE {ROLE} LOGIN PASSWORD '{PG_PASSWORD}'");
        sqlx::raw_sql(sqlx::AssertSqlSafe(create)).execute(&mut c).await.unwrap();
        let url = fresh_metastore(Flavour::Postgres, &admin, DB, loaded["sql"]["postgres"].as_str().unwrap()).await;
        let mut c = sqlx::PgConnection::connect(&url).await.unwrap();
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("GRANT SELECT ON ALL TABLES IN SCHEMA public TO {ROLE}")))
            .execute(&mut c)
            .await
            .unwrap();
        url
    });
    // The same server and database, as the read-only role (and once with a wrong password).
    let (scheme, rest) = url.split_once("://").unwrap();
    let host_db = rest.split_once('@').unwrap().1;
    let reader = format!("{scheme}://{ROLE}:{PG_PASSWORD}@{host_db}");
    let wrong = format!("{scheme}://{ROLE}:{WRONG_PG_PASSWORD}@{host_db}");

    let moto = moto_with_auth();
    let tmp = tempfile::tempdir().unwrap();
    let sources = tmp.path().join("sources.toml");
    std::fs::write(
        &sources,
        format!(
            "[[source]]\nname = \"hms\"\nkind = \"hms\"\nuri = \"{reader}\"\n\n\
             [[source]]\nname = \"hms_wrong\"\nkind = \"hms\"\nuri = \"{wrong}\"\n\n\
             [[source]]\nname = \"s3\"\nkind = \"storage\"\nlocation = \"s3://lakescope-secrets/lake\"\n\
             options = {{ endpoint = '{}', region = 'us-east-1', allow_http = 'true' }}\n",
            moto.endpoint
        ),
    )
    .unwrap();
    let out_dir = tmp.path().join("written");
    std::fs::create_dir_all(&out_dir).unwrap();
    let store = out_dir.join("store.db").display().to_string();
    let s = sources.to_str().unwrap();
    let env = [("AWS_ACCESS_KEY_ID", "AKIAPLANTEDKEY000001"), ("AWS_SECRET_ACCESS_KEY", S3_SECRET), ("LAKESCOPE_STORE", store.as_str())];

    // The good password is used: the metastore's tables list; the wrong one and the S3 key are refused.
    let tables = run(&["--sources", s, "tables"], &env);
    assert_no_secret("`tables` output", &[tables.stdout.as_slice(), tables.stderr.as_slice()].concat());
    let listed: serde_json::Value = serde_json::from_slice(&tables.stdout).unwrap_or_default();
    let hms_tables = listed.as_array().map_or(0, |a| a.iter().filter(|t| t["source"] == "hms").count());
    assert_eq!(hms_tables, loaded["tables"].as_array().unwrap().len(), "the read-only role lists every table: {listed}");
    let errors = String::from_utf8_lossy(&tables.stderr);
    assert!(errors.contains("hms_wrong") && errors.contains("password rejected"), "the wrong password is an Auth error on its source: {errors}");
    assert!(errors.contains("s3") && errors.contains("credentials were refused"), "the S3 key is refused: {errors}");

    let chart = out_dir.join("top-growth.svg");
    let hms_table = format!("hms.{}.{}", loaded["tables"][0]["namespace"].as_str().unwrap(), loaded["tables"][0]["name"].as_str().unwrap());
    let commands: Vec<Vec<&str>> = vec![
        vec!["--sources", s, "search", "orders"],
        vec!["--sources", s, "collect", "--as-of", AS_OF],
        vec!["--sources", s, "findings", "--as-of", AS_OF],
        vec!["--sources", s, "overview", "--as-of", AS_OF],
        vec!["--sources", s, "lint-names"],
        vec!["--sources", s, "table", &hms_table],
        vec!["--sources", s, "metastore", &hms_table],
        vec!["--sources", s, "table", "hms_wrong.ods.ods_orders"],
        vec!["--sources", s, "du", "s3://lakescope-secrets/lake"],
        vec!["--sources", s, "chart", "top-growth", "--out", chart.to_str().unwrap()],
    ];
    for args in &commands {
        let out = run(args, &env);
        assert_no_secret(&format!("lakescope {args:?}"), &[out.stdout.as_slice(), out.stderr.as_slice()].concat());
    }
    // What Lakescope wrote: its store (index and snapshots, with SQLite's side files) and the export.
    let written: Vec<String> = std::fs::read_dir(&out_dir).unwrap().flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    assert!(written.iter().any(|n| n == "store.db"), "the store was written: {written:?}");
    assert_dir_has_no_secret(&out_dir);
}
