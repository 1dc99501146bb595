//! Hive Metastore sources on real PostgreSQL and MariaDB servers (started by `scripts/databases.sh`).
//!
//! Each test creates its own database, loads Hive's metastore schema (tests/hms/) and registers the demo
//! lakehouse in it the way Hive, Iceberg's HiveCatalog and Spark do (tests/py/hms_load.py, which also
//! says what it inserted). Then: every registered table lists with the right format and location; the
//! table read through the metastore equals the table read by location; owners, parameters and partitions
//! equal the inserted rows; a full browse leaves every metastore row unchanged; broken rows and bad
//! connections give the right kind of error, never the password.

use std::path::Path;

use serde_json::Value;
use sqlx::{Connection, Row};

use crate::support::{cli, cli_json, demo, py_json, repo_root, AS_OF};

#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Flavour {
    Postgres,
    MySql,
}

impl Flavour {
    fn env(self) -> &'static str {
        match self {
            Flavour::Postgres => "LAKESCOPE_TEST_PG_URL",
            Flavour::MySql => "LAKESCOPE_TEST_MYSQL_URL",
        }
    }
    pub(crate) fn key(self) -> &'static str {
        match self {
            Flavour::Postgres => "postgres",
            Flavour::MySql => "mysql",
        }
    }
}

/// The server's admin URL, or `None` when the caller explicitly opted out of database tests.
pub(crate) fn server(f: Flavour) -> Option<String> {
    match std::env::var(f.env()) {
        Ok(u) if !u.is_empty() => Some(u),
        _ if std::env::var("LAKESCOPE_SKIP_DB_TESTS").as_deref() == Ok("1") => {
            eprintln!("LAKESCOPE_SKIP_DB_TESTS=1: skipping the {f:?} metastore test");
            None
        }
        _ => panic!(
            "{} is not set: start the test databases with `eval \"$(scripts/databases.sh)\"` \
             (or set LAKESCOPE_SKIP_DB_TESTS=1 to skip database tests outside CI)",
            f.env()
        ),
    }
}

/// `scheme://user:pw@host:port/<db>` for another database on the same server.
fn with_database(url: &str, db: &str) -> String {
    let (base, _) = url.rsplit_once('/').expect("URL with a database path");
    format!("{base}/{db}")
}

fn with_password(url: &str, password: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap();
    let (creds, host) = rest.split_once('@').unwrap();
    let user = creds.split(':').next().unwrap();
    format!("{scheme}://{user}:{password}@{host}")
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

/// Drop and recreate `db`, load the metastore schema and run `sql` in it.
pub(crate) async fn fresh_metastore(f: Flavour, admin: &str, db: &str, sql: &str) -> String {
    let schema = std::fs::read_to_string(repo_root().join(format!("tests/hms/hive-schema-3.1.0.{}.sql", f.key()))).unwrap();
    match f {
        Flavour::Postgres => {
            let mut c = sqlx::PgConnection::connect(admin).await.expect("connect to the test PostgreSQL");
            sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"))).execute(&mut c).await.unwrap();
            sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {db}"))).execute(&mut c).await.unwrap();
            let mut c = sqlx::PgConnection::connect(&with_database(admin, db)).await.unwrap();
            sqlx::raw_sql(sqlx::AssertSqlSafe(schema)).execute(&mut c).await.expect("load the schema");
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string())).execute(&mut c).await.expect("register the demo");
        }
        Flavour::MySql => {
            let mut c = sqlx::MySqlConnection::connect(admin).await.expect("connect to the test MariaDB");
            sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {db}"))).execute(&mut c).await.unwrap();
            sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {db}"))).execute(&mut c).await.unwrap();
            let mut c = sqlx::MySqlConnection::connect(&with_database(admin, db)).await.unwrap();
            sqlx::raw_sql(sqlx::AssertSqlSafe(schema)).execute(&mut c).await.expect("load the schema");
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string())).execute(&mut c).await.expect("register the demo");
        }
    }
    with_database(admin, db)
}

