//! The truth test: the real Spark History Server shipped with pyspark reads the same fixture logs, and
//! every executor's `peakMemoryMetrics`, add/remove time and removal reason, every stage attempt's
//! `executorSummary` peaks, every job's peak (max over its stages), and every executor's allocation
//! (from `/environment`'s properties and resource profiles) must equal `lakescope spark`'s.
//! Then our own REST client, pointed at the live server, must give the same summaries as the files.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::{json, Value};

use crate::support::{cli_json, python, repo_root};

/// One directory of links to every fixture application (not `many_apps`, which repeats them), so one
/// server start covers them all.
fn all_fixture_logs(dir: &Path) -> PathBuf {
    let flat = dir.join("logs");
    std::fs::create_dir_all(&flat).unwrap();
    let root = repo_root().join("assets/spark/logs");
    for fx in std::fs::read_dir(&root).unwrap().flatten().filter(|e| e.path().is_dir() && e.file_name() != "many_apps") {
        for entry in std::fs::read_dir(fx.path()).unwrap().flatten() {
            let name = entry.file_name();
            let n = name.to_string_lossy();
            if n.starts_with('.') || n.ends_with(".crc") {
                continue;
            }
            std::os::unix::fs::symlink(entry.path(), flat.join(&name)).unwrap();
        }
    }
    flat
}

fn history_server_answers(logs: &Path) -> Value {
    let out = Command::new(python())
        .arg(repo_root().join("tests/spark/history_server.py"))
        .arg(logs)
        .args(["--slim", "--timeout", "400"])
        .output()
        .expect("run tests/spark/history_server.py");
    assert!(out.status.success(), "history_server.py failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The server's dates (`2026-12-01T10:11:37.221GMT`) as epoch ms.
fn ms(v: &Value) -> Value {
    match v.as_str() {
        Some(s) => {
            let t = chrono::NaiveDateTime::parse_from_str(s.trim_end_matches("GMT"), "%Y-%m-%dT%H:%M:%S%.3f").unwrap();
            json!(t.and_utc().timestamp_millis())
        }
        None => Value::Null,
    }
}

fn by_id<'a>(v: &'a Value, key: &str) -> BTreeMap<String, &'a Value> {
    v.as_array().unwrap().iter().map(|x| (x[key].as_str().map(str::to_string).unwrap_or_else(|| x[key].to_string()), x)).collect()
}

