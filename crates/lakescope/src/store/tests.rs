use super::*;
use crate::model::{StorageBreakdown, TableFormat};

pub(crate) fn snapshot(run_id: &str, name: &str, day_ms: i64, version: &str) -> SizeSnapshot {
    SizeSnapshot {
        source: "lake".into(),
        namespace: "ods".into(),
        name: name.into(),
        format: TableFormat::Delta,
        location: format!("file:///lake/ods/{name}"),
        day: utc_day(day_ms),
        version_key: version.into(),
        run_id: run_id.into(),
        collected_ms: day_ms,
        version_id: Some(version.into()),
        version_ms: Some(day_ms - 1000),
        records: None,
        data_files: 3,
        data_bytes: 300,
        storage: StorageBreakdown {
            total_bytes: 1000,
            total_files: 9,
            live_bytes: 300,
            old_version_bytes: 200,
            orphan_bytes: 100,
            metadata_bytes: 400,
            reclaimable_bytes: 250,
        },
    }
}

fn run(id: &str) -> CollectionRun {
    CollectionRun {
        run_id: id.into(),
        started_ms: 1,
        finished_ms: None,
        as_of_ms: 2,
        sources_file: Some("/s.toml".into()),
        tables_total: 3,
        tables_recorded: 0,
        tables_present: 0,
        tables_failed: 0,
    }
}

#[tokio::test]
async fn same_table_version_and_day_is_recorded_once_and_counted_as_present() {
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("nested/dir/store.db");
    let store = Store::open(Some(path.to_str().unwrap())).await.unwrap();
    store.begin_run(&run("r1")).await.unwrap();
    let day = 1_796_000_000_000;
    assert!(store.record_snapshot(&snapshot("r1", "orders", day, "7")).await.unwrap());
    assert!(!store.record_snapshot(&snapshot("r1", "orders", day + 3_600_000, "7")).await.unwrap(), "same day, same version");
    assert!(store.record_snapshot(&snapshot("r1", "orders", day, "8")).await.unwrap(), "a new version is new");
    assert!(store.record_snapshot(&snapshot("r1", "orders", day + 86_400_000, "8")).await.unwrap(), "a new day is new");
    store.record_error("r1", "lake.ods.broken", &Error::corrupt("bad log"), true).await.unwrap();
    store.finish_run("r1", 99, 5).await.unwrap();
    store.close().await;

    // Reopening runs the migrations again (a no-op) and reads back what was written.
    let store = Store::open(Some(&format!("sqlite://{}", path.display()))).await.unwrap();
    let snaps = store.snapshots(Some(("lake", "ods", "orders"))).await.unwrap();
    assert_eq!(snaps.len(), 3);
    assert_eq!(snaps[0], snapshot("r1", "orders", day, "7"));
    let runs = store.runs().await.unwrap();
    assert_eq!(runs.len(), 1);
    let r = &runs[0];
    assert_eq!((r.tables_total, r.tables_recorded, r.tables_present, r.tables_failed), (5, 3, 1, 1));
    assert_eq!(r.finished_ms, Some(99));
    let errors = store.errors("r1").await.unwrap();
    assert_eq!(errors.len(), 1);
    assert_eq!((errors[0].kind.as_str(), errors[0].target.as_str()), ("Corrupt", "lake.ods.broken"));
    assert!(store.snapshots(Some(("lake", "ods", "nope"))).await.unwrap().is_empty());
}

#[tokio::test]
async fn prefixes_are_recorded_once_per_day() {
    let d = tempfile::tempdir().unwrap();
    let store = Store::open(Some(d.path().join("s.db").to_str().unwrap())).await.unwrap();
    let p = PrefixSnapshot {
        source: "lake".into(),
        prefix: "ods.db/".into(),
        day: "2026-11-30".into(),
        run_id: "r".into(),
        collected_ms: 5,
        bytes: 10,
        objects: 2,
    };
    assert!(store.record_prefix(&p).await.unwrap());
    assert!(!store.record_prefix(&PrefixSnapshot { bytes: 11, ..p.clone() }).await.unwrap());
    assert_eq!(store.prefix_snapshots().await.unwrap(), vec![p]);
}

