//! The desktop app killed with SIGKILL at 50 seeded random moments while it starts and writes its store
//! (the lookup index refresh it begins at launch, in the store named by `LAKESCOPE_STORE`): after every
//! kill SQLite's own integrity check passes, the store opens (and migrates) as the app opens it, and an
//! index refresh that finished before the kill is all there — the same tables, none lost.
//!
//! The real app binary runs in a real window (under `DISPLAY`, else an Xvfb this test starts), with its
//! own config and data dirs, over the demo lakehouse. Before each launch every row's fingerprint is
//! blanked, so each launch rewrites every row of the index (an unchanged table is otherwise skipped and a
//! kill would hit few writes); every third launch uses a new store, so kills also land while the store is
//! created and migrated. A refresh has finished when the app logged "index refreshed" (it logs that
//! after the store is closed). The kill points come from a seed printed at the start
//! (`LAKESCOPE_KILL_SEED` replays one); the app is the binary beside the `lakescope` CLI the test runs
//! (`cargo build --workspace --bins`, as `scripts/test-all.sh` does before the tests).

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use sqlx::Connection;

use crate::support::{demo, Rng};

/// Kills per run: 50 (issue 8 asks for at least 50); `LAKESCOPE_APP_KILLS` sets another count.
fn kills_wanted() -> usize {
    std::env::var("LAKESCOPE_APP_KILLS").ok().and_then(|v| v.parse().ok()).unwrap_or(50)
}
const FINISHED: &str = "lakescope-app: index refreshed:";

/// A display for the window: `DISPLAY` when set, else an Xvfb of this test's (stopped on drop).
struct Display {
    name: String,
    xvfb: Option<Child>,
}

impl Drop for Display {
    fn drop(&mut self) {
        if let Some(x) = &mut self.xvfb {
            x.kill().ok();
            x.wait().ok();
        }
    }
}

fn display() -> Display {
    if let Some(name) = std::env::var("DISPLAY").ok().filter(|d| !d.is_empty()) {
        return Display { name, xvfb: None };
    }
    // -displayfd: Xvfb picks a free display and writes its number once it accepts clients. -noreset: by
    // default the server resets when its last client goes, and an app launched right after a kill then
    // found no display ("Failed to initialize GTK") on a loaded machine.
    let mut xvfb = Command::new("Xvfb")
        .args(["-displayfd", "1", "-screen", "0", "1280x800x24", "-nolisten", "tcp", "-noreset"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the app kill test needs a DISPLAY or Xvfb (apt-get install xvfb)");
    let mut line = String::new();
    BufReader::new(xvfb.stdout.take().unwrap()).read_line(&mut line).expect("Xvfb's display number");
    assert!(!line.trim().is_empty(), "Xvfb did not start");
    Display { name: format!(":{}", line.trim()), xvfb: Some(xvfb) }
}

fn app_binary() -> PathBuf {
    let app = Path::new(env!("CARGO_BIN_EXE_lakescope")).with_file_name("lakescope-app");
    assert!(app.is_file(), "{} is not built: run `cargo build --workspace --bins` first", app.display());
    app
}

struct Launch<'a> {
    app: &'a Path,
    display: &'a str,
    home: &'a Path,
}

impl Launch<'_> {
    /// Start the app on `store`, its stderr into `log`, in a process group of its own (WebKit's helper
    /// processes with it).
    fn start(&self, store: &Path, log: &Path) -> Child {
        Command::new(self.app)
            .env("DISPLAY", self.display)
            .env("LAKESCOPE_SOURCES", &demo().sources)
            .env("LAKESCOPE_STORE", store)
            .env("LAKESCOPE_SPARK_INPUTS", self.home.join("spark_inputs.json"))
            .env("XDG_CONFIG_HOME", self.home.join("config"))
            .env("XDG_DATA_HOME", self.home.join("data"))
            .env("WEBKIT_DISABLE_DMABUF_RENDERER", "1")
            .env_remove("LAKESCOPE_TEST_STEP_DELAY_MS")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(log).unwrap())
            .process_group(0)
            .spawn()
            .expect("start lakescope-app")
    }
}

/// SIGKILL the app's whole process group, then reap the app.
fn kill(child: &mut Child) {
    let group = format!("-{}", child.id());
    let ok = Command::new("kill").args(["-KILL", "--", &group]).status().unwrap().success();
    assert!(ok || child.try_wait().unwrap().is_some(), "kill -9 {group}");
    child.wait().unwrap();
}

fn finished(log: &Path) -> bool {
    std::fs::read_to_string(log).unwrap_or_default().contains(FINISHED)
}

