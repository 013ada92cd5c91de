package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"gongkai/report"
	"gongkai/store"
)

// loadReport reads the report named by the {id} path value, at the version the
// version parameter names (the latest without one), answering 404 itself.
func (s *server) loadReport(w http.ResponseWriter, r *http.Request, id string) (*store.ReportDetail, bool) {
	n, ok := parseID(id)
	if !ok {
		s.notFound(w, r, fmt.Sprintf("没有编号为 %q 的报告 No report %q", id, id))
		return nil, false
	}
	version := 0
	if v := r.URL.Query().Get("version"); v != "" {
		version, _ = strconv.Atoi(v)
		if version < 1 {
			s.fail(w, r, http.StatusBadRequest, fmt.Errorf("version %q: 版本号是从 1 起的数字 a number from 1", v))
			return nil, false
		}
	}
	return s.reportAt(w, r, n, version)
}

// reportAt reads a version of a report (0: the latest), answering 404 itself.
func (s *server) reportAt(w http.ResponseWriter, r *http.Request, n int64, version int) (*store.ReportDetail, bool) {
	d, err := s.Store.ReportVersion(r.Context(), n, version)
	if errors.Is(err, store.ErrNotFound) && version != 0 {
		s.notFound(w, r, fmt.Sprintf("报告 %d 没有第 %d 版 Report %d has no version %d", n, version, n, version))
		return nil, false
	}
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r, fmt.Sprintf("没有编号为 %d 的报告 No report %d", n, n))
		return nil, false
	}
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return nil, false
	}
	return d, true
}

// reportJSON is /api/reports/{id}: the canonical record (with every cell as
// printed and the record's own checks) plus the archive's view of it.
type reportJSON struct {
	ID       int64  `json:"id"`
	Version  int    `json:"version"`
	StoredAt string `json:"stored_at"`
	URL      string `json:"url"`
	// Latest says whether this is the latest version; Versions lists them all,
	// each reachable with ?version=N, and what changed at /api/reports/{id}/changes.
	Latest   bool                `json:"latest"`
	Versions []store.VersionInfo `json:"versions"`
	*report.Record
	// Findings are the checks across reports; other_report_id names the report a
	// finding compared against.
	Findings []findingJSON `json:"findings"`
	Sources  []sourceJSON  `json:"sources"`
	// Unread are the documents the report links that could not be read, each
	// with its archived copy and what would read it.
	Unread     []unreadJSON       `json:"unread"`
	OtherYears []store.ReportInfo `json:"other_years"`
}

type findingJSON struct {
	Rule          string   `json:"rule"`
	OK            bool     `json:"ok"`
	Detail        string   `json:"detail"`
	Cells         []string `json:"cells,omitempty"`
	OtherReportID int64    `json:"other_report_id,omitempty"`
	// Share is copied_text's share of the body found word for word in the other
	// report, Threshold the share from which the finding holds.
	Share     *float64 `json:"share,omitempty"`
	Threshold *float64 `json:"threshold,omitempty"`
}

type unreadJSON struct {
	store.UnreadDocument
	Archive string `json:"archive"`
	Reader  string `json:"reader"`
	Install string `json:"install,omitempty"`
}

type sourceJSON struct {
	store.SourceInfo
	Archive string `json:"archive"` // where the server hands out the original bytes
}

func toReportJSON(d *store.ReportDetail) reportJSON {
	out := reportJSON{ID: d.Info.ID, Version: d.Version, StoredAt: d.StoredAt, URL: reportURL(d.Info.ID), Record: d.Record,
		Latest: d.Latest, Versions: d.Versions,
		Findings: []findingJSON{}, Sources: []sourceJSON{}, OtherYears: d.OtherYears}
	for _, f := range d.Findings {
		fj := findingJSON{Rule: f.Rule, OK: f.OK, Detail: f.Detail, Cells: f.Cells, OtherReportID: f.OtherReportID, Share: f.Share}
		if f.Share != nil {
			threshold := report.CopiedThreshold
			fj.Threshold = &threshold
		}
		out.Findings = append(out.Findings, fj)
	}
	for _, src := range d.Sources {
		out.Sources = append(out.Sources, sourceJSON{src, archiveURL(src.SHA256)})
	}
	out.Unread = []unreadJSON{}
	for _, u := range d.Unread {
		r := readerFor(u)
		out.Unread = append(out.Unread, unreadJSON{u, archiveURL(u.SHA256), r.En, r.Install})
	}
	if out.OtherYears == nil {
		out.OtherYears = []store.ReportInfo{}
	}
	return out
}

