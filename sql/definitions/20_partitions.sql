-- Time partitions of the packed lookups (table visits: sql/010_history.sql).

-- Create the partitions of visits covering [now - span, now + ahead * span],
-- aligned on multiples of span since the epoch. Returns how many were created.
-- Serialised by a transaction-level advisory lock, so two crawlers starting
-- together do not race between the to_regclass() check and CREATE TABLE.
-- duplicate_table is caught as well: a creator that does not take the lock
-- (an older fluxwatch, a hand-made partition) is no error.
CREATE OR REPLACE FUNCTION fw_partitions_ensure(span interval, ahead integer DEFAULT 2)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    s double precision := extract(epoch FROM span);
    first double precision := floor(extract(epoch FROM now()) / s) * s - s;
    lo timestamptz; hi timestamptz; t text; made integer := 0; name text;
BEGIN
    PERFORM pg_advisory_xact_lock(7467737704);
    FOR i IN 0 .. ahead + 1 LOOP
        lo := to_timestamp(first + i * s);
        hi := to_timestamp(first + (i + 1) * s);
        FOREACH t IN ARRAY ARRAY['visits'] LOOP
            name := t || '_p' || to_char(lo AT TIME ZONE 'UTC', 'YYYYMMDD"t"HH24MISS');
            CONTINUE WHEN to_regclass(name) IS NOT NULL;
            BEGIN
                EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
                               name, t, lo, hi);
                made := made + 1;
            EXCEPTION WHEN duplicate_table THEN
                NULL;   -- made by a creator outside the lock meanwhile
            WHEN invalid_object_definition OR check_violation THEN
                -- overlaps a partition of another span, or the default partition
                -- already holds rows of this range: those rows stay where they are
                NULL;
            END;
        END LOOP;
    END LOOP;
    RETURN made;
END $$;
COMMENT ON FUNCTION fw_partitions_ensure(interval, integer) IS
    'Create observation partitions around now (called by the crawler at start and as time '
    'passes); serialised by advisory lock 7467737704, so concurrent crawlers are safe.';

-- The start and the end of a time partition's range, from its bound
-- (pg_get_expr of relpartbound: "FOR VALUES FROM ('...') TO ('...')");
-- NULL for DEFAULT.
CREATE OR REPLACE FUNCTION fw_partition_start(bound text) RETURNS timestamptz
    LANGUAGE sql STABLE AS $$
    SELECT substring(bound FROM 'FROM \(''([^'']*)''\)')::timestamptz $$;
COMMENT ON FUNCTION fw_partition_start(text) IS
    'The start of a time partition''s range, from its bound expression (NULL: the default partition).';

CREATE OR REPLACE FUNCTION fw_partition_end(bound text) RETURNS timestamptz
    LANGUAGE sql STABLE AS $$
    SELECT substring(bound FROM 'TO \(''([^'']*)''\)')::timestamptz $$;
COMMENT ON FUNCTION fw_partition_end(text) IS
    'The end of a time partition''s range, from its bound expression (NULL: the default partition).';

-- Drop the partitions whose whole range is older than cutoff. Returns how many.
CREATE OR REPLACE FUNCTION fw_partitions_drop_before(cutoff timestamptz) RETURNS integer
    LANGUAGE plpgsql AS $$
DECLARE r record; dropped integer := 0;
BEGIN
    FOR r IN SELECT c.oid::regclass AS part, pg_get_expr(c.relpartbound, c.oid) AS bound
             FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
             WHERE i.inhparent = 'visits'::regclass
    LOOP
        CONTINUE WHEN r.bound = 'DEFAULT';
        IF fw_partition_end(r.bound) <= cutoff THEN
            EXECUTE format('DROP TABLE %s', r.part);
            dropped := dropped + 1;
        END IF;
    END LOOP;
    RETURN dropped;
END $$;
COMMENT ON FUNCTION fw_partitions_drop_before(timestamptz) IS
    'Raw retention: drop partitions of visits entirely older than the cutoff (the rollup stays).';

-- Keep the planner informed about the observation tables. Autovacuum never
-- analyses a partitioned parent, and a partition just filled has no
-- statistics until autovacuum reaches it: the first scoring pass after six
-- quick crawl rounds of 20k names took 381 s, the same pass 7 s once the
-- tables were analysed. Analyses each partition whose rows changed by more
-- than a tenth (+1000) since its last ANALYZE, or that never had one and
-- holds rows; and the parents (which recurses into every partition) when
-- they never were analysed or their partitions now hold a fifth more or
-- fewer rows (+1000) than then. Returns the tables analysed.
CREATE OR REPLACE FUNCTION fw_analyze_observations() RETURNS SETOF regclass
    LANGUAGE plpgsql AS $$
DECLARE parent regclass; r record; now_rows double precision; was double precision;
BEGIN
    FOREACH parent IN ARRAY ARRAY['visits'::regclass] LOOP
        SELECT coalesce(sum(s.n_live_tup), 0) INTO now_rows
        FROM pg_inherits i JOIN pg_stat_user_tables s ON s.relid = i.inhrelid
        WHERE i.inhparent = parent;
        SELECT reltuples INTO was FROM pg_class WHERE oid = parent;
        IF was < 0 OR abs(now_rows - was) > 0.2 * was + 1000 THEN
            EXECUTE format('ANALYZE %s', parent);
            RETURN NEXT parent;
            CONTINUE;
        END IF;
        FOR r IN SELECT c.oid::regclass AS part
                 FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                 JOIN pg_stat_user_tables s ON s.relid = c.oid
                 WHERE i.inhparent = parent
                   AND ((c.reltuples < 0 AND s.n_live_tup > 0) OR
                        s.n_mod_since_analyze > 0.1 * greatest(c.reltuples, 0) + 1000)
        LOOP
            EXECUTE format('ANALYZE %s', r.part);
            RETURN NEXT r.part;
        END LOOP;
    END LOOP;
END $$;
COMMENT ON FUNCTION fw_analyze_observations() IS
    'Analyse the observation partitions (and parents) whose statistics are stale; "score" '
    'calls it before each pass, so the first pass after a crawl is planned like a later one.';
