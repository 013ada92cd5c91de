package testsite

import (
	"math/rand/v2"
	"sort"
	"strconv"

	"gongkai/report"
)

// orgSize sets the scale of an organ's figures: most organs receive a handful of
// requests a year, the government itself and a busy bureau many more.
type orgSize int

const (
	sizeTown orgSize = iota
	sizeDept
	sizeGov
	sizeBusy
)

// profile says how big an organ is and which decisions it takes, so that a township
// prints no licences and a health bureau prints penalties.
type profile struct {
	size       orgSize
	licensing  bool
	punishment bool
	fees       bool
}

// fault is a deliberate error in a report's printed figures.
type fault int

const (
	faultNone     fault = iota
	faultRowTotal       // a row's 总计 is one more than its applicant columns
	faultBalance        // 结转下年度 of 自然人 does not balance
	faultTable4         // 行政复议 总计 is not the sum of its results
)

// sheet is a report's statistical tables twice: as the record holds them (a blank
// counts as 0) and as printed, under the same row and column keys.
type sheet struct {
	format     string
	t2         report.Table2
	t3         report.Table3
	t4         report.Table4
	p2, p3, p4 map[string]map[string]string
	// amountUnit is the unit table 2 prints in the 采购总金额 header ("" when none).
	amountUnit string
	failed     []string
}

// zeroMarks are the ways reports print a zero: mostly 0, sometimes a blank cell, a
// slash, a dash or 无. The text-ish styles never print blank cells, because with one
// cell per line a blank cell leaves no trace.
var zeroMarks = []string{"0", "0", "0", "0", "", "/", "—", "无"}

// figureMaker draws one report's figures.
type figureMaker struct {
	r      *rand.Rand
	zero   string // how this report prints a zero figure
	zeroT2 string // how it prints the 规章 row, which a county never fills
	idle   bool   // every figure 0 and printed blank, as township reports often are
}

func newFigureMaker(r *rand.Rand, textual, idle bool) *figureMaker {
	f := &figureMaker{r: r, zero: zeroMarks[r.IntN(len(zeroMarks))], idle: idle}
	f.zeroT2 = []string{"0", "/", "—", f.zero}[r.IntN(4)]
	if idle {
		f.zero, f.zeroT2 = "", ""
	}
	if textual {
		if f.zero == "" {
			f.zero = "0"
		}
		if f.zeroT2 == "" {
			f.zeroT2 = "/"
		}
	}
	return f
}

// draw returns a small count around mean, zero more often than not for small means.
func (f *figureMaker) draw(mean float64) int64 {
	if f.idle {
		return 0
	}
	return int64(f.r.ExpFloat64() * mean)
}

func (f *figureMaker) print(v int64) string {
	if v == 0 {
		return f.zero
	}
	return strconv.FormatInt(v, 10)
}

// applicantMeans are the mean new requests per applicant column, by organ size:
// natural persons dominate, research bodies almost never ask.
var applicantMeans = map[orgSize][6]float64{
	sizeTown: {1.2, 0.2, 0, 0.03, 0.1, 0.1},
	sizeDept: {7, 1.5, 0.05, 0.15, 0.8, 0.6},
	sizeGov:  {45, 8, 0.3, 0.8, 4, 3},
	sizeBusy: {620, 95, 2, 6, 30, 18},
}

// outcomeWeights share handled requests among the outcome rows of table 3; the
// 2019 format has the single row other_total where 2021 has three.
var outcomeWeights = []struct {
	row    string
	weight float64
	only   string
}{
	{"granted", 50, ""},
	{"partially_granted", 8, ""},
	{"withheld_state_secret", 0.3, ""},
	{"withheld_law_prohibited", 0.5, ""},
	{"withheld_three_safety", 0.3, ""},
	{"withheld_third_party", 2, ""},
	{"withheld_internal_affairs", 1.5, ""},
	{"withheld_process_info", 2, ""},
	{"withheld_enforcement_file", 0.5, ""},
	{"withheld_admin_query", 0.6, ""},
	{"unable_not_held", 15, ""},
	{"unable_need_creation", 3, ""},
	{"unable_unclear", 3, ""},
	{"rejected_petition", 3, ""},
	{"rejected_duplicate", 2, ""},
	{"rejected_publication", 1, ""},
	{"rejected_mass_repeat", 0.5, ""},
	{"rejected_confirmation", 1, ""},
	{"other_overdue_correction", 2, report.Format2021},
	{"other_unpaid_fee", 0.2, report.Format2021},
	{"other_misc", 3, report.Format2021},
	{"other_total", 5, report.Format2019},
}

