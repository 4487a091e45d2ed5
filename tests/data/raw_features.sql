-- tests/data/raw_features.sql: the features as fw_features computed them
-- before the rollup, from every raw lookup (the views responses and
-- answers), as pg_temp.raw_features(since, only_changed): what the rollup's
-- fw_features must equal (tests/score.test, tests/features.test). Kept
-- here only, as the reference; median_ttl is the one feature the rollup
-- computes otherwise (docs/scoring.md).
CREATE FUNCTION pg_temp.raw_features(since timestamptz, only_changed boolean DEFAULT false)
RETURNS TABLE (domain_id bigint, f jsonb)
LANGUAGE sql STABLE AS $$
WITH todo AS (
    SELECT x.domain_id FROM responses x WHERE x.observed_at >= since GROUP BY 1
    HAVING NOT only_changed OR max(x.observed_at) > coalesce(
        (SELECT max(v.scored_at) FROM verdicts v WHERE v.domain_id = x.domain_id), '-infinity')
), r AS (
    SELECT r.domain_id, r.vantage_id, r.observed_at, r.rcode, r.qtype
    FROM responses r JOIN todo USING (domain_id)
    WHERE r.observed_at >= since AND r.qname IS NULL AND r.qtype IN (1, 28)
), a AS (
    SELECT a.domain_id, a.vantage_id, a.observed_at, a.rrtype, a.ttl, a.addr, a.target
    FROM answers a JOIN todo USING (domain_id)
    WHERE a.observed_at >= since AND a.qname IS NULL AND a.qtype IN (1, 28)
), addr AS (
    SELECT a.* FROM a WHERE a.addr IS NOT NULL
), uaddr AS (   -- each distinct address of a domain once: one ASN and one country
                -- lookup per address, not per record; the ASN's organisation
    SELECT u.*, coalesce((SELECT o.org_asn FROM asn_orgs o WHERE o.asn = u.asn), u.asn) AS org
    FROM (SELECT u.*, fw_asn(u.addr) AS asn, fw_country(u.addr) AS country
          FROM (SELECT domain_id, addr, min(observed_at) AS first_seen,
                       max(observed_at) AS last_seen, max(ttl) AS max_ttl
                FROM addr GROUP BY 1, 2) u) u
), asninfo AS (  -- the largest TTL seen is the closest to the zone's (caches count down)
    SELECT domain_id, count(DISTINCT asn) AS asns, count(DISTINCT org) AS orgs,
           count(*) FILTER (WHERE asn IS NULL) AS addrs_without_asn, count(*) AS addrs,
           avg((asn IN (SELECT c.asn FROM cdn_asns c))::int) AS cdn_asn_share,
           avg(coalesce(asn IN (SELECT h.asn FROM hosting_asns h), false)::int) AS hosting_share,
           count(DISTINCT country) AS countries, bool_and(country IS NULL) AS no_country,
           min(first_seen) AS first_address_at, max(last_seen) AS last_address_at,
           max(max_ttl) AS max_ttl
    FROM uaddr GROUP BY 1
), growth AS (   -- addresses first seen after the first answer: the pool's growth
    SELECT u.domain_id, count(*) FILTER (WHERE u.first_seen > ai.first_address_at) AS new_ips
    FROM uaddr u JOIN asninfo ai USING (domain_id)
    GROUP BY 1
), after AS (    -- the domain's own A/AAAA responses after its last address; an empty
                 -- NOERROR (NODATA: no AAAA for a v4-only name) says nothing either way
    SELECT r.domain_id, count(*) FILTER (WHERE r.rcode <> 0 OR r.answer_count > 0) AS responses_after,
           count(*) FILTER (WHERE r.rcode <> 0) AS gone_responses,
           count(*) FILTER (WHERE r.rcode = 3) AS nxdomain_after,
           min(r.observed_at) FILTER (WHERE r.rcode <> 0) AS gone_since
    FROM responses r JOIN asninfo ai USING (domain_id)
    WHERE r.observed_at > ai.last_address_at AND r.qname IS NULL AND r.qtype IN (1, 28)
    GROUP BY 1
), per_resp AS (
    SELECT domain_id, vantage_id, observed_at, count(*) AS n FROM addr GROUP BY 1, 2, 3
), resp AS (
    SELECT domain_id, count(*) AS responses,
           count(*) FILTER (WHERE rcode = 0) AS noerror,
           count(*) FILTER (WHERE rcode = 3) AS nxdomain,
           count(*) FILTER (WHERE rcode = 2) AS servfail,
           count(*) FILTER (WHERE rcode < 0) AS transport_failures,
           count(DISTINCT vantage_id) AS vantages,
           min(observed_at) AS first_seen, max(observed_at) AS last_seen
    FROM r WHERE EXISTS (SELECT 1 FROM domains d WHERE d.id = r.domain_id) GROUP BY 1
), ad AS (
    SELECT domain_id,
           count(DISTINCT addr) AS ips,
           count(DISTINCT addr) FILTER (WHERE family(addr) = 4) AS ips4,
           count(DISTINCT addr) FILTER (WHERE family(addr) = 6) AS ips6,
           count(DISTINCT CASE WHEN family(addr) = 4 THEN set_masklen(addr::cidr, 24)
                               ELSE set_masklen(addr::cidr, 48) END) AS slash24s,
           count(DISTINCT CASE WHEN family(addr) = 4 THEN set_masklen(addr::cidr, 16)
                               ELSE set_masklen(addr::cidr, 32) END) AS slash16s,
           min(ttl) AS min_ttl,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY ttl) AS median_ttl
    FROM addr GROUP BY 1
), ent AS (
    SELECT domain_id, -sum(p * ln(p) / ln(2)) AS entropy16
    FROM (SELECT domain_id, count(*)::float8 / sum(count(*)) OVER (PARTITION BY domain_id) AS p
          FROM addr WHERE family(addr) = 4
          GROUP BY domain_id, set_masklen(addr::cidr, 16)) x
    GROUP BY 1
), pr AS (
    SELECT domain_id, max(n) AS max_per_answer, avg(n) AS avg_per_answer,
           count(*) AS address_responses
    FROM per_resp GROUP BY 1
), cn AS (
    SELECT domain_id, count(DISTINCT target) AS cnames,
           bool_or(EXISTS (SELECT 1 FROM cdn_suffixes s
                           WHERE a.target = s.suffix OR a.target LIKE '%.' || s.suffix)) AS cdn_cname
    FROM a WHERE rrtype = 5 GROUP BY 1
), vs AS (   -- per-vantage consistency: share of a domain's addresses every vantage saw
    SELECT domain_id, avg(seen_by::float8 / nv) AS vantage_overlap
    FROM (SELECT a.domain_id, a.addr, count(DISTINCT a.vantage_id) AS seen_by,
                 max(rv.vantages) AS nv
          FROM addr a JOIN resp rv USING (domain_id) GROUP BY 1, 2) x
    GROUP BY 1
), ns AS (
    SELECT n.domain_id, count(DISTINCT n.target) AS ns_names, min(n.ttl) AS ns_min_ttl
    FROM answers n JOIN todo USING (domain_id)
    WHERE n.observed_at >= since AND n.qname IS NULL AND n.rrtype = 2
    GROUP BY 1
), pv AS (   -- per answering vantage: its answers, its largest, the addresses it saw
    SELECT domain_id, count(*) AS answering_vantages, min(answers) AS vantage_min_answers,
           sum(ips) AS seen, sum(max_n) AS largest_answers
    FROM (SELECT domain_id, vantage_id, count(*) AS answers, max(n) AS max_n
          FROM per_resp GROUP BY 1, 2) pa
    JOIN (SELECT domain_id, vantage_id, count(DISTINCT addr) AS ips FROM addr GROUP BY 1, 2) pi
        USING (domain_id, vantage_id)
    GROUP BY 1
), nsa AS (
    SELECT h.domain_id, count(DISTINCT h.addr) AS ns_ips,
           count(DISTINCT fw_asn(h.addr)) AS ns_asns,
           count(DISTINCT set_masklen(h.addr::cidr, 16)) FILTER (WHERE family(h.addr) = 4) AS ns_slash16s
    FROM answers h JOIN todo USING (domain_id)
    WHERE h.observed_at >= since AND h.qname IS NOT NULL AND h.addr IS NOT NULL
    GROUP BY 1
)
-- two objects joined: jsonb_build_object takes at most 100 arguments
SELECT resp.domain_id, jsonb_strip_nulls(jsonb_build_object(
    'responses', resp.responses, 'noerror', resp.noerror, 'nxdomain', resp.nxdomain,
    'servfail', resp.servfail, 'transport_failures', resp.transport_failures,
    'fail_share', round(1 - resp.noerror::numeric / resp.responses, 3),
    'vantages', resp.vantages,
    'span_s', round(extract(epoch FROM resp.last_seen - resp.first_seen)),
    'address_responses', coalesce(pr.address_responses, 0),
    'ips', coalesce(ad.ips, 0), 'ips4', coalesce(ad.ips4, 0), 'ips6', coalesce(ad.ips6, 0),
    'slash24s', coalesce(ad.slash24s, 0), 'slash16s', coalesce(ad.slash16s, 0),
    'asns', CASE WHEN ai.addrs_without_asn = ai.addrs THEN NULL ELSE ai.asns END,
    'as_fraction', CASE WHEN ad.ips > 1 AND ai.addrs_without_asn < ai.addrs
                        THEN round((ai.asns - 1)::numeric / (ad.ips - 1), 3) END,
    'max_per_answer', pr.max_per_answer,
    'fluxiness', round(ad.ips / nullif(pr.avg_per_answer, 0), 2),
    'min_ttl', ad.min_ttl, 'median_ttl', ad.median_ttl,
    'cdn_asn_share', round(ai.cdn_asn_share::numeric, 3),
    'cdn_cname', cn.cdn_cname, 'cnames', cn.cnames,
    'vantage_overlap', round(vs.vantage_overlap::numeric, 3),
    'ns_names', ns.ns_names, 'ns_min_ttl', ns.ns_min_ttl,
    'ns_ips', nsa.ns_ips, 'ns_asns', nullif(nsa.ns_asns, 0), 'ns_slash16s', nsa.ns_slash16s,
    'entropy16', round(ent.entropy16::numeric, 3),
    'holz', fw_holz(coalesce(ad.ips, 0), coalesce(ai.asns, 0)))) ||
  jsonb_strip_nulls(jsonb_build_object(
    'countries', CASE WHEN NOT ai.no_country THEN ai.countries END,
    'hosting_share', round(ai.hosting_share::numeric, 3), 'max_ttl', ai.max_ttl,
    'new_ips_per_answer', round(growth.new_ips::numeric /
                                nullif(coalesce(pr.address_responses, 0) - 1, 0), 2),
    'responses_per_vantage', round(resp.responses::numeric / nullif(resp.vantages, 0), 1),
    'responses_after_address', after.responses_after,
    'gone_responses', after.gone_responses, 'nxdomain_after', after.nxdomain_after,
    'gone_since', to_char(after.gone_since AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS "UTC"'),
    'answering_vantages', pv.answering_vantages, 'vantage_min_answers', pv.vantage_min_answers,
    'vantage_fluxiness', round(pv.seen::numeric / pv.largest_answers, 2),
    'answering_overlap', round(pv.seen::numeric / ad.ips / pv.answering_vantages, 3),
    'orgs', CASE WHEN ai.addrs_without_asn = ai.addrs THEN NULL ELSE ai.orgs END))
FROM resp
LEFT JOIN ad USING (domain_id) LEFT JOIN asninfo ai USING (domain_id) LEFT JOIN pr USING (domain_id)
LEFT JOIN cn USING (domain_id) LEFT JOIN vs USING (domain_id) LEFT JOIN ns USING (domain_id)
LEFT JOIN nsa USING (domain_id) LEFT JOIN ent USING (domain_id) LEFT JOIN growth USING (domain_id)
LEFT JOIN after USING (domain_id) LEFT JOIN pv USING (domain_id)
$$;

-- Every feature (median_ttl aside) and every verdict on which the two
-- differ, since :'since': domain, what, raw, rollup (no row: they agree).
-- :'t' is a thresholds object for fw_label.
CREATE TEMP VIEW features_differ AS
WITH r AS (SELECT * FROM pg_temp.raw_features(:'since')),
     n AS (SELECT * FROM fw_features(:'since')),
     b AS (SELECT coalesce(r.domain_id, n.domain_id) AS domain_id, r.f - 'median_ttl' AS rf,
                  n.f - 'median_ttl' AS nf
           FROM r FULL JOIN n USING (domain_id))
SELECT d.name AS domain, k AS what, b.rf->k AS raw, b.nf->k AS rollup
FROM b JOIN domains d ON d.id = b.domain_id
CROSS JOIN LATERAL (SELECT jsonb_object_keys(coalesce(b.rf, '{}')) UNION
                    SELECT jsonb_object_keys(coalesce(b.nf, '{}')) UNION SELECT 'domain') k(k)
WHERE (b.rf->k) IS DISTINCT FROM (b.nf->k) OR b.rf IS NULL OR b.nf IS NULL
UNION ALL
SELECT d.name, 'verdict', to_jsonb(lr), to_jsonb(ln)
FROM b JOIN domains d ON d.id = b.domain_id
CROSS JOIN LATERAL fw_label(b.rf, :'t'::jsonb) lr CROSS JOIN LATERAL fw_label(b.nf, :'t'::jsonb) ln
WHERE (lr.label, lr.score, lr.reason) IS DISTINCT FROM (ln.label, ln.score, ln.reason);
