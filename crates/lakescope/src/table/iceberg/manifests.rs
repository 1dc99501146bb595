//! Manifest lists and manifests, read through our storage layer and parsed with the iceberg crate's Avro
//! readers, then reduced at once to what the table page needs, so a table with many snapshots costs one
//! small summary per distinct manifest rather than every entry held in memory.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use futures::StreamExt;
use iceberg::spec::{
    DataContentType, FormatVersion, Manifest, ManifestFile, ManifestList, ManifestStatus, PrimitiveLiteral,
    PrimitiveType, Type,
};

use super::fast_avro;
use crate::error::{Error, Result};
use crate::storage::Location;

/// How many manifest files (or lists) are read at once.
const CONCURRENCY: usize = 16;

/// Counts of data files: rows, files, bytes.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(super) struct Counts {
    pub records: u64,
    pub files: u64,
    pub bytes: u64,
}

impl Counts {
    fn add(&mut self, records: u64, bytes: u64) {
        self.records += records;
        self.files += 1;
        self.bytes += bytes;
    }
    pub(super) fn merge(&mut self, o: &Counts) {
        self.records += o.records;
        self.files += o.files;
        self.bytes += o.bytes;
    }
}

/// What one snapshot did inside one manifest (entries whose snapshot id is that snapshot's).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(super) struct Changes {
    pub added: Counts,
    pub removed: Counts,
}

/// Partition tuple: (partition field name, value as text) in spec order.
pub(super) type PartitionKey = Vec<(String, Option<String>)>;

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(super) struct PartitionAgg {
    pub data: Counts,
    /// Snapshots that added the partition's live files (their time is the partition's last change).
    pub newest_snapshot_ms: Option<i64>,
}

/// One manifest, reduced.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct ManifestSummary {
    /// Paths (as written) of live files: ADDED or EXISTING entries, data and delete files.
    pub live_paths: Vec<String>,
    /// Live data files (delete files excluded).
    pub data: Counts,
    /// Live delete files.
    pub deletes: Counts,
    /// Per snapshot id: what that snapshot added and removed in this manifest.
    pub changes: HashMap<i64, Changes>,
    /// Live data files per partition tuple of the manifest's own spec (empty key when unpartitioned).
    pub partitions: BTreeMap<PartitionKey, PartitionAgg>,
}

/// Read and parse the manifest list of a snapshot.
pub(super) async fn read_list(root: &Location, path: &str, version: FormatVersion) -> Result<Vec<ManifestFile>> {
    let bytes = root.resolve_absolute(path)?.read("").await?;
    parse_list(&bytes, path, version)
}

/// Parse the bytes of a manifest list; `path` names it in errors.
pub(super) fn parse_list(bytes: &[u8], path: &str, version: FormatVersion) -> Result<Vec<ManifestFile>> {
    super::avro_names::check(bytes, path, "manifest list")?;
    let list = ManifestList::parse_with_version(bytes, version)
        .map_err(|e| Error::corrupt(format!("{path} is not a readable manifest list: {e}")).with_source(e))?;
    Ok(list.consume_entries().into_iter().collect())
}

/// A manifest as a manifest list names it: all that reading the manifest needs.
#[derive(Debug, Clone, Copy)]
pub(super) struct Listed {
    /// The snapshot that added the manifest; v2 entries without a snapshot id of their own inherit it.
    pub added_snapshot_id: i64,
}

/// The manifests a list names, in order, as (path, [`Listed`]). serde_avro_fast reads the few fields we
/// need; anything it cannot read (a codec not enabled here, a schema it refuses, broken bytes) goes
/// through the iceberg crate's reader instead, which then decides: the same answer, or its error.
pub(super) fn parse_listed(bytes: &[u8], path: &str, version: FormatVersion) -> Result<Vec<(String, Listed)>> {
    match fast_avro::list(bytes, version) {
        Some(entries) => Ok(entries),
        None => Ok(parse_list(bytes, path, version)?
            .into_iter()
            .map(|f| (f.manifest_path, Listed { added_snapshot_id: f.added_snapshot_id }))
            .collect()),
    }
}

