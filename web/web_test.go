package web

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"gongkai/index"
	"gongkai/report"
	"gongkai/store"
)

func TestEveryPageAnswers(t *testing.T) {
	f := newFixture(t)
	edu := f.ids["edu2022"]
	pages := []struct {
		path, contentType, want string
	}{
		{"/", "text/html", "政府信息公开工作年度报告档案"},
		{"/search?q=" + url.QueryEscape("行政复议"), "text/html", "份报告"},
		{"/search", "text/html", "份报告"},
		{fmt.Sprintf("/reports/%d", edu), "text/html", "宜昌市西陵区教育局2022年政府信息公开工作年度报告"},
		{fmt.Sprintf("/reports/%d.csv", edu), "text/csv", "table3"},
		{fmt.Sprintf("/reports/%d.json", edu), "application/json", `"organ": "宜昌市西陵区教育局"`},
		{"/organs/" + url.PathEscape("宜昌市西陵区教育局"), "text/html", "<svg"},
		{"/organs/" + url.PathEscape("宜昌市西陵区教育局") + ".csv", "text/csv", "2021"},
		{"/organs/" + url.PathEscape("宜昌市西陵区教育局") + ".json", "application/json", `"year": 2021`},
		{"/organs/" + url.PathEscape("宜昌市西陵区教育局") + "/chart.svg", "image/svg+xml", "<polyline"},
		{"/compare", "text/html", "实质公开率"},
		{"/compare.csv", "text/csv", "排名"},
		{"/compare.json", "application/json", `"figure": "disclosure_rate"`},
		{"/compare/chart.svg?figure=new_received", "image/svg+xml", `class="bar"`},
		{"/coverage", "text/html", "宜昌市西陵区司法局"},
		{"/coverage.csv", "text/csv", "宜昌市西陵区司法局"},
		{"/coverage.json", "application/json", `"missing"`},
		{"/static/style.css", "text/css", "td.failed"},
		{"/api/search?q=" + url.QueryEscape("行政复议"), "application/json", `"hits"`},
		{fmt.Sprintf("/api/reports/%d", edu), "application/json", `"cells"`},
		{"/api/compare?region=" + url.QueryEscape("宜昌市西陵区") + "&year=2022", "application/json", `"rows"`},
		{"/api/coverage?year=2022", "application/json", `"regions"`},
		{"/api/organs/" + url.PathEscape("宜昌市西陵区教育局") + "/history", "application/json", `"reports"`},
		{"/archive/" + f.shas["edu2022"], "application/octet-stream", "教育局 2022 original"},
	}
	for _, p := range pages {
		res, body := f.get(t, p.path)
		if res.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %d\n%.300s", p.path, res.StatusCode, body)
			continue
		}
		if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, p.contentType) {
			t.Errorf("GET %s: Content-Type %q, want %s", p.path, ct, p.contentType)
		}
		if !strings.Contains(body, p.want) {
			t.Errorf("GET %s: no %q in\n%.500s", p.path, p.want, body)
		}
		if res.Header.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(res.Header.Get("Content-Security-Policy"), "default-src 'none'") {
			t.Errorf("GET %s: security headers %v", p.path, res.Header)
		}
	}
}

func TestUnknownIsNotFound(t *testing.T) {
	f := newFixture(t)
	for _, path := range []string{"/api/reports/999", "/api/reports/abc", "/api/reports/-1",
		"/api/organs/" + url.PathEscape("无此机关") + "/history", "/api/nothing", "/api/reports/1/more"} {
		var e apiError
		f.getJSON(t, path, http.StatusNotFound, &e)
		if e.Error == "" {
			t.Errorf("GET %s: a 404 without an error message", path)
		}
	}
	for _, path := range []string{"/reports/999", "/reports/999.json", "/organs/" + url.PathEscape("无此机关"), "/nothing"} {
		res, body := f.get(t, path)
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", path, res.StatusCode)
		}
		if strings.HasSuffix(path, ".json") {
			continue
		}
		if !strings.Contains(body, "<h1>404") {
			t.Errorf("GET %s: not the 404 page:\n%.300s", path, body)
		}
	}
	var e apiError
	f.getJSON(t, "/api/search?q="+url.QueryEscape(`行政复议 )`), http.StatusBadRequest, &e)
	f.getJSON(t, "/api/search?year=later", http.StatusBadRequest, &e)
	f.getJSON(t, "/api/compare?figure=luck", http.StatusBadRequest, &e)
	if !strings.Contains(e.Error, "luck") {
		t.Errorf("bad figure: %q", e.Error)
	}
}

