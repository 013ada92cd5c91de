-- Schema 1: documents and their raw bytes, logical reports and their versions,
-- cells, checks, findings across reports, and the text signatures behind them.
-- Researchers read the views of views.sql rather than these tables; the tables are
-- documented in README.md for provenance and history.

-- Raw bytes kept in the database, once per digest.
CREATE TABLE blobs (
    sha256 TEXT PRIMARY KEY,
    data   BLOB NOT NULL
);

-- Every source ingested or fetched, report or not, so that any record can be
-- re-derived without the network. Raw bytes are in blobs (by sha256) unless
-- warc_file says which archive file holds them, at warc_offset.
CREATE TABLE documents (
    id             INTEGER PRIMARY KEY,
    uri            TEXT NOT NULL,
    sha256         TEXT NOT NULL,
    media_type     TEXT,
    size           INTEGER NOT NULL,
    fetched_at     TEXT NOT NULL,
    warc_file      TEXT,
    warc_offset    INTEGER,
    status         TEXT NOT NULL CHECK (status IN ('report', 'not_report', 'failed')),
    reason         TEXT,
    version_id     INTEGER REFERENCES versions (id),
    parser_version TEXT NOT NULL,
    UNIQUE (uri, sha256),
    CHECK ((status = 'report') = (version_id IS NOT NULL))
);
CREATE INDEX documents_version ON documents (version_id);
CREATE INDEX documents_sha256 ON documents (sha256);

-- One logical report per organ and year ('organ:ORGAN/YEAR', the organ without
-- whitespace), or per first source URI ('uri:URI') for a record lacking either.
CREATE TABLE logical_reports (
    id                INTEGER PRIMARY KEY,
    identity          TEXT NOT NULL UNIQUE,
    organ             TEXT,
    year              INTEGER,
    latest_version_id INTEGER REFERENCES versions (id)
);
CREATE INDEX logical_reports_organ_year ON logical_reports (organ, year);

-- Every content a report has had. record_json is the canonical record without its
-- cells and checks, which are rows of version_cells and version_checks.
CREATE TABLE versions (
    id              INTEGER PRIMARY KEY,
    report_id       INTEGER NOT NULL REFERENCES logical_reports (id),
    seq             INTEGER NOT NULL,
    content_hash    TEXT NOT NULL,
    parser_version  TEXT NOT NULL,
    stored_at       TEXT NOT NULL,
    derived_at      TEXT NOT NULL,
    source          TEXT NOT NULL,
    title           TEXT,
    organ           TEXT,
    region          TEXT,
    region_code     TEXT,
    department      TEXT,
    year            INTEGER,
    published       TEXT,
    format          TEXT NOT NULL,
    n_cells         INTEGER NOT NULL,
    n_checks        INTEGER NOT NULL,
    n_failed_checks INTEGER NOT NULL,
    n_warnings      INTEGER NOT NULL,
    record_json     TEXT NOT NULL,
    UNIQUE (report_id, seq)
);
CREATE INDEX versions_content_hash ON versions (content_hash);

-- The (table, row, column) keys of cells, stored once.
CREATE TABLE cell_keys (
    id      INTEGER PRIMARY KEY,
    tbl     TEXT NOT NULL,
    row_key TEXT NOT NULL,
    col_key TEXT NOT NULL,
    UNIQUE (tbl, row_key, col_key)
);

-- Every printed cell of a version, in the record's order (ord). value is NULL
-- unless kind is 'number'; NUMERIC keeps whole numbers as integers. This table and
-- version_checks hold most rows of the archive and are written only together with
-- their version, so they declare no foreign keys: checking them on every row
-- costs 5-10% of the ingest time.
CREATE TABLE version_cells (
    version_id INTEGER NOT NULL,
    ord        INTEGER NOT NULL,
    key_id     INTEGER NOT NULL,
    raw        TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('number', 'blank', 'dash', 'text')),
    value      NUMERIC,
    unit       TEXT,
    PRIMARY KEY (version_id, ord)
) WITHOUT ROWID;

-- The record's own checks (accounting identities), in the record's order; cell_ids
-- is a JSON array of the cell_keys ids of the cells the check involves (the
-- checks view spells them table.row.column). A rowid table: its rows are too long
-- for WITHOUT ROWID to pay.
CREATE TABLE version_checks (
    version_id INTEGER NOT NULL,
    ord        INTEGER NOT NULL,
    rule       TEXT NOT NULL,
    ok         INTEGER NOT NULL CHECK (ok IN (0, 1)),
    detail     TEXT NOT NULL,
    cell_ids   TEXT,
    UNIQUE (version_id, ord)
);

-- Findings across reports, recomputed whenever a neighbouring version changes.
-- ok = 0 means the finding holds against the report (late, copied, chain broken).
-- A cell of another report is referenced as REPORT_ID:table.row.column.
CREATE TABLE findings (
    version_id      INTEGER NOT NULL REFERENCES versions (id) ON DELETE CASCADE,
    rule            TEXT NOT NULL,
    ok              INTEGER NOT NULL CHECK (ok IN (0, 1)),
    detail          TEXT NOT NULL,
    cells           TEXT,
    other_report_id INTEGER REFERENCES logical_reports (id) ON DELETE SET NULL,
    share           REAL,
    computed_at     TEXT NOT NULL,
    PRIMARY KEY (version_id, rule)
) WITHOUT ROWID;
CREATE INDEX findings_other_report ON findings (other_report_id);

-- MinHash signature of a version's body text (128 big-endian uint32), and the LSH
-- buckets of the latest versions (32 bands of 4), by report year.
CREATE TABLE text_signatures (
    version_id INTEGER PRIMARY KEY REFERENCES versions (id) ON DELETE CASCADE,
    shingles   INTEGER NOT NULL,
    signature  BLOB NOT NULL
);
CREATE TABLE text_bands (
    year       INTEGER NOT NULL,
    band       INTEGER NOT NULL,
    bucket     INTEGER NOT NULL,
    version_id INTEGER NOT NULL REFERENCES versions (id) ON DELETE CASCADE,
    PRIMARY KEY (year, band, bucket, version_id)
) WITHOUT ROWID;
CREATE INDEX text_bands_version ON text_bands (version_id);
