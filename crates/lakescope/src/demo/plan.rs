//! Turn a table's recipe into a dated sequence of commits every format writer replays the same way.
//!
//! The plan is format-neutral: "append these files on day -37 at 02:13", "rewrite day -60's files
//! without some rows", "add a column". Each writer maps it to its format's own operations.

use arrow::compute::filter_record_batch;
use arrow::array::BooleanArray;
use arrow::datatypes::DataType;
use arrow::record_batch::RecordBatch;
use chrono::{Duration, NaiveDate};

use super::data::{parse_type, BatchKey, Shape};
use super::recipe::{Mode, Partitioning, TableRecipe};

/// Rows of one data file, and what generated them (stable across builds, used for file names).
#[derive(Debug, Clone)]
pub struct FileBatch {
    pub key: BatchKey,
    pub batch: RecordBatch,
}

impl FileBatch {
    /// A stable file stem such as `d20260301-p003` (+ `-r` when rewritten by a delete).
    pub fn stem(&self) -> String {
        format!("d{}-p{:03}", self.key.date.format("%Y%m%d"), self.key.part)
    }
}

#[derive(Debug, Clone)]
pub enum Action {
    /// Add files. In day-partitioned tables every row of these files has the commit's date.
    Append { files: Vec<FileBatch> },
    /// Replace the whole table's content with these files.
    Overwrite { files: Vec<FileBatch> },
    /// Copy-on-write delete: remove every file added on `target_day` and add `rewritten` (the same
    /// files minus the deleted rows, one per original file).
    Delete { target_day: i32, target_date: NaiveDate, rewritten: Vec<FileBatch> },
    /// Schema evolution: add a nullable column at the end. Files appended afterwards carry it.
    AddColumn { name: String, data_type: DataType },
}

