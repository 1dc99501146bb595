//! One level of a prefix tree, for the app's Storage page: the children of a location, each with the
//! objects and bytes below it and its newest modification time, and whether it is a prefix one can open
//! further or a single object.
//!
//! It is a `du` one level deep (the same walk and the same figures as `lakescope du --depth 1`), because
//! a count and a byte total per prefix need every object below it; a delimiter listing would give the
//! names only. The caller passes the cancel token and progress callback of [`DuOptions`] so a long
//! listing shows its running totals and can be stopped.

use serde::Serialize;
use ts_rs::TS;

use super::DuOptions;
use crate::api::Lakescope;
use crate::error::Result;

/// The children of one location, one level down.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct PrefixListing {
    /// The listed location as `du` names it (`file:///…`, `s3://bucket/prefix`).
    pub uri: String,
    #[ts(type = "number")]
    pub total_bytes: u64,
    #[ts(type = "number")]
    pub total_objects: u64,
    /// Sorted by name; their bytes and objects add up to the totals.
    pub entries: Vec<PrefixEntry>,
}

/// One child of a listed location.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct PrefixEntry {
    /// The child's name below the listed location (one path segment).
    pub name: String,
    /// What to list to open this child: a local path, or the store URL.
    pub location: String,
    /// A prefix (directory) holding objects, rather than a single object.
    pub is_prefix: bool,
    #[ts(type = "number")]
    pub bytes: u64,
    #[ts(type = "number")]
    pub objects: u64,
    /// The newest object's modification time below this child (epoch ms).
    #[ts(type = "number")]
    pub last_modified_ms: i64,
}

impl Lakescope {
    /// The children of `target` one level down, opened with the options of the source that holds it.
    /// `opts.depth` is ignored (always one level); its cancel token and progress callback are used.
    pub async fn list_prefix(&self, target: &str, opts: &DuOptions) -> Result<PrefixListing> {
        if let Some(t) = self.inventory_target(target) {
            return inventory_listing(&t, opts).await;
        }
        let loc = super::open(target, &self.store_options_for(target))?;
        let one_level = DuOptions { depth: 1, ..opts.clone() };
        let tallied = super::du::tally(&loc, &one_level).await?;
        let entries = tallied
            .report
            .children
            .into_iter()
            .map(|c| {
                let child = loc.join(&c.name);
                let location = match child.local_path() {
                    // A plain path: a file URL would need its `%`s escaped to reopen the same directory.
                    Some(p) => p.display().to_string(),
                    None => child.display(),
                };
                PrefixEntry {
                    is_prefix: tallied.prefixes.contains(&c.name),
                    name: c.name,
                    location,
                    bytes: c.bytes,
                    objects: c.objects,
                    last_modified_ms: c.last_modified_ms,
                }
            })
            .collect();
        Ok(PrefixListing {
            uri: tallied.report.uri,
            total_bytes: tallied.report.total_bytes,
            total_objects: tallied.report.total_objects,
            entries,
        })
    }
}

/// One level of the prefix tree from the newest inventory of an inventory source (children reopen as
/// `<uri>/<name>`, under the same source).
async fn inventory_listing(t: &super::inventory::Target, opts: &DuOptions) -> Result<PrefixListing> {
    let (report, prefixes) = super::inventory::du(t, &DuOptions { depth: 1, ..opts.clone() }).await?;
    let entries = report
        .children
        .into_iter()
        .map(|c| PrefixEntry {
            is_prefix: prefixes.contains(&c.name),
            location: format!("{}/{}", report.uri, c.name),
            name: c.name,
            bytes: c.bytes,
            objects: c.objects,
            last_modified_ms: c.last_modified_ms,
        })
        .collect();
    Ok(PrefixListing { uri: report.uri, total_bytes: report.total_bytes, total_objects: report.total_objects, entries })
}

/// Whether a storage root answers: the cheapest read that proves the store is reachable, the bucket
/// exists and the credentials may list it (one listing page, stopped after its first object). A root
/// that exists but holds nothing is fine; what it answers is said in the `Ok` text.
pub(crate) async fn probe(root: &str, options: &std::collections::BTreeMap<String, String>) -> Result<String> {
    use futures::StreamExt;

    let loc = super::open(root, options)?;
    if let Some(dir) = loc.local_path() {
        let dir = dir.to_path_buf();
        return tokio::task::spawn_blocking(move || -> Result<String> {
            let what = || format!("listing {}", dir.display());
            let meta = std::fs::symlink_metadata(&dir).map_err(|e| crate::Error::from(e).context(what()))?;
            if !meta.is_dir() {
                return Err(crate::Error::invalid(format!("{} is not a directory", dir.display())));
            }
            let mut entries = std::fs::read_dir(&dir).map_err(|e| crate::Error::from(e).context(what()))?;
            Ok(match entries.next() {
                Some(Err(e)) => return Err(crate::Error::from(e).context(what())),
                Some(Ok(_)) => format!("{} is readable", dir.display()),
                None => format!("{} is readable and empty", dir.display()),
            })
        })
        .await?;
    }
    let (store, prefix) = loc.remote().ok_or_else(|| crate::Error::internal("a location is local or remote"))?;
    let mut listing = store.list(if prefix.as_ref().is_empty() { None } else { Some(prefix) });
    match listing.next().await {
        Some(Err(e)) => Err(super::du::listing_error(e, &loc)),
        Some(Ok(_)) => Ok(format!("{} answered a listing", loc.display())),
        None => Ok(format!("{} answered a listing: no objects under it yet", loc.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;
    use crate::cancel::CancelToken;

    fn shape(l: &PrefixListing) -> Vec<(&str, bool, u64, u64)> {
        l.entries.iter().map(|e| (e.name.as_str(), e.is_prefix, e.objects, e.bytes)).collect()
    }

    #[tokio::test]
    async fn one_level_with_prefixes_told_from_objects_and_children_reopen() {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(d.path().join("dt=2026-01-01 %3A/deep")).unwrap();
        std::fs::create_dir_all(d.path().join("empty")).unwrap();
        std::fs::write(d.path().join("dt=2026-01-01 %3A/deep/a.parquet"), vec![0u8; 11]).unwrap();
        std::fs::write(d.path().join("dt=2026-01-01 %3A/b.parquet"), vec![0u8; 4]).unwrap();
        std::fs::write(d.path().join("_SUCCESS"), b"").unwrap();
        let ls = Lakescope::new(Vec::new(), None);
        let root = ls.list_prefix(d.path().to_str().unwrap(), &DuOptions::default()).await.unwrap();
        assert_eq!((root.total_objects, root.total_bytes), (3, 15));
        assert_eq!(shape(&root), [("_SUCCESS", false, 1, 0), ("dt=2026-01-01 %3A", true, 2, 15)], "empty dirs hold nothing");
        // A child's location opens that child, `%` and spaces included.
        let part = ls.list_prefix(&root.entries[1].location, &DuOptions::default()).await.unwrap();
        assert_eq!(shape(&part), [("b.parquet", false, 1, 4), ("deep", true, 1, 11)]);
        assert!(part.entries[1].last_modified_ms > 0);

        let cancel = CancelToken::new();
        cancel.cancel();
        let e = ls.list_prefix(d.path().to_str().unwrap(), &DuOptions { cancel, ..Default::default() }).await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::Cancelled, "{}", e.message);
        let e = ls.list_prefix(d.path().join("missing").to_str().unwrap(), &DuOptions::default()).await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::NotFound, "{}", e.message);
    }
}
