package parse

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"gongkai/report"
)

// Limits that keep a hostile page from costing more than a constant factor of its
// size: spans are clamped as browsers clamp them, and a table stops growing at a
// cell budget.
const (
	maxColspan     = 100
	maxRowspan     = 1000
	maxGridCells   = 200_000
	maxGridColumns = 1000
)

// document is a published page reduced to what the parser reads: the lines and
// table rows of the article, in reading order, and the page's metadata hints.
type document struct {
	blocks    []block
	meta      map[string]string // <meta name> (lower case) → content
	htmlTitle string
	headings  []string // h1–h3 and *title* elements anywhere on the page
	outside   []string // lines of the page outside the article (source, date lines)
	warnings  []string
	ocrPages  int // pages read by OCR
}

// block is a line of text, or a row of an HTML table with its cells as laid out in
// the grid (row-spanned labels repeated, column-span copies dropped).
type block struct {
	cells []string
	table int    // 1-based number of the HTML table the row belongs to; 0 for a text line
	text  string // a table row as printed (each cell once), for the record's text; "" for a text line
	flow  bool   // a row cut out of flowing text: its figures may have lost their separators
	// ocr tells how OCR read each cell of a table row, or each cell a text line
	// splits into; nil when the block was not read by OCR.
	ocr []*ocrRead
}

// line returns the block as the record's text shows it.
func (b block) line() string {
	if b.text != "" {
		return b.text
	}
	return strings.Join(b.cells, " | ")
}

var skipElements = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
	atom.Iframe: true, atom.Object: true, atom.Embed: true, atom.Svg: true, atom.Canvas: true,
	atom.Select: true, atom.Button: true, atom.Input: true, atom.Textarea: true, atom.Head: true,
	atom.Nav: true, atom.Header: true, atom.Footer: true, atom.Aside: true, atom.Audio: true, atom.Video: true,
}

// chromeTokens are class/id words that portals use for navigation, sharing, related
// links and footers; what they enclose is never part of the report.
var chromeTokens = map[string]bool{
	"nav": true, "navbar": true, "menu": true, "breadcrumb": true, "crumb": true, "crumbs": true,
	"share": true, "bdshare": true, "fenxiang": true, "related": true, "xglj": true, "relnews": true,
	"sidebar": true, "footer": true, "foot": true, "copyright": true, "toolbar": true,
	"position": true, "location": true, "dqwz": true, "weizhi": true, "links": true, "friendlink": true,
	"yqlj": true, "header": true, "head": true, "topbar": true, "search": true, "print": true,
	"attachment": true, "fujian": true, "fjxz": true, "pagination": true, "page": true, "pages": true,
	"qrcode": true, "ewm": true, "function": true, "gotop": true, "skip": true,
}

func isChrome(n *html.Node) bool {
	if skipElements[n.DataAtom] {
		return true
	}
	for _, a := range n.Attr {
		switch a.Key {
		case "hidden":
			return true
		case "style":
			if hidesElement(a.Val) {
				return true
			}
		case "role":
			if a.Val == "navigation" || a.Val == "banner" || a.Val == "contentinfo" {
				return true
			}
		case "class", "id":
			if hasChromeToken(a.Val) {
				return true
			}
		}
	}
	return false
}

// hasChromeToken looks for a chrome word among the words of a class or id
// (split on spaces, - and _), without allocating for the common case.
func hasChromeToken(v string) bool {
	start := 0
	for i := 0; i <= len(v); i++ {
		if i == len(v) || v[i] == ' ' || v[i] == '_' || v[i] == '-' || v[i] == '\t' {
			if i > start {
				tok := v[start:i]
				if chromeTokens[strings.ToLower(tok)] {
					return true
				}
			}
			start = i + 1
		}
	}
	return false
}

func attr(n *html.Node, key string) string {
	v, _ := findAttr(n, key)
	return v
}

