#!/usr/bin/env bash
# bench/queue_bench.sh [DOMAINS] — the shared work queue at scale: DOMAINS
# (default 1,000,000) tracked domains; prints the claim/report rate
# (bench/claim_rate) and, as the memory check, the crawler's peak RSS while
# it crawls that queue for BENCH_SECONDS (default 20) through one lab vantage
# that answers every name (a wildcard zone), next to its RSS on a queue of
# 1,000 domains: memory must not grow with the number of tracked domains.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-1000000}
secs=${BENCH_SECONDS:-20}
fw=${FW_BIN:-$top/_build/fluxwatch}
claim=${CLAIM_BIN:-$top/_build/bench/claim_rate}
tmp=$(mktemp -d)
export LAB_RUN=$tmp/lab LAB_NET=${BENCH_NET:-127.0.42}
trap '"$top/lab/labctl" stop >/dev/null 2>&1; dropdb --force fwbench_q_$$ >/dev/null 2>&1; dropdb --force fwbench_qs_$$ >/dev/null 2>&1; rm -rf "$tmp"' EXIT
printf '$ORIGIN q.lab.\n@ 3600 IN SOA ns.q.lab. h.q.lab. 1 3600 600 86400 3600\n@ 3600 IN NS ns.q.lab.\nns 3600 IN A 192.0.2.53\n* 3600 IN A 198.18.0.1\n' >"$tmp/q.zone"
"$top/lab/labctl" start --zone "$tmp/q.zone" --vantages 1 --cache 256 >/dev/null
cat >"$tmp/fw.yaml" <<YAML
database: {}
resolvers:
  - {name: q, address: $LAB_NET.11, port: 5300, max_inflight: 200}
crawl: {claim_batch: 500}
YAML
rss_for() {	# DB COUNT: seed COUNT domains, crawl for secs, print peak RSS (KiB)
	createdb "$1"
	PGDATABASE=$1 "$fw" -q -c "$tmp/fw.yaml" db init
	awk -v n="$2" 'BEGIN { for (i = 0; i < n; i++) printf "d%d.q.lab\n", i }' |
		PGDATABASE=$1 "$fw" -q -c "$tmp/fw.yaml" seed add --list q - >/dev/null
	PGDATABASE=$1 /usr/bin/time -f '%M' -o "$tmp/rss" "$fw" -q -c "$tmp/fw.yaml" crawl --duration "$secs" >"$tmp/crawl.out"
	cat "$tmp/rss"
}
small=$(rss_for fwbench_qs_$$ 1000)
big=$(rss_for fwbench_q_$$ "$n")
echo "crawl on $n domains for ${secs}s: $(cat "$tmp/crawl.out")"
echo "crawler peak RSS: $((big / 1024)) MiB with $n tracked domains, $((small / 1024)) MiB with 1000 (ratio $(awk -v a="$big" -v b="$small" 'BEGIN { printf "%.2f", a / b }'))"
PGDATABASE=fwbench_q_$$ psql -qc "UPDATE domains SET next_due_at = now() - interval '1 second', lease_until = NULL"
PGDATABASE=fwbench_q_$$ "$claim" 500
