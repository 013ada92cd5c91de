package crawl

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"gongkai/archive"
	"gongkai/parse"
)

// memState keeps a crawl's state in memory: the crawler's own tests need no database.
type memState struct {
	mu       sync.Mutex
	runs     map[int64]string
	items    map[int64][]Item
	done     map[int64]map[string]string
	previous map[string]Previous
	// In which order pages' links were queued and pages finished (by key).
	seq        int
	linkedAt   map[string]int
	finishedAt map[string]int
}

func newMemState() *memState {
	return &memState{runs: map[int64]string{}, items: map[int64][]Item{}, done: map[int64]map[string]string{}, previous: map[string]Previous{},
		linkedAt: map[string]int{}, finishedAt: map[string]int{}}
}

func (m *memState) BeginRun(_ context.Context, _ time.Time) (int64, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for id, status := range m.runs {
		if status == "running" {
			return id, true, nil
		}
	}
	id := int64(len(m.runs) + 1)
	m.runs[id] = "running"
	m.done[id] = map[string]string{}
	return id, false, nil
}

func (m *memState) EndRun(_ context.Context, id int64, _ time.Time, status string, _ Stats) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if status == "finished" {
		m.runs[id] = status
	}
	return nil
}

func (m *memState) Enqueue(_ context.Context, id int64, items []Item) ([]Item, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var added []Item
	m.seq++
	for _, it := range items {
		if it.From != "" {
			m.linkedAt[Canonical(it.From)] = m.seq
		}
		dup := false
		for _, have := range m.items[id] {
			if have.Key == it.Key {
				dup = true
				break
			}
		}
		if !dup {
			m.items[id] = append(m.items[id], it)
			added = append(added, it)
		}
	}
	return added, nil
}

func (m *memState) Pending(_ context.Context, id int64) ([]Item, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Item
	for _, it := range m.items[id] {
		if _, ok := m.done[id][it.Key]; !ok {
			out = append(out, it)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Priority > out[j].Priority })
	return out, nil
}

func (m *memState) Finish(_ context.Context, id int64, key string, outcome Outcome, detail string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.done[id][key] = string(outcome) + ": " + detail
	m.seq++
	m.finishedAt[key] = m.seq
	return nil
}

func (m *memState) Previous(_ context.Context, key string) (Previous, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	p, ok := m.previous[key]
	return p, ok, nil
}

func (m *memState) Remember(_ context.Context, key string, p Previous) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.previous[key] = p
	return nil
}

func (m *memState) KnownReports(context.Context) ([]Item, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Item
	for _, items := range m.items {
		for _, it := range items {
			if m.previous[it.Key].IsReport {
				out = append(out, it)
			}
		}
	}
	return out, nil
}

func (m *memState) outcome(id int64, url string) string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.done[id][Canonical(url)]
}

// parseSink parses what it is given, as the command's sink does, and remembers it.
type parseSink struct {
	mu      sync.Mutex
	reports map[string]string // final URL → title
	docs    []Fetched
	gone    []string
}

func (s *parseSink) Fetched(_ context.Context, f Fetched, done func(Ingested, error)) (bool, error) {
	s.mu.Lock()
	s.docs = append(s.docs, f)
	if f.Body == nil {
		s.mu.Unlock()
		done(Ingested{Change: "failed", Detail: "an attachment"}, nil)
		return false, nil
	}
	rec, err := parse.Parse(parse.Input{Name: f.FinalURL, Data: f.Body, ContentType: f.ContentType})
	if err != nil {
		s.mu.Unlock()
		done(Ingested{Change: "not a report", Detail: err.Error()}, nil)
		return false, nil
	}
	s.reports[f.FinalURL] = rec.Title
	s.mu.Unlock()
	done(Ingested{IsReport: true, Change: "new"}, nil)
	return true, nil
}

func (s *parseSink) Flush(context.Context) error { return nil }

func (s *parseSink) Gone(_ context.Context, url string, _ int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gone = append(s.gone, url)
	return nil
}

const reportPage = `<html><head><meta charset="utf-8"><title>%s</title></head><body>
<div class="nav"><a href="/">首页</a><a href="/about/">关于我们</a></div>
<div id="zoom"><p>本报告中所列数据的统计期限自2022年1月1日起至2022年12月31日止。</p>
<p>三、收到和处理政府信息公开申请情况</p>
<table><tr><td>一、本年新收政府信息公开申请数量</td><td>3</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>3</td></tr>
<tr><td>二、上年结转政府信息公开申请数量</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td></tr>
<tr><td>三、本年度办理结果</td><td>（一）予以公开</td><td>3</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>3</td></tr></table>
<p>附件：<a href="./P020230118.pdf">报告全文.pdf</a></p></div></body></html>`

