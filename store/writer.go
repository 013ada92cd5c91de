package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"gongkai/report"
)

// writer is one write transaction.
type writer struct {
	s   *DB
	tx  *Tx
	now string
	// keys is the cell_keys cache as the transaction began; newKeys are the rows
	// this transaction added, which join the shared cache only if it commits;
	// itemKeys are those of the current item, dropped if it is undone.
	keys, newKeys, itemKeys map[cellKey]int64
	// affected are the reports whose findings the current item must recompute.
	affected map[int64]scope
	// fresh are the facts of the versions the current item wrote, so that its
	// findings need not read back what it has just written.
	fresh map[int64]*facts
	// peerCache keeps the peer search of a version within one item: the search
	// that offers a new version's text to its peers also gives its own finding.
	peerCache map[int64][]peer
	// changed are the reports whose search documents the transaction may have
	// changed: commit numbers them in the change sequence. One named that did not
	// change (its item undone, say) costs a reader a document read again.
	changed map[int64]bool
	// texts are the latest versions the transaction filed in LSH buckets, for
	// recheckPeers.
	texts []int64
	stmts map[string]stmt
	done  bool
}

// begin starts a write transaction holding the locks (see Engine.Lock),
// or every writer's when exclusive.
func (s *DB) begin(ctx context.Context, locks []int64, exclusive bool) (*writer, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, s.wrap(err)
	}
	if err := s.e.Lock(ctx, tx.tx, locks, exclusive); err != nil {
		tx.Rollback()
		return nil, s.wrap(err)
	}
	s.keysMu.Lock()
	keys := maps.Clone(s.keys)
	s.keysMu.Unlock()
	return &writer{
		s: s, tx: tx, now: time.Now().UTC().Format(time.RFC3339),
		keys: keys, newKeys: map[cellKey]int64{}, itemKeys: map[cellKey]int64{},
		affected: map[int64]scope{}, fresh: map[int64]*facts{}, peerCache: map[int64][]peer{}, changed: map[int64]bool{},
		stmts: map[string]stmt{},
	}, nil
}

func (w *writer) commit(ctx context.Context) error {
	if err := w.numberChanges(ctx); err != nil {
		return err
	}
	if err := w.tx.Commit(); err != nil {
		return err
	}
	w.done = true
	w.s.keysMu.Lock()
	for k, id := range w.newKeys {
		w.s.keys[k] = id
	}
	w.s.keysMu.Unlock()
	return nil
}

// changeLock orders the change sequence: a transaction holds it from taking its
// number until it commits, so that numbers are committed in their order and a
// reader that saw n has seen every number below n. It is taken last, after every
// other lock, and held only while the transaction ends.
var changeLock = lockKey("change sequence", "")

