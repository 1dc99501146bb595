//! Human-readable output: aligned columns, human units, exact values where they matter.

use lakescope::bench::{human_secs, history::Report};
use lakescope::model::{HistoryRow, TableInfo, TableRef};
use lakescope::units;
use lakescope::Result;

/// Print rows as left-aligned columns under a header.
pub(crate) fn grid(header: &[&str], rows: Vec<Vec<String>>) {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in &rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cells: Vec<String>| {
        let s: Vec<String> = cells.iter().zip(&widths).map(|(c, w)| format!("{c:<w$}")).collect();
        outln!("{}", s.join("  ").trim_end());
    };
    line(header.iter().map(|s| s.to_string()).collect());
    for r in rows {
        line(r);
    }
}

pub fn tables(tables: &[TableRef]) -> Result<()> {
    if tables.is_empty() {
        outln!("No tables found. Add a source to your sources file, or run `lakescope demo`.");
        return Ok(());
    }
    grid(
        &["SOURCE", "NAMESPACE", "NAME", "FORMAT", "LOCATION"],
        tables
            .iter()
            .map(|t| vec![t.source.clone(), t.namespace.clone(), t.name.clone(), t.format.to_string(), t.location.clone()])
            .collect(),
    );
    Ok(())
}

pub fn table(t: &TableInfo) -> Result<()> {
    let c = &t.current;
    outln!("{} ({})", t.name, t.format);
    outln!("  location   {}", t.location);
    if let Some(o) = &t.owner {
        outln!("  owner      {o}");
    }
    if let Some(cm) = &t.comment {
        outln!("  comment    {cm}");
    }
    if let Some(v) = &c.version_id {
        outln!("  version    {v}{}", c.timestamp_ms.map(|ms| format!(" at {} UTC", units::datetime(ms))).unwrap_or_default());
    }
    outln!(
        "  current    {} rows, {} data files, {} ({} bytes)",
        c.records.map(|r| r.to_string()).unwrap_or_else(|| "unknown".into()),
        c.data_files,
        units::bytes(c.data_bytes),
        c.data_bytes
    );
    let s = &t.storage;
    outln!(
        "  storage    {} in {} files: live {}, old versions {}, orphan {}, metadata {}; reclaimable {}",
        units::bytes(s.total_bytes),
        s.total_files,
        units::bytes(s.live_bytes),
        units::bytes(s.old_version_bytes),
        units::bytes(s.orphan_bytes),
        units::bytes(s.metadata_bytes),
        units::bytes(s.reclaimable_bytes)
    );
    outln!("");
    grid(
        &["COLUMN", "TYPE", "NULLABLE", "COMMENT"],
        t.schema
            .iter()
            .map(|col| {
                let part = if t.partition_columns.contains(&col.name) { " (partition)" } else { "" };
                vec![format!("{}{part}", col.name), col.data_type.clone(), col.nullable.to_string(), col.comment.clone().unwrap_or_default()]
            })
            .collect(),
    );
    if !t.partitions.is_empty() {
        outln!("");
        grid(
            &["PARTITION", "ROWS", "FILES", "BYTES"],
            t.partitions
                .iter()
                .map(|p| {
                    let values: Vec<String> =
                        p.values.iter().map(|(k, v)| format!("{k}={}", v.as_deref().unwrap_or("NULL"))).collect();
                    vec![
                        values.join("/"),
                        p.records.map(|r| r.to_string()).unwrap_or_else(|| "unknown".into()),
                        p.data_files.to_string(),
                        units::bytes(p.data_bytes),
                    ]
                })
                .collect(),
        );
    }
    for w in &t.warnings {
        eprintln!("warning: {w}");
    }
    Ok(())
}

pub fn history(rows: &[HistoryRow]) -> Result<()> {
    if rows.is_empty() {
        outln!("No versions recorded (plain Parquet tables have history only from collected snapshots).");
        return Ok(());
    }
    grid(
        &["VERSION", "TIME (UTC)", "OPERATION", "ROWS", "FILES", "BYTES", "+FILES", "-FILES"],
        rows.iter()
            .map(|r| {
                vec![
                    r.version_id.clone(),
                    units::datetime(r.timestamp_ms),
                    r.operation.clone(),
                    r.records.map(|x| x.to_string()).unwrap_or_else(|| "unknown".into()),
                    r.data_files.to_string(),
                    units::bytes(r.data_bytes),
                    r.added_files.to_string(),
                    r.removed_files.to_string(),
                ]
            })
            .collect(),
    );
    Ok(())
}

pub fn bench(r: &Report) -> Result<()> {
    let rows = |cs: &[lakescope::bench::Comparison]| -> Vec<Vec<String>> {
        cs.iter()
            .map(|c| {
                vec![
                    c.subject.clone(),
                    format!("{} {}", c.ours, human_secs(c.ours_seconds)),
                    format!("{} {}", c.reference_tool, human_secs(c.reference_seconds)),
                    format!("{:.0}x", c.ratio),
                ]
            })
            .collect()
    };
    outln!("In process (median of {} runs; Python import time excluded):", r.runs);
    grid(&["TABLE", "OURS", "REFERENCE", "FASTER"], rows(&r.in_process));
    if !r.end_to_end.is_empty() {
        outln!("");
        outln!("End to end (whole processes, as a user runs them):");
        grid(&["TABLE", "OURS", "REFERENCE", "FASTER"], rows(&r.end_to_end));
    }
    for (tool, s) in &r.reference_import_seconds {
        outln!("({tool} import: {})", human_secs(*s));
    }
    Ok(())
}