// portal serves a small TRS-style portal with the traps and refusals the crawler
// must take in its stride.
func portal(t *testing.T) (*httptest.Server, *int) {
	t.Helper()
	mu := sync.Mutex{}
	tooMany := 0
	mux := http.NewServeMux()
	mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "User-agent: *\nDisallow: /module/\n")
	})
	mux.HandleFunc("/{$}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<html><body><a href="/zwgk/">政务公开</a><a href="/news/t20230101_1.html">新闻</a><a href="/module/x.html">模块</a></body></html>`)
	})
	mux.HandleFunc("/zwgk/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<html><body><a href="/zwgk/zfxxgknb/">政府信息公开年报</a><a href="/module/web/jpage/dataproxy.jsp">数据</a></body></html>`)
	})
	mux.HandleFunc("/zwgk/zfxxgknb/{$}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<html><head><title>政府信息公开年报</title></head><body><ul>
<li><a href="./202301/t20230118_1.html" title="某某区教育局2022年政府信息公开工作年度报告">某某区教育局2022年政府信息公…</a></li>
<li><a href="./202301/t20230110_2.html">关于报送2022年度政府信息公开工作年度报告的通知</a></li>
</ul><script>createPageHTML(2, 0, "index", "html");</script></body></html>`)
	})
	mux.HandleFunc("/zwgk/zfxxgknb/index_1.html", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<html><body><a href="./202201/t20220120_3.html">某某区财政局2021年政府信息公开工作年度报告</a>
<a href="./busy.html">某某区民政局2022年政府信息公开工作年度报告</a>
<a href="./guarded.html">某某区卫健局2022年政府信息公开工作年度报告</a></body></html>`)
	})
	mux.HandleFunc("/zwgk/zfxxgknb/202301/t20230118_1.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", `"v1"`)
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		fmt.Fprintf(w, reportPage, "某某区教育局2022年政府信息公开工作年度报告")
	})
	mux.HandleFunc("/zwgk/zfxxgknb/202301/P020230118.pdf", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Write([]byte("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"))
	})
	mux.HandleFunc("/zwgk/zfxxgknb/202301/t20230110_2.html", func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("a look-alike was fetched: %s", r.URL)
	})
	mux.HandleFunc("/zwgk/zfxxgknb/202201/t20220120_3.html", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, reportPage, "某某区财政局2021年政府信息公开工作年度报告")
	})
	mux.HandleFunc("/zwgk/zfxxgknb/busy.html", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		tooMany++
		n := tooMany
		mu.Unlock()
		if n == 1 {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		fmt.Fprintf(w, reportPage, "某某区民政局2022年政府信息公开工作年度报告")
	})
	mux.HandleFunc("/zwgk/zfxxgknb/guarded.html", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusPreconditionFailed)
		fmt.Fprint(w, `<html><script>$_ts=window['$_ts'];if(!$_ts)$_ts={};</script></html>`)
	})
	mux.HandleFunc("/module/", func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("robots.txt disallows %s, yet it was fetched", r.URL)
	})
	mux.HandleFunc("/news/", func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("a news article off the report column was fetched: %s", r.URL)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, &tooMany
}

func testOptions() Options {
	return Options{
		UserAgent: "gongkai-test", Parallelism: 2, MaxDepth: 5, MaxPagesPerHost: 100,
		Timeout: 10 * time.Second, ConnectTimeout: 2 * time.Second, HeaderTimeout: 5 * time.Second,
		ObeyRobots: true, MaxCrawlDelay: time.Second, MaxRetries: 2, FailureBudget: 10,
		MaxPageBytes: 1 << 20, MaxAttachmentBytes: 4 << 20, MaxBackoff: 2 * time.Second,
	}
}

// newTestCrawler is a crawler of the given portals into a temporary archive, an
// in-memory state and a sink that parses.
func newTestCrawler(t testing.TB, opts Options, portals ...Portal) (*Crawler, *memState, *parseSink) {
	t.Helper()
	arch, err := archive.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { arch.Close() })
	st := newMemState()
	sink := &parseSink{reports: map[string]string{}}
	c, err := New(opts, portals, st, sink, arch)
	if err != nil {
		t.Fatal(err)
	}
	return c, st, sink
}

