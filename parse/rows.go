package parse

import (
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"
)

// lrow is a logical table row: the labels a row prints and the values that follow
// them, whether they came as one HTML table row, one delimited text line, or a label
// line followed by lines of one value each.
type lrow struct {
	labels  []string
	values  []string
	grid    bool // an HTML table row: its cells, blank ones included, are exact
	singles bool // values gathered from lines holding one value each
	flow    bool // cut out of flowing text: a value may be several figures run together
	// ocr tells how OCR read each value (nil where it did not), for a document
	// read by OCR; nil otherwise.
	ocr []*ocrRead
}

func (r *lrow) label() string    { return strings.Join(r.labels, " ") }
func (r *lrow) ownLabel() string { return r.labels[len(r.labels)-1] }

var mdSeparator = regexp.MustCompile(`^:?-{3,}:?$`)

// hasPipe says whether a line holds a pipe, half- or full-width: the cell separator
// of pipe-delimited and Markdown renderings. (strings.ContainsAny goes rune by
// rune; this runs on every line of a page.)
func hasPipe(s string) bool { return strings.IndexByte(s, '|') >= 0 || strings.Contains(s, "｜") }

// splitLine cuts a text line into cells: on pipes (as in pipe-delimited and Markdown
// renderings), else on tabs, else on runs of white space.
func splitLine(line string) []string {
	line = strings.TrimSpace(line)
	line = strings.TrimLeft(line, "#> ")
	line = strings.ReplaceAll(line, "**", "")
	if hasPipe(line) {
		parts := strings.Split(strings.ReplaceAll(line, "｜", "|"), "|")
		if len(parts) > 0 && strings.TrimSpace(parts[0]) == "" && strings.HasPrefix(strings.TrimSpace(line), "|") {
			parts = parts[1:]
		}
		if len(parts) > 0 && strings.TrimSpace(parts[len(parts)-1]) == "" {
			parts = parts[:len(parts)-1]
		}
		sep := len(parts) > 0
		for i := range parts {
			parts[i] = strings.TrimSpace(parts[i])
			if !mdSeparator.MatchString(parts[i]) {
				sep = false
			}
		}
		if sep {
			return nil
		}
		return parts
	}
	if strings.Contains(line, "\t") {
		var parts []string
		for _, p := range strings.Split(line, "\t") {
			parts = append(parts, splitTrailingValues(strings.TrimSpace(p))...)
		}
		return parts
	}
	return strings.FieldsFunc(line, isSpace)
}

// splitTrailingValues cuts the figures off the end of a label cell they were set
// too close to for a tab (a PDF table whose label column is narrow: 只计这一 3).
func splitTrailingValues(cell string) []string {
	i := strings.LastIndexFunc(cell, isSpace)
	if i < 0 {
		return []string{cell}
	}
	head, tail := strings.TrimSpace(cell[:i]), strings.TrimSpace(cell[i:])
	if head == "" || !isValueCell(tail) || readValue(tail).kind == "blank" || isValueCell(head) {
		return []string{cell}
	}
	return append(splitTrailingValues(head), tail)
}

// splitRow separates a row's labels from the run of value cells that ends it.
func splitRow(cells []string) (labels, values []string) {
	end := len(cells)
	for end > 0 && isValueCell(cells[end-1]) {
		end--
	}
	for _, c := range cells[:end] {
		if c != "" && (len(labels) == 0 || labels[len(labels)-1] != c) {
			labels = append(labels, c)
		}
	}
	return labels, cells[end:]
}

// normLabel folds a label for matching: full-width forms to ASCII, no white space,
// no quotation marks.
func normLabel(s string) string {
	s = fold(s)
	return strings.Map(func(r rune) rune {
		switch {
		case isSpace(r):
			return -1
		}
		switch r {
		case '“', '”', '"', '\'', '‘', '’', '「', '」', '『', '』':
			return -1
		}
		return r
	}, s)
}

// section of the report a row belongs to.
type section int

const (
	secNone section = iota
	secT2
	secT3
	secT4
)

var endHeading = regexp.MustCompile(`^(五|六|七|八)[、.．]`)

// compact joins labels without white space, for the heading test: headings are
// matched on words that NFKC leaves alone, so the costlier normLabel is not needed.
func compact(labels []string) string {
	var b strings.Builder
	for _, l := range labels {
		for _, r := range l {
			if !isSpace(r) {
				b.WriteRune(r)
			}
		}
	}
	return b.String()
}

