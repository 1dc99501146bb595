//! Storage from inventories (issue #8): S3 Inventory reports in CSV (gzip), Parquet and ORC, and
//! `hdfs oiv -p Delimited` dumps, all written by `tests/inventory/make.py` for a bucket whose keys are
//! the demo lakehouse's files. Per prefix, the inventory's objects and bytes equal `lakescope du` on the
//! same tree on disk and what pyarrow sums from the same inventory files; each day's report is one
//! history point; a truncated or missing data file is an error naming the file.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use lakescope::sources::{SourceConfig, SourceKind, SourcesFile};
use lakescope::storage::{DuOptions, DuReport};
use lakescope::{ErrorKind, Lakescope};
use serde_json::Value;

use crate::support::{cli, cli_json, demo, py_json, repo_root};

/// The demo directories the inventories list (keys `delta/…`, `hive/…`, `warehouse/…`).
const SUBDIRS: [&str; 3] = ["delta", "hive", "warehouse"];
const FORMATS: [&str; 3] = ["csv", "parquet", "orc"];

struct Fixture {
    out: PathBuf,
    /// What the generator wrote per day: {date, objects, bytes} over all subdirs.
    days: Vec<Value>,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let out = repo_root().join("target/test-inventory");
        let _ = std::fs::remove_dir_all(&out);
        let made = py_json(
            "../inventory/make.py",
            &["tree", "--tree", demo().dir.to_str().unwrap(), "--subdirs", &SUBDIRS.join(","), "--out", out.to_str().unwrap()],
        );
        for (format, uri, location) in [
            ("csv", "s3://demo-lake", out.join("inventories/demo-lake/daily-csv")),
            ("parquet", "s3://demo-lake", out.join("inventories/demo-lake/daily-parquet")),
            ("orc", "s3://demo-lake", out.join("inventories/demo-lake/daily-orc")),
            ("hdfs", "hdfs://nn", out.join("hdfs")),
        ] {
            let kind = if format == "hdfs" { SourceKind::HdfsImage } else { SourceKind::S3Inventory };
            let mut s = SourceConfig::new(format!("inv-{format}"), kind);
            s.uri = Some(uri.into());
            s.location = Some(location.display().to_string());
            std::fs::write(out.join(format!("{format}.toml")), SourcesFile { sources: vec![s] }.to_toml()).unwrap();
        }
        Fixture { out, days: made["days"].as_array().unwrap().clone() }
    })
}

fn sources(format: &str) -> String {
    fixture().out.join(format!("{format}.toml")).display().to_string()
}

fn lakescope(format: &str) -> Lakescope {
    Lakescope::new(SourcesFile::load(Path::new(&sources(format))).unwrap().sources, None)
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap()
}

/// (name, bytes, objects) rows of a `du` report, in JSON or as the engine returns it.
fn rows_json(v: &Value) -> Vec<(String, u64, u64)> {
    v["children"].as_array().unwrap().iter().map(|c| (c["name"].as_str().unwrap().to_string(), c["bytes"].as_u64().unwrap(), c["objects"].as_u64().unwrap())).collect()
}

fn rows(r: &DuReport) -> Vec<(String, u64, u64)> {
    r.children.iter().map(|c| (c.name.clone(), c.bytes, c.objects)).collect()
}

fn newest_manifest(format: &str) -> PathBuf {
    let cfg = fixture().out.join(format!("inventories/demo-lake/daily-{format}"));
    let mut stamps: Vec<_> = std::fs::read_dir(&cfg).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).filter(|n| n.ends_with('Z')).collect();
    stamps.sort();
    cfg.join(stamps.last().unwrap()).join("manifest.json")
}

