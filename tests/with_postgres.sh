#!/usr/bin/env bash
# Usage: bash tests/with_postgres.sh CMD [ARGS...]
#
# Starts a throw-away PostgreSQL server (Debian's /usr/lib/postgresql/*/bin, newest
# version) on a free port on 127.0.0.1, creates role "linli" and database "linli_test",
# runs CMD with
#   LINLI_TEST_DATABASE_URL=postgresql://linli@127.0.0.1:PORT/linli_test
#   LINLI_TEST_PG_ADMIN_URL=postgresql://postgres@127.0.0.1:PORT/postgres
# and that version's client tools (psql, pg_dump, pg_restore) first on PATH, then stops
# the server, deletes everything and exits with CMD's status.
set -euo pipefail

[ $# -gt 0 ] || { echo "usage: $0 CMD [ARGS...]" >&2; exit 2; }

PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
  echo "with_postgres: no /usr/lib/postgresql/*/bin/initdb (run: make sysdeps)" >&2
  exit 2
fi

# initdb/postgres refuse to run as root: run the server as the "postgres" user then.
as_pg() {
  if [ "$(id -u)" -ne 0 ]; then
    "$@"
  elif command -v runuser >/dev/null; then
    runuser -u postgres -- "$@"
  else
    su -s /bin/sh postgres -c 'exec "$0" "$@"' -- "$@"
  fi
}
if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
  echo "with_postgres: running as root but there is no 'postgres' user" >&2
  exit 2
fi

ORIG_PWD=$PWD
TMPDIR_PG=$(mktemp -d)
DATA=$TMPDIR_PG/data
SOCK=$TMPDIR_PG/sock
LOG=$TMPDIR_PG/postgres.log
mkdir "$SOCK"
[ "$(id -u)" -ne 0 ] || chown -R postgres: "$TMPDIR_PG"
# The server user may not be able to read our working directory (e.g. /root/...).
cd "$TMPDIR_PG"

started=
cleanup() {
  if [ -n "$started" ]; then
    as_pg "$PGBIN/pg_ctl" -D "$DATA" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$TMPDIR_PG"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail() {
  echo "with_postgres: $1" >&2
  [ -f "$2" ] && cat "$2" >&2
  exit 2
}

initdb_opts=(--pgdata="$DATA" --username=postgres --auth=trust --encoding=UTF8 --no-sync)
if ! as_pg "$PGBIN/initdb" "${initdb_opts[@]}" --locale=C.UTF-8 >"$TMPDIR_PG/initdb.log" 2>&1; then
  as_pg rm -rf "$DATA"
  as_pg "$PGBIN/initdb" "${initdb_opts[@]}" --locale=C >"$TMPDIR_PG/initdb.log" 2>&1 ||
    fail "initdb failed" "$TMPDIR_PG/initdb.log"
fi

started=1  # from here on, always try to stop the server on exit
# A free port can be taken by someone else before the server binds it: retry a few times.
for attempt in 1 2 3; do
  PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  if as_pg "$PGBIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 \
      -o "-h 127.0.0.1 -p $PORT -k $SOCK -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      start >/dev/null; then
    break
  fi
  [ "$attempt" -lt 3 ] || fail "could not start PostgreSQL" "$LOG"
done

"$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 "postgresql://postgres@127.0.0.1:$PORT/postgres" \
  -c 'CREATE ROLE linli LOGIN CREATEDB' \
  -c 'CREATE DATABASE linli_test OWNER linli' >/dev/null

export LINLI_TEST_DATABASE_URL="postgresql://linli@127.0.0.1:$PORT/linli_test"
export LINLI_TEST_PG_ADMIN_URL="postgresql://postgres@127.0.0.1:$PORT/postgres"
export PATH="$PGBIN:$PATH"

cd "$ORIG_PWD"
status=0
"$@" || status=$?
exit "$status"
