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
       (r.flags & 2) <> 0 AS tcp,
       (r.flags & 4) <> 0 AS cached
FROM responses r
JOIN domains d ON d.id = r.domain_id
JOIN vantages v ON v.id = r.vantage_id
JOIN outcomes o ON o.code = r.rcode;
COMMENT ON VIEW v_responses IS
    'One row per DNS response: domain = the name queried (a name server host for its own A/AAAA '
    'lookups), tracked_domain = the domain it was measured for; rcode is a DNS rcode name or '
    'TIMEOUT/CONNREFUSED/BADRESP/ERROR; latency in milliseconds; cached: a name server''s '
    'answer the crawler reused from its cache (asked once per TTL per vantage). Within '
    'schedule.raw_retention; v_history keeps what they held for ever.';

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

-- The long-term history in the Passive DNS Common Output Format's names
-- (draft-dulaunoy-dnsop-passive-dns-cof: rrname, rrtype, rdata,
-- time_first, time_last, count; sensor_id = the vantage).
CREATE OR REPLACE VIEW v_history AS
SELECT coalesce(q.name, d.name) AS rrname,
       fw_rrtype_name(h.rrtype) AS rrtype,
       h.rdata,
       h.time_first,
       h.time_last,
       h.count,
       v.name AS sensor_id,
       d.name AS tracked_domain,
       h.ttl_min,
       h.ttl_max,
       h.addr
FROM history h
JOIN domains d ON d.id = h.domain_id
JOIN vantages v ON v.id = h.vantage_id
LEFT JOIN qnames q ON q.id = h.qname_id;
COMMENT ON VIEW v_history IS
    'Everything fluxwatch ever saw, one row per name asked, record type, record data and vantage '
    '(sensor_id), kept for ever: first and last time seen, how many responses held it, TTL range. '
    'rrname is the name asked (the tracked domain, or one of its name servers for their A/AAAA), '
    'so the records of a CNAME chain appear under the name asked; addr is rdata as inet for A/AAAA.';

-- The answer-set runs with names: how often and when a domain's answers changed.
CREATE OR REPLACE VIEW v_runs AS
SELECT coalesce(q.name, d.name) AS domain,
       d.name AS tracked_domain,
       v.name AS vantage,
       fw_rrtype_name(r.qtype) AS qtype,
       r.time_first,
       r.time_last,
       r.count AS lookups,
       o.name AS rcode,
       coalesce(cardinality(s.rrtypes), 0) AS records,
       (SELECT array_agg(coalesce(host(x.addr), x.target) ORDER BY 1)
        FROM unnest(s.addrs, s.targets) AS x(addr, target)) AS rdata
FROM runs r
JOIN domains d ON d.id = r.domain_id
JOIN vantages v ON v.id = r.vantage_id
JOIN outcomes o ON o.code = r.rcode
LEFT JOIN answer_sets s ON s.id = r.set_id
LEFT JOIN qnames q ON q.id = r.qname_id;
COMMENT ON VIEW v_runs IS
    'Runs of identical answers: per domain (or name server), vantage and type, from time_first to '
    'time_last every lookup (lookups of them) had the same outcome and the same records (rdata). '
    'A new run is a change. Kept while going and for schedule.raw_retention after they end; older '
    'ones are counted per day in v_run_days.';

-- Changes per day, for all time: the folded runs (run_days) and the kept
-- ones counted alike, under the UTC day each run began.
CREATE OR REPLACE VIEW v_run_days AS
SELECT coalesce(q.name, d.name) AS domain, d.name AS tracked_domain, v.name AS vantage,
       fw_rrtype_name(x.qtype) AS qtype, x.day, x.runs, x.lookups, x.failures, x.first_at, x.last_at
FROM (SELECT domain_id, vantage_id, qname_id, qtype, day, sum(runs)::bigint AS runs,
             sum(lookups)::bigint AS lookups, sum(failures)::bigint AS failures,
             min(first_at) AS first_at, max(last_at) AS last_at
      FROM (SELECT domain_id, vantage_id, qname_id, qtype, day, runs, lookups, failures,
                   first_at, last_at
            FROM run_days
            UNION ALL
            SELECT domain_id, vantage_id, qname_id, qtype, (time_first AT TIME ZONE 'UTC')::date,
                   1, count, CASE WHEN rcode <> 0 THEN count ELSE 0 END, time_first, time_last
            FROM runs) u
      GROUP BY 1, 2, 3, 4, 5) x
JOIN domains d ON d.id = x.domain_id
JOIN vantages v ON v.id = x.vantage_id
LEFT JOIN qnames q ON q.id = x.qname_id;
COMMENT ON VIEW v_run_days IS
    'Per domain (or name server), vantage, type and the UTC day runs began, for all time: how many '
    'runs began (changes of answer), their lookups and failed lookups (rcode not NOERROR), the '
    'first lookup and the last of those runs. runs / lookups near 1 is an answer new at every lookup.';
