package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"gongkai/index"
)

// lockedBuffer is a buffer a server goroutine writes to while the test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

var servingRE = regexp.MustCompile(`open (http://127\.0\.0\.1:\d+/) in a browser`)

// waitServing waits until a server says where it serves and returns that URL.
func waitServing(t *testing.T, stdout, stderr *lockedBuffer, exited <-chan int, within time.Duration) string {
	t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		if m := servingRE.FindStringSubmatch(stdout.String()); m != nil {
			return m[1]
		}
		select {
		case status := <-exited:
			t.Fatalf("exited with %d before serving\nstdout:\n%s\nstderr:\n%s", status, stdout, stderr)
		case <-time.After(50 * time.Millisecond):
		}
	}
	t.Fatalf("not serving after %s\nstdout:\n%s\nstderr:\n%s", within, stdout, stderr)
	return ""
}

func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(body)
}

func TestServeArchive(t *testing.T) {
	data := t.TempDir()
	in := t.TempDir()
	copyFile(t, corpusFile(t, "zhuzhou-tianyuan-jinrongban-2022.txt"), filepath.Join(in, "jinrongban.txt"))
	if _, errs, status := gongkai(t, "ingest", "--data", data, in); status != exitOK {
		t.Fatalf("ingest: %d %s", status, errs)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	defer func(was time.Duration) { serverSyncEvery = was }(serverSyncEvery)
	serverSyncEvery = 300 * time.Millisecond
	var stdout, stderr lockedBuffer
	exited := make(chan int, 1)
	go func() { exited <- serveArchive(ctx, "serve", ln, data, "", 10, nil, &stdout, &stderr) }()
	base := waitServing(t, &stdout, &stderr, exited, 30*time.Second)

	status, body := httpGet(t, base+"api/search?q=%E9%87%91%E8%9E%8D%E5%8A%9E")
	var res struct {
		Total int
		Hits  []struct{ ID int64 }
	}
	if err := json.Unmarshal([]byte(body), &res); status != http.StatusOK || err != nil || res.Total != 1 {
		t.Fatalf("search: %d %v %s", status, err, body)
	}
	if status, body := httpGet(t, base+"reports/1"); status != http.StatusOK || !strings.Contains(body, "株洲市天元区金融办") {
		t.Errorf("report page: %d", status)
	}
	if _, err := os.Stat(filepath.Join(data, "index")); err != nil {
		t.Errorf("the server made no search index: %v", err)
	}
	// A command that stores reports leaves the index to the server, which brings
	// it up to date itself; the searches that follow see what it stored, although
	// the same search was answered before.
	const everyReport = "api/search?q=%E6%94%BF%E5%BA%9C%E4%BF%A1%E6%81%AF%E5%85%AC%E5%BC%80" // 政府信息公开
	if _, body := httpGet(t, base+everyReport); !strings.Contains(body, `"total": 1,`) {
		t.Fatalf("before the ingest: %s", body)
	}
	more := t.TempDir()
	copyFile(t, corpusFile(t, "pingtan-2016-legacy.htm"), filepath.Join(more, "pingtan.htm"))
	started := time.Now()
	if out, errs, status := gongkai(t, "ingest", "--data", data, more); status != exitOK || errs != "" || !strings.Contains(out, "kept up to date by gongkai serve") {
		t.Errorf("gongkai ingest while serving: %d %s%s", status, out, errs)
	}
	if took := time.Since(started); took > 5*time.Second {
		t.Errorf("gongkai ingest waited %s for the server", took)
	}
	for deadline := time.Now().Add(serverSyncEvery + 10*time.Second); ; time.Sleep(100 * time.Millisecond) {
		status, body := httpGet(t, base+everyReport)
		if status == http.StatusOK && strings.Contains(body, `"total": 2,`) {
			break
		}
		if time.Now().After(deadline) {
			t.Errorf("after the ingest: %d %s", status, body)
			break
		}
	}
	cancel()
	select {
	case status := <-exited:
		if status != exitOK || !strings.Contains(stdout.String(), "gongkai serve: stopped") {
			t.Errorf("stopped with %d:\n%s%s", status, stdout.String(), stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the server did not stop")
	}
}

func TestServeSaysWhatIsWrong(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	_, errs, status := gongkai(t, "serve", "--addr", busy.Addr().String(), "--data", t.TempDir())
	if status != exitFailed || !strings.Contains(errs, "is already in use") || !strings.Contains(errs, "--addr") {
		t.Errorf("a busy address: %d %q", status, errs)
	}
	_, errs, status = gongkai(t, "serve", "--addr", "127.0.0.1:0", "--data", t.TempDir())
	if status != exitFailed || !strings.Contains(errs, "no archive") {
		t.Errorf("no archive: %d %q", status, errs)
	}
	_, errs, status = gongkai(t, "serve", "--min-requests", "-3")
	if status != exitUsage || !strings.Contains(errs, "--min-requests") {
		t.Errorf("--min-requests -3: %d %q", status, errs)
	}
	cfg := writeFile(t, t.TempDir(), "config.toml", "[serve]\nmin_requests = 0\n")
	_, errs, status = gongkai(t, "serve", "--config", cfg)
	if status != exitUsage || !strings.Contains(errs, "serve.min_requests") {
		t.Errorf("min_requests = 0 in the config: %d %q", status, errs)
	}
	out, _, status := gongkai(t, "serve", "--help")
	if status != exitOK || !strings.Contains(out, "--min-requests N") {
		t.Errorf("--help: %d %q", status, out)
	}
}

// The server runs as many searches at once as it has turns: a search waits for
// one (and gives up when its request ends), then runs.
func TestSearchesTakeTurns(t *testing.T) {
	dir := t.TempDir()
	ix, err := index.Open(indexDir(dir))
	if err != nil {
		t.Fatal(err)
	}
	ix.Close()
	s := &sharedIndex{dir: indexDir(dir), idle: time.Minute, turns: make(chan struct{}, 1)}
	s.turns <- struct{}{} // another search is running
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := s.Search(ctx, index.Request{Query: "复议"}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a search while the only turn is taken: %v, want it to wait until its request ends", err)
	}
	<-s.turns // the other search ends
	res, err := s.Search(context.Background(), index.Request{Query: "复议"})
	if err != nil || res.Total != 0 {
		t.Fatalf("a search with a turn free: %v %v", res, err)
	}
	if len(s.turns) != 0 {
		t.Errorf("%d turns still taken after the search", len(s.turns))
	}
	s.closeIfIdle()
}
