package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestRefusesWhatIsNotAnArchive(t *testing.T) {
	sqliteOnly(t)
	foreignDB := func(t *testing.T, path string, appID int) {
		db, err := sql.Open("sqlite", path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := db.Exec(`CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('mine')`); err != nil {
			t.Fatal(err)
		}
		if appID != 0 {
			if _, err := db.Exec(`PRAGMA application_id = 1234`); err != nil {
				t.Fatal(err)
			}
		}
	}
	cases := []struct {
		name  string
		make  func(t *testing.T, path string)
		error string
	}{
		{"text file", func(t *testing.T, path string) {
			os.WriteFile(path, []byte("name,year\n株洲市,2022\n"), 0o644)
		}, "not a SQLite database"},
		{"truncated SQLite header", func(t *testing.T, path string) {
			os.WriteFile(path, []byte("SQLite for"), 0o644)
		}, "not a SQLite database"},
		{"corrupt SQLite file", func(t *testing.T, path string) {
			data := append([]byte("SQLite format 3\x00"), bytes.Repeat([]byte{0xA5}, 4096)...)
			os.WriteFile(path, data, 0o644)
		}, "not a readable SQLite database"},
		{"another application's database", func(t *testing.T, path string) { foreignDB(t, path, 0) }, "another application (1 tables"},
		{"another application_id", func(t *testing.T, path string) { foreignDB(t, path, 1234) }, "application_id 0x4d2"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, DBFile)
			c.make(t, path)
			before, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			s, err := Open(dir)
			if err == nil {
				s.Close()
				t.Fatal("opened")
			}
			if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), c.error) {
				t.Errorf("error %q does not name the file and say %q", err, c.error)
			}
			after, _ := os.ReadFile(path)
			if !bytes.Equal(before, after) {
				t.Error("the file was changed")
			}
		})
	}
}

