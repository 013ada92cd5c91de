package archive_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"gongkai/archive"
	"gongkai/archive/archivetest"
	"gongkai/internal/lockfile"
)

func get(url string) archive.Exchange {
	return archive.Exchange{URL: url, Method: "GET", Proto: "HTTP/1.1", StatusCode: 200,
		ResponseHeader: http.Header{"Content-Type": {"text/html; charset=utf-8"}}, Date: time.Now()}
}

// repairedIn opens a copy of a WARC file in a folder of its own and returns
// what Open repaired in it.
func repairedIn(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, filepath.Base(path)), data, 0o644); err != nil {
		t.Fatal(err)
	}
	a, err := archive.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	return a.Repaired()
}

// Case 12: the disk fills during a crawl. The response being written fails
// with ENOSPC, and the file keeps only whole records, under its .open name
// until it is closed: every capture made before reads back, captures made
// once space is freed land at the offsets they are given, and the closed file
// ends with a whole record.
func TestFullDiskLeavesWholeFiles(t *testing.T) {
	dir := t.TempDir()
	disk := archivetest.NewDisk(300 << 10)
	a, err := archive.OpenWith(dir, disk.Create)
	if err != nil {
		t.Fatal(err)
	}
	// Report prose that does not compress to nothing: about 30 KB, 12 KB compressed.
	rng := rand.New(rand.NewPCG(1, 2))
	words := []rune("本年度共收到政府信息公开申请件全部予以公开行政复议诉讼主动依法规范性文件制发废止现行有效许可处罚强制事业性收费")
	var prose strings.Builder
	for range 10000 {
		prose.WriteRune(words[rng.IntN(len(words))])
	}
	page := prose.String()
	var kept []archive.Capture
	var failed error
	for i := 0; i < 200 && failed == nil; i++ {
		c, err := a.Response(get(fmt.Sprintf("http://a.gov.cn/%d.html", i)), strings.NewReader(fmt.Sprint(i, page)), false)
		if err != nil {
			failed = err
			break
		}
		kept = append(kept, c)
	}
	if !errors.Is(failed, syscall.ENOSPC) || len(kept) == 0 {
		t.Fatalf("after %d responses: %v, want ENOSPC", len(kept), failed)
	}
	open, _ := filepath.Glob(filepath.Join(dir, "*.open"))
	if len(open) != 1 {
		t.Fatalf(".open files %v", open)
	}
	// The file as the disk filled: only whole records, still open.
	if r := repairedIn(t, open[0]); len(r) != 1 || strings.Contains(r[0], "cut") {
		t.Errorf("the file the disk filled up under: %q, want it only closed", r)
	}
	// Space is freed: the crawl goes on in the same file.
	disk.Free(1 << 30)
	for i := 0; i < 3; i++ {
		c, err := a.Response(get(fmt.Sprintf("http://a.gov.cn/after/%d.html", i)), strings.NewReader(fmt.Sprint("after", i, page)), false)
		if err != nil {
			t.Fatal(err)
		}
		kept = append(kept, c)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	final, _ := filepath.Glob(filepath.Join(dir, "*.warc.gz"))
	if len(final) != 1 || len(kept) < 4 {
		t.Fatalf("files %v, %d captures", final, len(kept))
	}
	if r := repairedIn(t, final[0]); len(r) != 0 {
		t.Errorf("the closed file: %q, want it whole", r)
	}
	for _, c := range kept {
		p, err := archive.Read(dir, c.File, c.Offset, 1<<20)
		if err != nil || !strings.HasSuffix(string(p.Body), page) || !strings.HasSuffix(p.URL, ".html") {
			t.Fatalf("capture %s: %v", c.Location(), err)
		}
	}
}

// A file that already has its final name but a broken last record (an earlier
// version renamed files after a write failed on a full disk) is cut after its
// last whole record when the archive is next opened; records before it read.
func TestRepairBrokenFinalFile(t *testing.T) {
	dir := t.TempDir()
	a, err := archive.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	c1, err := a.Response(get("http://a.gov.cn/1.html"), strings.NewReader("<p>第一</p>"), false)
	if err != nil {
		t.Fatal(err)
	}
	c2, err := a.Response(get("http://a.gov.cn/2.html"), strings.NewReader(strings.Repeat("第二", 5000)), false)
	if err != nil {
		t.Fatal(err)
	}
	a.Close()
	path := filepath.Join(dir, c1.File)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// The disk filled in the middle of the second response; the file was renamed anyway.
	half := c2.Offset + (int64(len(data))-c2.Offset)/2
	if err := os.WriteFile(path, data[:half], 0o644); err != nil {
		t.Fatal(err)
	}
	b, err := archive.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if r := b.Repaired(); len(r) != 1 || !strings.Contains(r[0], c1.File+": cut after its last whole record") {
		t.Errorf("repaired %q", r)
	}
	if p, err := archive.Read(dir, c1.File, c1.Offset, 1<<20); err != nil || string(p.Body) != "<p>第一</p>" {
		t.Fatalf("first record after repair: %v", err)
	}
	if st, err := os.Stat(path); err != nil || st.Size() > c2.Offset {
		t.Errorf("not cut at the last whole record: %v, %v", st.Size(), err)
	}
	if r := repairedIn(t, path); len(r) != 0 {
		t.Errorf("repaired again: %q", r)
	}
}

// Case 6: while one process writes into an archive folder, another cannot open
// it for writing (it is told who holds it), and the file being written is not
// "repaired" under its writer.
func TestOneWriterPerFolder(t *testing.T) {
	dir := t.TempDir()
	a, err := archive.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if _, err := a.Response(get("http://a.gov.cn/1.html"), strings.NewReader("<p>第一</p>"), false); err != nil {
		t.Fatal(err)
	}
	open, _ := filepath.Glob(filepath.Join(dir, "*.open"))
	before, _ := os.ReadFile(open[0])
	_, err = archive.Open(dir)
	var held *lockfile.HeldError
	if !errors.As(err, &held) || held.Holder.PID != os.Getpid() || !strings.Contains(err.Error(), fmt.Sprintf("pid %d", os.Getpid())) {
		t.Fatalf("second writer: %v", err)
	}
	after, err := os.ReadFile(open[0])
	if err != nil || string(after) != string(before) {
		t.Errorf("the live file was touched: %v", err)
	}
	if _, err := a.Response(get("http://a.gov.cn/2.html"), strings.NewReader("<p>第二</p>"), false); err != nil {
		t.Errorf("the first writer cannot go on: %v", err)
	}
}
