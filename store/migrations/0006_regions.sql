-- Schema 6: one place per region.
--
-- documents.region is the GB/T 2260 or NBS township code of the region a
-- document was published for (a portal's configured region, or ingest --region):
-- a report whose own text names no region gets it, at ingest and at every reparse.
ALTER TABLE documents ADD COLUMN region TEXT;

-- Every region a stored version names by code, with the areas it lies in (a
-- township, its county, city and province), so that the views show one full name
-- per code and a query can roll townships up to their county. Filled as versions
-- are written.
CREATE TABLE regions (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    full_name   TEXT NOT NULL,
    parent_code TEXT,
    level       TEXT NOT NULL CHECK (level IN ('province', 'city', 'county', 'township'))
) WITHOUT ROWID;