impl Action {
    pub fn name(&self) -> &'static str {
        match self {
            Action::Append { .. } => "append",
            Action::Overwrite { .. } => "overwrite",
            Action::Delete { .. } => "delete",
            Action::AddColumn { .. } => "add_column",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Commit {
    /// Day relative to the anchor (0 = anchor day, negative = past).
    pub day: i32,
    pub date: NaiveDate,
    /// Commit time in epoch milliseconds (UTC).
    pub timestamp_ms: i64,
    pub action: Action,
}

/// A data file a "failed job" wrote into the table location and never committed.
#[derive(Debug, Clone)]
pub struct Orphan {
    pub day: i32,
    pub timestamp_ms: i64,
    pub file: FileBatch,
}

#[derive(Debug, Clone)]
pub struct Plan {
    pub shape: Shape,
    pub partitioned: bool,
    pub commits: Vec<Commit>,
    pub orphans: Vec<Orphan>,
}

/// The plan for one table, anchored at `anchor` (day 0).
pub fn plan(t: &TableRecipe, recipe_seed: u64, anchor: NaiveDate, day_in_path: bool) -> Plan {
    let shape = Shape { dataset: t.dataset.clone(), day_in_path, extra: t.add_column.clone() };
    let partitioned = t.partition == Some(Partitioning::Day);
    let jitter_min = (fnv(&t.name) % 40) as i64;
    let date_of = |day: i32| anchor + Duration::days(i64::from(day));
    let at = |day: i32, hour: i64, minute: i64| -> i64 {
        let d = date_of(day).and_hms_opt(0, 0, 0).unwrap().and_utc().timestamp_millis();
        d + (hour * 60 + minute) * 60_000
    };
    let key = |day: i32, part: u32, rows: u32| BatchKey {
        recipe_seed,
        table: format!("{}.{}", t.namespace, t.name),
        date: date_of(day),
        part,
        rows,
    };
    let extra_day = t.add_column.as_ref().map(|c| c.day);
    let has_extra = |day: i32| extra_day.is_some_and(|d| day >= d);
    let files_on = |day: i32| -> Vec<FileBatch> {
        let n = match &t.small_files {
            Some(sf) if day >= sf.from => sf.files.max(1),
            _ => 1,
        };
        let rows = (t.rows_per_day / n).max(1);
        (0..n)
            .map(|p| {
                let k = key(day, p, rows);
                let batch = shape.batch(&k, has_extra(day));
                FileBatch { key: k, batch }
            })
            .collect()
    };

    let range = t.day_range();
    let first = *range.start();
    let mut commits = Vec::new();
    let mut delete_targets = Vec::new();
    for day in range.clone() {
        if extra_day == Some(day) {
            let c = t.add_column.as_ref().unwrap();
            commits.push(Commit {
                day,
                date: date_of(day),
                timestamp_ms: at(day, 1, jitter_min),
                action: Action::AddColumn { name: c.name.clone(), data_type: parse_type(&c.data_type).unwrap() },
            });
        }
        let files = files_on(day);
        let action = match t.mode {
            Mode::Append => Action::Append { files },
            Mode::Overwrite => Action::Overwrite { files },
        };
        commits.push(Commit { day, date: date_of(day), timestamp_ms: at(day, 2, jitter_min), action });
        if t.deletes.contains(&day) && t.mode == Mode::Append {
            let mut target = (day - 30).max(first);
            while delete_targets.contains(&target) {
                target += 1;
            }
            delete_targets.push(target);
            let rewritten = files_on(target)
                .into_iter()
                .map(|f| FileBatch { batch: drop_every_fourth_row(&f.batch), key: f.key })
                .collect();
            commits.push(Commit {
                day,
                date: date_of(day),
                timestamp_ms: at(day, 14, jitter_min),
                action: Action::Delete { target_day: target, target_date: date_of(target), rewritten },
            });
        }
    }

    let span = (range.end() - first + 1) as u32;
    let orphans = (0..t.orphans)
        .map(|i| {
            let day = first + (span * (i + 1) / (t.orphans + 1)) as i32;
            let k = key(day, 900 + i, (t.rows_per_day / 2).max(1));
            let batch = shape.batch(&k, has_extra(day));
            Orphan { day, timestamp_ms: at(day, 3, jitter_min), file: FileBatch { key: k, batch } }
        })
        .collect();
    Plan { shape, partitioned, commits, orphans }
}

/// The rows a demo "GDPR delete" keeps.
fn drop_every_fourth_row(batch: &RecordBatch) -> RecordBatch {
    let keep: BooleanArray = (0..batch.num_rows()).map(|i| Some(i % 4 != 0)).collect();
    filter_record_batch(batch, &keep).expect("filter with a mask of matching length")
}

fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::recipe::Recipe;

    fn anchor() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()
    }

    #[test]
    fn commits_are_in_time_order_and_end_on_stop_after() {
        let r = Recipe::bundled();
        for t in &r.tables {
            let p = plan(t, r.seed, anchor(), false);
            assert!(p.commits.windows(2).all(|w| w[0].timestamp_ms < w[1].timestamp_ms), "{}", t.name);
            assert_eq!(p.commits.last().unwrap().day, t.stop_after, "{}", t.name);
            assert_eq!(p.orphans.len() as u32, t.orphans);
        }
    }

    #[test]
    fn deletes_rewrite_an_older_day_with_fewer_rows() {
        let r = Recipe::bundled();
        let t = r.tables.iter().find(|t| t.name == "ods_orders").unwrap();
        let p = plan(t, r.seed, anchor(), false);
        let deletes: Vec<_> = p
            .commits
            .iter()
            .filter_map(|c| match &c.action {
                Action::Delete { target_day, rewritten, .. } => Some((c.day, *target_day, rewritten[0].batch.num_rows())),
                _ => None,
            })
            .collect();
        assert_eq!(deletes.len(), 2);
        for (day, target, rows) in deletes {
            assert!(target < day);
            assert_eq!(rows, 240 - 60);
        }
    }

    #[test]
    fn small_file_days_split_rows_across_files() {
        let r = Recipe::bundled();
        let t = r.tables.iter().find(|t| t.name == "fact_clicks").unwrap();
        let p = plan(t, r.seed, anchor(), false);
        let last = p.commits.last().unwrap();
        match &last.action {
            Action::Append { files } => {
                assert_eq!(files.len(), 24);
                assert_eq!(files[0].batch.num_rows(), 25);
            }
            other => panic!("expected append, got {}", other.name()),
        }
    }
}
