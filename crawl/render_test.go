package crawl

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// scriptColumn serves a portal whose 年报 column writes its list with a script
// that asks an endpoint no adapter knows (its URL is built in the script), as
// client-rendered columns do (portals.md F2d). It counts what it is asked.
func scriptColumn(t *testing.T) (*httptest.Server, *sync.Map) {
	t.Helper()
	var asked sync.Map
	count := func(r *http.Request) {
		n, _ := asked.LoadOrStore(r.URL.Path, new(int))
		*n.(*int)++
	}
	titles := []string{"历城区2024年政府信息公开工作年度报告", "历城区2023年政府信息公开工作年度报告", "历城区政府信息公开指南"}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		count(r)
		if r.UserAgent() != "gongkai-test" {
			t.Errorf("%s asked with User-Agent %q", r.URL, r.UserAgent())
		}
		switch {
		case r.URL.Path == "/":
			fmt.Fprint(w, `<html><body><a href="/zwgk/zfxxgknb/">政府信息公开年报</a></body></html>`)
		case r.URL.Path == "/zwgk/zfxxgknb/":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, `<html><head><title>政府信息公开年报</title><script src="/js/datacall.js"></script>
<link rel="stylesheet" href="/css/site.css"></head><body><img src="/img/banner.png"><ul id="list"></ul>
<script src="http://cdn.example.invalid/jquery.js"></script>
<script>datacall({el: "list", col: "c1f2"});</script></body></html>`)
		case r.URL.Path == "/js/datacall.js":
			w.Header().Set("Content-Type", "application/javascript")
			fmt.Fprint(w, `function datacall(o) {
  var x = new XMLHttpRequest();
  x.open("GET", "/api/" + "dc" + "?col=" + o.col);
  x.onload = function () {
    var items = JSON.parse(x.responseText).rows, ul = document.getElementById(o.el);
    items.forEach(function (it) {
      var li = document.createElement("li"), a = document.createElement("a");
      a.href = it.u; a.textContent = it.t; li.appendChild(a); ul.appendChild(li);
    });
  };
  x.send();
}`)
		case r.URL.Path == "/api/dc":
			if r.URL.Query().Get("col") != "c1f2" || r.Header.Get("Referer") == "" {
				http.Error(w, "{}", http.StatusBadRequest)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			var rows []string
			for i, title := range titles {
				rows = append(rows, fmt.Sprintf(`{"t":%q,"u":"/art/%d.html"}`, title, i))
			}
			fmt.Fprintf(w, `{"rows":[%s]}`, strings.Join(rows, ","))
		case strings.HasPrefix(r.URL.Path, "/art/"):
			var i int
			fmt.Sscanf(r.URL.Path, "/art/%d.html", &i)
			fmt.Fprintf(w, reportPage, titles[i])
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, &asked
}

// needChromium skips a test that renders on a machine without Chromium.
func needChromium(t *testing.T) {
	t.Helper()
	if FindChromium("") == "" {
		t.Skip("no Chromium on this machine (Debian: apt-get install chromium); rendering needs one")
	}
}

func times(asked *sync.Map, path string) int {
	if n, ok := asked.Load(path); ok {
		return *n.(*int)
	}
	return 0
}

// A column that only its scripts fill is rendered in headless Chromium: its
// reports are found, the browser's requests go through the crawler (our
// User-Agent, the portal's host only, no images or style sheets), the page is
// not asked for twice, and the rendered DOM is archived as a conversion record.
func TestScriptOnlyColumnIsRendered(t *testing.T) {
	needChromium(t)
	srv, asked := scriptColumn(t)
	c, st, sink := newTestCrawler(t, testOptions(), Portal{Name: "历城区", StartURLs: []string{srv.URL + "/"}})
	stats, err := c.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(sink.reports) != 2 {
		t.Errorf("%d reports, want the 2 the script lists: %v", len(sink.reports), sink.reports)
	}
	got := st.outcome(1, srv.URL+"/zwgk/zfxxgknb/")
	if !strings.HasPrefix(got, string(OutcomeList)+": rendered in Chromium") {
		t.Errorf("the column ended as %q", got)
	}
	t.Logf("column: %s", got)
	if stats.Rendered != 1 {
		t.Errorf("%d pages rendered, want 1", stats.Rendered)
	}
	for path, want := range map[string]int{"/zwgk/zfxxgknb/": 1, "/js/datacall.js": 1, "/api/dc": 1, "/css/site.css": 0, "/img/banner.png": 0, "/favicon.ico": 0} {
		if n := times(asked, path); n != want {
			t.Errorf("%s asked %d times, want %d", path, n, want)
		}
	}
	all := archivedText(t, c.archive.Dir())
	for _, want := range []string{"WARC-Type: conversion", "历城区2024年政府信息公开工作年度报告</a>", "GET /api/dc?col=c1f2 HTTP/1.1", "GET /js/datacall.js HTTP/1.1"} {
		if !strings.Contains(all, want) {
			t.Errorf("the archive lacks %q", want)
		}
	}
}

// With render = "never" (or without Chromium) such a column is recorded as
// needing a browser, not as a column without reports.
func TestScriptOnlyColumnNeedsABrowser(t *testing.T) {
	srv, asked := scriptColumn(t)
	opts := testOptions()
	opts.Render = RenderNever
	c, st, sink := newTestCrawler(t, opts, Portal{Name: "历城区", StartURLs: []string{srv.URL + "/"}})
	stats, err := c.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got := st.outcome(1, srv.URL+"/zwgk/zfxxgknb/"); !strings.HasPrefix(got, string(OutcomeNeedsBrowser)) || !strings.Contains(got, `render = "never"`) {
		t.Errorf("the script-only column ended as %q", got)
	}
	if stats.Outcomes.Problems() == 0 || len(sink.reports) != 0 || times(asked, "/api/dc") != 0 {
		t.Errorf("outcomes %v, reports %v, API asked %d times", stats.Outcomes, sink.reports, times(asked, "/api/dc"))
	}
}

// A page whose script never ends costs its time limit, not the run: it ends as
// needing a browser, and the next page still renders.
func TestRenderingIsBounded(t *testing.T) {
	needChromium(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/":
			fmt.Fprint(w, `<html><body><a href="/nb/a/">政府信息公开年报</a><a href="/nb/b/">部门年报</a></body></html>`)
		case "/nb/a/":
			fmt.Fprint(w, `<html><head><title>政府信息公开年报</title></head><body><ul id="l"></ul><script>while (true) {}</script></body></html>`)
		case "/nb/b/":
			fmt.Fprint(w, `<html><head><title>部门年报</title></head><body><ul id="l"></ul><script>
document.getElementById("l").innerHTML = '<li><a href="/art/1.html">某县财政局2024年政府信息公开工作年度报告</a></li>';</script></body></html>`)
		case "/art/1.html":
			fmt.Fprintf(w, reportPage, "某县财政局2024年政府信息公开工作年度报告")
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	opts := testOptions()
	opts.RenderTimeout = time.Second
	c, st, sink := newTestCrawler(t, opts, Portal{Name: "某县", StartURLs: []string{srv.URL + "/"}})
	if _, err := c.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := st.outcome(1, srv.URL+"/nb/a/"); !strings.HasPrefix(got, string(OutcomeNeedsBrowser)+": ") || !strings.Contains(got, "rendering it in Chromium failed") {
		t.Errorf("the page that never finishes: %q", got)
	}
	if len(sink.reports) != 1 {
		t.Errorf("the page after it: reports %v; outcome %q", sink.reports, st.outcome(1, srv.URL+"/nb/b/"))
	}
}

// A page is read once its scripts' requests have been handled, however slow
// the machine: here the answer to the first request is handled by a script
// that computes for longer than the quiet time before it asks for the list (as
// a starved browser takes long to hand an answer to its page), and the list
// is still read.
func TestRenderWaitsForTheScriptsRequests(t *testing.T) {
	needChromium(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/":
			fmt.Fprint(w, `<html><body><a href="/nb/">政府信息公开年报</a></body></html>`)
		case "/nb/":
			fmt.Fprint(w, `<html><head><title>政府信息公开年报</title></head><body><ul id="l"></ul><script>
var conf = new XMLHttpRequest();
conf.open("GET", "/api/" + "conf");
conf.onload = function () {
  for (var t = Date.now(); Date.now() - t < 1200;) {}
  var list = new XMLHttpRequest();
  list.open("GET", "/api/" + "list?col=" + JSON.parse(conf.responseText).col);
  list.onload = function () { document.getElementById("l").innerHTML = list.responseText; };
  list.send();
};
conf.send();</script></body></html>`)
		case "/api/conf":
			fmt.Fprint(w, `{"col": 7}`)
		case "/api/list":
			fmt.Fprint(w, `<li><a href="/art/1.html">某县财政局2024年政府信息公开工作年度报告</a></li>`)
		case "/art/1.html":
			fmt.Fprintf(w, reportPage, "某县财政局2024年政府信息公开工作年度报告")
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	c, st, sink := newTestCrawler(t, testOptions(), Portal{Name: "某县", StartURLs: []string{srv.URL + "/"}})
	if _, err := c.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(sink.reports) != 1 {
		t.Errorf("reports %v; the column ended as %q", sink.reports, st.outcome(1, srv.URL+"/nb/"))
	}
}

// The requests by which a rendered page's scripts ask for the first page of a
// list are told by their page parameter, in the query, a form or a JSON body.
func TestFirstPageAsked(t *testing.T) {
	for _, tc := range []struct {
		br   browserRequest
		want string
	}{
		{browserRequest{Method: "POST", URL: "http://x/szinf/xxgk/interfacesWebZcwj/loadData?pageSize=6", Body: []byte("pageIndex=1&channel_id=5c2a")},
			"POST /szinf/xxgk/interfacesWebZcwj/loadData pageIndex=1"},
		{browserRequest{Method: "GET", URL: "http://x/szinf/info/getInfoCommon/?pagesize=5&currpage=1&channelid=8a9f"},
			"GET /szinf/info/getInfoCommon/ currpage=1"},
		{browserRequest{Method: "POST", URL: "http://x/api/list", Body: []byte(`{"pageNo": 1, "size": 20}`)}, "POST /api/list pageNo=1"},
		{browserRequest{Method: "GET", URL: "http://x/module/datacall/list.jsp?col=23186&site=lc&size=20"}, ""},
		{browserRequest{Method: "GET", URL: "http://x/api/list?page=3"}, ""},
	} {
		if got := firstPageAsked(tc.br); got != tc.want {
			t.Errorf("%s %s %s: %q, want %q", tc.br.Method, tc.br.URL, tc.br.Body, got, tc.want)
		}
	}
}
