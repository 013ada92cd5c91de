package parse

import (
	"fmt"
	"image"
	"math"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// Tolerances of the layout, in points.
const (
	lineSnap   = 2.5 // strokes this close are one ruling line; also how far a line may fall short of another and still meet it
	minRule    = 3.0 // shorter strokes are no ruling (tick marks, the ends of a thin rectangle)
	minScanned = 20  // fewer characters than this in a PDF with images: a scan
)

// layoutPDF turns the extracted pages into a document. total is the document's
// page count, of which the first len(pages) were read. Pages that are images
// without a text layer (all pages of a scan) are rendered by render and read by
// OCR, in their place among the others.
func layoutPDF(pages []pdfPage, total int, title string, render func(page int) (*image.Gray, float64, error)) (*document, error) {
	d := &document{meta: map[string]string{}}
	if t := tidyLine(title); t != "" {
		d.meta["title"] = t
	}
	chars, images := 0, 0
	for _, p := range pages {
		chars += len(p.chars)
		images += p.images
	}
	if chars == 0 && images == 0 {
		return nil, fmt.Errorf("%w on its %d pages", errNoText, total)
	}
	scanned := chars < minScanned // a scan: a few characters (a stamp's) do not make a text layer
	var imageOnly []int
	laid := make([]pageItems, len(pages))
	var heights []float64
	for i := range pages {
		p := &pages[i]
		if p.images > 0 && (len(p.chars) == 0 || scanned) {
			imageOnly = append(imageOnly, i)
			continue
		}
		laid[i] = tablesOf(p)
		for _, c := range laid[i].free {
			heights = append(heights, c.y1-c.y0)
		}
	}
	var sr *scanReader
	if len(imageOnly) > 0 {
		var err error
		if sr, err = newScanReader(d); err != nil && scanned {
			return nil, fmt.Errorf("%d pages of images: %w", total, err)
		} else if err != nil {
			d.warnings = append(d.warnings, fmt.Sprintf("PDF pages %s are images without a text layer (scanned?); not read: %v", joinInts(plusOne(imageOnly)), err))
		}
	}
	// The body's type size: that of paragraph lines, not of the tables' cells
	// (set smaller, and in a table without rules not inside any grid).
	var para []float64
	for i := range laid {
		for _, l := range textLines(laid[i].free, true) {
			if !strings.Contains(l.text, "\t") && utf8.RuneCountInString(l.text) >= 20 {
				para = append(para, l.size)
			}
		}
	}
	body := median(heights)
	if len(para) > 0 {
		body = median(para)
	}
	var unread []int
	for i := range laid {
		if !slices.Contains(imageOnly, i) {
			laid[i].emit(d, body)
			continue
		}
		if sr == nil {
			continue
		}
		if len(unread) > 0 || !sr.more() {
			unread = append(unread, i+1)
			continue
		}
		img, dpi, err := render(i)
		if err != nil {
			d.warnings = append(d.warnings, fmt.Sprintf("PDF page %d could not be rendered for OCR: %v", i+1, err))
			continue
		}
		sr.page(scanPage{img: img, dpi: dpi, page: i + 1})
	}
	if len(unread) > 0 {
		d.warnings = append(d.warnings, fmt.Sprintf("OCR stopped at page %d (%s); %d pages of images not read", unread[0], sr.stopped(), len(unread)))
	}
	if scanned && d.ocrPages == 0 && sr != nil {
		return nil, fmt.Errorf("%d pages of images, none read by OCR: %s", total, strings.Join(d.warnings, "; "))
	}
	if total > len(pages) {
		d.warnings = append(d.warnings, fmt.Sprintf("only the first %d of the PDF's %d pages read", len(pages), total))
	}
	return d, nil
}

func plusOne(ns []int) []int {
	out := make([]int, len(ns))
	for i, n := range ns {
		out[i] = n + 1
	}
	return out
}

func joinInts(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = fmt.Sprint(n)
	}
	return strings.Join(s, ", ")
}

func median(vs []float64) float64 {
	if len(vs) == 0 {
		return 0
	}
	vs = slices.Clone(vs)
	slices.Sort(vs)
	return vs[len(vs)/2]
}

