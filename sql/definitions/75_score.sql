-- The scoring pass (docs/scoring.md): verdicts stored, and what they tell
-- the revisit schedule (columns: sql/011_revisits.sql). A domain whose label
-- stays benign, cdn or unresolved settles; the crawler backs off its visits
-- once settled_passes reaches schedule.settle_after (storage/queue.c).

-- The settled count after a pass that gave LABEL to a domain whose last
-- label was LAST_LABEL with PASSES: one more when it repeats a benign, cdn
-- or unresolved label, else 0 (a new label, or one that keeps the TTL pace).
-- Capped at smallint's largest, above schedule.settle_after's bound.
CREATE OR REPLACE FUNCTION fw_settled_passes(last_label text, passes smallint, label text)
RETURNS smallint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN label IN ('benign', 'cdn', 'unresolved') AND label = last_label
                THEN least(passes + 1, 32767)::smallint ELSE 0::smallint END $$;
COMMENT ON FUNCTION fw_settled_passes(text, smallint, text) IS
    'Settled passes after a verdict: +1 when it repeats a benign, cdn or unresolved label, else 0.';

-- Keep the planner informed about the tables a pass reads (the scoring
-- rollup). Autovacuum reaches a table just filled late: the first pass
-- after a large first crawl would be planned on no statistics. Analyses
-- each one that holds rows and never had an ANALYZE, or that now holds
-- more than twice (+1000) the rows it had then; the writer's updates in
-- between autovacuum leaves to itself. Returns the tables analysed.
CREATE OR REPLACE FUNCTION fw_analyze_rollup() RETURNS SETOF regclass
    LANGUAGE plpgsql AS $$
DECLARE r record;
BEGIN
    FOR r IN SELECT c.oid::regclass AS t
             FROM pg_class c JOIN pg_stat_user_tables s ON s.relid = c.oid
             WHERE c.oid IN ('lookup_days'::regclass, 'domain_records'::regclass,
                             'domain_rollup'::regclass, 'after_address'::regclass)
               AND ((c.reltuples < 0 AND s.n_live_tup > 0) OR
                    s.n_live_tup > 2 * greatest(c.reltuples, 0) + 1000)
    LOOP
        EXECUTE format('ANALYZE %s', r.t);
        RETURN NEXT r.t;
    END LOOP;
END $$;
COMMENT ON FUNCTION fw_analyze_rollup() IS
    'Analyse the scoring rollup''s tables that were never analysed or have more than doubled '
    'since; "score" calls it before each pass, so the first pass is planned like a later one.';

-- Score every domain with observations since SINCE (only_changed: those
-- observed after their latest verdict) and an id in [first_id, last_id]
-- (score runs a large pass as several of these at once, one session each:
-- scoring/score_cmd.c) with thresholds T, store the
-- verdicts, and update last_label and settled_passes of the domains whose
-- count or label changes (a steady flux or settled domain costs no write).
-- A domain that had settled passes and changes its label is due at once:
-- its count is 0 again, so it is visited at the TTL pace until it settles
-- again. Returns how many domains were scored.
--
-- Crawlers' reports and releases (fw_sched_report, fw_sched_release) and
-- imports update many domains in one statement in their own order, as this
-- does: two such statements could each wait for a row the other holds. So
-- they hold advisory lock 7467737705 shared and this UPDATE holds it
-- exclusively, taken only after the features are computed: reports wait
-- for the UPDATE alone, and never deadlock with it.
CREATE OR REPLACE FUNCTION fw_score(t jsonb, since timestamptz, only_changed boolean,
                                    first_id bigint DEFAULT 0,
                                    last_id bigint DEFAULT 9223372036854775807)
RETURNS bigint LANGUAGE plpgsql
-- A random read is about as cheap as a sequential one here (the rollup is
-- small and mostly cached, or on SSD): at the default 4 the planner read
-- all of domain_records for the 2,500 domains of an incremental share of
-- 50,000 (1.8 s) instead of their rows by index (0.27 s). A full pass
-- keeps its plan.
SET random_page_cost = 1.1 AS $$
DECLARE
    th fw_thresholds := fw_thresholds(t);
    ids bigint[];
    labels text[];
BEGIN
    WITH v AS (
        INSERT INTO verdicts (domain_id, label, score, reason, features, thresholds)
        SELECT f.domain_id, l.label, l.score, l.reason, f.f, t
        FROM fw_features(since, only_changed, first_id, last_id) f
        CROSS JOIN LATERAL fw_label_rules(f.f, th) l
        RETURNING domain_id, label)
    SELECT array_agg(v.domain_id), array_agg(v.label) INTO ids, labels FROM v;
    IF ids IS NULL THEN
        RETURN 0;
    END IF;
    PERFORM pg_advisory_xact_lock(7467737705);
    UPDATE domains d SET last_label = s.label,
        settled_passes = fw_settled_passes(d.last_label, d.settled_passes, s.label),
        next_due_at = CASE WHEN d.settled_passes > 0 AND s.label IS DISTINCT FROM d.last_label
                           THEN least(d.next_due_at, now()) ELSE d.next_due_at END
    FROM unnest(ids, labels) AS s(id, label)
    WHERE d.id = s.id AND (s.label IS DISTINCT FROM d.last_label
        OR d.settled_passes <> fw_settled_passes(d.last_label, d.settled_passes, s.label));
    RETURN cardinality(ids);
END $$;
COMMENT ON FUNCTION fw_score(jsonb, timestamptz, boolean, bigint, bigint) IS
    'The scoring pass: verdicts of the domains observed since SINCE (only_changed: after their '
    'latest verdict) with ids first_id .. last_id, with thresholds T; keeps domains.last_label '
    'and settled_passes (a changed label makes a settled domain due at once). Returns the '
    'number of domains scored.';
