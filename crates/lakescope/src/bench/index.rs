//! `lakescope bench index`: a platform-sized Hive Metastore (100k tables, 1M partitions) in a real
//! PostgreSQL, indexed from scratch (goal < 20 s) and searched keystroke by keystroke (goal p99 < 10 ms),
//! beside what a user would otherwise run: `psql` pulling the same rows out of the metastore, and a SQL
//! `ILIKE` search on the metastore per keystroke.
//!
//! The metastore is generated on the server (`generate_series`, Hive's own schema from tests/hms/)
//! outside the timed part, and kept: a second run with the same size reuses it. Half the tables are
//! partitioned by day with their statistics in PARTITION_PARAMS, the other half carry table statistics,
//! as Hive writes them. Before timing anything the bench checks that the index holds exactly the
//! metastore's tables and bytes, so a fast wrong answer cannot pass as a result.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use serde::Serialize;
use sqlx::Connection as _;

use super::search::{keystrokes, latency, Latency, COLUMN_STEMS, COLUMN_TAILS, TEAMS, WORDS};
use super::{median, Comparison};
use crate::api::Lakescope;
use crate::cancel::CancelToken;
use crate::error::{Error, Result, ResultExt};
use crate::lookup::SearchFilters;
use crate::sources::{SourceConfig, SourceKind};
use crate::store::Store;

static HIVE_SCHEMA: &str = include_str!("../../../../tests/hms/hive-schema-3.1.0.postgres.sql");
const DATABASES: u64 = 40;
/// Epoch seconds the generated tables were "created" around.
const T0: u64 = 1_760_000_000;

pub struct Options {
    /// The PostgreSQL server (any database on it; the bench uses its own, `database`).
    pub pg_url: String,
    pub database: String,
    pub tables: u64,
    pub partitions: u64,
    pub runs: usize,
    pub limit: usize,
    /// Where the bench's SQLite store is written (its `store.db` is replaced every run).
    pub work_dir: PathBuf,
}

#[derive(Debug, Serialize)]
pub struct Report {
    pub tables: u64,
    pub partitions: u64,
    pub columns: u64,
    /// False when an existing generated metastore of the same size was reused.
    pub generated: bool,
    pub generate_seconds: f64,
    /// Full index into a fresh store, ours vs psql fetching the same metastore rows.
    pub index: Comparison,
    pub index_goal_seconds: f64,
    /// A second refresh with nothing changed.
    pub reindex_unchanged_seconds: f64,
    pub tables_in_index: u64,
    /// Sum of the index's bytes; equals the metastore's totalSize sums (checked).
    pub indexed_bytes: u64,
    pub load_index_ms: f64,
    pub typed: Vec<String>,
    /// Ours (last) and the metastore ILIKE search, per keystroke.
    pub search: Vec<Latency>,
    pub search_goal_p99_ms: f64,
}

fn with_database(url: &str, db: &str) -> Result<String> {
    let mut u = url::Url::parse(url).with_context(|| format!("--pg {}", crate::sources::redact_url(url)))?;
    u.set_path(&format!("/{db}"));
    Ok(u.to_string())
}

fn quoted(words: &[&str]) -> String {
    words.iter().map(|w| format!("'{w}'")).collect::<Vec<_>>().join(", ")
}

