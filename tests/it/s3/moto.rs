//! A real S3-compatible server for the tests: moto's server mode, started once per test process on a
//! free port by `tests/py/s3_moto.py serve`. The server reads its stdin until it closes, and we hold the
//! pipe for the life of the process, so the server ends with the tests (even when they panic or are
//! killed) instead of lingering.

use std::io::{BufRead, BufReader};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Mutex, OnceLock};

use serde_json::Value;

use crate::support::{cli, python, repo_root};

pub struct Moto {
    pub endpoint: String,
    _server: Mutex<(Child, ChildStdin)>,
}

/// Fixed test credentials (moto accepts any; a server with auth enabled knows only its own).
pub const KEY_ID: &str = "testing";
pub const SECRET: &str = "testing";

fn start(extra_env: &[(&str, &str)]) -> Moto {
    let mut cmd = Command::new(python());
    cmd.arg(repo_root().join("tests/py/s3_moto.py")).arg("serve").stdin(Stdio::piped()).stdout(Stdio::piped());
    for (k, v) in extra_env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("start moto (pip install 'moto[server]', see tests/py/requirements.txt)");
    let stdin = child.stdin.take().unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).expect("moto's endpoint line");
    let doc: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("moto did not start ({e}): {line:?}"));
    Moto { endpoint: doc["endpoint"].as_str().unwrap().to_string(), _server: Mutex::new((child, stdin)) }
}

/// The shared server (no authentication, as moto runs by default).
pub fn moto() -> &'static Moto {
    static M: OnceLock<Moto> = OnceLock::new();
    M.get_or_init(|| start(&[]))
}

/// A second server with moto's IAM checks on from the first request, so unknown keys are refused.
pub fn moto_with_auth() -> &'static Moto {
    static M: OnceLock<Moto> = OnceLock::new();
    M.get_or_init(|| start(&[("INITIAL_NO_AUTH_ACTION_COUNT", "0")]))
}

/// A server of the caller's own whose first three requests need no authentication (`s3_moto.py iam-user`
/// makes an IAM user and its key with them) and every later one does: only that key is accepted.
pub fn moto_for_iam_user() -> Moto {
    start(&[("INITIAL_NO_AUTH_ACTION_COUNT", "3")])
}

impl Moto {
    /// The AWS settings every S3 client here reads from the environment.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("AWS_ACCESS_KEY_ID", KEY_ID.to_string()),
            ("AWS_SECRET_ACCESS_KEY", SECRET.to_string()),
            ("AWS_REGION", "us-east-1".to_string()),
            ("AWS_ENDPOINT", self.endpoint.clone()),
            ("AWS_ALLOW_HTTP", "true".to_string()),
        ]
    }

    /// Run `tests/py/s3_moto.py <cmd> ENDPOINT args…` and parse its JSON.
    pub fn py(&self, cmd: &str, args: &[&str]) -> Value {
        let out = Command::new(python())
            .arg(repo_root().join("tests/py/s3_moto.py"))
            .arg(cmd)
            .arg(&self.endpoint)
            .args(args)
            .envs(self.env())
            .output()
            .expect("run python");
        assert!(out.status.success(), "s3_moto.py {cmd} {args:?} failed:\n{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    }

    /// `lakescope <args> --json` with this server's settings in the environment.
    pub fn cli_json(&self, args: &[&str]) -> Value {
        let out = cli().args(args).arg("--json").envs(self.env()).output().expect("run lakescope");
        assert!(out.status.success(), "lakescope {args:?} failed ({}):\n{}", out.status, String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    }

    /// `lakescope <args> --json` expected to fail: (exit code, the `{"error"}` document).
    pub fn cli_error(&self, args: &[&str], env: &[(&str, &str)]) -> (i32, Value) {
        let out = cli().args(args).arg("--json").envs(self.env()).envs(env.iter().copied()).output().expect("run lakescope");
        assert!(!out.status.success(), "lakescope {args:?} should fail:\n{}", String::from_utf8_lossy(&out.stdout));
        let stderr = String::from_utf8_lossy(&out.stderr);
        let doc = stderr.lines().rev().find_map(|l| serde_json::from_str::<Value>(l).ok()).unwrap_or_else(|| panic!("no JSON error: {stderr}"));
        (out.status.code().unwrap_or(-1), doc)
    }

    /// Upload a local directory once per bucket/prefix (tests share the server).
    pub fn upload_once(&self, dir: &std::path::Path, uri: &str) {
        static DONE: OnceLock<Mutex<Vec<String>>> = OnceLock::new();
        let mut done = DONE.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner());
        let key = format!("{}|{uri}", self.endpoint);
        if !done.contains(&key) {
            self.py("upload", &[dir.to_str().unwrap(), uri]);
            done.push(key);
        }
    }
}
