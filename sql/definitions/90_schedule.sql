-- The revisit schedule and the queue's leases (columns: sql/003_feeds_schedule.sql,
-- sql/011_revisits.sql).

-- The report of a batch of visits (storage/queue.c computes the values).
-- Fetching the batch by primary key is what keeps it cheap at any queue
-- size; with the join alone, or when the claimed ids are neighbours, the
-- planner preferred a scan of the whole table (55 instead of 20 ms per 2000
-- of 50k domains, and growing with the table), hence the pinned plan. A
-- changed answer signature raises the priority and sets the settled count
-- back to 0: the domain keeps the TTL pace until it settles again. Advisory
-- lock 7467737705, shared: see fw_score.
CREATE OR REPLACE FUNCTION fw_sched_report(ids bigint[], ms bigint[], streaks integer[], sigs bigint[])
RETURNS void LANGUAGE sql SET enable_seqscan = off AS $$
    SELECT pg_advisory_xact_lock_shared(7467737705);
    UPDATE domains d SET next_due_at = now() + r.ms * interval '1 millisecond',
        interval_ms = r.ms, fail_streak = r.streak,
        priority = CASE WHEN d.answer_sig IS DISTINCT FROM r.sig THEN 1 ELSE 0 END,
        settled_passes = CASE WHEN d.answer_sig IS DISTINCT FROM r.sig THEN 0
                              ELSE d.settled_passes END,
        answer_sig = r.sig, last_visit_at = now(), lease_owner = NULL, lease_until = NULL
    FROM unnest(ids, ms, streaks, sigs) AS r(id, ms, streak, sig)
    WHERE d.id = r.id AND d.id = ANY (ids) $$;
COMMENT ON FUNCTION fw_sched_report(bigint[], bigint[], integer[], bigint[]) IS
    'The crawler''s report of finished visits: next due time, interval, failure streak, '
    'answer signature (a change raises the priority and resets settled_passes); clears the lease.';

-- The leases of claimed domains that were not visited, or of a sweep's
-- visits (the schedule stays as it was), end. Advisory lock 7467737705,
-- shared: see fw_score.
CREATE OR REPLACE FUNCTION fw_sched_release(ids bigint[])
RETURNS void LANGUAGE sql AS $$
    SELECT pg_advisory_xact_lock_shared(7467737705);
    UPDATE domains SET lease_owner = NULL, lease_until = NULL WHERE id = ANY (ids) $$;
COMMENT ON FUNCTION fw_sched_release(bigint[]) IS
    'End the leases of the domains IDS, their schedule unchanged.';
