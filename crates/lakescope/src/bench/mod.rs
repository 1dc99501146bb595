//! Benchmarks that put Lakescope beside the tool a user would otherwise run, on the same data, in one
//! run, and report the ratio. Speed is a feature, so it is measured, not assumed; timed *tests* would be
//! flaky, so these are run on demand (`lakescope bench …`, release build) and their output is kept.

pub mod breakdown;
pub mod du;
pub mod history;
pub mod index;
pub mod inventory;
pub mod search;
pub mod size;
pub mod spark;

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Serialize;

/// Median of a set of timings.
pub fn median(samples: &[Duration]) -> Duration {
    let mut v = samples.to_vec();
    v.sort();
    if v.is_empty() { Duration::ZERO } else { v[v.len() / 2] }
}

/// The Python with the reference libraries: the given one, else the repo's `.venv`, else `python3`.
pub fn find_python(explicit: Option<&Path>) -> PathBuf {
    if let Some(p) = explicit {
        return p.to_path_buf();
    }
    if let Ok(p) = std::env::var("LAKESCOPE_PYTHON") {
        return PathBuf::from(p);
    }
    for base in [std::env::current_dir().ok(), std::env::current_exe().ok().and_then(|p| p.parent().map(Path::to_path_buf))]
        .into_iter()
        .flatten()
    {
        for anc in base.ancestors() {
            let venv = anc.join(".venv/bin/python");
            if venv.exists() {
                return venv;
            }
        }
    }
    PathBuf::from("python3")
}

/// One line of a side-by-side report.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    pub subject: String,
    pub ours: String,
    pub reference_tool: String,
    pub ours_seconds: f64,
    pub reference_seconds: f64,
    /// reference / ours: how many times faster we are.
    pub ratio: f64,
}

impl Comparison {
    pub fn new(subject: String, ours: &str, reference_tool: &str, ours_t: Duration, ref_t: Duration) -> Self {
        let (o, r) = (ours_t.as_secs_f64(), ref_t.as_secs_f64());
        Comparison {
            subject,
            ours: ours.into(),
            reference_tool: reference_tool.into(),
            ours_seconds: o,
            reference_seconds: r,
            ratio: if o > 0.0 { r / o } else { f64::INFINITY },
        }
    }
}

/// Seconds in a readable unit.
pub fn human_secs(s: f64) -> String {
    if s < 1e-3 {
        format!("{:.0} µs", s * 1e6)
    } else if s < 1.0 {
        format!("{:.1} ms", s * 1e3)
    } else {
        format!("{s:.2} s")
    }
}