// followable is a URI as a link may point to it: http or https with a host,
// else "" (a file path, a javascript: URL from a hostile page).
func followable(uri string) string {
	if u, err := url.Parse(uri); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
		return u.String()
	}
	return ""
}

func reportURL(id int64) string       { return "/reports/" + strconv.FormatInt(id, 10) }
func archiveURL(sha256 string) string { return "/archive/" + sha256 }
func organURL(organ string) string    { return "/organs/" + url.PathEscape(store.NormaliseOrgan(organ)) }

func (s *server) apiReport(w http.ResponseWriter, r *http.Request) {
	d, ok := s.loadReport(w, r, r.PathValue("id"))
	if ok {
		writeJSON(w, http.StatusOK, toReportJSON(d))
	}
}

// cellView is a printed cell as the page shows it: its raw text, and the failed
// checks (by number) that involve it.
type cellView struct {
	Table, Row, Column    string
	RowLabel, ColumnLabel string
	Raw                   string
	Kind                  string // as the parser classed it, or "absent"
	Absent                bool   // the report does not print the cell at all
	Failed                []int
	IDs                   string // the failed checks' element ids, for aria-describedby
	// OCR is how OCR read the cell (nil: read from text); LeftOut marks a cell
	// the report prints whose figure OCR could not read surely.
	OCR     *ocrView
	LeftOut bool
}

// ocrView is where and how surely OCR read a cell.
type ocrView struct {
	Page       int
	Box        string // left,top,right,bottom in pixels of the page image as read
	Confidence int
	Unsure     bool // below sureConfidence: a figure worth checking against the scan
}

// sureConfidence is the engine's confidence from which the page does not point
// a figure out for checking: the digit pass reads clean digits at 90 and more.
const sureConfidence = 90

func (o *ocrView) String() string {
	return fmt.Sprintf("OCR 识别：第 %d 页，位置 %s，置信度 %d read by OCR: page %d, box %s, confidence %d", o.Page, o.Box, o.Confidence, o.Page, o.Box, o.Confidence)
}

// Class is the cell's class attribute: how the page marks it.
func (c cellView) Class() string {
	var cls []string
	switch {
	case len(c.Failed) > 0:
		cls = append(cls, "failed")
	case c.LeftOut:
		cls = append(cls, "leftout")
	case c.Absent:
		cls = append(cls, "absent")
	}
	if c.OCR != nil {
		cls = append(cls, "ocr")
		if c.OCR.Unsure {
			cls = append(cls, "unsure")
		}
	}
	return strings.Join(cls, " ")
}

func (c cellView) Title() string {
	var parts []string
	if len(c.Failed) > 0 {
		var ns []string
		for _, n := range c.Failed {
			ns = append(ns, "["+strconv.Itoa(n)+"]")
		}
		parts = append(parts, "未通过检查 failed check "+strings.Join(ns, " "))
	}
	switch {
	case c.LeftOut:
		parts = append(parts, "OCR 未能确认，已略去（见解析提示）left out: OCR could not read it surely (see the warnings)")
	case c.Absent:
		parts = append(parts, "未印出 not printed")
	}
	if c.OCR != nil {
		parts = append(parts, c.OCR.String())
	}
	return strings.Join(parts, "; ")
}

// labelCell is a header cell of table 3's stub, spanning rows or columns as the
// official format does.
type labelCell struct {
	Text             string
	Rowspan, Colspan int
}

type rowView struct {
	Key    string
	Labels []labelCell
	Cells  []cellView
}

type t2Section struct {
	Section string
	Heads   []string
	Rows    []rowView
}

type t3View struct {
	Orgs  []string // the 法人或其他组织 sub-columns
	Rows  []rowView
	Width int // columns of the applicant part
}

type checkView struct {
	N      int
	ID     string
	Rule   string
	Label  string
	Detail string
}

type findingView struct {
	Rule, Label, Detail string
	OK                  bool
	N                   int // its number among the marked failures, 0 if it marks no cell
	ID                  string
	Other               int64
	OtherURL            string
	OtherText           string // the report compared with: its body and year, or its title
	// Share is copied_text's share of the body found in the other report, as a
	// percentage, and Threshold the share from which the finding holds.
	Share, Threshold string
}

