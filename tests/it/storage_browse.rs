//! The app's Storage page and sources checks, against real stores: one level of a prefix tree equals
//! `lakescope du --depth 1` on a demo table directory, and the same tree uploaded to a real S3 server
//! (moto) lists the same; "test connection" (`lakescope check`) names what failed — a closed port is
//! Unreachable, a missing bucket NotFound, refused keys Auth (moto with its IAM checks on), a wrong
//! metastore password Auth (the test PostgreSQL); and a cancelled index refresh leaves the index it
//! had searchable, row for row.

use std::collections::BTreeMap;
use std::path::Path;

use lakescope::cancel::CancelToken;
use lakescope::sources::{SourceConfig, SourceKind};
use lakescope::storage::{DuOptions, PrefixListing};
use lakescope::store::Store;
use lakescope::{ErrorKind, Lakescope};
use serde_json::Value;

use crate::hms::{Flavour, server};
use crate::s3::moto;
use crate::support::{cli, cli_json, demo};

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap()
}

/// (name, is_prefix, objects, bytes) per entry.
fn shape(l: &PrefixListing) -> Vec<(String, bool, u64, u64)> {
    l.entries.iter().map(|e| (e.name.clone(), e.is_prefix, e.objects, e.bytes)).collect()
}

/// A demo Delta table's directory: data files, partition directories and `_delta_log`.
fn demo_table_dir() -> std::path::PathBuf {
    let tables = cli_json(&["--sources", &demo().sources_arg(), "tables"]);
    let t = tables.as_array().unwrap().iter().find(|t| t["format"] == "delta").expect("a Delta table in the demo");
    let loc = t["location"].as_str().unwrap();
    let path = loc.strip_prefix("file://").unwrap_or(loc);
    assert!(Path::new(path).is_dir(), "{path}");
    path.into()
}

#[test]
fn one_level_equals_du_depth_1_locally_and_on_s3() {
    let dir = demo_table_dir();
    let du = cli_json(&["du", dir.to_str().unwrap(), "--depth", "1"]);
    let rt = rt();
    let ls = Lakescope::new(Vec::new(), None);
    let local = rt.block_on(ls.list_prefix(dir.to_str().unwrap(), &DuOptions::default())).unwrap();
    assert_eq!(local.total_bytes, du["total_bytes"].as_u64().unwrap());
    assert_eq!(local.total_objects, du["total_objects"].as_u64().unwrap());
    let children = du["children"].as_array().unwrap();
    assert_eq!(local.entries.len(), children.len());
    for (e, c) in local.entries.iter().zip(children) {
        assert_eq!(e.name, c["name"].as_str().unwrap());
        assert_eq!((e.objects, e.bytes), (c["objects"].as_u64().unwrap(), c["bytes"].as_u64().unwrap()), "{}", e.name);
        assert_eq!(e.last_modified_ms, c["last_modified_ms"].as_i64().unwrap(), "{}", e.name);
        assert_eq!(e.is_prefix, dir.join(&e.name).is_dir(), "{}: prefix iff a directory", e.name);
    }
    assert!(local.entries.iter().any(|e| e.name == "_delta_log" && e.is_prefix), "{:?}", shape(&local));
    // A child's location lists that child, as expanding it in the tree does.
    let log = local.entries.iter().find(|e| e.name == "_delta_log").unwrap();
    let inner = rt.block_on(ls.list_prefix(&log.location, &DuOptions::default())).unwrap();
    assert_eq!((inner.total_objects, inner.total_bytes), (log.objects, log.bytes));

    // The same directory in a real S3 server lists the same tree, one level at a time.
    let m = crate::s3::upload_demo();
    let rel = dir.strip_prefix(&demo().dir).expect("table under the demo dir");
    let uri = format!("s3://lakescope-demo/lake/{}", rel.display());
    let s3 = s3_engine(&m.endpoint, "s3://lakescope-demo/lake");
    let remote = rt.block_on(s3.list_prefix(&uri, &DuOptions::default())).unwrap();
    assert_eq!(shape(&remote), shape(&local), "S3 vs local");
    let remote_log = remote.entries.iter().find(|e| e.name == "_delta_log").unwrap();
    assert_eq!(remote_log.location, format!("{uri}/_delta_log"));
    let inner_s3 = rt.block_on(s3.list_prefix(&remote_log.location, &DuOptions::default())).unwrap();
    assert_eq!(shape(&inner_s3), shape(&inner));

    let cancel = CancelToken::new();
    cancel.cancel();
    let e = rt.block_on(s3.list_prefix(&uri, &DuOptions { cancel, ..Default::default() })).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Cancelled, "{}", e.message);
}

