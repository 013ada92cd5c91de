-- The public views on PostgreSQL: the same names, columns and rows as the
-- SQLite archive's (store/views.sql, whose comments document them), for psql and
-- any PostgreSQL client. Flags are integers 0/1 as there. The archive recreates
-- them when what it holds differs from this file (see Engine.Migrate).

-- One row per report: its latest version's metadata, named as in the spec.
-- organ_key names one body the same way every year however its titles spell it.
-- region is the region as the report writes it, region_code its GB/T 2260 code
-- (9 digits: the NBS code of a township or street, whose first 6 are its county's)
-- and region_name the code's full official name: group by region_code. medium is
-- what the version was read from (html, text, pdf, docx, doc, xlsx, xls, or scan:
-- pages read by OCR).
CREATE VIEW reports AS
SELECT r.id AS id, v.seq AS version, v.id AS version_id,
    v.title, v.organ, v.region, v.region_code, v.department, v.year, v.published,
    v.format, v.source, v.parser_version, v.n_cells, v.n_checks, v.n_failed_checks,
    (SELECT count(*) FROM findings f WHERE f.version_id = v.id AND f.ok = 0) AS n_findings,
    v.n_warnings, v.stored_at, r.organ AS organ_key, g.full_name AS region_name, v.medium
FROM logical_reports r
JOIN versions v ON v.id = r.latest_version_id
LEFT JOIN regions g ON g.code = v.region_code;

-- Every printed cell, long form: tbl is table2, table3 or table4; row_key and
-- col_key are the spec's keys; raw is the text as printed; kind is number, blank,
-- dash or text; unit is set where the report states one (procurement amounts).
-- A cell of a scan read by OCR has read 'ocr', its page (from 1), its box in
-- pixels of the page image as read ("[left,top,right,bottom]") and the engine's
-- confidence (0–100); they are NULL for a cell read from text. To leave OCR
-- figures out: WHERE read IS NULL.
CREATE VIEW cells AS
SELECT r.id AS report_id, v.organ, v.region, v.region_code, v.department, v.year,
    k.tbl, k.row_key, k.col_key, c.value, c.raw, c.kind, c.unit, g.full_name AS region_name,
    c.read, c.page, c.box, c.confidence
FROM logical_reports r
JOIN versions v ON v.id = r.latest_version_id
JOIN version_cells c ON c.version_id = v.id
JOIN cell_keys k ON k.id = c.key_id
LEFT JOIN regions g ON g.code = v.region_code
ORDER BY r.id, c.ord;

-- Table 3 wide: one row per report and row key, one column per applicant column.
CREATE VIEW t3 AS
SELECT r.id AS report_id, v.organ, v.region, v.region_code, v.department, v.year, k.row_key,
    max(CASE k.col_key WHEN 'natural_person' THEN c.value END) AS natural_person,
    max(CASE k.col_key WHEN 'commercial' THEN c.value END) AS commercial,
    max(CASE k.col_key WHEN 'research' THEN c.value END) AS research,
    max(CASE k.col_key WHEN 'social_org' THEN c.value END) AS social_org,
    max(CASE k.col_key WHEN 'legal_service' THEN c.value END) AS legal_service,
    max(CASE k.col_key WHEN 'other_org' THEN c.value END) AS other_org,
    max(CASE k.col_key WHEN 'org_subtotal' THEN c.value END) AS org_subtotal,
    max(CASE k.col_key WHEN 'total' THEN c.value END) AS total,
    g.full_name AS region_name,
    max(c.read) AS read, min(c.page) AS page, min(c.confidence) AS confidence,
    CASE WHEN v.medium = 'scan' THEN coalesce((
        SELECT '[' || string_agg(to_json(substr(j.ref, length('table3.' || k.row_key || '.') + 1))::text, ',' ORDER BY j.ord) || ']'
        FROM json_array_elements_text(v.record_json::json -> 'left_out') WITH ORDINALITY AS j(ref, ord)
        WHERE starts_with(j.ref, 'table3.' || k.row_key || '.')), '[]') END AS left_out
FROM logical_reports r
JOIN versions v ON v.id = r.latest_version_id
JOIN version_cells c ON c.version_id = v.id
JOIN cell_keys k ON k.id = c.key_id
LEFT JOIN regions g ON g.code = v.region_code
WHERE k.tbl = 'table3'
GROUP BY r.id, v.id, v.organ, v.region, v.region_code, v.department, v.year, k.row_key, g.full_name
ORDER BY r.id, min(c.ord);

-- Table 4 wide: one row per report and case group (review, suit_direct,
-- suit_after_review), one column per result.
CREATE VIEW t4 AS
SELECT r.id AS report_id, v.organ, v.region, v.region_code, v.department, v.year, k.row_key AS grp,
    max(CASE k.col_key WHEN 'upheld' THEN c.value END) AS upheld,
    max(CASE k.col_key WHEN 'corrected' THEN c.value END) AS corrected,
    max(CASE k.col_key WHEN 'other' THEN c.value END) AS other,
    max(CASE k.col_key WHEN 'pending' THEN c.value END) AS pending,
    max(CASE k.col_key WHEN 'total' THEN c.value END) AS total,
    g.full_name AS region_name,
    max(c.read) AS read, min(c.page) AS page, min(c.confidence) AS confidence,
    CASE WHEN v.medium = 'scan' THEN coalesce((
        SELECT '[' || string_agg(to_json(substr(j.ref, length('table4.' || k.row_key || '.') + 1))::text, ',' ORDER BY j.ord) || ']'
        FROM json_array_elements_text(v.record_json::json -> 'left_out') WITH ORDINALITY AS j(ref, ord)
        WHERE starts_with(j.ref, 'table4.' || k.row_key || '.')), '[]') END AS left_out
FROM logical_reports r
JOIN versions v ON v.id = r.latest_version_id
JOIN version_cells c ON c.version_id = v.id
JOIN cell_keys k ON k.id = c.key_id
LEFT JOIN regions g ON g.code = v.region_code
WHERE k.tbl = 'table4'
GROUP BY r.id, v.id, v.organ, v.region, v.region_code, v.department, v.year, k.row_key, g.full_name
ORDER BY r.id, min(c.ord);

-- Table 2 wide: one row per report and row key, one column per field of either
-- format (2021: issued, repealed, in_force, decisions, amount_wan; 2019: made,
-- published, total_published, previous, change, decisions, projects, amount);
-- a field the row does not print is NULL.
CREATE VIEW t2 AS
SELECT r.id AS report_id, v.organ, v.region, v.region_code, v.department, v.year, v.format, k.row_key,
    max(CASE k.col_key WHEN 'issued' THEN c.value END) AS issued,
    max(CASE k.col_key WHEN 'repealed' THEN c.value END) AS repealed,
    max(CASE k.col_key WHEN 'in_force' THEN c.value END) AS in_force,
    max(CASE k.col_key WHEN 'decisions' THEN c.value END) AS decisions,
    max(CASE k.col_key WHEN 'amount_wan' THEN c.value END) AS amount_wan,
    max(CASE k.col_key WHEN 'made' THEN c.value END) AS made,
    max(CASE k.col_key WHEN 'published' THEN c.value END) AS published,
    max(CASE k.col_key WHEN 'total_published' THEN c.value END) AS total_published,
    max(CASE k.col_key WHEN 'previous' THEN c.value END) AS previous,
    max(CASE k.col_key WHEN 'change' THEN c.value END) AS change,
    max(CASE k.col_key WHEN 'projects' THEN c.value END) AS projects,
    max(CASE k.col_key WHEN 'amount' THEN c.value END) AS amount,
    max(CASE k.col_key WHEN 'amount' THEN c.unit END) AS amount_unit,
    g.full_name AS region_name,
    max(c.read) AS read, min(c.page) AS page, min(c.confidence) AS confidence,
    CASE WHEN v.medium = 'scan' THEN coalesce((
        SELECT '[' || string_agg(to_json(substr(j.ref, length('table2.' || k.row_key || '.') + 1))::text, ',' ORDER BY j.ord) || ']'
        FROM json_array_elements_text(v.record_json::json -> 'left_out') WITH ORDINALITY AS j(ref, ord)
        WHERE starts_with(j.ref, 'table2.' || k.row_key || '.')), '[]') END AS left_out
FROM logical_reports r
JOIN versions v ON v.id = r.latest_version_id
JOIN version_cells c ON c.version_id = v.id
JOIN cell_keys k ON k.id = c.key_id
LEFT JOIN regions g ON g.code = v.region_code
WHERE k.tbl = 'table2'
GROUP BY r.id, v.id, v.organ, v.region, v.region_code, v.department, v.year, v.format, k.row_key, g.full_name
ORDER BY r.id, min(c.ord);

-- Check results: scope 'record' for the report's own accounting identities,
-- 'archive' for findings across reports (carry_chain, in_force_chain, timeliness,
-- copied_text). ok = 0 means the identity failed, or the finding holds against the
-- report. cells is a JSON array of cell references, in the check's order (an
-- ordered subquery: json_group_array(… ORDER BY …) needs SQLite 3.44).
CREATE VIEW checks AS
SELECT r.id AS report_id, v.organ, v.region, v.region_code, v.department, v.year,
    'record' AS scope, ch.rule, ch.ok, ch.detail,
    CASE WHEN ch.cell_ids IS NOT NULL THEN coalesce((
        SELECT '[' || string_agg(to_json(k.tbl || '.' || k.row_key || '.' || k.col_key)::text, ',' ORDER BY j.ord) || ']'
        FROM json_array_elements_text(ch.cell_ids::json) WITH ORDINALITY AS j(id, ord)
        JOIN cell_keys k ON k.id = j.id::bigint), '[]') END AS cells,
    NULL::bigint AS other_report_id, NULL::double precision AS share,
    (SELECT g.full_name FROM regions g WHERE g.code = v.region_code) AS region_name
FROM logical_reports r
JOIN versions v ON v.id = r.latest_version_id
JOIN version_checks ch ON ch.version_id = v.id
UNION ALL
SELECT r.id, v.organ, v.region, v.region_code, v.department, v.year,
    'archive', f.rule, f.ok, f.detail, f.cells, f.other_report_id, f.share,
    (SELECT g.full_name FROM regions g WHERE g.code = v.region_code)
FROM logical_reports r
JOIN versions v ON v.id = r.latest_version_id
JOIN findings f ON f.version_id = v.id;

-- Where every version of every report came from: one row per source document,
-- with whether the document's URL is gone (404 or 410 since gone_at).
CREATE VIEW sources AS
SELECT r.id AS report_id, v.seq AS version, d.version_id, d.uri, d.sha256,
    d.media_type, d.size, d.fetched_at, d.warc_file, d.warc_offset,
    CASE WHEN v.id = r.latest_version_id THEN 1 ELSE 0 END AS latest,
    d.gone_at, d.gone_status
FROM documents d
JOIN versions v ON v.id = d.version_id
JOIN logical_reports r ON r.id = v.report_id;
