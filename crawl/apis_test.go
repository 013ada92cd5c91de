package crawl

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// reportBody is the article part of reportPage, as a script would insert it.
func reportBody(title string) string {
	page := fmt.Sprintf(reportPage, title)
	body := page[strings.Index(page, "<div id=\"zoom\">"):strings.Index(page, "</body>")]
	return body
}

// A Zhejiang jpaas column (F3): the first page in the HTML, the others from the
// publish API as {"success":true,"data":{"html":"<li>…"}}.
func TestJpaasColumn(t *testing.T) {
	titles := []string{"淳安县2024年政府信息公开工作年度报告", "淳安县2023年政府信息公开工作年度报告", "淳安县2022年政府信息公开工作年度报告",
		"淳安县2021年政府信息公开工作年度报告", "淳安县2020年政府信息公开工作年度报告"}
	item := func(i int) string {
		return fmt.Sprintf(`<li><a title="%s" href="/col/col1229100/art/2025/art_%032d.html">%s</a><b>2025-01-2%d</b></li>`, titles[i], i, titles[i], i)
	}
	apiPages := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/":
			fmt.Fprint(w, `<html><body><a href="/col/col1229100/index.html">政府信息公开年报</a></body></html>`)
		case r.URL.Path == "/col/col1229100/index.html":
			fmt.Fprintf(w, `<html><head><title>政府信息公开年报</title></head><body><ul>%s%s</ul>
<div class="pagination" count="5" rows="2" pageNo="1" queryData="{'webId':'3185','pageId':'1229100','tagId':'信息列表','tplSetId':'LWYUCb5AkzKrVm7WODRpT'}"></div></body></html>`, item(0), item(1))
		case r.URL.Path == jpaasPath:
			q := r.URL.Query()
			if q.Get("webId") != "3185" || q.Get("pageId") != "1229100" || q.Get("rows") != "2" {
				http.Error(w, `{"success":false}`, http.StatusBadRequest)
				return
			}
			apiPages++
			var html string
			switch q.Get("pageNo") {
			case "2":
				html = item(2) + item(3)
			case "3":
				html = item(4)
			}
			json.NewEncoder(w).Encode(map[string]any{"success": true, "data": map[string]any{"html": html}})
		case strings.Contains(r.URL.Path, "/art/"):
			var i int
			fmt.Sscanf(r.URL.Path[strings.LastIndex(r.URL.Path, "_")+1:], "%d", &i)
			fmt.Fprintf(w, reportPage, titles[i])
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	c, _, sink := newTestCrawler(t, testOptions(), Portal{Name: "淳安县", StartURLs: []string{srv.URL + "/"}})
	if _, err := c.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(sink.reports) != 5 {
		t.Errorf("%d reports, want 5: %v", len(sink.reports), sink.reports)
	}
	if apiPages != 2 {
		t.Errorf("%d API pages asked for, want 2 (pages 2 and 3 of ceil(5/2))", apiPages)
	}
}

// A Guangdong gkmlpt platform (F4): the index page holds only _CONFIG.SID and
// TREE; the documents come from /gkmlpt/api/all/<category>?page=&sid= (pages
// from 1, until an empty page), of the annual-report category when TREE names
// one and of all (0) otherwise, with https URLs on a host that answers HTTP;
// each document's body is JSON inside its page (_CONFIG.DETAIL).
func TestGkmlptPlatform(t *testing.T) {
	for _, tree := range []string{`[{"id":2,"name":"政策文件","children":[]},{"id":9,"name":"其他","children":[{"id":5,"name":"年度报告","children":[]}]}]`,
		`[{"id":2,"name":"政策文件","children":[]}]`} {
		gkmlptPlatform(t, tree)
	}
}

