#!/usr/bin/env bash
# bench/seed_import.sh [LINES] — time `fluxwatch seed add` on a generated
# list of LINES (default 1,000,000) distinct names, first import and
# re-import, into a scratch database on the PG* server. Prints lines/s and,
# as the reference from the same run, psql's own \copy of the same file
# into a bare one-column table.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-1000000}
fw=${FW_BIN:-$top/_build/fluxwatch}
tmp=$(mktemp -d)
db=fwbench_seed_$$
trap 'dropdb --force "$db" >/dev/null 2>&1; rm -rf "$tmp"' EXIT
createdb "$db"
export PGDATABASE=$db
awk -v n="$n" 'BEGIN { for (i = 0; i < n; i++) printf "host-%d.bench%d.example\n", i, i % 97 }' >"$tmp/list"
"$fw" -q db init
now() { date +%s.%N; }
t0=$(now); "$fw" seed add --list bench "$tmp/list" >/dev/null; t1=$(now)
"$fw" seed add --list bench "$tmp/list" >/dev/null; t2=$(now)
psql -qc 'CREATE TABLE ref (name text)'
t3=$(now); psql -qc "\\copy ref FROM '$tmp/list'"; t4=$(now)
awk -v n="$n" -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" -v e="$t4" 'BEGIN {
	printf "seed import: %d lines, first %.2f s (%.0f lines/s), re-import %.2f s\n", n, b-a, n/(b-a), c-b
	printf "reference psql \\copy: %.2f s (%.0f lines/s); import/reference time ratio %.2f\n", e-d, n/(e-d), (b-a)/(e-d)
}'
