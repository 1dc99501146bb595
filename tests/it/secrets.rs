//! Secrets stay secret: planted credentials are used (a metastore read through a role whose password is
//! planted, an S3 key refused by a server with authentication on), and afterwards the planted values
//! appear nowhere Lakescope writes: not in any command's output or error, not in its store (the index,
//! collected snapshots), not in an exported chart.
//!
//! The metastore role is also the read-only user the docs recommend: it holds SELECT and nothing else.
//!
//! The second test takes the keychain path: the secrets go in through `lakescope credentials set`
//! (stdin) into the real OS keychain, the sources file holds none, a PostgreSQL metastore and an S3
//! server with authentication on (moto, an IAM user's key) are read with them, and they appear in no
//! output, error, store, export or file under Lakescope's config/data/cache dirs.

use std::path::Path;
use std::process::Output;

use sqlx::Connection;

use crate::hms::{Flavour, fresh_metastore, server};
use crate::keychain::{keychain_bus, run_with_stdin, secret_tool_lookup, set};
use crate::s3::moto::{moto_for_iam_user, moto_with_auth};
use crate::support::{AS_OF, cli, demo, py_json, repo_root};

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
    planted_in(&[PG_PASSWORD, WRONG_PG_PASSWORD, S3_SECRET])
}

fn planted_in(values: &[&str]) -> Vec<String> {
    let mut v = Vec::new();
    for s in values {
        v.push(s.to_string());
        v.push(s.replace('/', "%2F"));
    }
    v
}

fn assert_no_secret(what: &str, bytes: &[u8]) {
    assert_none_of(&planted(), what, bytes)
}

fn assert_none_of(planted: &[String], what: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    for s in planted {
        assert!(!text.contains(s.as_str()), "{what} contains the planted secret {s:?}");
    }
}

fn assert_dir_has_no_secret(dir: &Path) {
    assert_dir_has_none_of(&planted(), dir, false)
}

/// Every file under `dir` (with `sources_too`, the sources file as well) is free of `planted`.
fn assert_dir_has_none_of(planted: &[String], dir: &Path, sources_too: bool) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let p = entry.path();
        if p.is_dir() {
            assert_dir_has_none_of(planted, &p, sources_too);
        } else if sources_too || p.file_name().is_some_and(|n| n != "sources.toml") {
            assert_none_of(planted, &p.display().to_string(), &std::fs::read(&p).unwrap_or_default());
        }
    }
}

/// A fresh metastore database `db` on the test PostgreSQL with a login role `role` that may only SELECT;
/// answers `host:port/db` (no user, no password).
fn metastore_with_reader(admin: &str, db: &str, role: &str, password: &str) -> String {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let url = rt.block_on(async {
        let mut c = sqlx::PgConnection::connect(admin).await.expect("connect to the test PostgreSQL");
        for sql in [format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"), format!("DROP ROLE IF EXISTS {role}")] {
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&mut c).await.unwrap();
        }
        let create = format!("CREATE ROLE {role} LOGIN PASSWORD '{password}'");
        sqlx::raw_sql(sqlx::AssertSqlSafe(create)).execute(&mut c).await.unwrap();
        let url = fresh_metastore(Flavour::Postgres, admin, db, loaded()["sql"]["postgres"].as_str().unwrap()).await;
        let mut c = sqlx::PgConnection::connect(&url).await.unwrap();
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}")))
            .execute(&mut c)
            .await
            .unwrap();
        url
    });
    url.split_once("://").unwrap().1.split_once('@').unwrap().1.to_string()
}

/// The Hive metastore rows hms_load.py writes for the demo lakehouse (one Python run for both tests).
fn loaded() -> &'static serde_json::Value {
    static L: std::sync::OnceLock<serde_json::Value> = std::sync::OnceLock::new();
    L.get_or_init(|| py_json("hms_load.py", &[demo().dir.to_str().unwrap()]))
}

