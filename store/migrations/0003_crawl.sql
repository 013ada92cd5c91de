-- Schema 3: the crawler's state, kept beside the records so that a killed crawl
-- resumes from the same file: its runs, each run's frontier, and what the last
-- capture of every URL was (for conditional requests the next night). Documents
-- whose URL now answers 404 or 410 are marked gone; their bytes and records stay.

CREATE TABLE crawl_runs (
    id         INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    ended_at   TEXT,
    status     TEXT NOT NULL CHECK (status IN ('running', 'finished', 'interrupted')),
    stats      TEXT
);

-- A run's frontier: every URL it queued, in order (seq), and how each ended.
-- outcome is NULL while the URL waits (or was in flight when the run was killed).
CREATE TABLE crawl_queue (
    run_id      INTEGER NOT NULL REFERENCES crawl_runs (id) ON DELETE CASCADE,
    url_key     TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    url         TEXT NOT NULL,
    portal      TEXT NOT NULL,
    kind        TEXT NOT NULL,
    depth       INTEGER NOT NULL,
    found_on    TEXT,
    link_text   TEXT,
    outcome     TEXT,
    detail      TEXT,
    finished_at TEXT,
    PRIMARY KEY (run_id, url_key)
) WITHOUT ROWID;
CREATE INDEX crawl_queue_pending ON crawl_queue (run_id, seq) WHERE outcome IS NULL;

-- The last capture of each URL (by its canonical key).
CREATE TABLE url_state (
    url_key       TEXT PRIMARY KEY,
    etag          TEXT,
    last_modified TEXT,
    warc_file     TEXT NOT NULL,
    warc_offset   INTEGER NOT NULL,
    record_id     TEXT NOT NULL,
    sha256        TEXT NOT NULL,
    size          INTEGER NOT NULL,
    captured_at   TEXT NOT NULL,
    content_type  TEXT,
    is_report     INTEGER NOT NULL DEFAULT 0,
    truncated     INTEGER NOT NULL DEFAULT 0,
    updated_at    TEXT NOT NULL
) WITHOUT ROWID;

ALTER TABLE documents ADD COLUMN gone_at TEXT;
ALTER TABLE documents ADD COLUMN gone_status INTEGER;
