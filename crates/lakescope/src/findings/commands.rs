//! The Spark SQL statements a finding offers to copy. Built here, never executed anywhere.

use std::collections::BTreeMap;

use crate::model::TableFormat;

const DAY_MS: i64 = 86_400_000;

/// Quote a SQL string literal.
fn lit(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// Quote an identifier (back-ticks, as Spark SQL does).
fn ident(s: &str) -> String {
    format!("`{}`", s.replace('`', "``"))
}

/// `TIMESTAMP 'YYYY-MM-DD HH:MM:SS'` in UTC.
fn timestamp(ms: i64) -> String {
    let t = chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default();
    format!("TIMESTAMP '{}'", t.format("%Y-%m-%d %H:%M:%S"))
}

/// A Delta table's location as Spark names it in `delta.`…``: a local path, else the URL.
fn delta_path(location: &str) -> String {
    match url::Url::parse(location) {
        Ok(u) if u.scheme() == "file" => u.to_file_path().map(|p| p.display().to_string()).unwrap_or(location.into()),
        _ => location.to_string(),
    }
}

/// VACUUM honours the table's own `delta.deletedFileRetentionDuration`, exactly what the figure assumes.
pub fn delta_vacuum(location: &str) -> String {
    format!("VACUUM delta.{}", ident(&delta_path(location)))
}

/// expire_snapshots with the table's own `history.expire.*` settings as of `as_of_ms`; it deletes the
/// files only the expired snapshots reached.
pub fn iceberg_expire(catalog: &str, table: &str, props: &BTreeMap<String, String>, as_of_ms: i64) -> String {
    let max_age_ms: i64 =
        props.get("history.expire.max-snapshot-age-ms").and_then(|v| v.parse().ok()).unwrap_or(5 * DAY_MS);
    let keep: i64 = props.get("history.expire.min-snapshots-to-keep").and_then(|v| v.parse().ok()).unwrap_or(1);
    format!(
        "CALL {catalog}.system.expire_snapshots(table => {}, older_than => {}, retain_last => {keep})",
        lit(table),
        timestamp(as_of_ms - max_age_ms)
    )
}

/// remove_orphan_files with its default 3-day safety window as of `cutoff_ms`: first a dry run that
/// lists what it would delete, then the deletion.
pub fn iceberg_remove_orphans(catalog: &str, table: &str, cutoff_ms: i64) -> Vec<String> {
    let call = format!("CALL {catalog}.system.remove_orphan_files(table => {}, older_than => {}", lit(table), timestamp(cutoff_ms));
    vec![format!("{call}, dry_run => true)"), format!("{call})")]
}

/// `col = 'v' AND other IS NULL`: one partition of the current version, as Spark SQL.
fn partition_predicate(values: &BTreeMap<String, Option<String>>) -> String {
    values
        .iter()
        .map(|(k, v)| match v {
            Some(v) => format!("{} = {}", ident(k), lit(v)),
            None => format!("{} IS NULL", ident(k)),
        })
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// Iceberg compaction of one partition (`where` is itself a SQL string, so its quotes are doubled).
pub fn iceberg_rewrite(catalog: &str, table: &str, values: &BTreeMap<String, Option<String>>) -> String {
    if values.is_empty() {
        return format!("CALL {catalog}.system.rewrite_data_files(table => {})", lit(table));
    }
    format!("CALL {catalog}.system.rewrite_data_files(table => {}, where => {})", lit(table), lit(&partition_predicate(values)))
}

/// Delta compaction of one partition (OPTIMIZE accepts predicates on partition columns only).
pub fn delta_optimize(location: &str, values: &BTreeMap<String, Option<String>>) -> String {
    let table = format!("delta.{}", ident(&delta_path(location)));
    if values.is_empty() {
        return format!("OPTIMIZE {table}");
    }
    format!("OPTIMIZE {table} WHERE {}", partition_predicate(values))
}

/// Hive-style tables drop the partition; Delta and Iceberg delete its rows (the files then go with the
/// next VACUUM / expire_snapshots).
pub fn drop_partition(format: TableFormat, table: &str, values: &BTreeMap<String, Option<String>>) -> String {
    match format {
        TableFormat::Parquet => {
            let spec: Vec<String> = values
                .iter()
                .map(|(k, v)| format!("{} = {}", ident(k), lit(v.as_deref().unwrap_or("__HIVE_DEFAULT_PARTITION__"))))
                .collect();
            format!("ALTER TABLE {table} DROP PARTITION ({})", spec.join(", "))
        }
        TableFormat::Delta | TableFormat::Iceberg => format!("DELETE FROM {table} WHERE {}", partition_predicate(values)),
    }
}

/// Iceberg needs PURGE for Spark to delete the files; Delta and Hive tables drop as they are defined
/// (an external table's files stay at its location).
pub fn drop_table(format: TableFormat, table: &str) -> String {
    match format {
        TableFormat::Iceberg => format!("DROP TABLE {table} PURGE"),
        TableFormat::Delta | TableFormat::Parquet => format!("DROP TABLE {table}"),
    }
}

/// Without CASCADE: Spark refuses to drop a schema that still holds tables, so nothing goes unseen.
pub fn drop_schema(schema: &str) -> String {
    format!("DROP SCHEMA IF EXISTS {schema}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_quote_what_they_embed() {
        assert_eq!(delta_vacuum("file:///lake/fact/pay%20ments"), "VACUUM delta.`/lake/fact/pay ments`");
        assert_eq!(delta_vacuum("s3://b/t"), "VACUUM delta.`s3://b/t`");
        let v: BTreeMap<String, Option<String>> = [("dt".to_string(), Some("2026-01-01".to_string())), ("o'k".into(), None)].into();
        assert_eq!(
            drop_partition(TableFormat::Parquet, "usr.t", &v),
            "ALTER TABLE usr.t DROP PARTITION (`dt` = '2026-01-01', `o'k` = '__HIVE_DEFAULT_PARTITION__')"
        );
        assert_eq!(drop_partition(TableFormat::Delta, "usr.t", &v), "DELETE FROM usr.t WHERE `dt` = '2026-01-01' AND `o'k` IS NULL");
        assert_eq!(
            iceberg_expire("demo", "ods.o", &BTreeMap::new(), 1_796_040_000_000),
            "CALL demo.system.expire_snapshots(table => 'ods.o', older_than => TIMESTAMP '2026-11-25 12:00:00', retain_last => 1)"
        );
        assert_eq!(
            iceberg_remove_orphans("demo", "ods.o", 1_796_040_000_000 - 3 * DAY_MS),
            [
                "CALL demo.system.remove_orphan_files(table => 'ods.o', older_than => TIMESTAMP '2026-11-27 12:00:00', dry_run => true)",
                "CALL demo.system.remove_orphan_files(table => 'ods.o', older_than => TIMESTAMP '2026-11-27 12:00:00')"
            ]
        );
        let day: BTreeMap<String, Option<String>> = [("day".to_string(), Some("2026-11-20".to_string()))].into();
        assert_eq!(
            iceberg_rewrite("demo", "fact.c", &day),
            "CALL demo.system.rewrite_data_files(table => 'fact.c', where => '`day` = ''2026-11-20''')"
        );
        assert_eq!(delta_optimize("file:///lake/p", &day), "OPTIMIZE delta.`/lake/p` WHERE `day` = '2026-11-20'");
        assert_eq!(delta_optimize("s3://b/p", &v), "OPTIMIZE delta.`s3://b/p` WHERE `dt` = '2026-01-01' AND `o'k` IS NULL");
    }
}
