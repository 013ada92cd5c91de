package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"gongkai/parse"
	"gongkai/store"
)

// corpus is shared/corpus beside the repository: real reports as published.
var corpus = filepath.Join("..", "..", "..", "shared", "corpus")

func corpusFile(t *testing.T, name string) string {
	t.Helper()
	p := filepath.Join(corpus, name)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("the corpus is needed beside the repository: %v", err)
	}
	return p
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func openDB(t *testing.T, dataDir string) *store.Conn {
	t.Helper()
	s, err := store.OpenExisting(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s.SQL()
}

func TestIngestCorpus(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in")
	for _, name := range []string{"README.md", "pingtan-2016-legacy.htm", "xiongxian-township-2019.txt", "zhuzhou-tianyuan-jinrongban-2022.txt"} {
		copyFile(t, corpusFile(t, name), filepath.Join(in, name))
	}
	writeFile(t, in, ".notes.txt", "hidden: not read")
	data := filepath.Join(dir, "data")

	out, errs, status := gongkai(t, "ingest", "--data", data, "-v", in)
	want := []string{
		"skipped    " + filepath.Join(in, "README.md") + ": not an annual report: no report title and none of the statistical tables",
		"new        " + filepath.Join(in, "pingtan-2016-legacy.htm") + "  平潭综合实验区 2016",
		"new        " + filepath.Join(in, "xiongxian-township-2019.txt") + "  (no organ) 2019",
		"new        " + filepath.Join(in, "zhuzhou-tianyuan-jinrongban-2022.txt") + "  株洲市天元区金融办 2022",
		"new 3, changed 0, unchanged 0, skipped 1 (not reports), failed 0",
	}
	if status != exitOK || errs != "" || out != strings.Join(want, "\n")+"\n" {
		t.Fatalf("first ingest: status %d, stderr %q, stdout:\n%s\nwant:\n%s", status, errs, out, strings.Join(want, "\n"))
	}

	// Again, plus the same report under another name and an empty file: the bytes
	// already stored are not parsed again, the copy is another source of the same
	// report, the empty file fails (exit 1) and is named on standard error.
	copyFile(t, filepath.Join(in, "zhuzhou-tianyuan-jinrongban-2022.txt"), filepath.Join(in, "mirror", "zhuzhou.txt"))
	writeFile(t, in, "empty.txt", "")
	out, errs, status = gongkai(t, "ingest", "--data", data, "-v", in)
	if status != exitFailed {
		t.Errorf("status %d with an empty file, want %d", status, exitFailed)
	}
	for _, line := range []string{
		"unchanged  " + filepath.Join(in, "mirror", "zhuzhou.txt") + "  株洲市天元区金融办 2022 (a new source of report 3 version 1)",
		"unchanged  " + filepath.Join(in, "pingtan-2016-legacy.htm") + "  平潭综合实验区 2016",
		"failed     " + filepath.Join(in, "empty.txt") + ": empty file",
		"new 0, changed 0, unchanged 4, skipped 1 (not reports), failed 1",
	} {
		if !strings.Contains(out, line+"\n") {
			t.Errorf("second ingest lacks %q:\n%s", line, out)
		}
	}
	if errs != "gongkai ingest: "+filepath.Join(in, "empty.txt")+": empty file\n" {
		t.Errorf("stderr %q", errs)
	}
	db := openDB(t, data)
	var reports, sources int
	if err := db.QueryRow(`SELECT (SELECT count(*) FROM reports), (SELECT count(*) FROM sources)`).Scan(&reports, &sources); err != nil {
		t.Fatal(err)
	}
	if reports != 3 || sources != 4 {
		t.Errorf("%d reports with %d sources, want 3 with 4", reports, sources)
	}
}

func TestIngestRefusesHugeFiles(t *testing.T) {
	dir := t.TempDir()
	huge := filepath.Join(dir, "huge.html")
	f, err := os.Create(huge)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	if err := os.Truncate(huge, parse.MaxDocument+1); err != nil {
		t.Fatal(err)
	}
	out, errs, status := gongkai(t, "ingest", "--data", filepath.Join(dir, "data"), huge)
	if status != exitFailed || !strings.Contains(errs, huge+": too large") || !strings.Contains(out, "failed 1") {
		t.Errorf("status %d, stdout %q, stderr %q", status, out, errs)
	}
}

func TestIngestRefusesAForeignDatabase(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	if err := os.MkdirAll(data, 0o755); err != nil {
		t.Fatal(err)
	}
	notes := writeFile(t, data, store.DBFile, "my own notes, not a database\n")
	_, errs, status := gongkai(t, "ingest", "--data", data, corpusFile(t, "zhuzhou-tianyuan-jinrongban-2022.txt"))
	if status != exitFailed || !strings.Contains(errs, notes+": not a gongkai archive") {
		t.Errorf("status %d, stderr %q", status, errs)
	}
	if got, _ := os.ReadFile(notes); string(got) != "my own notes, not a database\n" {
		t.Errorf("the file was changed: %q", got)
	}
}

// crashFiles writes n distinct reports (the 株洲 report with the department
// renamed) into dir.
func crashFiles(t *testing.T, dir string, n int) {
	t.Helper()
	src, err := os.ReadFile(corpusFile(t, "zhuzhou-tianyuan-jinrongban-2022.txt"))
	if err == nil {
		err = os.MkdirAll(dir, 0o755)
	}
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		text := strings.ReplaceAll(string(src), "金融办", fmt.Sprintf("第%d办", i))
		writeFile(t, dir, fmt.Sprintf("r%04d.txt", i), text)
	}
}

