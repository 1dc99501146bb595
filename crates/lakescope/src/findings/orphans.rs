//! The files behind an orphan finding, one by one: what `lakescope orphans` prints so a user (and the
//! truth tests) can compare them with remove_orphan_files' dry run or VACUUM DRY RUN before deleting.

use serde::Serialize;
use ts_rs::TS;

use crate::api::Lakescope;
use crate::error::Result;
use crate::model::TableFormat;
use crate::table::ReadOptions;

/// One removable orphan file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct OrphanFile {
    /// Relative to the table root, as the listing names it.
    pub path: String,
    #[ts(type = "number")]
    pub bytes: u64,
    #[ts(type = "number")]
    pub last_modified_ms: i64,
}

/// What `lakescope orphans <table> --json` prints.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct OrphanReport {
    pub table: String,
    pub format: TableFormat,
    pub location: String,
    #[ts(type = "number")]
    pub as_of_ms: i64,
    /// Files modified after this are left alone; null when nothing is removable by design.
    #[ts(type = "number | null")]
    pub cutoff_ms: Option<i64>,
    #[ts(type = "number")]
    pub removable_files: u64,
    #[ts(type = "number")]
    pub removable_bytes: u64,
    /// Sorted by path.
    pub files: Vec<OrphanFile>,
}

impl Lakescope {
    /// The orphan files of one table (a name or a location) that the format's procedure would delete
    /// as of `opts.as_of_ms`.
    pub async fn orphan_files(&self, target: &str, opts: &ReadOptions) -> Result<OrphanReport> {
        let info = self.table(target, opts).await?;
        let o = info.orphans;
        Ok(OrphanReport {
            table: target.to_string(),
            format: info.format,
            location: info.location,
            as_of_ms: opts.as_of_ms,
            cutoff_ms: o.cutoff_ms,
            removable_files: o.removable_files,
            removable_bytes: o.removable_bytes,
            files: o
                .files
                .into_iter()
                .map(|f| OrphanFile { path: f.path, bytes: f.size, last_modified_ms: f.last_modified_ms })
                .collect(),
        })
    }
}