#[test]
fn each_format_equals_du_on_the_tree_and_pyarrow_on_the_same_files() {
    let f = fixture();
    let rt = rt();
    for format in FORMATS {
        let ls = lakescope(format);
        // Against the tree on disk, per demo directory, two levels down (tables), modification times too.
        for sub in SUBDIRS {
            let local = rt.block_on(Lakescope::new(Vec::new(), None).du(demo().dir.join(sub).to_str().unwrap(), &DuOptions { depth: 2, ..Default::default() })).unwrap();
            let inv = rt.block_on(ls.du(&format!("s3://demo-lake/{sub}"), &DuOptions { depth: 2, ..Default::default() })).unwrap();
            assert_eq!(rows(&inv), rows(&local), "{format}: s3://demo-lake/{sub} vs {}", local.uri);
            assert_eq!((inv.total_bytes, inv.total_objects), (local.total_bytes, local.total_objects), "{format} {sub}");
            let times = |r: &DuReport| r.children.iter().map(|c| c.last_modified_ms).collect::<Vec<_>>();
            assert_eq!(times(&inv), times(&local), "{format} {sub}: newest mtime per child");
        }
        // Against pyarrow reading the same inventory files, three levels down from the bucket (CLI JSON).
        let ours = cli_json(&["--sources", &sources(format), "du", "s3://demo-lake", "--depth", "3"]);
        let truth = py_json("../inventory/make.py", &["sum", "--manifest", newest_manifest(format).to_str().unwrap(), "--depth", "3"]);
        assert_eq!(rows_json(&ours), rows_json(&truth), "{format}: per prefix vs pyarrow");
        assert_eq!(ours["total_bytes"], truth["total_bytes"], "{format}");
        assert_eq!(ours["total_objects"], truth["total_objects"], "{format}");
        assert_eq!(ours["total_objects"].as_u64(), f.days.last().unwrap()["objects"].as_u64(), "{format}: the newest day lists the whole tree");
    }
}

#[test]
fn an_hdfs_image_dump_equals_du_and_pyarrow() {
    let rt = rt();
    let ls = lakescope("hdfs");
    for sub in SUBDIRS {
        let local = rt.block_on(Lakescope::new(Vec::new(), None).du(demo().dir.join(sub).to_str().unwrap(), &DuOptions { depth: 2, ..Default::default() })).unwrap();
        let inv = rt.block_on(ls.du(&format!("hdfs://nn/lake/{sub}"), &DuOptions { depth: 2, ..Default::default() })).unwrap();
        assert_eq!(rows(&inv), rows(&local), "hdfs://nn/lake/{sub} vs {}", local.uri);
    }
    let dump = fixture().out.join("hdfs/fsimage_2026-11-30.tsv");
    let truth = py_json("../inventory/make.py", &["sum", "--oiv", dump.to_str().unwrap(), "--prefix", "lake", "--depth", "2"]);
    let ours = cli_json(&["--sources", &sources("hdfs"), "du", "hdfs://nn/lake", "--depth", "2"]);
    assert_eq!(rows_json(&ours), rows_json(&truth));
    assert_eq!(ours["total_bytes"], truth["total_bytes"]);
}

