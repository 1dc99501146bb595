//! The progress file a trainee sends to the trainer, and the class table a trainer builds from a
//! folder of them.
//!
//! The file is plain, versioned JSON (`"format": "lakescope-progress"`, `"version": 1`) so it can travel
//! by mail or chat and a trainer can read it by eye. Reading a folder of them never fails as a whole:
//! trainees send the wrong file, an older app's file, or another class's file, and the trainer must still
//! get the table for everyone else, with one error per bad file naming it and what is wrong. Each file
//! is read whole, so its size is capped first: memory stays bounded whatever lands in the folder.

use std::path::Path;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::class::normalize_class_code;
use crate::error::{Error, ErrorKind, Result, ResultExt};

pub const PROGRESS_FORMAT: &str = "lakescope-progress";
pub const PROGRESS_VERSION: u32 = 1;
/// A real progress file is a few KiB; anything this big is not one.
pub const MAX_PROGRESS_FILE_BYTES: u64 = 1024 * 1024;

/// What a learner sends: their class, their name, and where they are in every tutorial.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(deny_unknown_fields)]
pub struct ProgressFile {
    /// Always `lakescope-progress`.
    pub format: String,
    pub version: u32,
    pub class_code: String,
    pub learner: String,
    #[ts(type = "number")]
    pub exported_ms: i64,
    pub tutorials: Vec<ProgressEntry>,
}

/// One tutorial in a progress file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(deny_unknown_fields)]
pub struct ProgressEntry {
    pub tutorial_id: String,
    pub title: String,
    pub steps: u32,
    pub started: bool,
    #[ts(type = "number | null")]
    pub started_ms: Option<i64>,
    /// 0-based step the learner is on (`steps` once completed).
    pub step_reached: u32,
    pub completed: bool,
    #[ts(type = "number | null")]
    pub completed_ms: Option<i64>,
    /// Time taken (idle gaps capped).
    #[ts(type = "number")]
    pub elapsed_ms: i64,
}

impl ProgressFile {
    /// Parse and check the bytes of the file `name`; errors start with `name`.
    pub fn parse(name: &str, bytes: &[u8]) -> Result<ProgressFile> {
        let v: serde_json::Value =
            serde_json::from_slice(bytes).map_err(|e| Error::corrupt(format!("{name}: not valid JSON: {e}")))?;
        if v.get("format").and_then(|f| f.as_str()) != Some(PROGRESS_FORMAT) {
            return Err(Error::invalid(format!("{name}: not a Lakescope progress file (no \"format\": \"{PROGRESS_FORMAT}\")")));
        }
        match v.get("version").and_then(|n| n.as_u64()) {
            Some(n) if n == u64::from(PROGRESS_VERSION) => {}
            Some(n) => {
                return Err(Error::unsupported(format!(
                    "{name}: progress file version {n}; this Lakescope reads version {PROGRESS_VERSION}"
                )))
            }
            None => return Err(Error::corrupt(format!("{name}: \"version\" is missing or not a number"))),
        }
        let mut f: ProgressFile = serde_json::from_value(v).map_err(|e| Error::corrupt(format!("{name}: {e}")))?;
        f.class_code = normalize_class_code(&f.class_code).map_err(|e| Error::corrupt(format!("{name}: {}", e.message)))?;
        if f.learner.trim().is_empty() {
            return Err(Error::corrupt(format!("{name}: \"learner\" is empty")));
        }
        if let Some(t) = f.tutorials.iter().find(|t| t.step_reached > t.steps) {
            return Err(Error::corrupt(format!(
                "{name}: tutorial {:?} has {} steps but step_reached is {}",
                t.tutorial_id, t.steps, t.step_reached
            )));
        }
        Ok(f)
    }
}

/// One learner in one tutorial: a row of the class table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ClassRow {
    pub class_code: String,
    pub learner: String,
    pub tutorial_id: String,
    pub title: String,
    pub steps: u32,
    pub started: bool,
    pub step_reached: u32,
    pub completed: bool,
    #[ts(type = "number")]
    pub elapsed_ms: i64,
    #[ts(type = "number | null")]
    pub started_ms: Option<i64>,
    #[ts(type = "number | null")]
    pub completed_ms: Option<i64>,
    /// The progress file the row came from.
    pub file: String,
}

/// A file of the folder that gave no rows, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct FileError {
    pub file: String,
    pub kind: ErrorKind,
    pub message: String,
}

/// The class table built from a folder of progress files.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ClassReport {
    pub dir: String,
    /// The class the rows belong to (files of another class are listed in `errors`); none: every class.
    pub class_code: Option<String>,
    /// Learners, by name, then tutorials in file order.
    pub rows: Vec<ClassRow>,
    pub errors: Vec<FileError>,
}

