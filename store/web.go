package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"

	"gongkai/report"
)

// The read queries of the web server (package web). They read the latest version of
// each report, like the public views, and never write.

// ErrNotFound says that the archive holds no such report or document.
var ErrNotFound = errors.New("not found")

// OpenReadOnly opens an existing archive for reading only, as the server does while
// a crawl may be writing (WAL lets both go on). An archive of an older schema is
// upgraded first, through a normal connection that is closed again.
func OpenReadOnly(dataDir string) (*DB, error) {
	path := filepath.Join(dataDir, DBFile)
	fresh, err := checkFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("%s: %w (gongkai ingest or gongkai crawl creates it)", path, ErrNoArchive)
	case err != nil:
		return nil, err
	case fresh:
		return nil, fmt.Errorf("%s: %w (the file is empty)", path, ErrNoArchive)
	}
	upgrade, err := openAt(dataDir, false, SchemaVersion())
	if err != nil {
		return nil, err
	}
	if err := upgrade.Close(); err != nil {
		return nil, err
	}
	// query_only refuses every write on these connections; mmap lets the many
	// concurrent readers of a busy server share the file's pages.
	dsn := path + "?_pragma=busy_timeout(30000)&_pragma=query_only(1)&_pragma=temp_store(MEMORY)" +
		"&_pragma=cache_size(-16384)&_pragma=mmap_size(268435456)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return newDB(&sqliteEngine{db: db, path: path}), nil
}

// ReportInfo is a report's latest version as lists show it.
type ReportInfo struct {
	ID    int64  `json:"report_id"`
	Title string `json:"title"`
	Organ string `json:"organ"`
	// OrganKey names the body the same way every year however its titles spell
	// it (the reports view's organ_key); "" for a report whose body is unknown.
	OrganKey   string `json:"organ_key"`
	Region     string `json:"region"`
	RegionCode string `json:"region_code"`
	// RegionName is the full official name of RegionCode ("" without one).
	RegionName string `json:"region_name"`
	Department string `json:"department"`
	Year       int    `json:"year"`
	Published  string `json:"published"`
	Format     string `json:"format"`
	// FailedChecks counts the report's own checks that fail: its figures
	// contradict themselves (an accounting identity does not hold).
	FailedChecks int `json:"failed_checks"`
	// Findings counts the findings across reports that hold against it: leads
	// (published late, text copied, a chain with last year broken), not errors.
	Findings int `json:"findings"`
	// CopiedPrevious is the share of the report's body found word for word in
	// the same body's previous report, CopiedPeers in the other body's report of
	// the year that holds most of it (report.CopiedShare; nil: not compared).
	CopiedPrevious *float64 `json:"copied_previous"`
	CopiedPeers    *float64 `json:"copied_peers"`
}

// Place is the region to show for the report: the full official name of its
// code, else the region as the report writes it.
func (ri ReportInfo) Place() string {
	if ri.RegionName != "" {
		return ri.RegionName
	}
	return ri.Region
}

// reportInfoColumns select a ReportInfo from logical_reports r joined with its
// latest version v.
const reportInfoColumns = `r.id, coalesce(v.title, ''), coalesce(v.organ, ''), coalesce(r.organ, ''), coalesce(v.region, ''),
	coalesce(v.region_code, ''), coalesce((SELECT g.full_name FROM regions g WHERE g.code = v.region_code), ''), coalesce(v.department, ''), coalesce(v.year, 0), coalesce(v.published, ''), v.format,
	v.n_failed_checks, (SELECT count(*) FROM findings f WHERE f.version_id = v.id AND f.ok = 0),
	(SELECT f.share FROM findings f WHERE f.version_id = v.id AND f.rule = '` + RuleCopiedPrevious + `'),
	(SELECT f.share FROM findings f WHERE f.version_id = v.id AND f.rule = '` + RuleCopiedPeers + `')`

func (ri *ReportInfo) scanArgs() []any {
	return []any{&ri.ID, &ri.Title, &ri.Organ, &ri.OrganKey, &ri.Region, &ri.RegionCode, &ri.RegionName, &ri.Department, &ri.Year, &ri.Published, &ri.Format,
		&ri.FailedChecks, &ri.Findings, &ri.CopiedPrevious, &ri.CopiedPeers}
}

// Overview is what the archive holds, for the start page.
type Overview struct {
	Reports int
	Organs  int
	// FailedReports counts the reports whose own figures do not add up (a failed
	// check); FindingReports those with a finding across reports against them.
	FailedReports  int
	FindingReports int
	LastStored     string
	Years          []YearCount // newest first
	// Regions counts the reports of each region and year, by region then year.
	Regions []RegionYear
}