/// The generator: every statement runs on the server; only sizes (integers) are spliced in.
fn generate_sql(tables: u64, per_table: u64) -> String {
    let (words, nw) = (quoted(WORDS), WORDS.len());
    let (stems, ns) = (quoted(COLUMN_STEMS), COLUMN_STEMS.len());
    let tails = quoted(COLUMN_TAILS);
    let ncols = COLUMN_TAILS.len();
    let (teams, nt) = (quoted(TEAMS), TEAMS.len());
    let parts = tables / 2 * per_table;
    let input = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat";
    let output = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat";
    let day = "to_char(DATE '2024-01-01' + day, 'YYYY-MM-DD')";
    format!(
        r#"
INSERT INTO "DBS" ("DB_ID", "DB_LOCATION_URI", "NAME", "OWNER_NAME", "OWNER_TYPE", "CTLG_NAME")
  SELECT d, 's3a://warehouse/' || n || '.db', n, 'hive', 'USER', 'hive' FROM (
    SELECT d, CASE WHEN d % 8 = 0 THEN 'usr_' || (ARRAY['jdoe', 'asmith'])[1 + (d / 8) % 2] || '_' || d
                   ELSE (ARRAY['ods', 'mart', 'fact', 'dim', 'stage'])[1 + d % 5] || '_' || d END AS n
    FROM generate_series(1, {DATABASES}) d) x;
CREATE TEMP TABLE g AS
  SELECT i, 1 + i % {DATABASES} AS db, i % 2 = 0 AS partitioned,
         (ARRAY['ods', 'mart', 'fact', 'dim', 'stage'])[1 + i % 5] || '_' || (ARRAY[{words}])[1 + (i * 7) % {nw}]
           || '_' || (ARRAY[{words}])[1 + (i * 13) % {nw}] || '_' || i AS name
  FROM generate_series(1, {tables}) i;
INSERT INTO "SERDES" ("SERDE_ID", "NAME", "SLIB") VALUES (1, NULL, 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe');
INSERT INTO "CDS" SELECT i FROM g;
INSERT INTO "COLUMNS_V2" ("CD_ID", "COMMENT", "COLUMN_NAME", "TYPE_NAME", "INTEGER_IDX")
  SELECT i, NULL, (ARRAY[{stems}])[1 + (i + j) % {ns}] || '_' || (ARRAY[{tails}])[1 + j],
         CASE WHEN j % 3 = 0 THEN 'bigint' ELSE 'string' END, j
  FROM g, generate_series(0, {ncols} - 1) j;
INSERT INTO "SDS" ("SD_ID", "INPUT_FORMAT", "IS_COMPRESSED", "LOCATION", "NUM_BUCKETS", "OUTPUT_FORMAT", "SERDE_ID", "CD_ID", "IS_STOREDASSUBDIRECTORIES")
  SELECT i, '{input}', false, 's3a://warehouse/' || d."NAME" || '.db/' || g.name, -1, '{output}', 1, i, false
  FROM g JOIN "DBS" d ON d."DB_ID" = g.db;
INSERT INTO "TBLS" ("TBL_ID", "CREATE_TIME", "DB_ID", "LAST_ACCESS_TIME", "OWNER", "OWNER_TYPE", "RETENTION", "SD_ID", "TBL_NAME", "TBL_TYPE", "IS_REWRITE_ENABLED")
  SELECT i, {T0} + i, db, 0, (ARRAY[{teams}])[1 + i % {nt}], 'USER', 0, i, name, 'EXTERNAL_TABLE', false FROM g;
INSERT INTO "TABLE_PARAMS" ("TBL_ID", "PARAM_KEY", "PARAM_VALUE")
  SELECT i, 'EXTERNAL', 'TRUE' FROM g
  UNION ALL SELECT i, 'comment', (ARRAY[{words}])[1 + (i * 3) % {nw}] || ' ' || (ARRAY[{words}])[1 + (i * 5) % {nw}]
                   || ' per day for the ' || (ARRAY[{teams}])[1 + (i / 3) % {nt}] || ' team' FROM g
  UNION ALL SELECT i, 'transient_lastDdlTime', ({T0} + i)::text FROM g
  UNION ALL SELECT i, 'numFiles', (1 + i % 50)::text FROM g WHERE NOT partitioned
  UNION ALL SELECT i, 'numRows', (i * 1000)::text FROM g WHERE NOT partitioned
  UNION ALL SELECT i, 'totalSize', (i::bigint * 4096)::text FROM g WHERE NOT partitioned;
INSERT INTO "PARTITION_KEYS" ("TBL_ID", "PKEY_COMMENT", "PKEY_NAME", "PKEY_TYPE", "INTEGER_IDX")
  SELECT i, 'event date', 'dt', 'string', 0 FROM g WHERE partitioned;
CREATE TEMP TABLE pp AS
  SELECT p, 2 * ((p - 1) / {per_table} + 1) AS tbl, (p - 1) % {per_table} AS day FROM generate_series(1, {parts}) p;
INSERT INTO "SDS" ("SD_ID", "INPUT_FORMAT", "IS_COMPRESSED", "LOCATION", "NUM_BUCKETS", "OUTPUT_FORMAT", "SERDE_ID", "CD_ID", "IS_STOREDASSUBDIRECTORIES")
  SELECT {tables} + p, '{input}', false, s."LOCATION" || '/dt=' || {day}, -1, '{output}', 1, tbl, false
  FROM pp JOIN "SDS" s ON s."SD_ID" = pp.tbl;
INSERT INTO "PARTITIONS" ("PART_ID", "CREATE_TIME", "LAST_ACCESS_TIME", "PART_NAME", "SD_ID", "TBL_ID")
  SELECT p, {T0} + day * 86400, 0, 'dt=' || {day}, {tables} + p, tbl FROM pp;
INSERT INTO "PARTITION_KEY_VALS" ("PART_ID", "PART_KEY_VAL", "INTEGER_IDX") SELECT p, {day}, 0 FROM pp;
INSERT INTO "PARTITION_PARAMS" ("PART_ID", "PARAM_KEY", "PARAM_VALUE")
  SELECT p, 'numFiles', (1 + p % 7)::text FROM pp
  UNION ALL SELECT p, 'numRows', (p % 100000)::text FROM pp
  UNION ALL SELECT p, 'totalSize', (p::bigint * 131 % 100000000)::text FROM pp
  UNION ALL SELECT p, 'transient_lastDdlTime', ({T0} + day * 86400)::text FROM pp;
ANALYZE;
"#
    )
}

/// What the metastore holds, counted by the server: tables, partitions, columns and totalSize bytes.
const COUNTS: &str = r#"SELECT (SELECT count(*) FROM "TBLS"), (SELECT count(*) FROM "PARTITIONS"), (SELECT count(*) FROM "COLUMNS_V2"),
  CAST((SELECT coalesce(sum("PARAM_VALUE"::bigint), 0) FROM "TABLE_PARAMS" p WHERE "PARAM_KEY" = 'totalSize')
  + (SELECT coalesce(sum("PARAM_VALUE"::bigint), 0) FROM "PARTITION_PARAMS" WHERE "PARAM_KEY" = 'totalSize') AS BIGINT)"#;

/// Make (or reuse) the generated metastore; returns its counts and whether it was generated now.
async fn ensure_metastore(opts: &Options, url: &str) -> Result<((i64, i64, i64, i64), bool, Duration)> {
    let per_table = (opts.partitions / (opts.tables / 2).max(1)).max(1);
    let want_parts = (opts.tables / 2 * per_table) as i64;
    let what = || format!("the bench metastore {}", crate::sources::redact_url(url));
    if let Ok(mut c) = sqlx::PgConnection::connect(url).await
        && let Ok(n) = sqlx::query_as::<_, (i64, i64, i64, i64)>(COUNTS).fetch_one(&mut c).await
        && n.0 == opts.tables as i64
        && n.1 == want_parts
    {
        return Ok((n, false, Duration::ZERO));
    }
    let t0 = Instant::now();
    let mut admin = sqlx::PgConnection::connect(&opts.pg_url)
        .await
        .with_context(|| format!("connecting to {}", crate::sources::redact_url(&opts.pg_url)))?;
    let db = &opts.database;
    if !db.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return Err(Error::invalid(format!("--database {db:?}: use letters, digits and '_'")));
    }
    for sql in [format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"), format!("CREATE DATABASE {db}")] {
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&mut admin).await.with_context(what)?;
    }
    let mut c = sqlx::PgConnection::connect(url).await.with_context(what)?;
    sqlx::raw_sql(HIVE_SCHEMA).execute(&mut c).await.with_context(|| format!("loading Hive's schema into {}", what()))?;
    let sql = format!("BEGIN;\n{}\nCOMMIT;", generate_sql(opts.tables, per_table));
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&mut c).await.with_context(|| format!("generating {}", what()))?;
    let n = sqlx::query_as::<_, (i64, i64, i64, i64)>(COUNTS).fetch_one(&mut c).await.with_context(what)?;
    Ok((n, true, t0.elapsed()))
}

