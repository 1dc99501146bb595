//! The hot Avro reads of a table with many snapshots — every manifest list, every manifest — projected
//! onto the few fields we use, with serde_avro_fast: serde skips the rest (partition summaries, column
//! statistics and bounds) without building it, where the iceberg crate's readers decode every value into
//! apache-avro's generic `Value`s first (a thousand lists of a thousand-snapshot table took 20 s that way).
//!
//! Each reader answers `None` when it cannot vouch for a file — a codec it does not take (snappy, bzip2,
//! xz), a partition type it does not render, anything unexpected — and the caller then takes the iceberg
//! crate's reader, which decides: the same answer, or its error. Tests hold both readers equal on
//! files the iceberg crate writes.

use std::fmt;

use iceberg::spec::{FormatVersion, ManifestMetadata, ManifestStatus, PrimitiveLiteral, PrimitiveType, Type};
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;

use super::avro_container::Container;
use super::manifests::{render, Listed, Row};

/// One manifest list entry, only the fields we use.
#[derive(Deserialize)]
struct ListEntry {
    manifest_path: String,
    /// Required from format v2 on; a v1 list may leave it out (v1 entries carry their own ids).
    added_snapshot_id: Option<i64>,
}

/// The manifests a list names, in order, or `None` when this reader cannot read it.
pub(super) fn list(bytes: &[u8], version: FormatVersion) -> Option<Vec<(String, Listed)>> {
    Container::open(bytes)?
        .records::<ListEntry>()?
        .into_iter()
        .map(|e| {
            let added_snapshot_id = match (e.added_snapshot_id, version) {
                (Some(id), _) => id,
                (None, FormatVersion::V1) => 0,
                (None, _) => return None,
            };
            Some((e.manifest_path, Listed { added_snapshot_id }))
        })
        .collect()
}

#[derive(Deserialize)]
struct EntryRow {
    status: i32,
    snapshot_id: Option<i64>,
    data_file: FileRow,
}

#[derive(Deserialize)]
struct FileRow {
    /// Absent in v1 manifests: data.
    content: Option<i32>,
    file_path: String,
    record_count: i64,
    file_size_in_bytes: i64,
    partition: Partition,
}

/// A partition tuple as written: (field name, value) in the writer's order.
struct Partition(Vec<(String, Value)>);

/// A partition value, for the primitive types whose Avro form is unambiguous.
#[derive(Debug, PartialEq)]
enum Value {
    Null,
    Bool(bool),
    Int(i32),
    Long(i64),
    Float(f32),
    Double(f64),
    Str(String),
    /// Anything else (bytes, fixed, decimals, nested): this reader gives up on the manifest.
    Other,
}