// Nothing changes state over HTTP: every route answers GET and HEAD only.
func TestNoStateChangesOverHTTP(t *testing.T) {
	f := newFixture(t)
	for _, path := range []string{"/", "/search", "/api/search", fmt.Sprintf("/api/reports/%d", f.ids["edu2022"]), "/compare", "/archive/" + f.shas["edu2022"]} {
		for _, method := range []string{http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch} {
			if res, _ := f.do(t, method, path); res.StatusCode != http.StatusMethodNotAllowed {
				t.Errorf("%s %s: %d, want 405", method, path, res.StatusCode)
			}
		}
	}
	if res, body := f.do(t, http.MethodHead, "/"); res.StatusCode != http.StatusOK || body != "" {
		t.Errorf("HEAD /: %d with %d bytes", res.StatusCode, len(body))
	}
}

func TestSearchAPIMatchesTheIndex(t *testing.T) {
	f := newFixture(t)
	var got index.Result
	// The education bureau's and the audit bureau's 2022 reports say 行政复议 in their text.
	f.getJSON(t, "/api/search?q="+url.QueryEscape("行政复议")+"&year=2021-2022&region="+url.QueryEscape("宜昌市")+"&limit=1&page=1", http.StatusOK, &got)
	if got.Total < 2 || len(got.Hits) != 1 || got.Facets["year"]["2022"] < 2 {
		t.Errorf("search: total %d, %d hits, facets %v", got.Total, len(got.Hits), got.Facets)
	}
	var failed index.Result
	f.getJSON(t, "/api/search?failed=1&limit=50", http.StatusOK, &failed)
	var ids []int64
	for _, h := range failed.Hits {
		ids = append(ids, h.ID)
	}
	if !slices.Contains(ids, f.ids["fin2022"]) || slices.Contains(ids, f.ids["jus2021"]) {
		t.Errorf("failed=1 found %v; want the finance bureau's report (%d), not the justice bureau's (%d)", ids, f.ids["fin2022"], f.ids["jus2021"])
	}
	// findings=1 selects the reports with a finding against them instead; the two
	// filters are one at a time.
	var withFindings index.Result
	f.getJSON(t, "/api/search?findings=1&limit=50", http.StatusOK, &withFindings)
	ids = nil
	for _, h := range withFindings.Hits {
		ids = append(ids, h.ID)
	}
	if !slices.Contains(ids, f.ids["edu2022"]) {
		t.Errorf("findings=1 found %v; want the education bureau's 2022 report (%d, carry chain broken)", ids, f.ids["edu2022"])
	}
	f.getJSON(t, "/api/search?findings=1&failed=1", http.StatusBadRequest, &struct{}{})
	// One Chinese character finds the reports that have it.
	var one index.Result
	f.getJSON(t, "/api/search?q="+url.QueryEscape("局"), http.StatusOK, &one)
	if one.Total == 0 || one.Total != uint64(len(f.ids)) {
		t.Errorf("one character: %d hits, want every one of the %d reports (each is a bureau's)", one.Total, len(f.ids))
	}
}

func TestSearchPage(t *testing.T) {
	f := newFixture(t)
	_, body := f.get(t, "/search?q="+url.QueryEscape("行政复议")+"&year=2022")
	for _, want := range []string{
		"<mark>行政复议</mark>",                                     // highlights
		`href="/search?q=%E8%A1%8C%E6%94%BF%E5%A4%8D%E8%AE%AE"`, // the year filter removed, the query kept
		"数字自相矛盾 figures do not add up",                          // the failed-checks facet
		"有跨报告线索 with a finding",                                 // and the findings facet, apart
		fmt.Sprintf(`href="/reports/%d"`, f.ids["edu2022"]),
	} {
		if !strings.Contains(body, want) {
			t.Errorf("search page lacks %q", want)
		}
	}
	// Paging: one hit a page, and the next page's link keeps the query.
	_, body = f.get(t, "/search?q="+url.QueryEscape("行政复议")+"&limit=1")
	if !regexp.MustCompile(`href="/search\?limit=1&amp;page=2&amp;q=%E8%A1%8C`).MatchString(body) {
		t.Errorf("no link to page 2 with the query:\n%s", body)
	}
}

