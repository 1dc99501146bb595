//! `lakescope overview --from-store`: right after `collect` on the demo lakehouse, the overview added up
//! by the store's SQL (SQLite and PostgreSQL alike) equals the live overview that reads every table —
//! totals, per-schema bytes, growth, movers, failures and the findings `collect` recorded (ranked by $ saved
//! per month, re-priced for another price profile) — and collecting into PostgreSQL twice records
//! every table once, with the same rows as a SQLite store.

use std::sync::OnceLock;

use serde_json::Value;

use crate::support::{cli, cli_json, demo, AS_OF};

/// The live overview at `AS_OF`, read once for every test of this module.
fn live() -> &'static Value {
    static LIVE: OnceLock<Value> = OnceLock::new();
    LIVE.get_or_init(|| cli_json(&["--sources", &demo().sources_arg(), "--as-of", AS_OF, "overview"]))
}

fn run(store: &str, rest: &[&str]) -> Value {
    let sources = demo().sources_arg();
    let mut args = vec!["--sources", sources.as_str(), "--store", store, "--as-of", AS_OF];
    args.extend_from_slice(rest);
    cli_json(&args)
}

fn close(a: &Value, b: &Value) -> bool {
    let (a, b) = (a.as_f64().unwrap(), b.as_f64().unwrap());
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1e-12)
}

fn sorted(v: &Value, key: Option<&str>) -> Vec<String> {
    let mut out: Vec<String> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|x| match key {
            Some(k) => x[k].as_str().unwrap().to_string(),
            None => x.as_str().unwrap().to_string(),
        })
        .collect();
    out.sort();
    out
}

/// Every figure the store holds equals the live overview's, findings included.
fn assert_same_as_live(stored: &Value, store: &str) {
    let live = live();
    assert!(live["from_store"].is_null(), "the live overview says it is live");
    assert!(!stored["from_store"].is_null(), "{store}: the stored overview names its collection");
    assert_eq!(stored["as_of_ms"], live["as_of_ms"], "{store}: the collection's as-of is the overview's");
    for key in ["tables", "total_bytes", "live_bytes", "reclaimable_bytes", "growth_days", "growth_bytes", "schemas"] {
        assert_eq!(stored[key], live[key], "{store}: {key}");
    }
    for key in ["usd_per_month", "growth_usd_per_month"] {
        assert!(close(&stored[key], &live[key]), "{store}: {key} {} vs live {}", stored[key], live[key]);
    }
    assert_eq!(sorted(&stored["growth_unknown"], None), sorted(&live["growth_unknown"], None), "{store}: growth unknown");
    assert_eq!(sorted(&stored["failures"], Some("target")), sorted(&live["failures"], Some("target")), "{store}: failures");
    let (sm, lm) = (stored["movers"].as_array().unwrap(), live["movers"].as_array().unwrap());
    assert_eq!(sm.len(), lm.len(), "{store}: movers");
    for (s, l) in sm.iter().zip(lm) {
        for key in ["table", "format", "bytes_before", "bytes_now", "growth_bytes"] {
            assert_eq!(s[key], l[key], "{store}: mover {} {key}", l["table"]);
        }
        assert!(close(&s["growth_usd_per_month"], &l["growth_usd_per_month"]), "{store}: mover {}", l["table"]);
    }
    assert_same_findings(stored, live, store);
}

/// The stored run's findings are the live read's, in the same rank order ($ per month first), with the
/// same bytes, commands and reasons; dollars equal up to rounding.
fn assert_same_findings(stored: &Value, live: &Value, store: &str) {
    let (sf, lf) = (stored["findings"].as_array().unwrap(), live["findings"].as_array().unwrap());
    assert!(lf.len() >= 3, "the demo has findings to save money: {lf:?}");
    assert_eq!(sf.len(), lf.len(), "{store}: findings");
    for (s, l) in sf.iter().zip(lf) {
        let (mut s, mut l) = (s.clone(), l.clone());
        let (su, lu) = (s.as_object_mut().unwrap().remove("usd_per_month").unwrap(), l.as_object_mut().unwrap().remove("usd_per_month").unwrap());
        assert_eq!(s, l, "{store}: finding");
        assert!(close(&su, &lu), "{store}: $ of {} {}: {su} vs live {lu}", l["kind"], l["table"]);
    }
    assert!(close(&stored["findings_usd_per_month"], &live["findings_usd_per_month"]), "{store}: findings $ total");
    assert_eq!(stored["rules"], live["rules"], "{store}: the rules the findings were found under");
}

