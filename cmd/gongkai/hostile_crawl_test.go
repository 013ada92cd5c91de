package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"gongkai/index"
	"gongkai/parse"
	"gongkai/report"
)

// hostilePage is one response of a hostile portal.
type hostilePage struct {
	contentType string
	body        []byte
}

// hostilePortal serves pages by path and counts the requests it answers.
type hostilePortal struct {
	pages    map[string]hostilePage
	requests atomic.Int64
}

func (p *hostilePortal) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.requests.Add(1)
	page, ok := p.pages[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", page.contentType)
	w.Write(page.body)
}

// crawlHostile crawls a hostile portal from its list page /zfxxgk/ndbg/ into a new
// data folder, and logs the case's figures (requests, time, the process's peak
// RSS) for BENCHMARKS.md. It returns the data folder and what crawl printed.
func crawlHostile(t *testing.T, name string, p *hostilePortal) (data, stdout, stderr string) {
	t.Helper()
	cfg := hostileConfig(t, p)
	data = filepath.Join(t.TempDir(), "data")
	start := time.Now()
	stdout, stderr, status := gongkai(t, "crawl", "--config", cfg, "--data", data)
	if status != exitOK {
		t.Fatalf("crawl: status %d\n%s", status, stderr)
	}
	logFigures(t, name, p.requests.Load(), time.Since(start))
	return data, stdout, stderr
}

