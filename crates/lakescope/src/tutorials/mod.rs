//! Guided tutorials: files that walk a learner through the app on the demo lakehouse, and the
//! learner's progress through them.
//!
//! Tutorials ship inside the binary (the files of `assets/tutorials/`, embedded at compile time), so
//! the app works offline and a release cannot lose them. For authors, `LAKESCOPE_TUTORIALS_DIR` names
//! a folder that replaces the embedded set: it is read again on *every* listing, so an edited file shows
//! up the next time the Learn page lists tutorials (it does so when it is opened and on its Reload
//! button) without restarting the app. A file that does not parse is reported with its file and line
//! next to the tutorials that do, rather than hiding them all.

mod class;
mod learn;
mod model;
mod parse;
mod progress_file;

use std::path::{Path, PathBuf};

use serde::Serialize;
use ts_rs::TS;

use crate::error::{Error, ErrorReport, Result, ResultExt};

pub use learn::{Learn, LearnOverview, TutorialEntry};
pub use model::{Check, Step, Tutorial, TABS, VIEWS};
pub use parse::parse;
pub use class::{new_class_code, normalize_class_code, ClassMembership, Classroom};
pub use progress_file::{class_report, write_new, ClassReport, ClassRow, FileError, ProgressEntry, ProgressFile};

/// The bundled tutorials, by file name. `embedded_list_matches_the_folder` keeps this in step with
/// `assets/tutorials/`.
const EMBEDDED: &[(&str, &str)] = &[
    ("find-a-table.md", include_str!("../../../../assets/tutorials/find-a-table.md")),
    ("maintenance.md", include_str!("../../../../assets/tutorials/maintenance.md")),
    ("retention.md", include_str!("../../../../assets/tutorials/retention.md")),
    ("size-trend.md", include_str!("../../../../assets/tutorials/size-trend.md")),
    ("spark-memory.md", include_str!("../../../../assets/tutorials/spark-memory.md")),
];

/// Where tutorials are read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TutorialSource {
    /// The files compiled into the binary.
    Embedded,
    /// A folder of `*.md` files, re-read on every listing.
    Dir(PathBuf),
}

/// Tutorials that parsed, in order, and the files that did not.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct TutorialSet {
    pub tutorials: Vec<Tutorial>,
    pub errors: Vec<ErrorReport>,
    /// `embedded`, or the folder read.
    pub origin: String,
}

impl TutorialSource {
    /// `LAKESCOPE_TUTORIALS_DIR` when set and non-empty, else the embedded set.
    pub fn from_env() -> Self {
        match std::env::var_os("LAKESCOPE_TUTORIALS_DIR").filter(|v| !v.is_empty()) {
            Some(d) => TutorialSource::Dir(PathBuf::from(d)),
            None => TutorialSource::Embedded,
        }
    }

    /// Read (for a folder: now, from disk) and validate every tutorial.
    pub fn load(&self) -> Result<TutorialSet> {
        let files: Vec<(String, String, String)> = match self {
            TutorialSource::Embedded => EMBEDDED
                .iter()
                .map(|(name, text)| (name.to_string(), format!("assets/tutorials/{name}"), text.to_string()))
                .collect(),
            TutorialSource::Dir(dir) => read_dir(dir)?,
        };
        let mut tutorials = Vec::new();
        let mut errors = Vec::new();
        for (name, shown, text) in files {
            let id = name.trim_end_matches(".md");
            match parse(id, &shown, &text) {
                Ok(t) => tutorials.push(t),
                Err(e) => errors.push(e.to_report()),
            }
        }
        tutorials.sort_by(|a, b| (a.order, &a.id).cmp(&(b.order, &b.id)));
        let origin = match self {
            TutorialSource::Embedded => "embedded".to_string(),
            TutorialSource::Dir(d) => d.display().to_string(),
        };
        Ok(TutorialSet { tutorials, errors, origin })
    }
}

/// `(file name, path shown in errors, text)` of every `*.md` in `dir`, by name.
fn read_dir(dir: &Path) -> Result<Vec<(String, String, String)>> {
    let what = || format!("reading the tutorials folder {}", dir.display());
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(what)? {
        let path = entry.with_context(what)?.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()).filter(|n| n.ends_with(".md")) else { continue };
        if !path.is_file() {
            continue;
        }
        let text = std::fs::read_to_string(&path).with_context(|| format!("reading tutorial {}", path.display()))?;
        out.push((name.to_string(), path.display().to_string(), text));
    }
    if out.is_empty() {
        return Err(Error::not_found(format!("the tutorials folder {} holds no *.md files", dir.display())));
    }
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod class_tests;
