//! A table's fingerprint: the cheapest thing that changes whenever the table's current version does.
//!
//! Reading a table's metadata for the index costs a full read (manifests, the Delta log, Parquet
//! footers, a listing of the location); the fingerprint costs one catalog row or one small listing:
//! - Iceberg: the catalog's current `metadata_location` (a new commit writes a new metadata file), or,
//!   with no catalog pointer, the newest `metadata/*.metadata.json` and how many there are;
//! - Delta: the newest commit file in `_delta_log/` (commits are immutable, one file per version);
//! - Parquet directories: file count, total bytes and newest modification time (they have no version).
//!
//! The location is part of every fingerprint, so a table re-registered elsewhere is re-read too.

use crate::catalog::CatalogEntry;
use crate::error::{Error, Result, ResultExt};
use crate::model::TableFormat;
use crate::storage::Location;

/// The fingerprint of a listed table whose storage is at `loc`.
pub async fn of(entry: &CatalogEntry, loc: &Location) -> Result<String> {
    let t = &entry.table;
    let what = || format!("fingerprinting {}", t.qualified_name());
    let core = match (t.format, &entry.metadata_location) {
        (TableFormat::Iceberg, Some(ml)) => format!("iceberg:{ml}"),
        (TableFormat::Iceberg, None) => {
            let (_, files) = loc.join("metadata").list_dir().await.with_context(what)?;
            let metas: Vec<_> = files.iter().filter(|f| f.path.ends_with(".metadata.json")).collect();
            let newest = metas
                .iter()
                .max_by_key(|f| (f.last_modified_ms, &f.path))
                .ok_or_else(|| Error::not_found(format!("{}/metadata holds no *.metadata.json", loc.display())))
                .with_context(what)?;
            format!("iceberg:{}:{}:{}", metas.len(), newest.path, newest.size)
        }
        (TableFormat::Delta, _) => {
            let (_, files) = loc.join("_delta_log").list_dir().await.with_context(what)?;
            let newest = files
                .iter()
                .filter(|f| f.path.ends_with(".json") && f.path.trim_end_matches(".json").bytes().all(|b| b.is_ascii_digit()))
                .max_by(|a, b| a.path.cmp(&b.path))
                .ok_or_else(|| Error::corrupt(format!("{}/_delta_log holds no commit", loc.display())))
                .with_context(what)?;
            format!("delta:{}:{}", newest.path, newest.size)
        }
        (TableFormat::Parquet, _) => {
            let files = loc.list_files().await.with_context(what)?;
            let bytes: u64 = files.iter().map(|f| f.size).sum();
            let newest = files.iter().map(|f| f.last_modified_ms).max().unwrap_or(0);
            format!("parquet:files:{}:bytes:{bytes}:newest:{newest}", files.len())
        }
    };
    Ok(format!("{core}@{}", t.location))
}