// numberChanges gives the reports the transaction changed the next number of
// the change sequence.
func (w *writer) numberChanges(ctx context.Context) error {
	if len(w.changed) == 0 {
		return nil
	}
	if err := w.s.e.Lock(ctx, w.tx.tx, []int64{changeLock}, false); err != nil {
		return err
	}
	var seq int64
	if err := w.tx.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) + 1 FROM report_changes`).Scan(&seq); err != nil {
		return err
	}
	ids := slices.Sorted(maps.Keys(w.changed))
	for start := 0; start < len(ids); start += rowsPerInsert {
		chunk := ids[start:min(start+rowsPerInsert, len(ids))]
		args := make([]any, 0, 2*len(chunk))
		for _, id := range chunk {
			args = append(args, id, seq)
		}
		if _, err := w.tx.ExecContext(ctx, `INSERT INTO report_changes (report_id, seq) VALUES `+
			strings.TrimSuffix(strings.Repeat("(?, ?), ", len(chunk)), ", ")+
			` ON CONFLICT (report_id) DO UPDATE SET seq = excluded.seq`, args...); err != nil {
			return err
		}
	}
	return nil
}

func (w *writer) rollback() {
	if !w.done {
		w.tx.Rollback()
	}
}

// item runs fn, and the findings it makes stale, as one all-or-nothing unit inside
// the transaction (a savepoint).
func (w *writer) item(ctx context.Context, fn func() error) error {
	if _, err := w.exec(ctx, `SAVEPOINT item`); err != nil {
		return err
	}
	clear(w.itemKeys)
	clear(w.affected)
	clear(w.fresh)
	clear(w.peerCache)
	err := fn()
	if err == nil {
		err = w.refreshFindings(ctx)
	}
	if err != nil {
		if _, rbErr := w.exec(ctx, `ROLLBACK TO item`); rbErr != nil {
			return errors.Join(err, rbErr)
		}
		if _, rbErr := w.exec(ctx, `RELEASE item`); rbErr != nil {
			return errors.Join(err, rbErr)
		}
		return err
	}
	for k, id := range w.itemKeys {
		w.newKeys[k] = id
	}
	_, err = w.exec(ctx, `RELEASE item`)
	return err
}

func (w *writer) insertReport(ctx context.Context, identity, organ string, year int) (int64, error) {
	var id int64
	err := w.queryRow(ctx, `INSERT INTO logical_reports (identity, organ, year) VALUES (?, ?, ?) RETURNING id`,
		identity, nullString(organ), nullInt(year)).Scan(&id)
	return id, err
}

// addVersion stores a prepared record as the report's newest version and makes it
// the latest.
func (w *writer) addVersion(ctx context.Context, reportID int64, p *prepared, parserVersion string) (int64, int, error) {
	var seq int
	if err := w.queryRow(ctx, `SELECT coalesce(max(seq), 0) + 1 FROM versions WHERE report_id = ?`, reportID).Scan(&seq); err != nil {
		return 0, 0, err
	}
	rec := p.rec
	var versionID int64
	err := w.queryRow(ctx, `INSERT INTO versions
		(report_id, seq, content_hash, parser_version, stored_at, derived_at, source,
		 title, organ, region, region_code, department, year, published, format,
		 n_cells, n_checks, n_failed_checks, n_warnings, record_json, medium)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		reportID, seq, p.hash, parserVersion, w.now, w.now, rec.Source,
		nullString(rec.Title), nullString(rec.Organ), nullString(rec.Region), nullString(rec.RegionCode),
		nullString(rec.Department), nullInt(rec.Year), nullString(rec.Published), rec.Format,
		len(rec.Cells), len(rec.Checks), p.failedChecks, len(rec.Warnings), p.recordJSON, nullString(rec.Medium)).Scan(&versionID)
	if err != nil {
		return 0, 0, err
	}
	if err := w.insertRows(ctx, versionID, p); err != nil {
		return 0, 0, err
	}
	if err := addRegion(ctx, w.exec, rec.RegionCode); err != nil {
		return 0, 0, err
	}
	w.fresh[versionID] = factsOf(p, versionID)
	return versionID, seq, w.setLatest(ctx, reportID)
}

// updateVersion replaces what a stored version derives from its record (Reparse).
func (w *writer) updateVersion(ctx context.Context, versionID int64, p *prepared, parserVersion string) error {
	rec := p.rec
	if _, err := w.exec(ctx, `UPDATE versions SET content_hash = ?, parser_version = ?, derived_at = ?, source = ?,
		title = ?, organ = ?, region = ?, region_code = ?, department = ?, year = ?, published = ?, format = ?,
		n_cells = ?, n_checks = ?, n_failed_checks = ?, n_warnings = ?, record_json = ?, medium = ? WHERE id = ?`,
		p.hash, parserVersion, w.now, rec.Source,
		nullString(rec.Title), nullString(rec.Organ), nullString(rec.Region), nullString(rec.RegionCode),
		nullString(rec.Department), nullInt(rec.Year), nullString(rec.Published), rec.Format,
		len(rec.Cells), len(rec.Checks), p.failedChecks, len(rec.Warnings), p.recordJSON, nullString(rec.Medium), versionID); err != nil {
		return err
	}
	for _, q := range []string{`DELETE FROM version_cells WHERE version_id = ?`, `DELETE FROM version_checks WHERE version_id = ?`,
		`DELETE FROM text_signatures WHERE version_id = ?`, `DELETE FROM text_bands WHERE version_id = ?`} {
		if _, err := w.exec(ctx, q, versionID); err != nil {
			return err
		}
	}
	if err := addRegion(ctx, w.exec, rec.RegionCode); err != nil {
		return err
	}
	w.fresh[versionID] = factsOf(p, versionID)
	return w.insertRows(ctx, versionID, p)
}

