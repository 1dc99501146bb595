//! [`Location`]: a directory or file in some store, addressed by URL, with the few operations table
//! readers need.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;

use bytes::Bytes;
use futures::TryStreamExt;
use object_store::list::PaginatedListStore;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt};
use serde::{Deserialize, Serialize};
use url::Url;

use crate::error::{Error, Result};

/// A regular file found under a location.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    /// Path relative to the listed location, `/`-separated, taken literally (no percent-decoding).
    pub path: String,
    pub size: u64,
    pub last_modified_ms: i64,
}

#[derive(Clone)]
enum Backend {
    Local(PathBuf),
    Remote { store: Arc<dyn ObjectStore>, pages: Option<Arc<dyn PaginatedListStore>>, prefix: ObjectPath },
}

/// A place in a store: the root of a table, a warehouse, or a single file.
#[derive(Clone)]
pub struct Location {
    url: Url,
    backend: Backend,
}

impl std::fmt::Debug for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Location({})", self.url)
    }
}

impl Location {
    pub fn open(url: Url, options: &BTreeMap<String, String>) -> Result<Self> {
        let backend = if url.scheme() == "file" {
            let path = url.to_file_path().map_err(|_| Error::invalid(format!("{url} is not a local path")))?;
            Backend::Local(path)
        } else {
            let super::remote::Opened { store, pages, prefix } = super::remote::open(&url, options)?;
            Backend::Remote { store, pages, prefix }
        };
        Ok(Location { url, backend })
    }

    /// The location's URL without a trailing slash (what the CLI prints).
    pub fn display(&self) -> String {
        let s = self.url.as_str();
        match self.local_path() {
            Some(p) if s.starts_with("file://") => format!("file://{}", p.display()),
            _ => s.trim_end_matches('/').to_string(),
        }
    }

    pub fn url(&self) -> &Url {
        &self.url
    }

    /// The local directory, for `file://` locations.
    pub fn local_path(&self) -> Option<&std::path::Path> {
        match &self.backend {
            Backend::Local(p) => Some(p),
            Backend::Remote { .. } => None,
        }
    }

    /// The store and the object path inside it, for remote locations.
    pub(super) fn remote(&self) -> Option<(&Arc<dyn ObjectStore>, &ObjectPath)> {
        match &self.backend {
            Backend::Local(_) => None,
            Backend::Remote { store, prefix, .. } => Some((store, prefix)),
        }
    }

    /// The store's page-at-a-time listing, for remote stores that have one.
    pub(super) fn pages(&self) -> Option<&Arc<dyn PaginatedListStore>> {
        match &self.backend {
            Backend::Local(_) => None,
            Backend::Remote { pages, .. } => pages.as_ref(),
        }
    }

    /// The location `rel` below this one (`rel` is `/`-separated, taken literally).
    pub fn join(&self, rel: &str) -> Location {
        let rel = rel.trim_matches('/');
        if rel.is_empty() {
            return self.clone();
        }
        match &self.backend {
            Backend::Local(p) => {
                let path = p.join(rel);
                let url = Url::from_file_path(&path).unwrap_or_else(|_| self.url.clone());
                Location { url, backend: Backend::Local(path) }
            }
            Backend::Remote { store, pages, prefix } => {
                let mut url = self.url.clone();
                let base = url.path().trim_end_matches('/').to_string();
                url.set_path(&format!("{base}/{rel}"));
                let joined = if prefix.as_ref().is_empty() { rel.to_string() } else { format!("{}/{rel}", prefix.as_ref()) };
                Location { url, backend: Backend::Remote { store: store.clone(), pages: pages.clone(), prefix: ObjectPath::from(joined) } }
            }
        }
    }

    /// If `absolute` (a URL or absolute path as metadata records it) lies below this location, its
    /// relative path.
    pub fn relative_of(&self, absolute: &str) -> Option<String> {
        let mine = self.display();
        let candidates: Vec<String> = match self.local_path() {
            Some(p) => vec![mine.clone(), format!("file:{}", p.display()), p.display().to_string()],
            None => vec![mine.clone()],
        };
        for base in candidates {
            if let Some(rest) = absolute.strip_prefix(&base) {
                if let Some(rel) = rest.strip_prefix('/') {
                    return Some(rel.to_string());
                }
                if rest.is_empty() {
                    return Some(String::new());
                }
            }
        }
        None
    }

