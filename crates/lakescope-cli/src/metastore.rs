//! `lakescope metastore <table>`: what a Hive Metastore registers for a table (owner, type, SerDe,
//! parameters, partitions with locations), as opposed to `table`, which reads the table's own files.

use lakescope::catalog::hms::MetastoreTable;
use lakescope::{Lakescope, Result};

pub async fn run(ls: &Lakescope, target: &str, json: bool) -> Result<()> {
    let t = ls.metastore_table(target).await?;
    if json {
        return crate::print_json(&t);
    }
    human(&t);
    Ok(())
}

fn human(t: &MetastoreTable) {
    outln!("{}.{}.{}  ({}, {})", t.source, t.namespace, t.name, t.format, t.table_type.as_deref().unwrap_or("?"));
    outln!("location  {}", t.location);
    outln!("owner     {}", t.owner.as_deref().unwrap_or("-"));
    if let Some(c) = &t.comment {
        outln!("comment   {c}");
    }
    outln!("serde     {}", t.serde.as_deref().unwrap_or("-"));
    outln!("\ncolumns");
    for c in t.columns.iter().chain(&t.partition_keys) {
        let part = if t.partition_keys.contains(c) { "  (partition key)" } else { "" };
        outln!("  {:<32} {}{part}", c.name, c.data_type);
    }
    outln!("\nparameters");
    for (k, v) in &t.params {
        outln!("  {k:<32} {v}");
    }
    if !t.partitions.is_empty() {
        outln!("\npartitions ({})", t.partitions.len());
        for p in &t.partitions {
            let rows = p.params.get("numRows").map(String::as_str).unwrap_or("?");
            let bytes = p.params.get("totalSize").map(String::as_str).unwrap_or("?");
            outln!("  {:<32} rows {rows:>10}  bytes {bytes:>12}  {}", p.name, p.location);
        }
    }
}
