//! The demo's Iceberg SQL catalog: a SQLite file laid out exactly as pyiceberg's `SqlCatalog` (v1 schema)
//! lays it out, so pyiceberg, Java's `JdbcCatalog` and our own `iceberg-sql` source all read it.
//!
//! Written with our sqlx 0.9 rather than `iceberg-catalog-sql`, which would pull a second sqlx into the
//! build for what is two tables and a handful of inserts.

use std::path::Path;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode};
use sqlx::{ConnectOptions, Connection, SqliteConnection};

use crate::error::{Result, ResultExt};

/// pyiceberg 0.12's `SqlCatalogBaseTable.metadata.create_all()` output, column for column.
const DDL: [&str; 2] = [
    "CREATE TABLE IF NOT EXISTS iceberg_tables (
        catalog_name VARCHAR(255) NOT NULL,
        table_namespace VARCHAR(255) NOT NULL,
        table_name VARCHAR(255) NOT NULL,
        metadata_location VARCHAR(1000),
        previous_metadata_location VARCHAR(1000),
        iceberg_type VARCHAR(5),
        PRIMARY KEY (catalog_name, table_namespace, table_name)
    )",
    "CREATE TABLE IF NOT EXISTS iceberg_namespace_properties (
        catalog_name VARCHAR(255) NOT NULL,
        namespace VARCHAR(255) NOT NULL,
        property_key VARCHAR(255) NOT NULL,
        property_value VARCHAR(1000) NOT NULL,
        PRIMARY KEY (catalog_name, namespace, property_key)
    )",
];

/// `iceberg_type` of table rows (views would be `VIEW`); pyiceberg filters on it.
const TABLE_TYPE: &str = "TABLE";

async fn connect(db: &Path, create: bool) -> Result<SqliteConnection> {
    // Rollback journal, not WAL: the catalog is one small file that readers may open read-only.
    SqliteConnectOptions::new()
        .filename(db)
        .create_if_missing(create)
        .journal_mode(SqliteJournalMode::Delete)
        .connect()
        .await
        .with_context(|| format!("opening Iceberg catalog {}", db.display()))
}

/// Create the catalog's two tables in a new (or existing) SQLite file.
pub async fn create(db: &Path) -> Result<()> {
    let mut conn = connect(db, true).await?;
    for ddl in DDL {
        sqlx::query(ddl).execute(&mut conn).await.with_context(|| format!("creating tables in {}", db.display()))?;
    }
    conn.close().await.with_context(|| format!("closing {}", db.display()))?;
    Ok(())
}

/// Register (or move) a table: its namespace with pyiceberg's minimal `exists=true` property, and
/// the table row pointing at its current and previous metadata files.
pub async fn register_table(
    db: &Path,
    catalog: &str,
    namespace: &str,
    name: &str,
    metadata_location: &str,
    previous_metadata_location: Option<&str>,
) -> Result<()> {
    let mut conn = connect(db, false).await?;
    let what = || format!("registering {namespace}.{name} in {}", db.display());
    sqlx::query(
        "INSERT OR IGNORE INTO iceberg_namespace_properties (catalog_name, namespace, property_key, property_value)
         VALUES (?, ?, 'exists', 'true')",
    )
    .bind(catalog)
    .bind(namespace)
    .execute(&mut conn)
    .await
    .with_context(what)?;
    sqlx::query(
        "INSERT OR REPLACE INTO iceberg_tables
           (catalog_name, table_namespace, table_name, metadata_location, previous_metadata_location, iceberg_type)
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(catalog)
    .bind(namespace)
    .bind(name)
    .bind(metadata_location)
    .bind(previous_metadata_location)
    .bind(TABLE_TYPE)
    .execute(&mut conn)
    .await
    .with_context(what)?;
    conn.close().await.with_context(what)?;
    Ok(())
}
