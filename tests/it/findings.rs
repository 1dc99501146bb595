//! `lakescope findings` on the demo lakehouse: every finding's bytes are a figure of
//! `lakescope table --json` (itself truth-tested against deltalake/pyiceberg), every rule that should
//! fire does, dollars follow the profile, and the ranking is by dollars saved per month.

use std::collections::HashMap;

use serde_json::Value;

use crate::support::{cli_json, demo, AS_OF};

const AS_OF_MS: i64 = 1_796_040_000_000; // 2026-11-30T12:00:00Z
const DAY_MS: i64 = 86_400_000;

#[test]
fn every_finding_matches_the_table_figures_and_every_due_one_is_found() {
    let d = demo();
    let s = d.sources_arg();
    let report = cli_json(&["--sources", &s, "--as-of", AS_OF, "findings", "--profile", "onprem-hdfs"]);
    assert!(report["failures"].as_array().unwrap().is_empty(), "{report}");
    let findings = report["findings"].as_array().unwrap();

    let tables = cli_json(&["--sources", &s, "tables"]);
    let mut pages: HashMap<String, Value> = HashMap::new();
    for t in tables.as_array().unwrap() {
        let name = format!("{}.{}.{}", t["source"].as_str().unwrap(), t["namespace"].as_str().unwrap(), t["name"].as_str().unwrap());
        pages.insert(name.clone(), cli_json(&["--sources", &s, "--as-of", AS_OF, "table", &name]));
    }

    // A table's orphan finding takes the orphan part of its reclaimable bytes; VACUUM / expire the rest.
    let orphan_bytes = |table: &str| -> u64 {
        findings.iter().filter(|f| f["kind"] == "orphan_files" && f["table"] == table).map(|f| f["bytes"].as_u64().unwrap()).sum()
    };
    // Each finding against its table's figures.
    for f in findings {
        let table = f["table"].as_str().unwrap();
        let page = &pages[table];
        let bytes = f["bytes"].as_u64().unwrap();
        let usd = f["usd_per_month"].as_f64().unwrap();
        let want = bytes as f64 * 3.0 / 1e12 * 20.0;
        assert!((usd - want).abs() <= 4.0 * f64::EPSILON * want, "{f}");
        let commands: Vec<&str> = f["commands"].as_array().unwrap().iter().map(|c| c.as_str().unwrap()).collect();
        match f["kind"].as_str().unwrap() {
            "vacuum_due" => {
                assert_eq!(page["format"], "delta");
                assert_eq!(bytes + orphan_bytes(table), page["storage"]["reclaimable_bytes"].as_u64().unwrap(), "{table}");
                let path = page["location"].as_str().unwrap().trim_start_matches("file://").to_string();
                assert_eq!(commands, vec![format!("VACUUM delta.`{path}`")]);
            }
            "expire_snapshots_due" => {
                assert_eq!(page["format"], "iceberg");
                assert_eq!(bytes + orphan_bytes(table), page["storage"]["reclaimable_bytes"].as_u64().unwrap(), "{table}");
                assert!(commands[0].starts_with("CALL demo.system.expire_snapshots(table => '"), "{commands:?}");
                assert_eq!(commands.len(), 1, "{commands:?}");
            }
            "orphan_files" => {
                assert!(bytes <= page["storage"]["orphan_bytes"].as_u64().unwrap(), "{table}: removable orphans are orphans");
                let first = if page["format"] == "delta" { "VACUUM delta.`" } else { "CALL demo.system.remove_orphan_files(table => '" };
                assert!(commands[0].starts_with(first), "{commands:?}");
            }
            "small_files" => {
                let c = &f["compaction"];
                let files = c["data_files"].as_u64().unwrap();
                let p = page["partitions"].as_array().unwrap().iter().find(|p| p["values"] == f["partition"]);
                let (want_files, want_bytes) = match p {
                    Some(p) => (&p["data_files"], &p["data_bytes"]),
                    None => (&page["current"]["data_files"], &page["current"]["data_bytes"]),
                };
                assert_eq!((&c["data_files"], &c["data_bytes"]), (want_files, want_bytes), "{f}");
                assert!(files >= 5 && c["files_after"].as_u64().unwrap() < files, "{f}");
                assert_eq!((bytes, usd), (0, 0.0), "compaction claims no storage dollars: {f}");
            }
            "partition_past_retention" => {
                assert!(page["namespace"].as_str().unwrap().starts_with("usr_"), "only personal schemas have a rule: {f}");
                let p = page["partitions"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|p| p["values"] == f["partition"])
                    .unwrap_or_else(|| panic!("no such partition in {table}: {f}"));
                assert_eq!(bytes, p["data_bytes"].as_u64().unwrap(), "{f}");
                assert!(p["last_modified_ms"].as_i64().unwrap() < AS_OF_MS - 7 * DAY_MS, "{f}");
                let cmd = commands[0];
                match page["format"].as_str().unwrap() {
                    "parquet" => assert!(cmd.starts_with("ALTER TABLE usr_jdoe.") && cmd.contains(" DROP PARTITION (`"), "{cmd}"),
                    _ => assert!(cmd.starts_with("DELETE FROM ") && cmd.contains(" WHERE `"), "{cmd}"),
                }
            }
            "unused_table" => {
                assert_eq!(bytes, page["storage"]["total_bytes"].as_u64().unwrap(), "{table}");
                assert!(page["current"]["timestamp_ms"].as_i64().unwrap() < AS_OF_MS - 30 * DAY_MS, "{f}");
                assert!(commands[0].starts_with("DROP TABLE "), "{commands:?}");
            }
            other => panic!("unexpected kind {other}"),
        }
    }

    // Nothing due is missed: every table with reclaimable bytes, every personal partition older than
    // 7 days, every table idle for 30 days has its finding.
    let count = |kind: &str, table: &str| findings.iter().filter(|f| f["kind"] == kind && f["table"] == table).count();
    for (name, page) in &pages {
        let reclaim_kind = if page["format"] == "delta" { "vacuum_due" } else { "expire_snapshots_due" };
        let reclaimable = page["storage"]["reclaimable_bytes"].as_u64().unwrap();
        assert_eq!(count(reclaim_kind, name), usize::from(reclaimable > orphan_bytes(name)), "{name}");
        assert!(count("orphan_files", name) <= 1, "{name}");
        if page["namespace"].as_str().unwrap().starts_with("usr_") {
            let old = page["partitions"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|p| p["last_modified_ms"].as_i64().unwrap() < AS_OF_MS - 7 * DAY_MS && p["data_bytes"].as_u64().unwrap() > 0)
                .count();
            assert_eq!(count("partition_past_retention", name), old, "{name}");
        } else {
            assert_eq!(count("partition_past_retention", name), 0, "{name}");
        }
        let idle = page["current"]["timestamp_ms"].as_i64().is_some_and(|t| t < AS_OF_MS - 30 * DAY_MS);
        assert_eq!(count("unused_table", name), usize::from(idle), "{name}");
    }
    for kind in ["vacuum_due", "expire_snapshots_due", "orphan_files", "partition_past_retention", "unused_table", "small_files"] {
        assert!(findings.iter().any(|f| f["kind"] == kind), "the demo holds a {kind} finding");
    }

    // Ranked by dollars saved per month.
    let usd: Vec<f64> = findings.iter().map(|f| f["usd_per_month"].as_f64().unwrap()).collect();
    assert!(usd.windows(2).all(|w| w[0] >= w[1]), "{usd:?}");
}

#[test]
fn a_rules_file_changes_retention_per_schema() {
    let d = demo();
    let s = d.sources_arg();
    let tmp = tempfile::tempdir().unwrap();
    let rules = tmp.path().join("rules.toml");
    // Keep jdoe's data for ten years and call nothing unused: no retention or unused findings remain.
    std::fs::write(&rules, "unused_days = 100000\n[schemas.usr_jdoe]\nretention_days = 3650\n").unwrap();
    let report = cli_json(&["--sources", &s, "--as-of", AS_OF, "findings", "--rules", rules.to_str().unwrap()]);
    let kinds: Vec<&str> = report["findings"].as_array().unwrap().iter().map(|f| f["kind"].as_str().unwrap()).collect();
    assert!(!kinds.is_empty() && kinds.iter().all(|k| k.ends_with("_due") || ["orphan_files", "small_files"].contains(k)), "{kinds:?}");
    assert_eq!(report["rules"]["schemas"]["usr_jdoe"]["retention_days"], 3650);
}