/// The rows our index reads, as one psql script (what a user would run to get the same facts).
const PSQL_EQUIVALENT: &str = r#"
SELECT d."NAME", t."TBL_NAME", t."TBL_TYPE", t."TBL_ID", t."OWNER", s."LOCATION", s."INPUT_FORMAT", se."SLIB", s."CD_ID"
  FROM "TBLS" t JOIN "DBS" d ON d."DB_ID" = t."DB_ID" LEFT JOIN "SDS" s ON s."SD_ID" = t."SD_ID"
  LEFT JOIN "SERDES" se ON se."SERDE_ID" = s."SERDE_ID" WHERE d."CTLG_NAME" = 'hive';
SELECT "TBL_ID", "PARAM_KEY", "PARAM_VALUE" FROM "TABLE_PARAMS" WHERE "PARAM_KEY" IN ('table_type', 'metadata_location',
  'spark.sql.sources.provider', 'comment', 'numRows', 'numFiles', 'totalSize', 'transient_lastDdlTime');
SELECT "TBL_ID", "PKEY_NAME", "PKEY_TYPE" FROM "PARTITION_KEYS" ORDER BY "TBL_ID", "INTEGER_IDX";
SELECT p."TBL_ID", pp."PARAM_KEY", sum(pp."PARAM_VALUE"::bigint), max(pp."PARAM_VALUE"::bigint), count(*)
  FROM "PARTITION_PARAMS" pp JOIN "PARTITIONS" p ON p."PART_ID" = pp."PART_ID"
  WHERE pp."PARAM_KEY" IN ('numRows', 'numFiles', 'totalSize', 'transient_lastDdlTime') GROUP BY p."TBL_ID", pp."PARAM_KEY";
