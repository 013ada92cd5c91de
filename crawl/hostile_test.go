package crawl

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"gongkai/archive"
	"gongkai/archive/archivetest"
)

// Case 12: the disk fills during a crawl. The crawl stops at the first response
// it cannot archive, saying so, with its unfinished URLs kept (no host is
// blamed, no URL marked failed); once there is room the next crawl resumes the
// run and finds every report.
func TestFullDiskStopsTheCrawl(t *testing.T) {
	srv, _ := portal(t)
	disk := archivetest.NewDisk(4 << 10) // room for the warcinfo and a few small pages
	arch, err := archive.OpenWith(t.TempDir(), disk.Create)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { arch.Close() })
	st := newMemState()
	sink := &parseSink{reports: map[string]string{}}
	c, err := New(testOptions(), []Portal{{Name: "某某区", StartURLs: []string{srv.URL + "/"}}}, st, sink, arch)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Run(context.Background())
	if !errors.Is(err, archive.ErrWrite) || !errors.Is(err, syscall.ENOSPC) || !strings.Contains(err.Error(), "the next crawl to resume") {
		t.Fatalf("a crawl on a full disk: %v; outcomes %q", err, st.done[1])
	}
	for key, outcome := range st.done[1] {
		if strings.HasPrefix(outcome, string(OutcomeFailed)) || strings.HasPrefix(outcome, string(OutcomeSkipped)) {
			t.Errorf("%s finished as %q on a full disk", key, outcome)
		}
	}
	if pending, _ := st.Pending(context.Background(), 1); len(pending) == 0 {
		t.Errorf("nothing left for the next crawl")
	}
	disk.Free(1 << 30)
	if _, err := c.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(st.runs) != 1 || len(sink.reports) != 3 {
		t.Errorf("after room was made: %d runs (want the first resumed), %d reports (want 3): %v", len(st.runs), len(sink.reports), sink.reports)
	}
}

// fullState is a state whose database fills up after some captures.
type fullState struct {
	*memState
	room int
}

func (f *fullState) Remember(ctx context.Context, key string, p Previous) error {
	if f.room--; f.room < 0 {
		return fmt.Errorf("gongkai.db: database or disk is full (%w)", syscall.ENOSPC)
	}
	return f.memState.Remember(ctx, key, p)
}

// A database that fills up stops the crawl too, rather than losing every URL
// after it one by one.
func TestFullDatabaseStopsTheCrawl(t *testing.T) {
	srv, _ := portal(t)
	arch, err := archive.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { arch.Close() })
	st := &fullState{memState: newMemState(), room: 3}
	opts := testOptions()
	opts.Parallelism = 1
	c, err := New(opts, []Portal{{Name: "某某区", StartURLs: []string{srv.URL + "/"}}}, st, &parseSink{reports: map[string]string{}}, arch)
	if err != nil {
		t.Fatal(err)
	}
	stats, err := c.Run(context.Background())
	if !errors.Is(err, syscall.ENOSPC) || !strings.Contains(err.Error(), "the next crawl to resume") || stats.Lost > 2 {
		t.Errorf("a crawl whose database fills: %v, %d lost", err, stats.Lost)
	}
}

// hostileServer counts the requests a hostile loopback server answers, by path.
type hostileServer struct {
	mu     sync.Mutex
	byPath map[string]int
	total  int
}

func (h *hostileServer) count(r *http.Request) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.byPath == nil {
		h.byPath = map[string]int{}
	}
	h.byPath[r.URL.Path]++
	h.total++
}

func (h *hostileServer) requests(path string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	if path == "" {
		return h.total
	}
	return h.byPath[path]
}

// logFigures logs a hostile case's requests, time and the test process's peak
// RSS, the figures of BENCHMARKS.md's reliability table.
func logFigures(t *testing.T, name string, requests int, took time.Duration) {
	t.Helper()
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	t.Logf("%s: %d requests in %s, peak RSS of the test process %d MB", name, requests, took.Round(time.Millisecond), ru.Maxrss>>10)
}

