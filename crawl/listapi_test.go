package crawl

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestParsePath(t *testing.T) {
	answer := map[string]any{}
	json.Unmarshal([]byte(`{"data":{"list":[{"title":"a","url":"/a"}],"total":"7"},"results":{"data":{"results":[{"x":1}]}},"rows":[[{"t":"deep"}]]}`), &answer)
	for path, want := range map[string]string{
		"data.list.0.title":        "a",
		"data.list[0].url":         "/a",
		"data.total":               "7",
		"results.data.results.0.x": "1",
		"rows[0][0].t":             "deep",
	} {
		p, err := ParsePath(path)
		if err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		got, ok := p.lookup(answer)
		if !ok || fmt.Sprint(got) != want {
			t.Errorf("%s = %v (%v), want %s", path, got, ok, want)
		}
	}
	for _, bad := range []string{"data..list", "data.", ".data", "data.li st", "data[x]"} {
		if _, err := ParsePath(bad); err == nil {
			t.Errorf("%q was accepted as a path", bad)
		}
	}
	if p, _ := ParsePath("data.missing.x"); func() bool { _, ok := p.lookup(answer); return ok }() {
		t.Errorf("a missing key was found")
	}
}

// apiPortal serves a portal whose 年报 column is a shell that a JSON API fills:
// reports, a look-alike and a notice among the items, the page size and total
// as the answer states them. serve writes one page of items.
type apiPortal struct {
	mu      sync.Mutex
	asked   []string // the API requests: method, query and body
	headers []http.Header
}

var apiTitles = []string{
	"吴江区2024年政府信息公开工作年度报告", "吴江区政府信息公开指南", "吴江区2023年政府信息公开工作年度报告",
	"关于报送2024年度政府信息公开工作年度报告的通知", "吴江区2022年政府信息公开工作年度报告", "吴江区2025年政务公开工作要点",
	"吴江区2021年政府信息公开工作年度报告",
}

func (p *apiPortal) server(t *testing.T, api func(w http.ResponseWriter, r *http.Request, body string)) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/":
			fmt.Fprint(w, `<html><body><a href="/zwgk/nb/">政府信息公开年报</a></body></html>`)
		case r.URL.Path == "/zwgk/nb/":
			fmt.Fprint(w, `<html><head><title>政府信息公开年报</title></head><body><ul id="list"></ul><script src="/js/list.js"></script></body></html>`)
		case strings.HasPrefix(r.URL.Path, "/api/"):
			b, _ := io.ReadAll(r.Body)
			p.mu.Lock()
			p.asked = append(p.asked, r.Method+" "+r.URL.RawQuery+" "+string(b))
			p.headers = append(p.headers, r.Header.Clone())
			p.mu.Unlock()
			if !strings.HasSuffix(r.Referer(), "/zwgk/nb/") {
				fmt.Fprint(w, `{"code":403,"msg":"非法请求"}`)
				return
			}
			api(w, r, string(b))
		case strings.HasPrefix(r.URL.Path, "/art/"):
			var i int
			fmt.Sscanf(r.URL.Path, "/art/%d.html", &i)
			if i >= len(apiTitles) || !strings.Contains(apiTitles[i], "年度报告") || strings.Contains(apiTitles[i], "关于") {
				t.Errorf("%s was fetched: %s", r.URL.Path, apiTitles[min(i, len(apiTitles)-1)])
			}
			fmt.Fprintf(w, reportPage, apiTitles[i])
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// items returns items from..to of the list as JSON objects with the given
// field names; links are relative to the column page's host.
func apiItems(from, to int, title, link, date string) []map[string]any {
	var out []map[string]any
	for i := from; i < min(to, len(apiTitles)); i++ {
		out = append(out, map[string]any{title: apiTitles[i], link: fmt.Sprintf("/art/%d.html", i), date: fmt.Sprintf("2025-01-%02d 09:30:00", 20-i)})
	}
	return out
}

// 苏州's getInfoCommon shape: GET ?pagesize=&currpage= (from 1), the items in
// infolist with title, link and pubtime, the total number of items given.
func TestListAPIGetPages(t *testing.T) {
	p := &apiPortal{}
	srv := p.server(t, func(w http.ResponseWriter, r *http.Request, _ string) {
		var page, size int
		fmt.Sscan(r.URL.Query().Get("currpage"), &page)
		fmt.Sscan(r.URL.Query().Get("pagesize"), &size)
		w.Header().Set("Content-Type", "application/json;charset=UTF-8")
		json.NewEncoder(w).Encode(map[string]any{"infolist": apiItems((page-1)*size, page*size, "title", "link", "pubtime"), "total": len(apiTitles)})
	})
	portal := Portal{Name: "吴江区", StartURLs: []string{srv.URL + "/"}, APIs: []ListAPI{{
		URL: srv.URL + "/api/getInfoCommon/?pagesize={size}&currpage={page}&channelid=8a3f", Method: http.MethodGet, FirstPage: 1, PageSize: 3,
		Referer: srv.URL + "/zwgk/nb/", Headers: map[string]string{"X-Requested-With": "XMLHttpRequest"},
		Items: "infolist", Title: "title", Link: "link", Date: "pubtime", TotalRecords: "total",
	}}}
	c, st, sink := newTestCrawler(t, testOptions(), portal)
	if _, err := c.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(sink.reports) != 4 {
		t.Errorf("%d reports, want 4: %v", len(sink.reports), sink.reports)
	}
	if len(p.asked) != 3 {
		t.Errorf("the API was asked %d times, want 3 (7 items, 3 a page, the total says when to stop): %q", len(p.asked), p.asked)
	}
	for _, h := range p.headers {
		if h.Get("X-Requested-With") != "XMLHttpRequest" {
			t.Errorf("a request without the configured header: %v", h)
		}
	}
	if got := st.outcome(1, srv.URL+"/zwgk/nb/"); strings.HasPrefix(got, string(OutcomeNeedsBrowser)) {
		t.Errorf("the column page whose API is configured needs a browser: %q", got)
	}
	if got := st.outcome(1, srv.URL+"/api/getInfoCommon/?pagesize=3&currpage=3&channelid=8a3f"); !strings.Contains(got, "page 3: 1 item, 1 with a link; 7 records in all") {
		t.Errorf("the last page's outcome: %q", got)
	}
	var listed string
	for _, it := range st.items[1] {
		if strings.HasSuffix(it.URL, "/art/2.html") {
			listed = it.Listed
		}
	}
	if listed != "2025-01-18" {
		t.Errorf("the report's date from the list: %q", listed)
	}
}