/// An engine whose storage source at `root` opens moto anonymously (no credentials in this process).
fn s3_engine(endpoint: &str, root: &str) -> Lakescope {
    let mut s = SourceConfig::new("s3", SourceKind::Storage);
    s.location = Some(root.into());
    s.options = s3_options(endpoint, true);
    Lakescope::new(vec![s], None)
}

fn s3_options(endpoint: &str, anonymous: bool) -> BTreeMap<String, String> {
    let mut o: BTreeMap<String, String> =
        [("endpoint", endpoint), ("region", "us-east-1"), ("allow_http", "true"), ("path_style", "true")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
    if anonymous {
        o.insert("skip_signature".into(), "true".into());
    }
    o
}

/// `lakescope --sources F check <source> --json` with `env`: Ok(answer) or Err((exit code, error)).
fn check(sources: &Path, source: &str, env: &[(&str, String)]) -> Result<Value, (i32, Value)> {
    let out = cli()
        .args(["--sources", sources.to_str().unwrap(), "check", source, "--json"])
        .env_remove("AWS_ENDPOINT")
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .output()
        .unwrap();
    if out.status.success() {
        return Ok(serde_json::from_slice(&out.stdout).unwrap());
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    let doc = stderr.lines().rev().find_map(|l| serde_json::from_str::<Value>(l).ok()).unwrap_or_else(|| panic!("no JSON error: {stderr}"));
    Err((out.status.code().unwrap_or(-1), doc["error"].clone()))
}

fn source_toml(name: &str, kind: &str, key: &str, value: &str, options: &BTreeMap<String, String>) -> String {
    let opts: Vec<String> = options.iter().map(|(k, v)| format!("{k} = {v:?}")).collect();
    format!("[[source]]\nname = {name:?}\nkind = {kind:?}\n{key} = {value:?}\noptions = {{ {} }}\n\n", opts.join(", "))
}

/// `scheme://user:secret@host/db` with another password.
fn with_password(url: &str, password: &str) -> String {
    let (scheme, rest) = url.split_once("://").expect("a URL");
    let (userinfo, host) = rest.split_once('@').expect("user@host in the test server URL");
    let user = userinfo.split(':').next().unwrap();
    format!("{scheme}://{user}:{password}@{host}")
}

#[test]
fn test_connection_names_what_failed() {
    let m = crate::s3::upload_demo();
    let auth = moto::moto_with_auth();
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let closed_endpoint = format!("http://127.0.0.1:{closed}");
    let mut text = String::new();
    text += &source_toml("ok", "storage", "location", "s3://lakescope-demo/lake", &s3_options(&m.endpoint, true));
    text += &source_toml("closed", "storage", "location", "s3://lakescope-demo/lake", &s3_options(&closed_endpoint, true));
    text += &source_toml("nobucket", "storage", "location", "s3://lakescope-no-such-bucket/x", &s3_options(&m.endpoint, true));
    text += &source_toml("wrongkey", "storage", "location", "s3://any-bucket/x", &s3_options(&auth.endpoint, false));
    text += &source_toml("hms_closed", "hms", "uri", &format!("postgres://hive@127.0.0.1:{closed}/metastore"), &BTreeMap::new());
    let pg = server(Flavour::Postgres);
    if let Some(admin) = &pg {
        text += &source_toml("hms_wrong_password", "hms", "uri", &with_password(admin, "not-the-password"), &BTreeMap::new());
    }
    let dir = tempfile::tempdir().unwrap();
    let sources = dir.path().join("sources.toml");
    std::fs::write(&sources, &text).unwrap();

    let ok = check(&sources, "ok", &[]).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(ok["ok"], true, "{ok}");
    assert!(ok["tried"].as_str().unwrap().contains("s3://lakescope-demo/lake"), "{ok}");

    let kind_of = |name: &str, env: &[(&str, String)]| {
        let (code, e) = check(&sources, name, env).expect_err(name);
        assert!(code != 0, "{name}");
        let msg = e["message"].as_str().unwrap().to_string();
        assert!(msg.contains(name), "the message names the source: {msg}");
        (e["kind"].as_str().unwrap().to_string(), msg)
    };
    let (kind, msg) = kind_of("closed", &[]);
    assert_eq!(kind, "Unreachable", "{msg}");
    let (kind, msg) = kind_of("nobucket", &[]);
    assert_eq!(kind, "NotFound", "{msg}");
    assert!(msg.contains("lakescope-no-such-bucket"), "{msg}");
    let wrong_key = [
        ("AWS_ACCESS_KEY_ID", "AKIAWRONGWRONGWRONG".to_string()),
        ("AWS_SECRET_ACCESS_KEY", "wrong".to_string()),
        ("AWS_REGION", "us-east-1".to_string()),
    ];
    let (kind, msg) = kind_of("wrongkey", &wrong_key);
    assert_eq!(kind, "Auth", "{msg}");
    let (kind, msg) = kind_of("hms_closed", &[]);
    assert_eq!(kind, "Unreachable", "{msg}");
    if pg.is_some() {
        let (kind, msg) = kind_of("hms_wrong_password", &[]);
        assert_eq!(kind, "Auth", "{msg}");
        assert!(!msg.contains("not-the-password"), "the password never reaches a message: {msg}");
    }
    let (code, e) = check(&sources, "nope", &[]).unwrap_err();
    assert_eq!((code, e["kind"].as_str()), (3, Some("NotFound")), "{e}");
}

#[test]
fn a_cancelled_index_refresh_keeps_the_previous_index() {
    let d = demo();
    let tmp = tempfile::tempdir().unwrap();
    let target = tmp.path().join("store.db").display().to_string();
    let ls = Lakescope::from_sources_file(&d.sources).unwrap();
    rt().block_on(async {
        let store = Store::open(Some(target.as_str())).await.unwrap();
        let first = ls.refresh_index(&store, &CancelToken::new(), &|_| {}).await.unwrap();
        let before = store.lookup_tables().await.unwrap();
        assert_eq!(before.len() as u64, first.tables_in_index);
        assert!(before.len() > 1, "the demo indexes several tables");

        // Cancel once the refresh has gone through its first table.
        let cancel = CancelToken::new();
        let stop = cancel.clone();
        let seen = std::sync::atomic::AtomicU64::new(0);
        let progress = move |_: &lakescope::lookup::IndexProgress| {
            seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            stop.cancel();
        };
        let e = ls.refresh_index(&store, &cancel, &progress).await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::Cancelled, "{}", e.message);
        assert!(e.message.contains("after 1 of"), "says how far it got: {}", e.message);

        let after = store.lookup_tables().await.unwrap();
        assert_eq!(after, before, "every row of the previous index is still there, unchanged");
        let ix = Lakescope::load_index(&store).await.unwrap();
        let hits = ix.search(&before[0].name, &Default::default(), 5);
        assert_eq!(hits.first().map(|h| h.name.as_str()), Some(before[0].name.as_str()), "still searchable");
        store.close().await;
    });
}
