-- History as change (tables: sql/010_history.sql): the writer's batch
-- (fw_stage, fw_store_batch), the packed lookups and their reading
-- (fw_unpack, views responses and answers), the conversion of the old
-- row-per-lookup tables (fw_history_upgrade). Closed partitions are
-- repacked by fw_compact (27_compact.sql).
--
-- A packed row (visits.packed): a header of ten 4-bit numbers (5 octets:
-- the format, 1, then the width in octets of each of the nine fields),
-- then one record per response (in time order), its fields one after the
-- other, each value big-endian in its field's width, the width being what
-- the row's largest value needs (0 when every value is 0). Fields: microseconds since the row's observed_at, latency
-- in microseconds*, vantage id, qtype (16 bits as on the wire), rcode*,
-- flags*, answer set id (0: no record), qname id (0: the tracked domain),
-- the smallest TTL of the response's records*. * zigzag-coded (0, -1, 1,
-- -2 ... as 0, 1, 2, 3 ...), so a negative value costs no more octets.

CREATE OR REPLACE FUNCTION fw_zigzag(v bigint) RETURNS bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN v >= 0 THEN 2 * v ELSE -2 * v - 1 END $$;

CREATE OR REPLACE FUNCTION fw_unzigzag(z bigint) RETURNS bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN z % 2 = 0 THEN z / 2 ELSE -(z + 1) / 2 END $$;

-- Octets the non-negative V needs (0 for 0).
CREATE OR REPLACE FUNCTION fw_width(v bigint) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN v = 0 THEN 0 WHEN v < 256 THEN 1 WHEN v < 65536 THEN 2
                WHEN v < 16777216 THEN 3 WHEN v < 4294967296 THEN 4 WHEN v < 1099511627776 THEN 5
                WHEN v < 281474976710656 THEN 6 ELSE 8 END $$;

-- V big-endian in W octets.
CREATE OR REPLACE FUNCTION fw_bytes(v bigint, w integer) RETURNS bytea
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT substring(int8send(v) FROM 9 - w) $$;

-- The W-octet big-endian number at offset O of B.
CREATE OR REPLACE FUNCTION fw_uint(b bytea, o integer, w integer) RETURNS bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE w WHEN 0 THEN 0::bigint
        WHEN 1 THEN get_byte(b, o)::bigint
        WHEN 2 THEN (get_byte(b, o) * 256 + get_byte(b, o + 1))::bigint
        WHEN 3 THEN (get_byte(b, o) * 65536 + get_byte(b, o + 1) * 256 + get_byte(b, o + 2))::bigint
        ELSE ('x' || lpad(encode(substring(b FROM o + 1 FOR w), 'hex'), 16, '0'))::bit(64)::bigint
        END $$;

-- The K-th 4-bit number of B's header.
CREATE OR REPLACE FUNCTION fw_nibble(b bytea, k integer) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT (get_byte(b, k / 2) >> (4 - 4 * (k % 2))) & 15 $$;

COMMENT ON FUNCTION fw_uint(bytea, integer, integer) IS
    'The W-octet big-endian unsigned number at offset O of B (packed lookups).';

-- One row per response of a packed row AT, B: response i at 5 + i * stride,
-- its fields one after the other. Each step is a subquery of its own
-- (OFFSET 0: evaluated once, not folded into its uses): B read in full and
-- the widths once per row (a long row, a compacted day, is stored
-- compressed, and each read of the column itself would decompress it
-- again), each field's place in a record, the raw field values once per
-- response. Folded together, fw_uint and fw_unzigzag would get whole
-- expressions as arguments, which the planner does not inline but calls
-- as functions: 30 microseconds a lookup instead of 3.
CREATE OR REPLACE FUNCTION fw_unpack(at timestamptz, b bytea)
RETURNS TABLE (observed_at timestamptz, vantage_id smallint, qtype smallint, rcode smallint,
               flags smallint, latency_us integer, set_id integer, qname_id integer, ttl integer)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT at + r.off * interval '1 microsecond', r.vantage::smallint,
       ((r.qt + 32768) % 65536 - 32768)::smallint, fw_unzigzag(r.zr)::smallint,
       fw_unzigzag(r.zf)::smallint, fw_unzigzag(r.zl)::integer, r.set_id::integer,
       r.qname_id::integer, fw_unzigzag(r.zt)::integer
