//! Round trips: tables written by the demo writer read back by our reader, exactly — and the reader's
//! edge cases (no version hint, a wrong hint, broken JSON, summaries without totals) on those real tables.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::{create_catalog, write_table};
use crate::demo::plan::{plan, Action, Plan};
use crate::demo::recipe::{Recipe, TableRecipe};
use crate::error::ErrorKind;
use crate::model::{HistoryRow, TableInfo};
use crate::table::iceberg::IcebergTable;
use crate::table::ReadOptions;

const DAY_MS: i64 = 86_400_000;

fn recipe(extra: &str) -> (TableRecipe, u64) {
    let text = format!(
        "seed = 7\n[[table]]\nformat = 'iceberg'\nnamespace = 'lab'\nname = 't'\nowner = 'o'\ncomment = 'c'\n\
         dataset = 'orders'\nrows_per_day = 8\n{extra}\n"
    );
    let r = Recipe::parse(&text, "test").unwrap();
    (r.tables[0].clone(), r.seed)
}

fn anchor() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()
}

/// Write one table under `dir`; returns its directory and plan.
async fn write(dir: &Path, t: &TableRecipe, seed: u64) -> (PathBuf, Plan) {
    let p = plan(t, seed, anchor(), false);
    let db = dir.join("catalog.db");
    create_catalog(&db).await.unwrap();
    write_table(&dir.join("warehouse"), &db, t, &p).await.unwrap();
    (dir.join("warehouse").join(format!("{}.db", t.namespace)).join(&t.name), p)
}

async fn open(path: &Path) -> crate::error::Result<IcebergTable> {
    let loc = crate::storage::open(path.to_str().unwrap(), &BTreeMap::new()).unwrap();
    IcebergTable::open(loc, None).await
}

async fn read(path: &Path, as_of_ms: i64) -> (TableInfo, Vec<HistoryRow>) {
    let t = open(path).await.unwrap();
    (t.info(&ReadOptions { as_of_ms }).await.unwrap(), t.history().await.unwrap())
}

fn metadata_files(table: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(table.join("metadata"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".metadata.json"))
        .collect();
    v.sort();
    v
}

#[tokio::test]
async fn written_history_reads_back_with_the_plans_times_and_rows() {
    let dir = tempfile::tempdir().unwrap();
    let (t, seed) = recipe("partition = 'day'\ndays = 40\ndeletes = [-2]\norphans = 1\nadd_column = { day = -5, name = 'coupon', type = 'string' }");
    let (table, p) = write(dir.path(), &t, seed).await;
    let last_ms = p.commits.last().unwrap().timestamp_ms;
    let (info, history) = read(&table, last_ms + DAY_MS).await;

    let snapshot_commits: Vec<_> = p.commits.iter().filter(|c| !matches!(c.action, Action::AddColumn { .. })).collect();
    assert_eq!(history.len(), snapshot_commits.len());
    for (row, c) in history.iter().zip(&snapshot_commits) {
        assert_eq!(row.timestamp_ms, c.timestamp_ms, "snapshot time is the plan's commit time");
        let op = if matches!(c.action, Action::Append { .. }) { "append" } else { "overwrite" };
        assert_eq!(row.operation, op);
    }
    // 40 days of 8 rows, then a copy-on-write delete dropping every fourth row of one day's file.
    assert_eq!(info.current.records, Some(40 * 8 - 2));
    assert_eq!(info.current.data_files, 40);
    assert_eq!(history.last().unwrap().records, Some(40 * 8 - 2));
    let delete = history.iter().find(|r| r.operation == "overwrite").expect("the copy-on-write delete");
    assert_eq!((delete.added_files, delete.removed_files), (1, 1));
    assert_eq!(info.partitions.len(), 40);
    assert_eq!(info.schema.last().unwrap().name, "coupon");
    assert_eq!(info.schema.last().unwrap().data_type, "string");
    assert!(info.schema.last().unwrap().nullable);
    assert_eq!(info.current.version_id, Some(info.current.version.unwrap().to_string()));
    assert!(info.storage.orphan_bytes > 0, "the failed job's file");
    assert!(info.storage.old_version_bytes > 0, "the day rewritten by the delete");
    assert_eq!(info.warnings, Vec::<String>::new());

    // Every metadata file records its own commit's time, and so do file modification times.
    let times: Vec<i64> = snapshot_commits.iter().map(|c| c.timestamp_ms).collect();
    for f in metadata_files(&table) {
        let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&f).unwrap()).unwrap();
        let updated = json["last-updated-ms"].as_i64().unwrap();
        assert!(times.contains(&updated), "{} last-updated-ms {updated}", f.display());
        let mtime = std::fs::metadata(&f).unwrap().modified().unwrap();
        assert_eq!(mtime.duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64, updated);
    }
}

