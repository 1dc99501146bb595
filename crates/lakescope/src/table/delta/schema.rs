//! The table schema from `metaData.schemaString`, in Delta's own type names (`long`,
//! `decimal(12,2)`, `struct<a:int>`), plus the logical → physical column names column mapping uses
//! for partition values and stats.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::model::Column;

const PHYSICAL_NAME: &str = "delta.columnMapping.physicalName";

#[derive(Deserialize)]
struct Field {
    name: String,
    #[serde(rename = "type")]
    data_type: Value,
    #[serde(default = "yes")]
    nullable: bool,
    #[serde(default)]
    metadata: BTreeMap<String, Value>,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
struct Struct {
    fields: Vec<Field>,
}

/// The columns of the current schema and, for each top-level column, its physical name.
pub(super) struct Schema {
    pub columns: Vec<Column>,
    /// Physical name → logical name (identical without column mapping).
    pub logical_of: BTreeMap<String, String>,
}

pub(super) fn parse(schema_string: &str) -> Result<Schema> {
    let s: Struct = serde_json::from_str(schema_string)
        .map_err(|e| Error::corrupt(format!("metaData.schemaString is not a Delta schema: {e}")).with_source(e))?;
    let mut columns = Vec::with_capacity(s.fields.len());
    let mut logical_of = BTreeMap::new();
    for f in s.fields {
        let physical = f.metadata.get(PHYSICAL_NAME).and_then(Value::as_str).unwrap_or(&f.name).to_string();
        logical_of.insert(physical, f.name.clone());
        columns.push(Column {
            data_type: type_name(&f.data_type)?,
            nullable: f.nullable,
            comment: f.metadata.get("comment").and_then(Value::as_str).map(str::to_string),
            name: f.name,
        });
    }
    Ok(Schema { columns, logical_of })
}

fn type_name(t: &Value) -> Result<String> {
    let bad = || Error::corrupt(format!("unknown Delta type {t}"));
    match t {
        Value::String(s) => Ok(s.clone()),
        Value::Object(o) => match o.get("type").and_then(Value::as_str) {
            Some("struct") => {
                let s: Struct = serde_json::from_value(t.clone()).map_err(|_| bad())?;
                let inner: Result<Vec<String>> =
                    s.fields.iter().map(|f| Ok(format!("{}:{}", f.name, type_name(&f.data_type)?))).collect();
                Ok(format!("struct<{}>", inner?.join(",")))
            }
            Some("array") => Ok(format!("array<{}>", type_name(o.get("elementType").ok_or_else(bad)?)?)),
            Some("map") => Ok(format!(
                "map<{},{}>",
                type_name(o.get("keyType").ok_or_else(bad)?)?,
                type_name(o.get("valueType").ok_or_else(bad)?)?
            )),
            _ => Err(bad()),
        },
        _ => Err(bad()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delta_type_names_and_column_mapping() {
        let s = r#"{"type":"struct","fields":[
            {"name":"id","type":"long","nullable":false,"metadata":{"delta.columnMapping.physicalName":"col-5f1","comment":"key"}},
            {"name":"amount","type":"decimal(12,2)","nullable":true,"metadata":{}},
            {"name":"tags","type":{"type":"array","elementType":"string","containsNull":true},"nullable":true,"metadata":{}},
            {"name":"attrs","type":{"type":"map","keyType":"string","valueType":{"type":"struct","fields":[{"name":"x","type":"int","nullable":true,"metadata":{}}]},"valueContainsNull":true},"nullable":true,"metadata":{}}
        ]}"#;
        let schema = parse(s).unwrap();
        let types: Vec<_> = schema.columns.iter().map(|c| c.data_type.as_str()).collect();
        assert_eq!(types, ["long", "decimal(12,2)", "array<string>", "map<string,struct<x:int>>"]);
        assert!(!schema.columns[0].nullable);
        assert_eq!(schema.columns[0].comment.as_deref(), Some("key"));
        assert_eq!(schema.logical_of["col-5f1"], "id");
        assert_eq!(schema.logical_of["amount"], "amount");
    }

    #[test]
    fn a_broken_schema_is_corrupt() {
        assert_eq!(parse("{").err().unwrap().kind, crate::error::ErrorKind::Corrupt);
    }
}
