package store

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"gongkai/report"
)

const xilingURL = "http://www.xiling.gov.cn/zwgk/ndbg/2023/01/t20230128_1.html"

func TestVersionsAndSources(t *testing.T) {
	s := newStore(t)
	rec := fixture(t, "xiling-education-2022")

	res := ingest(t, s, item(rec, xilingURL, "page v1"))
	if res[0].Outcome != OutcomeNew || res[0].Version != 1 {
		t.Fatalf("first ingest: %+v", res[0])
	}
	reportID := res[0].ReportID

	// The same bytes at the same URL again: nothing is written.
	res = ingest(t, s, item(clone(t, rec), xilingURL, "page v1"))
	if res[0].Outcome != OutcomeUnchanged || res[0].ReportID != reportID || res[0].Version != 1 {
		t.Fatalf("same bytes again: %+v", res[0])
	}
	if n := queryInt(t, s.db, `SELECT count(*) FROM documents`); n != 1 {
		t.Errorf("%d documents after the same bytes twice, want 1", n)
	}

	// The page is corrected: 本年新收 自然人 23 → 24 (and the total with it).
	corrected := clone(t, rec)
	setCell(t, corrected, report.T3, "new_received", "natural_person", 24)
	setCell(t, corrected, report.T3, "new_received", "total", 32)
	res = ingest(t, s, item(corrected, xilingURL, "page v2"))
	if res[0].Outcome != OutcomeChanged || res[0].ReportID != reportID || res[0].Version != 2 {
		t.Fatalf("corrected page: %+v", res[0])
	}

	// The corrected report also reached through the department's own site, with
	// other page chrome (other bytes, another warning): one version, two sources.
	mirror := clone(t, corrected)
	mirror.Warnings = []string{"page chrome around the article"}
	res = ingest(t, s, item(mirror, "http://jyj.xiling.gov.cn/xxgk/2022nb.html", "mirror page"))
	if res[0].Outcome != OutcomeNewSource || res[0].ReportID != reportID || res[0].Version != 2 {
		t.Fatalf("same report at a second URL: %+v", res[0])
	}

	if n := queryInt(t, s.db, `SELECT count(*) FROM logical_reports`); n != 1 {
		t.Errorf("%d reports, want 1", n)
	}
	// Both versions are kept; the views show the latest.
	old := queryRows(t, s.db, `SELECT seq, record_json FROM versions WHERE report_id = ? ORDER BY seq`, reportID)
	if len(old) != 2 {
		t.Fatalf("%d versions, want 2", len(old))
	}
	var v1 report.Record
	if err := json.Unmarshal([]byte(old[0]["record_json"].(string)), &v1); err != nil {
		t.Fatal(err)
	}
	if v1.Table3["new_received"]["natural_person"] != 23 {
		t.Errorf("version 1 lost its figure: %v", v1.Table3["new_received"])
	}
	if got := queryInt(t, s.db, `SELECT natural_person FROM t3 WHERE report_id = ? AND row_key = 'new_received'`, reportID); got != 24 {
		t.Errorf("t3 shows natural_person %d, want the corrected 24", got)
	}
	if got := queryInt(t, s.db, `SELECT version FROM reports WHERE id = ?`, reportID); got != 2 {
		t.Errorf("reports shows version %d, want 2", got)
	}
	sources := queryRows(t, s.db, `SELECT version, uri, latest FROM sources WHERE report_id = ? ORDER BY version, uri`, reportID)
	want := []string{"1 " + xilingURL + " 0", "2 http://jyj.xiling.gov.cn/xxgk/2022nb.html 1", "2 " + xilingURL + " 1"}
	var got []string
	for _, r := range sources {
		got = append(got, strings.Join([]string{str(r["version"]), str(r["uri"]), str(r["latest"])}, " "))
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("sources:\n got %q\nwant %q", got, want)
	}
	// The raw bytes of every document are kept, once per digest.
	if n := queryInt(t, s.db, `SELECT count(*) FROM blobs`); n != 3 {
		t.Errorf("%d blobs, want 3", n)
	}
	k, err := s.Known(context.Background(), xilingURL, item(nil, "", "page v2").Doc.SHA256)
	if err != nil || !k.Found || k.Status != StatusReport || k.ReportID != reportID || k.Organ != "宜昌市西陵区教育局" || k.Year != 2022 {
		t.Errorf("Known: %+v, %v", k, err)
	}
}

func str(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case string:
		return x
	case []byte:
		return string(x)
	default:
		b, _ := json.Marshal(x)
		return string(b)
	}
}

