package parse

import (
	"fmt"
	"image"
	"math"
	"regexp"
	"strings"
	"unicode/utf8"

	"gongkai/parse/internal/scan"
)

// ocrRead is how OCR read a cell: where it is and how sure the engine was. A
// reading with a problem is not used as a figure: the problem says why.
type ocrRead struct {
	page    int             // from 1
	box     image.Rectangle // pixels of the page image as read (deskewed)
	conf    float64         // 0–100
	problem string          // "" when the reading may be used
}

func (o *ocrRead) String() string {
	return fmt.Sprintf("page %d, box %d,%d,%d,%d", o.page, o.box.Min.X, o.box.Min.Y, o.box.Max.X, o.box.Max.Y)
}

// Thresholds of the cell reading.
const (
	// minFigureConf is the lowest confidence at which a figure is used. The
	// digit pass is sure of a clean digit (90 and more); below this it is
	// guessing between shapes.
	minFigureConf = 75
	// maxScanPixels caps a page image (about A3 at 300 dpi): a larger page or
	// picture is read at a lower resolution.
	maxScanPixels = 18_000_000
)

// scanPage is one page image to read: grey, with the resolution it stands at.
type scanPage struct {
	img  *image.Gray
	dpi  float64
	page int // from 1
}

// pointsPerPixel converts the page's pixels to the points the layout works in.
func (p scanPage) pointsPerPixel() float64 { return 72 / p.dpi }

// readScanPage reads one page image: it levels the page, finds its tables by
// their ruling lines and reads each cell in its place (labels as text, figures by
// a digits-only pass as well), and reads the rest of the page as text. It returns
// the page's lines and tables from the top, and what went wrong.
func readScanPage(t *tesseract, p scanPage) ([]scanItem, []string, error) {
	var warnings []string
	ink := scan.Otsu(p.img)
	if angle := scan.Skew(p.img, ink); math.Abs(angle) >= 0.1 {
		p.img = scan.Rotate(p.img, angle)
	}
	k := p.pointsPerPixel()
	px := func(pt float64) int { return int(math.Round(pt / k)) }
	hs, vs := scan.Rules(p.img, ink, px(20), px(14), max(2, px(1)))
	segs := make([]pdfSeg, 0, len(hs)+len(vs))
	for _, s := range append(hs, vs...) {
		segs = append(segs, pdfSeg{float64(s.X0) * k, float64(s.Y0) * k, float64(s.X1) * k, float64(s.Y1) * k})
	}
	if len(segs) > maxPageSegments*20 {
		// A photograph or a dark page: runs everywhere, and no table to find.
		segs = nil
		warnings = append(warnings, fmt.Sprintf("page %d: too dark or busy to find table rules in; read as text", p.page))
	}
	tables := findTables(segs)
	// The text pass reads the page cleaned of specks, without its tables.
	text := scan.Despeckle(p.img, ink, max(4, int(1.2/(k*k))))
	var items []scanItem
	for _, tb := range tables {
		grid, err := readScanTable(t, p, ink, tb)
		if err != nil {
			return nil, warnings, err
		}
		scan.Whiten(text, image.Rect(px(tb.xs[0])-2, px(tb.ys[0])-2, px(tb.xs[len(tb.xs)-1])+3, px(tb.ys[len(tb.ys)-1])+3))
		if len(grid) > 0 {
			items = append(items, scanItem{top: tb.ys[0], grid: grid})
		}
	}
	words, err := t.read([]*image.Gray{text}, ocrPass{lang: "chi_sim", psm: 3, dpi: int(p.dpi)})
	if err != nil {
		return nil, warnings, err
	}
	items = append(items, ocrLines(words[0], p)...)
	sortItems(items)
	return items, warnings, nil
}

