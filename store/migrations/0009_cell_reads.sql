-- Schema 9: how a figure of a scan was read. A cell read by OCR keeps read
-- ('ocr'), the page (from 1), its box in pixels of the page image as read
-- ("[left,top,right,bottom]", as the record's box) and the engine's confidence
-- (0–100); a cell read from text has them NULL. Each version keeps its medium
-- (scan for pages read by OCR) beside its record, so that a researcher can leave
-- OCR figures out or check them. Cells stored before this schema have no
-- provenance until gongkai reparse reads their documents again.
ALTER TABLE version_cells ADD COLUMN read TEXT;
ALTER TABLE version_cells ADD COLUMN page INTEGER;
ALTER TABLE version_cells ADD COLUMN box TEXT;
ALTER TABLE version_cells ADD COLUMN confidence INTEGER;
ALTER TABLE versions ADD COLUMN medium TEXT;
UPDATE versions SET medium = json_extract(record_json, '$.medium') WHERE json_valid(record_json);
