package parse

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"gongkai/report"
)

// tableReader fills a record's tables from the sorted rows.
type tableReader struct {
	rec      *report.Record
	warnings []string
	// unseparated names the rows whose figures ran together but could be cut
	// into cells in one way only; one warning lists them.
	unseparated []string
	ocr         bool // the document was read by OCR: figures are used only as read with confidence
}

func (t *tableReader) warn(format string, args ...any) {
	t.warnings = append(t.warnings, fmt.Sprintf(format, args...))
}

func (t *tableReader) cell(table, row, col string, v value, o *ocrRead) {
	c := report.Cell{Table: table, Row: row, Column: col, Raw: v.raw, Kind: v.kind, Unit: v.unit}
	if v.kind == report.KindNumber {
		n := v.num
		c.Value = &n
	}
	if o != nil {
		c.Read, c.Page, c.Confidence = report.ReadOCR, o.page, int(o.conf)
		c.Box = []int{o.box.Min.X, o.box.Min.Y, o.box.Max.X, o.box.Max.Y}
	}
	t.rec.Cells = append(t.rec.Cells, c)
}

// usable says whether a cell of a document read by OCR may be used: it was read
// in its place with confidence, as a figure, a dash or a blank. A cell that may
// not is left out of its table (never kept wrong, nor counted as 0) and named in
// a warning.
func (t *tableReader) usable(table, row, col string, v value, o *ocrRead) bool {
	if !t.ocr {
		return true
	}
	switch {
	case o == nil:
		t.warn("%s %s %s: OCR read %q where no cell of the table could be traced; left out", table, row, col, v.raw)
	case o.problem != "":
		t.warn("%s %s %s: OCR not sure (%s; %s); left out", table, row, col, o.problem, o)
	case o.conf < minFigureConf:
		t.warn("%s %s %s: OCR read %q with confidence %.0f (%s); left out", table, row, col, v.raw, o.conf, o)
	case v.kind == report.KindText:
		t.warn("%s %s %s: OCR read %q, not a figure (%s); left out", table, row, col, v.raw, o)
	default:
		return true
	}
	t.rec.LeftOut = append(t.rec.LeftOut, report.CellRef(table, row, col))
	return false
}

// leaveOut drops a row of figures read by OCR from the cells, after its reading
// failed the table's arithmetic.
func (t *tableReader) leaveOut(table, row string) {
	t.rec.Cells = slices.DeleteFunc(t.rec.Cells, func(c report.Cell) bool {
		if c.Table != table || c.Row != row {
			return false
		}
		t.rec.LeftOut = append(t.rec.LeftOut, c.Ref())
		return true
	})
}

// tidyLeftOut names each cell left out once, and none that a figure was read for
// after all (a table printed twice, one reading of it sure).
func (t *tableReader) tidyLeftOut() {
	read := map[string]bool{}
	for _, c := range t.rec.Cells {
		read[c.Ref()] = true
	}
	var out []string
	for _, ref := range t.rec.LeftOut {
		if !read[ref] && !slices.Contains(out, ref) {
			out = append(out, ref)
		}
	}
	t.rec.LeftOut = out
}

// readsFor returns how OCR read each of the n values vals that a row was fitted
// to: nil for a value not read in its place (split out of a run of figures, or
// added as a blank), and nil altogether for a document not read by OCR.
func readsFor(r lrow, vals []string, n int) []*ocrRead {
	if len(r.ocr) != len(r.values) || len(r.ocr) == 0 {
		return nil
	}
	kept, start, _ := fitRange(r.values, n)
	if len(kept) > len(vals) || !slices.Equal(kept, vals[:len(kept)]) {
		return nil
	}
	out := make([]*ocrRead, n)
	copy(out, r.ocr[start:start+min(len(kept), n)])
	return out
}

// readAt returns the reading of value i, if OCR read it.
func readAt(ocr []*ocrRead, i int) *ocrRead {
	if i < len(ocr) {
		return ocr[i]
	}
	return nil
}

// padReads extends the readings with none to n values.
func padReads(ocr []*ocrRead, n int) []*ocrRead {
	if len(ocr) >= n {
		return ocr
	}
	return append(ocr, make([]*ocrRead, n-len(ocr))...)
}