// readScanTable reads the cells of a table found in the page image.
func readScanTable(t *tesseract, p scanPage, ink uint8, tb pdfTable) ([][]gridCell, error) {
	k := p.pointsPerPixel()
	px := func(pt float64) int { return int(math.Round(pt / k)) }
	cellOf := tb.regions()
	// The part of each region within its rules, cleaned of specks; a region
	// with no ink left is a blank cell.
	inset := max(3, px(1.5))
	minArea := max(4, int(1.2/(k*k))) // square points: less is a speck, or a point beside digits
	margin := px(6)
	boxes := map[*region]image.Rectangle{}
	var inked []*region
	var crops []*image.Gray
	for _, r := range cellOf {
		if _, seen := boxes[r]; seen {
			continue
		}
		b := image.Rect(px(tb.xs[r.left])+inset, px(tb.ys[r.top])+inset, px(tb.xs[r.right+1])-inset, px(tb.ys[r.bottom+1])-inset)
		boxes[r] = b
		if b.Dx() <= 2 || b.Dy() <= 2 {
			continue
		}
		if c := scan.Clean(scan.Crop(p.img, ink, b, 0), ink, minArea, margin); c != nil {
			inked = append(inked, r)
			crops = append(crops, c)
		}
	}
	// Pass one reads every cell as text; pass two reads again, digits only, the
	// cells that may hold a figure.
	texts, err := t.read(crops, ocrPass{lang: "chi_sim", psm: 6, dpi: int(p.dpi)})
	if err != nil {
		return nil, err
	}
	// A column or a row whose cells mostly read as figures holds figures: its
	// short cells are read as figures too, whatever the text pass made of them.
	colFigures, colCells, rowFigures, rowCells := map[int]int{}, map[int]int{}, map[int]int{}, map[int]int{}
	for i, r := range inked {
		figure := mayBeFigure(joinWords(texts[i]))
		if r.left == r.right {
			colCells[r.left]++
			if figure {
				colFigures[r.left]++
			}
		}
		if r.top == r.bottom {
			rowCells[r.top]++
			if figure {
				rowFigures[r.top]++
			}
		}
	}
	var figureCrops []*image.Gray
	var figureOf []int
	for i, r := range inked {
		text := joinWords(texts[i])
		inFigures := r.left == r.right && colFigures[r.left]*2 > colCells[r.left] ||
			r.top == r.bottom && rowFigures[r.top]*2 > rowCells[r.top]
		if mayBeFigure(text) || inFigures && utf8.RuneCountInString(text) <= 3 {
			figureOf = append(figureOf, i)
			figureCrops = append(figureCrops, crops[i])
		}
	}
	cells := map[*region]gridCell{}
	for i, r := range inked {
		text := joinWords(texts[i])
		cells[r] = gridCell{text: tidyLine(text), ocr: &ocrRead{page: p.page, box: boxes[r], conf: minConf(texts[i])}}
	}
	// The digit pass reads each line as a line; where it and the text pass do
	// not agree, another reads the cell as one word (or one character), and a
	// figure two readings agree on is used.
	first, err := readDigits(t, crops, texts, figureOf, nil, int(p.dpi))
	if err != nil {
		return nil, err
	}
	var again []int
	for _, i := range figureOf {
		if _, ok := decideFigure(cells[inked[i]], texts[i], first[i], nil); !ok {
			again = append(again, i)
		}
	}
	second, err := readDigits(t, crops, texts, again, first, int(p.dpi))
	if err != nil {
		return nil, err
	}
	for _, i := range figureOf {
		cells[inked[i]], _ = decideFigure(cells[inked[i]], texts[i], first[i], second[i])
	}
	// A label that spans rows whose figures stand in rows of their own is a
	// label whose dividing rule the scan lost (2.重复申请 and 3.要求提供公开出版物
	// read as one cell): which row it names cannot be told, so none is named and
	// the rows are left out.
	figure := map[*region]bool{}
	for _, i := range figureOf {
		figure[inked[i]] = true
	}
	cols := len(tb.xs) - 1
	for r, c := range cells {
		if figure[r] || r.bottom == r.top || r.right+1 >= cols {
			continue
		}
		ownRows := true
		for i := r.top; i <= r.bottom && ownRows; i++ {
			q := cellOf[i*cols+r.right+1]
			_, inkedCell := cells[q]
			ownRows = q.top == q.bottom && (figure[q] || !inkedCell)
		}
		if ownRows {
			c.text, c.ocr.problem = "", "a label over several rows of figures"
			cells[r] = c
		}
	}
	return tb.grid(cellOf, func(r *region) gridCell {
		if c, ok := cells[r]; ok {
			return c
		}
		// No ink: a blank cell, which is sure.
		return gridCell{ocr: &ocrRead{page: p.page, box: boxes[r], conf: 100}}
	}), nil
}