// pdfItem is a line or a table of a page, placed by its top edge.
type pdfItem struct {
	top  float64
	line string
	grid [][]gridCell
}

// pageItems is a page with its tables laid out and the characters outside them.
type pageItems struct {
	h     float64
	items []pdfItem
	free  []pdfChar
}

// tablesOf finds the page's tables, where ruling lines form a grid (cells merged
// where a rule is missing), and fills them.
func tablesOf(p *pdfPage) pageItems {
	pi := pageItems{h: p.h, free: p.chars}
	for _, t := range findTables(p.segs) {
		var grid [][]gridCell
		grid, pi.free = t.fill(pi.free)
		if len(grid) > 0 {
			pi.items = append(pi.items, pdfItem{top: t.ys[0], grid: grid})
		}
	}
	return pi
}

// emit reads the rest of the page as lines of text and emits lines and tables in
// order from the top. body is the document's body text size.
func (pi pageItems) emit(d *document, body float64) {
	items := pi.items
	lines := textLines(pi.free, true)
	// The measure of the page's text: its left edge, and the right edge most
	// long lines reach (a line set wider than the measure must not move it).
	left, widest := math.Inf(1), 0.0
	for _, l := range lines {
		left, widest = min(left, l.left), max(widest, l.right-l.left)
	}
	var rights []float64
	for _, l := range lines {
		if l.right-l.left > widest/2 {
			rights = append(rights, l.right)
		}
	}
	right := median(rights)
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if (l.bottom < pi.h*0.08 || l.top > pi.h*0.92) && pageNumber.MatchString(l.text) {
			continue // a page number in the header or footer
		}
		// Lines that wrap are joined: a heading set larger than the body (a title
		// must be read whole), and a paragraph's line that fills the measure
		// followed by one that is not indented and opens no section.
		for ; i+1 < len(lines); i++ {
			next := lines[i+1]
			if abs(next.size-l.size) > l.size*0.15 || next.top-l.bottom > l.size*0.8 {
				break
			}
			heading := l.size > body*1.15
			wrapped := l.right >= right-1.5*l.size && next.left <= left+0.5*l.size &&
				!strings.Contains(l.text+next.text, "\t") && !sectionStart.MatchString(next.text)
			if !heading && !wrapped {
				break
			}
			l.text = joinWrapped(l.text, next.text)
			l.bottom, l.right = next.bottom, next.right
		}
		if l.size > body*1.3 && len(d.headings) < 50 {
			d.headings = append(d.headings, tidyLine(l.text))
		}
		items = append(items, pdfItem{top: l.top, line: l.text})
	}
	slices.SortStableFunc(items, func(a, b pdfItem) int {
		switch {
		case a.top < b.top:
			return -1
		case a.top > b.top:
			return 1
		}
		return 0
	})
	for _, it := range items {
		if it.grid != nil {
			d.addTable(it.grid)
		} else if l := tidyCells(it.line); l != "" {
			d.blocks = append(d.blocks, block{cells: []string{l}})
		}
	}
}

// lineSize is the median height of a line's Chinese characters (of all of them
// if it has none): Latin fonts beside a Chinese one have boxes of other heights.
func lineSize(chars []pdfChar) float64 {
	var all, cjk []float64
	for _, c := range chars {
		all = append(all, c.y1-c.y0)
		if isCJK(c.r) {
			cjk = append(cjk, c.y1-c.y0)
		}
	}
	if len(cjk) > 0 {
		return median(cjk)
	}
	return median(all)
}

// joinWrapped joins a line and the next one it wrapped into: Chinese text wraps
// anywhere and with no space, other text at a space.
func joinWrapped(a, b string) string {
	if a == "" || b == "" {
		return a + b
	}
	last, _ := utf8.DecodeLastRuneInString(a)
	first, _ := utf8.DecodeRuneInString(b)
	if isCJK(last) || isCJK(first) {
		return a + b
	}
	return a + " " + b
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}

var sectionStart = regexp.MustCompile(`^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[)）]|[0-9]+[.、．])`)