/// FORMATS.md's rule, written independently of the engine: heap + off-heap + overhead + PySpark, the
/// overhead explicit or max(int(0.1 × heap MiB), 384 MiB).
fn expected_allocation(env: &Value, executor: &Value) -> (u64, u64) {
    const MIB: u64 = 1 << 20;
    let props: BTreeMap<String, String> =
        env["sparkProperties"].as_array().unwrap().iter().map(|p| (p[0].as_str().unwrap().into(), p[1].as_str().unwrap().into())).collect();
    let mib = |s: &str| -> u64 {
        let s = s.to_ascii_lowercase();
        let (n, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
        let n: u64 = n.parse().unwrap();
        match unit {
            "" | "m" | "mb" => n,
            "g" | "gb" => n * 1024,
            "k" | "kb" => n / 1024,
            other => panic!("unit {other}"),
        }
    };
    if executor["id"] == "driver" {
        let heap = props.get("spark.driver.memory").map(|s| mib(s)).unwrap_or(1024);
        let overhead = props.get("spark.driver.memoryOverhead").map(|s| mib(s)).unwrap_or(((heap as f64 * 0.1) as u64).max(384));
        let off = if props.get("spark.memory.offHeap.enabled").is_some_and(|v| v == "true") {
            props.get("spark.memory.offHeap.size").map(|s| mib(s)).unwrap_or(0)
        } else {
            0
        };
        return (heap * MIB, (heap + overhead + off) * MIB);
    }
    let rp = env["resourceProfiles"].as_array().unwrap().iter().find(|p| p["id"] == executor["resourceProfileId"]).expect("resource profile");
    let amount = |name: &str| rp["executorResources"][name]["amount"].as_u64();
    let heap = amount("memory").unwrap();
    let overhead = amount("memoryOverhead").unwrap_or(((heap as f64 * 0.1) as u64).max(384));
    let total = heap + amount("offHeap").unwrap_or(0) + overhead + amount("pyspark.memory").unwrap_or(0);
    (heap * MIB, total * MIB)
}

#[test]
fn peaks_lifetimes_and_allocations_equal_the_history_servers() {
    let dir = tempfile::tempdir().unwrap();
    let logs = all_fixture_logs(dir.path());
    let hs = history_server_answers(&logs);
    let ours = cli_json(&["spark", logs.to_str().unwrap()]);
    let ours = by_id(&ours, "app_id");
    let (mut executors, mut pairs, mut jobs) = (0, 0, 0);
    let apps = hs["applications"].as_array().unwrap();
    assert!(apps.len() >= 17, "every fixture application listed");
    assert_eq!(ours.len(), apps.len());
    for app in apps {
        let id = app["id"].as_str().unwrap();
        let a = ours.get(id).unwrap_or_else(|| panic!("we did not find {id}"));
        assert_eq!(a["completed"], app["completed"], "{id}");
        let mine = by_id(&a["executors"], "id");
        assert_eq!(mine.len(), app["allexecutors"].as_array().unwrap().len(), "{id}: executors");
        for e in app["allexecutors"].as_array().unwrap() {
            let eid = e["id"].as_str().unwrap();
            let x = mine.get(eid).unwrap_or_else(|| panic!("{id}: no executor {eid}"));
            let what = format!("{id} executor {eid}");
            assert_eq!(x["peak"], e.get("peakMemoryMetrics").cloned().unwrap_or(Value::Null), "{what}: peak");
            assert_eq!(x["add_ms"], ms(&e["addTime"]), "{what}: add time");
            assert_eq!(x["remove_ms"], ms(e.get("removeTime").unwrap_or(&Value::Null)), "{what}: remove time");
            assert_eq!(x["removal_reason"], e.get("removeReason").cloned().unwrap_or(Value::Null), "{what}: removal reason");
            let (heap, total) = expected_allocation(&app["environment"], e);
            assert_eq!((x["allocated"]["heap_bytes"].as_u64().unwrap(), x["allocated"]["total_bytes"].as_u64().unwrap()), (heap, total), "{what}: allocation");
            executors += 1;
        }
        let stages: BTreeMap<(i64, i64), &Value> =
            a["stages"].as_array().unwrap().iter().map(|s| ((s["stage_id"].as_i64().unwrap(), s["attempt_id"].as_i64().unwrap()), s)).collect();
        for s in app["stages"].as_array().unwrap() {
            let key = (s["stageId"].as_i64().unwrap(), s["attemptId"].as_i64().unwrap());
            let theirs: BTreeMap<&String, &Value> = s["executorSummary"]
                .as_object()
                .map(|m| m.iter().filter_map(|(k, v)| v.get("peakMemoryMetrics").map(|p| (k, p))).collect())
                .unwrap_or_default();
            let mine = stages.get(&key).map(|m| &m["peak_by_executor"]);
            for (eid, p) in &theirs {
                assert_eq!(mine.map(|m| &m[eid.as_str()]), Some(*p), "{id} stage {key:?} executor {eid}");
                pairs += 1;
            }
            let mine_count = mine.and_then(|m| m.as_object()).map(|m| m.len()).unwrap_or(0);
            assert_eq!(mine_count, theirs.len(), "{id} stage {key:?}: executors with peaks");
            if let Some(m) = stages.get(&key) {
                assert_eq!(m["status"], s["status"].as_str().unwrap().to_ascii_lowercase(), "{id} stage {key:?}");
            }
        }
        let my_jobs = by_id(&a["jobs"], "job_id");
        for j in app["jobs"].as_array().unwrap() {
            let jid = j["jobId"].to_string();
            let m = my_jobs.get(&jid).unwrap_or_else(|| panic!("{id}: no job {jid}"));
            assert_eq!(m["stage_ids"], j["stageIds"], "{id} job {jid}");
            assert_eq!(m["status"], j["status"].as_str().unwrap().to_ascii_lowercase(), "{id} job {jid}");
            assert_eq!(m["start_ms"], ms(&j["submissionTime"]), "{id} job {jid}");
            assert_eq!(m["end_ms"], ms(j.get("completionTime").unwrap_or(&Value::Null)), "{id} job {jid}");
            // A job's peak: per executor and metric, the max over every attempt of its stages.
            let mut expected: BTreeMap<String, BTreeMap<String, i64>> = BTreeMap::new();
            for s in app["stages"].as_array().unwrap().iter().filter(|s| j["stageIds"].as_array().unwrap().contains(&s["stageId"])) {
                for (eid, v) in s["executorSummary"].as_object().into_iter().flatten() {
                    if let Some(p) = v.get("peakMemoryMetrics").and_then(|p| p.as_object()) {
                        let e = expected.entry(eid.clone()).or_default();
                        for (k, val) in p {
                            let cur = e.entry(k.clone()).or_insert(i64::MIN);
                            *cur = (*cur).max(val.as_i64().unwrap());
                        }
                    }
                }
            }
            assert_eq!(m["peak_by_executor"], serde_json::to_value(&expected).unwrap(), "{id} job {jid}: peak by executor");
            jobs += 1;
        }
    }
    assert!(executors >= 40 && pairs >= 150 && jobs >= 60, "compared {executors} executors, {pairs} stage pairs, {jobs} jobs");
}

/// Keeps the server running while the test reads it; closing its stdin stops it.
struct LiveServer {
    child: std::process::Child,
    url: String,
}

impl LiveServer {
    fn start(logs: &Path) -> LiveServer {
        let mut child = Command::new(python())
            .arg(repo_root().join("tests/spark/lakescope_serve_history.py"))
            .arg(logs)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the History Server");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let v: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("serve script said {line:?}: {e}"));
        LiveServer { child, url: v["url"].as_str().unwrap().to_string() }
    }
}

impl Drop for LiveServer {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}

#[test]
fn our_rest_client_on_the_live_server_matches_the_files() {
    let dir = tempfile::tempdir().unwrap();
    let logs = all_fixture_logs(dir.path());
    let server = LiveServer::start(&logs);
    let rest = cli_json(&["spark", &server.url]);
    drop(server);
    let files = cli_json(&["spark", logs.to_str().unwrap()]);
    let files = by_id(&files, "app_id");
    let rest = by_id(&rest, "app_id");
    assert_eq!(rest.len(), files.len());
    for (id, r) in &rest {
        let f = files[id];
        for k in ["app_name", "completed", "start_ms", "end_ms", "spark_version", "user"] {
            assert_eq!(r[k], f[k], "{id}: {k}");
        }
        // An unfinished application ends at the server's "last updated" vs the log's last event.
        let finished = f["completed"] == true;
        let fx = by_id(&f["executors"], "id");
        for x in r["executors"].as_array().unwrap() {
            let y = fx[x["id"].as_str().unwrap()];
            // (Task counts are left out: the server drops a task end that arrives after its executor's
            // removal — the task killed with executor 0 in `executor_lost` — while the log counts it.)
            for k in ["host", "add_ms", "remove_ms", "end_ms", "removal_reason", "lost_to_memory", "allocated", "peak", "is_driver"] {
                if k != "end_ms" || finished {
                    assert_eq!(x[k], y[k], "{id} executor {}: {k}", x["id"]);
                }
            }
        }
        let fj = by_id(&f["jobs"], "job_id");
        for j in r["jobs"].as_array().unwrap() {
            let y = fj[&j["job_id"].to_string()];
            for k in ["name", "status", "stage_ids", "start_ms", "end_ms", "peak_by_executor"] {
                assert_eq!(j[k], y[k], "{id} job {}: {k}", j["job_id"]);
            }
        }
        if finished {
            assert_eq!(r["memory"]["allocated_gib_hours"], f["memory"]["allocated_gib_hours"], "{id}");
        }
    }
}
