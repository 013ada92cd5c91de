-- Schema 8: the frontier is looked up by the page a URL was found on, so that a
-- report's page can name the attachments it links that could not be read.
CREATE INDEX crawl_queue_found_on ON crawl_queue (found_on);
