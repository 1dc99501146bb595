//! Finding and parsing a table's current metadata file.
//!
//! Which file is current, in order of trust: the catalog's `metadata_location`; a `*.metadata.json` the
//! user pointed at; `metadata/version-hint.text` (Hadoop tables); else the `metadata/*.metadata.json`
//! with the highest numeric version (`00042-<uuid>.metadata.json` or `v42.metadata.json`) — tables
//! written through a catalog usually have no version hint at all. A hint is read the way Iceberg's own
//! `HadoopTableOperations` reads it: a version that has no file is an error (the table is broken, and
//! guessing could show a state nobody committed), a hint that lags is followed forward through the
//! consecutive versions after it, and a hint that is not a number is ignored with a warning.

use std::collections::BTreeMap;

use iceberg::spec::{SnapshotReference, SnapshotRetention, TableMetadata, MAIN_BRANCH};
use serde::Deserialize;

use crate::error::{Error, ErrorKind, Result};
use crate::storage::{FileEntry, Location};

pub(super) const VERSION_HINT: &str = "metadata/version-hint.text";

/// A table's current metadata, parsed, and where it came from.
pub(super) struct Loaded {
    /// The table's root directory (`…/tbl`, holding `metadata/` and usually `data/`).
    pub root: Location,
    pub metadata: TableMetadata,
    /// The metadata file as an absolute location (URL or path), for messages and for matching.
    pub file: String,
    /// The metadata file as read, for what the iceberg crate keeps private (see [`Loaded::refs`]).
    raw: bytes::Bytes,
    pub warnings: Vec<String>,
}

impl Loaded {
    /// All branches and tags as written; without a `refs` map (v1 tables), `main` points at the current
    /// snapshot. Parsed on demand: history does not need them, and it should cost one parse.
    pub(super) fn refs(&self) -> BTreeMap<String, SnapshotReference> {
        #[derive(Deserialize)]
        struct RefsOnly {
            #[serde(default)]
            refs: Option<BTreeMap<String, SnapshotReference>>,
        }
        let mut refs = serde_json::from_slice::<RefsOnly>(&self.raw).ok().and_then(|r| r.refs).unwrap_or_default();
        if let Some(id) = self.metadata.current_snapshot_id() {
            refs.entry(MAIN_BRANCH.to_string())
                .or_insert_with(|| SnapshotReference::new(id, SnapshotRetention::branch(None, None, None)));
        }
        refs
    }
}

/// Find and parse the current metadata of the table at `root` (a table directory or a metadata file).
pub(super) async fn load(root: Location, metadata_location: Option<&str>) -> Result<Loaded> {
    let mut warnings = Vec::new();
    let shown = root.display();
    let (root, file) = if shown.ends_with(".metadata.json") {
        let (parent, _) = shown.rsplit_once('/').unwrap_or((&shown, ""));
        let table_dir = parent.strip_suffix("/metadata").unwrap_or(parent).to_string();
        (root.resolve_absolute(&table_dir)?, shown.clone())
    } else if let Some(ml) = metadata_location {
        (root, ml.to_string())
    } else {
        let file = discover(&root, &mut warnings).await?;
        (root, file)
    };
    let bytes = root.resolve_absolute(&file)?.read("").await?;
    let metadata = parse(&bytes, &file)?;
    Ok(Loaded { root, metadata, file, raw: bytes, warnings })
}

/// Parse metadata JSON with the iceberg crate; anything it rejects is corrupt, named by `file`.
pub(super) fn parse(bytes: &[u8], file: &str) -> Result<TableMetadata> {
    if bytes.starts_with(&[0x1f, 0x8b]) {
        return Err(Error::unsupported(format!("{file} is gzip-compressed table metadata, which is not supported yet")));
    }
    serde_json::from_slice::<TableMetadata>(bytes)
        .map_err(|e| Error::corrupt(format!("{file} is not valid Iceberg table metadata: {e}")).with_source(e))
}

