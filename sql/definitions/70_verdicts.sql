-- The latest verdicts (table verdicts: sql/004_scoring.sql).

CREATE OR REPLACE VIEW v_verdicts AS
SELECT DISTINCT ON (v.domain_id) d.name AS domain, v.label, v.score, v.reason, v.features,
       v.scored_at, v.thresholds
FROM verdicts v JOIN domains d ON d.id = v.domain_id
ORDER BY v.domain_id, v.scored_at DESC;
COMMENT ON VIEW v_verdicts IS
    'The latest verdict per domain: label (single_flux, double_flux, cdn, benign, unresolved, '
    'insufficient), score in [0,1], a one-line reason, the features (jsonb) and thresholds used.';

CREATE OR REPLACE VIEW v_flagged AS
SELECT v.domain, v.label, v.score, v.reason, v.scored_at,
       (SELECT min(x.scored_at) FROM verdicts x
        WHERE x.domain_id = d.id AND x.label IN ('single_flux', 'double_flux')) AS flagged_since
FROM v_verdicts v JOIN domains d ON d.name = v.domain
WHERE v.label IN ('single_flux', 'double_flux');
COMMENT ON VIEW v_flagged IS
    'Domains whose latest verdict is single_flux or double_flux, with flagged_since: the time '
    'of their first flux verdict.';

-- domain_rollup.scored_at follows the latest verdict of each domain as far
-- as the incremental pass needs it: it finds the domains observed since by
-- comparing the two times of each domain_rollup row instead of looking up
-- every domain's verdicts, and then checks each against its verdicts. So a
-- verdict moves scored_at only of a domain observed after it: a pass over
-- unchanged domains writes nothing here.
CREATE OR REPLACE FUNCTION fw_verdicts_scored() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE domain_rollup r SET scored_at = n.at
        FROM (SELECT domain_id, max(scored_at) AS at FROM verdicts_new GROUP BY 1) n
        WHERE r.domain_id = n.domain_id AND r.observed_until > r.scored_at AND r.scored_at < n.at;
    ELSE
        UPDATE domain_rollup r
        SET scored_at = coalesce((SELECT max(v.scored_at) FROM verdicts v
                                  WHERE v.domain_id = r.domain_id), '-infinity')
        WHERE r.domain_id IN (SELECT o.domain_id FROM verdicts_old o);
    END IF;
    RETURN NULL;
END $$;
COMMENT ON FUNCTION fw_verdicts_scored() IS
    'Trigger: keep domain_rollup.scored_at the time of each domain''s latest verdict.';
CREATE OR REPLACE TRIGGER verdicts_scored_insert AFTER INSERT ON verdicts
    REFERENCING NEW TABLE AS verdicts_new FOR EACH STATEMENT EXECUTE FUNCTION fw_verdicts_scored();
CREATE OR REPLACE TRIGGER verdicts_scored_delete AFTER DELETE ON verdicts
    REFERENCING OLD TABLE AS verdicts_old FOR EACH STATEMENT EXECUTE FUNCTION fw_verdicts_scored();
