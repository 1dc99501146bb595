//! The arithmetic of a diff between two versions: which live files one has and the other does not,
//! their totals, and how the schema changed. Pure functions over what the format readers collected.

use std::collections::{BTreeMap, HashSet};

use serde::Serialize;
use ts_rs::TS;

use super::Change;
use crate::model::Column;

/// A live file of a version, as the table's metadata records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct FileStat {
    /// As the metadata writes it (Delta: relative to the table root; Iceberg: absolute).
    pub path: String,
    #[ts(type = "number")]
    pub bytes: u64,
    /// Null when the metadata has no row count for the file.
    #[ts(type = "number | null")]
    pub rows: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SchemaChangeKind {
    Added,
    Dropped,
    TypeChanged,
    NullabilityChanged,
}

/// One column that differs between the two versions' schemas (matched by name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct SchemaChange {
    pub column: String,
    pub kind: SchemaChangeKind,
    /// The column's type in the `from` version (`long`, or `long not null` when only nullability
    /// changed); null when it did not exist there.
    pub from: Option<String>,
    pub to: Option<String>,
}

pub(crate) struct FileDiff {
    pub added: Vec<FileStat>,
    pub removed: Vec<FileStat>,
    pub added_total: Change,
    pub removed_total: Change,
    pub not_listed: u64,
}

/// Sum files, bytes and rows; rows are unknown as soon as one file's are.
pub(crate) fn total<'a>(files: impl IntoIterator<Item = &'a FileStat>) -> Change {
    let mut c = Change { rows: Some(0), ..Change::default() };
    for f in files {
        c.files += 1;
        c.bytes += f.bytes;
        c.rows = c.rows.zip(f.rows).map(|(a, b)| a + b);
    }
    c
}

/// Files live in `to` but not `from` (added) and the reverse (removed), by path, sorted by path; each
/// list holds at most `limit` files while the totals count all of them.
pub(crate) fn files(from: &[FileStat], to: &[FileStat], limit: usize) -> FileDiff {
    let in_from: HashSet<&str> = from.iter().map(|f| f.path.as_str()).collect();
    let in_to: HashSet<&str> = to.iter().map(|f| f.path.as_str()).collect();
    let mut added: Vec<&FileStat> = to.iter().filter(|f| !in_from.contains(f.path.as_str())).collect();
    let mut removed: Vec<&FileStat> = from.iter().filter(|f| !in_to.contains(f.path.as_str())).collect();
    added.sort_by(|a, b| a.path.cmp(&b.path));
    removed.sort_by(|a, b| a.path.cmp(&b.path));
    let (added_total, removed_total) = (total(added.iter().copied()), total(removed.iter().copied()));
    let not_listed = (added.len().saturating_sub(limit) + removed.len().saturating_sub(limit)) as u64;
    FileDiff {
        added: added.into_iter().take(limit).cloned().collect(),
        removed: removed.into_iter().take(limit).cloned().collect(),
        added_total,
        removed_total,
        not_listed,
    }
}

