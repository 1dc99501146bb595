#!/usr/bin/env bash
# End-to-end test of the real desktop app: build the UI and the app (debug, UI embedded), start a
# virtual display when there is none, and drive the window through tauri-driver + WebKitWebDriver
# (tests/e2e/e2e.mjs). Screenshots land in target/e2e/*.png; cold-start timings are printed.
#
#   tests/e2e/run.sh                       every scenario (demo, lake, nosources, coldstart, spark, learn, overview, learn-maintenance, trainer)
#   E2E_SCENARIOS=lake tests/e2e/run.sh    one of them
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ -z "${DISPLAY:-}" ]; then
  command -v xvfb-run >/dev/null || { echo "no DISPLAY and no xvfb-run: apt-get install xvfb" >&2; exit 1; }
  exec xvfb-run -a -s "-screen 0 1440x900x24" "$0" "$@"
fi

command -v WebKitWebDriver >/dev/null || { echo "WebKitWebDriver missing: apt-get install webkit2gtk-driver" >&2; exit 1; }
command -v import >/dev/null || { echo "ImageMagick's import missing (screenshots): apt-get install imagemagick" >&2; exit 1; }
export PATH="$HOME/.cargo/bin:$PATH"
if ! command -v tauri-driver >/dev/null; then
  echo "installing tauri-driver (cargo install tauri-driver --locked --debug)"
  cargo install tauri-driver --locked -q --debug
fi

if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
  (cd ui && npm ci --no-audit --no-fund --loglevel=error)
fi
# scripts/test-all.sh builds the UI before its first compile and says so; run alone, build it here.
if [ -z "${LAKESCOPE_UI_BUILT:-}" ]; then
  (cd ui && npm run --silent build -- --logLevel warn)
fi
# The binaries and the tests, as scripts/test-all.sh builds them: with the tests' dev-dependencies in the
# build, features resolve exactly as for `cargo test --workspace`, so the test run and this one share
# artifacts instead of building iceberg, the engine and the app twice with different features.
# scripts/test-all.sh has built them already (LAKESCOPE_APP_BUILT) and runs the Rust tests beside this run.
if [ -z "${LAKESCOPE_APP_BUILT:-}" ]; then
  cargo build -q --workspace --bins --tests
fi

if [ -z "${LAKESCOPE_PYTHON:-}" ]; then
  if [ -x .venv/bin/python ]; then export LAKESCOPE_PYTHON="$PWD/.venv/bin/python"; else export LAKESCOPE_PYTHON=python3; fi
fi
# Settings' credentials check needs an OS keychain: start the tests' own when none is exported.
if [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ] && command -v gnome-keyring-daemon >/dev/null; then
  eval "$(scripts/keychain.sh)"
fi
# Quiet WebKit's GPU probing on machines without one (Xvfb): software rendering is what we get anyway.
export WEBKIT_DISABLE_DMABUF_RENDERER=1
exec node tests/e2e/e2e.mjs
