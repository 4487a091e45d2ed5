#!/usr/bin/env bash
# bench/longhaul.sh — a simulated week of a large tracked population,
# today's revisit policy next to the new one, in the same run.
#
# Design (what was chosen, and why):
# * Fake clock, no resolver. bench/longhaul (bench/longhaul.c) holds the
#   population model (bench/longhaul_model.h: benign 72 %, cdn 20 %, single
#   flux 2 %, double flux 1 %, dead 5 %; deterministic from LONGHAUL_SEED;
#   addresses drawn from real asn_ranges) and an event queue of next visits.
#   The fake week ends at the real time this script starts, so every
#   observed_at is in the past week and the database's now()-based SQL holds.
# * Each visit asks what crawler/visit.c asks (A, AAAA, NS per vantage, A and
#   AAAA of each NS host) and its next visit comes from the real
#   queue_next_interval(). The DB queue itself (claim/report) runs on now()
#   and is not in the loop: bench/claim_rate measures it.
# * All LONGHAUL_DOMAINS are simulated and their queries counted; the visits
#   of a stratified sample (every k-th domain of each class, LONGHAUL_STORED
#   domains) are turned into struct obs and go through the real writer
#   (binary COPY, and the rollup the writer keeps). Storing every response
#   of today's policy for 100,000 domains over a week (~5e9 responses) would
#   take days and over a TB, so bytes are measured on the sample, per domain.
# * Scoring: every LONGHAUL_SCORE_EVERY fake seconds the real `fluxwatch
#   score --all` runs with a window that reaches back LONGHAUL_WINDOW before
#   the fake now (nothing after it exists yet), so no hook is needed; its
#   wall time is "seconds per scoring pass". Labels feed back into the "new"
#   schedule (settle_after). Incremental passes (score without --all) cannot
#   be timed this way: verdicts.scored_at is the real now().
# * Policies: today (TTL + 1 s, every NS host asked on every visit) and new
#   (settle_after back-off, a stand-in marked "REVISITS HOOK" in
#   bench/longhaul.c; an NS cache asking each host once per TTL per vantage).
# * Past partitions: fw_partitions_ensure() only makes [now - span, ...], so
#   the past week's daily partitions are made here under the same names
#   (past_partitions below) — a hook fw_partitions_ensure(span, ahead, behind)
#   would replace it.
# * Crawler peak RSS: a real `crawl --once --all` of all the domains through
#   lab vantages (127.0.90.x) serving a wildcard zone (A and AAAA for every
#   name; NS gets NODATA, so there is no NS fan-out in this part).
# Figures are ratios to references measured in this run where that makes
# sense (a scoring pass vs one scan of the window's raw answers); nothing is
# timed pass/fail.
#
# Knobs (environment): LONGHAUL_DOMAINS (100000), LONGHAUL_DAYS (7),
# LONGHAUL_VANTAGES (2), LONGHAUL_STORED (200), LONGHAUL_SCORE_EVERY (s,
# 43200; the first passes come at 5, 10, 20, ... fake minutes), LONGHAUL_WINDOW (s, 86400), LONGHAUL_SETTLE_AFTER (3),
# LONGHAUL_SEED (1), LONGHAUL_RSS (1: measure the crawler), LONGHAUL_RETENTION_DAYS
# (7: the raw_retention the 1 TB figure assumes), LONGHAUL_POLICIES
# ("today new"). Quick mode: LONGHAUL_DOMAINS=2000 LONGHAUL_DAYS=1.
# Uses the PG* environment (script/pg env) for the server; makes and drops
# its own databases.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
fw=${FW_BIN:-$top/_build/fluxwatch}
drv=${LONGHAUL_BIN:-$top/_build/bench/longhaul}
export LONGHAUL_DOMAINS=${LONGHAUL_DOMAINS:-100000} LONGHAUL_DAYS=${LONGHAUL_DAYS:-7}
export LONGHAUL_VANTAGES=${LONGHAUL_VANTAGES:-2} LONGHAUL_WINDOW=${LONGHAUL_WINDOW:-86400}
export LONGHAUL_END=${LONGHAUL_END:-$(date +%s)} FW_BIN=$fw
policies=${LONGHAUL_POLICIES:-today new}
asn_dir=${LAB_ASN_DIR:-$top/var/asn}
geo_dir=${FW_GEO_DIR:-$top/var/geo}

