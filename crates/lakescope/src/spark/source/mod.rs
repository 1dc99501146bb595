//! Where event logs are: one file, a rolled `eventlog_v2_<app>/` directory, or a directory (local or an
//! S3/GCS/Azure prefix) holding many applications in any of those forms — found as the History Server
//! finds them: hidden files (`.…`, `_…`) and Hadoop's `.crc` side files are skipped, a rolled directory's
//! `events_<n>_…` files are read in order of `n`, and its `appstatus_…[.inprogress]` marker says whether
//! the application finished.
//!
//! All access goes through [`Location`], so remote stores work the same; remote files are streamed in
//! ranges, never read whole.

use std::io::{self, Read};

use crate::error::{Error, ErrorKind, Result};
use crate::storage::{FileEntry, Location};

use super::codec::Codec;

/// One file of an application's log.
#[derive(Debug, Clone)]
pub struct LogFile {
    pub location: Location,
    pub name: String,
    pub size: u64,
    /// As the listing reports it (0 when unknown): with the size, what tells a changed file.
    pub modified_ms: i64,
    pub codec: Codec,
}

/// One application's log: a single file, or the ordered files of a rolled directory.
#[derive(Debug, Clone)]
pub struct LogEntry {
    /// What to call it in messages (its path or URL).
    pub display: String,
    pub files: Vec<LogFile>,
    pub rolled: bool,
    /// A rolled log whose `appstatus_` marker still ends in `.inprogress`.
    pub marked_in_progress: bool,
}

impl LogEntry {
    pub fn compressed_bytes(&self) -> u64 {
        self.files.iter().map(|f| f.size).sum()
    }

    /// What the listing says about the log's files: equal signatures mean the same bytes to read
    /// (logs are appended to or rolled, never rewritten in place at the same size and time).
    pub fn signature(&self) -> String {
        let mut sig = format!("{}|{}", self.display, self.marked_in_progress);
        for f in &self.files {
            sig.push_str(&format!("|{}:{}:{}", f.name, f.size, f.modified_ms));
        }
        sig
    }
}

fn hidden(name: &str) -> bool {
    name.starts_with('.') || name.starts_with('_') || name.ends_with(".crc")
}

/// The `n` of `events_<n>_<app>[.codec]`.
fn rolled_index(name: &str) -> Option<u64> {
    name.strip_prefix("events_")?.split('_').next()?.parse().ok()
}

/// Find every application log under `input` (a path, `file://…`, `s3://…`, `gs://…`, `az://…`).
pub async fn discover(input: &str) -> Result<Vec<LogEntry>> {
    discover_with(input, &Default::default()).await
}

/// [`discover`], opening an object-store prefix with store options (endpoint, account, …) on top of the
/// environment's, as a configured source's location would be.
pub async fn discover_with(input: &str, options: &std::collections::BTreeMap<String, String>) -> Result<Vec<LogEntry>> {
    let loc = crate::storage::open(input, options)?;
    let (file_size, is_dir) = match loc.local_path() {
        Some(p) => match std::fs::metadata(p) {
            Ok(m) => (m.is_file().then_some(m.len()), m.is_dir()),
            Err(_) => (None, false),
        },
        None => match loc.size_of("").await {
            Ok(Some(size)) => (Some(size), false),
            Ok(None) => (None, loc.is_dir().await?),
            // A refused HEAD has no body to say why (a wrong key, or a missing permission); the listing's
            // answer does, so it decides (and a prefix that may be listed but not HEAD-ed still reads).
            Err(e) if matches!(e.kind, ErrorKind::Permission | ErrorKind::Auth) => (None, loc.is_dir().await?),
            Err(e) => return Err(e),
        },
    };
    if let Some(size) = file_size {
        let name = loc.url().path_segments().and_then(|mut s| s.next_back()).unwrap_or(input).to_string();
        return Ok(vec![single(loc.clone(), &name, size, 0)]);
    }
    if !is_dir {
        return Err(Error::not_found(format!("{input}: no such event log file or directory")));
    }
    let base_name = loc.url().path().trim_end_matches('/').rsplit('/').next().unwrap_or("").to_string();
    if base_name.starts_with("eventlog_v2_") {
        return Ok(vec![rolled(&loc).await?]);
    }
    let (dirs, files) = list_dir(&loc).await?;
    let mut out = Vec::new();
    for d in dirs.iter().filter(|d| d.starts_with("eventlog_v2_")) {
        out.push(rolled(&loc.join(d)).await?);
    }
    for f in files.iter().filter(|f| !hidden(&f.path)) {
        out.push(single(loc.join(&f.path), &f.path, f.size, f.last_modified_ms));
    }
    out.sort_by(|a, b| a.display.cmp(&b.display));
    if out.is_empty() {
        return Err(Error::not_found(format!("{}: no Spark event logs (files or eventlog_v2_* directories) in it", loc.display())));
    }
    Ok(out)
}

fn single(location: Location, name: &str, size: u64, modified_ms: i64) -> LogEntry {
    let display = location.display();
    LogEntry {
        display,
        files: vec![LogFile { codec: Codec::from_file_name(name), location, name: name.to_string(), size, modified_ms }],
        rolled: false,
        marked_in_progress: name.ends_with(".inprogress"),
    }
}