// marker says whether a row opens or closes one of the statistical sections. Only
// short rows count as headings: the report's opening paragraph names every section.
func marker(label string, hasValues bool) (section, bool) {
	if utf8.RuneCountInString(label) > 60 {
		return secNone, false
	}
	switch {
	case strings.Contains(label, "结果维持") || strings.Contains(label, "未经复议直接起诉") || strings.Contains(label, "复议后起诉"):
		return secT4, true
	case !hasValues && strings.Contains(label, "行政复议") && strings.Contains(label, "行政诉讼") && !strings.Contains(label, "。"):
		return secT4, true
	case strings.Contains(label, "申请人情况") || strings.Contains(label, "收到和处理政府信息公开申请") ||
		strings.Contains(label, "本年新收政府信息公开申请"):
		return secT3, true
	case strings.Contains(label, "主动公开政府信息情况") || strings.HasPrefix(label, "第二十条第") || label == "信息内容":
		return secT2, true
	case !hasValues && (endHeading.MatchString(label) || strings.Contains(label, "存在的主要问题") ||
		strings.Contains(label, "其他需要报告") || strings.Contains(label, "主要问题和改进") ||
		strings.Contains(label, "主要问题及改进")):
		return secNone, true
	}
	return secNone, false
}

// maxRowLine is the longest text line (in bytes) read as a possible table row: the
// longest official label with seven figures is under 200 bytes.
const maxRowLine = 600

// maxHeadingLine is the longest text line (in bytes) outside the tables that is
// tested as a section heading, or as a row that opens a table: 60 characters of
// label (see marker) and some figures.
const maxHeadingLine = 320

// sectionRows is the document's rows sorted into the three statistical sections.
type sectionRows struct {
	t2, t3, t4 []lrow
	anyTable   bool // some statistical section was found
}

// sortRows reads the blocks in order, cuts them into labels and values, assembles
// logical rows and files each under the section it stands in.
func sortRows(blocks []block) sectionRows {
	var out sectionRows
	cur := secNone
	var rows *[]lrow
	for _, b := range blocks {
		var labels, values []string
		var cells []string // what the block was cut into, which its ocr follows
		switch {
		case b.flow:
			// A row cut out of flowing text: its label, then its value tokens.
			if b.cells[0] != "" {
				labels = b.cells[:1]
			}
			values = b.cells[1:]
		case b.table > 0:
			cells = b.cells
			labels, values = splitRow(cells)
		default:
			if len(b.cells[0]) > maxRowLine || rows == nil && len(b.cells[0]) > maxHeadingLine {
				continue // prose: no table row or section heading is this long
			}
			cells = splitLine(b.cells[0])
			labels, values = splitRow(cells)
		}
		if len(labels) == 0 && len(values) == 0 {
			continue
		}
		if cur == secT3 && b.table == 0 {
			if labels = dropGroupHeadings(labels); len(labels) == 0 && len(values) == 0 {
				continue
			}
		}
		var ocr []*ocrRead
		if len(b.ocr) > 0 && len(b.ocr) == len(cells) {
			ocr = b.ocr[len(cells)-len(values):]
		}
		if s, ok := marker(compact(labels), len(values) > 0); ok && s != cur {
			cur = s
			switch s {
			case secT2:
				rows = &out.t2
			case secT3:
				rows = &out.t3
			case secT4:
				rows = &out.t4
			default:
				rows = nil
			}
			if s != secNone {
				out.anyTable = true
			}
		}
		if rows == nil {
			continue
		}
		grid := b.table > 0
		n := len(*rows)
		var last *lrow
		if n > 0 {
			last = &(*rows)[n-1]
		}
		switch {
		case len(labels) > 0 && last != nil && grid == last.grid && !last.singles && !(grid && hasFigure(values)) &&
			continuesLabel(last, labels, !grid && len(values) > 0, cur):
			// A label that wrapped onto this line: its figures on the first line,
			// on this one, or (for a middle line) on neither. A PDF table row
			// broken across a page leaves the rest of its labels in a grid row of
			// their own, column by column.
			if grid && len(labels) <= len(last.labels) {
				for i := range labels {
					j := len(last.labels) - len(labels) + i
					last.labels[j] = joinWrapped(last.labels[j], labels[i])
				}
				break
			}
			last.labels[len(last.labels)-1] = joinWrapped(last.labels[len(last.labels)-1], strings.Join(labels, ""))
			if len(values) > 0 {
				last.ocr = moreReads(last.ocr, len(last.values), ocr, len(values))
				last.values = append(last.values, values...)
			}
			last.flow = last.flow || b.flow
		case len(labels) > 0:
			*rows = append(*rows, lrow{labels: labels, values: values, grid: grid, flow: b.flow, ocr: ocr})
		case !grid && last != nil && !last.grid && len(last.labels) > 0 && (len(last.values) == 0 || last.singles) && len(values) >= 1:
			// Values on the lines after their label: one cell per line, or a label
			// line followed by a line of figures.
			last.singles = last.singles || len(values) == 1
			last.ocr = moreReads(last.ocr, len(last.values), ocr, len(values))
			last.values = append(last.values, values...)
			last.flow = last.flow || b.flow
		default:
			*rows = append(*rows, lrow{values: values, grid: grid, flow: b.flow, ocr: ocr})
		}
	}
	return out
}

