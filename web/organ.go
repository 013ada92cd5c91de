package web

import (
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"

	"gongkai/report"
	"gongkai/store"
)

// historyFigures are the columns of an organ's history, and historyChart the
// counts its line chart draws.
var (
	historyFigures = []string{"new_received", "requests", "granted", "partially_granted", "withheld", "review_total", "suits_total", "disclosure_rate", "withheld_rate"}
	historyChart   = []string{"new_received", "granted", "withheld", "review_total"}
)

// historyResult is /api/organs/{name}/history and /organs/{name}.json.
type historyResult struct {
	Organ       string       `json:"organ"`
	MinRequests int          `json:"min_requests"`
	Figures     []figureInfo `json:"figures"`
	Reports     []historyRow `json:"reports"`
}

type figureInfo struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	Rate  bool   `json:"rate"`
}

type historyRow struct {
	ReportID  int64  `json:"report_id"`
	Year      int    `json:"year"`
	Title     string `json:"title"`
	Published string `json:"published"`
	Format    string `json:"format"`
	// FailedChecks and Findings are the report's counts (store.ReportInfo).
	FailedChecks int `json:"failed_checks"`
	Findings     int `json:"findings"`
	// CopiedPrevious and CopiedPeers are the shares of the body found in the
	// body's previous report and in another body's report of the year.
	CopiedPrevious *float64 `json:"copied_previous"`
	CopiedPeers    *float64 `json:"copied_peers"`
	// Values are the figures in the order of Figures: a count, or a rate as a
	// fraction; null where the page shows none.
	Values []*float64 `json:"values"`
	texts  []string
	values []report.Value
}

// history reads an organ's reports; found is false when it has none.
func (s *server) history(r *http.Request, organ string) (historyResult, bool, error) {
	h := historyResult{Organ: organ, MinRequests: s.MinRequests, Reports: []historyRow{}}
	for _, key := range historyFigures {
		f, _ := report.FigureByKey(key)
		h.Figures = append(h.Figures, figureInfo{f.Key, f.Label, f.Rate})
	}
	reports, err := s.Store.ReportCells(r.Context(), store.CellQuery{Organ: organ, Refs: report.FigureRefs})
	if err != nil || len(reports) == 0 {
		return h, false, err
	}
	// By year: the store orders by region first, and an organ's region may be
	// printed differently from one year to the next.
	sort.SliceStable(reports, func(i, j int) bool { return reports[i].Year < reports[j].Year })
	h.Organ = reports[len(reports)-1].Organ // as the latest report prints it
	for _, rc := range reports {
		row := historyRow{ReportID: rc.ID, Year: rc.Year, Title: rc.Title, Published: rc.Published, Format: rc.Format,
			FailedChecks: rc.FailedChecks, Findings: rc.Findings, CopiedPrevious: rc.CopiedPrevious, CopiedPeers: rc.CopiedPeers}
		for _, key := range historyFigures {
			f, _ := report.FigureByKey(key)
			v := f.Compute(rc.Cells, s.MinRequests)
			row.values = append(row.values, v)
			row.Values = append(row.Values, v.JSON())
			row.texts = append(row.texts, v.Text())
		}
		h.Reports = append(h.Reports, row)
	}
	return h, true, nil
}

// historyTable is the history as the page and the CSV file show it.
func historyTable(h historyResult) ([]string, [][]string) {
	header := []string{"年度 year", "报告 report", "标题 title", "发布 published"}
	for _, f := range h.Figures {
		header = append(header, f.Label)
	}
	header = append(header, "未通过检查 failed checks", "线索 findings", "正文与上年相同 text as last year's", "与他机关相同 as another body's")
	var rows [][]string
	for _, r := range h.Reports {
		row := []string{strconv.Itoa(r.Year), strconv.FormatInt(r.ReportID, 10), r.Title, r.Published}
		row = append(row, r.texts...)
		rows = append(rows, append(row, strconv.Itoa(r.FailedChecks), strconv.Itoa(r.Findings), shareText(r.CopiedPrevious), shareText(r.CopiedPeers)))
	}
	return header, rows
}

// shareText is a copied-text share as tables print it: a percentage, marked ✗
// from the threshold; empty where the text was not compared.
func shareText(share *float64) string {
	switch {
	case share == nil:
		return ""
	case *share >= report.CopiedThreshold:
		return report.Percent(*share) + " ✗"
	}
	return report.Percent(*share)
}

func (s *server) loadHistory(w http.ResponseWriter, r *http.Request, name string) (historyResult, bool) {
	h, found, err := s.history(r, name)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return h, false
	}
	if !found {
		s.notFound(w, r, fmt.Sprintf("档案中没有机关 %q 的报告 No reports of %q", name, name))
		return h, false
	}
	return h, true
}

func (s *server) apiHistory(w http.ResponseWriter, r *http.Request) {
	if h, ok := s.loadHistory(w, r, r.PathValue("name")); ok {
		writeJSON(w, http.StatusOK, h)
	}
}

type organPageData struct {
	page
	Threshold string
	H         historyResult
	Header    []string
	Cells     [][]string
	Chart     lineChart
	ChartURL  string
}

func (s *server) organPage(w http.ResponseWriter, r *http.Request) {
	name, f := splitFormat(r.PathValue("name"))
	h, ok := s.loadHistory(w, r, name)
	if !ok {
		return
	}
	if sendData(w, f, h, "history-"+h.Organ, func() ([]string, [][]string) { return historyTable(h) }) {
		return
	}
	p := organPageData{page: page{Title: h.Organ + " 历年 history"}, Threshold: report.Percent(report.CopiedThreshold), H: h, Chart: organChart(h), ChartURL: organURL(name) + "/chart.svg"}
	p.Header, p.Cells = historyTable(h)
	p.Downloads = []link{{"CSV", withFormat(r, ".csv")}, {"JSON", withFormat(r, ".json")}, {"SVG", p.ChartURL + "?download=1"}}
	s.render(w, r, http.StatusOK, "organ", p)
}

// organChart draws the counts of historyChart over the years of the history; a
// year with two reports (one organ's reports are one per year) takes the first.
func organChart(h historyResult) lineChart {
	var years []int
	at := map[int]int{}
	for i, r := range h.Reports {
		if _, dup := at[r.Year]; !dup && r.Year > 0 {
			at[r.Year] = i
			years = append(years, r.Year)
		}
	}
	var names []string
	var values [][]float64
	var ok [][]bool
	for _, key := range historyChart {
		f, _ := report.FigureByKey(key)
		col := slices.Index(historyFigures, key)
		names = append(names, f.Label)
		vs := make([]float64, len(years))
		oks := make([]bool, len(years))
		for j, y := range years {
			v := h.Reports[at[y]].values[col]
			vs[j], oks[j] = v.V, v.OK
		}
		values = append(values, vs)
		ok = append(ok, oks)
	}
	return newLineChart(h.Organ+" 历年申请与复议 requests and reviews by year", years, names, values, ok)
}

func (s *server) organChart(w http.ResponseWriter, r *http.Request) {
	h, ok := s.loadHistory(w, r, r.PathValue("name"))
	if ok {
		s.renderSVG(w, r, "linefile", "history-"+h.Organ, organChart(h))
	}
}
