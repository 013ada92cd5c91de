package web

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"

	"gongkai/report"
	"gongkai/store"
)

// compareResult is the compare table: the bodies of one region in one year side
// by side on one figure. It is /api/compare and /compare.json; /compare.csv and
// the page show the same rows in the same order.
type compareResult struct {
	Region string `json:"region"` // the filter: a region code, or a name
	// RegionName is the region's full official name, when the filter names one.
	RegionName  string       `json:"region_name"`
	Year        int          `json:"year"`
	Figure      string       `json:"figure"`
	Label       string       `json:"label"`
	Rate        bool         `json:"rate"`
	MinRequests int          `json:"min_requests"`
	Order       string       `json:"order"`
	Rows        []compareRow `json:"rows"`
}

type compareRow struct {
	// Rank numbers the rows with a value, in the table's order.
	Rank       int    `json:"rank,omitempty"`
	ReportID   int64  `json:"report_id"`
	Organ      string `json:"organ"`
	Department string `json:"department"`
	Region     string `json:"region"`
	RegionCode string `json:"region_code"`
	// Value is a count, or a rate as a fraction; null where the page shows none,
	// and Note says why.
	Value     *float64 `json:"value"`
	ValueText string   `json:"value_text"`
	Requests  *float64 `json:"requests"`
	Note      string   `json:"note,omitempty"`
	// FailedChecks and Findings are the report's counts (store.ReportInfo).
	FailedChecks int `json:"failed_checks"`
	Findings     int `json:"findings"`
}

// compareQuery reads region, year, figure and order, filling in what is missing:
// the latest year, the region with the most reports in it, 实质公开率, descending.
func (s *server) compareQuery(r *http.Request) (compareResult, *store.Overview, error) {
	v := r.URL.Query()
	c := compareResult{Region: v.Get("region"), Figure: v.Get("figure"), Order: v.Get("order"), MinRequests: s.MinRequests}
	if c.Figure == "" {
		c.Figure = report.Figures[0].Key
	}
	f, ok := report.FigureByKey(c.Figure)
	if !ok {
		return c, nil, fmt.Errorf("%w: no figure %q", errBadQuery, c.Figure)
	}
	c.Label, c.Rate = f.Label, f.Rate
	switch c.Order {
	case "":
		c.Order = "desc"
	case "asc", "desc":
	default:
		return c, nil, fmt.Errorf("%w: order %q: asc or desc", errBadQuery, c.Order)
	}
	if y := v.Get("year"); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil || n < 1 {
			return c, nil, fmt.Errorf("%w: year %q", errBadQuery, y)
		}
		c.Year = n
	}
	var overview *store.Overview
	if c.Year == 0 || c.Region == "" {
		o, err := s.archiveOverview(r.Context())
		if err != nil {
			return c, nil, err
		}
		overview = &o
		if c.Year == 0 && len(o.Years) > 0 {
			c.Year = o.Years[0].Year
		}
		if c.Region == "" {
			// The region (townships counted in their county) with the most reports.
			counts := map[place]int{}
			for _, ry := range o.Regions {
				if pl := placeOf(ry.RegionCode, ry.Region); ry.Year == c.Year && pl.Name != "" {
					counts[pl] += ry.Reports
				}
			}
			best := 0
			for pl, n := range counts {
				if n > best || n == best && pl.Filter() < c.Region {
					c.Region, best = pl.Filter(), n
				}
			}
		}
	}
	c.RegionName = regionTitle(c.Region)
	return c, overview, nil
}

// compare fills in the rows: every report of the region and year, those with a
// value sorted by it, then those without, by name.
func (s *server) compare(r *http.Request, c *compareResult) error {
	f, _ := report.FigureByKey(c.Figure)
	c.Rows = []compareRow{}
	if c.Region == "" || c.Year == 0 {
		return nil
	}
	reports, err := s.Store.ReportCells(r.Context(), store.CellQuery{Years: []int{c.Year}, Region: c.Region, Refs: report.FigureRefs})
	if err != nil {
		return err
	}
	for _, rc := range reports {
		v := f.Compute(rc.Cells, s.MinRequests)
		row := compareRow{ReportID: rc.ID, Organ: rc.Organ, Department: rc.Department, Region: rc.Place(), RegionCode: rc.RegionCode,
			Value: v.JSON(), ValueText: v.Text(), Requests: requestsOf(rc), Note: v.Note, FailedChecks: rc.FailedChecks, Findings: rc.Findings}
		if v.OK {
			row.Note = ""
		}
		c.Rows = append(c.Rows, row)
	}
	sort.SliceStable(c.Rows, func(i, j int) bool {
		a, b := c.Rows[i], c.Rows[j]
		if (a.Value == nil) != (b.Value == nil) {
			return a.Value != nil
		}
		if a.Value != nil && *a.Value != *b.Value {
			if c.Order == "asc" {
				return *a.Value < *b.Value
			}
			return *a.Value > *b.Value
		}
		return a.Organ < b.Organ
	})
	rank := 0
	for i := range c.Rows {
		if c.Rows[i].Value != nil {
			rank++
			c.Rows[i].Rank = rank
		}
	}
	return nil
}

