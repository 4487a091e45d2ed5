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
