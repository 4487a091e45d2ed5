#!/usr/bin/env bash
# bench/score_bench.sh [DOMAINS] [RESPONSES] — scoring speed on synthetic
# history: DOMAINS (default 100,000) domains x RESPONSES (default 100) A
# responses, each with two address records drawn from a pool per domain,
# generated inside PostgreSQL; the ASN and country tables loaded from
# var/asn and var/geo (when there). Prints the
# seconds of a full pass (score --all) and of an incremental pass after
# 1% of the domains got new observations, next to a reference measured in
# the same run: one sequential scan of the answers (SELECT count(DISTINCT
# (domain_id, addr))).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
nd=${1:-100000}
nr=${2:-100}
fw=${FW_BIN:-$top/_build/fluxwatch}
export PGDATABASE=fwbench_score_$$
trap 'dropdb --force "$PGDATABASE" >/dev/null 2>&1' EXIT
createdb "$PGDATABASE"
cfg=$(mktemp)
printf 'scoring: {window: 7d}\nschedule: {partition_span: 1d}\n' >"$cfg"
"$fw" -q -c "$cfg" db init
"$fw" -q -c "$cfg" asn load "$top/var/asn/asn-ipv4.csv" >/dev/null
[ -s "$top/var/geo/geo-whois-asn-country-ipv4.csv" ] &&
	"$fw" -q -c "$cfg" geo load "$top/var/geo/geo-whois-asn-country-ipv4.csv" >/dev/null
now() { date +%s.%N; }
t0=$(now)
psql -q <<SQL
SELECT fw_partitions_ensure('1 day', 1);
INSERT INTO vantages (name, address, port) VALUES ('v1', '127.0.0.1', 53), ('v2', '127.0.0.2', 53);
INSERT INTO domains (name) SELECT 'd' || i || '.bench.example' FROM generate_series(1, $nd) i;
INSERT INTO responses (domain_id, observed_at, vantage_id, qtype, rcode, answer_count, flags, latency_us)
  SELECT d, now() - (r * interval '30 seconds'), 1 + r % 2, 1, 0, 2, 0, 1000
  FROM generate_series(1, $nd) d, generate_series(1, $nr) r;
INSERT INTO answers (domain_id, observed_at, vantage_id, qtype, rrtype, ttl, addr)
  SELECT d, now() - (r * interval '30 seconds'), 1 + r % 2, 1, 1, 60,
         ('0.0.0.0'::inet + ((d::bigint * 7919 + (r * k) % (1 + d % 40)) * 65537 % 3000000000))
  FROM generate_series(1, $nd) d, generate_series(1, $nr) r, generate_series(1, 2) k;
ANALYZE;
SQL
t1=$(now)
psql -Atqc "SELECT count(DISTINCT (domain_id, addr)) FROM answers" >/dev/null
t2=$(now)
"$fw" -q -c "$cfg" score --all >/dev/null
t3=$(now)
psql -qc "INSERT INTO responses (domain_id, observed_at, vantage_id, qtype, rcode, answer_count, flags, latency_us)
  SELECT d, now(), 1, 1, 0, 0, 0, 1000 FROM generate_series(1, $nd, 100) d"
t4=$(now)
"$fw" -q -c "$cfg" score >/dev/null
t5=$(now)
rm -f "$cfg"
awk -v nd="$nd" -v nr="$nr" -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" -v e="$t4" -v f="$t5" 'BEGIN {
	printf "synthetic history: %d domains x %d responses (%d answer rows) generated in %.1f s\n", nd, nr, nd * nr * 2, b - a
	printf "reference: one scan counting distinct (domain, address): %.2f s\n", c - b
	printf "full pass (score --all):        %.2f s (%.1f x the reference)\n", d - c, (d - c) / (c - b)
	printf "incremental pass (1%% changed):  %.2f s (%.1f x the reference)\n", f - e, (f - e) / (c - b)
}'