    /// Open another absolute location in the same store (a file an Iceberg manifest points to that lies
    /// outside the table's root, for instance).
    pub fn resolve_absolute(&self, absolute: &str) -> Result<Location> {
        if let Some(rel) = self.relative_of(absolute) {
            return Ok(self.join(&rel));
        }
        match &self.backend {
            Backend::Local(_) => {
                let url = super::parse_location(absolute)?;
                Location::open(url, &BTreeMap::new())
            }
            Backend::Remote { store, pages, .. } => {
                let url = Url::parse(absolute).map_err(|e| Error::invalid(format!("{absolute:?} is not a URL: {e}")))?;
                if url.scheme() != self.url.scheme() || url.host_str() != self.url.host_str() {
                    return Err(Error::unsupported(format!(
                        "{absolute} is in a different store than {}",
                        self.display()
                    )));
                }
                let prefix = ObjectPath::from(url.path().trim_start_matches('/'));
                Ok(Location { url, backend: Backend::Remote { store: store.clone(), pages: pages.clone(), prefix } })
            }
        }
    }

    /// Every regular file below this location (recursive), sorted by path.
    pub async fn list_files(&self) -> Result<Vec<FileEntry>> {
        match &self.backend {
            Backend::Local(p) => {
                let p = p.clone();
                tokio::task::spawn_blocking(move || super::local::walk(&p)).await?
            }
            Backend::Remote { store, prefix, .. } => {
                let base = prefix.as_ref().to_string();
                let list_prefix = if base.is_empty() { None } else { Some(prefix) };
                let metas: Vec<_> = store
                    .list(list_prefix)
                    .try_collect()
                    .await
                    .map_err(|e| super::du::listing_error(e, self))?;
                let mut out: Vec<FileEntry> = metas
                    .into_iter()
                    .filter_map(|m| {
                        let full = m.location.as_ref();
                        let rel = if base.is_empty() { full } else { full.strip_prefix(&base)?.strip_prefix('/')? };
                        Some(FileEntry {
                            path: rel.to_string(),
                            size: m.size,
                            last_modified_ms: m.last_modified.timestamp_millis(),
                        })
                    })
                    .collect();
                out.sort_by(|a, b| a.path.cmp(&b.path));
                Ok(out)
            }
        }
    }

    /// Immediate children: (sub-directory names, files). Used to discover tables without a full listing.
    pub async fn list_dir(&self) -> Result<(Vec<String>, Vec<FileEntry>)> {
        match &self.backend {
            Backend::Local(p) => {
                let p = p.clone();
                tokio::task::spawn_blocking(move || -> Result<(Vec<String>, Vec<FileEntry>)> {
                    let mut dirs = Vec::new();
                    let mut files = Vec::new();
                    let rd = std::fs::read_dir(&p).map_err(|e| Error::from(e).context(format!("listing {}", p.display())))?;
                    for entry in rd {
                        let entry = entry?;
                        let meta = std::fs::symlink_metadata(entry.path())?;
                        let name = entry.file_name().to_string_lossy().into_owned();
                        if meta.is_dir() {
                            dirs.push(name);
                        } else if meta.is_file() {
                            files.push(FileEntry { path: name, size: meta.len(), last_modified_ms: super::local::mtime_ms(&meta) });
                        }
                    }
                    dirs.sort();
                    files.sort_by(|a, b| a.path.cmp(&b.path));
                    Ok((dirs, files))
                })
                .await?
            }
            Backend::Remote { store, prefix, .. } => {
                let list_prefix = if prefix.as_ref().is_empty() { None } else { Some(prefix) };
                let res = store
                    .list_with_delimiter(list_prefix)
                    .await
                    .map_err(|e| super::du::listing_error(e, self))?;
                let dirs = res.common_prefixes.iter().filter_map(|p| p.filename().map(str::to_string)).collect();
                let files = res
                    .objects
                    .into_iter()
                    .filter_map(|m| {
                        Some(FileEntry {
                            path: m.location.filename()?.to_string(),
                            size: m.size,
                            last_modified_ms: m.last_modified.timestamp_millis(),
                        })
                    })
                    .collect();
                Ok((dirs, files))
            }
        }
    }

