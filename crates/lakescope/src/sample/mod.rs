//! Sample rows: the first rows of a table's *current* version, read from its first data file(s).
//!
//! Why not a query engine: the table page wants a glimpse, not an answer, and must never scan a table.
//! Each format says which files make up the current version ([`SamplePlan`], built in the format's own
//! module); we read only as many of them, and inside them only as many row groups, as the limit needs,
//! projecting the current schema's columns. Files whose rows may be deleted by something outside the
//! file (Delta deletion vectors, Iceberg delete files) are skipped and named in a warning, so every row
//! shown is a row of the table as its readers see it. Columns missing from an older file (schema
//! evolution) are null; partition values that live only in the metadata (Delta, Hive-style folders) are
//! filled in from it.

mod parquet_plan;
mod read;
pub mod value;

use futures::FutureExt;
use serde::Serialize;
use ts_rs::TS;

use crate::api::Lakescope;
use crate::error::{Error, Result};
use crate::model::TableFormat;
use crate::storage::Location;
use crate::table::Table;

/// Rows shown when no limit is given.
pub const DEFAULT_LIMIT: u32 = 20;
/// The most rows a sample may ask for: enough to look at, small enough to hold in memory.
pub const MAX_LIMIT: u32 = 1000;

/// A column of the sample, in the current schema's order and the format's type notation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct SampleColumn {
    pub name: String,
    #[serde(rename = "type")]
    pub data_type: String,
}

/// A data file the sample read, and how many of its rows it shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct SampledFile {
    /// The file's URL (or the path the metadata records).
    pub path: String,
    #[ts(type = "number")]
    pub rows: u64,
}

/// What `lakescope sample <table> --json` prints.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct SampleRows {
    pub name: String,
    pub format: TableFormat,
    /// The version sampled (Delta version, Iceberg snapshot id as text); null for plain Parquet.
    pub version_id: Option<String>,
    pub limit: u32,
    pub columns: Vec<SampleColumn>,
    /// One array per row, values in `columns` order: JSON numbers for integers and floats (non-finite
    /// floats as strings), text for dates, timestamps (ISO 8601; with a time zone: in UTC, `+00:00`)
    /// and decimals, lower-case hex for binary, objects and arrays for nested values.
    #[ts(type = "Array<Array<unknown>>")]
    pub rows: Vec<Vec<serde_json::Value>>,
    /// Files read, in the order their rows appear.
    pub files: Vec<SampledFile>,
    pub warnings: Vec<String>,
}

/// What a format's reader says the sample may read: the current schema and the current version's
/// data files in a stable order, as many as `limit` rows need.
pub(crate) struct SamplePlan {
    pub version_id: Option<String>,
    pub columns: Vec<PlanColumn>,
    pub files: Vec<PlanFile>,
    pub warnings: Vec<String>,
}

pub(crate) struct PlanColumn {
    /// The name users see.
    pub name: String,
    pub data_type: String,
    /// The name inside data files (Delta column mapping); equal to `name` otherwise.
    pub physical: String,
    /// Iceberg field id: files are matched by id, so renamed columns still match.
    pub field_id: Option<i32>,
}

pub(crate) struct PlanFile {
    pub location: Location,
    pub size: u64,
    /// Row count from the metadata, when recorded.
    pub records: Option<u64>,
    /// Partition values kept only in metadata, by column name (`None` is SQL NULL).
    pub partition: Vec<(String, Option<String>)>,
}

/// Files to plan for `limit` rows: whole files until their recorded rows cover the limit; files with
/// unknown counts each count as one row, so an unknowing plan still stops.
pub(crate) fn enough(files_so_far: &[PlanFile], limit: usize) -> bool {
    files_so_far.iter().map(|f| f.records.unwrap_or(1).max(1) as usize).sum::<usize>() >= limit
}

impl Lakescope {
    /// The first `limit` rows (default [`DEFAULT_LIMIT`], at most [`MAX_LIMIT`]) of a table's current
    /// version, by name or location.
    pub async fn sample(&self, target: &str, limit: Option<u32>) -> Result<SampleRows> {
        let limit = limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(Error::invalid(format!("sample limit {limit} is outside 1 to {MAX_LIMIT} rows")));
        }
        let (t, entry) = self.open(target).await?;
        let want = limit as usize;
        let (name, plan) = match &t {
            Table::Delta(d) => (d.name(), d.sample_plan(want).await?),
            Table::Iceberg(i) => (i.name(), i.sample_plan(want).await?),
            Table::Parquet(p) => (p.name(), p.sample_plan(want).await?),
        };
        let name = entry.map(|e| e.table.name).unwrap_or(name);
        let mut rows = Vec::with_capacity(want);
        let mut files = Vec::new();
        for f in &plan.files {
            if rows.len() >= want {
                break;
            }
            // The parquet crate panics on some damaged pages (found by fuzzing: a division by a value
            // count of 0, a shift past 64 bits); the footer check cannot see pages. That is this file's
            // Corrupt error, not the end of the process (the default hook still prints it).
            let read = std::panic::AssertUnwindSafe(read::first_rows(f, &plan.columns, want - rows.len()));
            let got = read
                .catch_unwind()
                .await
                .unwrap_or_else(|p| {
                    let why = crate::error::panic_text(p.as_ref());
                    Err(Error::corrupt(format!("the Parquet reader failed on its pages ({why})")))
                })
                .map_err(|e| e.context(format!("sampling {}", f.location.display())))?;
            files.push(SampledFile { path: f.location.display(), rows: got.len() as u64 });
            rows.extend(got);
        }
        Ok(SampleRows {
            name,
            format: t.format(),
            version_id: plan.version_id,
            limit,
            columns: plan.columns.into_iter().map(|c| SampleColumn { name: c.name, data_type: c.data_type }).collect(),
            rows,
            files,
            warnings: plan.warnings,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sample_future_is_send() {
        fn send<T: Send>(_: T) {}
        let ls = Lakescope::new(Vec::new(), None);
        send(ls.sample("t", None));
    }

    #[tokio::test]
    async fn limits_outside_the_bounds_are_refused_by_name() {
        let ls = Lakescope::new(Vec::new(), None);
        for bad in [0, MAX_LIMIT + 1] {
            let e = ls.sample("t", Some(bad)).await.unwrap_err();
            assert_eq!(e.kind, crate::error::ErrorKind::InvalidInput);
            assert!(e.message.contains(&bad.to_string()), "{}", e.message);
        }
    }
}