// readHTML parses a page and reduces it to a document.
func readHTML(text string) (*document, error) {
	root, warning, err := ParseHTML(text)
	if err != nil {
		return nil, err
	}
	d := &document{meta: map[string]string{}}
	if warning != "" {
		d.warnings = append(d.warnings, warning)
	}
	s := &scorer{score: map[*html.Node]int{}, tables: map[*html.Node]int{}, chrome: map[*html.Node]bool{}}
	var body *html.Node
	var visit func(n *html.Node)
	visit = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			switch c.DataAtom {
			case atom.Meta:
				if name := strings.ToLower(attr(c, "name")); name != "" {
					d.meta[name] = strings.TrimSpace(attr(c, "content"))
				} else if p := strings.ToLower(attr(c, "property")); p != "" {
					d.meta[p] = strings.TrimSpace(attr(c, "content"))
				}
			case atom.Title:
				if d.htmlTitle == "" {
					d.htmlTitle = tidyLine(textOf(c))
				}
			case atom.Body:
				if body == nil {
					body = c
				}
			case atom.H1, atom.H2, atom.H3:
				d.addHeading(c)
			default:
				if strings.Contains(strings.ToLower(attr(c, "class")+" "+attr(c, "id")), "title") {
					d.addHeading(c)
				}
			}
			if c.DataAtom == atom.Script || c.DataAtom == atom.Style {
				continue
			}
			visit(c)
		}
	}
	visit(root)
	if body == nil {
		body = root
	}
	s.measure(body)
	article := s.article(body)
	w := &walker{d: d, article: article, chrome: s.chrome}
	w.walk(body, false)
	w.flush()
	return d, nil
}

func (d *document) addHeading(n *html.Node) {
	if len(d.headings) >= 50 {
		return
	}
	t := tidyLine(textOf(n))
	if t != "" && utf8.RuneCountInString(t) <= 120 {
		d.headings = append(d.headings, t)
	}
}

// scorer finds the article: the element holding most of the page's non-link text
// and every statistics table, descending from <body> for as long as one child keeps
// nearly all of it.
type scorer struct {
	score  map[*html.Node]int  // runes of non-link text, chrome excluded
	tables map[*html.Node]int  // statistics-looking tables inside
	chrome map[*html.Node]bool // the chrome elements measure met, so that the walk need not test them again
}

func (s *scorer) measure(n *html.Node) (text, link, tables int) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch c.Type {
		case html.TextNode:
			text += countVisible(c.Data)
		case html.ElementNode:
			if isChrome(c) {
				s.chrome[c] = true
				continue
			}
			t, l, tb := s.measure(c)
			if c.DataAtom == atom.A {
				l = t
			}
			text, link, tables = text+t, link+l, tables+tb
		}
	}
	if n.DataAtom == atom.Table && looksStatistical(n) {
		tables++ // a table counts for itself, so a layout table holding one counts once
	}
	// Elements with little text never hold the article; leaving them out keeps
	// the maps small (a Word page has thousands of styled spans).
	if text-link >= 50 {
		s.score[n] = text - link
	}
	if tables > 0 {
		s.tables[n] = tables
	}
	return text, link, tables
}

func (s *scorer) article(body *html.Node) *html.Node {
	cur := body
	for {
		var best *html.Node
		for c := cur.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode && !s.chrome[c] && (best == nil || s.score[c] > s.score[best]) {
				best = c
			}
		}
		if best == nil || s.score[best] == 0 || s.score[best]*10 < s.score[cur]*7 || s.tables[best] < s.tables[cur] {
			return cur
		}
		cur = best
	}
}

func countVisible(s string) int {
	n := 0
	for _, r := range s {
		if !isSpace(r) {
			n++
		}
	}
	return n
}

// looksStatistical tells a table of figures about disclosure from a layout table,
// a calendar or the 索引号 block of document metadata: it names what the report
// counts and prints at least four figures.
func looksStatistical(t *html.Node) bool {
	txt := textOf(t)
	named := false
	for _, w := range []string{"申请", "复议", "诉讼", "规章", "指标", "数量", "件数"} {
		if strings.Contains(txt, w) {
			named = true
			break
		}
	}
	if !named {
		return false
	}
	figures := 0
	var rec func(*html.Node) bool
	rec = func(n *html.Node) bool {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			if (c.DataAtom == atom.Td || c.DataAtom == atom.Th) && readValue(textOf(c)).kind == report.KindNumber {
				if figures++; figures >= 4 {
					return true
				}
				continue
			}
			if rec(c) {
				return true
			}
		}
		return false
	}
	return rec(t)
}

func isHidden(n *html.Node) bool {
	for _, a := range n.Attr {
		if a.Key == "hidden" || a.Key == "style" && hidesElement(a.Val) {
			return true
		}
	}
	return false
}

// hidesElement reads a style attribute for display:none or visibility:hidden. It
// lowers and searches the style only when one of those properties is named at all:
// Word pages carry long styles on every element.
func hidesElement(style string) bool {
	// Both property names end in y: one fast search for it (and Y), then a look
	// at what precedes each.
	for _, y := range []byte{'y', 'Y'} {
		for i := 0; ; i++ {
			j := strings.IndexByte(style[i:], y)
			if j < 0 {
				break
			}
			i += j
			if i >= 6 && strings.EqualFold(style[i-6:i+1], "display") || i >= 9 && strings.EqualFold(style[i-9:i+1], "visibility") {
				s := strings.ReplaceAll(strings.ToLower(style), " ", "")
				return strings.Contains(s, "display:none") || strings.Contains(s, "visibility:hidden")
			}
		}
	}
	return false
}

