# tests/tap.sh — TAP helpers for shell integration tests (sourced).
# tap_plan N                        prints the plan "1..N"; before the first check.
# check "description" command...   runs the command; ok when it exits 0.
# tap_done                          the exit status says all N planned checks ran
#                                   and passed; a missing or extra check bails out.
# wait_until SECONDS command...     polls the command until it succeeds (0) or
#                                   the deadline passes (1); FW_WAIT_SCALE stretches it
# The plan comes first so that a check that never ran (a loop over nothing, a
# test that died half-way) fails the test instead of passing by silence:
# automake's TAP driver reports a run shorter than its early plan as an ERROR.
tap_n=0
tap_failed=0
tap_planned=

tap_plan() {
	[ -z "$tap_planned" ] && [ "$tap_n" = 0 ] || { echo "Bail out! tap_plan $1 after a plan or a check"; exit 1; }
	[[ "$1" =~ ^[1-9][0-9]*$ ]] || { echo "Bail out! tap_plan: \"$1\" is not a count of checks"; exit 1; }
	tap_planned=$1
	echo "1..$1"
}
tap_result() {	# tap_result ok|not_ok DESCRIPTION...
	[ -n "$tap_planned" ] || { echo "Bail out! a check before the plan (tap_plan N first): $2"; exit 1; }
	tap_n=$((tap_n + 1))
	if [ "$1" = ok ]; then
		echo "ok $tap_n - ${*:2}"
	else
		tap_failed=$((tap_failed + 1))
		echo "not ok $tap_n - ${*:2}"
	fi
}
ok() { tap_result ok "$@"; }
not_ok() { tap_result not_ok "$@"; }
check() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}
wait_until() {
	local end=$((SECONDS + $1 * ${FW_WAIT_SCALE:-1}))
	shift
	until "$@"; do
		[ $SECONDS -lt $end ] || return 1
		sleep 0.1
	done
}
tap_skip_all() { echo "1..0 # SKIP $*"; exit 0; }
tap_done() {
	if [ "$tap_n" != "${tap_planned:-none}" ]; then
		echo "Bail out! planned ${tap_planned:-no} checks, ran $tap_n"
		return 1
	fi
	[ "$tap_failed" = 0 ]
}

# A scratch database on the PG* server, dropped at exit; skips when there is
# no server unless FW_REQUIRE_DB=1.
tap_scratch_db() {
	if ! psql -d postgres -Atqc 'SELECT 1' >/dev/null 2>&1; then
		[ "${FW_REQUIRE_DB:-}" = 1 ] && { echo "Bail out! no PostgreSQL server"; exit 1; }
		tap_skip_all "no PostgreSQL server"
	fi
	PGDATABASE="fwsh_$$_$1"
	export PGDATABASE
	createdb "$PGDATABASE"
	trap 'dropdb --force "$PGDATABASE" >/dev/null 2>&1' EXIT
}

# tap_lab_require [COMMAND...]: skip the whole test (or bail out when
# FW_REQUIRE_LAB=1) unless PowerDNS, Unbound, the ASN data and the given
# commands are there; then run the test holding the lab lock.
# Call it first, before any trap or background process.
tap_lab_require() {
	local c
	for c in pdns_server unbound flock "$@"; do
		command -v "$c" >/dev/null || break
	done
	if ! command -v "$c" >/dev/null || [ ! -s "${LAB_ASN_DIR:-$FW_SRCDIR/var/asn}/asn-ipv4.csv" ]; then
		[ "${FW_REQUIRE_LAB:-}" = 1 ] && { echo "Bail out! lab prerequisites missing"; exit 1; }
		tap_skip_all "lab prerequisites missing (script/bootstrap): $c or the ASN data"
	fi
	tap_lab_serialise
}

# tap_lab_serialise: re-run this test under one machine-wide lock
# (FW_LAB_LOCK, default $TMPDIR/fluxwatch-lab.lock), so lab tests run one at
# a time, also those of other worktrees and of make -j: their checks time
# TTLs, revisits and back-pressure in seconds on a shared CPU, and a test's
# fixed LAB_NET must not be started twice. flock -o keeps the lock in flock
# itself, so the servers a test starts never inherit it.
tap_lab_serialise() {
	local lock=${FW_LAB_LOCK:-${TMPDIR:-/tmp}/fluxwatch-lab.lock} wait=$((900 * ${FW_WAIT_SCALE:-1})) rc
	[ "${FW_LAB_LOCKED:-}" = "$lock" ] && return 0
	FW_LAB_LOCKED=$lock flock -o -w "$wait" -E 75 "$lock" "$BASH" "$0"
	rc=$?
	[ $rc = 75 ] && echo "Bail out! another lab test held $lock for over $wait s (lslocks shows which)"
	exit $rc
}

# tap_lab_scored SECONDS: start the flux lab (LAB_RUN, LAB_NET set by the
# caller; the lab is the caller's to stop), load ASN (and country) data, seed
# the scenario, crawl for SECONDS with revisits at most 8 s apart, seed the
# late names and crawl one round more, score.
# Defines fw() (fluxwatch with that configuration) and leaves the
# configuration in $tap_lab_cfg and score's output in $tap_lab_cfg.score.
tap_lab_scored() {
	local asn_dir=${LAB_ASN_DIR:-$FW_SRCDIR/var/asn} geo_dir=${FW_GEO_DIR:-$FW_SRCDIR/var/geo}
	tap_lab_cfg=$LAB_RUN.fw.yaml
	# the data first: the crawl starts right after the lab (its takedowns are timed)
	"$FW_BIN" -q asn load "$asn_dir/asn-ipv4.csv" "$asn_dir/asn-ipv6.csv" >/dev/null
	[ -s "$geo_dir/geo-whois-asn-country-ipv4.csv" ] &&
		"$FW_BIN" -q geo load "$geo_dir/geo-whois-asn-country-ipv4.csv" "$geo_dir/geo-whois-asn-country-ipv6.csv" >/dev/null
	"$FW_SRCDIR/lab/labctl" start >/dev/null 2>&1 || { echo "Bail out! lab did not start"; exit 1; }
	sed 's/max_interval: 30s/max_interval: 8s/' "$LAB_RUN/fluxwatch.yaml" >"$tap_lab_cfg"	# long TTLs: 3+ visits
	fw() { "$FW_BIN" -c "$tap_lab_cfg" "$@"; }
	fw seed add --list lab "$LAB_RUN/seeds.txt" >/dev/null
	fw -q crawl --duration "$1" >/dev/null
	fw seed add --list late "$LAB_RUN/seeds-late.txt" >/dev/null
	fw -q crawl --once >/dev/null
	fw score >"$tap_lab_cfg.score"
}
