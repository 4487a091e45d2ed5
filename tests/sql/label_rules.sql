-- fw_label at each rule's thresholds (the defaults of "fluxwatch config
-- defaults"): just below, at and just above, with the label, score and
-- reason each gives. Rules in precedence order: insufficient, unresolved,
-- takedown, cdn, steered CDN, volunteer pool, flux (double, single), benign.
\set t '{"window": 86400, "min_responses": 12, "cdn_min_share": 50, "flux_min_ips": 8, "flux_min_asns": 4, "flux_max_ttl": 300, "flux_min_fluxiness": 2, "ns_min_names": 3, "ns_min_asns": 3, "pool_min_hosting_share": 50, "pool_min_ttl": 60, "takedown_min_responses": 6, "takedown_min_share": 80, "steered_min_vantages": 2, "steered_min_answers": 3, "steered_max_fluxiness": 1, "steered_max_overlap": 75}'
CREATE TEMP TABLE cases (n serial, what text, f jsonb);
-- the features of each case are added to 20 responses, all with addresses
INSERT INTO cases (what, f) VALUES
-- insufficient: min_responses 12
    ('11 responses', '{"responses": 11}'),
    ('12 responses, no address', '{"responses": 12, "address_responses": 0, "fail_share": 1, "nxdomain": 12, "servfail": 0, "transport_failures": 0}'),
-- unresolved: no response held an address
    ('no address', '{"address_responses": 0, "fail_share": 0.5, "nxdomain": 4, "servfail": 5, "transport_failures": 1}'),
-- cdn: cdn_min_share 50 %, or a CDN CNAME
    ('49% in CDN ASNs', '{"ips": 40, "asns": 9, "min_ttl": 30, "cdn_asn_share": 0.49}'),
    ('50% in CDN ASNs', '{"ips": 40, "asns": 9, "min_ttl": 30, "cdn_asn_share": 0.5}'),
    ('51% in CDN ASNs', '{"ips": 40, "asns": 9, "min_ttl": 30, "cdn_asn_share": 0.51}'),
    ('behind a CDN CNAME', '{"ips": 40, "asns": 9, "min_ttl": 30, "cdn_cname": true}'),
-- flux: flux_min_asns 4
    ('3 ASNs', '{"ips": 40, "asns": 3, "min_ttl": 30, "fluxiness": 10}'),
    ('4 ASNs', '{"ips": 40, "asns": 4, "min_ttl": 30, "fluxiness": 10}'),
    ('5 ASNs', '{"ips": 40, "asns": 5, "min_ttl": 30, "fluxiness": 10}'),
    ('no ASN data: 9 /16s stand in', '{"ips": 40, "slash16s": 9, "min_ttl": 30, "fluxiness": 10}'),
-- flux_max_ttl 300 s
    ('TTL 299', '{"ips": 40, "asns": 9, "min_ttl": 299, "fluxiness": 10}'),
    ('TTL 300', '{"ips": 40, "asns": 9, "min_ttl": 300, "fluxiness": 10}'),
    ('TTL 301', '{"ips": 40, "asns": 9, "min_ttl": 301, "fluxiness": 10}'),
-- flux_min_ips 8 (fluxiness 1: all addresses in every answer)
    ('7 IPs', '{"ips": 7, "asns": 4, "min_ttl": 30, "fluxiness": 1}'),
    ('8 IPs', '{"ips": 8, "asns": 4, "min_ttl": 30, "fluxiness": 1}'),
    ('9 IPs', '{"ips": 9, "asns": 4, "min_ttl": 30, "fluxiness": 1}'),
-- or flux_min_fluxiness 2 (few addresses per answer that keep changing)
    ('4 IPs, fluxiness 1.9', '{"ips": 4, "asns": 4, "min_ttl": 30, "fluxiness": 1.9}'),
    ('4 IPs, fluxiness 2', '{"ips": 4, "asns": 4, "min_ttl": 30, "fluxiness": 2}'),
    ('4 IPs, fluxiness 2.1', '{"ips": 4, "asns": 4, "min_ttl": 30, "fluxiness": 2.1}'),
-- double flux: ns_min_names 3, or ns_min_asns 3
    ('2 NS names', '{"ips": 40, "asns": 9, "min_ttl": 30, "ns_names": 2, "ns_ips": 2, "ns_asns": 1}'),
    ('3 NS names', '{"ips": 40, "asns": 9, "min_ttl": 30, "ns_names": 3, "ns_ips": 3, "ns_asns": 1}'),
    ('4 NS names', '{"ips": 40, "asns": 9, "min_ttl": 30, "ns_names": 4, "ns_ips": 4, "ns_asns": 1}'),
    ('NS addresses in 2 ASNs', '{"ips": 40, "asns": 9, "min_ttl": 30, "ns_names": 2, "ns_ips": 6, "ns_asns": 2}'),
    ('NS addresses in 3 ASNs', '{"ips": 40, "asns": 9, "min_ttl": 30, "ns_names": 2, "ns_ips": 6, "ns_asns": 3}'),
    ('flux reasons name the countries', '{"ips": 40, "asns": 9, "min_ttl": 30, "ns_names": 3, "ns_ips": 3, "ns_asns": 1, "countries": 7}'),
