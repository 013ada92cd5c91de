package parse

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// Flowing text is a report whose text lost its line structure, as archives,
// copy-and-paste and some text extractors give it: the whole report on one line or
// a few long ones, table cells run together without separators, headings run into
// the sentences around them. reflow puts back the lines the row readers expect:
// every official section heading on a line of its own and, in the statistical
// sections, one line per table row with its label apart from its figures. Figures
// glued together stay glued; the table readers split them only where one reading
// is possible (see splitCells).

// sectionHeading matches the six official section headings (both formats' wordings,
// full- and half-width numbering) wherever they stand in a line. The opening
// paragraph lists the sections without their numbers, so a number is required.
var sectionHeading = regexp.MustCompile(`(?:[一二三四五六][、.．，,]|[（(][一二三四五六][)）])\s*(?:总体情况|主动公开政府信息(?:的)?情况|收到和处理政府信息公开申请(?:的)?情况|(?:政府信息公开|因政府信息公开(?:工作)?被?申请)?行政复议[、和及]?\s*(?:提起)?行政诉讼(?:的)?情况|(?:政府信息公开工作)?存在的主要问题(?:及|和)改进(?:情况|措施)|主要问题(?:及|和)改进(?:情况|措施)|其他需要报告的事项)`)

// headingWords are words that one of the section headings holds: a line without
// any of them is not searched for headings.
var headingWords = []string{"总体情况", "主动公开政府信息", "收到和处理政府信息公开申请", "行政诉讼", "主要问题", "其他需要报告的事项"}

// splitHeadings cuts a line before and after every section heading it holds, and
// says which pieces are headings.
func splitHeadings(line string) (pieces []string, heading []bool) {
	found := false
	for _, w := range headingWords {
		if strings.Contains(line, w) {
			found = true
			break
		}
	}
	if !found {
		return []string{line}, []bool{false}
	}
	locs := sectionHeading.FindAllStringIndex(line, -1)
	prev := 0
	for _, loc := range locs {
		if s := strings.TrimSpace(line[prev:loc[0]]); s != "" {
			pieces, heading = append(pieces, s), append(heading, false)
		}
		pieces, heading = append(pieces, line[loc[0]:loc[1]]), append(heading, true)
		prev = loc[1]
	}
	if s := strings.TrimSpace(line[prev:]); s != "" {
		pieces, heading = append(pieces, s), append(heading, false)
	}
	return pieces, heading
}

// tableStarts are the words a statistical table opens with, by section; in a
// section the text before the first of them is prose. Outside the sections only
// the strong ones (which no prose holds) open a table.
var (
	tableStarts = map[section][]string{
		secT2: {"第二十条第", "信息内容", "规章", "规范性文件", "行政许可"},
		secT3: {"勾稽关系", "申请人情况", "自然人", "本年新收"},
		secT4: {"结果维持", "未经复议", "复议后起诉"},
	}
	strongStarts = []struct {
		word string
		sec  section
	}{
		{"第二十条第", secT2},
		{"勾稽关系", secT3},
		{"申请人情况", secT3},
		{"本年新收政府信息公开申请数量", secT3},
		{"结果维持", secT4},
		{"未经复议直接起诉", secT4},
	}
)

// reflow rewrites the text blocks of a document so that headings and table rows
// stand on lines of their own. Lines already laid out (one row per line, cells
// separated by pipes, tabs or spaces) are left as they are.
func reflow(blocks []block) []block {
	out := make([]block, 0, len(blocks))
	sec, started := secNone, false
	for _, b := range blocks {
		if b.table > 0 {
			started = started || sec != secNone
			out = append(out, b)
			continue
		}
		lines, headings := splitHeadings(b.cells[0])
		for i, line := range lines {
			if headings[i] {
				if s, ok := marker(compact([]string{line}), false); ok {
					sec, started = s, false
				} else {
					sec, started = secNone, false
				}
				out = append(out, block{cells: []string{line}})
				continue
			}
			if (hasPipe(line) || strings.IndexByte(line, '\t') >= 0) && (sec != secNone || strongStart(line)) {
				if rows, changed := pipeRows(line, sec); changed {
					started = started || sec != secNone
					for _, r := range rows {
						out = append(out, block{cells: []string{r}})
					}
					continue
				}
			}
			prose, table, s := tablePart(line, sec, started)
			if prose != "" {
				out = append(out, block{cells: []string{prose}})
			}
			if table == "" {
				continue
			}
			sec, started = s, true
			rows, changed := relineTable(table, sec)
			if !changed {
				rows = []block{{cells: []string{table}}}
			}
			out = append(out, continueFigures(out, rows)...)
		}
	}
	return out
}

