-- What researchers and defenders read: each address a domain used, a
-- per-domain timeline for plots, and what the exports need: increasing RPZ
-- serials (table export_serials: sql/005_outputs.sql), stable STIX
-- identifiers, STIX timestamps and the STIX bundle itself, and the
-- history as Passive DNS lines.

CREATE OR REPLACE VIEW v_domain_ips AS
SELECT d.name AS domain, a.addr, fw_asn(a.addr) AS asn, fw_asn_org(a.addr) AS as_org,
       a.first_seen, a.last_seen, a.answers, a.vantages, a.min_ttl
FROM (SELECT domain_id, addr, min(time_first) AS first_seen, max(time_last) AS last_seen,
             sum(count)::bigint AS answers, count(DISTINCT vantage_id) AS vantages, min(ttl_min) AS min_ttl
      FROM history WHERE addr IS NOT NULL AND qname_id = 0
      GROUP BY domain_id, addr) a
JOIN domains d ON d.id = a.domain_id;
COMMENT ON VIEW v_domain_ips IS
    'Every address a tracked domain ever resolved to (its own A/AAAA answers, CNAME chains '
    'included; not its name servers; from the rollup, kept for ever): ASN and organisation when asn data is loaded, first and '
    'last seen, answers and vantages that returned it, lowest TTL. Filter on domain (and on '
    'first_seen/last_seen for a time window).';

-- Per-domain timeline for plots: the observation span of DOM since SINCE cut
-- into BUCKETS equal slices; per slice the running totals of distinct
-- addresses, ASNs and NS names, the addresses first seen in it, its lowest TTL.
CREATE OR REPLACE FUNCTION fw_timeline(dom text, since timestamptz, buckets integer)
RETURNS TABLE (bucket integer, t timestamptz, ips bigint, asns bigint, new_ips bigint,
               min_ttl integer, ns_names bigint)
LANGUAGE sql STABLE AS $$
WITH a AS (
    SELECT a.observed_at, a.addr, a.target, a.rrtype, a.ttl
    FROM answers a JOIN domains d ON d.id = a.domain_id
    WHERE d.name = dom AND a.observed_at >= since AND a.qname IS NULL
), span AS (
    SELECT min(observed_at) AS t0,
           greatest(extract(epoch FROM max(observed_at) - min(observed_at)), 1) AS w FROM a
), b AS (
    SELECT least(buckets - 1, floor(extract(epoch FROM a.observed_at - s.t0) / s.w * buckets))::int
           AS k, a.*
    FROM a, span s
), ip1 AS (SELECT addr, min(k) AS k FROM b WHERE addr IS NOT NULL GROUP BY addr
), as1 AS (SELECT fw_asn(addr) AS asn, min(k) AS k FROM ip1 GROUP BY 1
), ns1 AS (SELECT target, min(k) AS k FROM b WHERE rrtype = 2 GROUP BY target
), ttl AS (SELECT k, min(ttl) AS min_ttl FROM b WHERE addr IS NOT NULL GROUP BY k)
SELECT g.k, s.t0 + make_interval(secs => s.w * g.k / buckets),
       (SELECT count(*) FROM ip1 WHERE ip1.k <= g.k),
       (SELECT count(*) FROM as1 WHERE as1.k <= g.k AND as1.asn IS NOT NULL),
       (SELECT count(*) FROM ip1 WHERE ip1.k = g.k),
       ttl.min_ttl,
       (SELECT count(*) FROM ns1 WHERE ns1.k <= g.k)
FROM span s CROSS JOIN generate_series(0, buckets - 1) AS g(k)
LEFT JOIN ttl ON ttl.k = g.k
WHERE s.t0 IS NOT NULL
ORDER BY g.k
$$;
COMMENT ON FUNCTION fw_timeline(text, timestamptz, integer) IS
    'Timeline of a domain for plots: per time slice the running count of distinct addresses, '
    'ASNs and NS names, the addresses new in the slice (churn) and the lowest TTL.';

-- RPZ serials: each export of a zone takes a serial greater than the last,
-- the Unix time when that is greater (RFC 1982 arithmetic stays valid to 2106).
CREATE OR REPLACE FUNCTION fw_next_serial(z text) RETURNS bigint LANGUAGE sql AS $$
    INSERT INTO export_serials AS e VALUES (z, extract(epoch FROM now())::bigint)
    ON CONFLICT (zone) DO UPDATE SET serial = greatest(e.serial + 1, EXCLUDED.serial)
    RETURNING serial $$;
COMMENT ON FUNCTION fw_next_serial(text) IS
    'The next SOA serial of an exported RPZ zone: greater than the last, the Unix time when that is greater.';