// YearCount is the number of reports of a year.
type YearCount struct {
	Year    int
	Reports int
}

// RegionYear is the number of reports of a region in a year. A region is its
// code (a township's 9 digits included), or, for reports without one, the region
// as they write it.
type RegionYear struct {
	Region     string // the code's full official name, or the region as written
	RegionCode string
	Year       int
	Reports    int
}

// Overview counts the archive's reports by year and region. It reads every
// report's latest version twice (counting distinct organs takes its own pass).
func (s *DB) Overview(ctx context.Context) (Overview, error) {
	var o Overview
	err := s.readTx(ctx, func(tx *Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT count(DISTINCT coalesce(nullif(r.organ, ''), r.identity))
			FROM logical_reports r WHERE r.latest_version_id IS NOT NULL`).Scan(&o.Organs)
		if err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT coalesce(max(g.full_name), max(v.region), ''), coalesce(max(v.region_code), ''), coalesce(v.year, 0), count(*),
			sum(CASE WHEN v.n_failed_checks > 0 THEN 1 ELSE 0 END),
			sum(CASE WHEN EXISTS (SELECT 1 FROM findings f WHERE f.version_id = v.id AND f.ok = 0) THEN 1 ELSE 0 END), max(v.stored_at)
			FROM logical_reports r JOIN versions v ON v.id = r.latest_version_id
			LEFT JOIN regions g ON g.code = v.region_code
			GROUP BY coalesce(v.region_code, '-' || coalesce(v.region, '')), v.year ORDER BY 2, 1, 3`)
		if err != nil {
			return err
		}
		defer rows.Close()
		years := map[int]int{}
		for rows.Next() {
			var ry RegionYear
			var failed, findings int
			var stored string
			if err := rows.Scan(&ry.Region, &ry.RegionCode, &ry.Year, &ry.Reports, &failed, &findings, &stored); err != nil {
				return err
			}
			o.Regions = append(o.Regions, ry)
			years[ry.Year] += ry.Reports
			o.Reports += ry.Reports
			o.FailedReports += failed
			o.FindingReports += findings
			o.LastStored = max(o.LastStored, stored)
		}
		for y, n := range years {
			o.Years = append(o.Years, YearCount{y, n})
		}
		sort.Slice(o.Years, func(i, j int) bool { return o.Years[i].Year > o.Years[j].Year })
		return rows.Err()
	})
	return o, s.wrap(err)
}

// ReportDetail is everything the report page shows.
type ReportDetail struct {
	Info      ReportInfo
	Version   int
	VersionID int64
	StoredAt  string
	// Latest says whether this is the report's latest version.
	Latest bool
	// Versions are all the report's versions, oldest first.
	Versions []VersionInfo
	// Record is the canonical record of the version with its cells and its own
	// checks (findings are in Findings).
	Record *report.Record
	// Findings are the checks across reports (scope "archive"), with the report
	// each compared against: the latest version's only, as findings are kept for
	// it alone.
	Findings []CheckRow
	// Compared are the reports the findings compared against, by id.
	Compared map[int64]ReportInfo
	Sources  []SourceInfo
	// Unread are the documents the version's pages link that the parser could
	// not read (a report's figures may sit in one of them).
	Unread     []UnreadDocument
	OtherYears []ReportInfo // the same organ's other reports, by year
}

// UnreadDocument is a document archived whose content could not be read, and why.
type UnreadDocument struct {
	SourceInfo
	Reason string `json:"reason"`
	// Unread says why, as the parser decided it; "" for a document stored by a
	// gongkai that did not record it.
	Unread report.Unread `json:"unread,omitempty"`
}

// VersionInfo is one version of a report: a content it has had.
type VersionInfo struct {
	Version       int    `json:"version"`
	VersionID     int64  `json:"version_id"`
	StoredAt      string `json:"stored_at"`
	DerivedAt     string `json:"derived_at"`
	Source        string `json:"source"`
	ParserVersion string `json:"parser_version"`
	Title         string `json:"title"`
	Published     string `json:"published"`
	Cells         int    `json:"cells"`
	FailedChecks  int    `json:"failed_checks"`
	Latest        bool   `json:"latest"`
}

// SourceInfo is one document the version was read from.
type SourceInfo struct {
	URI       string `json:"uri"`
	SHA256    string `json:"sha256"`
	MediaType string `json:"media_type"`
	Size      int64  `json:"size"`
	FetchedAt string `json:"fetched_at"`
	GoneAt    string `json:"gone_at,omitempty"`
}