#[test]
fn the_prefix_tree_and_history_come_from_the_inventory() {
    let f = fixture();
    let rt = rt();
    let ls = lakescope("parquet");
    let root = rt.block_on(ls.list_prefix("s3://demo-lake", &DuOptions::default())).unwrap();
    let names: Vec<_> = root.entries.iter().map(|e| (e.name.as_str(), e.is_prefix)).collect();
    assert_eq!(names, [("delta", true), ("hive", true), ("warehouse", true)]);
    // A child's location reopens it, as expanding it on the Storage page does; it equals du on disk.
    let delta = rt.block_on(ls.list_prefix(&root.entries[0].location, &DuOptions::default())).unwrap();
    let local = rt.block_on(Lakescope::new(Vec::new(), None).list_prefix(demo().dir.join("delta").to_str().unwrap(), &DuOptions::default())).unwrap();
    let shape = |l: &lakescope::storage::PrefixListing| l.entries.iter().map(|e| (e.name.clone(), e.is_prefix, e.objects, e.bytes)).collect::<Vec<_>>();
    assert_eq!(shape(&delta), shape(&local));
    let e = rt.block_on(ls.list_prefix("s3://demo-lake/nothing-here", &DuOptions::default())).unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotFound, "{}", e.message);

    // One history point per report, oldest first, each day's totals as the generator wrote them.
    for format in ["csv", "orc", "hdfs"] {
        let uri = if format == "hdfs" { "hdfs://nn/lake" } else { "s3://demo-lake" };
        let h = cli_json(&["--sources", &sources(format), "du", uri, "--history"]);
        let points = h["points"].as_array().unwrap();
        assert_eq!(points.len(), f.days.len(), "{format}: {h}");
        for (p, d) in points.iter().zip(&f.days) {
            assert_eq!(p["date"], d["date"], "{format}");
            assert_eq!((&p["total_objects"], &p["total_bytes"]), (&d["objects"], &d["bytes"]), "{format} {}", d["date"]);
        }
        assert!(points.windows(2).all(|w| w[0]["timestamp_ms"].as_i64() < w[1]["timestamp_ms"].as_i64()), "{format}");
    }
    // A source check reads the newest manifest.
    let check = cli_json(&["--sources", &sources("orc"), "check", "inv-orc"]);
    assert_eq!(check["ok"], true, "{check}");
}

/// A copy of the CSV configuration with one data file of the newest report damaged by `damage`:
/// the kind and message of the error `du` gives on it.
fn damaged_message(name: &str, damage: impl Fn(&Path)) -> (String, String) {
    let f = fixture();
    let src = f.out.join("inventories/demo-lake/daily-csv");
    let dst = f.out.join(format!("damaged-{name}/demo-lake/daily-csv"));
    let _ = std::fs::remove_dir_all(&dst);
    std::fs::create_dir_all(dst.parent().unwrap()).unwrap();
    let status = std::process::Command::new("cp").arg("-r").arg(&src).arg(&dst).status().unwrap();
    assert!(status.success(), "copying {}", src.display());
    let m: Value = serde_json::from_slice(&std::fs::read(newest_manifest("csv")).unwrap()).unwrap();
    let key = m["files"][0]["key"].as_str().unwrap();
    let file = dst.join(key.split_once("daily-csv/").unwrap().1);
    damage(&file);
    let mut s = SourceConfig::new("broken", SourceKind::S3Inventory);
    s.uri = Some("s3://demo-lake".into());
    s.location = Some(dst.display().to_string());
    let toml = f.out.join(format!("damaged-{name}.toml"));
    std::fs::write(&toml, SourcesFile { sources: vec![s] }.to_toml()).unwrap();
    let out = cli().args(["--sources", toml.to_str().unwrap(), "du", "s3://demo-lake", "--json"]).output().unwrap();
    assert!(!out.status.success(), "{name}: a damaged inventory must fail");
    let err: Value = serde_json::from_slice(&out.stderr).unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stderr)));
    let msg = err["error"]["message"].as_str().unwrap().to_string();
    assert!(msg.contains(file.file_name().unwrap().to_str().unwrap()), "{name}: names the file: {msg}");
    (err["error"]["kind"].as_str().unwrap().to_string(), msg)
}

fn damaged_copy(name: &str, damage: impl Fn(&Path)) -> String {
    damaged_message(name, damage).0
}

#[test]
fn a_truncated_or_missing_data_file_is_an_error_naming_it() {
    let kind = damaged_copy("truncated", |p| {
        let bytes = std::fs::read(p).unwrap();
        std::fs::write(p, &bytes[..bytes.len() / 2]).unwrap();
    });
    assert_eq!(kind, "Corrupt");
    assert_eq!(damaged_copy("missing", |p| std::fs::remove_file(p).unwrap()), "NotFound");
}

