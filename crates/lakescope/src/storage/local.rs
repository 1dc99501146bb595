//! A `du`-exact walk of a local directory: count regular files only, never follow symlinks, include
//! hidden files.
//!
//! Why threads: on a tree of a million files the walk is all system calls (read a directory, `fstatat`
//! each file), which the kernel serves on every core at once. A few workers share one stack of
//! directories still to read and hand their files over in batches to the caller's thread, which alone
//! sees them (so its callback needs no locking), and whose error stops every worker.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{sync_channel, SyncSender};
use std::sync::{Condvar, Mutex};
use std::time::UNIX_EPOCH;

use super::FileEntry;
use crate::error::{Error, Result};

/// Files handed to the caller at a time.
const BATCH: usize = 1024;

/// Every regular file under `root`, with paths relative to it (`/`-separated).
pub(super) fn walk(root: &Path) -> Result<Vec<FileEntry>> {
    let mut out = Vec::new();
    visit(root, &mut |f| {
        out.push(f);
        Ok(())
    })?;
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// Call `each` for every regular file under `root`, in no particular order, holding only the stack of
/// directories still to read and a few batches of files; an error from `each` (a cancellation, say) or
/// from reading stops the walk, and the first error is returned.
pub(super) fn visit(root: &Path, each: &mut dyn FnMut(FileEntry) -> Result<()>) -> Result<()> {
    let meta = std::fs::symlink_metadata(root)
        .map_err(|e| Error::from(e).context(format!("listing {}", root.display())))?;
    if !meta.is_dir() {
        return Err(Error::invalid(format!("{} is not a directory", root.display())));
    }
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(1, 4);
    let queue = Queue::new(root.to_path_buf());
    let (tx, rx) = sync_channel::<Result<Vec<FileEntry>>>(workers * 2);
    std::thread::scope(|s| {
        for _ in 0..workers {
            let tx = tx.clone();
            let queue = &queue;
            s.spawn(move || work(queue, &tx));
        }
        drop(tx);
        let mut outcome = Ok(());
        // Drained to the end even after an error, so no worker stays blocked on a full channel.
        for batch in rx {
            if outcome.is_err() {
                continue;
            }
            outcome = batch.and_then(|files| files.into_iter().try_for_each(&mut *each));
            if outcome.is_err() {
                queue.stop();
            }
        }
        outcome
    })
}

/// One worker: read directories off the shared stack until none is left (or the walk stops).
fn work(queue: &Queue, tx: &SyncSender<Result<Vec<FileEntry>>>) {
    let mut files = Vec::with_capacity(BATCH);
    while let Some((dir, rel)) = queue.next() {
        let read = read_dir(queue, &dir, &rel, &mut files, tx);
        queue.done();
        if let Err(e) = read {
            queue.stop();
            let _ = tx.send(Err(e));
            return;
        }
    }
    if !files.is_empty() {
        let _ = tx.send(Ok(files));
    }
}

/// One directory: its subdirectories onto the stack, its regular files into `files` (sent when full).
fn read_dir(queue: &Queue, dir: &Path, rel: &str, files: &mut Vec<FileEntry>, tx: &SyncSender<Result<Vec<FileEntry>>>) -> Result<()> {
    let listing = |e: std::io::Error| Error::from(e).context(format!("listing {}", dir.display()));
    let mut subdirs = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(listing)? {
        let entry = entry.map_err(listing)?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let child_rel = if rel.is_empty() { name } else { format!("{rel}/{name}") };
        let reading = |e: std::io::Error| Error::from(e).context(format!("reading {}", entry.path().display()));
        // The entry's type comes with the directory listing (no system call unless the file system
        // leaves it out), and a file's size from `fstatat` beside its open directory, as `du` does,
        // rather than an `lstat` of every full path. Neither follows a symlink.
        let kind = entry.file_type().map_err(reading)?;
        if kind.is_dir() {
            subdirs.push((entry.path(), child_rel));
        } else if kind.is_file() {
            let meta = entry.metadata().map_err(reading)?;
            if meta.is_file() {
                files.push(FileEntry { path: child_rel, size: meta.len(), last_modified_ms: mtime_ms(&meta) });
                if files.len() >= BATCH {
                    let full = std::mem::replace(files, Vec::with_capacity(BATCH));
                    if tx.send(Ok(full)).is_err() {
                        return Ok(());
                    }
                }
            }
        }
    }
    queue.push(subdirs);
    Ok(())
}

/// The directories still to read, and how many workers are reading one (which may find more).
struct Queue {
    state: Mutex<(Vec<(PathBuf, String)>, usize)>,
    changed: Condvar,
    stopped: AtomicBool,
}

impl Queue {
    fn new(root: PathBuf) -> Queue {
        Queue { state: Mutex::new((vec![(root, String::new())], 0)), changed: Condvar::new(), stopped: AtomicBool::new(false) }
    }

    /// The next directory to read; `None` once the stack is empty and no worker can add to it.
    fn next(&self) -> Option<(PathBuf, String)> {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            if self.stopped.load(Ordering::Relaxed) {
                return None;
            }
            if let Some(dir) = state.0.pop() {
                state.1 += 1;
                return Some(dir);
            }
            if state.1 == 0 {
                return None;
            }
            state = self.changed.wait(state).unwrap_or_else(|p| p.into_inner());
        }
    }

    fn push(&self, dirs: Vec<(PathBuf, String)>) {
        if !dirs.is_empty() {
            self.state.lock().unwrap_or_else(|p| p.into_inner()).0.extend(dirs);
            self.changed.notify_all();
        }
    }

    /// A worker finished its directory.
    fn done(&self) {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        state.1 -= 1;
        if state.1 == 0 && state.0.is_empty() {
            self.changed.notify_all();
        }
    }

    fn stop(&self) {
        self.stopped.store(true, Ordering::Relaxed);
        let _guard = self.state.lock().unwrap_or_else(|p| p.into_inner());
        self.changed.notify_all();
    }
}

