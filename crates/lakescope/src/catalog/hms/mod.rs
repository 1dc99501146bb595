//! Hive Metastore sources, read straight from the metastore's backing database (PostgreSQL or
//! MySQL/MariaDB) with a few parameterised, read-only queries.
//!
//! Reading the database rather than talking Thrift to a metastore service means no JVM service to run
//! and one query for a whole catalog, at the price of depending on Hive's schema (stable since Hive 3:
//! DBS, TBLS, SDS, SERDES, TABLE_PARAMS, PARTITIONS, …).
//!
//! A metastore holds whatever engines registered, so each table is classified from its rows the way the
//! engines themselves do: `table_type=ICEBERG` + `metadata_location` (Iceberg's HiveCatalog), Spark's
//! `spark.sql.sources.provider` with the real location in the SerDe's `path` parameter, or a Hive table
//! whose SerDe/input format is Parquet. A table that cannot be read (unknown SerDe, missing storage
//! descriptor, no location) becomes a per-table problem; the other tables still list. Views are not
//! tables with data and are left out.

mod conn;
mod describe;
mod facade;
pub mod stats;

use std::collections::HashMap;

pub use describe::{MetastoreColumn, MetastorePartition, MetastoreTable};

use super::CatalogEntry;
use crate::error::{Error, ErrorReport, Result};
use crate::model::{TableFormat, TableRef};
use crate::sources::SourceConfig;

/// A registered table that cannot be opened, and why.
#[derive(Debug, Clone)]
pub struct TableProblem {
    pub namespace: String,
    pub name: String,
    pub error: ErrorReport,
}

/// Hive's catalog name in `DBS.CTLG_NAME` unless the source names another (`catalog = …`).
const DEFAULT_CATALOG: &str = "hive";

/// Parameters that decide how a table is opened; the rest are read only for the table page.
const KIND_PARAMS: [&str; 3] = ["table_type", "metadata_location", "spark.sql.sources.provider"];

/// List a metastore's tables, and the registered tables that cannot be opened.
pub async fn list(source: &SourceConfig) -> Result<(Vec<CatalogEntry>, Vec<TableProblem>)> {
    let mut db = conn::Connection::open(source).await?;
    let catalog = source.catalog.as_deref().unwrap_or(DEFAULT_CATALOG);
    let tables = table_rows(&mut db, catalog, &[], Tables::All { ordered: true }).await?;

    let params = db.table_params(&KIND_PARAMS).await?;
    let paths = db.serde_paths().await?;

    let mut entries = Vec::new();
    let mut problems = Vec::new();
    let none = HashMap::new();
    for r in tables {
        let Some(row) = Registered::from_row(&r, &paths) else { continue };
        let p = r.get(3).cloned().flatten().and_then(|id| params.get(&id)).unwrap_or(&none);
        match classify(&row, p) {
            Ok((format, location, metadata_location)) => entries.push(CatalogEntry {
                table: TableRef {
                    source: source.name.clone(),
                    namespace: row.namespace,
                    name: row.name,
                    format,
                    location,
                },
                metadata_location,
            }),
            Err(e) => {
                let e = e.context(format!("table {}.{}", row.namespace, row.name));
                problems.push(TableProblem { namespace: row.namespace, name: row.name, error: e.to_report() })
            }
        }
    }
    Ok((entries, problems))
}

/// The rows of TBLS/SDS/SERDES that say where a table lives and how it is stored.
struct Registered {
    namespace: String,
    name: String,
    tbl_type: Option<String>,
    /// `TBLS.SD_ID` as registered, and whether that SDS row exists.
    sd_ref: Option<String>,
    sd_found: bool,
    location: Option<String>,
    input_format: Option<String>,
    serde: Option<String>,
    /// Spark keeps a data source table's real location in its SerDe's `path` parameter.
    serde_path: Option<String>,
}

impl Registered {
    /// A row of [`table_rows`]; `None` for a view (no data of its own).
    fn from_row(r: &conn::TextRow, serde_paths: &HashMap<String, String>) -> Option<Registered> {
        let row = Registered::read(r, serde_paths);
        (!matches!(row.tbl_type.as_deref(), Some("VIRTUAL_VIEW" | "MATERIALIZED_VIEW"))).then_some(row)
    }

