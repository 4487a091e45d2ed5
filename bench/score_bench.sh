#!/usr/bin/env bash
# bench/score_bench.sh [DOMAINS] [RESPONSES] — scoring speed on synthetic
# lookups: DOMAINS (default 100,000) domains x RESPONSES (default 100) of
# their own lookups, stored through the writer's path: the staging tables
# (fw_stage, INSERT INTO stage_responses / stage_answers) and
# fw_store_batch(), SCORE_BENCH_BATCH (default 2,000) domains' visits a
# batch, with the ASN and country ranges of var/asn and var/geo loaded
# first (asn load, geo load; v4 and v6), as a crawl has them.
#
# The mix (by domain number): 91 % stable (1-4 fixed addresses, TTL 5 min
# to 1 h, three in ten with one fixed AAAA, two fixed NS names), 2 % round
# robin (2 of 8 addresses in one /24 an answer, TTL 60 s), 2 % behind a
# CDN (a Cloudflare CNAME, 2 rotating Cloudflare addresses), 1 % NXDOMAIN,
# 2 % single flux (4 addresses an answer drawn from a pool of 500 across
# the address space, TTL 5 s: every answer new), 1 % double flux (the
# same, and 2 of 10 NS names whose own A lookups rotate too), 1 % flux
# taken down half-way (NXDOMAIN after). A visit is A and AAAA through two
# vantages and NS through one: 5 lookups, a visit a minute.
#
# Prints the seconds of a full pass (score --all) and of an incremental
# pass (score) after 5 % of the domains got one more visit, next to the
# reference measured in the same run: one scan of the raw answers
# (SELECT count(DISTINCT (domain_id, addr)) FROM answers: the view, which
# unpacks every stored lookup), and for comparison the same count over
# the rollup (history). Then an asn load again, which looks up the ASN of
# every known address anew. SCORE_BENCH_KEEP=1 keeps the database (its
# name is printed) for looking into a pass.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
nd=${1:-100000}
nr=${2:-100}
batch=${SCORE_BENCH_BATCH:-2000}
visits=$(((nr + 4) / 5))
fw=${FW_BIN:-$top/_build/fluxwatch}
asn=${LAB_ASN_DIR:-$top/var/asn}
geo=${FW_GEO_DIR:-$top/var/geo}
export PGDATABASE=fwbench_score_$$
tmp=$(mktemp -d)
trap '[ "${SCORE_BENCH_KEEP:-0}" = 1 ] && echo "score_bench: kept database $PGDATABASE" >&2 ||
	dropdb --force "$PGDATABASE" >/dev/null 2>&1; rm -rf "$tmp"' EXIT
createdb "$PGDATABASE"
printf 'scoring: {window: 7d}\nschedule: {partition_span: 1d}\n' >"$tmp/fw.yaml"
fwc() { "$fw" -q -c "$tmp/fw.yaml" "$@"; }
now() { date +%s.%N; }
fwc db init
fwc asn load "$asn/asn-ipv4.csv" "$asn/asn-ipv6.csv" >/dev/null
[ -s "$geo/geo-whois-asn-country-ipv4.csv" ] &&
	fwc geo load "$geo/geo-whois-asn-country-ipv4.csv" "$geo/geo-whois-asn-country-ipv6.csv" >/dev/null

# the generator: the lookups of visit K of domains D0..D1, into the
# staging tables (as the writer's COPY fills them)
psql -X -q -v ON_ERROR_STOP=1 <<SQL
SELECT fw_partitions_ensure('1 day', 1);
INSERT INTO vantages (name, address, port) VALUES ('v1', '127.0.0.1', 53), ('v2', '127.0.0.2', 53);
INSERT INTO domains (name) SELECT 'd' || i || '.bench.example' FROM generate_series(1, $nd) i;
CREATE TABLE bench (base timestamptz, nd bigint, half integer);
INSERT INTO bench VALUES (now() - interval '1 day', $nd, $visits / 2);

-- an address of domain D: its first fixed one (J = 0; the others follow
-- it), or the J-th of its flux pool
CREATE FUNCTION bench_ip(d bigint, j bigint) RETURNS inet LANGUAGE sql IMMUTABLE AS \$\$
    SELECT '1.0.0.0'::inet + ((d * 2654435761 + j * 16777259) % 3000000000) \$\$;