/// Snapshot rows without the run that wrote them (run ids differ between stores).
fn snapshot_rows(store: &str) -> Vec<Value> {
    let mut rows = run(store, &["snapshots"]).as_array().unwrap().clone();
    for r in &mut rows {
        r.as_object_mut().unwrap().remove("run_id");
    }
    rows
}

fn sqlite_store() -> &'static (tempfile::TempDir, String) {
    static STORE: OnceLock<(tempfile::TempDir, String)> = OnceLock::new();
    STORE.get_or_init(|| {
        let tmp = tempfile::tempdir().unwrap();
        let store = tmp.path().join("store.db").display().to_string();
        let report = run(&store, &["collect", "--no-prefixes"]);
        assert_eq!(report["tables_recorded"], report["tables_total"], "{report}");
        (tmp, store)
    })
}

#[test]
fn overview_from_a_sqlite_store_equals_the_live_overview_right_after_collect() {
    let (_tmp, store) = sqlite_store();
    let stored = run(store, &["overview", "--from-store"]);
    assert_same_as_live(&stored, store);
    assert!(live()["movers"].as_array().unwrap().len() >= 3, "the demo has tables that grew: {}", live()["movers"]);
    assert!(live()["schemas"].as_array().unwrap().len() >= 3, "the demo has several schemas: {}", live()["schemas"]);

    // `chart schemas` draws the same schemas, each labelled with its name and table count.
    let out = std::path::Path::new(store).with_file_name("schemas.svg");
    let drawn = run(store, &["chart", "schemas", "--from-store", "--theme", "dark", "--out", out.to_str().unwrap()]);
    assert_eq!(drawn["schemas"], stored["schemas"]);
    let svg = std::fs::read_to_string(&out).unwrap();
    for s in stored["schemas"].as_array().unwrap() {
        let n = s["tables"].as_u64().unwrap();
        let label = format!("{} ({n} table{})", s["schema"].as_str().unwrap(), if n == 1 { "" } else { "s" });
        assert_eq!(svg.matches(&label).count(), 1, "the chart labels {label} once");
    }

    // Asked for another price profile, the stored findings are re-priced from their bytes exactly as a
    // live read under that profile prices them.
    let glacier = run(store, &["overview", "--from-store", "--profile", "aws-s3-glacier"]);
    let live_glacier = run(store, &["findings", "--profile", "aws-s3-glacier"]);
    assert!(!close(&glacier["findings_usd_per_month"], &stored["findings_usd_per_month"]), "another profile, other dollars");
    let mut live_glacier = live_glacier.clone();
    live_glacier["findings_usd_per_month"] =
        serde_json::json!(live_glacier["findings"].as_array().unwrap().iter().map(|f| f["usd_per_month"].as_f64().unwrap()).sum::<f64>());
    assert_same_findings(&glacier, &live_glacier, "sqlite, re-priced");
}

