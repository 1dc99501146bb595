//! Copyable SQL for a table: a `SELECT` of its columns and the `CREATE TABLE` that registers it again
//! (Spark SQL, `USING iceberg|delta|parquet`), built from what the table page already read.
//!
//! Why Spark SQL: it is the one dialect that reads all three formats by name and by path. Names follow
//! how the table is registered: an Iceberg SQL catalog is addressed as a Spark catalog named after the
//! source (`source.namespace.name`), a Delta or Parquet directory source as `namespace.name` in the
//! session catalog, a table opened by location by its path (`delta.`/path``). Properties Spark reserves
//! (`owner`, `comment`, …) are not repeated in TBLPROPERTIES: the comment becomes COMMENT, the owner a
//! SQL comment line, since Spark has no portable way to set it.

mod types;

use serde::Serialize;
use ts_rs::TS;

use crate::model::{TableFormat, TableInfo};
pub use types::spark_type;

/// The SQL the table page offers to copy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct TableSql {
    /// `Spark SQL` or `DuckDB` (an Iceberg table opened by location has no Spark name).
    pub dialect: String,
    pub select: String,
    /// Spark SQL; null when the table cannot be named in Spark (an Iceberg table opened by location).
    pub ddl: Option<String>,
}

/// Properties Spark refuses in TBLPROPERTIES (it sets them through clauses or not at all).
const RESERVED: &[&str] = &["owner", "comment", "provider", "location", "external", "is_managed_location"];

/// A Spark identifier: bare when plain, else in backticks with backticks doubled.
pub fn ident(part: &str) -> String {
    let plain = part.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if plain { part.to_string() } else { format!("`{}`", part.replace('`', "``")) }
}

/// A Spark string literal: backslashes and quotes escaped (Spark unescapes `\` sequences in literals).
pub fn literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// The table's name in Spark SQL, or `None` when Spark cannot name it.
fn spark_name(info: &TableInfo) -> Option<String> {
    match (&info.source, &info.namespace, info.format) {
        (Some(source), Some(ns), TableFormat::Iceberg) => Some(format!("{}.{}.{}", ident(source), ident(ns), ident(&info.name))),
        (_, Some(ns), _) => Some(format!("{}.{}", ident(ns), ident(&info.name))),
        (_, None, TableFormat::Delta) => Some(format!("delta.`{}`", info.location.replace('`', "``"))),
        (_, None, TableFormat::Parquet) => Some(format!("parquet.`{}`", info.location.replace('`', "``"))),
        (_, None, TableFormat::Iceberg) => None,
    }
}

/// The SELECT and CREATE TABLE for `info`.
pub fn table_sql(info: &TableInfo) -> TableSql {
    let columns = if info.schema.is_empty() {
        "*".to_string()
    } else {
        info.schema.iter().map(|c| ident(&c.name)).collect::<Vec<_>>().join(", ")
    };
    match spark_name(info) {
        Some(name) => TableSql {
            dialect: "Spark SQL".into(),
            select: format!("SELECT {columns}\nFROM {name}\nLIMIT 100;"),
            ddl: Some(create_table(info, &name)),
        },
        None => TableSql {
            dialect: "DuckDB".into(),
            select: format!("SELECT {columns}\nFROM iceberg_scan({})\nLIMIT 100;", duck_literal(&info.location)),
            ddl: None,
        },
    }
}

fn duck_literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn create_table(info: &TableInfo, name: &str) -> String {
    let mut out = String::new();
    if let Some(owner) = &info.owner {
        out.push_str(&format!("-- owner: {}\n", owner.replace('\n', " ")));
    }
    let typed: Option<Vec<String>> = info
        .schema
        .iter()
        .map(|c| {
            let mut col = format!("  {} {}", ident(&c.name), spark_type(&c.data_type, info.format)?);
            if !c.nullable {
                col.push_str(" NOT NULL");
            }
            if let Some(comment) = &c.comment {
                col.push_str(&format!(" COMMENT {}", literal(comment)));
            }
            Some(col)
        })
        .collect();
    out.push_str(&format!("CREATE TABLE {name}"));
    match typed {
        Some(cols) if !cols.is_empty() => out.push_str(&format!(" (\n{}\n)", cols.join(",\n"))),
        // Spark infers a Delta or Parquet schema from the files; Iceberg needs columns, so say why.
        _ => out.push_str("\n-- columns left out: a type has no Spark SQL equivalent; Spark reads the schema from the files"),
    }
    out.push_str(&format!("\nUSING {}", info.format));
    let (identity, other): (Vec<&String>, Vec<&String>) =
        info.partition_columns.iter().partition(|p| info.schema.iter().any(|c| &&c.name == p));
    if !identity.is_empty() {
        out.push_str(&format!(
            "\nPARTITIONED BY ({})",
            identity.iter().map(|p| ident(p)).collect::<Vec<_>>().join(", ")
        ));
    }
    for p in other {
        out.push_str(&format!("\n-- partition field {p}: a transform of a source column, see the table's partition spec"));
    }
    if let Some(c) = &info.comment {
        out.push_str(&format!("\nCOMMENT {}", literal(c)));
    }
    out.push_str(&format!("\nLOCATION {}", literal(&info.location)));
    let props: Vec<String> = info
        .properties
        .iter()
        .filter(|(k, _)| !RESERVED.contains(&k.to_ascii_lowercase().as_str()))
        .map(|(k, v)| format!("  {} = {}", literal(k), literal(v)))
        .collect();
    if !props.is_empty() {
        out.push_str(&format!("\nTBLPROPERTIES (\n{}\n)", props.join(",\n")));
    }
    out.push(';');
    if info.format == TableFormat::Parquet && !info.partition_columns.is_empty() {
        // A Parquet table's partitions are registered from its folders, not read from metadata.
        out.push_str(&format!("\nMSCK REPAIR TABLE {name};"));
    }
    out
}

#[cfg(test)]
mod tests;