/// A manifest list read by both readers, as (manifest path, snapshot that added it) pairs: the iceberg
/// crate's, and the fast reader's (`None` when it leaves the list to the iceberg crate's). What the two
/// must agree on, in the fuzz target, the agreement check on real tables and the unit tests.
pub(super) type Pairs = Vec<(String, i64)>;
pub(super) fn listed_both_ways(bytes: &[u8], path: &str, version: FormatVersion) -> Result<(Pairs, Option<Pairs>)> {
    let fast = fast_avro::list(bytes, version).map(|l| l.into_iter().map(|(p, l)| (p, l.added_snapshot_id)).collect());
    let full = parse_list(bytes, path, version)?.into_iter().map(|f| (f.manifest_path, f.added_snapshot_id)).collect();
    Ok((full, fast))
}

/// The manifest lists of many snapshots, reduced to what they reference: manifest paths (shared, so
/// a manifest carried through hundreds of snapshots costs one string) and each distinct manifest once.
#[derive(Default)]
pub(super) struct Lists {
    /// Per snapshot: its manifests, or why its list could not be read.
    pub by_snapshot: HashMap<i64, Result<Vec<Arc<str>>>>,
    /// Every distinct manifest any list names. Looked up once per list entry (half a million for a
    /// thousand snapshots): foldhash, several times faster than SipHash on paths this long.
    pub manifests: HashMap<Arc<str>, Listed, foldhash::quality::RandomState>,
}

/// Read the manifest lists of `snapshots` (id, list path), concurrently, folding each into [`Lists`]
/// as it arrives. A missing or broken list is an error for that snapshot only. Lists are parsed on the
/// blocking pool, so a table with a thousand lists uses every core.
pub(super) async fn read_lists(root: &Location, snapshots: Vec<(i64, String)>, version: FormatVersion) -> Lists {
    let mut out = Lists::default();
    let reads: Vec<_> = snapshots
        .into_iter()
        .map(|(id, path)| async move {
            let parsed = match root.resolve_absolute(&path) {
                Ok(loc) => match loc.read("").await {
                    Ok(bytes) => tokio::task::spawn_blocking(move || parse_listed(&bytes, &path, version))
                        .await
                        .unwrap_or_else(|e| Err(Error::internal(format!("reading a manifest list: {e}")))),
                    Err(e) => Err(e),
                },
                Err(e) => Err(e),
            };
            (id, parsed)
        })
        .collect();
    let mut stream = futures::stream::iter(reads).buffer_unordered(CONCURRENCY);
    while let Some((id, list)) = stream.next().await {
        let paths = list.map(|files| {
            files
                .into_iter()
                .map(|(path, listed)| match out.manifests.get_key_value(path.as_str()) {
                    Some((k, _)) => k.clone(),
                    None => {
                        let k: Arc<str> = Arc::from(path);
                        out.manifests.insert(k.clone(), listed);
                        k
                    }
                })
                .collect()
        });
        out.by_snapshot.insert(id, paths);
    }
    out
}

/// Read and reduce each manifest once. `snapshot_ms` dates the snapshots that added files.
pub(super) async fn read_manifests<'a>(
    root: &Location,
    manifests: impl Iterator<Item = (&'a Arc<str>, &'a Listed)>,
    snapshot_ms: &HashMap<i64, i64>,
) -> HashMap<Arc<str>, Result<Arc<ManifestSummary>>> {
    // The (unpolled) futures are collected first: a closure inside the stream's type makes rustc fail
    // to prove the future `Send` (rust-lang/rust#102211), which the desktop app needs.
    let reads: Vec<_> = manifests
        .map(|(path, m)| async move { (path.clone(), read_manifest(root, path, m, snapshot_ms).await.map(Arc::new)) })
        .collect();
    futures::stream::iter(reads).buffer_unordered(CONCURRENCY).collect().await
}

/// One manifest, decoded on the blocking pool (so a table with a thousand manifests uses every core)
/// and summed here.
async fn read_manifest(root: &Location, path: &str, m: &Listed, snapshot_ms: &HashMap<i64, i64>) -> Result<ManifestSummary> {
    let bytes = root.resolve_absolute(path)?.read("").await?;
    let (owned_path, added) = (path.to_string(), m.added_snapshot_id);
    let (names, rows) = tokio::task::spawn_blocking(move || read_rows(&owned_path, &bytes, added))
        .await
        .map_err(|e| Error::internal(format!("reading {path}: {e}")))??;
    Ok(fold(&names, rows, snapshot_ms))
}