// moreReads appends the readings of n more values to those of a row's have values.
func moreReads(reads []*ocrRead, have int, more []*ocrRead, n int) []*ocrRead {
	if reads == nil && more == nil {
		return nil
	}
	return padReads(append(padReads(reads, have), more...), have+n)
}

// continuesLabel says whether a line's labels are the rest of the last row's label,
// wrapped onto the next line: they open with no number and name no row of the
// table, while the last row's label opens with its number or names a row. The
// figures may stand on either line, but not on both.
func continuesLabel(last *lrow, labels []string, hasValues bool, sec section) bool {
	if sec != secT3 && sec != secT2 || len(last.labels) == 0 || len(last.values) > 0 && hasValues {
		return false
	}
	header := func(l string) bool {
		_, heading := marker(l, false)
		return heading || isColumnHeader(l) || strings.HasPrefix(l, "第二十条") || sec == secT2 && isTable2Header(l)
	}
	l := normLabel(strings.Join(labels, ""))
	if l == "" || numbering.FindString(l) != "" || header(l) || utf8.RuneCountInString(l) > 40 {
		return false
	}
	prev := normLabel(last.labels[len(last.labels)-1])
	if header(prev) {
		return false
	}
	cores := table3Cores
	if sec == secT2 {
		cores = table2Cores
	}
	// The rest of a label may name its row (禁止公开 after 2.其他法律行政法规,
	// 另行制作 after 2.没有现成信息需要); it is a row of its own when it is a short
	// core (其他, 总计), when it names another row than the label before it does,
	// or when it names any row of table 2, whose labels do not wrap.
	keys := coreKeys(cores)
	for _, cs := range cores {
		for _, c := range cs {
			if l == c && utf8.RuneCountInString(c) <= 2 {
				return false
			}
		}
	}
	if k, ok := namesRow(l, keys, cores); ok {
		if sec == secT2 {
			return false
		}
		if kp, ok := namesRow(prev, keys, cores); ok && kp != k {
			return false
		}
	}
	if numbering.FindString(prev) != "" {
		return true
	}
	_, score := bestMatch(prev, coreKeys(cores), cores)
	return score >= 1
}

// coreKeys lists a core map's keys in a fixed order.
func coreKeys(cores map[string][]string) []string {
	keys := make([]string, 0, len(cores))
	for k := range cores {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// namesRow returns the row a label names by a core of three characters or more,
// or by a near miss of one; a two-character core (其他, 总计, 信访) is too common in
// the rest of a wrapped label to tell.
func namesRow(l string, keys []string, cores map[string][]string) (int, bool) {
	k, score := bestMatch(l, keys, cores)
	return k, score >= 0.75 && (score < 1 || score > 1.025)
}

// dropGroupHeadings leaves out, from a text line of table 3 that holds more, the
// headings of the outcome groups (三、本年度办理结果, （三）不予公开 …): in a table laid
// out without rules a heading that spans its group's rows is printed beside
// whichever row's line is at its height. （六）其他处理 is kept when it stands alone:
// in the 2019 format it is a row with figures.
func dropGroupHeadings(labels []string) []string {
	var cells []string
	for _, l := range labels {
		// A heading and a row's label in one cell, apart by a space: （六）其他处理 1.申请人….
		for {
			i := strings.IndexFunc(l, isSpace)
			if i < 0 || !groupHeadings[stripNumbering(normLabel(l[:i]))] {
				break
			}
			cells = append(cells, l[:i])
			l = strings.TrimLeftFunc(l[i:], isSpace)
		}
		cells = append(cells, l)
	}
	labels = cells
	var keep []string
	for _, l := range labels {
		bare := stripNumbering(normLabel(l))
		if groupHeadings[bare] && (bare != "其他处理" || len(labels) > 1) {
			continue
		}
		keep = append(keep, l)
	}
	return keep
}