# The observation tables, in one place: raw (what each visit measured),
# the rollup kept for raw_retention after its last use (runs, answer sets:
# then folded into run_days, or deleted), and the rollup kept for ever;
# each name counts with all its partitions. Bytes kept for ever are
# measured after the fold that raw_retention brings: the answer sets marked
# with the fake day of their last use (as a crawl in real time would), the
# past days' partitions dropped, fw_runs_fold run to its end.
raw_tables=${LONGHAUL_RAW_TABLES:-visits}
bounded_tables=${LONGHAUL_BOUNDED_TABLES:-runs answer_sets}
forever_tables=${LONGHAUL_FOREVER_TABLES:-history run_days qnames lookup_days domain_records addresses after_address domain_rollup}
retention_days=${LONGHAUL_RETENTION_DAYS:-7}
# The reference for a scoring pass: one scan of the raw answers of the window.
ref_sql=${LONGHAUL_REF_SQL:-"SELECT count(DISTINCT (domain_id, addr)) FROM answers WHERE observed_at >= to_timestamp($LONGHAUL_END - $LONGHAUL_WINDOW)"}
# The partitioned raw tables whose past partitions are made here.
partitioned=${LONGHAUL_PARTITIONED:-visits}

tmp=$(mktemp -d)
tpl=fwbench_lh_tpl_$$
export LAB_RUN=$tmp/lab LAB_NET=${LONGHAUL_NET:-127.0.90}
cleanup() {
	"$top/lab/labctl" stop >/dev/null 2>&1 || true
	for d in "$tpl" $(for p in $policies; do echo "fwbench_lh_${p}_$$"; done) "fwbench_lh_rss_$$"; do
		dropdb --force --if-exists "$d" >/dev/null 2>&1 || true
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
now() { date +%s.%N; }
printf 'schedule: {partition_span: 1d}\n' >"$tmp/fw.yaml"

# Daily partitions of the past week, named as fw_partitions_ensure() names them.
past_partitions() {
	local t
	for t in $partitioned; do
		psql -qX -v ON_ERROR_STOP=1 <<SQL
DO \$\$
DECLARE s bigint := 86400; last bigint := floor($LONGHAUL_END / 86400.0) * 86400;
        lo timestamptz; name text;
BEGIN
    FOR i IN 0 .. $LONGHAUL_DAYS + 1 LOOP
        lo := to_timestamp(last - i * s);
        name := '$t' || '_p' || to_char(lo AT TIME ZONE 'UTC', 'YYYYMMDD"t"HH24MISS');
        CONTINUE WHEN to_regclass(name) IS NOT NULL;
        EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
                       name, '$t', lo, lo + interval '1 day');
    END LOOP;
END \$\$;
SQL
	done
}

# bytes TABLES: total size (indexes, TOAST included) of the tables and their partitions
bytes() {
	local t sum=0 b
	for t in $1; do
		# (a plain table has no partition tree: its own size)
		b=$(psql -AtqX -c "SELECT coalesce((SELECT sum(pg_total_relation_size(relid)) FROM pg_partition_tree('$t')), pg_total_relation_size('$t'))")
		sum=$((sum + b))
	done
	echo "$sum"
}

# The template: schema, ASN and country data, the population's names, past partitions.
t0=$(now)
createdb "$tpl"
export PGDATABASE=$tpl
"$fw" -q -c "$tmp/fw.yaml" db init
# both families: a lookup of an address whose family has no ranges walks the
# whole index (fw_asn), and the population has IPv6 addresses
asn=$(ls "$asn_dir"/asn-ipv[46].csv 2>/dev/null || true)
geo=$(ls "$geo_dir"/geo-whois-asn-country-ipv[46].csv 2>/dev/null || true)
[ -z "$asn" ] || "$fw" -q -c "$tmp/fw.yaml" asn load $asn >/dev/null
[ -z "$geo" ] || "$fw" -q -c "$tmp/fw.yaml" geo load $geo >/dev/null
awk -v n="$LONGHAUL_DOMAINS" 'BEGIN { for (i = 0; i < n; i++) printf "d%d.lh.example\n", i }' |
	"$fw" -q -c "$tmp/fw.yaml" seed add --list longhaul - >/dev/null
past_partitions
psql -qX -c 'VACUUM ANALYZE'
echo "longhaul: template of $LONGHAUL_DOMAINS domains in $(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.0f", b - a }') s" >&2

for p in $policies; do
	db=fwbench_lh_${p}_$$
	createdb -T "$tpl" "$db"
	export PGDATABASE=$db
	t0=$(now)
	TMPDIR=$tmp "$drv" "$p" >"$tmp/$p.out"
	t1=$(now)
	{
		echo "wall $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')"
		# the fake days' partitions compacted, as the writer's upkeep does a
		# closed one (schedule.compact_after); today's stays open
		while [ "$(psql -AtqX -c "SELECT fw_compact(now() - interval '1 hour', 1000000)")" != 0 ]; do :; done
		echo "raw_bytes $(bytes "$raw_tables")"
		for t in $bounded_tables; do echo "week_table $t $(bytes "$t")"; done
		r0=$(now)
		psql -AtqX -c "$ref_sql" >/dev/null
		echo "ref_seconds $(awk -v a="$r0" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }')"
		psql -qX -v ON_ERROR_STOP=1 -c "UPDATE answer_sets s SET last_day = (u.t AT TIME ZONE 'UTC')::date
			FROM (SELECT set_id, max(time_last) AS t FROM runs GROUP BY 1) u WHERE s.id = u.set_id" \
			-c "SELECT fw_partitions_drop_before(now())" >/dev/null
		while [ "$(psql -AtqX -c "SELECT fw_runs_fold(now(), '1 hour')")" != 0 ]; do :; done
		for t in $forever_tables; do echo "kept_table $t $(bytes "$t")"; done
	} >>"$tmp/$p.out"
	dropdb --force "$db"
