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

-- The report of a batch of visits (fw_sched_report) and the naming of type
-- numbers from 32768 up (fw_rrtype_name) are defined in sql/definitions/.