// addRegion records a region code, and the areas it lies in, in the regions table.
// An unknown code (none the tables list) is left out.
func addRegion(ctx context.Context, exec func(context.Context, string, ...any) (sql.Result, error), code string) error {
	for ; code != ""; code = report.RegionParent(code) {
		name, full, ok := report.RegionName(code)
		if !ok {
			return nil
		}
		if _, err := exec(ctx, `INSERT INTO regions (code, name, full_name, parent_code, level) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
			code, name, full, nullString(report.RegionParent(code)), report.RegionLevel(code)); err != nil {
			return err
		}
	}
	return nil
}

// fillRegions records every region code the versions name (for an archive
// written before the regions table).
func fillRegions(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT region_code FROM versions WHERE region_code IS NOT NULL`)
	if err != nil {
		return err
	}
	var codes []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			rows.Close()
			return err
		}
		codes = append(codes, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, c := range codes {
		if err := addRegion(ctx, tx.ExecContext, c); err != nil {
			return err
		}
	}
	return nil
}

// insertRows writes a version's cells, checks and text signature. The rows' values
// were boxed by prepare; only the version and the cell key ids are filled in here.
func (w *writer) insertRows(ctx context.Context, versionID int64, p *prepared) error {
	version := any(versionID)
	args := p.cellArgs
	for i, k := range p.cellKeys {
		keyID, err := w.keyID(ctx, k)
		if err != nil {
			return err
		}
		args[cellColumns*i], args[cellColumns*i+2] = version, keyID
	}
	for start := 0; start < len(p.cellKeys); start += rowsPerInsert {
		n := min(rowsPerInsert, len(p.cellKeys)-start)
		if err := w.insertMany(ctx, "version_cells (version_id, ord, key_id, raw, kind, value, unit, read, page, box, confidence)", cellColumns, n,
			args[cellColumns*start:cellColumns*(start+n)]); err != nil {
			return err
		}
	}
	args = p.checkArgs
	for i, c := range p.rec.Checks {
		args[checkColumns*i] = version
		if len(c.Cells) == 0 {
			continue
		}
		b := []byte{'['}
		for j, ref := range c.Cells {
			id, err := w.refID(ctx, ref)
			if err != nil {
				return fmt.Errorf("check %s: %w", c.Rule, err)
			}
			if j > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendInt(b, id, 10)
		}
		args[checkColumns*i+5] = string(append(b, ']'))
	}
	for start := 0; start < len(p.rec.Checks); start += rowsPerInsert {
		n := min(rowsPerInsert, len(p.rec.Checks)-start)
		if err := w.insertMany(ctx, "version_checks (version_id, ord, rule, ok, detail, cell_ids)", checkColumns, n,
			args[checkColumns*start:checkColumns*(start+n)]); err != nil {
			return err
		}
	}
	if p.sig != nil {
		if _, err := w.exec(ctx, `INSERT INTO text_signatures (version_id, shingles, signature) VALUES (?, ?, ?)`,
			versionID, p.shingles, p.sig.bytes()); err != nil {
			return err
		}
	}
	return nil
}

// rowsPerInsert is how many rows one INSERT writes: binding a statement of many
// rows costs the driver far less per row than one statement per row.
const rowsPerInsert = 250

// The columns of the version_cells and version_checks rows that prepare boxes.
const (
	cellColumns  = 11
	checkColumns = 6
)

// insertMany inserts rows rows of columns values each with one statement.
func (w *writer) insertMany(ctx context.Context, into string, columns, rows int, args []any) error {
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", columns), ", ") + ")"
	_, err := w.exec(ctx, "INSERT INTO "+into+" VALUES "+strings.TrimSuffix(strings.Repeat(row+", ", rows), ", "), args...)
	return err
}

