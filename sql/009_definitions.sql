-- 009_definitions: functions and views leave the migrations. Each is now
-- defined once, in its current form, in sql/definitions/, and "db init"
-- re-applies them all after the migrations in the same transaction,
-- recording the checksum of what it applied here. fw_label now takes every
-- threshold from its argument in one unit per kind (cdn_min_share was a
-- fraction, now a percent like the other shares; takedown_min_share is new)
-- and a missing one is an error: a fluxwatch that sends the old thresholds
-- must not score with these definitions, hence a new version.

CREATE TABLE fluxwatch_definitions (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    applied_at  timestamptz NOT NULL DEFAULT now(),
    checksum    text NOT NULL
);
COMMENT ON TABLE fluxwatch_definitions IS
    'Every application of sql/definitions/ by db init: md5 of the files as applied (the last row '
    'must match the program''s, else "run fluxwatch db init").';

-- 004 and 006 kept the first rules as *_base functions wrapped by later ones;
-- the one fw_features and fw_label of sql/definitions/ replace them.
DROP FUNCTION IF EXISTS fw_features_base(timestamptz, boolean);
DROP FUNCTION IF EXISTS fw_label_base(jsonb, jsonb);
