//! Trainer mode, the classroom side: class codes, joining a class, sending progress, resetting the demo.
//!
//! A class needs no server: the trainer makes up a code, trainees type it into the Learn page, and each
//! trainee later *sends* a progress file (see [`super::progress_file`]) that the trainer collects in a
//! folder. The code is what ties the files to one session, so it is short and unambiguous to read off a
//! projector and type: 8 characters from an alphabet without 0/O, 1/I/L, shown as `K7QM-3XPA`, accepted
//! in any case and with or without the dash or spaces.

use std::path::Path;

use super::progress_file::{class_report, write_new, ClassReport, ProgressEntry, ProgressFile, PROGRESS_FORMAT, PROGRESS_VERSION};
use super::Learn;
use crate::demo::{DemoInfo, DemoOptions};
use crate::error::{Error, Result};

const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
const CODE_LEN: usize = 8;
const LEARNER: &str = "learner";
const TRAINER: &str = "trainer";

/// A fresh class code, e.g. `K7QM-3XPA`.
pub fn new_class_code() -> String {
    let bytes = uuid::Uuid::new_v4().into_bytes();
    let chars: String = bytes[..CODE_LEN].iter().map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char).collect();
    format!("{}-{}", &chars[..4], &chars[4..])
}

/// `text` as a class code in its canonical form (`K7QM-3XPA`), or an error saying what is wrong.
pub fn normalize_class_code(text: &str) -> Result<String> {
    let chars: String = text.chars().filter(|c| !c.is_whitespace() && *c != '-').flat_map(char::to_uppercase).collect();
    let bad = chars.chars().find(|c| !c.is_ascii() || !ALPHABET.contains(&(*c as u8)));
    if chars.chars().count() != CODE_LEN || bad.is_some() {
        let why = match bad {
            Some(c) => format!("{c:?} is not used in class codes"),
            None => format!("it has {} letters and digits, not {CODE_LEN}", chars.chars().count()),
        };
        return Err(Error::invalid(format!("class code {text:?} is not like K7QM-3XPA: {why}")));
    }
    Ok(format!("{}-{}", &chars[..4], &chars[4..]))
}

/// The learner's class and name, or the trainer's class.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ClassMembership {
    pub class_code: String,
    /// The name the trainer sees in the class table.
    pub learner_name: String,
}

/// Where this user stands in trainer mode: the class they joined, the class they train, and the folder
/// the app proposes for files it writes (progress to send, class reports).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Classroom {
    pub joined: Option<ClassMembership>,
    pub trained: Option<String>,
    pub export_dir: String,
}

impl Learn {
    /// The class joined and the class trained, for the Learn page and the trainer panel.
    pub async fn classroom(&self) -> Result<Classroom> {
        Ok(Classroom {
            joined: self.class().await?,
            trained: self.trained_class().await?,
            export_dir: crate::spark::workspace::default_export_dir().display().to_string(),
        })
    }

    /// The class table of the progress files in `dir`, for the class this user trains (every class when
    /// they started none): what `lakescope tutorials class-report DIR` prints.
    pub async fn class_report(&self, dir: &Path) -> Result<ClassReport> {
        class_report(dir, self.trained_class().await?.as_deref())
    }

    /// Join the class `code` as `name` (the user name when empty); replaces an earlier class.
    pub async fn join_class(&self, code: &str, name: &str, now_ms: i64) -> Result<ClassMembership> {
        let class_code = normalize_class_code(code)?;
        let learner_name = match name.trim() {
            "" => self.user().to_string(),
            n if n.chars().count() > 80 => return Err(Error::invalid(format!("learner name {n:?} is longer than 80 characters"))),
            n => n.to_string(),
        };
        self.store().set_learn_class(self.user(), LEARNER, &class_code, &learner_name, now_ms).await?;
        Ok(ClassMembership { class_code, learner_name })
    }

