//! Iceberg REST catalog sources against a real REST catalog server (Lakana's, from PyPI, started by
//! `tests/py/rest_server.py` under its own interpreter), with tables created through pyiceberg's own
//! `RestCatalog` client: `tables` lists what pyiceberg lists (nested namespaces included), `table` and
//! `history` agree with pyiceberg on every table, the index holds them, and a wrong or missing token
//! is an `auth` error on that source that never shows the token.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Mutex, OnceLock};

use serde_json::Value;

use crate::iceberg_truth::assert_agrees;
use crate::support::{cli, py_json, repo_root, AS_OF};

/// The environment variable the test sources file names for the catalog's bearer token.
const TOKEN_VAR: &str = "LAKESCOPE_TEST_REST_TOKEN";

struct RestServer {
    uri: String,
    prefix: String,
    token: String,
    /// What pyiceberg listed after writing: `[{namespace, name, metadata_location, location}]`.
    tables: Value,
    sources: PathBuf,
    _dir: tempfile::TempDir,
    _server: Mutex<(Child, ChildStdin)>,
}

/// The interpreter with `lakana-server`: `$LAKESCOPE_REST_PYTHON`, else the repo's `.venv-rest`.
fn rest_python() -> PathBuf {
    if let Ok(p) = std::env::var("LAKESCOPE_REST_PYTHON") {
        return PathBuf::from(p);
    }
    let venv = repo_root().join(".venv-rest/bin/python");
    assert!(venv.exists(), "no Python with lakana-server: run scripts/setup.sh (it creates .venv-rest) or set LAKESCOPE_REST_PYTHON");
    venv
}

fn server() -> &'static RestServer {
    static S: OnceLock<RestServer> = OnceLock::new();
    S.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let mut child = Command::new(rest_python())
            .arg(repo_root().join("tests/py/rest_server.py"))
            .arg(dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the REST catalog server");
        let stdin = child.stdin.take().unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).expect("the server's address line");
        let doc: Value = serde_json::from_str(&line)
            .unwrap_or_else(|e| panic!("the REST catalog did not start ({e}): {line:?}; see {}/server.log", dir.path().display()));
        let s = |k: &str| doc[k].as_str().unwrap().to_string();
        let (uri, prefix, token) = (s("uri"), s("prefix"), s("token"));
        let tables = py_json("rest_catalog.py", &["write", &uri, &prefix, &token]);
        let sources = dir.path().join("sources.toml");
        std::fs::write(
            &sources,
            format!("[[source]]\nname = \"rest\"\nkind = \"iceberg-rest\"\nuri = \"{uri}\"\ncatalog = \"{prefix}\"\ntoken_env = \"{TOKEN_VAR}\"\n"),
        )
        .unwrap();
        RestServer { uri, prefix, token, tables, sources, _dir: dir, _server: Mutex::new((child, stdin)) }
    })
}

impl RestServer {
    fn cli_json(&self, args: &[&str]) -> Value {
        let out = cli().arg("--sources").arg(&self.sources).args(args).arg("--json").env(TOKEN_VAR, &self.token).output().unwrap();
        assert!(out.status.success(), "lakescope {args:?} failed:\n{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    }
}

#[test]
fn rest_catalog_tables_are_those_pyiceberg_lists() {
    let s = server();
    let ours = s.cli_json(&["tables"]);
    let ours: Vec<(String, String, String, String)> = ours
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            assert_eq!(t["source"], "rest");
            assert_eq!(t["format"], "iceberg");
            let f = |k: &str| t[k].as_str().unwrap().to_string();
            (f("namespace"), f("name"), f("location"), String::new())
        })
        .collect();
    let theirs: Vec<(String, String, String, String)> = s
        .tables
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            let f = |k: &str| t[k].as_str().unwrap().to_string();
            (f("namespace"), f("name"), f("location"), String::new())
        })
        .collect();
    assert_eq!(ours, theirs);
    assert!(ours.iter().any(|t| t.0 == "silver.sales"), "a nested namespace is listed: {ours:?}");
}

