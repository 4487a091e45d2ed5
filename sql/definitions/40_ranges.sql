-- Lookups in the IP range tables (asn_ranges: sql/004, geo_ranges: sql/006).
-- Ranges do not overlap, so the range holding an address is the one with
-- the greatest start <= the address: one probe of the btree on range_start,
-- then a check of its end. Every lookup has this one shape. The probe is
-- bounded below by the first address of A's family (IPv4 sorts before
-- IPv6): an IPv6 address with only IPv4 ranges loaded found nothing after
-- walking every range (68 ms a lookup instead of 0.3, bench/longhaul.sh).

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
