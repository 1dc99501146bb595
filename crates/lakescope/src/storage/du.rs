//! `du` for any store: objects and bytes under a location, grouped by path prefix.
//!
//! Listings of big buckets run to millions of objects, so nothing is collected: each object is added to
//! its group's running totals as the listing streams past (memory grows with the number of groups, not
//! of objects). A progress callback sees the running totals, and a [`CancelToken`] is checked between
//! objects (remotely that is between the listing's pages, as a page arrives whole), so a user can stop
//! a listing that is taking too long. Remote stores that list a page at a time (S3, GCS, Azure) are
//! listed many prefixes at once (super::prefixes), which is what makes a million objects take seconds
//! rather than a thousand round trips in a row. Local directories are walked exactly like `du --apparent-size`
//! counts: regular files only, hidden ones included, symlinks not followed.

use std::collections::BTreeMap;
use std::sync::Arc;

use futures::StreamExt;
use serde::Serialize;
use ts_rs::TS;

use super::{FileEntry, Location};
use crate::cancel::CancelToken;
use crate::error::{Error, ErrorKind, Result};

/// `lakescope du --json`: totals and one row per child prefix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct DuReport {
    pub uri: String,
    #[ts(type = "number")]
    pub total_bytes: u64,
    #[ts(type = "number")]
    pub total_objects: u64,
    /// Sorted by name; their bytes and objects add up to the totals.
    pub children: Vec<DuChild>,
}

/// The objects under one child: a prefix `depth` levels down (`a/b` at depth 2), or an object that lies
/// less deep than that.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct DuChild {
    pub name: String,
    #[ts(type = "number")]
    pub bytes: u64,
    #[ts(type = "number")]
    pub objects: u64,
    /// The newest object's modification time.
    pub last_modified_ms: i64,
}

/// Running totals, reported while a listing is under way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, TS)]
#[ts(export)]
pub struct DuProgress {
    #[ts(type = "number")]
    pub objects: u64,
    #[ts(type = "number")]
    pub bytes: u64,
    /// When a store is listed many prefixes at once: how many of the current round's prefixes are
    /// listed (the tree's levels while it is discovered, then the prefixes listed in parallel), and how
    /// many there are; both 0 for a single listing or a local walk.
    #[ts(type = "number")]
    pub prefixes_done: u64,
    #[ts(type = "number")]
    pub prefixes_total: u64,
}

pub type ProgressFn = Arc<dyn Fn(DuProgress) + Send + Sync>;

#[derive(Clone, Default)]
pub struct DuOptions {
    /// How many path levels the children are (0: totals only).
    pub depth: usize,
    pub cancel: CancelToken,
    pub progress: Option<ProgressFn>,
}

/// Progress is reported every this many objects (and once at the end).
const PROGRESS_EVERY: u64 = 1000;

struct Tally<'a> {
    depth: usize,
    totals: DuProgress,
    children: BTreeMap<String, DuChild>,
    /// The children that hold objects below them (a prefix or directory), as opposed to one object.
    prefixes: std::collections::BTreeSet<String>,
    opts: &'a DuOptions,
    what: String,
}

impl Tally<'_> {
    fn add(&mut self, f: &FileEntry) -> Result<()> {
        self.opts.cancel.check(|| format!("listing {}", self.what))?;
        self.totals.objects += 1;
        self.totals.bytes += f.size;
        if self.depth > 0 {
            let name = match f.path.match_indices('/').nth(self.depth - 1) {
                Some((i, _)) => {
                    if !self.prefixes.contains(&f.path[..i]) {
                        self.prefixes.insert(f.path[..i].to_string());
                    }
                    &f.path[..i]
                }
                None => f.path.as_str(),
            };
            if !self.children.contains_key(name) {
                let fresh = DuChild { name: name.to_string(), bytes: 0, objects: 0, last_modified_ms: i64::MIN };
                self.children.insert(name.to_string(), fresh);
            }
            let child = self.children.get_mut(name).expect("inserted above");
            child.bytes += f.size;
            child.objects += 1;
            child.last_modified_ms = child.last_modified_ms.max(f.last_modified_ms);
        }
        if self.totals.objects.is_multiple_of(PROGRESS_EVERY) {
            self.report();
        }
        Ok(())
    }

    fn report(&self) {
        if let Some(p) = &self.opts.progress {
            p(self.totals);
        }
    }

    fn finish(self) -> Tallied {
        self.report();
        let report = DuReport {
            uri: self.what,
            total_bytes: self.totals.bytes,
            total_objects: self.totals.objects,
            children: self.children.into_values().collect(),
        };
        Tallied { report, prefixes: self.prefixes }
    }
}