// continueFigures gives the figures a line opens with to the row of flowing text
// that ended the line before: they are its figures when it had none, or the rest
// of them when a line break fell inside its run of figures (数量1920100⏎22二、…).
// Whether that break stood for a separator is not known, so the two runs are
// joined into one, which the cell splitter cuts only where the arithmetic allows.
// It returns the rows left.
func continueFigures(out, rows []block) []block {
	if len(out) == 0 || len(rows) == 0 {
		return rows
	}
	last := &out[len(out)-1]
	if !last.flow {
		// A row laid out on a line of its own, its figures going on.
		if last.table > 0 || len(last.cells[0]) > maxRowLine {
			return rows
		}
		labels, values := splitRow(splitLine(last.cells[0]))
		if len(labels) == 0 || len(values) == 0 {
			return rows
		}
		*last = block{cells: append([]string{strings.Join(labels, " ")}, values...), flow: true}
	}
	var figures []string
	switch first := rows[0]; {
	case first.flow && first.cells[0] == "" && len(first.cells) > 1:
		figures = first.cells[1:]
	case !first.flow && len(first.cells) == 1:
		figures = strings.FieldsFunc(first.cells[0], isSpace)
		for _, f := range figures {
			if !isValueCell(f) {
				return rows
			}
		}
	}
	if len(figures) == 0 {
		return rows
	}
	cells := append([]string(nil), last.cells...)
	if len(cells) > 1 {
		cells[len(cells)-1] += figures[0]
		figures = figures[1:]
	}
	last.cells = append(cells, figures...)
	last.text = strings.TrimSpace(last.cells[0] + " " + strings.Join(last.cells[1:], " "))
	return rows[1:]
}

func strongStart(line string) bool {
	for _, st := range strongStarts {
		if strings.Contains(line, st.word) {
			return true
		}
	}
	return false
}

// pipeRows cuts a line of cells separated by pipes or tabs that holds several
// table rows (the rows of a pipe or tab rendering joined onto one line) into one
// line of pipe-separated cells per row: a row ends where a label follows a figure,
// or where a numbered label follows another label. A cell that holds a figure and
// the next row's label, the separator between rows lost (9第二十条第（五）项,
// 14.保护第三方合法权益), or the labels of several rows (本年处理决定数量 行政许可),
// is cut first. It reports whether the line needed it.
func pipeRows(line string, sec section) ([]string, bool) {
	var cells []string
	cut := false
	for _, c := range strings.Split(strings.NewReplacer("｜", "|", "\t", "|").Replace(line), "|") {
		pieces := cellPieces(strings.TrimSpace(c), sec)
		cut = cut || len(pieces) > 1
		cells = append(cells, pieces...)
	}
	var rows []string
	var cur []string
	hasValue, hasLabel := false, false
	for _, t := range cells {
		label := t != "" && !isValueCell(t)
		if label && (hasValue || hasLabel && opensRow(t)) {
			rows = append(rows, strings.TrimSpace(strings.Join(cur, " | ")))
			cur, hasValue, hasLabel = nil, false, false
		}
		cur = append(cur, t)
		hasValue = hasValue || t != "" && !label
		hasLabel = hasLabel || label
	}
	if len(cur) > 0 {
		rows = append(rows, strings.TrimSpace(strings.Join(cur, " | ")))
	}
	return rows, cut || len(rows) > 1
}

// cellPieces cuts a cell that holds figures and labels run together into its
// figures and the rows its labels name, and a cell of labels into the rows they
// name.
func cellPieces(cell string, sec section) []string {
	var out []string
	var label strings.Builder
	flush := func() {
		if l := strings.TrimSpace(label.String()); l != "" {
			for _, p := range splitLabel(l, sec) {
				out = append(out, joinCJKSpace(p))
			}
		}
		label.Reset()
	}
	for _, t := range flowTokens(cell) {
		if t.value {
			flush()
			out = append(out, t.text)
			continue
		}
		label.WriteString(t.text)
	}
	flush()
	if len(out) <= 1 {
		return []string{cell}
	}
	return out
}

