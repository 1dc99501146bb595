//! A `du`-exact walk of a local directory: `lstat` every entry, count regular files only, never follow
//! symlinks, include hidden files.

use std::path::Path;
use std::time::UNIX_EPOCH;

use super::FileEntry;
use crate::error::{Error, Result};

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
/// directories still to read; an error from `each` (a cancellation, say) stops the walk.
pub(super) fn visit(root: &Path, each: &mut dyn FnMut(FileEntry) -> Result<()>) -> Result<()> {
    let meta = std::fs::symlink_metadata(root)
        .map_err(|e| Error::from(e).context(format!("listing {}", root.display())))?;
    if !meta.is_dir() {
        return Err(Error::invalid(format!("{} is not a directory", root.display())));
    }
    let mut stack = vec![(root.to_path_buf(), String::new())];
    while let Some((dir, rel)) = stack.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|e| Error::from(e).context(format!("listing {}", dir.display())))?;
        for entry in entries {
            let entry = entry.map_err(|e| Error::from(e).context(format!("listing {}", dir.display())))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let child_rel = if rel.is_empty() { name.clone() } else { format!("{rel}/{name}") };
            let meta = std::fs::symlink_metadata(entry.path())
                .map_err(|e| Error::from(e).context(format!("reading {}", entry.path().display())))?;
            if meta.is_dir() {
                stack.push((entry.path(), child_rel));
            } else if meta.is_file() {
                each(FileEntry { path: child_rel, size: meta.len(), last_modified_ms: mtime_ms(&meta) })?;
            }
        }
    }
    Ok(())
}

pub(super) fn mtime_ms(meta: &std::fs::Metadata) -> i64 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}