// loadCompare reads the request's comparison and computes it.
func (s *server) loadCompare(r *http.Request) (compareResult, *store.Overview, error) {
	c, o, err := s.compareQuery(r)
	if err == nil {
		err = s.compare(r, &c)
	}
	return c, o, err
}

func (s *server) apiCompare(w http.ResponseWriter, r *http.Request) {
	c, _, err := s.loadCompare(r)
	if err != nil {
		s.failQuery(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

// failQuery answers a query the user got wrong with 400, anything else with 500.
func (s *server) failQuery(w http.ResponseWriter, r *http.Request, err error) {
	status := http.StatusInternalServerError
	if searchStatus(err) == http.StatusBadRequest {
		status = http.StatusBadRequest
	}
	s.fail(w, r, status, err)
}

type comparePageData struct {
	page
	C        compareResult
	Header   []string
	Cells    [][]string // the table as shown, the same as the CSV file
	Rows     []compareRow
	Figures  []report.Figure
	Years    []int
	Regions  []place
	Chart    barChart
	HasChart bool
	ChartURL string
	Hidden   int // rows whose rate is not shown for too few requests
}

// compareTable is the table as the page and the CSV file show it.
func compareTable(c compareResult) ([]string, [][]string) {
	valueHead := c.Label
	header := []string{"排名 rank", "机关 organ", "部门 department", "地区 region", valueHead, "申请数 requests", "说明 note", "报告 report"}
	var rows [][]string
	for _, r := range c.Rows {
		rank := ""
		if r.Rank > 0 {
			rank = strconv.Itoa(r.Rank)
		}
		requests := ""
		if r.Requests != nil {
			requests = strconv.FormatFloat(*r.Requests, 'f', -1, 64)
		}
		rows = append(rows, []string{rank, r.Organ, r.Department, r.Region, r.ValueText, requests, r.Note, strconv.FormatInt(r.ReportID, 10)})
	}
	return header, rows
}

func (s *server) comparePage(w http.ResponseWriter, r *http.Request) {
	_, f := splitFormat(r.URL.Path)
	c, overview, err := s.loadCompare(r)
	if err != nil {
		s.failQuery(w, r, err)
		return
	}
	if sendData(w, f, c, fmt.Sprintf("compare-%s-%d-%s", c.Region, c.Year, c.Figure), func() ([]string, [][]string) { return compareTable(c) }) {
		return
	}
	if overview == nil {
		o, err := s.archiveOverview(r.Context())
		if err != nil {
			s.fail(w, r, http.StatusInternalServerError, err)
			return
		}
		overview = &o
	}
	p := comparePageData{page: page{Title: fmt.Sprintf("比较 Compare · %s %d %s", c.RegionName, c.Year, c.Label)}, C: c, Rows: c.Rows, Figures: report.Figures}
	p.Header, p.Cells = compareTable(c)
	for _, y := range overview.Years {
		if y.Year > 0 {
			p.Years = append(p.Years, y.Year)
		}
	}
	seen := map[string]bool{}
	for _, ry := range overview.Regions {
		if pl := placeOf(ry.RegionCode, ry.Region); ry.Year == c.Year && pl.Name != "" && !seen[pl.Key] {
			seen[pl.Key] = true
			p.Regions = append(p.Regions, pl)
		}
	}
	for _, row := range c.Rows {
		if row.Note == report.NoteFew {
			p.Hidden++
		}
	}
	p.Chart, p.HasChart = compareChart(c)
	p.ChartURL = "/compare/chart.svg?" + r.URL.RawQuery
	p.Downloads = []link{{"CSV", withFormat(r, ".csv")}, {"JSON", withFormat(r, ".json")}, {"SVG", p.ChartURL + "&download=1"}}
	s.render(w, r, http.StatusOK, "compare", p)
}

// compareChart draws the rows that have a value, in the table's order, each
// named by the shortest name that tells it from the others.
func compareChart(c compareResult) (barChart, bool) {
	var bodies []labelled
	var full, texts []string
	var values []float64
	for _, row := range c.Rows {
		if row.Value == nil {
			continue
		}
		bodies = append(bodies, labelled{row.Organ, row.Department, row.RegionCode})
		full = append(full, row.Organ)
		values = append(values, *row.Value)
		texts = append(texts, row.ValueText)
	}
	if len(values) == 0 {
		return barChart{}, false
	}
	return newBarChart(fmt.Sprintf("%s %d年度 %s", c.RegionName, c.Year, c.Label), chartLabels(bodies), full, values, texts, c.Rate), true
}

func (s *server) compareChart(w http.ResponseWriter, r *http.Request) {
	c, _, err := s.loadCompare(r)
	if err != nil {
		s.failQuery(w, r, err)
		return
	}
	chart, ok := compareChart(c)
	if !ok {
		chart = newBarChart(fmt.Sprintf("%s %d年度 %s：无数据 no data", c.RegionName, c.Year, c.Label), nil, nil, nil, nil, c.Rate)
	}
	s.renderSVG(w, r, "barfile", "compare-"+c.Region+"-"+strconv.Itoa(c.Year)+"-"+c.Figure, chart)
}
