//! `lakescope bench search`: Ctrl+K latency over a large index, ours against what an app would do
//! without an in-memory structure: SQL `LIKE '%…%'` per keystroke, and SQLite's own full-text index
//! (FTS5, prefix query, ranked by bm25) over the same rows.
//!
//! The rows are synthetic but shaped like a real platform (medallion names, 5–20 columns, comments,
//! team owners) and generated from a fixed seed, so every run searches the same 100k tables. Each query
//! series types a few realistic targets one keystroke at a time, as a person does in the quick-open box.

use std::time::{Duration, Instant};

use serde::Serialize;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use sqlx::SqlitePool;

use crate::error::{Result, ResultExt};
use crate::lookup::{IndexedColumn, IndexedTable, Layer, SearchFilters, SearchIndex};
use crate::model::TableFormat;

pub struct Options {
    pub tables: usize,
    /// How many times the whole keystroke series is run (p50/p99 are over every query of every run).
    pub runs: usize,
    pub limit: usize,
}

/// What each side needed per keystroke.
#[derive(Debug, Clone, Serialize)]
pub struct Latency {
    pub engine: String,
    pub queries: usize,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    /// This engine's p99 / ours: how many times slower than the in-memory index it is.
    pub p99_ratio: f64,
    pub p50_ratio: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub tables: usize,
    pub columns: usize,
    /// The strings typed one keystroke at a time.
    pub typed: Vec<String>,
    pub build_index_ms: f64,
    pub build_sqlite_ms: f64,
    pub latencies: Vec<Latency>,
}

pub(crate) const WORDS: &[&str] = &[
    "orders", "customer", "payment", "revenue", "clicks", "session", "product", "inventory", "shipment", "refund",
    "invoice", "campaign", "churn", "ltv", "web", "logs", "events", "account", "supplier", "warehouse", "returns",
    "basket", "coupon", "device", "region", "store", "ledger", "margin", "forecast", "budget", "employee", "ticket",
];
pub(crate) const COLUMN_STEMS: &[&str] = &[
    "order", "customer", "product", "session", "device", "store", "region", "campaign", "invoice", "ticket",
];
pub(crate) const COLUMN_TAILS: &[&str] = &["id", "ts", "date", "amount", "amount_eur", "status", "type", "name", "count", "code"];
pub(crate) const TEAMS: &[&str] = &["data-eng", "finance-analytics", "growth", "marketing-bi", "ops", "risk", "jdoe", "asmith"];
pub(crate) const TYPED: &[&str] = &["customer_id", "ods_orders", "revenue eur", "paymnts", "finance-analytics", "churn model"];

/// A small deterministic generator (xorshift), so every run builds the same rows.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[(self.next() % from.len() as u64) as usize]
    }
}

/// `n` synthetic index rows.
pub fn synthetic_rows(n: usize) -> Vec<IndexedTable> {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    (0..n)
        .map(|i| {
            let ns = match rng.next() % 6 {
                0 => "ods".to_string(),
                1 => "mart".to_string(),
                2 => "fact".to_string(),
                3 => format!("usr_{}", rng.pick(&TEAMS[6..])),
                4 => "dim".to_string(),
                _ => "stage".to_string(),
            };
            let prefix = if ns == "dim" || ns == "stage" { ns.clone() } else { ns.trim_start_matches("usr_").to_string() };
            let name = format!("{prefix}_{}_{}_{i}", rng.pick(WORDS), rng.pick(WORDS));
            let ncols = 5 + (rng.next() % 16) as usize;
            let columns = (0..ncols)
                .map(|c| IndexedColumn {
                    name: format!("{}_{}{}", rng.pick(COLUMN_STEMS), rng.pick(COLUMN_TAILS), if c > 9 { "_2" } else { "" }),
                    data_type: "string".into(),
                    comment: None,
                })
                .collect();
            let format = [TableFormat::Iceberg, TableFormat::Delta, TableFormat::Parquet][(rng.next() % 3) as usize];
            IndexedTable {
                source: ["lake", "hms", "delta"][(rng.next() % 3) as usize].into(),
                layer: Layer::of(&ns, &name),
                comment: Some(format!(
                    "{} {} per {} for the {} team",
                    rng.pick(WORDS),
                    rng.pick(WORDS),
                    rng.pick(&["day", "hour", "order line", "customer"]),
                    rng.pick(TEAMS)
                )),
                owner: Some(rng.pick(TEAMS).to_string()),
                location: format!("s3://lake/{ns}.db/{name}"),
                namespace: ns,
                name,
                source_kind: "iceberg-sql".into(),
                format,
                fingerprint: String::new(),
                columns,
                partition_columns: Vec::new(),
                records: Some(rng.next() % 1_000_000_000),
                data_files: rng.next() % 10_000,
                data_bytes: rng.next() % 1_000_000_000_000,
                total_bytes: 0,
                last_modified_ms: Some(1_790_000_000_000 + (rng.next() % 10_000_000_000) as i64),
                indexed_ms: 0,
            }
        })
        .collect()
}