// TestIngestChild is the ingest that TestIngestKilledMidway runs in a child
// process and kills; run alone it does nothing.
func TestIngestChild(t *testing.T) {
	args := os.Getenv("GONGKAI_INGEST_CHILD")
	if args == "" {
		t.Skip("run by TestIngestKilledMidway")
	}
	ingestBatch = 10
	os.Exit(run(strings.Split(args, "\x1f"), os.Stdout, os.Stderr))
}

// A process killed with SIGKILL in the middle of an ingest leaves every committed
// report whole, and the next ingest stores the rest.
func TestIngestKilledMidway(t *testing.T) {
	if testing.Short() {
		t.Skip("builds an archive of 300 reports")
	}
	const files = 300
	dir := t.TempDir()
	in, data := filepath.Join(dir, "in"), filepath.Join(dir, "data")
	crashFiles(t, in, files)

	child := exec.Command(os.Args[0], "-test.run=^TestIngestChild$")
	child.Env = append(os.Environ(), "GONGKAI_INGEST_CHILD="+strings.Join([]string{"ingest", "-v", "--data", data, in}, "\x1f"))
	stdout, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	// Kill it as soon as two batches are committed: it is then parsing or writing
	// the third.
	lines := bufio.NewScanner(stdout)
	stored := 0
	for stored < 20 && lines.Scan() {
		if strings.HasPrefix(lines.Text(), "new ") {
			stored++
		}
	}
	if err := child.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	child.Wait()
	if stored < 20 {
		t.Fatalf("the child stored only %d reports before it ended", stored)
	}

	db := openDB(t, data)
	var integrity string
	if err := db.QueryRow(`PRAGMA integrity_check`).Scan(&integrity); err != nil || integrity != "ok" {
		t.Fatalf("integrity_check: %q, %v", integrity, err)
	}
	// Every stored version has all its cells and checks, and a document; every
	// document stored as a report has its version.
	var reports, partial, orphans int
	if err := db.QueryRow(`SELECT count(*),
		coalesce(sum(n_cells <> (SELECT count(*) FROM version_cells c WHERE c.version_id = v.id)
			OR n_checks <> (SELECT count(*) FROM version_checks c WHERE c.version_id = v.id)
			OR NOT EXISTS (SELECT 1 FROM documents d WHERE d.version_id = v.id)), 0),
		(SELECT count(*) FROM documents d WHERE d.status = 'report' AND d.version_id NOT IN (SELECT id FROM versions))
		FROM versions v`).Scan(&reports, &partial, &orphans); err != nil {
		t.Fatal(err)
	}
	if reports < stored || reports >= files || partial != 0 || orphans != 0 {
		t.Fatalf("after the kill: %d reports (%d seen committed), %d without all their rows, %d documents without a version", reports, stored, partial, orphans)
	}

	out, errs, status := gongkai(t, "ingest", "--data", data, in)
	want := fmt.Sprintf("new %d, changed 0, unchanged %d, skipped 0 (not reports), failed 0\n", files-reports, reports)
	if status != exitOK || out != want {
		t.Fatalf("the second ingest: status %d, stdout %q (want %q), stderr %q", status, out, want, errs)
	}
	db = openDB(t, data)
	var total int
	if err := db.QueryRow(`SELECT count(*) FROM reports`).Scan(&total); err != nil || total != files {
		t.Errorf("%d reports in the end, want %d (%v)", total, files, err)
	}
	t.Logf("killed with %d of %d reports committed (%d reported by the child)", reports, files, stored)
}
