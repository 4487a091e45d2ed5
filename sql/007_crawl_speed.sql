-- 007_crawl_speed: storage layout for the crawler's hot path, from the
-- statement costs measured by bench/crawl_bench.sh.

-- A claim only sets the lease columns, which no index covers: with room left
-- on each page PostgreSQL keeps the new row version on the same page and
-- skips every index (a HOT update), which halved the cost of a claim.
-- Applies to pages written from now on; "VACUUM FULL domains" repacks an
-- existing queue at once.
ALTER TABLE domains SET (fillfactor = 50);

-- Observations are found by domain, then filtered by time inside the
-- partitions the time window selects. An index on domain_id alone keeps
-- one entry per domain and page (B-tree deduplication): about 11 bytes per
-- row instead of 54 for (domain_id, observed_at), whose random insert points
-- split pages half empty, and COPY spends less time in it.
DROP INDEX responses_domain_id_observed_at_idx;
DROP INDEX answers_domain_id_observed_at_idx;
CREATE INDEX responses_domain ON responses (domain_id);
CREATE INDEX answers_domain ON answers (domain_id);

-- The report of a batch of visits (scheduler/sched.c computes the values).
-- Fetching the batch by primary key is what keeps it cheap at any queue
-- size; with the join alone, or when the claimed ids are neighbours, the
-- planner preferred a scan of the whole table (55 instead of 20 ms per 2000
-- of 50k domains, and growing with the table), hence the pinned plan.
CREATE FUNCTION fw_sched_report(ids bigint[], ms bigint[], streaks integer[], sigs bigint[])
RETURNS void LANGUAGE sql SET enable_seqscan = off AS $$
    UPDATE domains d SET next_due_at = now() + r.ms * interval '1 millisecond',
        interval_ms = r.ms, fail_streak = r.streak,
        priority = CASE WHEN d.answer_sig IS DISTINCT FROM r.sig THEN 1 ELSE 0 END,
        answer_sig = r.sig, last_visit_at = now(), lease_owner = NULL, lease_until = NULL
    FROM unnest(ids, ms, streaks, sigs) AS r(id, ms, streak, sig)
    WHERE d.id = r.id AND d.id = ANY (ids) $$;
COMMENT ON FUNCTION fw_sched_report(bigint[], bigint[], integer[], bigint[]) IS
    'The crawler''s report of finished visits: next due time, interval, failure streak, '
    'answer signature (a change raises the priority); clears the lease.';

-- rrtype and qtype are smallint columns; the writer stores a 16-bit type
-- number in them as it is on the wire, so types from 32768 up (TA, DLV,
-- private use) read back negative: name them by their unsigned value.
-- Replaced in place, whole: v_responses and v_answers call it by its OID, so
-- a wrapper around a renamed original (as 006 does for the scoring) would
-- not reach them.
CREATE OR REPLACE FUNCTION fw_rrtype_name(t integer) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE t WHEN 1 THEN 'A' WHEN 2 THEN 'NS' WHEN 5 THEN 'CNAME' WHEN 6 THEN 'SOA'
        WHEN 12 THEN 'PTR' WHEN 15 THEN 'MX' WHEN 16 THEN 'TXT' WHEN 28 THEN 'AAAA'
        WHEN 33 THEN 'SRV' WHEN 39 THEN 'DNAME' WHEN 43 THEN 'DS' WHEN 46 THEN 'RRSIG'
        WHEN 47 THEN 'NSEC' WHEN 48 THEN 'DNSKEY' WHEN 64 THEN 'SVCB' WHEN 65 THEN 'HTTPS'
        ELSE 'TYPE' || (CASE WHEN t < 0 THEN t + 65536 ELSE t END) END $$;
