//! `lakescope overview` on the demo lakehouse: its totals are the sums of every table's
//! `lakescope cost --json`, its findings are exactly `lakescope findings --json` (same ranking), and
//! each mover's growth is the difference of live data bytes in the table's own `lakescope history`
//! (itself truth-tested against pyiceberg/deltalake) 30 days apart. Tables without history are said to
//! have unknown growth, never zero.

use serde_json::Value;

use crate::support::{cli, cli_json, demo, AS_OF};

const AS_OF_MS: i64 = 1_796_040_000_000; // 2026-11-30T12:00:00Z
const DAY_MS: i64 = 86_400_000;

fn names(s: &str) -> Vec<String> {
    cli_json(&["--sources", s, "tables"])
        .as_array()
        .unwrap()
        .iter()
        .map(|t| format!("{}.{}.{}", t["source"].as_str().unwrap(), t["namespace"].as_str().unwrap(), t["name"].as_str().unwrap()))
        .collect()
}

/// Live data bytes of the last version at or before `t` (0 before the first).
fn bytes_at(history: &[Value], t: i64) -> i64 {
    history.iter().rfind(|r| r["timestamp_ms"].as_i64().unwrap() <= t).map_or(0, |r| r["data_bytes"].as_i64().unwrap())
}

#[test]
fn totals_findings_and_movers_match_the_per_table_commands() {
    let d = demo();
    let s = d.sources_arg();
    let at = ["--sources", s.as_str(), "--as-of", AS_OF];
    let o = cli_json(&[&at[..], &["overview", "--profile", "onprem-hdfs", "--top", "3"]].concat());
    assert!(o["failures"].as_array().unwrap().is_empty(), "{o}");
    assert_eq!(o["as_of_ms"], AS_OF_MS);
    assert_eq!(o["profile"], "onprem-hdfs");
    let tables = names(&s);
    assert_eq!(o["tables"].as_u64().unwrap() as usize, tables.len());

    let (mut total, mut live, mut reclaim, mut usd) = (0u64, 0u64, 0u64, 0f64);
    let mut growth: Vec<(String, i64)> = Vec::new();
    let mut unknown = Vec::new();
    for n in &tables {
        let c = cli_json(&[&at[..], &["cost", n.as_str(), "--profile", "onprem-hdfs"]].concat());
        total += c["bytes"]["total_bytes"].as_u64().unwrap();
        live += c["bytes"]["live_bytes"].as_u64().unwrap();
        reclaim += c["bytes"]["reclaimable_bytes"].as_u64().unwrap();
        usd += c["usd_per_month"]["total"].as_f64().unwrap();
        let h = cli_json(&[&at[..], &["history", n.as_str()]].concat());
        let h = h.as_array().unwrap();
        if h.is_empty() {
            unknown.push(n.clone());
        } else {
            growth.push((n.clone(), bytes_at(h, AS_OF_MS) - bytes_at(h, AS_OF_MS - 30 * DAY_MS)));
        }
    }
    assert_eq!(o["total_bytes"].as_u64().unwrap(), total);
    assert_eq!(o["live_bytes"].as_u64().unwrap(), live);
    assert_eq!(o["reclaimable_bytes"].as_u64().unwrap(), reclaim);
    let got = o["usd_per_month"].as_f64().unwrap();
    assert!((got - usd).abs() <= 1e-9 * usd, "{got} vs {usd}");
    // onprem-hdfs: 3 replicas at $20 per TB-month (decimal TB).
    assert!((got - total as f64 * 3.0 / 1e12 * 20.0).abs() <= 1e-9 * got, "{got}");

    // Growth: every table with history; the top 3 by growth, biggest first; Parquet tables unknown.
    assert_eq!(o["growth_days"], 30);
    assert_eq!(o["growth_bytes"].as_i64().unwrap(), growth.iter().map(|g| g.1).sum::<i64>());
    growth.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let movers: Vec<(String, i64)> = o["movers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["table"].as_str().unwrap().to_string(), m["growth_bytes"].as_i64().unwrap()))
        .collect();
    assert_eq!(movers, growth[..3].to_vec());
    assert!(movers[0].1 > 0, "the demo's live data grew over the month: {movers:?}");
    let unknown_got: Vec<&str> = o["growth_unknown"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert_eq!(unknown_got, unknown.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(!unknown.is_empty() && unknown.iter().all(|n| n.starts_with("hive.")), "{unknown:?}");

    // Findings: the same list, in the same order, as `lakescope findings`.
    let f = cli_json(&[&at[..], &["findings", "--profile", "onprem-hdfs"]].concat());
    assert_eq!(o["findings"], f["findings"]);
    let sum: f64 = f["findings"].as_array().unwrap().iter().map(|x| x["usd_per_month"].as_f64().unwrap()).sum();
    assert!((o["findings_usd_per_month"].as_f64().unwrap() - sum).abs() <= 1e-12, "{sum}");
}

#[test]
fn growth_and_cost_charts_render_what_the_commands_report_and_bad_options_are_refused() {
    let d = demo();
    let s = d.sources_arg();
    let tmp = tempfile::tempdir().unwrap();
    let svg = tmp.path().join("growth.svg");
    let out = cli_json(&["--sources", &s, "--as-of", AS_OF, "chart", "top-growth", "--top", "4", "--theme", "dark", "--out", svg.to_str().unwrap()]);
    let text = std::fs::read_to_string(&svg).unwrap();
    let movers = out["movers"].as_array().unwrap();
    assert_eq!(movers.len(), 4);
    for m in movers {
        assert!(text.contains(m["table"].as_str().unwrap()), "{m}");
    }
    assert!(text.contains("Top 4 tables by growth") && text.contains("#161B22"), "dark theme and title");
    let png = tmp.path().join("growth.png");
    cli_json(&["--sources", &s, "--as-of", AS_OF, "chart", "top-growth", "--out", png.to_str().unwrap()]);
    assert_eq!(&std::fs::read(&png).unwrap()[1..4], b"PNG");

    // The cost chart prices the same trend `lakescope cost` reports, with its forecast.
    let cost_svg = tmp.path().join("cost.svg");
    let c = cli_json(&["--sources", &s, "--as-of", AS_OF, "chart", "cost", "demo.ods.ods_orders", "--out", cost_svg.to_str().unwrap()]);
    let want = cli_json(&["--sources", &s, "--as-of", AS_OF, "cost", "demo.ods.ods_orders"]);
    assert_eq!(c["trend_points"].as_u64().unwrap() as usize, want["trend"].as_array().unwrap().len());
    let text = std::fs::read_to_string(&cost_svg).unwrap();
    assert!(text.contains("demo.ods.ods_orders") && text.contains("live data after each version"), "title and history series");
    assert_eq!(text.contains("forecast (30 / 90 days)"), !want["forecast"].is_null(), "a forecast line exactly when cost has one");

    for (args, says) in [
        (vec!["overview", "--days", "0"], "--days"),
        (vec!["chart", "top-growth", "demo.ods.ods_orders", "--out", "/tmp/x.svg"], "top-growth"),
        (vec!["chart", "top-growth", "--out", "/tmp/x.gif"], ".svg or .png"),
        (vec!["chart", "cost", "--out", "/tmp/x.svg"], "need a table"),
    ] {
        let r = cli().args(["--sources", &s, "--json"]).args(&args).output().unwrap();
        assert_eq!(r.status.code(), Some(2), "{args:?}");
        let err: Value = serde_json::from_slice(&r.stderr).unwrap();
        assert_eq!(err["error"]["kind"], "InvalidInput", "{args:?}");
        assert!(err["error"]["message"].as_str().unwrap().contains(says), "{err}");
    }
}
