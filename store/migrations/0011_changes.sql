-- Schema 11: the change sequence. Each write transaction that changes a report's
-- search document (another latest version, a version derived again, its findings)
-- gives the report the transaction's number, one more than the highest before; a
-- report removed keeps its row. A search index that was brought up to date at
-- number n reads the reports numbered above n, not every report's stamp.
CREATE TABLE report_changes (
    report_id INTEGER PRIMARY KEY,
    seq       INTEGER NOT NULL
);
CREATE INDEX report_changes_seq ON report_changes (seq);
INSERT INTO report_changes (report_id, seq) SELECT id, 1 FROM logical_reports;
