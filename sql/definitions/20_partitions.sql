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

-- Every partition of visits with its name and range (NULL for the default
-- partition): what retention, compaction and the fold each look up.
CREATE OR REPLACE FUNCTION fw_raw_partitions(OUT part regclass, OUT name text,
                                             OUT range_start timestamptz, OUT range_end timestamptz)
RETURNS SETOF record LANGUAGE sql STABLE AS $$
SELECT c.oid::regclass, c.relname::text, fw_partition_start(b.bound), fw_partition_end(b.bound)
FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
CROSS JOIN LATERAL (SELECT pg_get_expr(c.relpartbound, c.oid) AS bound) b
WHERE i.inhparent = 'visits'::regclass $$;
COMMENT ON FUNCTION fw_raw_partitions() IS
    'The partitions of visits: regclass, name, start and end of the range (NULL: the default).';

-- Drop the partitions whose whole range is older than cutoff. Returns how many.
CREATE OR REPLACE FUNCTION fw_partitions_drop_before(cutoff timestamptz) RETURNS integer
    LANGUAGE plpgsql AS $$
DECLARE r record; dropped integer := 0;
BEGIN
    FOR r IN SELECT p.part FROM fw_raw_partitions() p WHERE p.range_end <= cutoff LOOP
        EXECUTE format('DROP TABLE %s', r.part);
        dropped := dropped + 1;
    END LOOP;
    RETURN dropped;
END $$;
COMMENT ON FUNCTION fw_partitions_drop_before(timestamptz) IS
    'Raw retention: drop partitions of visits entirely older than the cutoff (the rollup stays).';
