package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"gongkai/report"
)

// reportFilter returns a condition on a report id column selecting the reports f
// selects, with its arguments.
func reportFilter(f Filter, idColumn string) (string, []any) {
	var conds []string
	var args []any
	if f.Year != 0 {
		conds = append(conds, "v.year = ?")
		args = append(args, f.Year)
	}
	if f.Region != "" {
		cond, a := regionCondition(f.Region)
		conds = append(conds, cond)
		args = append(args, a...)
	}
	if len(conds) == 0 {
		return "1 = 1", nil
	}
	return idColumn + ` IN (SELECT r.id FROM logical_reports r JOIN versions v ON v.id = r.latest_version_id WHERE ` +
		strings.Join(conds, " AND ") + ")", args
}

// readTx runs fn in a read transaction, so that a long export sees one state of
// the archive while writers go on.
func (s *DB) readTx(ctx context.Context, fn func(tx *Tx) error) error {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return s.wrap(err)
	}
	defer tx.Rollback()
	return fn(tx)
}

// StoredRecord is a report's latest record with what joins it to the rest of
// the archive: its report id (the views' report_id, /reports/{id}), the
// version's number and id, the organ key and the region code (always present,
// "" without one), ahead of the canonical record's keys.
type StoredRecord struct {
	ReportID   int64  `json:"report_id"`
	Version    int    `json:"version"`
	VersionID  int64  `json:"version_id"`
	OrganKey   string `json:"organ_key"`
	RegionCode string `json:"region_code"`
	*report.Record
}

// StoredRecords implements Store. Each record is the stored canonical record of
// the latest version (source: the version's first source) with its cells and
// checks; withFindings appends the findings to its checks.
func (s *DB) StoredRecords(ctx context.Context, f Filter, withFindings bool, fn func(StoredRecord) error) error {
	return s.readTx(ctx, func(tx *Tx) error {
		cond, args := reportFilter(f, "r.id")
		rows, err := tx.QueryContext(ctx, `SELECT r.id, v.seq, v.id, coalesce(r.organ, '') FROM logical_reports r
			JOIN versions v ON v.id = r.latest_version_id WHERE `+cond+` ORDER BY r.id`, args...)
		if err != nil {
			return s.wrap(err)
		}
		var list []StoredRecord
		for rows.Next() {
			var sr StoredRecord
			if err := rows.Scan(&sr.ReportID, &sr.Version, &sr.VersionID, &sr.OrganKey); err != nil {
				rows.Close()
				return s.wrap(err)
			}
			list = append(list, sr)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return s.wrap(err)
		}
		refs, err := cellRefs(ctx, tx)
		if err != nil {
			return s.wrap(err)
		}
		for _, sr := range list {
			if sr.Record, err = loadRecord(ctx, tx, sr.VersionID, withFindings, refs); err != nil {
				return s.wrap(fmt.Errorf("version %d: %w", sr.VersionID, err))
			}
			sr.RegionCode = sr.Record.RegionCode
			if err := fn(sr); err != nil {
				return err
			}
		}
		return nil
	})
}

// Records calls fn with the record of each report StoredRecords reads.
func (s *DB) Records(ctx context.Context, f Filter, withFindings bool, fn func(*report.Record) error) error {
	return s.StoredRecords(ctx, f, withFindings, func(sr StoredRecord) error { return fn(sr.Record) })
}

