//! `lakescope tutorials`: check tutorial files (authors run it on their folder; it fails naming the
//! file and line of every invalid one) and read or move a learner's progress in the store — the same
//! calls the app's Learn page makes, so scripts and tests can drive them.

use std::path::PathBuf;

use lakescope::store::Store;
use lakescope::tutorials::{Learn, TutorialSource};
use lakescope::{Error, Result};

use crate::print_json;

#[derive(clap::Args)]
pub struct TutorialsArgs {
    /// Read tutorials from this folder instead of the bundled ones (re-read on every run).
    #[arg(long, env = "LAKESCOPE_TUTORIALS_DIR")]
    dir: Option<PathBuf>,
    /// Whose progress (default: the OS user name).
    #[arg(long)]
    user: Option<String>,
    #[command(subcommand)]
    action: Option<Action>,
}

#[derive(clap::Subcommand)]
enum Action {
    /// Every tutorial with the user's progress (the default).
    List,
    /// Start a tutorial, or resume it where the user left off.
    Start {
        id: String,
        /// Begin again from the first step.
        #[arg(long)]
        restart: bool,
    },
    /// Record that the user is on step STEP (0-based).
    Advance { id: String, step: u32 },
    /// Mark a started tutorial completed.
    Complete { id: String },
    /// Forget the user's progress in a tutorial.
    Reset { id: String },
    #[command(flatten)]
    Trainer(crate::trainer::TrainerAction),
}

fn os_user() -> String {
    ["USER", "USERNAME", "LOGNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.trim().is_empty()))
        .unwrap_or_else(|| "local".into())
}

pub async fn run(args: TutorialsArgs, store: Option<&str>, json: bool) -> Result<()> {
    let source = match args.dir.filter(|d| !d.as_os_str().is_empty()) {
        Some(d) => TutorialSource::Dir(d),
        None => TutorialSource::Embedded,
    };
    let learn = Learn::new(source, Store::open(store).await?, args.user.unwrap_or_else(os_user));
    let now = chrono::Utc::now().timestamp_millis();
    let progress = match args.action.unwrap_or(Action::List) {
        Action::List => {
            let o = learn.overview().await?;
            if !o.errors.is_empty() {
                let all: Vec<_> = o.errors.iter().map(|e| e.message.as_str()).collect();
                return Err(Error::invalid(format!("{} invalid tutorial file(s):\n{}", all.len(), all.join("\n"))));
            }
            if json {
                return print_json(&o);
            }
            for e in &o.entries {
                let state = match &e.progress {
                    None => "not started".to_string(),
                    Some(p) if p.completed_ms.is_some() => format!("completed in {} s", p.elapsed_ms / 1000),
                    Some(p) => format!("step {} of {}", p.step_reached + 1, e.tutorial.steps.len()),
                };
                outln!("{:<16} {:<60} {:>2} steps  {state}", e.tutorial.id, e.tutorial.title, e.tutorial.steps.len());
            }
            return Ok(());
        }
        Action::Start { id, restart } => learn.start(&id, restart, now).await?,
        Action::Advance { id, step } => learn.advance(&id, step, now).await?,
        Action::Complete { id } => learn.complete(&id, now).await?,
        Action::Reset { id } => {
            let had = learn.reset(&id).await?;
            return if json { print_json(&serde_json::json!({ "reset": had })) } else { Ok(()) };
        }
        Action::Trainer(action) => return crate::trainer::run(action, &learn, json, now).await,
    };
    if json {
        print_json(&progress)
    } else {
        outln!("{}: step {} {}", progress.tutorial_id, progress.step_reached + 1, if progress.completed_ms.is_some() { "(completed)" } else { "" });
        Ok(())
    }
}
