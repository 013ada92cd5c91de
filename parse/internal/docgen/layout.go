package main

import (
	"bytes"
	"strconv"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"

	"gongkai/parse/internal/pdfgen"
)

// Page geometry and type sizes of the laid-out PDF, in points.
const (
	margin     = 56.0
	textSize   = 10.5
	textLead   = 18.0
	cellSize   = 7.5
	cellLead   = 9.5
	cellPad    = 1.5
	minColumn  = 20.0
	maxColumn  = 150.0
	pageBottom = 50.0
)

// tableStyle is how a layout sets its tables: with ruling lines or without (a
// table whose borders were turned off), where a cell's text sits in a row made
// taller by another cell's wrapped label, and how wide a column may grow (a
// narrow label column makes the long labels of table 3 wrap over several lines).
type tableStyle struct {
	unruled   bool
	valign    string // "top" (the default), "middle" or "bottom"
	maxColumn float64
}

// layoutPDF lays a report page out as a PDF in the GBK-EUC-H font (or Identity-H
// with a ToUnicode map): paragraphs as
// wrapped lines, tables as ruled grids with merged cells, as a simple report
// producer would.
func layoutPDF(page []byte, identity bool, style tableStyle) ([]byte, error) {
	r, err := charset.NewReader(bytes.NewReader(page), "text/html")
	if err != nil {
		return nil, err
	}
	root, err := html.Parse(r)
	if err != nil {
		return nil, err
	}
	if style.maxColumn == 0 {
		style.maxColumn = maxColumn
	}
	l := &layout{style: style}
	l.doc.Identity = identity
	l.newPage()
	l.walk(root)
	l.flush()
	return l.doc.Bytes(), nil
}

type layout struct {
	style tableStyle
	doc   pdfgen.Doc
	page  *pdfgen.Page
	y     float64 // baseline of the next line
	line  strings.Builder
}

func (l *layout) newPage() {
	l.page = l.doc.AddPage()
	l.y = l.page.H - margin
}

func (l *layout) width() float64 { return l.page.W - 2*margin }

func (l *layout) walk(n *html.Node) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch {
		case c.Type == html.TextNode:
			l.line.WriteString(c.Data)
		case c.Type != html.ElementNode || c.DataAtom == atom.Script || c.DataAtom == atom.Style || c.DataAtom == atom.Head:
		case c.DataAtom == atom.Table:
			l.flush()
			l.table(c)
		case c.DataAtom == atom.Br:
			l.flush()
		case c.DataAtom == atom.P || c.DataAtom == atom.Div || c.DataAtom == atom.H1 || c.DataAtom == atom.H2:
			l.flush()
			l.walk(c)
			l.flush()
		default:
			l.walk(c)
		}
	}
}

// flush writes the paragraph being collected, wrapped to the text width.
func (l *layout) flush() {
	text := strings.Join(strings.Fields(strings.NewReplacer("\u00a0", " ", "\ufeff", "").Replace(l.line.String())), " ")
	l.line.Reset()
	for _, line := range wrap(text, l.width(), textSize) {
		if l.y < pageBottom {
			l.newPage()
		}
		l.page.Text(margin, l.y, textSize, line)
		l.y -= textLead
	}
}

// wrap cuts text into lines no wider than width. A line is never left with one
// Chinese character: pdfium (WebAssembly) has no Chinese fonts to substitute for a
// non-embedded one, and drops a text object of a single such character, which the
// reader would then miss (see TestPDFLoneCharacterOfNonEmbeddedFont).
func wrap(text string, width, size float64) []string {
	var lines [][]rune
	var cur []rune
	for _, r := range text {
		if pdfgen.Advance(string(append(cur, r)), size) > width && len(cur) > 0 {
			lines = append(lines, cur)
			cur = nil
		}
		cur = append(cur, r)
	}
	if len(cur) > 0 {
		lines = append(lines, cur)
	}
	if n := len(lines); n > 1 && len(lines[n-1]) == 1 && len(lines[n-2]) > 2 {
		prev := lines[n-2]
		lines[n-1] = append([]rune{prev[len(prev)-1]}, lines[n-1]...)
		lines[n-2] = prev[:len(prev)-1]
	}
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = string(l)
	}
	return out
}

// cell is a table cell placed in the grid.
type cell struct {
	text             string
	row, col, rs, cs int
	lines            []string
}

