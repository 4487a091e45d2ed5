-- 005_outputs: what researchers and defenders read. Views over the history
-- (each address a domain used; flagged domains and since when), a per-domain
-- timeline for plots, and what the exports need: increasing RPZ serials,
-- stable STIX identifiers, STIX timestamps and the STIX bundle itself.

-- RPZ serials: each export of a zone takes a serial greater than the last
-- (fw_next_serial).
CREATE TABLE export_serials (zone text PRIMARY KEY, serial bigint NOT NULL);
COMMENT ON TABLE export_serials IS 'The last SOA serial given to each exported RPZ zone.';

-- Its views (v_domain_ips, v_flagged) and functions (fw_timeline,
-- fw_next_serial, fw_uuid, fw_stix_time, fw_stix_bundle) are defined in
-- sql/definitions/.
