//! One registered table as the metastore describes it: owner, type, SerDe, columns, partition keys,
//! table parameters (numRows, totalSize, transient_lastDdlTime, …) and partitions with their locations
//! and parameters. This is what the metastore *says*; the table page says what the files hold.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use ts_rs::TS;

use super::conn::Connection;
use super::{classify, normalise_location, table_rows, Registered, Tables};
use crate::error::{Error, Result};
use crate::model::TableFormat;
use crate::sources::SourceConfig;

/// A column (or partition key) as registered in COLUMNS_V2 / PARTITION_KEYS, in Hive's type notation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct MetastoreColumn {
    pub name: String,
    #[serde(rename = "type")]
    pub data_type: String,
    pub comment: Option<String>,
}

/// A row of PARTITIONS with its values, storage location and parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct MetastorePartition {
    /// `dt=2026-10-02` (Hive's PART_NAME).
    pub name: String,
    /// Values in partition-key order.
    pub values: Vec<String>,
    pub location: String,
    pub params: BTreeMap<String, String>,
}

/// A table as its metastore registers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct MetastoreTable {
    pub source: String,
    pub namespace: String,
    pub name: String,
    pub format: TableFormat,
    pub location: String,
    /// `MANAGED_TABLE`, `EXTERNAL_TABLE`, …
    pub table_type: Option<String>,
    pub owner: Option<String>,
    /// The `comment` table parameter.
    pub comment: Option<String>,
    /// TBLS.CREATE_TIME (Hive stores seconds), as epoch milliseconds.
    #[ts(type = "number | null")]
    pub create_time_ms: Option<i64>,
    pub serde: Option<String>,
    pub input_format: Option<String>,
    pub columns: Vec<MetastoreColumn>,
    pub partition_keys: Vec<MetastoreColumn>,
    pub params: BTreeMap<String, String>,
    pub partitions: Vec<MetastorePartition>,
}

