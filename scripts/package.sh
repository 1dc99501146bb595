#!/usr/bin/env bash
# Package the desktop app as a Debian package: target/<profile>/bundle/deb/Lakescope_<version>_amd64.deb
# with the app (/usr/bin/lakescope-app), its icons and desktop entry, and the `lakescope` CLI beside it
# (/usr/bin/lakescope).
#
#   scripts/package.sh              debug build (what CI installs and tests: tests/e2e/install.sh)
#   scripts/package.sh --release    release build (slow: ~10 minutes on 2 cores)
#
# Why `cargo build` and then `tauri bundle` rather than `tauri build`: `tauri build` runs `cargo build`
# for the app crate alone (adding `tauri/custom-protocol`), and a one-package build resolves features
# differently from the workspace build the tests and the E2E made (here `cargo test -p lakescope-cli`
# after it recompiles the engine: minutes on 2 cores); it also never builds the CLI the package carries.
# Building every workspace target exactly as tests/e2e/run.sh does finds everything fresh (checked with
# `cargo build -v`: all 529 units Fresh); `tauri bundle` then only packs what is built, so the packaged
# app is the very binary the E2E drove (tests/e2e/install.sh compares them byte for byte). The binary is not patched with the bundle type
# (`--no-binary-patching`): that is for Tauri's updater, which Lakescope does not use, and patching would
# rewrite the tested binary in place.
#
# AppImage: tauri's bundler downloads linuxdeploy and its plugins from GitHub at bundle time; where GitHub
# is not reachable (this project's CI) it cannot be built, so this script builds the .deb only.
# `LAKESCOPE_BUNDLES=deb,appimage scripts/package.sh` tries both.
set -euo pipefail
cd "$(dirname "$0")/.."

profile=debug
cargo_profile=()
tauri_profile=(--debug)
if [ "${1:-}" = "--release" ]; then
  profile=release
  cargo_profile=(--release)
  tauri_profile=()
fi
step() { printf '\033[1;34m[package]\033[0m %s\n' "$*"; }

[ -x ui/node_modules/.bin/tauri ] || (cd ui && npm ci --no-audit --no-fund --loglevel=error)

# The app embeds ui/dist at compile time: build it unless the caller just did (scripts/test-all.sh).
if [ -z "${LAKESCOPE_UI_BUILT:-}" ] || [ ! -f ui/dist/index.html ]; then
  step "building the UI"
  (cd ui && npm run --silent build -- --logLevel warn)
fi

step "building the CLI and the app ($profile)"
if [ "$profile" = debug ]; then
  # Every target, as tests/e2e/run.sh builds them: the same features, so nothing compiles twice.
  cargo build --workspace --all-targets
else
  cargo build -q "${cargo_profile[@]}" -p lakescope-cli -p lakescope-app
fi

step "bundling (${LAKESCOPE_BUNDLES:-deb})"
# The CLI's path depends on the profile, so it is mapped here rather than in tauri.conf.json.
files="{\"bundle\":{\"linux\":{\"deb\":{\"files\":{\"/usr/bin/lakescope\":\"../target/$profile/lakescope\"}}}}}"
rm -rf "target/$profile/bundle/deb"
(cd src-tauri && ../ui/node_modules/.bin/tauri bundle "${tauri_profile[@]}" --ci --no-binary-patching \
  --bundles "${LAKESCOPE_BUNDLES:-deb}" --config "$files")

deb=$(ls "target/$profile/bundle/deb/"*.deb)
step "built $deb ($(du -h "$deb" | cut -f1))"