type sourceView struct {
	store.SourceInfo
	Link    string // the URL, when it may be followed (http or https)
	Archive string
}

type reportPage struct {
	page
	D        *store.ReportDetail
	Info     store.ReportInfo
	Rec      *report.Record
	OrganURL string
	Sources  []sourceView
	Table2   []t2Section
	Table3   *t3View
	Table4   []cellView
	Legacy   []legacyRow
	// Failed are the report's own checks that fail (its figures contradict
	// themselves); Findings the findings across reports, of which FindingsAgainst
	// hold against it (leads, not errors).
	Failed          []checkView
	Findings        []findingView
	FindingsAgainst int
	markedFindings  int
	ruleOf          map[int]string // the rule of each number marked on cells
	// CopiedNote is the copied-text threshold, when a finding shows a share.
	CopiedNote string
	// Passed counts the checks that hold; Unchecked are those that figures left
	// out of a scan kept from running, which are not passed.
	Passed     int
	Unchecked  []report.Unchecked
	Paragraphs []string
	OtherYears []store.ReportInfo
	Warnings   []string
	// Versions are the report's versions, each with its page and what changed
	// from the one before.
	Versions  []versionView
	LatestURL string
	// Unread are the attachments the report links that could not be read.
	Unread []unreadView
	// OCR sums up how the figures of a scan were read (nil for a report read
	// from text).
	OCR *ocrSummary
}

// ocrSummary is what a researcher needs to weigh a scan's figures: how many OCR
// read, how surely, and which to check against the scan.
type ocrSummary struct {
	Figures, LeftOut int
	Pages            []int
	MinConfidence    int
	Unsure           []ocrCell // figures read below sureConfidence
	Sure             int       // figures read at sureConfidence or more
}

// ocrCell is a figure read by OCR, named as the format prints it.
type ocrCell struct {
	Label, Raw string
	ocrView
}

func ocrOf(c report.Cell) *ocrView {
	if c.Read != report.ReadOCR {
		return nil
	}
	o := &ocrView{Page: c.Page, Confidence: c.Confidence, Unsure: c.Kind == report.KindNumber && c.Confidence < sureConfidence}
	var box []string
	for _, n := range c.Box {
		box = append(box, strconv.Itoa(n))
	}
	o.Box = strings.Join(box, ",")
	return o
}

func ocrSummaryOf(rec *report.Record) *ocrSummary {
	if rec.Medium != report.MediumScan {
		return nil
	}
	s := &ocrSummary{LeftOut: len(rec.LeftOut), MinConfidence: 100}
	for _, c := range rec.Cells {
		o := ocrOf(c)
		if o == nil || c.Kind != report.KindNumber {
			continue
		}
		s.Figures++
		s.MinConfidence = min(s.MinConfidence, o.Confidence)
		if !slices.Contains(s.Pages, o.Page) {
			s.Pages = append(s.Pages, o.Page)
		}
		if o.Unsure {
			s.Unsure = append(s.Unsure, ocrCell{Label: report.CellLabel(c.Ref()), Raw: c.Raw, ocrView: *o})
		}
	}
	slices.Sort(s.Pages)
	slices.SortStableFunc(s.Unsure, func(a, b ocrCell) int { return a.Confidence - b.Confidence })
	if s.Figures == 0 {
		s.MinConfidence = 0
	}
	s.Sure = s.Figures - len(s.Unsure)
	return s
}

type versionView struct {
	store.VersionInfo
	URL, ChangesURL string
	Current         bool
}

type legacyRow struct {
	Label  string
	Values []string
}

func (s *server) reportPage(w http.ResponseWriter, r *http.Request) {
	id, f := splitFormat(r.PathValue("id"))
	d, ok := s.loadReport(w, r, id)
	if !ok {
		return
	}
	if f == asJSON {
		writeJSON(w, http.StatusOK, toReportJSON(d))
		return
	}
	p := buildReportPage(d)
	if f == asCSV {
		header, rows := reportCSV(p)
		download(w, fmt.Sprintf("report-%d-cells", d.Info.ID), header, rows)
		return
	}
	p.Downloads = []link{{"CSV", withFormat(r, ".csv")}, {"JSON", withFormat(r, ".json")}}
	s.render(w, r, http.StatusOK, "report", p)
}