var (
	keywords2021 = []string{"本年制发件数", "本年废止件数", "现行有效件数", "本年处理决定数量", "本年收费金额", "逾期不补正", "缴纳费用", "行政规范性文件",
		"无正当理由逾期", "收费通知"}
	keywords2019 = []string{"本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "本年增/减", "其他对外管理服务事项", "第二十条第(九)项", "政府集中采购", "采购项目数量", "采购总金额"}
)

// detectFormat tells the two national formats apart by the labels only one of them
// prints; the year decides only when the labels are silent, and says so.
func detectFormat(sr sectionRows, year int) (format, warning string) {
	var all strings.Builder
	otherTotalHasValues := false
	for _, rows := range [][]lrow{sr.t2, sr.t3, sr.t4} {
		for _, r := range rows {
			l := normLabel(r.label())
			all.WriteString(l)
			all.WriteByte('\n')
			// (六)其他处理 with figures of its own is the 2019 row; in 2021 the
			// label spans its three rows and is read with the first one's.
			if _, after, ok := strings.Cut(l, "其他处理"); ok && strings.TrimSpace(after) == "" && hasFigure(r.values) {
				otherTotalHasValues = true
			}
		}
	}
	text := all.String()
	n21, n19 := 0, 0
	for _, k := range keywords2021 {
		if strings.Contains(text, k) {
			n21++
		}
	}
	for _, k := range keywords2019 {
		if strings.Contains(text, k) {
			n19++
		}
	}
	if otherTotalHasValues {
		n19++
	}
	switch {
	case n21 > n19:
		return report.Format2021, ""
	case n19 > n21:
		return report.Format2019, ""
	case year >= 2021:
		return report.Format2021, "the tables do not show which national format they follow; 2021 assumed from the report year"
	case year > 0:
		return report.Format2019, "the tables do not show which national format they follow; 2019 assumed from the report year"
	}
	return report.Format2021, "the tables do not show which national format they follow and the year is unknown; 2021 assumed"
}

func hasFigure(values []string) bool {
	for _, v := range values {
		if readValue(v).kind == report.KindNumber {
			return true
		}
	}
	return false
}

// standardEvidence counts the table 3 rows whose labels are recognisable: a legacy
// report mentions 行政复议 and 申请 too, but never prints these rows.
func standardEvidence(sr sectionRows) int {
	keys := make([]string, 0, len(table3Cores))
	for _, r := range report.Table3Rows {
		keys = append(keys, r.Key.Key)
	}
	seen := map[int]bool{}
	for _, r := range sr.t3 {
		if len(r.labels) == 0 {
			continue
		}
		if i, s := bestMatch(normLabel(r.ownLabel()), keys, table3Cores); s >= 1 {
			seen[i] = true
		}
	}
	n := len(seen)
	for _, r := range sr.t4 {
		if strings.Contains(normLabel(r.label()), "结果维持") {
			n += 2
			break
		}
	}
	for _, r := range sr.t2 {
		l := normLabel(r.label())
		if strings.Contains(l, "本年制发件数") || strings.Contains(l, "本年新制作数量") {
			n += 2
			break
		}
	}
	return n
}

// fitValues brings a row's values to the expected count by dropping the empty cells
// that merged header cells leave at either end of a flattened row; it reports
// whether the count then fits.
func fitValues(vals []string, n int) ([]string, bool) {
	vals, _, ok := fitRange(vals, n)
	return vals, ok
}

// fitRange is fitValues that also says where the values kept start.
func fitRange(vals []string, n int) ([]string, int, bool) {
	start := 0
	for len(vals) > n && strings.TrimSpace(vals[len(vals)-1]) == "" {
		vals = vals[:len(vals)-1]
	}
	for len(vals) > n && strings.TrimSpace(vals[0]) == "" {
		vals = vals[1:]
		start++
	}
	return vals, start, len(vals) == n
}

var groupHeadings = map[string]bool{"不予公开": true, "无法提供": true, "不予处理": true, "其他处理": true, "本年度办理结果": true, "办理结果": true}

var numbering = regexp.MustCompile(`^(?:[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十]+\)|\d+[.、]|[①-⑩])*`)

func stripNumbering(l string) string { return numbering.ReplaceAllString(l, "") }

var columnHeaderWords = []string{"自然人", "法人或其他组织", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "申请人情况", "勾稽关系"}

func anyColumnHeader(labels []string) bool {
	for _, l := range labels {
		if isColumnHeader(normLabel(l)) {
			return true
		}
	}
	return false
}

func isColumnHeader(l string) bool {
	for _, w := range columnHeaderWords {
		if strings.Contains(l, w) {
			return true
		}
	}
	return l == "总计" || l == "其他" || l == "商业" || l == "科研" || l == "小计"
}

// table3Columns returns the applicant columns in printed order: the seven of the
// format, with 法人或其他组织小计 where the header prints one.
func table3Columns(rows []lrow) []string {
	cols := make([]string, 0, 8)
	for _, c := range report.Table3Columns {
		cols = append(cols, c.Key)
	}
	subtotal, commercial := -1, -1
	i := 0
	for _, r := range rows {
		for _, l := range r.labels {
			l = normLabel(l)
			if subtotal < 0 && strings.Contains(l, "小计") {
				subtotal = i
			}
			if commercial < 0 && strings.HasPrefix(l, "商业") {
				commercial = i
			}
			i++
		}
		if len(r.values) > 0 && hasFigure(r.values) {
			break
		}
	}
	switch {
	case subtotal < 0:
		return cols
	case commercial >= 0 && subtotal < commercial:
		return append([]string{cols[0], report.ColOrgSubtotal}, cols[1:]...)
	}
	return append(cols[:6:6], report.ColOrgSubtotal, "total")
}

func (t *tableReader) readTable3(rows []lrow, format string) {
	spec := report.Table3RowsFor(format)
	keys := make([]string, len(spec))
	for i, r := range spec {
		keys[i] = r.Key.Key
	}
	cols := table3Columns(rows)
	t3 := report.Table3{}
	next := 0 // the row the official order expects next
	started := false
	var blankRows []string
	var pending []pendingRow
	for _, r := range rows {
		if len(r.labels) == 0 && len(r.values) == 0 {
			continue
		}
		idx, score := -1, 0.0
		own := ""
		if len(r.labels) > 0 {
			own = normLabel(r.ownLabel())
			idx, score = bestMatch(own, keys, table3Cores)
			if score < 1 {
				if i, s := bestMatch(normLabel(r.label()), keys, table3Cores); s > score {
					idx, score = i, s
				}
			}
			bare := stripNumbering(own)
			if !hasFigure(r.values) && (anyColumnHeader(r.labels) || groupHeadings[bare] && !(format == report.Format2019 && bare == "其他处理")) {
				continue
			}
			if groupHeadings[bare] && !(format == report.Format2019 && bare == "其他处理") {
				idx, score = -1, 0
			}
		}
		if !started {
			if !hasFigure(r.values) && (idx < 0 || keys[idx] != "new_received" && keys[idx] != "carried_over") {
				continue // header rows
			}
			if len(r.values) > 0 && idx < 0 && !hasFigure(r.values) {
				continue // a header row with an empty corner cell
			}
			started = true
		}
		switch {
		case idx >= 0 && next < len(keys) && matchScore(own, table3Cores[keys[next]]) >= 0.75 && matchScore(own, table3Cores[keys[next]]) >= score-0.05:
			idx = next
		case idx >= 0 && t.ocr && idx > next && score < 1.03:
			// Only a short core (其他) names a row further on: OCR misreads a
			// character of a label often (禁止 as 蔡止), and what is left is no
			// evidence of the row.
			t.warn("table 3: label %q (read by OCR) names no row surely; its figures %q are left out", r.label(), strings.Join(r.values, " "))
			continue
		case idx >= 0 && idx >= next:
			if idx > next {
				t.warn("table 3: rows %s not found before %q", strings.Join(keys[next:idx], ", "), r.label())
			}
		case idx >= 0:
			if len(r.values) > 0 {
				t.warn("table 3: row %q repeats %s, which was already read; not used", r.label(), keys[idx])
			}
			continue
		default:
			if len(r.values) == 0 {
				continue
			}
			if next >= len(keys) {
				t.warn("table 3: row %q after the last row; not used", r.label()+strings.Join(r.values, " "))
				continue
			}
			if t.ocr {
				// A label OCR misread is no evidence of the row's place.
				t.warn("table 3: label %q (read by OCR) not recognised; its figures %q are left out", r.label(), strings.Join(r.values, " "))
				continue
			}
			idx = next
			if len(r.labels) > 0 {
				t.warn("table 3: label %q not recognised; read as %s by its position", r.label(), keys[idx])
			} else {
				t.warn("table 3: a row without label read as %s by its position", keys[idx])
			}
		}
		next = idx + 1
		key := keys[idx]
		vals, ok, readings := t.rowReadings(r, len(cols), "table 3 row "+key, t3Constraint(cols), maxReadings)
		if len(readings) > 0 {
			pending = append(pending, pendingRow{key: key, printed: strings.Join(r.values, " "), readings: readings})
			continue
		}
		if !ok {
			continue
		}
		if t.putRow3(t3, key, cols, vals, readsFor(r, vals, len(cols))) {
			blankRows = append(blankRows, key)
		}
	}
	if len(pending) > 0 {
		t.resolveRows(t3, cols, pending, format)
	}
	if len(t3) == 0 {
		return
	}
	if t.ocr {
		t.gateRows3(t3, keys, cols)
	}
	if format == report.Format2021 {
		deriveOtherTotal(t3, cols)
	}
	if len(blankRows) > 0 {
		t.warn("table 3: %d rows entirely blank, counted as 0: %s", len(blankRows), strings.Join(blankRows, ", "))
	}
	var missing []string
	for _, k := range keys {
		if _, ok := t3[k]; !ok {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		t.warn("table 3: rows not read: %s", strings.Join(missing, ", "))
	}
	if t.ocr {
		// The scan prints every row of the format: a row not read is one whose
		// figures are unknown.
		for _, k := range missing {
			for _, c := range cols {
				t.rec.LeftOut = append(t.rec.LeftOut, report.CellRef(report.T3, k, c))
			}
		}
		if format == report.Format2021 {
			t.leaveOutOtherTotal(t3, cols)
		}
	}
	t.rec.Table3 = t3
}

// putRow3 records a table 3 row from its printed cells and says whether all of them
// were blank.
func (t *tableReader) putRow3(t3 report.Table3, key string, cols, vals []string, reads []*ocrRead) bool {
	row := map[string]int64{}
	blank := true
	for i, col := range cols {
		v := readValue(vals[i])
		if !t.usable(report.T3, key, col, v, readAt(reads, i)) {
			blank = false
			continue
		}
		switch v.kind {
		case report.KindNumber:
			blank = false
			if v.num < 0 || v.num != float64(int64(v.num)) {
				t.warn("table 3: %s %s prints %q, not a count; counted as 0", key, col, v.raw)
				v.kind, v.num = report.KindText, 0
			}
			row[col] = int64(v.num)
		case report.KindText:
			blank = false
			t.warn("table 3: %s %s prints %q, not a figure; counted as 0", key, col, v.raw)
			row[col] = 0
		default:
			row[col] = 0
		}
		t.cell(report.T3, key, col, v, readAt(reads, i))
	}
	t3[key] = row
	return blank
}

// gateRows3 leaves out the rows read by OCR that do not add up to their total: a
// misread digit shows there, and a row is left out rather than kept wrong.
func (t *tableReader) gateRows3(t3 report.Table3, keys, cols []string) {
	check := t3Constraint(cols)
	for _, key := range keys {
		row, ok := t3[key]
		if !ok {
			continue
		}
		vals := make([]int64, 0, len(cols))
		var shown []string
		for _, col := range cols {
			if v, ok := row[col]; ok {
				vals = append(vals, v)
				shown = append(shown, fmt.Sprint(v))
			}
		}
		if len(vals) == len(cols) && !check(vals) {
			t.warn("table 3 row %s: the figures OCR read (%s) do not add up to the row's total; left out, to be read from the page", key, strings.Join(shown, " "))
			delete(t3, key)
			t.leaveOut(report.T3, key)
		}
	}
}

// deriveOtherTotal sums the three 2021 sub-rows of （六）其他处理 into other_total, the
// single row of the 2019 format, for every column all three print.
// otherRows2021 are the three rows of (六)其他处理 in the 2021 format, whose sum
// is other_total.
var otherRows2021 = []string{"other_overdue_correction", "other_unpaid_fee", "other_misc"}

// leaveOutOtherTotal names the figures of other_total that cannot be added up
// because a figure of (六)'s three rows was left out: they are unknown, as the
// figures left out are.
func (t *tableReader) leaveOutOtherTotal(t3 report.Table3, cols []string) {
	left := map[string]bool{}
	for _, ref := range t.rec.LeftOut {
		left[ref] = true
	}
	var unknown []string
	for _, col := range cols {
		if _, ok := t3["other_total"][col]; ok {
			continue
		}
		if slices.ContainsFunc(otherRows2021, func(row string) bool { return left[report.CellRef(report.T3, row, col)] }) {
			unknown = append(unknown, col)
			t.rec.LeftOut = append(t.rec.LeftOut, report.CellRef(report.T3, "other_total", col))
		}
	}
	if len(unknown) > 0 {
		t.warn("table 3 other_total: %s not added up, a figure of (六)'s three rows being left out", strings.Join(unknown, ", "))
	}
}

func deriveOtherTotal(t3 report.Table3, cols []string) {
	subs := otherRows2021
	total := map[string]int64{}
	for _, col := range cols {
		var sum int64
		ok := true
		for _, s := range subs {
			v, has := t3[s][col]
			if !has {
				ok = false
				break
			}
			sum += v
		}
		if ok {
			total[col] = sum
		}
	}
	if len(total) > 0 {
		t3["other_total"] = total
	}
}

// t3Constraint is the rule a recovered row must satisfy: the applicant columns add up
// to the total (and to the subtotal where one is printed).
func t3Constraint(cols []string) func([]int64) bool {
	return func(p []int64) bool {
		at := map[string]int64{}
		for i, c := range cols {
			at[c] = p[i]
		}
		orgs := at["commercial"] + at["research"] + at["social_org"] + at["legal_service"] + at["other_org"]
		if sub, ok := at[report.ColOrgSubtotal]; ok {
			return sub == orgs && at["natural_person"]+sub == at["total"]
		}
		return at["natural_person"]+orgs == at["total"]
	}
}

// rowValues returns exactly n values for a row, or reports why it cannot. A text row
// with too few values may have lost the separators between its figures; it is
// recovered only when its text can be cut into n cells in one way, or in one way
// that satisfies the table's own arithmetic.
func (t *tableReader) rowValues(r lrow, n int, what string, constraint func([]int64) bool) ([]string, bool) {
	vals, ok, _ := t.rowReadings(r, n, what, constraint, 0)
	return vals, ok
}

// rowReadings is rowValues that, for a row whose figures add up in a few ways,
// returns those readings (up to keep) and leaves the warning to the caller.
func (t *tableReader) rowReadings(r lrow, n int, what string, constraint func([]int64) bool, keep int) ([]string, bool, [][]string) {
	if len(r.values) == 0 {
		if r.grid {
			t.warn("%s: no cells; not used", what)
			return nil, false, nil
		}
		return make([]string, n), true, nil // one cell per line: blank cells print no line
	}
	vals, ok := fitValues(r.values, n)
	if ok {
		return vals, true, nil
	}
	printed := strings.Join(vals, " ")
	if len(vals) < n && !r.grid {
		split, how, readings := splitReadings(vals, n, constraint, keep)
		switch {
		case how == splitOnly:
			t.unseparated = append(t.unseparated, what)
			return split, true, nil
		case how == splitAddsUp:
			t.warn("%s: figures %q lost their separators; read as %s, the only split that adds up", what, printed, strings.Join(split, "|"))
			return split, true, nil
		case how == splitMany && len(readings) > 0:
			return nil, false, readings
		case how == splitMany:
			t.warn("%s: figures %q lost their separators and can be split into %d cells in several ways that add up; not used", what, printed, n)
			return nil, false, nil
		}
		t.warn("%s: %d figures where %d are expected (%q), and they cannot be split into %d cells that add up; not used", what, len(vals), n, printed, n)
		return nil, false, nil
	}
	t.warn("%s: %d cells where %d are expected (%q); not used", what, len(vals), n, printed)
	return nil, false, nil
}

// pendingRow is a table 3 row whose figures ran together and add up in several
// ways: the columns' arithmetic may leave one.
type pendingRow struct {
	key, printed string
	readings     [][]string
}

// maxCombinations bounds the readings of pending rows tried together.
const maxCombinations = 512

// resolveRows tries every combination of the pending rows' readings against the
// table's column identities (balance, outcomes) and takes, for each row, the reading
// that every combination satisfying them shares. Rows left with several are named
// in warnings.
func (t *tableReader) resolveRows(t3 report.Table3, cols []string, pending []pendingRow, format string) {
	combos := 1
	for _, p := range pending {
		if combos *= len(p.readings); combos > maxCombinations {
			break
		}
	}
	agreed := make([]int, len(pending)) // the reading all consistent combinations share; -1 none yet, -2 several
	for i := range agreed {
		agreed[i] = -1
	}
	consistent := 0
	if combos <= maxCombinations {
		pick := make([]int, len(pending))
		for c := 0; c < combos; c++ {
			for i, rest := 0, c; i < len(pending); i++ {
				pick[i], rest = rest%len(pending[i].readings), rest/len(pending[i].readings)
			}
			trial := maps.Clone(t3)
			for i, p := range pending {
				trial[p.key] = countsOf(p.readings[pick[i]], cols)
			}
			if format == report.Format2021 {
				deriveOtherTotal(trial, cols)
			}
			if !columnsAddUp(trial, format) {
				continue
			}
			consistent++
			for i := range pending {
				switch agreed[i] {
				case -1:
					agreed[i] = pick[i]
				case pick[i], -2:
				default:
					agreed[i] = -2
				}
			}
		}
	}
	for i, p := range pending {
		if consistent > 0 && agreed[i] >= 0 {
			vals := p.readings[agreed[i]]
			t.warn("table 3 row %s: figures %q lost their separators; read as %s, the only split with which the table's columns add up", p.key, p.printed, strings.Join(vals, "|"))
			t.putRow3(t3, p.key, cols, vals, nil)
			continue
		}
		t.warn("table 3 row %s: figures %q lost their separators and can be split into %d cells in several ways that add up; not used", p.key, p.printed, len(cols))
	}
}

// countsOf reads a row's cells as the arithmetic counts them.
func countsOf(vals []string, cols []string) map[string]int64 {
	row := make(map[string]int64, len(cols))
	for i, col := range cols {
		if v := readValue(vals[i]); v.kind == report.KindNumber && v.num >= 0 && v.num == float64(int64(v.num)) {
			row[col] = int64(v.num)
		} else {
			row[col] = 0
		}
	}
	return row
}

// columnsAddUp says whether table 3's column identities hold, those the rows read
// allow; a table that allows none of them does not add up.
func columnsAddUp(t3 report.Table3, format string) bool {
	evaluated := 0
	for _, c := range report.ComputeChecks(&report.Record{Format: format, Table3: t3}) {
		if strings.HasPrefix(c.Rule, "t3_balance:") || strings.HasPrefix(c.Rule, "t3_outcomes:") {
			if !c.OK {
				return false
			}
			evaluated++
		}
	}
	return evaluated > 0
}

func (t *tableReader) readTable4(rows []lrow) {
	if len(rows) == 0 {
		return
	}
	var vals []string
	var ocr []*ocrRead
	grid := false
	for _, r := range rows {
		if r.grid && len(r.values) > 0 {
			grid = true
		}
	}
	for _, r := range rows {
		if grid && !r.grid || !grid && len(r.labels) > 0 && !isTable4Header(normLabel(r.label())) {
			continue // not the table's: a note, the chrome after a cut-off page
		}
		if r.ocr != nil || ocr != nil {
			ocr = append(padReads(ocr, len(vals)), r.ocr...)
		}
		vals = append(vals, r.values...)
	}
	if ocr != nil {
		ocr = padReads(ocr, len(vals))
	}
	n := len(report.Table4Groups) * len(report.Table4Columns)
	all := lrow{values: vals, grid: grid, ocr: ocr}
	got, ok := t.rowValues(all, n, "table 4", t4Constraint)
	if !ok {
		return
	}
	reads := readsFor(all, got, n)
	t4 := report.Table4{}
	blank := true
	for gi, g := range report.Table4Groups {
		row := map[string]int64{}
		for ci, c := range report.Table4Columns {
			at := gi*len(report.Table4Columns) + ci
			v := readValue(got[at])
			if !t.usable(report.T4, g.Key, c.Key, v, readAt(reads, at)) {
				blank = false
				continue
			}
			switch v.kind {
			case report.KindNumber:
				blank = false
				if v.num < 0 || v.num != float64(int64(v.num)) {
					t.warn("table 4: %s %s prints %q, not a count; counted as 0", g.Key, c.Key, v.raw)
					v.kind, v.num = report.KindText, 0
				}
			case report.KindText:
				blank = false
				t.warn("table 4: %s %s prints %q, not a figure; counted as 0", g.Key, c.Key, v.raw)
			}
			row[c.Key] = int64(v.num)
			t.cell(report.T4, g.Key, c.Key, v, readAt(reads, at))
		}
		if t.ocr && len(row) == len(report.Table4Columns) && row["upheld"]+row["corrected"]+row["other"]+row["pending"] != row["total"] {
			t.warn("table 4 %s: the figures OCR read (%d %d %d %d, total %d) do not add up; left out, to be read from the page",
				g.Key, row["upheld"], row["corrected"], row["other"], row["pending"], row["total"])
			t.leaveOut(report.T4, g.Key)
			continue
		}
		t4[g.Key] = row
	}
	if blank {
		t.warn("table 4: entirely blank, counted as 0")
	}
	t.rec.Table4 = t4
}

// table4Words are the words of table 4's header, whole or truncated.
var table4Words = strings.NewReplacer("行政复议", "", "行政诉讼", "", "未经复议直接起诉", "", "复议后起诉", "", "未经复议", "",
	"直接起诉", "", "结果维持", "", "结果纠正", "", "其他结果", "", "尚未审结", "", "结果", "", "维持", "", "纠正", "", "其他", "",
	"尚未", "", "审结", "", "总计", "", "合计", "", "·", "", "/", "", "、", "", "|", "")

// isTable4Header says whether a label is made of table 4's header words only.
func isTable4Header(l string) bool { return table4Words.Replace(l) == "" }

func t4Constraint(p []int64) bool {
	for g := 0; g+5 <= len(p); g += 5 {
		if p[g]+p[g+1]+p[g+2]+p[g+3] != p[g+4] {
			return false
		}
	}
	return true
}

var unitInHeader = regexp.MustCompile(`(万元|元)`)

func (t *tableReader) readTable2(rows []lrow, format string) {
	spec := report.Table2RowsFor(format)
	keys := make([]string, len(spec))
	for i, r := range spec {
		keys[i] = r.Key.Key
	}
	t2 := report.Table2{}
	feeUnit, amountUnit := "", ""
	for _, r := range rows {
		if len(r.labels) == 0 {
			continue
		}
		label := normLabel(r.label())
		if len(r.values) == 0 || !hasFigure(r.values) {
			if strings.Contains(label, "收费金额") {
				if m := unitInHeader.FindString(label); m != "" {
					feeUnit = m
				}
			}
			if strings.Contains(label, "采购总金额") {
				if m := unitInHeader.FindString(label[strings.Index(label, "采购总金额"):]); m != "" {
					amountUnit = m
				}
			}
		}
		idx, score := bestMatch(normLabel(r.ownLabel()), keys, table2Cores)
		if score < 1 {
			if i, s := bestMatch(label, keys, table2Cores); s > score {
				idx, score = i, s
			}
		}
		if idx < 0 || isTable2Header(label) {
			continue
		}
		row := spec[idx]
		if _, dup := t2[row.Key.Key]; dup {
			if len(r.values) > 0 {
				t.warn("table 2: row %q repeats %s; not used", r.label(), row.Key.Key)
			}
			continue
		}
		vals := r.values
		if len(vals) == 0 && r.grid {
			continue
		}
		vals, ok := fitValues(vals, len(row.Fields))
		if !ok && !r.grid && len(vals) > 0 && len(vals) < len(row.Fields) {
			// Figures run together in text: table 2 has no arithmetic to tell
			// readings apart (现行有效 = last year's + 制发 − 废止 needs last
			// year's), so only a single reading is taken.
			printed := strings.Join(vals, " ")
			switch split, how := splitCells(vals, len(row.Fields), nil); {
			case how == splitOnly:
				t.unseparated = append(t.unseparated, "table 2 row "+row.Key.Key)
				vals, ok = split, true
			case how == splitMany:
				t.warn("table 2: %s figures %q lost their separators and can be read in several ways; not used", row.Key.Key, printed)
				continue
			case anySplittable(vals):
				t.warn("table 2: %s prints %q where %d figures are expected, and they cannot be split into %d; not used", row.Key.Key, printed, len(row.Fields), len(row.Fields))
				continue
			}
		}
		if !ok {
			if len(vals) > len(row.Fields) {
				t.warn("table 2: %s has %d cells where %d are expected (%q); not used", row.Key.Key, len(vals), len(row.Fields), strings.Join(vals, " "))
				continue
			}
			if len(vals) > 0 {
				t.warn("table 2: %s prints %d of %d figures; read from the left", row.Key.Key, len(vals), len(row.Fields))
			}
			vals = append(vals, make([]string, len(row.Fields)-len(vals))...)
		}
		reads := readsFor(r, vals, len(row.Fields))
		fields := map[string]any{}
		for i, f := range row.Fields {
			v := readValue(vals[i])
			if !t.usable(report.T2, row.Key.Key, f.Key, v, readAt(reads, i)) {
				continue
			}
			amount := v.num
			switch {
			case v.kind == report.KindText:
				t.warn("table 2: %s %s prints %q, not a figure; counted as 0", row.Key.Key, f.Key, v.raw)
				amount = 0
			case f.Key == "amount_wan":
				unit := v.unit
				if unit == "" {
					unit = feeUnit
				}
				if unit == "元" && v.kind == report.KindNumber {
					amount = v.num / 10000
					t.warn("table 2: fees printed as %q in yuan; recorded as %g 万元", v.raw, amount)
				}
			case f.Key == "amount":
				unit := v.unit
				if unit == "" {
					unit = amountUnit
				}
				if unit != "" {
					fields[report.FieldAmountUnit] = unit
				}
			}
			fields[f.Key] = amount
			t.cell(report.T2, row.Key.Key, f.Key, v, readAt(reads, i))
		}
		t2[row.Key.Key] = fields
	}
	if len(t2) == 0 {
		return
	}
	var missing []string
	for _, r := range spec {
		if _, ok := t2[r.Key.Key]; !ok {
			missing = append(missing, r.Key.Key)
		}
	}
	if len(missing) > 0 {
		t.warn("table 2: rows not read: %s", strings.Join(missing, ", "))
	}
	for _, r := range spec {
		if _, ok := t2[r.Key.Key]; !ok && t.ocr {
			for _, f := range r.Fields {
				t.rec.LeftOut = append(t.rec.LeftOut, report.CellRef(report.T2, r.Key.Key, f.Key))
			}
		}
	}
	t.rec.Table2 = t2
}

// isTable2Header tells the header row of a sub-table (信息内容 | 本年制发件数 …) from
// a data row, since 本年收费金额 contains 收费.
func isTable2Header(label string) bool {
	return strings.Contains(label, "信息内容") || strings.Contains(label, "件数") || strings.Contains(label, "数量") ||
		strings.Contains(label, "收费金额") || strings.Contains(label, "采购总金额")
}