func TestReportPage(t *testing.T) {
	f := newFixture(t)
	_, body := f.get(t, fmt.Sprintf("/reports/%d", f.ids["edu2022"]))
	for _, want := range []string{
		// The official labels and layout.
		"二、主动公开政府信息情况", "第二十条第（一）项", "本年制发件数", "行政规范性文件",
		"三、收到和处理政府信息公开申请情况", "申请人情况", "法人或其他组织", `<th scope="row" rowspan="22">三、本年度办理结果</th>`,
		`<th scope="row" rowspan="8">（三）不予公开</th>`, "1.属于国家秘密", "四、结转下年度继续办理",
		"四、政府信息公开行政复议、行政诉讼情况", "未经复议直接起诉", "复议后起诉",
		// Metadata, the source and its archived copy.
		`<a href="http://example.gov.cn/jyj/2022.html" rel="noopener noreferrer nofollow"`, `href="/archive/` + f.shas["edu2022"] + `" download`,
		// The carry chain against 2021 marks carried_over.total, links to 2021 and is listed.
		"carry_chain:total", fmt.Sprintf(`<a href="/reports/%d">西陵区教育局 2021 年度</a>`, f.ids["edu2021"]),
		// Its detail names the rows as the format prints them.
		"总计：二、上年结转政府信息公开申请数量 3 ≠ 四、结转下年度继续办理",
		fmt.Sprintf(`<a href="/reports/%d">2021 年度`, f.ids["edu2021"]),
		"区教育局坚持以习近平新时代中国特色社会主义思想为指导",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("report page lacks %q", want)
		}
	}
	// Cells as printed: "/" stays "/", a blank stays blank.
	_, rows := htmlTable(t, body, "t3")
	var row []string
	for _, r := range rows {
		if slices.Contains(r, "2.其他法律行政法规禁止公开") {
			row = r
		}
	}
	if i := slices.Index(row, "2.其他法律行政法规禁止公开"); i < 0 || row[i+1] != "/" || row[i+2] != "" {
		t.Errorf("withheld_law_prohibited row %q: want \"/\" then blank", row)
	}
	if !regexp.MustCompile(`<td class="failed" aria-describedby="check-1" title="[^"]*">3<sup><a href="#check-1">\[1\]</a></sup></td>`).MatchString(body) {
		t.Errorf("carried_over.total (3) not marked with the carry chain finding")
	}

	// A report whose own row total does not add up: its cells are marked and the
	// check's detail is shown.
	_, body = f.get(t, fmt.Sprintf("/reports/%d", f.ids["fin2022"]))
	marked := regexp.MustCompile(`<td class="failed"`).FindAllString(body, -1)
	if len(marked) < 7 {
		t.Errorf("%d cells marked, want the 7 of the new_received row at least", len(marked))
	}
	for _, want := range []string{`id="check-1"`, "t3_row_total:new_received", "一、本年新收政府信息公开申请数量：总计 5 ≠ 自然人 23", "未通过检查的单元格"} {
		if !strings.Contains(body, want) {
			t.Errorf("finance bureau's page lacks %q", want)
		}
	}
}

