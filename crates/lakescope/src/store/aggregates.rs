//! The store's side of the overview: the latest finished collection and what its snapshots add up to,
//! computed by the database (per-schema sums, each table's live bytes at two times from its recorded
//! versions) so a store of 10,000 tables answers in one round trip per question, not one per table.
//!
//! The SQL is one portable text for SQLite and PostgreSQL: an anti-join, correlated subqueries with
//! `LIMIT 1`, and every aggregate cast back to BIGINT (PostgreSQL's `SUM(bigint)` is `numeric`).

use crate::error::{Result, ResultExt};
use crate::model::HistoryRow;

use super::{rows, CollectionRun, INSERT_SNAPSHOT, Pool, SizeSnapshot, Store};

/// One schema's (`source.namespace`) sums over the latest snapshots of its tables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaSums {
    pub source: String,
    pub namespace: String,
    pub tables: u64,
    pub total_bytes: u64,
    pub live_bytes: u64,
    pub reclaimable_bytes: u64,
}

/// One table of the latest snapshots with its live data bytes at the window's two ends, from the versions
/// `collect` recorded (`has_history` false: none recorded, growth unknown).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableGrowth {
    pub source: String,
    pub namespace: String,
    pub name: String,
    pub format: crate::model::TableFormat,
    pub has_history: bool,
    pub bytes_before: u64,
    pub bytes_now: u64,
}

/// The latest snapshot of every table on `$1` (a UTC day) taken at or before `$2`: later collection,
/// then later version time, then higher version key wins. An anti-join probing `table_snapshots_by_day`
/// once per row (about 3x faster on SQLite than numbering rows with a window function, which sorts).
const LATEST: &str = "WITH latest AS (SELECT s.source, s.namespace, s.name, s.format, s.total_bytes, s.live_bytes, \
     s.reclaimable_bytes FROM table_snapshots s WHERE s.day = $1 AND s.collected_ms <= $2 AND NOT EXISTS (SELECT 1 \
     FROM table_snapshots t WHERE t.day = s.day AND t.source = s.source AND t.namespace = s.namespace \
     AND t.name = s.name AND t.collected_ms <= $2 AND (t.collected_ms > s.collected_ms OR (t.collected_ms = \
     s.collected_ms AND (COALESCE(t.version_ms, 0) > COALESCE(s.version_ms, 0) OR (COALESCE(t.version_ms, 0) = \
     COALESCE(s.version_ms, 0) AND t.version_key > s.version_key)))))) ";

impl Store {
    /// The latest finished collection run whose as-of is at or before `as_of_ms`.
    pub async fn latest_finished_run(&self, as_of_ms: i64) -> Result<Option<CollectionRun>> {
        const SQL: &str = "SELECT * FROM collection_runs WHERE finished_ms IS NOT NULL AND as_of_ms <= $1 \
                           ORDER BY as_of_ms DESC, finished_ms DESC, run_id DESC LIMIT 1";
        let what = || format!("reading the latest collection run from store {}", self.display);
        on_pool!(self, p => {
            let row = sqlx::query(SQL).bind(as_of_ms).fetch_optional(p).await.with_context(what)?;
            row.as_ref().map(|r| rows::run_from_row!(r).with_context(what)).transpose()
        })
    }

    /// Bytes per schema over the latest snapshot of each table collected on `day` at or before `as_of_ms`.
    pub async fn schema_sums(&self, day: &str, as_of_ms: i64) -> Result<Vec<SchemaSums>> {
        let sql = format!(
            "{LATEST}SELECT source, namespace, CAST(COUNT(*) AS BIGINT) AS tables, CAST(SUM(total_bytes) AS BIGINT) AS total, \
             CAST(SUM(live_bytes) AS BIGINT) AS live, CAST(SUM(reclaimable_bytes) AS BIGINT) AS reclaimable \
             FROM latest GROUP BY source, namespace"
        );
        let what = || format!("summing snapshots per schema in store {}", self.display);
        on_pool!(self, p => {
            let found = sqlx::query(sqlx::AssertSqlSafe(sql.as_str())).bind(day).bind(as_of_ms).fetch_all(p).await.with_context(what)?;
            found
                .iter()
                .map(|r| {
                    use sqlx::Row as _;
                    let c = |col: &str| -> Result<u64> { rows::count(r.try_get::<i64, _>(col)?, col) };
                    Ok(SchemaSums {
                        source: r.try_get("source")?,
                        namespace: r.try_get("namespace")?,
                        tables: c("tables")?,
                        total_bytes: c("total")?,
                        live_bytes: c("live")?,
                        reclaimable_bytes: c("reclaimable")?,
                    })
                })
                .collect::<Result<Vec<_>>>()
                .with_context(what)
        })
    }

