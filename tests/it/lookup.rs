//! `lakescope index` and `lakescope search` on the demo lakehouse: the index holds exactly the tables
//! `lakescope tables` lists, with the sizes `lakescope table` reports; search finds tables by name,
//! column, comment and owner, with filters; a refresh re-reads only the table a real writer (deltalake)
//! appended to, drops a deleted one, and records a broken one while indexing the rest. With a test
//! PostgreSQL, the same holds for the demo registered in a Hive Metastore.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value;

use crate::support::{cli, cli_json, demo, py_json};

fn run(sources: &str, store: &str, rest: &[&str]) -> Value {
    let mut args = vec!["--sources", sources, "--store", store];
    args.extend_from_slice(rest);
    cli_json(&args)
}

fn names(hits: &Value) -> Vec<String> {
    hits.as_array().unwrap().iter().map(|h| format!("{}.{}.{}", h["source"].as_str().unwrap(), h["namespace"].as_str().unwrap(), h["name"].as_str().unwrap())).collect()
}

fn n(v: &Value) -> u64 {
    v.as_u64().unwrap_or_else(|| panic!("{v} is not a count"))
}

/// Index `sources` into a fresh store, and check every row against `tables` and `table`.
fn index_matches_tables_and_table(sources: &str, store: &str) -> BTreeMap<String, Value> {
    let report = run(sources, store, &["index"]);
    let listed = cli_json(&["--sources", sources, "tables"]);
    let listed: BTreeSet<String> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|t| format!("{}.{}.{}", t["source"].as_str().unwrap(), t["namespace"].as_str().unwrap(), t["name"].as_str().unwrap()))
        .collect();
    assert_eq!(n(&report["tables_listed"]), listed.len() as u64, "{report}");
    assert_eq!(n(&report["indexed"]), listed.len() as u64, "a fresh store reads every table: {report}");
    assert_eq!((n(&report["unchanged"]), n(&report["failed"]), n(&report["removed"])), (0, 0, 0), "{report}");

    // Everything, unfiltered and unranked: an empty query lists the index.
    let all = run(sources, store, &["search", "", "--limit", "1000"]);
    let indexed: BTreeMap<String, Value> = names(&all).into_iter().zip(all.as_array().unwrap().iter().cloned()).collect();
    assert_eq!(indexed.keys().cloned().collect::<BTreeSet<_>>(), listed, "index vs `lakescope tables`");
    for (name, hit) in &indexed {
        let t = cli_json(&["--sources", sources, "table", name]);
        assert_eq!(hit["format"], t["format"], "{name}");
        assert_eq!(hit["location"], t["location"], "{name}");
        assert_eq!(hit["data_bytes"], t["current"]["data_bytes"], "{name}: data bytes vs `lakescope table`");
        assert_eq!(hit["records"], t["current"]["records"], "{name}: records");
        assert_eq!(hit["total_bytes"], t["storage"]["total_bytes"], "{name}: bytes under the location");
        assert_eq!(hit["last_modified_ms"], t["current"]["timestamp_ms"], "{name}: freshness");
        if !t["owner"].is_null() {
            // A metastore table's owner comes from the metastore when its files record none.
            assert_eq!(hit["owner"], t["owner"], "{name}: owner");
        }
    }
    // Indexing again reads nothing.
    let again = run(sources, store, &["index"]);
    assert_eq!((n(&again["indexed"]), n(&again["unchanged"])), (0, listed.len() as u64), "{again}");
    indexed
}