/// Read one table's registration. Errors name the table and the row that is wrong.
pub async fn describe(source: &SourceConfig, namespace: &str, name: &str) -> Result<MetastoreTable> {
    let what = format!("table {namespace}.{name}");
    let mut db = Connection::open(source).await?;
    let catalog = source.catalog.as_deref().unwrap_or(super::DEFAULT_CATALOG);
    // Columns 10–12 after [`table_rows`]' own: the owner, CREATE_TIME and the column set (COLUMNS_V2.CD_ID).
    let extra = [r#"t."OWNER""#.to_string(), db.text(r#"t."CREATE_TIME""#), db.text(r#"s."CD_ID""#)];
    let one = Tables::One { namespace, name };
    let rows = table_rows(&mut db, catalog, &[&extra[0], &extra[1], &extra[2]], one).await.map_err(|e| e.context(&what))?;
    let r = rows.into_iter().next().ok_or_else(|| Error::not_found(format!("{what} is not in the metastore")))?;
    let get = |i: usize| r.get(i).cloned().flatten();
    let tbl_id = get(3).unwrap_or_default();
    let serde_id = get(9);
    let cd_id = get(12);

    let params = pairs(&mut db, r#"SELECT p."PARAM_KEY", {v} FROM "TABLE_PARAMS" p WHERE {id} = $1"#, "p", "TBL_ID", &tbl_id).await?;
    let serde_params = match &serde_id {
        Some(id) => pairs(&mut db, r#"SELECT p."PARAM_KEY", {v} FROM "SERDE_PARAMS" p WHERE {id} = $1"#, "p", "SERDE_ID", id).await?,
        None => BTreeMap::new(),
    };
    let serde_path: HashMap<String, String> =
        serde_id.iter().zip(serde_params.get("path")).map(|(id, path)| (id.clone(), path.clone())).collect();
    let row = Registered::read(&r, &serde_path);
    let kind_params = params.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    let (format, location, _) = classify(&row, &kind_params).map_err(|e| e.context(&what))?;

    let columns = match &cd_id {
        Some(cd) => {
            let sql = format!(
                r#"SELECT c."COLUMN_NAME", {ty}, c."COMMENT" FROM "COLUMNS_V2" c WHERE {cd} = $1 ORDER BY c."INTEGER_IDX""#,
                ty = db.text(r#"c."TYPE_NAME""#),
                cd = db.text(r#"c."CD_ID""#),
            );
            db.rows(&sql, &[cd], &format!("reading the columns of {what}")).await?.into_iter().map(column).collect()
        }
        None => Vec::new(),
    };
    let keys_sql = format!(
        r#"SELECT k."PKEY_NAME", k."PKEY_TYPE", k."PKEY_COMMENT" FROM "PARTITION_KEYS" k WHERE {id} = $1 ORDER BY k."INTEGER_IDX""#,
        id = db.text(r#"k."TBL_ID""#),
    );
    let partition_keys: Vec<MetastoreColumn> =
        db.rows(&keys_sql, &[&tbl_id], &format!("reading the partition keys of {what}")).await?.into_iter().map(column).collect();
    let partitions = if partition_keys.is_empty() { Vec::new() } else { partitions(&mut db, &tbl_id, &what).await? };

    Ok(MetastoreTable {
        source: source.name.clone(),
        namespace: namespace.to_string(),
        name: name.to_string(),
        format,
        location,
        table_type: row.tbl_type.clone(),
        owner: get(10),
        comment: params.get("comment").cloned(),
        create_time_ms: create_time_ms(get(11).as_deref()),
        serde: row.serde.clone(),
        input_format: row.input_format.clone(),
        columns,
        partition_keys,
        params,
        partitions,
    })
}

/// `TBLS.CREATE_TIME` (epoch seconds) in ms; none when the value is out of range (a metastore row is
/// outside input: `s * 1000` overflowed, a panic in debug builds, for any value past year 292 million).
pub(super) fn create_time_ms(seconds: Option<&str>) -> Option<i64> {
    seconds.and_then(|s| s.parse::<i64>().ok()).and_then(|s| s.checked_mul(1000))
}

fn column(r: Vec<Option<String>>) -> MetastoreColumn {
    let mut it = r.into_iter();
    MetastoreColumn {
        name: it.next().flatten().unwrap_or_default(),
        data_type: it.next().flatten().unwrap_or_default(),
        comment: it.next().flatten(),
    }
}

/// `PARAM_KEY → PARAM_VALUE` of one owner row in a `*_PARAMS` table.
async fn pairs(db: &mut Connection, template: &str, alias: &str, id_col: &str, id: &str) -> Result<BTreeMap<String, String>> {
    let sql = template.replace("{v}", &db.text(&format!(r#"{alias}."PARAM_VALUE""#))).replace(
        "{id}",
        &db.text(&format!(r#"{alias}."{id_col}""#)),
    );
    let rows = db.rows(&sql, &[id], &format!("reading parameters of {id_col} {id}")).await?;
    Ok(rows.into_iter().filter_map(|r| Some((r.first().cloned().flatten()?, r.get(1).cloned().flatten().unwrap_or_default()))).collect())
}

/// Every partition of a table with its values, location and parameters: three queries, joined here.
/// A partition whose storage descriptor row is missing makes the whole description fail with the
/// partition named, since its location (and so the table's data) cannot be known.
async fn partitions(db: &mut Connection, tbl_id: &str, what: &str) -> Result<Vec<MetastorePartition>> {
    let sql = format!(
        r#"SELECT {part_id}, p."PART_NAME", {sd_ref}, {sd_id}, s."LOCATION"
           FROM "PARTITIONS" p LEFT JOIN "SDS" s ON s."SD_ID" = p."SD_ID"
           WHERE {tbl} = $1 ORDER BY p."PART_NAME""#,
        part_id = db.text(r#"p."PART_ID""#),
        sd_ref = db.text(r#"p."SD_ID""#),
        sd_id = db.text(r#"s."SD_ID""#),
        tbl = db.text(r#"p."TBL_ID""#),
    );
    let rows = db.rows(&sql, &[tbl_id], &format!("reading the partitions of {what}")).await?;
    let vals_sql = format!(
        r#"SELECT {part_id}, v."PART_KEY_VAL" FROM "PARTITION_KEY_VALS" v JOIN "PARTITIONS" p ON p."PART_ID" = v."PART_ID"
           WHERE {tbl} = $1 ORDER BY v."PART_ID", v."INTEGER_IDX""#,
        part_id = db.text(r#"v."PART_ID""#),
        tbl = db.text(r#"p."TBL_ID""#),
    );
    let mut values: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in db.rows(&vals_sql, &[tbl_id], &format!("reading the partition values of {what}")).await? {
        if let Some(id) = r.first().cloned().flatten() {
            values.entry(id).or_default().push(r.get(1).cloned().flatten().unwrap_or_default());
        }
    }
    let params_sql = format!(
        r#"SELECT {part_id}, pp."PARAM_KEY", {value} FROM "PARTITION_PARAMS" pp JOIN "PARTITIONS" p ON p."PART_ID" = pp."PART_ID"
           WHERE {tbl} = $1"#,
        part_id = db.text(r#"pp."PART_ID""#),
        value = db.text(r#"pp."PARAM_VALUE""#),
        tbl = db.text(r#"p."TBL_ID""#),
    );
    let mut params: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for r in db.rows(&params_sql, &[tbl_id], &format!("reading the partition parameters of {what}")).await? {
        if let [Some(id), Some(k), v] = r.as_slice() {
            params.entry(id.clone()).or_default().insert(k.clone(), v.clone().unwrap_or_default());
        }
    }
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let get = |i: usize| r.get(i).cloned().flatten();
        let id = get(0).unwrap_or_default();
        let name = get(1).unwrap_or_default();
        let location = match (get(3), get(4)) {
            (Some(_), Some(loc)) if !loc.is_empty() => normalise_location(&loc),
            (Some(_), _) => return Err(Error::corrupt(format!("{what}: partition {name} (PART_ID {id}) has an empty SDS.LOCATION"))),
            (None, _) => {
                return Err(Error::corrupt(format!(
                    "{what}: partition {name} (PART_ID {id}) points at storage descriptor {} which is missing from SDS",
                    get(2).unwrap_or_else(|| "NULL".into())
                )))
            }
        };
        out.push(MetastorePartition {
            name,
            values: values.remove(&id).unwrap_or_default(),
            location,
            params: params.remove(&id).unwrap_or_default(),
        });
    }
    Ok(out)
}
