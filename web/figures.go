package web

import (
	"gongkai/report"
	"gongkai/store"
)

// requestsOf is the report's requests (新收 + 上年结转), nil when it prints neither.
func requestsOf(rc store.ReportCells) *float64 {
	n, ok := report.SumCells(rc.Cells, report.RequestRefs)
	if !ok {
		return nil
	}
	return &n
}
