-- 006_pools_takedowns: countries of addresses, hosting-provider knowledge,
-- and what the rules need for two cases the first rules got wrong: volunteer
-- pools (NTP-pool-like) spread over hosting ASNs, and takedowns (flux, then
-- NXDOMAIN). The functions of 004 stay as the base; the public names wrap them.

-- IP range -> country (ISO 3166 alpha-2), loaded by "fluxwatch geo load" from
-- ip-location-db country CSV files ("start,end,country"); same lookup as fw_asn.
CREATE TABLE geo_ranges (
    range_start  inet NOT NULL,
    range_end    inet NOT NULL,
    country      text NOT NULL
);
CREATE INDEX geo_ranges_start ON geo_ranges (range_start);
COMMENT ON TABLE geo_ranges IS 'IP ranges and their country code (fluxwatch geo load).';

CREATE FUNCTION fw_country(a inet) RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT r.country FROM (SELECT country, range_end FROM geo_ranges
                           WHERE range_start <= a AND family(range_start) = family(a)
                           ORDER BY range_start DESC LIMIT 1) r
    WHERE r.range_end >= a $$;
COMMENT ON FUNCTION fw_country(inet) IS 'Country code of an address, NULL when unknown.';

-- Hosting and VPS providers: where volunteer pools (NTP pool, Tor, mirrors)
-- live. Not CDNs: the four moved here from cdn_asns rent servers to anyone.
-- Sources: the providers' AS registrations (RIR whois, PeeringDB).
CREATE TABLE hosting_asns (asn bigint PRIMARY KEY, operator text NOT NULL);
INSERT INTO hosting_asns SELECT asn, operator FROM cdn_asns WHERE asn IN (14061, 24940, 16276, 63949);
DELETE FROM cdn_asns WHERE asn IN (14061, 24940, 16276, 63949);
INSERT INTO hosting_asns VALUES
    (200130, 'DigitalOcean'), (62567, 'DigitalOcean'), (213230, 'Hetzner'), (212317, 'Hetzner'),
    (35540, 'OVH'), (20473, 'Vultr'), (51167, 'Contabo'), (40021, 'Contabo'), (141995, 'Contabo'),
    (12876, 'Scaleway'), (60781, 'Leaseweb'), (16265, 'Leaseweb'), (28753, 'Leaseweb'),
    (30633, 'Leaseweb'), (36352, 'ColoCrossing'), (8560, 'IONOS'), (8972, 'Host Europe'),
    (197540, 'netcup'), (9009, 'M247'), (46606, 'Unified Layer'), (26496, 'GoDaddy'),
    (398101, 'GoDaddy'), (22612, 'Namecheap'), (47583, 'Hostinger'), (204915, 'Hostinger'),
    (31898, 'Oracle Cloud'), (45102, 'Alibaba Cloud'), (132203, 'Tencent Cloud'),
    (6939, 'Hurricane Electric'), (29802, 'HIVELOCITY'), (32244, 'Liquid Web'),
    (19318, 'Interserver'), (55286, 'B2 Net'), (53667, 'FranTech'), (49981, 'WorldStream'),
    (25369, 'Hydra Communications'), (43350, 'NForce'), (50673, 'Serverius'), (58212, 'dataforest'),
    (8100, 'QuadraNet'), (7506, 'GMO Internet'), (2914, 'NTT'), (3257, 'GTT');
COMMENT ON TABLE hosting_asns IS
    'ASNs of hosting and VPS providers (volunteer pools live there; a hint, not a verdict).';

