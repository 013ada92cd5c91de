package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
)

// ingestInto ingests corpus files into a new data folder.
func ingestInto(t *testing.T, names ...string) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range names {
		copyFile(t, corpusFile(t, name), filepath.Join(dir, "in", name))
	}
	data := filepath.Join(dir, "data")
	if _, errs, status := gongkai(t, "ingest", "--data", data, filepath.Join(dir, "in")); status != exitOK || errs != "" {
		t.Fatalf("ingest: status %d, stderr %q", status, errs)
	}
	return data
}

func hitIDs(t *testing.T, data string, args ...string) []int64 {
	t.Helper()
	var ids []int64
	for _, h := range searchJSON(t, data, args...).Hits {
		ids = append(ids, h.ID)
	}
	slices.Sort(ids)
	return ids
}

// Ingest brings the index up to date; gongkai index then has nothing to do, and
// --rebuild indexes everything again.
func TestIndexCommand(t *testing.T) {
	data := ingestInto(t, "zhuzhou-tianyuan-jinrongban-2022.txt", "pingtan-2016-legacy.htm")
	if got := hitIDs(t, data, "金融办"); len(got) != 1 {
		t.Fatalf("after ingest, 金融办 finds %v", got)
	}
	out, errs, status := gongkai(t, "index", "--data", data)
	if status != exitOK || errs != "" || !strings.HasPrefix(out, "indexed 0 new and 0 changed reports, removed 0, 2 unchanged: 2 reports searchable") {
		t.Errorf("index: status %d, stderr %q, stdout %q", status, errs, out)
	}
	out, errs, status = gongkai(t, "index", "--data", data, "--rebuild")
	if status != exitOK || errs != "" || !strings.HasPrefix(out, "indexed 2 new and 0 changed reports, removed 0, 0 unchanged: 2 reports searchable") {
		t.Errorf("index --rebuild: status %d, stderr %q, stdout %q", status, errs, out)
	}
	if _, err := os.Stat(filepath.Join(data, "index.new")); !os.IsNotExist(err) {
		t.Errorf("the rebuild left index.new behind: %v", err)
	}
	if got := hitIDs(t, data, "平潭"); len(got) != 1 {
		t.Errorf("after the rebuild, 平潭 finds %v", got)
	}
	if _, errs, status := gongkai(t, "index", "--data", filepath.Join(t.TempDir(), "none")); status != exitFailed || !strings.Contains(errs, "no archive") {
		t.Errorf("no archive: status %d, stderr %q", status, errs)
	}

	// An index of an earlier layout is rebuilt by the next gongkai index, as
	// a new gongkai would find it, without being asked.
	b, err := bleve.Open(filepath.Join(data, "index"))
	if err != nil {
		t.Fatal(err)
	}
	if err := b.SetInternal([]byte("gongkai_schema"), []byte("7")); err != nil {
		t.Fatal(err)
	}
	b.Close()
	if _, _, status := gongkai(t, "search", "--data", data, "平潭"); status == exitOK {
		t.Fatal("the index marked as of layout 7 is still searched: the test marks nothing")
	}
	out, errs, status = gongkai(t, "index", "--data", data)
	if status != exitOK || errs != "" || !strings.HasPrefix(out, "indexed 2 new and 0 changed reports, removed 0, 0 unchanged: 2 reports searchable") {
		t.Errorf("index of an outdated layout: status %d, stderr %q, stdout %q", status, errs, out)
	}
	if got := hitIDs(t, data, "平潭"); len(got) != 1 {
		t.Errorf("after the outdated index was rebuilt, 平潭 finds %v", got)
	}
}