/// A manifest's partition field names and entries: the fast reader first; the iceberg crate's for what
/// it cannot vouch for ([`fast_avro`]).
pub(super) fn read_rows(path: &str, bytes: &[u8], added_snapshot_id: i64) -> Result<(Vec<String>, Vec<Row>)> {
    match fast_avro::manifest(bytes, added_snapshot_id) {
        Some(read) => Ok(read),
        None => rows(path, bytes, added_snapshot_id),
    }
}

/// One manifest entry, as much of it as a [`ManifestSummary`] needs; both readers produce these.
#[derive(Debug, PartialEq)]
pub(super) struct Row {
    /// The entry's own snapshot id, or (v2 entries without one) the one its list says added the manifest.
    pub snapshot_id: i64,
    pub status: ManifestStatus,
    /// A data file (not a delete file).
    pub is_data: bool,
    pub records: u64,
    pub bytes: u64,
    pub path: String,
    /// Partition values rendered as in partition paths, in spec order.
    pub partition: Vec<Option<String>>,
}

/// Parse the bytes of a manifest; `path` names it in errors.
pub(super) fn parse_manifest(bytes: &[u8], path: &str) -> Result<Manifest> {
    super::avro_names::check(bytes, path, "manifest")?;
    Manifest::parse_avro(bytes).map_err(|e| Error::corrupt(format!("{path} is not a readable manifest: {e}")).with_source(e))
}

/// The iceberg crate's reading of a manifest: partition field names in spec order, and its entries.
pub(super) fn rows(path: &str, bytes: &[u8], added_snapshot_id: i64) -> Result<(Vec<String>, Vec<Row>)> {
    let (entries, meta) = parse_manifest(bytes, path)?.into_parts();
    let spec = meta.partition_spec();
    let ptype = spec
        .partition_type(meta.schema())
        .map_err(|e| Error::corrupt(format!("{path}: partition spec does not fit its schema: {e}")).with_source(e))?;
    let field_types: Vec<Option<PrimitiveType>> =
        ptype.fields().iter().map(|f| f.field_type.as_primitive_type().cloned()).collect();
    let rows = entries
        .iter()
        .map(|e| {
            let f = e.data_file();
            let partition = (0..spec.fields().len())
                .map(|i| {
                    f.partition().fields().get(i).and_then(|v| v.as_ref()).map(|lit| match (lit.as_primitive_literal(), field_types.get(i)) {
                        (Some(p), Some(Some(t))) => render(t, &p),
                        _ => format!("{lit:?}"),
                    })
                })
                .collect();
            Row {
                // v2 entries may leave the snapshot id to be inherited from the manifest list.
                snapshot_id: e.snapshot_id().unwrap_or(added_snapshot_id),
                status: e.status(),
                is_data: f.content_type() == DataContentType::Data,
                records: f.record_count(),
                bytes: f.file_size_in_bytes(),
                path: f.file_path().to_string(),
                partition,
            }
        })
        .collect();
    Ok((spec.fields().iter().map(|f| f.name.clone()).collect(), rows))
}

/// Sum a manifest's entries into its summary.
pub(super) fn fold(names: &[String], rows: Vec<Row>, snapshot_ms: &HashMap<i64, i64>) -> ManifestSummary {
    let mut out = ManifestSummary::default();
    for r in rows {
        let ch = out.changes.entry(r.snapshot_id).or_default();
        match r.status {
            ManifestStatus::Added => ch.added.add(if r.is_data { r.records } else { 0 }, r.bytes),
            ManifestStatus::Deleted => ch.removed.add(if r.is_data { r.records } else { 0 }, r.bytes),
            ManifestStatus::Existing => {}
        }
        if r.status == ManifestStatus::Deleted {
            continue;
        }
        out.live_paths.push(r.path);
        if !r.is_data {
            out.deletes.add(r.records, r.bytes);
            continue;
        }
        out.data.add(r.records, r.bytes);
        let key: PartitionKey = names.iter().cloned().zip(r.partition).collect();
        let agg = out.partitions.entry(key).or_default();
        agg.data.add(r.records, r.bytes);
        if let Some(ms) = snapshot_ms.get(&r.snapshot_id) {
            agg.newest_snapshot_ms = agg.newest_snapshot_ms.max(Some(*ms));
        }
    }
    out
}

