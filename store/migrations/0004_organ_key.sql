-- Schema 4: reports gains organ_key, the name that is the same for one body
-- across the years however each title spells it (see store.OrganKey): group and
-- join by it to follow an organ through time. Columns are only ever added.
DROP VIEW reports;
CREATE VIEW reports AS
SELECT r.id AS id, v.seq AS version, v.id AS version_id,
    v.title, v.organ, v.region, v.region_code, v.department, v.year, v.published,
    v.format, v.source, v.parser_version, v.n_cells, v.n_checks, v.n_failed_checks,
    (SELECT count(*) FROM findings f WHERE f.version_id = v.id AND f.ok = 0) AS n_findings,
    v.n_warnings, v.stored_at, r.organ AS organ_key
FROM logical_reports r
JOIN versions v ON v.id = r.latest_version_id;
