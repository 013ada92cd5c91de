package crawl

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// deadMenuPortal is the real shape that made TRS columns yield nothing: a home
// page whose menu links twenty columns that answer 404, and a report column with
// ten ./YYYYMM/tYYYYMMDD_id.htm reports. It logs the paths requested, in order.
func deadMenuPortal(t *testing.T) (*httptest.Server, func() []string) {
	t.Helper()
	var mu sync.Mutex
	var log []string
	menu := []string{"政务公开", "信息公开", "政府信息公开", "部门信息公开", "乡镇信息公开", "街道信息公开", "通知公告", "公示公告",
		"政府文件", "法定主动公开内容", "公开目录", "区直单位", "县直部门", "镇人民政府", "办事处", "专栏", "政务公开专栏", "信息公开指南", "信息公开制度", "依申请公开"}
	var home strings.Builder
	home.WriteString(`<html><head><title>某某县人民政府</title></head><body><div class="nav">`)
	for i, m := range menu {
		fmt.Fprintf(&home, `<a href="/col%d/">%s</a> `, i, m)
	}
	home.WriteString(`</div><div class="main"><a href="/zwgk/zfxxgk/zfxxgknb/">政府信息公开年报</a></div></body></html>`)
	var column strings.Builder
	column.WriteString(`<html><head><title>政府信息公开年报_某某县人民政府</title></head><body><ul class="list">`)
	var titles []string
	for i := range 10 {
		year := 2016 + i
		title := fmt.Sprintf("某某县%d年政府信息公开工作年度报告", year)
		titles = append(titles, title)
		fmt.Fprintf(&column, `<li><a href="./%d01/t%d0118_%d.htm" title="%s">%s</a><span>%d-01-18</span></li>`, year+1, year+1, 4370000+i, title, title, year+1)
	}
	column.WriteString(`</ul></body></html>`)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		log = append(log, r.URL.Path)
		mu.Unlock()
		switch p := r.URL.Path; {
		case p == "/robots.txt":
			http.NotFound(w, r)
		case p == "/":
			fmt.Fprint(w, home.String())
		case p == "/zwgk/zfxxgk/zfxxgknb/":
			fmt.Fprint(w, column.String())
		case strings.HasPrefix(p, "/zwgk/zfxxgk/zfxxgknb/") && strings.HasSuffix(p, ".htm"):
			var year, id int
			fmt.Sscanf(p[strings.LastIndex(p, "/t")+2:], "%4d0118_%d.htm", &year, &id)
			fmt.Fprintf(w, reportPage, titles[id-4370000])
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), log...)
	}
}

// A menu of dead links costs a few requests, never the column: 404s are outcomes
// of their URLs, not failures of the host, and the reports go first.
func TestDeadMenuDoesNotCostTheColumn(t *testing.T) {
	srv, requests := deadMenuPortal(t)
	opts := testOptions()
	opts.FailureBudget = 3 // far fewer than the dead links
	c, _, sink := newTestCrawler(t, opts, Portal{Name: "某某县", StartURLs: []string{srv.URL + "/"}})
	stats, err := c.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(sink.reports) != 10 || stats.ReportsNew != 10 {
		t.Errorf("%d reports stored (stats %d), want the column's 10: %v", len(sink.reports), stats.ReportsNew, sink.reports)
	}
	if n := stats.Outcomes[OutcomeNotFound]; n < 20 {
		t.Errorf("%d URLs not found, want the 20 dead menu links: %v", n, stats.Outcomes)
	}
	if n := stats.Outcomes[OutcomeSkipped]; n != 0 {
		t.Errorf("%d URLs skipped: the host was left alone for its dead links: %v", n, stats.Outcomes)
	}
	// Best first: the column and its reports before any dead menu link.
	firstDead, lastReport := -1, -1
	for i, p := range requests() {
		if strings.HasPrefix(p, "/col") && firstDead < 0 {
			firstDead = i
		}
		if strings.HasSuffix(p, ".htm") {
			lastReport = i
		}
	}
	if firstDead >= 0 && lastReport > firstDead {
		t.Errorf("a dead menu link was fetched (request %d) before the last report (request %d): %v", firstDead, lastReport, requests())
	}
}

// What says that the host itself fails (5xx, refused connections) does count:
// the host is left alone once the failure budget is spent, and what it still had
// queued is recorded as skipped.
func TestHostFailuresSpendTheBudget(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/" {
			var b strings.Builder
			for i := range 10 {
				fmt.Fprintf(&b, `<a href="/zwgk/%d/">政务公开%d</a>`, i, i)
			}
			fmt.Fprint(w, "<html><body>"+b.String()+"</body></html>")
			return
		}
		http.Error(w, "down", http.StatusBadGateway)
	}))
	defer srv.Close()
	opts := testOptions()
	opts.FailureBudget, opts.MaxRetries, opts.ObeyRobots = 3, 0, false
	c, _, _ := newTestCrawler(t, opts, Portal{Name: "p", StartURLs: []string{srv.URL + "/"}})
	stats, err := c.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if stats.Outcomes[OutcomeFailed] != 3 || stats.Outcomes[OutcomeSkipped] != 7 {
		t.Errorf("outcomes %v, want 3 failed after retries and 7 skipped", stats.Outcomes)
	}
}