func TestNonReportsAreRecorded(t *testing.T) {
	s := newStore(t)
	notice := item(nil, "http://example.gov.cn/tzgg/1.html", "<html>关于报送年度报告的通知</html>")
	notice.NotReport, notice.Reason = true, "not an annual report: the title names a notice"
	broken := item(nil, "http://example.gov.cn/a.pdf", "%PDF-1.4")
	broken.Reason = "a PDF document, not an HTML page or text"
	res := ingest(t, s, notice, broken)
	if res[0].Outcome != OutcomeNotReport || res[1].Outcome != OutcomeFailed {
		t.Fatalf("outcomes %v, %v", res[0].Outcome, res[1].Outcome)
	}
	k, err := s.Known(context.Background(), notice.Doc.URI, notice.Doc.SHA256)
	if err != nil || !k.Found || k.Status != StatusNotReport || k.Reason != notice.Reason || k.ParserVersion != "test" {
		t.Errorf("Known(notice) = %+v, %v", k, err)
	}
	if n := queryInt(t, s.db, `SELECT count(*) FROM blobs`); n != 2 {
		t.Errorf("%d blobs, want the raw bytes of both documents for a later parser", n)
	}
	if n := queryInt(t, s.db, `SELECT count(*) FROM reports`); n != 0 {
		t.Errorf("%d reports, want 0", n)
	}
}

func TestItemFailureLeavesNothing(t *testing.T) {
	s := newStore(t)
	good := item(fixture(t, "xiling-education-2022"), xilingURL, "page")
	bad := item(fixture(t, "zhuzhou-jinrongban-2022"), "", "no uri")
	res, err := s.Ingest(context.Background(), []Item{bad, good})
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Err == nil || res[1].Err != nil || res[1].Outcome != OutcomeNew {
		t.Fatalf("results %+v", res)
	}
	if n := queryInt(t, s.db, `SELECT count(*) FROM documents`); n != 1 {
		t.Errorf("%d documents, want only the good one", n)
	}
}

func TestViewsReturnWhatWasStored(t *testing.T) {
	s := newStore(t)
	xiling := fixture(t, "xiling-education-2022")
	township := fixture(t, "xiongxian-township-2019")
	res := ingest(t, s, item(xiling, xilingURL, "a"), item(township, "file:///corpus/xiongxian-township-2019.txt", "b"))
	xid, tid := res[0].ReportID, res[1].ReportID

	r := queryRows(t, s.db, `SELECT * FROM reports WHERE id = ?`, xid)[0]
	for col, want := range map[string]any{
		"title": "宜昌市西陵区教育局2022年政府信息公开工作年度报告", "organ": "宜昌市西陵区教育局", "region": "宜昌市西陵区",
		"region_code": "420502", "department": "教育局", "year": int64(2022), "published": "2023-01-28", "format": "2021",
		"source": xilingURL, "version": int64(1), "parser_version": "test",
		"n_cells": int64(len(xiling.Cells)), "n_checks": int64(len(xiling.Checks)), "n_failed_checks": int64(len(xiling.Failed())),
	} {
		if r[col] != want {
			t.Errorf("reports.%s = %v (%T), want %v", col, r[col], r[col], want)
		}
	}
	// A report without organ is its own report; its missing metadata is NULL.
	r = queryRows(t, s.db, `SELECT organ, year, format FROM reports WHERE id = ?`, tid)[0]
	if r["organ"] != nil || r["year"] != int64(2019) || r["format"] != "2019" {
		t.Errorf("township report row: %v", r)
	}

	if n := queryInt(t, s.db, `SELECT count(*) FROM cells WHERE report_id = ?`, xid); n != int64(len(xiling.Cells)) {
		t.Errorf("cells view has %d cells, the record %d", n, len(xiling.Cells))
	}
	// Every table 3 figure of the record is in t3, column by column.
	for _, row := range queryRows(t, s.db, `SELECT * FROM t3 WHERE report_id = ?`, xid) {
		rowKey := row["row_key"].(string)
		for col, v := range xiling.Table3[rowKey] {
			if row[col] != v {
				t.Errorf("t3 %s.%s = %v, record %d", rowKey, col, row[col], v)
			}
		}
	}
	// t3 shows the printed rows: in the 2021 format other_total is not printed
	// (the record derives it from the three other_* rows).
	if n := queryInt(t, s.db, `SELECT count(*) FROM t3 WHERE report_id = ?`, xid); n != int64(len(xiling.Table3)-1) {
		t.Errorf("t3 has %d rows, want the record's %d but other_total", n, len(xiling.Table3))
	}
	review := queryRows(t, s.db, `SELECT upheld, corrected, other, pending, total FROM t4 WHERE report_id = ? AND grp = 'review'`, xid)[0]
	for col, v := range xiling.Table4["review"] {
		if review[col] != v {
			t.Errorf("t4 review.%s = %v, record %d", col, review[col], v)
		}
	}
	fees := queryRows(t, s.db, `SELECT amount_wan, issued FROM t2 WHERE report_id = ? AND row_key = 'fees'`, xid)[0]
	if fees["amount_wan"] != 12.36 || fees["issued"] != nil {
		t.Errorf("t2 fees row: %v", fees)
	}
	if got := queryInt(t, s.db, `SELECT in_force FROM t2 WHERE report_id = ? AND row_key = 'normative_docs'`, xid); got != 17 {
		t.Errorf("t2 normative_docs.in_force = %d, want 17", got)
	}
	// Blank cells stay blank: kind blank, value NULL, raw as printed.
	blank := queryRows(t, s.db, `SELECT value, raw, kind FROM cells WHERE report_id = ? AND tbl = 'table3' AND row_key = 'granted' AND col_key = 'total'`, tid)[0]
	if blank["value"] != nil || blank["raw"] != "" || blank["kind"] != "blank" {
		t.Errorf("blank cell: %v", blank)
	}
	if got := queryRows(t, s.db, `SELECT natural_person FROM t3 WHERE report_id = ? AND row_key = 'granted'`, tid)[0]["natural_person"]; got != nil {
		t.Errorf("t3 shows %v for a blank cell, want NULL", got)
	}
	if n := queryInt(t, s.db, `SELECT count(*) FROM checks WHERE report_id = ? AND scope = 'record'`, xid); n != int64(len(xiling.Checks)) {
		t.Errorf("checks view: %d record checks, want %d", n, len(xiling.Checks))
	}
	var cellsJSON string
	if err := s.db.QueryRow(`SELECT cells FROM checks WHERE report_id = ? AND rule = 't3_balance:total'`, xid).Scan(&cellsJSON); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(cellsJSON, `"table3.new_received.total"`) {
		t.Errorf("t3_balance:total cells = %s", cellsJSON)
	}
}

