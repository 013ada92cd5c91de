package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"gongkai/report"
)

// reparseBatch is how many documents one reparse transaction writes: parsing
// happens before the transaction, so the write lock is held only for the writes.
const reparseBatch = 100

// Reparse implements Store.
//
// Each version is re-derived from its first source whose raw bytes can be read
// (the others are the same content by construction) and updated in place: cells,
// checks, metadata, record JSON, parser version. Rules for what a new parser may do:
//   - The parser now rejects the document: the version is kept as it was (a parser
//     regression must not delete data) and counted as failed.
//   - The organ or year changed: the version moves to the report of its new
//     identity (created if need be) as its newest version; a report left without
//     versions is removed. Two reports can merge this way; their versions are then
//     ordered by when they were stored, and the latest is the last stored.
//   - Two versions of a report that now derive the same content both stay.
//
// Documents that were not reports or failed are parsed again; one that is now a
// report is stored as ingest would store it.
func (s *DB) Reparse(ctx context.Context, opts ReparseOptions) (ReparseStats, error) {
	var st ReparseStats
	versions, err := queryInts(ctx, s.db, `SELECT id FROM versions ORDER BY id`)
	if err != nil {
		return st, s.wrap(err)
	}
	for start := 0; start < len(versions); start += reparseBatch {
		batch := versions[start:min(start+reparseBatch, len(versions))]
		derived := make([]derivation, 0, len(batch))
		for _, id := range batch {
			// The document the version's record came from first: a version with a
			// page and an attached document as sources takes its figures from one.
			d, err := s.derive(ctx, opts, `version_id = ?1
				ORDER BY uri = (SELECT source FROM versions WHERE id = ?1) DESC, id`, id)
			if err != nil {
				return st, err
			}
			d.versionID = id
			derived = append(derived, d)
		}
		if err := s.applyVersions(ctx, opts, derived, &st); err != nil {
			return st, err
		}
	}
	others, err := queryInts(ctx, s.db, `SELECT id FROM documents WHERE status <> 'report' ORDER BY id`)
	if err != nil {
		return st, s.wrap(err)
	}
	for start := 0; start < len(others); start += reparseBatch {
		batch := others[start:min(start+reparseBatch, len(others))]
		derived := make([]derivation, 0, len(batch))
		for _, id := range batch {
			d, err := s.derive(ctx, opts, `id = ?`, id)
			if err != nil {
				return st, err
			}
			derived = append(derived, d)
		}
		if err := s.applyDocuments(ctx, opts, derived, &st); err != nil {
			return st, err
		}
	}
	return st, nil
}

// derivation is what the current parser made of a document.
type derivation struct {
	versionID   int64
	docID       int64
	doc         Document
	rec         *report.Record
	err         error  // the parser's error
	unavailable string // why no raw bytes could be read
}

