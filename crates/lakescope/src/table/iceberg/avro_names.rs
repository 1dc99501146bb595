//! The names in an Avro file's schema, checked before the Avro reader sees them.
//!
//! Manifests and manifest lists are Avro object container files whose header carries the writer's
//! schema (`avro.schema`). apache-avro 0.21 (under the `iceberg` crate) `unwrap`s while it parses names
//! in that schema — a record, enum or fixed `name`, a `type` that refers to a named type, an alias — so
//! a file whose schema holds a name that is not a valid Avro name made it panic (found by fuzzing the
//! `iceberg_manifest` target). Checking those names here first turns such a file into a `Corrupt` error
//! naming it. Only names are checked, only where the header can be read: everything else is left to
//! the reader, whose errors are already errors.
//!
//! The header's metadata map is checked too: apache-avro reserves room for as many entries as a block
//! of it claims, so a damaged count (found by the second fuzz run of `iceberg_manifest`) made it ask
//! for 87 GB and abort the process. Each entry takes at least two bytes, so a count larger than half
//! the bytes left is `Corrupt` here.

use super::avro_container::{chunk, long};
use crate::{Error, Result};

/// Avro's primitive type names: a `type` string that is none of these refers to a named type.
const PRIMITIVES: &[&str] = &["null", "boolean", "int", "long", "float", "double", "bytes", "string"];

/// `Corrupt` naming `path` when the header's schema holds a name apache-avro would panic on.
pub(super) fn check(bytes: &[u8], path: &str, what: &str) -> Result<()> {
    let schema = match writer_schema(bytes) {
        Ok(Some(schema)) => schema,
        Ok(None) => return Ok(()),
        Err((count, left)) => {
            return Err(Error::corrupt(format!("{path} is not a readable {what}: its Avro header claims {count} metadata entries in the {left} bytes left")));
        }
    };
    let Ok(schema) = serde_json::from_slice::<serde_json::Value>(schema) else { return Ok(()) };
    match bad_name(&schema) {
        Some(name) => Err(Error::corrupt(format!("{path} is not a readable {what}: its Avro schema holds {name:?}, which is not a valid Avro name"))),
        None => Ok(()),
    }
}

/// The first invalid name in a schema: of a named type, a reference to one, or an alias. Default
/// values are data, not schema, and are not looked into.
fn bad_name(v: &serde_json::Value) -> Option<&str> {
    use serde_json::Value;
    match v {
        Value::Array(items) => items.iter().find_map(bad_name),
        Value::Object(map) => {
            let name = map.get("name").and_then(Value::as_str).filter(|n| !valid(n));
            let reference = map.get("type").and_then(Value::as_str).filter(|t| !PRIMITIVES.contains(t) && !valid(t));
            let alias = map.get("aliases").and_then(Value::as_array).and_then(|a| a.iter().filter_map(Value::as_str).find(|a| !valid(a)));
            name.or(reference).or(alias).or_else(|| map.iter().filter(|(k, _)| *k != "default").find_map(|(_, v)| bad_name(v)))
        }
        _ => None,
    }
}

/// A full Avro name: dot-separated identifiers (`[A-Za-z_][A-Za-z0-9_]*`), optionally after one dot.
fn valid(name: &str) -> bool {
    let name = name.strip_prefix('.').unwrap_or(name);
    name.split('.').all(|part| {
        let mut chars = part.chars();
        chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_') && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

/// The `avro.schema` value of an object container file's header, when the header reads; `Err((count,
/// bytes left))` when a block of its metadata map claims more entries than the bytes left could hold.
fn writer_schema(bytes: &[u8]) -> std::result::Result<Option<&[u8]>, (u64, usize)> {
    let Some(mut rest) = bytes.strip_prefix(b"Obj\x01") else { return Ok(None) };
    let mut schema = None;
    loop {
        let Some(count) = long(&mut rest) else { return Ok(schema) };
        if count == 0 {
            return Ok(schema);
        }
        if count < 0 && long(&mut rest).is_none() {
            return Ok(schema); // the block's size in bytes
        }
        if count.unsigned_abs() > rest.len() as u64 / 2 {
            return Err((count.unsigned_abs(), rest.len()));
        }
        for _ in 0..count.unsigned_abs() {
            let (Some(key), Some(value)) = (chunk(&mut rest), chunk(&mut rest)) else { return Ok(schema) };
            if key == b"avro.schema" {
                schema = Some(value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn avro_names_are_checked_as_the_specification_says() {
        for ok in ["a", "_a1", "org.apache.Rec", ".c", "k117_v118"] {
            assert!(valid(ok), "{ok}");
        }
        for bad in ["", "1a", "k119_v!20", "a..b", "..c", "a.", "é"] {
            assert!(!valid(bad), "{bad}");
        }
        let schema: serde_json::Value = serde_json::from_str(
            r#"{"type":"record","name":"r","fields":[{"name":"f","type":{"type":"array","items":{"type":"record","name":"k!","fields":[]}}},{"name":"g","type":"long","default":{"name":"?"}}]}"#,
        )
        .unwrap();
        assert_eq!(bad_name(&schema), Some("k!"));
        let fine: serde_json::Value = serde_json::from_str(r#"{"type":"record","name":"r","fields":[{"name":"g","type":"long","default":{"name":"?"}}]}"#).unwrap();
        assert_eq!(bad_name(&fine), None, "default values are not schema");
    }
}