// ruleLabels say in words what each check and finding compares, by rule or by
// the rule's part before the colon.
var ruleLabels = map[string]string{
	"copied_text:previous": "文字雷同：正文与本机关上一年度报告逐字相同的比例 body text found in the body's previous report",
	"copied_text:peers":    "文字雷同：正文与其他机关同年报告逐字相同的最高比例 body text found in another body's report of the year",
	"sources_disagree":     "同一报告的网页与附件数字不一致 the page and its attachment print different figures",
	"t3_balance":           "表三勾稽：新收＋上年结转＝办理总计＋结转下年",
	"t3_row_total":         "表三行合计：总计＝各类申请人之和",
	"t3_outcomes":          "表三办理结果：总计＝各项结果之和",
	"t4_sum":               "表四合计：总计＝维持＋纠正＋其他＋尚未审结",
	"carry_chain":          "跨年衔接：上年结转＝上年报告的结转下年度",
	"in_force_chain":       "跨年衔接：现行有效件数＝上年现行有效＋制发－废止",
	"timeliness":           "按时发布（2018年度及以前：2008 条例 第三十一条，3月31日前；2019年度起：2019 条例 第四十九条，部门1月31日、政府3月31日前）",
}

func ruleLabel(rule string) string {
	if l, ok := ruleLabels[rule]; ok {
		return l
	}
	base, _, _ := strings.Cut(rule, ":")
	return ruleLabels[base]
}

func buildReportPage(d *store.ReportDetail) reportPage {
	rec := d.Record
	p := reportPage{page: page{Title: d.Info.Title}, D: d, Info: d.Info, Rec: rec, OtherYears: d.OtherYears, Warnings: rec.Warnings}
	if p.Title == "" {
		p.Title = fmt.Sprintf("报告 %d", d.Info.ID)
	}
	if d.Info.Organ != "" {
		p.OrganURL = organURL(d.Info.Organ)
	}
	for i, v := range d.Versions {
		vv := versionView{VersionInfo: v, URL: fmt.Sprintf("%s?version=%d", reportURL(d.Info.ID), v.Version), Current: v.Version == d.Version}
		if v.Latest {
			vv.URL = reportURL(d.Info.ID)
		}
		if i > 0 {
			vv.ChangesURL = changesURL(d.Info.ID, d.Versions[i-1].Version, v.Version)
		}
		p.Versions = append(p.Versions, vv)
	}
	if !d.Latest {
		p.LatestURL = reportURL(d.Info.ID)
	}
	for _, src := range d.Sources {
		p.Sources = append(p.Sources, sourceView{SourceInfo: src, Archive: archiveURL(src.SHA256), Link: followable(src.URI)})
	}
	p.Unread = unreadViews(d.Unread)
	// Number the failed checks and the findings against the report that involve its
	// own cells; mark each cell with the numbers of those that involve it.
	marks := map[string][]int{}
	rules := map[int]string{}
	tally := report.TallyChecks(rec)
	p.Passed, p.Unchecked = tally.Passed, tally.Unchecked
	for _, c := range rec.Checks {
		if c.OK {
			continue
		}
		cv := checkView{N: len(p.Failed) + 1, Rule: c.Rule, Label: ruleLabel(c.Rule), Detail: report.LabelledDetail(c.Rule, c.Detail)}
		cv.ID = "check-" + strconv.Itoa(cv.N)
		rules[cv.N] = c.Rule
		for _, ref := range c.Cells {
			marks[ref] = append(marks[ref], cv.N)
		}
		p.Failed = append(p.Failed, cv)
	}
	for _, f := range d.Findings {
		fv := findingView{Rule: f.Rule, Label: ruleLabel(f.Rule), Detail: report.LabelledDetail(f.Rule, f.Detail), OK: f.OK, Other: f.OtherReportID}
		if f.OtherReportID != 0 {
			fv.OtherURL = reportURL(f.OtherReportID)
			fv.OtherText = fmt.Sprintf("报告 %d", f.OtherReportID)
			if o, ok := d.Compared[f.OtherReportID]; ok {
				fv.OtherText = fmt.Sprintf("%s %d 年度", o.Organ, o.Year)
			}
		}
		if f.Share != nil {
			fv.Share, fv.Threshold = report.Percent(*f.Share), report.Percent(report.CopiedThreshold)
			p.CopiedNote = fv.Threshold
		}
		if !f.OK {
			own := false
			for _, ref := range f.Cells {
				if !strings.Contains(ref, ":") { // REPORT_ID:ref is another report's cell
					own = true
				}
			}
			if own {
				// Numbered after the failed checks, so that a cell's marks name both.
				fv.N = len(p.Failed) + p.markedFindings + 1
				fv.ID = "check-" + strconv.Itoa(fv.N)
				p.markedFindings++
				for _, ref := range f.Cells {
					if !strings.Contains(ref, ":") {
						marks[ref] = append(marks[ref], fv.N)
					}
				}
			}
			p.FindingsAgainst++
			rules[fv.N] = f.Rule
		}
		p.Findings = append(p.Findings, fv)
	}
	leftOut := map[string]bool{}
	for _, ref := range rec.LeftOut {
		leftOut[ref] = true
	}
	p.OCR = ocrSummaryOf(rec)
	cells := map[string]report.Cell{}
	for _, c := range rec.Cells {
		if _, dup := cells[c.Ref()]; !dup {
			cells[c.Ref()] = c
		}
	}
	cell := func(table string, row, col report.Key) cellView {
		ref := report.CellRef(table, row.Key, col.Key)
		c, ok := cells[ref]
		cv := cellView{Table: table, Row: row.Key, Column: col.Key, RowLabel: row.Label, ColumnLabel: col.Label,
			Raw: c.Raw, Kind: c.Kind, Absent: !ok, Failed: marks[ref], OCR: ocrOf(c)}
		if !ok {
			cv.Kind = "absent"
			if leftOut[ref] {
				cv.Kind, cv.LeftOut = "left_out", true
			}
		}
		var ids []string
		for _, n := range cv.Failed {
			ids = append(ids, "check-"+strconv.Itoa(n))
		}
		cv.IDs = strings.Join(ids, " ")
		return cv
	}
	p.ruleOf = rules
	p.Table2 = table2View(rec, cell)
	p.Table3 = table3View(rec, cell)
	if rec.Table4 != nil || hasTable(rec, report.T4) {
		for _, g := range report.Table4Groups {
			for _, c := range report.Table4Columns {
				p.Table4 = append(p.Table4, cell(report.T4, g, c))
			}
		}
	}
	p.Legacy = legacyView(rec.LegacyFigures)
	for _, line := range strings.Split(rec.Text, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			p.Paragraphs = append(p.Paragraphs, line)
		}
	}
	return p
}