func TestReportAPI(t *testing.T) {
	f := newFixture(t)
	type finding struct {
		Rule          string
		OK            bool
		OtherReportID int64 `json:"other_report_id"`
	}
	var got struct {
		ID         int64  `json:"id"`
		Organ      string `json:"organ"`
		Format     string `json:"format"`
		Table3     map[string]map[string]int64
		Cells      []struct{ Table, Row, Column, Raw, Kind string }
		Checks     []struct{ Rule string }
		Findings   []finding
		Sources    []struct{ URI, SHA256, Archive string }
		OtherYears []struct {
			ReportID int64 `json:"report_id"`
			Year     int
		} `json:"other_years"`
	}
	f.getJSON(t, fmt.Sprintf("/api/reports/%d", f.ids["edu2022"]), http.StatusOK, &got)
	if got.ID != f.ids["edu2022"] || got.Organ != "宜昌市西陵区教育局" || got.Format != "2021" || got.Table3["new_received"]["total"] != 31 {
		t.Errorf("record %+v", got)
	}
	if len(got.Cells) != 200 || len(got.Checks) == 0 {
		t.Errorf("%d cells, %d checks", len(got.Cells), len(got.Checks))
	}
	i := slices.IndexFunc(got.Findings, func(f finding) bool { return f.Rule == "carry_chain:total" })
	if i < 0 || got.Findings[i].OK || got.Findings[i].OtherReportID != f.ids["edu2021"] {
		t.Errorf("findings %+v", got.Findings)
	}
	if len(got.Sources) != 1 || got.Sources[0].Archive != "/archive/"+f.shas["edu2022"] {
		t.Errorf("sources %+v", got.Sources)
	}
	if len(got.OtherYears) != 1 || got.OtherYears[0].Year != 2021 || got.OtherYears[0].ReportID != f.ids["edu2021"] {
		t.Errorf("other years %+v", got.OtherYears)
	}
	// /reports/{id}.json is the same document.
	_, api := f.get(t, fmt.Sprintf("/api/reports/%d", f.ids["edu2022"]))
	_, page := f.get(t, fmt.Sprintf("/reports/%d.json", f.ids["edu2022"]))
	if api != page {
		t.Error("/reports/{id}.json differs from /api/reports/{id}")
	}
}

// The report's CSV holds exactly the cells its tables show, as shown.
func TestReportCSVIsThePage(t *testing.T) {
	f := newFixture(t)
	id := f.ids["fin2022"]
	_, page := f.get(t, fmt.Sprintf("/reports/%d", id))
	_, body := f.get(t, fmt.Sprintf("/reports/%d.csv", id))
	rows := readCSV(t, body)
	if !slices.Equal(rows[0], []string{"table", "row_key", "row_label", "column_key", "column_label", "raw", "kind", "failed_checks", "read", "page", "box", "confidence"}) {
		t.Fatalf("header %q", rows[0])
	}
	var shown []string
	for _, class := range []string{"t3", "t4"} {
		shown = append(shown, cellTexts(t, page, class)...)
	}
	var inCSV []string
	failed := 0
	for _, r := range rows[1:] {
		if r[0] != "table2" {
			inCSV = append(inCSV, r[5])
		}
		if strings.Contains(r[7], "t3_row_total:new_received") {
			failed++
		}
	}
	if !slices.Equal(shown, inCSV) {
		t.Errorf("the page's table 3 and 4 cells %q\nare not the CSV's %q", shown, inCSV)
	}
	if failed != 7 {
		t.Errorf("%d CSV cells name t3_row_total:new_received, want 7", failed)
	}
}

