-- Schema 5: the crawl frontier is best-first and holds requests, not only URLs.
-- priority orders a run's pending URLs (highest first, then seq), so a resumed
-- run keeps the order; method, body and body_type make a list API's POST a
-- request of its own (url_key then includes them); referer is sent with it; via
-- names the list mechanism whose answer it is; report_column marks the pages of
-- an annual-report column's list. Outcomes are the words of crawl.Outcome.
ALTER TABLE crawl_queue ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;
ALTER TABLE crawl_queue ADD COLUMN method TEXT;
ALTER TABLE crawl_queue ADD COLUMN body TEXT;
ALTER TABLE crawl_queue ADD COLUMN body_type TEXT;
ALTER TABLE crawl_queue ADD COLUMN referer TEXT;
ALTER TABLE crawl_queue ADD COLUMN via TEXT;
ALTER TABLE crawl_queue ADD COLUMN report_column INTEGER NOT NULL DEFAULT 0;
DROP INDEX crawl_queue_pending;
CREATE INDEX crawl_queue_pending ON crawl_queue (run_id, priority DESC, seq) WHERE outcome IS NULL;
CREATE INDEX crawl_queue_portal ON crawl_queue (run_id, portal, outcome);