// cellRefs maps cell_keys ids to cell references (table.row.column).
func cellRefs(ctx context.Context, tx *Tx) (map[int64]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, tbl || '.' || row_key || '.' || col_key FROM cell_keys`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	refs := map[int64]string{}
	for rows.Next() {
		var id int64
		var ref string
		if err := rows.Scan(&id, &ref); err != nil {
			return nil, err
		}
		refs[id] = ref
	}
	return refs, rows.Err()
}

// versionCells reads a version's cells in the record's order, with how each was
// read where OCR read it.
func versionCells(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, versionID int64) ([]report.Cell, error) {
	rows, err := q.QueryContext(ctx, `SELECT k.tbl, k.row_key, k.col_key, c.raw, c.kind, c.value, coalesce(c.unit, ''),
		coalesce(c.read, ''), coalesce(c.page, 0), coalesce(c.box, ''), coalesce(c.confidence, 0)
		FROM version_cells c JOIN cell_keys k ON k.id = c.key_id WHERE c.version_id = ? ORDER BY c.ord`, versionID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []report.Cell
	for rows.Next() {
		var c report.Cell
		var value sql.NullFloat64
		var box string
		if err := rows.Scan(&c.Table, &c.Row, &c.Column, &c.Raw, &c.Kind, &value, &c.Unit, &c.Read, &c.Page, &box, &c.Confidence); err != nil {
			return nil, err
		}
		if value.Valid {
			c.Value = &value.Float64
		}
		if box != "" {
			if err := json.Unmarshal([]byte(box), &c.Box); err != nil {
				return nil, fmt.Errorf("cell %s: box %q: %w", c.Ref(), box, err)
			}
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// loadRecord rebuilds a version's record from its JSON, cells and checks rows.
func loadRecord(ctx context.Context, tx *Tx, versionID int64, withFindings bool, refs map[int64]string) (*report.Record, error) {
	var recordJSON string
	if err := tx.QueryRowContext(ctx, `SELECT record_json FROM versions WHERE id = ?`, versionID).Scan(&recordJSON); err != nil {
		return nil, err
	}
	rec := &report.Record{}
	if err := json.Unmarshal([]byte(recordJSON), rec); err != nil {
		return nil, fmt.Errorf("stored record: %w", err)
	}
	var err error
	if rec.Cells, err = versionCells(ctx, tx, versionID); err != nil {
		return nil, err
	}
	rec.Checks = []report.Check{}
	// A record check's cells are cell_keys ids; a finding's are references already.
	query := `SELECT rule, ok, detail, cell_ids, NULL FROM version_checks WHERE version_id = ? ORDER BY ord`
	if withFindings {
		query = `SELECT rule, ok, detail, cell_ids, cells FROM (
			SELECT 0 AS scope, ord, rule, ok, detail, cell_ids, NULL AS cells FROM version_checks WHERE version_id = ?1
			UNION ALL SELECT 1, 0, rule, ok, detail, NULL, cells FROM findings WHERE version_id = ?1) c
			ORDER BY scope, ord, rule`
	}
	checks, err := tx.QueryContext(ctx, query, versionID)
	if err != nil {
		return nil, err
	}
	defer checks.Close()
	for checks.Next() {
		var c report.Check
		var ids, cells sql.NullString
		if err := checks.Scan(&c.Rule, &c.OK, &c.Detail, &ids, &cells); err != nil {
			return nil, err
		}
		if ids.Valid {
			var keyIDs []int64
			if err := json.Unmarshal([]byte(ids.String), &keyIDs); err != nil {
				return nil, fmt.Errorf("check %s: cell ids: %w", c.Rule, err)
			}
			for _, id := range keyIDs {
				c.Cells = append(c.Cells, refs[id])
			}
		}
		if cells.Valid {
			if err := json.Unmarshal([]byte(cells.String), &c.Cells); err != nil {
				return nil, fmt.Errorf("check %s: cells: %w", c.Rule, err)
			}
		}
		rec.Checks = append(rec.Checks, c)
	}
	// A record stored before it said which checks its figures left out kept
	// from running says it as a new one does.
	rec.Unchecked = report.UncheckedChecks(rec)
	return rec, checks.Err()
}

// viewOrder is the order Table returns each view's rows in; views with an ORDER BY
// of their own need none.
var viewOrder = map[string]string{
	"reports": "id",
	"checks":  "report_id, scope DESC, rule",
	"sources": "report_id, version, uri",
}

// Table implements Store.
func (s *DB) Table(ctx context.Context, view string, f Filter, fn func(header []string, row []any) error) error {
	if !slices.Contains(Views, view) {
		return fmt.Errorf("no view %q (views: %s)", view, strings.Join(Views, ", "))
	}
	idColumn := "report_id"
	if view == "reports" {
		idColumn = "id"
	}
	cond, args := reportFilter(f, idColumn)
	if f.Table != "" && view == "cells" {
		cond += " AND tbl = ?"
		args = append(args, f.Table)
	}
	if view == "checks" {
		cond, args = checkFilter(f, cond, args)
	}
	query := "SELECT * FROM " + view + " WHERE " + cond
	if order := viewOrder[view]; order != "" {
		query += " ORDER BY " + order
	}
	return s.readTx(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, query, args...)
		if err != nil {
			return s.wrap(err)
		}
		defer rows.Close()
		header, err := rows.Columns()
		if err != nil {
			return s.wrap(err)
		}
		numeric, err := numericColumns(rows)
		if err != nil {
			return s.wrap(err)
		}
		vals := make([]any, len(header))
		ptrs := make([]any, len(header))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				return s.wrap(err)
			}
			plainNumbers(vals, numeric)
			if err := fn(header, vals); err != nil {
				return err
			}
		}
		return s.wrap(rows.Err())
	})
}

func checkFilter(f Filter, cond string, args []any) (string, []any) {
	if f.Failed {
		cond += " AND ok = 0"
	}
	if f.Rule != "" {
		cond += " AND instr(rule, ?) = 1"
		args = append(args, f.Rule)
	}
	return cond, args
}

// Checks implements Store.
func (s *DB) Checks(ctx context.Context, f Filter, fn func(CheckRow) error) error {
	cond, args := reportFilter(f, "report_id")
	cond, args = checkFilter(f, cond, args)
	return s.readTx(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT report_id, coalesce(organ, ''), coalesce(region, ''), coalesce(year, 0),
			scope, rule, ok, detail, cells, coalesce(other_report_id, 0), share FROM checks WHERE `+cond+` ORDER BY `+viewOrder["checks"], args...)
		if err != nil {
			return s.wrap(err)
		}
		defer rows.Close()
		for rows.Next() {
			var c CheckRow
			var refs sql.NullString
			var share sql.NullFloat64
			if err := rows.Scan(&c.ReportID, &c.Organ, &c.Region, &c.Year, &c.Scope, &c.Rule, &c.OK, &c.Detail, &refs, &c.OtherReportID, &share); err != nil {
				return s.wrap(err)
			}
			if share.Valid {
				c.Share = &share.Float64
			}
			if refs.Valid {
				if err := json.Unmarshal([]byte(refs.String), &c.Cells); err != nil {
					return s.wrap(fmt.Errorf("report %d check %s: cells: %w", c.ReportID, c.Rule, err))
				}
			}
			if err := fn(c); err != nil {
				return err
			}
		}
		return s.wrap(rows.Err())
	})
}

