package store

import (
	"context"
	"strings"
	"testing"

	"gongkai/report"
)

// A report published as a page saying 详见附件 and as a PDF holding the tables is
// one version with two sources, whose figures come from the PDF; whichever
// arrives first.
func TestPageAndAttachmentAreOneReport(t *testing.T) {
	for _, pdfFirst := range []bool{false, true} {
		s := newStore(t)
		pdf := fixture(t, "xiling-education-2022")
		pdf.Medium = "pdf"
		page := clone(t, pdf)
		page.Medium, page.Table2, page.Table3, page.Table4, page.Cells, page.Checks = "html", nil, nil, nil, nil, nil
		page.Text = "宜昌市西陵区教育局2022年政府信息公开工作年度报告 详见附件。"
		items := []Item{item(page, "http://x.gov.cn/t20230128_1.html", "<p>详见附件</p>"), item(pdf, "http://x.gov.cn/P0.pdf", "%PDF-1.4 …")}
		if pdfFirst {
			items[0], items[1] = items[1], items[0]
		}
		res := ingest(t, s, items...)
		if res[1].Outcome != OutcomeNewSource || res[0].VersionID != res[1].VersionID {
			t.Fatalf("pdf first %v: outcomes %v %v, versions %d %d", pdfFirst, res[0].Outcome, res[1].Outcome, res[0].VersionID, res[1].VersionID)
		}
		if n := queryInt(t, s.db, `SELECT count(*) FROM sources WHERE report_id = ?`, res[0].ReportID); n != 2 {
			t.Errorf("pdf first %v: %d sources, want 2", pdfFirst, n)
		}
		want := pdf.Table3["granted"]["total"]
		if got := queryInt(t, s.db, `SELECT total FROM t3 WHERE report_id = ? AND row_key = 'granted'`, res[0].ReportID); got != want {
			t.Errorf("pdf first %v: granted total %d, want the PDF's %d", pdfFirst, got, want)
		}
	}
}

// When page and attachment both print figures and they differ, the report gets a
// finding naming the cells; the printed figures stay as the first source printed them.
func TestPageAndAttachmentDisagree(t *testing.T) {
	s := newStore(t)
	page := fixture(t, "xiling-education-2022")
	page.Medium = "html"
	pdf := clone(t, page)
	pdf.Medium = "pdf"
	setCell(t, pdf, "table3", "granted", "natural_person", page.Table3["granted"]["natural_person"]+5)
	res := ingest(t, s, item(page, "http://x.gov.cn/t1.html", "page"), item(pdf, "http://x.gov.cn/P0.pdf", "pdf"))
	if res[1].Outcome != OutcomeNewSource {
		t.Fatalf("outcome %v", res[1].Outcome)
	}
	rows := queryRows(t, s.db, `SELECT ok, detail, cells FROM checks WHERE report_id = ? AND rule = 'sources_disagree'`, res[0].ReportID)
	if len(rows) != 1 || rows[0]["ok"] != int64(0) || !strings.Contains(rows[0]["detail"].(string), "table3.granted.natural_person") {
		t.Fatalf("finding %v", rows)
	}
	if got := queryInt(t, s.db, `SELECT natural_person FROM t3 WHERE report_id = ? AND row_key = 'granted'`, res[0].ReportID); got != page.Table3["granted"]["natural_person"] {
		t.Errorf("the page's printed figure was replaced: %d", got)
	}
	// A corrected page (same medium) is a new version, not a parallel source.
	fixed := clone(t, page)
	setCell(t, fixed, "table3", "granted", "natural_person", page.Table3["granted"]["natural_person"]+1)
	if r := ingest(t, s, item(fixed, "http://x.gov.cn/t2.html", "fixed page")); r[0].Outcome != OutcomeChanged {
		t.Errorf("a corrected page: %v", r[0].Outcome)
	}
}

// One body is one report series however each year's title spells its name, so the
// findings across years follow it.
func TestOrganKeyJoinsSpellings(t *testing.T) {
	for _, c := range [][2]string{
		{"天元区住房和城乡建设局", "株洲市天元区住房和城乡建设局"},
		{"湖南省株洲市天元区金融办", "株洲市天元区金融办"},
		{"雄县", "河北省保定市雄县人民政府"},
	} {
		if a, b := OrganKey(c[0]), OrganKey(c[1]); a != b {
			t.Errorf("OrganKey(%s) = %s, OrganKey(%s) = %s", c[0], a, c[1], b)
		}
	}
	if OrganKey("株洲市天元区人民政府办公室") == OrganKey("株洲市天元区人民政府") {
		t.Errorf("the government's office is not the government")
	}
	if got := OrganKey("平潭综合实验区 管委会"); got != "平潭综合实验区管委会" {
		t.Errorf("a name without a code: %q", got)
	}

	s := newStore(t)
	y2021 := fixture(t, "zhuzhou-jinrongban-2022")
	y2021.Year, y2021.Organ, y2021.Title = 2021, "天元区金融办", "天元区金融办2021年政府信息公开工作年度报告"
	setCell(t, y2021, "table3", "carried_forward", "total", 2)
	y2022 := fixture(t, "zhuzhou-jinrongban-2022")
	res := ingest(t, s, item(y2021, "http://x/2021.html", "2021"), item(y2022, "http://x/2022.html", "2022"))
	rows := queryRows(t, s.db, `SELECT ok FROM checks WHERE report_id = ? AND rule = 'carry_chain:total'`, res[1].ReportID)
	if len(rows) != 1 || rows[0]["ok"] != int64(0) {
		t.Errorf("the carry chain across two spellings of one organ: %v", rows)
	}
}

// A region filter finds a report however its title spells the region.
func TestRegionFilterFollowsCodes(t *testing.T) {
	s := newStore(t)
	rec := fixture(t, "zhuzhou-jinrongban-2022") // 株洲市天元区, 430211
	rec.Organ, rec.Region = "天元区金融办", "天元区"
	ingest(t, s, item(rec, "http://x/2022.html", "2022"))
	for region, want := range map[string]int{"株洲市": 1, "天元区": 1, "4302": 1, "湖南省": 1, "雄县": 0, "430212": 0} {
		n := 0
		err := s.Records(context.Background(), Filter{Region: region}, false, func(*report.Record) error { n++; return nil })
		if err != nil || n != want {
			t.Errorf("region %s: %d reports (%v), want %d", region, n, err, want)
		}
	}
}
