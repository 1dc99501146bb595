//! The lookup index's rows in the store (`lookup_tables`, `lookup_errors`; migration 0002).
//!
//! Columns and partition columns are kept as JSON text: they are only ever read back whole, and one
//! TEXT column keeps the SQL portable between SQLite and PostgreSQL.

use std::sync::LazyLock;

use super::{Pool, Store};
use crate::error::{ErrorKind, ErrorReport, Result, ResultExt};
use crate::lookup::{IndexError, IndexedTable, Layer};

/// The upsert of [`upsert_sql`] without its `VALUES` rows.
const UPSERT_INTO: &str = "INSERT INTO lookup_tables (source, namespace, name, source_kind, format, location, fingerprint, \
     layer, owner, comment, columns_json, partition_columns, records, data_files, data_bytes, total_bytes, \
     last_modified_ms, indexed_ms) VALUES ";
const UPSERT_SET: &str = " ON CONFLICT (source, namespace, name) DO UPDATE SET source_kind = excluded.source_kind, format = excluded.format, \
     location = excluded.location, fingerprint = excluded.fingerprint, layer = excluded.layer, owner = excluded.owner, \
     comment = excluded.comment, columns_json = excluded.columns_json, partition_columns = excluded.partition_columns, \
     records = excluded.records, data_files = excluded.data_files, data_bytes = excluded.data_bytes, \
     total_bytes = excluded.total_bytes, last_modified_ms = excluded.last_modified_ms, indexed_ms = excluded.indexed_ms";
/// Values per row of the upsert.
const UPSERT_VALUES: usize = 18;
/// Rows per statement of [`Store::lookup_upsert_many`]: one statement (one prepared-statement execution,
/// one round trip to SQLite's worker thread) per this many rows; 64 × 18 bound values stays far below
/// SQLite's 32766 and PostgreSQL's 65535.
const ROWS_PER_STATEMENT: usize = 64;

static UPSERT_ONE: LazyLock<String> = LazyLock::new(|| upsert_sql(1));
static UPSERT_MANY: LazyLock<String> = LazyLock::new(|| upsert_sql(ROWS_PER_STATEMENT));

/// The upsert of `rows` rows: `INSERT … VALUES ($1, …, $18), ($19, …) ON CONFLICT … DO UPDATE`.
fn upsert_sql(rows: usize) -> String {
    let mut sql = String::from(UPSERT_INTO);
    for r in 0..rows {
        sql.push_str(if r == 0 { "(" } else { ", (" });
        for v in 0..UPSERT_VALUES {
            let sep = if v == 0 { "" } else { ", " };
            sql.push_str(&format!("{sep}${}", r * UPSERT_VALUES + v + 1));
        }
        sql.push(')');
    }
    sql.push_str(UPSERT_SET);
    sql
}

/// One row's values bound to the query `$q` (`columns` and `parts` are its JSON texts), in the order of
/// [`UPSERT_INTO`].
macro_rules! bind_row {
    ($q:expr, $t:expr, $columns:expr, $parts:expr) => {{
        let t = $t;
        let n = |v: u64| v as i64;
        $q.bind(t.source.as_str())
            .bind(t.namespace.as_str())
            .bind(t.name.as_str())
            .bind(t.source_kind.as_str())
            .bind(t.format.to_string())
            .bind(t.location.as_str())
            .bind(t.fingerprint.as_str())
            .bind(t.layer.map(Layer::as_str))
            .bind(t.owner.as_deref())
            .bind(t.comment.as_deref())
            .bind($columns.as_str())
            .bind($parts.as_str())
            .bind(t.records.map(n))
            .bind(n(t.data_files))
            .bind(n(t.data_bytes))
            .bind(n(t.total_bytes))
            .bind(t.last_modified_ms)
            .bind(t.indexed_ms)
    }};
}