// leftOutRow says whether OCR left out a cell of the row: the report prints the
// row, and the page shows it with its unknown figures.
func leftOutRow(rec *report.Record, table, row string) bool {
	prefix := report.CellRef(table, row, "")
	return slices.ContainsFunc(rec.LeftOut, func(ref string) bool { return strings.HasPrefix(ref, prefix) })
}

func hasTable(rec *report.Record, table string) bool {
	return slices.ContainsFunc(rec.Cells, func(c report.Cell) bool { return c.Table == table })
}

// cellFunc makes the view of a cell from its table and the keys (with the printed
// labels) of its row and column.
type cellFunc func(table string, row, col report.Key) cellView

func table2View(rec *report.Record, cell cellFunc) []t2Section {
	var out []t2Section
	for _, row := range report.Table2RowsFor(rec.Format) {
		if _, ok := rec.Table2[row.Key.Key]; !ok && !leftOutRow(rec, report.T2, row.Key.Key) {
			continue
		}
		if len(out) == 0 || out[len(out)-1].Section != row.Section || len(out[len(out)-1].Heads) != len(row.Fields) {
			sec := t2Section{Section: row.Section}
			for _, f := range row.Fields {
				sec.Heads = append(sec.Heads, f.Label)
			}
			out = append(out, sec)
		}
		rv := rowView{Key: row.Key.Key, Labels: []labelCell{{Text: row.Key.Label, Rowspan: 1, Colspan: 1}}}
		for _, f := range row.Fields {
			rv.Cells = append(rv.Cells, cell(report.T2, row.Key, f))
		}
		out[len(out)-1].Rows = append(out[len(out)-1].Rows, rv)
	}
	return out
}