// opensRow says whether a label cell begins a row of its own: a numbered label, a
// sub-table heading of table 2 or one of its row labels.
func opensRow(cell string) bool {
	for _, re := range []*regexp.Regexp{rowNumbering, table2Heading} {
		if loc := re.FindStringIndex(cell); loc != nil && loc[0] == 0 {
			return true
		}
	}
	loc := table2Labels.FindStringIndex(cell)
	return loc != nil && loc[0] == 0 && loc[1] == len(cell)
}

// tablePart splits a line into the prose before a table and the table part, and
// returns the section the table belongs to. A line in a table section whose table
// has begun is all table part; lines with tabs or pipes are laid out already. A
// table begins with a part that names two of the tables' labels, or with one short
// row: a legacy report's 主动公开政府信息情况 tells of 规范性文件 in sentences.
func tablePart(line string, sec section, started bool) (prose, table string, s section) {
	if hasPipe(line) || strings.IndexByte(line, '\t') >= 0 {
		return line, "", sec
	}
	start, s := 0, sec
	if !started || sec == secNone {
		at := -1
		if sec != secNone {
			for _, w := range tableStarts[sec] {
				if i := strings.Index(line, w); i >= 0 && (at < 0 || i < at) {
					at = i
				}
			}
		}
		for _, st := range strongStarts {
			if i := strings.Index(line, st.word); i >= 0 && (at < 0 || i < at) {
				at, s = i, st.sec
			}
		}
		if at < 0 {
			return line, "", sec
		}
		// The table starts where its label does: after the sentence before it.
		start = at
		if j := strings.LastIndexAny(line[:at], "。；！？"); j >= 0 {
			_, n := utf8.DecodeRuneInString(line[j:])
			start = j + n
		} else if at > 0 {
			start = labelStart(line, at)
		}
	}
	part := strings.TrimSpace(line[start:])
	if started && sec != secNone {
		if sentenceFirst(part) {
			return line, "", sec // a paragraph after the table
		}
		return "", part, s // relineTable tells the prose that follows rows
	}
	n := tableWords(part)
	if n < 2 && !(n == 1 && len(part) <= 200 && !strings.ContainsAny(part, "。；，")) {
		return line, "", sec
	}
	return strings.TrimSpace(line[:start]), part, s
}

// tableWordList holds words of the three tables' labels and headers.
var tableWordList = []string{
	"第二十条第", "信息内容", "本年制发件数", "本年废止件数", "现行有效件数", "本年处理决定数量", "本年收费金额",
	"本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "采购项目数量", "规章", "规范性文件",
	"行政许可", "行政处罚", "行政强制", "行政事业性收费", "其他对外管理服务事项", "政府集中采购",
	"勾稽关系", "申请人情况", "自然人", "商业企业", "本年新收", "上年结转", "予以公开", "部分公开", "不予公开",
	"国家秘密", "禁止公开", "三安全一稳定", "第三方合法权益", "内部事务", "过程性信息", "行政执法案卷",
	"行政查询", "无法提供", "不掌握", "另行制作", "不明确", "不予处理", "信访举报投诉", "重复申请", "出版物",
	"大量反复", "重新出具", "其他处理", "不补正", "缴纳费用", "结转下年",
	"结果维持", "结果纠正", "其他结果", "尚未审结", "未经复议", "复议后起诉",
}

// tableWords counts the distinct table words in s, up to 3.
func tableWords(s string) int {
	n := 0
	for _, w := range tableWordList {
		if strings.Contains(s, w) {
			if n++; n >= 3 {
				break
			}
		}
	}
	return n
}

// labelStart backs up from a table word to the parenthesis or numbering that opens
// its label (（本列数据的勾稽关系为…, 一、本年新收…).
func labelStart(line string, at int) int {
	if open := strings.LastIndexAny(line[:at], "（("); open >= 0 && utf8.RuneCountInString(line[open:at]) <= 12 && !strings.ContainsAny(line[open:at], "）)") {
		return open
	}
	for at > 0 {
		r, n := utf8.DecodeLastRuneInString(line[:at])
		if !strings.ContainsRune("（(一二三四五六七八九十、.．", r) {
			break
		}
		at -= n
	}
	return at
}

