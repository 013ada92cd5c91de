package web

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"gongkai/index"
	"gongkai/report"
	"gongkai/store"
)

// leadJSON is a lead as /leads/{name}.json gives it.
type leadJSON struct {
	Lead, Question, How string
	Year                int
	Columns             []struct{ Key, Label string }
	Total               int
	Rows                []map[string]any
}

func (f *fixture) lead(t *testing.T, name string, year int) leadJSON {
	t.Helper()
	var l leadJSON
	f.getJSON(t, fmt.Sprintf("/leads/%s.json?year=%d", name, year), http.StatusOK, &l)
	if l.Total != len(l.Rows) || l.Year != year || l.Lead != name || l.How == "" {
		t.Errorf("%s: total %d, %d rows, year %d, how %q", name, l.Total, len(l.Rows), l.Year, l.How)
	}
	return l
}

func ids(rows []map[string]any) []int64 {
	var out []int64
	for _, r := range rows {
		out = append(out, int64(r["report_id"].(float64)))
	}
	return out
}

func TestLeads(t *testing.T) {
	f := newFixture(t)
	// Who did not publish: the justice bureau, with a 2021 report and no 2022 one.
	missing := f.lead(t, "missing", 2022)
	if len(missing.Rows) != 1 || missing.Rows[0]["organ"] != "宜昌市西陵区司法局" || missing.Rows[0]["report_id"] != 0.0 ||
		missing.Rows[0]["last_year"] != 2021.0 || int64(missing.Rows[0]["last_report_id"].(float64)) != f.ids["jus2021"] {
		t.Errorf("missing: %v", missing.Rows)
	}
	// Whose figures do not add up: the count is the report's own failed checks,
	// the same number its page and the reports view give.
	figures := f.lead(t, "figures", 2022)
	if got := ids(figures.Rows); !slices.Contains(got, f.ids["fin2022"]) || slices.Contains(got, f.ids["edu2022"]) {
		t.Errorf("figures: %v", figures.Rows)
	}
	for _, row := range figures.Rows {
		var rep reportJSON
		f.getJSON(t, fmt.Sprintf("/api/reports/%d", int64(row["report_id"].(float64))), http.StatusOK, &rep)
		failed := 0
		for _, c := range rep.Checks {
			if !c.OK {
				failed++
				if !strings.Contains(row["rules"].(string), c.Rule) {
					t.Errorf("figures: report %v lacks rule %s", row["report_id"], c.Rule)
				}
			}
		}
		if row["failed_checks"] != float64(failed) {
			t.Errorf("figures: %v failed checks, the report %d", row["failed_checks"], failed)
		}
	}
	// Who withholds most: rates only for bodies with enough requests (the finance
	// bureau has 5), highest first.
	withheld := f.lead(t, "withheld", 2022)
	if got := ids(withheld.Rows); len(got) != 2 || slices.Contains(got, f.ids["fin2022"]) {
		t.Errorf("withheld: %v", withheld.Rows)
	}
	for i := 1; i < len(withheld.Rows); i++ {
		if withheld.Rows[i]["withheld_rate"].(float64) > withheld.Rows[i-1]["withheld_rate"].(float64) {
			t.Errorf("withheld not in order: %v", withheld.Rows)
		}
	}
	// Who changed: the education bureau against its 2021 report, however that
	// year spells its name.
	changed := f.lead(t, "changed", 2022)
	if len(changed.Rows) != 1 || int64(changed.Rows[0]["report_id"].(float64)) != f.ids["edu2022"] ||
		int64(changed.Rows[0]["last_report_id"].(float64)) != f.ids["edu2021"] {
		t.Errorf("changed: %v", changed.Rows)
	}

	// The start page asks every question, each with its downloads.
	_, home := f.get(t, "/?year=2022")
	for _, l := range leads {
		for _, want := range []string{l.Question, "/leads/" + l.Name + ".csv?year=2022", "/leads/" + l.Name + ".json?year=2022"} {
			if !strings.Contains(home, want) {
				t.Errorf("start page lacks %q", want)
			}
		}
	}
	// A lead's page and its CSV file hold the same rows.
	_, page := f.get(t, "/leads/missing?year=2022")
	res, csv := f.get(t, "/leads/missing.csv?year=2022")
	if !strings.Contains(page, "宜昌市西陵区司法局") || res.Header.Get("Content-Disposition") == "" ||
		!strings.Contains(csv, "机关 body,地区 region,最近报告年度 last report,最近报告 last report id,报告 report") ||
		!strings.Contains(csv, fmt.Sprintf("宜昌市西陵区司法局,湖北省宜昌市西陵区,2021,%d,", f.ids["jus2021"])) {
		t.Errorf("missing: page or CSV\n%s", csv)
	}
	if res, _ := f.get(t, "/leads/nobody"); res.StatusCode != http.StatusNotFound {
		t.Errorf("unknown lead: %d", res.StatusCode)
	}
	if res, _ := f.get(t, "/leads/late?year=x"); res.StatusCode != http.StatusBadRequest {
		t.Errorf("bad year: %d", res.StatusCode)
	}
}

