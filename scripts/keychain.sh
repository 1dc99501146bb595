#!/usr/bin/env bash
# Start a real OS keychain for the tests on a machine with no desktop session: a D-Bus session bus and
# GNOME Keyring's Secret Service on it (the service Lakescope's credentials module talks to on Linux),
# with a throwaway, unlocked "login" collection under target/keychain/. Print the exports the tests and
# the E2E run read. Idempotent: a Secret Service already answering on the exported bus is reused.
#
#   eval "$(scripts/keychain.sh)"     # exports DBUS_SESSION_BUS_ADDRESS (and LAKESCOPE_KEYCHAIN=1)
#   scripts/keychain.sh --stop        # stops the bus and the daemon this script started
#
# The keyring holds test secrets only; its password is a fixed test password (gnome-keyring creates no
# login collection for an empty one). Progress goes to stderr, the exports to stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD/target/keychain"
log() { printf '\033[1;34m[keychain]\033[0m %s\n' "$*" >&2; }

stop() {
  for f in "$root/keyring.pid" "$root/dbus.pid"; do
    [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null || true
    rm -f "$f"
  done
}
if [ "${1:-}" = "--stop" ]; then stop; exit 0; fi

for tool in dbus-daemon gnome-keyring-daemon secret-tool; do
  command -v "$tool" >/dev/null || { echo "$tool not found: run scripts/setup.sh" >&2; exit 1; }
done

# A Secret Service is "up" when a lookup answers (found or not: exit 0 or 1, not a D-Bus error).
answers() {
  local out
  out="$(DBUS_SESSION_BUS_ADDRESS="$1" timeout 5 secret-tool lookup service lakescope-probe username probe 2>&1)" && return 0
  [ -z "$out" ]
}

if [ -f "$root/bus" ] && answers "$(cat "$root/bus")"; then
  log "Secret Service already running on $(cat "$root/bus")"
else
  stop
  rm -rf "$root" && mkdir -p "$root/data" "$root/runtime" && chmod 700 "$root/runtime"
  bus_info="$(dbus-daemon --session --fork --print-address=1 --print-pid=1 --address="unix:path=$root/bus.sock")"
  printf '%s\n' "$bus_info" | sed -n 1p > "$root/bus"
  printf '%s\n' "$bus_info" | sed -n 2p > "$root/dbus.pid"
  bus="$(cat "$root/bus")"
  log "D-Bus session bus on $bus; starting gnome-keyring-daemon (secrets)"
  # --unlock reads the login collection's password on stdin and creates the collection when it is new.
  # In the foreground of a background job, so that its pid is ours to stop (not another session's daemon).
  (printf 'lakescope-test' | DBUS_SESSION_BUS_ADDRESS="$bus" XDG_DATA_HOME="$root/data" XDG_RUNTIME_DIR="$root/runtime" \
    gnome-keyring-daemon --foreground --unlock --components=secrets >"$root/daemon.log" 2>&1 &
   echo $! > "$root/keyring.pid")
  # Wait for the daemon to own the name without asking the service anything: a request before then
  # would make the bus start a second, auto-activated daemon beside ours.
  owned() {
    DBUS_SESSION_BUS_ADDRESS="$bus" dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
      org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q "boolean true"
  }
  for _ in $(seq 1 80); do owned && break; sleep 0.1; done
  answers "$bus" || { echo "the Secret Service did not come up on $bus" >&2; exit 1; }
fi

echo "export DBUS_SESSION_BUS_ADDRESS=$(cat "$root/bus")"
echo "export LAKESCOPE_KEYCHAIN=1"
