//! Catalogs: turn each configured source into the list of tables it holds.
//!
//! Listing reads catalog databases and directory names only; it never opens a table's metadata, so a
//! source with many tables lists quickly and one broken table cannot break the listing.

pub mod check;
pub mod hms;
mod iceberg_rest;
mod iceberg_sql;
mod scan;

use crate::error::{ErrorReport, Result};
use crate::model::TableRef;
use crate::sources::{SourceConfig, SourceKind};

/// A table as a catalog knows it, plus what is needed to open it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogEntry {
    pub table: TableRef,
    /// The catalog's pointer to the current Iceberg metadata file, which wins over guessing.
    pub metadata_location: Option<String>,
}

/// The result of listing one source: its tables, or why it could not be listed.
#[derive(Debug, Clone)]
pub struct SourceListing {
    pub source: String,
    pub tables: Vec<CatalogEntry>,
    pub error: Option<ErrorReport>,
    /// Tables the source registers but that cannot be opened (e.g. a metastore row is missing).
    pub table_errors: Vec<hms::TableProblem>,
}

/// List the tables of one source.
pub async fn list(source: &SourceConfig) -> Result<Vec<CatalogEntry>> {
    Ok(list_with_problems(source).await?.0)
}

/// List the tables of one source (sorted), and the tables it registers or holds that cannot be listed.
async fn list_with_problems(source: &SourceConfig) -> Result<(Vec<CatalogEntry>, Vec<hms::TableProblem>)> {
    let (mut tables, problems) = match source.kind {
        SourceKind::IcebergSql => (iceberg_sql::list(source).await?, Vec::new()),
        SourceKind::Delta => scan::list(source, scan::Only::Delta).await?,
        SourceKind::Storage => scan::list(source, scan::Only::Any).await?,
        SourceKind::IcebergFs => scan::list(source, scan::Only::Iceberg).await?,
        SourceKind::Hms => hms::list(source).await?,
        SourceKind::IcebergRest => iceberg_rest::list(source).await?,
        SourceKind::S3Inventory | SourceKind::HdfsImage => (Vec::new(), Vec::new()),
    };
    tables.sort_by(|a, b| (&a.table.namespace, &a.table.name).cmp(&(&b.table.namespace, &b.table.name)));
    Ok((tables, problems))
}

/// List every source; a failing source is reported, the others still list.
pub async fn list_all(sources: &[SourceConfig]) -> Vec<SourceListing> {
    let futs = sources.iter().map(|s| async move {
        let listed = list_with_problems(s).await;
        match listed {
            Ok((tables, table_errors)) => SourceListing { source: s.name.clone(), tables, error: None, table_errors },
            Err(e) => SourceListing {
                source: s.name.clone(),
                tables: Vec::new(),
                // The listing carries the source's name; the message says what failed inside it.
                error: Some(e.to_report()),
                table_errors: Vec::new(),
            },
        }
    });
    futures::future::join_all(futs).await
}
