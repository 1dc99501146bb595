//! What a tutorial is once parsed: the shapes the Learn page receives (generated into TypeScript).
//!
//! A [`Check`] names a predicate over the UI's own state (route, opened table, last search, opened
//! Spark application, exported chart, a finding's command copied or its table opened from the
//! Overview page). The engine only validates it; the UI evaluates it, because only
//! the UI knows what the learner has on screen.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::findings::FindingKind;

/// One tutorial file, validated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Tutorial {
    /// The file name without `.md`: stable, and what progress is stored under.
    pub id: String,
    pub title: String,
    /// Who it is for ("New platform users").
    pub audience: String,
    /// As written in the file ("5 min").
    pub duration: String,
    /// Position on the Learn page (ascending); the first one is offered on first launch.
    pub order: u32,
    /// Markdown shown under the title on the Learn page.
    pub summary: String,
    pub steps: Vec<Step>,
    /// The file it came from (embedded ones: `assets/tutorials/<file>`).
    pub file: String,
}

/// One step: a highlighted element, an explanation, and optionally a condition to move on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Step {
    pub title: String,
    /// Markdown.
    pub body: String,
    /// CSS selector of the element to highlight (usually `[data-testid="…"]`).
    pub target: String,
    pub check: Option<Check>,
    /// What the popover says while the check fails; the UI derives one from the check when absent.
    pub missing: Option<String>,
}

/// Where the learner must be, or what they must have done, before Next is enabled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
#[ts(export)]
pub enum Check {
    /// The current page (`catalog`, `spark`, `settings`, `learn`), and for a table page its tab.
    Route { view: String, tab: Option<String> },
    /// A table page is showing: `table` matches its qualified name or its trailing parts
    /// (`ods_orders`, `ods.ods_orders`, `demo.ods.ods_orders`); `tab` when a tab must be open.
    TableOpened { table: String, tab: Option<String> },
    /// The learner searched (Ctrl+K or the table filter) for text containing `query` (any when absent).
    Searched { query: Option<String> },
    /// A Spark application page is showing; `app` matches its id or name when given.
    SparkAppOpened { app: Option<String> },
    /// A chart was exported; `format` (`svg`/`png`) when it matters.
    ChartExported { format: Option<String> },
    /// A finding's command was copied on the Overview page (never run: Lakescope is read-only);
    /// `finding` names the finding kind (`vacuum_due`, `partition_past_retention`, …) when it matters.
    CommandCopied { finding: Option<FindingKind> },
    /// A finding's table was opened from its link on the Overview page; `finding` as above.
    FindingOpened { finding: Option<FindingKind> },
}

/// Pages a `route` check may name (App.svelte's routes).
pub const VIEWS: &[&str] = &["catalog", "spark", "settings", "learn", "overview"];
/// Table page tabs a check may name (ui/src/lib/route.ts).
pub const TABS: &[&str] = &["overview", "schema", "partitions", "history", "storage"];

impl Check {
    /// Arguments that parse but cannot mean anything in the app.
    pub(crate) fn validate(&self) -> Result<(), String> {
        let tab_ok = |t: &Option<String>| match t {
            Some(t) if !TABS.contains(&t.as_str()) => Err(format!("unknown tab {t:?} (expected one of {})", TABS.join(", "))),
            _ => Ok(()),
        };
        match self {
            Check::Route { view, tab } => {
                if !VIEWS.contains(&view.as_str()) {
                    return Err(format!("unknown view {view:?} (expected one of {})", VIEWS.join(", ")));
                }
                if tab.is_some() && view != "catalog" {
                    return Err(format!("a tab only exists on the catalog's table pages, not on {view:?}"));
                }
                tab_ok(tab)
            }
            Check::TableOpened { table, tab } => {
                if table.trim().is_empty() {
                    return Err("table_opened needs a table name".into());
                }
                tab_ok(tab)
            }
            Check::ChartExported { format: Some(f) } if f != "svg" && f != "png" => {
                Err(format!("unknown chart format {f:?} (expected svg or png)"))
            }
            _ => Ok(()),
        }
    }
}
