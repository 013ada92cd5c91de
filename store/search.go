package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"sort"

	"gongkai/report"
)

// SearchDoc is what a full-text index holds of a report: its latest version's
// metadata, text, table labels and failed checks.
type SearchDoc struct {
	ReportID  int64
	VersionID int64
	// Stamp changes whenever anything below may have: another latest version, the
	// version re-derived by Reparse (its content hash), or the findings that hold
	// against it. An index compares stamps to know what to index again.
	Stamp      string
	Title      string
	Organ      string
	Region     string
	RegionCode string
	Department string
	Year       int
	Published  string // YYYY-MM-DD, or ""
	Format     string
	Text       string // the report's body text (the record's text)
	// Labels are the row labels of the tables the report printed: as the official
	// formats print them (package report's keys) for the national formats, as
	// printed in the page for a legacy statistics table.
	Labels []string
	// Failed are the rules of the record's failed checks and of the findings that
	// hold against the report, sorted.
	Failed []string
}

// stampSQL computes a report's stamp from its latest version v: in SQL, so that
// SearchStamps and SearchDocs agree on it byte for byte.
const stampSQL = `v.id || ':' || substr(v.content_hash, 1, 16) || ':' || coalesce(
	(SELECT group_concat(f.rule, ' ' ORDER BY f.rule) FROM findings f WHERE f.version_id = v.id AND f.ok = 0), '')`

// SearchStamps returns the stamp of every report the archive holds, by report id.
func (s *DB) SearchStamps(ctx context.Context) (map[int64]string, error) {
	out := map[int64]string{}
	err := s.readTx(ctx, func(tx *Tx) error {
		return s.wrap(eachRow(ctx, tx, `SELECT r.id, `+stampSQL+`
			FROM logical_reports r JOIN versions v ON v.id = r.latest_version_id`, nil, func(rows *sql.Rows) error {
			var id int64
			var stamp string
			if err := rows.Scan(&id, &stamp); err != nil {
				return err
			}
			out[id] = stamp
			return nil
		}))
	})
	return out, err
}

// searchChunk bounds the ids bound to one query (SQLite allows 32766 variables).
const searchChunk = 500

// SearchDocs calls fn with the document of each of the given reports, in report
// id order. Reports the archive does not hold (any more) are left out.
func (s *DB) SearchDocs(ctx context.Context, reportIDs []int64, fn func(SearchDoc) error) error {
	ids := append([]int64(nil), reportIDs...)
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for start := 0; start < len(ids); start += searchChunk {
		var docs []SearchDoc
		err := s.readTx(ctx, func(tx *Tx) error {
			var err error
			docs, err = searchDocs(ctx, tx, ids[start:min(start+searchChunk, len(ids))])
			return s.wrap(err)
		})
		if err != nil {
			return err
		}
		for _, d := range docs {
			if err := fn(d); err != nil {
				return err
			}
		}
	}
	return nil
}

