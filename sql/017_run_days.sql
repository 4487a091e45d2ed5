-- 017_run_days: the rollup of domains whose answers change at every lookup
-- (a CDN rotating its addresses, flux) no longer grows with lookups. Each
-- change begins a run (runs), and the answer set of every lookup is kept
-- once (answer_sets): for such a domain a row each per lookup, kept for
-- ever, 1.5 times its raw lookups. Now the runs that ended before the
-- oldest raw lookup still kept (raw_retention) are folded into per-day
-- counts (run_days) by the writer's upkeep (fw_runs_fold,
-- sql/definitions/28_fold.sql), and the answer sets no kept lookup or run
-- refers to are deleted: last_day is the last UTC day a stored batch used
-- the set. runs_folded is the fold's progress.
CREATE TABLE run_days (
    domain_id   bigint NOT NULL,
    vantage_id  smallint NOT NULL,
    qname_id    integer NOT NULL,
    qtype       smallint NOT NULL,
    day         date NOT NULL,
    runs        integer NOT NULL,
    lookups     bigint NOT NULL,
    failures    bigint NOT NULL,
    first_at    timestamptz NOT NULL,
    last_at     timestamptz NOT NULL,
    ttl_min     integer NOT NULL,
    ttl_max     integer NOT NULL,
    PRIMARY KEY (domain_id, vantage_id, qname_id, qtype, day)
);
COMMENT ON TABLE run_days IS 'Runs older than the raw lookups, folded: per domain, vantage, queried '
    'name, type and the UTC day a run began, how many runs began (changes of answer), their lookups, '
    'those that failed (rcode not NOERROR), the first and last lookup, the TTL range.';

ALTER TABLE answer_sets ADD COLUMN last_day date NOT NULL DEFAULT (now() AT TIME ZONE 'UTC')::date;
CREATE INDEX answer_sets_last_day ON answer_sets (last_day);
COMMENT ON COLUMN answer_sets.last_day IS 'The last UTC day a stored batch used this set.';

CREATE TABLE runs_folded (
    one          boolean PRIMARY KEY DEFAULT true CHECK (one),
    cutoff       timestamptz,
    next_domain  bigint DEFAULT 0,
    done_cutoff  timestamptz NOT NULL DEFAULT '-infinity'
);
INSERT INTO runs_folded DEFAULT VALUES;
COMMENT ON TABLE runs_folded IS 'Progress of fw_runs_fold: the cutoff being folded (NULL: none), '
    'the next domain id to fold (NULL: all folded, the unused answer sets being deleted), and '
    'the cutoff of the last fold done.';

-- score analysed the raw partitions before a pass; a pass reads the
-- scoring rollup now (fw_analyze_rollup in sql/definitions/75_score.sql).
DROP FUNCTION IF EXISTS fw_analyze_observations();
