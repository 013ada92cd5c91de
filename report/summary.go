package report

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/text/width"
)

// WriteSummary prints a record for a person: its metadata, the three tables laid
// out as the official format lays them out with each cell as printed, the checks
// (failed ones marked on their cells with !) and the warnings.
func WriteSummary(w io.Writer, r *Record) error {
	p := &printer{w: w, failed: map[string]bool{}}
	for _, c := range r.Failed() {
		for _, ref := range c.Cells {
			p.failed[ref] = true
		}
	}
	title := r.Title
	if title == "" {
		title = "(no title)"
	}
	p.line(title)
	meta := [][2]string{
		{"来源 source", r.Source}, {"机关 organ", r.Organ}, {"地区 region", r.Region},
		{"代码 region code", r.RegionCode}, {"部门 department", r.Department},
		{"年度 year", yearText(r.Year)}, {"发布 published", r.Published}, {"格式 format", r.Format},
	}
	if r.Medium == MediumScan {
		// Only a scan says what it was read from: its figures are OCR's.
		meta = append(meta, [2]string{"介质 medium", "scan: read by OCR; ? is a figure left out (see the warnings)"})
	}
	for _, m := range meta {
		if m[1] != "" {
			p.line("  " + pad(m[0], 18) + m[1])
		}
	}
	cells := map[string]Cell{}
	for _, c := range r.Cells {
		cells[c.Ref()] = c
	}
	if r.Table2 != nil {
		p.table2(r, cells)
	}
	if r.Table3 != nil {
		p.table3(r, cells)
	}
	if r.Table4 != nil {
		p.table4(cells)
	}
	if len(r.LegacyFigures) > 0 {
		p.legacy(r.LegacyFigures)
	}
	tally := TallyChecks(r)
	p.line("")
	p.line("检查 checks: " + tally.String())
	for _, c := range r.Failed() {
		p.line("  ✗ " + c.Rule + ": " + c.Detail)
	}
	for _, u := range tally.Unchecked {
		p.line("  ? " + u.Rule + ": not checked, " + strings.Join(u.LeftOut, ", ") + " left out")
	}
	if len(r.Warnings) > 0 {
		p.line("注意 warnings:")
		for _, wn := range r.Warnings {
			p.line("  - " + wn)
		}
	}
	return p.err
}

func yearText(y int) string {
	if y == 0 {
		return ""
	}
	return strconv.Itoa(y)
}

type printer struct {
	w      io.Writer
	failed map[string]bool
	err    error
}

func (p *printer) line(s string) {
	if p.err == nil {
		_, p.err = fmt.Fprintln(p.w, strings.TrimRight(s, " "))
	}
}

// value shows a cell as printed, "!" marking a cell that a failed check involves.
func (p *printer) value(cells map[string]Cell, ref string) string {
	c, ok := cells[ref]
	s := c.Raw
	if !ok {
		s = "?"
	}
	if p.failed[ref] {
		s += "!"
	}
	return s
}

// row prints a label and right-aligned values in columns of the given widths.
func (p *printer) row(label string, labelWidth int, values []string, colWidth int) {
	var b strings.Builder
	b.WriteString("  ")
	b.WriteString(pad(label, labelWidth))
	for _, v := range values {
		b.WriteString(padLeft(v, colWidth))
	}
	p.line(b.String())
}

func (p *printer) table2(r *Record, cells map[string]Cell) {
	p.line("")
	p.line("二、主动公开政府信息情况")
	section := ""
	for _, row := range Table2RowsFor(r.Format) {
		if _, ok := r.Table2[row.Key.Key]; !ok && !leftOutRow(r, T2, row.Key.Key) {
			continue
		}
		if row.Section != section {
			section = row.Section
			var heads []string
			for _, f := range row.Fields {
				heads = append(heads, f.Label)
			}
			p.row(section, 20, heads, 18)
		}
		var vals []string
		for _, f := range row.Fields {
			vals = append(vals, p.value(cells, CellRef(T2, row.Key.Key, f.Key)))
		}
		p.row("  "+row.Key.Label, 20, vals, 18)
	}
}

func (p *printer) table3(r *Record, cells map[string]Cell) {
	p.line("")
	p.line("三、收到和处理政府信息公开申请情况")
	cols := slices.Clone(Table3Columns)
	for _, row := range r.Table3 {
		if _, ok := row[ColOrgSubtotal]; ok {
			cols = slices.Insert(cols, 6, Key{ColOrgSubtotal, "小计"})
			break
		}
	}
	var heads []string
	for _, c := range cols {
		heads = append(heads, string([]rune(c.Label)[:min(4, len([]rune(c.Label)))])) // 社会公益组织 → 社会公益
	}
	p.row("", 34, heads, 10)
	group := ""
	for _, row := range Table3RowsFor(r.Format) {
		if _, ok := r.Table3[row.Key.Key]; !ok && !leftOutRow(r, T3, row.Key.Key) {
			continue
		}
		if row.Group != group {
			group = row.Group
			if h := groupHeading[group]; h != "" {
				p.line("  " + h)
			}
		}
		label := row.Key.Label
		if row.Group != "" {
			label = "  " + label
		}
		var vals []string
		for _, c := range cols {
			vals = append(vals, p.value(cells, CellRef(T3, row.Key.Key, c.Key)))
		}
		p.row(shorten(label, 16), 34, vals, 10)
	}
}

// leftOutRow says whether a row the tables lack has figures left out: a row
// of a scan that OCR could not read is printed, its figures ?.
func leftOutRow(r *Record, table, row string) bool {
	prefix := table + "." + row + "."
	return slices.ContainsFunc(r.LeftOut, func(ref string) bool { return strings.HasPrefix(ref, prefix) })
}

var groupHeading = map[string]string{
	GroupWithheld: "（三）不予公开",
	GroupUnable:   "（四）无法提供",
	GroupRejected: "（五）不予处理",
	GroupOther:    "（六）其他处理",
}

func (p *printer) table4(cells map[string]Cell) {
	p.line("")
	p.line("四、政府信息公开行政复议、行政诉讼情况")
	var heads []string
	for _, c := range Table4Columns {
		heads = append(heads, c.Label)
	}
	p.row("", 28, heads, 10)
	for _, g := range Table4Groups {
		var vals []string
		for _, c := range Table4Columns {
			vals = append(vals, p.value(cells, CellRef(T4, g.Key, c.Key)))
		}
		p.row(g.Label, 28, vals, 10)
	}
}

func (p *printer) legacy(figures map[string]map[string]any) {
	p.line("")
	p.line("统计数字 figures (legacy format)")
	labels := make([]string, 0, len(figures))
	for l := range figures {
		labels = append(labels, l)
	}
	sort.Strings(labels)
	for _, l := range labels {
		var parts []string
		keys := make([]string, 0, len(figures[l]))
		for k := range figures[l] {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			parts = append(parts, fmt.Sprintf("%s %v", k, figures[l][k]))
		}
		p.line("  " + pad(shorten(l, 20), 42) + strings.Join(parts, "  "))
	}
}

// displayWidth counts East Asian wide characters as two columns, as terminals do.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}

func pad(s string, w int) string {
	if d := w - displayWidth(s); d > 0 {
		return s + strings.Repeat(" ", d)
	}
	return s + " "
}

func padLeft(s string, w int) string {
	if d := w - displayWidth(s); d > 0 {
		return strings.Repeat(" ", d) + s
	}
	return " " + s
}

func shorten(s string, n int) string {
	rs := []rune(s)
	if len(rs) <= n {
		return s
	}
	return string(rs[:n-1]) + "…"
}
