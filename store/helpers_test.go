package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"gongkai/report"
)

// The fixtures are records that `gongkai parse --json` made of real reports:
// xiling-education-2022 (宜昌市西陵区教育局, 2021 format, figures that are not all 0,
// published 2023-01-28), zhuzhou-jinrongban-2022 (株洲市天元区金融办, all 0),
// xiongxian-township-2019 (no organ in the page, every table 3 cell blank) and
// pingtan-2016-legacy (平潭综合实验区, legacy, published 2017-01-18).
func fixture(t testing.TB, name string) *report.Record {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	rec := &report.Record{}
	if err := json.Unmarshal(data, rec); err != nil {
		t.Fatal(err)
	}
	return rec
}

// clone deep-copies a record through JSON, as a second parse of other bytes would
// produce it.
func clone(t testing.TB, rec *report.Record) *report.Record {
	t.Helper()
	data, err := json.Marshal(rec)
	if err != nil {
		t.Fatal(err)
	}
	out := &report.Record{}
	if err := json.Unmarshal(data, out); err != nil {
		t.Fatal(err)
	}
	return out
}

func newStore(t testing.TB) *DB {
	t.Helper()
	s, err := openTest(t, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// item wraps a record as ingested from uri with the given raw bytes.
func item(rec *report.Record, uri, raw string) Item {
	sum := sha256.Sum256([]byte(raw))
	return Item{
		Doc: Document{URI: uri, SHA256: hex.EncodeToString(sum[:]), MediaType: "text/html", Size: int64(len(raw)),
			FetchedAt: time.Date(2023, 2, 1, 8, 0, 0, 0, time.UTC), Bytes: []byte(raw)},
		Record: rec, ParserVersion: "test",
	}
}

func ingest(t testing.TB, s *DB, items ...Item) []Result {
	t.Helper()
	res, err := s.Ingest(context.Background(), items)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res {
		if r.Err != nil {
			t.Fatalf("item %d: %v", i, r.Err)
		}
	}
	return res
}

// setCell changes a printed cell and the figure the tables hold for it.
func setCell(t testing.TB, rec *report.Record, table, row, col string, v int64) {
	t.Helper()
	for i, c := range rec.Cells {
		if c.Table == table && c.Row == row && c.Column == col {
			f := float64(v)
			rec.Cells[i].Raw, rec.Cells[i].Kind, rec.Cells[i].Value = jsonNumber(v), report.KindNumber, &f
			switch table {
			case report.T3:
				rec.Table3[row][col] = v
			case report.T4:
				rec.Table4[row][col] = v
			case report.T2:
				rec.Table2[row][col] = f
			}
			return
		}
	}
	t.Fatalf("no cell %s.%s.%s", table, row, col)
}

func jsonNumber(v int64) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// queryRows runs a query and returns its rows as maps of column to value.
func queryRows(t testing.TB, db *Conn, query string, args ...any) []map[string]any {
	t.Helper()
	rows, err := db.Query(query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	numeric, err := numericColumns(rows)
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		plainNumbers(vals, numeric)
		m := map[string]any{}
		for i, c := range cols {
			m[c] = vals[i]
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func queryInt(t testing.TB, db *Conn, query string, args ...any) int64 {
	t.Helper()
	var n sql.NullInt64
	if err := db.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n.Int64
}
