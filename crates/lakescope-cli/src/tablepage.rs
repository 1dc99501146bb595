//! `lakescope sample <table>` (the first rows of the current version, bounded) and `lakescope ddl
//! <table>` (the SELECT and CREATE TABLE the table page offers to copy).

use lakescope::model::TableInfo;
use lakescope::sample::SampleRows;
use lakescope::snippet::table_sql;
use lakescope::table::ReadOptions;
use lakescope::{Lakescope, Result};

pub async fn sample(ls: &Lakescope, target: &str, limit: Option<u32>, json: bool) -> Result<()> {
    let s = ls.sample(target, limit).await?;
    if json {
        return crate::print_json(&s);
    }
    human_sample(&s);
    Ok(())
}

pub async fn ddl(ls: &Lakescope, target: &str, read: &ReadOptions, json: bool) -> Result<()> {
    let info: TableInfo = ls.table(target, read).await?;
    let sql = table_sql(&info);
    if json {
        return crate::print_json(&sql);
    }
    outln!("-- {}\n{}\n", sql.dialect, sql.select);
    match &sql.ddl {
        Some(ddl) => outln!("{ddl}"),
        None => outln!("-- no CREATE TABLE: an Iceberg table opened by location has no Spark name"),
    }
    Ok(())
}

/// A plain text grid: values as JSON text, each column as wide as its widest cell (capped).
fn human_sample(s: &SampleRows) {
    const MAX: usize = 40;
    let cell = |v: &serde_json::Value| {
        let t = match v {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Null => "NULL".into(),
            other => other.to_string(),
        };
        if t.chars().count() > MAX { format!("{}…", t.chars().take(MAX - 1).collect::<String>()) } else { t }
    };
    let grid: Vec<Vec<String>> = s.rows.iter().map(|r| r.iter().map(cell).collect()).collect();
    let widths: Vec<usize> = s
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| grid.iter().map(|r| r[i].chars().count()).chain([c.name.chars().count()]).max().unwrap_or(0))
        .collect();
    let line = |cells: Vec<&str>| cells.iter().zip(&widths).map(|(c, w)| format!("{c:<w$}")).collect::<Vec<_>>().join("  ");
    outln!("{}", line(s.columns.iter().map(|c| c.name.as_str()).collect()));
    for r in &grid {
        outln!("{}", line(r.iter().map(String::as_str).collect()));
    }
    outln!("\n{} row(s) of {} from {} file(s)", s.rows.len(), s.name, s.files.len());
    for w in &s.warnings {
        outln!("warning: {w}");
    }
}