var pageNumber = regexp.MustCompile(`^[-—–－\s]*(?:第\s*)?[0-9０-９]+\s*(?:页)?\s*(?:(?:[/／]|共)\s*[0-9０-９]+\s*页?)?[-—–－\s]*$`)

// textLine is a line of characters as read, with its extent and the size of its
// type (mixed fonts make the extent taller).
type textLine struct {
	text                     string
	top, bottom, left, right float64
	size                     float64
}

// textLines groups characters into lines by their vertical centres and reads each
// line from left to right. A gap of a third of the line's height is a space; with
// cells set, a gap of two heights or more separates cells (a tab), as in a table
// laid out without rules.
func textLines(chars []pdfChar, cells bool) []textLine {
	if len(chars) == 0 {
		return nil
	}
	sorted := slices.Clone(chars)
	slices.SortFunc(sorted, func(a, b pdfChar) int {
		ca, cb := a.y0+a.y1, b.y0+b.y1
		switch {
		case ca < cb:
			return -1
		case ca > cb:
			return 1
		}
		return 0
	})
	var groups [][]pdfChar
	for _, c := range sorted {
		if n := len(groups); n > 0 {
			g := groups[n-1]
			first := g[0]
			if centre, h := (c.y0+c.y1)/2, max(first.y1-first.y0, c.y1-c.y0); centre-(first.y0+first.y1)/2 < h*0.5 {
				groups[n-1] = append(g, c)
				continue
			}
		}
		groups = append(groups, []pdfChar{c})
	}
	lines := make([]textLine, 0, len(groups))
	for _, g := range groups {
		slices.SortStableFunc(g, func(a, b pdfChar) int {
			switch {
			case a.x0 < b.x0:
				return -1
			case a.x0 > b.x0:
				return 1
			}
			return 0
		})
		var b strings.Builder
		l := textLine{top: g[0].y0, bottom: g[0].y1, left: g[0].x0, right: g[0].x1}
		for i, c := range g {
			l.top, l.bottom, l.right = min(l.top, c.y0), max(l.bottom, c.y1), max(l.right, c.x1)
			if i > 0 {
				prev := g[i-1]
				h := max(c.y1-c.y0, prev.y1-prev.y0)
				if c.r == prev.r && c.x0-prev.x0 < (prev.x1-prev.x0)*0.3 {
					continue // drawn twice, a little offset: fake bold
				}
				switch gap := c.x0 - prev.x1; {
				case cells && gap >= 2*h:
					b.WriteByte('\t')
				case gap >= h/3:
					b.WriteByte(' ')
				}
			}
			b.WriteRune(c.r)
		}
		l.text = b.String()
		l.size = lineSize(g)
		lines = append(lines, l)
	}
	return lines
}

// pdfTable is a grid of ruling lines: column edges xs and row edges ys, ascending,
// and the rules that run along each edge.
type pdfTable struct {
	xs, ys   []float64
	vAt, hAt [][]pdfSeg // vAt[j]: vertical rules at xs[j]; hAt[i]: horizontal rules at ys[i]
	hs, vs   []pdfSeg
}

