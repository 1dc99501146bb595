//! The version and build that `lakescope --version` and the app's About both show.
//!
//! One definition in the engine, so a bug report names the exact build whichever shell it came from:
//! the package version from Cargo and the commit it was built from (written by `build.rs` from git; a
//! build outside a git checkout, e.g. from a source tarball, says "unknown").

use serde::Serialize;
use ts_rs::TS;

/// The package version, e.g. `0.1.0`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// `<commit> <commit date>` of the checkout this binary was built from, or `unknown`.
pub const BUILD: &str = env!("LAKESCOPE_BUILD");

/// What `--version` prints after the program name: `0.1.0 (build 1a2b3c4d5e6f 2026-12-01)`.
pub const VERSION_LINE: &str = concat!(env!("CARGO_PKG_VERSION"), " (build ", env!("LAKESCOPE_BUILD"), ")");

/// The version and build, as the app's About shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct BuildInfo {
    pub version: String,
    pub build: String,
}

/// This binary's version and build.
pub fn build_info() -> BuildInfo {
    BuildInfo { version: VERSION.to_string(), build: BUILD.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_line_is_version_and_build() {
        let info = build_info();
        assert_eq!(VERSION_LINE, format!("{} (build {})", info.version, info.build));
        assert!(!info.build.is_empty());
        // Built from this repository's git checkout, the build names the commit: 12 hex digits and a date.
        if info.build != "unknown" {
            let (commit, date) = info.build.split_once(' ').expect("commit and date");
            assert_eq!(commit.len(), 12, "{commit}");
            assert!(commit.chars().all(|c| c.is_ascii_hexdigit()), "{commit}");
            assert!(chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").is_ok(), "{date}");
        }
    }
}
