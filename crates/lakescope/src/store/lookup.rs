//! The lookup index's rows in the store (`lookup_tables`, `lookup_errors`; migration 0002).
//!
//! Columns and partition columns are kept as JSON text: they are only ever read back whole, and one
//! TEXT column keeps the SQL portable between SQLite and PostgreSQL.

use super::{Pool, Store};
use crate::error::{ErrorKind, ErrorReport, Result, ResultExt};
use crate::lookup::{IndexError, IndexedTable, Layer};

const UPSERT: &str = "INSERT INTO lookup_tables (source, namespace, name, source_kind, format, location, fingerprint, \
     layer, owner, comment, columns_json, partition_columns, records, data_files, data_bytes, total_bytes, \
     last_modified_ms, indexed_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) \
     ON CONFLICT (source, namespace, name) DO UPDATE SET source_kind = excluded.source_kind, format = excluded.format, \
     location = excluded.location, fingerprint = excluded.fingerprint, layer = excluded.layer, owner = excluded.owner, \
     comment = excluded.comment, columns_json = excluded.columns_json, partition_columns = excluded.partition_columns, \
     records = excluded.records, data_files = excluded.data_files, data_bytes = excluded.data_bytes, \
     total_bytes = excluded.total_bytes, last_modified_ms = excluded.last_modified_ms, indexed_ms = excluded.indexed_ms";

/// [`UPSERT`] with one row's values bound (`columns` and `parts` are its JSON texts).
macro_rules! upsert_query {
    ($t:expr, $columns:expr, $parts:expr) => {{
        let t = $t;
        let n = |v: u64| v as i64;
        sqlx::query(UPSERT)
            .bind(t.source.as_str())
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

    /// Insert or replace one table's row.
    pub async fn lookup_upsert(&self, t: &IndexedTable) -> Result<()> {
        let (columns, parts) = (serde_json::to_string(&t.columns)?, serde_json::to_string(&t.partition_columns)?);
        on_pool!(self, p => upsert_query!(t, &columns, &parts).execute(p).await.map(|r| r.rows_affected()))
            .with_context(|| format!("indexing {} in store {}", t.qualified_name(), self.display))?;
        Ok(())
    }

    /// Insert or replace many rows in one transaction (a metastore refresh writes 100k rows; one commit
    /// per row would spend the whole refresh in fsync).
    pub async fn lookup_upsert_many(&self, rows: &[IndexedTable]) -> Result<()> {
        let json: Vec<(String, String)> = rows
            .iter()
            .map(|t| Ok((serde_json::to_string(&t.columns)?, serde_json::to_string(&t.partition_columns)?)))
            .collect::<Result<_>>()?;
        on_pool!(self, p => async {
            let mut tx = p.begin().await?;
            for (t, (columns, parts)) in rows.iter().zip(&json) {
                upsert_query!(t, columns, parts).execute(&mut *tx).await?;
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
        let listed = self.lookup_fingerprints().await?;
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
