#!/usr/bin/env bash
# Usage: bash tests/run_both.sh PYTEST
#
# `make test`: the whole suite on SQLite (browser tests included) and on PostgreSQL
# (tests/with_postgres.sh, without the browser tests), side by side, one per core: each
# writes only to its own temporary directories and ports, so they do not meet. Each run's
# output is shown whole when it ends (SQLite first); both always run, and any non-zero
# pytest status fails the target, including 5 (= no tests collected).
set -uo pipefail

[ $# -eq 1 ] || { echo "usage: $0 PYTEST" >&2; exit 2; }
PYTEST=$1
LOGS=$(mktemp -d)
trap 'rm -rf "$LOGS"' EXIT

start=$(date +%s)
"$PYTEST" >"$LOGS/sqlite.log" 2>&1 &
sqlite=$!
# PostgreSQL leaves out the browser tests and the crawls of the words on every page
# (marker "words": what the pages say is the same on both databases; the escaping walk and
# the permission matrix still walk the pages on PostgreSQL)
bash "$(dirname "${BASH_SOURCE[0]}")/with_postgres.sh" "$PYTEST" -m "not e2e and not words" >"$LOGS/pg.log" 2>&1 &
pg=$!

status=0
wait "$sqlite"; s_rc=$?
echo "== pytest on SQLite (exit $s_rc, $(( $(date +%s) - start )) s) =="
cat "$LOGS/sqlite.log"
wait "$pg"; p_rc=$?
echo "== pytest on PostgreSQL (exit $p_rc, $(( $(date +%s) - start )) s) =="
cat "$LOGS/pg.log"
[ "$s_rc" -eq 0 ] || status=$s_rc
[ "$p_rc" -eq 0 ] || status=$p_rc
exit "$status"