// readDigits reads the crops of the cells which (indexes of crops), digits only:
// a cell whose text reading shows a decimal point may have one. The first pass
// (before nil) reads each as a line; a second one as a word, or as a character
// where both readings so far saw at most one.
func readDigits(t *tesseract, crops []*image.Gray, texts [][]ocrWord, which []int, before map[int][]ocrWord, dpi int) (map[int][]ocrWord, error) {
	type batch struct {
		psm   int
		extra string // what the figure may have besides digits, as its text reading shows
	}
	groups := map[batch][]int{}
	var order []batch
	for _, i := range which {
		text := joinWords(texts[i])
		b := batch{psm: 7}
		for _, c := range []struct{ shown, allowed string }{{"-－−", "-"}, {",，", ","}, {".．", "."}} {
			if strings.ContainsAny(text, c.shown) {
				b.extra += c.allowed
			}
		}
		if before != nil {
			b.psm = 8
			if len(digitsOnly(lookalikeDigits(text))) <= 1 && len(digitsOnly(joinWords(before[i]))) <= 1 {
				b.psm = 10
			}
		}
		if groups[b] == nil {
			order = append(order, b)
		}
		groups[b] = append(groups[b], i)
	}
	out := map[int][]ocrWord{}
	for _, b := range order {
		imgs := make([]*image.Gray, len(groups[b]))
		for j, i := range groups[b] {
			imgs[j] = crops[i]
		}
		words, err := t.read(imgs, ocrPass{lang: "eng", psm: b.psm, digits: "0123456789" + b.extra, dpi: dpi})
		if err != nil {
			return nil, err
		}
		for j, i := range groups[b] {
			out[i] = words[j]
		}
	}
	return out, nil
}

// surePair is the confidence both digit readings need when the text pass saw no
// digit at all (the Chinese model reads a lone 1 as 工 or 丨).
const surePair = 85

// decideFigure decides a cell that may hold a figure from its readings: the text
// pass (Chinese model), and one or two digit-only passes (English model). A figure
// is used only when the text pass and a digit pass agree with confidence, or the
// two digit passes do and the text pass read no digit to contradict them; a dash
// or 无 is taken from the text pass. It reports whether the cell is decided.
func decideFigure(c gridCell, text, first, second []ocrWord) (gridCell, bool) {
	// A figure neither starts nor ends with a point: one there is a speck.
	t := strings.Trim(lookalikeDigits(joinWords(text)), ".")
	a, b := strings.Trim(lookalikeDigits(joinWords(first)), "."), strings.Trim(lookalikeDigits(joinWords(second)), ".")
	ca, cb := minConf(first), minConf(second)
	o := *c.ocr
	c.ocr = &o
	switch {
	case a == "" && b == "" && !strings.ContainsAny(t, "0123456789"):
		return c, true // not a figure after all (a dash, 无, a word): the text reading stands
	case strings.Contains(t, "无") && digitsOnly(t) == "" && max(ca, cb) < minFigureConf:
		// 无 is no shape a digit takes; the digit passes guessed at it.
		return c, true
	case a != "" && t == a && ca >= minFigureConf:
		c.text, c.ocr.conf = a, ca
		return c, true
	case b != "" && t == b && cb >= minFigureConf:
		c.text, c.ocr.conf = b, cb
		return c, true
	case a != "" && a == b && digitsOnly(t) == "" && ca >= surePair && cb >= surePair:
		c.text, c.ocr.conf = a, min(ca, cb)
		return c, true
	}
	readings := fmt.Sprintf("the text pass read %q, the digit pass %q (confidence %.0f)", t, a, ca)
	if second != nil || b != "" {
		readings += fmt.Sprintf(" and %q (%.0f)", b, cb)
	}
	c.ocr.problem = readings
	// Not used; the text shows the digits that were read, so that the row still
	// parts its labels from its figures.
	c.text = digitsOnly(a)
	if c.text == "" {
		c.text = digitsOnly(t)
	}
	c.ocr.conf = min(ca, c.ocr.conf)
	return c, false
}

