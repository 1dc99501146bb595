//! Lakescope's own state: collection runs and the size snapshots they record, in SQLite by default and
//! in PostgreSQL when a team shares one store.
//!
//! Why an enum over two concrete pools rather than sqlx's `AnyPool`: the Any driver needs an extra sqlx
//! feature and a runtime driver registry, and maps types through a lowest common denominator; with two
//! concrete pools every query is type-checked against both drivers at compile time while the SQL text
//! (and the embedded migrations in `crates/lakescope/migrations/`) stays one portable string — `$N`
//! placeholders, `ON CONFLICT DO NOTHING`, `BIGINT`/`TEXT` only — that both databases accept.
//!
//! Crash safety: SQLite runs in WAL mode with full sync, and each table's snapshot is written together
//! with its run's counters in one transaction, so a process killed at any moment leaves either the whole
//! table recorded or nothing of it. Snapshots are keyed by (table, UTC day, version): recording the same
//! thing twice is a no-op, which is what makes collection idempotent and resumable.

mod rows;

use std::borrow::Cow;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::LazyLock;
use std::time::Duration;

use sqlx::SqlSafeStr;
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};

use crate::error::{Error, Result, ResultExt};
use crate::sources::redact_url as redact;

pub use progress::TutorialProgress;
pub use rows::{CollectionError, CollectionRun, PrefixSnapshot, SizeSnapshot};

/// `crates/lakescope/migrations/*.sql` as (version, description, SQL), embedded by `build.rs`.
static MIGRATIONS: &[(i64, &str, &str)] = include!(concat!(env!("OUT_DIR"), "/migrations.rs"));

/// The same migrator `sqlx::migrate!` would build (versions, descriptions, checksums), without the
/// `macros` feature — see `build.rs` for why.
static MIGRATOR: LazyLock<Migrator> = LazyLock::new(|| {
    Migrator::with_migrations(
        MIGRATIONS
            .iter()
            .map(|&(version, description, sql)| {
                let no_tx = sql.starts_with("-- no-transaction");
                Migration::new(version, Cow::Borrowed(description), MigrationType::Simple, sql.into_sql_str(), no_tx)
            })
            .collect(),
    )
});

enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Run the same statement body against whichever pool the store uses (`$p` is the concrete pool).
macro_rules! on_pool {
    ($store:expr, $p:ident => $body:expr) => {
        match &$store.pool {
            Pool::Sqlite($p) => $body,
            Pool::Postgres($p) => $body,
        }
    };
}

/// One `table_snapshots` row; a table, day and version already recorded is left as it is.
const INSERT_SNAPSHOT: &str = "INSERT INTO table_snapshots (source, namespace, name, day, version_key, run_id, format, \
             location, collected_ms, version_id, version_ms, records, data_files, data_bytes, total_bytes, total_files, \
             live_bytes, old_version_bytes, orphan_bytes, metadata_bytes, reclaimable_bytes) VALUES ($1, $2, $3, $4, \
             $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21) ON CONFLICT DO NOTHING";

/// [`INSERT_SNAPSHOT`] with a [`SizeSnapshot`]'s values bound, for whichever database the pool is (one
/// list of binds for `record_snapshot` and for bulk imports).
macro_rules! insert_snapshot {
    ($s:expr) => {{
        let s: &SizeSnapshot = $s;
        let b = &s.storage;
        let n = |v: u64| v as i64;
        sqlx::query(INSERT_SNAPSHOT)
            .bind(&s.source)
            .bind(&s.namespace)
            .bind(&s.name)
            .bind(&s.day)
            .bind(&s.version_key)
            .bind(&s.run_id)
            .bind(s.format.to_string())
            .bind(&s.location)
            .bind(s.collected_ms)
            .bind(&s.version_id)
            .bind(s.version_ms)
            .bind(s.records.map(n))
            .bind(n(s.data_files))
            .bind(n(s.data_bytes))
            .bind(n(b.total_bytes))
            .bind(n(b.total_files))
            .bind(n(b.live_bytes))
            .bind(n(b.old_version_bytes))
            .bind(n(b.orphan_bytes))
            .bind(n(b.metadata_bytes))
            .bind(n(b.reclaimable_bytes))
    }};
}

