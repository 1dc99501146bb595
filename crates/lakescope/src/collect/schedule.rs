//! Collection on a schedule: when the desktop app (while open) should run `collect` on its own.
//!
//! The rule lives here, not in the app, so it is tested without a window or a real clock: every
//! function takes "now" from its caller. A schedule that is off never fires; one that is on fires at
//! once when no collection has finished yet or the last one finished a whole interval ago (the app
//! was closed past its due time), else at the last finish plus the interval. The schedule is the
//! app's setting, kept as a small JSON file beside the user's sources file.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result, ResultExt};

/// An hour, in milliseconds: the schedule's unit.
pub const HOUR_MS: i64 = 3_600_000;
/// The longest interval offered (a month).
pub const MAX_EVERY_HOURS: u32 = 24 * 31;

/// The user's choice: collect every `every_hours` hours while the app is open, or not at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct CollectSchedule {
    pub enabled: bool,
    pub every_hours: u32,
}

impl Default for CollectSchedule {
    /// Off; a day apart once turned on.
    fn default() -> Self {
        CollectSchedule { enabled: false, every_hours: 24 }
    }
}

impl CollectSchedule {
    /// An interval of 1 to [`MAX_EVERY_HOURS`] hours.
    pub fn validate(&self) -> Result<()> {
        if (1..=MAX_EVERY_HOURS).contains(&self.every_hours) {
            Ok(())
        } else {
            Err(Error::invalid(format!(
                "collect every {} hours: choose between 1 and {MAX_EVERY_HOURS} hours",
                self.every_hours
            )))
        }
    }

    /// When the next collection is due (epoch ms), or `None` when the schedule is off. `last_finished_ms`
    /// is the latest finished collection's end; `hour_ms` is an hour's length ([`HOUR_MS`]; tests of the
    /// app shorten it). A due time at or before `now_ms` means "run now".
    pub fn next_due_ms(&self, last_finished_ms: Option<i64>, now_ms: i64, hour_ms: i64) -> Option<i64> {
        if !self.enabled {
            return None;
        }
        let interval = i64::from(self.every_hours.max(1)).saturating_mul(hour_ms.max(1));
        Some(match last_finished_ms {
            None => now_ms,
            // A finish in the future (a clock set back) waits one interval from now, not from then.
            Some(last) if last > now_ms => now_ms.saturating_add(interval),
            Some(last) => last.saturating_add(interval),
        })
    }

    /// When the app should next start a scheduled collection: [`Self::next_due_ms`], but never sooner
    /// than one interval after a scheduled attempt that did not finish (it failed or was cancelled) and
    /// was made since the last finished collection. So a source that keeps failing is retried at the
    /// next due time, not in a tight loop, and a cancelled run is not started again at once.
    pub fn next_attempt_ms(
        &self,
        last_finished_ms: Option<i64>,
        last_unfinished_attempt_ms: Option<i64>,
        now_ms: i64,
        hour_ms: i64,
    ) -> Option<i64> {
        let due = self.next_due_ms(last_finished_ms, now_ms, hour_ms)?;
        let interval = i64::from(self.every_hours.max(1)).saturating_mul(hour_ms.max(1));
        Some(match last_unfinished_attempt_ms {
            Some(a) if last_finished_ms.is_none_or(|f| a >= f) => due.max(a.min(now_ms).saturating_add(interval)),
            _ => due,
        })
    }

    /// Whether a collection should start now.
    pub fn is_due(&self, last_finished_ms: Option<i64>, now_ms: i64, hour_ms: i64) -> bool {
        self.next_due_ms(last_finished_ms, now_ms, hour_ms).is_some_and(|due| due <= now_ms)
    }

    /// The schedule saved at `path`; the default (off) when there is no file yet.
    pub fn load(path: &Path) -> Result<Self> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Self::default()),
            Err(e) => return Err(Error::from(e)).with_context(|| format!("reading the collection schedule {}", path.display())),
        };
        let s: Self = serde_json::from_str(&text)
            .map_err(|e| Error::corrupt(format!("collection schedule {}: {e}", path.display())))?;
        s.validate()?;
        Ok(s)
    }

    /// Save to `path` (written beside it, then renamed: a crash never leaves half a file).
    pub fn save(&self, path: &Path) -> Result<()> {
        self.validate()?;
        let what = || format!("saving the collection schedule to {}", path.display());
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).with_context(what)?;
        }
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, serde_json::to_string_pretty(self)?).with_context(what)?;
        std::fs::rename(&tmp, path).with_context(what)
    }
}

