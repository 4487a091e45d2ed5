#!/usr/bin/env bash
# tests/reclone.sh — script/test leaves no server behind, and a clone deleted
# while its PostgreSQL still ran does not break the next clone at the same
# path (the orphan used to remove the new cluster's socket). Copies the work
# tree (tracked and untracked files, not the ignored ones, so uncommitted
# work is what is tested) into a folder the postgres user can reach, runs
# script/test with FW_TEST_ONLY there, plants an orphan, deletes and
# re-creates the copy, and runs it again. Exits 0 when all holds.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d /tmp/fwreclone.XXXXXX)
chmod 755 "$tmp"
clone=$tmp/fluxwatch
trap '[ -x "$clone/script/pg" ] && "$clone/script/pg" stop >/dev/null 2>&1; rm -rf "$tmp"' EXIT
fail=0
say() { echo "$1: $2"; [ "$2" = ok ] || fail=1; }

make_clone() {
	rm -rf "$clone"
	mkdir -p "$clone/var"
	(cd "$top" && git ls-files -co --exclude-standard -z | tar --null -T - -cf -) | tar -xf - -C "$clone"
	cp -r "$top/var/asn" "$top/var/geo" "$clone/var/"	# the data bootstrap would fetch
}
run_clone() {
	(cd "$clone" && FW_TEST_ONLY=tests/cli.test script/test) >"$tmp/run$1.out" 2>&1
	local rc=$?
	echo "run $1: $(tail -1 "$tmp/run$1.out")"
	return $rc
}
servers() { pgrep -f -- "-D $clone/var/pg/data" >/dev/null; }

make_clone
run_clone 1; say "first run passes" "$([ $? = 0 ] && tail -1 "$tmp/run1.out" | grep -q '^[1-9][0-9]* passed, 0 failed$' && echo ok || echo "failed: $(tail -3 "$tmp/run1.out")")"
servers && say "first run stopped its server" "still running" || say "first run stopped its server" ok

"$clone/script/pg" start >/dev/null || say "orphan planted" "script/pg start failed"
rm -rf "$clone"	# its server runs on, its data folder gone
make_clone
run_clone 2; say "run in the re-created clone passes" "$([ $? = 0 ] && tail -1 "$tmp/run2.out" | grep -q '^[1-9][0-9]* passed, 0 failed$' && echo ok || echo "failed: $(tail -3 "$tmp/run2.out")")"
grep -q 'of a deleted cluster .* still running; stopping it' "$tmp/run2.out" && say "the orphan is named" ok || say "the orphan is named" "no message"
servers && say "no server of either clone left" "still running" || say "no server of either clone left" ok
exit $fail