/// Columns added, dropped, or whose type or nullability changed, matched by name, in the order of
/// `to`'s schema followed by the dropped columns in `from`'s order.
pub(crate) fn schema(from: &[Column], to: &[Column]) -> Vec<SchemaChange> {
    let old: BTreeMap<&str, &Column> = from.iter().map(|c| (c.name.as_str(), c)).collect();
    let new: BTreeMap<&str, &Column> = to.iter().map(|c| (c.name.as_str(), c)).collect();
    let spelled = |c: &Column| if c.nullable { c.data_type.clone() } else { format!("{} not null", c.data_type) };
    let mut out = Vec::new();
    for c in to {
        let change = match old.get(c.name.as_str()) {
            None => Some((SchemaChangeKind::Added, None)),
            Some(o) if o.data_type != c.data_type => Some((SchemaChangeKind::TypeChanged, Some(spelled(o)))),
            Some(o) if o.nullable != c.nullable => Some((SchemaChangeKind::NullabilityChanged, Some(spelled(o)))),
            Some(_) => None,
        };
        if let Some((kind, before)) = change {
            out.push(SchemaChange { column: c.name.clone(), kind, from: before, to: Some(spelled(c)) });
        }
    }
    for c in from.iter().filter(|c| !new.contains_key(c.name.as_str())) {
        out.push(SchemaChange { column: c.name.clone(), kind: SchemaChangeKind::Dropped, from: Some(spelled(c)), to: None });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(path: &str, bytes: u64, rows: Option<u64>) -> FileStat {
        FileStat { path: path.into(), bytes, rows }
    }

    fn col(name: &str, t: &str, nullable: bool) -> Column {
        Column { name: name.into(), data_type: t.into(), nullable, comment: None }
    }

    #[test]
    fn files_diff_is_a_set_difference_by_path_with_both_directions() {
        let a = [f("x", 10, Some(1)), f("y", 20, Some(2)), f("z", 30, Some(3))];
        let b = [f("z", 30, Some(3)), f("w", 5, Some(7)), f("v", 6, Some(8))];
        let d = files(&a, &b, 100);
        assert_eq!(d.added, [f("v", 6, Some(8)), f("w", 5, Some(7))], "sorted by path, shared z left out");
        assert_eq!(d.removed, [f("x", 10, Some(1)), f("y", 20, Some(2))]);
        assert_eq!(d.added_total, Change { files: 2, bytes: 11, rows: Some(15) });
        assert_eq!(d.removed_total, Change { files: 2, bytes: 30, rows: Some(3) });
        assert_eq!(d.not_listed, 0);
        // Swapping the sides swaps added and removed.
        let r = files(&b, &a, 100);
        assert_eq!((r.added_total, r.removed_total), (d.removed_total, d.added_total));
    }

    #[test]
    fn same_version_diffs_to_nothing() {
        let a = [f("x", 10, Some(1))];
        let d = files(&a, &a, 100);
        assert!(d.added.is_empty() && d.removed.is_empty());
        assert_eq!(d.added_total, Change { files: 0, bytes: 0, rows: Some(0) });
    }

    #[test]
    fn one_file_without_a_row_count_makes_the_rows_unknown_not_smaller() {
        let d = files(&[], &[f("a", 1, Some(5)), f("b", 2, None)], 100);
        assert_eq!(d.added_total, Change { files: 2, bytes: 3, rows: None });
    }

    #[test]
    fn the_limit_caps_the_lists_but_not_the_totals() {
        let b: Vec<FileStat> = (0..5).map(|i| f(&format!("f{i}"), 1, Some(1))).collect();
        let d = files(&[], &b, 2);
        assert_eq!(d.added.len(), 2);
        assert_eq!(d.added_total.files, 5);
        assert_eq!(d.not_listed, 3);
    }

    #[test]
    fn schema_changes_name_added_dropped_retyped_and_nullability() {
        let a = [col("id", "long", false), col("amount", "int", true), col("gone", "string", true), col("same", "date", true)];
        let b = [col("id", "long", true), col("amount", "long", true), col("same", "date", true), col("new", "string", true)];
        let got: Vec<(String, SchemaChangeKind, Option<String>, Option<String>)> =
            schema(&a, &b).into_iter().map(|c| (c.column, c.kind, c.from, c.to)).collect();
        use SchemaChangeKind::*;
        let s = |x: &str| Some(x.to_string());
        assert_eq!(
            got,
            [
                ("id".into(), NullabilityChanged, s("long not null"), s("long")),
                ("amount".into(), TypeChanged, s("int"), s("long")),
                ("new".into(), Added, None, s("string")),
                ("gone".into(), Dropped, s("string"), None),
            ]
        );
        assert!(schema(&b, &b).is_empty());
    }
}
