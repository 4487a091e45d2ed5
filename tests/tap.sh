# tests/tap.sh — TAP helpers for shell integration tests (sourced).
# check "description" command...   runs the command; ok when it exits 0.
# tap_done                          prints the plan; the exit status says all passed.
tap_n=0
tap_failed=0

ok() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $*"; }
not_ok() { tap_n=$((tap_n + 1)); tap_failed=$((tap_failed + 1)); echo "not ok $tap_n - $*"; }
check() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}
tap_skip_all() { echo "1..0 # SKIP $*"; exit 0; }
tap_done() { echo "1..$tap_n"; [ "$tap_failed" = 0 ]; }

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
