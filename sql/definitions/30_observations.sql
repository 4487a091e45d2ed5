-- The researchers' views over every response and answer record.

CREATE OR REPLACE VIEW v_responses AS
SELECT coalesce(r.qname, d.name) AS domain,
       d.name AS tracked_domain,
       v.name AS vantage,
       fw_rrtype_name(r.qtype) AS qtype,
       r.observed_at,
       o.name AS rcode,
       r.latency_us / 1000.0 AS latency_ms,
       r.answer_count,
       (r.flags & 1) <> 0 AS truncated,
       (r.flags & 2) <> 0 AS tcp
FROM responses r
JOIN domains d ON d.id = r.domain_id
JOIN vantages v ON v.id = r.vantage_id
JOIN outcomes o ON o.code = r.rcode;
COMMENT ON VIEW v_responses IS
    'One row per DNS response: domain = the name queried (a name server host for its own A/AAAA '
    'lookups), tracked_domain = the domain it was measured for; rcode is a DNS rcode name or '
    'TIMEOUT/CONNREFUSED/BADRESP/ERROR; latency in milliseconds.';

CREATE OR REPLACE VIEW v_answers AS
SELECT coalesce(a.qname, d.name) AS domain,
       d.name AS tracked_domain,
       v.name AS vantage,
       fw_rrtype_name(a.qtype) AS qtype,
       a.observed_at,
       fw_rrtype_name(a.rrtype) AS rrtype,
       a.ttl,
       coalesce(host(a.addr), a.target) AS rdata,
       a.addr
FROM answers a
JOIN domains d ON d.id = a.domain_id
JOIN vantages v ON v.id = a.vantage_id;
COMMENT ON VIEW v_answers IS
    'One row per answer record: rrtype and TTL, rdata as text (address, NS or CNAME target), '
    'addr as inet for range and ASN joins; domain/tracked_domain as in v_responses.';
