//! `lakescope spark` on every committed Spark fixture (real logs from real PySpark runs, see
//! assets/spark/README.md): each codec, rolled, in-progress and cut logs decode to the applications,
//! executors, removal reasons, streaming progress and warnings that the generator recorded in
//! assets/spark/logs/manifest.json from its own independent decoders.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::support::{cli, cli_json, repo_root};

fn manifest() -> Value {
    let text = std::fs::read_to_string(repo_root().join("assets/spark/logs/manifest.json")).expect("manifest.json");
    serde_json::from_str(&text).unwrap()
}

fn fixture(name: &str) -> String {
    repo_root().join("assets/spark/logs").join(name).display().to_string()
}

/// Our applications under a fixture, by app id.
fn ours(name: &str) -> BTreeMap<String, Value> {
    let apps = cli_json(&["spark", &fixture(name)]);
    apps.as_array().unwrap().iter().map(|a| (a["app_id"].as_str().unwrap().to_string(), a.clone())).collect()
}

fn kinds(app: &Value) -> Vec<String> {
    app["warnings"].as_array().unwrap().iter().map(|w| w["kind"].as_str().unwrap().to_string()).collect()
}

fn executor<'a>(app: &'a Value, id: &str) -> &'a Value {
    app["executors"].as_array().unwrap().iter().find(|x| x["id"] == id).unwrap_or_else(|| panic!("no executor {id} in {}", app["app_id"]))
}

#[test]
fn every_fixture_decodes_to_the_generators_applications_and_executors() {
    let m = manifest();
    for (name, fx) in m["fixtures"].as_object().unwrap() {
        let ours = ours(name);
        let expected = fx["applications"].as_array().unwrap();
        assert_eq!(ours.len(), expected.len(), "{name}: applications");
        for e in expected {
            let id = e["app_id"].as_str().unwrap();
            let a = ours.get(id).unwrap_or_else(|| panic!("{name}: no application {id}"));
            let what = format!("{name}/{id}");
            assert_eq!(a["app_name"], e["app_name"], "{what}");
            assert_eq!(a["spark_version"], "4.3.0", "{what}");
            assert_eq!(a["completed"], e["completed"], "{what}");
            assert_eq!(a["start_ms"], e["start_ms"], "{what}");
            assert_eq!(a["end_ms"], e["end_ms"], "{what}");
            assert_eq!(a["events"], e["events"], "{what}: complete events read");
            let cut_frame = e["files"].as_array().unwrap().iter().any(|f| f["last_frame_complete"] == false);
            if !cut_frame {
                assert_eq!(a["log_bytes"], e["uncompressed_bytes"], "{what}: uncompressed bytes");
            }
            let execs = e["executors"].as_object().unwrap();
            assert_eq!(a["executors"].as_array().unwrap().len(), execs.len(), "{what}: executors");
            for (eid, x) in execs {
                let ours = executor(a, eid);
                let w = format!("{what} executor {eid}");
                assert_eq!(ours["add_ms"], x["added_ms"], "{w}: add time");
                assert_eq!(ours["remove_ms"], x["removed_ms"], "{w}: remove time");
                assert_eq!(ours["removal_reason"], x["removed_reason"], "{w}: removal reason");
                assert_eq!(ours["host"], x["host"], "{w}");
                // The manifest's peak is null without non-zero telemetry, else its non-zero values.
                if x["peak"].is_null() {
                    assert_eq!(ours["telemetry"], "none", "{w}: unknown, not a confident 0");
                } else {
                    assert_ne!(ours["telemetry"], "none", "{w}");
                    for (metric, v) in x["peak"].as_object().unwrap() {
                        assert_eq!(&ours["peak"][metric], v, "{w}: {metric}");
                    }
                }
            }
        }
    }
}