FROM (SELECT b || ''::bytea AS b OFFSET 0) u
CROSS JOIN LATERAL (
    SELECT fw_nibble(u.b, 1) AS w1, fw_nibble(u.b, 2) AS w2, fw_nibble(u.b, 3) AS w3,
           fw_nibble(u.b, 4) AS w4, fw_nibble(u.b, 5) AS w5, fw_nibble(u.b, 6) AS w6,
           fw_nibble(u.b, 7) AS w7, fw_nibble(u.b, 8) AS w8, fw_nibble(u.b, 9) AS w9 OFFSET 0) h
CROSS JOIN LATERAL (     -- where each field begins in a record, and the record's length
    SELECT h.w1 AS s2, h.w1 + h.w2 AS s3, h.w1 + h.w2 + h.w3 AS s4,
           h.w1 + h.w2 + h.w3 + h.w4 AS s5, h.w1 + h.w2 + h.w3 + h.w4 + h.w5 AS s6,
           h.w1 + h.w2 + h.w3 + h.w4 + h.w5 + h.w6 AS s7,
           h.w1 + h.w2 + h.w3 + h.w4 + h.w5 + h.w6 + h.w7 AS s8,
           h.w1 + h.w2 + h.w3 + h.w4 + h.w5 + h.w6 + h.w7 + h.w8 AS s9,
           h.w1 + h.w2 + h.w3 + h.w4 + h.w5 + h.w6 + h.w7 + h.w8 + h.w9 AS stride OFFSET 0) s
CROSS JOIN LATERAL generate_series(5, octet_length(u.b) - 1, greatest(s.stride, 1)) o
CROSS JOIN LATERAL (
    SELECT fw_uint(u.b, o, h.w1) AS off, fw_uint(u.b, o + s.s2, h.w2) AS zl,
           fw_uint(u.b, o + s.s3, h.w3) AS vantage, fw_uint(u.b, o + s.s4, h.w4) AS qt,
           fw_uint(u.b, o + s.s5, h.w5) AS zr, fw_uint(u.b, o + s.s6, h.w6) AS zf,
           fw_uint(u.b, o + s.s7, h.w7) AS set_id, fw_uint(u.b, o + s.s8, h.w8) AS qname_id,
           fw_uint(u.b, o + s.s9, h.w9) AS zt OFFSET 0) r
$$;
COMMENT ON FUNCTION fw_unpack(timestamptz, bytea) IS
    'The responses of one packed row of visits (format: sql/definitions/25_history.sql).';

-- The writer's staging tables: per session, emptied at each commit. A
-- batch is COPYed into stage_responses and stage_answers (the columns of
-- storage/obs.h), then fw_store_batch() stores it.
CREATE OR REPLACE FUNCTION fw_stage() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF to_regclass('pg_temp.stage_keyed') IS NOT NULL THEN
        RETURN;
    END IF;
    CREATE TEMP TABLE stage_responses (
        domain_id bigint NOT NULL, observed_at timestamptz NOT NULL, vantage_id smallint NOT NULL,
        qtype smallint NOT NULL, rcode smallint NOT NULL, answer_count smallint NOT NULL,
        flags smallint NOT NULL, latency_us integer NOT NULL, qname text) ON COMMIT DELETE ROWS;
    CREATE TEMP TABLE stage_answers (
        domain_id bigint NOT NULL, observed_at timestamptz NOT NULL, vantage_id smallint NOT NULL,
        qtype smallint NOT NULL, rrtype smallint NOT NULL, ttl integer NOT NULL, addr inet,
        target text, qname text) ON COMMIT DELETE ROWS;
    CREATE TEMP TABLE stage_keyed (
        domain_id bigint, observed_at timestamptz, vantage_id smallint, qtype smallint,
        qname_id integer, rcode smallint, flags smallint, latency_us integer, ttl integer,
        set_id integer, digest uuid, rrtypes smallint[], ttl_deltas integer[], addrs inet[],
        targets text[]) ON COMMIT DELETE ROWS;
