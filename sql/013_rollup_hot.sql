-- 013_rollup_hot: domain_rollup updated in place. Every stored batch moves
-- observed_until of its domains; the partial index domain_rollup_unscored
-- (WHERE observed_until > scored_at) made each of those updates a new row
-- version with new index entries, 30 bytes per repeated response measured
-- (bench/crawl_bench.sh). With no index on a column the writer moves and
-- half of each page free, the update is HOT and the table keeps its size;
-- the incremental pass compares the times of every row instead (a scan of
-- one narrow row per domain).
DROP INDEX domain_rollup_unscored;
ALTER TABLE domain_rollup SET (fillfactor = 50);
-- the pages written before, rewritten with that free space
CLUSTER domain_rollup USING domain_rollup_pkey;