func TestCompare(t *testing.T) {
	f := newFixture(t)
	q := "?region=" + url.QueryEscape("宜昌市西陵区") + "&year=2022&figure=disclosure_rate"
	var c compareResult
	f.getJSON(t, "/api/compare"+q, http.StatusOK, &c)
	if c.MinRequests != 10 || c.Label != "实质公开率" || !c.Rate || len(c.Rows) != 3 {
		t.Fatalf("compare %+v", c)
	}
	// The education bureau: (15 + 4) / (31 + 3); the finance bureau has 5 requests,
	// too few for a rate, and comes last.
	first, last := c.Rows[0], c.Rows[2]
	if first.ReportID != f.ids["edu2022"] || first.Rank != 1 || first.Value == nil || *first.Value != 0.558824 || first.ValueText != "55.9%" || *first.Requests != 34 {
		t.Errorf("first row %+v", first)
	}
	if second := c.Rows[1]; second.ReportID != f.ids["xss2022"] || second.Rank != 2 || second.ValueText != "41.2%" {
		t.Errorf("second row %+v", second)
	}
	if last.ReportID != f.ids["fin2022"] || last.Value != nil || last.Rank != 0 || last.Note != report.NoteFew || *last.Requests != 5 {
		t.Errorf("last row %+v", last)
	}
	res, page := f.get(t, "/compare"+q)
	if res.StatusCode != http.StatusOK {
		t.Fatal(res.Status)
	}
	if !strings.Contains(page, "少于 <strong>10</strong> 件的机关不计算比率（本表有 1 个）") {
		t.Error("the page does not say that rates need 10 requests")
	}
	// Each of the two layouts (laptop and phone) draws a bar per row with a value.
	for _, svg := range chartLayouts(t, page) {
		if n := strings.Count(svg, `<rect class="bar"`); n != 2 {
			t.Errorf("%d bars, want 2 in each layout (the rows with a value)", n)
		}
	}
	header, rows := htmlTable(t, page, "compare")
	_, body := f.get(t, "/compare.csv"+q)
	csvRows := readCSV(t, body)
	if !slices.Equal(csvRows[0], header) || !slices.EqualFunc(csvRows[1:], rows, slices.Equal) {
		t.Errorf("CSV %q\nis not the page's table %q %q", csvRows, header, rows)
	}
	_, api := f.get(t, "/api/compare"+q)
	if _, js := f.get(t, "/compare.json"+q); js != api {
		t.Errorf("/compare.json differs from /api/compare")
	}
	// A count, ascending.
	f.getJSON(t, "/api/compare"+strings.Replace(q, "disclosure_rate", "new_received", 1)+"&order=asc", http.StatusOK, &c)
	var values []float64
	for _, r := range c.Rows {
		values = append(values, *r.Value)
	}
	if !slices.IsSorted(values) || len(values) != 3 || values[0] != 5 {
		t.Errorf("new_received ascending: %v", values)
	}
	// The chart as a file.
	res, svg := f.get(t, "/compare/chart.svg"+q+"&download=1")
	if !strings.HasPrefix(svg, "<?xml") || !strings.Contains(res.Header.Get("Content-Disposition"), "attachment") {
		t.Errorf("chart download: %v %.100s", res.Header, svg)
	}
}

func TestCoverage(t *testing.T) {
	f := newFixture(t)
	var c coverageResult
	f.getJSON(t, "/api/coverage?year=2022&region=420502", http.StatusOK, &c)
	if len(c.Regions) != 1 {
		t.Fatalf("coverage %+v", c)
	}
	reg := c.Regions[0]
	var published []string
	for _, o := range reg.Published {
		published = append(published, o.Organ)
	}
	if len(reg.Published) != 3 || !slices.Contains(published, "宜昌市西陵区教育局") {
		t.Errorf("published %v", published)
	}
	if len(reg.Missing) != 1 || reg.Missing[0].Organ != "宜昌市西陵区司法局" || reg.Missing[0].LastYearReportID != f.ids["jus2021"] || reg.Missing[0].ReportID != 0 {
		t.Errorf("missing %+v", reg.Missing)
	}
	_, page := f.get(t, "/coverage?year=2022&region=420502")
	header, rows := htmlTable(t, page, "coverage")
	_, body := f.get(t, "/coverage.csv?year=2022&region=420502")
	csvRows := readCSV(t, body)
	if !slices.Equal(csvRows[0], header) || !slices.EqualFunc(csvRows[1:], rows, slices.Equal) {
		t.Errorf("CSV %q\nis not the page's table %q %q", csvRows, header, rows)
	}
	_, matrix := htmlTable(t, page, "matrix")
	if len(matrix) != 1 || !slices.Equal(matrix[0], []string{"湖北省宜昌市西陵区", "2", "3"}) {
		t.Errorf("region by year %q", matrix)
	}
}

