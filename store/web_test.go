package store

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"gongkai/report"
)

// webArchive stores the Xiling education bureau's 2022 report, the same bureau's
// 2021 report (whose carried-forward total breaks the carry chain, and whose
// in-force count breaks that chain), and another bureau's 2022 report with a
// blank and a missing cell, then reopens it read-only.
func webArchive(t *testing.T) (ro *DB, ids map[string]int64) {
	t.Helper()
	dir := t.TempDir()
	s, err := openTest(t, dir)
	if err != nil {
		t.Fatal(err)
	}
	edu22 := fixture(t, "xiling-education-2022")
	edu21 := clone(t, edu22)
	edu21.Year, edu21.Title, edu21.Published = 2021, "宜昌市西陵区教育局2021年政府信息公开工作年度报告", "2022-01-20"
	setCell(t, edu21, report.T3, "carried_forward", "total", 9)
	edu21.Text = "2021年，西陵区教育局认真贯彻落实《中华人民共和国政府信息公开条例》，主动公开招生入学、学校收费等信息。"
	fin := clone(t, edu22)
	fin.Organ, fin.Department, fin.Title = "宜昌市西陵区财政局", "财政局", "宜昌市西陵区财政局2022年政府信息公开工作年度报告"
	var cells []report.Cell
	for _, c := range fin.Cells {
		switch c.Ref() {
		case "table3.carried_over.total":
			c.Raw, c.Kind, c.Value = "", report.KindBlank, nil
		case "table4.review.corrected":
			continue // not printed
		}
		cells = append(cells, c)
	}
	fin.Cells = cells
	fin.Text = "区财政局按照预算公开要求，公开部门预算决算和“三公”经费，依申请公开办理及时规范。"
	res := ingest(t, s, item(edu21, "http://example.gov.cn/edu2021.html", "edu 2021"),
		item(edu22, "http://example.gov.cn/edu2022.html", "edu 2022"), item(fin, "http://example.gov.cn/fin2022.html", "fin 2022"))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	ro, err = openTestReadOnly(t, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ro.Close() })
	return ro, map[string]int64{"edu2021": res[0].ReportID, "edu2022": res[1].ReportID, "fin2022": res[2].ReportID}
}

func TestOpenReadOnlyRefusesWrites(t *testing.T) {
	if _, err := OpenReadOnly(t.TempDir()); !errors.Is(err, ErrNoArchive) {
		t.Errorf("an empty folder: %v, want ErrNoArchive", err)
	}
	ro, _ := webArchive(t)
	_, err := ro.SQL().Exec(`DELETE FROM logical_reports`)
	if err == nil || !strings.Contains(err.Error(), "readonly") && !strings.Contains(err.Error(), "read-only") {
		t.Errorf("a write through the read-only store: %v", err)
	}
}

