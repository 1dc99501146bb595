#![allow(dead_code)]
//! Helpers shared by the integration tests: the real `lakescope` binary, the demo lakehouse built once
//! per machine state (guarded by a file lock, so parallel test processes share it), and the reference
//! tools (pyiceberg, deltalake, duckdb) run through the project's Python venv.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use serde_json::Value;

/// Day 0 of the test demo: fixed, so every run builds the same tables and `--as-of` answers are stable.
pub const ANCHOR: &str = "2026-11-30";
/// A time on the anchor day to pass as `--as-of`.
pub const AS_OF: &str = "2026-11-30T12:00:00Z";

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("repo root")
}

/// The Python with the reference readers: `$LAKESCOPE_PYTHON`, else the repo's `.venv` (made by `.ci/run`).
pub fn python() -> PathBuf {
    if let Ok(p) = std::env::var("LAKESCOPE_PYTHON") {
        return PathBuf::from(p);
    }
    let venv = repo_root().join(".venv/bin/python");
    assert!(
        venv.exists(),
        "no Python with pyiceberg/deltalake/duckdb: run .ci/run (it creates .venv) or set LAKESCOPE_PYTHON"
    );
    venv
}

/// The `lakescope` binary under test, with a scratch home: its default config (sources file) and data
/// (store) are this test process's own, never the user's, whose store may hold other migrations.
pub fn cli() -> Command {
    let home = scratch_home();
    let mut c = Command::new(env!("CARGO_BIN_EXE_lakescope"));
    c.env("XDG_CONFIG_HOME", home.join("config")).env("XDG_DATA_HOME", home.join("data")).env("XDG_CACHE_HOME", home.join("cache"));
    c
}

/// `target/it-home/<pid>`, emptied when the test process first asks for it.
fn scratch_home() -> &'static Path {
    static HOME: OnceLock<PathBuf> = OnceLock::new();
    HOME.get_or_init(|| {
        let home = repo_root().join("target/it-home").join(std::process::id().to_string());
        let _ = std::fs::remove_dir_all(&home);
        std::fs::create_dir_all(&home).expect("create the tests' scratch home");
        home
    })
}

/// Run the CLI with `--json`, assert success, parse stdout.
pub fn cli_json(args: &[&str]) -> Value {
    let out = cli().args(args).arg("--json").output().expect("run lakescope");
    assert!(
        out.status.success(),
        "lakescope {args:?} failed ({}):\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("lakescope {args:?} printed invalid JSON ({e}):\n{}", String::from_utf8_lossy(&out.stdout))
    })
}

/// Run `tests/py/<script>` with the reference Python, assert success, parse its stdout as JSON.
pub fn py_json(script: &str, args: &[&str]) -> Value {
    let out = Command::new(python())
        .arg(repo_root().join("tests/py").join(script))
        .args(args)
        .output()
        .expect("run python");
    assert!(
        out.status.success(),
        "python {script} {args:?} failed ({}):\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{script} printed invalid JSON ({e}):\n{}", String::from_utf8_lossy(&out.stdout)))
}

/// The demo lakehouse for tests, anchored at [`ANCHOR`].
pub struct Demo {
    pub dir: PathBuf,
    pub sources: PathBuf,
}

impl Demo {
    pub fn sources_arg(&self) -> String {
        self.sources.display().to_string()
    }
}

/// Build the test demo once (reused across runs while the recipe is unchanged).
pub fn demo() -> &'static Demo {
    static DEMO: OnceLock<Demo> = OnceLock::new();
    DEMO.get_or_init(|| {
        let target = repo_root().join("target");
        std::fs::create_dir_all(&target).unwrap();
        let dir = target.join("test-demo");
        let lock = std::fs::File::create(target.join("test-demo.lock")).unwrap();
        lock.lock().expect("lock the test demo");
        let info = cli_json(&["demo", "--dir", dir.to_str().unwrap(), "--anchor", ANCHOR]);
        lock.unlock().ok();
        Demo { dir, sources: PathBuf::from(info["sources_file"].as_str().expect("sources_file")) }
    })
}

/// xorshift64*: enough to spread kill points, and replayable from the printed seed.
pub(crate) struct Rng(pub(crate) u64);
impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}