func digitsOnly(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

var figureLike = regexp.MustCompile(`^[0-9０-９.,，．oO〇○DIl|/\\\-—–－_~一无]*$`)

// mayBeFigure says whether a cell's text reading could be a figure misread: short,
// and made of digits and the shapes the Chinese model reads digits as.
func mayBeFigure(text string) bool {
	text = strings.ReplaceAll(text, " ", "")
	return text != "" && utf8.RuneCountInString(text) <= 12 && figureLike.MatchString(text)
}

// lookalikeDigits reads the shapes that are digits in a cell that holds a figure.
func lookalikeDigits(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case 'o', 'O', '〇', '○', 'D':
			return '0'
		case 'I', 'l', '|':
			return '1'
		case ' ', ',', '，':
			return -1
		case '．':
			return '.'
		case '－', '−':
			return '-'
		}
		if r >= '０' && r <= '９' {
			return '0' + r - '０'
		}
		return r
	}, s)
}

func minConf(words []ocrWord) float64 {
	if len(words) == 0 {
		return 0
	}
	c := 100.0
	for _, w := range words {
		c = min(c, w.conf)
	}
	return c
}

// joinWords joins the words of a reading in order, with a space only between two
// words that are not Chinese at the join.
func joinWords(words []ocrWord) string {
	var b strings.Builder
	for i, w := range words {
		if i > 0 {
			last, _ := utf8.DecodeLastRuneInString(words[i-1].text)
			first, _ := utf8.DecodeRuneInString(w.text)
			if words[i-1].line != w.line && (isCJK(last) || isCJK(first)) {
				// a cell's text wrapped onto another line
			} else if !isCJK(last) && !isCJK(first) {
				b.WriteByte(' ')
			}
		}
		b.WriteString(w.text)
	}
	return b.String()
}

// ocrLines turns the words of the text pass into the page's lines, placed in
// points from the top. A line's cells are split where a gap of two line heights
// or more parts its words, as in a table laid out without rules; each cell keeps
// how it was read, so that a figure in such a line can be traced.
func ocrLines(words []ocrWord, p scanPage) []scanItem {
	k := p.pointsPerPixel()
	var items []scanItem
	for i := 0; i < len(words); {
		j := i + 1
		for j < len(words) && words[j].line == words[i].line {
			j++
		}
		line := words[i:j]
		i = j
		// The line's size is its words' median height and its top their median
		// top: the line's own box, and its first word, may be a stray mark.
		var heights, tops []float64
		for _, w := range line {
			heights = append(heights, float64(w.box.Dy()))
			tops = append(tops, float64(w.box.Min.Y))
		}
		h := int(median(heights))
		var cells []string
		var reads []*ocrRead
		start := 0
		for w := 1; w <= len(line); w++ {
			if w < len(line) && line[w].box.Min.X-line[w-1].box.Max.X < 2*h {
				continue
			}
			part := line[start:w]
			box := part[0].box
			for _, x := range part[1:] {
				box = box.Union(x.box)
			}
			cells = append(cells, tidyLine(joinWords(part)))
			reads = append(reads, &ocrRead{page: p.page, box: box, conf: minConf(part)})
			start = w
		}
		text := strings.Join(cells, "\t")
		if strings.TrimSpace(text) == "" {
			continue
		}
		top := median(tops) * k
		items = append(items, scanItem{top: top, line: text, size: float64(h) * k, ocr: reads})
	}
	return items
}
