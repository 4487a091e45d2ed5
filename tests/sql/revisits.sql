-- Revisits driven by suspicion, the database's side: what a scoring pass
-- (fw_score) and a crawler's report (fw_sched_report) do to a domain's
-- settled count. The crawler's arithmetic is tests/test_queue.c. Everything
-- runs in one transaction that is rolled back (ids given, no sequence used),
-- so the database is as db init left it for the tests after this one.

-- the rule: +1 when a benign, cdn or unresolved label repeats, else 0
SELECT last_label, passes, label, fw_settled_passes(last_label, passes::smallint, label)
FROM (VALUES (NULL, 0, 'benign'), ('insufficient', 0, 'benign'), ('benign', 0, 'benign'),
             ('benign', 2, 'benign'), ('cdn', 5, 'cdn'), ('unresolved', 1, 'unresolved'),
             ('benign', 4, 'cdn'), ('benign', 4, 'single_flux'),
             ('single_flux', 0, 'single_flux'), ('insufficient', 0, 'insufficient'),
             ('benign', 32767, 'benign')) AS x(last_label, passes, label);

BEGIN;
SELECT fw_partitions_ensure('1 day') > 0 AS partitions_made;
INSERT INTO vantages (id, name, address, port) OVERRIDING SYSTEM VALUE
VALUES (100, 'revisits', '127.0.0.1', 53);
-- calm: one address, TTL 60 (benign); turn: the same, until it starts to flux
INSERT INTO domains (id, name, next_due_at, interval_ms, answer_sig) OVERRIDING SYSTEM VALUE
VALUES (1001, 'calm.example', now() + interval '5 hours', 3600000, 42),
       (1002, 'turn.example', now() + interval '5 hours', 3600000, 42);
SELECT fw_stage();
INSERT INTO stage_responses (domain_id, observed_at, vantage_id, qtype, rcode, answer_count, flags, latency_us)
SELECT d, now() - i * interval '1 second', 100, 1, 0, 1, 0, 100
FROM generate_series(1001, 1002) d, generate_series(1, 12) i;
INSERT INTO stage_answers (domain_id, observed_at, vantage_id, qtype, rrtype, ttl, addr)
SELECT d, now() - i * interval '1 second', 100, 1, 1, 60, '192.0.2.1'
FROM generate_series(1001, 1002) d, generate_series(1, 12) i;
SELECT fw_store_batch();
\set t '{"window": 86400, "min_responses": 12, "cdn_min_share": 50, "flux_min_ips": 8, "flux_min_asns": 4, "flux_max_ttl": 300, "flux_min_fluxiness": 2, "ns_min_names": 3, "ns_min_asns": 3, "pool_min_hosting_share": 50, "pool_min_ttl": 60, "takedown_min_responses": 6, "takedown_min_share": 80, "steered_min_vantages": 2, "steered_min_answers": 3, "steered_max_fluxiness": 1, "steered_max_overlap": 75}'
CREATE VIEW pg_temp.state AS
SELECT name, last_label, settled_passes, next_due_at <= now() AS due_now
FROM domains WHERE id > 1000 ORDER BY id;

-- four passes of the same benign verdicts: the first gives the label, the
-- next three repeat it
SELECT fw_score(:'t', now() - interval '1 day', false) AS scored;
SELECT * FROM state;
SELECT fw_score(:'t', now() - interval '1 day', false) AS scored;
SELECT fw_score(:'t', now() - interval '1 day', false) AS scored;
SELECT fw_score(:'t', now() - interval '1 day', false) AS scored;
SELECT * FROM state;

-- turn.example starts to flux: its label changes, its count is 0 again and
-- it is due at once (calm.example keeps settling, its due time untouched)
SELECT fw_stage();
INSERT INTO stage_responses (domain_id, observed_at, vantage_id, qtype, rcode, answer_count, flags, latency_us)
SELECT 1002, now() - interval '1 minute' - i * interval '1 second', 100, 1, 0, 1, 0, 100
FROM generate_series(1, 12) i;
INSERT INTO stage_answers (domain_id, observed_at, vantage_id, qtype, rrtype, ttl, addr)
SELECT 1002, now() - interval '1 minute' - i * interval '1 second', 100, 1, 1, 30,
       ('10.' || i || '.0.1')::inet
FROM generate_series(1, 12) i;
SELECT fw_store_batch();
SELECT fw_score(:'t', now() - interval '1 day', false) AS scored;
SELECT * FROM state;
-- flux again: still 0; it was not settled, so nothing to snap back
UPDATE domains SET next_due_at = now() + interval '1 minute' WHERE id = 1002;
SELECT fw_score(:'t', now() - interval '1 day', false) AS scored;
SELECT * FROM state;

-- a crawler's report: the same answer signature keeps the count, another
-- one sets it back to 0 (and raises the priority)
SELECT fw_sched_report('{1001}', '{7200000}', '{0}', '{42}');
SELECT name, settled_passes, interval_ms, priority FROM domains WHERE id = 1001;
SELECT fw_sched_report('{1001}', '{61000}', '{0}', '{43}');
SELECT name, settled_passes, interval_ms, priority FROM domains WHERE id = 1001;
ROLLBACK;
