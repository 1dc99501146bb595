//! Table readers: detect a table's format from its location and read what the table page and the CLI
//! contract need (schema, current totals, partitions, storage breakdown, history) from the format's
//! metadata alone, never by scanning data.

pub mod delta;
mod footer;
pub mod iceberg;
pub mod parquet;

use crate::error::{Error, Result};
use crate::model::{HistoryRow, TableFormat, TableInfo};
use crate::storage::{FileEntry, Location};

pub use footer::read_footer;
pub(crate) use footer::{arrow_schema, check_footer, embedded_arrow_schema_reads};
#[cfg(test)]
pub(crate) use footer::tests as footer_damage;

/// Settings that change what a read reports.
#[derive(Debug, Clone, Copy)]
pub struct ReadOptions {
    /// "Now" for anything clock-dependent (reclaimable bytes, retention), epoch milliseconds.
    pub as_of_ms: i64,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions { as_of_ms: chrono::Utc::now().timestamp_millis() }
    }
}

/// An opened table of any supported format.
pub enum Table {
    Iceberg(iceberg::IcebergTable),
    Delta(delta::DeltaTable),
    Parquet(parquet::ParquetTable),
}

impl Table {
    pub fn format(&self) -> TableFormat {
        match self {
            Table::Iceberg(_) => TableFormat::Iceberg,
            Table::Delta(_) => TableFormat::Delta,
            Table::Parquet(_) => TableFormat::Parquet,
        }
    }

    pub async fn info(&self, opts: &ReadOptions) -> Result<TableInfo> {
        match self {
            Table::Iceberg(t) => t.info(opts).await,
            Table::Delta(t) => t.info(opts).await,
            Table::Parquet(t) => t.info(opts).await,
        }
    }

    /// One row per version / snapshot, oldest first. Plain Parquet directories have no history of
    /// their own (the collector records it), so they return none.
    pub async fn history(&self) -> Result<Vec<HistoryRow>> {
        match self {
            Table::Iceberg(t) => t.history().await,
            Table::Delta(t) => t.history().await,
            Table::Parquet(_) => Ok(Vec::new()),
        }
    }
}

/// What a location holds, judged from a shallow look at it.
pub async fn detect(loc: &Location) -> Result<Option<TableFormat>> {
    if loc.display().ends_with(".metadata.json") {
        return Ok(Some(TableFormat::Iceberg));
    }
    let (dirs, files) = match loc.list_dir().await {
        Ok(x) => x,
        Err(e) if e.kind == crate::error::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    classify(loc, &dirs, &files).await
}

/// Decide a directory's format from its immediate children (`dirs`, `files`, as `list_dir` gives them):
/// `_delta_log/` → Delta, `metadata/*.metadata.json` → Iceberg, Parquet files or `key=value/` → Parquet.
pub async fn classify(dir: &Location, dirs: &[String], files: &[FileEntry]) -> Result<Option<TableFormat>> {
    if dirs.iter().any(|d| d == "_delta_log") {
        return Ok(Some(TableFormat::Delta));
    }
    if dirs.iter().any(|d| d == "metadata") {
        let (_, meta_files) = dir.join("metadata").list_dir().await?;
        if meta_files.iter().any(|f| f.path.ends_with(".metadata.json")) {
            return Ok(Some(TableFormat::Iceberg));
        }
    }
    let visible = |name: &str| !name.starts_with('_') && !name.starts_with('.');
    if files.iter().any(|f| visible(&f.path) && f.path.ends_with(".parquet"))
        || dirs.iter().any(|d| visible(d) && d.contains('='))
    {
        return Ok(Some(TableFormat::Parquet));
    }
    Ok(None)
}

/// Open the table at `loc` (a table directory, or an Iceberg `metadata.json`), detecting its format.
pub async fn open(loc: Location) -> Result<Table> {
    match detect(&loc).await? {
        Some(TableFormat::Iceberg) => Ok(Table::Iceberg(iceberg::IcebergTable::open(loc, None).await?)),
        Some(TableFormat::Delta) => Ok(Table::Delta(delta::DeltaTable::open(loc).await?)),
        Some(TableFormat::Parquet) => Ok(Table::Parquet(parquet::ParquetTable::open(loc).await?)),
        None => {
            if loc.size_of("").await?.is_some() || loc.is_dir().await? {
                Err(Error::unsupported(format!(
                    "{} is not a table: no _delta_log/, no metadata/*.metadata.json, no Parquet files",
                    loc.display()
                )))
            } else {
                Err(Error::not_found(format!("{} does not exist", loc.display())))
            }
        }
    }
}
