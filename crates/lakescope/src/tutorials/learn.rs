//! The Learn page's facade: tutorials joined with one user's progress, and the moves that change it.
//!
//! It stands beside [`crate::Lakescope`] rather than inside it (like the Spark workspace) because a
//! learner must be able to open the Learn page even when the configured sources fail to open, and
//! because it needs the store, which browsing tables does not. The moves take `now_ms` so tests and
//! `--as-of`-style replays decide the clock.

use serde::Serialize;
use ts_rs::TS;

use super::{Tutorial, TutorialSet, TutorialSource};
use crate::error::{Error, ErrorReport, Result};
use crate::store::{Store, TutorialProgress};

/// Gaps between two moves longer than this count as this much: "time taken" is time spent, not the
/// days between starting on Friday and finishing on Monday.
pub const IDLE_CAP_MS: i64 = 5 * 60 * 1000;

/// The flag set when the first-launch offer was accepted or dismissed.
const OFFER_FLAG: &str = "learn.first_offer_done";

/// One tutorial with the user's progress in it (none: never started, or reset).
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct TutorialEntry {
    pub tutorial: Tutorial,
    pub progress: Option<TutorialProgress>,
}

/// What the Learn page shows.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct LearnOverview {
    pub user: String,
    pub entries: Vec<TutorialEntry>,
    /// Tutorial files that did not parse (file:line: what is wrong).
    pub errors: Vec<ErrorReport>,
    /// `embedded`, or the folder tutorials are re-read from.
    pub origin: String,
    /// The tutorial to offer now: the first one, on a first launch (no progress at all, offer not yet
    /// accepted or dismissed).
    pub offer: Option<String>,
}

pub struct Learn {
    source: TutorialSource,
    store: Store,
    user: String,
}

impl Learn {
    pub fn new(source: TutorialSource, store: Store, user: impl Into<String>) -> Self {
        Learn { source, store, user: user.into() }
    }

    /// The user the progress belongs to.
    pub fn user(&self) -> &str {
        &self.user
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Every tutorial (re-read when the source is a folder) with this user's progress.
    pub async fn overview(&self) -> Result<LearnOverview> {
        let TutorialSet { tutorials, errors, origin } = self.source.load()?;
        let mut progress = self.store.tutorial_progress(&self.user).await?;
        let offered = self.store.user_flag(&self.user, OFFER_FLAG).await?.is_some();
        let offer = match tutorials.first() {
            Some(t) if !offered && progress.is_empty() => Some(t.id.clone()),
            _ => None,
        };
        let entries = tutorials
            .into_iter()
            .map(|tutorial| {
                let at = progress.iter().position(|p| p.tutorial_id == tutorial.id);
                TutorialEntry { progress: at.map(|i| progress.swap_remove(i)), tutorial }
            })
            .collect();
        Ok(LearnOverview { user: self.user.clone(), entries, errors, origin, offer })
    }

    fn tutorial(&self, id: &str) -> Result<Tutorial> {
        let set = self.source.load()?;
        set.tutorials.into_iter().find(|t| t.id == id).ok_or_else(|| {
            let why = set.errors.iter().find(|e| e.message.contains(&format!("{id}.md"))).map(|e| format!(": {}", e.message));
            Error::not_found(format!("no tutorial {id:?} in {}{}", set.origin, why.unwrap_or_default()))
        })
    }

    async fn current(&self, id: &str) -> Result<Option<TutorialProgress>> {
        Ok(self.store.tutorial_progress(&self.user).await?.into_iter().find(|p| p.tutorial_id == id))
    }

    /// Start `id`, or resume it where the learner left off; `restart` (and a completed tutorial)
    /// starts again from the first step.
    pub async fn start(&self, id: &str, restart: bool, now_ms: i64) -> Result<TutorialProgress> {
        let tutorial = self.tutorial(id)?;
        self.store.set_user_flag(&self.user, OFFER_FLAG, now_ms).await?;
        if let Some(p) = self.current(id).await?.filter(|p| !restart && p.completed_ms.is_none()) {
            // A file edited to fewer steps must not leave the learner past its end.
            let last = tutorial.steps.len().saturating_sub(1) as u32;
            let p = TutorialProgress { step_reached: p.step_reached.min(last), ..p };
            return Ok(p);
        }
        let p = TutorialProgress {
            tutorial_id: tutorial.id,
            started_ms: now_ms,
            step_reached: 0,
            completed_ms: None,
            elapsed_ms: 0,
            updated_ms: now_ms,
        };
        self.store.put_tutorial_progress(&self.user, &p).await?;
        Ok(p)
    }

    /// Record that the learner is on step `step` (0-based) of a started tutorial.
    pub async fn advance(&self, id: &str, step: u32, now_ms: i64) -> Result<TutorialProgress> {
        let tutorial = self.tutorial(id)?;
        if step as usize >= tutorial.steps.len() {
            return Err(Error::invalid(format!(
                "tutorial {id:?} has {} steps; there is no step {} (0-based)",
                tutorial.steps.len(),
                step
            )));
        }
        let p = self.started(id).await?;
        let p = TutorialProgress { step_reached: step, ..moved(p, now_ms) };
        self.store.put_tutorial_progress(&self.user, &p).await?;
        Ok(p)
    }

    /// Mark a started tutorial completed (kept as it is when it already was).
    pub async fn complete(&self, id: &str, now_ms: i64) -> Result<TutorialProgress> {
        let tutorial = self.tutorial(id)?;
        let p = self.started(id).await?;
        if p.completed_ms.is_some() {
            return Ok(p);
        }
        let p = TutorialProgress {
            step_reached: tutorial.steps.len() as u32,
            completed_ms: Some(now_ms),
            ..moved(p, now_ms)
        };
        self.store.put_tutorial_progress(&self.user, &p).await?;
        Ok(p)
    }

    /// Forget the progress in `id` (it shows as not started); true when there was some.
    pub async fn reset(&self, id: &str) -> Result<bool> {
        self.store.delete_tutorial_progress(&self.user, id).await
    }

    /// The learner declined the first-launch offer: do not offer again.
    pub async fn dismiss_offer(&self, now_ms: i64) -> Result<()> {
        self.store.set_user_flag(&self.user, OFFER_FLAG, now_ms).await
    }

    async fn started(&self, id: &str) -> Result<TutorialProgress> {
        self.current(id)
            .await?
            .ok_or_else(|| Error::invalid(format!("tutorial {id:?} has not been started by {}", self.user)))
    }
}

/// `p` after a move at `now_ms`: the time since the last move (capped) is added to the time taken.
fn moved(p: TutorialProgress, now_ms: i64) -> TutorialProgress {
    let gap = (now_ms - p.updated_ms).clamp(0, IDLE_CAP_MS);
    TutorialProgress { elapsed_ms: p.elapsed_ms + gap, updated_ms: now_ms.max(p.updated_ms), ..p }
}