fn opt_bytes(b: Option<u64>) -> String {
    b.map(units::bytes).unwrap_or_else(|| "unknown".into())
}

pub fn spark(apps: &[lakescope::model::AppSummary]) -> Result<()> {
    use lakescope::model::{metric, Telemetry};
    if apps.is_empty() {
        println!("No Spark applications found.");
        return Ok(());
    }
    grid(
        &["APP ID", "NAME", "STATE", "EXECUTORS", "ALLOCATED", "USED", "WASTED", "COST"],
        apps.iter()
            .map(|a| {
                let m = &a.memory;
                let known = |v: f64| {
                    if m.executors_unknown as usize == a.executors.len() {
                        "unknown".to_string()
                    } else if m.executors_unknown > 0 {
                        format!("{v:.2} GiB·h (+{} unknown)", m.executors_unknown)
                    } else {
                        format!("{v:.2} GiB·h")
                    }
                };
                vec![
                    a.app_id.clone(),
                    a.app_name.clone(),
                    if a.completed { "finished".into() } else { "in progress".into() },
                    a.executors.iter().filter(|x| !x.is_driver).count().to_string(),
                    format!("{:.2} GiB·h", m.allocated_gib_hours),
                    known(m.used_gib_hours),
                    known(m.wasted_gib_hours),
                    format!("${:.4}", m.cost.allocated_usd + m.cost.vcore_usd),
                ]
            })
            .collect(),
    );
    for a in apps {
        println!();
        println!("{} ({}) — {}", a.app_id, a.app_name, a.source);
        grid(
            &["EXECUTOR", "HEAP", "OVERHEAD", "OFF-HEAP", "PYSPARK", "TOTAL", "PEAK HEAP", "PEAK RSS", "PEAK PYTHON", "TELEMETRY", "REMOVED"],
            a.executors
                .iter()
                .map(|x| {
                    let known = x.telemetry != Telemetry::None;
                    let peak = |i: usize| if known { x.peak.map(|p| p.get(i)) } else { None };
                    vec![
                        x.id.clone(),
                        units::bytes(x.allocated.heap_bytes),
                        units::bytes(x.allocated.overhead_bytes),
                        units::bytes(x.allocated.offheap_bytes),
                        units::bytes(x.allocated.pyspark_bytes),
                        units::bytes(x.allocated.total_bytes),
                        opt_bytes(peak(metric::JVM_HEAP)),
                        opt_bytes(peak(metric::PROCESS_TREE_JVM_RSS).filter(|v| *v > 0)),
                        opt_bytes(peak(metric::PROCESS_TREE_PYTHON_RSS).filter(|v| *v > 0)),
                        serde_json::to_value(x.telemetry).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default(),
                        x.removal_reason.clone().unwrap_or_default(),
                    ]
                })
                .collect(),
        );
        for adv in &a.advice {
            println!("advice [{}] {}: {}", adv.severity, adv.title, adv.detail);
            println!("    rule: {}", adv.threshold);
            println!("    {}", adv.config);
        }
        for w in &a.warnings {
            eprintln!("warning: {}: {}", a.app_id, w.message);
        }
    }
    Ok(())
}

pub fn spark_runs(runs: &[lakescope::model::RunsAdvice]) -> Result<()> {
    for r in runs {
        println!(
            "{} ({} runs): heap peak {} of {}, {:.2} GiB·h allocated, {:.2} wasted",
            r.app_name,
            r.runs,
            opt_bytes(r.heap_peak_bytes),
            opt_bytes(r.heap_bytes),
            r.allocated_gib_hours,
            r.wasted_gib_hours
        );
        for adv in &r.advice {
            println!("  advice [{}] {} — {}", adv.severity, adv.title, adv.config);
        }
    }
    Ok(())
}

pub fn bench_spark(r: &lakescope::bench::spark::Report) -> Result<()> {
    println!(
        "Log: {} ({} MB uncompressed, {} MB on disk, {} tasks)",
        r.log,
        r.uncompressed_bytes / 1_000_000,
        r.compressed_bytes / 1_000_000,
        r.tasks
    );
    if r.history_server_seconds > 0.0 {
        grid(
            &["WHAT", "OURS", "HISTORY SERVER", "FASTER"],
            vec![vec![
                "full executor/job memory summary vs launch → /allexecutors".into(),
                human_secs(r.ours_seconds),
                human_secs(r.history_server_seconds),
                format!("{:.0}x", r.ratio),
            ]],
        );
        println!(
            "(History Server: listed after {}, /allexecutors request {})",
            human_secs(r.history_server_up_seconds),
            human_secs(r.history_server_allexecutors_seconds)
        );
    } else {
        println!("Ours: {} (History Server skipped)", human_secs(r.ours_seconds));
    }
    println!("Throughput: {:.0} MB/s of uncompressed log per core ({} core(s) used)", r.mb_per_second_per_core, r.cores_used);
    println!("Peak RSS: {} MB (VmHWM of the process that summarised)", r.peak_rss_bytes / 1_000_000);
    println!("Same numbers: {}", if r.peaks_match { "yes, every executor's peak equals the History Server's" } else { "NO" });
    Ok(())
}