/// Every prefix of every typed string: what the box holds after each keystroke.
pub(crate) fn keystrokes() -> Vec<String> {
    TYPED.iter().flat_map(|t| (1..=t.len()).map(move |n| t[..n].to_string())).collect()
}

pub async fn run(opts: &Options) -> Result<Report> {
    let rows = synthetic_rows(opts.tables);
    let columns = rows.iter().map(|r| r.columns.len()).sum();
    let t0 = Instant::now();
    let index = SearchIndex::new(rows.clone());
    let build_index_ms = ms(t0.elapsed());
    let t0 = Instant::now();
    let pool = sqlite_with(&rows).await?;
    let build_sqlite_ms = ms(t0.elapsed());
    let queries = keystrokes();
    let filters = SearchFilters::default();

    let (mut ours, mut like, mut fts) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..opts.runs.max(1) {
        for q in &queries {
            let t0 = Instant::now();
            std::hint::black_box(index.search(q, &filters, opts.limit));
            ours.push(t0.elapsed());

            let t0 = Instant::now();
            like_query(&pool, q, opts.limit).await?;
            like.push(t0.elapsed());

            let t0 = Instant::now();
            fts_query(&pool, q, opts.limit).await?;
            fts.push(t0.elapsed());
        }
    }
    pool.close().await;
    let base = latency("lakescope in-memory index", &ours, None);
    let latencies = vec![
        latency("SQLite LIKE '%q%' per keystroke", &like, Some(&base)),
        latency("SQLite FTS5 prefix query (bm25)", &fts, Some(&base)),
        base,
    ];
    Ok(Report {
        tables: rows.len(),
        columns,
        typed: TYPED.iter().map(|s| s.to_string()).collect(),
        build_index_ms,
        build_sqlite_ms,
        latencies,
    })
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

pub(crate) fn latency(engine: &str, samples: &[Duration], base: Option<&Latency>) -> Latency {
    let mut v = samples.to_vec();
    v.sort();
    let at = |p: f64| v.get(((v.len() as f64 - 1.0) * p).round() as usize).copied().map(ms).unwrap_or(0.0);
    let (p50, p99) = (at(0.5), at(0.99));
    let ratio = |ours: f64, theirs: f64| if ours > 0.0 { theirs / ours } else { f64::INFINITY };
    Latency {
        engine: engine.into(),
        queries: v.len(),
        p50_ms: p50,
        p99_ms: p99,
        max_ms: v.last().copied().map(ms).unwrap_or(0.0),
        p99_ratio: base.map(|b| ratio(b.p99_ms, p99)).unwrap_or(1.0),
        p50_ratio: base.map(|b| ratio(b.p50_ms, p50)).unwrap_or(1.0),
    }
}

/// An in-memory SQLite with the rows (one text column per searchable field) and an FTS5 index over them.
async fn sqlite_with(rows: &[IndexedTable]) -> Result<SqlitePool> {
    let opts = SqliteConnectOptions::new().in_memory(true);
    // One connection: an in-memory database lives in its connection.
    let pool = SqlitePoolOptions::new().max_connections(1).connect_with(opts).await.context("opening in-memory SQLite")?;
    let what = || "loading the bench rows into SQLite".to_string();
    sqlx::query("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, namespace TEXT, columns TEXT, comment TEXT, owner TEXT)")
        .execute(&pool)
        .await
        .with_context(what)?;
    sqlx::query("CREATE VIRTUAL TABLE f USING fts5(name, namespace, columns, comment, owner, content='t', content_rowid='id')")
        .execute(&pool)
        .await
        .with_context(what)?;
    let mut tx = pool.begin().await.with_context(what)?;
    for (i, r) in rows.iter().enumerate() {
        let cols = r.columns.iter().map(|c| c.name.as_str()).collect::<Vec<_>>().join(" ");
        sqlx::query("INSERT INTO t VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(i as i64)
            .bind(&r.name)
            .bind(&r.namespace)
            .bind(cols)
            .bind(&r.comment)
            .bind(&r.owner)
            .execute(&mut *tx)
            .await
            .with_context(what)?;
    }
    sqlx::query("INSERT INTO f(f) VALUES ('rebuild')").execute(&mut *tx).await.with_context(what)?;
    tx.commit().await.with_context(what)?;
    Ok(pool)
}

async fn like_query(pool: &SqlitePool, q: &str, limit: usize) -> Result<usize> {
    // Every term must appear in some field, as in ours; name hits first.
    let terms: Vec<String> = q.split_whitespace().map(|t| format!("%{}%", t.replace('%', "").replace('_', "\\_"))).collect();
    let mut sql = String::from("SELECT id FROM t WHERE 1=1");
    for n in 1..=terms.len() {
        sql.push_str(&format!(
            " AND (name LIKE ${n} ESCAPE '\\' OR namespace LIKE ${n} ESCAPE '\\' OR columns LIKE ${n} ESCAPE '\\' \
               OR comment LIKE ${n} ESCAPE '\\' OR owner LIKE ${n} ESCAPE '\\')"
        ));
    }
    sql.push_str(&format!(" ORDER BY (name LIKE $1 ESCAPE '\\') DESC, length(name) LIMIT {limit}"));
    // Only placeholders and the integer limit are spliced in; the terms are bound.
    let mut query = sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql.as_str()));
    for t in &terms {
        query = query.bind(t);
    }
    Ok(query.fetch_all(pool).await.context("LIKE query")?.len())
}

