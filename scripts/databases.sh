#!/usr/bin/env bash
# Start a throwaway PostgreSQL and a throwaway MariaDB for the Hive Metastore tests, in directories under
# target/db/ on loopback ports, and print the URLs the tests read. Idempotent: a server already answering
# on its port is reused. Usable by hand:
#
#   eval "$(scripts/databases.sh)"     # exports LAKESCOPE_TEST_PG_URL and LAKESCOPE_TEST_MYSQL_URL
#   scripts/databases.sh --stop        # stops both
#
# Both servers hold test data only (the tests create and drop their own databases); the password is a
# fixed test password, never a real credential. Progress goes to stderr, the exports to stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD/target/db"
pg_port="${LAKESCOPE_TEST_PG_PORT:-55432}"
my_port="${LAKESCOPE_TEST_MYSQL_PORT:-53306}"
password="lakescope-test"
log() { printf '\033[1;34m[databases]\033[0m %s\n' "$*" >&2; }

pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
[ -x "$pg_bin/pg_ctl" ] || { echo "PostgreSQL server binaries not found: run scripts/setup.sh" >&2; exit 1; }
command -v mariadbd >/dev/null || [ -x /usr/sbin/mariadbd ] || { echo "mariadbd not found: run scripts/setup.sh" >&2; exit 1; }

# PostgreSQL refuses to run as root: the cluster belongs to the `postgres` user Debian's package creates.
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

if [ "${1:-}" = "--stop" ]; then
  for d in "$root/pg" "${TMPDIR:-/tmp}/lakescope-test-pg-$pg_port"; do
    [ -f "$d/postmaster.pid" ] && as_pg "$pg_bin/pg_ctl" -D "$d" -m fast stop >&2 || true
  done
  if [ -f "$root/mysql.pid" ] && kill "$(cat "$root/mysql.pid")" 2>/dev/null; then
    for _ in $(seq 1 120); do kill -0 "$(cat "$root/mysql.pid" 2>/dev/null)" 2>/dev/null || break; sleep 0.25; done
  fi
  exit 0
fi

mkdir -p "$root"
pg_dir="$root/pg"
if [ "$(id -u)" -eq 0 ]; then
  # The postgres user must reach its data directory; a checkout under a private home cannot be.
  if ! runuser -u postgres -- test -x "$root"; then
    pg_dir="${TMPDIR:-/tmp}/lakescope-test-pg-$pg_port"
    log "postgres cannot reach $root; keeping the PostgreSQL cluster in $pg_dir"
  fi
  mkdir -p "$(dirname "$pg_dir")"
  chown postgres "$root" 2>/dev/null || true
fi

# --- PostgreSQL ---------------------------------------------------------------------------------------
if "$pg_bin/pg_isready" -q -h 127.0.0.1 -p "$pg_port"; then
  log "PostgreSQL already running on 127.0.0.1:$pg_port"
else
  if [ ! -f "$pg_dir/PG_VERSION" ]; then
    log "initialising PostgreSQL in $pg_dir"
    rm -rf "$pg_dir"
    pwfile="$(mktemp)"; printf '%s\n' "$password" >"$pwfile"; chmod 644 "$pwfile"
    as_pg "$pg_bin/initdb" -D "$pg_dir" -U postgres --auth=scram-sha-256 --pwfile="$pwfile" \
      --no-sync -E UTF8 --locale=C.UTF-8 >/dev/null
    rm -f "$pwfile"
  fi
  log "starting PostgreSQL on 127.0.0.1:$pg_port"
  as_pg "$pg_bin/pg_ctl" -D "$pg_dir" -l "$pg_dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $pg_dir -c fsync=off -c full_page_writes=off" start >/dev/null \
    || { tail -20 "$pg_dir/server.log" >&2; exit 1; }
fi

# --- MariaDB ------------------------------------------------------------------------------------------
my_sock="$root/mysql.sock"
my_ready() { mariadb-admin --protocol=tcp -h 127.0.0.1 -P "$my_port" -u lakescope -p"$password" ping >/dev/null 2>&1; }
if my_ready; then
  log "MariaDB already running on 127.0.0.1:$my_port"
else
  fresh=0
  if [ ! -d "$root/mysql/mysql" ]; then
    log "initialising MariaDB in $root/mysql"
    rm -rf "$root/mysql"
    mariadb-install-db --user=root --datadir="$root/mysql" --auth-root-authentication-method=socket \
      --skip-test-db >/dev/null
    fresh=1
  fi
  log "starting MariaDB on 127.0.0.1:$my_port"
  (mariadbd --no-defaults --user=root --datadir="$root/mysql" --port="$my_port" --bind-address=127.0.0.1 \
    --socket="$my_sock" --pid-file="$root/mysql.pid" --skip-name-resolve --innodb-flush-log-at-trx-commit=0 \
    --log-error="$root/mysql.log" </dev/null >/dev/null 2>&1 &)
  for _ in $(seq 1 120); do
    mariadb-admin --socket="$my_sock" -u root ping >/dev/null 2>&1 && break
    sleep 0.25
  done
  mariadb-admin --socket="$my_sock" -u root ping >/dev/null 2>&1 || { cat "$root/mysql.log" >&2; exit 1; }
  if [ "$fresh" = 1 ] || ! my_ready; then
    mariadb --socket="$my_sock" -u root <<SQL
CREATE USER IF NOT EXISTS 'lakescope'@'%' IDENTIFIED BY '$password';
GRANT ALL PRIVILEGES ON *.* TO 'lakescope'@'%' WITH GRANT OPTION;
FLUSH PRIVILEGES;
SQL
  fi
fi

echo "export LAKESCOPE_TEST_PG_URL=postgres://postgres:$password@127.0.0.1:$pg_port/postgres"
echo "export LAKESCOPE_TEST_MYSQL_URL=mysql://lakescope:$password@127.0.0.1:$my_port/mysql"