    /// Every table of the latest snapshots (as for [`Store::schema_sums`]) with its live data bytes at
    /// `from_ms` and at `as_of_ms`: the last recorded version at or before each (ties: the higher version).
    pub async fn table_growth(&self, day: &str, from_ms: i64, as_of_ms: i64) -> Result<Vec<TableGrowth>> {
        let at = |t: &str| {
            format!(
                "(SELECT v.data_bytes FROM table_versions v WHERE v.source = l.source AND v.namespace = l.namespace \
                 AND v.name = l.name AND v.timestamp_ms <= {t} ORDER BY v.timestamp_ms DESC, v.version DESC LIMIT 1)"
            )
        };
        let sql = format!(
            "{LATEST}SELECT l.source, l.namespace, l.name, l.format, \
             CAST(CASE WHEN EXISTS (SELECT 1 FROM table_versions v WHERE v.source = l.source AND v.namespace = l.namespace \
             AND v.name = l.name) THEN 1 ELSE 0 END AS BIGINT) AS has_history, \
             CAST(COALESCE({}, 0) AS BIGINT) AS bytes_before, CAST(COALESCE({}, 0) AS BIGINT) AS bytes_now FROM latest l",
            at("$3"),
            at("$2"),
        );
        let what = || format!("reading table growth from store {}", self.display);
        on_pool!(self, p => {
            let found = sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(day)
                .bind(as_of_ms)
                .bind(from_ms)
                .fetch_all(p)
                .await
                .with_context(what)?;
            found
                .iter()
                .map(|r| {
                    use sqlx::Row as _;
                    let c = |col: &str| -> Result<u64> { rows::count(r.try_get::<i64, _>(col)?, col) };
                    Ok(TableGrowth {
                        source: r.try_get("source")?,
                        namespace: r.try_get("namespace")?,
                        name: r.try_get("name")?,
                        format: rows::format(&r.try_get::<String, _>("format")?)?,
                        has_history: r.try_get::<i64, _>("has_history")? == 1,
                        bytes_before: c("bytes_before")?,
                        bytes_now: c("bytes_now")?,
                    })
                })
                .collect::<Result<Vec<_>>>()
                .with_context(what)
        })
    }

    /// Record many tables' snapshots and versions in one transaction (bulk loads such as `lakescope bench
    /// size`'s scratch store: one commit instead of one per table). Already recorded rows are kept.
    pub async fn import(&self, tables: &[(super::SizeSnapshot, Vec<HistoryRow>)]) -> Result<()> {
        const VERSION: &str = "INSERT INTO table_versions (source, namespace, name, version_id, version, timestamp_ms, \
             data_bytes) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING";
        let n = |v: u64| v as i64;
        on_pool!(self, p => async {
            let mut tx = p.begin().await?;
            for (s, history) in tables {
                insert_snapshot!(s).execute(&mut *tx).await?;
                for h in history {
                    sqlx::query(VERSION)
                        .bind(&s.source)
                        .bind(&s.namespace)
                        .bind(&s.name)
                        .bind(&h.version_id)
                        .bind(h.version)
                        .bind(h.timestamp_ms)
                        .bind(n(h.data_bytes))
                        .execute(&mut *tx)
                        .await?;
                }
            }
            tx.commit().await
        }
        .await)
        .with_context(|| format!("importing {} tables into store {}", tables.len(), self.display))
    }

    /// Record a table's versions (its history as read now) in one transaction; versions already
    /// recorded are left as they are. Returns how many were new.
    pub async fn record_versions(&self, table: (&str, &str, &str), history: &[HistoryRow]) -> Result<u64> {
        const SQL: &str = "INSERT INTO table_versions (source, namespace, name, version_id, version, timestamp_ms, data_bytes) \
                           VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING";
        let (source, namespace, name) = table;
        on_pool!(self, p => async {
            let mut tx = p.begin().await?;
            let mut new = 0;
            for h in history {
                new += sqlx::query(SQL)
                    .bind(source)
                    .bind(namespace)
                    .bind(name)
                    .bind(&h.version_id)
                    .bind(h.version)
                    .bind(h.timestamp_ms)
                    .bind(h.data_bytes as i64)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
            }
            tx.commit().await?;
            Ok::<u64, sqlx::Error>(new)
        }
        .await)
        .with_context(|| format!("recording the versions of {source}.{namespace}.{name} in store {}", self.display))
    }
}