func (l *layout) table(t *html.Node) {
	var cells []*cell
	occupied := map[[2]int]bool{}
	rows := 0
	var collect func(*html.Node)
	collect = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			if c.DataAtom != atom.Tr {
				collect(c)
				continue
			}
			col := 0
			for td := c.FirstChild; td != nil; td = td.NextSibling {
				if td.Type != html.ElementNode || td.DataAtom != atom.Td && td.DataAtom != atom.Th {
					continue
				}
				for occupied[[2]int{rows, col}] {
					col++
				}
				ce := &cell{text: textOf(td), row: rows, col: col, rs: span(td, "rowspan"), cs: span(td, "colspan")}
				for i := 0; i < ce.rs; i++ {
					for j := 0; j < ce.cs; j++ {
						occupied[[2]int{rows + i, col + j}] = true
					}
				}
				cells = append(cells, ce)
				col += ce.cs
			}
			rows++
		}
	}
	collect(t)
	cols := 0
	for k := range occupied {
		cols = max(cols, k[1]+1)
	}
	if cols == 0 {
		return
	}
	// Column widths: the widest single-column text, within bounds, scaled to fit.
	widths := make([]float64, cols)
	for i := range widths {
		widths[i] = minColumn
	}
	for _, c := range cells {
		if c.cs == 1 {
			widths[c.col] = max(widths[c.col], min(l.style.maxColumn, pdfgen.Advance(c.text, cellSize)+2*cellPad))
		}
	}
	total := 0.0
	for _, w := range widths {
		total += w
	}
	xs := make([]float64, cols+1)
	xs[0] = margin
	for i, w := range widths {
		xs[i+1] = xs[i] + w*l.width()/total
	}
	// Row heights: enough for every cell's wrapped text; a merged cell's text
	// that needs more than its rows give stretches its last row.
	heights := make([]float64, rows)
	for _, c := range cells {
		c.lines = wrap(c.text, xs[c.col+c.cs]-xs[c.col]-2*cellPad, cellSize)
		need := float64(max(1, len(c.lines)))*cellLead + 2*cellPad
		if c.rs == 1 {
			heights[c.row] = max(heights[c.row], need)
		}
	}
	for _, c := range cells {
		need := float64(max(1, len(c.lines)))*cellLead + 2*cellPad
		have := 0.0
		for i := c.row; i < c.row+c.rs && i < rows; i++ {
			have += heights[i]
		}
		if last := min(rows, c.row+c.rs) - 1; need > have {
			heights[last] += need - have
		}
	}
	// Rows are placed top-down; a page ends between two rows that no merged
	// cell joins.
	tops := make([]float64, rows+1)
	pages := make([]*pdfgen.Page, rows)
	y := l.y + textLead - textSize
	for r := 0; r < rows; r++ {
		if y-heights[r] < pageBottom && !joined(cells, r) {
			l.newPage()
			y = l.page.H - margin
		}
		tops[r], pages[r] = y, l.page
		y -= heights[r]
		tops[r+1] = y
	}
	for _, c := range cells {
		last := min(rows, c.row+c.rs) - 1
		p := pages[c.row]
		top, bottom := tops[c.row], tops[last]-heights[last]
		x0, x1 := xs[c.col], xs[c.col+c.cs]
		if !l.style.unruled {
			p.Line(x0, top, x1, top)
			p.Line(x0, bottom, x1, bottom)
			p.Line(x0, top, x0, bottom)
			p.Line(x1, top, x1, bottom)
		}
		// The room the cell's lines leave in its rows, above them.
		slack := top - bottom - 2*cellPad - float64(max(1, len(c.lines)))*cellLead
		switch l.style.valign {
		case "middle":
			top -= slack / 2
		case "bottom":
			top -= slack
		}
		for i, line := range c.lines {
			p.Text(x0+cellPad, top-cellPad-cellSize-float64(i)*cellLead, cellSize, line)
		}
	}
	l.y = y - textLead
}

// joined tells whether a merged cell spans from row r-1 into row r.
func joined(cells []*cell, r int) bool {
	for _, c := range cells {
		if c.row < r && c.row+c.rs > r {
			return true
		}
	}
	return false
}

func span(n *html.Node, key string) int {
	for _, a := range n.Attr {
		if a.Key == key {
			if v, err := strconv.Atoi(strings.TrimSpace(a.Val)); err == nil && v > 0 {
				return min(v, 100)
			}
		}
	}
	return 1
}

func textOf(n *html.Node) string {
	var b strings.Builder
	var rec func(*html.Node)
	rec = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch {
			case c.Type == html.TextNode:
				b.WriteString(c.Data)
			case c.Type == html.ElementNode && (c.DataAtom == atom.Br || c.DataAtom == atom.P):
				b.WriteByte(' ')
				rec(c)
			case c.Type == html.ElementNode:
				rec(c)
			}
		}
	}
	rec(n)
	return strings.Join(strings.Fields(strings.ReplaceAll(b.String(), "\u00a0", " ")), " ")
}

// scannedPDF is two pages of images and no text, as a scanner writes them.
func scannedPDF() []byte {
	var d pdfgen.Doc
	const w, h = 120, 170
	for n := 0; n < 2; n++ {
		gray := make([]byte, w*h)
		for i := range gray {
			gray[i] = 255
			if (i/w)%9 == 4 && i%w > 10 && i%w < w-10 {
				gray[i] = 40 // lines of "print"
			}
		}
		p := d.AddPage()
		p.Image(0, 0, p.W, p.H, w, h, gray)
	}
	return d.Bytes()
}
