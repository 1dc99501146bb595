//! The lookup index of a Hive Metastore source, built from the metastore alone, on the real PostgreSQL
//! and MariaDB servers: the demo registered as Hive, Iceberg's HiveCatalog and Spark register tables
//! (tests/py/hms_load.py says what it inserted). The index holds every table the metastore registers;
//! owners are TBLS.OWNER; a Hive table's sizes, rows, files and freshness are its TABLE_PARAMS (summed
//! PARTITION_PARAMS when partitioned), as `DESCRIBE FORMATTED` reports them; Iceberg and Delta tables,
//! whose metastore rows carry no statistics, equal `lakescope table`. A second refresh reads nothing;
//! a changed partition statistic re-indexes exactly that table; a renamed table is one removal and one
//! addition; a cancelled refresh writes nothing.

use std::collections::BTreeMap;

use serde_json::Value;
use sqlx::Connection;

use crate::hms::{damage, fresh_metastore, server, sources_file, Flavour};
use crate::support::{cli_json, demo, py_json};

fn n(v: &Value) -> u64 {
    v.as_u64().unwrap_or_else(|| panic!("{v} is not a count"))
}

fn int(v: &Value) -> u64 {
    v.as_str().unwrap().parse().unwrap()
}

/// `TBLS` joined to `DBS` as the server holds it: `namespace.name → owner`.
async fn registered(f: Flavour, url: &str) -> BTreeMap<String, Option<String>> {
    let rows: Vec<(String, String, Option<String>)> = match f {
        Flavour::Postgres => {
            let sql = r#"SELECT d."NAME"::text, t."TBL_NAME"::text, t."OWNER"::text FROM "TBLS" t JOIN "DBS" d ON d."DB_ID" = t."DB_ID""#;
            let mut c = sqlx::PgConnection::connect(url).await.unwrap();
            sqlx::query_as(sql).fetch_all(&mut c).await.unwrap()
        }
        Flavour::MySql => {
            let sql = "SELECT CAST(d.`NAME` AS CHAR), CAST(t.`TBL_NAME` AS CHAR), CAST(t.`OWNER` AS CHAR) \
                       FROM `TBLS` t JOIN `DBS` d ON d.`DB_ID` = t.`DB_ID`";
            let mut c = sqlx::MySqlConnection::connect(url).await.unwrap();
            sqlx::query_as(sql).fetch_all(&mut c).await.unwrap()
        }
    };
    rows.into_iter().map(|(ns, name, owner)| (format!("{ns}.{name}"), owner)).collect()
}

fn index(src: &str, store: &str) -> Value {
    cli_json(&["--sources", src, "--store", store, "index"])
}

fn all(src: &str, store: &str) -> BTreeMap<String, Value> {
    let hits = cli_json(&["--sources", src, "--store", store, "search", "", "--limit", "1000"]);
    hits.as_array()
        .unwrap()
        .iter()
        .map(|h| (format!("{}.{}", h["namespace"].as_str().unwrap(), h["name"].as_str().unwrap()), h.clone()))
        .collect()
}

/// Hive's statistic `key` of a registered table: summed over its partitions, else the table's own.
fn hive_stat(t: &Value, key: &str) -> u64 {
    let parts = t["partitions"].as_array().unwrap();
    if parts.is_empty() { int(&t["params"][key]) } else { parts.iter().map(|p| int(&p["params"][key])).sum() }
}

fn freshness_ms(t: &Value) -> u64 {
    let own = int(&t["params"]["transient_lastDdlTime"]);
    let parts = t["partitions"].as_array().unwrap().iter().map(|p| int(&p["params"]["transient_lastDdlTime"]));
    parts.chain([own]).max().unwrap() * 1000
}