#[tokio::test]
async fn the_same_anchor_writes_the_same_table() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (t, seed) = recipe("days = 5\nmode = 'overwrite'");
    let (ta, _) = write(a.path(), &t, seed).await;
    let (tb, _) = write(b.path(), &t, seed).await;
    let listing = |root: &Path| crate::storage::open(root.to_str().unwrap(), &BTreeMap::new()).unwrap();
    let (la, lb) = (listing(&ta).list_files().await.unwrap(), listing(&tb).list_files().await.unwrap());
    assert_eq!(la, lb, "same names, sizes and times");
    let last = |d: &Path, root: &Path| {
        String::from_utf8(std::fs::read(metadata_files(root).last().unwrap()).unwrap()).unwrap().replace(d.to_str().unwrap(), "")
    };
    assert_eq!(last(a.path(), &ta), last(b.path(), &tb));
}

#[tokio::test]
async fn summaries_without_totals_fall_back_to_manifests() {
    let dir = tempfile::tempdir().unwrap();
    let (t, seed) = recipe("partition = 'day'\ndays = 35\ndeletes = [0]");
    let (table, p) = write(dir.path(), &t, seed).await;
    let as_of = p.commits.last().unwrap().timestamp_ms;
    let (info, history) = read(&table, as_of).await;

    // Another writer's summaries: operation only. Written as the newest metadata version.
    let newest = metadata_files(&table).pop().unwrap();
    let mut json: serde_json::Value = serde_json::from_slice(&std::fs::read(&newest).unwrap()).unwrap();
    for s in json["snapshots"].as_array_mut().unwrap() {
        s["summary"].as_object_mut().unwrap().retain(|k, _| k == "operation");
    }
    std::fs::write(table.join("metadata/99999-bare-summaries.metadata.json"), serde_json::to_vec(&json).unwrap()).unwrap();
    let (bare_info, bare_history) = read(&table, as_of).await;
    assert_eq!(bare_history, history, "totals and changes from manifests equal the summaries'");
    assert_eq!(bare_info.current, info.current);
    assert_eq!(bare_info.partitions, info.partitions);
}

#[tokio::test]
async fn the_current_metadata_is_found_without_a_version_hint_and_a_hint_wins() {
    let dir = tempfile::tempdir().unwrap();
    let (t, seed) = recipe("days = 4");
    let (table, _) = write(dir.path(), &t, seed).await;
    let (_, history) = read(&table, 0).await;
    let (info, _) = read(&table, 0).await;
    assert_eq!(info.current.version_id.as_deref(), Some(history[3].version_id.as_str()), "no hint: highest version");

    // A lagging hint is followed forward through consecutive versions, as HadoopTableOperations does.
    std::fs::write(table.join("metadata/version-hint.text"), b"1\n").unwrap();
    let (lagging, _) = read(&table, 0).await;
    assert_eq!(lagging.current, info.current, "versions 2.. follow the hinted 1");
    // With version 2 gone, nothing follows 1 and the hint wins over the higher-numbered files.
    let v2 = metadata_files(&table).into_iter().find(|p| p.file_name().unwrap().to_str().unwrap().starts_with("00002-")).unwrap();
    std::fs::remove_file(&v2).unwrap();
    let (hinted, _) = read(&table, 0).await;
    assert_eq!(hinted.current.version_id.as_deref(), Some(history[1].version_id.as_str()), "the hint names version 1");

    std::fs::write(table.join("metadata/version-hint.text"), b"not a version").unwrap();
    let (garbled, _) = read(&table, 0).await;
    assert_eq!(garbled.current, info.current, "an unreadable hint falls back to the highest version");
    assert!(garbled.warnings.iter().any(|w| w.contains("version-hint.text")), "{:?}", garbled.warnings);

    std::fs::write(table.join("metadata/version-hint.text"), b"77").unwrap();
    let Err(e) = open(&table).await else { panic!("a hint naming a missing version opened") };
    assert_eq!(e.kind, ErrorKind::Corrupt, "{}", e.message);
    assert!(e.message.contains("version-hint.text") && e.message.contains("version 77"), "{}", e.message);
}