macro_rules! indexed_from_row {
    ($r:expr) => {{
        use sqlx::Row as _;
        let r = $r;
        let c = |col: &str| -> Result<u64> { super::rows::count(r.try_get::<i64, _>(col)?, col) };
        let json = |col: &str| -> Result<String> { Ok(r.try_get::<String, _>(col)?) };
        (|| -> Result<IndexedTable> {
            let layer: Option<String> = r.try_get("layer")?;
            Ok(IndexedTable {
                source: r.try_get("source")?,
                namespace: r.try_get("namespace")?,
                name: r.try_get("name")?,
                source_kind: r.try_get("source_kind")?,
                format: super::rows::format(&r.try_get::<String, _>("format")?)?,
                location: r.try_get("location")?,
                fingerprint: r.try_get("fingerprint")?,
                layer: layer.as_deref().map(Layer::parse).transpose()?,
                owner: r.try_get("owner")?,
                comment: r.try_get("comment")?,
                columns: serde_json::from_str(&json("columns_json")?).context("column columns_json")?,
                partition_columns: serde_json::from_str(&json("partition_columns")?).context("column partition_columns")?,
                records: r.try_get::<Option<i64>, _>("records")?.map(|v| super::rows::count(v, "records")).transpose()?,
                data_files: c("data_files")?,
                data_bytes: c("data_bytes")?,
                total_bytes: c("total_bytes")?,
                last_modified_ms: r.try_get("last_modified_ms")?,
                indexed_ms: r.try_get("indexed_ms")?,
            })
        })()
    }};
}

fn kind_from_name(name: &str) -> ErrorKind {
    use ErrorKind::*;
    [NotFound, InvalidInput, Corrupt, Unsupported, Unreachable, Auth, Permission, Io, Cancelled, Internal]
        .into_iter()
        .find(|k| format!("{k:?}") == name)
        .unwrap_or(Internal)
}

impl Store {
    /// `(source, namespace, name) → fingerprint` of every indexed table.
    pub async fn lookup_fingerprints(&self) -> Result<Vec<(String, String, String, String)>> {
        const SQL: &str = "SELECT source, namespace, name, fingerprint FROM lookup_tables";
        on_pool!(self, p => sqlx::query_as::<_, (String, String, String, String)>(SQL).fetch_all(p).await)
            .with_context(|| format!("reading the lookup index of store {}", self.display))
    }

    /// How many tables the index holds.
    pub async fn lookup_count(&self) -> Result<u64> {
        const SQL: &str = "SELECT COUNT(*) FROM lookup_tables";
        let n = on_pool!(self, p => sqlx::query_scalar::<_, i64>(SQL).fetch_one(p).await)
            .with_context(|| format!("counting the lookup index of store {}", self.display))?;
        Ok(n.max(0) as u64)
    }

    /// Insert or replace one table's row.
    pub async fn lookup_upsert(&self, t: &IndexedTable) -> Result<()> {
        let (columns, parts) = (serde_json::to_string(&t.columns)?, serde_json::to_string(&t.partition_columns)?);
        on_pool!(self, p => bind_row!(sqlx::query(sqlx::AssertSqlSafe(UPSERT_ONE.as_str())), t, &columns, &parts).execute(p).await.map(|r| r.rows_affected()))
            .with_context(|| format!("indexing {} in store {}", t.qualified_name(), self.display))?;
        Ok(())
    }

    /// Insert or replace many rows in one transaction (a metastore refresh writes 100k rows; one commit
    /// per row would spend the whole refresh in fsync), [`ROWS_PER_STATEMENT`] rows per statement.
    pub async fn lookup_upsert_many(&self, rows: &[IndexedTable]) -> Result<()> {
        let json: Vec<(String, String)> = rows
            .iter()
            .map(|t| Ok((serde_json::to_string(&t.columns)?, serde_json::to_string(&t.partition_columns)?)))
            .collect::<Result<_>>()?;
        let (many, one) = (UPSERT_MANY.as_str(), UPSERT_ONE.as_str());
        on_pool!(self, p => async {
            let mut tx = p.begin().await?;
            for (chunk, json) in rows.chunks(ROWS_PER_STATEMENT).zip(json.chunks(ROWS_PER_STATEMENT)) {
                // PostgreSQL refuses to update one row twice in one statement: a chunk naming a table
                // twice (or the last, short chunk) goes row by row, in order, as SQLite would do it.
                let mut keys = std::collections::HashSet::with_capacity(chunk.len());
                let distinct = chunk.iter().all(|t| keys.insert((&t.source, &t.namespace, &t.name)));
                if chunk.len() == ROWS_PER_STATEMENT && distinct {
                    let mut q = sqlx::query(sqlx::AssertSqlSafe(many));
                    for (t, (columns, parts)) in chunk.iter().zip(json) {
                        q = bind_row!(q, t, columns, parts);
                    }
                    q.execute(&mut *tx).await?;
                } else {
                    for (t, (columns, parts)) in chunk.iter().zip(json) {
                        bind_row!(sqlx::query(sqlx::AssertSqlSafe(one)), t, columns, parts).execute(&mut *tx).await?;
                    }
                }
            }
            tx.commit().await
        }
        .await)
        .with_context(|| format!("indexing {} tables in store {}", rows.len(), self.display))
    }

