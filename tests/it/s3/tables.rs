//! Tables and Spark logs on S3 read the same as their local copies (and as the writers' own readers
//! report), and a full browse leaves every object and ETag in the bucket as it was, having sent the
//! server nothing but reads (moto's request recorder lists every request it served).

use serde_json::Value;

use super::moto::moto;
use super::{DEMO_URI, upload_demo};
use crate::support::{AS_OF, cli_json, demo, repo_root};

/// A table document without the fields that name where it was read from.
fn placeless(mut v: Value) -> Value {
    let o = v.as_object_mut().unwrap();
    o.remove("location");
    o.remove("name");
    // A Parquet directory's times are its files' modification times, which an upload resets.
    if o["format"] == "parquet" {
        o["current"].as_object_mut().unwrap().remove("timestamp_ms");
        for p in o["partitions"].as_array_mut().unwrap() {
            p.as_object_mut().unwrap().remove("last_modified_ms");
        }
    }
    v
}

const DEMO_TABLES: &[&str] = &["delta/ods/ods_customers", "delta/fact/fact_payments", "hive/ods.db/ods_web_logs"];

#[test]
fn demo_tables_on_s3_equal_their_local_copies_and_browsing_changes_nothing() {
    let m = upload_demo();
    let before = m.py("list", &[DEMO_URI, "0"])["etags"].clone();
    // Every request to the demo's bucket from here on is Lakescope's (the upload is done, and no other
    // test writes to this bucket).
    m.py("record", &["start"]);

    // Endpoint options from a sources file; only the credentials come from the environment.
    let dir = tempfile::tempdir().unwrap();
    let sources = dir.path().join("s3.toml");
    let opts = format!("options = {{ endpoint = '{}', region = 'us-east-1', allow_http = 'true', path_style = 'true' }}", m.endpoint);
    std::fs::write(
        &sources,
        format!(
            "[[source]]\nname='delta'\nkind='delta'\nlocation='{DEMO_URI}/delta'\n{opts}\n\n\
             [[source]]\nname='hive'\nkind='storage'\nlocation='{DEMO_URI}/hive'\n{opts}\n"
        ),
    )
    .unwrap();
    let s = sources.to_str().unwrap();
    let creds = |args: &[&str]| -> Value {
        let out = crate::support::cli()
            .args(args)
            .arg("--json")
            .env("AWS_ACCESS_KEY_ID", super::moto::KEY_ID)
            .env("AWS_SECRET_ACCESS_KEY", super::moto::SECRET)
            .env_remove("AWS_ENDPOINT")
            .output()
            .unwrap();
        assert!(out.status.success(), "lakescope {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    };

    // VACUUM's retention looks at files' modification times, which the upload sets to today: at the demo's
    // as-of the uploaded old files are still "recent", the local ones (back-dated) are not. Long after both,
    // every figure must agree, reclaimable bytes included.
    let later = "2099-01-01T00:00:00Z";
    for t in DEMO_TABLES {
        let local = demo().dir.join(t);
        let theirs = cli_json(&["table", local.to_str().unwrap(), "--as-of", later]);
        let uri = format!("{DEMO_URI}/{t}");
        let ours = creds(&["--sources", s, "table", &uri, "--as-of", later]);
        assert_eq!(ours["location"], uri);
        assert_eq!(placeless(ours), placeless(theirs), "{t}");
        let ours = creds(&["--sources", s, "history", &uri]);
        let theirs = cli_json(&["history", local.to_str().unwrap()]);
        assert_eq!(ours, theirs, "history of {t}");
    }

    // The sources list the same tables as the demo's local delta and hive sources.
    let names = |v: &Value, keep: &dyn Fn(&Value) -> bool| -> Vec<String> {
        let mut n: Vec<String> = v
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| keep(t))
            .map(|t| format!("{}.{}.{} {}", t["source"], t["namespace"], t["name"], t["format"]))
            .collect();
        n.sort();
        n
    };
    let on_s3 = creds(&["--sources", s, "tables"]);
    let local = cli_json(&["--sources", &demo().sources_arg(), "tables"]);
    let in_s3_sources = |t: &Value| t["source"] == "delta" || t["source"] == "hive";
    assert_eq!(names(&on_s3, &|_| true), names(&local, &in_s3_sources));
    assert!(on_s3.as_array().unwrap().len() >= 4, "{on_s3}");
    for t in on_s3.as_array().unwrap() {
        let qualified = format!("{}.{}.{}", t["source"].as_str().unwrap(), t["namespace"].as_str().unwrap(), t["name"].as_str().unwrap());
        creds(&["--sources", s, "table", &qualified, "--as-of", AS_OF]);
        creds(&["--sources", s, "history", &qualified]);
    }
    creds(&["--sources", s, "du", &format!("{DEMO_URI}/delta"), "--depth", "3"]);
    creds(&["--sources", s, "findings", "--as-of", AS_OF]);
    creds(&["--sources", s, "sample", "delta.fact.fact_payments"]);

    m.py("record", &["stop"]);
    let bucket = DEMO_URI.trim_start_matches("s3://").split('/').next().unwrap();
    let requests = m.py("recorded", &[bucket]);
    let requests = requests.as_array().unwrap();
    assert!(requests.len() > 50, "the browse reached the server: {} requests recorded", requests.len());
    let writes: Vec<&Value> = requests.iter().filter(|r| !matches!(r["method"].as_str(), Some("GET" | "HEAD"))).collect();
    assert!(writes.is_empty(), "Lakescope sent the bucket {} requests that are not reads: {writes:?}", writes.len());

    let after = m.py("list", &[DEMO_URI, "0"])["etags"].clone();
    assert_eq!(before, after, "a full browse must not add, remove or rewrite any object");
}

#[test]
fn iceberg_written_to_s3_by_pyiceberg_reads_as_pyiceberg_says() {
    let m = moto();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("catalog.db");
    let truth = m.py("write-iceberg", &["s3://lakescope-iceberg/wh", db.to_str().unwrap()]);
    let location = truth["location"].as_str().unwrap();
    for target in [location, truth["metadata_location"].as_str().unwrap()] {
        let ours = m.cli_json(&["table", target]);
        assert_eq!(ours["format"], "iceberg");
        let c = &ours["current"];
        assert_eq!(c["version_id"].as_str(), Some(truth["snapshot_id"].to_string().as_str()), "{ours}");
        assert_eq!(c["records"], truth["records"], "{target}");
        assert_eq!(c["data_files"], truth["data_files"], "{target}");
        assert_eq!(c["data_bytes"], truth["data_bytes"], "{target}");
    }
    let listed = m.py("list", &[location, "0"]);
    let ours = m.cli_json(&["table", location]);
    assert_eq!(ours["storage"]["total_bytes"], listed["total_bytes"]);
    assert_eq!(ours["storage"]["total_files"], listed["total_objects"]);
}

#[test]
fn delta_written_to_s3_by_deltalake_reads_as_deltalake_says() {
    let m = moto();
    let uri = "s3://lakescope-delta/events";
    let truth = m.py("write-delta", &[uri]);
    let ours = m.cli_json(&["table", uri]);
    assert_eq!(ours["format"], "delta");
    let c = &ours["current"];
    assert_eq!(c["version"], truth["version"], "{ours}");
    assert_eq!(c["records"], truth["records"]);
    assert_eq!(c["data_files"], truth["data_files"]);
    assert_eq!(c["data_bytes"], truth["data_bytes"]);
    let listed = m.py("list", &[uri, "0"]);
    assert_eq!(ours["storage"]["total_bytes"], listed["total_bytes"]);
}

#[test]
fn spark_logs_on_s3_read_the_same_as_the_local_files() {
    let m = moto();
    let logs = repo_root().join("assets/spark/logs");
    m.upload_once(&logs, "s3://lakescope-spark/logs");
    for case in ["codecs", "rolled", "inprogress", "cached", "local_mode"] {
        let mut local = cli_json(&["spark", logs.join(case).to_str().unwrap()]);
        let mut remote = m.cli_json(&["spark", &format!("s3://lakescope-spark/logs/{case}")]);
        assert!(!local.as_array().unwrap().is_empty(), "{case}");
        // `source` says where each log was read from: the same file, under the other root.
        for (l, r) in local.as_array_mut().unwrap().iter_mut().zip(remote.as_array_mut().unwrap()) {
            let (l, r) = (l.as_object_mut().unwrap(), r.as_object_mut().unwrap());
            let (ls, rs) = (l.remove("source").unwrap(), r.remove("source").unwrap());
            let rel = ls.as_str().unwrap().trim_start_matches("file://").strip_prefix(logs.to_str().unwrap()).unwrap().to_string();
            assert_eq!(rs.as_str().unwrap(), format!("s3://lakescope-spark/logs{rel}"), "{case}");
        }
        assert_eq!(remote, local, "{case}");
    }
}
