-- 018_steered: the thresholds of the steered-CDN rule (fw_label_rules,
-- sql/definitions/60_label.sql): a flux verdict is revised to cdn when
-- every answering vantage keeps its own stable set (vantage_fluxiness) and
-- the vantages' sets differ (answering_overlap). No table has a column of this type, so the attributes are
-- added in place. Counts as counts, shares in percent.
ALTER TYPE fw_thresholds ADD ATTRIBUTE steered_min_vantages integer,
    ADD ATTRIBUTE steered_min_answers integer,
    ADD ATTRIBUTE steered_max_fluxiness double precision,
    ADD ATTRIBUTE steered_max_overlap numeric;
