-- 015_score_shares: a scoring pass in several sessions at once. fw_features
-- and fw_score (sql/definitions/50_features.sql, 75_score.sql) take the
-- range of domain ids each session scores; their definitions of one range
-- fewer are dropped here, so that only the current form is left.
DROP FUNCTION IF EXISTS fw_score(jsonb, timestamptz, boolean);
DROP FUNCTION IF EXISTS fw_features(timestamptz, boolean);
