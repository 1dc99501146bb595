//! Tutorials 4 and 5 teach from the demo lakehouse: what their steps point at must be there. Every
//! finding kind a bundled tutorial checks or highlights is among `lakescope findings --json` on the demo;
//! the partitions past retention are in personal `usr_` schemas under the 7-day rule the text states,
//! every partition of the table a learner opens that was last written before the cut-off being one; the Iceberg table behind
//! an expire-snapshots finding has old snapshots and reclaims exactly the finding's bytes plus its orphan finding's. (The figures
//! themselves are truth-tested against pyiceberg/deltalake by `findings`, `iceberg_truth`, `delta_truth`.)

use std::collections::BTreeSet;

use serde_json::Value;

use crate::support::{cli_json, demo, AS_OF};

const AS_OF_MS: i64 = 1_796_040_000_000; // 2026-11-30T12:00:00Z
const DAY_MS: i64 = 86_400_000;

/// Finding kinds a tutorial names: in `command_copied`/`finding_opened` checks and `data-kind` targets.
fn kinds_named(tutorials: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for e in tutorials["entries"].as_array().unwrap() {
        for step in e["tutorial"]["steps"].as_array().unwrap() {
            if let Some(k) = step["check"]["finding"].as_str() {
                out.insert(k.to_string());
            }
            let target = step["target"].as_str().unwrap();
            if let Some(rest) = target.split("data-kind=\"").nth(1) {
                out.insert(rest.split('"').next().unwrap().to_string());
            }
        }
    }
    out
}

#[test]
fn the_findings_tutorials_4_and_5_walk_through_are_on_the_demo() {
    let d = demo();
    let s = d.sources_arg();
    let store = std::env::temp_dir().join(format!("lakescope-tutorial-facts-{}.db", std::process::id()));
    let tutorials = cli_json(&["--store", store.to_str().unwrap(), "tutorials"]);
    let _ = std::fs::remove_file(&store);
    let named = kinds_named(&tutorials);
    assert_eq!(
        named.iter().map(String::as_str).collect::<Vec<_>>(),
        ["expire_snapshots_due", "partition_past_retention", "vacuum_due"],
        "the finding kinds the bundled tutorials name"
    );

    let report = cli_json(&["--sources", &s, "--as-of", AS_OF, "findings"]);
    let findings = report["findings"].as_array().unwrap();
    let of = |k: &str| findings.iter().filter(|f| f["kind"] == k).collect::<Vec<_>>();
    for k in &named {
        assert!(!of(k).is_empty(), "tutorials point at {k} findings, and the demo has none");
    }

    // Tutorial 4: personal schemas, 7 days, and the first finding's table has partitions both sides.
    let parts = of("partition_past_retention");
    for f in &parts {
        let schema = f["table"].as_str().unwrap().split('.').nth(1).unwrap();
        assert!(schema.starts_with("usr_"), "{f}");
        assert!(f["reason"].as_str().unwrap().starts_with(&format!("schema {schema} keeps data 7 days")), "{f}");
        let cmd = f["commands"][0].as_str().unwrap();
        assert!(cmd.contains(" DROP PARTITION (") || cmd.starts_with("DELETE FROM "), "{cmd}");
    }
    let table = parts[0]["table"].as_str().unwrap();
    let info = cli_json(&["--sources", &s, "--as-of", AS_OF, "table", table]);
    let cutoff = AS_OF_MS - 7 * DAY_MS;
    let modified: Vec<i64> = info["partitions"].as_array().unwrap().iter().filter_map(|p| p["last_modified_ms"].as_i64()).collect();
    assert!(modified.iter().any(|&m| m < cutoff), "{table}: {modified:?}");
    let flagged = parts.iter().filter(|f| f["table"] == table).count();
    assert_eq!(flagged, modified.iter().filter(|&&m| m < cutoff).count(), "{table}: every partition past 7 days is a finding");

    // Tutorial 5: the Iceberg table behind the first expire finding, and the Delta VACUUM statements.
    let expire = of("expire_snapshots_due");
    let table = expire[0]["table"].as_str().unwrap();
    assert_eq!(expire[0]["format"], "iceberg");
    let info = cli_json(&["--sources", &s, "--as-of", AS_OF, "table", table]);
    let orphans: u64 = of("orphan_files").iter().filter(|f| f["table"] == table).map(|f| f["bytes"].as_u64().unwrap()).sum();
    assert_eq!(info["storage"]["reclaimable_bytes"].as_u64().unwrap(), expire[0]["bytes"].as_u64().unwrap() + orphans, "{table}: the expire and orphan findings split it");
    let history = cli_json(&["--sources", &s, "--as-of", AS_OF, "history", table]);
    assert!(history.as_array().unwrap().len() > 1, "{table} has snapshots to expire");
    for f in of("vacuum_due") {
        assert_eq!(f["format"], "delta");
        assert!(f["commands"][0].as_str().unwrap().starts_with("VACUUM delta.`"), "{f}");
    }
}
