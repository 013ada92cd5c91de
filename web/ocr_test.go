package web

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gongkai/report"
	"gongkai/store"
)

// scanFixture serves an archive holding one report read by OCR: the record
// gongkai parse --json made of a scan of the hanweb-2021-labels fixture (200 dpi,
// 0.8°, JPEG q70), with 19 cells left out.
func scanFixture(t *testing.T) (*fixture, *report.Record) {
	t.Helper()
	rec := storeRecord(t, "hanweb-2021-scan")
	dir := t.TempDir()
	rw, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	d := doc("http://example.gov.cn/zjj/2022.pdf", "%PDF scan")
	d.MediaType = "application/pdf"
	res, err := rw.Ingest(context.Background(), []store.Item{{Doc: d, Record: rec, ParserVersion: "test"}})
	if err != nil || res[0].Err != nil {
		t.Fatal(err, res[0].Err)
	}
	f := &fixture{dataDir: dir, ids: map[string]int64{"scan": res[0].ReportID}}
	f.handler = serveArchive(t, rw, dir, nil)
	return f, rec
}

// A researcher sees on a scan's page which figures OCR read, from where in the
// scan and how surely, and which it left out (never shown as blank or 0); the
// CSV and the API carry the same.
func TestScanReportShowsHowFiguresWereRead(t *testing.T) {
	f, rec := scanFixture(t)
	id := f.ids["scan"]
	_, body := f.get(t, fmt.Sprintf("/reports/%d", id))
	figures := 0
	for _, c := range rec.Cells {
		if c.Kind == report.KindNumber {
			figures++
		}
	}
	for _, want := range []string{
		"扫描件，数字由 OCR 识别",
		fmt.Sprintf("%d 个数字由 OCR 从第 1、2 页读出", figures),
		fmt.Sprintf("<strong>%d 个数字未能确认，已略去", len(rec.LeftOut)),
		// The least sure figures are listed for checking.
		"置信度低于 90 的数字",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the scan's page lacks %q", want)
		}
	}
	// The checks that need a figure left out are not counted as passed.
	tally := report.TallyChecks(rec)
	if len(tally.Unchecked) == 0 || tally.Passed+tally.Failed != len(rec.Checks) {
		t.Fatalf("tally %+v of %d checks", tally, len(rec.Checks))
	}
	if want := fmt.Sprintf("%d 项通过 passed，<span title=\"%s; ", tally.Passed, tally.Unchecked[0].Rule); !strings.Contains(body, want) ||
		!strings.Contains(body, fmt.Sprintf(">%d 项未能检查 not checked</span>", len(tally.Unchecked))) {
		t.Errorf("the scan's page does not say that %d checks were not run", len(tally.Unchecked))
	}
	_, unsure := htmlTable(t, body, "ocr-unsure")
	if len(unsure) == 0 || !strings.Contains(unsure[0][0], "行政规范性文件") || unsure[0][2] != "1" {
		t.Errorf("unsure figures %q", unsure)
	}
	// Every figure cell of table 3 carries its page, box and confidence.
	c := rec.Cells[slices.IndexFunc(rec.Cells, func(c report.Cell) bool { return c.Ref() == "table3.new_received.natural_person" })]
	box := fmt.Sprintf("%d,%d,%d,%d", c.Box[0], c.Box[1], c.Box[2], c.Box[3])
	cell := regexp.MustCompile(`<td class="ocr" title="OCR 识别：第 (\d) 页，位置 ` + box + `，置信度 (\d+)[^"]*" data-page="(\d)" data-box="` + box + `" data-confidence="(\d+)">` + regexp.QuoteMeta(c.Raw) + `</td>`)
	if m := cell.FindStringSubmatch(body); m == nil || m[1] != fmt.Sprint(c.Page) || m[2] != fmt.Sprint(c.Confidence) || m[3] != m[1] || m[4] != m[2] {
		t.Errorf("table3.new_received.natural_person (%q) not shown with its provenance: %v", c.Raw, m)
	}
	// A cell left out shows as unknown, not as a blank.
	cells := cellTexts(t, body, "t3")
	if n := strings.Count(strings.Join(cells, "|"), "？"); n != len(rec.LeftOut)-5 { // table 4's review row is the other 5
		t.Errorf("%d table 3 cells shown as left out, want %d", n, len(rec.LeftOut)-5)
	}
	if !strings.Contains(body, `<td class="leftout" title="OCR 未能确认，已略去`) {
		t.Error("no left-out cell marked as such")
	}

	_, csvBody := f.get(t, fmt.Sprintf("/reports/%d.csv", id))
	rows := readCSV(t, csvBody)
	if !slices.Equal(rows[0][8:], []string{"read", "page", "box", "confidence"}) {
		t.Fatalf("CSV header %q", rows[0])
	}
	kinds := map[string]int{}
	for _, r := range rows[1:] {
		kinds[r[6]]++
		if r[0] == "table3" && r[1] == "new_received" && r[3] == "natural_person" &&
			!slices.Equal(r[8:], []string{"ocr", fmt.Sprint(c.Page), "[" + box + "]", fmt.Sprint(c.Confidence)}) {
			t.Errorf("CSV row %q", r)
		}
	}
	if kinds["left_out"] != len(rec.LeftOut) {
		t.Errorf("CSV kinds %v, want %d left_out", kinds, len(rec.LeftOut))
	}

	var api struct {
		Medium    string             `json:"medium"`
		LeftOut   []string           `json:"left_out"`
		Unchecked []report.Unchecked `json:"unchecked"`
		Cells     []report.Cell      `json:"cells"`
	}
	f.getJSON(t, fmt.Sprintf("/api/reports/%d", id), http.StatusOK, &api)
	if api.Medium != report.MediumScan || !slices.Equal(api.LeftOut, rec.LeftOut) || len(api.Cells) != len(rec.Cells) {
		t.Fatalf("API: medium %q, left out %v, %d cells", api.Medium, api.LeftOut, len(api.Cells))
	}
	// The record stored before it named its unchecked checks names them.
	if len(api.Unchecked) != len(tally.Unchecked) || api.Unchecked[0].Rule != tally.Unchecked[0].Rule {
		t.Errorf("API: unchecked %v, want %v", api.Unchecked, tally.Unchecked)
	}
	for i, c := range api.Cells {
		if w := rec.Cells[i]; c.Read != report.ReadOCR || c.Page != w.Page || !slices.Equal(c.Box, w.Box) || c.Confidence != w.Confidence {
			t.Errorf("API cell %s: %+v, want %+v", c.Ref(), c, w)
		}
	}
}