// A sync that fails after ingest is reported, in the summary and the exit
// status; what was stored stays, and gongkai index catches the index up.
func TestIngestKeepsWhatItStoredWhenTheIndexFails(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	copyFile(t, corpusFile(t, "zhuzhou-tianyuan-jinrongban-2022.txt"), filepath.Join(dir, "in", "zhuzhou.txt"))
	if err := os.MkdirAll(data, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(data, "index"), []byte("not an index"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errs, status := gongkai(t, "ingest", "--data", data, filepath.Join(dir, "in"))
	if status != exitNotIndexed || !strings.HasPrefix(out, "new 1,") || !strings.Contains(out, "not searchable yet") ||
		!strings.Contains(errs, "the search index was not brought up to date") {
		t.Fatalf("ingest: status %d, stdout %q, stderr %q", status, out, errs)
	}
	if n := countRows(t, data, `SELECT count(*) FROM reports`); n != 1 {
		t.Fatalf("%d reports stored, want 1", n)
	}
	os.Remove(filepath.Join(data, "index"))
	if _, errs, status := gongkai(t, "index", "--data", data); status != exitOK || errs != "" {
		t.Fatalf("index: status %d, stderr %q", status, errs)
	}
	if got := hitIDs(t, data, "金融办"); len(got) != 1 {
		t.Errorf("after gongkai index, 金融办 finds %v", got)
	}
}

// An index behind the archive does not show a report the archive no longer holds.
func TestSearchLeavesOutWhatTheArchiveDropped(t *testing.T) {
	both := ingestInto(t, "zhuzhou-tianyuan-jinrongban-2022.txt", "pingtan-2016-legacy.htm")
	one := ingestInto(t, "pingtan-2016-legacy.htm")
	// one's archive with both's index: report 2 (金融办) is indexed but not held.
	if err := os.RemoveAll(filepath.Join(one, "index")); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(both, "index"), filepath.Join(one, "index")); err != nil {
		t.Fatal(err)
	}
	out, errs, status := gongkai(t, "search", "--data", one, "--json", "平潭 OR 金融办")
	if status != exitOK || !strings.Contains(errs, "left out 1 reports the archive no longer holds") {
		t.Fatalf("status %d, stderr %q", status, errs)
	}
	if !strings.Contains(out, `"total":1,`) || strings.Contains(out, "金融办2022年") || !strings.Contains(out, "平潭综合实验区") {
		t.Errorf("the dropped report is shown: %s", out)
	}
}

func TestSearchArguments(t *testing.T) {
	data := ingestInto(t, "zhuzhou-tianyuan-jinrongban-2022.txt", "pingtan-2016-legacy.htm")
	zhuzhou, pingtan := hitIDs(t, data, "金融办"), hitIDs(t, data, "平潭")
	if len(zhuzhou) != 1 || len(pingtan) != 1 {
		t.Fatalf("金融办 %v, 平潭 %v", zhuzhou, pingtan)
	}
	for _, c := range []struct {
		args []string
		want []int64
	}{
		{[]string{"公开", "--year", "2016"}, pingtan},               // a flag after the query
		{[]string{"--format", "2021", "公开"}, zhuzhou},             // and before it
		{[]string{"公开", "-金融办"}, pingtan},                         // -word is NOT word, not a flag
		{[]string{"--", "-金融办", "公开"}, pingtan},                   // everything after -- is the query
		{[]string{"--region=株洲市", "公开"}, zhuzhou},                 // --flag=value
		{[]string{"--year", "2016-2022", "--failed-checks"}, nil}, // filters alone
	} {
		got := hitIDs(t, data, c.args...)
		if !slices.Equal(got, c.want) {
			t.Errorf("%q: %v, want %v", c.args, got, c.want)
		}
	}
	for _, args := range [][]string{
		{"--year", "16", "公开"}, {"--sort", "title", "公开"}, {"--limit", "501", "公开"}, {"--page", "0", "公开"},
		{"--colour", "公开"}, {"(公开"}, {},
	} {
		if _, errs, status := gongkai(t, append([]string{"search", "--data", data}, args...)...); status != exitUsage || errs == "" {
			t.Errorf("%q: status %d, stderr %q", args, status, errs)
		}
	}

	// The readable list shows the marks as 【】 and the facets.
	out, errs, status := gongkai(t, "search", "--data", data, "金融办")
	if status != exitOK || errs != "" {
		t.Fatalf("status %d, stderr %q", status, errs)
	}
	for _, want := range []string{"1 reports found (page 1 of 1, best match first)", "1. 株洲市天元区金融办2022年政府信息公开工作年度报告",
		"【金融办】", "Years:       2022 1", "Formats:     2021 1"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "<mark>") {
		t.Errorf("HTML marks on the terminal:\n%s", out)
	}
}

// Progress in a log is a line now and then with the rate and the time left; on
// a terminal one line kept up to date, ended when the run ends.
func TestIndexProgress(t *testing.T) {
	var log strings.Builder
	p := &progress{w: &log, start: time.Now().Add(-10 * time.Second)}
	p.report(1000, 4000) // the first report starts the clock of the log's lines
	p.report(2000, 4000)
	p.report(4000, 4000)
	p.end()
	want := "indexed 2000 of 4000 reports (50%), 200 reports/s, about 10s left\nindexed 4000 of 4000 reports (100%), 400 reports/s\n"
	if log.String() != want {
		t.Errorf("log:\n%s\nwant:\n%s", log.String(), want)
	}
	var term strings.Builder
	p = &progress{w: &term, terminal: true, start: time.Now().Add(-10 * time.Second)}
	p.report(1000, 4000)
	p.end()
	if got := term.String(); got != "\r\x1b[2Kindexed 1000 of 4000 reports (25%), 100 reports/s, about 30s left\n" {
		t.Errorf("terminal: %q", got)
	}
}