/// The version number in a metadata file name: `00042-<uuid>.metadata.json`, `v42.metadata.json`
/// (each possibly `.gz.metadata.json`).
pub(super) fn version_of(name: &str) -> Option<u64> {
    let stem = name.strip_suffix(".metadata.json")?;
    let stem = stem.strip_suffix(".gz").unwrap_or(stem);
    if let Some(n) = stem.strip_prefix('v') {
        return n.parse().ok();
    }
    let (n, rest) = stem.split_once('-')?;
    if rest.is_empty() || n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    n.parse().ok()
}

/// The current metadata file of a table found through its directory alone.
async fn discover(root: &Location, warnings: &mut Vec<String>) -> Result<String> {
    let meta_dir = root.join("metadata");
    let files = match meta_dir.list_dir().await {
        Ok((_, files)) => files,
        Err(e) if e.kind == ErrorKind::NotFound => {
            return Err(Error::not_found(format!(
                "{} is not an Iceberg table: {} does not exist",
                root.display(),
                meta_dir.display()
            )));
        }
        Err(e) => return Err(e),
    };
    let candidates: Vec<(&FileEntry, u64)> =
        files.iter().filter_map(|f| version_of(&f.path).map(|v| (f, v))).collect();

    if files.iter().any(|f| f.path == "version-hint.text") {
        let hint_file = root.join(VERSION_HINT).display();
        let hint = root.read(VERSION_HINT).await?;
        let text = String::from_utf8_lossy(&hint).trim().to_string();
        let named = text.rsplit('/').next().unwrap_or(&text);
        let hinted = match text.parse::<u64>() {
            Ok(n) => Some(n),
            Err(_) if text.ends_with(".metadata.json") => match files.iter().find(|f| f.path == named) {
                Some(f) => version_of(&f.path),
                None => {
                    return Err(Error::corrupt(format!(
                        "{hint_file} names {text}, but {} does not exist",
                        meta_dir.join(named).display()
                    )));
                }
            },
            Err(_) => None,
        };
        match hinted {
            // As Iceberg's HadoopTableOperations reads it: the hinted version must exist, and a hint
            // written before the last commit(s) is followed forward while the next version exists.
            Some(mut n) => {
                let by_version = |v: u64| candidates.iter().find(|(_, cv)| *cv == v).map(|(f, _)| f.path.clone());
                let Some(mut name) = by_version(n) else {
                    return Err(Error::corrupt(format!(
                        "{hint_file} says version {n}, but {} has no metadata file for version {n}",
                        meta_dir.display()
                    )));
                };
                while let Some(next) = by_version(n + 1) {
                    n += 1;
                    name = next;
                }
                return Ok(meta_dir.join(&name).display());
            }
            None => warnings.push(format!(
                "{hint_file} says {text:?}, which is not a version number; using the highest-numbered metadata file"
            )),
        }
    }
    let best = candidates
        .iter()
        .max_by(|(a, va), (b, vb)| va.cmp(vb).then(a.last_modified_ms.cmp(&b.last_modified_ms)).then(a.path.cmp(&b.path)))
        .ok_or_else(|| {
            Error::not_found(format!("{} is not an Iceberg table: no *.metadata.json in {}", root.display(), meta_dir.display()))
        })?;
    Ok(meta_dir.join(&best.0.path).display())
}

#[cfg(test)]
mod tests {
    use super::version_of;

    #[test]
    fn metadata_versions_from_catalog_and_hadoop_names() {
        assert_eq!(version_of("00042-5a3f0c1e-aaaa-bbbb-cccc-1234567890ab.metadata.json"), Some(42));
        assert_eq!(version_of("v7.metadata.json"), Some(7));
        assert_eq!(version_of("v7.gz.metadata.json"), Some(7));
        assert_eq!(version_of("00003-x.gz.metadata.json"), Some(3));
        assert_eq!(version_of("snap-1-0-x.avro"), None);
        assert_eq!(version_of("notes.metadata.json"), None);
        assert_eq!(version_of("-x.metadata.json"), None);
    }
}
