-- Schema 2 on PostgreSQL: the change sequence of the SQLite archive's schema 11
-- (see store/migrations/0011_changes.sql). Numbers come from the highest before,
-- taken under an advisory lock held until the transaction commits, so that they
-- are committed in their order: a reader that has seen n has seen every number
-- below it.
CREATE TABLE report_changes (
    report_id BIGINT PRIMARY KEY,
    seq       BIGINT NOT NULL
);
CREATE INDEX report_changes_seq ON report_changes (seq);
INSERT INTO report_changes (report_id, seq) SELECT id, 1 FROM logical_reports;