/// Run statements with foreign-key checks off, as a damaged metastore would have been written.
pub(crate) async fn damage(f: Flavour, url: &str, sql: &str) {
    match f {
        Flavour::Postgres => {
            let mut c = sqlx::PgConnection::connect(url).await.unwrap();
            let sql = format!("SET session_replication_role = replica;\n{sql}");
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&mut c).await.expect("damage the metastore");
        }
        Flavour::MySql => {
            let mut c = sqlx::MySqlConnection::connect(url).await.unwrap();
            let sql = format!("SET FOREIGN_KEY_CHECKS = 0;\n{}", sql.replace('"', "`"));
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&mut c).await.expect("damage the metastore");
        }
    }
}

/// A checksum of every row of every table in the metastore database, per table.
async fn checksums(f: Flavour, url: &str) -> Vec<(String, String)> {
    match f {
        Flavour::Postgres => {
            let mut c = sqlx::PgConnection::connect(url).await.unwrap();
            let tables: Vec<String> = sqlx::query_scalar(
                "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
            )
            .fetch_all(&mut c)
            .await
            .unwrap();
            let mut out = Vec::new();
            for t in tables {
                let sql = format!(
                    r#"SELECT count(*)::text || ':' || md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) FROM "{t}" x"#
                );
                let sum: String = sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).fetch_one(&mut c).await.unwrap();
                out.push((t, sum));
            }
            out
        }
        Flavour::MySql => {
            let mut c = sqlx::MySqlConnection::connect(url).await.unwrap();
            let tables: Vec<String> = sqlx::query_scalar(
                "SELECT CAST(table_name AS CHAR) FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY 1",
            )
            .fetch_all(&mut c)
            .await
            .unwrap();
            let mut out = Vec::new();
            for t in tables {
                let row = sqlx::query(sqlx::AssertSqlSafe(format!("CHECKSUM TABLE `{t}` EXTENDED")))
                    .fetch_one(&mut c)
                    .await
                    .unwrap();
                // MariaDB reports the checksum as an unsigned BIGINT (NULL for a missing table).
                let sum: Option<u64> = row.try_get::<Option<u64>, _>(1).or_else(|_| {
                    row.try_get::<Option<i64>, _>(1).map(|v| v.map(|v| v as u64))
                }).unwrap();
                let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM `{t}`")))
                    .fetch_one(&mut c)
                    .await
                    .unwrap();
                out.push((t, format!("{n}:{sum:?}")));
            }
            out
        }
    }
}

pub(crate) fn sources_file(dir: &Path, url: &str) -> String {
    let p = dir.join("sources.toml");
    std::fs::write(&p, format!("[[source]]\nname = \"hms\"\nkind = \"hms\"\nuri = \"{url}\"\n")).unwrap();
    p.display().to_string()
}

/// Everything `lakescope table` says except the registration fields that differ by design.
/// The table as its files describe it (owner and comment may come from the metastore instead).
fn table_body(mut v: Value) -> Value {
    for k in ["source", "namespace", "name", "owner", "comment"] {
        v.as_object_mut().unwrap().remove(k);
    }
    v
}