#[test]
fn overview_from_a_store_without_a_collection_at_or_before_as_of_is_not_found() {
    let (_tmp, store) = sqlite_store();
    let sources = demo().sources_arg();
    // A day before the collection's as-of: nothing collected yet then.
    let out = cli()
        .args(["--sources", &sources, "--store", store, "--as-of", "2026-11-29T00:00:00Z", "overview", "--from-store", "--json"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err: Value = serde_json::from_slice(&out.stderr).expect("a JSON error");
    assert_eq!(err["error"]["kind"], "NotFound", "{err}");
    assert!(err["error"]["message"].as_str().unwrap().contains("lakescope collect"), "{err}");
}

#[test]
fn collect_into_postgres_is_idempotent_and_adds_up_like_sqlite_and_live() {
    let admin = match std::env::var("LAKESCOPE_TEST_PG_URL") {
        Ok(u) if !u.is_empty() => u,
        _ if std::env::var("LAKESCOPE_SKIP_DB_TESTS").as_deref() == Ok("1") => return,
        _ => panic!("LAKESCOPE_TEST_PG_URL is not set: start the test databases with `eval \"$(scripts/databases.sh)\"`"),
    };
    let db = "lakescope_it_overview_store";
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        use sqlx::Connection as _;
        let mut c = sqlx::PgConnection::connect(&admin).await.expect("connect to the test PostgreSQL");
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"))).execute(&mut c).await.unwrap();
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {db}"))).execute(&mut c).await.unwrap();
    });
    let (base, _) = admin.rsplit_once('/').unwrap();
    let pg = format!("{base}/{db}");

    let first = run(&pg, &["collect", "--no-prefixes"]);
    assert_eq!(first["tables_recorded"], first["tables_total"], "{first}");
    let rows = snapshot_rows(&pg);
    let again = run(&pg, &["collect", "--no-prefixes"]);
    assert_eq!((again["tables_recorded"].as_u64(), again["tables_present"].clone()), (Some(0), first["tables_total"].clone()), "{again}");
    assert_eq!(snapshot_rows(&pg), rows, "a rerun leaves the PostgreSQL rows as they were");
    assert_eq!(rows, snapshot_rows(&sqlite_store().1), "PostgreSQL and SQLite stores hold the same snapshots");

    let stored = run(&pg, &["overview", "--from-store"]);
    assert_same_as_live(&stored, "postgres");
    assert!(stored["from_store"]["store"].as_str().unwrap().starts_with("postgres://"), "{}", stored["from_store"]);
    assert!(!stored["from_store"]["store"].as_str().unwrap().contains("lakescope-test"), "the password is redacted");
}

/// `bench size` at toy scale (debug build, no timing asserted): the breakdown of small tables written by
/// pyiceberg and deltalake equals the one those libraries compute, and the overview the store's SQL adds
/// up over generated tables equals the figures computed from the generated rows, growth included.
#[test]
fn bench_size_checks_the_stored_overview_against_the_generated_rows() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_str().unwrap();
    let r = cli_json(&[
        "bench", "size", "--tables", "90", "--versions", "5", "--chart-days", "40", "--runs", "1", "--dir", dir,
        "--files", "24", "--snapshots", "12",
    ]);
    let checks = r["checks"].as_array().unwrap();
    assert_eq!(checks.len(), 8, "{r}");
    for c in checks {
        assert_eq!(c["store"], c["expected"], "{c}");
    }
    let figure = |name: &str| checks.iter().find(|c| c["figure"] == name).unwrap()["store"].as_i64().unwrap();
    assert_eq!((figure("tables"), figure("growth_unknown"), figure("schemas")), (90, 30, 40), "{r}");
    assert!(figure("growth_bytes") != 0 && figure("top_mover_growth") > 0, "{r}");
    let goals = r["goals"].as_array().unwrap();
    assert_eq!(goals.len(), 2, "{r}");
    assert!(goals.iter().all(|g| g["ours_seconds"].as_f64().unwrap() > 0.0), "{r}");

    // Part (a): our breakdown of tables written by pyiceberg and deltalake equals theirs, figure for
    // figure (the bench refuses to time otherwise); each has old versions, orphans and something to reclaim.
    let tables = r["breakdown"]["tables"].as_array().unwrap();
    assert_eq!(tables.iter().map(|t| t["format"].as_str().unwrap()).collect::<Vec<_>>(), ["iceberg", "delta"], "{r}");
    for t in tables {
        assert_eq!(t["ours"], t["reference"], "{t}");
        for key in ["live_bytes", "old_version_bytes", "orphan_bytes", "metadata_bytes", "reclaimable_bytes"] {
            assert!(t["ours"][key].as_u64().unwrap() > 0, "{key}: {t}");
        }
        assert!(t["ours"]["reclaimable_bytes"].as_u64() < t["ours"]["total_bytes"].as_u64(), "{t}");
        assert_eq!(t["snapshots"], 12, "{t}");
        assert!(t["timing"]["ours_seconds"].as_f64().unwrap() > 0.0 && t["timing"]["reference_seconds"].as_f64().unwrap() > 0.0, "{t}");
    }
}
