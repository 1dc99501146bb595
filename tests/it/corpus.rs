//! The broken-input corpus: real inputs with one fault each (tests/corpus/make.sh makes them from the
//! repository's Spark logs and the demo's tables), run through the real CLI. Each must end in the error
//! kind tests/corpus/expected.toml names, with a message that names the broken file, as the JSON error
//! document on stderr — never a panic, a signal, a hang or a success with made-up numbers.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde::Deserialize;
use serde_json::Value;

use crate::support::{cli, demo, repo_root};

#[derive(Deserialize)]
struct Expected {
    case: Vec<Case>,
}

/// One row of expected.toml (its header says what each `expect` means). `{corpus}` and `{demo}` in
/// `args`, `same_as` and `message` stand for the corpus and the demo directory.
#[derive(Deserialize)]
struct Case {
    name: String,
    fault: String,
    args: Vec<String>,
    expect: Expect,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    message: Vec<String>,
    #[serde(default)]
    same_as: Vec<String>,
    #[serde(default)]
    compare: Vec<String>,
    /// A file the case made unreadable (chmod 000): root reads it anyway, so there the case is skipped.
    #[serde(default)]
    unreadable: Option<String>,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Debug)]
#[serde(rename_all = "lowercase")]
enum Expect {
    Error,
    Warning,
    Same,
}

/// The corpus, made once per test run into target/test-corpus.
fn corpus() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let out = repo_root().join("target/test-corpus");
        let made = Command::new("bash")
            .arg(repo_root().join("tests/corpus/make.sh"))
            .arg(&demo().dir)
            .arg(&out)
            .output()
            .expect("run tests/corpus/make.sh");
        assert!(made.status.success(), "tests/corpus/make.sh failed:\n{}", String::from_utf8_lossy(&made.stderr));
        out
    })
}

fn expected() -> Vec<Case> {
    let path = repo_root().join("tests/corpus/expected.toml");
    let text = std::fs::read_to_string(&path).expect("read tests/corpus/expected.toml");
    toml::from_str::<Expected>(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display())).case
}

struct Dirs {
    corpus: String,
    demo: String,
}

impl Dirs {
    fn fill(&self, text: &str) -> String {
        text.replace("{corpus}", &self.corpus).replace("{demo}", &self.demo)
    }
}