fn browse_matches_what_was_registered(f: Flavour) {
    let Some(admin) = server(f) else { return };
    let d = demo();
    let loaded = py_json("hms_load.py", &[d.dir.to_str().unwrap()]);
    let expected = loaded["tables"].as_array().unwrap();
    assert_eq!(expected.len(), 10, "the loader registers every demo table");
    let rt = rt();
    let url = rt.block_on(fresh_metastore(f, &admin, "lakescope_hms_browse", loaded["sql"][f.key()].as_str().unwrap()));
    let before = rt.block_on(checksums(f, &url));
    assert!(before.iter().any(|(t, s)| t == "TBLS" && s.starts_with("10:")), "{before:?}");

    let tmp = tempfile::tempdir().unwrap();
    let src = sources_file(tmp.path(), &url);
    let listed = cli_json(&["--sources", &src, "tables"]);
    let mut got: Vec<(String, String, String, String)> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            assert_eq!(t["source"], "hms");
            let s = |k: &str| t[k].as_str().unwrap().to_string();
            (s("namespace"), s("name"), s("format"), s("location"))
        })
        .collect();
    let mut want: Vec<(String, String, String, String)> = expected
        .iter()
        .map(|t| {
            let s = |k: &str| t[k].as_str().unwrap().to_string();
            (s("namespace"), s("name"), s("format"), s("location"))
        })
        .collect();
    got.sort();
    want.sort();
    assert_eq!(got, want, "tables listed through the metastore");

    for t in expected {
        let qualified = format!("hms.{}.{}", t["namespace"].as_str().unwrap(), t["name"].as_str().unwrap());
        let location = t["location"].as_str().unwrap();
        // The same table, read through the metastore and straight from its location.
        let via_hms = cli_json(&["--sources", &src, "--as-of", AS_OF, "table", &qualified]);
        let direct = cli_json(&["--sources", "/dev/null", "--as-of", AS_OF, "table", location]);
        assert_eq!(via_hms["source"], "hms");
        assert_eq!(table_body(via_hms.clone()), table_body(direct.clone()), "{qualified}: table via hms vs by location");
        let h1 = cli_json(&["--sources", &src, "history", &qualified]);
        let h2 = cli_json(&["--sources", "/dev/null", "history", location]);
        assert_eq!(h1, h2, "{qualified}: history via hms vs by location");

        // What the metastore says equals the rows inserted.
        let m = cli_json(&["--sources", &src, "metastore", &qualified]);
        for k in ["format", "location", "owner", "comment", "table_type", "create_time_ms", "params", "partition_keys"] {
            assert_eq!(m[k], t[k], "{qualified}: metastore {k}");
        }
        // The table page's owner and comment: the table's own, else the metastore's.
        for k in ["owner", "comment"] {
            let want = if direct[k].is_null() { &m[k] } else { &direct[k] };
            assert_eq!(&via_hms[k], want, "{qualified}: table {k} via hms");
        }
        let parts: Vec<Value> = m["partitions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| serde_json::json!({"name": p["name"], "values": p["values"], "location": p["location"], "params": p["params"]}))
            .collect();
        assert_eq!(Value::from(parts), t["partitions"], "{qualified}: partitions");
        if t["format"] == "parquet" {
            // Hive's statistics (computed by the loader from pyarrow footers and file sizes) agree with
            // what Lakescope reads from the files themselves.
            let n = |v: &Value| v.as_str().unwrap().parse::<u64>().unwrap();
            assert_eq!(n(&m["params"]["numRows"]), via_hms["current"]["records"].as_u64().unwrap(), "{qualified}");
            assert_eq!(n(&m["params"]["totalSize"]), via_hms["current"]["data_bytes"].as_u64().unwrap(), "{qualified}");
            assert_eq!(m["partitions"].as_array().unwrap().len(), via_hms["partitions"].as_array().unwrap().len());
        }
    }

    let after = rt.block_on(checksums(f, &url));
    assert_eq!(before, after, "a full browse must not change a single metastore row");
    // Control: the checksums do see a one-value change.
    rt.block_on(damage(f, &url, r#"UPDATE "TABLE_PARAMS" SET "PARAM_VALUE" = '1' WHERE "PARAM_KEY" = 'numRows'"#));
    assert_ne!(after, rt.block_on(checksums(f, &url)), "checksums must notice a changed parameter");
}

fn broken_rows_are_per_table_errors(f: Flavour) {
    let Some(admin) = server(f) else { return };
    let d = demo();
    let loaded = py_json("hms_load.py", &[d.dir.to_str().unwrap()]);
    let rt = rt();
    let url = rt.block_on(fresh_metastore(f, &admin, "lakescope_hms_broken", loaded["sql"][f.key()].as_str().unwrap()));
    // A table whose storage descriptor row is gone, a table stored with a SerDe Lakescope cannot read,
    // and a partition of ods_web_logs pointing at a missing storage descriptor.
    rt.block_on(damage(
        f,
        &url,
        r#"
INSERT INTO "TBLS" ("TBL_ID", "CREATE_TIME", "DB_ID", "LAST_ACCESS_TIME", "OWNER", "OWNER_TYPE", "RETENTION", "SD_ID", "TBL_NAME", "TBL_TYPE", "IS_REWRITE_ENABLED")
  SELECT 9001, 1700000000, "DB_ID", 0, 'ghost', 'USER', 0, 999999, 'ods_ghost', 'EXTERNAL_TABLE', FALSE FROM "DBS" WHERE "NAME" = 'ods';
INSERT INTO "SERDES" ("SERDE_ID", "NAME", "SLIB") VALUES (9002, NULL, 'org.apache.hadoop.hive.serde2.OpenCSVSerde');
INSERT INTO "SDS" ("SD_ID", "INPUT_FORMAT", "IS_COMPRESSED", "LOCATION", "NUM_BUCKETS", "OUTPUT_FORMAT", "SERDE_ID", "CD_ID", "IS_STOREDASSUBDIRECTORIES")
  VALUES (9003, 'org.apache.hadoop.mapred.TextInputFormat', FALSE, 'file:/tmp/csv_table', -1, 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat', 9002, NULL, FALSE);
INSERT INTO "TBLS" ("TBL_ID", "CREATE_TIME", "DB_ID", "LAST_ACCESS_TIME", "OWNER", "OWNER_TYPE", "RETENTION", "SD_ID", "TBL_NAME", "TBL_TYPE", "IS_REWRITE_ENABLED")
  SELECT 9004, 1700000000, "DB_ID", 0, 'csv', 'USER', 0, 9003, 'ods_csv', 'EXTERNAL_TABLE', FALSE FROM "DBS" WHERE "NAME" = 'ods';
INSERT INTO "PARTITIONS" ("PART_ID", "CREATE_TIME", "LAST_ACCESS_TIME", "PART_NAME", "SD_ID", "TBL_ID")
  SELECT 9005, 1700000000, 0, 'dt=1999-01-01', 888888, "TBL_ID" FROM "TBLS" WHERE "TBL_NAME" = 'ods_web_logs';
"#,
    ));
    let tmp = tempfile::tempdir().unwrap();
    let src = sources_file(tmp.path(), &url);

    let out = cli().args(["--sources", &src, "tables", "--json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let listed: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 10, "the healthy tables still list: {listed}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("ods.ods_ghost") && stderr.contains("SD_ID 999999"), "{stderr}");
    assert!(stderr.contains("ods.ods_csv") && stderr.contains("OpenCSVSerde"), "{stderr}");

    let err = |target: &str, cmd: &str| -> Value {
        let out = cli().args(["--sources", &src, cmd, target, "--json"]).output().unwrap();
        assert!(!out.status.success(), "{cmd} {target} should fail");
        serde_json::from_slice::<Value>(&out.stderr).unwrap()["error"].clone()
    };
    let e = err("hms.ods.ods_ghost", "table");
    assert_eq!(e["kind"], "Corrupt", "{e}");
    assert!(e["message"].as_str().unwrap().contains("missing from SDS"), "{e}");
    let e = err("ods_csv", "table");
    assert_eq!(e["kind"], "Unsupported", "{e}");
    assert!(e["message"].as_str().unwrap().contains("org.apache.hadoop.hive.serde2.OpenCSVSerde"), "{e}");
    let e = err("hms.ods.ods_web_logs", "metastore");
    assert_eq!(e["kind"], "Corrupt", "{e}");
    assert!(e["message"].as_str().unwrap().contains("dt=1999-01-01 (PART_ID 9005)"), "{e}");

    // The rest keeps working, including the table with the dangling partition row.
    let t = cli_json(&["--sources", &src, "--as-of", AS_OF, "table", "hms.ods.ods_web_logs"]);
    assert_eq!(t["format"], "parquet");
    let m = cli_json(&["--sources", &src, "metastore", "hms.fact.fact_clicks"]);
    assert_eq!(m["params"]["table_type"], "ICEBERG");
}

fn bad_connections_say_what_failed_without_the_password(f: Flavour) {
    let Some(admin) = server(f) else { return };
    let rt = rt();
    let secret = "Wr0ng-s3cret-pw";
    let list_error = |uri: String| -> lakescope::error::ErrorReport {
        let src = lakescope::sources::SourceConfig {
            name: "hms".into(),
            kind: lakescope::sources::SourceKind::Hms,
            uri: Some(uri),
            warehouse: None,
            location: None,
            catalog: None,
            options: Default::default(),
            token_env: None,
            credentials: None,
            layout: None,
        };
        let ls = lakescope::Lakescope::new(vec![src], None);
        let listing = rt.block_on(ls.tables());
        assert!(listing.tables.is_empty());
        listing.errors.into_iter().next().expect("the source fails to list").error
    };

    let e = list_error(with_password(&admin, secret));
    assert_eq!(e.kind, lakescope::ErrorKind::Auth, "{}", e.message);
    assert!(!e.message.contains(secret) && e.message.contains(":***@"), "{}", e.message);
    assert!(e.message.contains("password rejected"), "{}", e.message);

    // The same through the CLI: neither the JSON error nor the warning on stderr carries the password.
    let tmp = tempfile::tempdir().unwrap();
    let src = sources_file(tmp.path(), &with_password(&admin, secret));
    let out = cli().args(["--sources", &src, "table", "hms.ods.anything", "--json"]).output().unwrap();
    assert!(!out.status.success());
    assert!(!String::from_utf8_lossy(&out.stderr).contains(secret));
    let out = cli().args(["--sources", &src, "tables"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("hms") && !stderr.contains(secret), "{stderr}");

    let e = list_error(with_database(&admin, "no_such_metastore"));
    assert_eq!(e.kind, lakescope::ErrorKind::NotFound, "{}", e.message);
    assert!(e.message.contains("no_such_metastore") && e.message.contains("does not exist"), "{}", e.message);

    // A port nothing listens on (1 is reserved and never bound by the test servers).
    let (scheme, rest) = admin.split_once("://").unwrap();
    let (creds, hostpath) = rest.split_once('@').unwrap();
    let path = hostpath.split_once('/').map(|(_, p)| p).unwrap_or("");
    let e = list_error(format!("{scheme}://{creds}@127.0.0.1:1/{path}"));
    assert_eq!(e.kind, lakescope::ErrorKind::Unreachable, "{}", e.message);
    assert!(e.message.contains("127.0.0.1:1") && !e.message.contains("lakescope-test"), "{}", e.message);
}

#[test]
fn postgres_browse_matches_what_was_registered_and_writes_nothing() {
    browse_matches_what_was_registered(Flavour::Postgres);
}

#[test]
fn mariadb_browse_matches_what_was_registered_and_writes_nothing() {
    browse_matches_what_was_registered(Flavour::MySql);
}

#[test]
fn postgres_broken_rows_are_per_table_errors() {
    broken_rows_are_per_table_errors(Flavour::Postgres);
}

#[test]
fn mariadb_broken_rows_are_per_table_errors() {
    broken_rows_are_per_table_errors(Flavour::MySql);
}

#[test]
fn postgres_bad_connections_say_what_failed_without_the_password() {
    bad_connections_say_what_failed_without_the_password(Flavour::Postgres);
}

#[test]
fn mariadb_bad_connections_say_what_failed_without_the_password() {
    bad_connections_say_what_failed_without_the_password(Flavour::MySql);
}
