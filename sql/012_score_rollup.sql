-- 012_score_rollup: what the scoring pass reads instead of the raw lookups.
-- fw_store_batch keeps these up to date batch by batch beside history
-- (fw_stage_score_rollup in sql/definitions/25_history.sql), so a pass reads
-- per domain a few rows of counts, one row per distinct record data or
-- network, and its lookups since its last address
-- (sql/definitions/50_features.sql), never every lookup.

-- Per domain, vantage and UTC day, the domain's own A/AAAA lookups (the
-- tracked name, qname_id 0) counted by outcome, and its answers: an answer
-- is the address records one vantage got at one instant (observed_at), so
-- an A and an AAAA lookup sent together and timed alike are one answer, as
-- the raw rows grouped them. last_answer_at and last_answer_n (its
-- addresses) let the next batch merge the other half of such a pair.
CREATE TABLE lookup_days (
    domain_id           bigint NOT NULL,
    vantage_id          smallint NOT NULL,
    day                 date NOT NULL,
    lookups             integer NOT NULL,
    noerror             integer NOT NULL,
    nxdomain            integer NOT NULL,
    servfail            integer NOT NULL,
    transport_failures  integer NOT NULL,
    answers             integer NOT NULL,
    addresses           bigint NOT NULL,
    max_addresses       integer NOT NULL,
    first_at            timestamptz NOT NULL,
    last_at             timestamptz NOT NULL,
    last_answer_at      timestamptz,
    last_answer_n       integer NOT NULL,
    PRIMARY KEY (domain_id, vantage_id, day)
) WITH (fillfactor = 50);
COMMENT ON TABLE lookup_days IS 'Per domain, vantage and UTC day: its own A/AAAA lookups by outcome '
    '(rcode < 0: transport failures), the answers holding addresses (A and AAAA of one instant '
    'merged), their addresses in all and at most, the first and last lookup.';

-- Per domain: when it was last observed (any lookup, the incremental pass's
-- test), its last own A/AAAA lookup, its first and last address, and the
-- time of its latest verdict as far as the incremental pass needs it (a
-- trigger on verdicts moves it for a domain observed since). The partial
-- index is the incremental pass's list of domains to score.
CREATE TABLE domain_rollup (
    domain_id         bigint PRIMARY KEY,
    observed_until    timestamptz NOT NULL,
    last_lookup_at    timestamptz,
    first_address_at  timestamptz,
    last_address_at   timestamptz,
    scored_at         timestamptz NOT NULL DEFAULT '-infinity'
);
CREATE INDEX domain_rollup_unscored ON domain_rollup (domain_id) WHERE observed_until > scored_at;
COMMENT ON TABLE domain_rollup IS 'Per domain: last observed, last own A/AAAA lookup, first and last '
    'address answered, latest verdict.';

-- The domain's own A/AAAA lookups after its last address that failed or
-- answered without an address (an empty NOERROR says nothing): the takedown
-- evidence. Rows at or before a newer last address are deleted as it comes.
CREATE TABLE after_address (
    domain_id    bigint NOT NULL,
    observed_at  timestamptz NOT NULL,
    rcode        smallint NOT NULL
);
CREATE INDEX after_address_domain ON after_address (domain_id, observed_at);
COMMENT ON TABLE after_address IS 'Own A/AAAA lookups of a domain after its last address that '
    'failed or held no address (NODATA excluded).';

-- Per domain, each record data it was answered, vantages merged: kind 1
-- its own addresses (A/AAAA data of its A/AAAA lookups, CNAME chains
-- included), 2 its NS names, 3 the CNAME targets of its A/AAAA lookups, 4
-- the addresses of its name servers (their own A/AAAA lookups); and the
-- networks of those addresses: 5 the /16 (IPv6: /32) and 6 the /24 (/48) of
-- its own, 7 the /16 of its name servers' IPv4 ones. First and last seen,
-- records counted, TTL range, the vantages that saw it, and for an address
-- its ASN and country (from addresses). What history holds, keyed the way a
-- scoring pass reads it: a domain's rows together, each distinct network
-- already a row, nothing to look up.
CREATE TABLE domain_records (
    domain_id   bigint NOT NULL,
    kind        smallint NOT NULL,
    rdata       text NOT NULL,
    addr        inet,
    first_seen  timestamptz NOT NULL,
    last_seen   timestamptz NOT NULL,
    records     bigint NOT NULL,
    ttl_min     integer NOT NULL,
    ttl_max     integer NOT NULL,
    vantages    smallint[] NOT NULL,
    asn         bigint,
    country     text,
    PRIMARY KEY (domain_id, kind, rdata)
) WITH (fillfactor = 50);
COMMENT ON TABLE domain_records IS 'Per domain and record data (kind 1 own address, 2 NS name, 3 '
    'CNAME target, 4 name server address, 5 and 6 the /16 and /24 (IPv6 /32, /48) of its own '
    'addresses, 7 the /16 of its name servers'' IPv4 addresses), vantages merged: first and last '
    'seen, records, TTL range, vantages, ASN and country of an address.';

-- Every address ever answered, with its ASN and country looked up once, when
-- it first appeared, and again when asn load or geo load replaces the ranges.
CREATE TABLE addresses (
    addr     inet PRIMARY KEY,
    asn      bigint,
    country  text
);
COMMENT ON TABLE addresses IS 'Every address seen in an answer, with its origin ASN and country '
    '(NULL: unknown) as of the last asn load / geo load.';
