-- Compaction of closed raw partitions (progress: table visits_compacted,
-- sql/014_compact.sql). A partition of visits being written holds one row
-- per domain and stored batch; once its range has ended, fw_compact repacks
-- each domain's rows of it into one row of the same format
-- (sql/definitions/25_history.sql: its offsets now span the partition),
-- which TOAST compresses when long, and at the end rewrites the partition
-- without the old rows. What the views responses and answers show does
-- not change; each chunk is its own statement, so a reader sees a domain
-- either before or after.

-- The next partition to compact: the oldest one ended by BEFORE and not
-- done, with the domain its compaction has reached (-1: none yet).
CREATE OR REPLACE FUNCTION fw_compact_next(before timestamptz, OUT part regclass, OUT name text,
                                           OUT after_domain bigint)
LANGUAGE sql STABLE AS $$
SELECT p.part, p.name, coalesce(k.after_domain, -1)
FROM fw_raw_partitions() p
LEFT JOIN visits_compacted k ON k.part = p.name
WHERE NOT coalesce(k.done, false) AND p.range_end <= before
ORDER BY p.range_end
LIMIT 1 $$;

-- Repack the rows of the domains in (lo, hi] of partition PART into one
-- row each (through the writer's staging table stage_keyed and
-- fw_stage_pack). Returns the lookups repacked.
CREATE OR REPLACE FUNCTION fw_compact_domains(part regclass, lo bigint, hi bigint) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
    PERFORM fw_stage();
    TRUNCATE stage_keyed;
    EXECUTE format('INSERT INTO stage_keyed (domain_id, observed_at, vantage_id, qtype, qname_id, '
                   'rcode, flags, latency_us, ttl, set_id) '
                   'SELECT v.domain_id, u.observed_at, u.vantage_id, u.qtype, u.qname_id, u.rcode, '
                   'u.flags, u.latency_us, u.ttl, u.set_id '
                   'FROM %s v CROSS JOIN LATERAL fw_unpack(v.observed_at, v.packed) u '
                   'WHERE v.domain_id > $1 AND v.domain_id <= $2', part) USING lo, hi;
    GET DIAGNOSTICS n = ROW_COUNT;
    EXECUTE format('DELETE FROM %s WHERE domain_id > $1 AND domain_id <= $2', part) USING lo, hi;
    PERFORM fw_stage_pack();
    TRUNCATE stage_keyed;
    RETURN n;
END $$;

-- Compact about BUDGET rows of the closed partitions (range ended by
-- BEFORE), oldest first, in domain order: the domains of the next BUDGET
-- rows, whole. A partition whose domains are all done is rewritten
-- (CLUSTER on its domain index: the old rows' space returned) and marked
-- done, unless a reader holds it (then a later call does it). Returns the
-- lookups repacked (0: nothing left to do, or the partition is being read).
-- The writer calls it as it keeps the partitions (storage/writer.c).
CREATE OR REPLACE FUNCTION fw_compact(before timestamptz, budget integer DEFAULT 20000)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE p record; hi bigint; idx regclass;
BEGIN
    DELETE FROM visits_compacted k WHERE to_regclass(k.part) IS NULL;
    LOOP
        SELECT * INTO p FROM fw_compact_next(before);
        IF p.part IS NULL THEN
            RETURN 0;
        END IF;
        EXECUTE format('SELECT max(domain_id) FROM (SELECT domain_id FROM %s WHERE domain_id > $1 '
                       'ORDER BY domain_id LIMIT $2) x', p.part) INTO hi USING p.after_domain, budget;
        EXIT WHEN hi IS NOT NULL;
        SELECT i.indexrelid::regclass INTO idx FROM pg_index i WHERE i.indrelid = p.part LIMIT 1;
        BEGIN
            -- never wait behind a reader of the partition (the writer would
            -- wait with it): rewritten at a later upkeep instead
            EXECUTE format('LOCK TABLE %s IN ACCESS EXCLUSIVE MODE NOWAIT', p.part);
            IF idx IS NOT NULL THEN
                EXECUTE format('CLUSTER %s USING %s', p.part, idx);
            END IF;
        EXCEPTION WHEN lock_not_available THEN
            RETURN 0;
        END;
        INSERT INTO visits_compacted (part, after_domain, done) VALUES (p.name, p.after_domain, true)
        ON CONFLICT (part) DO UPDATE SET done = true;
    END LOOP;
    INSERT INTO visits_compacted (part, after_domain) VALUES (p.name, hi)
    ON CONFLICT (part) DO UPDATE SET after_domain = excluded.after_domain;
    RETURN fw_compact_domains(p.part, p.after_domain, hi);
END $$;
COMMENT ON FUNCTION fw_compact(timestamptz, integer) IS
    'Repack about BUDGET rows of the partitions of visits ended by BEFORE into one row per domain '
    'and partition, rewriting a partition once done; the lookups repacked (0: nothing left).';
