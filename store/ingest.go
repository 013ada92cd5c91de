package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"sort"
	"strings"
	"syscall"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"gongkai/report"
)

// Known implements Store.
func (s *DB) Known(ctx context.Context, uri, sha256 string) (Known, error) {
	var k Known
	var reason, organ sql.NullString
	var reportID, year sql.NullInt64
	err := s.db.QueryRowContext(ctx, `
		SELECT d.status, d.reason, d.parser_version, v.report_id, v.organ, v.year
		FROM documents d LEFT JOIN versions v ON v.id = d.version_id
		WHERE d.uri = ? AND d.sha256 = ?`, uri, sha256).
		Scan(&k.Status, &reason, &k.ParserVersion, &reportID, &organ, &year)
	if errors.Is(err, sql.ErrNoRows) {
		return Known{}, nil
	}
	if err != nil {
		return Known{}, s.wrap(err)
	}
	k.Found, k.Reason, k.ReportID, k.Organ, k.Year = true, reason.String, reportID.Int64, organ.String, int(year.Int64)
	return k, nil
}

// wrap names the database in an error, so that a message about a malformed or
// locked database says which file it is about.
func (s *DB) wrap(err error) error {
	if err == nil {
		return nil
	}
	// A full disk is the same condition whichever stage meets it: the crawler
	// stops on it (syscall.ENOSPC) rather than losing one URL after another.
	if s.e.Full(err) {
		return fmt.Errorf("%s: %w (%w)", s.e.Name(), err, syscall.ENOSPC)
	}
	return fmt.Errorf("%s: %w", s.e.Name(), err)
}

// isFull says whether SQLite could not write for want of room.
func isFull(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_FULL
}

// Ingest implements Store. Encoding the records (JSON, hashes, text signatures) runs
// on every core ahead of the writes, which SQLite does on one.
func (s *DB) Ingest(ctx context.Context, items []Item) ([]Result, error) {
	ready := prepareAll(items)
	keys := writeLocks(items)
	for attempt := 1; ; attempt++ {
		results, err := s.ingest(ctx, items, ready, keys)
		if err == nil || !s.e.Retry(err) || attempt == maxAttempts {
			return results, err
		}
	}
}

// maxAttempts bounds how often a batch that another writer's transaction
// aborted (a deadlock the server broke) is run again.
const maxAttempts = 5

// writeLocks are the keys a batch's transaction holds: each document's, so that
// two writers never store the same bytes twice, and each record's organ (or its
// identity, without one), whose years' findings compare the reports.
func writeLocks(items []Item) []int64 {
	keys := make([]int64, 0, 2*len(items))
	for i := range items {
		it := &items[i]
		keys = append(keys, lockKey("document", it.Doc.URI+"\x00"+it.Doc.SHA256))
		if it.Record != nil {
			src := *it.Record
			src.PlaceIn(it.Doc.Region)
			identity, organ, _ := identityOf(&src, it.Doc.URI)
			if organ != "" {
				keys = append(keys, lockKey("organ", organ))
			} else {
				keys = append(keys, lockKey("report", identity))
			}
		}
	}
	return sortedKeys(keys)
}

func (s *DB) ingest(ctx context.Context, items []Item, ready []preparing, keys []int64) ([]Result, error) {
	w, err := s.begin(ctx, keys, false)
	if err != nil {
		return nil, err
	}
	defer w.rollback()
	results := make([]Result, len(items))
	for i := range items {
		<-ready[i].done
		results[i] = w.ingestOne(ctx, &items[i], ready[i].p)
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		// An item that another writer's transaction aborted runs again with the
		// whole batch; one that met a full database ends it: the next would too.
		if err := results[i].Err; err != nil && (s.e.Retry(err) || s.e.Full(err)) {
			return nil, s.wrap(err)
		}
	}
	if err := w.commit(ctx); err != nil {
		return nil, s.wrap(err)
	}
	if s.e.Overlaps() && len(w.texts) > 0 {
		if err := s.recheckPeers(ctx, w.texts); err != nil {
			return results, s.wrap(fmt.Errorf("the batch is stored, but its copied text was not checked against other writers' reports: %w", err))
		}
	}
	return results, nil
}

type preparing struct {
	p    *prepared
	done chan struct{}
}

// prepareAll starts preparing the items' records in order on all cores.
func prepareAll(items []Item) []preparing {
	ready := make([]preparing, len(items))
	next := make(chan int, len(items))
	for i := range items {
		ready[i].done = make(chan struct{})
		next <- i
	}
	close(next)
	for range min(runtime.GOMAXPROCS(0), len(items)) {
		go func() {
			for i := range next {
				if rec := items[i].Record; rec != nil {
					ready[i].p = prepare(rec, items[i].Doc.URI, items[i].Doc.Region)
				}
				close(ready[i].done)
			}
		}()
	}
	return ready
}

