//! Personal schemas of departed owners: with an active-users file that leaves jdoe out, every table of
//! every `usr_jdoe` schema is a finding whose bytes are everything under its location — checked against
//! an independent walk of the directories in Python — with the DROP statements to copy; with jdoe listed
//! there are none, and a malformed file is refused naming its line.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use crate::support::{cli, cli_json, demo, py_json, AS_OF};

#[test]
fn every_table_of_a_departed_owners_schema_is_found_with_its_bytes_on_disk() {
    let d = demo();
    let s = d.sources_arg();
    let tmp = tempfile::tempdir().unwrap();
    let users = tmp.path().join("active.csv");
    std::fs::write(&users, "user,team\n# exported from HR\nalice,data\nBob,platform\n").unwrap();
    let report = cli_json(&["--sources", &s, "--as-of", AS_OF, "findings", "--active-users", users.to_str().unwrap()]);
    let departed: Vec<&Value> = report["findings"].as_array().unwrap().iter().filter(|f| f["kind"] == "departed_owner").collect();

    let tables = cli_json(&["--sources", &s, "tables"]);
    let personal: BTreeMap<String, &Value> = tables
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["namespace"].as_str().unwrap().starts_with("usr_"))
        .map(|t| (format!("{}.{}.{}", t["source"].as_str().unwrap(), t["namespace"].as_str().unwrap(), t["name"].as_str().unwrap()), t))
        .collect();
    assert!(personal.len() >= 3, "the demo has personal tables in each format: {personal:?}");
    let found: Vec<&str> = departed.iter().map(|f| f["table"].as_str().unwrap()).collect();
    let mut sorted = found.clone();
    sorted.sort();
    assert_eq!(sorted, personal.keys().map(String::as_str).collect::<Vec<_>>());

    let dirs: Vec<String> =
        personal.values().map(|t| t["location"].as_str().unwrap().trim_start_matches("file://").to_string()).collect();
    let args: Vec<&str> = dirs.iter().map(String::as_str).collect();
    let on_disk = py_json("dir_bytes.py", &args);
    for f in &departed {
        let t = personal[f["table"].as_str().unwrap()];
        let dir = t["location"].as_str().unwrap().trim_start_matches("file://");
        assert!(Path::new(dir).is_dir(), "{dir}");
        assert_eq!(f["bytes"], on_disk[dir], "{f}");
        let ns = t["namespace"].as_str().unwrap();
        let commands: Vec<&str> = f["commands"].as_array().unwrap().iter().map(|c| c.as_str().unwrap()).collect();
        let (drop_table, drop_schema) = match t["format"].as_str().unwrap() {
            "iceberg" => (format!("DROP TABLE demo.{ns}.{} PURGE", t["name"].as_str().unwrap()), format!("DROP SCHEMA IF EXISTS demo.{ns}")),
            _ => (format!("DROP TABLE {ns}.{}", t["name"].as_str().unwrap()), format!("DROP SCHEMA IF EXISTS {ns}")),
        };
        assert_eq!(commands, vec![drop_table.as_str(), drop_schema.as_str()], "{f}");
        assert!(f["reason"].as_str().unwrap().contains("jdoe"), "{f}");
    }
    let usd: Vec<f64> = report["findings"].as_array().unwrap().iter().map(|f| f["usd_per_month"].as_f64().unwrap()).collect();
    assert!(usd.windows(2).all(|w| w[0] >= w[1]), "ranked with the other findings by $: {usd:?}");

    // jdoe still here: no departed-owner finding.
    std::fs::write(&users, "jdoe\nalice\n").unwrap();
    let report = cli_json(&["--sources", &s, "--as-of", AS_OF, "findings", "--active-users", users.to_str().unwrap()]);
    assert!(report["findings"].as_array().unwrap().iter().all(|f| f["kind"] != "departed_owner"));

    // A malformed list is refused, naming the file and line.
    std::fs::write(&users, "user\njohn doe\n").unwrap();
    let r = cli().args(["--sources", &s, "--json", "findings", "--active-users", users.to_str().unwrap()]).output().unwrap();
    assert_eq!(r.status.code(), Some(2));
    let err: Value = serde_json::from_slice(&r.stderr).unwrap();
    let msg = err["error"]["message"].as_str().unwrap();
    assert!(msg.contains("active.csv line 2") && msg.contains("john doe"), "{msg}");
}