/// A finished listing: the report, and which of its children are prefixes (hold objects below them).
pub(super) struct Tallied {
    pub report: DuReport,
    pub prefixes: std::collections::BTreeSet<String>,
}

/// Count the objects and bytes under `loc`.
pub async fn du(loc: &Location, opts: &DuOptions) -> Result<DuReport> {
    Ok(tally(loc, opts).await?.report)
}

/// [`du`], also saying which children are prefixes rather than single objects.
pub(super) async fn tally(loc: &Location, opts: &DuOptions) -> Result<Tallied> {
    let what = loc.display();
    if let Some(root) = loc.local_path() {
        let root = root.to_path_buf();
        let opts = opts.clone();
        return tokio::task::spawn_blocking(move || -> Result<Tallied> {
            opts.cancel.check(|| format!("listing {what}"))?;
            let mut tally = Tally { depth: opts.depth, totals: Default::default(), children: BTreeMap::new(), prefixes: Default::default(), opts: &opts, what };
            super::local::visit(&root, &mut |f| tally.add(&f))?;
            Ok(tally.finish())
        })
        .await?;
    }
    let (store, prefix) = loc.remote().ok_or_else(|| Error::internal("a location is local or remote"))?;
    let base = prefix.as_ref().to_string();
    let mut tally = Tally { depth: opts.depth, totals: Default::default(), children: BTreeMap::new(), prefixes: Default::default(), opts, what };
    opts.cancel.check(|| format!("listing {}", tally.what))?;
    if let Some(pages) = loc.pages() {
        let what = tally.what.clone();
        let listing = super::prefixes::Listing {
            base: if base.is_empty() { String::new() } else { format!("{base}/") },
            cancel: &opts.cancel,
            what: &what,
            on_objects: |objects: Vec<object_store::ObjectMeta>, prefixes: super::prefixes::Prefixes| {
                tally.totals.prefixes_done = prefixes.done;
                tally.totals.prefixes_total = prefixes.total;
                for meta in objects {
                    if let Some(entry) = entry_of(&meta, &base) {
                        tally.add(&entry)?;
                    }
                }
                Ok(())
            },
            on_error: |e| listing_error(e, loc),
        };
        super::prefixes::list(pages, listing).await?;
        return found(tally, &base);
    }
    let mut stream = store.list(if base.is_empty() { None } else { Some(prefix) });
    loop {
        let next = tokio::select! {
            next = stream.next() => next,
            _ = opts.cancel.cancelled() => return Err(crate::cancel::cancelled(format!("listing {}", tally.what))),
        };
        let Some(meta) = next else { break };
        let meta = meta.map_err(|e| listing_error(e, loc))?;
        if let Some(entry) = entry_of(&meta, &base) {
            tally.add(&entry)?;
        }
    }
    found(tally, &base)
}

/// An object listed under `base`, with its path relative to `base` (none for `base` itself).
fn entry_of(meta: &object_store::ObjectMeta, base: &str) -> Option<FileEntry> {
    let full = meta.location.as_ref();
    let rel = if base.is_empty() { Some(full) } else { full.strip_prefix(base).and_then(|r| r.strip_prefix('/')) };
    let rel = rel.filter(|r| !r.is_empty())?;
    Some(FileEntry { path: rel.to_string(), size: meta.size, last_modified_ms: meta.last_modified.timestamp_millis() })
}

/// The finished tally, or "no objects" for a prefix nothing lies under.
fn found(tally: Tally<'_>, base: &str) -> Result<Tallied> {
    if tally.totals.objects == 0 && !base.is_empty() {
        return Err(Error::not_found(format!("{}: no objects under this prefix", tally.what)));
    }
    Ok(tally.finish())
}

