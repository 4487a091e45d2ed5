-- 002_observations: vantages, every DNS response and answer record, kept in
-- time-range partitions, and the researchers' views over them.

CREATE TABLE vantages (
    id       smallint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name     text NOT NULL UNIQUE,
    address  inet NOT NULL,
    port     integer NOT NULL
);
COMMENT ON TABLE vantages IS 'Resolvers that measurements were taken through (config "resolvers").';

-- Outcome of one query: a DNS rcode (>= 0) or a transport outcome (< 0).
CREATE TABLE outcomes (code smallint PRIMARY KEY, name text NOT NULL UNIQUE);
INSERT INTO outcomes VALUES
    (0, 'NOERROR'), (1, 'FORMERR'), (2, 'SERVFAIL'), (3, 'NXDOMAIN'), (4, 'NOTIMP'),
    (5, 'REFUSED'), (6, 'YXDOMAIN'), (7, 'YXRRSET'), (8, 'NXRRSET'), (9, 'NOTAUTH'),
    (10, 'NOTZONE'), (-1, 'TIMEOUT'), (-2, 'CONNREFUSED'), (-3, 'BADRESP'), (-4, 'ERROR');
COMMENT ON TABLE outcomes IS 'Names of response outcomes: DNS rcodes and transport failures (negative).';

CREATE FUNCTION fw_rrtype_name(t integer) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE t WHEN 1 THEN 'A' WHEN 2 THEN 'NS' WHEN 5 THEN 'CNAME' WHEN 6 THEN 'SOA'
        WHEN 12 THEN 'PTR' WHEN 15 THEN 'MX' WHEN 16 THEN 'TXT' WHEN 28 THEN 'AAAA'
        WHEN 33 THEN 'SRV' WHEN 39 THEN 'DNAME' WHEN 43 THEN 'DS' WHEN 46 THEN 'RRSIG'
        WHEN 47 THEN 'NSEC' WHEN 48 THEN 'DNSKEY' WHEN 64 THEN 'SVCB' WHEN 65 THEN 'HTTPS'
        ELSE 'TYPE' || t END $$;
COMMENT ON FUNCTION fw_rrtype_name(integer) IS 'DNS RR type number to its mnemonic (TYPEn when unknown).';

-- One row per response (timeouts included). qname is NULL when the query was
-- for the tracked domain itself, else the name asked (a name server host).
-- flags: bit 0 = TC set in the final answer, bit 1 = answer came over TCP.
CREATE TABLE responses (
    domain_id     bigint NOT NULL,
    observed_at   timestamptz NOT NULL,
    vantage_id    smallint NOT NULL,
    qtype         smallint NOT NULL,
    rcode         smallint NOT NULL,
    answer_count  smallint NOT NULL,
    flags         smallint NOT NULL,
    latency_us    integer NOT NULL,
    qname         text
) PARTITION BY RANGE (observed_at);
CREATE INDEX ON responses (domain_id, observed_at);
COMMENT ON TABLE responses IS 'Every DNS response fluxwatch recorded, partitioned by observed_at.';

-- One row per answer record; (domain_id, observed_at, vantage_id, qtype,
-- qname) names its response. addr for A/AAAA, target for NS/CNAME/other.
CREATE TABLE answers (
    domain_id    bigint NOT NULL,
    observed_at  timestamptz NOT NULL,
    vantage_id   smallint NOT NULL,
    qtype        smallint NOT NULL,
    rrtype       smallint NOT NULL,
    ttl          integer NOT NULL,
    addr         inet,
    target       text,
    qname        text
) PARTITION BY RANGE (observed_at);
CREATE INDEX ON answers (domain_id, observed_at);
CREATE INDEX ON answers (addr) WHERE addr IS NOT NULL;
COMMENT ON TABLE answers IS 'Every answer record of every response, partitioned by observed_at.';

-- Rows with no partition of their own land here rather than being lost.
CREATE TABLE responses_default PARTITION OF responses DEFAULT;
CREATE TABLE answers_default PARTITION OF answers DEFAULT;

