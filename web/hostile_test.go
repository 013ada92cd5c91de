package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"testing"

	"gongkai/store"
)

// A visitor who pastes a page into the search box gets a 400 saying what the
// bound is, over a real connection. Before the bound, one word of 22,000
// characters cost two seconds of CPU per request, and one of 44,000 panicked
// in regexp.MustCompile (expression too large) and dropped the connection.
func TestHugeQueryIsABadRequest(t *testing.T) {
	f := newFixture(t)
	srv := httptest.NewServer(f.handler)
	defer srv.Close()
	word := strings.Repeat("政府信息公开申请", 22000/8)
	for _, path := range []string{
		"/api/search?q=" + url.QueryEscape(word),
		"/api/search?q=" + url.QueryEscape(strings.Repeat("公", 44000)),
		"/api/search?q=" + url.QueryEscape(strings.Repeat("复议 ", 40)),
		"/api/search?q=x&region=" + url.QueryEscape(word),
		"/search?q=" + url.QueryEscape(word),
	} {
		res, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatalf("GET %.60s…: %v", path, err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusBadRequest {
			t.Errorf("GET %.60s…: %d, want 400", path, res.StatusCode)
			continue
		}
		msg := string(body)
		if strings.HasPrefix(path, "/api/") {
			var e apiError
			if err := json.Unmarshal(body, &e); err != nil {
				t.Fatalf("GET %.60s…: %v: %.200s", path, err, body)
			}
			msg = e.Error
		}
		if !strings.Contains(msg, "最多") || !strings.Contains(msg, "at most") || len(msg) > 4000 {
			t.Errorf("GET %.60s…: the message %.300q does not state the bound in Chinese and English", path, msg)
		}
	}
}

// archivedResponse archives a response as the crawler would (the body as it came
// over the wire) and stores a report whose source it is; it returns the handler
// and the document's digest.
func archivedResponse(t *testing.T, header http.Header, body []byte) (http.Handler, string) {
	t.Helper()
	dir := t.TempDir()
	const uri = "http://www.example.gov.cn/xxgk/2022.html"
	c := archiveResponse(t, dir, uri, header, body)
	rw, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	doc := store.Document{URI: uri, SHA256: c.SHA256, MediaType: header.Get("Content-Type"), Size: c.Size,
		FetchedAt: c.Date, Location: store.Location{WARCFile: c.File, Offset: c.Offset}}
	res, err := rw.Ingest(context.Background(), []store.Item{{Doc: doc, Record: loadRecord(t), ParserVersion: "test"}})
	if err != nil || res[0].Err != nil {
		t.Fatal(err, res)
	}
	rw.Close()
	ro, err := store.OpenReadOnly(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ro.Close() })
	return New(Options{Store: ro, DataDir: dir, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}), c.SHA256
}

// gzipOf compresses n zero bytes: a bomb, 1,000 times smaller than what it inflates to.
func gzipOf(t *testing.T, n int) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zeros := make([]byte, 1<<20)
	for ; n > 0; n -= len(zeros) {
		zw.Write(zeros[:min(n, len(zeros))])
	}
	zw.Close()
	return b.Bytes()
}

// An archived gzip response is served as archived, with its Content-Encoding and
// streamed: the download's SHA-256 is the URL's, and a gzip bomb (256 KB that
// inflates to 256 MB) costs the server neither the inflated bytes nor a copy of
// the file per request, with 16 downloads at once.
func TestArchiveServesTheArchivedBytes(t *testing.T) {
	bomb := gzipOf(t, 256<<20)
	handler, sum := archivedResponse(t, http.Header{"Content-Type": {"text/html; charset=utf-8"}, "Content-Encoding": {"gzip"}}, bomb)
	srv := httptest.NewServer(handler)
	defer srv.Close()
	raw := &http.Client{Transport: &http.Transport{DisableCompression: true}}

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	var wg sync.WaitGroup
	errs := make(chan string, 16)
	for range 16 {
		wg.Go(func() {
			res, err := raw.Get(srv.URL + "/archive/" + sum)
			if err != nil {
				errs <- err.Error()
				return
			}
			defer res.Body.Close()
			h := sha256.New()
			n, err := io.Copy(h, res.Body)
			if got := hex.EncodeToString(h.Sum(nil)); err != nil || got != sum || n != int64(len(bomb)) ||
				res.Header.Get("Content-Encoding") != "gzip" || res.ContentLength != int64(len(bomb)) {
				errs <- fmt.Sprintf("status %d, %d bytes (Content-Length %d, Content-Encoding %q), SHA-256 %s, want %d bytes of %s: %v",
					res.StatusCode, n, res.ContentLength, res.Header.Get("Content-Encoding"), got, len(bomb), sum, err)
			}
		})
	}
	wg.Wait()
	runtime.ReadMemStats(&after)
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	// Sixteen copies of the archived file are 4 MB; inflating once would be 256 MB.
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64<<20 {
		t.Errorf("16 downloads of a %d KB gzip allocated %d MB", len(bomb)>>10, alloc>>20)
	}

	// A client that decodes gets the page itself.
	res, err := http.Get(srv.URL + "/archive/" + sum)
	if err != nil {
		t.Fatal(err)
	}
	n, _ := io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if n != 256<<20 {
		t.Errorf("a decoding client got %d bytes, want %d", n, 256<<20)
	}
}

// A portal's Content-Encoding: gzip over a plain body is archived as it came;
// the download is those bytes, without an encoding no client could undo.
func TestArchiveFakeGzipIsSentPlain(t *testing.T) {
	page := []byte("<html><body>某某县2022年政府信息公开工作年度报告</body></html>")
	handler, sum := archivedResponse(t, http.Header{"Content-Type": {"text/html"}, "Content-Encoding": {"gzip"}}, page)
	srv := httptest.NewServer(handler)
	defer srv.Close()
	res, err := http.Get(srv.URL + "/archive/" + sum)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil || !bytes.Equal(body, page) || res.Header.Get("Content-Encoding") != "" {
		t.Errorf("%d %q (Content-Encoding %q): %v", res.StatusCode, body, res.Header.Get("Content-Encoding"), err)
	}
}