SELECT "CD_ID", "COLUMN_NAME", "TYPE_NAME", "COMMENT" FROM "COLUMNS_V2" ORDER BY "CD_ID", "INTEGER_IDX";
"#;

fn psql(url: &str) -> Result<Duration> {
    let t0 = Instant::now();
    let out = Command::new("psql")
        .args(["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-o", "/dev/null", "-d", url, "-c", PSQL_EQUIVALENT])
        .output()
        .context("running psql (install the PostgreSQL client)")?;
    if !out.status.success() {
        return Err(Error::internal(format!("psql failed: {}", String::from_utf8_lossy(&out.stderr).trim())));
    }
    Ok(t0.elapsed())
}

/// One keystroke's search on the metastore itself: every term somewhere in name, owner, comment or a
/// column name, case-insensitive, first `limit` rows.
async fn metastore_ilike(c: &mut sqlx::PgConnection, q: &str, limit: usize) -> Result<usize> {
    let terms: Vec<String> = q.split_whitespace().map(|t| format!("%{}%", t.replace('\\', "").replace('%', "\\%").replace('_', "\\_"))).collect();
    let mut sql = String::from(r#"SELECT t."TBL_ID" FROM "TBLS" t JOIN "DBS" d ON d."DB_ID" = t."DB_ID" WHERE true"#);
    for n in 1..=terms.len() {
        sql.push_str(&format!(
            r#" AND (t."TBL_NAME" ILIKE ${n} OR d."NAME" ILIKE ${n} OR t."OWNER" ILIKE ${n}
                OR EXISTS (SELECT 1 FROM "TABLE_PARAMS" p WHERE p."TBL_ID" = t."TBL_ID" AND p."PARAM_KEY" = 'comment' AND p."PARAM_VALUE" ILIKE ${n})
                OR EXISTS (SELECT 1 FROM "SDS" s JOIN "COLUMNS_V2" c ON c."CD_ID" = s."CD_ID" WHERE s."SD_ID" = t."SD_ID" AND c."COLUMN_NAME" ILIKE ${n}))"#
        ));
    }
    sql.push_str(&format!(" LIMIT {limit}"));
    let mut query = sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql.as_str()));
    for t in &terms {
        query = query.bind(t);
    }
    Ok(query.fetch_all(&mut *c).await.context("ILIKE search on the metastore")?.len())
}