#[test]
fn each_codec_decodes_the_same_job() {
    let apps = ours("codecs");
    let sources: Vec<String> = apps.values().map(|a| a["source"].as_str().unwrap().rsplit('.').next().unwrap().to_string()).collect();
    for codec in ["zstd", "lz4", "snappy", "lzf"] {
        assert!(sources.iter().any(|s| s == codec), "{codec} missing in {sources:?}");
    }
    for a in apps.values() {
        assert_eq!(a["events"], 74, "{}", a["source"]);
        assert_eq!(a["jobs"].as_array().unwrap().len(), 6, "{}", a["source"]);
        assert!(!kinds(a).contains(&"truncated".to_string()), "{}: {:?}", a["source"], kinds(a));
    }
}

#[test]
fn rolled_logs_read_every_part_in_order() {
    let m = manifest();
    let e = &m["fixtures"]["rolled"]["applications"][0];
    assert!(e["files"].as_array().unwrap().len() >= 3);
    let a = ours("rolled").into_values().next().unwrap();
    assert_eq!(a["log_bytes"], e["uncompressed_bytes"]);
    let tasks: u64 = a["executors"].as_array().unwrap().iter().map(|x| x["tasks"].as_u64().unwrap()).sum();
    assert_eq!(tasks, e["tasks"].as_u64().unwrap());
    assert_eq!(a["stages"].as_array().unwrap().iter().filter(|s| s["status"] != "skipped").count(), 10);
}

#[test]
fn cut_and_in_progress_logs_keep_everything_before_the_cut() {
    let apps = ours("inprogress");
    assert_eq!(apps.len(), 3);
    for a in apps.values() {
        let src = a["source"].as_str().unwrap();
        let k = kinds(a);
        assert_eq!(a["completed"], false, "{src}");
        assert!(a["end_ms"].is_null(), "{src}");
        assert!(k.contains(&"in-progress".to_string()), "{src}: {k:?}");
        let cut = src.ends_with(".inprogress");
        assert_eq!(k.contains(&"truncated".to_string()), cut, "{src}: {k:?}");
        // The driver lived to the last event read, not to a made-up end.
        let d = executor(a, "driver");
        assert!(d["end_ms"].as_i64().unwrap() > d["add_ms"].as_i64().unwrap(), "{src}");
        assert!(!a["jobs"].as_array().unwrap().is_empty(), "{src}: jobs before the cut");
    }
    let zstd = apps.values().find(|a| a["source"].as_str().unwrap().ends_with(".zstd.inprogress")).unwrap();
    let w = zstd["warnings"].as_array().unwrap().iter().find(|w| w["kind"] == "truncated").unwrap();
    assert!(w["message"].as_str().unwrap().contains("zstd frame"), "{w}");
    let rolled = apps.values().find(|a| a["source"].as_str().unwrap().contains("eventlog_v2_")).unwrap();
    let running = rolled["jobs"].as_array().unwrap().iter().filter(|j| j["status"] == "running").count();
    assert_eq!(running, 1, "the job that was running when the log was copied");
}

#[test]
fn executors_lost_to_memory_kills_are_named_and_advised() {
    let a = ours("executor_lost").into_values().next().unwrap();
    let lost: Vec<&Value> = a["executors"].as_array().unwrap().iter().filter(|x| x["lost_to_memory"] == true).collect();
    let reasons: Vec<&str> = lost.iter().map(|x| x["removal_reason"].as_str().unwrap()).collect();
    assert_eq!(reasons.len(), 2, "{reasons:?}");
    assert!(reasons.iter().any(|r| r.contains("code 52")) && reasons.iter().any(|r| r.contains("code 137")), "{reasons:?}");
    // Executor 0's Python peak exists only in a stage-metrics event logged after its removal.
    assert!(lost.iter().all(|x| x["telemetry"] == "stage-metrics"));
    let advice: Vec<&Value> = a["advice"].as_array().unwrap().iter().filter(|x| x["kind"] == "memory-kills").collect();
    assert_eq!(advice.len(), 2, "one for the heap, one for the container");
    assert!(advice.iter().any(|x| x["config"].as_str().unwrap().contains("spark.executor.memory=")));
    assert!(advice.iter().any(|x| x["config"].as_str().unwrap().contains("spark.executor.memoryOverhead=")));
    assert!(advice.iter().all(|x| x["threshold"].as_str().unwrap().contains("exit")));
}

