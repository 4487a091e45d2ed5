#!/usr/bin/env bash
# bench/crawl_bench.sh [NAMES] — end-to-end crawler throughput against dnsperf
# in the same run, on the same warm lab vantage and the same query mix.
#
# Builds a static zone of NAMES (default 50,000) names, serves it through one
# Unbound vantage of the flux lab with a cache large enough to hold every
# answer, warms that cache, then measures:
#   reference: dnsperf, the A/AAAA/NS query mix of every name, once through;
#   fluxwatch: `crawl --once` over the same names, responses STORED in
#              PostgreSQL per second (wall clock of the whole run, flush included).
# Prints both rates, their ratio and the crawler's peak RSS.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-50000}
fw=${FW_BIN:-$top/_build/fluxwatch}
tmp=$(mktemp -d)
export LAB_RUN=$tmp/lab LAB_NET=${BENCH_NET:-127.0.40}
db=fwbench_crawl_$$
trap '"$top/lab/labctl" stop >/dev/null 2>&1; dropdb --force "$db" >/dev/null 2>&1; rm -rf "$tmp"' EXIT

# The zone: name i has one A record; every third also an AAAA; NS queries
# of the names get NODATA (only the apex has NS), as for most hosts.
{
	echo "\$ORIGIN bench.lab."
	echo "@ 3600 IN SOA ns.bench.lab. hostmaster.bench.lab. 1 3600 600 86400 3600"
	echo "@ 3600 IN NS ns.bench.lab."
	echo "ns 3600 IN A 192.0.2.53"
	awk -v n="$n" 'BEGIN { for (i = 0; i < n; i++) {
		printf "h%d 3600 IN A 198.%d.%d.%d\n", i, 18 + int(i / 65536) % 2, int(i / 256) % 256, i % 256
		if (i % 3 == 0) printf "h%d 3600 IN AAAA 2001:db8::%x\n", i, i
	} }'
} >"$tmp/bench.zone"
awk -v n="$n" 'BEGIN { for (i = 0; i < n; i++) printf "h%d.bench.lab\n", i }' >"$tmp/names"
awk '{ print $1, "A"; print $1, "AAAA"; print $1, "NS" }' "$tmp/names" >"$tmp/queries"
queries=$(wc -l <"$tmp/queries")

"$top/lab/labctl" start --zone "$tmp/bench.zone" --vantages 1 --cache 512 >/dev/null
vantage=$LAB_NET.11
dnsperf_run() { dnsperf -s "$vantage" -p 5300 -d "$tmp/queries" -n 1 -c 4 -q 500 -t 5 2>&1; }
dnsperf_run >/dev/null                                     # warm the cache
ref=$(dnsperf_run | awk '/Queries per second/ { print $4 }')

cat >"$tmp/fw.yaml" <<YAML
database: {}
resolvers:
  - {name: bench, address: $vantage, port: 5300, max_inflight: ${BENCH_INFLIGHT:-200}, timeout: 2s, tries: 2}
crawl: {batch_rows: 20000, flush_interval: 500ms, claim_batch: 2000}
schedule: {partition_span: 1d}
YAML
createdb "$db"
export PGDATABASE=$db
"$fw" -q -c "$tmp/fw.yaml" db init
"$fw" -q -c "$tmp/fw.yaml" seed add --list bench "$tmp/names" >/dev/null
t0=$(date +%s.%N)
/usr/bin/time -f '%M' -o "$tmp/rss" "$fw" -q -c "$tmp/fw.yaml" crawl --once >"$tmp/crawl.out"
t1=$(date +%s.%N)
stored=$(sed -n 's/.*stored=\([0-9]*\) .*/\1/p' "$tmp/crawl.out")
rows=$(psql -Atqc 'SELECT count(*) FROM responses')
bytes=$(psql -Atqc "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'responses'::regclass")
abytes=$(psql -Atqc "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'answers'::regclass")
awk -v q="$queries" -v ref="$ref" -v s="$stored" -v rows="$rows" -v a="$t0" -v b="$t1" \
    -v rss="$(cat "$tmp/rss")" -v rb="$bytes" -v ab="$abytes" 'BEGIN {
	rate = s / (b - a)
	printf "queries: %d (A, AAAA, NS of %d names)\n", q, q / 3
	printf "reference dnsperf:        %10.0f queries/s\n", ref
	printf "fluxwatch crawl --once:   %10.0f responses stored/s (%d stored, %d rows, %.2f s)\n", rate, s, rows, b - a
	printf "ratio crawl/dnsperf:      %10.2f\n", rate / ref
	printf "crawler peak RSS:         %10.1f MiB\n", rss / 1024
	printf "bytes per stored response: %9.1f (responses incl. indexes), %.1f with its answers\n", rb / rows, (rb + ab) / rows
}'