// Case 1: a server that redirects ?n=N to ?n=N+1 for ever. The chain is
// followed for maxRedirects hops and then ends as a crawler trap; the report
// the list also links is found, and the host's budget is not spent on it.
func TestHostileRedirectChain(t *testing.T) {
	h := &hostileServer{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.count(r)
		switch r.URL.Path {
		case "/zfxxgk/ndbg/":
			fmt.Fprint(w, `<html><head><title>政府信息公开年报</title></head><body><ul>
<li><a href="/zfxxgk/ndbg/loop.htm?n=0">某某县2022年政府信息公开工作年度报告</a></li>
<li><a href="/zfxxgk/ndbg/t20230118_1.htm">某某县2021年政府信息公开工作年度报告</a></li></ul></body></html>`)
		case "/zfxxgk/ndbg/loop.htm":
			n, _ := strconv.Atoi(r.URL.Query().Get("n"))
			http.Redirect(w, r, fmt.Sprintf("/zfxxgk/ndbg/loop.htm?n=%d", n+1), http.StatusFound)
		case "/zfxxgk/ndbg/t20230118_1.htm":
			fmt.Fprintf(w, reportPage, "某某县2021年政府信息公开工作年度报告")
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	opts := testOptions()
	opts.MaxPagesPerHost = 1000
	c, st, sink := newTestCrawler(t, opts, Portal{Name: "某某县", StartURLs: []string{srv.URL + "/zfxxgk/ndbg/"}})
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	stats, err := c.Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	logFigures(t, "case 1 redirect chain", h.requests(""), time.Since(start))
	if n := h.requests("/zfxxgk/ndbg/loop.htm"); n != maxRedirects+1 {
		t.Errorf("the endless chain was asked %d times, want %d (the link and %d redirects)", n, maxRedirects+1, maxRedirects)
	}
	last := st.outcome(1, fmt.Sprintf("%s/zfxxgk/ndbg/loop.htm?n=%d", srv.URL, maxRedirects+1))
	if !strings.HasPrefix(last, string(OutcomeSkipped)+": crawler trap: redirect 11 of a chain from "+srv.URL+"/zfxxgk/ndbg/loop.htm?n=0") {
		t.Errorf("the end of the chain: %q", last)
	}
	if len(sink.reports) != 1 || stats.Outcomes[OutcomeRedirected] != maxRedirects+1 {
		t.Errorf("%d reports (want 1), outcomes %v", len(sink.reports), stats.Outcomes)
	}
}

// guardedPortal lists five reports that a challenge guards, then three that it
// does not; with blockAll, every request after the list is challenged (the host
// blocks us).
func guardedPortal(t *testing.T, h *hostileServer, blockAll bool) *httptest.Server {
	t.Helper()
	var listed atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.count(r)
		p := r.URL.Path
		switch {
		case p == "/robots.txt":
			http.NotFound(w, r)
		case blockAll && listed.Load(), strings.HasPrefix(p, "/zfxxgk/ndbg/guarded"):
			w.WriteHeader(http.StatusPreconditionFailed)
			fmt.Fprint(w, `<html><head><script>$_ts=window['$_ts'];if(!$_ts)$_ts={};$_ts.nsd=12345;</script></head><body></body></html>`)
		case p == "/zfxxgk/ndbg/":
			listed.Store(true)
			var b strings.Builder
			b.WriteString(`<html><head><title>政府信息公开年报</title></head><body><ul>`)
			for i := range 5 {
				fmt.Fprintf(&b, `<li><a href="/zfxxgk/ndbg/guarded%d.htm">某某县第%d局2022年政府信息公开工作年度报告</a></li>`, i, i)
			}
			for i := range 3 {
				fmt.Fprintf(&b, `<li><a href="/zfxxgk/ndbg/t2023011%d_%d.htm">某某县%d年政府信息公开工作年度报告</a></li>`, i, i, 2019+i)
			}
			b.WriteString(`</ul></body></html>`)
			fmt.Fprint(w, b.String())
		case strings.HasPrefix(p, "/zfxxgk/ndbg/t2023011"):
			var i int
			fmt.Sscanf(p, "/zfxxgk/ndbg/t2023011%d_", &i)
			fmt.Fprintf(w, reportPage, fmt.Sprintf("某某县%d年政府信息公开工作年度报告", 2019+i))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// Case 13: a challenge on some pages of a host is recorded for those pages;
// the host does not rest (max_backoff is an hour here) and the reports it
// serves are found. A host that challenges every page, the one that answered
// before too, is left alone for the run.
func TestHostileChallengedPages(t *testing.T) {
	opts := testOptions()
	opts.MaxBackoff = time.Hour
	opts.MaxRetries = 0
	t.Run("some pages guarded", func(t *testing.T) {
		h := &hostileServer{}
		srv := guardedPortal(t, h, false)
		c, st, sink := newTestCrawler(t, opts, Portal{Name: "某某县", StartURLs: []string{srv.URL + "/zfxxgk/ndbg/"}})
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		start := time.Now()
		stats, err := c.Run(ctx)
		if err != nil {
			t.Fatal(err)
		}
		logFigures(t, "case 13 five guarded reports", h.requests(""), time.Since(start))
		if len(sink.reports) != 3 || stats.Outcomes[OutcomeChallenge] != 5 || stats.Outcomes[OutcomeSkipped] != 0 {
			t.Errorf("%d reports (want 3), outcomes %v", len(sink.reports), stats.Outcomes)
		}
		if got := st.outcome(1, srv.URL+"/zfxxgk/ndbg/guarded2.htm"); !strings.Contains(got, "the host still answers "+srv.URL+"/zfxxgk/ndbg/ normally") {
			t.Errorf("the third challenge in a row: %q", got)
		}
		if n := h.requests("/zfxxgk/ndbg/"); n != 2 {
			t.Errorf("the list was asked %d times, want 2 (once, and again after the third challenge in a row)", n)
		}
	})
	t.Run("the host blocks us", func(t *testing.T) {
		h := &hostileServer{}
		srv := guardedPortal(t, h, true)
		c, st, sink := newTestCrawler(t, opts, Portal{Name: "某某县", StartURLs: []string{srv.URL + "/zfxxgk/ndbg/"}})
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		start := time.Now()
		stats, err := c.Run(ctx)
		if err != nil {
			t.Fatal(err)
		}
		logFigures(t, "case 13 the host blocks us", h.requests(""), time.Since(start))
		if len(sink.reports) != 0 || stats.Outcomes[OutcomeChallenge] != 3 || stats.Outcomes[OutcomeSkipped] != 5 {
			t.Errorf("%d reports (want 0), outcomes %v (want 3 challenges, 5 skipped)", len(sink.reports), stats.Outcomes)
		}
		want := "skipped: host left alone: 3 challenge pages in a row, and " + srv.URL + "/zfxxgk/ndbg/, which answered normally before, now answers a 瑞数 JavaScript challenge"
		if got := st.outcome(1, srv.URL+"/zfxxgk/ndbg/t20230112_2.htm"); !strings.HasPrefix(got, want) {
			t.Errorf("a report after the block: %q, want %q…", got, want)
		}
		if n := h.requests(""); n != 6 {
			t.Errorf("%d requests, want 6 (robots.txt, the list, 3 challenges, the list again)", n)
		}
	})
}

// Case 2: a list whose 下一页 leads to page N+1 for ever, with a new parameter
// each time, and every page lists the same two reports (the server ignores the
// page asked for). The list stops a few pages after the last that brought a
// new link, saying so; the reports are found.
func TestHostileEndlessList(t *testing.T) {
	h := &hostileServer{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.count(r)
		switch p := r.URL.Path; {
		case p == "/zfxxgk/ndbg/list.jsp":
			n, _ := strconv.Atoi(r.URL.Query().Get("page"))
			n = max(n, 1)
			fmt.Fprintf(w, `<html><head><title>政府信息公开年报</title></head><body><div class="nav"><a href="/">首页</a></div><ul>
<li><a href="/zfxxgk/ndbg/t20230118_1.htm">某某县2022年政府信息公开工作年度报告</a></li>
<li><a href="/zfxxgk/ndbg/t20220118_2.htm">某某县2021年政府信息公开工作年度报告</a></li></ul>
<div class="page">每页2条 <a href="list.jsp?page=1&t=%d">首页</a> <a href="list.jsp?page=%d&t=%d">上一页</a> <a href="list.jsp?page=%d&t=%d">下一页</a></div></body></html>`,
				n, max(n-1, 1), 7*n, n+1, 13*n)
		case strings.HasPrefix(p, "/zfxxgk/ndbg/t20"):
			year := 2022
			if strings.HasPrefix(p, "/zfxxgk/ndbg/t2022") {
				year = 2021
			}
			fmt.Fprintf(w, reportPage, fmt.Sprintf("某某县%d年政府信息公开工作年度报告", year))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	opts := testOptions()
	opts.MaxPagesPerHost = 1000
	c, st, sink := newTestCrawler(t, opts, Portal{Name: "某某县", StartURLs: []string{srv.URL + "/zfxxgk/ndbg/list.jsp"}})
	start := time.Now()
	stats, err := c.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	logFigures(t, "case 2 endless list", h.requests(""), time.Since(start))
	if len(sink.reports) != 2 {
		t.Errorf("%d reports, want 2", len(sink.reports))
	}
	// Page 1 brings the reports; pages 2 and 3 nothing new, and each asks its
	// neighbours again under new parameters: a few dozen pages at most.
	if n := h.requests("/zfxxgk/ndbg/list.jsp"); n > 30 {
		t.Errorf("the endless list was asked %d times (outcomes %v)", n, stats.Outcomes)
	}
	stopped := 0
	for _, o := range st.done[1] {
		if strings.Contains(o, "its further pages not followed: 3 pages of the list in a row brought no new link") {
			stopped++
		}
	}
	if stopped == 0 {
		t.Errorf("no page of the list says where it stopped: %v", st.done[1])
	}
}

// Case 11: a report page that is a gzip bomb (a few KB inflating past
// max_page_bytes). Its beginning is a report, but a page cut at the limit is
// not the page: it is "too large", saying why, never "not a report".
func TestHostileGzipBombPage(t *testing.T) {
	h := &hostileServer{}
	var bomb bytes.Buffer
	zw := gzip.NewWriter(&bomb)
	fmt.Fprintf(zw, reportPage, "某某县2022年政府信息公开工作年度报告")
	zw.Write(bytes.Repeat([]byte(" "), 4<<20))
	zw.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.count(r)
		switch r.URL.Path {
		case "/zfxxgk/ndbg/":
			fmt.Fprint(w, `<html><head><title>政府信息公开年报</title></head><body><ul>
<li><a href="/zfxxgk/ndbg/t20230118_1.htm">某某县2022年政府信息公开工作年度报告</a></li></ul></body></html>`)
		case "/zfxxgk/ndbg/t20230118_1.htm":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(bomb.Bytes())
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	opts := testOptions() // 1 MB pages
	c, st, sink := newTestCrawler(t, opts, Portal{Name: "某某县", StartURLs: []string{srv.URL + "/zfxxgk/ndbg/"}})
	start := time.Now()
	if _, err := c.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	logFigures(t, fmt.Sprintf("case 11 a %d-byte gzip bomb page", bomb.Len()), h.requests(""), time.Since(start))
	got := st.outcome(1, srv.URL+"/zfxxgk/ndbg/t20230118_1.htm")
	if want := "too large: its gzip body inflates past max_page_bytes (1 MB); archived as served"; got != want {
		t.Errorf("the bomb: %q, want %q", got, want)
	}
	if len(sink.reports) != 0 {
		t.Errorf("a page cut at the limit was stored: %v", sink.reports)
	}
}

// tricklingPortal lists reports whose pages trickle: the headers at once, then
// ten bytes every 100 ms for as long as the client listens; pause delays each
// report's headers instead (a slow but steady server).
func tricklingPortal(t *testing.T, h *hostileServer, reports int, pause time.Duration) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.count(r)
		switch p := r.URL.Path; {
		case p == "/zfxxgk/ndbg/":
			var b strings.Builder
			b.WriteString(`<html><head><title>政府信息公开年报</title></head><body><ul>`)
			for i := range reports {
				fmt.Fprintf(&b, `<li><a href="/zfxxgk/ndbg/t2023011%d_%d.htm">某某县第%d局2022年政府信息公开工作年度报告</a></li>`, i, i, i)
			}
			b.WriteString(`</ul></body></html>`)
			fmt.Fprint(w, b.String())
		case strings.HasPrefix(p, "/zfxxgk/ndbg/t2023011") && pause > 0:
			time.Sleep(pause)
			fmt.Fprintf(w, reportPage, "某某县2022年政府信息公开工作年度报告")
		case strings.HasPrefix(p, "/zfxxgk/ndbg/t2023011"):
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			for {
				if _, err := w.Write([]byte("<p>年度报告</p>")); err != nil {
					return
				}
				w.(http.Flusher).Flush()
				select {
				case <-r.Context().Done():
					return
				case <-time.After(100 * time.Millisecond):
				}
			}
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// Case 3: a server that trickles its bodies. A body arriving below
// min_body_rate is abandoned, saying so; without a minimum the timeout ends it
// and says that the body was arriving (not "awaiting headers"); and a host
// whose requests have taken max_host_time is left alone for the run.
func TestHostileTricklingServer(t *testing.T) {
	was := rateWindow
	rateWindow = 500 * time.Millisecond
	t.Cleanup(func() { rateWindow = was })
	run := func(t *testing.T, name string, opts Options, reports int, pause time.Duration) (*memState, string, Stats) {
		h := &hostileServer{}
		srv := tricklingPortal(t, h, reports, pause)
		c, st, _ := newTestCrawler(t, opts, Portal{Name: "某某县", StartURLs: []string{srv.URL + "/zfxxgk/ndbg/"}})
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		start := time.Now()
		stats, err := c.Run(ctx)
		if err != nil {
			t.Fatal(err)
		}
		logFigures(t, name, h.requests(""), time.Since(start))
		return st, srv.URL, stats
	}
	opts := testOptions()
	opts.MaxRetries = 0
	opts.Timeout = time.Minute
	t.Run("below the minimum rate", func(t *testing.T) {
		opts := opts
		opts.MinBodyRate = 1024
		st, base, _ := run(t, "case 3 a body at 130 bytes/s", opts, 1, 0)
		got := st.outcome(1, base+"/zfxxgk/ndbg/t20230110_0.htm")
		if !strings.HasPrefix(got, string(OutcomeFailed)) || !strings.Contains(got, "below min_body_rate (1024 bytes/s): abandoned") {
			t.Errorf("the trickling page: %q", got)
		}
	})
	t.Run("the timeout says what timed out", func(t *testing.T) {
		opts := opts
		opts.Timeout = 2 * time.Second
		st, base, _ := run(t, "case 3 a trickle until the timeout", opts, 1, 0)
		got := st.outcome(1, base+"/zfxxgk/ndbg/t20230110_0.htm")
		if !strings.Contains(got, "the body was still arriving when timeout (2s) ended the request") || strings.Contains(got, "awaiting headers") {
			t.Errorf("the trickling page: %q", got)
		}
	})
	t.Run("the host's time runs out", func(t *testing.T) {
		opts := opts
		opts.MaxHostTime = time.Second
		st, base, stats := run(t, "case 3 a host of 300 ms answers, max_host_time 1s", opts, 9, 300*time.Millisecond)
		if stats.Outcomes[OutcomeSkipped] == 0 || stats.Outcomes[OutcomeReport] > 4 {
			t.Errorf("outcomes %v, want the host left alone after about 3 reports", stats.Outcomes)
		}
		got := st.outcome(1, base+"/zfxxgk/ndbg/t20230118_8.htm")
		if !strings.HasPrefix(got, "skipped: host left alone: its requests took 1s (max_host_time 1s)") {
			t.Errorf("the last report: %q", got)
		}
	})
}