func (w *writer) ingestOne(ctx context.Context, it *Item, p *prepared) Result {
	var res Result
	err := w.item(ctx, func() error {
		var err error
		res, err = w.store(ctx, it, p)
		return err
	})
	if err != nil {
		return Result{Err: fmt.Errorf("%s: not stored: %w", it.Doc.URI, err)}
	}
	return res
}

// store writes one item: the document, its raw bytes and, for a report, the version
// it belongs to (new report, new version, or another source of a stored version).
func (w *writer) store(ctx context.Context, it *Item, p *prepared) (Result, error) {
	doc := &it.Doc
	if doc.URI == "" || doc.SHA256 == "" {
		return Result{}, errors.New("a document needs a URI and a SHA-256 digest")
	}
	var docID int64
	var status string
	err := w.queryRow(ctx, `SELECT id, status FROM documents WHERE uri = ? AND sha256 = ?`,
		doc.URI, doc.SHA256).Scan(&docID, &status)
	switch {
	case err == nil && status == StatusReport:
		return w.unchanged(ctx, docID)
	case err != nil && !errors.Is(err, sql.ErrNoRows):
		return Result{}, err
	}
	// New bytes at this URI, or bytes that were not a report for an earlier parser.
	if doc.Bytes != nil {
		if _, err := w.exec(ctx, `INSERT INTO blobs (sha256, data) VALUES (?, ?) ON CONFLICT DO NOTHING`,
			doc.SHA256, doc.Bytes); err != nil {
			return Result{}, err
		}
	}
	if p == nil {
		status, outcome := StatusFailed, OutcomeFailed
		if it.NotReport {
			status, outcome = StatusNotReport, OutcomeNotReport
		}
		return Result{Outcome: outcome}, w.putDocument(ctx, docID, doc, status, it.Reason, it.Unread, 0, it.ParserVersion)
	}
	res, err := w.placeRecord(ctx, p, it.ParserVersion)
	if err != nil {
		return Result{}, err
	}
	return res, w.putDocument(ctx, docID, doc, StatusReport, "", "", res.VersionID, it.ParserVersion)
}

func (w *writer) unchanged(ctx context.Context, docID int64) (Result, error) {
	res := Result{Outcome: OutcomeUnchanged}
	err := w.queryRow(ctx, `SELECT v.report_id, v.id, v.seq FROM documents d JOIN versions v ON v.id = d.version_id WHERE d.id = ?`,
		docID).Scan(&res.ReportID, &res.VersionID, &res.Version)
	return res, err
}