    /// Read the whole file at `rel` below this location (`""` for the location itself).
    pub async fn read(&self, rel: &str) -> Result<Bytes> {
        let target = self.join(rel);
        let what = target.display();
        match &target.backend {
            Backend::Local(p) => {
                let p = p.clone();
                let data = tokio::fs::read(&p).await.map_err(|e| Error::from(e).context(format!("reading {what}")))?;
                Ok(Bytes::from(data))
            }
            Backend::Remote { store, prefix, .. } => {
                let res = store.get(prefix).await.map_err(|e| Error::from(e).context(format!("reading {what}")))?;
                res.bytes().await.map_err(|e| Error::from(e).context(format!("reading {what}")))
            }
        }
    }

    /// Read `range` of the file at `rel`.
    pub async fn read_range(&self, rel: &str, range: Range<u64>) -> Result<Bytes> {
        let target = self.join(rel);
        let what = target.display();
        match &target.backend {
            Backend::Local(p) => {
                let p = p.clone();
                tokio::task::spawn_blocking(move || -> Result<Bytes> {
                    use std::io::{Read, Seek, SeekFrom};
                    let mut f = std::fs::File::open(&p)?;
                    f.seek(SeekFrom::Start(range.start))?;
                    let mut buf = vec![0u8; (range.end - range.start) as usize];
                    f.read_exact(&mut buf)?;
                    Ok(Bytes::from(buf))
                })
                .await?
                .map_err(|e| e.context(format!("reading {what}")))
            }
            Backend::Remote { store, prefix, .. } => {
                store.get_range(prefix, range).await.map_err(|e| Error::from(e).context(format!("reading {what}")))
            }
        }
    }

    /// Size of the file at `rel`, or `None` when it does not exist.
    pub async fn size_of(&self, rel: &str) -> Result<Option<u64>> {
        let target = self.join(rel);
        match &target.backend {
            Backend::Local(p) => match tokio::fs::symlink_metadata(p).await {
                Ok(m) if m.is_file() => Ok(Some(m.len())),
                Ok(_) => Ok(None),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(Error::from(e).context(format!("reading {}", target.display()))),
            },
            Backend::Remote { store, prefix, .. } => match store.head(prefix).await {
                Ok(m) => Ok(Some(m.size)),
                Err(object_store::Error::NotFound { .. }) => Ok(None),
                Err(e) => Err(Error::from(e).context(format!("reading {}", target.display()))),
            },
        }
    }

    /// Whether this location is a directory that exists (or, remotely, a prefix with objects).
    pub async fn is_dir(&self) -> Result<bool> {
        match &self.backend {
            Backend::Local(p) => Ok(tokio::fs::symlink_metadata(p).await.map(|m| m.is_dir()).unwrap_or(false)),
            Backend::Remote { .. } => {
                let (dirs, files) = self.list_dir().await?;
                Ok(!dirs.is_empty() || !files.is_empty())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn lists_hidden_files_and_skips_symlinks() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("a/.hidden")).unwrap();
        std::fs::write(dir.path().join("a/x.parquet"), b"12345").unwrap();
        std::fs::write(dir.path().join("a/.hidden/y"), b"12").unwrap();
        std::fs::write(dir.path().join("_SUCCESS"), b"").unwrap();
        std::os::unix::fs::symlink(dir.path().join("a/x.parquet"), dir.path().join("link")).unwrap();
        let loc = crate::storage::open(dir.path().to_str().unwrap(), &BTreeMap::new()).unwrap();
        let files = loc.list_files().await.unwrap();
        let names: Vec<_> = files.iter().map(|f| (f.path.as_str(), f.size)).collect();
        assert_eq!(names, vec![("_SUCCESS", 0), ("a/.hidden/y", 2), ("a/x.parquet", 5)]);
    }

    #[test]
    fn relative_of_accepts_url_and_path_forms() {
        let loc = crate::storage::open("/data/wh/t", &BTreeMap::new()).unwrap();
        assert_eq!(loc.relative_of("file:///data/wh/t/data/a.parquet").as_deref(), Some("data/a.parquet"));
        assert_eq!(loc.relative_of("/data/wh/t/metadata/v1.json").as_deref(), Some("metadata/v1.json"));
        assert_eq!(loc.relative_of("file:/data/wh/t/x").as_deref(), Some("x"));
        assert_eq!(loc.relative_of("/data/wh/t2/x"), None);
    }
}
