-- 010_history: history as change, the way passive DNS stores it.
--
-- Raw lookups are kept for schedule.raw_retention, packed: one row per
-- domain and writer batch (a visit) whose bytea holds each response in a
-- few octets (sql/definitions/25_history.sql: fw_pack, fw_unpack), with the
-- answer records of a response stored once per distinct set and referenced.
-- The rollup is kept for ever and grows with change only: per domain,
-- queried name, vantage, record type and data the first and last time seen,
-- the count and the TTL range (history), and per domain, vantage, queried
-- name and type the runs of identical answers (runs). The old row-per-lookup
-- tables are renamed here; db init converts their rows and drops them
-- (fw_history_upgrade in sql/definitions/25_history.sql), and views of the
-- same names and columns (responses, answers) read the packed rows.

-- The views over the old tables go first; sql/definitions/ makes them anew.
DROP VIEW IF EXISTS v_domain_ips, v_answers, v_responses;
ALTER TABLE responses RENAME TO responses_v9;
ALTER TABLE answers RENAME TO answers_v9;

-- Names asked that are not the tracked domain itself: its name servers.
CREATE TABLE qnames (
    id    integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name  text NOT NULL UNIQUE
);
COMMENT ON TABLE qnames IS 'Names asked on behalf of a tracked domain (its NS hosts); id 0 in '
    'visits, history and runs means the tracked domain itself.';

-- Each distinct answer: its records in a canonical order (rrtype, address,
-- target, TTL), each record's TTL as its difference from the response's
-- smallest, addr for A/AAAA data, target otherwise. digest = md5 of the
-- arrays' text, the key a batch looks sets up by.
CREATE TABLE answer_sets (
    id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    digest      uuid NOT NULL UNIQUE,
    rrtypes     smallint[] NOT NULL,
    ttl_deltas  integer[] NOT NULL,
    addrs       inet[] NOT NULL,
    targets     text[] NOT NULL
);
COMMENT ON TABLE answer_sets IS 'Every distinct set of answer records, stored once and referenced '
    'by the packed lookups (id 0: no record).';

CREATE TABLE visits (
    domain_id    bigint NOT NULL,
    observed_at  timestamptz NOT NULL,
    packed       bytea NOT NULL
) PARTITION BY RANGE (observed_at);
CREATE INDEX visits_domain ON visits (domain_id);
CREATE TABLE visits_default PARTITION OF visits DEFAULT;
COMMENT ON TABLE visits IS 'Raw lookups, packed: one row per domain and stored batch, observed_at = '
    'its first response; partitioned by observed_at and kept for schedule.raw_retention. Read '
    'through the views responses and answers (one row per lookup, per record).';

-- Updated in place as lookups repeat: with half of each page free, the new
-- version of every row fits on its page (a HOT update: no index entry, the
-- old version pruned with the page), so repeated lookups do not grow the
-- rollup (0.1 bytes per repeated response on synthetic stable batches; 58
-- with 30 % free).
CREATE TABLE history (
    domain_id   bigint NOT NULL,
    qname_id    integer NOT NULL,
    vantage_id  smallint NOT NULL,
    rrtype      smallint NOT NULL,
    rdata       text NOT NULL,
    addr        inet,
    time_first  timestamptz NOT NULL,
    time_last   timestamptz NOT NULL,
    count       bigint NOT NULL,
    ttl_min     integer NOT NULL,
    ttl_max     integer NOT NULL,
    PRIMARY KEY (domain_id, qname_id, vantage_id, rrtype, rdata)
) WITH (fillfactor = 50);
COMMENT ON TABLE history IS 'The rollup, kept for ever: per tracked domain, queried name, vantage, '
    'record type and data, first and last seen, how many responses held it, smallest and largest TTL.';

CREATE TABLE runs (
    domain_id   bigint NOT NULL,
    vantage_id  smallint NOT NULL,
    qname_id    integer NOT NULL,
    qtype       smallint NOT NULL,
    time_first  timestamptz NOT NULL,
    time_last   timestamptz NOT NULL,
    count       integer NOT NULL,
    rcode       smallint NOT NULL,
    set_id      integer NOT NULL,
    ttl_min     integer NOT NULL,
    ttl_max     integer NOT NULL,
    PRIMARY KEY (domain_id, vantage_id, qname_id, qtype, time_first)
) WITH (fillfactor = 50);
COMMENT ON TABLE runs IS 'Runs of identical answers (same outcome, same answer set) per domain, '
    'vantage, queried name and type: when each began and last held, and how many lookups.';

-- JIT compilation off for this database: the planner cannot know how many
-- lookups a packed row holds (1000 per generate_series, it guesses), so a
-- query of a few hundred raw lookups on fresh partitions looked costly
-- enough to compile: 10 s of compiling for 2 ms of work. A database owned
-- by someone else keeps its setting (a notice says so).
DO $$
BEGIN
    EXECUTE format('ALTER DATABASE %I SET jit = off', current_database());
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'fluxwatch: could not turn JIT off for database % (not its owner): '
                 'queries of the raw lookups may spend seconds compiling', current_database();
END $$;