#[tokio::test]
async fn unsupported_store_urls_say_which_and_hide_passwords() {
    let e = Store::open(Some("mysql://admin:hunter2@db/lakescope")).await.err().unwrap();
    assert_eq!(e.kind, crate::ErrorKind::Unsupported);
    assert!(e.message.contains("mysql://admin:***@db/lakescope"), "{}", e.message);
    assert!(!e.message.contains("hunter2"), "{}", e.message);
}

#[test]
fn days_are_utc() {
    assert_eq!(utc_day(1_796_083_199_999), "2026-11-30");
    assert_eq!(utc_day(1_796_083_200_000), "2026-12-01");
}

/// The embedded migrations are exactly what sqlx resolves from the directory (what `migrate!` embeds):
/// same versions, descriptions, checksums and order — so stores created before the switch still match.
#[tokio::test]
async fn embedded_migrations_equal_the_directory() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    let resolved = Migrator::new(dir.as_path()).await.unwrap();
    let key = |m: &Migration| (m.version, m.description.to_string(), m.checksum.to_vec(), m.no_tx);
    let embedded: Vec<_> = MIGRATOR.iter().map(key).collect();
    let expected: Vec<_> = resolved.iter().map(key).collect();
    assert!(!expected.is_empty());
    assert_eq!(embedded, expected);
}

fn version(v: i64, timestamp_ms: i64, data_bytes: u64) -> crate::model::HistoryRow {
    crate::model::HistoryRow {
        version: v,
        version_id: v.to_string(),
        timestamp_ms,
        operation: "WRITE".into(),
        records: None,
        data_files: 1,
        data_bytes,
        added_files: 1,
        removed_files: 0,
        added_bytes: 0,
        removed_bytes: 0,
    }
}

/// Two collections on one day: the later one's snapshot counts, once per table; versions are recorded
/// once however often a table is collected, and growth takes the last version at or before each end.
#[tokio::test]
async fn the_latest_snapshot_of_a_day_is_summed_and_growth_reads_recorded_versions() {
    let d = tempfile::tempdir().unwrap();
    let store = Store::open(Some(d.path().join("s.db").to_str().unwrap())).await.unwrap();
    let day = 1_796_000_000_000;
    let mut later = snapshot("r1", "orders", day + 3_600_000, "8");
    later.storage.total_bytes = 5000;
    later.storage.live_bytes = 700;
    for s in [snapshot("r1", "orders", day, "7"), later, snapshot("r1", "events", day, "1")] {
        store.record_snapshot(&s).await.unwrap();
    }
    let orders = ("lake", "ods", "orders");
    let history = [version(7, day - 5_000, 100), version(8, day - 1_000, 300), version(9, day + 7_200_000, 999)];
    assert_eq!(store.record_versions(orders, &history).await.unwrap(), 3);
    assert_eq!(store.record_versions(orders, &history[..2]).await.unwrap(), 0, "recorded once");

    let sums = store.schema_sums(&utc_day(day), day + 3_600_000).await.unwrap();
    assert_eq!(sums.len(), 1);
    assert_eq!((sums[0].tables, sums[0].total_bytes, sums[0].live_bytes), (2, 5000 + 1000, 700 + 300));
    // As of the first collection, the later one does not exist yet.
    let early = store.schema_sums(&utc_day(day), day).await.unwrap();
    assert_eq!((early[0].tables, early[0].total_bytes), (2, 2000));

    let mut g = store.table_growth(&utc_day(day), day - 3_000, day + 3_600_000).await.unwrap();
    g.sort_by(|a, b| a.name.cmp(&b.name));
    assert_eq!(g.len(), 2);
    assert!(!g[0].has_history, "events has no recorded versions: {:?}", g[0]);
    assert_eq!((g[1].has_history, g[1].bytes_before, g[1].bytes_now), (true, 100, 300), "version 9 is after as-of");
    assert!(store.latest_finished_run(day).await.unwrap().is_none(), "no run finished yet");
}

