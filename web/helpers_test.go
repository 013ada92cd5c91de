package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"gongkai/archive"
	"gongkai/index"
	"gongkai/report"
	"gongkai/store"
)

// The test archive, built from the Xiling education bureau's 2022 report (a
// record `gongkai parse --json` made of the real report):
//
//	edu2022  宜昌市西陵区教育局 2022: 34 requests, a "/" and a blank cell; kept as raw bytes
//	edu2021  the same bureau's 2021 report, whose carried-forward total breaks the carry chain
//	fin2022  宜昌市西陵区财政局 2022: 5 requests (too few for rates), a row total that does not add up
//	jus2021  宜昌市西陵区司法局 2021 only: missing in 2022; its original in a WARC file
//	xss2022  宜昌市西陵区审计局 2022: title, organ, body, a cell and the source URL carry markup;
//	         (10 + 4) / 34 granted
type fixture struct {
	handler http.Handler
	dataDir string
	ids     map[string]int64
	shas    map[string]string
}

func loadRecord(t *testing.T) *report.Record { return storeRecord(t, "xiling-education-2022") }

// storeRecord reads a record of the store's test data.
func storeRecord(t *testing.T, name string) *report.Record {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "store", "testdata", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	rec := &report.Record{}
	if err := json.Unmarshal(data, rec); err != nil {
		t.Fatal(err)
	}
	return rec
}

func cloneRecord(t *testing.T, rec *report.Record) *report.Record {
	t.Helper()
	data, err := json.Marshal(rec)
	if err != nil {
		t.Fatal(err)
	}
	out := &report.Record{}
	if err := json.Unmarshal(data, out); err != nil {
		t.Fatal(err)
	}
	return out
}

// setCell changes the printed text of a cell (and the table's figure) and
// recomputes the checks, as the parser would have made them.
func setCell(t *testing.T, rec *report.Record, ref, raw string) {
	t.Helper()
	for i, c := range rec.Cells {
		if c.Ref() != ref {
			continue
		}
		kind, v := report.KindNumber, 0.0
		switch raw {
		case "":
			kind = report.KindBlank
		case "/":
			kind = report.KindDash
		default:
			if err := json.Unmarshal([]byte(raw), &v); err != nil {
				kind = report.KindText
			}
		}
		rec.Cells[i].Raw, rec.Cells[i].Kind, rec.Cells[i].Value = raw, kind, nil
		if kind == report.KindNumber {
			rec.Cells[i].Value = &v
		}
		if c.Table == report.T3 {
			rec.Table3[c.Row][c.Column] = int64(v)
		}
		rec.Checks = report.ComputeChecks(rec)
		return
	}
	t.Fatalf("no cell %s", ref)
}

func retitle(rec *report.Record, organ, department string, year int) {
	rec.Organ, rec.Department, rec.Year = organ, department, year
	rec.Title = fmt.Sprintf("%s%d年政府信息公开工作年度报告", organ, year)
}

func doc(uri, raw string) store.Document {
	sum := sha256.Sum256([]byte(raw))
	return store.Document{URI: uri, SHA256: hex.EncodeToString(sum[:]), MediaType: "text/html; charset=utf-8",
		Size: int64(len(raw)), FetchedAt: time.Date(2023, 2, 1, 8, 0, 0, 0, time.UTC), Bytes: []byte(raw)}
}