// derive loads the raw bytes of the first document the condition selects whose
// bytes can be read, and parses them.
func (s *DB) derive(ctx context.Context, opts ReparseOptions, where string, arg int64) (derivation, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, uri, sha256, coalesce(media_type, ''), size, fetched_at,
		coalesce(warc_file, ''), coalesce(warc_offset, 0), coalesce(region, '') FROM documents WHERE `+where, arg)
	if err != nil {
		return derivation{}, s.wrap(err)
	}
	var docs []derivation
	for rows.Next() {
		var d derivation
		var fetched string
		if err := rows.Scan(&d.docID, &d.doc.URI, &d.doc.SHA256, &d.doc.MediaType, &d.doc.Size, &fetched,
			&d.doc.Location.WARCFile, &d.doc.Location.Offset, &d.doc.Region); err != nil {
			rows.Close()
			return derivation{}, s.wrap(err)
		}
		d.doc.FetchedAt, _ = time.Parse(time.RFC3339, fetched)
		docs = append(docs, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return derivation{}, s.wrap(err)
	}
	if len(docs) == 0 {
		return derivation{unavailable: "no source document"}, nil
	}
	for i := range docs {
		d := &docs[i]
		data, why, err := s.rawBytes(ctx, opts.LoadWARC, d.doc)
		if err != nil {
			return derivation{}, err
		}
		if why != "" {
			d.unavailable = why
			continue
		}
		d.doc.Bytes = data
		d.rec, d.err = opts.Parser.Parse(d.doc, data)
		return *d, nil
	}
	return docs[0], nil
}

// rawBytes reads a document's raw bytes, or says why they cannot be read.
func (s *DB) rawBytes(ctx context.Context, load Loader, doc Document) ([]byte, string, error) {
	if doc.Location.WARCFile != "" {
		if load == nil {
			return nil, "raw bytes not available: " + doc.Location.WARCFile + " (no WARC reader)", nil
		}
		data, err := load(ctx, doc.Location)
		if err != nil {
			return nil, "raw bytes not available: " + err.Error(), nil
		}
		return data, "", nil
	}
	var data []byte
	err := s.db.QueryRowContext(ctx, `SELECT data FROM blobs WHERE sha256 = ?`, doc.SHA256).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "raw bytes not available: not kept in the archive", nil
	}
	if err != nil {
		return nil, "", s.wrap(err)
	}
	return data, "", nil
}

func (s *DB) applyVersions(ctx context.Context, opts ReparseOptions, derived []derivation, st *ReparseStats) error {
	// A version may move to another organ's report: no other writer may write
	// meanwhile.
	w, err := s.begin(ctx, nil, true)
	if err != nil {
		return err
	}
	defer w.rollback()
	for i := range derived {
		d := &derived[i]
		event := ReparseEvent{URI: d.doc.URI}
		switch {
		case d.unavailable != "":
			st.Unavailable++
			event.What, event.Detail = "unavailable", d.unavailable
		case d.err != nil || d.rec == nil:
			st.Failed++
			event.What, event.Detail = "failed", "kept as derived before: "+errorText(d.err)
		default:
			var changedCells int
			var what string
			err := w.item(ctx, func() error {
				var err error
				event.ReportID, what, changedCells, err = w.rederive(ctx, d.versionID, d.rec, d.doc, opts.Parser.Version)
				return err
			})
			if err != nil {
				return s.wrap(fmt.Errorf("version %d (%s): %w", d.versionID, d.doc.URI, err))
			}
			st.Versions++
			st.CellsChanged += changedCells
			switch what {
			case "unchanged":
				st.Unchanged++
			case "moved":
				st.Moved++
				st.Changed++
			default:
				st.Changed++
			}
			event.What, event.Detail = what, strconv.Itoa(changedCells)+" cells changed"
		}
		if opts.Progress != nil && event.What != "unchanged" {
			opts.Progress(event)
		}
	}
	return s.wrap(w.commit(ctx))
}

func errorText(err error) string {
	if err == nil {
		return "no record"
	}
	return err.Error()
}

// rederive updates a version from a newly derived record; what is "unchanged",
// "changed" or "moved" (to another report).
func (w *writer) rederive(ctx context.Context, versionID int64, rec *report.Record, doc Document, parserVersion string) (reportID int64, what string, changedCells int, err error) {
	var oldHash, identity string
	var latest sql.NullInt64
	if err := w.queryRow(ctx, `SELECT v.report_id, v.content_hash, r.identity, r.latest_version_id
		FROM versions v JOIN logical_reports r ON r.id = v.report_id WHERE v.id = ?`, versionID).
		Scan(&reportID, &oldHash, &identity, &latest); err != nil {
		return 0, "", 0, err
	}
	oldCells, err := versionCells(ctx, w, versionID)
	if err != nil {
		return 0, "", 0, err
	}
	isLatest := latest.Valid && latest.Int64 == versionID
	if isLatest {
		// Reports found to resemble the old text are looked at again.
		if err := w.markReferrers(ctx, reportID); err != nil {
			return 0, "", 0, err
		}
	}
	p := prepare(rec, doc.URI, doc.Region)
	if p.err != nil {
		return 0, "", 0, p.err
	}
	if err := w.updateVersion(ctx, versionID, p, parserVersion); err != nil {
		return 0, "", 0, err
	}
	changedCells = diffCells(oldCells, p.rec.Cells)
	what = "unchanged"
	if p.hash != oldHash || changedCells > 0 {
		what = "changed"
	}
	if p.identity == identity {
		if isLatest {
			return reportID, what, changedCells, w.setLatest(ctx, reportID)
		}
		return reportID, what, changedCells, nil
	}
	// The organ or year changed: the version belongs to another report now.
	var target int64
	err = w.queryRow(ctx, `SELECT id FROM logical_reports WHERE identity = ?`, p.identity).Scan(&target)
	if errors.Is(err, sql.ErrNoRows) {
		target, err = w.insertReport(ctx, p.identity, p.organ, p.year)
	}
	if err != nil {
		return 0, "", 0, err
	}
	if err := w.markAffected(ctx, reportID, versionID); err != nil {
		return 0, "", 0, err
	}
	if _, err := w.exec(ctx, `UPDATE versions SET report_id = ?,
		seq = (SELECT coalesce(max(seq), 0) + 1 FROM versions WHERE report_id = ?) WHERE id = ?`, target, target, versionID); err != nil {
		return 0, "", 0, err
	}
	if err := w.setLatest(ctx, reportID); err != nil {
		return 0, "", 0, err
	}
	return target, "moved", changedCells, w.setLatest(ctx, target)
}

// diffCells counts the cells added, removed or changed (raw text, kind, value or
// unit) between two derivations; a cell is known by its reference and, for a
// reference printed twice, its occurrence.
func diffCells(before, after []report.Cell) int {
	type occurrence struct {
		ref string
		n   int
	}
	index := func(cells []report.Cell) map[occurrence]report.Cell {
		m := make(map[occurrence]report.Cell, len(cells))
		seen := map[string]int{}
		for _, c := range cells {
			ref := c.Ref()
			m[occurrence{ref, seen[ref]}] = c
			seen[ref]++
		}
		return m
	}
	a, b := index(before), index(after)
	changed := 0
	for k, x := range a {
		y, ok := b[k]
		if !ok || !sameCell(x, y) {
			changed++
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			changed++
		}
	}
	return changed
}

func sameCell(x, y report.Cell) bool {
	if x.Raw != y.Raw || x.Kind != y.Kind || x.Unit != y.Unit || (x.Value == nil) != (y.Value == nil) {
		return false
	}
	return x.Value == nil || *x.Value == *y.Value
}

func (s *DB) applyDocuments(ctx context.Context, opts ReparseOptions, derived []derivation, st *ReparseStats) error {
	w, err := s.begin(ctx, nil, true)
	if err != nil {
		return err
	}
	defer w.rollback()
	for i := range derived {
		d := &derived[i]
		if d.unavailable != "" {
			st.Unavailable++
			if opts.Progress != nil {
				opts.Progress(ReparseEvent{URI: d.doc.URI, What: "unavailable", Detail: d.unavailable})
			}
			continue
		}
		st.Retried++
		var res Result
		err := w.item(ctx, func() error {
			if d.rec == nil {
				status := StatusFailed
				if opts.Parser.NotReport != nil && opts.Parser.NotReport(d.err) {
					status = StatusNotReport
				}
				var unread report.Unread
				if status == StatusFailed && opts.Parser.Unread != nil {
					unread = opts.Parser.Unread(d.err)
				}
				_, err := w.exec(ctx, `UPDATE documents SET status = ?, reason = ?, unread = ?, parser_version = ? WHERE id = ?`,
					status, nullString(errorText(d.err)), nullString(string(unread)), opts.Parser.Version, d.docID)
				return err
			}
			var err error
			if res, err = w.placeRecord(ctx, prepare(d.rec, d.doc.URI, d.doc.Region), opts.Parser.Version); err != nil {
				return err
			}
			return w.putDocument(ctx, d.docID, &d.doc, StatusReport, "", "", res.VersionID, opts.Parser.Version)
		})
		if err != nil {
			return s.wrap(fmt.Errorf("document %d (%s): %w", d.docID, d.doc.URI, err))
		}
		if d.rec != nil {
			st.NowReports++
			if opts.Progress != nil {
				opts.Progress(ReparseEvent{URI: d.doc.URI, ReportID: res.ReportID, What: "now a report (" + string(res.Outcome) + ")"})
			}
		}
	}
	return s.wrap(w.commit(ctx))
}