// table3View lays table 3 out as the official format does: a stub of three
// columns, where 三、本年度办理结果 spans the outcome rows and each outcome group's
// heading spans its rows.
func table3View(rec *report.Record, cell cellFunc) *t3View {
	if rec.Table3 == nil {
		return nil
	}
	cols := slices.Clone(report.Table3Columns)
	for _, row := range rec.Table3 {
		if _, ok := row[report.ColOrgSubtotal]; ok {
			cols = slices.Insert(cols, 6, report.Key{Key: report.ColOrgSubtotal, Label: "小计"})
			break
		}
	}
	v := &t3View{Width: len(cols)}
	for _, c := range cols[1 : len(cols)-1] {
		v.Orgs = append(v.Orgs, c.Label)
	}
	var rows []report.Table3Row
	for _, row := range report.Table3RowsFor(rec.Format) {
		if _, ok := rec.Table3[row.Key.Key]; ok || leftOutRow(rec, report.T3, row.Key.Key) {
			rows = append(rows, row)
		}
	}
	isOutcome := func(key string) bool {
		switch key {
		case "new_received", "carried_over", "carried_forward":
			return false
		}
		return true
	}
	outcomes, groupSize := 0, map[string]int{}
	for _, row := range rows {
		if isOutcome(row.Key.Key) {
			outcomes++
		}
		groupSize[row.Group]++
	}
	outcomeStarted, groupStarted := false, map[string]bool{}
	for _, row := range rows {
		rv := rowView{Key: row.Key.Key}
		switch {
		case !isOutcome(row.Key.Key):
			rv.Labels = []labelCell{{Text: row.Key.Label, Rowspan: 1, Colspan: 3}}
		default:
			if !outcomeStarted {
				rv.Labels = append(rv.Labels, labelCell{Text: "三、本年度办理结果", Rowspan: outcomes, Colspan: 1})
				outcomeStarted = true
			}
			if row.Group == "" {
				rv.Labels = append(rv.Labels, labelCell{Text: row.Key.Label, Rowspan: 1, Colspan: 2})
				break
			}
			if !groupStarted[row.Group] {
				rv.Labels = append(rv.Labels, labelCell{Text: report.GroupHeadings[row.Group], Rowspan: groupSize[row.Group], Colspan: 1})
				groupStarted[row.Group] = true
			}
			rv.Labels = append(rv.Labels, labelCell{Text: row.Key.Label, Rowspan: 1, Colspan: 1})
		}
		label := row.Key
		if h := report.GroupHeadings[row.Group]; h != "" {
			label.Label = h + " " + label.Label
		}
		for _, c := range cols {
			rv.Cells = append(rv.Cells, cell(report.T3, label, c))
		}
		v.Rows = append(v.Rows, rv)
	}
	return v
}

func legacyView(figures map[string]map[string]any) []legacyRow {
	var out []legacyRow
	for label, fields := range figures {
		lr := legacyRow{Label: label}
		keys := make([]string, 0, len(fields))
		for k := range fields {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			lr.Values = append(lr.Values, fmt.Sprintf("%s %v", k, fields[k]))
		}
		out = append(out, lr)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Label < out[j].Label })
	return out
}

// reportCSV is the report's tables as the page shows them, one line per cell in
// the page's order: table, row and column with their printed labels, the cell as
// printed (kind "absent" where the report prints no such cell, "left_out" where
// OCR could not read it surely), the rules of the failed checks marked on it, and
// for a cell read by OCR its page, box and confidence.
func reportCSV(p reportPage) ([]string, [][]string) {
	header := []string{"table", "row_key", "row_label", "column_key", "column_label", "raw", "kind", "failed_checks", "read", "page", "box", "confidence"}
	rules := p.ruleOf
	var rows [][]string
	add := func(cells []cellView) {
		for _, c := range cells {
			var failed []string
			for _, n := range c.Failed {
				failed = append(failed, rules[n])
			}
			row := []string{c.Table, c.Row, c.RowLabel, c.Column, c.ColumnLabel, c.Raw, c.Kind, strings.Join(failed, " "), "", "", "", ""}
			if c.OCR != nil {
				copy(row[8:], []string{report.ReadOCR, strconv.Itoa(c.OCR.Page), "[" + c.OCR.Box + "]", strconv.Itoa(c.OCR.Confidence)})
			}
			rows = append(rows, row)
		}
	}
	for _, sec := range p.Table2 {
		for _, r := range sec.Rows {
			add(r.Cells)
		}
	}
	if p.Table3 != nil {
		for _, r := range p.Table3.Rows {
			add(r.Cells)
		}
	}
	add(p.Table4)
	return header, rows
}
