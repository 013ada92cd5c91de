package store

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"gongkai/report"
)

// A scan's figures keep how OCR read them: the record read back, the cells view
// and the reports view say which figures came from OCR, from which page and
// place of the scan, and how surely; the cells left out stay named.
// hanweb-2021-scan is what gongkai parse --json made of a scan of the
// hanweb-2021-labels fixture (200 dpi, 0.8°, JPEG q70: TestScanFixtures' scan).
func TestOCRProvenanceKept(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	scan := fixture(t, "hanweb-2021-scan")
	if scan.Medium != report.MediumScan || len(scan.LeftOut) == 0 {
		t.Fatalf("the fixture is no scan with figures left out: medium %q, left out %v", scan.Medium, scan.LeftOut)
	}
	text := fixture(t, "xiling-education-2022")
	text.Medium = "html"
	res := ingest(t, s, item(scan, "http://example.gov.cn/scan.pdf", "scan"), item(text, "http://example.gov.cn/edu.html", "edu"))

	d, err := s.ReportVersion(ctx, res[0].ReportID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Record.Cells) != len(scan.Cells) {
		t.Fatalf("%d cells back, %d stored", len(d.Record.Cells), len(scan.Cells))
	}
	for i, c := range d.Record.Cells {
		w := scan.Cells[i]
		if c.Read != report.ReadOCR || c.Page != w.Page || !slices.Equal(c.Box, w.Box) || c.Confidence != w.Confidence || c.Raw != w.Raw {
			t.Errorf("cell %s back as %+v, stored %+v", c.Ref(), c, w)
		}
	}
	if d.Record.Medium != report.MediumScan || !slices.Equal(d.Record.LeftOut, scan.LeftOut) {
		t.Errorf("medium %q, left out %v; want scan, %v", d.Record.Medium, d.Record.LeftOut, scan.LeftOut)
	}

	// The views: a researcher can leave OCR figures out, or pick the least sure.
	rows := queryRows(t, s.db, `SELECT r.medium, count(c.read) AS ocr, count(*) AS n, min(c.confidence) AS low, min(c.page) AS page
		FROM reports r JOIN cells c ON c.report_id = r.id GROUP BY r.id, r.medium ORDER BY r.id`)
	if len(rows) != 2 {
		t.Fatalf("views: %v", rows)
	}
	if rows[0]["medium"] != "scan" || rows[0]["ocr"] != rows[0]["n"] || rows[0]["low"] == nil || rows[0]["page"] != int64(1) {
		t.Errorf("the scan in the views: %v", rows[0])
	}
	if rows[1]["medium"] != "html" || rows[1]["ocr"] != int64(0) || rows[1]["low"] != nil {
		t.Errorf("the text report in the views: %v", rows[1])
	}
	var box string
	if err := s.db.QueryRow(`SELECT box FROM cells WHERE report_id = ? AND tbl = ? AND row_key = ? AND col_key = ?`,
		res[0].ReportID, scan.Cells[0].Table, scan.Cells[0].Row, scan.Cells[0].Column).Scan(&box); err != nil {
		t.Fatal(err)
	}
	var b []int
	if err := json.Unmarshal([]byte(box), &b); err != nil || !slices.Equal(b, scan.Cells[0].Box) {
		t.Errorf("box %q in the cells view, want %v", box, scan.Cells[0].Box)
	}

	// The wide views say how each row was read, and which of its figures OCR
	// left out, so that their NULL is not summed as 0.
	wide := func(view, key, row string) map[string]any {
		t.Helper()
		rows := queryRows(t, s.db, `SELECT read, page, confidence, left_out FROM `+view+` WHERE report_id = ? AND `+key+` = ?`, res[0].ReportID, row)
		if len(rows) != 1 {
			t.Fatalf("%s %s: %d rows", view, row, len(rows))
		}
		return rows[0]
	}
	// The page a row stands on and its least sure figure, from its cells.
	read := func(table, row string) (page, low int64) {
		page, low = 1000, 100
		for _, c := range scan.Cells {
			if c.Table == table && c.Row == row {
				page, low = min(page, int64(c.Page)), min(low, int64(c.Confidence))
			}
		}
		return page, low
	}
	for _, w := range []struct{ view, key, row, table, leftOut string }{
		{"t3", "row_key", "granted", report.T3, `["other_org"]`},
		{"t3", "row_key", "new_received", report.T3, `["legal_service","other_org"]`},
		{"t3", "row_key", "total_handled", report.T3, `[]`},
		{"t4", "grp", "suit_direct", report.T4, `[]`},
		{"t2", "row_key", "normative_docs", report.T2, `[]`},
	} {
		got := wide(w.view, w.key, w.row)
		page, low := read(w.table, w.row)
		if got["read"] != report.ReadOCR || got["page"] != page || got["confidence"] != low || got["left_out"] != w.leftOut {
			t.Errorf("%s %s: %v, want ocr, page %d, confidence %d, left out %s", w.view, w.row, got, page, low, w.leftOut)
		}
	}
	// A row OCR could not read at all has no row in the view.
	if rows := queryRows(t, s.db, `SELECT 1 FROM t3 WHERE report_id = ? AND row_key = 'withheld_law_prohibited'`, res[0].ReportID); len(rows) != 0 {
		t.Errorf("a row left out whole shows in t3: %v", rows)
	}
	for _, view := range []string{"t2", "t3", "t4"} {
		if rows := queryRows(t, s.db, `SELECT read, page, confidence, left_out FROM `+view+` WHERE report_id = ? LIMIT 1`, res[1].ReportID); len(rows) != 1 ||
			rows[0]["read"] != nil || rows[0]["page"] != nil || rows[0]["confidence"] != nil || rows[0]["left_out"] != nil {
			t.Errorf("%s: a row read from text: %v", view, rows)
		}
	}

	// The export of records carries them too.
	var exported *report.Record
	if err := s.StoredRecords(ctx, Filter{}, false, func(sr StoredRecord) error {
		if sr.ReportID == res[0].ReportID {
			exported = sr.Record
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if exported == nil || !slices.EqualFunc(exported.Cells, scan.Cells, func(a, b report.Cell) bool {
		return a.Read == b.Read && a.Page == b.Page && slices.Equal(a.Box, b.Box) && a.Confidence == b.Confidence
	}) {
		t.Errorf("exported record without the cells' provenance")
	}
	if !strings.Contains(strings.Join(scan.Warnings, "\n"), "left out") {
		t.Errorf("the fixture's warnings do not say what was left out: %q", scan.Warnings)
	}
}
