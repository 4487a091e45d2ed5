-- The label rules (docs/scoring.md): a label, a score in [0,1] and a
-- one-line reason from the features F of fw_features() and the thresholds T
-- of the configuration ("scoring:", every key of it, built by
-- scoring/score_cmd.c). Thresholds are numbers in one unit per kind: shares
-- in percent, durations in whole seconds, counts as counts.

-- Threshold K of T. A missing one is an error, never a NULL that would
-- silently switch a rule off. In SQL, so that fw_thresholds' calls
-- are inlined (a plpgsql call each took two thirds of fw_label's time); the
-- error is fw_threshold_refused's.
CREATE OR REPLACE FUNCTION fw_threshold_refused(t jsonb, k text) RETURNS numeric
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
    RAISE EXCEPTION 'thresholds: "%" is %', k,
        CASE WHEN t ? k THEN 'not a number' ELSE 'missing' END
        USING ERRCODE = 'invalid_parameter_value',
              HINT = 'fw_label() takes every key of the configuration''s "scoring" section.';
END $$;
COMMENT ON FUNCTION fw_threshold_refused(jsonb, text) IS
    'fw_threshold: the error for threshold K of T, missing or not a number.';

CREATE OR REPLACE FUNCTION fw_threshold(t jsonb, k text) RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN jsonb_typeof(t->k) = 'number' THEN (t->>k)::numeric
                ELSE fw_threshold_refused(t, k) END $$;
COMMENT ON FUNCTION fw_threshold(jsonb, text) IS
    'Threshold K of a thresholds object, as a number; an error when it is missing or not a number.';

-- The thresholds fw_label_rules reads, out of T, each checked (fw_threshold).
CREATE OR REPLACE FUNCTION fw_thresholds(t jsonb) RETURNS fw_thresholds
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT ROW(fw_threshold(t, 'min_responses')::integer, fw_threshold(t, 'cdn_min_share'),
               fw_threshold(t, 'flux_min_asns')::integer, fw_threshold(t, 'flux_max_ttl')::integer,
               fw_threshold(t, 'flux_min_ips')::integer,
               fw_threshold(t, 'flux_min_fluxiness')::double precision,
               fw_threshold(t, 'ns_min_names')::integer, fw_threshold(t, 'ns_min_asns')::integer,
               fw_threshold(t, 'takedown_min_responses')::integer,
               fw_threshold(t, 'takedown_min_share'),
               fw_threshold(t, 'pool_min_hosting_share')::double precision,
               fw_threshold(t, 'pool_min_ttl')::integer,
               fw_threshold(t, 'steered_min_vantages')::integer,
               fw_threshold(t, 'steered_min_answers')::integer,
               fw_threshold(t, 'steered_max_fluxiness')::double precision,
               fw_threshold(t, 'steered_max_overlap'))::fw_thresholds $$;
COMMENT ON FUNCTION fw_thresholds(jsonb) IS
    'The thresholds of fw_label_rules out of a thresholds object; an error names a missing one.';

-- The rules over features F and thresholds TH (fw_thresholds: a pass reads
-- them once, not per domain).
CREATE OR REPLACE FUNCTION fw_label_rules(f jsonb, th fw_thresholds, OUT label text, OUT score real,
                                          OUT reason text)
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    ips int := coalesce((f->>'ips')::int, 0);
    shown int := coalesce((f->>'asns')::int, (f->>'slash16s')::int, 0);
    divname text := CASE WHEN f ? 'asns' THEN 'ASNs' ELSE '/16s' END;
    -- the networks flux needs: organisations where the ASN data names them
    -- (one company's several ASNs are one network), else ASNs, else /16s
    orgs int := (f->>'orgs')::int;
    div int := coalesce(orgs, shown);
    ttl int := (f->>'min_ttl')::int;
    ns_div int := coalesce((f->>'ns_asns')::int, (f->>'ns_slash16s')::int, 0);
    ns_names int := coalesce((f->>'ns_names')::int, 0);
    gone int := coalesce((f->>'gone_responses')::int, 0);
    after int := coalesce((f->>'responses_after_address')::int, 0);
    hosting float8 := coalesce((f->>'hosting_share')::float8, 0);
    -- every threshold (read and checked by fw_thresholds)
    min_responses int := th.min_responses;
    cdn_min_share numeric := th.cdn_min_share;                -- %
    flux_min_asns int := th.flux_min_asns;
    flux_max_ttl int := th.flux_max_ttl;                      -- s
    flux_min_ips int := th.flux_min_ips;
    flux_min_fluxiness float8 := th.flux_min_fluxiness;
    ns_min_names int := th.ns_min_names;
    ns_min_asns int := th.ns_min_asns;
    takedown_min_responses int := th.takedown_min_responses;
    takedown_min_share numeric := th.takedown_min_share;      -- %
    pool_min_hosting_share float8 := th.pool_min_hosting_share;  -- %
    pool_min_ttl int := th.pool_min_ttl;                      -- s
    nets text := format('%s IPs in %s %s', ips, shown, divname)
                 || CASE WHEN orgs < shown THEN format(' of %s organisations', orgs) ELSE '' END;
    seen text;      -- the rest of a flux or benign reason, after nets
    flux boolean;
    nsflux boolean;
BEGIN
    -- 1. insufficient: too few responses to say anything
    IF (f->>'responses')::int < min_responses THEN
        label := 'insufficient'; score := 0;
        reason := format('%s responses, %s needed', f->>'responses', min_responses);
        RETURN;
    END IF;
    -- 2. unresolved: no response held an address
    IF coalesce((f->>'address_responses')::int, 0) = 0 THEN
        label := 'unresolved'; score := (f->>'fail_share')::real;
        reason := format('no address in %s responses (%s NXDOMAIN, %s SERVFAIL, %s timeouts)',
                         f->>'responses', f->>'nxdomain', f->>'servfail', f->>'transport_failures');
        RETURN;
    END IF;
    -- 3. what the addresses say: cdn, else flux (many addresses, or few per
    --    answer that keep changing - fluxiness: distinct addresses over the
    --    window / addresses per answer - spread over networks), double when
    --    the name servers rotate too, else benign. Rule 4 overrides this
    --    verdict and quotes it, rules 3b and 5 revise a flux one.
    IF coalesce((f->>'cdn_asn_share')::numeric, 0) * 100 >= cdn_min_share
       OR coalesce((f->>'cdn_cname')::boolean, false) THEN
        label := 'cdn'; score := greatest(coalesce((f->>'cdn_asn_share')::real, 0),
                                           CASE WHEN (f->>'cdn_cname')::boolean THEN 1 ELSE 0 END);
        reason := nets || format(', %s%% in CDN/cloud ASNs%s',
                                 round(coalesce((f->>'cdn_asn_share')::numeric, 0) * 100),
                                 CASE WHEN (f->>'cdn_cname')::boolean THEN ', behind a CDN CNAME' ELSE '' END);
    ELSE
        flux := div >= flux_min_asns AND ttl <= flux_max_ttl
                AND (ips >= flux_min_ips OR coalesce((f->>'fluxiness')::float8, 0) >= flux_min_fluxiness);
        nsflux := ns_names >= ns_min_names OR ns_div >= ns_min_asns;
        seen := format(' over %s answers, TTL %s s', f->>'address_responses', ttl);
        IF flux THEN
            score := least(1, 0.5 * ips::real / (2 * flux_min_ips) + 0.5 * div::real / (2 * flux_min_asns));
            IF nsflux THEN
                label := 'double_flux';
                seen := seen || format('; name servers rotate: %s names, %s addresses in %s %s',
                                       ns_names, coalesce(f->>'ns_ips', '0'), ns_div, divname);
            ELSE
                label := 'single_flux';
            END IF;
        ELSE
            label := 'benign'; score := 0;
            seen := seen || CASE WHEN div < flux_min_asns THEN ': few networks'
                                 WHEN ips < flux_min_ips THEN ': few addresses'
                                 ELSE ': TTLs too long for flux' END;
        END IF;
        reason := nets || seen;
    END IF;
    -- 3b. steered CDN: flux by the counts, but only because the vantages
    --     see different stable sets (caches inside ISP networks, geo
    --     steering): at least steered_min_vantages got addresses, their sets
    --     no larger than their largest answers (vantage_fluxiness at most
    --     steered_max_fluxiness: 1 when each always got the same set), and
    --     the sets differ (an address seen by at most steered_max_overlap %
    --     of them on average); cdn once each has steered_min_answers
    --     answers, insufficient until then: a vantage answered once is
    --     always "stable", so flux seen once per vantage looks steered, and
    --     a steered CDN scored before that is not flux either. Flux rotates
    --     at each vantage, so it stays flux however few vantages see it.
    --     Read only for flux: most domains are not.
    IF label IN ('single_flux', 'double_flux')
       AND coalesce((f->>'answering_vantages')::int >= th.steered_min_vantages
                    AND (f->>'vantage_fluxiness')::float8 <= th.steered_max_fluxiness
                    AND (f->>'answering_overlap')::numeric * 100 <= th.steered_max_overlap, false) THEN
        reason := format('%s: stable per vantage (%s vantages, at least %s answers each, vantage '
                         'fluxiness %s), different across vantages (an address seen by %s%% of '
                         'them on average)', reason, f->>'answering_vantages',
                         f->>'vantage_min_answers', f->>'vantage_fluxiness',
                         round((f->>'answering_overlap')::numeric * 100));
        IF (f->>'vantage_min_answers')::int >= th.steered_min_answers THEN
            reason := reason || ': a steered CDN, not flux';
            label := 'cdn'; score := 1 - (f->>'answering_overlap')::real;
        ELSE
            reason := reason || format(' so far: %s answers at each needed to tell a steered CDN '
                                       'from flux', th.steered_min_answers);
            label := 'insufficient'; score := 0;
        END IF;
    END IF;
    -- 4. takedown: it resolved, then failed (at least takedown_min_responses
    --    failures, and takedown_min_share % of what followed the last
    --    address): unresolved, saying what it was before
    IF gone > 0 AND gone >= takedown_min_responses AND gone * 100 >= after * takedown_min_share THEN
        reason := format('gone since %s: %s of %s responses after the last address failed '
                         '(%s NXDOMAIN); before: %s, %s', f->>'gone_since', gone, after,
                         f->>'nxdomain_after', label, reason);
        label := 'unresolved'; score := round(gone::numeric / after, 2);
        RETURN;
    END IF;
    -- 5. volunteer pool: flux whose addresses sit mostly in hosting ASNs
    --    (pool_min_hosting_share %) with a largest TTL of at least
    --    pool_min_ttl is benign; a flux reason names the countries
    IF label IN ('single_flux', 'double_flux') THEN
        IF hosting * 100 >= pool_min_hosting_share
           AND coalesce((f->>'max_ttl')::int, (f->>'min_ttl')::int) >= pool_min_ttl THEN
            reason := format('%s: a hosting pool (%s%% of addresses in hosting ASNs, TTL up to %s s), '
                             'not flux', reason, round(hosting * 100),
                             coalesce(f->>'max_ttl', f->>'min_ttl'));
            label := 'benign'; score := 0;
        ELSIF f ? 'countries' THEN
            reason := nets || format(' in %s countries', f->>'countries') || seen;
        END IF;
    END IF;
END $$;
COMMENT ON FUNCTION fw_label_rules(jsonb, fw_thresholds) IS
    'Label rules over features and thresholds read by fw_thresholds, with a readable reason.';

CREATE OR REPLACE FUNCTION fw_label(f jsonb, t jsonb, OUT label text, OUT score real, OUT reason text)
LANGUAGE sql IMMUTABLE AS $$
    SELECT * FROM fw_label_rules(f, fw_thresholds(t)) $$;
COMMENT ON FUNCTION fw_label(jsonb, jsonb) IS
    'Label rules over features and thresholds (every key of config "scoring"; shares in percent, '
    'durations in seconds; a missing one is an error), with a readable reason.';
