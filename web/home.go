package web

import (
	"net/http"
	"sort"

	"gongkai/store"
)

type homePage struct {
	page
	O store.Overview
	// Regions are the regions with the most reports, with their latest year.
	Regions     []regionRow
	MoreRegions int
	HasIndex    bool
}

type regionRow struct {
	place
	Reports    int
	LatestYear int
}

// homeRegions is how many regions the start page lists.
const homeRegions = 50

func (s *server) home(w http.ResponseWriter, r *http.Request) {
	o, err := s.archiveOverview(r.Context())
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
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
	p := homePage{page: page{Title: "政府信息公开年报档案 Archive"}, O: o, HasIndex: s.Index != nil}
	for i, row := range rows {
		if i == homeRegions {
			p.MoreRegions = len(rows) - i
			break
		}
		p.Regions = append(p.Regions, *row)
	}
	s.render(w, r, http.StatusOK, "home", p)
}