END $$;
COMMENT ON FUNCTION fw_stage() IS
    'Create this session''s staging tables for a batch of observations (see fw_store_batch).';

-- Each staged response with its name and answer set ids, the sets and
-- names new to the database added first.
CREATE OR REPLACE FUNCTION fw_stage_key() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO qnames (name)
    SELECT DISTINCT r.qname FROM stage_responses r
    WHERE r.qname IS NOT NULL AND NOT EXISTS (SELECT 1 FROM qnames q WHERE q.name = r.qname)
    ORDER BY 1 ON CONFLICT (name) DO NOTHING;
    INSERT INTO stage_keyed
    SELECT r.domain_id, r.observed_at, r.vantage_id, r.qtype, coalesce(q.id, 0), r.rcode, r.flags,
           r.latency_us, coalesce(s.ttl, 0), CASE WHEN s.rrtypes IS NULL THEN 0 END,
           md5(row(s.rrtypes, s.ttl_deltas, s.addrs, s.targets)::text)::uuid,
           s.rrtypes, s.ttl_deltas, s.addrs, s.targets
    FROM stage_responses r
    LEFT JOIN qnames q ON q.name = r.qname
    LEFT JOIN (
        -- the records come sorted (one sort, not one per aggregate and response)
        SELECT x.domain_id, x.observed_at, x.vantage_id, x.qtype, x.qn, min(x.ttl) AS ttl,
               array_agg(x.rrtype) AS rrtypes, array_agg(x.d) AS ttl_deltas,
               array_agg(x.addr) AS addrs, array_agg(x.target) AS targets
        FROM (SELECT a.*, coalesce(a.qname, '') AS qn, a.ttl - min(a.ttl) OVER w AS d
              FROM stage_answers a
              WINDOW w AS (PARTITION BY a.domain_id, a.observed_at, a.vantage_id, a.qtype,
                           coalesce(a.qname, ''))
              ORDER BY a.domain_id, a.observed_at, a.vantage_id, a.qtype, coalesce(a.qname, ''),
                       a.rrtype, a.addr, a.target, d) x
        GROUP BY 1, 2, 3, 4, 5) s
      ON s.domain_id = r.domain_id AND s.observed_at = r.observed_at
     AND s.vantage_id = r.vantage_id AND s.qtype = r.qtype AND s.qn = coalesce(r.qname, '');
    -- the sets used again marked with today (fw_runs_fold deletes the long
    -- unused), before the new ones are added: a set deleted meanwhile is new
    UPDATE answer_sets s SET last_day = (now() AT TIME ZONE 'UTC')::date
    FROM (SELECT DISTINCT digest FROM stage_keyed WHERE set_id IS NULL) k
    WHERE s.digest = k.digest AND s.last_day < (now() AT TIME ZONE 'UTC')::date;
    INSERT INTO answer_sets (digest, rrtypes, ttl_deltas, addrs, targets)
    SELECT DISTINCT ON (k.digest) k.digest, k.rrtypes, k.ttl_deltas, k.addrs, k.targets
    FROM stage_keyed k
    WHERE k.set_id IS NULL AND NOT EXISTS (SELECT 1 FROM answer_sets s WHERE s.digest = k.digest)
    ORDER BY k.digest ON CONFLICT (digest) DO NOTHING;
    UPDATE stage_keyed k SET set_id = s.id FROM answer_sets s
    WHERE k.set_id IS NULL AND s.digest = k.digest;
END $$;

