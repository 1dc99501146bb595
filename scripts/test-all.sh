#!/usr/bin/env bash
# Install what is missing, then run every test: the workspace's Rust tests (engine unit tests, the CLI
# contract and truth tests against pyiceberg/deltalake/duckdb) built with clippy's lints as errors, the
# TypeScript bindings drift check,
# the UI's unit tests (vitest), and the end-to-end test of the real app window under Xvfb.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
step() { printf '\n\033[1;34m==> %s\033[0m (%ss)\n' "$*" "$(( $(date +%s) - start ))"; }

step "setup: system and UI packages"
scripts/setup.sh --app

# The UI once, before anything compiles the app: it embeds ui/dist, and a UI rebuilt later (by the E2E
# runner) would make every app target compile again.
step "build the UI"
(cd ui && npm run --silent build -- --logLevel warn)
export LAKESCOPE_UI_BUILT=1

# Clippy lints the workspace's own crates while they compile for the tests: clippy-driver wraps rustc
# for workspace members only (as `cargo clippy` itself does) and every warning is an error. One build
# instead of a test build plus a separate check build of every dependency; the E2E build below runs
# under the same wrapper, so it reuses these artifacts.
clippy-driver --version >/dev/null 2>&1 || rustup component add clippy
export RUSTC_WORKSPACE_WRAPPER=clippy-driver
export CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__"

step "build the workspace, its tests and the app, with clippy (in the background while the test tools install)"
mkdir -p target
build_log=target/test-build.log
# One build of the tests and every binary (the app's too, which no test builds): `--tests` brings in the
# dev-dependencies, so features resolve as `cargo test` resolves them and the test run below finds it all
# built. (`--all-targets` would also build test harnesses of the binaries, which have none.)
# A cold target (CI's every run) builds without incremental state, which only a rebuild could use.
[ -d target/debug/deps ] || export CARGO_INCREMENTAL=0
cargo build --workspace --bins --tests --locked > "$build_log" 2>&1 &
build_pid=$!
e2e_pid=
# If a later step fails, the script stops: do not leave the build or the E2E run (its own process group:
# Xvfb, tauri-driver, the app) running behind it.
trap '[ -n "${build_pid:-}" ] && kill "$build_pid" 2>/dev/null; [ -n "${e2e_pid:-}" ] && kill -- "-$e2e_pid" 2>/dev/null; true' EXIT

step "setup: test tools (their system packages, reference tools' venv, Azurite, tauri-driver)"
scripts/setup.sh --tools
export LAKESCOPE_PYTHON="$PWD/.venv/bin/python"
export LAKESCOPE_REST_PYTHON="$PWD/.venv-rest/bin/python"

step "test databases: PostgreSQL and MariaDB for the Hive Metastore tests"
eval "$(scripts/databases.sh)"

step "the OS keychain for the credentials tests and the E2E run: a D-Bus session bus with GNOME Keyring"
eval "$(scripts/keychain.sh)"

step "waiting for the build"
if ! wait "$build_pid"; then
  cat "$build_log" >&2
  echo "the build or clippy failed (log above: $build_log)" >&2
  exit 1
fi
grep -E "^(warning|error)" "$build_log" || true
build_pid=

# The E2E run and the Rust tests wait mostly on other processes (the app's window, Python, moto, Spark's
# History Server), so they run side by side. Both read the demo lakehouse in target/test-demo: build it
# once here, before either starts, so neither builds it under the other's feet.
step "the demo lakehouse both suites read"
target/debug/lakescope demo --dir target/test-demo --anchor 2026-11-30 --json > /dev/null

e2e_log=target/e2e.log
if [ -x tests/e2e/run.sh ]; then
  step "end-to-end: the real app window under Xvfb (tauri-driver + WebKitWebDriver), in the background (log: $e2e_log)"
  mkdir -p target/e2e
  LAKESCOPE_APP_BUILT=1 setsid -w tests/e2e/run.sh > "$e2e_log" 2>&1 &
  e2e_pid=$!
fi

step "cargo test (workspace)"
# Config and data dirs of the tests' own: nothing reads the user's sources file or migrates their store.
test_home="$PWD/target/test-home"
rm -rf "$test_home" && mkdir -p "$test_home"
# Four test threads on two cores: most integration tests wait on Python, moto, emulators or a JVM.
# The app kill loop (tests/it/app_kill.rs) launches the real app once per kill and SIGKILLs it while it
# writes its store (index refresh and scheduled collections), at points drawn from a new seed each run
# (`LAKESCOPE_KILL_SEED` replays one). Run alone it kills 50 times (114 s on 2026-12-02); CI kills 20
# times: the kill points span the store-writing window of a first launch, which under CI's load (the E2E
# run's app beside it) is many times longer than on a quiet machine, and 50 kills then took over 15
# minutes of the run (2026-12-02 clone run), the last test to finish.
export LAKESCOPE_APP_KILLS="${LAKESCOPE_APP_KILLS:-20}"
# A failure here is reported at the end, after the E2E run's log: one CI run then shows every failure.
rust_rc=0
XDG_CONFIG_HOME="$test_home/config" XDG_DATA_HOME="$test_home/data" RUST_TEST_THREADS="${RUST_TEST_THREADS:-4}" \
  cargo test --workspace --locked || rust_rc=$?

step "TypeScript bindings are up to date (generated by ts-rs during cargo test)"
if [ -n "$(git status --porcelain -- ui/src/bindings)" ]; then
  git status --porcelain -- ui/src/bindings
  git --no-pager diff -- ui/src/bindings | head -50
  echo "ui/src/bindings differs from what the Rust types generate: run cargo test and commit the bindings" >&2
  exit 1
fi

if [ -f ui/package.json ]; then
  step "UI unit tests (vitest)"
  (cd ui && npm test --silent)
fi

if [ -n "$e2e_pid" ]; then
  step "waiting for the end-to-end run"
  e2e_rc=0
  wait "$e2e_pid" || e2e_rc=$?
  e2e_pid=
  cat "$e2e_log"
  if [ "$e2e_rc" != 0 ]; then
    echo "the end-to-end run failed (exit $e2e_rc; log above: $e2e_log, screenshots in target/e2e/)" >&2
    exit 1
  fi
fi

if [ "$rust_rc" != 0 ]; then
  echo "cargo test failed (exit $rust_rc; its output is above the bindings check)" >&2
  exit 1
fi

if [ -x tests/e2e/install.sh ]; then
  step "install test: package the debug build as a .deb, dpkg -i, drive the installed app, dpkg -r"
  tests/e2e/install.sh
fi

step "all tests passed"
