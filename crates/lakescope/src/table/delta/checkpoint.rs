//! Reading checkpoints: Parquet (classic, multi-part, v2 with sidecars) read with the parquet crate,
//! projecting only the leaf columns we use — column stats other than `numRecords` are never decoded —
//! and JSON v2 checkpoints read like commits.

use arrow::array::{Array, AsArray, ListArray, MapArray, StructArray};
use arrow::datatypes::{DataType, Int32Type, Int64Type};
use arrow::record_batch::RecordBatch;
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use super::actions::{self, Action, AddFile, DeletionVector, Metadata, Protocol, RemoveFile};
use super::log::Checkpoint;
use crate::error::{Error, Result, ResultExt};
use crate::storage::Location;

/// Which actions a checkpoint read needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Want {
    /// Everything the replay uses: adds, removes, metadata, protocol.
    All,
    /// Only tombstones (the current state VACUUM works from).
    Tombstones,
}

const ALL: &[&str] = &[
    "add.path",
    "add.size",
    "add.modificationTime",
    "add.partitionValues",
    "add.stats",
    "add.stats_parsed.numRecords",
    "add.deletionVector",
    "remove.path",
    "remove.size",
    "remove.deletionTimestamp",
    "remove.deletionVector",
    "metaData",
    "protocol",
    "sidecar.path",
];
const TOMBSTONES: &[&str] =
    &["remove.path", "remove.size", "remove.deletionTimestamp", "remove.deletionVector", "sidecar.path"];

/// Read every action of `cp` (following v2 sidecars), calling `each` in file order.
pub(super) async fn read(root: &Location, cp: &Checkpoint, want: Want, each: &mut (dyn FnMut(Action) + Send)) -> Result<()> {
    let mut sidecars = Vec::new();
    for part in &cp.parts {
        let mut visit = |a: Action| match a {
            Action::Sidecar { path } => sidecars.push(path),
            other => each(other),
        };
        if cp.json {
            let bytes = root.read(&part.path).await?;
            let keep_all = want == Want::All;
            actions::parse_json_log(&part.path, &bytes, |a| {
                if keep_all || matches!(a, Action::Remove(_) | Action::Sidecar { .. }) {
                    visit(a)
                }
            })?;
        } else {
            read_parquet(root, &part.path, want, &mut visit).await?;
        }
    }
    for sidecar in sidecars {
        // Sidecar paths are relative to `_delta_log/_sidecars/` (or absolute URIs).
        let rel = match root.relative_of(&sidecar) {
            Some(rel) => rel,
            None if !sidecar.contains(':') => format!("_delta_log/_sidecars/{}", super::paths::decode(&sidecar)),
            None => return Err(Error::unsupported(format!("sidecar {sidecar} lies outside {}", root.display()))),
        };
        read_parquet(root, &rel, want, each).await?;
    }
    Ok(())
}

async fn read_parquet(root: &Location, rel: &str, want: Want, each: &mut (dyn FnMut(Action) + Send)) -> Result<()> {
    let what = root.join(rel).display();
    let bytes = root.read(rel).await?;
    decode_parquet(bytes, &what, want, each)
}

/// The actions of one Parquet checkpoint (or sidecar) already read into memory; `what` names it.
pub(super) fn decode_parquet(bytes: bytes::Bytes, what: &str, want: Want, each: &mut dyn FnMut(Action)) -> Result<()> {
    let bytes_len = bytes.len() as u64;
    let builder =
        ParquetRecordBatchReaderBuilder::try_new(bytes).with_context(|| format!("reading checkpoint {what}"))?;
    // The parquet crate panics on some damaged footers (a negative column offset, found by fuzzing
    // `delta_checkpoint`): the footer is checked before any page is read.
    crate::table::check_footer(builder.metadata(), bytes_len, &format!("checkpoint {what}"))?;
    let wanted = if want == Want::All { ALL } else { TOMBSTONES };
    let descr = builder.parquet_schema();
    let leaves: Vec<usize> = descr
        .columns()
        .iter()
        .enumerate()
        .filter(|(_, c)| {
            let parts = c.path().parts();
            wanted.iter().any(|w| {
                let w: Vec<&str> = w.split('.').collect();
                parts.len() >= w.len() && parts.iter().zip(&w).all(|(a, b)| a == b)
            })
        })
        .map(|(i, _)| i)
        .collect();
    let mask = ProjectionMask::leaves(descr, leaves);
    let reader = builder.with_projection(mask).with_batch_size(8192).build()?;
    // The parquet crate panics on some damaged pages (a division by a value count of 0, found by
    // fuzzing `delta_checkpoint`; the footer check cannot see pages): that is this checkpoint's Corrupt
    // error, not the end of the process (the default hook still prints it).
    let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| -> Result<()> {
        for batch in reader {
            let batch = batch.with_context(|| format!("reading checkpoint {what}"))?;
            visit_batch(&batch, each).with_context(|| format!("checkpoint {what}"))?;
        }
        Ok(())
    }));
    read.unwrap_or_else(|p| {
        let why = crate::error::panic_text(p.as_ref());
        Err(Error::corrupt(format!("checkpoint {what}: the Parquet reader failed on its pages ({why})")))
    })
}

