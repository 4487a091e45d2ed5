-- 019_asn_orgs: organisations, not only AS numbers. One company often
-- holds several ASNs (Google 15169, 36040, 19527, 396982; Comcast 7922,
-- 7015, 7725...); the ASN data names each ASN's organisation
-- (asn_ranges.org). Per ASN, its organisation as the lowest ASN whose
-- ranges name the same one (case and outer blanks aside); an ASN without a
-- name, or with the data's placeholder, is its own. Copied beside the ASN
-- into addresses and domain_records (the writer, fw_stage_score_rollup), so
-- fw_features counts them (orgs) without a lookup per row (a join with
-- asn_orgs cost a fifth of the pass); fw_addresses_refresh rebuilds the
-- table and the copies at asn load (fw_asn_orgs_refresh). Filled here from
-- the ranges and addresses loaded so far.
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

ALTER TABLE addresses ADD COLUMN org_asn bigint;
ALTER TABLE domain_records ADD COLUMN org_asn bigint;
COMMENT ON COLUMN addresses.org_asn IS 'The organisation of asn (asn_orgs.org_asn; asn itself when unnamed).';
COMMENT ON COLUMN domain_records.org_asn IS 'Kinds 1 and 4: the organisation of asn, from addresses.';
UPDATE addresses c SET org_asn = coalesce((SELECT o.org_asn FROM asn_orgs o WHERE o.asn = c.asn), c.asn)
WHERE c.asn IS NOT NULL;
UPDATE domain_records r SET org_asn = c.org_asn FROM addresses c
WHERE r.addr = c.addr AND r.kind IN (1, 4) AND c.org_asn IS NOT NULL;
