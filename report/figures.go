package report

import (
	"math"
	"strconv"
)

// A figure is a number the archive shows for a report: a sum of printed cells, or
// a rate of two sums. The rates are the ones journalists and researchers quote:
//
//	实质公开率 disclosure_rate  = (予以公开 + 部分公开) ÷ (本年新收 + 上年结转)
//	不予公开率 withheld_rate    = Σ(三)不予公开 ÷ (本年新收 + 上年结转)
//	复议纠错率 review_correction_rate = 行政复议 结果纠正 ÷ 行政复议 总计
//
// A blank, dash or text cell counts as 0, as the spec says; a cell the report does
// not print leaves the sum out. This is the one definition the web pages, the
// leads and their downloads use.
type Figure struct {
	Key     string
	Label   string // Chinese, as the pages name it
	English string
	// Rate figures divide Num by Den; other figures are the sum of Num.
	Rate bool
	Num  []string // cell references summed
	Den  []string
}

func t3Total(row string) string { return CellRef(T3, row, "total") }

// t3Group sums the total column of every table 3 row of an outcome group.
func t3Group(group string) []string {
	var refs []string
	for _, r := range Table3Rows {
		if r.Group == group {
			refs = append(refs, t3Total(r.Key.Key))
		}
	}
	return refs
}

// RequestRefs are the requests a body had to handle: 本年新收 + 上年结转.
var RequestRefs = []string{t3Total("new_received"), t3Total("carried_over")}

// Figures lists every figure in the order the pages offer them. 不予公开率 takes
// the same denominator as 实质公开率.
var Figures = []Figure{
	{Key: "disclosure_rate", Label: "实质公开率", English: "share granted in full or in part", Rate: true,
		Num: []string{t3Total("granted"), t3Total("partially_granted")}, Den: RequestRefs},
	{Key: "withheld_rate", Label: "不予公开率", English: "share withheld", Rate: true,
		Num: t3Group(GroupWithheld), Den: RequestRefs},
	{Key: "review_correction_rate", Label: "复议纠错率", English: "reviews corrected", Rate: true,
		Num: []string{CellRef(T4, "review", "corrected")}, Den: []string{CellRef(T4, "review", "total")}},
	{Key: "new_received", Label: "本年新收申请", English: "requests received", Num: []string{t3Total("new_received")}},
	{Key: "requests", Label: "申请数（新收＋上年结转）", English: "requests to handle", Num: RequestRefs},
	{Key: "granted", Label: "予以公开", English: "granted", Num: []string{t3Total("granted")}},
	{Key: "partially_granted", Label: "部分公开", English: "partially granted", Num: []string{t3Total("partially_granted")}},
	{Key: "withheld", Label: "不予公开", English: "withheld", Num: t3Group(GroupWithheld)},
	{Key: "unable", Label: "无法提供", English: "unable to provide", Num: t3Group(GroupUnable)},
	{Key: "rejected", Label: "不予处理", English: "not handled", Num: t3Group(GroupRejected)},
	{Key: "review_total", Label: "行政复议总计", English: "administrative reviews", Num: []string{CellRef(T4, "review", "total")}},
	{Key: "review_corrected", Label: "行政复议结果纠正", English: "reviews corrected", Num: []string{CellRef(T4, "review", "corrected")}},
	{Key: "suits_total", Label: "行政诉讼总计", English: "lawsuits",
		Num: []string{CellRef(T4, "suit_direct", "total"), CellRef(T4, "suit_after_review", "total")}},
	{Key: "suits_corrected", Label: "行政诉讼结果纠正", English: "lawsuits lost (corrected)",
		Num: []string{CellRef(T4, "suit_direct", "corrected"), CellRef(T4, "suit_after_review", "corrected")}},
	{Key: "licensing_decisions", Label: "行政许可处理决定", English: "licensing decisions", Num: []string{CellRef(T2, "licensing", "decisions")}},
	{Key: "punishment_decisions", Label: "行政处罚处理决定", English: "penalty decisions", Num: []string{CellRef(T2, "punishment", "decisions")}},
}

// FigureByKey returns the figure with a key.
func FigureByKey(key string) (Figure, bool) {
	for _, f := range Figures {
		if f.Key == key {
			return f, true
		}
	}
	return Figure{}, false
}

// FigureRefs are the cells any figure reads.
var FigureRefs = func() []string {
	seen := map[string]bool{}
	var out []string
	for _, f := range Figures {
		for _, ref := range append(append([]string{}, f.Num...), f.Den...) {
			if !seen[ref] {
				seen[ref] = true
				out = append(out, ref)
			}
		}
	}
	return out
}()

// SumCells adds the printed cells among refs (cells by reference, a blank, dash or
// text cell as 0); ok is false when the report prints none of them.
func SumCells(cells map[string]float64, refs []string) (total float64, ok bool) {
	for _, ref := range refs {
		if v, printed := cells[ref]; printed {
			total += v
			ok = true
		}
	}
	return total, ok
}

// Value is a figure's value for a report, or why there is none.
type Value struct {
	V     float64
	OK    bool
	Note  string // why there is no value
	Ratio bool
}

// Reasons a figure has no value.
const (
	NoteNotPrinted = "未印出 not printed"
	NoteFew        = "申请数不足 too few requests"
	NoteZero       = "分母为0 nothing to divide by"
)

// Compute evaluates a figure on a report's cells. A rate needs at least
// minRequests requests (新收 + 上年结转), whatever its denominator: a rate over three
// requests says nothing about a department.
func (f Figure) Compute(cells map[string]float64, minRequests int) Value {
	num, okN := SumCells(cells, f.Num)
	if !f.Rate {
		if !okN {
			return Value{Note: NoteNotPrinted}
		}
		return Value{V: num, OK: true}
	}
	den, okD := SumCells(cells, f.Den)
	requests, okR := SumCells(cells, RequestRefs)
	switch {
	case !okN || !okD || !okR:
		return Value{Note: NoteNotPrinted, Ratio: true}
	case requests < float64(minRequests):
		return Value{Note: NoteFew, Ratio: true}
	case den == 0:
		return Value{Note: NoteZero, Ratio: true}
	}
	return Value{V: num / den, OK: true, Ratio: true}
}

// Text is the value as pages and CSV files print it: a rate as a percentage with
// one decimal, a count as a number.
func (v Value) Text() string {
	switch {
	case !v.OK:
		return ""
	case v.Ratio:
		return strconv.FormatFloat(math.Round(v.V*1000)/10, 'f', 1, 64) + "%"
	}
	return strconv.FormatFloat(v.V, 'f', -1, 64)
}

// JSON is the value as the API gives it: a rate as a fraction, nil when not shown.
func (v Value) JSON() *float64 {
	if !v.OK {
		return nil
	}
	x := v.V
	if v.Ratio {
		x = math.Round(x*1e6) / 1e6
	}
	return &x
}