-- The staged responses packed, one row per domain.
CREATE OR REPLACE FUNCTION fw_stage_pack() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
WITH k AS (
    SELECT k.domain_id, k.observed_at, k.vantage_id, k.qname_id, k.set_id,
           (k.qtype::integer + 65536) % 65536 AS qt,
           fw_zigzag(k.latency_us) AS zl, fw_zigzag(k.rcode) AS zr, fw_zigzag(k.flags) AS zf,
           fw_zigzag(k.ttl) AS zt,
           (extract(epoch FROM k.observed_at - min(k.observed_at) OVER (PARTITION BY k.domain_id))
            * 1000000)::bigint AS off
    FROM stage_keyed k
), w AS (
    SELECT domain_id, min(observed_at) AS at,
           ARRAY[fw_width(max(off)), fw_width(max(zl)), fw_width(max(vantage_id)), fw_width(max(qt)),
                 fw_width(max(zr)), fw_width(max(zf)), fw_width(max(set_id)),
                 fw_width(max(qname_id)), fw_width(max(zt))] AS w
    FROM k GROUP BY domain_id
)
INSERT INTO visits (domain_id, observed_at, packed)
SELECT w.domain_id, w.at,
       decode('1' || array_to_string(w.w, ''), 'hex') ||
       string_agg(fw_bytes(k.off, w.w[1]) || fw_bytes(k.zl, w.w[2]) ||
                  fw_bytes(k.vantage_id, w.w[3]) || fw_bytes(k.qt, w.w[4]) ||
                  fw_bytes(k.zr, w.w[5]) || fw_bytes(k.zf, w.w[6]) || fw_bytes(k.set_id, w.w[7]) ||
                  fw_bytes(k.qname_id, w.w[8]) || fw_bytes(k.zt, w.w[9]),
                  ''::bytea ORDER BY k.observed_at, k.vantage_id, k.qt, k.qname_id)
FROM k JOIN w USING (domain_id)
GROUP BY w.domain_id, w.at, w.w;
END $$;