-- Create the partitions of both tables covering [now - span, now + ahead * span],
-- aligned on multiples of span since the epoch. Returns how many were created.
CREATE FUNCTION fw_partitions_ensure(span interval, ahead integer DEFAULT 2) RETURNS integer
    LANGUAGE plpgsql AS $$
DECLARE
    s double precision := extract(epoch FROM span);
    first double precision := floor(extract(epoch FROM now()) / s) * s - s;
    lo timestamptz; hi timestamptz; t text; made integer := 0; name text;
BEGIN
    FOR i IN 0 .. ahead + 1 LOOP
        lo := to_timestamp(first + i * s);
        hi := to_timestamp(first + (i + 1) * s);
        FOREACH t IN ARRAY ARRAY['responses', 'answers'] LOOP
            name := t || '_p' || to_char(lo AT TIME ZONE 'UTC', 'YYYYMMDD"t"HH24MISS');
            CONTINUE WHEN to_regclass(name) IS NOT NULL;
            BEGIN
                EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
                               name, t, lo, hi);
                made := made + 1;
            EXCEPTION WHEN invalid_object_definition OR check_violation THEN
                -- overlaps a partition of another span, or the default partition
                -- already holds rows of this range: those rows stay where they are
                NULL;
            END;
        END LOOP;
    END LOOP;
    RETURN made;
END $$;
COMMENT ON FUNCTION fw_partitions_ensure(interval, integer) IS
    'Create observation partitions around now (called by the crawler at start and as time passes).';

-- Drop the partitions whose whole range is older than cutoff. Returns how many.
CREATE FUNCTION fw_partitions_drop_before(cutoff timestamptz) RETURNS integer
    LANGUAGE plpgsql AS $$
DECLARE r record; dropped integer := 0;
BEGIN
    FOR r IN SELECT c.oid::regclass AS part, pg_get_expr(c.relpartbound, c.oid) AS bound
             FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
             WHERE i.inhparent IN ('responses'::regclass, 'answers'::regclass)
    LOOP
        CONTINUE WHEN r.bound = 'DEFAULT';
        IF substring(r.bound FROM 'TO \(''([^'']*)''\)')::timestamptz <= cutoff THEN
            EXECUTE format('DROP TABLE %s', r.part);
            dropped := dropped + 1;
        END IF;
    END LOOP;
    RETURN dropped;
END $$;
COMMENT ON FUNCTION fw_partitions_drop_before(timestamptz) IS
    'Retention: drop observation partitions entirely older than the cutoff.';

CREATE VIEW v_responses AS
SELECT coalesce(r.qname, d.name) AS domain,
       d.name AS tracked_domain,
       v.name AS vantage,
       fw_rrtype_name(r.qtype) AS qtype,
       r.observed_at,
       o.name AS rcode,
       r.latency_us / 1000.0 AS latency_ms,
       r.answer_count,
       (r.flags & 1) <> 0 AS truncated,
       (r.flags & 2) <> 0 AS tcp
FROM responses r
JOIN domains d ON d.id = r.domain_id
JOIN vantages v ON v.id = r.vantage_id
JOIN outcomes o ON o.code = r.rcode;
COMMENT ON VIEW v_responses IS
    'One row per DNS response: domain = the name queried (a name server host for its own A/AAAA '
    'lookups), tracked_domain = the domain it was measured for; rcode is a DNS rcode name or '
    'TIMEOUT/CONNREFUSED/BADRESP/ERROR; latency in milliseconds.';

CREATE VIEW v_answers AS
SELECT coalesce(a.qname, d.name) AS domain,
       d.name AS tracked_domain,
       v.name AS vantage,
       fw_rrtype_name(a.qtype) AS qtype,
       a.observed_at,
       fw_rrtype_name(a.rrtype) AS rrtype,
       a.ttl,
       coalesce(host(a.addr), a.target) AS rdata,
       a.addr
FROM answers a
JOIN domains d ON d.id = a.domain_id
JOIN vantages v ON v.id = a.vantage_id;
COMMENT ON VIEW v_answers IS
    'One row per answer record: rrtype and TTL, rdata as text (address, NS or CNAME target), '
    'addr as inet for range and ASN joins; domain/tracked_domain as in v_responses.';