// findTables joins the page's rules into grids: rules that touch belong to one
// table. A lone box (one cell) frames text but tabulates nothing.
func findTables(segs []pdfSeg) []pdfTable {
	var hs, vs []pdfSeg
	for _, s := range segs {
		switch {
		case s.y1-s.y0 < 1 && s.x1-s.x0 >= minRule:
			hs = append(hs, pdfSeg{s.x0, (s.y0 + s.y1) / 2, s.x1, (s.y0 + s.y1) / 2})
		case s.x1-s.x0 < 1 && s.y1-s.y0 >= minRule:
			vs = append(vs, pdfSeg{(s.x0 + s.x1) / 2, s.y0, (s.x0 + s.x1) / 2, s.y1})
		}
	}
	hs, vs = mergeRules(hs, true), mergeRules(vs, false)
	parent := make([]int, len(hs)+len(vs))
	for i := range parent {
		parent[i] = i
	}
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	for i, h := range hs {
		for j, v := range vs {
			if v.x0 >= h.x0-lineSnap && v.x0 <= h.x1+lineSnap && h.y0 >= v.y0-lineSnap && h.y0 <= v.y1+lineSnap {
				parent[find(i)] = find(len(hs) + j)
			}
		}
	}
	groups := map[int]*pdfTable{}
	var order []int
	for i := range parent {
		root := find(i)
		t := groups[root]
		if t == nil {
			t = &pdfTable{}
			groups[root] = t
			order = append(order, root)
		}
		if i < len(hs) {
			t.hs = append(t.hs, hs[i])
			t.ys = append(t.ys, hs[i].y0)
		} else {
			t.vs = append(t.vs, vs[i-len(hs)])
			t.xs = append(t.xs, vs[i-len(hs)].x0)
		}
	}
	var tables []pdfTable
	for _, root := range order {
		t := groups[root]
		t.xs, t.ys = snap(t.xs), snap(t.ys)
		cells := (len(t.xs) - 1) * (len(t.ys) - 1)
		if len(t.xs) < 2 || len(t.ys) < 2 || cells < 2 || cells > maxGridCells {
			continue
		}
		t.vAt, t.hAt = make([][]pdfSeg, len(t.xs)), make([][]pdfSeg, len(t.ys))
		for _, v := range t.vs {
			j := nearest(t.xs, v.x0)
			t.vAt[j] = append(t.vAt[j], v)
		}
		for _, h := range t.hs {
			i := nearest(t.ys, h.y0)
			t.hAt[i] = append(t.hAt[i], h)
		}
		tables = append(tables, *t)
	}
	return tables
}

// nearest returns the index of the edge closest to v.
func nearest(edges []float64, v float64) int {
	i, _ := slices.BinarySearch(edges, v)
	switch {
	case i == len(edges):
		return i - 1
	case i > 0 && v-edges[i-1] < edges[i]-v:
		return i - 1
	}
	return i
}

// mergeRules joins strokes on one line (within lineSnap) that touch or overlap into
// single rules: a rule is often drawn cell by cell.
func mergeRules(segs []pdfSeg, horizontal bool) []pdfSeg {
	pos := func(s pdfSeg) float64 {
		if horizontal {
			return s.y0
		}
		return s.x0
	}
	span := func(s pdfSeg) (float64, float64) {
		if horizontal {
			return s.x0, s.x1
		}
		return s.y0, s.y1
	}
	slices.SortFunc(segs, func(a, b pdfSeg) int {
		switch {
		case pos(a) < pos(b):
			return -1
		case pos(a) > pos(b):
			return 1
		}
		return 0
	})
	var out []pdfSeg
	for i := 0; i < len(segs); {
		j := i + 1
		for j < len(segs) && pos(segs[j])-pos(segs[j-1]) <= lineSnap {
			j++
		}
		group := segs[i:j]
		at := (pos(group[0]) + pos(group[len(group)-1])) / 2
		slices.SortFunc(group, func(a, b pdfSeg) int {
			a0, _ := span(a)
			b0, _ := span(b)
			switch {
			case a0 < b0:
				return -1
			case a0 > b0:
				return 1
			}
			return 0
		})
		from, to := span(group[0])
		flush := func() {
			if horizontal {
				out = append(out, pdfSeg{from, at, to, at})
			} else {
				out = append(out, pdfSeg{at, from, at, to})
			}
		}
		for _, s := range group[1:] {
			s0, s1 := span(s)
			if s0 <= to+lineSnap {
				to = max(to, s1)
				continue
			}
			flush()
			from, to = s0, s1
		}
		flush()
		i = j
	}
	return out
}

// snap sorts positions and merges those within lineSnap of each other.
func snap(vs []float64) []float64 {
	slices.Sort(vs)
	var out []float64
	for _, v := range vs {
		if n := len(out); n > 0 && v-out[n-1] <= lineSnap {
			continue
		}
		out = append(out, v)
	}
	return out
}

// ruled tells whether one of the rules covers the point mid along its length.
func ruled(rules []pdfSeg, horizontal bool, mid float64) bool {
	for _, s := range rules {
		if horizontal && s.x0-lineSnap <= mid && mid <= s.x1+lineSnap ||
			!horizontal && s.y0-lineSnap <= mid && mid <= s.y1+lineSnap {
			return true
		}
	}
	return false
}