#[test]
fn rest_catalog_tables_read_as_pyiceberg_reads_them() {
    let s = server();
    for t in s.tables.as_array().unwrap() {
        let ident = format!("{}.{}", t["namespace"].as_str().unwrap(), t["name"].as_str().unwrap());
        let qualified = format!("rest.{ident}");
        let ours = s.cli_json(&["--as-of", AS_OF, "table", &qualified]);
        let history = s.cli_json(&["history", &qualified]);
        let py = py_json("rest_catalog.py", &["table", &s.uri, &s.prefix, &s.token, &ident]);
        assert_agrees(&qualified, &ours, &history, &py);
        assert_eq!(ours["current"]["records"], py["scan_rows"], "{qualified}: rows of a full pyiceberg scan");
        assert_eq!(ours["location"], t["location"], "{qualified}: location from the catalog");
    }
}

#[test]
fn rest_catalog_tables_reach_the_index() {
    let s = server();
    let store = s._dir.path().join("store.db").display().to_string();
    let report = s.cli_json(&["--store", &store, "index"]);
    assert_eq!(report["tables_listed"], s.tables.as_array().unwrap().len(), "{report}");
    assert_eq!(report["failed"], 0, "{report}");
    let hits = s.cli_json(&["--store", &store, "search", "orders"]);
    let hit = &hits.as_array().unwrap()[0];
    assert_eq!((hit["source"].as_str(), hit["namespace"].as_str(), hit["name"].as_str()), (Some("rest"), Some("bronze"), Some("orders")));
    let table = s.cli_json(&["table", "rest.bronze.orders"]);
    assert_eq!(hit["records"], table["current"]["records"]);
}

#[test]
fn a_wrong_or_missing_token_is_an_auth_error_on_that_source_without_the_token() {
    let s = server();
    // A second source (the same warehouse walked as files) must keep listing while the catalog fails.
    let sources = s._dir.path().join("sources-auth.toml");
    let warehouse = s._dir.path().join("warehouse");
    let text = std::fs::read_to_string(&s.sources).unwrap();
    std::fs::write(&sources, format!("{text}\n[[source]]\nname = \"files\"\nkind = \"iceberg-fs\"\nlocation = \"{}\"\n", warehouse.display())).unwrap();
    let index = |token: Option<&str>| -> Value {
        let store = tempfile::NamedTempFile::new().unwrap();
        let mut cmd = cli();
        cmd.arg("--sources").arg(&sources).arg("--store").arg(store.path()).args(["index", "--json"]).env_remove(TOKEN_VAR);
        if let Some(t) = token {
            cmd.env(TOKEN_VAR, t);
        }
        let out = cmd.output().unwrap();
        assert!(out.status.success(), "index failed:\n{}", String::from_utf8_lossy(&out.stderr));
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(report["tables_listed"], s.tables.as_array().unwrap().len(), "the files source still lists: {report}");
        let errors = report["errors"].as_array().unwrap();
        assert_eq!(errors.len(), 1, "{report}");
        assert_eq!(errors[0]["source"], "rest", "{report}");
        errors[0]["error"].clone()
    };
    let wrong = "lakana_pat_lakescopetest_0000000000000000000000000000dead";
    let e = index(Some(wrong));
    let message = e["message"].as_str().unwrap();
    assert_eq!(e["kind"], "Auth", "{e}");
    assert!(!message.contains("dead") && message.contains(&s.uri), "{message}");
    let e = index(None);
    assert_eq!(e["kind"], "Auth", "{e}");
    assert!(e["message"].as_str().unwrap().contains(TOKEN_VAR), "names the variable: {e}");
}

#[test]
fn an_unreachable_rest_catalog_is_unreachable() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let src = lakescope::sources::SourceConfig {
        uri: Some("http://127.0.0.1:9".into()),
        ..lakescope::sources::SourceConfig::new("gone", lakescope::sources::SourceKind::IcebergRest)
    };
    let listing = rt.block_on(lakescope::Lakescope::new(vec![src], None).tables());
    let e = &listing.errors[0];
    assert_eq!(e.error.kind, lakescope::ErrorKind::Unreachable, "{}", e.error.message);
}
