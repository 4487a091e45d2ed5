-- 014_compact: closed raw partitions compacted. While a partition of visits
-- is being written, each stored batch adds one row per domain (a visit's
-- lookups: 35 bytes per lookup with one vantage, most of it the row's and
-- the index entry's overhead). Once its range has ended
-- (schedule.compact_after ago), fw_compact (sql/definitions/27_compact.sql)
-- repacks each domain's rows into one, a few chunks of domains at a time,
-- and rewrites the partition when the last chunk is done. This table is
-- its progress per partition.
CREATE TABLE visits_compacted (
    part          text PRIMARY KEY,
    after_domain  bigint NOT NULL,
    done          boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE visits_compacted IS 'Compaction of closed partitions of visits (fw_compact): per '
    'partition, the domains up to after_domain are one row each; done: the whole partition, rewritten.';
