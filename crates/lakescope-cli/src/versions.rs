//! `lakescope versions <table>` (every retained version with what it added and removed) and
//! `lakescope diff <table> <from> <to>` (two versions side by side: totals, files, schema).

use lakescope::units;
use lakescope::versions::{Change, SchemaChangeKind, TableVersions, VersionDiff};
use lakescope::{Lakescope, Result};

pub async fn versions(ls: &Lakescope, target: &str, json: bool) -> Result<()> {
    let v = ls.versions(target).await?;
    if json {
        return crate::print_json(&v);
    }
    human_versions(&v);
    Ok(())
}

pub async fn diff(ls: &Lakescope, target: &str, from: &str, to: &str, limit: usize, json: bool) -> Result<()> {
    let d = ls.diff(target, from, to, limit).await?;
    if json {
        return crate::print_json(&d);
    }
    human_diff(&d);
    Ok(())
}

fn rows(r: Option<u64>) -> String {
    r.map_or_else(|| "unknown".into(), |n| n.to_string())
}

/// `+3 files, 1.2 MiB, 400 rows`.
fn change(sign: char, c: &Change) -> String {
    format!("{sign}{} files, {}, {} rows", c.files, units::bytes(c.bytes), rows(c.rows))
}

fn human_versions(v: &TableVersions) {
    outln!("{} ({}): {} version(s), oldest first", v.table, v.format, v.versions.len());
    let header = ["VERSION", "TIME (UTC)", "OPERATION", "+FILES", "+BYTES", "+ROWS", "-FILES", "-BYTES", "-ROWS", "ROWS"];
    let grid: Vec<Vec<String>> = v
        .versions
        .iter()
        .map(|e| {
            vec![
                e.version_id.clone(),
                units::datetime(e.timestamp_ms),
                e.operation.clone(),
                e.added.files.to_string(),
                units::bytes(e.added.bytes),
                rows(e.added.rows),
                e.removed.files.to_string(),
                units::bytes(e.removed.bytes),
                rows(e.removed.rows),
                rows(e.total.rows),
            ]
        })
        .collect();
    crate::human::grid(&header, grid);
    for n in &v.notes {
        outln!("note: {n}");
    }
}

fn human_diff(d: &VersionDiff) {
    outln!("{} ({}): version {} → {}", d.table, d.format, d.from.version_id, d.to.version_id);
    let (f, t) = (&d.from, &d.to);
    let pair = |label: &str, a: String, b: String| vec![label.to_string(), a, b];
    let bytes = |n: u64| format!("{} ({n})", units::bytes(n));
    let grid = vec![
        pair("version", f.version_id.clone(), t.version_id.clone()),
        pair("time (UTC)", units::datetime(f.timestamp_ms), units::datetime(t.timestamp_ms)),
        pair("operation", f.operation.clone(), t.operation.clone()),
        pair("files", f.total.files.to_string(), t.total.files.to_string()),
        pair("bytes", bytes(f.total.bytes), bytes(t.total.bytes)),
        pair("rows", rows(f.total.rows), rows(t.total.rows)),
        pair("columns", f.schema.len().to_string(), t.schema.len().to_string()),
    ];
    let header = ["", "FROM", "TO"];
    crate::human::grid(&header, grid);
    outln!("\nadded:   {}", change('+', &d.added));
    for f in &d.added_files {
        outln!("  + {}  {}  {} rows", f.path, units::bytes(f.bytes), rows(f.rows));
    }
    outln!("removed: {}", change('-', &d.removed));
    for f in &d.removed_files {
        outln!("  - {}  {}  {} rows", f.path, units::bytes(f.bytes), rows(f.rows));
    }
    if d.files_not_listed > 0 {
        outln!("  … {} more file(s) not listed (raise --limit)", d.files_not_listed);
    }
    if d.schema_changes.is_empty() {
        outln!("\nschema: unchanged");
    } else {
        outln!("\nschema:");
        for c in &d.schema_changes {
            let what = match c.kind {
                SchemaChangeKind::Added => format!("added ({})", c.to.as_deref().unwrap_or_default()),
                SchemaChangeKind::Dropped => format!("dropped (was {})", c.from.as_deref().unwrap_or_default()),
                SchemaChangeKind::TypeChanged | SchemaChangeKind::NullabilityChanged => {
                    format!("{} → {}", c.from.as_deref().unwrap_or_default(), c.to.as_deref().unwrap_or_default())
                }
            };
            outln!("  {}: {what}", c.column);
        }
    }
    for n in &d.notes {
        outln!("note: {n}");
    }
}