/// A partition value as text, the way Iceberg writes it in partition paths (dates as `YYYY-MM-DD`).
pub(super) fn render(t: &PrimitiveType, v: &PrimitiveLiteral) -> String {
    use PrimitiveLiteral as L;
    use PrimitiveType as T;
    let micros = |us: i64| chrono::DateTime::from_timestamp_micros(us);
    match (t, v) {
        (T::Date, L::Int(d)) => chrono::NaiveDate::from_ymd_opt(1970, 1, 1)
            .and_then(|e| e.checked_add_signed(chrono::Duration::days(i64::from(*d))))
            .map_or_else(|| d.to_string(), |x| x.to_string()),
        (T::Timestamp, L::Long(us)) => micros(*us).map_or_else(|| us.to_string(), |x| x.naive_utc().format("%Y-%m-%dT%H:%M:%S%.f").to_string()),
        (T::Timestamptz, L::Long(us)) => micros(*us).map_or_else(|| us.to_string(), |x| x.format("%Y-%m-%dT%H:%M:%S%.f+00:00").to_string()),
        (T::Decimal { scale, .. }, L::Int128(x)) => decimal(*x, *scale),
        (T::Uuid, L::UInt128(x)) => uuid::Uuid::from_u128(*x).to_string(),
        (_, L::Boolean(b)) => b.to_string(),
        (_, L::Int(x)) => x.to_string(),
        (_, L::Long(x)) => x.to_string(),
        (_, L::Float(x)) => x.to_string(),
        (_, L::Double(x)) => x.to_string(),
        (_, L::String(s)) => s.clone(),
        (_, L::Binary(b)) => b.iter().map(|x| format!("{x:02X}")).collect(),
        (_, other) => format!("{other:?}"),
    }
}

fn decimal(unscaled: i128, scale: u32) -> String {
    if scale == 0 {
        return unscaled.to_string();
    }
    let digits = unscaled.unsigned_abs().to_string();
    let scale = scale as usize;
    let padded = if digits.len() <= scale { format!("{}{digits}", "0".repeat(scale + 1 - digits.len())) } else { digits };
    let (int, frac) = padded.split_at(padded.len() - scale);
    format!("{}{int}.{frac}", if unscaled < 0 { "-" } else { "" })
}

/// The Iceberg spec's notation for a type (`long`, `decimal(12, 2)`, `list<string>`, `struct<a: int>`).
pub(super) fn type_name(t: &Type) -> String {
    match t {
        Type::Primitive(p) => p.to_string(),
        Type::Struct(s) => format!(
            "struct<{}>",
            s.fields().iter().map(|f| format!("{}: {}", f.name, type_name(&f.field_type))).collect::<Vec<_>>().join(", ")
        ),
        Type::List(l) => format!("list<{}>", type_name(&l.element_field.field_type)),
        Type::Map(m) => format!("map<{}, {}>", type_name(&m.key_field.field_type), type_name(&m.value_field.field_type)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partition_values_render_like_iceberg_paths() {
        assert_eq!(render(&PrimitiveType::Date, &PrimitiveLiteral::Int(20_000)), "2024-10-04");
        assert_eq!(render(&PrimitiveType::String, &PrimitiveLiteral::String("KR".into())), "KR");
        assert_eq!(render(&PrimitiveType::Decimal { precision: 12, scale: 2 }, &PrimitiveLiteral::Int128(-5)), "-0.05");
        assert_eq!(render(&PrimitiveType::Decimal { precision: 12, scale: 2 }, &PrimitiveLiteral::Int128(12345)), "123.45");
        assert_eq!(render(&PrimitiveType::Timestamptz, &PrimitiveLiteral::Long(0)), "1970-01-01T00:00:00+00:00");
        assert_eq!(render(&PrimitiveType::Int, &PrimitiveLiteral::Int(674)), "674");
    }
}
