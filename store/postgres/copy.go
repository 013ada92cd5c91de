package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// copyTables are the SQLite archive's tables in the order that keeps every
// reference valid, each with the columns of its key, which the copy pages
// through in order (so that a copy killed midway resumes after its last chunk).
var copyTables = []struct {
	name string
	key  []string
}{
	{"blobs", []string{"sha256"}},
	{"regions", []string{"code"}},
	{"cell_keys", []string{"id"}},
	{"logical_reports", []string{"id"}}, // latest_version_id filled in at the end
	{"versions", []string{"id"}},
	{"documents", []string{"id"}},
	{"version_cells", []string{"version_id", "ord"}},
	{"version_checks", []string{"version_id", "ord"}},
	{"findings", []string{"version_id", "rule"}},
	{"text_signatures", []string{"version_id"}},
	{"text_bands", []string{"year", "band", "bucket", "version_id"}},
	{"crawl_runs", []string{"id"}},
	{"crawl_queue", []string{"run_id", "url_key"}},
	{"url_state", []string{"url_key"}},
	{"report_changes", []string{"report_id"}},
}

// identityTables have an id that new rows take from a sequence, which must
// start after the copied ids.
var identityTables = []string{"cell_keys", "logical_reports", "versions", "documents", "crawl_runs"}

// copyLock is the advisory lock a copy holds.
const copyLock = 0x676b6163 // "gkac"

// A transaction copies copyChunk rows, or fewer of about copyBytes (the raw
// documents of blobs are large).
var (
	copyChunk = 5000
	copyBytes = 32 << 20
)

// CopyStats are what Copy counted per table.
type CopyStats struct {
	Table  string
	Source int64 // rows in the SQLite archive
	Copied int64 // rows this run copied
	Target int64 // rows in PostgreSQL after the copy
}