#[test]
fn missing_telemetry_is_said_never_shown_as_zero() {
    let a = ours("no_stage_metrics").into_values().next().unwrap();
    for id in ["1", "2", "driver"] {
        let x = executor(&a, id);
        assert_eq!(x["telemetry"], "none", "{id}");
        assert!(x["peak"].is_null(), "{id}: the History Server has no figure either");
    }
    let zero = executor(&a, "0");
    assert_eq!(zero["telemetry"], "none", "all-zero task metrics are not a measurement");
    assert_eq!(zero["peak"]["JVMHeapMemory"], 0, "…while `peak` still equals the History Server's zeros");
    let w = &a["warnings"];
    let about = |id: &str, kind: &str| w.as_array().unwrap().iter().any(|x| x["executor_id"] == id && x["kind"] == kind);
    assert!(about("1", "no-telemetry") && about("2", "no-telemetry") && about("0", "zero-peaks"), "{w}");
    let k = kinds(&a);
    assert!(k.contains(&"no-stage-metrics".into()) && k.contains(&"process-tree-off".into()), "{k:?}");
    assert_eq!(a["memory"]["executors_unknown"], 4);
    assert_eq!(a["memory"]["wasted_gib_hours"], 0.0, "no waste claimed from unknown use");
    assert!(a["advice"].as_array().unwrap().is_empty(), "no sizing advice without measurements");
}

#[test]
fn allocation_follows_the_resource_profile_and_overhead_rule() {
    const MIB: u64 = 1 << 20;
    let alloc = |fx: &str, id: &str| ours(fx).into_values().next().map(|a| executor(&a, id)["allocated"].clone()).unwrap();
    let o = alloc("overallocated", "0");
    assert_eq!((o["heap_bytes"].as_u64().unwrap(), o["overhead_bytes"].as_u64().unwrap()), (1500 * MIB, 512 * MIB));
    assert_eq!(o["overhead_explicit"], true);
    let p = alloc("python_udf_heavy", "1");
    assert_eq!((p["heap_bytes"].as_u64().unwrap(), p["overhead_bytes"].as_u64().unwrap(), p["pyspark_bytes"].as_u64().unwrap()), (512 * MIB, 384 * MIB, 600 * MIB));
    assert_eq!(p["total_bytes"].as_u64().unwrap(), 1496 * MIB);
    let c = alloc("cached", "0");
    assert_eq!((c["heap_bytes"].as_u64().unwrap(), c["offheap_bytes"].as_u64().unwrap(), c["overhead_bytes"].as_u64().unwrap()), (768 * MIB, 128 * MIB, 384 * MIB));
    let d = alloc("local_mode", "driver");
    assert_eq!((d["heap_bytes"].as_u64().unwrap(), d["overhead_bytes"].as_u64().unwrap()), (1024 * MIB, 384 * MIB));
}

#[test]
fn advice_names_its_rule_and_a_config_to_paste() {
    let over = ours("overallocated").into_values().next().unwrap();
    let a = over["advice"].as_array().unwrap().iter().find(|x| x["kind"] == "over-allocated").expect("over-allocated advice");
    assert_eq!(a["config"], "--conf spark.executor.memory=512m", "1500m heap peaking near 100 MB");
    assert!(a["threshold"].as_str().unwrap().contains("50%"));
    assert!(a["saves_gib_hours"].as_f64().unwrap() > 0.0 && a["observed"].as_f64().unwrap() < 0.1);

    let spill = ours("spilling").into_values().next().unwrap();
    let s = spill["advice"].as_array().unwrap().iter().find(|x| x["kind"] == "spilling").expect("spilling advice");
    assert_eq!(s["observed"].as_f64().unwrap(), 445_117_120.0, "Memory Bytes Spilled of every task");

    let py = ours("python_udf_heavy").into_values().next().unwrap();
    let p = py["advice"].as_array().unwrap().iter().find(|x| x["kind"] == "python-heavy").expect("python-heavy advice");
    assert!(p["config"].as_str().unwrap().starts_with("--conf spark.executor.pyspark.memory="), "{p}");
}

