package parse

import (
	"bytes"
	"cmp"
	"fmt"
	"image"
	_ "image/gif" // pictures of report pages come as GIF too
	_ "image/jpeg"
	_ "image/png"
	"math"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	_ "golang.org/x/image/bmp"
	_ "golang.org/x/image/tiff"
	_ "golang.org/x/image/webp"

	"gongkai/parse/internal/scan"
)

// Bounds of the OCR of one document: a scan of a report has 5 to 30 pages and
// takes seconds a page; a 200-page scan or a poster-sized picture is cut.
const (
	maxScanPages   = 40
	scanTimeout    = 15 * time.Minute // for all the pages of one document
	maxImagePixels = 80_000_000       // a larger picture is not decoded (it would take gigabytes)
)

// ocrSlot lets one document at a time be read by OCR in the process: a page
// image, its copies and Tesseract take a few hundred megabytes.
var ocrSlot = make(chan struct{}, 1)

// scanReader reads pages by OCR into a document, within the document's bounds.
type scanReader struct {
	engine   *tesseract
	d        *document
	deadline time.Time
	tried    int // pages given to the OCR
}

// findOCR finds the OCR engine; the fuzz targets, which explore the readers of
// documents rather than Tesseract, replace it.
var findOCR = findTesseract

func newScanReader(d *document) (*scanReader, error) {
	t, err := findOCR()
	if err != nil {
		return nil, err
	}
	return &scanReader{engine: t, d: d, deadline: time.Now().Add(scanTimeout)}, nil
}

// more says whether the document's bounds let another page be read.
func (s *scanReader) more() bool { return s.stopped() == "" }

// stopped says which bound stops the reading, or "".
func (s *scanReader) stopped() string {
	switch {
	case s.tried >= maxScanPages:
		return fmt.Sprintf("at most %d pages of a document are read by OCR", maxScanPages)
	case time.Now().After(s.deadline):
		return fmt.Sprintf("at most %v is spent reading a document by OCR", scanTimeout)
	}
	return ""
}

// page reads one page image and emits its lines and tables into the document; a
// page that cannot be read is named in a warning.
func (s *scanReader) page(p scanPage) {
	s.tried++
	ocrSlot <- struct{}{}
	items, warnings, err := readScanPage(s.engine, p)
	<-ocrSlot
	s.d.warnings = append(s.d.warnings, warnings...)
	if err != nil {
		s.d.warnings = append(s.d.warnings, fmt.Sprintf("page %d not read by OCR: %v", p.page, err))
		return
	}
	s.d.ocrPages++
	emitScan(s.d, items, float64(p.img.Rect.Dy())*p.pointsPerPixel())
}

// readImage reads a picture of a report page (JPEG, PNG, TIFF, GIF, BMP, WebP).
func readImage(data []byte) (*document, error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	if px := cfg.Width * cfg.Height; px > maxImagePixels || cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, fmt.Errorf("a %s picture of %d×%d pixels, more than the %d million read", format, cfg.Width, cfg.Height, maxImagePixels/1_000_000)
	}
	d := &document{meta: map[string]string{}}
	s, err := newScanReader(d)
	if err != nil {
		return nil, err
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	g := scan.Gray(img)
	if px := g.Rect.Dx() * g.Rect.Dy(); px > maxScanPixels {
		g = scan.Shrink(g, int(math.Ceil(math.Sqrt(float64(px)/maxScanPixels))))
	}
	s.page(scanPage{img: g, dpi: pictureDPI(g), page: 1})
	if d.ocrPages == 0 {
		return nil, fmt.Errorf("the picture could not be read by OCR: %s", strings.Join(d.warnings, "; "))
	}
	return d, nil
}

// pictureDPI guesses a picture's resolution from its size, taking it for an A4
// page (a photograph's stated resolution is that of the camera, not the page's).
func pictureDPI(g *image.Gray) float64 {
	long := float64(max(g.Rect.Dx(), g.Rect.Dy()))
	return min(600, max(100, long/11.69))
}