    /// The class this user joined as a learner, if any.
    pub async fn class(&self) -> Result<Option<ClassMembership>> {
        Ok(self.store().learn_class(self.user(), LEARNER).await?.map(|(class_code, learner_name)| ClassMembership { class_code, learner_name }))
    }

    /// Start a class as its trainer: a new code, kept so the trainer view shows and filters by it.
    pub async fn new_class(&self, now_ms: i64) -> Result<String> {
        let code = new_class_code();
        self.store().set_learn_class(self.user(), TRAINER, &code, self.user(), now_ms).await?;
        Ok(code)
    }

    /// The class this user trains, if they started one.
    pub async fn trained_class(&self) -> Result<Option<String>> {
        Ok(self.store().learn_class(self.user(), TRAINER).await?.map(|(code, _)| code))
    }

    /// This learner's progress in every tutorial, as the file they send to the trainer.
    pub async fn progress_file(&self, now_ms: i64) -> Result<ProgressFile> {
        let class = self.class().await?.ok_or_else(|| {
            Error::invalid(format!("{} has not joined a class: join one with the trainer's class code first", self.user()))
        })?;
        let overview = self.overview().await?;
        let tutorials = overview
            .entries
            .into_iter()
            .map(|e| {
                let p = e.progress;
                ProgressEntry {
                    tutorial_id: e.tutorial.id,
                    title: e.tutorial.title,
                    steps: e.tutorial.steps.len() as u32,
                    started: p.is_some(),
                    started_ms: p.as_ref().map(|p| p.started_ms),
                    step_reached: p.as_ref().map_or(0, |p| p.step_reached),
                    completed: p.as_ref().is_some_and(|p| p.completed_ms.is_some()),
                    completed_ms: p.as_ref().and_then(|p| p.completed_ms),
                    elapsed_ms: p.as_ref().map_or(0, |p| p.elapsed_ms),
                }
            })
            .collect();
        Ok(ProgressFile {
            format: PROGRESS_FORMAT.to_string(),
            version: PROGRESS_VERSION,
            class_code: class.class_code,
            learner: class.learner_name,
            exported_ms: now_ms,
            tutorials,
        })
    }

    /// Write this learner's progress file to `target`: into it when it is a folder (named after class
    /// and learner, `-2`, `-3`… when taken), else to that very path. Never replaces a file.
    pub async fn export_progress(&self, target: &Path, now_ms: i64) -> Result<String> {
        let file = self.progress_file(now_ms).await?;
        let bytes = serde_json::to_vec_pretty(&file)?;
        if !target.is_dir() {
            return write_new(target, &bytes);
        }
        let slug: String = file.learner.chars().map(|c| if c.is_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
        let stem = format!("lakescope-progress-{}-{}", file.class_code, slug.trim_matches('-'));
        for n in 1..1000 {
            let name = if n == 1 { format!("{stem}.json") } else { format!("{stem}-{n}.json") };
            let path = target.join(name);
            if !path.exists() {
                return write_new(&path, &bytes);
            }
        }
        Err(Error::invalid(format!("{} already holds 999 progress files named {stem}*", target.display())))
    }

    /// Rebuild the demo lakehouse in `dir` from scratch and forget this user's tutorial progress, so a
    /// class starts again from the same state. Refuses any folder that is not a complete demo build
    /// (it holds the demo's manifest): nothing outside the demo's own directory is touched.
    pub async fn reset_demo(&self, dir: &Path) -> Result<DemoInfo> {
        if !dir.join(crate::demo::MANIFEST).is_file() {
            return Err(Error::invalid(format!(
                "{} is not a Lakescope demo lakehouse (no {}); only the demo's own folder can be reset",
                dir.display(),
                crate::demo::MANIFEST
            )));
        }
        let info = crate::demo::build(&DemoOptions { dir: dir.to_path_buf(), anchor: None, force: true }).await?;
        self.store().delete_all_tutorial_progress(self.user()).await?;
        Ok(info)
    }
}
