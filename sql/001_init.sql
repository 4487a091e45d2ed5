-- 001_init: tracked domains and where they came from.
-- Applied by "fluxwatch db init" inside one transaction (storage/migrate.c).

CREATE TABLE domains (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name            text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 253),
    added_at        timestamptz NOT NULL DEFAULT now(),
    watch_until     timestamptz,            -- NULL: tracked forever
    next_due_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX domains_next_due ON domains (next_due_at);
COMMENT ON TABLE domains IS
    'Every domain fluxwatch tracks: added by a seed list or feed, measured until watch_until (NULL = forever).';

CREATE TABLE sources (
    id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind        text NOT NULL CHECK (kind IN ('seed', 'feed')),
    name        text NOT NULL UNIQUE,
    url         text,
    format      text,
    created_at  timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE sources IS 'Seed lists and threat feeds that listed domains.';

CREATE TABLE domain_sources (
    domain_id     bigint NOT NULL,
    source_id     integer NOT NULL,
    first_listed  timestamptz NOT NULL DEFAULT now(),
    last_listed   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (domain_id, source_id)
) WITH (fillfactor = 70);   -- room for HOT updates of last_listed on re-import
CREATE INDEX domain_sources_source ON domain_sources (source_id);
-- No foreign keys here: per-row FK triggers tripled the cost of a
-- million-name import. Only storage/domains.c writes this table, always with
-- ids it has just read from domains and sources in the same transaction.
COMMENT ON TABLE domain_sources IS 'Which sources listed a domain, first and last.';
