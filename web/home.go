package web

import (
	"net/http"
	"sort"
	"strconv"
	"strings"

	"gongkai/store"
)

type homePage struct {
	page
	O store.Overview
	// Year is the year the leads ask about; Years those the archive holds.
	Year  int
	Years []int
	Leads []homeLead
	// Regions are the regions with the most reports, with their latest year.
	Regions     []regionRow
	MoreRegions int
	HasIndex    bool
}

// homeLead is a lead's first rows on the start page.
type homeLead struct {
	L     leadResult
	Table leadTable
}

// homeLeadRows is how many rows of each lead the start page shows.
const homeLeadRows = 5

type regionRow struct {
	place
	Reports    int
	LatestYear int
}

// homeRegions is how many regions the start page lists.
const homeRegions = 50

// regionRows counts the reports of each place (townships in their county), most
// reports first.
func regionRows(o store.Overview) []*regionRow {
	byRegion := map[string]*regionRow{}
	var rows []*regionRow
	for _, ry := range o.Regions {
		pl := placeOf(ry.RegionCode, ry.Region)
		row := byRegion[pl.Key]
		if row == nil {
			row = &regionRow{place: pl}
			byRegion[pl.Key] = row
			rows = append(rows, row)
		}
		row.Reports += ry.Reports
		row.LatestYear = max(row.LatestYear, ry.Year)
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].Reports > rows[j].Reports })
	return rows
}

func (s *server) home(w http.ResponseWriter, r *http.Request) {
	o, err := s.archiveOverview(r.Context())
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	rows := regionRows(o)
	p := homePage{page: page{Title: "政府信息公开年报档案 Archive"}, O: o, HasIndex: s.Index != nil}
	for i, row := range rows {
		if i == homeRegions {
			p.MoreRegions = len(rows) - i
			break
		}
		p.Regions = append(p.Regions, *row)
	}
	year, _, err := s.leadYear(r)
	if err != nil {
		s.failQuery(w, r, err)
		return
	}
	p.Year = year
	for _, y := range o.Years {
		if y.Year > 0 {
			p.Years = append(p.Years, y.Year)
		}
	}
	if year > 0 {
		d, err := s.leadData(r.Context(), year, "")
		if err != nil {
			s.fail(w, r, http.StatusInternalServerError, err)
			return
		}
		for _, l := range leads {
			res := d.result(l)
			p.Leads = append(p.Leads, homeLead{res, res.view(true)})
		}
	}
	s.render(w, r, http.StatusOK, "home", p)
}

// regionJSON is a row of /regions.json.
type regionJSON struct {
	Region     string `json:"region"`
	RegionCode string `json:"region_code"`
	Reports    int    `json:"reports"`
	LatestYear int    `json:"latest_year"`
}

// yearJSON is a row of /years.json.
type yearJSON struct {
	Year    int `json:"year"`
	Reports int `json:"reports"`
}

// overviewTable is /years and /regions: the start page's tables, whole, as CSV
// or JSON.
func (s *server) overviewTable(w http.ResponseWriter, r *http.Request) {
	name, f := splitFormat(strings.TrimPrefix(r.URL.Path, "/"))
	o, err := s.archiveOverview(r.Context())
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	var header []string
	var cells [][]string
	var rows any
	switch name {
	case "years":
		header = []string{"year", "reports"}
		list := []yearJSON{}
		for _, y := range o.Years {
			list = append(list, yearJSON{y.Year, y.Reports})
			cells = append(cells, []string{strconv.Itoa(y.Year), strconv.Itoa(y.Reports)})
		}
		rows = list
	default:
		header = []string{"region", "region_code", "reports", "latest_year"}
		list := []regionJSON{}
		for _, row := range regionRows(o) {
			list = append(list, regionJSON{row.Name, row.Code, row.Reports, row.LatestYear})
			cells = append(cells, []string{row.Name, row.Code, strconv.Itoa(row.Reports), strconv.Itoa(row.LatestYear)})
		}
		rows = list
	}
	if f == asJSON {
		writeJSON(w, http.StatusOK, rows)
		return
	}
	download(w, name, header, cells)
}