// hostileConfig starts a hostile portal on loopback and writes a configuration
// that crawls it from its list page /zfxxgk/ndbg/.
func hostileConfig(t *testing.T, p http.Handler) string {
	t.Helper()
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	cfg := filepath.Join(t.TempDir(), "config.toml")
	conf := fmt.Sprintf("[crawl]\ndelay = \"0s\"\nmax_retries = 0\n\n[[portals]]\nname = \"平潭\"\nregion = \"福建省平潭综合实验区\"\nstart_urls = [%q]\nallowed_domains = [%q]\n",
		srv.URL+"/zfxxgk/ndbg/", strings.TrimPrefix(srv.URL, "http://"))
	if err := os.WriteFile(cfg, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// logFigures logs a hostile case's requests, time and the test process's peak
// RSS, the figures BENCHMARKS.md records.
func logFigures(t *testing.T, name string, requests int64, took time.Duration) {
	t.Helper()
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	t.Logf("%s: %d requests in %s, peak RSS of the test process %d MB", name, requests, took.Round(time.Millisecond), ru.Maxrss>>10)
}

// listPage is a portal's 年报 column listing one report, in the markup given.
func listPage(links string) string {
	return `<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"><title>政府信息公开年报</title></head>` +
		`<body><div class="nav">首页 &gt; 政府信息公开 &gt; 政府信息公开年报</div>` + links + `</body></html>`
}

const pingtanLink = `<ul class="list"><li><a href="/zfxxgk/ndbg/201701/t20170118_1.htm">平潭综合实验区2016年度政府信息公开工作年度报告</a><span>2017-01-18</span></li></ul>`

// storedPingtan is the stored record of the corpus's 平潭 report, failing the
// test if the crawl did not store it.
func storedPingtan(t *testing.T, data, stdout, stderr string) *report.Record {
	t.Helper()
	for _, rec := range storedRecords(t, data) {
		if rec.Organ == "平潭综合实验区" && rec.Year == 2016 {
			return rec
		}
	}
	t.Fatalf("the report was not stored; crawl printed:\n%s%s", stdout, stderr)
	return nil
}

// Case 4: a portal whose server and pages lie about their charset. The list and
// the report are read as their bytes are; the report is stored, its record
// says what was declared, and the crawl counts the pages.
func TestHostileCharset(t *testing.T) {
	page, err := os.ReadFile(corpusFile(t, "pingtan-2016-legacy.htm"))
	if err != nil {
		t.Fatal(err)
	}
	list := []byte(listPage(pingtanLink))
	gbk := func(b []byte) []byte {
		out, err := simplifiedchinese.GB18030.NewEncoder().Bytes(b)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	const reportPath = "/zfxxgk/ndbg/201701/t20170118_1.htm"
	cases := map[string]map[string]hostilePage{
		"UTF-8 served as GBK": {
			"/zfxxgk/ndbg/": {"text/html; charset=gbk", list},
			reportPath:      {"text/html; charset=GBK", []byte(strings.Replace(string(page), `<meta charset="utf-8"`, `<meta charset="gb2312"`, 1))},
		},
		"GBK served as UTF-8": {
			"/zfxxgk/ndbg/": {"text/html; charset=utf-8", gbk([]byte(strings.Replace(string(list), "gb2312", "utf-8", 1)))},
			reportPath:      {"text/html; charset=utf-8", gbk(page)},
		},
	}
	for name, pages := range cases {
		t.Run(name, func(t *testing.T) {
			data, stdout, stderr := crawlHostile(t, "case 4 "+name, &hostilePortal{pages: pages})
			rec := storedPingtan(t, data, stdout, stderr)
			conflict := ""
			for _, w := range rec.Warnings {
				if strings.HasPrefix(w, "charset conflict") {
					conflict = w
				}
			}
			if conflict == "" || rec.Title != "平潭综合实验区2016年度政府信息公开工作年度报告" || len(rec.LegacyFigures) == 0 {
				t.Errorf("stored %q with %d figures, warnings %q", rec.Title, len(rec.LegacyFigures), rec.Warnings)
			}
			if !strings.Contains(stdout, "2 pages declared a charset their bytes are not in") {
				t.Errorf("the summary does not count the two pages:\n%s", stdout)
			}
		})
	}
}

// Case 5: a portal whose pages nest past the 512 open elements html.Parse takes
// (600 <div>s never closed): the crawler still finds the report in the list,
// and the parser still reads it, each with a warning.
func TestHostileNesting(t *testing.T) {
	page, err := os.ReadFile(corpusFile(t, "pingtan-2016-legacy.htm"))
	if err != nil {
		t.Fatal(err)
	}
	deep := strings.Repeat(`<div class="TRS_Editor">`, 600)
	body := strings.Replace(string(page), "<body>", "<body>"+deep, 1)
	p := &hostilePortal{pages: map[string]hostilePage{
		"/zfxxgk/ndbg/":                       {"text/html; charset=utf-8", []byte(strings.Replace(listPage(deep+pingtanLink), "gb2312", "utf-8", 1))},
		"/zfxxgk/ndbg/201701/t20170118_1.htm": {"text/html; charset=utf-8", []byte(body)},
	}}
	data, stdout, stderr := crawlHostile(t, "case 5 nesting", p)
	rec := storedPingtan(t, data, stdout, stderr)
	nested := false
	for _, w := range rec.Warnings {
		nested = nested || strings.Contains(w, "nests 6")
	}
	if !nested || len(rec.LegacyFigures) == 0 {
		t.Errorf("stored with %d figures, warnings %q", len(rec.LegacyFigures), rec.Warnings)
	}
	if !strings.Contains(stderr, "elements deep") {
		t.Errorf("the crawl did not warn of the flattened list page:\n%s", stderr)
	}
}

// slowPortal answers its list page and six pages it lists, each after a pause,
// and notes how many requests were in flight at once and how often each path
// was asked for.
type slowPortal struct {
	mu             sync.Mutex
	inFlight, most int
	byPath         map[string]int
	requests       atomic.Int64
	pause          time.Duration
}

func (p *slowPortal) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.requests.Add(1)
	p.mu.Lock()
	p.inFlight++
	p.most = max(p.most, p.inFlight)
	p.byPath[r.URL.Path]++
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		p.inFlight--
		p.mu.Unlock()
	}()
	time.Sleep(p.pause)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	switch {
	case r.URL.Path == "/zfxxgk/ndbg/":
		var links strings.Builder
		for i := range 6 {
			fmt.Fprintf(&links, `<li><a href="/zfxxgk/ndbg/%d.htm">某某县第%d局2016年度政府信息公开工作年度报告</a></li>`, i, i)
		}
		fmt.Fprint(w, strings.Replace(listPage("<ul>"+links.String()+"</ul>"), "gb2312", "utf-8", 1))
	case strings.HasSuffix(r.URL.Path, ".htm"):
		fmt.Fprintf(w, "<html><head><title>年度报告</title></head><body><p>%s 本页在更新中。</p></body></html>", r.URL.Path)
	default:
		http.NotFound(w, r)
	}
}

// Case 6: a crawl started while another runs on the same data folder (a cron
// run beside a --schedule daemon) says who holds the folder and exits 1; with
// --wait it waits and crawls after it. The portal never sees two requests at
// once, and the first crawl's live WARC file is not "repaired".
func TestHostileTwoCrawls(t *testing.T) {
	p := &slowPortal{byPath: map[string]int{}, pause: 150 * time.Millisecond}
	cfg := hostileConfig(t, p)
	data := filepath.Join(t.TempDir(), "data")
	start := time.Now()
	child := exec.Command(os.Args[0], "-test.run=^TestCrawlChild$")
	child.Env = append(os.Environ(), "GONGKAI_CRAWL_CHILD="+strings.Join([]string{"crawl", "--config", cfg, "--data", data}, "\x1f"))
	var childOut, childErr strings.Builder
	child.Stdout, child.Stderr = &childOut, &childErr
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	for p.requests.Load() < 2 { // the child holds the folder once it asks the portal
		if time.Since(start) > 20*time.Second {
			t.Fatalf("the first crawl did not start: %s", childErr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	_, errs, status := gongkai(t, "crawl", "--config", cfg, "--data", data)
	if status != exitFailed || !strings.Contains(errs, "another crawl is running on "+data) ||
		!strings.Contains(errs, fmt.Sprintf("pid %d on ", child.Process.Pid)) || !strings.Contains(errs, "--wait") {
		t.Errorf("the second crawl: status %d, stderr %q", status, errs)
	}
	out, errs, status := gongkai(t, "crawl", "--config", cfg, "--data", data, "--wait")
	if err := child.Wait(); err != nil {
		t.Fatalf("the first crawl: %v\n%s", err, childErr.String())
	}
	if status != exitOK || !strings.Contains(errs, "waiting for the crawl that holds "+data) || !strings.Contains(out, "crawl finished") {
		t.Errorf("the crawl with --wait: status %d, stdout %q, stderr %q", status, out, errs)
	}
	if strings.Contains(childErr.String()+errs, "repaired") {
		t.Errorf("a WARC file was repaired under its writer:\n%s%s", childErr.String(), errs)
	}
	logFigures(t, "case 6 two crawls", p.requests.Load(), time.Since(start))
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.most != 1 || p.byPath["/zfxxgk/ndbg/"] != 2 {
		t.Errorf("%d requests at once to the portal (want 1); the list page asked for %d times (want 2: once by each crawl, one after the other)", p.most, p.byPath["/zfxxgk/ndbg/"])
	}
}

// serving starts gongkai serve on the data folder, checking the archive for
// changes every `every`; it returns the server's URL.
func serving(t *testing.T, data string, every time.Duration) string {
	t.Helper()
	was := serverSyncEvery
	serverSyncEvery = every
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr lockedBuffer
	exited := make(chan int, 1)
	go func() { exited <- serveArchive(ctx, "serve", ln, data, "", 10, nil, &stdout, &stderr) }()
	t.Cleanup(func() {
		cancel()
		<-exited
		serverSyncEvery = was
	})
	return waitServing(t, &stdout, &stderr, exited, 30*time.Second)
}

// apiTotal is how many reports the server's API finds for a query.
func apiTotal(t *testing.T, base, q string) int {
	t.Helper()
	status, body := httpGet(t, base+"api/search?q="+url.QueryEscape(q))
	var res struct{ Total int }
	if err := json.Unmarshal([]byte(body), &res); status != http.StatusOK || err != nil {
		t.Fatalf("search %q: %d %v %s", q, status, err, body)
	}
	return res.Total
}

// Case 14: a server that answers a search every few hundred milliseconds keeps
// the index open for good. The reports a crawl or an ingest stores meanwhile
// become searchable all the same (the server indexes them itself), the writer
// says so in its summary, and gongkai index says who keeps the index. A writer
// that cannot bring the index up to date, with no server to do it, exits 4 and
// says so.
func TestHostileBusyServer(t *testing.T) {
	data := ingestInto(t, "zhuzhou-tianyuan-jinrongban-2022.txt")
	base := serving(t, data, 300*time.Millisecond)
	var searches atomic.Int64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-stop:
				return
			case <-time.After(200 * time.Millisecond):
			}
			if res, err := http.Get(base + "api/search?q=" + url.QueryEscape("政府信息公开")); err == nil {
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				searches.Add(1)
			}
		}
	}()
	defer func() { close(stop); <-done }()
	if n := apiTotal(t, base, "平潭综合实验区"); n != 0 {
		t.Fatalf("平潭 found %d times before it was stored", n)
	}
	in := t.TempDir()
	copyFile(t, corpusFile(t, "pingtan-2016-legacy.htm"), filepath.Join(in, "pingtan.htm"))
	start := time.Now()
	out, errs, status := gongkai(t, "ingest", "--data", data, in)
	if status != exitOK || !strings.Contains(out, "new 1,") || !strings.Contains(out, "kept up to date by gongkai serve (pid ") {
		t.Fatalf("ingest while the server searches: status %d, stdout %q, stderr %q", status, out, errs)
	}
	for apiTotal(t, base, "平潭综合实验区") != 1 {
		if time.Since(start) > 20*time.Second {
			t.Fatalf("the report stored while the server searched is not searchable after %s", time.Since(start))
		}
		time.Sleep(100 * time.Millisecond)
	}
	logFigures(t, "case 14 busy server (a search every 200 ms; requests are searches, time is until the report was found)", searches.Load(), time.Since(start))
	if out, _, status := gongkai(t, "index", "--data", data); status != exitOK || !strings.Contains(out, "kept up to date by gongkai serve") {
		t.Errorf("gongkai index beside the server: %d %q", status, out)
	}
	if _, errs, status := gongkai(t, "index", "--data", data, "--rebuild"); status != exitFailed || !strings.Contains(errs, "stop it to rebuild") {
		t.Errorf("gongkai index --rebuild beside the server: %d %q", status, errs)
	}
}

// A writer that could not bring the index up to date (another process keeps it
// open, and no server indexes for it) says so in its exit status and summary.
func TestWriterThatCannotIndexSaysSo(t *testing.T) {
	data := ingestInto(t, "zhuzhou-tianyuan-jinrongban-2022.txt")
	held, err := index.Open(indexDir(data)) // another process's sync
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	in := t.TempDir()
	copyFile(t, corpusFile(t, "pingtan-2016-legacy.htm"), filepath.Join(in, "pingtan.htm"))
	out, errs, status := gongkai(t, "ingest", "--data", data, in)
	if status != exitNotIndexed || !strings.Contains(out, "new 1,") || !strings.Contains(out, "not searchable yet") ||
		!strings.Contains(errs, "gongkai index --data "+data) {
		t.Errorf("ingest with the index held: status %d, stdout %q, stderr %q", status, out, errs)
	}
}

// Case 7: a report linked as a PDF larger than the parser reads (parse.MaxDocument)
// but within max_attachment_bytes. It is streamed to the archive whole, never
// read into memory, and its outcome is "too large", naming the parser's limit,
// not a damaged or unreadable file.
func TestHostileLargeAttachment(t *testing.T) {
	size := int64(parse.MaxDocument + 1<<20)
	var requests atomic.Int64
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		switch r.URL.Path {
		case "/zfxxgk/ndbg/":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, strings.Replace(listPage(`<ul><li><a href="/zfxxgk/ndbg/P020170118.pdf">平潭综合实验区2016年度政府信息公开工作年度报告</a></li></ul>`), "gb2312", "utf-8", 1))
		case "/zfxxgk/ndbg/P020170118.pdf":
			w.Header().Set("Content-Type", "application/pdf")
			w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
			chunk := make([]byte, 1<<20)
			for i := range chunk {
				chunk[i] = ' '
			}
			io.WriteString(w, "%PDF-1.4\n")
			io.CopyN(w, repeatReader(chunk), size-int64(len("%PDF-1.4\n")))
		default:
			http.NotFound(w, r)
		}
	})
	cfg := hostileConfig(t, h)
	data := filepath.Join(t.TempDir(), "data")
	start := time.Now()
	stdout, stderr, status := gongkai(t, "crawl", "--config", cfg, "--data", data)
	if status != exitOK {
		t.Fatalf("crawl: status %d\n%s", status, stderr)
	}
	logFigures(t, fmt.Sprintf("case 7 a %d MB PDF", size>>20), requests.Load(), time.Since(start))
	want := fmt.Sprintf("%d MB is larger than the 64 MB a report document may have (the parser's limit); archived, not read", size>>20)
	var outcome, detail string
	db := openDB(t, data)
	if err := db.QueryRow(`SELECT outcome, coalesce(detail, '') FROM crawl_queue WHERE url LIKE '%.pdf'`).Scan(&outcome, &detail); err != nil {
		t.Fatal(err)
	}
	if outcome != "too large" || detail != want {
		t.Errorf("the PDF's outcome is %q (%s), want too large (%s); crawl printed:\n%s%s", outcome, detail, want, stdout, stderr)
	}
	if !strings.Contains(stdout, "1 too large") {
		t.Errorf("the summary does not count it as too large:\n%s", stdout)
	}
}

// repeatReader reads chunk again and again.
func repeatReader(chunk []byte) io.Reader {
	return readerFunc(func(p []byte) (int, error) { return copy(p, chunk), nil })
}

type readerFunc func([]byte) (int, error)

func (f readerFunc) Read(p []byte) (int, error) { return f(p) }
