-- 011_revisits: revisits driven by suspicion. The scoring pass (fw_score in
-- sql/definitions/75_score.sql) keeps on each domain its latest label and
-- how many passes in a row have repeated it, when it is benign, cdn or
-- unresolved; the crawler backs off the visits of a domain settled that way
-- (schedule.settle_after, schedule.backoff) and a change of its answers
-- (fw_sched_report) or of its label sets the count back to 0.
ALTER TABLE domains
    ADD COLUMN last_label text,
    ADD COLUMN settled_passes smallint NOT NULL DEFAULT 0;
COMMENT ON COLUMN domains.last_label IS
    'The label of the domain''s latest verdict, kept by the scoring pass (fw_score).';
COMMENT ON COLUMN domains.settled_passes IS
    'Scoring passes in a row that repeated a benign, cdn or unresolved last_label, since '
    'the label or the answer signature last changed (0: keep the TTL pace).';

-- The labels already given; every count starts at 0, so each domain settles anew.
UPDATE domains d SET last_label = v.label
FROM (SELECT DISTINCT ON (domain_id) domain_id, label FROM verdicts
      ORDER BY domain_id, scored_at DESC) v
WHERE d.id = v.domain_id;
