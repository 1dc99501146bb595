//! The demo writer checked by reading its tables back: totals per version against the plan, times,
//! operations, checkpoints, orphans, reproducibility — and the reader on layouts the demo does not use
//! (column mapping, v2 checkpoints with sidecars, cleaned-up logs).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::*;
use crate::demo::plan::plan;
use crate::demo::recipe::Recipe;
use crate::table::ReadOptions;
use crate::table::delta::DeltaTable;

/// What the plan says the table holds after each commit: (files, rows).
fn expected_totals(p: &Plan) -> Vec<(u64, u64)> {
    let mut by_day: BTreeMap<i32, Vec<u64>> = BTreeMap::new();
    let mut out = Vec::new();
    for c in &p.commits {
        let rows =
            |files: &[super::super::FileBatch]| files.iter().map(|f| f.batch.num_rows() as u64).collect::<Vec<_>>();
        match &c.action {
            Action::Append { files } => by_day.entry(c.day).or_default().extend(rows(files)),
            Action::Overwrite { files } => {
                by_day.clear();
                by_day.insert(c.day, rows(files));
            }
            Action::Delete { target_day, rewritten, .. } => {
                by_day.insert(*target_day, rows(rewritten));
            }
            Action::AddColumn { .. } => {}
        }
        let files = by_day.values().map(|v| v.len() as u64).sum();
        let records = by_day.values().flatten().sum();
        out.push((files, records));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_bundled_delta_table_replays_to_its_plan() {
    let r = Recipe::bundled();
    let anchor = chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    let dir = tempfile::tempdir().unwrap();
    for t in r.tables.iter().filter(|t| t.format == crate::model::TableFormat::Delta) {
        let p = plan(t, r.seed, anchor, false);
        let root = dir.path().join(&t.name);
        write_table(&root, t, &p).await.unwrap();
        let loc = crate::storage::open(root.to_str().unwrap(), &Default::default()).unwrap();
        let table = DeltaTable::open(loc).await.unwrap();
        let history = table.history().await.unwrap();
        assert_eq!(history.len(), p.commits.len(), "{}", t.name);
        for ((row, c), (files, records)) in history.iter().zip(&p.commits).zip(expected_totals(&p)) {
            assert_eq!(row.timestamp_ms, c.timestamp_ms, "{} v{}", t.name, row.version);
            assert_eq!((row.data_files, row.records), (files, Some(records)), "{} v{}", t.name, row.version);
            let op = match (&c.action, row.version) {
                (_, 0) => "CREATE TABLE",
                (Action::Append { .. } | Action::Overwrite { .. }, _) => "WRITE",
                (Action::Delete { .. }, _) => "DELETE",
                (Action::AddColumn { .. }, _) => "ALTER TABLE",
            };
            assert_eq!(row.operation, op, "{} v{}", t.name, row.version);
        }
        let info = table.info(&ReadOptions { as_of_ms: p.commits.last().unwrap().timestamp_ms }).await.unwrap();
        assert_eq!(info.owner.as_deref(), Some(t.owner.as_str()));
        assert_eq!(info.comment.as_deref(), Some(t.comment.as_str()));
        assert_eq!(info.partition_columns.len(), usize::from(p.partitioned && p.shape.day_column().is_some()));
        let log =
            std::fs::read_dir(root.join("_delta_log")).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap());
        let checkpoints: Vec<u64> = log
            .filter_map(|n| n.strip_suffix(".checkpoint.parquet").map(|v| v.parse().unwrap()))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let last = p.commits.len() as u64 - 1;
        assert_eq!(checkpoints, (1..=last / 10).map(|k| k * 10).collect::<Vec<_>>(), "{}", t.name);
        // Orphans are real Parquet files nobody references.
        assert_eq!(info.storage.orphan_bytes > 0, t.orphans > 0, "{}", t.name);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_anchor_writes_the_same_bytes() {
    let r = Recipe::bundled();
    let t = r.tables.iter().find(|t| t.name == "usr_jdoe_ab_test").unwrap();
    let p = plan(t, r.seed, chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(), false);
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    write_table(a.path(), t, &p).await.unwrap();
    write_table(b.path(), t, &p).await.unwrap();
    let files = |d: &Path| {
        let loc = crate::storage::open(d.to_str().unwrap(), &Default::default()).unwrap();
        let rt = tokio::runtime::Handle::current();
        tokio::task::block_in_place(|| rt.block_on(loc.list_files())).unwrap()
    };
    let (fa, fb) = (files(a.path()), files(b.path()));
    assert_eq!(fa, fb);
    for f in &fa {
        let (x, y) = (std::fs::read(a.path().join(&f.path)).unwrap(), std::fs::read(b.path().join(&f.path)).unwrap());
        assert!(x == y, "{} differs between two builds", f.path);
    }
}

fn open(root: &Path) -> DeltaTable {
    let loc = crate::storage::open(root.to_str().unwrap(), &Default::default()).unwrap();
    let rt = tokio::runtime::Handle::current();
    tokio::task::block_in_place(|| rt.block_on(DeltaTable::open(loc))).unwrap()
}

/// Column mapping (physical partition keys, files in random folders), v2 checkpoints with sidecars,
/// `_last_checkpoint` missing, and a log whose early commits were cleaned up: the same totals.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reader_follows_column_mapping_v2_sidecars_and_log_cleanup() {
    let r = Recipe::bundled();
    let t = r.tables.iter().find(|t| t.name == "usr_jdoe_ab_test").unwrap();
    let p = plan(t, r.seed, chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(), false);
    assert!(p.commits.len() > 21, "needs checkpoints at 10 and 20");
    let dir = tempfile::tempdir().unwrap();
    let layout = Layout {
        properties: vec![
            ("delta.columnMapping.mode".into(), "name".into()),
            ("delta.checkpointPolicy".into(), "v2".into()),
        ],
        sidecar_hint: Some(4),
    };
    write_table_with(dir.path(), t, &p, layout).await.unwrap();
    let log = dir.path().join("_delta_log");
    assert!(list_names(&log.join("_sidecars")).len() >= 2, "v2 checkpoints with sidecars were written");
    assert!(
        !list_names(dir.path()).iter().any(|n| n.to_string_lossy().starts_with("exposure_date=")),
        "random folders, not Hive ones"
    );

    let table = open(dir.path());
    let full = table.history().await.unwrap();
    for (row, (files, records)) in full.iter().zip(expected_totals(&p)) {
        assert_eq!((row.data_files, row.records), (files, Some(records)), "v{}", row.version);
    }
    let as_of = ReadOptions { as_of_ms: p.commits.last().unwrap().timestamp_ms };
    let info = table.info(&as_of).await.unwrap();
    assert_eq!(info.storage.live_bytes, info.current.data_bytes);
    let days: BTreeSet<String> = p
        .commits
        .iter()
        .filter(|c| !matches!(c.action, Action::AddColumn { .. }))
        .map(|c| c.date.to_string())
        .collect();
    let seen: BTreeSet<String> = info
        .partitions
        .iter()
        .map(|s| {
            assert_eq!(s.values.keys().collect::<Vec<_>>(), ["exposure_date"], "logical partition names");
            s.values["exposure_date"].clone().unwrap()
        })
        .collect();
    assert_eq!(seen, days);
    assert_eq!(info.partitions.iter().map(|s| s.records.unwrap()).sum::<u64>(), info.current.records.unwrap());

    // `_last_checkpoint` is only a hint.
    std::fs::remove_file(log.join("_last_checkpoint")).unwrap();
    assert_eq!(table.history().await.unwrap(), full);

    // Log cleanup removed commits 0..=14: history starts at the checkpoint of version 20, unchanged.
    for v in 0..=14u64 {
        std::fs::remove_file(log.join(format!("{v:020}.json"))).unwrap();
    }
    let cleaned = table.history().await.unwrap();
    assert_eq!(cleaned.as_slice(), &full[20..]);
    let after = table.info(&as_of).await.unwrap();
    assert_eq!(after.current, info.current);
    assert_eq!(after.partitions, info.partitions);
}