func TestOrganHistory(t *testing.T) {
	f := newFixture(t)
	name := url.PathEscape("宜昌市西陵区教育局")
	var h historyResult
	f.getJSON(t, "/api/organs/"+name+"/history", http.StatusOK, &h)
	if h.Organ != "宜昌市西陵区教育局" || len(h.Reports) != 2 || h.Reports[0].Year != 2021 || h.Reports[1].Year != 2022 {
		t.Fatalf("history %+v", h)
	}
	if h.Figures[0].Key != "new_received" || *h.Reports[1].Values[0] != 31 {
		t.Errorf("figures %+v, values %v", h.Figures, h.Reports[1].Values)
	}
	_, page := f.get(t, "/organs/"+name)
	header, rows := htmlTable(t, page, "history")
	_, body := f.get(t, "/organs/"+name+".csv")
	csvRows := readCSV(t, body)
	if !slices.Equal(csvRows[0], header) || !slices.EqualFunc(csvRows[1:], rows, slices.Equal) {
		t.Errorf("CSV %q\nis not the page's table %q %q", csvRows, header, rows)
	}
	// Four lines, each with a point per year, in each layout.
	for _, svg := range chartLayouts(t, page) {
		if n := strings.Count(svg, "<polyline"); n != 4 {
			t.Errorf("%d lines", n)
		}
		if n := strings.Count(svg, "<circle"); n != 8 {
			t.Errorf("%d points, want 8", n)
		}
	}
}

// chartLayouts returns a page's chart's wide and narrow SVG.
func chartLayouts(t *testing.T, page string) []string {
	t.Helper()
	var out []string
	for _, class := range []string{"wide", "narrow"} {
		start := strings.Index(page, `<svg xmlns="http://www.w3.org/2000/svg" class="chart `+class+`"`)
		if start < 0 {
			t.Fatalf("no %s chart", class)
		}
		end := strings.Index(page[start:], "</svg>")
		out = append(out, page[start:start+end])
	}
	return out
}

func TestArchiveDownloads(t *testing.T) {
	f := newFixture(t)
	res, body := f.get(t, "/archive/"+f.shas["edu2022"])
	if res.StatusCode != http.StatusOK || body != "<html>教育局 2022 original <script>x</script></html>" {
		t.Fatalf("%d %q", res.StatusCode, body)
	}
	h := res.Header
	if h.Get("Content-Type") != "application/octet-stream" || h.Get("X-Content-Type-Options") != "nosniff" ||
		h.Get("Content-Disposition") != `attachment; filename="2022.html"; filename*=UTF-8''2022.html` ||
		!strings.Contains(h.Get("Content-Security-Policy"), "sandbox") {
		t.Errorf("headers %v", h)
	}
	// An original the crawler kept in a WARC file.
	res, body = f.get(t, "/archive/"+f.shas["jus2021"])
	if res.StatusCode != http.StatusOK || body != "<html><body>司法局 2021 original</body></html>" {
		t.Errorf("WARC original: %d %q", res.StatusCode, body)
	}
	// Nothing but a digest the archive holds reads a file.
	for _, path := range []string{"/archive/" + strings.Repeat("0", 64), "/archive/..%2f..%2fetc%2fpasswd", "/archive/%2e%2e",
		"/archive/" + strings.ToUpper(f.shas["edu2022"]), "/archive/gongkai.db"} {
		res, body := f.get(t, path)
		if res.StatusCode != http.StatusNotFound || strings.Contains(body, "root:") || strings.Contains(body, "SQLite format") {
			t.Errorf("GET %s: %d %.100q", path, res.StatusCode, body)
		}
	}
	if res, _ := f.get(t, "/archive/../gongkai.db"); res.StatusCode == http.StatusOK {
		t.Errorf("GET /archive/../gongkai.db: %d", res.StatusCode)
	}
}

