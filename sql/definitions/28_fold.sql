-- The rollup past the raw lookups (tables: sql/017_run_days.sql). Raw
-- lookups are kept for schedule.raw_retention; a run (sql/010_history.sql:
-- runs) that ended before the oldest partition of them is folded into
-- run_days, counted under the UTC day it began, and then the answer sets
-- that neither a kept lookup nor a kept run uses are deleted. So for a
-- domain whose answers change at every lookup, what is kept for ever is a
-- row per day and what history and domain_records hold (each address, name
-- and network once), not a run and a set per lookup. The writer's upkeep
-- calls fw_runs_fold (storage/writer.c); a fold goes through the domains in
-- chunks, then through the unused sets, within a time budget a call, and a
-- new one begins when the oldest raw partition has moved on.

-- Fold the runs of domains [lo, hi] that ended before CUTOFF. Returns how many.
CREATE OR REPLACE FUNCTION fw_runs_fold_domains(lo bigint, hi bigint, cutoff timestamptz)
RETURNS bigint LANGUAGE sql AS $$
WITH gone AS (
    DELETE FROM runs r WHERE r.domain_id BETWEEN lo AND hi AND r.time_last < cutoff
    RETURNING r.*
), days AS (
    INSERT INTO run_days AS d (domain_id, vantage_id, qname_id, qtype, day, runs, lookups, failures,
                               first_at, last_at, ttl_min, ttl_max)
    SELECT g.domain_id, g.vantage_id, g.qname_id, g.qtype, (g.time_first AT TIME ZONE 'UTC')::date,
           count(*), sum(g.count), coalesce(sum(g.count) FILTER (WHERE g.rcode <> 0), 0),
           min(g.time_first), max(g.time_last), min(g.ttl_min), max(g.ttl_max)
    FROM gone g
    GROUP BY 1, 2, 3, 4, 5
    ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (domain_id, vantage_id, qname_id, qtype, day) DO UPDATE
    SET runs = d.runs + excluded.runs, lookups = d.lookups + excluded.lookups,
        failures = d.failures + excluded.failures, first_at = least(d.first_at, excluded.first_at),
        last_at = greatest(d.last_at, excluded.last_at),
        ttl_min = least(d.ttl_min, excluded.ttl_min), ttl_max = greatest(d.ttl_max, excluded.ttl_max)
    RETURNING 1
)
SELECT count(*) FROM gone $$;

-- Delete up to N answer sets last used before CUTOFF's day, but those the
-- lookups in the default partition of visits use (never dropped: a batch
-- stored while no partition was made). Every kept run ends, and every kept
-- partition begins, at or after CUTOFF, and a batch marks each set it uses
-- with the day it is stored (fw_stage_key), so nothing else refers to them.
-- Returns how many.
CREATE OR REPLACE FUNCTION fw_answer_sets_drop(cutoff timestamptz, n integer)
RETURNS bigint LANGUAGE sql AS $$
WITH gone AS (
    DELETE FROM answer_sets s
    WHERE s.last_day < (cutoff AT TIME ZONE 'UTC')::date    -- (again: a batch marking it meanwhile wins)
      AND s.id IN (SELECT x.id FROM answer_sets x
                   WHERE x.last_day < (cutoff AT TIME ZONE 'UTC')::date
                     AND x.id NOT IN (SELECT u.set_id FROM visits_default v
                                      CROSS JOIN LATERAL fw_unpack(v.observed_at, v.packed) u)
                   LIMIT n)
    RETURNING 1
)
SELECT count(*) FROM gone $$;

-- The start of the oldest partition of visits but the default (NULL: none).
CREATE OR REPLACE FUNCTION fw_raw_start() RETURNS timestamptz LANGUAGE sql STABLE AS $$
SELECT min(range_start) FROM fw_raw_partitions() $$;

-- Fold the runs that ended before the raw lookups kept, and then drop the
-- answer sets unused since, for about BUDGET of time (one step at least):
-- domains 100 at a time, sets 10,000 at a time. The cutoff of a fold is the start of the
-- oldest raw partition, or BEFORE (now - raw_retention) when that is
-- earlier; a new fold begins when it is later than the last one's. Returns
-- the runs and sets done (0: nothing to do now).
CREATE OR REPLACE FUNCTION fw_runs_fold(before timestamptz, budget interval DEFAULT '1 second')
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE f runs_folded; t0 timestamptz := clock_timestamp(); hi bigint; n bigint; done bigint := 0;
BEGIN
    SELECT * INTO f FROM runs_folded FOR UPDATE;
    IF f.cutoff IS NULL THEN
        f.cutoff := least(before, fw_raw_start());
        IF f.cutoff IS NULL OR f.cutoff <= f.done_cutoff THEN
            RETURN 0;
        END IF;
        f.next_domain := 0;
    END IF;
    LOOP                                       -- a step at least, then while in budget
        IF f.next_domain IS NOT NULL THEN      -- the runs, domains in id order
            SELECT max(id) INTO hi
            FROM (SELECT id FROM domains WHERE id >= f.next_domain ORDER BY id LIMIT 100) d;
            IF hi IS NULL THEN
                f.next_domain := NULL;
                CONTINUE;
            END IF;
            done := done + fw_runs_fold_domains(f.next_domain, hi, f.cutoff);
            f.next_domain := hi + 1;
        ELSE                                   -- then the sets nothing uses
            n := fw_answer_sets_drop(f.cutoff, 10000);
            done := done + n;
            IF n = 0 THEN
                UPDATE runs_folded SET cutoff = NULL, next_domain = 0, done_cutoff = f.cutoff;
                RETURN done;
            END IF;
        END IF;
        EXIT WHEN clock_timestamp() - t0 >= budget;
    END LOOP;
    UPDATE runs_folded SET cutoff = f.cutoff, next_domain = f.next_domain;
    RETURN done;
END $$;
COMMENT ON FUNCTION fw_runs_fold(timestamptz, interval) IS
    'Fold the runs that ended before the oldest raw partition (and BEFORE) into run_days, then '
    'delete the answer sets no kept lookup or run uses, for about BUDGET of time a call; the '
    'writer''s upkeep calls it when schedule.raw_retention is not forever.';