func searchDocs(ctx context.Context, tx *Tx, ids []int64) ([]SearchDoc, error) {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	var docs []SearchDoc
	byVersion := map[int64]int{}
	err := eachRow(ctx, tx, `SELECT r.id, v.id, `+stampSQL+`, coalesce(v.title, ''), coalesce(v.organ, ''),
		coalesce(v.region, ''), coalesce(v.region_code, ''), coalesce(v.department, ''), coalesce(v.year, 0),
		coalesce(v.published, ''), v.format, coalesce(json_extract(v.record_json, '$.text'), ''),
		json_extract(v.record_json, '$.legacy_figures')
		FROM logical_reports r JOIN versions v ON v.id = r.latest_version_id
		WHERE r.id IN (`+placeholders(len(ids))+`) ORDER BY r.id`, args, func(rows *sql.Rows) error {
		var d SearchDoc
		var legacy sql.NullString
		if err := rows.Scan(&d.ReportID, &d.VersionID, &d.Stamp, &d.Title, &d.Organ, &d.Region, &d.RegionCode,
			&d.Department, &d.Year, &d.Published, &d.Format, &d.Text, &legacy); err != nil {
			return err
		}
		if legacy.Valid {
			// Legacy statistics tables are each organ's own: their labels are
			// the row labels as printed, the keys of legacy_figures.
			var figures map[string]json.RawMessage
			if err := json.Unmarshal([]byte(legacy.String), &figures); err != nil {
				return err
			}
			for label := range figures {
				d.Labels = append(d.Labels, label)
			}
			sort.Strings(d.Labels)
		}
		byVersion[d.VersionID] = len(docs)
		docs = append(docs, d)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(docs) == 0 {
		return nil, nil
	}
	vargs := make([]any, 0, len(docs))
	for _, d := range docs {
		vargs = append(vargs, d.VersionID)
	}
	vin := placeholders(len(vargs))

	// The rows each version printed: their labels, in printed order.
	printed := map[int64]map[string]bool{}
	err = eachRow(ctx, tx, `SELECT DISTINCT c.version_id, k.tbl || '.' || k.row_key
		FROM version_cells c JOIN cell_keys k ON k.id = c.key_id WHERE c.version_id IN (`+vin+`)`, vargs,
		func(rows *sql.Rows) error {
			var vid int64
			var row string
			if err := rows.Scan(&vid, &row); err != nil {
				return err
			}
			if printed[vid] == nil {
				printed[vid] = map[string]bool{}
			}
			printed[vid][row] = true
			return nil
		})
	if err != nil {
		return nil, err
	}
	for vid, rowsPrinted := range printed {
		d := &docs[byVersion[vid]]
		for _, l := range rowLabels(d.Format) {
			if rowsPrinted[l.Key] {
				d.Labels = append(d.Labels, l.Label)
			}
		}
	}

	err = eachRow(ctx, tx, `SELECT version_id, rule FROM version_checks WHERE ok = 0 AND version_id IN (`+vin+`)
		UNION SELECT version_id, rule FROM findings WHERE ok = 0 AND version_id IN (`+vin+`)
		ORDER BY 1, 2`, append(vargs, vargs...), func(rows *sql.Rows) error {
		var vid int64
		var rule string
		if err := rows.Scan(&vid, &rule); err != nil {
			return err
		}
		d := &docs[byVersion[vid]]
		d.Failed = append(d.Failed, rule)
		return nil
	})
	return docs, err
}

// eachRow calls fn with each row of a query.
func eachRow(ctx context.Context, tx *Tx, query string, args []any, fn func(*sql.Rows) error) error {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// rowLabels lists, for a format, every table row as table.row with the label the
// format prints for it, in printed order.
func rowLabels(format string) []report.Key {
	var out []report.Key
	for _, r := range report.Table2RowsFor(format) {
		out = append(out, report.Key{Key: report.T2 + "." + r.Key.Key, Label: r.Label})
	}
	for _, r := range report.Table3RowsFor(format) {
		out = append(out, report.Key{Key: report.T3 + "." + r.Key.Key, Label: r.Label})
	}
	for _, g := range report.Table4Groups {
		out = append(out, report.Key{Key: report.T4 + "." + g.Key, Label: g.Label})
	}
	return out
}

// SearchHeld returns which of the given reports the archive holds, so that a
// search can leave out what an index not yet brought up to date still lists.
func (s *DB) SearchHeld(ctx context.Context, reportIDs []int64) (map[int64]bool, error) {
	held := map[int64]bool{}
	for start := 0; start < len(reportIDs); start += searchChunk {
		chunk := reportIDs[start:min(start+searchChunk, len(reportIDs))]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		ids, err := queryInts(ctx, s.db, `SELECT id FROM logical_reports
			WHERE latest_version_id IS NOT NULL AND id IN (`+placeholders(len(chunk))+`)`, args...)
		if err != nil {
			return nil, s.wrap(err)
		}
		for _, id := range ids {
			held[id] = true
		}
	}
	return held, nil
}

// ChangeCursor is the archive's latest number in the change sequence: every
// write that changes reports' search documents takes the next one. A server on
// an archive that other machines write compares it to know when to catch its
// index up, and an index notes it to read next time only what changed after it.
func (s *DB) ChangeCursor(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) FROM report_changes`).Scan(&n)
	return n, s.wrap(err)
}

// changesSQL reads the change sequence after a number, by its index on seq.
const changesSQL = `SELECT report_id, seq FROM report_changes WHERE seq > ? ORDER BY seq`

// SearchChanges returns the reports whose search documents changed after
// number since of the change sequence (some may have been removed since), and
// the number to ask from next time. It reads only the rows numbered after
// since, however large the archive.
func (s *DB) SearchChanges(ctx context.Context, since int64) (ids []int64, next int64, err error) {
	next = since
	err = s.readTx(ctx, func(tx *Tx) error {
		return s.wrap(eachRow(ctx, tx, changesSQL, []any{since},
			func(rows *sql.Rows) error {
				var id, seq int64
				if err := rows.Scan(&id, &seq); err != nil {
					return err
				}
				ids = append(ids, id)
				next = max(next, seq)
				return nil
			}))
	})
	return ids, next, err
}

// InFile says whether the archive is a SQLite file in the data folder, whose
// size and time tell a server when it changed.
func (s *DB) InFile() bool {
	_, ok := s.e.(*sqliteEngine)
	return ok
}