// makeSheet draws a report's figures, consistent with every accounting identity,
// then applies the fault, if any, to the printed and recorded figures alike.
func makeSheet(f *figureMaker, format string, p profile, flt fault) *sheet {
	s := &sheet{format: format, p2: map[string]map[string]string{}, p3: map[string]map[string]string{}, p4: map[string]map[string]string{}}
	if f.idle {
		p = profile{size: p.size}
	}
	s.makeTable2(f, p)
	s.makeTable3(f, p.size)
	s.makeTable4(f, p.size)
	if flt != faultNone {
		// Drawn figures satisfy every identity (TestTruthIdentities checks it);
		// only a fault makes checks fail, and these name which.
		s.applyFault(flt)
		rec := &report.Record{Format: format, Table3: s.t3, Table4: s.t4}
		for _, c := range report.ComputeChecks(rec) {
			if !c.OK {
				s.failed = append(s.failed, c.Rule)
			}
		}
	}
	return s
}

func (s *sheet) makeTable3(f *figureMaker, size orgSize) {
	s.t3 = report.Table3{}
	var rows []string
	for _, r := range report.Table3Rows {
		if r.Only == "" || r.Only == s.format {
			rows = append(rows, r.Key.Key)
			s.t3[r.Key.Key] = map[string]int64{}
		}
	}
	var weights []float64
	var outcomeRows []string
	total := 0.0
	for _, o := range outcomeWeights {
		if o.only == "" || o.only == s.format {
			outcomeRows = append(outcomeRows, o.row)
			weights = append(weights, o.weight)
			total += o.weight
		}
	}
	means := applicantMeans[size]
	for ci, col := range report.Table3Columns[:6] {
		newReq := f.draw(means[ci])
		carried := f.draw(means[ci] / 12)
		forward := min(f.draw(means[ci]/10), newReq+carried)
		handled := newReq + carried - forward
		s.t3["new_received"][col.Key] = newReq
		s.t3["carried_over"][col.Key] = carried
		s.t3["carried_forward"][col.Key] = forward
		s.t3["total_handled"][col.Key] = handled
		for _, row := range outcomeRows {
			s.t3[row][col.Key] = 0
		}
		for range handled {
			x := f.r.Float64() * total
			for i, w := range weights {
				if x < w || i == len(weights)-1 {
					s.t3[outcomeRows[i]][col.Key]++
					break
				}
				x -= w
			}
		}
	}
	if s.format == report.Format2021 {
		for _, col := range report.Table3Columns[:6] {
			s.t3["other_total"][col.Key] = s.t3["other_overdue_correction"][col.Key] + s.t3["other_unpaid_fee"][col.Key] + s.t3["other_misc"][col.Key]
		}
	}
	for _, row := range rows {
		var sum int64
		for _, col := range report.Table3Columns[:6] {
			sum += s.t3[row][col.Key]
		}
		s.t3[row]["total"] = sum
	}
	for _, row := range rows {
		s.p3[row] = map[string]string{}
		for _, col := range report.Table3Columns {
			s.p3[row][col.Key] = f.print(s.t3[row][col.Key])
		}
	}
}

var table4Means = map[orgSize][3]float64{
	sizeTown: {0.05, 0.02, 0},
	sizeDept: {0.4, 0.2, 0.05},
	sizeGov:  {3, 1.5, 0.5},
	sizeBusy: {24, 9, 4},
}