func findAttr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

func isBlockElement(a atom.Atom) bool {
	switch a {
	case atom.Address, atom.Article, atom.Aside, atom.Blockquote, atom.Center, atom.Dd, atom.Details,
		atom.Dialog, atom.Dir, atom.Div, atom.Dl, atom.Dt, atom.Fieldset, atom.Figcaption, atom.Figure,
		atom.Footer, atom.Form, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Header,
		atom.Hgroup, atom.Hr, atom.Li, atom.Main, atom.Menu, atom.Nav, atom.Ol, atom.P, atom.Pre,
		atom.Section, atom.Summary, atom.Table, atom.Tbody, atom.Thead, atom.Tfoot, atom.Tr, atom.Td,
		atom.Th, atom.Ul, atom.Caption, atom.Title:
		return true
	}
	return false
}

// walker emits the page's lines and table rows in reading order.
type walker struct {
	d       *document
	chrome  map[*html.Node]bool // the elements measure found to be chrome; nil: test each
	article *html.Node
	line    strings.Builder
	inside  bool // the line being built is inside the article
	tables  int
}

// isChrome tells chrome elements as measure found them; measure reached every
// element the walk reaches (chrome ends both descents).
func (w *walker) isChrome(n *html.Node) bool {
	if w.chrome != nil {
		return w.chrome[n]
	}
	return isChrome(n)
}

func (w *walker) flush() {
	t := tidyLine(w.line.String())
	w.line.Reset()
	if t == "" {
		return
	}
	if w.inside {
		w.d.blocks = append(w.d.blocks, block{cells: []string{t}})
	} else if len(w.d.outside) < 2000 {
		w.d.outside = append(w.d.outside, t)
	}
}

func (w *walker) walk(n *html.Node, inside bool) {
	if n == w.article {
		inside = true
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch c.Type {
		case html.TextNode:
			if w.inside != inside {
				w.flush()
				w.inside = inside
			}
			w.line.WriteString(c.Data)
		case html.ElementNode:
			if w.isChrome(c) && c != w.article {
				continue
			}
			switch {
			case c.DataAtom == atom.Br || c.DataAtom == atom.Hr:
				w.flush()
			case c.DataAtom == atom.Pre:
				w.flush()
				w.inside = inside || c == w.article
				for _, l := range strings.Split(textWithNewlines(c), "\n") {
					w.line.WriteString(l)
					w.flush()
				}
			case c.DataAtom == atom.Table && (inside || c == w.article) && w.table(c):
			case isBlockElement(c.DataAtom):
				w.flush()
				w.walk(c, inside)
				w.flush()
			default:
				w.walk(c, inside)
			}
		}
	}
}

type gridCell struct {
	text    string
	colCopy bool     // a copy made by colspan: not a cell of its own
	rowCopy bool     // a copy made by rowspan from a row above
	ocr     *ocrRead // how OCR read the cell, if it did
}

