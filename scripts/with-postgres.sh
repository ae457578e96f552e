#!/usr/bin/env bash
# Runs a command with INKASO_TEST_PG_URL pointing at a PostgreSQL server the tests may use:
#   1. INKASO_TEST_PG_URL when it is set;
#   2. postgres://postgres@127.0.0.1:5432/test when it answers;
#   3. otherwise a throw-away cluster (initdb + pg_ctl in a temp dir, a free port), stopped
#      and deleted when the command ends, however it ends.
# INKASO_TEST_PG_THROWAWAY=1 forces 3 (to test this script, or to keep a shared server clean).
set -euo pipefail

default_url="postgres://postgres@127.0.0.1:5432/test"

answers() { psql "$1" -Atqc 'select 1' >/dev/null 2>&1; }

if [ -n "${INKASO_TEST_PG_URL:-}" ]; then
  answers "$INKASO_TEST_PG_URL" || { echo "error: INKASO_TEST_PG_URL=$INKASO_TEST_PG_URL does not answer" >&2; exit 1; }
  exec "$@"
fi
if [ "${INKASO_TEST_PG_THROWAWAY:-0}" != 1 ] && answers "$default_url"; then
  export INKASO_TEST_PG_URL="$default_url"
  exec "$@"
fi

# Debian keeps the server binaries out of PATH, one directory per major version: take the newest.
initdb=$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1 || true)
[ -n "$initdb" ] || initdb=$(readlink -f "$(command -v initdb 2>/dev/null || echo /nonexistent)")
bindir=$(dirname "$initdb")
[ -x "$bindir/initdb" ] || { echo "error: PostgreSQL's initdb not found: apt-get install postgresql" >&2; exit 1; }

dir=$(mktemp -d /tmp/inkaso-pg.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as_pg=()
if [ "$(id -u)" -eq 0 ]; then
  # PostgreSQL refuses to run as root: the cluster belongs to the postgres user.
  id postgres >/dev/null 2>&1 || useradd --system --home-dir "$dir" postgres
  chown postgres "$dir"
  as_pg=(runuser -u postgres --)
fi

stop() {
  "${as_pg[@]}" "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT INT TERM

echo "==> Starting a throw-away PostgreSQL on 127.0.0.1:$port"
"${as_pg[@]}" "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
  || { cat "$dir/initdb.log" >&2; exit 1; }
"${as_pg[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off" start >/dev/null
psql "postgres://postgres@127.0.0.1:$port/postgres" -qc 'CREATE DATABASE test' >/dev/null

export INKASO_TEST_PG_URL="postgres://postgres@127.0.0.1:$port/test"
"$@"