// 浦东's shape: POST with a JSON body, the items in data.list with title, url
// and display_date, pages counted from 0 here; the server ignores pages past
// the end and answers the last one again, so paging ends when no new link comes.
func TestListAPIPostJSON(t *testing.T) {
	p := &apiPortal{}
	srv := p.server(t, func(w http.ResponseWriter, r *http.Request, body string) {
		var req struct {
			Channels []string `json:"channelList"`
			Size     int      `json:"pageSize"`
			Page     int      `json:"pageNo"`
		}
		if r.Method != http.MethodPost || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") || json.Unmarshal([]byte(body), &req) != nil || req.Channels[0] != "5144" {
			http.Error(w, `{"code":400}`, http.StatusBadRequest)
			return
		}
		page := min(req.Page, (len(apiTitles)-1)/req.Size)
		json.NewEncoder(w).Encode(map[string]any{"code": 200, "data": map[string]any{"list": apiItems(page*req.Size, (page+1)*req.Size, "title", "url", "display_date")}})
	})
	portal := Portal{Name: "浦东新区", StartURLs: []string{srv.URL + "/"}, APIs: []ListAPI{{
		URL: srv.URL + "/api/data/affair", Method: http.MethodPost, Body: `{"channelList":["5144"],"pageSize":4,"pageNo":{page}}`,
		BodyType: "application/json;charset=UTF-8", FirstPage: 0, PageSize: 4, Referer: srv.URL + "/zwgk/nb/",
		Items: "data.list", Title: "title", Link: "url", Date: "display_date",
	}}}
	c, _, sink := newTestCrawler(t, testOptions(), portal)
	if _, err := c.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(sink.reports) != 4 {
		t.Errorf("%d reports, want 4: %v", len(sink.reports), sink.reports)
	}
	// Page 0 and 1 bring links; page 2 repeats page 1, which ends the paging.
	if len(p.asked) != 3 {
		t.Errorf("the API was asked %d times, want 3: %q", len(p.asked), p.asked)
	}
	// The archive holds each POST with its body.
	all := archivedText(t, c.archive.Dir())
	if !strings.Contains(all, `POST /api/data/affair HTTP/1.1`) || !strings.Contains(all, `{"channelList":["5144"],"pageSize":4,"pageNo":1}`) {
		t.Errorf("the archive lacks the POST request with its body")
	}
}

// An answer whose items are not where the configuration says is said in the
// URL's outcome, with where the answer does keep arrays.
func TestListAPIWrongPath(t *testing.T) {
	p := &apiPortal{}
	srv := p.server(t, func(w http.ResponseWriter, r *http.Request, _ string) {
		json.NewEncoder(w).Encode(map[string]any{"data": map[string]any{"rows": apiItems(0, 7, "TITLE", "URL", "PUBLISHED_TIME_FORMAT"), "allRow": 7}})
	})
	portal := Portal{Name: "苏州", StartURLs: []string{srv.URL + "/"}, APIs: []ListAPI{{
		URL: srv.URL + "/api/loadData?pageIndex={page}", Method: http.MethodGet, FirstPage: 1, Referer: srv.URL + "/zwgk/nb/",
		Items: "data.list",
	}}}
	c, st, sink := newTestCrawler(t, testOptions(), portal)
	if _, err := c.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(sink.reports) != 0 {
		t.Errorf("reports from an answer read at the wrong place: %v", sink.reports)
	}
	if got := st.outcome(1, srv.URL+"/api/loadData?pageIndex=1"); !strings.Contains(got, `no array of items at "data.list" (it has arrays at data.rows (7))`) {
		t.Errorf("outcome of the misread answer: %q", got)
	}
}

// archivedText is every record of an archive folder's WARC files, as text.
func archivedText(t *testing.T, dir string) string {
	t.Helper()
	warcs, _ := filepath.Glob(filepath.Join(dir, "*.warc.gz*"))
	var all strings.Builder
	for _, f := range warcs {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if zr, err := gzip.NewReader(bytes.NewReader(raw)); err == nil {
			io.Copy(&all, zr)
		}
	}
	return all.String()
}