func gkmlptPlatform(t *testing.T, tree string) {
	docs := []struct {
		title string
		cat   string
	}{{"茂南区2024年政府信息公开工作年度报告", "5"}, {"关于印发茂南区2025年政务公开工作要点的通知", "2"}, {"茂南区2023年政府信息公开工作年度报告", "5"}}
	var mu sync.Mutex
	asked := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		asked[r.URL.Path]++
		mu.Unlock()
		switch {
		case r.URL.Path == "/":
			fmt.Fprint(w, `<html><body><a href="/mnq/gkmlpt/index">政府信息公开目录</a></body></html>`)
		case r.URL.Path == "/mnq/gkmlpt/index":
			fmt.Fprintf(w, `<html><head><title>政府信息公开</title></head><body><div id="app"></div><script>window._CONFIG = {SID:'755325', TREE:%s, SERVICE_AREA_ID: 1};</script></body></html>`, tree)
		case strings.HasPrefix(r.URL.Path, "/mnq/gkmlpt/api/all/"):
			cat := strings.TrimPrefix(r.URL.Path, "/mnq/gkmlpt/api/all/")
			if r.URL.Query().Get("sid") != "755325" {
				http.Error(w, "{}", http.StatusBadRequest)
				return
			}
			var in []int
			for i, d := range docs {
				if cat == "0" || d.cat == cat {
					in = append(in, i)
				}
			}
			var page int
			fmt.Sscan(r.URL.Query().Get("page"), &page)
			articles := []map[string]any{}
			for _, i := range in[min(max(page-1, 0)*2, len(in)):min(max(page, 0)*2, len(in))] {
				a := map[string]any{"id": i, "title": docs[i].title, "url": fmt.Sprintf("https://%s/mnq/gkmlpt/content/0/1/post_%d.html", r.Host, i), "attachment": []any{}}
				if i == 2 {
					delete(a, "url")
					a["post_url"] = "/mnq/gkmlpt/content/0/1/post_2.html"
					a["attachment"] = []any{map[string]any{"name": docs[2].title + ".pdf", "url": "/mnq/attachment/0/2/2.pdf"}}
				}
				articles = append(articles, a)
			}
			json.NewEncoder(w).Encode(map[string]any{"articles": articles, "total": len(in), "classify": map[string]any{"post_count": len(in)}})
		case strings.Contains(r.URL.Path, "/post_"):
			var i int
			fmt.Sscanf(r.URL.Path[strings.LastIndex(r.URL.Path, "_")+1:], "%d", &i)
			detail, _ := json.Marshal(map[string]any{"id": i, "title": docs[i].title, "content": reportBody(docs[i].title)})
			fmt.Fprintf(w, `<html><head><title>%s</title></head><body><div id="app"></div><script>window._CONFIG = {SID:'755325', DETAIL: %s};</script></body></html>`, docs[i].title, detail)
		case strings.HasSuffix(r.URL.Path, ".pdf"):
			w.Header().Set("Content-Type", "application/pdf")
			fmt.Fprint(w, "%PDF-1.4\n")
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	c, st, sink := newTestCrawler(t, testOptions(), Portal{Name: "茂南区", StartURLs: []string{srv.URL + "/"}})
	if _, err := c.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(sink.reports) != 2 {
		t.Errorf("tree %s: %d reports, want the 2 annual reports: %v", tree, len(sink.reports), sink.reports)
	}
	if got := st.outcome(1, srv.URL+"/mnq/attachment/0/2/2.pdf"); got == "" {
		t.Errorf("tree %s: the report's attachment named by the API was not fetched", tree)
	}
	if asked["/mnq/gkmlpt/content/0/1/post_1.html"] != 0 {
		t.Errorf("tree %s: a document that is not a report was fetched", tree)
	}
	wantCat := "/mnq/gkmlpt/api/all/5"
	if !strings.Contains(tree, "年度报告") {
		wantCat = "/mnq/gkmlpt/api/all/0"
	}
	if asked[wantCat] == 0 || len(asked) > 0 && asked["/mnq/gkmlpt/api/all/5"]+asked["/mnq/gkmlpt/api/all/0"] != asked[wantCat] {
		t.Errorf("tree %s: categories asked %v, want %s only", tree, asked, wantCat)
	}
}