// TestOriginalNames: an original downloads under the name it was published with.
func TestOriginalNames(t *testing.T) {
	gbk, _ := simplifiedchinese.GBK.NewEncoder().String("天元区2023年报.doc")
	for _, c := range []struct {
		uri, mediaType, disposition, want string
	}{
		{"http://jyj.tianyuan.gov.cn/zwgk/ndbg/202401/P020240118123.pdf", "application/octet-stream",
			"attachment; filename*=UTF-8''%E6%A0%AA%E6%B4%B2%E5%B8%82%E5%A4%A9%E5%85%83%E5%8C%BA%E6%95%99%E8%82%B2%E5%B1%802023%E5%B9%B4%E6%8A%A5.pdf",
			"株洲市天元区教育局2023年报.pdf"},
		{"http://www.example.gov.cn/download?id=7", "application/msword", "attachment; filename=" + gbk, "天元区2023年报.doc"},
		{"http://www.xiongxian.gov.cn/module/download/downfile.jsp?classid=0&showname=" + url.QueryEscape("雄县2023年报告.pdf") + "&filename=abc.pdf",
			"application/pdf", "", "雄县2023年报告.pdf"},
		{"http://www.example.gov.cn/art/2023/1/18/art_4521_99.html", "text/html", "", "art_4521_99.html"},
		{"http://www.example.gov.cn/zwgk/", "text/html; charset=utf-8", "", "zwgk.html"},
		{"file:///home/me/年报/雄县财政局2022.txt", "text/plain", "", "雄县财政局2022.txt"},
		{"http://www.example.gov.cn/", "application/pdf", "", "0123456789abcdef.pdf"},
	} {
		o := &store.Original{URI: c.uri, MediaType: c.mediaType, SHA256: "0123456789abcdef" + strings.Repeat("0", 48)}
		served := http.Header{}
		if c.disposition != "" {
			served.Set("Content-Disposition", c.disposition)
		}
		if got := originalName(o, served); got != c.want {
			t.Errorf("%s: %q, want %q", c.uri, got, c.want)
		}
	}
	if got, want := attachment("株洲市天元区2023年报.pdf"),
		`attachment; filename="______2023__.pdf"; filename*=UTF-8''%E6%A0%AA%E6%B4%B2%E5%B8%82%E5%A4%A9%E5%85%83%E5%8C%BA2023%E5%B9%B4%E6%8A%A5.pdf`; got != want {
		t.Errorf("Content-Disposition %s\nwant %s", got, want)
	}
}

// A record whose WARC location was tampered with to lead out of the archive is
// refused, not read.
func TestArchiveRefusesForeignWARCPaths(t *testing.T) {
	f := newFixture(t)
	rw, err := store.Open(f.dataDir)
	if err != nil {
		t.Fatal(err)
	}
	defer rw.Close()
	db := rw.SQL()
	for _, bad := range []string{"../gongkai.db", "/etc/passwd", "../../../../etc/passwd"} {
		if _, err := db.Exec(`UPDATE documents SET warc_file = ? WHERE sha256 = ?`, bad, f.shas["jus2021"]); err != nil {
			t.Fatal(err)
		}
		res, body := f.get(t, "/archive/"+f.shas["jus2021"])
		if res.StatusCode == http.StatusOK || strings.Contains(body, "root:") || strings.Contains(body, "SQLite") {
			t.Errorf("WARC file %q: %d %.100q", bad, res.StatusCode, body)
		}
	}
}

func TestHostileReportIsEscaped(t *testing.T) {
	f := newFixture(t)
	id := f.ids["xss2022"]
	pages := []string{
		fmt.Sprintf("/reports/%d", id),
		"/search?q=" + url.QueryEscape("行政复议"),
		"/search?q=" + url.QueryEscape(`<script>alert(7)</script>`),
		"/compare?region=" + url.QueryEscape("宜昌市西陵区") + "&year=2022&figure=new_received",
		"/compare?region=" + url.QueryEscape(`"><script>alert(8)</script>`),
		"/coverage?year=2022",
		"/organs/" + url.PathEscape(xssOrgan),
		"/compare/chart.svg?region=" + url.QueryEscape("宜昌市西陵区") + "&year=2022&figure=new_received",
		"/organs/" + url.PathEscape(xssOrgan) + "/chart.svg",
		"/",
	}
	for _, path := range pages {
		res, body := f.get(t, path)
		if res.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %d", path, res.StatusCode)
			continue
		}
		if m := activeMarkup(t, body); m != nil {
			t.Errorf("GET %s: markup from the report came through: %q", path, m)
		}
	}
	_, body := f.get(t, fmt.Sprintf("/reports/%d", id))
	for _, want := range []string{
		"&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt;", // the title as text
		"&lt;img src=x onerror=alert(2)&gt;",                  // the body as text
		"&lt;b onmouseover=alert(5)&gt;7&lt;/b&gt;",           // the cell as printed, as text
		"<span>javascript:alert(4)//report.html</span>",       // the source URL not a link
	} {
		if !strings.Contains(body, want) {
			t.Errorf("report page lacks %q", want)
		}
	}
	// Highlights: the report's markup escaped, the marks kept.
	_, body = f.get(t, "/search?q="+url.QueryEscape("行政复议")+"&organ="+url.QueryEscape("宜昌市西陵区审计局"))
	if !strings.Contains(body, "<mark>行政复议</mark> &lt;script&gt;alert(&#34;body&#34;)&lt;/script&gt;") &&
		!strings.Contains(body, "<mark>行政复议</mark> &lt;script&gt;alert(&quot;body&quot;)&lt;/script&gt;") {
		t.Errorf("highlight of the hostile report not escaped as expected:\n%s", body)
	}
	// The API's JSON carries no markup a browser could run either.
	_, js := f.get(t, fmt.Sprintf("/api/reports/%d", id))
	if strings.Contains(js, "<script") || !strings.Contains(js, `\u003cscript\u003e`) {
		t.Errorf("the API's JSON is not escaped")
	}
}

