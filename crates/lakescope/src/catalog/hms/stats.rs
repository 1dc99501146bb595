//! A whole metastore as the lookup index needs it, in a handful of set-based queries: every table's
//! registration (name, owner, location, format, comment, partition keys) and the statistics Hive keeps
//! for it (numRows, numFiles, totalSize, transient_lastDdlTime), with partitioned tables' statistics
//! summed over their partitions on the server, the way Hive's own `DESCRIBE FORMATTED` aggregates them.
//!
//! Why: reading a table's files costs a listing or a metadata read per table; a platform metastore has
//! 100k tables and a million partitions, and the metastore already counted them. The queries are one per
//! metastore table (TBLS, TABLE_PARAMS, SERDE_PARAMS, PARTITION_KEYS, PARTITIONS, PARTITION_PARAMS,
//! COLUMNS_V2), never one per registered table, so a refresh costs the same few round trips at any size.
//! Columns are fetched separately ([`MetastoreReader::columns`]) so an incremental refresh reads them
//! only for tables that changed; a first index, which needs them all, reads them on a session of its own
//! while the rest is read ([`MetastoreReader::all_columns`]). Rows are handled as they arrive, their
//! values borrowed (`Connection::each_row`): at a million rows, a string per value and a list of every
//! row cost more than the reading.

use std::collections::HashMap;

use super::conn::{pg_is_integer, Connection, Dialect};
use super::{classify, table_rows, Registered, TableProblem, Tables, DEFAULT_CATALOG};
use crate::catalog::CatalogEntry;
use crate::error::Result;
use crate::lookup::IndexedColumn;
use crate::model::{TableFormat, TableRef};
use crate::sources::SourceConfig;

/// Table parameters read for every table: how it is opened, its comment, and Hive's statistics.
const PARAMS: [&str; 8] = [
    "table_type",
    "metadata_location",
    "spark.sql.sources.provider",
    "comment",
    "numRows",
    "numFiles",
    "totalSize",
    "transient_lastDdlTime",
];
/// Partition parameters summed per table.
const PART_STATS: [&str; 4] = ["numRows", "numFiles", "totalSize", "transient_lastDdlTime"];
/// Above this many changed storage descriptors, one query for every column beats lists of ids.
const COLUMNS_BY_ID_MAX: usize = 2000;
const IDS_PER_QUERY: usize = 500;

/// What Hive counted for a table (summed over partitions for a partitioned table).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HiveStats {
    /// `numRows`; `None` when Hive has not counted them (missing or -1 somewhere).
    pub records: Option<u64>,
    pub files: u64,
    /// `totalSize`: the bytes of the files under the table's location(s), as Hive counts them.
    pub bytes: u64,
}

/// One registered table with what the metastore says about it.
#[derive(Debug, Clone)]
pub struct Registration {
    pub entry: CatalogEntry,
    pub tbl_id: String,
    /// The storage descriptor's column set (COLUMNS_V2.CD_ID).
    pub cd_id: Option<String>,
    pub owner: Option<String>,
    pub comment: Option<String>,
    /// Partition keys (PARTITION_KEYS), which Hive keeps apart from the columns.
    pub partition_keys: Vec<IndexedColumn>,
    pub partitions: u64,
    /// Hive's statistics, for Hive (Parquet) tables whose registration carries `totalSize`; Iceberg and
    /// Delta tables keep their truth in their own metadata, so they have none here.
    pub stats: Option<HiveStats>,
    /// The newest `transient_lastDdlTime` of the table and its partitions, epoch ms.
    pub last_ddl_ms: Option<i64>,
    /// Everything above in one string: when it is unchanged, the table's index row is too.
    pub fingerprint: String,
}

/// An open read-only session on one metastore, for the index.
pub struct MetastoreReader {
    db: Connection,
}

/// Per-table sums of one partition parameter.
#[derive(Default, Clone, Copy)]
struct Sum {
    sum: i64,
    min: i64,
    max: i64,
    /// Partitions with a numeric value.
    count: u64,
}