// A page is finished only once its links are queued, even when the sink stores
// it (and says so) before Fetched returns: a crawl killed between the two would
// otherwise resume without the links, the page being done.
func TestPageFinishedAfterItsLinks(t *testing.T) {
	srv, _ := portal(t)
	c, st, _ := newTestCrawler(t, testOptions(), Portal{Name: "某某区", StartURLs: []string{srv.URL + "/"}})
	if _, err := c.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if len(st.linkedAt) < 3 {
		t.Fatalf("only %d pages had links queued", len(st.linkedAt))
	}
	for page, linked := range st.linkedAt {
		if done := st.finishedAt[page]; done < linked {
			t.Errorf("%s finished (step %d) before its links were queued (step %d)", page, done, linked)
		}
	}
}

func TestCrawlFindsReportsPolitely(t *testing.T) {
	srv, _ := portal(t)
	c, st, sink := newTestCrawler(t, testOptions(), Portal{Name: "某某区", StartURLs: []string{srv.URL + "/"}})
	stats, err := c.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, title := range []string{"某某区教育局2022年政府信息公开工作年度报告", "某某区财政局2021年政府信息公开工作年度报告", "某某区民政局2022年政府信息公开工作年度报告"} {
		found := false
		for _, got := range sink.reports {
			found = found || got == title
		}
		if !found {
			t.Errorf("report %s not found; got %v", title, sink.reports)
		}
	}
	if len(sink.reports) != 3 {
		t.Errorf("%d reports, want 3: %v", len(sink.reports), sink.reports)
	}
	var pdf bool
	for _, d := range sink.docs {
		if strings.HasSuffix(d.FinalURL, "P020230118.pdf") {
			pdf = d.Body == nil && d.Capture.Size > 0 && d.Capture.File != ""
		}
	}
	if !pdf {
		t.Errorf("the report's attachment was not archived")
	}
	if got := st.outcome(1, srv.URL+"/zwgk/zfxxgknb/guarded.html"); !strings.HasPrefix(got, string(OutcomeChallenge)) {
		t.Errorf("challenge page: %q", got)
	}
	if got := st.outcome(1, srv.URL+"/module/x.html"); !strings.HasPrefix(got, string(OutcomeDisallowed)) && got != "" {
		t.Errorf("robots.txt: %q", got)
	}
	if stats.ReportsNew != 3 || stats.Outcomes[OutcomeChallenge] == 0 {
		t.Errorf("stats %+v", stats)
	}

	// The second night asks before fetching and gets 304 for the unchanged report.
	stats2, err := c.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got := st.outcome(2, srv.URL+"/zwgk/zfxxgknb/202301/t20230118_1.html"); !strings.HasPrefix(got, string(OutcomeUnchanged)) {
		t.Errorf("second night, unchanged report: %q", got)
	}
	if stats2.ReportsNew != 0 || stats2.Unchanged < 3 {
		t.Errorf("second night stats %+v", stats2)
	}
}

// keepingFrontier is the in-process frontier with a StatsKeeper's hook.
type keepingFrontier struct {
	Frontier
	counts func() Stats
}

func (k *keepingFrontier) KeepStats(counts func() Stats) { k.counts = counts }

// A frontier that keeps a worker's counts as they grow reads the crawl's own.
func TestCrawlerGivesItsCountsToTheFrontier(t *testing.T) {
	srv, _ := portal(t)
	opts := testOptions()
	front := &keepingFrontier{Frontier: newLocalFrontier(1)}
	opts.Frontier = front
	c, _, _ := newTestCrawler(t, opts, Portal{Name: "某某区", StartURLs: []string{srv.URL + "/"}})
	stats, err := c.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if front.counts == nil {
		t.Fatal("the crawler gave the frontier no counts")
	}
	kept := front.counts()
	if kept.Fetched == 0 || kept.Fetched != stats.Fetched || kept.ReportsNew != stats.ReportsNew || kept.Portals["某某区"].Fetched != stats.Fetched {
		t.Errorf("kept fetched %d, reports %d, portal %+v; the run: fetched %d, reports %d", kept.Fetched, kept.ReportsNew, kept.Portals["某某区"], stats.Fetched, stats.ReportsNew)
	}
}