func TestRecordsRoundTrip(t *testing.T) {
	s := newStore(t)
	var want []string
	var items []Item
	for i, name := range []string{"xiling-education-2022", "zhuzhou-jinrongban-2022", "xiongxian-township-2019", "pingtan-2016-legacy"} {
		rec := fixture(t, name)
		rec.Source = "corpus/" + name
		js, err := marshalRecord(rec)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, js)
		items = append(items, item(rec, rec.Source, string(rune('a'+i))))
	}
	ingest(t, s, items...)
	var got []string
	err := s.Records(context.Background(), Filter{}, false, func(rec *report.Record) error {
		js, err := marshalRecord(rec)
		got = append(got, js)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%d records, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("record %d does not round-trip:\n got %.300s\nwant %.300s", i, got[i], want[i])
		}
	}
	// Filters: year, region name prefix, region code prefix.
	for _, c := range []struct {
		f    Filter
		want int
	}{{Filter{Year: 2022}, 2}, {Filter{Region: "宜昌市"}, 1}, {Filter{Region: "4302"}, 1}, {Filter{Region: "43", Year: 2019}, 0}} {
		n := 0
		if err := s.Records(context.Background(), c.f, false, func(*report.Record) error { n++; return nil }); err != nil {
			t.Fatal(err)
		}
		if n != c.want {
			t.Errorf("filter %+v: %d records, want %d", c.f, n, c.want)
		}
	}
}

// withholdingByDepartment is the example query of README.md: the share of handled
// requests that were withheld (三(三) 不予公开, all eight grounds), by department, for
// one region and year. Blank cells are NULL in the views and count as 0.
const withholdingByDepartment = `
SELECT department,
       sum(coalesce(total, 0)) FILTER (WHERE row_key LIKE 'withheld%')   AS withheld,
       sum(coalesce(total, 0)) FILTER (WHERE row_key = 'total_handled')  AS handled,
       round(100.0 * sum(coalesce(total, 0)) FILTER (WHERE row_key LIKE 'withheld%')
             / nullif(sum(coalesce(total, 0)) FILTER (WHERE row_key = 'total_handled'), 0), 1) AS withheld_pct
FROM t3
WHERE region = '宜昌市西陵区' AND year = 2022
GROUP BY department
ORDER BY withheld_pct DESC`

func TestREADMEQuery(t *testing.T) {
	s := newStore(t)
	education := fixture(t, "xiling-education-2022") // withheld 1 + 1 + 1 of 32 handled
	health := clone(t, education)
	health.Organ, health.Department = "宜昌市西陵区卫生健康局", "卫生健康局"
	setCell(t, health, report.T3, "withheld_third_party", "total", 5)
	ingest(t, s, item(education, "e", "e"), item(health, "h", "h"), item(fixture(t, "zhuzhou-jinrongban-2022"), "z", "z"))
	rows := queryRows(t, s.db, withholdingByDepartment)
	var got []string
	for _, r := range rows {
		got = append(got, str(r["department"])+" "+str(r["withheld"])+"/"+str(r["handled"])+" "+str(r["withheld_pct"]))
	}
	if want := []string{"卫生健康局 7/32 21.9", "教育局 3/32 9.4"}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}