// Markup a hostile portal might put into a report.
const (
	xssTitle = `<script>alert("title")</script>宜昌市西陵区审计局2022年政府信息公开工作年度报告`
	xssOrgan = `宜昌市西陵区审计局<img src=x onerror=alert(1)>`
	xssBody  = "行政复议 <script>alert(\"body\")</script> <img src=x onerror=alert(2)> <a href=\"javascript:alert(3)\">点此</a> 行政复议申请。"
	xssCell  = `<b onmouseover=alert(5)>7</b>`
	xssURI   = `javascript:alert(4)//report.html`
)

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	rw, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	base := loadRecord(t)

	edu22 := cloneRecord(t, base)
	setCell(t, edu22, "table3.withheld_law_prohibited.natural_person", "/")
	setCell(t, edu22, "table3.withheld_law_prohibited.commercial", "")
	edu21 := cloneRecord(t, base)
	retitle(edu21, "西陵区教育局", "教育局", 2021) // the same body, spelled as some years spell it
	edu21.Published = "2022-01-20"
	setCell(t, edu21, "table3.carried_forward.total", "9")
	edu21.Text = "2021年，西陵区教育局认真贯彻落实《中华人民共和国政府信息公开条例》，主动公开招生入学、学校收费等信息。"
	fin22 := cloneRecord(t, base)
	retitle(fin22, "宜昌市西陵区财政局", "财政局", 2022)
	setCell(t, fin22, "table3.new_received.total", "5")
	setCell(t, fin22, "table3.carried_over.total", "0")
	fin22.Text = "区财政局按照预算公开要求，公开部门预算决算和“三公”经费，依申请公开办理及时规范。"
	jus21 := cloneRecord(t, base)
	retitle(jus21, "宜昌市西陵区司法局", "司法局", 2021)
	jus21.Text = "区司法局公开法律援助、人民调解等信息，依申请公开办理依法依规。"
	jus21.Published = "2022-01-25"
	xss := cloneRecord(t, base)
	retitle(xss, xssOrgan, `审计局"><script>alert(6)</script>`, 2022)
	xss.Title = xssTitle
	xss.Text = xssBody
	setCell(t, xss, "table3.granted.natural_person", xssCell)
	setCell(t, xss, "table3.granted.total", "10")

	// jus2021's original is kept in a WARC file, as the crawler keeps what it fetches.
	warcBody := "<html><body>司法局 2021 original</body></html>"
	capture := archiveResponse(t, dir, "http://example.gov.cn/sfj/2021.html", http.Header{"Content-Type": {"text/html"}}, []byte(warcBody))
	jusDoc := doc("http://example.gov.cn/sfj/2021.html", warcBody)
	jusDoc.Bytes, jusDoc.Location = nil, store.Location{WARCFile: capture.File, Offset: capture.Offset}

	items := []store.Item{
		{Doc: doc("http://example.gov.cn/jyj/2022.html", "<html>教育局 2022 original <script>x</script></html>"), Record: edu22},
		{Doc: doc("http://example.gov.cn/jyj/2021.html", "教育局 2021"), Record: edu21},
		{Doc: doc("http://example.gov.cn/czj/2022.html", "财政局 2022"), Record: fin22},
		{Doc: jusDoc, Record: jus21},
		{Doc: doc(xssURI, "审计局 2022"), Record: xss},
	}
	names := []string{"edu2022", "edu2021", "fin2022", "jus2021", "xss2022"}
	for i := range items {
		items[i].ParserVersion = "test"
	}
	res, err := rw.Ingest(ctx, items)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{dataDir: dir, ids: map[string]int64{}, shas: map[string]string{}}
	for i, r := range res {
		if r.Err != nil {
			t.Fatalf("%s: %v", names[i], r.Err)
		}
		f.ids[names[i]] = r.ReportID
		f.shas[names[i]] = items[i].Doc.SHA256
	}
	ix, err := index.Open(filepath.Join(dir, "index"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	if _, err := ix.Sync(ctx, rw); err != nil {
		t.Fatal(err)
	}
	f.handler = serveArchive(t, rw, dir, ix)
	return f
}

// serveArchive closes the archive written and serves it read-only, as gongkai
// serve does, with the search index ix (or none).
func serveArchive(t *testing.T, rw *store.DB, dir string, ix *index.Index) http.Handler {
	t.Helper()
	if err := rw.Close(); err != nil {
		t.Fatal(err)
	}
	ro, err := store.OpenReadOnly(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ro.Close() })
	// Failures are what some tests provoke: their log would only be noise.
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	opts := Options{Store: ro, DataDir: dir, MinRequests: 10, Logger: quiet}
	if ix != nil {
		opts.Index = ix
	}
	return New(opts)
}

