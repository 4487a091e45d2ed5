#!/usr/bin/env bash
# bench/eval.sh [SECONDS] — the scorer against the lab's ground truth: starts
# a lab of the default scenario (or LAB_SCENARIO), loads the ASN (and country)
# data, crawls for SECONDS (default 60) while scoring every 5 s, seeds the
# scenario's late names and crawls one round more, then prints the confusion
# matrix, precision and recall per label, the same for the Holz flux-score
# baseline (flux when 1.32 n_A + 18.54 n_ASN - 142.38 > 0) on the same
# observations, and how many A/AAAA responses each domain needed before its
# label was first right.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-60}
fw=${FW_BIN:-$top/_build/fluxwatch}
tmp=$(mktemp -d)
export LAB_RUN=$tmp/lab LAB_NET=${EVAL_NET:-127.0.70}
export PGDATABASE=fweval_$$
trap '"$top/lab/labctl" stop >/dev/null 2>&1; dropdb --force "$PGDATABASE" >/dev/null 2>&1; rm -rf "$tmp"' EXIT
createdb "$PGDATABASE"
"$fw" -q db init		# the data first: the crawl starts right after the lab (takedowns are timed)
"$fw" -q asn load "${LAB_ASN_DIR:-$top/var/asn}"/asn-ipv4.csv "${LAB_ASN_DIR:-$top/var/asn}"/asn-ipv6.csv >/dev/null
geo=${FW_GEO_DIR:-$top/var/geo}
[ -s "$geo/geo-whois-asn-country-ipv4.csv" ] &&
	"$fw" -q geo load "$geo"/geo-whois-asn-country-ipv4.csv "$geo"/geo-whois-asn-country-ipv6.csv >/dev/null
"$top/lab/labctl" start ${LAB_SCENARIO:+--scenario "$LAB_SCENARIO"} >/dev/null
cfg=$LAB_RUN/fluxwatch.yaml
"$fw" -q -c "$cfg" seed add --list lab "$LAB_RUN/seeds.txt" >/dev/null
"$fw" -q -c "$cfg" crawl --duration "$secs" >"$tmp/crawl.out" &
crawler=$!
while kill -0 $crawler 2>/dev/null; do sleep 5; "$fw" -q -c "$cfg" score --all >/dev/null; done
wait $crawler
"$fw" -q -c "$cfg" seed add --list late "$LAB_RUN/seeds-late.txt" >/dev/null
"$fw" -q -c "$cfg" crawl --once >/dev/null
"$fw" -q -c "$cfg" score --all >/dev/null
cat "$tmp/crawl.out"
psql -qc "CREATE TABLE truth (domain text PRIMARY KEY, label text)"
psql -qc "\\copy truth FROM '$LAB_RUN/truth.csv' CSV HEADER"
psql -P pager=off -q <<'SQL'
CREATE VIEW eval AS
SELECT t.domain, t.label AS truth, coalesce(v.label, 'none') AS label,
       CASE WHEN (v.features->>'holz')::float8 > 0 THEN 'flux' ELSE 'not flux' END AS holz
FROM truth t LEFT JOIN v_verdicts v USING (domain);
\echo == confusion matrix (rows: truth, columns: fluxwatch)
SELECT truth,
       count(*) FILTER (WHERE label = 'single_flux') AS single_flux,
       count(*) FILTER (WHERE label = 'double_flux') AS double_flux,
       count(*) FILTER (WHERE label = 'cdn') AS cdn,
       count(*) FILTER (WHERE label = 'benign') AS benign,
       count(*) FILTER (WHERE label = 'unresolved') AS unresolved,
       count(*) FILTER (WHERE label IN ('insufficient', 'none')) AS insufficient
FROM eval GROUP BY 1 ORDER BY 1;
\echo == precision and recall per label
SELECT l AS label,
       round(count(*) FILTER (WHERE truth = l AND label = l)::numeric / nullif(count(*) FILTER (WHERE label = l), 0), 2) AS precision,
       round(count(*) FILTER (WHERE truth = l AND label = l)::numeric / nullif(count(*) FILTER (WHERE truth = l), 0), 2) AS recall
FROM eval, unnest(ARRAY['single_flux','double_flux','cdn','benign','unresolved','insufficient']) l GROUP BY 1 ORDER BY 1;
\echo == flux or not: fluxwatch vs the Holz flux-score baseline
SELECT method,
       count(*) FILTER (WHERE is_flux AND said_flux) AS true_pos,
       count(*) FILTER (WHERE NOT is_flux AND said_flux) AS false_pos,
       count(*) FILTER (WHERE is_flux AND NOT said_flux) AS false_neg,
       count(*) FILTER (WHERE NOT is_flux AND NOT said_flux) AS true_neg
FROM (SELECT 'fluxwatch' AS method, truth LIKE '%flux' AS is_flux, label LIKE '%flux' AS said_flux FROM eval
      UNION ALL SELECT 'holz', truth LIKE '%flux', holz = 'flux' FROM eval) x GROUP BY 1;
\echo == A/AAAA responses needed before the label was first right
SELECT t.domain, t.label, min((v.features->>'responses')::int) AS responses_needed
FROM truth t JOIN domains d ON d.name = t.domain
LEFT JOIN verdicts v ON v.domain_id = d.id AND v.label = t.label
GROUP BY 1, 2 ORDER BY 2, 1;
\echo == where the Holz baseline is wrong
SELECT e.domain, e.truth, e.holz, v.features->>'holz' AS holz_score FROM eval e LEFT JOIN v_verdicts v USING (domain)
WHERE (e.truth LIKE '%flux') <> (e.holz = 'flux');
\echo == wrong labels
SELECT e.domain, e.truth, e.label, v.reason FROM eval e LEFT JOIN v_verdicts v ON v.domain = e.domain
WHERE e.truth <> e.label;
SQL