func TestOverview(t *testing.T) {
	ro, _ := webArchive(t)
	o, err := ro.Overview(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if o.Reports != 3 || o.Organs != 2 {
		t.Errorf("reports %d, organs %d; want 3 and 2", o.Reports, o.Organs)
	}
	if len(o.Years) != 2 || o.Years[0] != (YearCount{2022, 2}) || o.Years[1] != (YearCount{2021, 1}) {
		t.Errorf("years %+v", o.Years)
	}
	want := []RegionYear{{"湖北省宜昌市西陵区", "420502", 2021, 1}, {"湖北省宜昌市西陵区", "420502", 2022, 2}}
	if !slices.Equal(o.Regions, want) {
		t.Errorf("regions %+v, want %+v", o.Regions, want)
	}
	// The 2022 education report fails the chains against 2021's: findings, not
	// failed checks (its own figures add up).
	if o.FailedReports != 0 || o.FindingReports != 1 {
		t.Errorf("%d reports failing a check, %d with findings; want 0 and 1", o.FailedReports, o.FindingReports)
	}
}

func TestReportDetail(t *testing.T) {
	ro, ids := webArchive(t)
	ctx := context.Background()
	d, err := ro.ReportVersion(ctx, ids["edu2022"], 0)
	if err != nil {
		t.Fatal(err)
	}
	if d.Info.Organ != "宜昌市西陵区教育局" || d.Info.Year != 2022 || d.Version != 1 || d.Info.FailedChecks != 0 || d.Info.Findings != 2 {
		t.Errorf("info %+v, version %d", d.Info, d.Version)
	}
	if len(d.Record.Cells) != 200 || len(d.Record.Checks) == 0 {
		t.Errorf("record with %d cells and %d checks", len(d.Record.Cells), len(d.Record.Checks))
	}
	var chain *CheckRow
	for i, f := range d.Findings {
		if f.Rule == RuleCarryChain {
			chain = &d.Findings[i]
		}
	}
	if chain == nil || chain.OK || chain.OtherReportID != ids["edu2021"] || !slices.Contains(chain.Cells, "table3.carried_over.total") {
		t.Errorf("carry chain finding %+v", chain)
	}
	if len(d.Sources) != 1 || d.Sources[0].URI != "http://example.gov.cn/edu2022.html" || len(d.Sources[0].SHA256) != 64 {
		t.Errorf("sources %+v", d.Sources)
	}
	if len(d.OtherYears) != 1 || d.OtherYears[0].ID != ids["edu2021"] || d.OtherYears[0].Year != 2021 {
		t.Errorf("other years %+v", d.OtherYears)
	}
	if _, err := ro.ReportVersion(ctx, 999, 0); !errors.Is(err, ErrNotFound) {
		t.Errorf("report 999: %v, want ErrNotFound", err)
	}
}

func TestReportCells(t *testing.T) {
	ro, ids := webArchive(t)
	ctx := context.Background()
	refs := []string{"table3.new_received.total", "table3.carried_over.total", "table4.review.corrected", "table9.no.such"}
	got, err := ro.ReportCells(ctx, CellQuery{Years: []int{2022}, Region: "4205", Refs: refs})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("%d reports, want 2", len(got))
	}
	byID := map[int64]ReportCells{}
	for _, rc := range got {
		byID[rc.ID] = rc
	}
	edu, fin := byID[ids["edu2022"]], byID[ids["fin2022"]]
	if edu.Cells["table3.new_received.total"] != 31 || edu.Cells["table3.carried_over.total"] != 3 || len(edu.Cells) != 3 {
		t.Errorf("education bureau's cells %v", edu.Cells)
	}
	// A blank cell counts as 0; a cell not printed is absent.
	if v, ok := fin.Cells["table3.carried_over.total"]; !ok || v != 0 {
		t.Errorf("blank carried_over: %v %v", v, ok)
	}
	if _, ok := fin.Cells["table4.review.corrected"]; ok {
		t.Errorf("a cell the report does not print has a value")
	}
	history, err := ro.ReportCells(ctx, CellQuery{Organ: " 宜昌市西陵区 教育局", Refs: refs[:1]})
	if err != nil {
		t.Fatal(err)
	}
	if len(history) != 2 || history[0].Year != 2021 || history[1].Year != 2022 {
		t.Errorf("history %+v", history)
	}
	if _, err := ro.ReportCells(ctx, CellQuery{Refs: []string{"table3"}}); err == nil {
		t.Error("a reference that is not table.row.column was taken")
	}
}

func TestOriginal(t *testing.T) {
	dir := t.TempDir()
	s, err := openTest(t, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	rec := fixture(t, "zhuzhou-jinrongban-2022")
	kept := item(rec, "http://example.gov.cn/a.html", "<html>raw bytes</html>")
	warc := item(clone(t, rec), "http://example.gov.cn/b.pdf", "pdf bytes")
	warc.Record.Year = 2021
	warc.Doc.Bytes, warc.Doc.Location = nil, Location{WARCFile: "gongkai-1.warc.gz", Offset: 42}
	ingest(t, s, kept, warc)

	o, err := s.Original(ctx, kept.Doc.SHA256)
	if err != nil || string(o.Bytes) != "<html>raw bytes</html>" || o.URI != "http://example.gov.cn/a.html" {
		t.Errorf("kept bytes: %+v, %v", o, err)
	}
	o, err = s.Original(ctx, warc.Doc.SHA256)
	if err != nil || o.Bytes != nil || o.Location != (Location{"gongkai-1.warc.gz", 42}) {
		t.Errorf("WARC location: %+v, %v", o, err)
	}
	if _, err := s.Original(ctx, strings.Repeat("0", 64)); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown digest: %v", err)
	}
	// A location that would lead out of the warc folder is refused.
	for _, bad := range []string{"../../etc/passwd", "/etc/passwd", "sub/file.warc.gz", ".."} {
		if _, err := s.SQL().Exec(`UPDATE documents SET warc_file = ? WHERE sha256 = ?`, bad, warc.Doc.SHA256); err != nil {
			t.Fatal(err)
		}
		if o, err := s.Original(ctx, warc.Doc.SHA256); err == nil {
			t.Errorf("WARC file %q taken: %+v", bad, o.Location)
		}
	}
}