// archiveResponse archives a response in the data folder's warc/ as the crawler
// does, the body as it came over the wire.
func archiveResponse(t *testing.T, dataDir, uri string, header http.Header, body []byte) archive.Capture {
	t.Helper()
	arch, err := archive.Open(filepath.Join(dataDir, "warc"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := arch.Response(archive.Exchange{URL: uri, Method: "GET", Proto: "HTTP/1.1", StatusCode: 200,
		ResponseHeader: header, Date: time.Now()}, bytes.NewReader(body), false)
	if err != nil {
		t.Fatal(err)
	}
	if err := arch.Close(); err != nil {
		t.Fatal(err)
	}
	return c
}

// get requests a path and returns the response with its body read.
func (f *fixture) get(t *testing.T, path string) (*http.Response, string) {
	t.Helper()
	return f.do(t, http.MethodGet, path)
}

func (f *fixture) do(t *testing.T, method, path string) (*http.Response, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	f.handler.ServeHTTP(rec, httptest.NewRequest(method, path, nil))
	res := rec.Result()
	body, _ := io.ReadAll(res.Body)
	return res, string(body)
}

// getJSON requests a path and decodes its JSON body into v, failing on any status but want.
func (f *fixture) getJSON(t *testing.T, path string, want int, v any) {
	t.Helper()
	res, body := f.get(t, path)
	if res.StatusCode != want {
		t.Fatalf("GET %s: %d, want %d: %s", path, res.StatusCode, want, body)
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("GET %s: Content-Type %q", path, ct)
	}
	if err := json.Unmarshal([]byte(body), v); err != nil {
		t.Fatalf("GET %s: %v\n%s", path, err, body)
	}
}

// readCSV parses a CSV download, checking its byte order mark.
func readCSV(t *testing.T, body string) [][]string {
	t.Helper()
	if !strings.HasPrefix(body, "\uFEFF") {
		t.Fatalf("CSV without a byte order mark: %.40q", body)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// htmlTable returns the text of the header and body cells of the first table
// whose class list contains class.
func htmlTable(t *testing.T, page, class string) (header []string, rows [][]string) {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	table := find(doc, func(n *html.Node) bool {
		return n.Data == "table" && strings.Contains(" "+attr(n, "class")+" ", " "+class+" ")
	})
	if table == nil {
		t.Fatalf("no table.%s in the page", class)
	}
	for _, tr := range findAll(table, func(n *html.Node) bool { return n.Data == "tr" }) {
		var cells []string
		for c := tr.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode && (c.Data == "td" || c.Data == "th") {
				// A phone's copy of another column (the region under the body) is not the cell.
				for _, under := range findAll(c, func(n *html.Node) bool { return n.Data == "span" && attr(n, "class") == "under" }) {
					under.Parent.RemoveChild(under)
				}
				cells = append(cells, strings.TrimSpace(text(c)))
			}
		}
		if tr.Parent.Data == "thead" {
			header = cells
		} else {
			rows = append(rows, cells)
		}
	}
	return header, rows
}

func attr(n *html.Node, name string) string {
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val
		}
	}
	return ""
}

func text(n *html.Node) string {
	var b bytes.Buffer
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

func find(n *html.Node, match func(*html.Node) bool) *html.Node {
	if all := findAll(n, match); len(all) > 0 {
		return all[0]
	}
	return nil
}

func findAll(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && match(n) {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

// cellTexts returns the text of the data cells (td) of the first table whose class
// list contains class, without the check numbers marked on them.
func cellTexts(t *testing.T, page, class string) []string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	table := find(doc, func(n *html.Node) bool {
		return n.Data == "table" && strings.Contains(" "+attr(n, "class")+" ", " "+class+" ")
	})
	if table == nil {
		t.Fatalf("no table.%s in the page", class)
	}
	var out []string
	for _, td := range findAll(table, func(n *html.Node) bool { return n.Data == "td" }) {
		for _, sup := range findAll(td, func(n *html.Node) bool { return n.Data == "sup" }) {
			td.RemoveChild(sup)
		}
		out = append(out, text(td))
	}
	return out
}

// activeMarkup lists what in a page could run or load: elements other than the
// page's own, event handler attributes, javascript: URLs.
func activeMarkup(t *testing.T, page string) []string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	for _, n := range findAll(doc, func(*html.Node) bool { return true }) {
		switch n.Data {
		case "script", "img", "iframe", "object", "embed", "b", "base":
			found = append(found, "<"+n.Data+">")
		}
		for _, a := range n.Attr {
			v := strings.ToLower(strings.TrimSpace(a.Val))
			if strings.HasPrefix(strings.ToLower(a.Key), "on") || strings.HasPrefix(v, "javascript:") {
				found = append(found, a.Key+"="+a.Val)
			}
		}
	}
	return found
}