/// Read every `*.json` file in `dir` (other files are not progress files and are skipped) into the class
/// table of `class_code` (any class when none). When one learner sent several files, the last exported
/// counts and the others are listed in `errors`.
pub fn class_report(dir: &Path, class_code: Option<&str>) -> Result<ClassReport> {
    let class_code = class_code.map(normalize_class_code).transpose()?;
    let what = || format!("reading the progress folder {}", dir.display());
    let mut paths = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(what)? {
        let path = entry.with_context(what)?.path();
        if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json")) && path.is_file() {
            paths.push(path);
        }
    }
    paths.sort();
    let mut files: Vec<(String, ProgressFile)> = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        match read_one(&path, &name, class_code.as_deref()) {
            Ok(f) => files.push((name, f)),
            Err(e) => errors.push(FileError { file: name, kind: e.kind, message: e.message }),
        }
    }
    // Newest export first within a learner, so the first seen is the one that counts.
    files.sort_by(|(an, a), (bn, b)| (&a.class_code, &a.learner, -a.exported_ms, an).cmp(&(&b.class_code, &b.learner, -b.exported_ms, bn)));
    let mut rows = Vec::new();
    let mut kept: Vec<(String, String, String)> = Vec::new();
    for (name, f) in files {
        if let Some((_, _, newer)) = kept.iter().find(|(c, l, _)| *c == f.class_code && *l == f.learner) {
            let message = format!("{name}: older progress of {} (the newer file {newer} counts)", f.learner);
            errors.push(FileError { file: name, kind: ErrorKind::InvalidInput, message });
            continue;
        }
        kept.push((f.class_code.clone(), f.learner.clone(), name.clone()));
        rows.extend(f.tutorials.into_iter().map(|t| ClassRow {
            class_code: f.class_code.clone(),
            learner: f.learner.clone(),
            tutorial_id: t.tutorial_id,
            title: t.title,
            steps: t.steps,
            started: t.started,
            step_reached: t.step_reached,
            completed: t.completed,
            elapsed_ms: t.elapsed_ms,
            started_ms: t.started_ms,
            completed_ms: t.completed_ms,
            file: name.clone(),
        }));
    }
    errors.sort_by(|a, b| a.file.cmp(&b.file));
    Ok(ClassReport { dir: dir.display().to_string(), class_code, rows, errors })
}

fn read_one(path: &Path, name: &str, class_code: Option<&str>) -> Result<ProgressFile> {
    let len = std::fs::metadata(path).with_context(|| format!("reading {}", path.display()))?.len();
    if len > MAX_PROGRESS_FILE_BYTES {
        return Err(Error::invalid(format!("{name}: {len} bytes; a progress file is at most {MAX_PROGRESS_FILE_BYTES}")));
    }
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let f = ProgressFile::parse(name, &bytes)?;
    match class_code {
        Some(want) if f.class_code != want => Err(Error::invalid(format!(
            "{name}: progress of {} in class {}, not this class {want}",
            f.learner, f.class_code
        ))),
        _ => Ok(f),
    }
}

impl ClassReport {
    /// The rows as CSV (RFC 4180: a header line, fields quoted when they hold a comma, quote or newline).
    pub fn to_csv(&self) -> String {
        let mut out = String::from(
            "class_code,learner,tutorial_id,title,steps,started,step_reached,completed,elapsed_ms,started_ms,completed_ms,file\r\n",
        );
        let opt = |v: Option<i64>| v.map(|n| n.to_string()).unwrap_or_default();
        for r in &self.rows {
            let fields = [
                csv_field(&r.class_code),
                csv_field(&r.learner),
                csv_field(&r.tutorial_id),
                csv_field(&r.title),
                r.steps.to_string(),
                r.started.to_string(),
                r.step_reached.to_string(),
                r.completed.to_string(),
                r.elapsed_ms.to_string(),
                opt(r.started_ms),
                opt(r.completed_ms),
                csv_field(&r.file),
            ];
            out.push_str(&fields.join(","));
            out.push_str("\r\n");
        }
        out
    }
}

impl ClassReport {
    /// Write the report to the new file `path`: CSV (as [`ClassReport::to_csv`]) for `.csv`, the whole
    /// report as JSON (as `class-report --json`) for `.json`. An existing file is never replaced.
    pub fn write_to(&self, path: &Path) -> Result<String> {
        let ext = path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase());
        let bytes = match ext.as_deref() {
            Some("csv") => self.to_csv().into_bytes(),
            Some("json") => serde_json::to_vec_pretty(self)?,
            _ => {
                return Err(Error::unsupported(format!(
                    "{}: a class report is written as .csv or .json; name the file so",
                    path.display()
                )))
            }
        };
        write_new(path, &bytes)
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Write `bytes` to a new file at the absolute `path`; an existing file is never replaced.
pub fn write_new(path: &Path, bytes: &[u8]) -> Result<String> {
    if !path.is_absolute() {
        return Err(Error::invalid(format!("{}: give the full path of the file to write", path.display())));
    }
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            Error::invalid(format!("{} already exists; choose another name", path.display()))
        } else {
            Error::from(e).context(format!("creating {}", path.display()))
        }
    })?;
    std::io::Write::write_all(&mut file, bytes).with_context(|| format!("writing {}", path.display()))?;
    Ok(path.display().to_string())
}