func TestSafeHighlight(t *testing.T) {
	cases := map[string]string{
		"…申请<mark>行政复议</mark>&lt;b&gt;…":           "…申请<mark>行政复议</mark>&lt;b&gt;…",
		"<mark>复议</mark> &amp; <mark>诉讼</mark>":    "<mark>复议</mark> &amp; <mark>诉讼</mark>",
		`<mark>复议</mark><script>alert(1)</script>`: "复议&lt;script&gt;alert(1)&lt;/script&gt;",
		`<mark onclick="x">复议</mark>`:              "&lt;mark onclick=&#34;x&#34;&gt;复议",
		"<mark>复议":                                 "复议",
	}
	for in, want := range cases {
		if got := string(safeHighlight(in)); got != want {
			t.Errorf("safeHighlight(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSearchWithoutIndex(t *testing.T) {
	noIndex := &fixture{handler: New(Options{})}
	var e apiError
	noIndex.getJSON(t, "/api/search?q=x", http.StatusServiceUnavailable, &e)
	if res, body := noIndex.get(t, "/search?q=x"); res.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, "尚未建立搜索索引") {
		t.Errorf("search page without an index: %d", res.StatusCode)
	}
}

// A query the parser cannot read comes back in its box, with what is wrong in
// Chinese and English and the syntax open beside it; the API says the same apart.
func TestSearchSyntaxErrorKeepsTheQuery(t *testing.T) {
	f := newFixture(t)
	q := `(行政复议 OR 诉讼 "不予公开"`
	res, body := f.get(t, "/search?q="+url.QueryEscape(q)+"&year=2021")
	if res.StatusCode != http.StatusBadRequest {
		t.Fatalf("%d, want 400", res.StatusCode)
	}
	for _, want := range []string{
		`<input id="q" type="search" name="q" value="(行政复议 OR 诉讼 &#34;不予公开&#34;"`,
		`<input type="hidden" name="year" value="2021">`,
		`role="alert"`, "查询写法有误：</strong>“(”没有闭合：请补上“)”（在查询末尾）",
		"The query cannot be read:</strong> a ( is not closed: add its ) (at the end of the query)",
		`<details class="help" open>`, "finding:copied_text",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("no %q in the page:\n%s", want, body)
		}
	}
	if strings.Contains(body, `class="hits"`) {
		t.Error("the page lists hits for a query it could not read")
	}
	_, body = f.get(t, "/search?q="+url.QueryEscape("failed:copied_text"))
	if !strings.Contains(body, "copied_text 是跨报告线索，请写 finding:copied_text（在“<code>failed:copied_text</code>”处）") {
		t.Errorf("failed:copied_text:\n%s", body)
	}
	for _, path := range []string{"/api/search?q=", "/search.json?q="} {
		var e syntaxJSON
		f.getJSON(t, path+url.QueryEscape("复议 OR"), http.StatusBadRequest, &e)
		if e.Query != "复议 OR" || e.Near != "" || !strings.Contains(e.Zh, "OR 后面缺少词语") || !strings.Contains(e.En, "OR needs a word after it") || !strings.Contains(e.Error, e.Zh) {
			t.Errorf("%s: %+v", path, e)
		}
	}
}