// numericColumns says which of the rows' columns are NUMERIC.
func numericColumns(rows *sql.Rows) ([]bool, error) {
	types, err := rows.ColumnTypes()
	if err != nil {
		return nil, err
	}
	out := make([]bool, len(types))
	for i, t := range types {
		out[i] = strings.EqualFold(t.DatabaseTypeName(), "NUMERIC")
	}
	return out, nil
}

// plainNumbers gives the NUMERIC values that a driver returns as text
// (PostgreSQL's) as SQLite's returns them: an int64 for a whole number, else a
// float64, so that exports print the same figures whatever the engine.
func plainNumbers(vals []any, numeric []bool) {
	for i, v := range vals {
		text, ok := v.(string)
		if !ok || !numeric[i] {
			continue
		}
		if n, err := strconv.ParseInt(text, 10, 64); err == nil {
			vals[i] = n
		} else if f, err := strconv.ParseFloat(text, 64); err == nil {
			vals[i] = f
		}
	}
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func queryInts(ctx context.Context, q querier, query string, args ...any) ([]int64, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// regionCondition selects the versions of a region however their titles spell it.
// Digits are a GB/T 2260 code prefix (4302: 株洲市). A name matches regions that
// contain it (天元区 matches 株洲市天元区 and 株洲市天元区群丰镇) and, when it names
// an area with a code, every region under that code (株洲市 matches a report
// whose title says only 天元区).
func regionCondition(region string) (string, []any) {
	if strings.Trim(region, "0123456789") == "" {
		return "instr(v.region_code, ?) = 1", []any{region}
	}
	if _, code, rest := report.SplitOrgan(region); code != "" && rest == "" {
		prefix := report.RegionPrefix(code)
		return "(instr(v.region, ?) > 0 OR instr(v.region_code, ?) = 1)", []any{region, prefix}
	}
	return "instr(v.region, ?) > 0", []any{region}
}