/// Say which bucket (S3, GCS) or container (Azure) is missing or which credentials were refused, not
/// just the HTTP status. The services name these cases with their own error codes in the body: S3 and
/// GCS's XML API `NoSuchBucket`, `InvalidAccessKeyId`, `SignatureDoesNotMatch`, `AccessDenied`; Azure
/// `ContainerNotFound`, `AuthenticationFailed` ("Server failed to authenticate the request", which
/// Azurite sends under the code `AuthorizationFailure`) and `AuthorizationPermissionMismatch`.
pub(super) fn listing_error(e: object_store::Error, loc: &Location) -> Error {
    let text = crate::error::chain_text(&e);
    let url = loc.url();
    // abfs://container@account.dfs.core.windows.net/… names the container as the URL's user.
    let bucket = if url.username().is_empty() { url.host_str().unwrap_or("") } else { url.username() }.to_string();
    let noun = if matches!(url.scheme(), "az" | "adl" | "azure" | "abfs" | "abfss") { "container" } else { "bucket" };
    let mut err = Error::from(e);
    if text.contains("NoSuchBucket") || text.contains("ContainerNotFound") {
        err.kind = ErrorKind::NotFound;
        err.message = format!("{noun} {bucket:?} does not exist: {}", err.message);
    } else if text.contains("InvalidAccessKeyId")
        || text.contains("SignatureDoesNotMatch")
        || text.contains("AuthenticationFailed")
        || text.contains("failed to authenticate the request")
    {
        err.kind = ErrorKind::Auth;
        err.message = format!("the credentials were refused for {noun} {bucket:?}: {}", err.message);
    } else if text.contains("AccessDenied") || text.contains("AuthorizationPermissionMismatch") {
        err.kind = ErrorKind::Permission;
        err.message = format!("listing {noun} {bucket:?} is not allowed with these credentials: {}", err.message);
    }
    err.context(format!("listing {}", loc.display()))
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;

    fn tree() -> tempfile::TempDir {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(d.path().join("a/b/.hidden")).unwrap();
        std::fs::create_dir_all(d.path().join("c")).unwrap();
        std::fs::write(d.path().join("a/b/x"), vec![0u8; 10]).unwrap();
        std::fs::write(d.path().join("a/b/.hidden/y"), vec![0u8; 3]).unwrap();
        std::fs::write(d.path().join("a/z"), vec![0u8; 5]).unwrap();
        std::fs::write(d.path().join("top"), vec![0u8; 7]).unwrap();
        std::os::unix::fs::symlink(d.path().join("a/b/x"), d.path().join("c/link")).unwrap();
        d
    }

    fn rows(r: &DuReport) -> Vec<(&str, u64, u64)> {
        r.children.iter().map(|c| (c.name.as_str(), c.bytes, c.objects)).collect()
    }

    #[tokio::test]
    async fn groups_by_depth_and_children_add_up() {
        let d = tree();
        let loc = crate::storage::open(d.path().to_str().unwrap(), &BTreeMap::new()).unwrap();
        let r = du(&loc, &DuOptions { depth: 1, ..Default::default() }).await.unwrap();
        assert_eq!((r.total_bytes, r.total_objects), (25, 4));
        assert_eq!(rows(&r), [("a", 18, 3), ("top", 7, 1)], "symlinks and empty dirs count nothing");
        let r = du(&loc, &DuOptions { depth: 2, ..Default::default() }).await.unwrap();
        assert_eq!(rows(&r), [("a/b", 13, 2), ("a/z", 5, 1), ("top", 7, 1)]);
        let r = du(&loc, &DuOptions::default()).await.unwrap();
        assert!(r.children.is_empty() && r.total_bytes == 25);
    }

    #[tokio::test]
    async fn progress_ends_with_the_totals_and_cancel_stops_the_walk() {
        let d = tree();
        let loc = crate::storage::open(d.path().to_str().unwrap(), &BTreeMap::new()).unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let s = seen.clone();
        let progress: ProgressFn = Arc::new(move |p| s.lock().unwrap().push(p));
        du(&loc, &DuOptions { depth: 1, progress: Some(progress), ..Default::default() }).await.unwrap();
        assert_eq!(seen.lock().unwrap().last(), Some(&DuProgress { objects: 4, bytes: 25, ..Default::default() }));

        let cancel = CancelToken::new();
        cancel.cancel();
        let e = du(&loc, &DuOptions { depth: 1, cancel, ..Default::default() }).await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::Cancelled);
        assert!(e.message.contains(d.path().to_str().unwrap()), "{}", e.message);
    }
}
