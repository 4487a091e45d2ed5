-- 016_thresholds: the thresholds of a pass read once. fw_label read its
-- twelve thresholds out of the jsonb object at every call, a third of its
-- time; fw_score now reads them once into this row (fw_thresholds) and
-- labels every domain with fw_label_rules (sql/definitions/60_label.sql).
-- Shares in percent, durations in whole seconds, counts as counts.
CREATE TYPE fw_thresholds AS (
    min_responses           integer,
    cdn_min_share           numeric,
    flux_min_asns           integer,
    flux_max_ttl            integer,
    flux_min_ips            integer,
    flux_min_fluxiness      double precision,
    ns_min_names            integer,
    ns_min_asns             integer,
    takedown_min_responses  integer,
    takedown_min_share      numeric,
    pool_min_hosting_share  double precision,
    pool_min_ttl            integer
);
COMMENT ON TYPE fw_thresholds IS 'The thresholds fw_label_rules reads, from the configuration''s '
    '"scoring" keys (fw_thresholds(jsonb)).';
