//! `lakescope collect` killed with SIGKILL at 50 random moments, each run on a new day so that every run
//! has rows to write (the demo's Delta and Parquet tables, to keep a run short): after every kill
//! SQLite's own integrity check
//! passes, the store is consistent (see `collect::assert_consistent`), and no finished collection lost
//! a row. The kill points come from a seed printed at the start (`LAKESCOPE_KILL_SEED` replays one).

use std::collections::BTreeMap;
use std::process::Stdio;
use std::time::Instant;

use serde_json::Value;
use sqlx::Connection;

use crate::collect::assert_consistent;
use crate::support::{cli, demo, Rng};

const KILLS: usize = 50;

fn as_of(day: i64) -> String {
    (chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap() + chrono::Duration::days(day)).format("%Y-%m-%dT12:00:00Z").to_string()
}

fn collect(sources: &str, store: &str, day: i64) -> std::process::Child {
    cli()
        .args(["--sources", sources, "--store", store, "--as-of", &as_of(day), "collect", "--json"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start lakescope collect")
}

fn integrity(store: &str) -> String {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{store}")).await.expect("open the store");
        let r: String = sqlx::query_scalar("PRAGMA integrity_check").fetch_one(&mut c).await.unwrap();
        c.close().await.ok();
        r
    })
}

/// Finished runs: run id → the snapshot rows it wrote.
fn finished(snaps: &[Value], runs: &[Value]) -> BTreeMap<String, usize> {
    runs.iter()
        .filter(|r| !r["finished_ms"].is_null())
        .map(|r| {
            let id = r["run_id"].as_str().unwrap().to_string();
            let rows = snaps.iter().filter(|s| s["run_id"] == r["run_id"]).count();
            (id, rows)
        })
        .collect()
}

#[test]
fn fifty_kills_at_random_moments_never_corrupt_the_store_or_lose_a_finished_collection() {
    let tmp = tempfile::tempdir().unwrap();
    let lake = |dir: &str| format!("file://{}", demo().dir.join(dir).display());
    let sources = tmp.path().join("sources.toml");
    std::fs::write(
        &sources,
        format!("[[source]]\nname = 'delta'\nkind = 'delta'\nlocation = '{}'\n\n[[source]]\nname = 'hive'\nkind = 'storage'\nlocation = '{}'\n", lake("delta"), lake("hive")),
    )
    .unwrap();
    let sources = sources.display().to_string();
    let tables = crate::support::cli_json(&["--sources", &sources, "tables"]).as_array().unwrap().len();
    let store = tmp.path().join("store.db").display().to_string();

    // One whole run first: how long a run takes here sets the range of kill points.
    let started = Instant::now();
    assert!(collect(&sources, &store, 0).wait().unwrap().success());
    let full = started.elapsed();
    let seed = std::env::var("LAKESCOPE_KILL_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64 | 1);
    eprintln!("collect kill test: seed {seed} (LAKESCOPE_KILL_SEED), a whole run takes {full:?}");
    let mut rng = Rng(seed);

    let (snaps, runs) = assert_consistent(&sources, &store);
    let mut done = finished(&snaps, &runs);
    let (mut day, mut kills, mut completions) = (1, 0, 0);
    while kills < KILLS {
        // Kill anywhere from the first instant to a little past a whole run (some runs finish).
        let delay = full.mul_f64((rng.next() % 1100) as f64 / 1000.0);
        let mut child = collect(&sources, &store, day);
        std::thread::sleep(delay);
        day += 1;
        if child.try_wait().unwrap().is_some() {
            completions += 1;
        } else {
            child.kill().expect("kill -9 collect");
            child.wait().unwrap();
            kills += 1;
        }
        assert_eq!(integrity(&store), "ok", "SQLite's integrity check after kill {kills} (seed {seed})");
        let (snaps, runs) = assert_consistent(&sources, &store);
        let now = finished(&snaps, &runs);
        for (id, rows) in &done {
            assert_eq!(now.get(id), Some(rows), "finished run {id} lost rows after kill {kills} (seed {seed})");
        }
        done = now;
    }
    // And the next run completes the day's collection.
    assert!(collect(&sources, &store, day).wait().unwrap().success());
    let (snaps, _) = assert_consistent(&sources, &store);
    let today = snaps.iter().filter(|s| s["day"] == as_of(day)[..10]).count();
    assert_eq!(today, tables, "every table recorded on the last day");
    eprintln!("collect kill test: {kills} kills, {completions} runs let finish, {} snapshot rows", snaps.len());
}