/// An open, migrated store.
pub struct Store {
    pool: Pool,
    display: String,
}

/// Where the store lives when neither `--store` nor `LAKESCOPE_STORE` says: the user's data dir.
pub fn default_store_path() -> PathBuf {
    dirs::data_dir().unwrap_or_else(std::env::temp_dir).join("lakescope").join("store.db")
}

impl Store {
    /// Open (creating if needed) and migrate the store at `target`: `sqlite://…`, `postgres://…`, or a
    /// plain file path (SQLite). `None` means [`default_store_path`].
    pub async fn open(target: Option<&str>) -> Result<Store> {
        // SQLite opens in this process take turns: a new file's first connections switch it to WAL and
        // create its tables, and sqlx locks neither (see `migrate`). PostgreSQL locks its own migrations.
        static TURN: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
        let is_postgres = target.is_some_and(|t| t.starts_with("postgres://") || t.starts_with("postgresql://"));
        let _turn = if is_postgres { None } else { Some(TURN.lock().await) };
        let target = match target {
            Some(t) if !t.trim().is_empty() => t.trim().to_string(),
            _ => default_store_path().display().to_string(),
        };
        let display = redact(&target);
        let pool = if target.starts_with("postgres://") || target.starts_with("postgresql://") {
            let pool = PgPoolOptions::new()
                .max_connections(4)
                .acquire_timeout(Duration::from_secs(10))
                .connect(&target)
                .await
                .with_context(|| format!("opening store {display}"))?;
            Pool::Postgres(pool)
        } else if target.contains("://") && !target.starts_with("sqlite:") {
            return Err(Error::unsupported(format!(
                "store {display}: only sqlite:// URLs, file paths and postgres:// URLs are supported"
            )));
        } else {
            let opts = if target.starts_with("sqlite:") {
                SqliteConnectOptions::from_str(&target).with_context(|| format!("store URL {display}"))?
            } else {
                SqliteConnectOptions::new().filename(&target)
            };
            if let Some(parent) = opts.get_filename().parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
            }
            let opts = opts
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .busy_timeout(Duration::from_secs(30));
            let pool = SqlitePoolOptions::new()
                .max_connections(4)
                .connect_with(opts)
                .await
                .with_context(|| format!("opening store {display}"))?;
            Pool::Sqlite(pool)
        };
        let store = Store { pool, display };
        store.migrate().await.map_err(|e| match e {
            // A store a newer Lakescope has migrated: nothing is wrong with it, this build is older.
            sqlx::migrate::MigrateError::VersionMissing(v) => Error::new(
                crate::ErrorKind::Unsupported,
                format!(
                    "store {} was upgraded by a newer Lakescope (its migration {v} is unknown to this build {}): \
                     open it with that version, or use another store (--store)",
                    store.display,
                    crate::version::VERSION
                ),
            ),
            e => Error::new(crate::ErrorKind::Corrupt, format!("migrating store {}: {e}", store.display)).with_source(e),
        })?;
        Ok(store)
    }

    /// Bring the store's schema up to date. sqlx takes no lock on SQLite, so two opens of a new store at
    /// once (the app's first launch opens it from several commands, a CLI may run beside it) could both
    /// create a table: opens in this process take turns ([`Store::open`]), and a run that lost the race
    /// to another process is retried once, when the other's migrations are committed and are skipped.
    async fn migrate(&self) -> std::result::Result<(), sqlx::migrate::MigrateError> {
        match on_pool!(self, p => MIGRATOR.run(p).await) {
            Err(sqlx::migrate::MigrateError::Execute(_) | sqlx::migrate::MigrateError::ExecuteMigration(..)) => {
                tokio::time::sleep(Duration::from_millis(200)).await;
                on_pool!(self, p => MIGRATOR.run(p).await)
            }
            r => r,
        }
    }

    /// The store's URL or path, password redacted.
    pub fn display(&self) -> &str {
        &self.display
    }

    /// Start a collection run.
    pub async fn begin_run(&self, run: &CollectionRun) -> Result<()> {
        const SQL: &str = "INSERT INTO collection_runs (run_id, started_ms, as_of_ms, sources_file, tables_total) \
                           VALUES ($1, $2, $3, $4, $5)";
        on_pool!(self, p => sqlx::query(SQL)
            .bind(&run.run_id)
            .bind(run.started_ms)
            .bind(run.as_of_ms)
            .bind(&run.sources_file)
            .bind(run.tables_total as i64)
            .execute(p)
            .await
            .map(|r| r.rows_affected()))
        .with_context(|| format!("starting a run in store {}", self.display))?;
        Ok(())
    }

    /// Mark a run finished (a run never finished was killed or crashed).
    pub async fn finish_run(&self, run_id: &str, finished_ms: i64, tables_total: u64) -> Result<()> {
        const SQL: &str = "UPDATE collection_runs SET finished_ms = $1, tables_total = $2 WHERE run_id = $3";
        on_pool!(self, p => sqlx::query(SQL).bind(finished_ms).bind(tables_total as i64).bind(run_id).execute(p).await.map(|r| r.rows_affected()))
            .with_context(|| format!("finishing run {run_id} in store {}", self.display))?;
        Ok(())
    }

    /// Record one table's snapshot and count it in its run, in one transaction. Returns false when the
    /// same table, day and version was already recorded (nothing is written then but the count).
    pub async fn record_snapshot(&self, s: &SizeSnapshot) -> Result<bool> {
        const RECORDED: &str = "UPDATE collection_runs SET tables_recorded = tables_recorded + 1 WHERE run_id = $1";
        const PRESENT: &str = "UPDATE collection_runs SET tables_present = tables_present + 1 WHERE run_id = $1";
        let inserted = on_pool!(self, p => async {
            let mut tx = p.begin().await?;
            let done = insert_snapshot!(s).execute(&mut *tx).await?;
            let inserted = done.rows_affected() == 1;
            sqlx::query(if inserted { RECORDED } else { PRESENT }).bind(&s.run_id).execute(&mut *tx).await?;
            tx.commit().await?;
            Ok::<bool, sqlx::Error>(inserted)
        }
        .await)
        .with_context(|| format!("recording {}.{}.{} in store {}", s.source, s.namespace, s.name, self.display))?;
        Ok(inserted)
    }

    /// Record what one top-level prefix of a source holds (once per source, prefix and day).
    pub async fn record_prefix(&self, s: &PrefixSnapshot) -> Result<bool> {
        const SQL: &str = "INSERT INTO prefix_snapshots (source, prefix, day, run_id, collected_ms, bytes, objects) \
                           VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING";
        let done = on_pool!(self, p => sqlx::query(SQL)
            .bind(&s.source)
            .bind(&s.prefix)
            .bind(&s.day)
            .bind(&s.run_id)
            .bind(s.collected_ms)
            .bind(s.bytes as i64)
            .bind(s.objects as i64)
            .execute(p)
            .await
            .map(|r| r.rows_affected()))
        .with_context(|| format!("recording prefix {} of {} in store {}", s.prefix, s.source, self.display))?;
        Ok(done == 1)
    }

    /// Record why a table (or a source, or a prefix) could not be collected in a run; only tables count
    /// toward the run's `tables_failed`.
    pub async fn record_error(&self, run_id: &str, target: &str, error: &Error, is_table: bool) -> Result<()> {
        const INSERT: &str =
            "INSERT INTO collection_errors (run_id, target, kind, message) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING";
        const COUNT: &str = "UPDATE collection_runs SET tables_failed = tables_failed + 1 WHERE run_id = $1";
        let kind = format!("{:?}", error.kind);
        let message = error.detailed();
        on_pool!(self, p => async {
            let mut tx = p.begin().await?;
            let done = sqlx::query(INSERT).bind(run_id).bind(target).bind(&kind).bind(&message).execute(&mut *tx).await?;
            if is_table && done.rows_affected() == 1 {
                sqlx::query(COUNT).bind(run_id).execute(&mut *tx).await?;
            }
            tx.commit().await
        }
        .await)
        .with_context(|| format!("recording the error of {target} in store {}", self.display))?;
        Ok(())
    }

    /// Every stored snapshot, or one table's (`(source, namespace, name)`), oldest first per table.
    pub async fn snapshots(&self, table: Option<(&str, &str, &str)>) -> Result<Vec<SizeSnapshot>> {
        const ALL: &str = "SELECT * FROM table_snapshots ORDER BY source, namespace, name, collected_ms, version_key";
        const ONE: &str = "SELECT * FROM table_snapshots WHERE source = $1 AND namespace = $2 AND name = $3 \
                           ORDER BY collected_ms, version_key";
        let what = || format!("reading snapshots from store {}", self.display);
        on_pool!(self, p => {
            let rows = match table {
                None => sqlx::query(ALL).fetch_all(p).await,
                Some((s, ns, n)) => sqlx::query(ONE).bind(s).bind(ns).bind(n).fetch_all(p).await,
            }
            .with_context(what)?;
            rows.iter().map(|r| rows::snapshot_from_row!(r).with_context(what)).collect()
        })
    }

    /// Every stored prefix snapshot, oldest first per prefix.
    pub async fn prefix_snapshots(&self) -> Result<Vec<PrefixSnapshot>> {
        const SQL: &str = "SELECT * FROM prefix_snapshots ORDER BY source, prefix, collected_ms";
        let what = || format!("reading prefix snapshots from store {}", self.display);
        on_pool!(self, p => {
            let rows = sqlx::query(SQL).fetch_all(p).await.with_context(what)?;
            rows.iter().map(|r| rows::prefix_from_row!(r).with_context(what)).collect()
        })
    }

    /// Every run, oldest first.
    pub async fn runs(&self) -> Result<Vec<CollectionRun>> {
        const SQL: &str = "SELECT * FROM collection_runs ORDER BY started_ms, run_id";
        let what = || format!("reading runs from store {}", self.display);
        on_pool!(self, p => {
            let rows = sqlx::query(SQL).fetch_all(p).await.with_context(what)?;
            rows.iter().map(|r| rows::run_from_row!(r).with_context(what)).collect()
        })
    }

    /// The errors recorded in one run.
    pub async fn errors(&self, run_id: &str) -> Result<Vec<CollectionError>> {
        const SQL: &str = "SELECT * FROM collection_errors WHERE run_id = $1 ORDER BY target";
        let what = || format!("reading errors of run {run_id} from store {}", self.display);
        on_pool!(self, p => {
            let rows = sqlx::query(SQL).bind(run_id).fetch_all(p).await.with_context(what)?;
            rows.iter().map(|r| rows::error_from_row!(r).with_context(what)).collect()
        })
    }

    /// Close the pool (flushes SQLite's WAL into the database file when it is the last connection).
    pub async fn close(self) {
        on_pool!(self, p => p.close().await)
    }
}

/// The UTC calendar day of an epoch-millisecond time, `YYYY-MM-DD`.
pub fn utc_day(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms).map(|t| t.date_naive().to_string()).unwrap_or_else(|| "invalid".into())
}

// After `on_pool!`, which it uses.
mod progress;

#[cfg(test)]
mod tests;

mod lookup;

// After `on_pool!`, which it uses.
mod aggregates;
pub use aggregates::{SchemaSums, TableGrowth};

mod findings;
pub use findings::StoredFindings;
