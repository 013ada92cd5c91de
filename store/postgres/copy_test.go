package postgres

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"gongkai/internal/pgtest"
	"gongkai/report"
	"gongkai/store"
)

// A copy killed midway (its context ended after a few chunks) goes on where it
// stopped when run again: every table ends with the SQLite archive's rows,
// none copied twice, and the records read from PostgreSQL are those of SQLite.
func TestCopyResumesAfterAKill(t *testing.T) {
	ctx := context.Background()
	defer func(rows int) { copyChunk = rows }(copyChunk)
	copyChunk = 40 // a few chunks a table from the fixtures' rows
	lite, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	var items []store.Item
	for _, name := range []string{"xiling-education-2022", "zhuzhou-jinrongban-2022", "xiongxian-township-2019", "pingtan-2016-legacy", "hanweb-2021-scan"} {
		data, err := os.ReadFile(filepath.Join("..", "testdata", name+".json"))
		if err != nil {
			t.Fatal(err)
		}
		rec := &report.Record{}
		if err := json.Unmarshal(data, rec); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(data)
		items = append(items, store.Item{Record: rec, ParserVersion: "test", Doc: store.Document{
			URI: "http://example.gov.cn/" + name + ".html", SHA256: hex.EncodeToString(sum[:]), MediaType: "text/html",
			Size: int64(len(data)), FetchedAt: time.Date(2023, 2, 1, 8, 0, 0, 0, time.UTC), Bytes: data}})
	}
	if _, err := lite.Ingest(ctx, items); err != nil {
		t.Fatal(err)
	}

	e, err := Open(ctx, pgtest.Schema(t, "pgtest_copy"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	pg, err := store.OpenEngine(ctx, e)
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	killed, kill := context.WithCancel(ctx)
	chunks := 0
	_, err = Copy(killed, lite.Engine().DB(), e, func(CopyStats) {
		if chunks++; chunks == 5 {
			kill()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("the killed copy: %v", err)
	}
	var before int64
	if err := e.DB().QueryRow(`SELECT sum(rows) FROM gongkai_copy`).Scan(&before); err != nil || before == 0 {
		t.Fatalf("the killed copy noted %d rows: %v", before, err)
	}
	stats, err := Copy(ctx, lite.Engine().DB(), e, nil)
	if err != nil {
		t.Fatal(err)
	}
	var source, copied int64
	for _, st := range stats {
		if st.Source != st.Target {
			t.Errorf("%s: %d rows in SQLite, %d in PostgreSQL", st.Table, st.Source, st.Target)
		}
		source += st.Source
		copied += st.Copied
	}
	if before+copied != source || copied == 0 {
		t.Errorf("%d rows before the kill and %d after it, of %d", before, copied, source)
	}
	records := func(s *store.DB) string {
		h := sha256.New()
		enc := json.NewEncoder(h)
		if err := s.StoredRecords(ctx, store.Filter{}, true, func(r store.StoredRecord) error { return enc.Encode(r) }); err != nil {
			t.Fatal(err)
		}
		return hex.EncodeToString(h.Sum(nil))
	}
	if a, b := records(lite), records(pg); a != b {
		t.Errorf("the records differ: %s in SQLite, %s in PostgreSQL", a, b)
	}
}
