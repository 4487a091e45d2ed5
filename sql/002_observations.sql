-- 002_observations: vantages, every DNS response and answer record, kept in
-- time-range partitions (the researchers' views over them: sql/definitions/).

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

-- Their functions (partitions, type names) and views (v_responses, v_answers)
-- are defined in sql/definitions/.