-- The rollup: each staged record counted into history, each staged
-- response into its run (a lookup with the same outcome and answer set
-- as its run's last one extends it; else it begins a new run).
CREATE OR REPLACE FUNCTION fw_stage_rollup() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO history AS h (domain_id, qname_id, vantage_id, rrtype, rdata, addr, time_first,
                              time_last, count, ttl_min, ttl_max)
    SELECT a.domain_id, coalesce(q.id, 0), a.vantage_id, a.rrtype,
           coalesce(host(a.addr), a.target, ''), a.addr, min(a.observed_at), max(a.observed_at),
           count(*), min(a.ttl), max(a.ttl)
    FROM stage_answers a LEFT JOIN qnames q ON q.name = a.qname
    GROUP BY 1, 2, 3, 4, 5, 6
    ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (domain_id, qname_id, vantage_id, rrtype, rdata) DO UPDATE
    SET time_first = least(h.time_first, excluded.time_first),
        time_last = greatest(h.time_last, excluded.time_last),
        count = h.count + excluded.count,
        ttl_min = least(h.ttl_min, excluded.ttl_min), ttl_max = greatest(h.ttl_max, excluded.ttl_max);

    WITH isl AS (
        SELECT x.*, sum(x.brk::integer) OVER (PARTITION BY x.domain_id, x.vantage_id, x.qname_id,
                                              x.qtype ORDER BY x.observed_at) AS island
        FROM (SELECT k.*, (k.rcode, k.set_id) IS DISTINCT FROM lag((k.rcode, k.set_id)) OVER (
                  PARTITION BY k.domain_id, k.vantage_id, k.qname_id, k.qtype
                  ORDER BY k.observed_at) AS brk
              FROM stage_keyed k) x
    ), g AS (
        SELECT domain_id, vantage_id, qname_id, qtype, island, rcode, set_id,
               min(observed_at) AS t0, max(observed_at) AS t1, count(*) AS c,
               min(ttl) AS ttl_min, max(ttl) AS ttl_max
        FROM isl GROUP BY 1, 2, 3, 4, 5, 6, 7
    ), ext AS (
        UPDATE runs u SET time_last = g.t1, count = u.count + g.c,
                          ttl_min = least(u.ttl_min, g.ttl_min), ttl_max = greatest(u.ttl_max, g.ttl_max)
        FROM g CROSS JOIN LATERAL (
            SELECT r.ctid AS tid, r.time_last, r.rcode, r.set_id FROM runs r
            WHERE r.domain_id = g.domain_id AND r.vantage_id = g.vantage_id
              AND r.qname_id = g.qname_id AND r.qtype = g.qtype
            ORDER BY r.time_first DESC LIMIT 1) head
        WHERE g.island = 1 AND head.rcode = g.rcode AND head.set_id = g.set_id
          AND head.time_last <= g.t0 AND u.ctid = head.tid
        RETURNING u.domain_id, u.vantage_id, u.qname_id, u.qtype
    )
    INSERT INTO runs (domain_id, vantage_id, qname_id, qtype, time_first, time_last, count, rcode,
                      set_id, ttl_min, ttl_max)
    SELECT g.domain_id, g.vantage_id, g.qname_id, g.qtype, g.t0, g.t1, g.c, g.rcode, g.set_id,
           g.ttl_min, g.ttl_max
    FROM g
    WHERE g.island > 1 OR NOT EXISTS (
        SELECT 1 FROM ext e WHERE e.domain_id = g.domain_id AND e.vantage_id = g.vantage_id
                              AND e.qname_id = g.qname_id AND e.qtype = g.qtype)
    ORDER BY 1, 2, 3, 4, 5;
END $$;

-- The scoring rollup (tables: sql/012_score_rollup.sql), kept beside
-- history and runs so that a scoring pass reads a few rows per domain
-- instead of its lookups (sql/definitions/50_features.sql). Of each
-- domain's own A/AAAA lookups (qname_id 0): the counts per vantage and day
-- (lookup_days); its latest times (domain_rollup); those after its last
-- address that failed or held no address (after_address, pruned as a newer
-- address comes). Every address not seen before, with its ASN and country
-- (addresses); each record data per domain, and the networks of its
-- addresses (domain_records). Batches may come in any order, but for two
-- cases: an answer (the address records a vantage got at one instant: an
-- A and an AAAA lookup sent together) split across two batches is merged
-- with the day's last answer only, and the lookups stored before a
-- domain's first address ever are not kept as following it.
CREATE OR REPLACE FUNCTION fw_stage_score_rollup() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF to_regclass('pg_temp.stage_answers_own') IS NULL THEN
        CREATE TEMP TABLE stage_answers_own (
            domain_id bigint, vantage_id smallint, day date, observed_at timestamptz, n integer)
            ON COMMIT DELETE ROWS;
    END IF;
    INSERT INTO stage_answers_own
    SELECT k.domain_id, k.vantage_id, (k.observed_at AT TIME ZONE 'UTC')::date, k.observed_at,
           sum(cardinality(array_remove(k.addrs, NULL)))
    FROM stage_keyed k
    WHERE k.qname_id = 0 AND k.qtype IN (1, 28) AND cardinality(array_remove(k.addrs, NULL)) > 0
    GROUP BY 1, 2, 3, 4;

    -- the other half of the day's last answer: merged into it
    UPDATE lookup_days d SET answers = d.answers - 1, last_answer_n = d.last_answer_n + a.n,
                             max_addresses = greatest(d.max_addresses, d.last_answer_n + a.n)
    FROM stage_answers_own a
    WHERE d.domain_id = a.domain_id AND d.vantage_id = a.vantage_id AND d.day = a.day
      AND d.last_answer_at = a.observed_at;

    INSERT INTO lookup_days AS d (domain_id, vantage_id, day, lookups, noerror, nxdomain, servfail,
                                  transport_failures, answers, addresses, max_addresses, first_at,
                                  last_at, last_answer_at, last_answer_n)
    SELECT l.domain_id, l.vantage_id, l.day, l.lookups, l.noerror, l.nxdomain, l.servfail,
           l.transport_failures, coalesce(a.answers, 0), coalesce(a.addresses, 0),
           coalesce(a.max_n, 0), l.first_at, l.last_at, a.last_at, coalesce(a.last_n, 0)
    FROM (SELECT k.domain_id, k.vantage_id, (k.observed_at AT TIME ZONE 'UTC')::date AS day,
                 count(*) AS lookups, count(*) FILTER (WHERE k.rcode = 0) AS noerror,
                 count(*) FILTER (WHERE k.rcode = 3) AS nxdomain,
                 count(*) FILTER (WHERE k.rcode = 2) AS servfail,
                 count(*) FILTER (WHERE k.rcode < 0) AS transport_failures,
                 min(k.observed_at) AS first_at, max(k.observed_at) AS last_at
          FROM stage_keyed k WHERE k.qname_id = 0 AND k.qtype IN (1, 28)
          GROUP BY 1, 2, 3) l
    LEFT JOIN (SELECT domain_id, vantage_id, day, count(*) AS answers, sum(n) AS addresses,
                      max(n) AS max_n, max(observed_at) AS last_at,
                      (array_agg(n ORDER BY observed_at DESC))[1] AS last_n
               FROM stage_answers_own GROUP BY 1, 2, 3) a USING (domain_id, vantage_id, day)
    ORDER BY 1, 2, 3
    ON CONFLICT (domain_id, vantage_id, day) DO UPDATE
    SET lookups = d.lookups + excluded.lookups, noerror = d.noerror + excluded.noerror,
        nxdomain = d.nxdomain + excluded.nxdomain, servfail = d.servfail + excluded.servfail,
        transport_failures = d.transport_failures + excluded.transport_failures,
        answers = d.answers + excluded.answers, addresses = d.addresses + excluded.addresses,
        max_addresses = greatest(d.max_addresses, excluded.max_addresses),
        first_at = least(d.first_at, excluded.first_at), last_at = greatest(d.last_at, excluded.last_at),
        last_answer_n = CASE WHEN excluded.last_answer_at > d.last_answer_at OR d.last_answer_at IS NULL
                             THEN excluded.last_answer_n ELSE d.last_answer_n END,
        last_answer_at = greatest(d.last_answer_at, excluded.last_answer_at);

    INSERT INTO domain_rollup AS r (domain_id, observed_until, last_lookup_at, first_address_at,
                                    last_address_at)
    SELECT k.domain_id, k.until, k.last_lookup, a.first_address, a.last_address
    FROM (SELECT domain_id, max(observed_at) AS until,
                 max(observed_at) FILTER (WHERE qname_id = 0 AND qtype IN (1, 28)) AS last_lookup
          FROM stage_keyed GROUP BY 1) k
    LEFT JOIN (SELECT domain_id, min(observed_at) AS first_address, max(observed_at) AS last_address
               FROM stage_answers_own GROUP BY 1) a USING (domain_id)
    ORDER BY 1
    ON CONFLICT (domain_id) DO UPDATE
    SET observed_until = greatest(r.observed_until, excluded.observed_until),
        last_lookup_at = greatest(r.last_lookup_at, excluded.last_lookup_at),
        first_address_at = least(r.first_address_at, excluded.first_address_at),
        last_address_at = greatest(r.last_address_at, excluded.last_address_at);

    DELETE FROM after_address t USING domain_rollup r
    WHERE r.domain_id IN (SELECT a.domain_id FROM stage_answers_own a)
      AND t.domain_id = r.domain_id AND t.observed_at <= r.last_address_at;
    INSERT INTO after_address (domain_id, observed_at, rcode)
    SELECT k.domain_id, k.observed_at, k.rcode
    FROM stage_keyed k JOIN domain_rollup r USING (domain_id)
    WHERE k.qname_id = 0 AND k.qtype IN (1, 28) AND k.observed_at > r.last_address_at
      AND (k.rcode <> 0 OR cardinality(k.rrtypes) > 0);

    -- a new address: its ASN (looked up once: OFFSET 0), that ASN's
    -- organisation, its country
    INSERT INTO addresses (addr, asn, org_asn, country)
    SELECT a.addr, s.asn, coalesce(o.org_asn, s.asn), fw_country(a.addr)
    FROM (SELECT DISTINCT x.addr FROM stage_answers x WHERE x.addr IS NOT NULL) a
    CROSS JOIN LATERAL (SELECT fw_asn(a.addr) AS asn OFFSET 0) s
    LEFT JOIN asn_orgs o ON o.asn = s.asn
    WHERE NOT EXISTS (SELECT 1 FROM addresses c WHERE c.addr = a.addr)
    ORDER BY 1 ON CONFLICT (addr) DO NOTHING;

    -- each record data of the batch per domain, and the networks of its
    -- addresses, an address with its ASN, organisation and country from
    -- addresses; the vantages array grows only when a new vantage sees it
    INSERT INTO domain_records AS r (domain_id, kind, rdata, addr, first_seen, last_seen, records,
                                     ttl_min, ttl_max, vantages, asn, org_asn, country)
    SELECT x.domain_id, x.kind, x.rdata, x.addr, x.first_seen, x.last_seen, x.records, x.ttl_min,
           x.ttl_max, x.vantages, c.asn, c.org_asn, c.country
    FROM (SELECT a.domain_id, k.kind,
                 CASE WHEN k.net IS NULL THEN coalesce(host(a.addr), a.target, '') ELSE k.net::text END
                     AS rdata,
                 coalesce(k.net::inet, a.addr) AS addr, min(a.observed_at) AS first_seen,
                 max(a.observed_at) AS last_seen, count(*) AS records, min(a.ttl) AS ttl_min,
                 max(a.ttl) AS ttl_max, array_agg(DISTINCT a.vantage_id ORDER BY a.vantage_id) AS vantages
          FROM (SELECT a.*, CASE WHEN a.qname IS NOT NULL THEN CASE WHEN a.addr IS NOT NULL THEN 4 END
                                 WHEN a.addr IS NOT NULL AND a.qtype IN (1, 28) THEN 1
                                 WHEN a.rrtype = 2 THEN 2
                                 WHEN a.rrtype = 5 AND a.qtype IN (1, 28) THEN 3 END AS k1,
                       CASE WHEN family(a.addr) = 4 THEN 0 ELSE 16 END AS v6
                FROM stage_answers a) a
          CROSS JOIN LATERAL (
              SELECT a.k1 AS kind, NULL::cidr AS net WHERE a.k1 IS NOT NULL
              UNION ALL SELECT 5, set_masklen(a.addr::cidr, 16 + a.v6) WHERE a.k1 = 1
              UNION ALL SELECT 6, set_masklen(a.addr::cidr, 24 + 2 * a.v6) WHERE a.k1 = 1
              UNION ALL SELECT 7, set_masklen(a.addr::cidr, 16) WHERE a.k1 = 4 AND a.v6 = 0) k
          GROUP BY 1, 2, 3, 4) x
    LEFT JOIN addresses c ON c.addr = x.addr AND x.kind IN (1, 4)
    ORDER BY 1, 2, 3
    ON CONFLICT (domain_id, kind, rdata) DO UPDATE
    SET first_seen = least(r.first_seen, excluded.first_seen),
        last_seen = greatest(r.last_seen, excluded.last_seen), records = r.records + excluded.records,
        ttl_min = least(r.ttl_min, excluded.ttl_min), ttl_max = greatest(r.ttl_max, excluded.ttl_max),
        vantages = CASE WHEN excluded.vantages <@ r.vantages THEN r.vantages
                        ELSE (SELECT array_agg(DISTINCT v ORDER BY v)
                              FROM unnest(r.vantages || excluded.vantages) v) END;
    TRUNCATE stage_answers_own;
END $$;
COMMENT ON FUNCTION fw_stage_score_rollup() IS
    'fw_store_batch: the staged batch counted into the scoring rollup (lookup_days, domain_rollup, '
    'after_address, addresses, domain_records).';

-- Store the staged batch: packed lookups and the rollup, in the caller's
-- transaction. Returns the responses stored.
CREATE OR REPLACE FUNCTION fw_store_batch() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
    TRUNCATE stage_keyed;
    PERFORM fw_stage_key();
    PERFORM fw_stage_pack();
    PERFORM fw_stage_rollup();
    PERFORM fw_stage_score_rollup();
    SELECT count(*) INTO n FROM stage_keyed;
    TRUNCATE stage_responses, stage_answers, stage_keyed;
    RETURN n;
END $$;
COMMENT ON FUNCTION fw_store_batch() IS
    'Store the batch staged in stage_responses and stage_answers (fw_stage): packed into visits, '
    'answer sets added once, history and runs brought up to date; the staging tables emptied.';

-- One row per lookup and per answer record, as the row-per-lookup tables
-- had them: what the researchers' views (v_responses, v_answers) and
-- fluxwatch's own queries read.
CREATE OR REPLACE VIEW responses AS
SELECT v.domain_id, u.observed_at, u.vantage_id, u.qtype, u.rcode,
       coalesce(cardinality(s.rrtypes), 0)::smallint AS answer_count, u.flags, u.latency_us,
       q.name AS qname, u.set_id, u.qname_id, u.ttl
FROM visits v
CROSS JOIN LATERAL fw_unpack(v.observed_at, v.packed) u
LEFT JOIN answer_sets s ON s.id = u.set_id
LEFT JOIN qnames q ON q.id = u.qname_id;
COMMENT ON VIEW responses IS
    'Every stored lookup within schedule.raw_retention, one row each, unpacked from visits '
    '(ids; v_responses names them).';

CREATE OR REPLACE VIEW answers AS
SELECT v.domain_id, u.observed_at, u.vantage_id, u.qtype, r.rrtype,
       (u.ttl + r.d)::integer AS ttl, r.addr, r.target, q.name AS qname
FROM visits v
CROSS JOIN LATERAL fw_unpack(v.observed_at, v.packed) u
JOIN answer_sets s ON s.id = u.set_id
CROSS JOIN LATERAL unnest(s.rrtypes, s.ttl_deltas, s.addrs, s.targets) AS r(rrtype, d, addr, target)
LEFT JOIN qnames q ON q.id = u.qname_id;
COMMENT ON VIEW answers IS
    'Every answer record of every stored lookup within schedule.raw_retention (ids; v_answers '
    'names them).';

-- The old tables (renamed by sql/010_history.sql), converted partition by
-- partition into visits partitions of the same range, then dropped.
CREATE OR REPLACE FUNCTION fw_history_upgrade() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE r record; n bigint := 0;
BEGIN
    IF to_regclass('responses_v9') IS NULL THEN
        RETURN 0;
    END IF;
    PERFORM fw_stage();
    FOR r IN SELECT c.oid::regclass AS part, pg_get_expr(c.relpartbound, c.oid) AS bound,
                    'visits' || substring(c.relname FROM '_p.*$') AS name
             FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
             WHERE i.inhparent = 'responses_v9'::regclass
    LOOP
        IF r.bound <> 'DEFAULT' AND to_regclass(r.name) IS NULL THEN
            EXECUTE format('CREATE TABLE %I PARTITION OF visits %s', r.name, r.bound);
        END IF;
        EXECUTE format('INSERT INTO stage_responses SELECT domain_id, observed_at, vantage_id, '
                       'qtype, rcode, answer_count, flags, latency_us, qname FROM %s', r.part);
        INSERT INTO stage_answers
        SELECT a.domain_id, a.observed_at, a.vantage_id, a.qtype, a.rrtype, a.ttl, a.addr,
               a.target, a.qname
        FROM answers_v9 a
        WHERE a.observed_at BETWEEN (SELECT min(s.observed_at) FROM stage_responses s)
                                AND (SELECT max(s.observed_at) FROM stage_responses s)
          AND EXISTS (SELECT 1 FROM stage_responses s WHERE s.domain_id = a.domain_id
                        AND s.observed_at = a.observed_at);
        n := n + fw_store_batch();
    END LOOP;
    DROP TABLE responses_v9, answers_v9;
    RETURN n;
END $$;
COMMENT ON FUNCTION fw_history_upgrade() IS
    'db init: convert the row-per-lookup tables of schema 9 into visits and the rollup, then '
    'drop them (nothing to do once done).';
SELECT fw_history_upgrade();
