//! `lakescope tutorials …` for trainer mode: join a class, send progress, build the class table from
//! the files trainees sent (CSV or JSON), and reset the demo lakehouse for the next class. The same
//! engine calls the Learn page makes; kept apart from `tutorials.rs` so each stays one concern.

use std::path::PathBuf;

use lakescope::tutorials::{class_report, Learn};
use lakescope::{Error, Result};

use crate::print_json;

#[derive(clap::Subcommand)]
pub enum TrainerAction {
    /// Join a trainer's class with its code (e.g. K7QM-3XPA), under the name the trainer will see.
    JoinClass {
        code: String,
        /// The name shown to the trainer (default: the user name).
        #[arg(long, default_value = "")]
        name: String,
    },
    /// Start a class as its trainer: prints a new class code for trainees to join.
    NewClass,
    /// Write the user's progress file for the trainer into FOLDER (or to that new file); never replaces a file.
    ExportProgress { target: PathBuf },
    /// The class table from a folder of progress files (`--csv` for CSV; `--json` for the whole report).
    /// Files of another class and bad files are reported on stderr, one line each; the rest is kept.
    ClassReport {
        dir: PathBuf,
        /// Only this class (default: the class this user started with new-class, else every class).
        #[arg(long)]
        class: Option<String>,
        /// CSV rows instead of the table (`--json` takes precedence).
        #[arg(long)]
        csv: bool,
    },
    /// Rebuild the demo lakehouse in DEMO_DIR from scratch and forget the user's tutorial progress.
    ResetDemo {
        #[arg(long)]
        demo_dir: PathBuf,
        /// Confirm: the demo's folder is deleted and rebuilt.
        #[arg(long)]
        yes: bool,
    },
}

pub async fn run(action: TrainerAction, learn: &Learn, json: bool, now: i64) -> Result<()> {
    match action {
        TrainerAction::JoinClass { code, name } => {
            let m = learn.join_class(&code, &name, now).await?;
            if json {
                return print_json(&m);
            }
            outln!("{} joined class {} as {}", learn.user(), m.class_code, m.learner_name);
        }
        TrainerAction::NewClass => {
            let code = learn.new_class(now).await?;
            if json {
                return print_json(&serde_json::json!({ "class_code": code }));
            }
            outln!("{code}");
        }
        TrainerAction::ExportProgress { target } => {
            let target = std::path::absolute(&target).map_err(|e| Error::from(e).context(format!("resolving {}", target.display())))?;
            let path = learn.export_progress(&target, now).await?;
            if json {
                return print_json(&serde_json::json!({ "path": path }));
            }
            outln!("{path}");
        }
        TrainerAction::ClassReport { dir, class, csv } => {
            let class = match class {
                Some(c) => Some(c),
                None => learn.trained_class().await?,
            };
            let report = class_report(&dir, class.as_deref())?;
            if json {
                return print_json(&report);
            }
            for e in &report.errors {
                eprintln!("lakescope: skipped {}", e.message);
            }
            if csv {
                print!("{}", report.to_csv());
                return Ok(());
            }
            for r in &report.rows {
                let state = if r.completed {
                    format!("completed in {} s", r.elapsed_ms / 1000)
                } else if r.started {
                    format!("step {} of {}", r.step_reached + 1, r.steps)
                } else {
                    "not started".into()
                };
                outln!("{:<10} {:<24} {:<16} {state}", r.class_code, r.learner, r.tutorial_id);
            }
        }
        TrainerAction::ResetDemo { demo_dir: dir, yes } => {
            if !yes {
                return Err(Error::invalid(format!(
                    "reset-demo deletes and rebuilds {} and forgets {}'s tutorial progress: pass --yes to confirm",
                    dir.display(),
                    learn.user()
                )));
            }
            let info = learn.reset_demo(&dir).await?;
            if json {
                return print_json(&info);
            }
            outln!("{}", info.sources_file);
        }
    }
    Ok(())
}