    /// Remove one table's row; true when there was one.
    pub async fn lookup_remove(&self, source: &str, namespace: &str, name: &str) -> Result<bool> {
        const SQL: &str = "DELETE FROM lookup_tables WHERE source = $1 AND namespace = $2 AND name = $3";
        let n = on_pool!(self, p => sqlx::query(SQL).bind(source).bind(namespace).bind(name).execute(p).await.map(|r| r.rows_affected()))
            .with_context(|| format!("removing {source}.{namespace}.{name} from the index in store {}", self.display))?;
        Ok(n > 0)
    }

    /// Replace the recorded errors of one source with `errors`.
    pub async fn lookup_set_errors(&self, source: &str, errors: &[IndexError], now_ms: i64) -> Result<()> {
        const CLEAR: &str = "DELETE FROM lookup_errors WHERE source = $1";
        const INSERT: &str = "INSERT INTO lookup_errors (source, target, kind, message, recorded_ms) \
                              VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING";
        on_pool!(self, p => async {
            let mut tx = p.begin().await?;
            sqlx::query(CLEAR).bind(source).execute(&mut *tx).await?;
            for e in errors {
                let kind = format!("{:?}", e.error.kind);
                sqlx::query(INSERT).bind(source).bind(&e.target).bind(&kind).bind(&e.error.message).bind(now_ms).execute(&mut *tx).await?;
            }
            tx.commit().await
        }
        .await)
        .with_context(|| format!("recording index errors of source {source} in store {}", self.display))
    }

    /// Every indexed table.
    pub async fn lookup_tables(&self) -> Result<Vec<IndexedTable>> {
        const SQL: &str = "SELECT * FROM lookup_tables ORDER BY source, namespace, name";
        let what = || format!("reading the lookup index of store {}", self.display);
        on_pool!(self, p => {
            let rows = sqlx::query(SQL).fetch_all(p).await.with_context(what)?;
            rows.iter().map(|r| indexed_from_row!(r).with_context(what)).collect()
        })
    }

    /// The errors of the latest refresh of each source.
    pub async fn lookup_errors(&self) -> Result<Vec<IndexError>> {
        const SQL: &str = "SELECT source, target, kind, message FROM lookup_errors ORDER BY source, target";
        let rows = on_pool!(self, p => sqlx::query_as::<_, (String, String, String, String)>(SQL).fetch_all(p).await)
            .with_context(|| format!("reading index errors of store {}", self.display))?;
        Ok(rows
            .into_iter()
            .map(|(source, target, kind, message)| IndexError {
                source,
                target,
                error: ErrorReport { kind: kind_from_name(&kind), message },
            })
            .collect())
    }

    /// Forget every row and error of sources that are no longer configured; returns the tables removed.
    pub async fn lookup_forget_sources_except(&self, keep: &[String]) -> Result<Vec<(String, String, String)>> {
        const SOURCES: &str = "SELECT DISTINCT source FROM lookup_tables";
        let sources = on_pool!(self, p => sqlx::query_scalar::<_, String>(SOURCES).fetch_all(p).await)
            .with_context(|| format!("reading the lookup index of store {}", self.display))?;
        // Usually every indexed source is still configured: then no table row needs reading.
        let listed = if sources.iter().all(|s| keep.contains(s)) { Vec::new() } else { self.lookup_fingerprints().await? };
        let gone: Vec<(String, String, String)> =
            listed.into_iter().filter(|r| !keep.contains(&r.0)).map(|(s, ns, n, _)| (s, ns, n)).collect();
        for (s, ns, n) in &gone {
            self.lookup_remove(s, ns, n).await?;
        }
        let errors = self.lookup_errors().await?;
        for source in errors.iter().map(|e| &e.source).filter(|s| !keep.contains(s)) {
            self.lookup_set_errors(source, &[], 0).await?;
        }
        Ok(gone)
    }
}
