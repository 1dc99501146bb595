#!/usr/bin/env bash
# Install what Lakescope's build, app and tests need and is missing on this machine (Debian 12):
# system packages for Tauri v2 and headless runs, the Python venv with the reference tools, the UI's npm
# packages, and tauri-driver. Safe to run again: it only installs what is missing.
#
#   scripts/setup.sh            everything
#   scripts/setup.sh --app      only what building and running the app needs (system packages, UI packages)
#   scripts/setup.sh --tools    only the test tools (their system packages, the reference tools' venv, Azurite,
#                               tauri-driver); the test command runs this while the Rust build runs
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-all}"

log() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }

# --- system packages ------------------------------------------------------------------------------
# Two sets, so the test command can start compiling after the first: what building and running the app
# needs, and what only the tests need (installed while the build runs).
app_pkgs=(libwebkit2gtk-4.1-dev libgtk-3-dev librsvg2-dev libayatana-appindicator3-dev libsoup-3.0-dev
  build-essential pkg-config libssl-dev libxdo-dev file
  libdbus-1-dev  # the keychain client (Secret Service over D-Bus) the engine links
  xvfb imagemagick)  # a headless run of the app, and its screenshot
test_pkgs=(webkit2gtk-driver  # WebKitWebDriver, which tauri-driver drives in the E2E tests
  openjdk-17-jre-headless  # Java 17: Spark and its History Server in the Spark tests
  postgresql mariadb-server  # backing databases of the Hive Metastore tests (scripts/databases.sh)
  desktop-file-utils x11-utils  # the .deb install test: validate the desktop entry, find the X window
  dbus-daemon gnome-keyring libsecret-tools dbus-x11)  # a headless OS keychain (scripts/keychain.sh), secret-tool
install_missing() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -gt 0 ] || return 0
  log "installing system packages: ${missing[*]}"
  local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  # One package-list update per hour is enough (the test command calls this twice).
  if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mmin -60 2>/dev/null | head -1)" ]; then
    $sudo apt-get update -qq
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}
case "$mode" in
  --app) install_missing "${app_pkgs[@]}" ;;
  --tools) install_missing "${test_pkgs[@]}" ;;
  *) install_missing "${app_pkgs[@]}" "${test_pkgs[@]}" ;;
esac

if [ "$mode" != "--tools" ]; then
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
