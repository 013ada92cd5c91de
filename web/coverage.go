package web

import (
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"

	"gongkai/store"
)

// coverageResult says, per region, which bodies published a report for the year
// and which published one for the year before but none for this year. It is
// /api/coverage and /coverage.json.
type coverageResult struct {
	Region  string           `json:"region"` // the filter: a region name or code prefix, or "" for all
	Year    int              `json:"year"`
	Regions []coverageRegion `json:"regions"`
}

type coverageRegion struct {
	Region     string          `json:"region"`
	RegionCode string          `json:"region_code"`
	Published  []coverageOrgan `json:"published"`
	Missing    []coverageOrgan `json:"missing"`
}

type coverageOrgan struct {
	Organ            string `json:"organ"`
	Department       string `json:"department"`
	ReportID         int64  `json:"report_id,omitempty"`           // this year's report
	LastYearReportID int64  `json:"last_year_report_id,omitempty"` // last year's report
}

func (s *server) coverageQuery(r *http.Request) (coverageResult, error) {
	v := r.URL.Query()
	c := coverageResult{Region: v.Get("region"), Regions: []coverageRegion{}}
	if y := v.Get("year"); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil || n < 1 {
			return c, fmt.Errorf("%w: year %q", errBadQuery, y)
		}
		c.Year = n
	} else {
		o, err := s.archiveOverview(r.Context())
		if err != nil {
			return c, err
		}
		if len(o.Years) > 0 {
			c.Year = o.Years[0].Year
		}
	}
	return c, nil
}

func (s *server) coverage(r *http.Request, c *coverageResult) error {
	if c.Year == 0 {
		return nil
	}
	reports, err := s.Store.ReportCells(r.Context(), store.CellQuery{Years: []int{c.Year - 1, c.Year}, Region: c.Region})
	if err != nil {
		return err
	}
	type organYears struct {
		this, last *store.ReportCells
	}
	organs := map[string]*organYears{}
	var order []string
	for i := range reports {
		rc := &reports[i]
		key := store.OrganKey(rc.Organ) // one body, however each year's title spells it
		if key == "" {
			continue // a report whose body is unknown cannot be followed across years
		}
		oy := organs[key]
		if oy == nil {
			oy = &organYears{}
			organs[key] = oy
			order = append(order, key)
		}
		if rc.Year == c.Year {
			oy.this = rc
		} else {
			oy.last = rc
		}
	}
	regions := map[string]*coverageRegion{}
	for _, key := range order {
		oy := organs[key]
		rc := oy.this
		if rc == nil {
			rc = oy.last
		}
		// 天元区 and 株洲市天元区 are one region, and its townships are in it.
		pl := placeOf(rc.RegionCode, rc.Region)
		reg := regions[pl.Key]
		if reg == nil {
			reg = &coverageRegion{Region: pl.Name, RegionCode: pl.Code, Published: []coverageOrgan{}, Missing: []coverageOrgan{}}
			regions[pl.Key] = reg
		}
		co := coverageOrgan{Organ: rc.Organ, Department: rc.Department}
		if oy.last != nil {
			co.LastYearReportID = oy.last.ID
		}
		if oy.this != nil {
			co.ReportID = oy.this.ID
			reg.Published = append(reg.Published, co)
		} else {
			reg.Missing = append(reg.Missing, co)
		}
	}
	for _, reg := range regions {
		for _, list := range [][]coverageOrgan{reg.Published, reg.Missing} {
			sort.Slice(list, func(i, j int) bool { return list[i].Organ < list[j].Organ })
		}
		c.Regions = append(c.Regions, *reg)
	}
	sort.Slice(c.Regions, func(i, j int) bool { return c.Regions[i].Region < c.Regions[j].Region })
	return nil
}

func (s *server) apiCoverage(w http.ResponseWriter, r *http.Request) {
	c, err := s.coverageQuery(r)
	if err == nil {
		err = s.coverage(r, &c)
	}
	if err != nil {
		s.failQuery(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

// Statuses of a body in the coverage table.
const (
	statusPublished = "已发布 published"
	statusMissing   = "未发布（上年已发布）missing"
)

// coverageTable is the coverage as the page and the CSV file show it: per region,
// the bodies that published, then those missing.
func coverageTable(c coverageResult) ([]string, [][]string) {
	header := []string{"地区 region", "机关 organ", "状态 status", strconv.Itoa(c.Year) + " 报告 report", strconv.Itoa(c.Year-1) + " 报告 report"}
	var rows [][]string
	id := func(n int64) string {
		if n == 0 {
			return ""
		}
		return strconv.FormatInt(n, 10)
	}
	for _, reg := range c.Regions {
		for _, o := range reg.Published {
			rows = append(rows, []string{reg.Region, o.Organ, statusPublished, id(o.ReportID), id(o.LastYearReportID)})
		}
		for _, o := range reg.Missing {
			rows = append(rows, []string{reg.Region, o.Organ, statusMissing, id(o.ReportID), id(o.LastYearReportID)})
		}
	}
	return header, rows
}

type coveragePageData struct {
	page
	C      coverageResult
	Header []string
	Cells  [][]string
	// Matrix counts reports per region (rows) and year (Years), for the regions
	// the filter selects.
	Years      []int
	Matrix     []matrixRow
	MoreMatrix int
	Published  int
	Missing    int
}

type matrixRow struct {
	Region string
	Filter string // the region's code, for links
	Counts []int
}

// matrixRows is how many regions the year-by-region table lists.
const matrixRows = 100

func (s *server) coveragePage(w http.ResponseWriter, r *http.Request) {
	_, f := splitFormat(r.URL.Path)
	c, err := s.coverageQuery(r)
	if err == nil {
		err = s.coverage(r, &c)
	}
	if err != nil {
		s.failQuery(w, r, err)
		return
	}
	if sendData(w, f, c, fmt.Sprintf("coverage-%s-%d", c.Region, c.Year), func() ([]string, [][]string) { return coverageTable(c) }) {
		return
	}
	o, err := s.archiveOverview(r.Context())
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	title := fmt.Sprintf("覆盖 Coverage · %d", c.Year)
	if c.Region != "" {
		title += " · " + regionTitle(c.Region)
	}
	p := coveragePageData{page: page{Title: title}, C: c}
	p.Header, p.Cells = coverageTable(c)
	for _, reg := range c.Regions {
		p.Published += len(reg.Published)
		p.Missing += len(reg.Missing)
	}
	for i := len(o.Years) - 1; i >= 0; i-- {
		if o.Years[i].Year > 0 {
			p.Years = append(p.Years, o.Years[i].Year)
		}
	}
	rows := map[string]*matrixRow{}
	var order []string
	for _, ry := range o.Regions {
		pl := placeOf(ry.RegionCode, ry.Region)
		if pl.Name == "" || !matchesRegion(ry, c.Region) {
			continue
		}
		mr := rows[pl.Key]
		if mr == nil {
			mr = &matrixRow{Region: pl.Name, Filter: pl.Filter(), Counts: make([]int, len(p.Years))}
			rows[pl.Key] = mr
			order = append(order, pl.Key)
		}
		if i := slices.Index(p.Years, ry.Year); i >= 0 {
			mr.Counts[i] += ry.Reports
		}
	}
	for i, region := range order {
		if i == matrixRows {
			p.MoreMatrix = len(order) - i
			break
		}
		p.Matrix = append(p.Matrix, *rows[region])
	}
	p.Downloads = []link{{"CSV", withFormat(r, ".csv")}, {"JSON", withFormat(r, ".json")}}
	s.render(w, r, http.StatusOK, "coverage", p)
}
