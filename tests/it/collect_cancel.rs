//! The app's Cancel of a collection (`Lakescope::collect_until_cancelled`) on the demo lakehouse: the run
//! stops before its next table, stays unfinished in the store (so nothing reads it as a finished
//! collection) with a `run` error saying it was cancelled, and the next run finishes and records exactly
//! the tables the cancelled one had not.

use std::sync::atomic::{AtomicU64, Ordering};

use lakescope::cancel::CancelToken;
use lakescope::collect::{CollectOptions, CollectProgress};
use lakescope::cost::PriceProfile;
use lakescope::findings::Rules;
use lakescope::store::Store;
use lakescope::{ErrorKind, Lakescope};

use crate::support::demo;

#[test]
fn a_cancelled_collection_stays_unfinished_and_the_next_run_records_the_rest() {
    let d = demo();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.db");
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    rt.block_on(async {
        let ls = Lakescope::from_sources_file(&d.sources).unwrap();
        let store = Store::open(Some(path.to_str().unwrap())).await.unwrap();
        let opts = CollectOptions { as_of_ms: chrono::Utc::now().timestamp_millis(), prefixes: true };
        let (rules, profile) = (Rules::default(), PriceProfile::resolve(None).unwrap());
        let cancel = CancelToken::new();
        let seen = AtomicU64::new(0);
        let progress = |p: &CollectProgress| {
            seen.fetch_add(1, Ordering::SeqCst);
            if p.done == 2 {
                cancel.cancel();
            }
        };
        let e = ls.collect_until_cancelled(&store, &opts, (&rules, &profile), &progress, &cancel).await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::Cancelled, "{}", e.message);
        assert!(e.message.contains("collection run") && e.message.contains("store.db"), "names the run and store: {}", e.message);
        assert_eq!(seen.load(Ordering::SeqCst), 2, "no table is read after Cancel");

        let runs = store.runs().await.unwrap();
        assert_eq!(runs.len(), 1);
        assert_eq!(runs[0].finished_ms, None, "a cancelled run is never marked finished");
        assert_eq!(runs[0].tables_recorded, 2, "the two tables done before Cancel are recorded whole");
        assert!(store.latest_finished_run(i64::MAX).await.unwrap().is_none(), "no finished collection to show");
        let errors = store.errors(&runs[0].run_id).await.unwrap();
        assert!(errors.iter().any(|r| r.target == "run" && r.kind == "Cancelled"), "the store says why it stopped: {errors:?}");

        // The next run (nothing cancels it) finishes and records only what the cancelled one had not.
        let report = ls.collect(&store, &opts, (&rules, &profile), &|_| {}).await.unwrap();
        assert_eq!(report.tables_present, 2, "{report:?}");
        assert_eq!(report.tables_recorded, report.tables_total - 2 - report.tables_failed, "{report:?}");
        let last = store.latest_finished_run(i64::MAX).await.unwrap().expect("a finished run");
        assert_eq!(last.run_id, report.run_id);
        store.close().await;
    });
}