-- Features: those of 004 plus countries, the share of addresses in hosting
-- ASNs, the largest TTL, the pool's growth (addresses new after the first
-- answer, per later answer), responses per vantage, and what followed the
-- last address seen (a takedown).
ALTER FUNCTION fw_features(timestamptz, boolean) RENAME TO fw_features_base;
CREATE FUNCTION fw_features(since timestamptz, only_changed boolean DEFAULT false)
RETURNS TABLE (domain_id bigint, f jsonb)
LANGUAGE sql STABLE AS $$
WITH b AS (
    SELECT * FROM fw_features_base(since, only_changed)
), ad AS (      -- one pass over the answers: each address of each domain, with
                -- its country and whether a hosting ASN announces it
    SELECT x.*, fw_country(x.addr) AS country,
           fw_asn(x.addr) IN (SELECT h.asn FROM hosting_asns h) AS hosting
    FROM (SELECT a.domain_id, a.addr, min(a.observed_at) AS first_seen,
                 max(a.observed_at) AS last_seen, max(a.ttl) AS max_ttl
          FROM answers a JOIN b USING (domain_id)
          WHERE a.observed_at >= since AND a.qname IS NULL AND a.qtype IN (1, 28)
            AND a.addr IS NOT NULL
          GROUP BY 1, 2) x
), last AS (    -- the largest TTL seen is the closest to the zone's (caches count down)
    SELECT domain_id, min(first_seen) AS first_address_at, max(last_seen) AS last_address_at,
           max(max_ttl) AS max_ttl, count(DISTINCT country) AS countries,
           bool_and(country IS NULL) AS no_country, avg(coalesce(hosting, false)::int) AS hosting_share
    FROM ad GROUP BY 1
), growth AS (  -- addresses first seen after the first answer: the pool's growth
    SELECT ad.domain_id, count(*) FILTER (WHERE ad.first_seen > l.first_address_at) AS new_ips
    FROM ad JOIN last l USING (domain_id)
    GROUP BY 1
), after AS (   -- the domain's own A/AAAA responses after its last address; an empty
               -- NOERROR (NODATA: no AAAA for a v4-only name) says nothing either way
    SELECT r.domain_id, count(*) FILTER (WHERE r.rcode <> 0 OR r.answer_count > 0) AS responses_after,
           count(*) FILTER (WHERE r.rcode <> 0) AS gone_responses,
           count(*) FILTER (WHERE r.rcode = 3) AS nxdomain_after,
           min(r.observed_at) FILTER (WHERE r.rcode <> 0) AS gone_since
    FROM responses r JOIN last USING (domain_id)
    WHERE r.observed_at > last.last_address_at AND r.qname IS NULL AND r.qtype IN (1, 28)
    GROUP BY 1
)
SELECT b.domain_id, b.f || jsonb_strip_nulls(jsonb_build_object(
    'countries', CASE WHEN NOT last.no_country THEN last.countries END,
    'hosting_share', round(last.hosting_share::numeric, 3), 'max_ttl', last.max_ttl,
    'new_ips_per_answer', round(growth.new_ips::numeric /
                                nullif((b.f->>'address_responses')::int - 1, 0), 2),
    'responses_per_vantage', round((b.f->>'responses')::numeric / nullif((b.f->>'vantages')::int, 0), 1),
    'responses_after_address', after.responses_after,
    'gone_responses', after.gone_responses, 'nxdomain_after', after.nxdomain_after,
    'gone_since', to_char(after.gone_since AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS "UTC"')))
FROM b LEFT JOIN last USING (domain_id) LEFT JOIN growth USING (domain_id)
LEFT JOIN after USING (domain_id)
$$;
COMMENT ON FUNCTION fw_features(timestamptz, boolean) IS
    'Per-domain features over observations since the argument (see docs/scoring.md).';

-- Labels: the rules of 004, then: a domain whose answers turned into failures
-- (at least takedown_min_responses, 80 % of what followed its last address)
-- is unresolved, saying what it was before; "flux" whose addresses sit mostly
-- in hosting ASNs (pool_min_hosting_share %) with a largest TTL of at least
-- pool_min_ttl is a volunteer pool, benign. Countries join the reason of flux labels.
ALTER FUNCTION fw_label(jsonb, jsonb) RENAME TO fw_label_base;
CREATE FUNCTION fw_label(f jsonb, t jsonb, OUT label text, OUT score real, OUT reason text)
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    gone int := coalesce((f->>'gone_responses')::int, 0);
    after int := coalesce((f->>'responses_after_address')::int, 0);
    hosting float8 := coalesce((f->>'hosting_share')::float8, 0);
BEGIN
    SELECT b.label, b.score, b.reason INTO label, score, reason FROM fw_label_base(f, t) b;
    IF label IN ('insufficient', 'unresolved') THEN
        RETURN;
    END IF;
    IF gone > 0 AND gone >= (t->>'takedown_min_responses')::int AND gone * 10 >= after * 8 THEN
        reason := format('gone since %s: %s of %s responses after the last address failed '
                         '(%s NXDOMAIN); before: %s, %s', f->>'gone_since', gone, after,
                         f->>'nxdomain_after', label, reason);
        label := 'unresolved'; score := round(gone::numeric / after, 2);
        RETURN;
    END IF;
    IF label IN ('single_flux', 'double_flux') THEN
        IF hosting * 100 >= (t->>'pool_min_hosting_share')::float8
           AND coalesce((f->>'max_ttl')::int, (f->>'min_ttl')::int) >= (t->>'pool_min_ttl')::int THEN
            reason := format('%s: a hosting pool (%s%% of addresses in hosting ASNs, TTL up to %s s), '
                             'not flux', reason, round(hosting * 100),
                             coalesce(f->>'max_ttl', f->>'min_ttl'));
            label := 'benign'; score := 0;
        ELSIF f ? 'countries' THEN
            reason := regexp_replace(reason, ' over ', format(' in %s countries over ', f->>'countries'));
        END IF;
    END IF;
END $$;
COMMENT ON FUNCTION fw_label(jsonb, jsonb) IS
    'Label rules over features and thresholds (config "scoring"), with a readable reason.';
