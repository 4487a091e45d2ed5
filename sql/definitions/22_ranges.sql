-- Lookups in the IP range tables (asn_ranges: sql/004, geo_ranges: sql/006).
-- Ranges do not overlap, so the range holding an address is the one with
-- the greatest start <= the address: one probe of the btree on range_start,
-- then a check of its end. Every lookup has this one shape. The probe is
-- bounded below by the first address of A's family (IPv4 sorts before
-- IPv6): an IPv6 address with only IPv4 ranges loaded found nothing after
-- walking every range (68 ms a lookup instead of 0.3, bench/longhaul.sh).
-- Defined before sql/definitions/25_history.sql: the writer's batch looks up
-- each new address (fw_stage_score_rollup).

CREATE OR REPLACE FUNCTION fw_family_floor(a inet) RETURNS inet
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE family(a) WHEN 4 THEN '0.0.0.0'::inet ELSE '::'::inet END $$;
COMMENT ON FUNCTION fw_family_floor(inet) IS 'The lowest address of A''s family (0.0.0.0 or ::).';

CREATE OR REPLACE FUNCTION fw_asn(a inet) RETURNS bigint LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT r.asn FROM (SELECT asn, range_end FROM asn_ranges
                       WHERE range_start <= a AND range_start >= fw_family_floor(a)
                       ORDER BY range_start DESC LIMIT 1) r
    WHERE r.range_end >= a $$;
COMMENT ON FUNCTION fw_asn(inet) IS 'Origin ASN of an address, NULL when unknown.';

CREATE OR REPLACE FUNCTION fw_asn_org(a inet) RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT r.org FROM (SELECT org, range_end FROM asn_ranges
                       WHERE range_start <= a AND range_start >= fw_family_floor(a)
                       ORDER BY range_start DESC LIMIT 1) r
    WHERE r.range_end >= a $$;
COMMENT ON FUNCTION fw_asn_org(inet) IS
    'Organisation of the origin AS of an address, NULL when unknown.';

CREATE OR REPLACE FUNCTION fw_country(a inet) RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT r.country FROM (SELECT country, range_end FROM geo_ranges
                           WHERE range_start <= a AND range_start >= fw_family_floor(a)
                           ORDER BY range_start DESC LIMIT 1) r
    WHERE r.range_end >= a $$;
COMMENT ON FUNCTION fw_country(inet) IS 'Country code of an address, NULL when unknown.';

-- asn_orgs (sql/019_asn_orgs.sql) rebuilt from asn_ranges: per ASN, the
-- lowest ASN whose ranges name the same organisation (case and outer
-- blanks aside; no name or the data's "-Reserved AS-": its own). The
-- migration filled it with the same statement, as a migration cannot call
-- a definition.
CREATE OR REPLACE FUNCTION fw_asn_orgs_refresh() RETURNS void LANGUAGE sql AS $$
    DELETE FROM asn_orgs;
    INSERT INTO asn_orgs (asn, org_asn)
    SELECT asn, coalesce(min(asn) FILTER (WHERE k IS NOT NULL) OVER (PARTITION BY k), asn)
    FROM (SELECT asn, nullif(nullif(lower(btrim(min(org))), ''), '-reserved as-') AS k
          FROM asn_ranges GROUP BY asn) a $$;
COMMENT ON FUNCTION fw_asn_orgs_refresh() IS
    'asn load: asn_orgs (each ASN''s organisation, as the lowest ASN of the same name) rebuilt.';

-- The ASN (RANGES = asn_ranges) or the country (geo_ranges) of every known
-- address looked up again, in addresses and in the domain_records holding
-- it: asn load and geo load call it in the transaction that replaces the
-- table (for asn_ranges, asn_orgs rebuilt first and each ASN's
-- organisation copied beside it). Rows whose value stays are not written.
-- Returns the addresses changed.
CREATE OR REPLACE FUNCTION fw_addresses_refresh(ranges regclass) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    n bigint;
BEGIN
    IF ranges = 'asn_ranges'::regclass THEN
        PERFORM fw_asn_orgs_refresh();
        -- the ASN looked up once per address (OFFSET 0), its organisation beside it
        UPDATE addresses c SET asn = x.asn, org_asn = x.org_asn
        FROM (SELECT a.addr, a.asn, coalesce(o.org_asn, a.asn) AS org_asn
              FROM (SELECT addr, fw_asn(addr) AS asn FROM addresses OFFSET 0) a
              LEFT JOIN asn_orgs o ON o.asn = a.asn) x
        WHERE c.addr = x.addr AND (c.asn, c.org_asn) IS DISTINCT FROM (x.asn, x.org_asn);
        GET DIAGNOSTICS n = ROW_COUNT;
        UPDATE domain_records r SET asn = c.asn, org_asn = c.org_asn FROM addresses c
        WHERE r.addr = c.addr AND (r.asn, r.org_asn) IS DISTINCT FROM (c.asn, c.org_asn);
    ELSIF ranges = 'geo_ranges'::regclass THEN
        UPDATE addresses c SET country = x.v FROM (SELECT addr, fw_country(addr) AS v FROM addresses) x
        WHERE c.addr = x.addr AND c.country IS DISTINCT FROM x.v;
        GET DIAGNOSTICS n = ROW_COUNT;
        UPDATE domain_records r SET country = c.country FROM addresses c
        WHERE r.addr = c.addr AND r.country IS DISTINCT FROM c.country;
    ELSE
        RAISE EXCEPTION 'fw_addresses_refresh: % is not a range table', ranges;
    END IF;
    RETURN n;
END $$;
COMMENT ON FUNCTION fw_addresses_refresh(regclass) IS
    'asn load / geo load: the ASN and its organisation (asn_ranges; asn_orgs rebuilt first) or '
    'the country (geo_ranges) of every known address (addresses, domain_records) looked up again; '
    'returns how many addresses changed.';