func TestOpenExistingNeedsAnArchive(t *testing.T) {
	sqliteOnly(t)
	dir := filepath.Join(t.TempDir(), "data")
	if _, err := OpenExisting(dir); !errors.Is(err, ErrNoArchive) {
		t.Fatalf("OpenExisting on nothing: %v", err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Error("OpenExisting created the data folder")
	}
}

func TestOpenSetsModes(t *testing.T) {
	sqliteOnly(t)
	s := newStore(t)
	var mode string
	var fk, timeout, appID, version int
	if err := s.db.QueryRow(`SELECT (SELECT journal_mode FROM pragma_journal_mode), (SELECT foreign_keys FROM pragma_foreign_keys),
		(SELECT timeout FROM pragma_busy_timeout), (SELECT application_id FROM pragma_application_id),
		(SELECT user_version FROM pragma_user_version)`).Scan(&mode, &fk, &timeout, &appID, &version); err != nil {
		t.Fatal(err)
	}
	if mode != "wal" || fk != 1 || timeout < 1000 || appID != ApplicationID || version != SchemaVersion() {
		t.Errorf("journal_mode %s, foreign_keys %d, busy_timeout %d, application_id %#x, user_version %d", mode, fk, timeout, appID, version)
	}
}

func TestMigrationUpgradesAnOlderArchive(t *testing.T) {
	sqliteOnly(t)
	dir := t.TempDir()
	old, err := openAt(dir, true, 1)
	if err != nil {
		t.Fatal(err)
	}
	// An archive at schema 1 (tables, no views) holding one report, written as
	// that schema's code wrote it.
	if _, err := old.db.Exec(`
		INSERT INTO logical_reports (id, identity, organ, year) VALUES (1, 'organ:株洲市天元区金融办/2022', '株洲市天元区金融办', 2022);
		INSERT INTO versions (id, report_id, seq, content_hash, parser_version, stored_at, derived_at, source, title, organ,
			region, year, format, n_cells, n_checks, n_failed_checks, n_warnings, record_json)
		VALUES (1, 1, 1, 'h', '0.1.0', '2023-02-01T00:00:00Z', '2023-02-01T00:00:00Z', 'a.txt', '株洲市天元区金融办2022年政府信息公开工作年度报告',
			'株洲市天元区金融办', '株洲市天元区', 2022, '2021', 1, 0, 0, 0, '{"format":"2021","medium":"scan"}');
		UPDATE logical_reports SET latest_version_id = 1;
		INSERT INTO cell_keys (id, tbl, row_key, col_key) VALUES (1, 'table3', 'new_received', 'total');
		INSERT INTO version_cells (version_id, ord, key_id, raw, kind, value) VALUES (1, 0, 1, '4', 'number', 4);`); err != nil {
		t.Fatal(err)
	}
	if _, err := old.db.Exec(`SELECT * FROM reports`); err == nil {
		t.Fatal("schema 1 already has the views")
	}
	old.Close()

	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if v := queryInt(t, s.db, `PRAGMA user_version`); v != int64(SchemaVersion()) {
		t.Errorf("user_version %d after upgrade, want %d", v, SchemaVersion())
	}
	if got := queryInt(t, s.db, `SELECT total FROM t3 WHERE report_id = 1 AND row_key = 'new_received'`); got != 4 {
		t.Errorf("the upgraded archive's t3 shows %d, want 4", got)
	}
	// Schema 9 keeps each version's medium beside its record, from the record;
	// the cells stored before it have no OCR provenance (NULL, not invented).
	if rows := queryRows(t, s.db, `SELECT r.medium, c.read, c.page, c.box, c.confidence FROM reports r JOIN cells c ON c.report_id = r.id`); len(rows) != 1 ||
		rows[0]["medium"] != "scan" || rows[0]["read"] != nil || rows[0]["page"] != nil || rows[0]["box"] != nil || rows[0]["confidence"] != nil {
		t.Errorf("the upgraded archive's medium and provenance: %v", rows)
	}
	// A newer archive is refused by older code, which would not know its schema.
	if _, err := s.db.Exec(`PRAGMA user_version = 99`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := Open(dir); err == nil || !strings.Contains(err.Error(), "newer gongkai") {
		t.Errorf("opening a newer archive: %v", err)
	}
}

// A reader (another handle on the file, as the web server would have) keeps
// reading while a writer ingests: no errors, and every report it sees is whole.
func TestReaderWhileWriting(t *testing.T) {
	sqliteOnly(t)
	dir := t.TempDir()
	writer, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer writer.Close()
	reader, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()

	base := fixture(t, "xiling-education-2022")
	const batches, perBatch = 20, 10
	done := make(chan struct{})
	var wg sync.WaitGroup
	var readErr error
	reads, maxSeen := 0, int64(0)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-done:
				return
			default:
			}
			var reportsSeen, partial int64
			err := reader.db.QueryRow(`SELECT count(*), coalesce(sum(n_cells <> (SELECT count(*) FROM cells c WHERE c.report_id = r.id)), 0)
				FROM reports r`).Scan(&reportsSeen, &partial)
			if err == nil && partial != 0 {
				err = errors.New("a report without all its cells")
			}
			if err != nil {
				readErr = err
				return
			}
			reads++
			maxSeen = max(maxSeen, reportsSeen)
			time.Sleep(time.Millisecond)
		}
	}()
	for b := 0; b < batches; b++ {
		var items []Item
		for i := 0; i < perBatch; i++ {
			rec := clone(t, base)
			rec.Organ = rec.Organ + string(rune('A'+b)) + string(rune('a'+i))
			items = append(items, item(rec, rec.Organ, rec.Organ))
		}
		if _, err := writer.Ingest(context.Background(), items); err != nil {
			t.Fatal(err)
		}
	}
	close(done)
	wg.Wait()
	if readErr != nil {
		t.Fatalf("reader: %v", readErr)
	}
	if reads < 2 {
		t.Errorf("only %d reads happened while writing", reads)
	}
	if n := queryInt(t, reader.db, `SELECT count(*) FROM reports`); n != batches*perBatch {
		t.Errorf("the reader sees %d reports at the end, want %d", n, batches*perBatch)
	}
	t.Logf("%d reads during the ingest, up to %d reports seen", reads, maxSeen)
}
