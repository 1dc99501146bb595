#!/usr/bin/env bash
# Run the Lakescope desktop app on the demo lakehouse: install what is missing, build, launch.
#
# With a display the window opens as usual (first launch builds the demo lakehouse into the user's
# data dir; later launches reuse it). Without one (a server, CI) the app runs under Xvfb until its
# table list is painted, a screenshot is saved to target/run-app.png, and the app is closed.
#
#   scripts/run-app.sh
#   LAKESCOPE_SOURCES=my-sources.toml scripts/run-app.sh     browse your own sources instead
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh --app
(cd ui && npm run --silent build -- --logLevel warn)
cargo build -p lakescope-app
app=target/debug/lakescope-app

if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; then
  exec "$app"
fi

# Headless: a virtual display, the app's log watched for its first painted table list, a screenshot.
shot="$PWD/target/run-app.png"
log="$PWD/target/app-headless.log"
export WEBKIT_DISABLE_DMABUF_RENDERER=1
display=":$(( 90 + RANDOM % 100 ))"
Xvfb "$display" -screen 0 1440x900x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
trap 'kill "${app_pid:-}" "$xvfb" 2>/dev/null || true' EXIT
sleep 0.5
DISPLAY="$display" "$app" >"$log" 2>&1 &
app_pid=$!
echo "app running headless on $display (log: $log); waiting for the table list (first launch builds the demo)…"
for _ in $(seq 1 1800); do
  if grep -q "table list painted" "$log"; then break; fi
  if ! kill -0 "$app_pid" 2>/dev/null; then echo "the app exited early:" >&2; cat "$log" >&2; exit 1; fi
  sleep 0.2
done
grep -q "table list painted" "$log" || { echo "no table list after 6 minutes; log: $log" >&2; exit 1; }
sleep 1 # let the frame after the mark settle
DISPLAY="$display" import -window root "$shot"
grep "table list painted" "$log"
echo "screenshot: $shot"