#[test]
fn planted_credentials_are_used_and_appear_nowhere_lakescope_writes() {
    let Some(admin) = server(Flavour::Postgres) else { return };
    let loaded = loaded();
    let host_db = metastore_with_reader(&admin, DB, ROLE, PG_PASSWORD);
    let scheme = "postgres";
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

const KC_DB: &str = "lakescope_keychain_hms";
const KC_ROLE: &str = "lakescope_keychain_reader";
const KC_PG_PASSWORD: &str = "Planted-KeychainPg-4Hd8";
const KC_WRONG_PASSWORD: &str = "Planted-KeychainWrong-2Lp6";

#[test]
fn keychain_credentials_are_used_and_appear_nowhere_lakescope_writes() {
    let Some(bus) = keychain_bus() else { return };
    let Some(admin) = server(Flavour::Postgres) else { return };
    let host_db = metastore_with_reader(&admin, KC_DB, KC_ROLE, KC_PG_PASSWORD);
    let moto = moto_for_iam_user();
    let bucket = "s3://lakescope-keychain/lake";
    let key = py_json("s3_moto.py", &["iam-user", &moto.endpoint, bucket]);
    let (key_id, s3_secret) = (key["key_id"].as_str().unwrap(), key["secret"].as_str().unwrap());
    let planted = planted_in(&[KC_PG_PASSWORD, KC_WRONG_PASSWORD, s3_secret]);

    // The sources file names no secret: only where to connect and that the keychain holds the rest.
    let tmp = tempfile::tempdir().unwrap();
    let sources = tmp.path().join("sources.toml");
    std::fs::write(
        &sources,
        format!(
            "[[source]]\nname = \"kc_hms\"\nkind = \"hms\"\nuri = \"postgres://{KC_ROLE}@{host_db}\"\ncredentials = \"keychain\"\n\n\
             [[source]]\nname = \"kc_hms_wrong\"\nkind = \"hms\"\nuri = \"postgres://{KC_ROLE}@{host_db}\"\ncredentials = \"keychain\"\n\n\
             [[source]]\nname = \"kc_s3\"\nkind = \"storage\"\nlocation = \"{bucket}\"\ncredentials = \"keychain\"\n\
             options = {{ endpoint = '{}', region = 'us-east-1', allow_http = 'true' }}\n",
            moto.endpoint
        ),
    )
    .unwrap();
    let s = sources.to_str().unwrap();
    set(bus, s, "kc_hms", "password", KC_PG_PASSWORD);
    set(bus, s, "kc_hms_wrong", "password", KC_WRONG_PASSWORD);
    set(bus, s, "kc_s3", "access_key_id", key_id);
    set(bus, s, "kc_s3", "secret_access_key", s3_secret);
    // What we stored is what the OS keychain holds.
    assert_eq!(secret_tool_lookup(bus, "metastore/kc_hms/password").as_deref(), Some(KC_PG_PASSWORD));
    assert_eq!(secret_tool_lookup(bus, "s3/kc_s3/secret_access_key").as_deref(), Some(s3_secret));

    let out_dir = tmp.path().join("written");
    std::fs::create_dir_all(&out_dir).unwrap();
    let store = out_dir.join("store.db").display().to_string();
    // Keys in the environment too, which the keychain's override (moto refuses these).
    let env = [("AWS_ACCESS_KEY_ID", "AKIAENVKEYNOTVALID01"), ("AWS_SECRET_ACCESS_KEY", "env-secret-not-valid"), ("LAKESCOPE_STORE", store.as_str())];
    let run = |args: &[&str]| {
        let out = run_with_stdin(bus, args, "", &env);
        assert_none_of(&planted, &format!("lakescope {args:?}"), &[out.stdout.as_slice(), out.stderr.as_slice()].concat());
        out
    };

    // Test connection: the keychain's password and key are accepted; the wrong password is an Auth error.
    for src in ["kc_hms", "kc_s3"] {
        let out = run(&["--sources", s, "check", src]);
        assert!(out.status.success(), "check {src}: {}", String::from_utf8_lossy(&out.stderr));
    }
    let wrong = run(&["--sources", s, "check", "kc_hms_wrong"]);
    let err = String::from_utf8_lossy(&wrong.stderr);
    assert!(err.contains("\"Auth\"") && err.contains("password rejected"), "the wrong keychain password: {err}");

    // The metastore lists every table as the read-only role; S3 lists what boto3 wrote with the IAM key.
    let tables = run(&["--sources", s, "tables"]);
    let listed: serde_json::Value = serde_json::from_slice(&tables.stdout).unwrap_or_default();
    let hms_tables = listed.as_array().map_or(0, |a| a.iter().filter(|t| t["source"] == "kc_hms").count());
    assert_eq!(hms_tables, loaded()["tables"].as_array().unwrap().len(), "tables through the keychain password: {listed}");
    let du = run(&["--sources", s, "du", bucket]);
    let du: serde_json::Value = serde_json::from_slice(&du.stdout).unwrap_or_else(|_| panic!("du: {}", String::from_utf8_lossy(&du.stderr)));
    assert_eq!((du["total_objects"].as_u64(), du["total_bytes"].as_u64()), (Some(1), key["bytes"].as_u64()), "du with the keychain's S3 key: {du}");

    let chart = out_dir.join("top-growth.svg");
    let hms_table = format!("kc_hms.{}.{}", loaded()["tables"][0]["namespace"].as_str().unwrap(), loaded()["tables"][0]["name"].as_str().unwrap());
    for args in [
        vec!["--sources", s, "credentials", "list"],
        vec!["--sources", s, "search", "orders"],
        vec!["--sources", s, "collect", "--as-of", AS_OF],
        vec!["--sources", s, "findings", "--as-of", AS_OF],
        vec!["--sources", s, "overview", "--as-of", AS_OF],
        vec!["--sources", s, "table", &hms_table],
        vec!["--sources", s, "metastore", &hms_table],
        vec!["--sources", s, "chart", "top-growth", "--out", chart.to_str().unwrap()],
    ] {
        run(&args);
    }
    // Deleted, the password is gone from the keychain, and the source says where it should be.
    let del = run(&["--sources", s, "credentials", "delete", "kc_hms_wrong", "password"]);
    assert!(del.status.success(), "{}", String::from_utf8_lossy(&del.stderr));
    assert_eq!(secret_tool_lookup(bus, "metastore/kc_hms_wrong/password"), None);
    let missing = run(&["--sources", s, "check", "kc_hms_wrong"]);
    let err = String::from_utf8_lossy(&missing.stderr);
    assert!(err.contains("NotFound") && err.contains("credentials set kc_hms_wrong password"), "{err}");

    // Nothing Lakescope wrote holds a planted value: the store, the export, the sources file, and the
    // config/data/cache dirs the CLI ran with (where any log or crash report would go).
    assert!(std::fs::read_dir(&out_dir).unwrap().flatten().any(|e| e.file_name() == "store.db"), "the store was written");
    assert_dir_has_none_of(&planted, tmp.path(), true);
    assert_dir_has_none_of(&planted, &repo_root().join("target/it-home").join(std::process::id().to_string()), true);
    for (src, field) in [("kc_hms", "password"), ("kc_s3", "access_key_id"), ("kc_s3", "secret_access_key")] {
        run(&["--sources", s, "credentials", "delete", src, field]);
    }
}
