-- tests/data/feature_cases.sql: hand-made lookups, one domain per kind the
-- scorer tells apart (its name says the label it must get), stored batch by
-- batch as the writer stores them (fw_stage, the staging tables,
-- fw_store_batch), with the orders a crawl produces: the two halves of an
-- A+AAAA answer timed alike in two batches, a late answer observed before
-- failures already stored, a day boundary. tests/features.test compares
-- the rollup's features with the raw ones on them. Addresses: 10.N.0.0/16
-- is AS 64500+N (from 10.50 on, two ASNs an organisation), 2001:db8:N::/48
-- AS 64600+N, 192.0.2.0/24 Cloudflare, 198.18.N.0/24 hosting ASNs
-- (tests/features.test loads those ranges).
-- Base time: the setting cases.base; t in seconds after it.

CREATE FUNCTION pg_temp.rrtype(t text) RETURNS smallint LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE t WHEN 'A' THEN 1 WHEN 'NS' THEN 2 WHEN 'CNAME' THEN 5 WHEN 'AAAA' THEN 28 END::smallint $$;

-- One response staged: DOMAIN (added when new) asked QTYPE through VANTAGE
-- at T, with outcome RCODE (-1: a timeout) and RECORDS ('A 10.1.0.1 300,
-- CNAME x.example 60': type, data, TTL each), for QNAME (NULL: the domain).
CREATE FUNCTION pg_temp.obs(dom text, t numeric, vantage int, qtype text, rcode int,
                            records text DEFAULT '', qname text DEFAULT NULL) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    at timestamptz := current_setting('cases.base')::timestamptz + t * interval '1 second';
    did bigint;
    rec text[];
    n int := 0;
BEGIN
    INSERT INTO domains (name) VALUES (dom) ON CONFLICT (name) DO NOTHING;
    SELECT d.id INTO did FROM domains d WHERE d.name = dom;
    FOR rec IN SELECT regexp_split_to_array(trim(x), '\s+') FROM unnest(string_to_array(records, ',')) x LOOP
        INSERT INTO stage_answers VALUES (did, at, vantage, pg_temp.rrtype(qtype), pg_temp.rrtype(rec[1]),
            rec[3]::int, CASE WHEN rec[1] IN ('A', 'AAAA') THEN rec[2]::inet END,
            CASE WHEN rec[1] NOT IN ('A', 'AAAA') THEN rec[2] END, qname);
        n := n + 1;
    END LOOP;
    INSERT INTO stage_responses VALUES (did, at, vantage, pg_temp.rrtype(qtype), rcode, n, 0, 1000, qname);
END $$;

-- N addresses of answer I from a pool spread over ASNS networks: 10.x.0.y
-- (v6: 2001:db8:x::y), TTL ttl.
CREATE FUNCTION pg_temp.pool(i int, n int, asns int, ttl int, v6 boolean DEFAULT false) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT string_agg(CASE WHEN v6 THEN format('AAAA 2001:db8:%s::%s %s', (i * n + j) % asns, 1 + (i + j) % 3, ttl)
                           ELSE format('A 10.%s.0.%s %s', (i * n + j) % asns, 1 + (i + j) % 3, ttl) END, ', ')
    FROM generate_series(0, n - 1) j $$;

INSERT INTO vantages (name, address, port) VALUES ('a', '127.0.0.1', 53), ('b', '127.0.0.2', 53),
    ('c', '127.0.0.3', 53) ON CONFLICT DO NOTHING;
SELECT set_config('cases.base', (now() - interval '1 hour')::text, false) IS NOT NULL AS base_set;

-- visits 0..9, ten seconds apart, each in its own batch; the domains of a
-- visit are asked through vantages 1 and 2 (A and AAAA sent together: one
-- instant), NS through vantage 1; the per-vantage cases through all three
CREATE FUNCTION pg_temp.visit(v int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE t numeric := v * 10;
BEGIN
    FOR vt IN 1 .. 2 LOOP
        -- benign: two fixed addresses, no AAAA (NODATA), two name servers
        PERFORM pg_temp.obs('stable.benign', t, vt, 'A', 0, 'A 10.1.0.1 3600, A 10.1.0.2 3600');
        PERFORM pg_temp.obs('stable.benign', t, vt, 'AAAA', 0);
        -- single flux: four addresses an answer in 40 networks, TTL 3
        PERFORM pg_temp.obs('swift.single_flux', t + 0.5, vt, 'A', 0, pg_temp.pool(2 * v + vt, 4, 40, 3));
        PERFORM pg_temp.obs('swift.single_flux', t + 0.5, vt, 'AAAA', 0);
        -- double flux: its name servers change names and addresses
        PERFORM pg_temp.obs('hydra.double_flux', t + 1, vt, 'A', 0, pg_temp.pool(3 * v + vt, 3, 30, 5));
        PERFORM pg_temp.obs('hydra.double_flux', t + 1.2, vt, 'A', 0,
                            pg_temp.pool(v + 7 * vt, 1, 25, 5), format('ns%s.hydra.double_flux', v % 4));
        -- cdn: behind an edge CNAME, in Cloudflare's range
        PERFORM pg_temp.obs('static.cdn', t + 2, vt, 'A', 0,
                            format('CNAME shop.edgekey.net 60, A 192.0.2.%s 20, A 192.0.2.%s 20', v % 8, 8 + vt));
        -- a hosting pool: many networks, TTL 60, all hosting ASNs
        PERFORM pg_temp.obs('mirror-pool.benign', t + 3, vt, 'A', 0,
                            format('A 198.18.%s.%s 60, A 198.18.%s.%s 60', v % 4, vt, (v + 1) % 4, 10 + v));
        -- unresolved: NXDOMAIN; SERVFAIL and timeouts
        PERFORM pg_temp.obs('gone-away.unresolved', t + 4, vt, 'A', 3);
        PERFORM pg_temp.obs('gone-away.unresolved', t + 4, vt, 'AAAA', 3);
        PERFORM pg_temp.obs('broken.unresolved', t + 5, vt, 'A', CASE WHEN v % 3 = 0 THEN -1 ELSE 2 END);
        PERFORM pg_temp.obs('broken.unresolved', t + 5, vt, 'AAAA', 2);
        -- taken down after visit 4: flux, then NXDOMAIN
        PERFORM pg_temp.obs('seized.unresolved', t + 6, vt, 'A', CASE WHEN v > 4 THEN 3 ELSE 0 END,
                            CASE WHEN v > 4 THEN '' ELSE pg_temp.pool(v + vt, 3, 30, 3) END);
        PERFORM pg_temp.obs('seized.unresolved', t + 6, vt, 'AAAA', CASE WHEN v > 4 THEN 3 ELSE 0 END);
        -- its addresses answered, then only a CNAME (no evidence of a takedown: rcode 0)
        PERFORM pg_temp.obs('dangling.benign', t + 7, vt, 'A', 0,
                            CASE WHEN v > 6 THEN 'CNAME parked.example 300' ELSE 'A 10.2.0.1 300' END);
        -- then NODATA only: after-address counts of 0
        PERFORM pg_temp.obs('quiet.benign', t + 8, vt, 'A', 0, CASE WHEN v > 6 THEN '' ELSE 'A 10.3.0.1 300' END);
    END LOOP;
    FOR vt IN 1 .. 3 LOOP
        -- a CDN whose caches sit in ISP networks: each vantage always gets
        -- its own vt + 1 addresses (an ASN each, order rotating), TTL 20;
        -- 9 IPs in 9 ASNs across the three
        PERFORM pg_temp.obs('isp-cache.cdn', t + 9.5, vt, 'A', 0,
                            (SELECT string_agg(format('A 10.%s.0.1 20', 50 + 4 * vt + (j + v) % (vt + 1)), ', ')
                             FROM generate_series(0, vt) j));
        -- flux on a small pool: 3 of 10 addresses (10 ASNs), a different
        -- subset at every visit and vantage, TTL 5
        PERFORM pg_temp.obs('small-pool.single_flux', t + 9.6, vt, 'A', 0,
                            (SELECT string_agg(format('A 10.%s.0.1 5', 70 + (3 * v + 5 * vt + 4 * j) % 10), ', ')
                             FROM generate_series(0, 2) j));
    END LOOP;
    PERFORM pg_temp.obs('stable.benign', t, 1, 'NS', 0, 'NS ns1.stable.benign 3600, NS ns2.stable.benign 3600');
    PERFORM pg_temp.obs('hydra.double_flux', t + 1.1, 1, 'NS', 0,
                        format('NS ns%s.hydra.double_flux 10, NS ns%s.hydra.double_flux 10', v % 4, (v + 1) % 4));
    -- dual stack flux: the AAAA half of vantage 2's answer comes with the
    -- next batch (below), timed like its A half
    PERFORM pg_temp.obs('dual.single_flux', t + 9, 1, 'A', 0, pg_temp.pool(v, 3, 35, 5));
    PERFORM pg_temp.obs('dual.single_flux', t + 9, 1, 'AAAA', 0, pg_temp.pool(v, 2, 20, 5, true));
    PERFORM pg_temp.obs('dual.single_flux', t + 9, 2, 'A', 0, pg_temp.pool(v + 1, 3, 35, 5));
    IF v > 0 THEN
        PERFORM pg_temp.obs('dual.single_flux', t - 1, 2, 'AAAA', 0, pg_temp.pool(v + 3, 2, 20, 5, true));
    END IF;
END $$;

BEGIN; SELECT fw_stage(); SELECT pg_temp.visit(0); SELECT fw_store_batch(); COMMIT;
BEGIN; SELECT fw_stage(); SELECT pg_temp.visit(1); SELECT fw_store_batch(); COMMIT;
BEGIN; SELECT fw_stage(); SELECT pg_temp.visit(2); SELECT fw_store_batch(); COMMIT;
BEGIN; SELECT fw_stage(); SELECT pg_temp.visit(3); SELECT fw_store_batch(); COMMIT;
BEGIN; SELECT fw_stage(); SELECT pg_temp.visit(4); SELECT fw_store_batch(); COMMIT;
BEGIN; SELECT fw_stage(); SELECT pg_temp.visit(5); SELECT fw_store_batch(); COMMIT;
BEGIN; SELECT fw_stage(); SELECT pg_temp.visit(6); SELECT fw_store_batch(); COMMIT;
-- a late batch: an address answer of the seized domain from a third
-- vantage, observed between failures already stored (at 56 and 66)
BEGIN; SELECT fw_stage();
SELECT pg_temp.obs('seized.unresolved', 60, 3, 'A', 0, pg_temp.pool(9, 3, 30, 3));
SELECT fw_store_batch(); COMMIT;
BEGIN; SELECT fw_stage(); SELECT pg_temp.visit(7); SELECT fw_store_batch(); COMMIT;
BEGIN; SELECT fw_stage(); SELECT pg_temp.visit(8); SELECT fw_store_batch(); COMMIT;
BEGIN; SELECT fw_stage(); SELECT pg_temp.visit(9);
SELECT pg_temp.obs('dual.single_flux', 99, 2, 'AAAA', 0, pg_temp.pool(12, 2, 20, 5, true));
SELECT fw_store_batch(); COMMIT;

-- insufficient: measured once
BEGIN; SELECT fw_stage();
SELECT pg_temp.obs('fresh.insufficient', 100, 1, 'A', 0, pg_temp.pool(1, 3, 30, 3));
SELECT pg_temp.obs('fresh.insufficient', 100, 2, 'A', 0, pg_temp.pool(2, 3, 30, 3));
SELECT fw_store_batch(); COMMIT;

-- across the UTC day: a round robin asked every 5 s from 30 s before
-- midnight to 30 s after, in three batches
SELECT set_config('cases.base', (date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
                                 - interval '30 seconds')::text, false) IS NOT NULL AS base_set;
BEGIN; SELECT fw_stage();
SELECT pg_temp.obs('midnight.benign', i * 5, 1 + i % 2, 'A', 0, 'A 10.4.0.1 300, A 10.4.0.2 300, A 10.4.0.3 300')
FROM generate_series(0, 4) i;
SELECT fw_store_batch(); COMMIT;
BEGIN; SELECT fw_stage();
SELECT pg_temp.obs('midnight.benign', i * 5, 1 + i % 2, 'A', 0, 'A 10.4.0.1 300, A 10.4.0.2 300')
FROM generate_series(5, 8) i;
SELECT fw_store_batch(); COMMIT;
BEGIN; SELECT fw_stage();
SELECT pg_temp.obs('midnight.benign', i * 5, 1 + i % 2, 'A', 0, 'A 10.4.0.3 300')
FROM generate_series(9, 12) i;
SELECT fw_store_batch(); COMMIT;
