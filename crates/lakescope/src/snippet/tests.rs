use std::collections::BTreeMap;

use super::*;
use crate::model::{Column, CurrentVersion, StorageBreakdown};

fn col(name: &str, t: &str, nullable: bool, comment: Option<&str>) -> Column {
    Column { name: name.into(), data_type: t.into(), nullable, comment: comment.map(str::to_string) }
}

fn info(format: TableFormat, schema: Vec<Column>, parts: &[&str]) -> TableInfo {
    TableInfo {
        name: "orders".into(),
        format,
        location: "s3://lake/ods/orders".into(),
        schema,
        partition_columns: parts.iter().map(|s| s.to_string()).collect(),
        current: CurrentVersion { version: None, version_id: None, timestamp_ms: None, records: None, data_files: 0, data_bytes: 0 },
        storage: StorageBreakdown::default(),
        orphans: Default::default(),
        partitions: Vec::new(),
        source: Some("lake".into()),
        namespace: Some("ods".into()),
        owner: None,
        comment: None,
        properties: BTreeMap::new(),
        warnings: Vec::new(),
    }
}

#[test]
fn delta_ddl_has_partitions_comments_location_and_properties() {
    let mut t = info(
        TableFormat::Delta,
        vec![
            col("id", "long", false, Some("the key")),
            col("amount", "decimal(12,2)", true, None),
            col("paid at", "timestamp", true, None),
            col("day", "date", true, None),
        ],
        &["day"],
    );
    t.owner = Some("payments-team".into());
    t.comment = Some("Payments by day".into());
    t.properties = BTreeMap::from([
        ("delta.checkpointInterval".to_string(), "10".to_string()),
        ("owner".to_string(), "payments-team".to_string()),
    ]);
    let sql = table_sql(&t);
    assert_eq!(sql.dialect, "Spark SQL");
    assert_eq!(
        sql.ddl.as_deref().unwrap(),
        "-- owner: payments-team\n\
         CREATE TABLE ods.orders (\n  id BIGINT NOT NULL COMMENT 'the key',\n  amount DECIMAL(12,2),\n  `paid at` TIMESTAMP,\n  day DATE\n)\n\
         USING delta\nPARTITIONED BY (day)\nCOMMENT 'Payments by day'\nLOCATION 's3://lake/ods/orders'\n\
         TBLPROPERTIES (\n  'delta.checkpointInterval' = '10'\n);"
    );
    assert_eq!(sql.select, "SELECT id, amount, `paid at`, day\nFROM ods.orders\nLIMIT 100;");
}

#[test]
fn nested_iceberg_types_become_spark_types() {
    let t = info(
        TableFormat::Iceberg,
        vec![
            col("tags", "list<string>", true, None),
            col("attrs", "map<string, struct<x: int, y: decimal(9, 3)>>", true, None),
            col("at", "timestamp", true, None),
            col("at_tz", "timestamptz", true, None),
            col("raw", "fixed[16]", true, None),
        ],
        &[],
    );
    let ddl = table_sql(&t).ddl.unwrap();
    assert!(ddl.starts_with("CREATE TABLE lake.ods.orders (\n  tags ARRAY<STRING>,\n  attrs MAP<STRING, STRUCT<x: INT, y: DECIMAL(9,3)>>,\n  at TIMESTAMP_NTZ,\n  at_tz TIMESTAMP,\n  raw BINARY\n)\nUSING iceberg\n"), "{ddl}");
    assert_eq!(spark_type("struct<a:int,b:array<long>>", TableFormat::Delta).as_deref(), Some("STRUCT<a: INT, b: ARRAY<BIGINT>>"));
    assert_eq!(spark_type("Timestamp(µs, \"UTC\")", TableFormat::Parquet).as_deref(), Some("TIMESTAMP"));
    assert_eq!(spark_type("Timestamp(µs)", TableFormat::Parquet).as_deref(), Some("TIMESTAMP_NTZ"));
    assert_eq!(spark_type("Decimal128(38, 10)", TableFormat::Parquet).as_deref(), Some("DECIMAL(38,10)"));
    assert_eq!(spark_type("geometry", TableFormat::Iceberg), None);
}

#[test]
fn quotes_and_backslashes_in_comments_and_names_are_escaped() {
    let mut t = info(TableFormat::Delta, vec![col("it's", "string", true, Some("a 'quoted' \\ note\nline 2"))], &[]);
    t.comment = Some("Jane's table".into());
    t.name = "we`ird".into();
    let ddl = table_sql(&t).ddl.unwrap();
    assert!(ddl.contains("CREATE TABLE ods.`we``ird` (\n  `it's` STRING COMMENT 'a \\'quoted\\' \\\\ note\\nline 2'\n)"), "{ddl}");
    assert!(ddl.contains("COMMENT 'Jane\\'s table'"), "{ddl}");
}

#[test]
fn iceberg_transforms_are_named_not_guessed_and_parquet_partitions_are_repaired() {
    let t = info(TableFormat::Iceberg, vec![col("ts", "timestamptz", true, None)], &["ts_day"]);
    let ddl = table_sql(&t).ddl.unwrap();
    assert!(!ddl.contains("PARTITIONED BY"), "{ddl}");
    assert!(ddl.contains("-- partition field ts_day: a transform"), "{ddl}");

    let mut p = info(TableFormat::Parquet, vec![col("n", "Int64", true, None), col("dt", "Utf8", true, None)], &["dt"]);
    p.source = Some("hive".into());
    let ddl = table_sql(&p).ddl.unwrap();
    assert!(ddl.contains("USING parquet\nPARTITIONED BY (dt)"), "{ddl}");
    assert!(ddl.ends_with(";\nMSCK REPAIR TABLE ods.orders;"), "{ddl}");
}

#[test]
fn tables_opened_by_location_are_read_by_path() {
    let mut t = info(TableFormat::Delta, vec![col("id", "long", true, None)], &[]);
    (t.source, t.namespace) = (None, None);
    assert_eq!(table_sql(&t).select, "SELECT id\nFROM delta.`s3://lake/ods/orders`\nLIMIT 100;");
    t.format = TableFormat::Iceberg;
    let sql = table_sql(&t);
    assert_eq!((sql.dialect.as_str(), sql.ddl), ("DuckDB", None));
    assert_eq!(sql.select, "SELECT id\nFROM iceberg_scan('s3://lake/ods/orders')\nLIMIT 100;");
}

#[test]
fn a_type_spark_lacks_leaves_the_columns_to_inference() {
    let t = info(TableFormat::Parquet, vec![col("x", "Duration(s)", true, None)], &[]);
    let ddl = table_sql(&t).ddl.unwrap();
    assert!(ddl.starts_with("CREATE TABLE ods.orders\n-- columns left out"), "{ddl}");
}
