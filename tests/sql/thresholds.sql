-- The thresholds object: every key fw_label reads must be there and be a
-- number; a missing one is an error naming it, never a NULL that would
-- silently switch a rule off. "window" is stored with the verdicts for the
-- reader, no rule reads it.
\set t '{"window": 86400, "min_responses": 12, "cdn_min_share": 50, "flux_min_ips": 8, "flux_min_asns": 4, "flux_max_ttl": 300, "flux_min_fluxiness": 2, "ns_min_names": 3, "ns_min_asns": 3, "pool_min_hosting_share": 50, "pool_min_ttl": 60, "takedown_min_responses": 6, "takedown_min_share": 80, "steered_min_vantages": 2, "steered_min_answers": 3, "steered_max_fluxiness": 1, "steered_max_overlap": 75}'
\set f '{"responses": 20, "address_responses": 20, "ips": 8, "asns": 4, "fluxiness": 2, "min_ttl": 3}'
SELECT label, reason FROM fw_label(:'f', :'t');

-- one key missing: an error that names it, whichever rule would decide
SELECT label FROM fw_label(:'f', :'t'::jsonb - 'takedown_min_share');
SELECT label FROM fw_label('{"responses": 2}', :'t'::jsonb - 'pool_min_ttl');
-- not a number (JSON null, a string)
SELECT label FROM fw_label(:'f', :'t'::jsonb || '{"flux_min_ips": null}');
SELECT label FROM fw_label(:'f', :'t'::jsonb || '{"cdn_min_share": "50"}');

-- each key left out in turn
CREATE FUNCTION pg_temp.try(f jsonb, t jsonb) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    RETURN (fw_label(f, t)).label;
EXCEPTION WHEN invalid_parameter_value THEN
    RETURN 'error: ' || SQLERRM;
END $$;
\pset footer off
SELECT k AS left_out, pg_temp.try(:'f', :'t'::jsonb - k) AS result
FROM jsonb_object_keys(:'t') k ORDER BY k;