#[tokio::test]
async fn a_store_a_newer_build_migrated_is_refused_saying_so() {
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("s.db");
    Store::open(Some(path.to_str().unwrap())).await.unwrap().close().await;
    // What a newer build leaves behind: a migration this build does not have.
    {
        use sqlx::Connection;
        let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display())).await.unwrap();
        sqlx::query("INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES (9999, 'future', 1, x'00', 0)")
            .execute(&mut c)
            .await
            .unwrap();
        c.close().await.unwrap();
    }
    let e = Store::open(Some(path.to_str().unwrap())).await.err().expect("a newer store is refused");
    assert_eq!(e.kind, crate::ErrorKind::Unsupported, "{e}");
    assert!(e.message.contains("newer Lakescope") && e.message.contains("9999") && e.message.contains("s.db"), "{}", e.message);
}

#[tokio::test]
async fn a_new_store_opened_many_times_at_once_migrates_once() {
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("s.db").display().to_string();
    let opens = (0..8).map(|_| Store::open(Some(&path)));
    for r in futures::future::join_all(opens).await {
        r.expect("every concurrent open of a new store succeeds").close().await;
    }
}

fn indexed(name: &str, bytes: u64) -> crate::lookup::IndexedTable {
    use crate::lookup::{IndexedColumn, IndexedTable, Layer};
    IndexedTable {
        source: "hms".into(),
        namespace: "ods".into(),
        name: name.into(),
        source_kind: "hms".into(),
        format: TableFormat::Parquet,
        location: format!("s3://lake/ods/{name}"),
        fingerprint: format!("hms:{bytes}"),
        layer: Layer::of("ods", name),
        owner: bytes.is_multiple_of(2).then(|| "data-eng".to_string()),
        comment: None,
        columns: vec![IndexedColumn { name: "id".into(), data_type: "bigint".into(), comment: Some(format!("{bytes}")) }],
        partition_columns: vec!["dt".into()],
        records: (!bytes.is_multiple_of(3)).then_some(bytes * 10),
        data_files: bytes % 7,
        data_bytes: bytes,
        total_bytes: bytes,
        last_modified_ms: Some(bytes as i64),
        indexed_ms: 1,
    }
}

/// Many rows per statement write what one statement per row writes: 150 rows are two full statements
/// and a short tail; a table named twice within one statement's rows keeps its last row (as row by row);
/// rows already indexed are replaced.
#[tokio::test]
async fn upserting_many_rows_equals_upserting_them_one_by_one() {
    let d = tempfile::tempdir().unwrap();
    let (many, one) = (
        Store::open(Some(d.path().join("many.db").to_str().unwrap())).await.unwrap(),
        Store::open(Some(d.path().join("one.db").to_str().unwrap())).await.unwrap(),
    );
    let first: Vec<_> = (0..150).map(|i| indexed(&format!("t{i:03}"), i)).collect();
    let mut second: Vec<_> = (100..250).map(|i| indexed(&format!("t{i:03}"), i * 1000)).collect();
    second[3] = indexed("t110", 42);
    for rows in [&first, &second] {
        many.lookup_upsert_many(rows).await.unwrap();
        for r in rows.iter() {
            one.lookup_upsert(r).await.unwrap();
        }
    }
    let (got, want) = (many.lookup_tables().await.unwrap(), one.lookup_tables().await.unwrap());
    assert_eq!(got.len(), 250);
    assert_eq!(got, want);
    let t110 = got.iter().find(|t| t.name == "t110").unwrap();
    assert_eq!(t110.data_bytes, 110_000, "the later row of a table named twice wins");
    assert_eq!(got.iter().find(|t| t.name == "t050").unwrap(), &indexed("t050", 50));
    assert_eq!(many.lookup_count().await.unwrap(), 250);
}
