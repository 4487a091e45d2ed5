-- 006_pools_takedowns: countries of addresses, hosting-provider knowledge,
-- and what the rules need for two cases the first rules got wrong: volunteer
-- pools (NTP-pool-like) spread over hosting ASNs, and takedowns (flux, then
-- NXDOMAIN). The rules themselves are in sql/definitions/ (fw_features, fw_label).

-- IP range -> country (ISO 3166 alpha-2), loaded by "fluxwatch geo load" from
-- ip-location-db country CSV files ("start,end,country"); same lookup as fw_asn.
CREATE TABLE geo_ranges (
    range_start  inet NOT NULL,
    range_end    inet NOT NULL,
    country      text NOT NULL
);
CREATE INDEX geo_ranges_start ON geo_ranges (range_start);
COMMENT ON TABLE geo_ranges IS 'IP ranges and their country code (fluxwatch geo load).';

-- Hosting and VPS providers: where volunteer pools (NTP pool, Tor, mirrors)
-- live. Not CDNs: the four moved here from cdn_asns rent servers to anyone.
-- Sources: the providers' AS registrations (RIR whois, PeeringDB).
CREATE TABLE hosting_asns (asn bigint PRIMARY KEY, operator text NOT NULL);
INSERT INTO hosting_asns SELECT asn, operator FROM cdn_asns WHERE asn IN (14061, 24940, 16276, 63949);
DELETE FROM cdn_asns WHERE asn IN (14061, 24940, 16276, 63949);
INSERT INTO hosting_asns VALUES
    (200130, 'DigitalOcean'), (62567, 'DigitalOcean'), (213230, 'Hetzner'), (212317, 'Hetzner'),
    (35540, 'OVH'), (20473, 'Vultr'), (51167, 'Contabo'), (40021, 'Contabo'), (141995, 'Contabo'),
    (12876, 'Scaleway'), (60781, 'Leaseweb'), (16265, 'Leaseweb'), (28753, 'Leaseweb'),
    (30633, 'Leaseweb'), (36352, 'ColoCrossing'), (8560, 'IONOS'), (8972, 'Host Europe'),
    (197540, 'netcup'), (9009, 'M247'), (46606, 'Unified Layer'), (26496, 'GoDaddy'),
    (398101, 'GoDaddy'), (22612, 'Namecheap'), (47583, 'Hostinger'), (204915, 'Hostinger'),
    (31898, 'Oracle Cloud'), (45102, 'Alibaba Cloud'), (132203, 'Tencent Cloud'),
    (6939, 'Hurricane Electric'), (29802, 'HIVELOCITY'), (32244, 'Liquid Web'),
    (19318, 'Interserver'), (55286, 'B2 Net'), (53667, 'FranTech'), (49981, 'WorldStream'),
    (25369, 'Hydra Communications'), (43350, 'NForce'), (50673, 'Serverius'), (58212, 'dataforest'),
    (8100, 'QuadraNet'), (7506, 'GMO Internet'), (2914, 'NTT'), (3257, 'GTT');
COMMENT ON TABLE hosting_asns IS
    'ASNs of hosting and VPS providers (volunteer pools live there; a hint, not a verdict).';

-- fw_country and the features and rules that use these tables (fw_features,
-- fw_label) are defined in sql/definitions/.
