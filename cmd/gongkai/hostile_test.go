package main

import (
	"context"
	"encoding/csv"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gongkai/index"
)

// A search too large to run is a usage error that says the bound, in Chinese
// and English, without printing the query back or a stack.
func TestSearchRefusesAHugeQuery(t *testing.T) {
	data := ingestInto(t, "zhuzhou-tianyuan-jinrongban-2022.txt")
	for _, q := range []string{strings.Repeat("公", 44000), strings.Repeat("复议 ", 40)} {
		out, errs, status := gongkai(t, "search", "--data", data, q)
		if status != exitUsage || out != "" || !strings.Contains(errs, "最多") || !strings.Contains(errs, "at most") || len(errs) > 2000 {
			t.Errorf("search of %d characters: status %d, stdout %.80q, stderr %.300q", len(q), status, out, errs)
		}
	}
	if hits := searchJSON(t, data, strings.Repeat("金融办 ", 20)).Hits; len(hits) != 1 {
		t.Errorf("a long query within the bounds: %d hits", len(hits))
	}
}

// A report whose organ a portal wrote as a spreadsheet formula.
var formulaReport = strings.Replace(textReport, "某某县", `=HYPERLINK("http://evil.example/","点此")县`, 1)

// Every CSV export guards formula cells as the web's downloads do: a cell that
// begins with =, +, -, @, a tab or a carriage return opens as text.
func TestExportCSVGuardsFormulas(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	if _, errs, status := gongkai(t, "ingest", "--data", data, writeFile(t, dir, "report.txt", formulaReport)); status != exitOK {
		t.Fatalf("ingest: %d %s", status, errs)
	}
	for _, args := range [][]string{{}, {"--table", "checks"}, {"--wide"}, {"--no-bom"}} {
		out, errs, status := gongkai(t, append([]string{"export", "--data", data, "--format", "csv"}, args...)...)
		if status != exitOK {
			t.Fatalf("export %q: %d %s", args, status, errs)
		}
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "\uFEFF"))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		organs := 0
		for _, row := range rows[1:] {
			for _, cell := range row {
				if cell != "" && strings.ContainsRune("=+@\t\r", rune(cell[0])) || strings.HasPrefix(cell, "-") && cell != "-" && strings.Trim(cell, "-0123456789.") != "" {
					t.Errorf("export %q: unguarded cell %q", args, cell)
				}
				if strings.HasPrefix(cell, `'=HYPERLINK("http://evil.example/","点此")`) {
					organs++
				}
			}
		}
		if organs == 0 {
			t.Errorf("export %q: no guarded organ name in %d rows", args, len(rows))
		}
	}
}

// panickyContext is a request context whose Done panics once released: a search
// that fails in the middle, as a search of a 44,000-character word once did.
type panickyContext struct {
	context.Context
	release chan struct{}
}

func (c panickyContext) Done() <-chan struct{} {
	<-c.release
	panic("a search that fails")
}

// A search that panics does not leave the requests for the same search waiting
// for good (they did: the server kept the search as running, and every request
// for it hung until its client gave up); they run it themselves.
func TestPanickedSearchReleasesItsWaiters(t *testing.T) {
	dir := t.TempDir()
	ix, err := index.Open(indexDir(dir))
	if err != nil {
		t.Fatal(err)
	}
	ix.Close()
	s := &sharedIndex{dir: indexDir(dir), idle: time.Minute, turns: make(chan struct{}, 2)}
	defer s.Close()
	r := index.Request{Query: "复议"}
	failing := panickyContext{Context: context.Background(), release: make(chan struct{})}
	go func() {
		defer func() { recover() }()
		s.Search(failing, r)
	}()
	for {
		s.mu.Lock()
		_, running := s.running[r]
		s.mu.Unlock()
		if running {
			break
		}
		time.Sleep(time.Millisecond)
	}
	answered := make(chan error, 1)
	go func() {
		_, err := s.Search(context.Background(), r)
		answered <- err
	}()
	time.Sleep(50 * time.Millisecond) // the second search now waits for the first
	close(failing.release)
	select {
	case err := <-answered:
		if err != nil {
			t.Errorf("the same search after one panicked: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the same search still waits for one that panicked")
	}
}