-- the records of one lookup: kind = domain number mod 100
CREATE FUNCTION bench_records(d bigint, k integer, v integer, qtype integer, qname text, half integer)
RETURNS TABLE (rrtype smallint, ttl integer, addr inet, target text) LANGUAGE sql IMMUTABLE AS \$\$
    WITH c AS (SELECT d % 100 AS kind, 300 * (1 + d % 12) AS ttl)
    SELECT 1::smallint, c.ttl, bench_ip(d, 0) + j, NULL FROM c, generate_series(0, d % 4) j
    WHERE qtype = 1 AND qname IS NULL AND c.kind >= 9
    UNION ALL SELECT 28::smallint, c.ttl, '2a01:4f8::'::inet + d * 65536, NULL FROM c
    WHERE qtype = 28 AND qname IS NULL AND c.kind >= 9 AND d % 10 < 3
    UNION ALL SELECT 1::smallint, 5, bench_ip(d, 1000 + (d + k * 31 + v * 17 + j * 7919) % 500), NULL
    FROM c, generate_series(0, 3) j
    WHERE qtype = 1 AND qname IS NULL AND (c.kind IN (0, 1, 2) OR (c.kind = 3 AND k < half))
    UNION ALL SELECT 1::smallint, 5, bench_ip(d, 2000 + (k + v) % 50), NULL FROM c
    WHERE qtype = 1 AND qname IS NOT NULL
    UNION ALL SELECT 5::smallint, 300, NULL, 'e' || d % 50 || '.cdn.cloudflare.net' FROM c
    WHERE qtype = 1 AND qname IS NULL AND c.kind IN (5, 6)
    UNION ALL SELECT 1::smallint, 60, '104.16.0.0'::inet + (d % 2000) * 16 + (k + v + j) % 16, NULL
    FROM c, generate_series(0, 1) j WHERE qtype = 1 AND qname IS NULL AND c.kind IN (5, 6)
    UNION ALL SELECT 1::smallint, 60, bench_ip(d, 0) + (2 * k + v + j) % 8, NULL
    FROM c, generate_series(0, 1) j WHERE qtype = 1 AND qname IS NULL AND c.kind IN (7, 8)
    UNION ALL SELECT 2::smallint, 3600, NULL, 'ns' || j || '.d' || d || '.bench.example'
    FROM c, generate_series(1, 2) j WHERE qtype = 2 AND c.kind NOT IN (2, 3, 4)
    UNION ALL SELECT 2::smallint, 60, NULL, 'ns' || (k + j) % 10 || '.d' || d || '.bench.example'
    FROM c, generate_series(1, 2) j WHERE qtype = 2 AND c.kind IN (2, 3) AND (c.kind = 2 OR k < half) \$\$;

CREATE FUNCTION bench_stage(k integer, d0 bigint, d1 bigint) RETURNS void LANGUAGE plpgsql AS \$\$
BEGIN
    WITH q AS (
        SELECT d, b.base + k * interval '1 minute' + (d * 50.0 / b.nd) * interval '1 second'
                  + CASE WHEN n.qname IS NULL THEN interval '0' ELSE interval '50 milliseconds' END AS at,
               v, qt, n.qname,
               CASE WHEN d % 100 = 4 OR (d % 100 = 3 AND k >= b.half) THEN 3 ELSE 0 END AS rcode, b.half
        FROM bench b, generate_series(d0, d1) d, generate_series(1, 2) v,
             LATERAL (VALUES (1), (28), (2)) t(qt),
             LATERAL (SELECT NULL::text AS qname WHERE qt <> 2 OR v = 1 + k % 2
                      UNION ALL SELECT 'ns' || (k + v) % 10 || '.d' || d || '.bench.example'
                      WHERE qt = 1 AND d % 100 = 2) n
    ), a AS (
        INSERT INTO stage_answers
        SELECT q.d, q.at, q.v, q.qt, r.rrtype, r.ttl, r.addr, r.target, q.qname
        FROM q CROSS JOIN LATERAL bench_records(q.d, k, q.v, q.qt, q.qname, q.half) r
        WHERE q.rcode = 0
        RETURNING domain_id, observed_at, vantage_id, qtype, qname
    )
    INSERT INTO stage_responses
    SELECT q.d, q.at, q.v, q.qt, q.rcode, coalesce(n.n, 0), 0, 1000, q.qname
    FROM q LEFT JOIN (SELECT domain_id, observed_at, vantage_id, qtype, count(*) AS n FROM a
                      GROUP BY 1, 2, 3, 4) n
      ON n.domain_id = q.d AND n.observed_at = q.at AND n.vantage_id = q.v AND n.qtype = q.qt;