/// Run the CLI with `--json` (and no sources file unless the case names one); a run that panicked or
/// died of a signal is an `Err`, whatever it printed.
fn lakescope(args: &[String]) -> Result<(Option<i32>, String, String), String> {
    let mut cmd = cli();
    cmd.args(args).arg("--json");
    if !args.iter().any(|a| a == "--sources") {
        cmd.args(["--sources", "/dev/null"]);
    }
    let t0 = Instant::now();
    let out = cmd.output().map_err(|e| format!("could not run lakescope: {e}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    if stderr.contains("panicked") {
        return Err(format!("panicked: {stderr}"));
    }
    if out.status.code().is_none() {
        return Err(format!("killed by a signal ({}): {stderr}", out.status));
    }
    if t0.elapsed() > Duration::from_secs(30) {
        return Err(format!("took {:?}", t0.elapsed()));
    }
    Ok((out.status.code(), stdout, stderr))
}

/// Every string found under a "warnings" key anywhere in the document (warnings are strings or
/// objects with a message; Spark's sit in each application).
fn warnings(doc: &Value, found: &mut Vec<String>) {
    match doc {
        Value::Object(map) => {
            for (k, v) in map {
                if k == "warnings" {
                    found.extend(v.as_array().into_iter().flatten().map(|w| w.as_str().map_or_else(|| w.to_string(), str::to_string)));
                } else {
                    warnings(v, found);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| warnings(v, found)),
        _ => {}
    }
}

fn parse(stdout: &str) -> Result<Value, String> {
    serde_json::from_str(stdout).map_err(|e| format!("stdout is not JSON ({e}): {stdout}"))
}

/// Run one case; `Err` says how it failed to be what expected.toml promises.
fn run(case: &Case, dirs: &Dirs) -> Result<(), String> {
    let args: Vec<String> = case.args.iter().map(|a| dirs.fill(a)).collect();
    let parts: Vec<String> = case.message.iter().map(|m| dirs.fill(m)).collect();
    let (code, stdout, stderr) = lakescope(&args)?;
    match case.expect {
        Expect::Error => {
            if code == Some(0) {
                return Err(format!("succeeded on broken input: {stdout}"));
            }
            if !stdout.trim().is_empty() {
                return Err(format!("failed but printed a result too: {stdout}"));
            }
            // Warnings about other inputs may come first; the error document is the last line.
            let last = stderr.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or_default();
            let doc: Value = serde_json::from_str(last)
                .map_err(|e| format!("stderr does not end in a JSON error document ({e}): {stderr}"))?;
            let kind = doc["error"]["kind"].as_str().unwrap_or_default();
            let message = doc["error"]["message"].as_str().unwrap_or_default();
            let want = case.kind.as_deref().unwrap_or_default();
            if kind != want {
                return Err(format!("kind {kind}, expected {want}: {message}"));
            }
            match parts.iter().find(|p| !message.contains(p.as_str())) {
                Some(p) => Err(format!("message does not contain {p:?}: {message}")),
                None => Ok(()),
            }
        }
        Expect::Warning => {
            if code != Some(0) {
                return Err(format!("failed ({code:?}) where everything around the damage is readable: {stderr}"));
            }
            let mut found = Vec::new();
            warnings(&parse(&stdout)?, &mut found);
            if found.iter().any(|w| parts.iter().all(|p| w.contains(p.as_str()))) {
                Ok(())
            } else {
                Err(format!("no warning containing {parts:?}; warnings: {found:?}"))
            }
        }
        Expect::Same => {
            if code != Some(0) {
                return Err(format!("failed ({code:?}) on input that still reads whole: {stderr}"));
            }
            let got = parse(&stdout)?;
            let intact: Vec<String> = case.same_as.iter().map(|a| dirs.fill(a)).collect();
            let (_, want, why) = lakescope(&intact)?;
            let want = parse(&want).map_err(|e| format!("the intact input: {e} {why}"))?;
            for pointer in &case.compare {
                if got.pointer(pointer).is_none() || got.pointer(pointer) != want.pointer(pointer) {
                    return Err(format!("{pointer}: {:?}, the intact input: {:?}", got.pointer(pointer), want.pointer(pointer)));
                }
            }
            Ok(())
        }
    }
}

#[test]
fn every_broken_input_ends_as_expected_toml_says() {
    let dirs = Dirs { corpus: corpus().display().to_string(), demo: demo().dir.display().to_string() };
    let dir = dirs.corpus.clone();
    let cases = expected();
    assert!(cases.len() >= 10, "the corpus shrank to {} cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        if let Some(file) = &case.unreadable
            && std::fs::File::open(Path::new(&dir).join(file)).is_ok()
        {
            eprintln!("corpus: skipped {} ({}): this user (root?) reads files with mode 000", case.name, case.fault);
            continue;
        }
        if let Err(why) = run(case, &dirs) {
            failures.push(format!("{} ({}): {why}", case.name, case.fault));
        }
    }
    assert!(failures.is_empty(), "{} of {} broken inputs did not end as tests/corpus/expected.toml says:\n{}", failures.len(), cases.len(), failures.join("\n"));
}

/// The corpus is what it claims: each fault is really in its file (a test that cannot fail is a defect).
#[test]
fn the_corpus_faults_are_real() {
    let dir = corpus();
    let original = std::fs::metadata(
        std::fs::read_dir(repo_root().join("assets/spark/logs/codecs"))
            .unwrap()
            .flatten()
            .find(|e| e.file_name().to_string_lossy().ends_with(".zstd"))
            .unwrap()
            .path(),
    )
    .unwrap()
    .len();
    assert_eq!(std::fs::metadata(dir.join("spark/truncated.zstd")).unwrap().len(), original / 2);
    let huge = std::fs::read_to_string(dir.join("delta-huge-size/_delta_log/00000000000000000025.json")).unwrap();
    assert!(huge.contains("\"size\":1000000000000000000000000000000"), "{huge}");
    let cut = std::fs::read(dir.join("delta-cut-commit/_delta_log/00000000000000000025.json")).unwrap();
    assert!(!cut.ends_with(b"\n") && serde_json::from_slice::<Value>(cut.rsplit(|b| *b == b'\n').next().unwrap()).is_err());
    assert!(!dir.join("delta-missing-commit/_delta_log/00000000000000000023.json").exists());
    assert!(dir.join("delta-missing-commit/_delta_log/00000000000000000024.json").exists());
}