// flowRow is a table row read from flowing text: its label and its value tokens,
// each a run of figures, dashes or 无 as printed between spaces.
type flowRow struct {
	label  string
	values []string
}

// relineTable cuts the table part of a line into rows: blocks whose first cell is
// the label ("" for none) and whose other cells are value tokens. It reports whether
// the line needed it: more than one row, or a label run into its figures.
func relineTable(s string, sec section) ([]block, bool) {
	toks := flowTokens(s)
	var rows []flowRow
	var starts []int // the token each row starts at
	var cur flowRow
	glued := false
	var prev *flowToken
	rowStart := 0
	prose := "" // what follows the table: from the first label that holds a sentence
	for i := range toks {
		t := &toks[i]
		if !t.value && !t.space && isProse(flowLabelSoFar(cur, prev, t)) {
			// The sentence began with the first of the rows before it that name
			// nothing of the tables (注：本表数据截至 | 2022 | 年 | 12 | 月31日。).
			start := i
			if tableWords(cur.label) == 0 {
				start, cur = rowStart, flowRow{}
				for len(rows) > 0 && rows[len(rows)-1].label != "" && tableWords(rows[len(rows)-1].label) == 0 {
					start = starts[len(rows)-1]
					rows, starts = rows[:len(rows)-1], starts[:len(starts)-1]
				}
			}
			var b strings.Builder
			for _, p := range toks[start:] {
				b.WriteString(p.text)
			}
			prose = strings.TrimSpace(b.String())
			break
		}
		switch {
		case t.space:
		case t.value:
			if prev != nil && !prev.value && !prev.space || !isValueCell(t.text) {
				glued = true // or figures run together (18-2), which a laid-out row cannot hold
			}
			cur.values = append(cur.values, t.text)
		default:
			if prev != nil && prev.value {
				glued = true
			}
			if len(cur.values) > 0 {
				rows, starts = append(rows, cur), append(starts, rowStart)
				cur = flowRow{}
				rowStart = i
			}
			if cur.label != "" && prev != nil && prev.space {
				cur.label += " "
			}
			cur.label += t.text
		}
		prev = t
	}
	if cur.label != "" || len(cur.values) > 0 {
		rows = append(rows, cur)
	}
	var lines []block
	row := func(label string, values []string) {
		text := strings.TrimSpace(label + " " + strings.Join(values, " "))
		lines = append(lines, block{cells: append([]string{label}, values...), text: text, flow: true})
	}
	for _, r := range rows {
		labels := splitLabel(r.label, sec)
		for i, l := range labels {
			l = joinCJKSpace(l)
			if k := labelSection(l); k != secNone {
				sec = k
			}
			if i < len(labels)-1 {
				row(l, nil)
			} else {
				row(l, r.values)
			}
		}
		if len(labels) == 0 && len(r.values) > 0 {
			row("", r.values)
		}
	}
	if prose != "" {
		if len(lines) == 0 {
			return nil, false // prose, not a table
		}
		lines = append(lines, block{cells: []string{prose}})
	}
	return lines, glued || len(lines) > 1
}

// flowLabelSoFar is the label the current row would have with label token t.
func flowLabelSoFar(cur flowRow, prev, t *flowToken) string {
	if len(cur.values) > 0 || cur.label == "" {
		return t.text
	}
	if prev != nil && prev.space {
		return cur.label + " " + t.text
	}
	return cur.label + t.text
}

// sentenceFirst says whether a line opens with a sentence: its first full stop or
// comma comes before any of the tables' words.
func sentenceFirst(line string) bool {
	i := sentenceMark(line)
	return i >= 0 && tableWords(line[:i]) == 0
}

// isProse tells a sentence from a label: labels hold commas only in parentheses
// (（区分处理的，只计这一情形，不计其他情形）) and no full stops.
func isProse(s string) bool { return sentenceMark(s) >= 0 }