/// The result of `PRAGMA integrity_check`, the tables the store's index holds as the app loads them,
/// and (from the same connection) a way to make the next launch rewrite every row.
fn check(store: &Path) -> (String, BTreeSet<String>) {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let url = format!("sqlite://{}", store.display());
        let mut c = sqlx::SqliteConnection::connect(&url).await.expect("open the store with sqlx");
        let integrity: String = sqlx::query_scalar("PRAGMA integrity_check").fetch_one(&mut c).await.unwrap();
        c.close().await.ok();
        let s = lakescope::store::Store::open(Some(&store.display().to_string())).await.expect("the store opens as the app opens it");
        let index = lakescope::Lakescope::load_index(&s).await.expect("the index loads");
        s.close().await;
        let names = index.tables().iter().map(|t| format!("{}/{}.{}", t.source, t.namespace, t.name)).collect();
        (integrity, names)
    })
}

/// Blank every fingerprint: the next refresh re-reads and rewrites every row.
fn stale(store: &Path) {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{}", store.display())).await.unwrap();
        sqlx::query("UPDATE lookup_tables SET fingerprint = ''").execute(&mut c).await.unwrap();
        c.close().await.ok();
    })
}

/// Launch and wait for the refresh to finish (the baseline run): how long it took.
fn full_run(launch: &Launch, store: &Path, log: &Path) -> Duration {
    let started = Instant::now();
    let mut child = launch.start(store, log);
    while !finished(log) {
        assert!(child.try_wait().unwrap().is_none(), "the app exited before its index refresh finished: {}", std::fs::read_to_string(log).unwrap_or_default());
        assert!(started.elapsed() < Duration::from_secs(300), "no finished index refresh within 300 s: {}", std::fs::read_to_string(log).unwrap_or_default());
        std::thread::sleep(Duration::from_millis(25));
    }
    let took = started.elapsed();
    kill(&mut child);
    took
}

#[test]
fn fifty_kills_of_the_app_never_corrupt_the_store_or_lose_a_finished_index_refresh() {
    let app = app_binary();
    let display = display();
    let tmp = tempfile::tempdir().unwrap();
    let launch = Launch { app: &app, display: &display.name, home: tmp.path() };
    let log = tmp.path().join("app.log");

    // The baseline: one whole launch on the long-lived store, and what a finished refresh holds.
    let kept = tmp.path().join("kept.db");
    let full = full_run(&launch, &kept, &log);
    let (integrity, expected) = check(&kept);
    assert_eq!(integrity, "ok");
    let listed = crate::support::cli_json(&["--sources", demo().sources.to_str().unwrap(), "tables"]);
    assert_eq!(expected.len(), listed.as_array().unwrap().len(), "a finished refresh indexes every demo table: {expected:?}");

    let seed = std::env::var("LAKESCOPE_KILL_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64 | 1);
    eprintln!("app kill test: seed {seed} (LAKESCOPE_KILL_SEED), launch to finished index refresh takes {full:?}");
    let mut rng = Rng(seed);
    let started = Instant::now();
    let (mut kills, mut finished_first, mut fresh_stores) = (0, 0, 0);
    let wanted = kills_wanted();
    while kills < wanted {
        let fresh = kills % 3 == 2;
        let store = if fresh {
            fresh_stores += 1;
            tmp.path().join(format!("fresh-{fresh_stores}.db"))
        } else {
            stale(&kept);
            kept.clone()
        };
        // Anywhere from the first instant to a little past a whole launch (some refreshes finish).
        let delay = full.mul_f64((rng.next() % 1150) as f64 / 1000.0);
        let mut child = launch.start(&store, &log);
        std::thread::sleep(delay);
        if child.try_wait().unwrap().is_some() {
            panic!("the app exited on its own (seed {seed}): {}", std::fs::read_to_string(&log).unwrap_or_default());
        }
        kill(&mut child);
        kills += 1;
        let done = finished(&log);
        finished_first += done as usize;
        if !store.exists() {
            continue; // killed before it created the store
        }
        let (integrity, tables) = check(&store);
        let at = format!("kill {kills} at {delay:?} on {} (seed {seed})", store.display());
        assert_eq!(integrity, "ok", "SQLite's integrity check after {at}");
        if done || !fresh {
            // A finished refresh (this launch's, or the earlier ones on the long-lived store) is all there.
            assert_eq!(tables, expected, "the index after {at}");
        } else {
            assert!(tables.is_subset(&expected), "a killed first refresh holds only real tables after {at}: {tables:?}");
        }
    }
    eprintln!(
        "app kill test: {kills} kills in {:?} ({finished_first} after their refresh had finished, {fresh_stores} on new stores)",
        started.elapsed()
    );
}
