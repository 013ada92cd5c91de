-- Schema 7: listed is the date a list gave a queued URL (a list API's item
-- date, YYYY-MM-DD), kept beside the words the link had.
ALTER TABLE crawl_queue ADD COLUMN listed TEXT;
