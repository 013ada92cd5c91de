package crawl

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// BenchmarkRender crawls a portal of script-only columns, each rendered in
// headless Chromium (one browser, one tab at a time, every request of the page
// answered by the crawler), and reports the pages rendered per second and the
// browser's peak memory: the proportional set size (PSS) of all its processes,
// so that pages they share are counted once, sampled every 50 ms.
//
//	go test ./crawl -run '^$' -bench BenchmarkRender -benchtime 1x -count 3
func BenchmarkRender(b *testing.B) {
	if FindChromium("") == "" {
		b.Skip("no Chromium on this machine")
	}
	const columns, perColumn = 40, 5
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var col, n int
		switch {
		case r.URL.Path == "/":
			var links strings.Builder
			for i := range columns {
				fmt.Fprintf(&links, `<li><a href="/nb/%d/">第%d栏目年报</a></li>`, i, i)
			}
			fmt.Fprintf(w, `<html><body><ul>%s</ul></body></html>`, links.String())
		case r.URL.Path == "/js/list.js":
			w.Header().Set("Content-Type", "application/javascript")
			fmt.Fprint(w, `function list(col) { var x = new XMLHttpRequest(); x.open("GET", "/api/" + "rows?col=" + col);
x.onload = function () { var h = ""; JSON.parse(x.responseText).forEach(function (r) { h += '<li><a href="' + r.u + '">' + r.t + '</a></li>'; });
document.getElementById("l").innerHTML = h; }; x.send(); }`)
		case r.URL.Path == "/api/rows":
			col, _ = strconv.Atoi(r.URL.Query().Get("col"))
			var rows []string
			for i := range perColumn {
				rows = append(rows, fmt.Sprintf(`{"t":"某县第%d单位%d年政府信息公开工作年度报告","u":"/art/%d/%d.html"}`, col, 2020+i, col, i))
			}
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, "[%s]", strings.Join(rows, ","))
		case strings.HasPrefix(r.URL.Path, "/nb/"):
			fmt.Sscanf(r.URL.Path, "/nb/%d/", &col)
			fmt.Fprintf(w, `<html><head><title>第%d栏目年报</title><script src="/js/list.js"></script></head><body><ul id="l"></ul><script>list(%d);</script></body></html>`, col, col)
		case strings.HasPrefix(r.URL.Path, "/art/"):
			fmt.Sscanf(r.URL.Path, "/art/%d/%d.html", &col, &n)
			fmt.Fprintf(w, reportPage, fmt.Sprintf("某县第%d单位%d年政府信息公开工作年度报告", col, 2020+n))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	opts := testOptions()
	opts.ObeyRobots, opts.Parallelism, opts.HostParallelism, opts.MaxPagesPerHost = false, 4, 4, 1<<20
	for b.Loop() {
		b.StopTimer()
		c, _, sink := newTestCrawler(b, opts, Portal{Name: "某县", StartURLs: []string{srv.URL + "/"}})
		peak := &pssPeak{}
		stopSampling := peak.sample(c.renderer)
		b.StartTimer()
		start := time.Now()
		stats, err := c.Run(context.Background())
		took := time.Since(start)
		b.StopTimer()
		stopSampling()
		if err != nil {
			b.Fatal(err)
		}
		if stats.Rendered != columns || len(sink.reports) != columns*perColumn {
			b.Fatalf("%d pages rendered, %d reports", stats.Rendered, len(sink.reports))
		}
		b.ReportMetric(float64(stats.Rendered)/took.Seconds(), "rendered-pages/s")
		b.ReportMetric(float64(peak.max)/(1<<20), "browser-peak-MB")
		b.StartTimer()
	}
}

// pssPeak is the largest resident memory seen of a browser and its children.
type pssPeak struct {
	mu  sync.Mutex
	max int64
}

// sample reads the renderer's browser every 50 ms until stopped.
func (p *pssPeak) sample(r *renderer) func() {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				pid := r.pid.Load()
				if pid == 0 {
					continue
				}
				if n := treePSS(int(pid)); n > 0 {
					p.mu.Lock()
					p.max = max(p.max, n)
					p.mu.Unlock()
				}
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

// treePSS sums the PSS of a process and its descendants, in bytes.
func treePSS(root int) int64 {
	children := map[int][]int{}
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, f := range stats {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		s := string(b)
		rest := s[strings.LastIndexByte(s, ')')+2:]
		var state string
		var ppid int
		fmt.Sscan(rest, &state, &ppid)
		pid, _ := strconv.Atoi(filepath.Base(filepath.Dir(f)))
		children[ppid] = append(children[ppid], pid)
	}
	var total int64
	queue := []int{root}
	for len(queue) > 0 {
		pid := queue[0]
		queue = append(queue[1:], children[pid]...)
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/smaps_rollup", pid))
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "Pss:"); ok {
				var kb int64
				fmt.Sscan(v, &kb)
				total += kb << 10
			}
		}
	}
	return total
}
