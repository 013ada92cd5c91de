package web

import (
	"math"
	"strconv"

	"gongkai/report"
	"gongkai/store"
)

// figure is a number the compare and history pages show for a report: a sum of
// printed cells, or a rate of two sums.
type figure struct {
	Key     string
	Label   string // Chinese, as the pages name it
	English string
	// Rate figures divide Num by Den; other figures are the sum of Num.
	Rate bool
	Num  []string // cell references summed
	Den  []string
}

func t3(row string) string { return report.CellRef(report.T3, row, "total") }

// t3Group sums the total column of every table 3 row of an outcome group.
func t3Group(group string) []string {
	var refs []string
	for _, r := range report.Table3Rows {
		if r.Group == group {
			refs = append(refs, t3(r.Key.Key))
		}
	}
	return refs
}

var requestRefs = []string{t3("new_received"), t3("carried_over")}

// figures lists every figure in the order the pages offer them. The rates follow
// the definitions; 不予公开率 takes the same denominator as 实质公开率.
var figures = []figure{
	{Key: "disclosure_rate", Label: "实质公开率", English: "share granted in full or in part", Rate: true,
		Num: []string{t3("granted"), t3("partially_granted")}, Den: requestRefs},
	{Key: "withheld_rate", Label: "不予公开率", English: "share withheld", Rate: true,
		Num: t3Group(report.GroupWithheld), Den: requestRefs},
	{Key: "review_correction_rate", Label: "复议纠错率", English: "reviews corrected", Rate: true,
		Num: []string{report.CellRef(report.T4, "review", "corrected")}, Den: []string{report.CellRef(report.T4, "review", "total")}},
	{Key: "new_received", Label: "本年新收申请", English: "requests received", Num: []string{t3("new_received")}},
	{Key: "requests", Label: "申请数（新收＋上年结转）", English: "requests to handle", Num: requestRefs},
	{Key: "granted", Label: "予以公开", English: "granted", Num: []string{t3("granted")}},
	{Key: "partially_granted", Label: "部分公开", English: "partially granted", Num: []string{t3("partially_granted")}},
	{Key: "withheld", Label: "不予公开", English: "withheld", Num: t3Group(report.GroupWithheld)},
	{Key: "unable", Label: "无法提供", English: "unable to provide", Num: t3Group(report.GroupUnable)},
	{Key: "rejected", Label: "不予处理", English: "not handled", Num: t3Group(report.GroupRejected)},
	{Key: "review_total", Label: "行政复议总计", English: "administrative reviews", Num: []string{report.CellRef(report.T4, "review", "total")}},
	{Key: "review_corrected", Label: "行政复议结果纠正", English: "reviews corrected", Num: []string{report.CellRef(report.T4, "review", "corrected")}},
	{Key: "suits_total", Label: "行政诉讼总计", English: "lawsuits",
		Num: []string{report.CellRef(report.T4, "suit_direct", "total"), report.CellRef(report.T4, "suit_after_review", "total")}},
	{Key: "licensing_decisions", Label: "行政许可处理决定", English: "licensing decisions", Num: []string{report.CellRef(report.T2, "licensing", "decisions")}},
	{Key: "punishment_decisions", Label: "行政处罚处理决定", English: "penalty decisions", Num: []string{report.CellRef(report.T2, "punishment", "decisions")}},
}

func figureByKey(key string) (figure, bool) {
	for _, f := range figures {
		if f.Key == key {
			return f, true
		}
	}
	return figure{}, false
}

// allFigureRefs are the cells any figure reads.
var allFigureRefs = func() []string {
	seen := map[string]bool{}
	var out []string
	for _, f := range figures {
		for _, ref := range append(append([]string{}, f.Num...), f.Den...) {
			if !seen[ref] {
				seen[ref] = true
				out = append(out, ref)
			}
		}
	}
	return out
}()

// sum adds the printed cells among refs; ok is false when the report prints none.
func sum(cells map[string]float64, refs []string) (total float64, ok bool) {
	for _, ref := range refs {
		if v, printed := cells[ref]; printed {
			total += v
			ok = true
		}
	}
	return total, ok
}

// value is a figure's value for a report, or why there is none.
type value struct {
	V     float64
	OK    bool
	Note  string // why there is no value
	Ratio bool
}

// Reasons a figure has no value.
const (
	noteNotPrinted = "未印出 not printed"
	noteFew        = "申请数不足 too few requests"
	noteZero       = "分母为0 nothing to divide by"
)

// compute evaluates a figure on a report's cells. A rate needs at least minRequests
// requests (新收 + 上年结转), whatever its denominator: a rate over three requests
// says nothing about a department.
func (f figure) compute(cells map[string]float64, minRequests int) value {
	num, okN := sum(cells, f.Num)
	if !f.Rate {
		if !okN {
			return value{Note: noteNotPrinted}
		}
		return value{V: num, OK: true}
	}
	den, okD := sum(cells, f.Den)
	requests, okR := sum(cells, requestRefs)
	switch {
	case !okN || !okD || !okR:
		return value{Note: noteNotPrinted, Ratio: true}
	case requests < float64(minRequests):
		return value{Note: noteFew, Ratio: true}
	case den == 0:
		return value{Note: noteZero, Ratio: true}
	}
	return value{V: num / den, OK: true, Ratio: true}
}

// Text is the value as the pages and the CSV files print it: a rate as a
// percentage with one decimal, a count as a number.
func (v value) Text() string {
	switch {
	case !v.OK:
		return ""
	case v.Ratio:
		return strconv.FormatFloat(math.Round(v.V*1000)/10, 'f', 1, 64) + "%"
	}
	return strconv.FormatFloat(v.V, 'f', -1, 64)
}

// JSON is the value as the API gives it: a rate as a fraction, nil when not shown.
func (v value) JSON() *float64 {
	if !v.OK {
		return nil
	}
	x := v.V
	if v.Ratio {
		x = math.Round(x*1e6) / 1e6
	}
	return &x
}

// requestsOf is the report's requests (新收 + 上年结转), nil when it prints neither.
func requestsOf(rc store.ReportCells) *float64 {
	n, ok := sum(rc.Cells, requestRefs)
	if !ok {
		return nil
	}
	return &n
}
