#!/usr/bin/env bash
# bench/crawl_bench.sh [NAMES] — end-to-end crawler throughput against dnsperf
# in the same run, on the same warm lab vantage and the same query mix.
#
# Builds a static zone of NAMES (default 50,000) names, serves it through one
# Unbound vantage of the flux lab (BENCH_VANTAGES=N: N vantages, which the crawl
# asks each; the rates then compare N times dnsperf's work, the bytes stay per response) with a cache large enough to hold every
# answer, warms that cache, seeds the names and lets PostgreSQL vacuum and
# analyse the new queue (as autovacuum would soon after an import). Then,
# BENCH_ROUNDS times (default 3), back to back:
#   reference: dnsperf, the A/AAAA/NS query mix of every name, once through,
#              just before and just after the crawl (their mean is the
#              round's reference);
#   fluxwatch: `crawl --once` over the same names (every name made due
#              again, the queue vacuumed), responses STORED in PostgreSQL per second (wall clock
#              of the whole run: start, connect and the last flush included).
# The machine's speed drifts from second to second (dnsperf alone moves by
# 20-30 % within a minute), so each round compares the crawl with dnsperf
# runs seconds before and after it, and the summary is the median.
# Prints per round both rates, their ratio and where the CPU time went
# (PostgreSQL, Unbound, the crawler, dnsperf); then the median ratio, the
# crawler's peak RSS and what the database grows by per repeated response
# (the answers are stable: every round after the first repeats it),
# everything included: raw packed lookups (visits partitions, their index
# and TOAST: as written in the open partition, and compacted as fw_compact
# leaves a closed one; over raw_retention one open day and six compacted)
# and the rollup (history, runs, answer sets, names, the scoring rollup,
# indexes) apart, measured from the end of round 1 (compacted) to the end
# of the last round,
# each round followed by a VACUUM (what autovacuum does between rounds
# minutes apart); and a month's total at this revisit rate
# (raw kept raw_retention, 7 days) for the bench's names.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-50000}
rounds=${BENCH_ROUNDS:-3}
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

nv=${BENCH_VANTAGES:-1}	# vantages the crawl asks (dnsperf asks the first)
"$top/lab/labctl" start --zone "$tmp/bench.zone" --vantages "$nv" --cache 512 >/dev/null
vantage=$LAB_NET.11
dnsperf_run() { /usr/bin/time -f 'cpu %U %S' dnsperf -s "$vantage" -p 5300 -d "$tmp/queries" -n 1 -c 4 -q 500 -t 5 2>&1; }
dnsperf_run >/dev/null                                     # warm the cache
# q/s (whole), user and system CPU seconds of one dnsperf run; the server's
# dirty pages are written first (best effort: CHECKPOINT needs the right),
# so the reference does not share the machine with the last step's flushing
dnsperf_stats() { psql -qc CHECKPOINT >/dev/null 2>&1 || true; dnsperf_run | awk '/Queries per second/ { q = $4 } /^cpu / { u = $2; s = $3 } END { printf "%d %s %s\n", q, u, s }'; }

cat >"$tmp/fw.yaml" <<YAML
database: {}
resolvers:
$(for i in $(seq "$nv"); do echo "  - {name: bench$i, address: $LAB_NET.$((10 + i)), port: 5300, max_inflight: ${BENCH_INFLIGHT:-200}, timeout: 2s, tries: 2}"; done)
crawl: {batch_rows: 20000, flush_interval: 500ms, claim_batch: ${BENCH_CLAIM:-5000}}
schedule: {partition_span: 1d}
YAML
createdb "$db"
export PGDATABASE=$db
"$fw" -q -c "$tmp/fw.yaml" db init
"$fw" -q -c "$tmp/fw.yaml" seed add --list bench "$tmp/names" >/dev/null
psql -qc 'VACUUM ANALYZE domains'

# CPU seconds so far of PostgreSQL (every server process, and the exited
# backends its postmaster reaped) and of Unbound, from /proc.
cpu_now() {
	local pg=0 ub=0 p f
	for p in $(pgrep -x postgres); do
		read -ra f < <(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null) || continue
		pg=$((pg + f[11] + f[12] + f[13] + f[14]))
	done
	for p in $(pgrep -x unbound); do
		read -ra f < <(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null) || continue
		ub=$((ub + f[11] + f[12]))
	done
	echo "$pg $ub"
}

# every partition compacted as fw_compact does a closed one (the marks of an
# earlier call forgotten: the bench's partition is the open one)
compact_all() {
	psql -Atqc "DELETE FROM visits_compacted" >/dev/null
	while [ "$(psql -Atqc "SELECT fw_compact('infinity', 1000000)")" != 0 ]; do :; done
}
rollup_tables="'history', 'runs', 'answer_sets', 'qnames', 'lookup_days', 'domain_records', 'addresses', 'after_address', 'domain_rollup'"
# bytes of the raw lookups and of the rollup, and the lookups stored
sizes() {
	psql -Atqc "VACUUM" -c "SELECT (SELECT coalesce(sum(pg_total_relation_size(relid)), 0) FROM pg_partition_tree('visits')),
		(SELECT sum(coalesce((SELECT sum(pg_total_relation_size(p.relid)) FROM pg_partition_tree(t::regclass) p),
		                     pg_total_relation_size(t::regclass)))
		 FROM unnest(ARRAY[$rollup_tables]) t),
		(SELECT count(*) FROM responses)" | tr '|' ' '
}
# each table's bytes (partitions, indexes and TOAST included), one "name bytes" line each
table_sizes() {
	psql -Atqc "SELECT t, coalesce((SELECT sum(pg_total_relation_size(p.relid)) FROM pg_partition_tree(t::regclass) p),
		                         pg_total_relation_size(t::regclass))
		FROM unnest(ARRAY['visits', $rollup_tables]) t" | tr '|' ' '
}