-- A stable RFC 4122 identifier (version 4 layout) derived from SEED, so the
-- same domain keeps the same STIX indicator id from one export to the next.
CREATE OR REPLACE FUNCTION fw_uuid(seed text) RETURNS uuid LANGUAGE sql IMMUTABLE AS $$
    SELECT (substr(h, 1, 12) || '4' || substr(h, 14, 3) ||
            substr('89ab', get_byte(decode(substr(h, 17, 2), 'hex'), 0) % 4 + 1, 1) ||
            substr(h, 18))::uuid
    FROM md5(seed) AS h $$;
COMMENT ON FUNCTION fw_uuid(text) IS
    'A stable UUID (version 4 layout) derived from the seed text: the same seed, the same id.';

CREATE OR REPLACE FUNCTION fw_stix_time(t timestamptz) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') $$;
COMMENT ON FUNCTION fw_stix_time(timestamptz) IS
    'A timestamp in the STIX 2.1 form: UTC, milliseconds, "Z".';

-- A STIX 2.1 bundle: fluxwatch as the identity that created it, one indicator
-- per domain whose latest verdict has one of LABELS.
CREATE OR REPLACE FUNCTION fw_stix_bundle(labels text[]) RETURNS jsonb LANGUAGE sql VOLATILE AS $$
WITH me AS (
    SELECT jsonb_build_object('type', 'identity', 'spec_version', '2.1',
        'id', 'identity--' || fw_uuid('fluxwatch identity'),
        'created', '2026-01-01T00:00:00.000Z', 'modified', '2026-01-01T00:00:00.000Z',
        'name', 'fluxwatch', 'identity_class', 'system',
        'description', 'fast-flux measurement crawler') AS o
), ind AS (
    SELECT f.domain, jsonb_build_object('type', 'indicator', 'spec_version', '2.1',
        'id', 'indicator--' || fw_uuid('fluxwatch indicator ' || f.domain),
        'created_by_ref', 'identity--' || fw_uuid('fluxwatch identity'),
        'created', fw_stix_time(f.since), 'modified', fw_stix_time(f.scored_at),
        'name', f.domain || ' (' || replace(f.label, '_', ' ') || ')',
        'description', f.reason,
        'indicator_types', CASE WHEN f.label IN ('single_flux', 'double_flux')
                                THEN '["malicious-activity"]'::jsonb
                                ELSE '["benign"]'::jsonb END,
        'pattern', '[domain-name:value = ''' || replace(f.domain, '''', '\''') || ''']',
        'pattern_type', 'stix', 'pattern_version', '2.1',
        'valid_from', fw_stix_time(f.since),
        'labels', jsonb_build_array(f.label),
        'confidence', round(f.score * 100)::int) AS o
    FROM (SELECT v.domain, v.label, v.score, v.reason, v.scored_at,
                 (SELECT min(x.scored_at) FROM verdicts x
                  WHERE x.domain_id = d.id AND x.label = v.label) AS since
          FROM v_verdicts v JOIN domains d ON d.name = v.domain
          WHERE v.label = ANY (labels)) f
)
SELECT jsonb_build_object('type', 'bundle', 'id', 'bundle--' || gen_random_uuid(),
    'objects', (SELECT jsonb_agg(o) FROM me) ||
               coalesce((SELECT jsonb_agg(o ORDER BY domain) FROM ind), '[]'::jsonb))
$$;
COMMENT ON FUNCTION fw_stix_bundle(text[]) IS
    'A STIX 2.1 bundle with one indicator per domain whose latest verdict has one of the labels.';

-- The history as Passive DNS COF JSON lines, one per name, type and data
-- (vantages merged), of the domains whose latest verdict has one of
-- LABELS (NULL: every tracked domain).
CREATE OR REPLACE FUNCTION fw_pdns_lines(labels text[]) RETURNS SETOF text
LANGUAGE sql STABLE AS $$
SELECT jsonb_build_object('rrname', h.rrname, 'rrtype', h.rrtype, 'rdata', h.rdata,
                         'time_first', extract(epoch FROM min(h.time_first))::bigint,
                         'time_last', extract(epoch FROM max(h.time_last))::bigint,
                         'count', sum(h.count))::text
FROM v_history h
WHERE labels IS NULL OR h.tracked_domain IN (SELECT v.domain FROM v_verdicts v
                                             WHERE v.label = ANY (labels))
GROUP BY h.rrname, h.rrtype, h.rdata
ORDER BY h.rrname, h.rrtype, h.rdata $$;
COMMENT ON FUNCTION fw_pdns_lines(text[]) IS
    '"export pdns": the history as Passive DNS Common Output Format JSON lines (epoch seconds).';