// table lays the table out as the grid a browser draws and emits its rows. It
// declines a table used to lay out the page (tables inside it, or cells holding
// whole paragraphs), which is then read as running text.
func (w *walker) table(t *html.Node) bool {
	var rows [][]*html.Node
	var caption string
	var collect func(*html.Node)
	collect = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			switch c.DataAtom {
			case atom.Tr:
				var cells []*html.Node
				for td := c.FirstChild; td != nil; td = td.NextSibling {
					if td.Type == html.ElementNode && (td.DataAtom == atom.Td || td.DataAtom == atom.Th) {
						cells = append(cells, td)
					}
				}
				rows = append(rows, cells)
			case atom.Thead, atom.Tbody, atom.Tfoot:
				collect(c)
			case atom.Caption:
				caption = tidyLine(textOf(c))
			}
		}
	}
	collect(t)
	texts := make([][]string, len(rows))
	for i, cells := range rows {
		texts[i] = make([]string, len(cells))
		for j, td := range cells {
			text, nested := cellText(td)
			if nested || utf8.RuneCountInString(text) > 300 {
				return false
			}
			texts[i][j] = text
		}
	}
	w.flush()
	w.tables++
	if caption != "" {
		w.d.blocks = append(w.d.blocks, block{cells: []string{caption}})
	}
	type span struct {
		left int
		cell gridCell
	}
	var spans []span
	budget := maxGridCells
	for ri, tds := range rows {
		var row []gridCell
		col := 0
		fillSpans := func() {
			for col < len(spans) && spans[col].left > 0 {
				row = append(row, spans[col].cell)
				spans[col].left--
				col++
			}
		}
		for ti, td := range tds {
			fillSpans()
			cs := clampAttr(td, "colspan", maxColspan)
			rs := clampAttr(td, "rowspan", maxRowspan)
			if rs == 0 || ri+rs > len(rows) { // rowspan=0 spans to the end of the table
				rs = len(rows) - ri
			}
			text := texts[ri][ti]
			for k := 0; k < cs && col < maxGridColumns; k++ {
				cell := gridCell{text: text, colCopy: k > 0}
				row = append(row, cell)
				for len(spans) <= col {
					spans = append(spans, span{})
				}
				if rs > 1 {
					copyCell := cell
					copyCell.rowCopy = true
					spans[col] = span{left: rs - 1, cell: copyCell}
				} else {
					spans[col] = span{}
				}
				col++
			}
		}
		fillSpans()
		budget -= len(row)
		if budget < 0 {
			w.d.warnings = append(w.d.warnings, "table "+strconv.Itoa(w.tables)+" is too large; rows after "+strconv.Itoa(ri)+" not read")
			return true
		}
		w.emitRow(row)
	}
	return true
}

// emitRow keeps each cell once: column-span copies are dropped (a figure spread
// over two columns is one figure), row-span copies of labels are kept so every row
// carries its group heading, and row-span copies of figures are dropped, because
// repeating a figure into the next row would invent one.
func (w *walker) emitRow(row []gridCell) {
	cells := make([]string, 0, len(row))
	var printed []string
	var ocr []*ocrRead
	for _, c := range row {
		if c.colCopy || (c.rowCopy && isValueCell(c.text)) {
			continue
		}
		cells = append(cells, c.text)
		if c.ocr != nil && ocr == nil {
			ocr = make([]*ocrRead, len(cells)-1, len(row))
		}
		if ocr != nil {
			ocr = append(ocr, c.ocr)
		}
		if !c.rowCopy {
			printed = append(printed, c.text)
		}
	}
	if len(cells) == 0 {
		return
	}
	w.d.blocks = append(w.d.blocks, block{cells: cells, table: w.tables, text: strings.Join(printed, " | "), ocr: ocr})
}

func clampAttr(n *html.Node, key string, max int) int {
	v, ok := findAttr(n, key)
	if !ok {
		return 1
	}
	i, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || i < 0 {
		return 1
	}
	if i > max {
		return max
	}
	return i
}

// tidyLine collapses white space and drops the spaces that source formatting leaves
// between Chinese characters (see squeeze).
func tidyLine(s string) string { return squeeze(s, true) }

func isCJK(r rune) bool {
	return unicode.Is(unicode.Han, r) || (r >= 0x3000 && r <= 0x303f) || (r >= 0xff00 && r <= 0xffef) ||
		r == '“' || r == '”' || r == '‘' || r == '’'
}

// visibleText returns the text under n with <br> (and, with blocks, the bounds of
// block elements) written as sep; scripts, styles and hidden elements are left out.
// It also reports whether a table is nested inside n.
func visibleText(n *html.Node, sep byte, blocks bool) (string, bool) {
	nested := false
	var b strings.Builder
	var rec func(*html.Node)
	rec = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch c.Type {
			case html.TextNode:
				b.WriteString(c.Data)
			case html.ElementNode:
				if c.DataAtom == atom.Script || c.DataAtom == atom.Style || isHidden(c) {
					continue
				}
				nested = nested || c.DataAtom == atom.Table
				block := blocks && isBlockElement(c.DataAtom)
				if c.DataAtom == atom.Br || block {
					b.WriteByte(sep)
				}
				rec(c)
				if block {
					b.WriteByte(sep)
				}
			}
		}
	}
	rec(n)
	return b.String(), nested
}

// textOf returns the visible text under n, whitespace collapsed.
func textOf(n *html.Node) string {
	t, _ := visibleText(n, ' ', true)
	return collapseSpace(t)
}

// textWithNewlines returns the text under n keeping its line breaks (for <pre>).
func textWithNewlines(n *html.Node) string {
	t, _ := visibleText(n, '\n', false)
	return t
}

// cellText returns a cell's text, and whether a table is nested in it.
func cellText(td *html.Node) (string, bool) {
	t, nested := visibleText(td, ' ', true)
	return tidyLine(t), nested
}
