//! Object storage: `du` against `du --apparent-size`-style sums (os.walk) and boto3's paginated listing
//! on a real S3-compatible server (moto), classified errors for missing buckets, refused credentials and
//! unreachable endpoints, cancellation, and tables and Spark logs read from S3 equal to their local
//! copies.

pub(crate) mod moto;
mod du_tree;
mod tables;

use std::collections::BTreeMap;
use std::io::Read;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use lakescope::cancel::CancelToken;
use lakescope::sources::{SourceConfig, SourceKind};
use lakescope::storage::{DuOptions, DuProgress};
use lakescope::{ErrorKind, Lakescope};
use serde_json::{Value, json};

use crate::support::{cli, cli_json, demo, python, repo_root};
use moto::moto;

/// Where the demo lakehouse is uploaded (once per test process).
const DEMO_URI: &str = "s3://lakescope-demo/lake";

pub(crate) fn upload_demo() -> &'static moto::Moto {
    let m = moto();
    m.upload_once(&demo().dir, DEMO_URI);
    m
}

/// `{"total_bytes","total_objects","children":[{name,bytes,objects}]}` of a du report, for comparing
/// with the Python sums (which know no modification times).
pub(crate) fn sums(doc: &Value) -> Value {
    let children: Vec<Value> = doc["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| json!({"name": c["name"], "bytes": c["bytes"], "objects": c["objects"]}))
        .collect();
    json!({"total_bytes": doc["total_bytes"], "total_objects": doc["total_objects"], "children": children})
}

pub(crate) fn py_walk(dir: &std::path::Path, depth: usize) -> Value {
    let out = std::process::Command::new(python())
        .arg(repo_root().join("tests/py/s3_moto.py"))
        .args(["walk", dir.to_str().unwrap(), &depth.to_string()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut v: Value = serde_json::from_slice(&out.stdout).unwrap();
    v.as_object_mut().unwrap().remove("etags");
    v
}

#[test]
fn du_of_a_local_tree_equals_os_walk_sums_per_child() {
    let d = demo();
    for depth in [1, 2, 3] {
        let ours = cli_json(&["du", d.dir.to_str().unwrap(), "--depth", &depth.to_string()]);
        assert_eq!(sums(&ours), py_walk(&d.dir, depth), "depth {depth}");
        assert_eq!(ours["uri"], format!("file://{}", d.dir.display()));
    }
    let top = cli_json(&["du", d.dir.to_str().unwrap()]);
    assert!(top["total_objects"].as_u64().unwrap() > 1000, "the demo is a real tree: {}", top["total_objects"]);
    let newest = top["children"].as_array().unwrap().iter().map(|c| c["last_modified_ms"].as_i64().unwrap()).max();
    assert!(newest.unwrap() > 1_700_000_000_000, "children carry modification times");
}

#[test]
fn du_on_s3_equals_boto3_paginated_listing_per_child() {
    let m = upload_demo();
    for depth in [1, 2] {
        let ours = m.cli_json(&["du", DEMO_URI, "--depth", &depth.to_string()]);
        let mut truth = m.py("list", &[DEMO_URI, &depth.to_string()]);
        truth.as_object_mut().unwrap().remove("etags");
        assert_eq!(sums(&ours), truth, "depth {depth}");
        assert_eq!(ours["uri"], DEMO_URI);
    }
    // The bucket holds exactly the local tree: same sums as the walk of the uploaded directory.
    let ours = m.cli_json(&["du", DEMO_URI, "--depth", "2"]);
    assert_eq!(sums(&ours), py_walk(&demo().dir, 2));
}

#[test]
fn s3_errors_say_what_failed() {
    let m = moto();
    m.py("upload", &[repo_root().join("assets/spark/logs/codecs").to_str().unwrap(), "s3://lakescope-errors/x"]);

    let (code, doc) = m.cli_error(&["du", "s3://no-such-bucket-here/x"], &[]);
    assert_eq!((code, doc["error"]["kind"].as_str()), (3, Some("NotFound")), "{doc}");
    let msg = doc["error"]["message"].as_str().unwrap();
    assert!(msg.contains("no-such-bucket-here") && msg.contains("does not exist"), "{msg}");

    let (_, doc) = m.cli_error(&["du", "s3://lakescope-errors/typo"], &[]);
    assert_eq!(doc["error"]["kind"], "NotFound", "{doc}");
    assert!(doc["error"]["message"].as_str().unwrap().contains("s3://lakescope-errors/typo"), "{doc}");

    // Nothing listens on port 9 of loopback (discard; closed here): connection refused.
    let started = Instant::now();
    let (_, doc) = m.cli_error(&["du", "s3://lakescope-errors/x"], &[("AWS_ENDPOINT", "http://127.0.0.1:9")]);
    assert_eq!(doc["error"]["kind"], "Unreachable", "{doc}");
    let msg = doc["error"]["message"].as_str().unwrap();
    assert!(msg.contains("s3://lakescope-errors/x"), "{msg}");
    assert!(started.elapsed() < Duration::from_secs(30), "unreachable is reported in seconds, not minutes");

    let auth = moto::moto_with_auth();
    let (_, doc) = auth.cli_error(&["du", "s3://any-bucket/x"], &[("AWS_ACCESS_KEY_ID", "AKIAWRONGWRONGWRONG")]);
    assert_eq!(doc["error"]["kind"], "Auth", "{doc}");
    assert!(doc["error"]["message"].as_str().unwrap().contains("credentials were refused"), "{doc}");

    // A secret in a sources file is refused before anything is contacted.
    let dir = tempfile::tempdir().unwrap();
    let sources = dir.path().join("s.toml");
    std::fs::write(
        &sources,
        "[[source]]\nname='s3'\nkind='storage'\nlocation='s3://lakescope-errors/x'\noptions={ secret_access_key='oops' }\n",
    )
    .unwrap();
    let (code, doc) = m.cli_error(&["--sources", sources.to_str().unwrap(), "du", "s3://lakescope-errors/x"], &[]);
    assert_eq!((code, doc["error"]["kind"].as_str()), (2, Some("InvalidInput")), "{doc}");
    assert!(doc["error"]["message"].as_str().unwrap().contains("secret_access_key"), "{doc}");
}

/// Anonymous access (`skip_signature`) through a source's options: no credentials in this process.
pub(crate) fn s3_source(m: &moto::Moto, location: &str) -> Lakescope {
    let options: BTreeMap<String, String> = [
        ("endpoint", m.endpoint.as_str()),
        ("region", "us-east-1"),
        ("allow_http", "true"),
        ("path_style", "true"),
        ("skip_signature", "true"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let source = SourceConfig {
        name: "s3".into(),
        kind: SourceKind::Storage,
        uri: None,
        warehouse: None,
        location: Some(location.into()),
        catalog: None,
        options,
        token_env: None,
        credentials: None,
        layout: None,
    };
    Lakescope::new(vec![source], None)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cancelled_listing_stops_where_it_was_and_says_cancelled() {
    let m = tokio::task::spawn_blocking(upload_demo).await.unwrap();
    let ls = s3_source(m, DEMO_URI);
    let full = ls.du(DEMO_URI, &DuOptions { depth: 1, ..Default::default() }).await.unwrap();
    assert!(full.total_objects > 2000, "enough objects for several pages: {}", full.total_objects);

    let cancel = CancelToken::new();
    let seen: Arc<Mutex<Vec<DuProgress>>> = Default::default();
    let progress = {
        let (cancel, seen) = (cancel.clone(), seen.clone());
        Arc::new(move |p: DuProgress| {
            seen.lock().unwrap().push(p);
            cancel.cancel(); // the user clicks Cancel on the first progress report
        })
    };
    let e = ls.du(DEMO_URI, &DuOptions { depth: 1, cancel, progress: Some(progress) }).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Cancelled, "{}", e.message);
    assert!(e.message.contains(DEMO_URI), "{}", e.message);
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 1, "no progress after the cancel");
    assert!(seen[0].objects < full.total_objects, "stopped early: {:?} of {}", seen[0], full.total_objects);
}

#[test]
fn ctrl_c_stops_a_hanging_listing_with_exit_130() {
    // A "server" that accepts connections and never answers: the listing hangs in its first page.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for conn in listener.incoming().flatten() {
            let _ = tx.send(());
            held.push(conn);
        }
    });
    let m = moto();
    let mut child = cli()
        .args(["du", "s3://hanging-bucket/x", "--json"])
        .envs(m.env())
        .env("AWS_ENDPOINT", &endpoint)
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    rx.recv_timeout(Duration::from_secs(30)).expect("lakescope connects to the endpoint");
    let kill = std::process::Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(kill.success());
    let started = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "Ctrl-C did not stop the listing");
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut stderr = String::new();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    assert_eq!(status.code(), Some(130), "{stderr}");
    let doc: Value = serde_json::from_str(stderr.lines().last().unwrap()).unwrap();
    assert_eq!(doc["error"]["kind"], "Cancelled", "{stderr}");
    assert!(doc["error"]["message"].as_str().unwrap().starts_with("cancelled listing s3://hanging-bucket/x"), "{stderr}");
}