/// Sub-directories and files. Unlike a storage listing (which must not follow symlinks, to count bytes
/// once), log discovery follows them locally, as the History Server does: a directory of links to logs
/// is a common way to point it at a few applications.
async fn list_dir(loc: &Location) -> Result<(Vec<String>, Vec<FileEntry>)> {
    let Some(path) = loc.local_path().map(|p| p.to_path_buf()) else { return loc.list_dir().await };
    tokio::task::spawn_blocking(move || -> Result<(Vec<String>, Vec<FileEntry>)> {
        let (mut dirs, mut files) = (Vec::new(), Vec::new());
        let rd = std::fs::read_dir(&path).map_err(|e| Error::from(e).context(format!("listing {}", path.display())))?;
        for entry in rd {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let Ok(meta) = std::fs::metadata(entry.path()) else { continue }; // a dangling link
            if meta.is_dir() {
                dirs.push(name);
            } else if meta.is_file() {
                let modified_ms = meta
                    .modified()
                    .ok()
                    .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                    .map_or(0, |d| d.as_millis() as i64);
                files.push(FileEntry { path: name, size: meta.len(), last_modified_ms: modified_ms });
            }
        }
        dirs.sort();
        files.sort_by(|a, b| a.path.cmp(&b.path));
        Ok((dirs, files))
    })
    .await?
}

async fn rolled(dir: &Location) -> Result<LogEntry> {
    let (_, files) = list_dir(dir).await?;
    let mut events: Vec<(u64, &FileEntry)> =
        files.iter().filter(|f| !hidden(&f.path)).filter_map(|f| rolled_index(&f.path).map(|n| (n, f))).collect();
    events.sort_by_key(|(n, _)| *n);
    if events.is_empty() {
        return Err(Error::corrupt(format!("{}: a rolled event-log directory without events_<n>_… files", dir.display())));
    }
    let marked_in_progress = files.iter().any(|f| f.path.starts_with("appstatus_") && f.path.ends_with(".inprogress"));
    Ok(LogEntry {
        display: dir.display(),
        files: events
            .into_iter()
            .map(|(_, f)| LogFile {
                location: dir.join(&f.path),
                name: f.path.clone(),
                size: f.size,
                modified_ms: f.last_modified_ms,
                codec: Codec::from_file_name(&f.path),
            })
            .collect(),
        rolled: true,
        marked_in_progress,
    })
}

impl LogFile {
    /// Open the file's raw (still compressed) bytes as a stream. Must be called where blocking is
    /// allowed; remote files are fetched in ranges through the current tokio runtime.
    pub fn open_raw(&self) -> Result<Box<dyn Read + Send>> {
        match self.location.local_path() {
            Some(p) => {
                let f = std::fs::File::open(p).map_err(|e| Error::from(e).context(format!("opening {}", p.display())))?;
                Ok(Box::new(io::BufReader::with_capacity(1 << 20, f)))
            }
            None => Ok(Box::new(RangeReader {
                location: self.location.clone(),
                size: self.size,
                pos: 0,
                buf: bytes::Bytes::new(),
                handle: tokio::runtime::Handle::try_current()
                    .map_err(|_| Error::internal("remote event logs are read inside the tokio runtime"))?,
            })),
        }
    }

    /// Open and decompress.
    pub fn open(&self) -> Result<Box<dyn Read + Send>> {
        let raw = self.open_raw()?;
        let codec = self.codec;
        codec.decoder(raw).map_err(|e| Error::from(e).context(format!("opening {} ({})", self.location.display(), codec.name())))
    }
}

/// Streams a remote object in 8 MiB ranges.
struct RangeReader {
    location: Location,
    size: u64,
    pos: u64,
    buf: bytes::Bytes,
    handle: tokio::runtime::Handle,
}

const RANGE: u64 = 8 << 20;

impl Read for RangeReader {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.buf.is_empty() {
            if self.pos >= self.size {
                return Ok(0);
            }
            let end = (self.pos + RANGE).min(self.size);
            let loc = self.location.clone();
            let range = self.pos..end;
            self.buf = self
                .handle
                .block_on(async move { loc.read_range("", range).await })
                .map_err(|e| io::Error::other(e.detailed()))?;
            self.pos = end;
        }
        let n = out.len().min(self.buf.len());
        out[..n].copy_from_slice(&self.buf[..n]);
        self.buf = self.buf.slice(n..);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn finds_single_rolled_and_skips_hidden() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("app-1.zstd"), b"x").unwrap();
        std::fs::write(d.join(".app-1.zstd.crc"), b"x").unwrap();
        std::fs::write(d.join("_SUCCESS"), b"").unwrap();
        let r = d.join("eventlog_v2_app-2");
        std::fs::create_dir(&r).unwrap();
        for n in [10, 2, 1] {
            std::fs::write(r.join(format!("events_{n}_app-2.zstd")), b"y").unwrap();
        }
        std::fs::write(r.join("appstatus_app-2.inprogress"), b"").unwrap();
        std::fs::write(r.join(".events_1_app-2.zstd.crc"), b"").unwrap();
        std::fs::create_dir(d.join("unrelated")).unwrap();

        let found = discover(d.to_str().unwrap()).await.unwrap();
        assert_eq!(found.len(), 2);
        let rolled = found.iter().find(|e| e.rolled).unwrap();
        let names: Vec<&str> = rolled.files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["events_1_app-2.zstd", "events_2_app-2.zstd", "events_10_app-2.zstd"]);
        assert!(rolled.marked_in_progress);
        let single = found.iter().find(|e| !e.rolled).unwrap();
        assert_eq!(single.files[0].codec, Codec::Zstd);

        let only = discover(r.to_str().unwrap()).await.unwrap();
        assert_eq!(only.len(), 1);
        assert!(only[0].rolled);

        let err = discover(d.join("missing").to_str().unwrap()).await.unwrap_err();
        assert_eq!(err.kind, crate::ErrorKind::NotFound, "{}", err.message);
    }
}