/// A data file replaced after the report was written by one that still reads (the same rows, gzipped
/// again at another level, one size changed): only the manifest's MD5checksum tells, and it must.
#[test]
fn a_data_file_whose_md5_differs_from_the_manifest_is_corrupt_naming_it() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let tampered = |p: &Path| {
        let out = Command::new("gzip").arg("-dc").arg(p).output().unwrap();
        assert!(out.status.success());
        let text = String::from_utf8(out.stdout).unwrap();
        // The first row's size, `"123"` → `"1230"`: still a valid inventory, with other numbers.
        let fields: Vec<&str> = text.lines().next().unwrap().split("\",\"").collect();
        let first = text.lines().next().unwrap().to_string();
        let changed = first.replacen(&format!("\"{}\"", fields[2]), &format!("\"{}0\"", fields[2]), 1);
        assert_ne!(first, changed, "the size field is found");
        let text = text.replacen(&first, &changed, 1);
        let mut gz = Command::new("gzip").arg("-9c").stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
        gz.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
        let out = gz.wait_with_output().unwrap();
        assert!(out.status.success());
        std::fs::write(p, out.stdout).unwrap();
    };
    let msg = damaged_message("tampered", tampered);
    assert_eq!(msg.0, "Corrupt", "{}", msg.1);
    assert!(msg.1.contains("MD5"), "says the checksum differs: {}", msg.1);
}

/// The same reports read from S3 (moto's server): manifests and data files are fetched as objects, and
/// every figure (per-prefix objects and bytes, the history) equals the local case.
#[test]
fn an_s3_inventory_read_from_s3_equals_the_local_one() {
    let f = fixture();
    let m = crate::s3::moto::moto();
    m.upload_once(&f.out.join("inventories"), "s3://inventory-dest/inventories");
    for format in FORMATS {
        let mut s = SourceConfig::new(format!("inv-s3-{format}"), SourceKind::S3Inventory);
        s.uri = Some("s3://demo-lake".into());
        s.location = Some(format!("s3://inventory-dest/inventories/demo-lake/daily-{format}"));
        let toml = f.out.join(format!("s3-{format}.toml"));
        std::fs::write(&toml, SourcesFile { sources: vec![s] }.to_toml()).unwrap();
        let toml = toml.to_str().unwrap();
        let remote = m.cli_json(&["--sources", toml, "du", "s3://demo-lake", "--depth", "3"]);
        let local = cli_json(&["--sources", &sources(format), "du", "s3://demo-lake", "--depth", "3"]);
        assert_eq!(rows_json(&remote), rows_json(&local), "{format}");
        assert_eq!((&remote["total_objects"], &remote["total_bytes"]), (&local["total_objects"], &local["total_bytes"]), "{format}");
        assert!(remote["total_objects"].as_u64().unwrap() > 100, "{format}: a real inventory: {remote}");
        if format == "csv" {
            let h = m.cli_json(&["--sources", toml, "du", "s3://demo-lake", "--history"]);
            let points: Vec<_> = h["points"].as_array().unwrap().iter().map(|p| (p["date"].clone(), p["total_objects"].clone(), p["total_bytes"].clone())).collect();
            let days: Vec<_> = f.days.iter().map(|d| (d["date"].clone(), d["objects"].clone(), d["bytes"].clone())).collect();
            assert_eq!(points, days, "the history from S3 is the generator's");
        }
    }
}

#[test]
fn bench_inventory_counts_every_row_in_both_formats() {
    let dir = repo_root().join("target/test-inventory-bench");
    let r = cli_json(&["bench", "inventory", "--rows", "3000", "--dir", dir.to_str().unwrap()]);
    let formats = r["formats"].as_array().unwrap();
    assert_eq!(formats.iter().map(|f| f["format"].as_str().unwrap()).collect::<Vec<_>>(), ["CSV", "Parquet"]);
    for f in formats {
        assert_eq!(f["rows"], 3000, "{f}");
        assert!(f["reference_seconds"].as_f64().is_some() && f["peak_rss_bytes"].as_u64().unwrap() > 0, "{f}");
    }
}
