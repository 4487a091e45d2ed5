-- 019_asn_orgs: organisations, not only AS numbers. One company often
-- holds several ASNs (Google 15169, 36040, 19527, 396982; Comcast 7922,
-- 7015, 7725...); the ASN data names each ASN's organisation
-- (asn_ranges.org). Per ASN, its organisation as the lowest ASN whose
-- ranges name the same one (case and outer blanks aside); an ASN without a
-- name, or with the data's placeholder, is its own. fw_features counts
-- them (orgs); fw_addresses_refresh rebuilds the table at asn load
-- (fw_asn_orgs_refresh). Filled here from the ranges loaded so far.
CREATE TABLE asn_orgs (
    asn      bigint PRIMARY KEY,
    org_asn  bigint NOT NULL
);
COMMENT ON TABLE asn_orgs IS 'Per ASN of asn_ranges, its organisation: the lowest ASN whose ranges '
    'name the same organisation (case and outer blanks aside); an unnamed ASN is its own.';
INSERT INTO asn_orgs (asn, org_asn)
SELECT asn, coalesce(min(asn) FILTER (WHERE k IS NOT NULL) OVER (PARTITION BY k), asn)
FROM (SELECT asn, nullif(nullif(lower(btrim(min(org))), ''), '-reserved as-') AS k
      FROM asn_ranges GROUP BY asn) a;