func (s *sheet) makeTable4(f *figureMaker, size orgSize) {
	s.t4 = report.Table4{}
	for gi, g := range report.Table4Groups {
		n := f.draw(table4Means[size][gi])
		row := map[string]int64{"upheld": 0, "corrected": 0, "other": 0, "pending": 0, "total": n}
		for range n {
			switch x := f.r.IntN(10); {
			case x < 6:
				row["upheld"]++
			case x < 7:
				row["corrected"]++
			case x < 8:
				row["other"]++
			default:
				row["pending"]++
			}
		}
		s.t4[g.Key] = row
		s.p4[g.Key] = map[string]string{}
		for _, c := range report.Table4Columns {
			s.p4[g.Key][c.Key] = f.print(row[c.Key])
		}
	}
}

// set2 records a table 2 figure and how it is printed.
func (s *sheet) set2(row, field string, v float64, printed string) {
	if s.t2[row] == nil {
		s.t2[row] = map[string]any{}
		s.p2[row] = map[string]string{}
	}
	s.t2[row][field] = v
	s.p2[row][field] = printed
}

func (s *sheet) count2(f *figureMaker, row, field string, v int64) {
	s.set2(row, field, float64(v), f.print(v))
}

// amount2 prints a sum of money with two decimals (a zero as the report prints
// zeros) and records what the printed text says.
func (s *sheet) amount2(f *figureMaker, row, field string, cents int64) {
	if cents == 0 {
		s.set2(row, field, 0, f.zero)
		return
	}
	printed := strconv.FormatFloat(float64(cents)/100, 'f', 2, 64)
	v, _ := strconv.ParseFloat(printed, 64)
	s.set2(row, field, v, printed)
}

func (s *sheet) makeTable2(f *figureMaker, p profile) {
	s.t2 = report.Table2{}
	scale := map[orgSize]float64{sizeTown: 0.4, sizeDept: 1.5, sizeGov: 6, sizeBusy: 10}[p.size]
	decisions := func(on bool, mean float64) int64 {
		if !on {
			return 0
		}
		return f.draw(mean) + 1
	}
	// A county has no power to make 规章: the row is always empty.
	docs := []string{"rules", "normative_docs"}
	switch s.format {
	case report.Format2021:
		for _, field := range []string{"issued", "repealed", "in_force"} {
			s.set2("rules", field, 0, f.zeroT2)
		}
		issued := f.draw(scale)
		repealed := f.draw(scale / 3)
		s.count2(f, docs[1], "issued", issued)
		s.count2(f, docs[1], "repealed", repealed)
		s.count2(f, docs[1], "in_force", issued+f.draw(scale*6))
		s.count2(f, "licensing", "decisions", decisions(p.licensing, scale*220))
		s.count2(f, "punishment", "decisions", decisions(p.punishment, scale*12))
		s.count2(f, "coercion", "decisions", decisions(p.punishment && f.r.IntN(2) == 0, scale))
		var cents int64
		if p.fees {
			cents = 1 + f.draw(scale*4000)
		}
		s.amount2(f, "fees", "amount_wan", cents)
	case report.Format2019:
		for _, field := range []string{"made", "published", "total_published"} {
			s.set2("rules", field, 0, f.zeroT2)
		}
		made := f.draw(scale)
		s.count2(f, docs[1], "made", made)
		s.count2(f, docs[1], "published", made)
		s.count2(f, docs[1], "total_published", made+f.draw(scale*6))
		for _, row := range []struct {
			key string
			on  bool
		}{{"licensing", p.licensing}, {"other_services", p.licensing}, {"punishment", p.punishment}, {"coercion", p.punishment}} {
			prev := int64(0)
			if row.on {
				prev = 1 + f.draw(scale*4)
			}
			change := int64(0)
			if prev > 0 {
				change = int64(f.r.IntN(5)) - 2
			}
			s.count2(f, row.key, "previous", prev)
			s.count2(f, row.key, "change", change)
			s.count2(f, row.key, "decisions", decisions(row.on, scale*150))
		}
		prev := int64(0)
		if p.fees {
			prev = 1 + f.draw(3)
		}
		s.count2(f, "fees", "previous", prev)
		s.count2(f, "fees", "change", 0)
		projects := f.draw(scale * 2)
		s.count2(f, "procurement", "projects", projects)
		var cents int64
		if projects > 0 {
			cents = projects * (2000 + f.r.Int64N(900000))
		}
		s.amount2(f, "procurement", "amount", cents)
		if f.r.IntN(2) == 0 {
			s.amountUnit = "万元"
			s.t2["procurement"][report.FieldAmountUnit] = "万元"
		}
	}
}