func TestOverviewTables(t *testing.T) {
	f := newFixture(t)
	var years []yearJSON
	f.getJSON(t, "/years.json", http.StatusOK, &years)
	if len(years) != 2 || years[0] != (yearJSON{2022, 3}) || years[1] != (yearJSON{2021, 2}) {
		t.Errorf("years: %v", years)
	}
	res, csv := f.get(t, "/regions.csv")
	if res.StatusCode != http.StatusOK || !strings.Contains(csv, "region,region_code,reports,latest_year") || !strings.Contains(csv, "湖北省宜昌市西陵区,420502,5,2022") {
		t.Errorf("regions.csv: %d\n%s", res.StatusCode, csv)
	}
}

func TestSearchDownloads(t *testing.T) {
	f := newFixture(t)
	q := "?q=" + url.QueryEscape("行政复议") + "&year=2022"
	res, csv := f.get(t, "/search.csv"+q)
	lines := strings.Split(strings.TrimSpace(strings.TrimPrefix(csv, "\ufeff")), "\n")
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") ||
		lines[0] != "report_id,title,organ,region,year,published,score,url" || len(lines) < 2 {
		t.Fatalf("search.csv: %d %q\n%s", res.StatusCode, res.Header.Get("Content-Type"), csv)
	}
	var api, page index.Result
	f.getJSON(t, "/api/search"+q, http.StatusOK, &api)
	f.getJSON(t, "/search.json"+q, http.StatusOK, &page)
	if api.Total == 0 || page.Total != api.Total || len(lines)-1 != len(api.Hits) {
		t.Errorf("search.json %d, api %d, csv %d rows", page.Total, api.Total, len(lines)-1)
	}
	_, html := f.get(t, "/search"+q)
	if !strings.Contains(html, `href="/search.csv?q=`) || !strings.Contains(html, `href="/search.json?q=`) {
		t.Error("the search page does not offer its CSV and JSON")
	}
}

func TestVersionsAndChanges(t *testing.T) {
	f := newFixture(t)
	// The education bureau corrects its 2022 report: one figure and a line of text.
	rw, err := store.Open(f.dataDir)
	if err != nil {
		t.Fatal(err)
	}
	corrected := cloneRecord(t, loadRecord(t))
	setCell(t, corrected, "table3.withheld_law_prohibited.natural_person", "/")
	setCell(t, corrected, "table3.withheld_law_prohibited.commercial", "")
	setCell(t, corrected, "table3.granted.natural_person", "16")
	corrected.Text = "（2023年2月10日更正：原报告第三部分数据有误。）\n" + corrected.Text
	res, err := rw.Ingest(context.Background(), []store.Item{{Doc: doc("http://example.gov.cn/jyj/2022.html", "教育局 2022 corrected"), Record: corrected, ParserVersion: "test"}})
	if err != nil || res[0].Err != nil || res[0].ReportID != f.ids["edu2022"] {
		t.Fatalf("correction: %v %+v", err, res)
	}
	rw.Close()
	id := f.ids["edu2022"]

	var latest, first reportJSON
	f.getJSON(t, fmt.Sprintf("/api/reports/%d", id), http.StatusOK, &latest)
	f.getJSON(t, fmt.Sprintf("/api/reports/%d?version=1", id), http.StatusOK, &first)
	if latest.Version != 2 || !latest.Latest || len(latest.Versions) != 2 || first.Version != 1 || first.Latest || len(first.Findings) != 0 {
		t.Fatalf("latest v%d %v %d versions; first v%d %v %d findings", latest.Version, latest.Latest, len(latest.Versions), first.Version, first.Latest, len(first.Findings))
	}
	var c changesResult
	f.getJSON(t, fmt.Sprintf("/api/reports/%d/changes", id), http.StatusOK, &c)
	if c.From != 1 || c.To != 2 || len(c.Cells) != 1 || c.Cells[0].Ref != "table3.granted.natural_person" || c.Cells[0].After != "16" ||
		c.LinesAdded != 1 || c.LinesRemoved != 0 {
		t.Errorf("changes: %+v", c)
	}
	// The page of the older version says so and links the latest; the latest lists both.
	_, old := f.get(t, fmt.Sprintf("/reports/%d?version=1", id))
	_, now := f.get(t, fmt.Sprintf("/reports/%d", id))
	if !strings.Contains(old, "不是最新版") || !strings.Contains(now, fmt.Sprintf(`href="/reports/%d?version=1"`, id)) ||
		!strings.Contains(now, fmt.Sprintf(`href="/reports/%d/changes?from=1&amp;to=2"`, id)) {
		t.Error("version pages do not link each other and their changes")
	}
	_, page := f.get(t, fmt.Sprintf("/reports/%d/changes?from=1&to=2", id))
	_, csv := f.get(t, fmt.Sprintf("/reports/%d/changes.csv?from=1&to=2", id))
	if !strings.Contains(page, "三、申请情况 · （一）予以公开 / 自然人") || !strings.Contains(page, "<ins>（2023年2月10日更正") ||
		!strings.Contains(csv, "cell,table3.granted.natural_person,三、申请情况 · （一）予以公开 / 自然人,") {
		t.Errorf("changes page or CSV:\n%s", csv)
	}
	for path, want := range map[string]int{
		fmt.Sprintf("/reports/%d?version=3", id):                 http.StatusNotFound,
		fmt.Sprintf("/reports/%d?version=x", id):                 http.StatusBadRequest,
		fmt.Sprintf("/reports/%d/changes?from=2&to=2", id):       http.StatusBadRequest,
		fmt.Sprintf("/api/reports/%d/changes", f.ids["fin2022"]): http.StatusBadRequest, // one version only
	} {
		if res, _ := f.get(t, path); res.StatusCode != want {
			t.Errorf("GET %s: %d, want %d", path, res.StatusCode, want)
		}
	}
}