#[test]
fn index_equals_tables_and_search_finds_by_name_column_comment_owner() {
    let d = demo();
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store.db").display().to_string();
    let src = d.sources_arg();
    let indexed = index_matches_tables_and_table(&src, &store);
    assert_eq!(indexed.len(), 10, "the demo's ten tables");

    let search = |args: &[&str]| {
        let mut a = vec!["search"];
        a.extend_from_slice(args);
        run(&src, &store, &a)
    };
    // By name, with a typo.
    assert_eq!(names(&search(&["ods_orders"]))[0], "demo.ods.ods_orders");
    assert_eq!(names(&search(&["ordres"]))[0], "demo.ods.ods_orders");
    // By a column only one table has.
    let hits = search(&["order_ts"]);
    assert_eq!(names(&hits)[0], "demo.ods.ods_orders");
    assert_eq!((hits[0]["matched"].as_str(), hits[0]["matched_text"].as_str()), (Some("column"), Some("order_ts")));
    // By a word of a comment.
    let hits = search(&["web shop"]);
    assert_eq!(names(&hits), ["demo.ods.ods_orders"]);
    assert_eq!(hits[0]["matched"], "comment");
    // By owner, and with an owner filter.
    let hits = search(&["finance-analytics"]);
    assert!(names(&hits).contains(&"delta.mart.mart_customer_ltv".to_string()), "{hits}");
    assert!(hits.as_array().unwrap().iter().all(|h| h["matched"] == "owner" || h["matched"] == "name"), "{hits}");
    let owned = search(&["", "--owner", "FINANCE-ANALYTICS"]);
    assert!(!owned.as_array().unwrap().is_empty());
    assert!(owned.as_array().unwrap().iter().all(|h| h["owner"] == "finance-analytics"), "{owned}");
    // Filters: format, layer, source.
    assert_eq!(names(&search(&["customer", "--format", "delta", "--layer", "mart"])), ["delta.mart.mart_customer_ltv"]);
    let personal = names(&search(&["", "--layer", "personal"]));
    assert_eq!(personal.len(), 3, "{personal:?}");
    assert!(personal.iter().all(|p| p.contains(".usr_jdoe.")), "{personal:?}");
    assert!(names(&search(&["", "--source", "hive"])).iter().all(|p| p.starts_with("hive.")));
    assert!(search(&["", "--format", "hive"]).as_array().unwrap().is_empty(), "no metastore source in the plain demo");
    // Bad filters are input errors that name the value.
    let out = cli().args(["--sources", &src, "--store", &store, "search", "x", "--format", "csv", "--json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("csv"));
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

#[test]
fn refresh_rereads_only_what_changed_and_records_broken_tables() {
    let d = demo();
    let tmp = tempfile::tempdir().unwrap();
    let lake = tmp.path().join("delta");
    copy_dir(&d.dir.join("delta"), &lake);
    let hive = tmp.path().join("hive");
    copy_dir(&d.dir.join("hive"), &hive);
    let sources = tmp.path().join("sources.toml");
    let url = |p: &Path| url_of(p);
    std::fs::write(
        &sources,
        format!(
            "[[source]]\nname = 'delta'\nkind = 'delta'\nlocation = '{}'\n\n[[source]]\nname = 'hive'\nkind = 'storage'\nlocation = '{}'\n",
            url(&lake),
            url(&hive)
        ),
    )
    .unwrap();
    let src = sources.display().to_string();
    let store = tmp.path().join("store.db").display().to_string();
    let first = index_matches_tables_and_table(&src, &store);
    assert_eq!(first.len(), 6);

    // A real writer appends to one Delta table: only that one is read again, with its new numbers.
    let ltv = lake.join("mart/mart_customer_ltv");
    let appended = py_json("lookup_append.py", &[ltv.to_str().unwrap()]);
    let r = run(&src, &store, &["index"]);
    assert_eq!(r["reread"], serde_json::json!(["delta.mart.mart_customer_ltv"]), "{r}");
    assert_eq!((n(&r["indexed"]), n(&r["unchanged"]), n(&r["failed"])), (1, 5, 0), "{r}");
    let hit = &run(&src, &store, &["search", "mart_customer_ltv", "--limit", "1"])[0];
    assert_eq!(hit["records"], appended["records"], "records after the append, as deltalake counts them");
    let t = cli_json(&["--sources", &src, "table", "delta.mart.mart_customer_ltv"]);
    assert_eq!(hit["data_bytes"], t["current"]["data_bytes"]);
    assert_ne!(hit["data_bytes"], first["delta.mart.mart_customer_ltv"]["data_bytes"], "the append added a file");

    // A new Parquet file in a Hive-style table changes its fingerprint too.
    let logs = hive.join("ods.db/ods_web_logs");
    let part = std::fs::read_dir(&logs).unwrap().map(|e| e.unwrap().path()).find(|p| p.is_dir()).unwrap();
    let file = std::fs::read_dir(&part).unwrap().map(|e| e.unwrap().path()).find(|p| p.extension().is_some_and(|x| x == "parquet")).unwrap();
    std::fs::copy(&file, part.join("part-extra.parquet")).unwrap();
    // A broken Delta table (its only commit is not JSON) and a deleted one.
    let broken = lake.join("ods/ods_broken/_delta_log");
    std::fs::create_dir_all(&broken).unwrap();
    std::fs::write(broken.join("00000000000000000000.json"), "this is not a delta commit\n").unwrap();
    std::fs::remove_dir_all(lake.join("usr_jdoe/usr_jdoe_ab_test")).unwrap();

    let r = run(&src, &store, &["index"]);
    assert_eq!(r["reread"], serde_json::json!(["hive.ods.ods_web_logs"]), "{r}");
    assert_eq!((n(&r["indexed"]), n(&r["unchanged"]), n(&r["removed"]), n(&r["failed"])), (1, 4, 1, 1), "{r}");
    assert_eq!(n(&r["tables_in_index"]), 5);
    let errors = r["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{r}");
    assert_eq!((errors[0]["source"].as_str(), errors[0]["target"].as_str()), (Some("delta"), Some("delta.ods.ods_broken")));
    assert!(errors[0]["error"]["message"].as_str().unwrap().contains("ods_broken"), "{r}");
    let all = names(&run(&src, &store, &["search", "", "--limit", "100"]));
    assert!(!all.iter().any(|t| t.contains("ods_broken") || t.contains("usr_jdoe_ab_test")), "{all:?}");

    // A source that cannot be listed keeps what it had indexed and says why.
    std::fs::write(
        &sources,
        format!(
            "[[source]]\nname = 'delta'\nkind = 'delta'\nlocation = '{}'\n\n[[source]]\nname = 'hive'\nkind = 'storage'\nlocation = '{}'\n",
            url(&lake),
            url(&tmp.path().join("nowhere"))
        ),
    )
    .unwrap();
    let r = run(&src, &store, &["index"]);
    assert_eq!(n(&r["tables_in_index"]), 5, "{r}");
    assert!(r["errors"].as_array().unwrap().iter().any(|e| e["target"] == "source hive"), "{r}");
}

fn url_of(p: &Path) -> String {
    format!("file://{}", p.display())
}

/// The demo registered in a Hive Metastore on the test PostgreSQL: indexed like the other sources,
/// owners and comments from the metastore, and `--format hive` finds them.
#[test]
fn metastore_tables_are_indexed_with_their_owners() {
    let Some(admin) = crate::hms::server(crate::hms::Flavour::Postgres) else { return };
    let d = demo();
    let loaded = py_json("hms_load.py", &[d.dir.to_str().unwrap()]);
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let url = rt.block_on(crate::hms::fresh_metastore(
        crate::hms::Flavour::Postgres,
        &admin,
        "lakescope_lookup_hms",
        loaded["sql"]["postgres"].as_str().unwrap(),
    ));
    let tmp = tempfile::tempdir().unwrap();
    let src = crate::hms::sources_file(tmp.path(), &url);
    let store = tmp.path().join("store.db").display().to_string();
    let indexed = index_matches_tables_and_table(&src, &store);
    assert_eq!(indexed.len(), 10);
    for t in loaded["tables"].as_array().unwrap() {
        let name = format!("hms.{}.{}", t["namespace"].as_str().unwrap(), t["name"].as_str().unwrap());
        let hit = &indexed[&name];
        if !t["owner"].is_null() && hit["owner"].is_null() {
            panic!("{name}: the metastore's owner {} is not in the index", t["owner"]);
        }
    }
    let hive = run(&src, &store, &["search", "", "--format", "hive", "--limit", "100"]);
    assert_eq!(hive.as_array().unwrap().len(), 10, "every table of a metastore source is a hive table");
}