// emitScan emits a page's lines and tables into the document, as the PDF layout
// does: headings (lines set larger than the body) are kept for the title, a
// heading that wraps is joined, page numbers in the margins are left out. pageH
// is the page's height in points.
func emitScan(d *document, items []scanItem, pageH float64) {
	var sizes []float64
	for _, it := range items {
		if it.grid == nil {
			sizes = append(sizes, it.size)
		}
	}
	body := median(sizes)
	for i := 0; i < len(items); i++ {
		it := items[i]
		if it.grid != nil {
			d.addTable(it.grid)
			continue
		}
		if (it.top < pageH*0.08 || it.top > pageH*0.92) && pageNumber.MatchString(it.line) {
			continue
		}
		heading := it.size > body*1.3
		for heading && i+1 < len(items) && items[i+1].grid == nil && items[i+1].size > body*1.3 &&
			items[i+1].top-it.top < it.size*2 && !strings.Contains(it.line+items[i+1].line, "\t") {
			i++
			it.line = joinWrapped(it.line, items[i].line)
			it.ocr = nil
		}
		if heading && len(d.headings) < 50 {
			d.headings = append(d.headings, tidyLine(repairTitle(it.line)))
		}
		line := tidyCells(repairTitle(it.line))
		if line == "" {
			continue
		}
		b := block{cells: []string{line}}
		if len(it.ocr) == strings.Count(line, "\t")+1 {
			b.ocr = it.ocr
		}
		d.blocks = append(d.blocks, b)
	}
}

// scanItem is a line or a table of a page read by OCR, placed by its top edge in
// points.
type scanItem struct {
	top  float64
	size float64 // a line's height
	line string  // cells parted by tabs
	ocr  []*ocrRead
	grid [][]gridCell
}

func sortItems(items []scanItem) {
	slices.SortStableFunc(items, func(a, b scanItem) int { return cmp.Compare(a.top, b.top) })
}

// reportSuffix is how every report's title ends.
const reportSuffix = "政府信息公开工作年度报告"

// repairTitle mends an OCR misreading of a character or two in the fixed words
// that end a report's title (政府信言息公开工作年度报告), so that the title is
// recognised; the rest of the line (the body's name, the year) is left as read.
func repairTitle(line string) string {
	if utf8.RuneCountInString(line) > 80 {
		return line
	}
	if strings.Contains(line, reportSuffix) {
		return dropSpecks(line)
	}
	// A title wrapped over two lines whose second, 年度报告 set alone and large,
	// OCR garbled (年庆吕和): the first line ends the fixed words up to 工作, and
	// four characters from 年 stand where 年度报告 is printed.
	if head, tail, ok := strings.Cut(line, "政府信息公开工作"); ok && head != "" {
		if t := []rune(tail); len(t) == 4 && t[0] == '年' && !strings.ContainsAny(tail, "要点计划总结") {
			return head + reportSuffix
		}
	}
	rs := []rune(dropSpecks(line))
	want := []rune(reportSuffix)
	for start := 0; start < len(rs); start++ {
		if rs[start] != '政' {
			continue
		}
		for end := start + len(want) - 2; end <= min(len(rs), start+len(want)+2); end++ {
			if end <= start || rs[end-1] != '告' {
				continue
			}
			if editDistance(rs[start:end], want) <= 2 {
				return string(rs[:start]) + reportSuffix + string(rs[end:])
			}
		}
	}
	return line
}

// dropSpecks removes from a title the points that stand between a character
// and a character or a digit (建设局.2022年度): a speck of the scan read as
// punctuation, which no title holds there.
func dropSpecks(title string) string {
	rs := []rune(title)
	out := rs[:0:0]
	for i, r := range rs {
		if strings.ContainsRune(".·,'`", r) && i > 0 && i+1 < len(rs) && isCJK(rs[i-1]) && (isCJK(rs[i+1]) || unicode.IsDigit(rs[i+1])) {
			continue
		}
		out = append(out, r)
	}
	return string(out)
}

func editDistance(a, b []rune) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