END \$\$;
SQL

# batches of visit K of every domain, BATCH domains each (a round), then
# the next visit; each batch one transaction as the writer commits it
batches() {	# K FROM STEP: the batches of visit K for the domains FROM, FROM+STEP, ...
	awk -v k="$1" -v nd="$nd" -v b="$batch" 'BEGIN {
		for (d = 1; d <= nd; d += b)
			printf "BEGIN; SELECT fw_stage(); SELECT bench_stage(%d, %d, %d); SELECT fw_store_batch(); COMMIT;\n", k, d, (d + b - 1 > nd ? nd : d + b - 1)
	}'
}
# (JIT compiling each generator statement would take longer than running it)
gen() { PGOPTIONS='-c jit=off' psql -X -q -v ON_ERROR_STOP=1 >/dev/null; }
t0=$(now)
for k in $(seq 0 $((visits - 1))); do batches "$k"; done | gen
psql -X -q -c 'ANALYZE'
t1=$(now)
stats=$(psql -X -Atq -F ' ' -c "SELECT (SELECT count(*) FROM visits), (SELECT count(*) FROM history),
	(SELECT count(*) FROM runs), (SELECT count(*) FROM lookup_days), (SELECT count(*) FROM addresses)")
lookups=$(psql -X -Atqc "SELECT sum(count) FROM runs")
records=$(psql -X -Atqc "SELECT sum(count) FROM history")
psql -X -Atqc "SELECT count(DISTINCT (domain_id, addr)) FROM answers" >/dev/null
t2=$(now)
psql -X -Atqc "SELECT count(DISTINCT (domain_id, addr)) FROM history WHERE addr IS NOT NULL" >/dev/null
t3=$(now)
fwc score --all >"$tmp/full"
t4=$(now)
# 5 %: one domain in 20 visited once more, now (after the verdicts), picked
# by a hash of its number: every 20th would be kinds 0, 20, 40, 60 and 80
# (d % 100), a fifth of them flux with a 500-address pool instead of 2 %
awk -v k="$visits" -v nd="$nd" 'BEGIN {
	printf "UPDATE bench SET base = now() - %d * interval \0471 minute\047;\n", k
	printf "BEGIN; SELECT fw_stage();"
	for (d = 1; d <= nd; d++) if ((d * 2654435761) % 4294967296 % 20 == 0) printf " SELECT bench_stage(%d, %d, %d);", k, d, d
	printf " SELECT fw_store_batch(); COMMIT;\n" }' | gen
t5=$(now)
fwc score >"$tmp/incr"
t6=$(now)
fwc asn load "$asn/asn-ipv4.csv" "$asn/asn-ipv6.csv" >/dev/null
t7=$(now)
sed 's/^/  /' "$tmp/full"
read -r nvisits nhistory nruns ndays naddr <<<"$stats"
awk -v nd="$nd" -v nr="$nr" -v lk="$lookups" -v rec="$records" -v vi="$nvisits" -v hi="$nhistory" \
    -v ru="$nruns" -v da="$ndays" -v ad="$naddr" -v sf="$(head -n 1 "$tmp/full")" -v si="$(head -n 1 "$tmp/incr")" \
    -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" -v e="$t4" -v f="$t5" -v g="$t6" -v h="$t7" 'BEGIN {
	printf "%d domains x %d responses: %d lookups, %d answer records, stored in %.1f s through fw_store_batch\n", nd, nr, lk, rec, b - a
	printf "rows: visits %d, history %d, runs %d, lookup_days %d, addresses %d\n", vi, hi, ru, da, ad
	printf "reference: one scan of the raw answers (view answers), distinct (domain, address): %.2f s\n", c - b
	printf "           the same over the rollup (history):                                  %.2f s\n", d - c
	printf "full pass (score --all, %s):        %.2f s (%.3f x the raw scan, %.2f x the history scan)\n", sf, e - d, (e - d) / (c - b), (e - d) / (d - c)
	printf "incremental pass (5%% visited again, %s): %.2f s (%.3f x the raw scan)\n", si, g - f, (g - f) / (c - b)
	printf "asn load again (every known address looked up anew): %.1f s\n", h - g
}'