#[test]
fn structured_streaming_progress() {
    let m = manifest();
    let e = &m["fixtures"]["streaming"]["applications"][0]["streaming"];
    let a = ours("streaming").into_values().next().unwrap();
    let q = &a["streaming"][0];
    assert_eq!(q["batches"], e["progress_events"]);
    assert_eq!(q["last_batch_id"], 6);
    let rows: u64 = e["input_rows"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).sum();
    assert_eq!(q["input_rows"].as_u64().unwrap(), rows);
    assert_eq!(q["state_memory_bytes_max"], e["max_state_memory_used_bytes"]);
    let durations: Vec<u64> = e["batch_durations_ms"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).collect();
    assert_eq!(q["batch_ms_max"].as_u64().unwrap(), *durations.iter().max().unwrap());
    assert!((q["processed_rows_per_second_max"].as_f64().unwrap() - e["max_processed_rows_per_second"].as_f64().unwrap()).abs() < 0.1);
    assert_eq!(q["recent"].as_array().unwrap().len(), durations.len());
}

#[test]
fn a_directory_of_many_applications_in_mixed_forms() {
    let apps = ours("many_apps");
    assert_eq!(apps.len(), 8);
    let runs = cli_json(&["spark", &fixture("many_apps"), "--runs"]);
    assert!(runs.as_array().unwrap().iter().all(|r| r["runs"].as_u64().unwrap() >= 1));
}

#[test]
fn bad_inputs_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let not_a_log = dir.path().join("notes.txt");
    std::fs::write(&not_a_log, "just some text\n").unwrap();
    let out = cli().args(["spark", not_a_log.to_str().unwrap(), "--json"]).output().unwrap();
    assert!(!out.status.success());
    let err: Value = serde_json::from_slice(out.stderr.split(|b| *b == b'\n').find(|l| l.starts_with(b"{")).unwrap()).unwrap();
    assert_eq!(err["error"]["kind"], "Corrupt");
    assert!(err["error"]["message"].as_str().unwrap().contains("notes.txt"), "{err}");

    let missing = dir.path().join("nope");
    let out = cli().args(["spark", missing.to_str().unwrap(), "--json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(3), "NotFound");

    // One broken log among good ones: the good ones still come back.
    std::fs::copy(repo_root().join("assets/spark/logs/codecs").read_dir().unwrap().flatten().find(|e| e.file_name().to_string_lossy().ends_with(".lz4")).unwrap().path(), dir.path().join("app-1.lz4")).unwrap();
    std::fs::write(dir.path().join("app-2.snappy"), b"\x82SNAPPY\x00garbage").unwrap();
    let out = cli().args(["spark", dir.path().to_str().unwrap(), "--json"]).output().unwrap();
    assert!(out.status.success());
    let apps: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(apps.as_array().unwrap().len(), 1);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("app-2.snappy") || stderr.contains("notes.txt"), "{stderr}");
}

#[test]
fn memory_chart_renders_svg_and_png() {
    let dir = tempfile::tempdir().unwrap();
    for ext in ["svg", "png"] {
        let out = dir.path().join(format!("mem.{ext}"));
        cli_json(&["chart", "memory", &fixture("executor_lost"), "--out", out.to_str().unwrap()]);
        let bytes = std::fs::read(&out).unwrap();
        if ext == "svg" {
            let svg = String::from_utf8(bytes).unwrap();
            assert!(svg.contains("lakescope-executor_lost") && svg.contains("Python") && svg.contains("driver"));
        } else {
            assert_eq!(&bytes[1..4], b"PNG");
        }
    }
    let out = cli().args(["chart", "memory", &fixture("codecs"), "--out", "/tmp/x.svg", "--json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "several applications need --app");
}