-- volunteer pool: pool_min_hosting_share 50 %, pool_min_ttl 60 s (largest TTL)
    ('flux, 49% in hosting ASNs', '{"ips": 8, "asns": 4, "fluxiness": 2, "min_ttl": 29, "max_ttl": 60, "hosting_share": 0.49}'),
    ('flux, 50% in hosting ASNs', '{"ips": 8, "asns": 4, "fluxiness": 2, "min_ttl": 29, "max_ttl": 60, "hosting_share": 0.5}'),
    ('flux, 51% in hosting ASNs', '{"ips": 8, "asns": 4, "fluxiness": 2, "min_ttl": 29, "max_ttl": 60, "hosting_share": 0.51, "countries": 3}'),
    ('flux in hosting ASNs, TTLs up to 59', '{"ips": 8, "asns": 4, "fluxiness": 2, "min_ttl": 29, "max_ttl": 59, "hosting_share": 1}'),
    ('flux in hosting ASNs, TTLs up to 61', '{"ips": 8, "asns": 4, "fluxiness": 2, "min_ttl": 29, "max_ttl": 61, "hosting_share": 1}'),
    ('no largest TTL: the smallest stands in', '{"ips": 8, "asns": 4, "fluxiness": 2, "min_ttl": 60, "hosting_share": 1}'),
-- takedown: takedown_min_responses 6 failures after the last address ...
    ('flux, then 5 failures of 5', '{"ips": 8, "asns": 4, "fluxiness": 2, "min_ttl": 3, "gone_responses": 5, "responses_after_address": 5, "nxdomain_after": 5, "gone_since": "2026-11-27 07:13:13 UTC"}'),
    ('flux, then 6 failures of 6', '{"ips": 8, "asns": 4, "fluxiness": 2, "min_ttl": 3, "gone_responses": 6, "responses_after_address": 6, "nxdomain_after": 6, "gone_since": "2026-11-27 07:13:13 UTC"}'),
    ('flux, then 7 failures of 7', '{"ips": 8, "asns": 4, "fluxiness": 2, "min_ttl": 3, "gone_responses": 7, "responses_after_address": 7, "nxdomain_after": 7, "gone_since": "2026-11-27 07:13:13 UTC"}'),
-- ... and takedown_min_share 80 % of what followed it
    ('flux, then 8 failures of 11 (73%)', '{"ips": 8, "asns": 4, "fluxiness": 2, "min_ttl": 3, "gone_responses": 8, "responses_after_address": 11, "nxdomain_after": 8, "gone_since": "2026-11-27 07:13:13 UTC"}'),
    ('flux, then 8 failures of 10 (80%)', '{"ips": 8, "asns": 4, "fluxiness": 2, "min_ttl": 3, "gone_responses": 8, "responses_after_address": 10, "nxdomain_after": 8, "gone_since": "2026-11-27 07:13:13 UTC"}'),
    ('flux, then 8 failures of 9 (89%)', '{"ips": 8, "asns": 4, "fluxiness": 2, "min_ttl": 3, "gone_responses": 8, "responses_after_address": 9, "nxdomain_after": 2, "gone_since": "2026-11-27 07:13:13 UTC"}'),
-- a takedown comes before cdn and pool, and quotes what the addresses said
    ('double flux, then gone', '{"ips": 40, "asns": 9, "min_ttl": 3, "ns_names": 4, "ns_ips": 4, "ns_asns": 1, "countries": 7, "gone_responses": 6, "responses_after_address": 6, "nxdomain_after": 6, "gone_since": "2026-11-27 07:13:13 UTC"}'),
    ('cdn, then gone', '{"ips": 40, "asns": 9, "min_ttl": 30, "cdn_asn_share": 1, "gone_responses": 6, "responses_after_address": 6, "nxdomain_after": 0, "gone_since": "2026-11-27 07:13:13 UTC"}'),
    ('pool, then gone', '{"ips": 8, "asns": 4, "fluxiness": 2, "min_ttl": 29, "max_ttl": 60, "hosting_share": 1, "gone_responses": 6, "responses_after_address": 6, "nxdomain_after": 6, "gone_since": "2026-11-27 07:13:13 UTC"}'),
-- steered CDN (flux by the counts: 12 IPs in 6 ASNs, TTL 20): steered_min_vantages 2 ...
    ('flux, no per-vantage features', '{"ips": 12, "asns": 6, "min_ttl": 20, "fluxiness": 4}'),
    ('stable at 1 vantage', '{"ips": 12, "asns": 6, "min_ttl": 20, "fluxiness": 4, "answering_vantages": 1, "vantage_min_answers": 20, "vantage_fluxiness": 1, "answering_overlap": 1}'),
    ('stable at 2 vantages', '{"ips": 12, "asns": 6, "min_ttl": 20, "fluxiness": 4, "answering_vantages": 2, "vantage_min_answers": 10, "vantage_fluxiness": 1, "answering_overlap": 0.5}'),