// Copy copies every row of a SQLite archive (src, at the current schema) into
// the empty archive of e, chunk by chunk: each chunk and the note of how far
// the copy got are one transaction, so a copy that was killed resumes where it
// stopped. A target archive that holds rows Copy did not write is refused.
func Copy(ctx context.Context, src *sql.DB, e *Engine, progress func(CopyStats)) ([]CopyStats, error) {
	dst := e.db
	// One copy at a time: two would write the same chunks.
	conn, err := dst.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", e.name, err)
	}
	defer conn.Close()
	var locked bool
	if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock($1)`, e.lock(copyLock)).Scan(&locked); err != nil {
		return nil, fmt.Errorf("%s: %w", e.name, err)
	}
	if !locked {
		return nil, fmt.Errorf("%s: another gongkai migrate is copying into this database", e.name)
	}
	defer conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock($1)`, e.lock(copyLock))
	if _, err := dst.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS gongkai_copy (
		tbl TEXT PRIMARY KEY, last_key TEXT NOT NULL, rows BIGINT NOT NULL, done INTEGER NOT NULL DEFAULT 0)`); err != nil {
		return nil, fmt.Errorf("%s: %w", e.name, err)
	}
	var started, reports int64
	if err := dst.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM gongkai_copy), (SELECT count(*) FROM logical_reports)`).Scan(&started, &reports); err != nil {
		return nil, fmt.Errorf("%s: %w", e.name, err)
	}
	if started == 0 && reports > 0 {
		return nil, fmt.Errorf("%s: the archive there already holds %d reports that no copy wrote; copy into an empty database", e.name, reports)
	}
	var out []CopyStats
	for _, t := range copyTables {
		st, err := copyTable(ctx, src, e, t.name, t.key, progress)
		if err != nil {
			return out, fmt.Errorf("copying %s: %w", t.name, err)
		}
		out = append(out, st)
	}
	// Each report's latest version, now that the versions are there.
	rows, err := src.QueryContext(ctx, `SELECT id, latest_version_id FROM logical_reports WHERE latest_version_id IS NOT NULL ORDER BY id`)
	if err != nil {
		return out, err
	}
	var pairs [][2]int64
	for rows.Next() {
		var p [2]int64
		if err := rows.Scan(&p[0], &p[1]); err != nil {
			rows.Close()
			return out, err
		}
		pairs = append(pairs, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return out, err
	}
	for start := 0; start < len(pairs); start += copyChunk {
		chunk := pairs[start:min(start+copyChunk, len(pairs))]
		var vals []string
		var args []any
		for i, p := range chunk {
			vals = append(vals, fmt.Sprintf("($%d::bigint, $%d::bigint)", 2*i+1, 2*i+2))
			args = append(args, p[0], p[1])
		}
		if _, err := dst.ExecContext(ctx, `UPDATE logical_reports SET latest_version_id = v.l FROM (VALUES `+
			strings.Join(vals, ", ")+`) AS v(id, l) WHERE logical_reports.id = v.id`, args...); err != nil {
			return out, fmt.Errorf("%s: setting the latest versions: %w", e.name, err)
		}
	}
	for _, t := range identityTables {
		if _, err := dst.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('`+t+`', 'id'), coalesce(max(id), 0) + 1, false) FROM `+t); err != nil {
			return out, fmt.Errorf("%s: %w", e.name, err)
		}
	}
	return out, nil
}

func copyTable(ctx context.Context, src *sql.DB, e *Engine, table string, key []string, progress func(CopyStats)) (CopyStats, error) {
	st := CopyStats{Table: table}
	if err := src.QueryRowContext(ctx, `SELECT count(*) FROM `+table).Scan(&st.Source); err != nil {
		return st, err
	}
	var lastJSON string
	var done int
	err := e.db.QueryRowContext(ctx, `SELECT last_key, done FROM gongkai_copy WHERE tbl = $1`, table).Scan(&lastJSON, &done)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return st, err
	}
	var last []any
	if lastJSON != "" {
		dec := json.NewDecoder(strings.NewReader(lastJSON))
		dec.UseNumber()
		if err := dec.Decode(&last); err != nil {
			return st, fmt.Errorf("the copy's note of %s: %w", table, err)
		}
		last = fromJSON(last)
	}
	for done == 0 {
		query := `SELECT * FROM ` + table
		if last != nil {
			query += ` WHERE (` + strings.Join(key, ", ") + `) > (` + strings.TrimSuffix(strings.Repeat("?, ", len(key)), ", ") + `)`
		}
		query += ` ORDER BY ` + strings.Join(key, ", ") + fmt.Sprintf(` LIMIT %d`, copyChunk)
		cols, batch, err := readRows(ctx, src, query, last, copyBytes)
		if err != nil {
			return st, err
		}
		if len(batch) == 0 {
			if _, err := e.db.ExecContext(ctx, `INSERT INTO gongkai_copy (tbl, last_key, rows, done) VALUES ($1, '', 0, 1)
				ON CONFLICT (tbl) DO UPDATE SET done = 1`, table); err != nil {
				return st, err
			}
			break
		}
		var keyIdx []int
		for _, k := range key {
			for i, c := range cols {
				if c == k {
					keyIdx = append(keyIdx, i)
				}
			}
		}
		lastRow := batch[len(batch)-1]
		last = nil
		for _, i := range keyIdx {
			last = append(last, lastRow[i])
		}
		note, err := json.Marshal(last)
		if err != nil {
			return st, err
		}
		if err := writeChunk(ctx, e, table, cols, batch, string(note)); err != nil {
			return st, err
		}
		st.Copied += int64(len(batch))
		if progress != nil {
			progress(st)
		}
	}
	err = e.db.QueryRowContext(ctx, `SELECT count(*) FROM `+table).Scan(&st.Target)
	return st, err
}

// fromJSON gives the key values of a note as the queries take them: a number
// is an integer key (an LSH bucket needs all 64 bits), a string a text key.
func fromJSON(vals []any) []any {
	for i, v := range vals {
		if n, ok := v.(json.Number); ok {
			if x, err := n.Int64(); err == nil {
				vals[i] = x
			}
		}
	}
	return vals
}

// readRows reads the rows of a query, stopping after the first row that brings
// what they hold to maxBytes.
func readRows(ctx context.Context, src *sql.DB, query string, args []any, maxBytes int) ([]string, [][]any, error) {
	rows, err := src.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, nil, err
	}
	var out [][]any
	size := 0
	for size < maxBytes && rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, nil, err
		}
		for _, v := range vals {
			switch v := v.(type) {
			case string:
				size += len(v)
			case []byte:
				size += len(v)
			default:
				size += 8
			}
		}
		out = append(out, vals)
	}
	return cols, out, rows.Err()
}

// writeChunk copies rows into the table (COPY, by pgx's CopyFrom) and notes how
// far the copy got, in one transaction.
func writeChunk(ctx context.Context, e *Engine, table string, cols []string, batch [][]any, note string) error {
	if table == "logical_reports" {
		// Each report's latest version is set once the versions are there.
		for i, c := range cols {
			if c == "latest_version_id" {
				for _, row := range batch {
					row[i] = nil
				}
			}
		}
	}
	conn, err := e.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(driverConn any) error {
		tx, err := driverConn.(*stdlib.Conn).Conn().Begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback(ctx)
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromRows(batch)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO gongkai_copy (tbl, last_key, rows) VALUES ($1, $2, $3)
			ON CONFLICT (tbl) DO UPDATE SET last_key = excluded.last_key, rows = gongkai_copy.rows + excluded.rows`, table, note, len(batch)); err != nil {
			return err
		}
		return tx.Commit(ctx)
	})
}
