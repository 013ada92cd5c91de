package store

import (
	"context"
	"errors"
	"strings"
	"testing"

	"gongkai/report"
)

// fakeParser re-derives records from the raw bytes by name: the test decides what
// the "new parser" makes of each document.
type fakeParser map[string]func() (*report.Record, error)

func (f fakeParser) parser() Parser {
	return Parser{
		Version: "2.0",
		Parse: func(doc Document, data []byte) (*report.Record, error) {
			if derive, ok := f[string(data)]; ok {
				return derive()
			}
			return nil, errors.New("unknown bytes " + string(data))
		},
		NotReport: func(err error) bool { return strings.Contains(err.Error(), "not a report") },
	}
}

func TestReparse(t *testing.T) {
	s := newStore(t)
	xiling := fixture(t, "xiling-education-2022")
	zhuzhou := fixture(t, "zhuzhou-jinrongban-2022")
	township := fixture(t, "xiongxian-township-2019")
	notice := item(nil, "notice", "notice bytes")
	notice.NotReport, notice.Reason = true, "not a report"
	res := ingest(t, s, item(xiling, "x", "xiling bytes"), item(zhuzhou, "z", "zhuzhou bytes"),
		item(township, "t", "township bytes"), notice)
	xilingID, zhuzhouID, townshipID := res[0].ReportID, res[1].ReportID, res[2].ReportID

	improved := clone(t, xiling) // the new parser reads one figure differently
	setCell(t, improved, report.T3, "new_received", "natural_person", 24)
	named := clone(t, township) // and now finds the township's name
	named.Organ, named.Region, named.Department = "雄县某某乡人民政府", "雄县某某乡", "人民政府"
	nowReport := clone(t, zhuzhou)
	nowReport.Organ = "株洲市天元区财政局"
	p := fakeParser{
		"xiling bytes":   func() (*report.Record, error) { return improved, nil },
		"zhuzhou bytes":  func() (*report.Record, error) { return nil, errors.New("parser fault") },
		"township bytes": func() (*report.Record, error) { return named, nil },
		"notice bytes":   func() (*report.Record, error) { return nowReport, nil },
	}
	var events []string
	st, err := s.Reparse(context.Background(), ReparseOptions{Parser: p.parser(), Progress: func(e ReparseEvent) {
		events = append(events, e.What+" "+e.URI)
	}})
	if err != nil {
		t.Fatal(err)
	}
	want := ReparseStats{Versions: 2, Changed: 2, CellsChanged: 1, Moved: 1, Failed: 1, Retried: 1, NowReports: 1}
	if st != want {
		t.Errorf("stats %+v, want %+v (events %v)", st, want, events)
	}
	// The improved figure is in place, under the new parser's version.
	if got := queryInt(t, s.db, `SELECT natural_person FROM t3 WHERE report_id = ? AND row_key = 'new_received'`, xilingID); got != 24 {
		t.Errorf("reparsed figure %d, want 24", got)
	}
	if v := queryRows(t, s.db, `SELECT parser_version FROM reports WHERE id = ?`, xilingID)[0]["parser_version"]; v != "2.0" {
		t.Errorf("parser_version %v", v)
	}
	// A version the parser now rejects is kept as it was.
	if v := queryRows(t, s.db, `SELECT parser_version, n_cells FROM reports WHERE id = ?`, zhuzhouID)[0]; v["parser_version"] != "test" || v["n_cells"] != int64(len(zhuzhou.Cells)) {
		t.Errorf("rejected version changed: %v", v)
	}
	// The township report, keyed by its URI until now, moved to its organ and year.
	if n := queryInt(t, s.db, `SELECT count(*) FROM logical_reports WHERE id = ?`, townshipID); n != 0 {
		t.Error("the report left without versions is still there")
	}
	moved := queryRows(t, s.db, `SELECT r.id, r.organ, r.year, s.uri FROM reports r JOIN sources s ON s.report_id = r.id WHERE r.organ = '雄县某某乡人民政府'`)
	if len(moved) != 1 || moved[0]["year"] != int64(2019) || moved[0]["uri"] != "t" {
		t.Errorf("moved report: %v", moved)
	}
	// The notice is a report now.
	if n := queryInt(t, s.db, `SELECT count(*) FROM reports WHERE organ = '株洲市天元区财政局'`); n != 1 {
		t.Error("the document that is now a report was not stored as one")
	}
	if k, _ := s.Known(context.Background(), notice.Doc.URI, notice.Doc.SHA256); k.Status != StatusReport || k.ParserVersion != "2.0" {
		t.Errorf("Known(notice) after reparse: %+v", k)
	}
	// Reparsing again changes nothing.
	st, err = s.Reparse(context.Background(), ReparseOptions{Parser: p.parser()})
	if err != nil {
		t.Fatal(err)
	}
	if st.Changed != 0 || st.Unchanged != 3 || st.CellsChanged != 0 || st.Failed != 1 {
		t.Errorf("second reparse: %+v", st)
	}
}