for r in $(seq "$rounds"); do
	[ "$r" = 1 ] || psql -qc "UPDATE domains SET next_due_at = now() - interval '1 second'" -c 'VACUUM domains'
	read -r dq du ds < <(dnsperf_stats)
	read -r pg0 ub0 < <(cpu_now)
	t0=$(date +%s.%N)
	/usr/bin/time -f '%M %U %S' -o "$tmp/time" "$fw" -q -c "$tmp/fw.yaml" crawl --once >"$tmp/crawl.out"
	t1=$(date +%s.%N)
	read -r pg1 ub1 < <(cpu_now)
	read -r dq2 du2 ds2 < <(dnsperf_stats)
	stored=$(sed -n 's/.*stored=\([0-9]*\) .*/\1/p' "$tmp/crawl.out")
	echo "$r $(((dq + dq2) / 2)) $(echo "$du $du2 $ds $ds2" | awk '{ print ($1 + $2) / 2, ($3 + $4) / 2 }') $stored $t0 $t1 $pg0 $pg1 $ub0 $ub1 $(cat "$tmp/time") $dq $dq2"
	[ "$r" = 1 ] && { compact_all; sizes >"$tmp/size1"; table_sizes >"$tmp/tables1"; }
done >"$tmp/rounds"
sizes >"$tmp/sizeN"
compact_all
sizes >"$tmp/sizeC"
table_sizes >"$tmp/tablesN"

hz=$(getconf CLK_TCK)
read -r raw1 roll1 rows1 <"$tmp/size1"
read -r rawN rollN rowsN <"$tmp/sizeN"
read -r rawC _ _ <"$tmp/sizeC"
awk -v q="$queries" -v nv="$nv" -v hz="$hz" -v raw1="$raw1" -v roll1="$roll1" -v rows1="$rows1" \
    -v rawN="$rawN" -v rollN="$rollN" -v rowsN="$rowsN" -v rawC="$rawC" '
{
	rate = $5 / ($7 - $6); rss = $12 > rss ? $12 : rss
	if (NR == 1) {
		printf "queries: %d per run (A, AAAA, NS of %d names)\n", q, q / 3
		printf "round  dnsperf q/s (before, after)  crawl stored/s  ratio   CPU s: dnsperf | PostgreSQL  Unbound  crawler\n"
	}
	printf "%5d %12.0f (%6d, %6d) %15.0f %6.2f %13.2f | %10.2f %8.2f %8.2f\n", $1, $2, $15, $16,
	    rate, rate / $2, $3 + $4, ($9 - $8) / hz, ($11 - $10) / hz, $13 + $14
}
END {
	printf "ratio crawl/dnsperf (median of %d rounds): %s\n", NR, median
	printf "crawler peak RSS:          %.1f MiB\n", rss / 1024
	rep = rowsN - rows1
	if (rep > 0) {
		open = (rawN - raw1) / rep; closed = (rawC - raw1) / rep; roll = (rollN - roll1) / rep
		# within raw_retention (7 days): the open day and six compacted ones
		raw = (open + 6 * closed) / 7
		printf "database growth per repeated response: %.1f bytes (raw %.1f, rollup %.1f), over %d repeated\n", raw + roll, raw, roll, rep
		printf "raw lookups: %.1f bytes each in the open partition, %.1f once compacted; %.1f over raw_retention (1 open day, 6 compacted)\n", open, closed, raw
		# a month at one visit per name every 301 s (TTL 300 + 1 s): raw for 7 days, the rollup as measured
		day = 86400 / 301 * q * nv
		printf "a month (visits every 301 s, %d names): raw %.1f GB (7 days kept), rollup %.1f GB, total %.1f GB\n", q / 3,
		    raw * day * 7 / 1e9, (rollN + roll * day * 30) / 1e9, (raw * day * 7 + rollN + roll * day * 30) / 1e9
	}
}' median="$(awk '{ print $5 / ($7 - $6) / $2 }' "$tmp/rounds" | sort -n |
	awk '{ v[NR] = $1 } END { printf "%.2f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')" "$tmp/rounds"
# the growth per repeated response table by table (visits: compacted)
[ "$rowsN" -gt "$rows1" ] && join "$tmp/tables1" "$tmp/tablesN" |
	awk -v rep=$((rowsN - rows1)) '{ printf "%s %s %.1f", (NR > 1 ? "," : "per table:"), $1, ($3 - $2) / rep } END { print "" }'