async fn fts_query(pool: &SqlitePool, q: &str, limit: usize) -> Result<usize> {
    // Each term as a quoted prefix query; FTS5's tokenizer splits on `_`, `-` and spaces like ours.
    let expr: Vec<String> = q
        .split_whitespace()
        .map(|t| {
            let words: Vec<String> =
                t.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(|w| format!("\"{w}\"")).collect();
            format!("{}*", words.join(" + "))
        })
        .filter(|e| e != "*")
        .collect();
    if expr.is_empty() {
        return Ok(0);
    }
    let sql = format!("SELECT rowid FROM f WHERE f MATCH $1 ORDER BY bm25(f, 10.0, 7.0, 7.0, 5.0, 6.0) LIMIT {limit}");
    Ok(sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql.as_str())).bind(expr.join(" AND ")).fetch_all(pool).await.context("FTS5 query")?.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synthetic_rows_are_reproducible_and_searchable() {
        let a = synthetic_rows(500);
        assert_eq!(a, synthetic_rows(500));
        let ix = SearchIndex::new(a);
        let hits = ix.search("customer_id", &SearchFilters::default(), 10);
        assert_eq!(hits.len(), 10, "a common column is found in many tables");
        assert!(keystrokes().len() > 40);
    }

    #[tokio::test]
    async fn baselines_answer_the_same_kind_of_query() {
        let rows = synthetic_rows(300);
        let pool = sqlite_with(&rows).await.unwrap();
        assert!(like_query(&pool, "customer_id", 10).await.unwrap() > 0);
        assert!(fts_query(&pool, "customer_id", 10).await.unwrap() > 0);
        assert!(fts_query(&pool, "revenue eur", 10).await.unwrap() > 0);
        assert_eq!(fts_query(&pool, "-", 10).await.unwrap(), 0, "punctuation alone is no query");
    }
}
