-- 003_feeds_schedule: feed fetch state and history; the adaptive revisit
-- schedule and leases of the shared work queue.

ALTER TABLE sources
    ADD COLUMN tags text,
    ADD COLUMN etag text,
    ADD COLUMN last_modified text,
    ADD COLUMN last_fetch_at timestamptz;
COMMENT ON COLUMN sources.etag IS 'ETag of the last 200 response, sent back as If-None-Match.';
COMMENT ON COLUMN sources.last_modified IS 'Last-Modified of the last 200 response, sent back as If-Modified-Since.';

CREATE TABLE feed_fetches (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source_id    integer NOT NULL,
    fetched_at   timestamptz NOT NULL DEFAULT now(),
    http_status  integer,
    bytes        bigint NOT NULL DEFAULT 0,
    entries      integer NOT NULL DEFAULT 0,
    new_domains  integer NOT NULL DEFAULT 0,
    ip_skipped   integer NOT NULL DEFAULT 0,
    rejected     integer NOT NULL DEFAULT 0,
    error        text
);
CREATE INDEX ON feed_fetches (source_id, fetched_at);
COMMENT ON TABLE feed_fetches IS
    'Every feed fetch: HTTP status (304 = unchanged), bytes, entries, new domains, error.';

-- The schedule: when a domain is visited next and why.
--   interval_ms  the revisit interval chosen after the last visit
--   fail_streak  consecutive visits that resolved nothing (backs off)
--   priority     1 = new, or its answers changed last visit: claimed first
--   answer_sig   fingerprint of the last answer set, to notice change
--   lease_*      a claim in progress; expired leases are claimable again
ALTER TABLE domains
    ADD COLUMN interval_ms bigint,
    ADD COLUMN fail_streak integer NOT NULL DEFAULT 0,
    ADD COLUMN priority smallint NOT NULL DEFAULT 1,
    ADD COLUMN answer_sig bigint,
    ADD COLUMN last_visit_at timestamptz,
    ADD COLUMN lease_owner text,
    ADD COLUMN lease_until timestamptz;
DROP INDEX domains_next_due;
CREATE INDEX domains_queue ON domains (priority DESC, next_due_at);
