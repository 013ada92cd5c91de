-- Schema 10: why a document could not be read, as the parser decided it (needs OCR,
-- needs a converter, damaged, unsupported, too large, gongkai fault), so that the
-- crawl's summary and a report's page say what would read it. Documents stored
-- before have none until gongkai reparse reads them again.
ALTER TABLE documents ADD COLUMN unread TEXT;
