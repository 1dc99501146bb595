//! Iceberg SQL catalogs: the `iceberg_tables` table that pyiceberg's `SqlCatalog` and Java's `JdbcCatalog`
//! keep in SQLite, PostgreSQL or MySQL. Opened read-only; one query lists a whole catalog.

use std::str::FromStr;

use sqlx::Row;

use super::CatalogEntry;
use crate::error::{Error, Result, ResultExt};
use crate::model::{TableFormat, TableRef};
use crate::sources::SourceConfig;

const LIST_SQLITE: &str = "SELECT table_namespace, table_name, metadata_location FROM iceberg_tables WHERE catalog_name = ?";
const LIST_PG: &str = "SELECT table_namespace, table_name, metadata_location FROM iceberg_tables WHERE catalog_name = $1";

/// Connect with `$opts` and run `$sql` bound to the catalog name: the same three lines for each driver.
macro_rules! fetch_tables {
    ($opts:expr, $sql:expr, $catalog:expr, $uri:expr) => {{
        let mut conn = sqlx::ConnectOptions::connect(&$opts).await.with_context(|| format!("opening catalog {}", $uri))?;
        sqlx::query($sql)
            .bind($catalog)
            .fetch_all(&mut conn)
            .await
            .with_context(|| format!("reading iceberg_tables in {}", $uri))?
            .into_iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect()
    }};
}

/// List the catalog's tables. Errors do not name the source: `catalog::list_all` does that once.
pub async fn list(source: &SourceConfig) -> Result<Vec<CatalogEntry>> {
    let uri = source.uri.as_deref().ok_or_else(|| Error::invalid("an iceberg-sql source needs `uri`"))?;
    let catalog = source.catalog.as_deref().unwrap_or("default");
    let shown = crate::sources::redact_url(uri);
    let rows: Vec<(String, String, Option<String>)> = if uri.starts_with("sqlite:") {
        let opts = sqlx::sqlite::SqliteConnectOptions::from_str(uri)
            .with_context(|| format!("catalog URI {shown}"))?
            .read_only(true)
            .create_if_missing(false);
        let file = opts.get_filename();
        if !file.as_os_str().is_empty() && file != std::path::Path::new(":memory:") && !file.exists() {
            return Err(Error::not_found(format!("catalog database {} does not exist", file.display())));
        }
        fetch_tables!(opts, LIST_SQLITE, catalog, shown)
    } else if uri.starts_with("postgres:") || uri.starts_with("postgresql:") {
        let mut opts = sqlx::postgres::PgConnectOptions::from_str(uri).with_context(|| format!("catalog URI {shown}"))?;
        if let Some(p) = crate::credentials::catalog_password(source)? {
            opts = opts.password(p.expose());
        }
        fetch_tables!(opts, LIST_PG, catalog, shown)
    } else if uri.starts_with("mysql:") || uri.starts_with("mariadb:") {
        let mut opts = sqlx::mysql::MySqlConnectOptions::from_str(&uri.replacen("mariadb:", "mysql:", 1))
            .with_context(|| format!("catalog URI {shown}"))?;
        if let Some(p) = crate::credentials::catalog_password(source)? {
            opts = opts.password(p.expose());
        }
        fetch_tables!(opts, LIST_SQLITE, catalog, shown)
    } else {
        return Err(Error::invalid(format!("catalog URI {shown} must start with sqlite:, postgres: or mysql:")));
    };
    Ok(rows
        .into_iter()
        .map(|(namespace, name, metadata_location)| {
            let location = metadata_location.as_deref().map(table_root).unwrap_or_default();
            CatalogEntry {
                table: TableRef { source: source.name.clone(), namespace, name, format: TableFormat::Iceberg, location },
                metadata_location,
            }
        })
        .collect())
}

/// `…/tbl/metadata/00003-….metadata.json` → `…/tbl`.
pub(super) fn table_root(metadata_location: &str) -> String {
    let parent = metadata_location.rsplit_once('/').map(|(p, _)| p).unwrap_or(metadata_location);
    parent.strip_suffix("/metadata").unwrap_or(parent).to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn table_root_strips_metadata_dir() {
        assert_eq!(super::table_root("s3://b/wh/ns.db/t/metadata/00001-x.metadata.json"), "s3://b/wh/ns.db/t");
        assert_eq!(super::table_root("file:///w/t/other/v1.metadata.json"), "file:///w/t/other");
    }
}