/// Where the app keeps its schedule: beside the user's sources file.
pub fn default_schedule_path() -> PathBuf {
    crate::sources::default_sources_path().with_file_name("collect_schedule.json")
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: i64 = HOUR_MS;
    const NOW: i64 = 1_796_083_200_000;

    fn on(every_hours: u32) -> CollectSchedule {
        CollectSchedule { enabled: true, every_hours }
    }

    #[test]
    fn off_never_fires() {
        let off = CollectSchedule::default();
        assert!(!off.enabled, "default off");
        assert_eq!(off.next_due_ms(None, NOW, H), None);
        assert!(!off.is_due(Some(NOW - 1000 * H), NOW, H));
    }

    #[test]
    fn on_without_any_collection_runs_at_once() {
        assert_eq!(on(6).next_due_ms(None, NOW, H), Some(NOW));
        assert!(on(6).is_due(None, NOW, H));
    }

    #[test]
    fn due_one_interval_after_the_last_finish() {
        let s = on(6);
        let last = NOW - 2 * H;
        assert_eq!(s.next_due_ms(Some(last), NOW, H), Some(last + 6 * H));
        assert!(!s.is_due(Some(last), NOW, H));
        // The clock moves on: due exactly at the interval, and later still due.
        assert!(s.is_due(Some(last), last + 6 * H, H));
        assert!(s.is_due(Some(last), last + 30 * H, H), "the app was closed past the due time: run at start");
    }

    #[test]
    fn a_finish_in_the_future_waits_one_interval_from_now() {
        assert_eq!(on(2).next_due_ms(Some(NOW + 10 * H), NOW, H), Some(NOW + 2 * H));
    }

    #[test]
    fn a_short_hour_scales_the_interval() {
        assert_eq!(on(3).next_due_ms(Some(NOW), NOW, 1_000), Some(NOW + 3_000));
    }

    #[test]
    fn an_unfinished_attempt_waits_for_the_next_due_time() {
        let s = on(4);
        // Never collected, the first attempt failed an hour ago: the next try is one interval after it.
        assert_eq!(s.next_attempt_ms(None, Some(NOW - H), NOW, H), Some(NOW + 3 * H));
        // Due since long ago, failed just now: not again before a whole interval.
        assert_eq!(s.next_attempt_ms(Some(NOW - 100 * H), Some(NOW), NOW, H), Some(NOW + 4 * H));
        // A failure before the last finish no longer matters.
        assert_eq!(s.next_attempt_ms(Some(NOW - H), Some(NOW - 2 * H), NOW, H), Some(NOW + 3 * H));
        // No failure: the plain due time; off: never.
        assert_eq!(s.next_attempt_ms(Some(NOW - H), None, NOW, H), s.next_due_ms(Some(NOW - H), NOW, H));
        assert_eq!(CollectSchedule::default().next_attempt_ms(None, Some(NOW), NOW, H), None);
        // An attempt "in the future" (clock set back) counts from now.
        assert_eq!(s.next_attempt_ms(None, Some(NOW + 50 * H), NOW, H), Some(NOW + 4 * H));
    }

    #[test]
    fn interval_bounds_are_checked_and_saved_schedules_read_back() {
        assert!(on(0).validate().is_err());
        assert!(on(MAX_EVERY_HOURS + 1).validate().is_err());
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/collect_schedule.json");
        assert_eq!(CollectSchedule::load(&path).unwrap(), CollectSchedule::default(), "no file: off");
        on(12).save(&path).unwrap();
        assert_eq!(CollectSchedule::load(&path).unwrap(), on(12));
        std::fs::write(&path, "{\"enabled\": true}").unwrap();
        let e = CollectSchedule::load(&path).unwrap_err();
        assert_eq!(e.kind, crate::ErrorKind::Corrupt, "{e}");
        assert!(e.to_string().contains("collect_schedule.json"), "{e}");
        assert!(on(0).save(&path).is_err(), "an invalid schedule is not saved");
    }
}