// ReportVersion returns a version of a report (version 0: the latest) with its
// sources, the report's versions and the same organ's other years, and, for the
// latest version, its findings; ErrNotFound if there is no such report or
// version.
func (s *DB) ReportVersion(ctx context.Context, id int64, version int) (*ReportDetail, error) {
	d := &ReportDetail{}
	err := s.readTx(ctx, func(tx *Tx) error {
		var organKey string
		args := append(d.Info.scanArgs(), &d.Version, &d.VersionID, &d.StoredAt, &organKey, &d.Latest)
		which, params := `v.id = r.latest_version_id`, []any{id}
		if version != 0 {
			which, params = `v.report_id = r.id AND v.seq = ?2`, []any{id, version}
		}
		err := tx.QueryRowContext(ctx, `SELECT `+reportInfoColumns+`, v.seq, v.id, v.stored_at, coalesce(r.organ, ''), v.id = r.latest_version_id
			FROM logical_reports r JOIN versions v ON `+which+` WHERE r.id = ?1`, params...).Scan(args...)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		refs, err := cellRefs(ctx, tx)
		if err != nil {
			return err
		}
		if d.Record, err = loadRecord(ctx, tx, d.VersionID, false, refs); err != nil {
			return err
		}
		if d.Versions, err = versionsOf(ctx, tx, id); err != nil {
			return err
		}
		if d.Latest {
			if d.Findings, err = findingsOf(ctx, tx, d.VersionID, id); err != nil {
				return err
			}
		} else {
			d.Info.Findings, d.Info.CopiedPrevious, d.Info.CopiedPeers = 0, nil, nil
		}
		if d.Compared, err = comparedReports(ctx, tx, d.Findings); err != nil {
			return err
		}
		if d.Sources, err = sourcesOf(ctx, tx, d.VersionID); err != nil {
			return err
		}
		if d.Unread, err = unreadOf(ctx, tx, d.VersionID); err != nil {
			return err
		}
		if organKey != "" {
			d.OtherYears, err = reportInfos(ctx, tx, `r.organ = ? AND r.id <> ? ORDER BY v.year, r.id`, organKey, id)
		}
		return err
	})
	if errors.Is(err, ErrNotFound) {
		return nil, err
	}
	return d, s.wrap(err)
}