// region is a cell of the table: the grid cells it covers, merged where rules are
// missing between them.
type region struct {
	top, left, bottom, right int
	chars                    []pdfChar
}

// fill lays the characters inside the table into its cells and returns the grid
// rows, with the characters outside it.
func (t pdfTable) fill(chars []pdfChar) ([][]gridCell, []pdfChar) {
	cellOf := t.regions()
	cols := len(t.xs) - 1
	var outside []pdfChar
	for _, c := range chars {
		x, y := (c.x0+c.x1)/2, (c.y0+c.y1)/2
		i, j := position(t.ys, y), position(t.xs, x)
		if i < 0 || j < 0 {
			outside = append(outside, c)
			continue
		}
		r := cellOf[i*cols+j]
		r.chars = append(r.chars, c)
	}
	grid := t.grid(cellOf, func(r *region) gridCell {
		var parts []string
		for _, l := range textLines(r.chars, false) {
			parts = append(parts, l.text)
		}
		text := ""
		for _, p := range parts {
			text = joinWrapped(text, p)
		}
		return gridCell{text: tidyLine(text)}
	})
	return grid, outside
}

// regions lays the table out in cells, merged where rules are missing between
// grid cells: cellOf[i*cols+j] is the region that covers grid cell (i, j).
func (t pdfTable) regions() []*region {
	rows, cols := len(t.ys)-1, len(t.xs)-1
	cellOf := make([]*region, rows*cols)
	for i := 0; i < rows; i++ {
		for j := 0; j < cols; j++ {
			if cellOf[i*cols+j] != nil {
				continue
			}
			r := &region{top: i, left: j, bottom: i, right: j}
			for r.right+1 < cols && cellOf[i*cols+r.right+1] == nil && !ruled(t.vAt[r.right+1], false, (t.ys[i]+t.ys[i+1])/2) {
				r.right++
			}
			for r.bottom+1 < rows && !t.ruledBelow(r) && t.freeRow(cellOf, r.bottom+1, r.left, r.right, cols) {
				r.bottom++
			}
			for a := r.top; a <= r.bottom; a++ {
				for b := r.left; b <= r.right; b++ {
					cellOf[a*cols+b] = r
				}
			}
		}
	}
	return cellOf
}

// grid returns the table's rows, reading each region once. A merged cell's text
// stands in its first grid cell; the others are its row- and column-span copies,
// as in an HTML table. Rows with no text are left out.
func (t pdfTable) grid(cellOf []*region, read func(*region) gridCell) [][]gridCell {
	rows, cols := len(t.ys)-1, len(t.xs)-1
	cells := map[*region]gridCell{}
	grid := make([][]gridCell, 0, rows)
	for i := 0; i < rows; i++ {
		row := make([]gridCell, cols)
		empty := true
		for j := 0; j < cols; j++ {
			r := cellOf[i*cols+j]
			c, ok := cells[r]
			if !ok {
				c = read(r)
				cells[r] = c
			}
			c.colCopy, c.rowCopy = j != r.left, i != r.top
			row[j] = c
			empty = empty && c.text == ""
		}
		if !empty {
			grid = append(grid, row)
		}
	}
	return grid
}

// ruledBelow tells whether a rule closes the region at its bottom edge.
func (t pdfTable) ruledBelow(r *region) bool {
	for j := r.left; j <= r.right; j++ {
		if ruled(t.hAt[r.bottom+1], true, (t.xs[j]+t.xs[j+1])/2) {
			return true
		}
	}
	return false
}

// freeRow tells whether grid cells [left, right] of row i belong to no region yet.
func (t pdfTable) freeRow(cellOf []*region, i, left, right, cols int) bool {
	for j := left; j <= right; j++ {
		if cellOf[i*cols+j] != nil {
			return false
		}
	}
	return true
}

// position finds the interval of edges that holds v, or -1.
func position(edges []float64, v float64) int {
	if v < edges[0] || v >= edges[len(edges)-1] {
		return -1
	}
	i, _ := slices.BinarySearch(edges, v)
	if i < len(edges) && edges[i] == v {
		return i
	}
	return i - 1
}