fn index_is_the_metastore(f: Flavour, db: &str) {
    let Some(admin) = server(f) else { return };
    let d = demo();
    let loaded = py_json("hms_load.py", &[d.dir.to_str().unwrap()]);
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let url = rt.block_on(fresh_metastore(f, &admin, db, loaded["sql"][f.key()].as_str().unwrap()));
    let tmp = tempfile::tempdir().unwrap();
    let src = sources_file(tmp.path(), &url);
    let store = tmp.path().join("store.db").display().to_string();

    // Cancelled before it starts: an error of kind Cancelled, and nothing written.
    let ls = lakescope::Lakescope::new(lakescope::sources::SourcesFile::load(std::path::Path::new(&src)).unwrap().sources, None);
    let s = rt.block_on(lakescope::store::Store::open(Some(&store))).unwrap();
    let cancel = lakescope::cancel::CancelToken::new();
    cancel.cancel();
    let e = rt.block_on(ls.refresh_index(&s, &cancel, &|_| {})).unwrap_err();
    assert_eq!(e.kind, lakescope::ErrorKind::Cancelled, "{}", e.message);
    assert!(rt.block_on(s.lookup_tables()).unwrap().is_empty(), "a cancelled refresh writes no row");
    rt.block_on(s.close());

    let r = index(&src, &store);
    let metastore = rt.block_on(registered(f, &url));
    assert_eq!(metastore.len(), 10);
    assert_eq!((n(&r["tables_listed"]), n(&r["indexed"]), n(&r["failed"])), (10, 10, 0), "{r}");
    let indexed = all(&src, &store);
    assert_eq!(indexed.keys().collect::<Vec<_>>(), metastore.keys().collect::<Vec<_>>(), "index vs TBLS");
    for (name, owner) in &metastore {
        assert_eq!(indexed[name]["owner"].as_str(), owner.as_deref(), "{name}: owner vs TBLS.OWNER");
    }
    let mut hive_tables = 0;
    for t in loaded["tables"].as_array().unwrap() {
        let name = format!("{}.{}", t["namespace"].as_str().unwrap(), t["name"].as_str().unwrap());
        let hit = &indexed[&name];
        assert_eq!(hit["format"], t["format"], "{name}");
        assert_eq!(hit["location"], t["location"], "{name}");
        if t["format"] == "parquet" {
            hive_tables += 1;
            assert_eq!(n(&hit["data_bytes"]), hive_stat(t, "totalSize"), "{name}: bytes vs totalSize");
            assert_eq!(n(&hit["total_bytes"]), hive_stat(t, "totalSize"), "{name}");
            assert_eq!(n(&hit["records"]), hive_stat(t, "numRows"), "{name}: records vs numRows");
            assert_eq!(n(&hit["last_modified_ms"]), freshness_ms(t), "{name}: transient_lastDdlTime");
        } else if f == Flavour::Postgres {
            // No statistics in the metastore: read from the table's own metadata (the same code after
            // the metastore is read, so one server suffices; each `table` call reads a whole table).
            let table = cli_json(&["--sources", &src, "table", &format!("hms.{name}")]);
            assert_eq!(hit["data_bytes"], table["current"]["data_bytes"], "{name}");
            assert_eq!(hit["records"], table["current"]["records"], "{name}");
        }
    }
    assert_eq!(hive_tables, 2, "the demo registers two Hive tables with statistics");
    // Partition keys are searchable columns; Hive tables' columns come from COLUMNS_V2.
    let hits = cli_json(&["--sources", &src, "--store", &store, "search", "dt", "--format", "parquet", "--limit", "50"]);
    assert!(hits.as_array().unwrap().iter().any(|h| h["matched"] == "column" && h["matched_text"] == "dt"), "{hits}");

    // Nothing changed: nothing re-read.
    let again = index(&src, &store);
    assert_eq!((n(&again["indexed"]), n(&again["unchanged"])), (0, 10), "{again}");

    // Hive updates a partition's statistics (an INSERT into it): only that table is re-indexed.
    let partitioned = loaded["tables"].as_array().unwrap().iter().find(|t| !t["partitions"].as_array().unwrap().is_empty()).unwrap();
    let pname = format!("{}.{}", partitioned["namespace"].as_str().unwrap(), partitioned["name"].as_str().unwrap());
    let first = &partitioned["partitions"][0];
    let grown = int(&first["params"]["totalSize"]) + 4096;
    let part_id = format!(
        r#"(SELECT p."PART_ID" FROM "PARTITIONS" p JOIN "TBLS" t ON t."TBL_ID" = p."TBL_ID" WHERE t."TBL_NAME" = '{}' AND p."PART_NAME" = '{}')"#,
        partitioned["name"].as_str().unwrap(),
        first["name"].as_str().unwrap()
    );
    rt.block_on(damage(
        f,
        &url,
        &format!(
            r#"UPDATE "PARTITION_PARAMS" SET "PARAM_VALUE" = '{grown}' WHERE "PARAM_KEY" = 'totalSize' AND "PART_ID" = {part_id};
UPDATE "TBLS" SET "TBL_NAME" = 'usr_renamed' WHERE "TBL_NAME" = 'usr_jdoe_churn_features';"#
        ),
    ));
    let metastore = rt.block_on(registered(f, &url));
    let renamed = metastore.keys().find(|k| k.ends_with(".usr_renamed")).expect("one table renamed").clone();
    let r = index(&src, &store);
    let mut reread: Vec<String> = r["reread"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect();
    reread.sort();
    assert_eq!(reread, [format!("hms.{pname}"), format!("hms.{renamed}")], "{r}");
    assert_eq!((n(&r["indexed"]), n(&r["unchanged"]), n(&r["removed"])), (2, 8, 1), "{r}");
    let after = all(&src, &store);
    assert_eq!(after.keys().collect::<Vec<_>>(), metastore.keys().collect::<Vec<_>>());
    assert_eq!(n(&after[&pname]["data_bytes"]), hive_stat(partitioned, "totalSize") + 4096, "{pname}: the new totalSize");

    // Statistics Hive could not count (-1) or that are not a 64-bit number: the server-side parse turns
    // them into "unknown" (no record count) without failing the metastore's query.
    let part_where = format!(r#""PART_ID" = {part_id}"#);
    rt.block_on(damage(
        f,
        &url,
        &format!(
            r#"UPDATE "PARTITION_PARAMS" SET "PARAM_VALUE" = '-1' WHERE "PARAM_KEY" = 'numRows' AND {part_where};
UPDATE "PARTITION_PARAMS" SET "PARAM_VALUE" = '12345678901234567890' WHERE "PARAM_KEY" = 'numFiles' AND {part_where};"#
        ),
    ));
    let r = index(&src, &store);
    assert_eq!((n(&r["indexed"]), n(&r["failed"])), (1, 0), "{r}");
    let after = all(&src, &store);
    assert!(after[&pname]["records"].is_null(), "{pname}: a partition's numRows of -1 makes the count unknown");
    assert_eq!(n(&after[&pname]["data_bytes"]), hive_stat(partitioned, "totalSize") + 4096, "{pname}: bytes still summed");

    // Counted again, then a value a cast to BIGINT would take but the strict reading does not ("+7"):
    // the count is unknown again, as it is for every spelling that is not plain digits.
    let counted = hive_stat(partitioned, "numRows") - int(&first["params"]["numRows"]) + 7;
    for (value, records) in [("7", Some(counted)), ("+7", None)] {
        let sql = format!(
            r#"UPDATE "PARTITION_PARAMS" SET "PARAM_VALUE" = '{value}' WHERE "PARAM_KEY" = 'numRows' AND {part_where};
UPDATE "PARTITION_PARAMS" SET "PARAM_VALUE" = '3' WHERE "PARAM_KEY" = 'numFiles' AND {part_where};"#
        );
        rt.block_on(damage(f, &url, &sql));
        let r = index(&src, &store);
        assert_eq!((n(&r["indexed"]), n(&r["failed"])), (1, 0), "{value}: {r}");
        assert_eq!(all(&src, &store)[&pname]["records"].as_u64(), records, "{pname}: a partition's numRows of {value:?}");
    }
}

#[test]
fn postgres_metastore_index_equals_the_metastore_rows() {
    index_is_the_metastore(Flavour::Postgres, "lakescope_scale_index");
}

#[test]
fn mariadb_metastore_index_equals_the_metastore_rows() {
    index_is_the_metastore(Flavour::MySql, "lakescope_scale_index");
}

/// `lakescope bench index` at a small size runs the same code as at 100k tables: the generated
/// metastore is indexed whole (the bench itself fails when the index and the server's counts differ),
/// and the indexed bytes equal the generator's statistics, summed here independently.
#[test]
fn bench_index_small_indexes_every_generated_table() {
    let Some(admin) = server(Flavour::Postgres) else { return };
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().display().to_string();
    let args = ["bench", "index", "--pg", &admin, "--database", "lakescope_scale_bench_it", "--tables", "200"];
    let r = cli_json(&[&args[..], &["--partitions", "1000", "--runs", "1", "--dir", &dir]].concat());
    assert_eq!((n(&r["tables"]), n(&r["partitions"]), n(&r["columns"])), (200, 1000, 2000), "{r}");
    assert_eq!(n(&r["tables_in_index"]), 200, "{r}");
    // Odd tables carry totalSize = 4096 × id; partition p of the even ones (p × 131) mod 10^8.
    let table_bytes: u64 = (1..=200u64).filter(|i| i % 2 == 1).map(|i| i * 4096).sum();
    let part_bytes: u64 = (1..=1000u64).map(|p| p * 131 % 100_000_000).sum();
    assert_eq!(n(&r["indexed_bytes"]), table_bytes + part_bytes, "{r}");
    let search = r["search"].as_array().unwrap();
    assert_eq!(search.len(), 2, "ours and the metastore's ILIKE: {r}");
    assert!(search.iter().all(|l| n(&l["queries"]) > 40), "{r}");
    assert!(r["index"]["ratio"].as_f64().unwrap() > 0.0, "{r}");
}
