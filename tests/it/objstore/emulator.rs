//! Real Azure Blob (Azurite) and GCS (fake-gcs-server) emulators for the tests, each started once per
//! test process on a free port by `tests/py/objstore_emu.py serve`. As with moto, the script serves until
//! its stdin closes and we hold the pipe for the life of the process, so the emulator ends with the tests.

use std::io::{BufRead, BufReader};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Mutex, OnceLock};

use serde_json::Value;

use crate::support::{cli, python, repo_root};

pub struct Emulator {
    /// `azurite` or `gcs`, as objstore_emu.py names them.
    pub kind: &'static str,
    pub endpoint: String,
    _server: Mutex<(Child, ChildStdin)>,
}

/// Azurite's one account and its published well-known key (the emulator's, not a secret).
pub const AZ_ACCOUNT: &str = "devstoreaccount1";
pub const AZ_KEY: &str = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

fn start(kind: &'static str) -> Emulator {
    let mut child = Command::new(python())
        .arg(repo_root().join("tests/py/objstore_emu.py"))
        .args(["serve", kind])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the emulator (scripts/setup.sh installs it)");
    let stdin = child.stdin.take().unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).expect("the emulator's endpoint line");
    let doc: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("{kind} did not start ({e}): {line:?}"));
    Emulator { kind, endpoint: doc["endpoint"].as_str().unwrap().to_string(), _server: Mutex::new((child, stdin)) }
}

pub fn azurite() -> &'static Emulator {
    static E: OnceLock<Emulator> = OnceLock::new();
    E.get_or_init(|| start("azurite"))
}

pub fn gcs() -> &'static Emulator {
    static E: OnceLock<Emulator> = OnceLock::new();
    E.get_or_init(|| start("gcs"))
}

impl Emulator {
    /// The settings a user of this emulator puts in the environment (object_store's own variables).
    pub fn env(&self) -> Vec<(&'static str, String)> {
        match self.kind {
            "azurite" => vec![("AZURE_STORAGE_USE_EMULATOR", "true".into()), ("AZURITE_BLOB_STORAGE_URL", self.endpoint.clone())],
            _ => vec![("GOOGLE_BASE_URL", self.endpoint.clone()), ("GOOGLE_SKIP_SIGNATURE", "true".into())],
        }
    }

    /// `objstore_emu.py <cmd> KIND ENDPOINT args…`, parsed.
    pub fn py(&self, cmd: &str, args: &[&str]) -> Value {
        let out = Command::new(python())
            .arg(repo_root().join("tests/py/objstore_emu.py"))
            .args([cmd, self.kind, &self.endpoint])
            .args(args)
            .output()
            .expect("run python");
        assert!(out.status.success(), "objstore_emu.py {cmd} {args:?} failed:\n{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    }

    /// The emulator's own listing of `uri`, grouped `depth` levels down, without the ETags.
    pub fn listing(&self, uri: &str, depth: usize) -> Value {
        let mut v = self.py("list", &[uri, &depth.to_string()]);
        v.as_object_mut().unwrap().remove("etags");
        v
    }

    /// Upload a local directory once per emulator and URI (tests share the emulator).
    pub fn upload_once(&self, dir: &std::path::Path, uri: &str) {
        static DONE: OnceLock<Mutex<Vec<String>>> = OnceLock::new();
        let mut done = DONE.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner());
        let key = format!("{}|{uri}", self.endpoint);
        if !done.contains(&key) {
            self.py("upload", &[dir.to_str().unwrap(), uri]);
            done.push(key);
        }
    }

    /// `lakescope <args> --json` with exactly `env` as the storage settings (none of this emulator's
    /// unless passed), asserting success.
    pub fn cli_json_with(&self, args: &[&str], env: &[(&str, String)]) -> Value {
        let out = run(args, env);
        assert!(out.status.success(), "lakescope {args:?} failed ({}):\n{}", out.status, String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    }

    /// `lakescope <args> --json` with this emulator's environment.
    pub fn cli_json(&self, args: &[&str]) -> Value {
        self.cli_json_with(args, &self.env())
    }

    /// `lakescope <args> --json` expected to fail: (exit code, the `{"error"}` document).
    pub fn cli_error(&self, args: &[&str], env: &[(&str, String)]) -> (i32, Value) {
        let out = run(args, env);
        assert!(!out.status.success(), "lakescope {args:?} should fail:\n{}", String::from_utf8_lossy(&out.stdout));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{stderr}");
        let doc = stderr.lines().rev().find_map(|l| serde_json::from_str::<Value>(l).ok()).unwrap_or_else(|| panic!("no JSON error: {stderr}"));
        (out.status.code().unwrap_or(-1), doc)
    }
}

/// The CLI with no cloud settings inherited from the test's own environment, then `env`.
fn run(args: &[&str], env: &[(&str, String)]) -> std::process::Output {
    let mut cmd = cli();
    for (k, _) in std::env::vars() {
        if k.starts_with("AZURE_") || k.starts_with("AZURITE_") || k.starts_with("GOOGLE_") {
            cmd.env_remove(k);
        }
    }
    cmd.args(args).arg("--json").envs(env.iter().map(|(k, v)| (*k, v.as_str()))).output().expect("run lakescope")
}