#[tokio::test]
async fn broken_metadata_json_is_corrupt_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let (t, seed) = recipe("days = 2");
    let (table, _) = write(dir.path(), &t, seed).await;
    std::fs::write(table.join("metadata/00002-half-written.metadata.json"), b"{\"format-version\": 2, \"table-uu").unwrap();
    let err = open(&table).await.expect_err("broken JSON must not open");
    assert_eq!(err.kind, ErrorKind::Corrupt);
    assert!(err.message.contains("00002-half-written.metadata.json"), "{}", err.message);

    let empty = dir.path().join("empty/metadata");
    std::fs::create_dir_all(&empty).unwrap();
    let err = open(empty.parent().unwrap()).await.err().unwrap();
    assert_eq!(err.kind, ErrorKind::NotFound, "{}", err.message);
    let err = open(&dir.path().join("no/such/table")).await.err().unwrap();
    assert_eq!(err.kind, ErrorKind::NotFound, "{}", err.message);
}

#[tokio::test]
async fn min_snapshots_to_keep_and_max_age_decide_what_expiry_reclaims() {
    let dir = tempfile::tempdir().unwrap();
    let (t, seed) = recipe("days = 10\nretention = 3");
    let (table, p) = write(dir.path(), &t, seed).await;
    let last_ms = p.commits.last().unwrap().timestamp_ms;
    // An append-only table: every manifest and data file stays reachable from the head; expiring a
    // snapshot frees exactly its manifest list.
    let mut lists: Vec<(i64, u64)> = std::fs::read_dir(table.join("metadata"))
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_name().to_string_lossy().starts_with("snap-"))
        .map(|e| {
            let m = e.metadata().unwrap();
            (m.modified().unwrap().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64, m.len())
        })
        .collect();
    lists.sort();
    let oldest = |n: usize| lists.iter().take(n).map(|(_, s)| s).sum::<u64>();

    // Retention is 3 days: at the last commit + 12 h, the snapshots of the last 2.5 days stay.
    let as_of = last_ms + DAY_MS / 2;
    let (info, _) = read(&table, as_of).await;
    let kept = lists.iter().filter(|(ms, _)| *ms >= as_of - 3 * DAY_MS).count();
    assert_eq!(kept, 3);
    assert_eq!(info.storage.reclaimable_bytes, oldest(10 - kept));

    // Far in the future only the head survives the default of one snapshot to keep...
    let (info, _) = read(&table, last_ms + 100 * DAY_MS).await;
    assert_eq!(info.storage.reclaimable_bytes, oldest(9));

    // ...or as many as history.expire.min-snapshots-to-keep asks for.
    let newest = metadata_files(&table).pop().unwrap();
    let mut json: serde_json::Value = serde_json::from_slice(&std::fs::read(&newest).unwrap()).unwrap();
    json["properties"]["history.expire.min-snapshots-to-keep"] = "6".into();
    std::fs::write(&newest, serde_json::to_vec(&json).unwrap()).unwrap();
    let (info, _) = read(&table, last_ms + 100 * DAY_MS).await;
    assert_eq!(info.storage.reclaimable_bytes, oldest(4));

    json["properties"]["gc.enabled"] = "false".into();
    std::fs::write(&newest, serde_json::to_vec(&json).unwrap()).unwrap();
    let (info, _) = read(&table, last_ms + 100 * DAY_MS).await;
    assert_eq!(info.storage.reclaimable_bytes, 0);
}