-- ... steered_min_answers 3 at each (insufficient until then) ...
    ('stable per vantage, 2 answers at one', '{"ips": 12, "asns": 6, "min_ttl": 20, "fluxiness": 4, "answering_vantages": 3, "vantage_min_answers": 2, "vantage_fluxiness": 1, "answering_overlap": 0.333}'),
    ('stable per vantage, 3 answers at one', '{"ips": 12, "asns": 6, "min_ttl": 20, "fluxiness": 4, "answering_vantages": 3, "vantage_min_answers": 3, "vantage_fluxiness": 1, "answering_overlap": 0.333}'),
    ('stable per vantage, 4 answers at one', '{"ips": 12, "asns": 6, "min_ttl": 20, "fluxiness": 4, "answering_vantages": 3, "vantage_min_answers": 4, "vantage_fluxiness": 1, "answering_overlap": 0.333}'),
-- ... steered_max_fluxiness 1 (flux rotates at every vantage) ...
    ('vantage fluxiness 1.01', '{"ips": 12, "asns": 6, "min_ttl": 20, "fluxiness": 4, "answering_vantages": 3, "vantage_min_answers": 10, "vantage_fluxiness": 1.01, "answering_overlap": 0.333}'),
    ('rotating at each vantage', '{"ips": 12, "asns": 6, "min_ttl": 20, "fluxiness": 4, "answering_vantages": 3, "vantage_min_answers": 10, "vantage_fluxiness": 3.5, "answering_overlap": 0.917}'),
    ('rotating, 2 answers at each vantage', '{"ips": 12, "asns": 6, "min_ttl": 20, "fluxiness": 4, "answering_vantages": 3, "vantage_min_answers": 2, "vantage_fluxiness": 2, "answering_overlap": 0.333}'),
-- ... steered_max_overlap 75 %: the vantages' sets differ
    ('addresses at 74% of the vantages', '{"ips": 12, "asns": 6, "min_ttl": 20, "fluxiness": 4, "answering_vantages": 3, "vantage_min_answers": 10, "vantage_fluxiness": 1, "answering_overlap": 0.74}'),
    ('addresses at 75% of the vantages', '{"ips": 12, "asns": 6, "min_ttl": 20, "fluxiness": 4, "answering_vantages": 3, "vantage_min_answers": 10, "vantage_fluxiness": 1, "answering_overlap": 0.75}'),
    ('addresses at 76% of the vantages', '{"ips": 12, "asns": 6, "min_ttl": 20, "fluxiness": 4, "answering_vantages": 3, "vantage_min_answers": 10, "vantage_fluxiness": 1, "answering_overlap": 0.76}'),
-- it revises double flux too, never a benign or cdn verdict, and a takedown quotes it
    ('steered, name servers rotate', '{"ips": 12, "asns": 6, "min_ttl": 20, "fluxiness": 4, "answering_vantages": 3, "vantage_min_answers": 10, "vantage_fluxiness": 1, "answering_overlap": 0.333, "ns_names": 4, "ns_ips": 4, "ns_asns": 1}'),
    ('stable per vantage, 3 ASNs', '{"ips": 12, "asns": 3, "min_ttl": 20, "fluxiness": 4, "answering_vantages": 3, "vantage_min_answers": 10, "vantage_fluxiness": 1, "answering_overlap": 0.333}'),
    ('stable per vantage, in CDN ASNs', '{"ips": 12, "asns": 6, "min_ttl": 20, "fluxiness": 4, "cdn_asn_share": 1, "answering_vantages": 3, "vantage_min_answers": 10, "vantage_fluxiness": 1, "answering_overlap": 0.333}'),
    ('steered, then gone', '{"ips": 12, "asns": 6, "min_ttl": 20, "fluxiness": 4, "answering_vantages": 3, "vantage_min_answers": 10, "vantage_fluxiness": 1, "answering_overlap": 0.333, "gone_responses": 6, "responses_after_address": 6, "nxdomain_after": 6, "gone_since": "2026-11-27 07:13:13 UTC"}'),
-- flux_min_asns 4 counts organisations where the ASN data names them
    ('5 ASNs of 3 organisations', '{"ips": 40, "asns": 5, "orgs": 3, "min_ttl": 30, "fluxiness": 10}'),
    ('5 ASNs of 4 organisations', '{"ips": 40, "asns": 5, "orgs": 4, "min_ttl": 30, "fluxiness": 10}'),
    ('4 ASNs of 4 organisations', '{"ips": 40, "asns": 4, "orgs": 4, "min_ttl": 30, "fluxiness": 10}');

\pset footer off
SELECT n, what, l.label, l.score, l.reason FROM cases CROSS JOIN LATERAL fw_label('{"responses": 20, "address_responses": 20}'::jsonb || f, :'t'::jsonb) l
ORDER BY n;