fn visit_batch(batch: &RecordBatch, each: &mut dyn FnMut(Action)) -> Result<()> {
    let col =
        |name: &str| batch.column_by_name(name).and_then(|c| c.as_struct_opt()).filter(|s| s.null_count() < s.len());
    let add = col("add");
    let remove = col("remove");
    let meta = col("metaData");
    let protocol = col("protocol");
    let sidecar = col("sidecar");
    for i in 0..batch.num_rows() {
        if let Some(a) = add.filter(|a| a.is_valid(i)) {
            each(Action::Add(add_at(a, i)?));
        }
        if let Some(r) = remove.filter(|r| r.is_valid(i)) {
            let path = str_at(r, "path", i).ok_or_else(|| Error::corrupt("remove action without a path"))?;
            each(Action::Remove(RemoveFile {
                path: path.to_string(),
                size: i64_at(r, "size", i).and_then(|s| u64::try_from(s).ok()),
                deletion_timestamp: i64_at(r, "deletionTimestamp", i),
                deletion_vector: dv_at(r, i),
            }));
        }
        if let Some(m) = meta.filter(|m| m.is_valid(i)) {
            each(Action::Metadata(metadata_at(m, i)?));
        }
        if let Some(p) = protocol.filter(|p| p.is_valid(i)) {
            each(Action::Protocol(Protocol {
                min_reader_version: i64_at(p, "minReaderVersion", i).unwrap_or(1) as i32,
                min_writer_version: i64_at(p, "minWriterVersion", i).unwrap_or(2) as i32,
                reader_features: strings_at(p, "readerFeatures", i),
                writer_features: strings_at(p, "writerFeatures", i),
            }));
        }
        if let Some(s) = sidecar.filter(|s| s.is_valid(i))
            && let Some(path) = str_at(s, "path", i)
        {
            each(Action::Sidecar { path: path.to_string() });
        }
    }
    Ok(())
}

fn add_at(a: &StructArray, i: usize) -> Result<AddFile> {
    let path = str_at(a, "path", i).ok_or_else(|| Error::corrupt("add action without a path"))?;
    let size = i64_at(a, "size", i)
        .and_then(|s| u64::try_from(s).ok())
        .ok_or_else(|| Error::corrupt(format!("add {path} without a size")))?;
    let records = str_at(a, "stats", i).and_then(actions::num_records).or_else(|| {
        let parsed = a.column_by_name("stats_parsed")?.as_struct_opt()?;
        parsed.is_valid(i).then(|| i64_at(parsed, "numRecords", i)).flatten().and_then(|n| u64::try_from(n).ok())
    });
    let mut partition_values = map_at(a, "partitionValues", i);
    partition_values.sort();
    Ok(AddFile {
        path: path.to_string(),
        size,
        modification_time: i64_at(a, "modificationTime", i).unwrap_or(0),
        partition_values,
        records,
        deletion_vector: dv_at(a, i),
    })
}

fn metadata_at(m: &StructArray, i: usize) -> Result<Metadata> {
    let owned = |name: &str| str_at(m, name, i).map(str::to_string);
    Ok(Metadata {
        id: owned("id"),
        name: owned("name"),
        description: owned("description"),
        schema_string: owned("schemaString").ok_or_else(|| Error::corrupt("metaData without schemaString"))?,
        partition_columns: strings_at(m, "partitionColumns", i).unwrap_or_default(),
        configuration: map_at(m, "configuration", i).into_iter().collect(),
        created_time: i64_at(m, "createdTime", i),
    })
}

fn dv_at(s: &StructArray, i: usize) -> Option<DeletionVector> {
    let dv = s.column_by_name("deletionVector")?.as_struct_opt()?;
    if !dv.is_valid(i) {
        return None;
    }
    Some(DeletionVector {
        storage_type: str_at(dv, "storageType", i)?.to_string(),
        path_or_inline_dv: str_at(dv, "pathOrInlineDv", i)?.to_string(),
        offset: i64_at(dv, "offset", i).map(|o| o as i32),
    })
}

fn str_at<'a>(s: &'a StructArray, name: &str, i: usize) -> Option<&'a str> {
    let c = s.column_by_name(name)?;
    string_value(c.as_ref(), i)
}

fn string_value(c: &dyn Array, i: usize) -> Option<&str> {
    if c.is_null(i) {
        return None;
    }
    match c.data_type() {
        DataType::Utf8 => Some(c.as_string::<i32>().value(i)),
        DataType::LargeUtf8 => Some(c.as_string::<i64>().value(i)),
        DataType::Utf8View => Some(c.as_string_view().value(i)),
        _ => None,
    }
}

fn i64_at(s: &StructArray, name: &str, i: usize) -> Option<i64> {
    let c = s.column_by_name(name)?;
    if c.is_null(i) {
        return None;
    }
    match c.data_type() {
        DataType::Int64 => Some(c.as_primitive::<Int64Type>().value(i)),
        DataType::Int32 => Some(i64::from(c.as_primitive::<Int32Type>().value(i))),
        _ => None,
    }
}

fn strings_at(s: &StructArray, name: &str, i: usize) -> Option<Vec<String>> {
    let c = s.column_by_name(name)?;
    let list: &ListArray = c.as_list_opt::<i32>()?;
    if list.is_null(i) {
        return None;
    }
    let values = list.value(i);
    Some((0..values.len()).filter_map(|j| string_value(values.as_ref(), j).map(str::to_string)).collect())
}

fn map_at(s: &StructArray, name: &str, i: usize) -> Vec<(String, Option<String>)> {
    let Some(map) = s.column_by_name(name).and_then(|c| c.as_map_opt()) else { return Vec::new() };
    map_entries(map, i)
}

fn map_entries(map: &MapArray, i: usize) -> Vec<(String, Option<String>)> {
    if map.is_null(i) {
        return Vec::new();
    }
    let entries = map.value(i);
    let (keys, values) = (entries.column(0), entries.column(1));
    (0..entries.len())
        .filter_map(|j| {
            let k = string_value(keys.as_ref(), j)?;
            Some((k.to_string(), string_value(values.as_ref(), j).map(str::to_string)))
        })
        .collect()
}