// putDocument inserts the document row, or updates the row of a document that was
// not a report (docID != 0).
func (w *writer) putDocument(ctx context.Context, docID int64, doc *Document, status, reason string, unread report.Unread, versionID int64, parserVersion string) error {
	var warcFile, warcOffset, version any
	if doc.Location.WARCFile != "" {
		warcFile, warcOffset = doc.Location.WARCFile, doc.Location.Offset
	}
	if versionID != 0 {
		version = versionID
	}
	if docID != 0 {
		_, err := w.exec(ctx, `UPDATE documents SET status = ?, reason = ?, unread = ?, version_id = ?, parser_version = ? WHERE id = ?`,
			status, nullString(reason), nullString(string(unread)), version, parserVersion, docID)
		return err
	}
	_, err := w.exec(ctx, `INSERT INTO documents
		(uri, sha256, media_type, size, fetched_at, warc_file, warc_offset, status, reason, unread, version_id, parser_version, region)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		doc.URI, doc.SHA256, nullString(doc.MediaType), doc.Size, doc.FetchedAt.UTC().Format(time.RFC3339),
		warcFile, warcOffset, status, nullString(reason), nullString(string(unread)), version, parserVersion, nullString(doc.Region))
	return err
}

// placeRecord finds or creates the version a record belongs to. The same content
// (by content hash) is one version whatever document it came from; other content
// is a new version of the report its identity names, or the first of a new report.
func (w *writer) placeRecord(ctx context.Context, p *prepared, parserVersion string) (Result, error) {
	if p.err != nil {
		return Result{}, p.err
	}
	var res Result
	err := w.queryRow(ctx, `SELECT report_id, id, seq FROM versions WHERE content_hash = ? ORDER BY id LIMIT 1`,
		p.hash).Scan(&res.ReportID, &res.VersionID, &res.Version)
	if err == nil {
		res.Outcome = OutcomeNewSource
		return res, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return Result{}, err
	}
	res.Outcome = OutcomeChanged
	err = w.queryRow(ctx, `SELECT id FROM logical_reports WHERE identity = ?`, p.identity).Scan(&res.ReportID)
	if errors.Is(err, sql.ErrNoRows) {
		res.Outcome = OutcomeNew
		res.ReportID, err = w.insertReport(ctx, p.identity, p.organ, p.year)
	} else if err == nil {
		if par, ok, err := w.parallelSource(ctx, res.ReportID, p, parserVersion); err != nil || ok {
			return par, err
		}
	}
	if err != nil {
		return Result{}, err
	}
	res.VersionID, res.Version, err = w.addVersion(ctx, res.ReportID, p, parserVersion)
	return res, err
}

// RuleSourcesDisagree is the finding that a report's page and its attached document
// print different figures.
const RuleSourcesDisagree = "sources_disagree"

// parallelSource files a report published both as a page and as an attached
// document (PDF, Word, spreadsheet) as one version with two sources: neither
// supersedes the other. When only the document holds the figures (the page says
// 详见附件), the version takes them from it; when both print figures and they
// differ, the version gets a sources_disagree finding naming the cells. A
// second source of the same medium family is not parallel: it is a new version.
func (w *writer) parallelSource(ctx context.Context, reportID int64, p *prepared, parserVersion string) (Result, bool, error) {
	res := Result{Outcome: OutcomeNewSource, ReportID: reportID}
	var recordJSON string
	err := w.queryRow(ctx, `SELECT v.id, v.seq, v.record_json FROM logical_reports r JOIN versions v ON v.id = r.latest_version_id
		WHERE r.id = ?`, reportID).Scan(&res.VersionID, &res.Version, &recordJSON)
	if errors.Is(err, sql.ErrNoRows) {
		return Result{}, false, nil
	}
	if err != nil {
		return Result{}, false, err
	}
	var have report.Record
	if err := json.Unmarshal([]byte(recordJSON), &have); err != nil {
		return Result{}, false, err
	}
	if have.Medium == "" || have.IsDocument() == p.rec.IsDocument() {
		return Result{}, false, nil
	}
	switch {
	case !have.HasFigures() && p.rec.HasFigures():
		if err := w.updateVersion(ctx, res.VersionID, p, parserVersion); err != nil {
			return Result{}, false, err
		}
		return res, true, w.setLatest(ctx, reportID)
	case have.HasFigures() && p.rec.HasFigures():
		diffs := figureDiffs(&have, p.rec)
		if len(diffs) == 0 {
			return res, true, nil
		}
		shown := diffs[:min(len(diffs), 5)]
		detail := fmt.Sprintf("%d figures differ between %s and %s: %s", len(diffs), have.Source, p.rec.Source, strings.Join(shown, "; "))
		if len(diffs) > len(shown) {
			detail += "; …"
		}
		var refs []string
		for _, d := range diffs {
			refs = append(refs, strings.SplitN(d, " ", 2)[0])
		}
		w.changed[reportID] = true
		_, err := w.exec(ctx, `INSERT INTO findings (version_id, rule, ok, detail, cells, computed_at) VALUES (?, ?, 0, ?, ?, ?)
			ON CONFLICT (version_id, rule) DO UPDATE SET ok = 0, detail = excluded.detail, cells = excluded.cells, computed_at = excluded.computed_at`,
			res.VersionID, RuleSourcesDisagree, detail, refsJSON(refs), w.now)
		return res, true, err
	}
	return res, true, nil
}

// figureDiffs lists the cells whose figures differ between two records of one
// report, as "table.row.column a ≠ b".
func figureDiffs(a, b *report.Record) []string {
	var out []string
	cmp := func(table string, x, y map[string]map[string]float64) {
		rows := map[string]bool{}
		for r := range x {
			rows[r] = true
		}
		for r := range y {
			rows[r] = true
		}
		for r := range rows {
			cols := map[string]bool{}
			for c := range x[r] {
				cols[c] = true
			}
			for c := range y[r] {
				cols[c] = true
			}
			for c := range cols {
				xv, xok := x[r][c]
				yv, yok := y[r][c]
				if xok && yok && xv != yv {
					out = append(out, fmt.Sprintf("%s %s ≠ %s", report.CellRef(table, r, c), formatNumber(xv), formatNumber(yv)))
				}
			}
		}
	}
	cmp(report.T2, a.Table2.Numbers(), b.Table2.Numbers())
	cmp(report.T3, a.Table3.Numbers(), b.Table3.Numbers())
	cmp(report.T4, a.Table4.Numbers(), b.Table4.Numbers())
	sort.Strings(out)
	return out
}
