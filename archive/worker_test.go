package archive

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gongkai/internal/lockfile"
)

// Crawl workers of one run write into one archive folder side by side, each
// into files named with it; a worker restarted after a kill repairs its own
// half-written file and never the file another worker is writing; while
// workers write, a writer of the whole folder cannot open it.
func TestWorkersShareAFolder(t *testing.T) {
	dir := t.TempDir()
	w1, err := OpenWorker(dir, "w1")
	if err != nil {
		t.Fatal(err)
	}
	w2, err := OpenWorker(dir, "w2")
	if err != nil {
		t.Fatal(err)
	}
	c1, err := w1.Response(exchange("http://a.gov.cn/1.html"), strings.NewReader("<p>一</p>"), false)
	if err != nil {
		t.Fatal(err)
	}
	c2, err := w2.Response(exchange("http://b.gov.cn/2.html"), strings.NewReader("<p>二</p>"), false)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(c1.File, "-w1.warc.gz") || !strings.HasSuffix(c2.File, "-w2.warc.gz") {
		t.Errorf("files %s and %s do not carry their workers", c1.File, c2.File)
	}
	if _, err := OpenWorker(dir, "w1"); !errors.As(err, new(*lockfile.HeldError)) {
		t.Errorf("a second w1 opened the folder: %v", err)
	}
	if _, err := Open(dir); !errors.As(err, new(*lockfile.HeldError)) {
		t.Errorf("Open while workers write: %v", err)
	}
	// w2 is killed: its file stays open with a broken tail.
	open2 := filepath.Join(dir, c2.File+openSuffix)
	f, err := os.OpenFile(open2, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("\x1f\x8b\x08half a record"))
	f.Close()
	w2.w.f = nil // as after a kill: nothing closes it
	w2.lock.Release()
	w2.shared.Release()

	again, err := OpenWorker(dir, "w2")
	if err != nil {
		t.Fatal(err)
	}
	if r := again.Repaired(); len(r) != 1 || !strings.HasPrefix(r[0], c2.File+": cut after its last whole record") {
		t.Errorf("repaired %q", r)
	}
	if _, err := os.Stat(filepath.Join(dir, c1.File+openSuffix)); err != nil {
		t.Errorf("w1's file, still being written, was touched: %v", err)
	}
	if p, err := Read(dir, c2.File, c2.Offset, 1<<20); err != nil || string(p.Body) != "<p>二</p>" {
		t.Errorf("w2's record after the repair: %v", err)
	}
	again.Close()
	w1.Close()
	if _, err := OpenWorker(dir, "a/b"); err == nil {
		t.Error("a worker name with a slash was taken")
	}
	whole, err := Open(dir)
	if err != nil {
		t.Fatalf("Open after the workers closed: %v", err)
	}
	whole.Close()
}
