-- 004_scoring: enrichment (IP ranges -> ASN; CDN/cloud knowledge), per-domain
-- features over a window, labels with reasons, and verdict history.

-- IP range -> ASN, organisation (ip-location-db "start,end,asn,org", v4 and v6),
-- loaded by "fluxwatch asn load". Ranges do not overlap, so the range holding
-- an address is the one with the greatest start <= the address: a btree on
-- range_start answers that with one index probe (measured faster to load and
-- as fast to query here as ip4r or a GiST index on inet ranges).
CREATE TABLE asn_ranges (
    range_start  inet NOT NULL,
    range_end    inet NOT NULL,
    asn          bigint NOT NULL,
    org          text
);
CREATE INDEX asn_ranges_start ON asn_ranges (range_start);
COMMENT ON TABLE asn_ranges IS 'IP ranges and their origin ASN and organisation (fluxwatch asn load).';

CREATE FUNCTION fw_asn(a inet) RETURNS bigint LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT r.asn FROM (SELECT asn, range_end FROM asn_ranges
                       WHERE range_start <= a AND family(range_start) = family(a)
                       ORDER BY range_start DESC LIMIT 1) r
    WHERE r.range_end >= a $$;
COMMENT ON FUNCTION fw_asn(inet) IS 'Origin ASN of an address, NULL when unknown.';

-- CDN and cloud operators: their ASNs and the CNAME suffixes they answer behind.
-- Sources: the operators' own AS registrations (RIR whois, PeeringDB entries)
-- and their documented edge host names.
CREATE TABLE cdn_asns (asn bigint PRIMARY KEY, operator text NOT NULL);
CREATE TABLE cdn_suffixes (suffix text PRIMARY KEY, operator text NOT NULL);
INSERT INTO cdn_asns VALUES
    (13335, 'Cloudflare'), (209242, 'Cloudflare'), (20940, 'Akamai'), (16625, 'Akamai'),
    (16702, 'Akamai'), (21342, 'Akamai'), (32787, 'Akamai'), (54113, 'Fastly'),
    (16509, 'Amazon'), (14618, 'Amazon'), (8987, 'Amazon'), (15169, 'Google'),
    (396982, 'Google Cloud'), (19527, 'Google'), (8075, 'Microsoft'), (8068, 'Microsoft'),
    (15133, 'Edgecast'), (22822, 'Limelight'), (60068, 'CDN77'), (200325, 'Bunny'),
    (12222, 'Akamai'), (35994, 'Akamai'), (13414, 'Twitter'), (32934, 'Facebook'),
    (14061, 'DigitalOcean'), (24940, 'Hetzner'), (16276, 'OVH'), (63949, 'Akamai Linode');
INSERT INTO cdn_suffixes VALUES
    ('akamaiedge.net', 'Akamai'), ('edgekey.net', 'Akamai'), ('edgesuite.net', 'Akamai'),
    ('akamai.net', 'Akamai'), ('akamaized.net', 'Akamai'), ('cloudfront.net', 'Amazon'),
    ('amazonaws.com', 'Amazon'), ('elb.amazonaws.com', 'Amazon'), ('fastly.net', 'Fastly'),
    ('fastlylb.net', 'Fastly'), ('cdn.cloudflare.net', 'Cloudflare'),
    ('azureedge.net', 'Microsoft'), ('azurefd.net', 'Microsoft'), ('trafficmanager.net', 'Microsoft'),
    ('googlehosted.com', 'Google'), ('googleusercontent.com', 'Google'), ('edgecastcdn.net', 'Edgecast'),
    ('llnwd.net', 'Limelight'), ('b-cdn.net', 'Bunny'), ('cdn77.org', 'CDN77');
COMMENT ON TABLE cdn_asns IS 'ASNs of CDN and cloud operators (a hosting ASN is not flux by itself).';
COMMENT ON TABLE cdn_suffixes IS 'CNAME suffixes of CDN and cloud edge names.';

CREATE TABLE verdicts (
    domain_id   bigint NOT NULL,
    scored_at   timestamptz NOT NULL DEFAULT now(),
    label       text NOT NULL CHECK (label IN ('single_flux', 'double_flux', 'cdn', 'benign',
                                               'unresolved', 'insufficient')),
    score       real NOT NULL,
    reason      text NOT NULL,
    features    jsonb NOT NULL,
    thresholds  jsonb NOT NULL
);
CREATE INDEX verdicts_domain ON verdicts (domain_id, scored_at DESC);
COMMENT ON TABLE verdicts IS 'Every verdict of the scoring pass (history); v_verdicts has the latest.';

-- Features of every domain with observations since SINCE (set-based); with
-- only_changed, of those observed after their latest verdict (incremental pass).
CREATE FUNCTION fw_features(since timestamptz, only_changed boolean DEFAULT false)
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
), uaddr AS (   -- one ASN lookup per distinct address of a domain, not per record
    SELECT u.domain_id, u.addr, fw_asn(u.addr) AS asn
    FROM (SELECT DISTINCT domain_id, addr FROM addr) u
), asninfo AS (
    SELECT domain_id, count(DISTINCT asn) AS asns,
           count(*) FILTER (WHERE asn IS NULL) AS addrs_without_asn, count(*) AS addrs,
           avg((asn IN (SELECT c.asn FROM cdn_asns c))::int) AS cdn_asn_share
    FROM uaddr GROUP BY 1
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
), nsa AS (
    SELECT h.domain_id, count(DISTINCT h.addr) AS ns_ips,
           count(DISTINCT fw_asn(h.addr)) AS ns_asns,
           count(DISTINCT set_masklen(h.addr::cidr, 16)) FILTER (WHERE family(h.addr) = 4) AS ns_slash16s
    FROM answers h JOIN todo USING (domain_id)
    WHERE h.observed_at >= since AND h.qname IS NOT NULL AND h.addr IS NOT NULL
    GROUP BY 1
)
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
    'holz', round(1.32 * coalesce(ad.ips, 0) + 18.54 * coalesce(ai.asns, 0) - 142.38, 2)))