pub(super) fn mtime_ms(meta: &std::fs::Metadata) -> i64 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 40 directories of 3 levels with 60 files each, a symlink to a directory and one to a file.
    fn tree() -> tempfile::TempDir {
        let d = tempfile::tempdir().unwrap();
        for i in 0..40 {
            let dir = d.path().join(format!("p{i}/q/r"));
            std::fs::create_dir_all(&dir).unwrap();
            for j in 0..60 {
                std::fs::write(dir.join(format!(".f{j}")), vec![1u8; i + j]).unwrap();
            }
        }
        std::os::unix::fs::symlink(d.path().join("p0"), d.path().join("link-to-dir")).unwrap();
        std::os::unix::fs::symlink(d.path().join("p1/q/r/.f1"), d.path().join("link-to-file")).unwrap();
        d
    }

    #[test]
    fn every_regular_file_once_with_its_size_and_no_symlink_followed() {
        let d = tree();
        let files = walk(d.path()).unwrap();
        assert_eq!(files.len(), 40 * 60);
        let bytes: u64 = files.iter().map(|f| f.size).sum();
        assert_eq!(bytes, (0..40u64).flat_map(|i| (0..60u64).map(move |j| i + j)).sum::<u64>());
        assert!(files.windows(2).all(|w| w[0].path < w[1].path), "sorted and no path twice");
        assert!(files.iter().all(|f| f.path.starts_with('p') && f.last_modified_ms > 0));
    }

    #[test]
    fn an_error_from_the_callback_stops_the_walk_and_is_returned() {
        let d = tree();
        let mut seen = 0;
        let e = visit(d.path(), &mut |_| {
            seen += 1;
            if seen == 100 { Err(Error::invalid("enough")) } else { Ok(()) }
        })
        .unwrap_err();
        assert_eq!((e.message.as_str(), seen), ("enough", 100));
        let e = visit(&d.path().join("missing"), &mut |_| Ok(())).unwrap_err();
        assert_eq!(e.kind, crate::ErrorKind::NotFound, "{}", e.message);
    }
}
