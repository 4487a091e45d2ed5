-- 004_scoring: enrichment (IP ranges -> ASN; CDN/cloud knowledge), per-domain
-- features over a window, labels with reasons, and verdict history.

-- IP range -> ASN, organisation (ip-location-db "start,end,asn,org", v4 and v6),
-- loaded by "fluxwatch asn load". Ranges do not overlap, so the range holding
-- an address is the one with the greatest start <= the address: a btree on
-- range_start answers that with one index probe (measured faster to load and
-- as fast to query here as ip4r or a GiST index on inet ranges).
CREATE TABLE asn_ranges (
    range_start  inet NOT NULL,
    range_end    inet NOT NULL,
    asn          bigint NOT NULL,
    org          text
);
CREATE INDEX asn_ranges_start ON asn_ranges (range_start);
COMMENT ON TABLE asn_ranges IS 'IP ranges and their origin ASN and organisation (fluxwatch asn load).';

-- CDN and cloud operators: their ASNs and the CNAME suffixes they answer behind.
-- Sources: the operators' own AS registrations (RIR whois, PeeringDB entries)
-- and their documented edge host names.
CREATE TABLE cdn_asns (asn bigint PRIMARY KEY, operator text NOT NULL);
CREATE TABLE cdn_suffixes (suffix text PRIMARY KEY, operator text NOT NULL);
INSERT INTO cdn_asns VALUES
    (13335, 'Cloudflare'), (209242, 'Cloudflare'), (20940, 'Akamai'), (16625, 'Akamai'),
    (16702, 'Akamai'), (21342, 'Akamai'), (32787, 'Akamai'), (54113, 'Fastly'),
    (16509, 'Amazon'), (14618, 'Amazon'), (8987, 'Amazon'), (15169, 'Google'),
    (396982, 'Google Cloud'), (19527, 'Google'), (8075, 'Microsoft'), (8068, 'Microsoft'),
    (15133, 'Edgecast'), (22822, 'Limelight'), (60068, 'CDN77'), (200325, 'Bunny'),
    (12222, 'Akamai'), (35994, 'Akamai'), (13414, 'Twitter'), (32934, 'Facebook'),
    (14061, 'DigitalOcean'), (24940, 'Hetzner'), (16276, 'OVH'), (63949, 'Akamai Linode');
INSERT INTO cdn_suffixes VALUES
    ('akamaiedge.net', 'Akamai'), ('edgekey.net', 'Akamai'), ('edgesuite.net', 'Akamai'),
    ('akamai.net', 'Akamai'), ('akamaized.net', 'Akamai'), ('cloudfront.net', 'Amazon'),
    ('amazonaws.com', 'Amazon'), ('elb.amazonaws.com', 'Amazon'), ('fastly.net', 'Fastly'),
    ('fastlylb.net', 'Fastly'), ('cdn.cloudflare.net', 'Cloudflare'),
    ('azureedge.net', 'Microsoft'), ('azurefd.net', 'Microsoft'), ('trafficmanager.net', 'Microsoft'),
    ('googlehosted.com', 'Google'), ('googleusercontent.com', 'Google'), ('edgecastcdn.net', 'Edgecast'),
    ('llnwd.net', 'Limelight'), ('b-cdn.net', 'Bunny'), ('cdn77.org', 'CDN77');
COMMENT ON TABLE cdn_asns IS 'ASNs of CDN and cloud operators (a hosting ASN is not flux by itself).';
COMMENT ON TABLE cdn_suffixes IS 'CNAME suffixes of CDN and cloud edge names.';

CREATE TABLE verdicts (
    domain_id   bigint NOT NULL,
    scored_at   timestamptz NOT NULL DEFAULT now(),
    label       text NOT NULL CHECK (label IN ('single_flux', 'double_flux', 'cdn', 'benign',
                                               'unresolved', 'insufficient')),
    score       real NOT NULL,
    reason      text NOT NULL,
    features    jsonb NOT NULL,
    thresholds  jsonb NOT NULL
);
CREATE INDEX verdicts_domain ON verdicts (domain_id, scored_at DESC);
COMMENT ON TABLE verdicts IS 'Every verdict of the scoring pass (history); v_verdicts has the latest.';

-- fw_asn, fw_features, fw_label and v_verdicts are defined in sql/definitions/.