pub async fn run(opts: &Options) -> Result<Report> {
    if opts.tables < 2 {
        return Err(Error::invalid("--tables must be at least 2"));
    }
    let url = with_database(&opts.pg_url, &opts.database)?;
    let ((tables, partitions, columns, bytes), generated, gen_time) = ensure_metastore(opts, &url).await?;
    std::fs::create_dir_all(&opts.work_dir).with_context(|| format!("creating {}", opts.work_dir.display()))?;
    let store_path = opts.work_dir.join("store.db");
    let source = SourceConfig { uri: Some(url.clone()), ..SourceConfig::new("hms", SourceKind::Hms) };
    let ls = Lakescope::new(vec![source], None);
    let cancel = CancelToken::new();

    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    let mut store: Option<Store> = None;
    for _ in 0..opts.runs.max(1) {
        if let Some(s) = store.take() {
            s.close().await;
        }
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", store_path.display()));
        }
        let s = Store::open(Some(&store_path.display().to_string())).await?;
        let t0 = Instant::now();
        let report = ls.refresh_index(&s, &cancel, &|_| {}).await?;
        ours.push(t0.elapsed());
        if report.tables_in_index != tables as u64 || report.failed > 0 {
            return Err(Error::internal(format!(
                "the index holds {} tables ({} failed), the metastore {tables}",
                report.tables_in_index, report.failed
            )));
        }
        theirs.push(psql(&url)?);
        store = Some(s);
    }
    let s = store.expect("at least one run");
    let t0 = Instant::now();
    let again = ls.refresh_index(&s, &cancel, &|_| {}).await?;
    let reindex = t0.elapsed();
    if again.indexed != 0 || again.unchanged != tables as u64 {
        return Err(Error::internal(format!("a refresh with nothing changed re-indexed {} tables", again.indexed)));
    }
    let t0 = Instant::now();
    let index = Lakescope::load_index(&s).await?;
    let load_index_ms = t0.elapsed().as_secs_f64() * 1e3;
    s.close().await;
    let indexed_bytes: u64 = index.tables().iter().map(|t| t.data_bytes).sum();
    if indexed_bytes != bytes as u64 {
        return Err(Error::internal(format!("the index sums {indexed_bytes} bytes, the metastore's totalSize {bytes}")));
    }

    let queries = keystrokes();
    let filters = SearchFilters::default();
    let mut ours_q = Vec::new();
    for _ in 0..opts.runs.max(1) {
        for q in &queries {
            let t0 = Instant::now();
            std::hint::black_box(index.search(q, &filters, opts.limit));
            ours_q.push(t0.elapsed());
        }
    }
    let mut c = sqlx::PgConnection::connect(&url).await.context("connecting to the bench metastore")?;
    let mut theirs_q = Vec::new();
    for q in &queries {
        let t0 = Instant::now();
        metastore_ilike(&mut c, q, opts.limit).await?;
        theirs_q.push(t0.elapsed());
    }
    let _ = c.close().await;
    let base = latency("lakescope in-memory index", &ours_q, None);
    let search = vec![latency("PostgreSQL ILIKE on the metastore per keystroke", &theirs_q, Some(&base)), base];

    Ok(Report {
        tables: tables as u64,
        partitions: partitions as u64,
        columns: columns as u64,
        generated,
        generate_seconds: gen_time.as_secs_f64(),
        index: Comparison::new(
            format!("{tables} tables, {partitions} partitions"),
            "lakescope index (metastore → SQLite store)",
            "psql fetching the same metastore rows",
            median(&ours),
            median(&theirs),
        ),
        index_goal_seconds: 20.0,
        reindex_unchanged_seconds: reindex.as_secs_f64(),
        tables_in_index: index.len() as u64,
        indexed_bytes,
        load_index_ms,
        typed: super::search::TYPED.iter().map(|s| s.to_string()).collect(),
        search,
        search_goal_p99_ms: 10.0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generator_splices_only_numbers_and_constants() {
        let sql = generate_sql(10, 3);
        assert!(sql.contains("generate_series(1, 15) p"), "5 partitioned tables × 3 days");
        assert!(!sql.contains("{"), "every placeholder is filled");
        assert!(with_database("postgres://u:p@h:1/postgres", "b").unwrap().ends_with("@h:1/b"));
    }
}