done

rss=0
if [ "${LONGHAUL_RSS:-1}" = 1 ]; then
	printf '$ORIGIN lh.example.\n@ 3600 IN SOA ns.lh.example. h.lh.example. 1 3600 600 86400 3600\n@ 3600 IN NS ns.lh.example.\nns 3600 IN A 192.0.2.53\n* 300 IN A 198.18.0.1\n* 300 IN AAAA 2001:db8::1\n' >"$tmp/lh.zone"
	"$top/lab/labctl" start --zone "$tmp/lh.zone" --vantages "$LONGHAUL_VANTAGES" --cache 256 >/dev/null
	{
		echo "database: {}"
		echo "resolvers:"
		for v in $(seq "$LONGHAUL_VANTAGES"); do
			echo "  - {name: lh$v, address: $LAB_NET.$((10 + v)), port: 5300, max_inflight: 500}"
		done
		echo "crawl: {claim_batch: 5000, batch_rows: 20000}"
		echo "schedule: {partition_span: 1d}"
	} >"$tmp/crawl.yaml"
	createdb -T "$tpl" "fwbench_lh_rss_$$"
	PGDATABASE=fwbench_lh_rss_$$ /usr/bin/time -f '%M %e' -o "$tmp/rss" \
		"$fw" -q -c "$tmp/crawl.yaml" crawl --once --all >"$tmp/crawl.out"
	read -r rss crawl_s <"$tmp/rss"
	echo "longhaul: crawl --once --all of $LONGHAUL_DOMAINS domains in $crawl_s s: $(cat "$tmp/crawl.out")" >&2
fi

