#!/usr/bin/env bash
# Install test of the Debian package, as a user would meet it: package the debug build the E2E just drove
# (scripts/package.sh: no recompile), `dpkg -i` it, check what it installed (both binaries and their
# version, the desktop entry, the icons), start the INSTALLED app under Xvfb through tauri-driver (the
# "installed" E2E scenario: window, title, the demo's tables, About vs `lakescope --version`), then
# `dpkg -r` it and check every file it installed is gone. Needs root (or sudo) for dpkg.
#
#   tests/e2e/install.sh            package (if needed), install, drive, remove
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ -z "${DISPLAY:-}" ]; then
  command -v xvfb-run >/dev/null || { echo "no DISPLAY and no xvfb-run: apt-get install xvfb" >&2; exit 1; }
  exec xvfb-run -a -s "-screen 0 1440x900x24" "$0" "$@"
fi

start=$(date +%s)
say() { printf '\033[1;34m[install]\033[0m %s (%ss)\n' "$*" "$(( $(date +%s) - start ))"; }
fail() { echo "install test: $*" >&2; exit 1; }
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || fail "dpkg -i needs root: run as root or install sudo"
  SUDO="sudo"
fi
command -v desktop-file-validate >/dev/null || fail "desktop-file-validate missing: apt-get install desktop-file-utils"

say "packaging the debug build (scripts/package.sh)"
scripts/package.sh
deb=$(ls target/debug/bundle/deb/*.deb)
pkg=$(dpkg-deb -f "$deb" Package)
version=$(dpkg-deb -f "$deb" Version)
built_version=$(target/debug/lakescope --version)
[ "lakescope $version" = "${built_version%% (*}" ] \
  || fail "package version $version differs from the built CLI's: $built_version"
for dep in libwebkit2gtk-4.1-0 libgtk-3-0; do
  dpkg-deb -f "$deb" Depends | grep -q "$dep" || fail "$deb does not depend on $dep: $(dpkg-deb -f "$deb" Depends)"
done

if dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
  fail "$pkg is already installed on this machine; remove it first (dpkg -r $pkg): this test removes what it installs"
fi
say "installing $deb ($pkg $version)"
# From here on, whatever happens, the machine is left without the package.
trap '$SUDO dpkg -r "$pkg" >/dev/null 2>&1 || true' EXIT
if ! $SUDO dpkg -i "$deb"; then
  say "dpkg -i stopped on missing dependencies: apt-get -f install"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -f -y -qq
fi
mapfile -t files < <(dpkg -L "$pkg" | while read -r f; do [ -f "$f" ] && echo "$f"; done)

say "checking what $pkg installed (${#files[@]} files)"
[ "$(/usr/bin/lakescope --version)" = "$built_version" ] \
  || fail "/usr/bin/lakescope --version says '$(/usr/bin/lakescope --version)', the build says '$built_version'"
cmp -s /usr/bin/lakescope-app target/debug/lakescope-app || fail "/usr/bin/lakescope-app is not the binary the E2E drove"
desktop=$(printf '%s\n' "${files[@]}" | grep '^/usr/share/applications/.*\.desktop$') \
  || fail "no desktop entry in $pkg"
desktop-file-validate "$desktop" || fail "$desktop does not validate"
for key in "Name=Lakescope" "Exec=lakescope-app" "Categories=Development;" "Comment=" "Icon=lakescope-app" "Type=Application"; do
  grep -q "^$key" "$desktop" || fail "$desktop has no $key line: $(tr "\n" " " < "$desktop")"
done
icon=/usr/share/icons/hicolor/128x128/apps/lakescope-app.png
[ -s "$icon" ] || fail "no icon at $icon; installed: $(printf '%s\n' "${files[@]}" | grep icons)"
cmp -s "$icon" icons/128x128.png || fail "$icon is not icons/128x128.png"

say "starting the installed app under Xvfb (E2E scenario \"installed\")"
LAKESCOPE_APP=/usr/bin/lakescope-app LAKESCOPE_CLI=/usr/bin/lakescope E2E_SCENARIOS=installed \
  WEBKIT_DISABLE_DMABUF_RENDERER=1 PATH="$HOME/.cargo/bin:$PATH" node tests/e2e/e2e.mjs

say "removing $pkg"
$SUDO dpkg -r "$pkg" >/dev/null
trap - EXIT
for f in "${files[@]}"; do
  [ ! -e "$f" ] || fail "$f is still there after dpkg -r $pkg"
done
! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || fail "$pkg still installed"
say "ok: $pkg $version installed, drove the installed app, removed (${#files[@]} files gone)"
