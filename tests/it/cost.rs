//! `lakescope cost`: every dollar is the bytes `lakescope table --json` reports (themselves truth-tested
//! against deltalake/pyiceberg) times the profile's price with the stated conventions; the trend is the
//! table's history; the forecast is the least-squares line the output says it is.

use serde_json::Value;

use crate::support::{cli, cli_json, demo, AS_OF};

const AS_OF_MS: i64 = 1_796_040_000_000; // 2026-11-30T12:00:00Z

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// Equal up to the last bit or two: the arithmetic is the same, but serde_json's float parsing is not
/// always correctly rounded (its `float_roundtrip` feature is off).
#[track_caller]
fn same(got: &Value, want: f64, what: &str) {
    let g = f(got);
    assert!((g - want).abs() <= 4.0 * f64::EPSILON * want.abs(), "{what}: got {g}, want {want}");
}

#[test]
fn dollars_are_table_bytes_times_profile_prices_for_every_demo_table() {
    let d = demo();
    let s = d.sources_arg();
    let tables = cli_json(&["--sources", &s, "tables"]);
    // An empty store of our own, so snapshots a user collected on this machine cannot leak in.
    let tmp = tempfile::tempdir().unwrap();
    let empty = tmp.path().join("empty.db");
    let empty = empty.to_str().unwrap();
    for t in tables.as_array().unwrap() {
        let name = format!("{}.{}.{}", t["source"].as_str().unwrap(), t["namespace"].as_str().unwrap(), t["name"].as_str().unwrap());
        let table = cli_json(&["--sources", &s, "--as-of", AS_OF, "table", &name]);
        // HDFS: replication 3 at $20 per TB (10^12 bytes) per 730-hour month.
        let cost = cli_json(&["--sources", &s, "--as-of", AS_OF, "--store", empty, "cost", &name, "--profile", "onprem-hdfs"]);
        assert_eq!(cost["bytes"], table["storage"], "{name}");
        assert_eq!(cost["profile"]["storage"]["replication"], 3);
        for (part, key) in [
            ("total", "total_bytes"),
            ("live", "live_bytes"),
            ("old_version", "old_version_bytes"),
            ("orphan", "orphan_bytes"),
            ("metadata", "metadata_bytes"),
            ("reclaimable", "reclaimable_bytes"),
        ] {
            let bytes = table["storage"][key].as_u64().unwrap();
            let month = bytes as f64 * 3.0 / 1e12 * 20.0;
            same(&cost["usd_per_month"][part], month, &format!("{name} {part}"));
            same(&cost["usd_per_day"][part], month * 24.0 / 730.0, &format!("{name} {part} per day"));
        }
        let conv = cost["conventions"].as_str().unwrap();
        assert!(conv.contains("730 hours") && conv.contains("1000000000000 bytes per TB"), "{conv}");
    }
}