FROM resp
LEFT JOIN ad USING (domain_id) LEFT JOIN asninfo ai USING (domain_id) LEFT JOIN pr USING (domain_id) LEFT JOIN cn USING (domain_id)
LEFT JOIN vs USING (domain_id) LEFT JOIN ns USING (domain_id) LEFT JOIN nsa USING (domain_id)
LEFT JOIN ent USING (domain_id)
$$;
COMMENT ON FUNCTION fw_features(timestamptz, boolean) IS
    'Per-domain features over observations since the argument (see docs/scoring.md).';

-- The label, a score in [0,1] and a one-line reason, from features F and thresholds T.
CREATE FUNCTION fw_label(f jsonb, t jsonb, OUT label text, OUT score real, OUT reason text)
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    ips int := coalesce((f->>'ips')::int, 0);
    div int := coalesce((f->>'asns')::int, (f->>'slash16s')::int, 0);
    divname text := CASE WHEN f ? 'asns' THEN 'ASNs' ELSE '/16s' END;
    ttl int := (f->>'min_ttl')::int;
    ns_div int := coalesce((f->>'ns_asns')::int, (f->>'ns_slash16s')::int, 0);
    ns_names int := coalesce((f->>'ns_names')::int, 0);
    flux boolean;
    nsflux boolean;
BEGIN
    IF (f->>'responses')::int < (t->>'min_responses')::int THEN
        label := 'insufficient'; score := 0;
        reason := format('%s responses, %s needed', f->>'responses', t->>'min_responses');
        RETURN;
    END IF;
    IF coalesce((f->>'address_responses')::int, 0) = 0 THEN
        label := 'unresolved'; score := (f->>'fail_share')::real;
        reason := format('no address in %s responses (%s NXDOMAIN, %s SERVFAIL, %s timeouts)',
                         f->>'responses', f->>'nxdomain', f->>'servfail', f->>'transport_failures');
        RETURN;
    END IF;
    IF coalesce((f->>'cdn_asn_share')::float8, 0) >= (t->>'cdn_min_share')::float8
       OR coalesce((f->>'cdn_cname')::boolean, false) THEN
        label := 'cdn'; score := greatest(coalesce((f->>'cdn_asn_share')::real, 0),
                                           CASE WHEN (f->>'cdn_cname')::boolean THEN 1 ELSE 0 END);
        reason := format('%s IPs in %s %s, %s%% in CDN/cloud ASNs%s', ips, div, divname,
                         round(coalesce((f->>'cdn_asn_share')::numeric, 0) * 100),
                         CASE WHEN (f->>'cdn_cname')::boolean THEN ', behind a CDN CNAME' ELSE '' END);
        RETURN;
    END IF;
    -- many addresses, or few per answer that keep changing (fluxiness: distinct
    -- addresses over the window / addresses per answer), spread over networks
    flux := div >= (t->>'flux_min_asns')::int AND ttl <= (t->>'flux_max_ttl')::int
            AND (ips >= (t->>'flux_min_ips')::int
                 OR coalesce((f->>'fluxiness')::float8, 0) >= (t->>'flux_min_fluxiness')::float8);
    nsflux := ns_names >= (t->>'ns_min_names')::int OR ns_div >= (t->>'ns_min_asns')::int;
    reason := format('%s IPs in %s %s over %s answers, TTL %s s', ips, div, divname,
                     f->>'address_responses', ttl);
    IF flux THEN
        score := least(1, 0.5 * ips::real / (2 * (t->>'flux_min_ips')::int)
                          + 0.5 * div::real / (2 * (t->>'flux_min_asns')::int));
        IF nsflux THEN
            label := 'double_flux';
            reason := reason || format('; name servers rotate: %s names, %s addresses in %s %s',
                                       ns_names, coalesce(f->>'ns_ips', '0'), ns_div, divname);
        ELSE
            label := 'single_flux';
        END IF;
        RETURN;
    END IF;
    label := 'benign'; score := 0;
    reason := reason || CASE WHEN div < (t->>'flux_min_asns')::int THEN ': few networks'
                             WHEN ips < (t->>'flux_min_ips')::int THEN ': few addresses'
                             ELSE ': TTLs too long for flux' END;
END $$;
COMMENT ON FUNCTION fw_label(jsonb, jsonb) IS
    'Label rules over features and thresholds (config "scoring"), with a readable reason.';

CREATE VIEW v_verdicts AS
SELECT DISTINCT ON (v.domain_id) d.name AS domain, v.label, v.score, v.reason, v.features,
       v.scored_at, v.thresholds
FROM verdicts v JOIN domains d ON d.id = v.domain_id
ORDER BY v.domain_id, v.scored_at DESC;
COMMENT ON VIEW v_verdicts IS
    'The latest verdict per domain: label (single_flux, double_flux, cdn, benign, unresolved, '
    'insufficient), score in [0,1], a one-line reason, the features (jsonb) and thresholds used.';