func versionsOf(ctx context.Context, tx *Tx, reportID int64) ([]VersionInfo, error) {
	rows, err := tx.QueryContext(ctx, `SELECT v.seq, v.id, v.stored_at, v.derived_at, v.source, v.parser_version,
		coalesce(v.title, ''), coalesce(v.published, ''), v.n_cells, v.n_failed_checks, v.id = r.latest_version_id
		FROM versions v JOIN logical_reports r ON r.id = v.report_id WHERE v.report_id = ? ORDER BY v.seq`, reportID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []VersionInfo
	for rows.Next() {
		var vi VersionInfo
		if err := rows.Scan(&vi.Version, &vi.VersionID, &vi.StoredAt, &vi.DerivedAt, &vi.Source, &vi.ParserVersion,
			&vi.Title, &vi.Published, &vi.Cells, &vi.FailedChecks, &vi.Latest); err != nil {
			return nil, err
		}
		out = append(out, vi)
	}
	return out, rows.Err()
}

func findingsOf(ctx context.Context, tx *Tx, versionID, reportID int64) ([]CheckRow, error) {
	rows, err := tx.QueryContext(ctx, `SELECT rule, ok, detail, coalesce(cells, ''), coalesce(other_report_id, 0), share
		FROM findings WHERE version_id = ? ORDER BY rule`, versionID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []CheckRow
	for rows.Next() {
		c := CheckRow{ReportID: reportID, Scope: "archive"}
		var cells string
		var share sql.NullFloat64
		if err := rows.Scan(&c.Rule, &c.OK, &c.Detail, &cells, &c.OtherReportID, &share); err != nil {
			return nil, err
		}
		if share.Valid {
			c.Share = &share.Float64
		}
		if cells != "" {
			if err := json.Unmarshal([]byte(cells), &c.Cells); err != nil {
				return nil, fmt.Errorf("finding %s: cells: %w", c.Rule, err)
			}
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// comparedReports reads the reports that findings compared against.
func comparedReports(ctx context.Context, tx *Tx, findings []CheckRow) (map[int64]ReportInfo, error) {
	var ids []any
	for _, f := range findings {
		if f.OtherReportID != 0 {
			ids = append(ids, f.OtherReportID)
		}
	}
	out := map[int64]ReportInfo{}
	if len(ids) == 0 {
		return out, nil
	}
	infos, err := reportInfos(ctx, tx, `r.id IN (`+placeholders(len(ids))+`)`, ids...)
	for _, ri := range infos {
		out[ri.ID] = ri
	}
	return out, err
}

func sourcesOf(ctx context.Context, tx *Tx, versionID int64) ([]SourceInfo, error) {
	rows, err := tx.QueryContext(ctx, `SELECT uri, sha256, coalesce(media_type, ''), size, fetched_at, coalesce(gone_at, '')
		FROM documents WHERE version_id = ? ORDER BY fetched_at, id`, versionID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []SourceInfo
	for rows.Next() {
		var si SourceInfo
		if err := rows.Scan(&si.URI, &si.SHA256, &si.MediaType, &si.Size, &si.FetchedAt, &si.GoneAt); err != nil {
			return nil, err
		}
		out = append(out, si)
	}
	return out, rows.Err()
}

// unreadOf lists the documents linked from a version's sources (as the crawl's
// frontier recorded the links) that are stored as failed: archived, unread.
func unreadOf(ctx context.Context, tx *Tx, versionID int64) ([]UnreadDocument, error) {
	rows, err := tx.QueryContext(ctx, `SELECT d.uri, d.sha256, coalesce(d.media_type, ''), d.size, d.fetched_at, coalesce(d.gone_at, ''), coalesce(d.reason, ''), coalesce(d.unread, '')
		FROM documents d WHERE d.status = 'failed' AND d.uri IN (
			SELECT q.url FROM crawl_queue q WHERE q.found_on IN (SELECT uri FROM documents WHERE version_id = ?))
		AND NOT EXISTS (SELECT 1 FROM documents read WHERE read.uri = d.uri AND read.status <> 'failed')
		ORDER BY d.uri, d.fetched_at DESC`, versionID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []UnreadDocument
	seen := map[string]bool{}
	for rows.Next() {
		var u UnreadDocument
		if err := rows.Scan(&u.URI, &u.SHA256, &u.MediaType, &u.Size, &u.FetchedAt, &u.GoneAt, &u.Reason, &u.Unread); err != nil {
			return nil, err
		}
		if !seen[u.URI] { // the latest capture of each
			seen[u.URI] = true
			out = append(out, u)
		}
	}
	return out, rows.Err()
}

func reportInfos(ctx context.Context, q querier, where string, args ...any) ([]ReportInfo, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+reportInfoColumns+`
		FROM logical_reports r JOIN versions v ON v.id = r.latest_version_id WHERE `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ReportInfo
	for rows.Next() {
		var ri ReportInfo
		if err := rows.Scan(ri.scanArgs()...); err != nil {
			return nil, err
		}
		out = append(out, ri)
	}
	return out, rows.Err()
}

// CellQuery selects reports and the cells to read of each. Zero fields select
// everything.
type CellQuery struct {
	Years []int
	// Region matches like Filter.Region: the beginning of the name, or of the code.
	Region string
	// Organ matches the organ exactly, whitespace aside (as reports are identified).
	Organ string
	// Refs are the cells to read (table.row.column).
	Refs []string
}

// ReportCells is a report with the values of the cells a CellQuery asked for.
type ReportCells struct {
	ReportInfo
	// Cells holds the printed cells among the refs asked for; a blank, dash or text
	// cell counts as 0, as the spec says. A cell the report does not print is absent.
	Cells map[string]float64
}

// ReportCells returns the reports the query selects, by region, organ and year,
// with the cells it names.
func (s *DB) ReportCells(ctx context.Context, q CellQuery) ([]ReportCells, error) {
	var conds []string
	var args []any
	if len(q.Years) > 0 {
		conds = append(conds, "v.year IN ("+placeholders(len(q.Years))+")")
		for _, y := range q.Years {
			args = append(args, y)
		}
	}
	if q.Region != "" {
		cond, a := regionCondition(q.Region)
		conds = append(conds, cond)
		args = append(args, a...)
	}
	if q.Organ != "" {
		conds = append(conds, "r.organ = ?")
		args = append(args, OrganKey(q.Organ))
	}
	where := "1 = 1"
	if len(conds) > 0 {
		where = strings.Join(conds, " AND ")
	}
	var out []ReportCells
	err := s.readTx(ctx, func(tx *Tx) error {
		infos, err := reportInfos(ctx, tx, where+` ORDER BY v.region, v.organ, v.year, r.id`, args...)
		if err != nil {
			return err
		}
		byReport := map[int64]map[string]float64{}
		if len(infos) > 0 && len(q.Refs) > 0 {
			keyIDs, err := cellKeyIDs(ctx, tx, q.Refs)
			if err != nil {
				return err
			}
			if len(keyIDs) > 0 {
				if byReport, err = cellValues(ctx, tx, where, args, keyIDs); err != nil {
					return err
				}
			}
		}
		for _, ri := range infos {
			cells := byReport[ri.ID]
			if cells == nil {
				cells = map[string]float64{}
			}
			out = append(out, ReportCells{ReportInfo: ri, Cells: cells})
		}
		return nil
	})
	return out, s.wrap(err)
}

// cellKeyIDs maps the cell_keys ids of the given references to them.
func cellKeyIDs(ctx context.Context, tx *Tx, refs []string) (map[int64]string, error) {
	out := map[int64]string{}
	for _, ref := range refs {
		parts := strings.SplitN(ref, ".", 3)
		if len(parts) != 3 {
			return nil, fmt.Errorf("cell reference %q is not table.row.column", ref)
		}
		var id int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM cell_keys WHERE tbl = ? AND row_key = ? AND col_key = ?`,
			parts[0], parts[1], parts[2]).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			continue // no report prints it
		}
		if err != nil {
			return nil, err
		}
		out[id] = ref
	}
	return out, nil
}

// cellValues reads the given cells of the latest versions of the reports that the
// condition on r and v selects.
func cellValues(ctx context.Context, tx *Tx, where string, args []any, keyIDs map[int64]string) (map[int64]map[string]float64, error) {
	keyArgs := make([]any, 0, len(keyIDs))
	for id := range keyIDs {
		keyArgs = append(keyArgs, id)
	}
	rows, err := tx.QueryContext(ctx, `SELECT r.id, c.key_id, coalesce(c.value, 0)
		FROM logical_reports r JOIN versions v ON v.id = r.latest_version_id
		JOIN version_cells c ON c.version_id = v.id
		WHERE `+where+` AND c.key_id IN (`+placeholders(len(keyArgs))+`)`, append(append([]any{}, args...), keyArgs...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]map[string]float64{}
	for rows.Next() {
		var id, key int64
		var v float64
		if err := rows.Scan(&id, &key, &v); err != nil {
			return nil, err
		}
		m := out[id]
		if m == nil {
			m = map[string]float64{}
			out[id] = m
		}
		if _, dup := m[keyIDs[key]]; !dup {
			m[keyIDs[key]] = v
		}
	}
	return out, rows.Err()
}

// Original is a document's raw bytes as fetched or read, or where a WARC file holds
// them.
type Original struct {
	URI       string
	SHA256    string
	MediaType string
	Size      int64
	// Bytes are the raw bytes when the archive database keeps them.
	Bytes []byte
	// Location says which WARC file (a name within DATA/warc) holds them otherwise.
	Location Location
}

// Original returns the raw bytes (or their WARC location) of the document with this
// SHA-256 digest; ErrNotFound if the archive holds none. A WARC location that is not
// a plain file name is refused.
func (s *DB) Original(ctx context.Context, sha256 string) (*Original, error) {
	o := &Original{}
	err := s.readTx(ctx, func(tx *Tx) error {
		var warcFile sql.NullString
		var offset sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT d.uri, d.sha256, coalesce(d.media_type, ''), d.size, d.warc_file, d.warc_offset, b.data
			FROM documents d LEFT JOIN blobs b ON b.sha256 = d.sha256
			WHERE d.sha256 = ? ORDER BY (b.data IS NULL), d.id LIMIT 1`, sha256).
			Scan(&o.URI, &o.SHA256, &o.MediaType, &o.Size, &warcFile, &offset, &o.Bytes)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if o.Bytes != nil {
			return nil
		}
		if !warcFile.Valid || !offset.Valid {
			return ErrNotFound
		}
		if !isBaseName(warcFile.String) {
			return fmt.Errorf("document %s: WARC file %q is not a file name of the archive", sha256, warcFile.String)
		}
		o.Location = Location{WARCFile: warcFile.String, Offset: offset.Int64}
		return nil
	})
	if errors.Is(err, ErrNotFound) {
		return nil, err
	}
	return o, s.wrap(err)
}

// isBaseName says whether a WARC file name read from the database names a file in
// the warc folder itself, so that a tampered location cannot lead out of it.
func isBaseName(name string) bool {
	return name != "" && name != "." && name != ".." && filepath.Base(name) == name &&
		!strings.ContainsAny(name, "/\\\x00")
}
