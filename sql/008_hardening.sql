-- 008_hardening: what two processes at once, or a hostile input, broke.

-- Partitions are created under an advisory lock, so two crawlers starting
-- together no longer race: a change of fw_partitions_ensure alone, which now
-- lives in sql/definitions/20_partitions.sql. Nothing else changed, so this
-- migration holds no statement; it stays so the numbering of databases
-- that recorded it does not change.