/// What [`MetastoreReader::registrations`] reads: table rows, TABLE_PARAMS by TBL_ID, SerDe paths by
/// SERDE_ID, partition keys and partition counts by TBL_ID.
type Registrations = (
    Vec<super::conn::TextRow>,
    HashMap<String, HashMap<String, String>>,
    HashMap<String, String>,
    HashMap<String, Vec<IndexedColumn>>,
    HashMap<String, u64>,
);

impl MetastoreReader {
    pub async fn open(source: &SourceConfig) -> Result<Self> {
        Ok(MetastoreReader { db: Connection::open(source).await? })
    }

    /// The catalog's tables (TBLS with DBS, SDS, SERDES), their parameters, SerDe paths, partition keys
    /// and partition counts.
    async fn registrations(db: &mut Connection, catalog: &str) -> Result<Registrations> {
        // Columns 10 and 11: the owner and the column set (COLUMNS_V2.CD_ID).
        let extra = [r#"t."OWNER""#.to_string(), db.text(r#"s."CD_ID""#)];
        let tables = table_rows(db, catalog, &[&extra[0], &extra[1]], Tables::All { ordered: false }).await?;

        let params = db.table_params(&PARAMS).await?;
        let paths = db.serde_paths().await?;
        let keys_sql = format!(
            r#"SELECT {tbl_id}, k."PKEY_NAME", {ty}, k."PKEY_COMMENT" FROM "PARTITION_KEYS" k ORDER BY k."TBL_ID", k."INTEGER_IDX""#,
            tbl_id = db.text(r#"k."TBL_ID""#),
            ty = db.text(r#"k."PKEY_TYPE""#),
        );
        let mut keys: HashMap<String, Vec<IndexedColumn>> = HashMap::new();
        db.each_row(&keys_sql, &[], "reading PARTITION_KEYS", |r| {
            if let [Some(id), Some(k), ty, comment] = r {
                let c = IndexedColumn { name: k.to_string(), data_type: ty.unwrap_or_default().to_string(), comment: comment.map(str::to_string) };
                match keys.get_mut(*id) {
                    Some(of_table) => of_table.push(c),
                    None => drop(keys.insert(id.to_string(), vec![c])),
                }
            }
        })
        .await?;
        let count_sql = format!(
            r#"SELECT {tbl_id}, {n} FROM "PARTITIONS" p GROUP BY p."TBL_ID""#,
            tbl_id = db.text(r#"p."TBL_ID""#),
            n = db.text("COUNT(*)"),
        );
        let mut partitions: HashMap<String, u64> = HashMap::new();
        db.each_row(&count_sql, &[], "counting PARTITIONS", |r| {
            if let [Some(id), Some(n)] = r {
                partitions.insert(id.to_string(), n.parse().unwrap_or(0));
            }
        })
        .await?;
        Ok((tables, params, paths, keys, partitions))
    }

    /// Every table of the source's catalog, and the registrations that cannot be opened.
    pub async fn tables(&mut self, source: &SourceConfig) -> Result<(Vec<Registration>, Vec<TableProblem>)> {
        let catalog = source.catalog.as_deref().unwrap_or(DEFAULT_CATALOG);
        // Summing a million partitions' statistics is the one slow query (seconds at platform size): it
        // runs on a second session while this one reads the rest.
        let mut second = Connection::open(source).await?;
        let (rest, sums) = tokio::join!(Self::registrations(&mut self.db, catalog), partition_sums(&mut second));
        let (tables, params, paths, mut keys, partitions) = rest?;
        let sums = sums?;

        let mut out = Vec::with_capacity(tables.len());
        let mut problems = Vec::new();
        let none = HashMap::new();
        for r in tables {
            let get = |i: usize| r.get(i).cloned().flatten();
            let Some(row) = Registered::from_row(&r, &paths) else { continue };
            let tbl_id = get(3).unwrap_or_default();
            let p = params.get(&tbl_id).unwrap_or(&none);
            let (format, location, metadata_location) = match classify(&row, p) {
                Ok(c) => c,
                Err(e) => {
                    let e = e.context(format!("table {}.{}", row.namespace, row.name));
                    problems.push(TableProblem { namespace: row.namespace, name: row.name, error: e.to_report() });
                    continue;
                }
            };
            let partition_keys = keys.remove(&tbl_id).unwrap_or_default();
            let n_parts = partitions.get(&tbl_id).copied().unwrap_or(0);
            let of_table = sums.get(&tbl_id);
            let part = |k: &str| of_table.and_then(|s| s[part_stat(k)?]);
            let stats = if format == TableFormat::Parquet { hive_stats(p, &partition_keys, n_parts, &part) } else { None };
            let last_ddl_ms = last_ddl_ms(p, &part);
            let owner = get(10);
            let cd_id = get(11);
            let comment = p.get("comment").cloned();
            let fingerprint = fingerprint(&[
                &tbl_id,
                &format.to_string(),
                &location,
                metadata_location.as_deref().unwrap_or(""),
                owner.as_deref().unwrap_or(""),
                comment.as_deref().unwrap_or(""),
                cd_id.as_deref().unwrap_or(""),
                &partition_keys.iter().map(|k| format!("{}:{}", k.name, k.data_type)).collect::<Vec<_>>().join(","),
                &format!("{n_parts}:{stats:?}:{last_ddl_ms:?}"),
            ]);
            out.push(Registration {
                entry: CatalogEntry {
                    table: TableRef { source: source.name.clone(), namespace: row.namespace, name: row.name, format, location },
                    metadata_location,
                },
                tbl_id,
                cd_id,
                owner,
                comment,
                partition_keys,
                partitions: n_parts,
                stats,
                last_ddl_ms,
                fingerprint,
            });
        }
        out.sort_by(|a, b| (&a.entry.table.namespace, &a.entry.table.name).cmp(&(&b.entry.table.namespace, &b.entry.table.name)));
        Ok((out, problems))
    }

    /// The columns of the given storage descriptors' column sets (`CD_ID`), in column order.
    pub async fn columns(&mut self, cd_ids: &[&str]) -> Result<HashMap<String, Vec<IndexedColumn>>> {
        columns(&mut self.db, Some(cd_ids)).await
    }

    /// Every column set of the metastore, on a session of its own: a first index needs them all, so
    /// they are read while [`MetastoreReader::tables`] reads the rest rather than after it.
    pub async fn all_columns(source: &SourceConfig) -> Result<HashMap<String, Vec<IndexedColumn>>> {
        columns(&mut Connection::open(source).await?, None).await
    }
}

/// The columns of the given column sets (`CD_ID`; `None`: all of them), in column order.
async fn columns(db: &mut Connection, cd_ids: Option<&[&str]>) -> Result<HashMap<String, Vec<IndexedColumn>>> {
    let select = format!(
        r#"SELECT {cd}, c."COLUMN_NAME", {ty}, c."COMMENT" FROM "COLUMNS_V2" c"#,
        cd = db.text(r#"c."CD_ID""#),
        ty = db.text(r#"c."TYPE_NAME""#),
    );
    let order = r#" ORDER BY c."CD_ID", c."INTEGER_IDX""#;
    let mut out: HashMap<String, Vec<IndexedColumn>> = HashMap::new();
    // Rows come grouped by CD_ID: the current column set is kept at hand, not looked up per row.
    let mut current: Option<(String, Vec<IndexedColumn>)> = None;
    let mut add = |r: &[Option<&str>]| {
        let [Some(cd), Some(name), ty, comment] = r else { return };
        let c = IndexedColumn { name: name.to_string(), data_type: ty.unwrap_or_default().to_string(), comment: comment.map(str::to_string) };
        match &mut current {
            Some((at, cols)) if at == cd => cols.push(c),
            _ => {
                if let Some((at, cols)) = current.replace((cd.to_string(), vec![c])) {
                    out.entry(at).or_default().extend(cols);
                }
            }
        }
    };
    match cd_ids.filter(|ids| ids.len() <= COLUMNS_BY_ID_MAX) {
        None => db.each_row(&format!("{select}{order}"), &[], "reading COLUMNS_V2", &mut add).await?,
        Some(cd_ids) => {
            for chunk in cd_ids.chunks(IDS_PER_QUERY) {
                let list = (1..=chunk.len()).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ");
                let sql = format!("{select} WHERE {} IN ({list}){order}", db.text(r#"c."CD_ID""#));
                db.each_row(&sql, chunk, "reading COLUMNS_V2", &mut add).await?;
            }
        }
    }
    if let Some((at, cols)) = current {
        out.entry(at).or_default().extend(cols);
    }
    Ok(out)
}

/// Hive's statistics for a table: summed over its partitions when it is partitioned and every
/// partition carries `totalSize`, else the table's own parameters; `None` when Hive has no `totalSize`.
fn hive_stats(
    table: &HashMap<String, String>,
    partition_keys: &[IndexedColumn],
    partitions: u64,
    part: &dyn Fn(&str) -> Option<Sum>,
) -> Option<HiveStats> {
    let own = |k: &str| table.get(k).and_then(|v| v.trim().parse::<i64>().ok());
    if !partition_keys.is_empty() && partitions > 0 {
        let size = part("totalSize").filter(|s| s.count == partitions && s.min >= 0);
        if let Some(size) = size {
            let files = part("numFiles").filter(|s| s.count == partitions && s.min >= 0).map(|s| s.sum as u64);
            let rows = part("numRows").filter(|s| s.count == partitions && s.min >= 0).map(|s| s.sum as u64);
            return Some(HiveStats { records: rows, files: files.unwrap_or(0), bytes: size.sum as u64 });
        }
    }
    let bytes = own("totalSize").filter(|b| *b >= 0)?;
    Some(HiveStats {
        records: own("numRows").filter(|r| *r >= 0).map(|r| r as u64),
        files: own("numFiles").filter(|f| *f >= 0).unwrap_or(0) as u64,
        bytes: bytes as u64,
    })
}

/// A partition parameter's place in [`PART_STATS`].
fn part_stat(key: &str) -> Option<usize> {
    PART_STATS.iter().position(|k| *k == key)
}

/// Per partitioned table (TBL_ID), the sums of each of [`PART_STATS`] over its partitions.
type PartitionSums = HashMap<String, [Option<Sum>; PART_STATS.len()]>;

/// Every partitioned table's statistics summed over its partitions, per parameter.
///
/// A value counts when it is an integer of at most 18 digits ([`Connection::integer`]). Testing that
/// costs the server more than the aggregation itself when the test is written into each aggregate (the
/// planner repeats it for SUM, MIN, MAX and COUNT), so on PostgreSQL the sums are first taken with a
/// plain cast and the test made once per value, counting the values it refuses: when there is none —
/// every value is one the strict reading takes too — the sums are the same; else (or when the cast
/// fails on a stray value) the strict query decides.
async fn partition_sums(db: &mut Connection) -> Result<PartitionSums> {
    if db.dialect == Dialect::Postgres {
        let v = r#"pp."PARAM_VALUE""#;
        let sql = sums_sql(db, &format!("CAST({v} AS BIGINT)"), &format!("{} AS ok", pg_is_integer(v)), "COUNT(*) FILTER (WHERE NOT x.ok)");
        let mut refused = 0u64;
        let fast = read_sums(db, &sql, |r| refused += r.and_then(|n| n.parse::<u64>().ok()).unwrap_or(1)).await;
        if let Ok(sums) = fast
            && refused == 0
        {
            return Ok(sums);
        }
    }
    let sql = sums_sql(db, &db.integer(&db.text(r#"pp."PARAM_VALUE""#)), "TRUE AS ok", "0");
    read_sums(db, &sql, |_| {}).await
}

/// The per-table, per-key aggregation of `value` over PARTITION_PARAMS; `ok` is computed once per
/// value, `refused` aggregates it (the query's 7th column).
fn sums_sql(db: &Connection, value: &str, ok: &str, refused: &str) -> String {
    // The value is computed once per row in the inner query, then aggregated per table and key.
    format!(
        r#"SELECT {tbl_id}, x.k, {sum}, {min}, {max}, {count}, {refused}
           FROM (SELECT p."TBL_ID" AS tbl, pp."PARAM_KEY" AS k, {value} AS v, {ok}
                 FROM "PARTITION_PARAMS" pp JOIN "PARTITIONS" p ON p."PART_ID" = pp."PART_ID"
                 WHERE pp."PARAM_KEY" IN ($1, $2, $3, $4)) x
           GROUP BY x.tbl, x.k"#,
        tbl_id = db.text("x.tbl"),
        sum = db.text("SUM(x.v)"),
        min = db.text("MIN(x.v)"),
        max = db.text("MAX(x.v)"),
        count = db.text("COUNT(x.v)"),
        refused = db.text(refused),
    )
}

async fn read_sums(db: &mut Connection, sql: &str, mut refused: impl FnMut(Option<&str>)) -> Result<PartitionSums> {
    let mut sums = PartitionSums::new();
    db.each_row(sql, &PART_STATS, "summing PARTITION_PARAMS", |r| {
        let int = |i: usize| r.get(i).copied().flatten().and_then(|v| v.parse::<i64>().ok());
        if let [Some(id), Some(k), ..] = r
            && let Some(at) = part_stat(k)
        {
            refused(r.get(6).copied().flatten());
            let s = Sum {
                sum: int(2).unwrap_or(0),
                min: int(3).unwrap_or(0),
                max: int(4).unwrap_or(0),
                count: int(5).unwrap_or(0).max(0) as u64,
            };
            match sums.get_mut(*id) {
                Some(of_table) => of_table[at] = Some(s),
                None => {
                    let mut of_table = [None; PART_STATS.len()];
                    of_table[at] = Some(s);
                    sums.insert(id.to_string(), of_table);
                }
            }
        }
    })
    .await?;
    Ok(sums)
}

/// The newest `transient_lastDdlTime` (epoch seconds) of a table and its partitions, in ms; none when out
/// of range (as for `CREATE_TIME`: the multiplication must not overflow on a damaged row).
fn last_ddl_ms(table: &HashMap<String, String>, part: &dyn Fn(&str) -> Option<Sum>) -> Option<i64> {
    let table_ddl = table.get("transient_lastDdlTime").and_then(|v| v.trim().parse::<i64>().ok());
    let part_ddl = part("transient_lastDdlTime").filter(|s| s.count > 0).map(|s| s.max);
    table_ddl.into_iter().chain(part_ddl).max().and_then(|s| s.checked_mul(1000))
}

/// Fuzzing entry (see [`crate::fuzzing`]): metastore row values as text, one per line — a flag line
/// (non-empty: the SDS row exists), TBL_TYPE, SD_ID, LOCATION, INPUT_FORMAT, SLIB, the SerDe's `path`,
/// CREATE_TIME, a partition count — then `KEY=VALUE` table parameters and `part.KEY=sum,min,max,count`
/// partition sums; each turned into the model the way [`MetastoreReader::tables`] and
/// [`super::describe`] do.
pub(crate) fn fuzz_rows(text: &str) -> Result<()> {
    let mut lines = text.split('\n');
    let mut field = || lines.next().filter(|l| !l.is_empty()).map(str::to_string);
    let sd_found = field().is_some();
    let row = Registered {
        namespace: "db".into(),
        name: "t".into(),
        tbl_type: field(),
        sd_ref: field(),
        sd_found,
        location: field(),
        input_format: field(),
        serde: field(),
        serde_path: field(),
    };
    let create_time = field();
    let n_parts = field().and_then(|n| n.parse::<u64>().ok()).unwrap_or(0);
    let (mut params, mut sums) = (HashMap::new(), HashMap::new());
    for l in lines {
        let Some((k, v)) = l.split_once('=') else { continue };
        match k.strip_prefix("part.") {
            Some(k) => {
                let n: Vec<i64> = v.split(',').map(|x| x.parse().unwrap_or(0)).collect();
                let at = |i: usize| n.get(i).copied().unwrap_or(0);
                sums.insert(k.to_string(), Sum { sum: at(0), min: at(1), max: at(2), count: at(3).max(0) as u64 });
            }
            None => drop(params.insert(k.to_string(), v.to_string())),
        }
    }
    let keys = if n_parts > 0 { vec![IndexedColumn { name: "dt".into(), data_type: "string".into(), comment: None }] } else { Vec::new() };
    let part = |k: &str| sums.get(k).copied();
    let _ = super::describe::create_time_ms(create_time.as_deref());
    let (format, location, ml) = classify(&row, &params)?;
    let stats = hive_stats(&params, &keys, n_parts, &part);
    let ddl = last_ddl_ms(&params, &part);
    fingerprint(&[&format.to_string(), &location, ml.as_deref().unwrap_or(""), &format!("{stats:?}:{ddl:?}")]);
    Ok(())
}

/// `hms:` and a 64-bit FNV-1a digest of the parts (stable across builds, unlike std's hasher).
fn fingerprint(parts: &[&str]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.bytes().chain(std::iter::once(0x1f)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("hms:{h:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(kv: &[(&str, &str)]) -> HashMap<String, String> {
        kv.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    fn dt() -> Vec<IndexedColumn> {
        vec![IndexedColumn { name: "dt".into(), data_type: "string".into(), comment: None }]
    }

    #[test]
    fn partitioned_tables_sum_their_partitions_like_describe_formatted() {
        let sums: HashMap<&str, Sum> = [
            ("totalSize", Sum { sum: 300, min: 100, max: 100, count: 3 }),
            ("numFiles", Sum { sum: 6, min: 2, max: 2, count: 3 }),
            ("numRows", Sum { sum: 30, min: -1, max: 20, count: 3 }),
        ]
        .into();
        let part = |k: &str| sums.get(k).copied();
        let stale = params(&[("totalSize", "1"), ("numRows", "1")]);
        let s = hive_stats(&stale, &dt(), 3, &part).unwrap();
        assert_eq!(s, HiveStats { records: None, files: 6, bytes: 300 }, "numRows -1 in one partition: unknown");
        // A partition without totalSize: the partition sums are incomplete, the table's own are used.
        let s = hive_stats(&stale, &dt(), 4, &part).unwrap();
        assert_eq!(s, HiveStats { records: Some(1), files: 0, bytes: 1 });
    }

    #[test]
    fn no_total_size_means_no_statistics() {
        let none = |_: &str| None;
        assert_eq!(hive_stats(&params(&[("numRows", "5")]), &[], 0, &none), None);
        assert_eq!(hive_stats(&params(&[("totalSize", "x")]), &[], 0, &none), None);
        let s = hive_stats(&params(&[("totalSize", "10"), ("numRows", "-1"), ("numFiles", "2")]), &[], 0, &none);
        assert_eq!(s, Some(HiveStats { records: None, files: 2, bytes: 10 }));
    }

    #[test]
    fn fingerprints_change_with_any_part() {
        assert_eq!(fingerprint(&["1", "a"]), fingerprint(&["1", "a"]));
        assert_ne!(fingerprint(&["1", "a"]), fingerprint(&["1a", ""]), "parts are separated");
        assert!(fingerprint(&["x"]).starts_with("hms:"));
    }
}