impl<'de> Deserialize<'de> for Partition {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Partition;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a partition record")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Partition, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, Value>()? {
                    out.push((k, v));
                }
                Ok(Partition(out))
            }
        }
        d.deserialize_map(V)
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Value;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a partition value")
            }
            fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
                Ok(Value::Null)
            }
            fn visit_none<E: de::Error>(self) -> Result<Value, E> {
                Ok(Value::Null)
            }
            fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Value, D2::Error> {
                Value::deserialize(d)
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
                Ok(Value::Bool(v))
            }
            fn visit_i32<E: de::Error>(self, v: i32) -> Result<Value, E> {
                Ok(Value::Int(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
                Ok(Value::Long(v))
            }
            fn visit_f32<E: de::Error>(self, v: f32) -> Result<Value, E> {
                Ok(Value::Float(v))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
                Ok(Value::Double(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
                Ok(Value::Str(v.to_string()))
            }
            fn visit_bytes<E: de::Error>(self, _: &[u8]) -> Result<Value, E> {
                Ok(Value::Other)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
                while map.next_entry::<de::IgnoredAny, de::IgnoredAny>()?.is_some() {}
                Ok(Value::Other)
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
                while seq.next_element::<de::IgnoredAny>()?.is_some() {}
                Ok(Value::Other)
            }
        }
        d.deserialize_any(V)
    }
}

/// The value as the literal the iceberg crate would build for a field of type `t`, when the pair is
/// one this reader is sure of.
fn literal(t: &PrimitiveType, v: Value) -> Option<Option<PrimitiveLiteral>> {
    use PrimitiveType as T;
    Some(Some(match (t, v) {
        (_, Value::Null) => return Some(None),
        (T::Boolean, Value::Bool(b)) => PrimitiveLiteral::Boolean(b),
        (T::Int | T::Date, Value::Int(x)) => PrimitiveLiteral::Int(x),
        (T::Long | T::Time | T::Timestamp | T::Timestamptz | T::TimestampNs | T::TimestamptzNs, Value::Long(x)) => {
            PrimitiveLiteral::Long(x)
        }
        (T::Float, Value::Float(x)) => PrimitiveLiteral::Float(x.into()),
        (T::Double, Value::Double(x)) => PrimitiveLiteral::Double(x.into()),
        (T::String, Value::Str(s)) => PrimitiveLiteral::String(s),
        _ => return None,
    }))
}

/// The entries of a manifest as [`Row`]s, with its partition field names in spec order, or `None` when
/// this reader cannot read it.
pub(super) fn manifest(bytes: &[u8], added_snapshot_id: i64) -> Option<(Vec<String>, Vec<Row>)> {
    let container = Container::open(bytes)?;
    let meta = ManifestMetadata::parse(&container.meta).ok()?;
    let ptype = meta.partition_spec.partition_type(&meta.schema).ok()?;
    let fields: Vec<(String, PrimitiveType)> = ptype
        .fields()
        .iter()
        .map(|f| match f.field_type.as_ref() {
            Type::Primitive(p) => Some((f.name.clone(), p.clone())),
            _ => None,
        })
        .collect::<Option<_>>()?;
    let names: Vec<String> = meta.partition_spec.fields().iter().map(|f| f.name.clone()).collect();
    if names.len() != fields.len() || names.iter().zip(&fields).any(|(n, (f, _))| n != f) {
        return None;
    }
    let rows = container
        .records::<EntryRow>()?
        .into_iter()
        .map(|e| {
            let f = e.data_file;
            let status = match e.status {
                0 => ManifestStatus::Existing,
                1 => ManifestStatus::Added,
                2 => ManifestStatus::Deleted,
                _ => return None,
            };
            let is_data = match f.content {
                None | Some(0) => true,
                Some(1 | 2) => false,
                Some(_) => return None,
            };
            // Values by name, in the spec's order (the writer's order is normally the same).
            let mut written = f.partition.0;
            if written.len() != fields.len() {
                return None;
            }
            let mut partition = Vec::with_capacity(fields.len());
            for (name, t) in &fields {
                let at = written.iter().position(|(n, _)| n == name)?;
                let (_, v) = written.swap_remove(at);
                partition.push(literal(t, v)?.map(|lit| render(t, &lit)));
            }
            Some(Row {
                snapshot_id: e.snapshot_id.unwrap_or(added_snapshot_id),
                status,
                is_data,
                records: u64::try_from(f.record_count).ok()?,
                bytes: u64::try_from(f.file_size_in_bytes).ok()?,
                path: f.file_path,
                partition,
            })
        })
        .collect::<Option<Vec<Row>>>()?;
    Some((names, rows))
}

/// Test support (the integration tests reach it through [`crate::fuzzing`]): both readers on every
/// manifest list (`snap-*.avro`, read as v2) and manifest in a table's metadata directory. The fast one
/// must read each, and give what the iceberg crate's gives. Returns how many lists and manifests agreed.
pub(crate) fn readers_agree_on(metadata_dir: &std::path::Path) -> Result<(usize, usize), String> {
    use super::manifests;
    let (mut lists, mut manifests_seen) = (0, 0);
    let dir = std::fs::read_dir(metadata_dir).map_err(|e| format!("{}: {e}", metadata_dir.display()))?;
    for f in dir {
        let path = f.map_err(|e| e.to_string())?.path();
        let name = path.file_name().unwrap_or_default().to_string_lossy().to_string();
        if !name.ends_with(".avro") {
            continue;
        }
        let bytes = std::fs::read(&path).map_err(|e| format!("{name}: {e}"))?;
        if name.starts_with("snap-") {
            let (full, fast) = manifests::listed_both_ways(&bytes, &name, FormatVersion::V2).map_err(|e| e.message)?;
            if fast.ok_or(format!("the fast reader refused {name}"))? != full {
                return Err(format!("the readers disagree on {name}"));
            }
            lists += 1;
        } else {
            let fast = manifest(&bytes, 1).ok_or(format!("the fast reader refused {name}"))?;
            if fast != manifests::rows(&name, &bytes, 1).map_err(|e| e.message)? {
                return Err(format!("the readers disagree on {name}"));
            }
            manifests_seen += 1;
        }
    }
    Ok((lists, manifests_seen))
}

#[cfg(test)]
#[path = "fast_avro_tests.rs"]
mod tests;