#[test]
fn a_hand_checked_table_a_custom_tib_profile_and_a_bad_profile() {
    let d = demo();
    let s = d.sources_arg();
    let table = cli_json(&["--sources", &s, "--as-of", AS_OF, "table", "delta.fact.fact_payments"]);
    let total = table["storage"]["total_bytes"].as_u64().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let empty = tmp.path().join("empty.db");
    let empty = empty.to_str().unwrap();
    let cost = cli_json(&["--sources", &s, "--as-of", AS_OF, "--store", empty, "cost", "delta.fact.fact_payments"]);
    assert_eq!(cost["profile"]["name"], "aws-s3-standard", "the default profile");
    // $0.023 per GB (10^9 bytes) per month.
    same(&cost["usd_per_month"]["total"], total as f64 * 1.0 / 1e9 * 0.023, "S3 standard");

    let custom = tmp.path().join("team.toml");
    std::fs::write(&custom, "name = 'team'\n[storage]\nusd_per_month = 10.0\nper = 'TiB'\nreplication = 2\n").unwrap();
    let cost = cli_json(&["--sources", &s, "--as-of", AS_OF, "--store", empty, "cost", "delta.fact.fact_payments", "--profile", custom.to_str().unwrap()]);
    same(&cost["usd_per_month"]["total"], total as f64 * 2.0 / 1_099_511_627_776.0 * 10.0, "custom TiB profile");
    assert_eq!(cost["profile"]["compute"]["usd_per_gib_hour"], 0.004237, "compute defaults to the Spark prices");

    let bad = tmp.path().join("bad.toml");
    std::fs::write(&bad, "name = 'bad'\n[storage]\nusd_per_month = 'cheap'\nper = 'GB'\n").unwrap();
    let out = cli()
        .args(["--sources", &s, "--store", empty, "cost", "delta.fact.fact_payments", "--json", "--profile", bad.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "invalid input");
    let doc: Value = serde_json::from_slice(&out.stderr).unwrap();
    let msg = doc["error"]["message"].as_str().unwrap();
    assert_eq!(doc["error"]["kind"], "InvalidInput");
    assert!(msg.contains("bad.toml") && msg.contains("usd_per_month"), "{msg}");
}

#[test]
fn trend_is_the_history_and_forecast_is_the_stated_least_squares_line() {
    let d = demo();
    let s = d.sources_arg();
    let tmp = tempfile::tempdir().unwrap();
    let empty = tmp.path().join("empty.db");
    let history = cli_json(&["--sources", &s, "history", "delta.fact.fact_payments"]);
    let cost = cli_json(&["--sources", &s, "--as-of", AS_OF, "--store", empty.to_str().unwrap(), "cost", "delta.fact.fact_payments"]);
    let rows: Vec<&Value> = history.as_array().unwrap().iter().filter(|h| h["timestamp_ms"].as_i64().unwrap() <= AS_OF_MS).collect();
    let trend = cost["trend"].as_array().unwrap();
    assert_eq!(trend.len(), rows.len());
    for (p, h) in trend.iter().zip(&rows) {
        assert_eq!((&p["time_ms"], &p["live_bytes"], &p["origin"]), (&h["timestamp_ms"], &h["data_bytes"], &Value::from("history")));
    }

    // Our own least-squares fit over the last 90 days of history, in days since the first point.
    let from = AS_OF_MS - 90 * 86_400_000;
    let pts: Vec<(f64, f64)> = rows
        .iter()
        .filter(|h| h["timestamp_ms"].as_i64().unwrap() >= from)
        .map(|h| (h["timestamp_ms"].as_i64().unwrap() as f64, h["data_bytes"].as_u64().unwrap() as f64))
        .collect();
    assert!(pts.len() > 10, "the demo has months of daily history");
    let x0 = pts[0].0;
    let xs: Vec<f64> = pts.iter().map(|(t, _)| (t - x0) / 86_400_000.0).collect();
    let n = pts.len() as f64;
    let (mx, my) = (xs.iter().sum::<f64>() / n, pts.iter().map(|p| p.1).sum::<f64>() / n);
    let slope = xs.iter().zip(&pts).map(|(x, p)| (x - mx) * (p.1 - my)).sum::<f64>() / xs.iter().map(|x| (x - mx).powi(2)).sum::<f64>();
    let fc = &cost["forecast"];
    assert!((f(&fc["slope_bytes_per_day"]) - slope).abs() <= 1e-6 * slope.abs().max(1.0), "{fc}");
    assert_eq!(fc["points"].as_u64().unwrap() as usize, pts.len());
    let method = fc["method"].as_str().unwrap();
    assert!(method.contains("least-squares") && method.contains("90 days") && method.contains("history"), "{method}");
    let total = cost["bytes"]["total_bytes"].as_u64().unwrap() as f64;
    assert_eq!(fc["in_30_days"]["total_bytes"].as_u64().unwrap(), (total + f(&fc["slope_bytes_per_day"]) * 30.0).round() as u64);
    assert_eq!(fc["in_90_days"]["total_bytes"].as_u64().unwrap(), (total + f(&fc["slope_bytes_per_day"]) * 90.0).round() as u64);
    let b90 = fc["in_90_days"]["total_bytes"].as_u64().unwrap();
    same(&fc["in_90_days"]["usd_per_month"], b90 as f64 * 1.0 / 1e9 * 0.023, "forecast dollars");
}

#[test]
fn collected_snapshots_join_the_trend_and_drive_the_forecast() {
    let d = demo();
    let s = d.sources_arg();
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store.db");
    let store = store.to_str().unwrap();
    for as_of in ["2026-11-20T12:00:00Z", AS_OF] {
        let r = cli_json(&["--sources", &s, "--store", store, "--as-of", as_of, "collect", "--no-prefixes"]);
        assert_eq!(r["tables_recorded"], 10, "{r}");
    }
    let cost = cli_json(&["--sources", &s, "--store", store, "--as-of", AS_OF, "cost", "hive.ods.ods_web_logs"]);
    let trend = cost["trend"].as_array().unwrap();
    assert_eq!(trend.len(), 2, "plain Parquet has no history: the collected snapshots are its trend");
    let snaps = cli_json(&["--store", store, "snapshots", "hive.ods.ods_web_logs"]);
    for (p, snap) in trend.iter().zip(snaps.as_array().unwrap()) {
        assert_eq!(p["origin"], "collected");
        assert_eq!(p["total_bytes"], snap["storage"]["total_bytes"]);
        assert_eq!(p["time_ms"], snap["collected_ms"]);
    }
    let fc = &cost["forecast"];
    assert!(fc["method"].as_str().unwrap().contains("collected"), "{fc}");
    // The same files on both days: a flat line.
    assert_eq!(f(&fc["slope_bytes_per_day"]), 0.0);
    assert_eq!(fc["in_90_days"]["total_bytes"], cost["bytes"]["total_bytes"]);
}
