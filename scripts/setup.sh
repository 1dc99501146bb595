#!/usr/bin/env bash
# Install what Lakescope's build, app and tests need and is missing on this machine (Debian 12):
# system packages for Tauri v2 and headless runs, the Python venv with the reference tools, the UI's npm
# packages, and tauri-driver. Safe to run again: it only installs what is missing.
#
#   scripts/setup.sh            everything
#   scripts/setup.sh --app      only what building and running the app needs (system packages, UI packages)
#   scripts/setup.sh --tools    only the test tools (reference tools' venv, Azurite, tauri-driver); the test
#                               command runs this while the Rust build runs in the background
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-all}"

log() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }

if [ "$mode" != "--tools" ]; then
# --- system packages ------------------------------------------------------------------------------
apt_pkgs=(libwebkit2gtk-4.1-dev libgtk-3-dev librsvg2-dev libayatana-appindicator3-dev libsoup-3.0-dev
  build-essential pkg-config libssl-dev libxdo-dev file xvfb webkit2gtk-driver imagemagick
  openjdk-17-jre-headless  # Java 17: Spark and its History Server in the Spark tests
  postgresql mariadb-server  # backing databases of the Hive Metastore tests (scripts/databases.sh)
  desktop-file-utils x11-utils  # the .deb install test: validate the desktop entry, find the X window
  libdbus-1-dev dbus-daemon gnome-keyring libsecret-tools dbus-x11)  # the OS keychain: Secret Service client, a headless one, secret-tool
missing=()
for p in "${apt_pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing system packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# --- Rust -----------------------------------------------------------------------------------------
command -v cargo >/dev/null || { echo "cargo not found: install Rust (rustup) first" >&2; exit 1; }

# --- UI packages ----------------------------------------------------------------------------------
if [ -f ui/package-lock.json ]; then
  if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
    log "installing UI packages (npm ci)"
    (cd ui && npm ci --no-audit --no-fund --loglevel=error)
  fi
fi

fi
[ "$mode" = "--app" ] && exit 0

# --- reference tools (pyiceberg, deltalake, duckdb) in .venv --------------------------------------
if [ ! -x .venv/bin/python ]; then
  log "creating .venv"
  python3 -m venv .venv
fi
if ! .venv/bin/python - <<'PY' 2>/dev/null
import importlib.metadata as m, re, sys
for line in open("tests/py/requirements.txt"):
    line = line.split("#")[0].strip()
    if not line:
        continue
    name, ver = line.split("==")
    if m.version(re.sub(r"\[.*\]", "", name)) != ver:
        sys.exit(1)
PY
then
  log "installing reference tools into .venv"
  .venv/bin/python -m pip install -q --disable-pip-version-check -r tests/py/requirements.txt
fi

# --- a real Iceberg REST catalog server (lakana-server) in .venv-rest --------------------------------
if [ ! -x .venv-rest/bin/python ]; then
  log "creating .venv-rest"
  python3 -m venv .venv-rest
fi
if ! .venv-rest/bin/python -c 'import importlib.metadata as m, sys; sys.exit(m.version("lakana-server") != "0.20.0")' 2>/dev/null; then
  log "installing the REST catalog server into .venv-rest"
  .venv-rest/bin/python -m pip install -q --disable-pip-version-check -r tests/py/requirements-rest.txt
fi

# --- Azurite, the Azure Blob emulator of the object-storage tests (tests/objstore/package.json) -------
if [ ! -x tests/objstore/node_modules/.bin/azurite-blob ] \
  || [ tests/objstore/package-lock.json -nt tests/objstore/node_modules/.package-lock.json ]; then
  log "installing Azurite (npm ci in tests/objstore)"
  (cd tests/objstore && npm ci --no-audit --no-fund --loglevel=error)
fi

# --- tauri-driver for the E2E tests ----------------------------------------------------------------
if ! command -v tauri-driver >/dev/null && [ ! -x "$HOME/.cargo/bin/tauri-driver" ]; then
  # A debug build: it only relays WebDriver requests, and debug compiles in about half the time.
  log "installing tauri-driver"
  cargo install tauri-driver --locked -q --debug
fi
log "ready"