// stmt returns the statement for a query, prepared once per transaction: the
// driver would otherwise parse and plan every statement each time it runs.
func (w *writer) stmt(ctx context.Context, query string) (stmt, error) {
	if st, ok := w.stmts[query]; ok {
		return st, nil
	}
	st, err := w.tx.PrepareContext(ctx, query)
	if err != nil {
		return stmt{}, err
	}
	w.stmts[query] = st
	return st, nil
}

func (w *writer) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := w.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

func (w *writer) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := w.stmt(ctx, query)
	if err != nil {
		return w.tx.QueryRowContext(ctx, query, args...) // a Row that carries the same error
	}
	return st.QueryRowContext(ctx, args...)
}

// QueryContext makes the writer a querier for queryInts.
func (w *writer) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := w.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

// setLatest makes the report's most recently stored version its latest, moves the
// LSH buckets to it, and marks the report and its neighbours for new findings. A
// report left without versions (after Reparse moved its only one) is removed.
func (w *writer) setLatest(ctx context.Context, reportID int64) error {
	var old, latest sql.NullInt64
	if err := w.queryRow(ctx, `SELECT latest_version_id, (SELECT max(id) FROM versions WHERE report_id = r.id)
		FROM logical_reports r WHERE id = ?`, reportID).Scan(&old, &latest); err != nil {
		return err
	}
	w.changed[reportID] = true
	if old.Valid && old != latest {
		// Reports found to resemble the old content must be looked at again.
		if err := w.markReferrers(ctx, reportID); err != nil {
			return err
		}
		if _, err := w.exec(ctx, `DELETE FROM text_bands WHERE version_id = ?`, old.Int64); err != nil {
			return err
		}
	}
	if !latest.Valid {
		_, err := w.exec(ctx, `DELETE FROM logical_reports WHERE id = ?`, reportID)
		return err
	}
	if _, err := w.exec(ctx, `UPDATE logical_reports SET latest_version_id = ? WHERE id = ?`, latest, reportID); err != nil {
		return err
	}
	if err := w.indexBands(ctx, latest.Int64); err != nil {
		return err
	}
	return w.markAffected(ctx, reportID, latest.Int64)
}

// cellKey is a cell's (table, row, column).
type cellKey struct{ tbl, row, col string }

// refID returns the cell_keys id of a cell reference (table.row.column).
func (w *writer) refID(ctx context.Context, ref string) (int64, error) {
	tbl, rest, ok1 := strings.Cut(ref, ".")
	row, col, ok2 := strings.Cut(rest, ".")
	if !ok1 || !ok2 {
		return 0, fmt.Errorf("cell reference %q is not table.row.column", ref)
	}
	return w.keyID(ctx, cellKey{tbl, row, col})
}

// keyID returns the cell_keys id of a key, adding the key if it is new.
func (w *writer) keyID(ctx context.Context, k cellKey) (int64, error) {
	id, found, err := w.findKey(ctx, k)
	if err != nil {
		return 0, err
	}
	if !found {
		// Another writer may add the same key meanwhile: its row is then read.
		err = w.queryRow(ctx, `INSERT INTO cell_keys (tbl, row_key, col_key) VALUES (?, ?, ?)
			ON CONFLICT (tbl, row_key, col_key) DO NOTHING RETURNING id`, k.tbl, k.row, k.col).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			err = w.queryRow(ctx, `SELECT id FROM cell_keys WHERE tbl = ? AND row_key = ? AND col_key = ?`, k.tbl, k.row, k.col).Scan(&id)
		}
	}
	if err == nil {
		w.itemKeys[k] = id
	}
	return id, err
}

// findKey returns the id of a cell key known to the cache, this transaction or the
// database, and whether there is one.
func (w *writer) findKey(ctx context.Context, k cellKey) (int64, bool, error) {
	for _, cache := range []map[cellKey]int64{w.keys, w.newKeys, w.itemKeys} {
		if id, ok := cache[k]; ok {
			return id, true, nil
		}
	}
	var id int64
	err := w.queryRow(ctx, `SELECT id FROM cell_keys WHERE tbl = ? AND row_key = ? AND col_key = ?`, k.tbl, k.row, k.col).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	return id, err == nil, err
}
