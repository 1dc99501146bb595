//! `du` on S3 lists prefixes concurrently (discovery by delimiter listings, then recursive listings in
//! parallel): on moto, over a tree built to catch double counting and missed objects — objects beside
//! prefixes at every level, names that sort around the delimiter (`b-1/`, `b.txt`, `b/`), a directory
//! marker, a deep narrow chain, a level of more prefixes than are split, a prefix of more than a
//! thousand keys (pagination) — every total and child equals boto3's paginated listing. Also: a
//! listing cancelled in the middle stops, and `bench du` on a moto server it fills itself agrees with
//! boto3 and the AWS CLI on objects and bytes.

use std::sync::{Arc, Mutex};

use lakescope::cancel::CancelToken;
use lakescope::storage::{DuOptions, DuProgress};
use lakescope::ErrorKind;
use serde_json::Value;

use super::moto::{Moto, moto};
use super::{s3_source, sums};
use crate::support::{cli, python};

const TREE: &str = "s3://lakescope-du-tree";

/// The tree, uploaded once per test process.
fn tree() -> &'static Moto {
    static DONE: std::sync::OnceLock<()> = std::sync::OnceLock::new();
    let m = moto();
    DONE.get_or_init(|| {
        let d = tempfile::tempdir().unwrap();
        let mut files: Vec<(String, usize)> = vec![
            ("top.txt".into(), 11),
            ("a/x".into(), 3),
            ("a/b.txt".into(), 5),
            ("a/b/y".into(), 7),
            ("a/b/c/z".into(), 13),
            ("a/b-1/w".into(), 17),
            ("a/b0".into(), 19),
            ("d/e/f/g/h/i.txt".into(), 23),
        ];
        files.extend((0..80).map(|i| (format!("parts/p={i:03}/f{i}"), i % 7)));
        files.extend((0..1500).map(|i| (format!("wide/k{i:05}"), i % 13)));
        files.extend((0..1200).map(|i| (format!("a/b/many/m{i:05}"), i % 5)));
        for (path, size) in &files {
            let p = d.path().join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, vec![b'x'; *size]).unwrap();
        }
        m.py("upload", &[d.path().to_str().unwrap(), TREE]);
        m.py("put", &[TREE, "a/empty/", "0"]);
    });
    m
}

/// boto3's sums; the marker `a/empty/` is named `a/empty` (object_store's paths drop the trailing `/`).
fn truth(m: &Moto, uri: &str, depth: usize) -> Value {
    let mut t = m.py("list", &[uri, &depth.to_string()]);
    t.as_object_mut().unwrap().remove("etags");
    for c in t["children"].as_array_mut().unwrap() {
        let name = c["name"].as_str().unwrap().trim_end_matches('/').to_string();
        c["name"] = name.into();
    }
    t
}

/// Equal sums, or a failure that shows the totals and the first child that differs (not thousands).
fn assert_same(ours: &Value, theirs: &Value, what: &str) {
    let ours = sums(ours);
    if ours == *theirs {
        return;
    }
    let (a, b) = (ours["children"].as_array().unwrap(), theirs["children"].as_array().unwrap());
    let first = a.iter().zip(b).find(|(x, y)| x != y);
    panic!(
        "{what}: ours {} objects {} bytes, {} children; boto3 {} objects {} bytes, {} children; first difference {first:?}",
        ours["total_objects"], ours["total_bytes"], a.len(), theirs["total_objects"], theirs["total_bytes"], b.len()
    );
}

#[test]
fn du_of_a_tricky_tree_equals_boto3_at_every_depth_and_prefix() {
    let m = tree();
    let whole = truth(m, TREE, 0);
    assert_eq!(whole["total_objects"], 8 + 80 + 1500 + 1200 + 1, "the tree is what it is meant to be");
    for uri in [TREE.to_string(), format!("{TREE}/a"), format!("{TREE}/a/b"), format!("{TREE}/wide"), format!("{TREE}/d")] {
        for depth in [0, 1, 2, 3] {
            let ours = m.cli_json(&["du", &uri, "--depth", &depth.to_string()]);
            assert_same(&ours, &truth(m, &uri, depth), &format!("{uri} at depth {depth}"));
        }
    }
    let (_, doc) = m.cli_error(&["du", &format!("{TREE}/a/nothing")], &[]);
    assert_eq!(doc["error"]["kind"], "NotFound", "{doc}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_listing_cancelled_in_the_middle_stops_there() {
    let m = tokio::task::spawn_blocking(tree).await.unwrap();
    let ls = s3_source(m, TREE);
    let reports: Arc<Mutex<Vec<DuProgress>>> = Default::default();
    let progress = {
        let reports = reports.clone();
        Arc::new(move |p: DuProgress| reports.lock().unwrap().push(p))
    };
    let full = ls.du(TREE, &DuOptions { progress: Some(progress), ..Default::default() }).await.unwrap();
    // The last report has the totals and every prefix of the last round listed: the top level and its
    // four prefixes are split, their 84 sub-prefixes (more than are split) and `wide/` (a first page of a
    // thousand keys) are listed recursively.
    let last = *reports.lock().unwrap().last().unwrap();
    assert_eq!((last.objects, last.bytes), (full.total_objects, full.total_bytes));
    assert_eq!((last.prefixes_done, last.prefixes_total), (85, 85), "{last:?}");
    let cancel = CancelToken::new();
    let seen: Arc<Mutex<Vec<DuProgress>>> = Default::default();
    let progress = {
        let (cancel, seen) = (cancel.clone(), seen.clone());
        Arc::new(move |p: DuProgress| {
            let mut seen = seen.lock().unwrap();
            seen.push(p);
            if seen.len() == 2 {
                cancel.cancel(); // after the second report, with pages of other prefixes in flight
            }
        })
    };
    let e = ls.du(TREE, &DuOptions { depth: 1, cancel, progress: Some(progress) }).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Cancelled, "{}", e.message);
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 2, "no progress after the cancel: {seen:?}");
    assert!(seen[1].objects < full.total_objects, "stopped early: {:?} of {}", seen[1], full.total_objects);
}

#[test]
fn bench_du_on_a_moto_server_it_fills_agrees_with_boto3_and_the_aws_cli() {
    let out = cli()
        .args(["bench", "du", "--s3-moto-objects", "5000", "--runs", "1", "--json"])
        .arg("--python")
        .arg(python())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "bench du failed: {stderr}");
    assert!(stderr.contains("holds 5000 objects"), "{stderr}");
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let tools: Vec<&str> = doc["comparisons"].as_array().unwrap().iter().map(|c| c["reference_tool"].as_str().unwrap()).collect();
    assert!(tools[0].starts_with("boto3"), "{doc}");
    // The AWS CLI is compared with when there is one (the bench says when it is left out).
    assert!(tools.len() == 2 || stderr.contains("no AWS CLI found"), "{doc}\n{stderr}");
    for c in doc["comparisons"].as_array().unwrap() {
        assert!(c["ours_seconds"].as_f64().unwrap() > 0.0 && c["reference_seconds"].as_f64().unwrap() > 0.0, "{c}");
    }
}
