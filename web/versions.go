package web

import (
	"fmt"
	"net/http"
	"strconv"

	"gongkai/report"
	"gongkai/store"
)

// changesResult is what changed between two versions of a report:
// /reports/{id}/changes (page, .csv, .json) and /api/reports/{id}/changes.
type changesResult struct {
	ReportID int64  `json:"report_id"`
	Title    string `json:"title"`
	From     int    `json:"from"`
	To       int    `json:"to"`
	report.RecordDiff
}

func changesURL(id int64, from, to int) string {
	return fmt.Sprintf("%s/changes?from=%d&to=%d", reportURL(id), from, to)
}

// loadChanges reads the versions the from and to parameters name: by default the
// latest version against the one before it.
func (s *server) loadChanges(w http.ResponseWriter, r *http.Request) (changesResult, *store.ReportDetail, bool) {
	id := r.PathValue("id")
	n, ok := parseID(id)
	if !ok {
		s.notFound(w, r, fmt.Sprintf("没有编号为 %q 的报告 No report %q", id, id))
		return changesResult{}, nil, false
	}
	version := func(name string) (int, bool) {
		v := r.URL.Query().Get(name)
		if v == "" {
			return 0, true
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			s.fail(w, r, http.StatusBadRequest, fmt.Errorf("%s %q: 版本号是从 1 起的数字 a version number from 1", name, v))
			return 0, false
		}
		return n, true
	}
	from, ok1 := version("from")
	to, ok2 := version("to")
	if !ok1 || !ok2 {
		return changesResult{}, nil, false
	}
	after, ok := s.reportAt(w, r, n, to)
	if !ok {
		return changesResult{}, nil, false
	}
	if from == 0 {
		from = after.Version - 1
	}
	if from < 1 || from == after.Version {
		s.fail(w, r, http.StatusBadRequest, fmt.Errorf("报告 %d 的第 %d 版没有可比较的另一版 report %d: no other version to compare version %d with (from=%d)",
			n, after.Version, n, after.Version, from))
		return changesResult{}, nil, false
	}
	before, ok := s.reportAt(w, r, n, from)
	if !ok {
		return changesResult{}, nil, false
	}
	return changesResult{ReportID: n, Title: after.Info.Title, From: before.Version, To: after.Version,
		RecordDiff: report.Diff(before.Record, after.Record)}, after, true
}

func (s *server) apiChanges(w http.ResponseWriter, r *http.Request) {
	if c, _, ok := s.loadChanges(w, r); ok {
		writeJSON(w, http.StatusOK, c)
	}
}

type changesPage struct {
	page
	C        changesResult
	D        *store.ReportDetail
	Fields   []report.FieldChange
	Cells    []cellChangeView
	FromURL  string
	ToURL    string
	NoChange bool
}

type cellChangeView struct {
	report.CellChange
	Label string
}

// changesTable is every change as one CSV line: what changed (field, cell or
// text), which, how the format names it, before and after.
func changesTable(c changesResult) ([]string, [][]string) {
	header := []string{"kind", "key", "label", "before", "after"}
	var rows [][]string
	for _, f := range c.Fields {
		rows = append(rows, []string{"field", f.Field, f.Field, f.Before, f.After})
	}
	for _, cell := range c.Cells {
		rows = append(rows, []string{"cell", cell.Ref, report.CellLabel(cell.Ref), cellText2(cell.Before, cell.BeforeKind), cellText2(cell.After, cell.AfterKind)})
	}
	for _, t := range c.Text {
		switch t.Op {
		case "-":
			rows = append(rows, []string{"text", "removed", "", t.Line, ""})
		case "+":
			rows = append(rows, []string{"text", "added", "", "", t.Line})
		}
	}
	return header, rows
}

// cellText2 is a printed cell in a change: its text, or what its kind says when
// the text is empty (a blank cell, a cell not printed).
func cellText2(raw, kind string) string {
	switch {
	case raw != "":
		return raw
	case kind == report.KindAbsent:
		return "（未印出 not printed）"
	case kind == report.KindBlank:
		return "（空白 blank）"
	}
	return raw
}

func (s *server) changesPage(w http.ResponseWriter, r *http.Request) {
	c, d, ok := s.loadChanges(w, r)
	if !ok {
		return
	}
	_, f := splitFormat(r.URL.Path)
	if sendData(w, f, c, fmt.Sprintf("report-%d-changes-%d-%d", c.ReportID, c.From, c.To), func() ([]string, [][]string) { return changesTable(c) }) {
		return
	}
	p := changesPage{page: page{Title: fmt.Sprintf("%s 第 %d → %d 版改动 changes", c.Title, c.From, c.To)}, C: c, D: d,
		Fields: c.Fields, FromURL: fmt.Sprintf("%s?version=%d", reportURL(c.ReportID), c.From), ToURL: fmt.Sprintf("%s?version=%d", reportURL(c.ReportID), c.To),
		NoChange: len(c.Fields)+len(c.Cells)+len(c.Text) == 0}
	for _, cell := range c.Cells {
		cell.Before, cell.After = cellText2(cell.Before, cell.BeforeKind), cellText2(cell.After, cell.AfterKind)
		p.Cells = append(p.Cells, cellChangeView{cell, report.CellLabel(cell.Ref)})
	}
	u := *r.URL
	u.Path = reportURL(c.ReportID) + "/changes.csv"
	csvURL := u.RequestURI()
	u.Path = reportURL(c.ReportID) + "/changes.json"
	p.Downloads = []link{{"CSV", csvURL}, {"JSON", u.RequestURI()}}
	s.render(w, r, http.StatusOK, "changes", p)
}
