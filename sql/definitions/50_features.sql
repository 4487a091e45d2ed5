-- Scoring features (docs/scoring.md): what was measured of each domain over
-- a window, as one jsonb object per domain. Tables: sql/004 (asn_ranges,
-- cdn_asns, cdn_suffixes, verdicts) and sql/006 (geo_ranges, hosting_asns).

-- The classic flux-score of Holz et al. ("Measuring and Detecting Fast-Flux
-- Service Networks", NDSS 2008), kept as a baseline to compare with
-- (bench/eval.sh: flux when > 0). Its coefficients are the paper's, not
-- thresholds of fluxwatch's rules.
CREATE OR REPLACE FUNCTION fw_holz(ips bigint, asns bigint) RETURNS numeric
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT round(1.32 * ips + 18.54 * asns - 142.38, 2) $$;
COMMENT ON FUNCTION fw_holz(bigint, bigint) IS
    'Holz et al. flux-score from distinct addresses and ASNs (> 0: flux), a baseline.';

-- Features of every domain with own A/AAAA lookups in the window [since,
-- now] and an id in [first_id, last_id] (a share of a pass that runs in
-- several sessions); with only_changed, of those observed after their
-- latest verdict (incremental pass: fw_unscored lists them).
-- Read from the scoring rollup, never from the raw lookups (tables:
-- sql/012_score_rollup.sql; docs/scoring.md): the domain's lookup_days
-- rows (lookups by outcome, answers and addresses per answer), its
-- domain_records rows (addresses with their ASN, its organisation and
-- their country, NS names,
-- CNAME targets, its name servers' addresses) and its after_address rows
-- (what followed its last address). A row is in the window when it last
-- held (last_at, last_seen) within it, and then counts whole: exact when the
-- window covers every lookup of the domain.
-- The domains with ids in [first_id, last_id] observed after their latest
-- verdict, in id order (domain_rollup.scored_at, kept by a trigger on
-- verdicts, says so without reading them; the verdicts decide for those).
CREATE OR REPLACE FUNCTION fw_unscored(first_id bigint, last_id bigint) RETURNS bigint[]
LANGUAGE sql STABLE AS $$
SELECT coalesce(array_agg(s.domain_id ORDER BY s.domain_id), '{}') FROM domain_rollup s
WHERE s.domain_id BETWEEN first_id AND last_id AND s.observed_until > s.scored_at
  AND s.observed_until > coalesce((SELECT max(v.scored_at) FROM verdicts v
                                   WHERE v.domain_id = s.domain_id), '-infinity') $$;
COMMENT ON FUNCTION fw_unscored(bigint, bigint) IS
    'The ids in first_id .. last_id of the domains observed after their latest verdict.';

CREATE OR REPLACE FUNCTION fw_features(since timestamptz, only_changed boolean DEFAULT false,
                                       first_id bigint DEFAULT 0,
                                       last_id bigint DEFAULT 9223372036854775807)
RETURNS TABLE (domain_id bigint, f jsonb)
LANGUAGE sql STABLE AS $$
WITH todo AS (   -- every domain of the range, or (only_changed) those
                 -- fw_unscored lists, each looked up: the plan then reads the
                 -- few domains' rows by index, not every domain's
    SELECT s.domain_id, s.last_lookup_at, s.first_address_at, s.last_address_at
    FROM (SELECT * FROM domain_rollup s WHERE NOT only_changed AND s.domain_id BETWEEN first_id AND last_id
          UNION ALL
          SELECT s.* FROM unnest(fw_unscored(first_id, last_id)) u(id)
          JOIN domain_rollup s ON s.domain_id = u.id WHERE only_changed) s
    WHERE s.observed_until >= since AND EXISTS (SELECT 1 FROM domains d WHERE d.id = s.domain_id)
), resp AS (
    SELECT l.domain_id, sum(l.lookups) AS responses, sum(l.noerror) AS noerror,
           sum(l.nxdomain) AS nxdomain, sum(l.servfail) AS servfail,
           sum(l.transport_failures) AS transport_failures,
           count(*) AS vantages,
           min(l.first_at) AS first_seen, max(l.last_at) AS last_seen,
           sum(l.answers) AS address_responses, sum(l.addresses) AS addresses,
           max(l.max_n) AS max_per_answer,
           count(*) FILTER (WHERE l.answers > 0) AS answering_vantages,
           min(l.answers) FILTER (WHERE l.answers > 0) AS vantage_min_answers,
           sum(l.max_n) FILTER (WHERE l.answers > 0) AS largest_answers
    FROM (SELECT l.domain_id, l.vantage_id, sum(l.lookups) AS lookups, sum(l.noerror) AS noerror,
                 sum(l.nxdomain) AS nxdomain, sum(l.servfail) AS servfail,
                 sum(l.transport_failures) AS transport_failures,
                 min(l.first_at) AS first_at, max(l.last_at) AS last_at,
                 sum(l.answers) AS answers, sum(l.addresses) AS addresses,
                 max(l.max_addresses) AS max_n
          FROM lookup_days l JOIN todo USING (domain_id)
          WHERE l.last_at >= since AND l.domain_id BETWEEN first_id AND last_id
          GROUP BY 1, 2) l   -- per vantage: its days summed
    GROUP BY 1
), ad AS (       -- kinds (domain_records): 1 the domain's addresses, 2 NS names,
                 -- 3 CNAME targets, 4 its name servers' addresses, 5 and 6 the
                 -- /16s and /24s of its addresses (/32s, /48s), 7 the /16s of
                 -- its name servers' IPv4 addresses
    SELECT r.domain_id,
           count(*) FILTER (WHERE r.kind = 1) AS ips,
           count(*) FILTER (WHERE r.kind = 1 AND family(r.addr) = 4) AS ips4,
           count(*) FILTER (WHERE r.kind = 1 AND family(r.addr) = 6) AS ips6,
           count(*) FILTER (WHERE r.kind = 6) AS slash24s,
           count(*) FILTER (WHERE r.kind = 5) AS slash16s,
           min(r.ttl_min) FILTER (WHERE r.kind = 1) AS min_ttl,
           -- the largest TTL seen is the closest to the zone's (caches count down)
           max(r.ttl_max) FILTER (WHERE r.kind = 1) AS max_ttl,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY r.ttl_min) FILTER (WHERE r.kind = 1) AS median_ttl,
           -- per-vantage consistency: the vantages that saw each address
           sum(cardinality(r.vantages)) FILTER (WHERE r.kind = 1) AS seen_by,
           count(DISTINCT r.asn) FILTER (WHERE r.kind = 1) AS asns,
           -- organisations: one company's several ASNs count once
           count(DISTINCT r.org_asn) FILTER (WHERE r.kind = 1) AS orgs,
           count(*) FILTER (WHERE r.kind = 1 AND r.asn IS NULL) AS addrs_without_asn,
           avg((r.asn IN (SELECT c.asn FROM cdn_asns c))::int) FILTER (WHERE r.kind = 1) AS cdn_asn_share,
           avg(coalesce(r.asn IN (SELECT h.asn FROM hosting_asns h), false)::int)
               FILTER (WHERE r.kind = 1) AS hosting_share,
           count(DISTINCT r.country) FILTER (WHERE r.kind = 1) AS countries,
           bool_and(r.country IS NULL) FILTER (WHERE r.kind = 1) AS no_country,
           -- addresses first seen after the domain's first one: the pool's growth
           count(*) FILTER (WHERE r.kind = 1 AND r.first_seen > t.first_address_at) AS new_ips,
           -- FluxBuster-style entropy of the IPv4 /16s, by records: with c the
           -- records of each and T their sum, -sum(c/T log2 c/T) = (ln T - sum(c ln c) / T) / ln 2
           sum(r.records) FILTER (WHERE r.kind = 5 AND family(r.addr) = 4) AS net_records,
           sum(r.records * ln(r.records::float8)) FILTER (WHERE r.kind = 5 AND family(r.addr) = 4) AS net_clnc,
           count(*) FILTER (WHERE r.kind = 2) AS ns_names,
           min(r.ttl_min) FILTER (WHERE r.kind = 2) AS ns_min_ttl,
           count(*) FILTER (WHERE r.kind = 3) AS cnames,
           bool_or(EXISTS (SELECT 1 FROM cdn_suffixes s
                           WHERE r.rdata = s.suffix OR r.rdata LIKE '%.' || s.suffix))
               FILTER (WHERE r.kind = 3) AS cdn_cname,
           count(*) FILTER (WHERE r.kind = 4) AS ns_ips,
           count(DISTINCT r.asn) FILTER (WHERE r.kind = 4) AS ns_asns,
           count(*) FILTER (WHERE r.kind = 7) AS ns_slash16s
    FROM domain_records r JOIN todo t USING (domain_id)
    WHERE r.last_seen >= since AND r.domain_id BETWEEN first_id AND last_id
    GROUP BY 1
), after AS (    -- the domain's own A/AAAA lookups after its last address (none
                 -- kept: no such lookup, or only empty NOERROR answers, which
                 -- say nothing either way)
    SELECT t.domain_id, count(x.rcode) AS responses_after,
           count(x.rcode) FILTER (WHERE x.rcode <> 0) AS gone_responses,
           count(x.rcode) FILTER (WHERE x.rcode = 3) AS nxdomain_after,
           min(x.observed_at) FILTER (WHERE x.rcode <> 0) AS gone_since
    FROM todo t JOIN ad USING (domain_id)
    LEFT JOIN after_address x ON x.domain_id = t.domain_id
    WHERE t.last_lookup_at > t.last_address_at AND ad.ips > 0
    GROUP BY 1
)
-- one object of 45 keys (jsonb_build_object takes at most 100 arguments: a
-- second object joined with || would cost a copy of both per domain)
SELECT resp.domain_id, jsonb_strip_nulls(jsonb_build_object(
    'responses', resp.responses, 'noerror', resp.noerror, 'nxdomain', resp.nxdomain,
    'servfail', resp.servfail, 'transport_failures', resp.transport_failures,
    'fail_share', round(1 - resp.noerror::numeric / resp.responses, 3),
    'vantages', resp.vantages,
    'span_s', round(extract(epoch FROM resp.last_seen - resp.first_seen)),
    'address_responses', resp.address_responses,
    'ips', coalesce(ad.ips, 0), 'ips4', coalesce(ad.ips4, 0), 'ips6', coalesce(ad.ips6, 0),
    'slash24s', coalesce(ad.slash24s, 0), 'slash16s', coalesce(ad.slash16s, 0),
    'asns', CASE WHEN ad.addrs_without_asn = ad.ips THEN NULL ELSE ad.asns END,
    'as_fraction', CASE WHEN ad.ips > 1 AND ad.addrs_without_asn < ad.ips
                        THEN round((ad.asns - 1)::numeric / (ad.ips - 1), 3) END,
    'max_per_answer', CASE WHEN resp.address_responses > 0 THEN resp.max_per_answer END,
    'fluxiness', round(ad.ips / nullif(resp.addresses::numeric / nullif(resp.address_responses, 0), 0), 2),
    'min_ttl', ad.min_ttl, 'median_ttl', ad.median_ttl,
    'cdn_asn_share', round(ad.cdn_asn_share::numeric, 3),
    'cdn_cname', ad.cdn_cname, 'cnames', nullif(ad.cnames, 0),
    'vantage_overlap', round((ad.seen_by::float8 / ad.ips / resp.vantages)::numeric, 3),
    'ns_names', nullif(ad.ns_names, 0), 'ns_min_ttl', ad.ns_min_ttl,
    'ns_ips', nullif(ad.ns_ips, 0), 'ns_asns', nullif(ad.ns_asns, 0),
    'ns_slash16s', CASE WHEN ad.ns_ips > 0 THEN ad.ns_slash16s END,
    'entropy16', round(((ln(ad.net_records::float8) - ad.net_clnc / ad.net_records) / ln(2::float8))::numeric, 3),
    'holz', fw_holz(coalesce(ad.ips, 0), coalesce(ad.asns, 0)),
    'countries', CASE WHEN NOT ad.no_country THEN ad.countries END,
    'hosting_share', round(ad.hosting_share::numeric, 3), 'max_ttl', ad.max_ttl,
    'new_ips_per_answer', CASE WHEN ad.ips > 0
                               THEN round(ad.new_ips::numeric / nullif(resp.address_responses - 1, 0), 2) END,
    'responses_per_vantage', round(resp.responses::numeric / nullif(resp.vantages, 0), 1),
    'responses_after_address', after.responses_after,
    'gone_responses', after.gone_responses, 'nxdomain_after', after.nxdomain_after,
    'gone_since', to_char(after.gone_since AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS "UTC"'),
    -- per vantage: the addresses each answering vantage saw (the vantages
    -- of each address row), summed over them, against the sum of their
    -- largest answers, and against the addresses: no second pass over the
    -- rows, and 1 exactly when every vantage always got the same set
    'answering_vantages', nullif(resp.answering_vantages, 0),
    'vantage_min_answers', resp.vantage_min_answers,
    'vantage_fluxiness', round(ad.seen_by::numeric / resp.largest_answers, 2),
    'answering_overlap', round(ad.seen_by::numeric / ad.ips / nullif(resp.answering_vantages, 0), 3),
    'orgs', CASE WHEN ad.addrs_without_asn = ad.ips THEN NULL ELSE ad.orgs END))
FROM resp
LEFT JOIN ad USING (domain_id) LEFT JOIN after USING (domain_id)
$$;
COMMENT ON FUNCTION fw_features(timestamptz, boolean, bigint, bigint) IS
    'Per-domain features over the rollup rows that last held since the argument (see '
    'docs/scoring.md); only_changed: the domains observed after their latest verdict; of the '
    'domain ids first_id .. last_id.';