    /// A row of [`table_rows`], views included.
    fn read(r: &conn::TextRow, serde_paths: &HashMap<String, String>) -> Registered {
        let get = |i: usize| r.get(i).cloned().flatten();
        Registered {
            namespace: get(0).unwrap_or_default(),
            name: get(1).unwrap_or_default(),
            tbl_type: get(2),
            sd_ref: get(4),
            sd_found: get(5).is_some(),
            location: get(6),
            input_format: get(7),
            serde: get(8),
            serde_path: get(9).and_then(|id| serde_paths.get(&id).cloned()),
        }
    }
}

/// Which rows [`table_rows`] reads: every table of the catalog (in name order or not), or one table.
enum Tables<'a> {
    All { ordered: bool },
    One { namespace: &'a str, name: &'a str },
}

/// The catalog's tables: TBLS with DBS, SDS and SERDES. Columns 0–9 are what [`Registered::from_row`]
/// reads (database, name, TBL_TYPE, TBL_ID, TBLS.SD_ID, SDS.SD_ID, LOCATION, INPUT_FORMAT, SLIB,
/// SERDE_ID); the `extra` expressions (text already) follow.
async fn table_rows(db: &mut conn::Connection, catalog: &str, extra: &[&str], which: Tables<'_>) -> Result<Vec<conn::TextRow>> {
    let t = |e: &str| db.text(e);
    let extra: String = extra.iter().map(|e| format!(", {e}")).collect();
    let (filter, params) = match which {
        Tables::All { ordered: true } => (r#" ORDER BY d."NAME", t."TBL_NAME""#, vec![catalog]),
        Tables::All { ordered: false } => ("", vec![catalog]),
        Tables::One { namespace, name } => (r#" AND d."NAME" = $2 AND t."TBL_NAME" = $3"#, vec![catalog, namespace, name]),
    };
    let sql = format!(
        r#"SELECT d."NAME", t."TBL_NAME", t."TBL_TYPE", {tbl_id}, {sd_ref}, {sd_id}, s."LOCATION", s."INPUT_FORMAT",
                  se."SLIB", {serde_id}{extra}
           FROM "TBLS" t
           JOIN "DBS" d ON d."DB_ID" = t."DB_ID"
           LEFT JOIN "SDS" s ON s."SD_ID" = t."SD_ID"
           LEFT JOIN "SERDES" se ON se."SERDE_ID" = s."SERDE_ID"
           WHERE d."CTLG_NAME" = $1{filter}"#,
        tbl_id = t(r#"t."TBL_ID""#),
        sd_ref = t(r#"t."SD_ID""#),
        sd_id = t(r#"s."SD_ID""#),
        serde_id = t(r#"s."SERDE_ID""#),
    );
    db.rows(&sql, &params, "reading tables (TBLS, DBS, SDS, SERDES)").await
}

/// Decide a registered table's format and location the way the engine that registered it does.
fn classify(
    row: &Registered,
    params: &HashMap<String, String>,
) -> Result<(TableFormat, String, Option<String>)> {
    if !row.sd_found {
        return Err(Error::corrupt(match &row.sd_ref {
            Some(id) => format!("its storage descriptor (TBLS.SD_ID {id}) is missing from SDS"),
            None => "it has no storage descriptor (TBLS.SD_ID is NULL)".to_string(),
        }));
    }
    let location = || -> Result<String> {
        let raw = row.location.as_deref().filter(|l| !l.is_empty()).ok_or_else(|| {
            Error::corrupt(format!("SDS.LOCATION is empty for storage descriptor {}", row.sd_ref.as_deref().unwrap_or("?")))
        })?;
        Ok(normalise_location(raw))
    };
    if params.get("table_type").is_some_and(|t| t.eq_ignore_ascii_case("iceberg")) {
        let ml = params.get("metadata_location").filter(|m| !m.is_empty()).ok_or_else(|| {
            Error::corrupt("registered as an Iceberg table (table_type=ICEBERG) but has no metadata_location parameter")
        })?;
        let ml = normalise_location(ml);
        let loc = match location() {
            Ok(l) => l,
            Err(_) => super::iceberg_sql::table_root(&ml),
        };
        return Ok((TableFormat::Iceberg, loc, Some(ml)));
    }
    if let Some(provider) = params.get("spark.sql.sources.provider") {
        let format = match provider.to_ascii_lowercase().as_str() {
            "delta" => TableFormat::Delta,
            "parquet" => TableFormat::Parquet,
            "iceberg" => TableFormat::Iceberg,
            other => {
                return Err(Error::unsupported(format!(
                    "Spark data source table with provider {other:?}; Lakescope reads delta, parquet and iceberg"
                )))
            }
        };
        let loc = match &row.serde_path {
            Some(p) if !p.is_empty() => normalise_location(p),
            _ => location()?,
        };
        return Ok((format, loc, None));
    }
    let serde = row.serde.as_deref().unwrap_or("");
    let input = row.input_format.as_deref().unwrap_or("");
    if serde.to_ascii_lowercase().contains("parquet") || input.to_ascii_lowercase().contains("parquet") {
        return Ok((TableFormat::Parquet, location()?, None));
    }
    Err(Error::unsupported(format!(
        "SerDe {:?} with input format {:?} is not one Lakescope reads (Parquet, Iceberg, Delta)",
        row.serde.as_deref().unwrap_or("(none)"),
        row.input_format.as_deref().unwrap_or("(none)")
    )))
}

/// Hadoop spells local paths `file:/x` and S3 `s3a://`; object_store wants `file:///x` and `s3://`.
/// A Spark placeholder suffix (`-__PLACEHOLDER__`) is not part of the path.
pub(crate) fn normalise_location(raw: &str) -> String {
    let raw = raw.trim().trim_end_matches("-__PLACEHOLDER__").trim_end_matches('/');
    if let Some(rest) = raw.strip_prefix("file:") {
        let path = rest.trim_start_matches('/');
        return format!("file:///{path}");
    }
    for scheme in ["s3a://", "s3n://"] {
        if let Some(rest) = raw.strip_prefix(scheme) {
            return format!("s3://{rest}");
        }
    }
    raw.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> Registered {
        Registered {
            namespace: "ods".into(),
            name: "t".into(),
            tbl_type: Some("EXTERNAL_TABLE".into()),
            sd_ref: Some("7".into()),
            sd_found: true,
            location: Some("file:/lake/ods.db/t".into()),
            input_format: Some("org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat".into()),
            serde: Some("org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe".into()),
            serde_path: None,
        }
    }

    #[test]
    fn hadoop_locations_become_object_store_urls() {
        assert_eq!(normalise_location("file:/lake/t"), "file:///lake/t");
        assert_eq!(normalise_location("file:///lake/t/"), "file:///lake/t");
        assert_eq!(normalise_location("s3a://b/wh/t"), "s3://b/wh/t");
        assert_eq!(normalise_location("file:/lake/t-__PLACEHOLDER__"), "file:///lake/t");
    }

    #[test]
    fn classifies_like_the_registering_engine() {
        let p = HashMap::new();
        assert_eq!(classify(&row(), &p).unwrap(), (TableFormat::Parquet, "file:///lake/ods.db/t".into(), None));

        let ice: HashMap<String, String> =
            [("table_type", "ICEBERG"), ("metadata_location", "file:/wh/t/metadata/00002-a.metadata.json")]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
        let (f, _, ml) = classify(&row(), &ice).unwrap();
        assert_eq!((f, ml.as_deref()), (TableFormat::Iceberg, Some("file:///wh/t/metadata/00002-a.metadata.json")));

        let delta: HashMap<String, String> = [("spark.sql.sources.provider".to_string(), "DELTA".to_string())].into();
        let spark = Registered {
            location: Some("file:/lake/d-__PLACEHOLDER__".into()),
            serde_path: Some("file:/lake/real_d".into()),
            ..row()
        };
        assert_eq!(classify(&spark, &delta).unwrap(), (TableFormat::Delta, "file:///lake/real_d".into(), None));
    }

    #[test]
    fn unreadable_registrations_say_which_row_is_wrong() {
        let p = HashMap::new();
        let e = classify(&Registered { sd_found: false, ..row() }, &p).unwrap_err();
        assert_eq!(e.kind, crate::error::ErrorKind::Corrupt);
        assert!(e.message.contains("SD_ID 7") && e.message.contains("SDS"), "{}", e.message);

        let avro = Registered { serde: Some("org.example.CsvSerDe".into()), input_format: None, ..row() };
        let e = classify(&avro, &p).unwrap_err();
        assert_eq!(e.kind, crate::error::ErrorKind::Unsupported);
        assert!(e.message.contains("org.example.CsvSerDe"), "{}", e.message);

        let ice: HashMap<String, String> = [("table_type".to_string(), "ICEBERG".to_string())].into();
        let e = classify(&row(), &ice).unwrap_err();
        assert!(e.message.contains("metadata_location"), "{}", e.message);
    }
}