func TestChartAxesAndLabels(t *testing.T) {
	for _, c := range []struct {
		max    float64
		n      int
		counts bool
		top    float64
		step   float64
	}{
		{1164, 6, true, 1200, 200}, {117, 6, true, 120, 20}, {23, 6, true, 25, 5}, {3, 6, true, 3, 1},
		{0, 6, true, 1, 1}, {0.563636, 6, false, 0.6, 0.1}, {0.088235, 6, false, 0.1, 0.02}, {1, 6, false, 1, 0.2},
		{1164, 4, true, 1500, 500}, {48, 4, true, 60, 20},
	} {
		top, step := axis(c.max, c.n, c.counts)
		if math.Abs(top-c.top) > 1e-9 || math.Abs(step-c.step) > 1e-9 {
			t.Errorf("axis(%v, %d): top %v step %v, want %v %v", c.max, c.n, top, step, c.top, c.step)
		}
	}
	if got := tickText(0.06, 0.02, true); got != "6%" {
		t.Errorf("tick %q", got)
	}
	if got := tickText(0.025, 0.005, true); got != "2.5%" {
		t.Errorf("tick %q", got)
	}
	// Two governments of one district: not two bars named 人民政府.
	got := chartLabels([]labelled{
		{"株洲市天元区人民政府", "人民政府", "430211"},
		{"株洲市天元区群丰镇人民政府", "人民政府", "430211101"},
		{"天元区财政局", "财政局", "430211"},
		{"某某局", "", ""},
	})
	if want := []string{"天元区人民政府", "群丰镇人民政府", "财政局", "某某局"}; !slices.Equal(got, want) {
		t.Errorf("labels %q, want %q", got, want)
	}
}

// Every reason the parser gives has its own words on the page; a document
// archived before the reason was recorded says how to learn it.
func TestReaderFor(t *testing.T) {
	seen := map[reader]report.Unread{}
	for _, why := range []report.Unread{report.UnreadNeedsOCR, report.UnreadNeedsConverter, report.UnreadDamaged,
		report.UnreadUnsupported, report.UnreadTooLarge, report.UnreadFault, ""} {
		r := readerFor(store.UnreadDocument{Unread: why})
		if r.Zh == "" || r.En == "" {
			t.Errorf("%q: no words for it", why)
		}
		if other, dup := seen[r]; dup {
			t.Errorf("%q and %q are told alike: %q", why, other, r.En)
		}
		seen[r] = why
		if installs := r.Install != ""; installs != why.Readable() {
			t.Errorf("%q: install %q, but a reader would read it: %v", why, r.Install, why.Readable())
		}
	}
}
