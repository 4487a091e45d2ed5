-- The rollup past the raw lookups (sql/definitions/28_fold.sql): runs that
-- ended before the oldest raw partition are folded into run_days under the
-- day they began, the answer sets nothing uses any more are deleted, and a
-- fold goes on across calls (budget 0: one step a call). Everything runs
-- in one transaction that is rolled back.
BEGIN;
SELECT fw_partitions_ensure('1 day') > 0 AS partitions_made;
INSERT INTO vantages (id, name, address, port) OVERRIDING SYSTEM VALUE
VALUES (100, 'fold', '127.0.0.1', 53);
INSERT INTO domains (id, name) OVERRIDING SYSTEM VALUE
VALUES (2001, 'churn.example'), (2002, 'steady.example');
-- sets 9001-9003 last used long ago, 9004 today
INSERT INTO answer_sets (id, digest, rrtypes, ttl_deltas, addrs, targets, last_day) OVERRIDING SYSTEM VALUE
SELECT 9000 + i, md5('fold' || i)::uuid, '{1}', '{0}', ARRAY[('192.0.2.' || i)::inet], '{NULL}',
       CASE WHEN i < 4 THEN date '2000-01-01' ELSE (now() AT TIME ZONE 'UTC')::date END
FROM generate_series(1, 4) i;
-- churn: a new answer at each of three lookups long ago; steady: a run
-- still going since then, and a failed NS lookup long ago
INSERT INTO runs (domain_id, vantage_id, qname_id, qtype, time_first, time_last, count, rcode,
                  set_id, ttl_min, ttl_max)
VALUES (2001, 100, 0, 1, '2000-01-01 10:00+00', '2000-01-01 10:00+00', 1, 0, 9001, 60, 60),
       (2001, 100, 0, 1, '2000-01-01 10:01+00', '2000-01-01 10:01+00', 1, 0, 9002, 55, 60),
       (2001, 100, 0, 1, '2000-01-01 23:59+00', '2000-01-02 00:30+00', 2, 0, 9003, 60, 60),
       (2002, 100, 0, 1, '2000-01-01 10:00+00', now(), 900, 0, 9004, 300, 300),
       (2002, 100, 0, 2, '2000-01-03 10:00+00', '2000-01-03 10:05+00', 3, 2, 0, 0, 0);

-- one step a call: the domains, then the sets, then done
CREATE TEMP TABLE steps (step integer, done bigint, folding boolean, next_domain bigint);
DO $$
DECLARE n bigint;
BEGIN
    FOR i IN 1 .. 5 LOOP
        n := fw_runs_fold(now(), '0');
        INSERT INTO steps SELECT i, n, cutoff IS NOT NULL, next_domain FROM runs_folded;
    END LOOP;
END $$;
SELECT * FROM steps ORDER BY step;
SELECT domain_id, qtype, time_first AT TIME ZONE 'UTC' AS time_first, count FROM runs ORDER BY 1, 2;
SELECT domain_id, qtype, day, runs, lookups, failures, first_at AT TIME ZONE 'UTC' AS first_at,
       last_at AT TIME ZONE 'UTC' AS last_at, ttl_min, ttl_max
FROM run_days ORDER BY 1, 2, 3;
SELECT id FROM answer_sets WHERE id > 9000 ORDER BY 1;
-- the view: folded days and kept runs counted alike
SELECT domain, vantage, qtype, day, runs, lookups, failures FROM v_run_days
WHERE tracked_domain IN ('churn.example', 'steady.example') ORDER BY 1, 3, 4;
-- a later run folded into the same day adds to it
INSERT INTO runs (domain_id, vantage_id, qname_id, qtype, time_first, time_last, count, rcode,
                  set_id, ttl_min, ttl_max)
VALUES (2001, 100, 0, 1, '2000-01-01 12:00+00', '2000-01-01 12:00+00', 4, 3, 0, 0, 0);
UPDATE runs_folded SET done_cutoff = '-infinity';
SELECT fw_runs_fold(now()) AS folded_again;
SELECT domain_id, qtype, day, runs, lookups, failures FROM run_days ORDER BY 1, 2, 3;
ROLLBACK;