func (s *sheet) applyFault(flt fault) {
	bump := func(t map[string]map[string]int64, p map[string]map[string]string, row, col string) {
		t[row][col]++
		p[row][col] = strconv.FormatInt(t[row][col], 10)
	}
	switch flt {
	case faultRowTotal:
		bump(s.t3, s.p3, "granted", "total")
	case faultBalance:
		bump(s.t3, s.p3, "carried_forward", "natural_person")
	case faultTable4:
		bump(s.t4, s.p4, "review", "total")
	}
}

// record builds the expected record's tables (deep copies, so callers may keep them).
func (s *sheet) record() (report.Table2, report.Table3, report.Table4) {
	t2 := report.Table2{}
	for row, fields := range s.t2 {
		t2[row] = map[string]any{}
		for k, v := range fields {
			t2[row][k] = v
		}
	}
	t3 := report.Table3{}
	for row, cols := range s.t3 {
		t3[row] = map[string]int64{}
		for k, v := range cols {
			t3[row][k] = v
		}
	}
	t4 := report.Table4{}
	for g, cols := range s.t4 {
		t4[g] = map[string]int64{}
		for k, v := range cols {
			t4[g][k] = v
		}
	}
	return t2, t3, t4
}

// chainInForce makes each body's 现行有效件数 of 行政规范性文件 follow from its
// previous year's report, as the 2021 format's arithmetic has it (last year's in
// force + issued − repealed), for three bodies in four; the others get it wrong
// as some real bodies do, and their in_force_chain finding is a lead. Figures are
// drawn report by report, so the chain is made afterwards, without drawing.
func (w *world) chainInForce() {
	const row = "normative_docs"
	byOrgan := map[string][]*reportItem{}
	var organs []string
	for _, it := range w.reports {
		if it.sheet == nil || it.format != report.Format2021 {
			continue
		}
		if byOrgan[it.organ.unit] == nil {
			organs = append(organs, it.organ.unit)
		}
		byOrgan[it.organ.unit] = append(byOrgan[it.organ.unit], it)
	}
	for _, unit := range organs {
		if proseSeed("in force chain", unit)%4 == 0 {
			continue
		}
		items := byOrgan[unit]
		sort.SliceStable(items, func(i, j int) bool { return items[i].year < items[j].year })
		for i := 1; i < len(items); i++ {
			prev, cur := items[i-1], items[i]
			if cur.year != prev.year+1 {
				continue
			}
			before, ok := prev.sheetAt(1 << 30).t2[row]["in_force"].(float64)
			if !ok {
				continue
			}
			sheets := []*sheet{cur.sheet}
			if cur.edit != nil {
				sheets = append(sheets, cur.edit.sheet)
			}
			for _, s := range sheets {
				issued, _ := s.t2[row]["issued"].(float64)
				repealed, _ := s.t2[row]["repealed"].(float64)
				inForce := before + issued - repealed
				if _, err := strconv.Atoi(s.p2[row]["in_force"]); err != nil || inForce <= 0 {
					continue // printed as a zero mark (an idle report), or it would not add up
				}
				s.set2(row, "in_force", inForce, strconv.FormatFloat(inForce, 'f', 0, 64))
			}
		}
	}
}
