//! Credentials in the real OS keychain (the Secret Service of GNOME Keyring, started headless by
//! scripts/keychain.sh): what `lakescope credentials set` stores is what `secret-tool` finds under
//! service `lakescope`; `list` says which fields are stored and never a value; `delete` removes the
//! entry; a missing keychain is an error that says how to start one.
//!
//! Without a keychain these tests start one with scripts/keychain.sh; if even that fails they skip
//! loudly, except under CI=true, where a missing keychain fails them.

use std::io::Write;
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

use crate::support::{cli, repo_root};

/// The D-Bus session bus with a Secret Service on it, or `None` (after saying so) outside CI.
pub fn keychain_bus() -> Option<&'static str> {
    static BUS: OnceLock<Option<String>> = OnceLock::new();
    BUS.get_or_init(|| {
        let found = std::env::var("DBUS_SESSION_BUS_ADDRESS").ok().filter(|b| answers(b)).or_else(start_one);
        if found.is_none() {
            let why = "no OS keychain: DBUS_SESSION_BUS_ADDRESS has no Secret Service and scripts/keychain.sh could not start one \
                       (apt-get install gnome-keyring libsecret-tools dbus-x11, or run scripts/setup.sh)";
            assert!(std::env::var("CI").as_deref() != Ok("true"), "{why}");
            eprintln!("SKIPPED keychain tests: {why}");
        }
        found
    })
    .as_deref()
}

fn answers(bus: &str) -> bool {
    Command::new("secret-tool")
        .args(["lookup", "service", "lakescope-probe", "username", "probe"])
        .env("DBUS_SESSION_BUS_ADDRESS", bus)
        .output()
        .is_ok_and(|o| o.status.success() || o.stderr.is_empty())
}

fn start_one() -> Option<String> {
    let out = Command::new(repo_root().join("scripts/keychain.sh")).stderr(Stdio::inherit()).output().ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let bus = text.lines().find_map(|l| l.strip_prefix("export DBUS_SESSION_BUS_ADDRESS="))?.to_string();
    answers(&bus).then_some(bus)
}

/// `lakescope <args> --json` on `bus`, with `stdin` piped in.
pub fn run_with_stdin(bus: &str, args: &[&str], stdin: &str, env: &[(&str, &str)]) -> Output {
    let mut child = cli()
        .args(args)
        .arg("--json")
        .env("DBUS_SESSION_BUS_ADDRESS", bus)
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run lakescope");
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

/// Store `value` as `field` of `source` through the CLI (stdin), asserting success.
pub fn set(bus: &str, sources: &str, source: &str, field: &str, value: &str) {
    let out = run_with_stdin(bus, &["--sources", sources, "credentials", "set", source, field], &format!("{value}\n"), &[]);
    assert!(out.status.success(), "credentials set {source} {field}: {}", String::from_utf8_lossy(&out.stderr));
}

/// What the OS keychain itself holds for an account, as `secret-tool` reads it.
pub fn secret_tool_lookup(bus: &str, account: &str) -> Option<String> {
    let out = Command::new("secret-tool")
        .args(["lookup", "service", "lakescope", "username", account])
        .env("DBUS_SESSION_BUS_ADDRESS", bus)
        .output()
        .expect("run secret-tool");
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn set_list_delete_round_trip_through_the_os_keychain() {
    let Some(bus) = keychain_bus() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let sources = tmp.path().join("sources.toml");
    std::fs::write(
        &sources,
        "[[source]]\nname = \"kc_roundtrip\"\nkind = \"storage\"\nlocation = \"s3://bucket/lake\"\ncredentials = \"keychain\"\n\n\
         [[source]]\nname = \"kc_local\"\nkind = \"storage\"\nlocation = \"/tmp\"\n",
    )
    .unwrap();
    let s = sources.to_str().unwrap();
    let value = "RoundTrip-Secret/with spaces+and=signs";
    set(bus, s, "kc_roundtrip", "secret_access_key", value);
    assert_eq!(secret_tool_lookup(bus, "s3/kc_roundtrip/secret_access_key").as_deref(), Some(value), "what secret-tool reads");

    let list = run_with_stdin(bus, &["--sources", s, "credentials", "list"], "", &[]);
    assert!(list.status.success(), "{}", String::from_utf8_lossy(&list.stderr));
    assert!(!String::from_utf8_lossy(&list.stdout).contains(value), "list printed the value");
    let doc: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    let mine = doc.as_array().unwrap().iter().find(|c| c["source"] == "kc_roundtrip").expect("the S3 source is listed");
    assert_eq!(mine["uses_keychain"], true);
    let stored: Vec<(&str, bool)> =
        mine["fields"].as_array().unwrap().iter().map(|f| (f["field"].as_str().unwrap(), f["stored"].as_bool().unwrap())).collect();
    assert_eq!(stored, [("access_key_id", false), ("secret_access_key", true), ("session_token", false)]);
    assert!(doc.as_array().unwrap().iter().all(|c| c["source"] != "kc_local"), "a local source takes no credentials: {doc}");

    // A field the source does not take, and a source that takes none, are refused before the keychain.
    let wrong = run_with_stdin(bus, &["--sources", s, "credentials", "set", "kc_roundtrip", "password"], "x\n", &[]);
    let err = String::from_utf8_lossy(&wrong.stderr);
    assert!(!wrong.status.success() && err.contains("InvalidInput") && err.contains("secret_access_key"), "{err}");
    let none = run_with_stdin(bus, &["--sources", s, "credentials", "set", "kc_local", "token"], "x\n", &[]);
    assert!(String::from_utf8_lossy(&none.stderr).contains("takes no credentials"), "{}", String::from_utf8_lossy(&none.stderr));

    let del = run_with_stdin(bus, &["--sources", s, "credentials", "delete", "kc_roundtrip", "secret_access_key"], "", &[]);
    assert!(del.status.success(), "{}", String::from_utf8_lossy(&del.stderr));
    assert_eq!(secret_tool_lookup(bus, "s3/kc_roundtrip/secret_access_key"), None, "the entry is gone from the keychain");
    let again = run_with_stdin(bus, &["--sources", s, "credentials", "delete", "kc_roundtrip", "secret_access_key"], "", &[]);
    assert_eq!(again.status.code(), Some(3), "deleting a missing entry is NotFound: {}", String::from_utf8_lossy(&again.stderr));
}

#[test]
fn no_keychain_is_unreachable_and_says_how_to_start_one() {
    let tmp = tempfile::tempdir().unwrap();
    let sources = tmp.path().join("sources.toml");
    std::fs::write(&sources, "[[source]]\nname = \"kc_none\"\nkind = \"storage\"\nlocation = \"s3://bucket/lake\"\ncredentials = \"keychain\"\n")
        .unwrap();
    let nobus = format!("unix:path={}", tmp.path().join("no-bus").display());
    let out = run_with_stdin(&nobus, &["--sources", sources.to_str().unwrap(), "credentials", "list", "kc_none"], "", &[]);
    let err: serde_json::Value = serde_json::from_slice(&out.stderr).unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stderr)));
    assert_eq!(err["error"]["kind"], "Unreachable", "{err}");
    let msg = err["error"]["message"].as_str().unwrap();
    assert!(msg.contains("gnome-keyring-daemon") && msg.contains("DBUS_SESSION_BUS_ADDRESS"), "{msg}");
}