// sentenceMark is where the first mark of a sentence stands in s: a full stop,
// semicolon or exclamation or question mark, or a comma outside parentheses; -1
// for none.
func sentenceMark(s string) int {
	depth := 0
	for i, r := range s {
		switch r {
		case '（', '(':
			depth++
		case '）', ')':
			depth = max(0, depth-1)
		case '。', '；', '！', '？':
			return i
		case '，', ',':
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// joinCJKSpace drops the white space between two Chinese characters of a label (a
// line break in its cell: 予以 公开).
func joinCJKSpace(s string) string {
	s = collapseSpace(s)
	if !strings.Contains(s, " ") {
		return s
	}
	rs := []rune(s)
	var b strings.Builder
	for i, r := range rs {
		if r == ' ' && i > 0 && i+1 < len(rs) && isCJK(rs[i-1]) && isCJK(rs[i+1]) {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// labelSection tells the table a label belongs to by the words only that table's
// header prints.
func labelSection(l string) section {
	switch {
	case strings.Contains(l, "第二十条") || strings.Contains(l, "信息内容"):
		return secT2
	case strings.Contains(l, "勾稽关系") || strings.Contains(l, "申请人情况"):
		return secT3
	case strings.Contains(l, "结果维持") || strings.Contains(l, "复议后起诉"):
		return secT4
	}
	return secNone
}

// flowToken is a run of label text, of value text (figures, dashes, 无) or of
// white space.
type flowToken struct {
	text         string
	value, space bool
}

// units a figure may carry in a table cell (see numberCell).
var cellUnits = []string{"万元", "元", "件次", "件", "条", "个", "项", "人次", "次", "家", "份", "宗", "起", "篇", "期", "%", "％"}

func isDigitRune(r rune) bool { return r >= '0' && r <= '9' || r >= '０' && r <= '９' }

func isDashRune(r rune) bool {
	return strings.ContainsRune("/\\-—–―‐−_╱∕×－／", r)
}

func isSignRune(r rune) bool { return r == '-' || r == '−' || r == '+' || r == '－' || r == '＋' }

// flowTokens cuts table text into label, value and space runs. A digit that
// numbers the next row (the 2 of 31000004 2.没有现成信息) belongs to its label; so
// do the slash of 本年增/减, the 无 of 无法提供 and 无正当理由, and digits in
// parentheses.
func flowTokens(s string) []flowToken {
	rs := []rune(s)
	var toks []flowToken
	add := func(text string, value, space bool) {
		if n := len(toks); n > 0 && !value && !toks[n-1].value && toks[n-1].space == space {
			toks[n-1].text += text
			return
		}
		toks = append(toks, flowToken{text: text, value: value, space: space})
	}
	for i := 0; i < len(rs); {
		r := rs[i]
		if isSpace(r) {
			add(" ", false, true)
			i++
			continue
		}
		if j := scanValue(rs, i); j > i {
			toks = append(toks, flowToken{text: string(rs[i:j]), value: true})
			i = j
			continue
		}
		add(string(r), false, false)
		i++
	}
	return toks
}

// scanValue returns the end of the value run starting at rs[i], or i when none
// starts there.
func scanValue(rs []rune, i int) int {
	j := i
	for j < len(rs) {
		r := rs[j]
		switch {
		case isDigitRune(r):
			k := j
			for k < len(rs) && isDigitRune(rs[k]) {
				k++
			}
			if j > 0 && (rs[j-1] == '(' || rs[j-1] == '（') && k < len(rs) && (rs[k] == ')' || rs[k] == '）') {
				return j // （1） numbers a label
			}
			if k+1 < len(rs) && strings.ContainsRune(".、．", rs[k]) && !isDigitRune(rs[k+1]) && !isSpace(rs[k+1]) {
				return k - 1 // the last digit numbers the next row
			}
			j = k
			for j+1 < len(rs) && (rs[j] == '.' || rs[j] == '．') && isDigitRune(rs[j+1]) {
				j++
				for j < len(rs) && isDigitRune(rs[j]) {
					j++
				}
			}
			for j+3 < len(rs) && (rs[j] == ',' || rs[j] == '，') && isDigitRune(rs[j+1]) && isDigitRune(rs[j+2]) && isDigitRune(rs[j+3]) &&
				(j+4 >= len(rs) || !isDigitRune(rs[j+4])) {
				j += 4
			}
			for _, u := range cellUnits {
				if hasRunes(rs[j:], u) {
					j += utf8.RuneCountInString(u)
					break
				}
			}
		case isSignRune(r) && j+1 < len(rs) && isDigitRune(rs[j+1]):
			j++
		case isDashRune(r):
			if r == '/' || r == '／' {
				if j > 0 && j+1 < len(rs) && isCJK(rs[j-1]) && isCJK(rs[j+1]) && !isCJKPunct(rs[j-1]) {
					return j // 本年增/减
				}
			}
			j++
		case r == '无':
			if hasRunes(rs[j+1:], "法提供") || hasRunes(rs[j+1:], "正当理由") {
				return j
			}
			j++
		case r == '暂' && j+1 < len(rs) && rs[j+1] == '无':
			j += 2
		default:
			return j
		}
	}
	return j
}

func isCJKPunct(r rune) bool { return r >= 0x3000 && r <= 0x303f || r >= 0xff00 && r <= 0xffef }

func hasRunes(rs []rune, s string) bool {
	for _, r := range s {
		if len(rs) == 0 || rs[0] != r {
			return false
		}
		rs = rs[1:]
	}
	return true
}

// rowNumbering finds where a label's numbered parts begin (三、本年度办理结果（一）予以公开,
// （三）不予公开1.属于国家秘密), but not the （一） of 第二十条第（一）项.
var rowNumbering = regexp.MustCompile(`[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[)）]|[0-9０-９][、.．]`)

// table2Phrases are the sub-table headings, column headers and row labels of table
// 2; in flowing text a row without figures runs into the next, so the label is cut
// before each of them.
var (
	table2Heading = regexp.MustCompile(`第二十条第[（(][一二三四五六七八九十]+[)）]项`)
	table2Header  = regexp.MustCompile(`(?:信息内容|本年制发件数|本年废止件数|现行有效件数|本年处理决定数量|本年收费金额|本年新制作数量|本年新公开数量|对外公开总数量|上一年项目数量|本年增/减|本年增减|处理决定数量|采购项目数量|采购总金额)+(?:[（(][^）)]{0,12}[)）])?`)
	table2Labels  = regexp.MustCompile(`行政规范性文件|规范性文件|规章|行政许可|其他对外管理服务事项|行政处罚|行政强制|行政事业性收费|政府集中采购`)
)

// splitLabel cuts the label text between two runs of figures into the rows it holds.
func splitLabel(label string, sec section) []string {
	label = strings.TrimSpace(label)
	if label == "" {
		return nil
	}
	cuts := map[int]bool{}
	for _, loc := range rowNumbering.FindAllStringIndex(label, -1) {
		if loc[0] > 0 && !strings.HasSuffix(label[:loc[0]], "第") {
			cuts[loc[0]] = true
		}
	}
	if i := strings.Index(label, "申请人情况"); i > 0 {
		cuts[i] = true
	}
	if sec == secT4 || strings.Contains(label, "行政诉讼") || strings.Contains(label, "复议后起诉") {
		for i := 0; ; {
			j := strings.Index(label[i:], "结果维持")
			if j < 0 {
				break
			}
			if i+j > 0 {
				cuts[i+j] = true
			}
			i += j + len("结果维持")
		}
	}
	if sec == secT2 || strings.Contains(label, "第二十条") || strings.Contains(label, "信息内容") {
		for _, re := range []*regexp.Regexp{table2Heading, table2Header} {
			for _, loc := range re.FindAllStringIndex(label, -1) {
				cuts[loc[0]] = true
				cuts[loc[1]] = true
			}
		}
		for _, loc := range table2Labels.FindAllStringIndex(label, -1) {
			if !insideAny(loc[0], table2Header.FindAllStringIndex(label, -1)) {
				cuts[loc[0]] = true
			}
		}
	}
	if len(cuts) == 0 {
		return []string{label}
	}
	var out []string
	prev := 0
	for i := 0; i <= len(label); i++ {
		if i == len(label) || cuts[i] && i > prev {
			if p := strings.TrimSpace(label[prev:i]); p != "" {
				out = append(out, p)
			}
			prev = i
		}
	}
	return out
}

func insideAny(i int, locs [][]int) bool {
	for _, l := range locs {
		if i > l[0] && i < l[1] {
			return true
		}
	}
	return false
}