# The table: every policy's figures side by side, the last against the first.
awk -v rss="$rss" -v policies="$policies" '
function get(p, k) { return (p SUBSEP k) in v ? v[p, k] : 0 }
function row(label, k, fmt,   i, p, a, b) {
	printf "%-44s", label
	for (i = 1; i <= np; i++) printf " %14s", sprintf(fmt, get(P[i], k))
	a = get(P[1], k); b = get(P[np], k)
	if (np > 1) printf " %10s", (a > 0 ? sprintf("%.3f", b / a) : "-")
	printf "\n"
}
FNR == 1 { p = FILENAME; sub(/.*\//, "", p); sub(/\.out$/, "", p) }
$1 == "policy" { for (i = 3; i < NF; i += 2) v[p, $i] = $(i + 1) }
$1 == "class" {
	c = $2; for (i = 3; i < NF; i += 2) v[p, c "_" $i] = $(i + 1)
	if (!(c in cls)) { cls[c] = 1; order[++no] = c }
}
$1 == "passes" { v[p, "passes"] = $2; v[p, "pass_mean"] = $4; v[p, "pass_median"] = $6; v[p, "pass_max"] = $8 }
$1 == "full_passes" { v[p, "full_passes"] = $2; v[p, "full_mean"] = $4; v[p, "full_max"] = $6 }
$1 == "flux" { c = $2; v[p, c "_labelled"] = $4 "/" $6; for (i = 7; i < NF; i += 2) v[p, c "_" $i] = $(i + 1) }
$1 == "confusion" { conf[p] = conf[p] sprintf(" %s->%s:%s", $2, $3, $4) }
$1 ~ /^(wall|raw_bytes|ref_seconds)$/ { v[p, $1] = $2 }
$1 == "stored" { v[p, "stored_responses"] = $3 }
$1 ~ /^(week|kept)_table$/ { v[p, "t_" $2] = $3; v[p, $1 "s"] += $3 }
END {
	np = split(policies, P, " ")
	for (i = 1; i <= np; i++) {
		p = P[i]; d = get(p, "days"); all_q = 0; all_n = 0; all_ns = 0; st = 0
		for (k = 1; k <= no; k++) {
			c = order[k]; n = get(p, c "_domains")
			v[p, c "_qpd"] = n > 0 ? (get(p, c "_own") + get(p, c "_ns")) / n / d : 0
			v[p, c "_vpd"] = n > 0 ? get(p, c "_visits") / n / d : 0
			all_q += get(p, c "_own") + get(p, c "_ns"); all_ns += get(p, c "_ns"); all_n += n
			st += get(p, c "_stored")
		}
		v[p, "all_qpd"] = all_q / all_n / d; v[p, "ns_qpd"] = all_ns / all_n / d
		v[p, "raw_bpd"] = st > 0 ? get(p, "raw_bytes") / st / d : 0
		v[p, "week_bpd"] = st > 0 ? get(p, "week_tables") / st / d : 0
		v[p, "kept_bpd"] = st > 0 ? get(p, "kept_tables") / st / d : 0
		nt = split(boundt " " forevert, T, " ")
		for (k = 1; k <= nt; k++) v[p, "t_" T[k] "_bpd"] = st > 0 ? get(p, "t_" T[k]) / st / d : 0
		# raw_retention days of raw lookups, runs and sets, then each day what is kept for ever
		n = get(p, "domains"); held = rd * (v[p, "raw_bpd"] + v[p, "week_bpd"]) * n
		v[p, "tb_days"] = v[p, "kept_bpd"] > 0 ? (1e12 - held) / (v[p, "kept_bpd"] * n) : 0
		v[p, "pass_ratio"] = get(p, "ref_seconds") > 0 ? get(p, "full_mean") / get(p, "ref_seconds") : 0
		v[p, "stored"] = st
	}
	p = P[1]
	printf "longhaul: %d domains, %d fake days (ending now), %d vantages; %d of them stored; a scoring pass every %d s over %d s\n",
	    get(p, "domains"), get(p, "days"), get(p, "vantages"), v[p, "stored"], get(p, "score_every_s"), get(p, "window_s")
	printf "%-44s", ""
	for (i = 1; i <= np; i++) printf " %14s", P[i]
	if (np > 1) printf " %10s", P[np] "/" P[1]
	printf "\n"
	print "queries per domain per day"
	for (k = 1; k <= no; k++) row(sprintf("  %s (%d domains)", order[k], get(p, order[k] "_domains")), order[k] "_qpd", "%.1f")
	row("  all", "all_qpd", "%.1f")
	row("  of which NS-host A/AAAA", "ns_qpd", "%.1f")
	print "visits per domain per day"
	for (k = 1; k <= no; k++) row("  " order[k], order[k] "_vpd", "%.1f")
	print "bytes per domain per day (stored sample)"
	row("  kept raw_retention: raw (" rawt ")", "raw_bpd", "%.0f")
	row("  kept raw_retention after use: rollup", "week_bpd", "%.0f")
	nt = split(boundt, T, " ")
	for (k = 1; k <= nt; k++) row("    " T[k], "t_" T[k] "_bpd", "%.0f")
	row("  kept for ever: rollup, after the fold", "kept_bpd", "%.0f")
	nt = split(forevert, T, " ")
	for (k = 1; k <= nt; k++) row("    " T[k], "t_" T[k] "_bpd", "%.0f")
	row(sprintf("days of history in 1 TB (all domains; %d of raw)", rd), "tb_days", "%.1f")
	print "scoring pass (score --all; a full window: fake now >= the window)"
	row("  passes", "passes", "%d")
	row("  passes over a full window", "full_passes", "%d")
	row("  seconds per pass, full window, mean", "full_mean", "%.2f")
	row("  seconds per pass, full window, max", "full_max", "%.2f")
	row("  seconds per pass, all passes, median", "pass_median", "%.2f")
	row("  reference: one scan of the raw answers, s", "ref_seconds", "%.2f")
	row("  full-window pass / reference", "pass_ratio", "%.1f")
	print "flux labelled (stored sample; visits and fake hours until first flux verdict)"
	split("flux dflux late", fc, " ")
	for (k = 1; k <= 3; k++) {
		c = fc[k]
		printf "%-44s", "  " c " labelled"
		for (i = 1; i <= np; i++) printf " %14s", get(P[i], c "_labelled")
		printf "\n"
		row("  " c " visits, median", c "_visits_median", "%d")
		row("  " c " visits, max", c "_visits_max", "%d")
		row("  " c " hours, median", c "_hours_median", "%.2f")
		row("  " c " hours, max", c "_hours_max", "%.2f")
	}
	row("driver wall seconds", "wall", "%.0f")
	printf "%-44s %14s\n", "crawler peak RSS, crawl --once --all (MiB)", (rss > 0 ? sprintf("%.1f", rss / 1024) : "not measured")
	for (i = 1; i <= np; i++) printf "labels of the stored sample, %s:%s\n", P[i], conf[P[i]]
}' rawt="$raw_tables" boundt="$bounded_tables" forevert="$forever_tables" rd="$retention_days" $(for p in $policies; do echo "$tmp/$p.out"; done)
