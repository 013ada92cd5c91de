package parse

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/klippa-app/go-pdfium/requests"

	"gongkai/report"

	"gongkai/parse/internal/pdfgen"
	"gongkai/parse/internal/scan"
)

// scanner says how a simulated scanner degrades a page: the resolution it scans
// at, how far the page lies askew, how much noise its sensor adds, and the JPEG
// quality it stores the page in; and what happened to the paper before: red
// seals stamped over it, a fold across it.
type scanner struct {
	dpi     float64
	skew    float64 // degrees, positive: the lines rise to the right
	noise   int     // the largest change of a pixel's grey
	specks  int     // dark specks (dust) per page
	quality int
	seed    uint64
	seals   []seal  // stamped on every page, which is then scanned in colour
	crease  float64 // points from the top of the page where it was folded; 0 for none
}

// seal is an official red seal (公章): a ring, a star and the body's name around
// it, stamped unevenly. Its centre and radius are in points of the page.
type seal struct{ x, y, r float64 }

// scanPages renders the PDF's pages as the scanner would and returns each as a
// JPEG with its size in pixels. Everything is seeded, so the same scan comes out
// every time.
func (s scanner) scanPages(t testing.TB, pdf []byte, pages int) [][]byte {
	t.Helper()
	rng := rand.New(rand.NewPCG(s.seed, 1))
	var out [][]byte
	for i := 0; i < pages; i++ {
		g, _, err := renderPDFPage(pdf, i, s.dpi, requests.RenderImageFormatGrayscale)
		if err != nil {
			t.Fatalf("rendering page %d: %v", i+1, err)
		}
		if s.crease > 0 {
			crease(g, s.crease*s.dpi/72, s.dpi)
		}
		g = scan.Rotate(g, -s.skew)
		// The sensor sees grey, or each colour where the page bears a seal.
		var page image.Image = g
		planes := [][]uint8{g.Pix}
		var colour *image.RGBA
		if len(s.seals) > 0 {
			colour = stamp(g, s.seals, s.dpi, rand.New(rand.NewPCG(s.seed, 2)))
			page, planes = colour, channels(colour)
		}
		for j := range g.Pix {
			d := rng.IntN(2*s.noise+1) - s.noise
			for _, p := range planes {
				p[j] = uint8(min(255, max(0, int(p[j])+d)))
			}
		}
		for range s.specks {
			x, y := rng.IntN(g.Rect.Dx()-3), rng.IntN(g.Rect.Dy()-3)
			for dy := range 2 {
				for dx := range 2 {
					v := uint8(rng.IntN(90))
					for _, p := range planes {
						p[(y+dy)*g.Stride+x+dx] = v
					}
				}
			}
		}
		if colour != nil {
			merge(colour, planes)
		}
		var b bytes.Buffer
		if err := jpeg.Encode(&b, page, &jpeg.Options{Quality: s.quality}); err != nil {
			t.Fatal(err)
		}
		out = append(out, b.Bytes())
	}
	return out
}

// crease darkens the page along a fold at row y, as a page folded for the post
// and flattened again scans: a sharp dark ridge, a soft band either side and a
// shadow below, running slightly aslant across the whole page.
func crease(g *image.Gray, y, dpi float64) {
	px := dpi / 72
	for row := 0; row < g.Rect.Dy(); row++ {
		for x := 0; x < g.Rect.Dx(); x++ {
			d := float64(row) - (y + float64(x)*math.Tan(0.3*math.Pi/180))
			dark := 60 * math.Exp(-(d*d)/(16*px*px))
			if math.Abs(d) < 0.6*px {
				dark += 110
			}
			if d > 0 {
				dark += 25 * math.Exp(-d/(12*px))
			}
			i := row*g.Stride + x
			g.Pix[i] = uint8(max(0, float64(g.Pix[i])-dark))
		}
	}
}

// stamp returns the page in colour with the seals stamped over it. Seal ink
// darkens what lies under it the way ink on paper does: black print stays
// black, the paper turns red, unevenly.
func stamp(g *image.Gray, seals []seal, dpi float64, rng *rand.Rand) *image.RGBA {
	c := image.NewRGBA(g.Rect)
	for i, v := range g.Pix {
		c.Pix[4*i], c.Pix[4*i+1], c.Pix[4*i+2], c.Pix[4*i+3] = v, v, v, 255
	}
	ink := [3]float64{205, 30, 40}
	px := dpi / 72
	for _, s := range seals {
		cx, cy, r := s.x*px, s.y*px, s.r*px
		// The body's name around the upper arc: each character a few strokes.
		var strokes [][4]float64
		for k := range 12 {
			a := math.Pi*(1.15+0.7*float64(k)/11) - math.Pi/2
			ox, oy := cx+0.72*r*math.Cos(a), cy+0.72*r*math.Sin(a)
			for range 4 {
				x0, y0 := ox+(rng.Float64()-0.5)*0.16*r, oy+(rng.Float64()-0.5)*0.16*r
				strokes = append(strokes, [4]float64{x0, y0, x0 + (rng.Float64()-0.5)*0.18*r, y0 + (rng.Float64()-0.5)*0.18*r})
			}
		}
		for y := int(cy - r - 2); y <= int(cy+r+2); y++ {
			for x := int(cx - r - 2); x <= int(cx+r+2); x++ {
				if !(image.Point{x, y}).In(c.Rect) {
					continue
				}
				dx, dy := float64(x)-cx, float64(y)-cy
				d := math.Hypot(dx, dy)
				on := d <= r && d >= r-3.4*px || inStar(dx/(0.3*r), dy/(0.3*r))
				for _, st := range strokes {
					on = on || segmentDistance(float64(x), float64(y), st) < 0.9*px
				}
				if !on {
					continue
				}
				a := 0.55 + 0.4*rng.Float64() // the stamp's uneven ink
				i := c.PixOffset(x, y)
				for ch := range 3 {
					c.Pix[i+ch] = uint8(float64(c.Pix[i+ch]) * (1 - a*(1-ink[ch]/255)))
				}
			}
		}
	}
	return c
}

// inStar says whether a point (in units of the star's radius, from its centre)
// lies in a five-pointed star pointing up: its outline alternates points at
// radius 1 and notches at 0.38, and a ray from the point crosses it an odd
// number of times.
func inStar(x, y float64) bool {
	var vx, vy [10]float64
	for k := range 10 {
		r, a := 1.0, float64(k)*math.Pi/5
		if k%2 == 1 {
			r = 0.38
		}
		vx[k], vy[k] = r*math.Sin(a), -r*math.Cos(a)
	}
	in := false
	for k := range 10 {
		j := (k + 9) % 10
		if (vy[k] > y) != (vy[j] > y) && x < (vx[j]-vx[k])*(y-vy[k])/(vy[j]-vy[k])+vx[k] {
			in = !in
		}
	}
	return in
}

// segmentDistance is how far point (x, y) lies from segment s (x0, y0, x1, y1).
func segmentDistance(x, y float64, s [4]float64) float64 {
	vx, vy := s[2]-s[0], s[3]-s[1]
	t := 0.0
	if l := vx*vx + vy*vy; l > 0 {
		t = max(0, min(1, ((x-s[0])*vx+(y-s[1])*vy)/l))
	}
	return math.Hypot(x-s[0]-t*vx, y-s[1]-t*vy)
}

// channels parts a colour page into its red, green and blue planes, indexed
// like a grey page's pixels; merge puts them back.
func channels(c *image.RGBA) [][]uint8 {
	n := len(c.Pix) / 4
	planes := [][]uint8{make([]uint8, n), make([]uint8, n), make([]uint8, n)}
	for i := range n {
		for ch := range 3 {
			planes[ch][i] = c.Pix[4*i+ch]
		}
	}
	return planes
}

func merge(c *image.RGBA, planes [][]uint8) {
	for ch, p := range planes {
		for i, v := range p {
			c.Pix[4*i+ch] = v
		}
	}
}

// scannedPDF rebuilds scanned pages into an image-only PDF of A4 pages.
func scannedPDF(t testing.TB, pages [][]byte) []byte {
	t.Helper()
	var d pdfgen.Doc
	for _, data := range pages {
		cfg, err := jpeg.DecodeConfig(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		p := d.AddPage()
		p.JPEG(0, 0, p.W, p.H, cfg.Width, cfg.Height, cfg.ColorModel != color.GrayModel, data)
	}
	return d.Bytes()
}

func jpegSize(t testing.TB, data []byte) image.Point {
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return image.Pt(cfg.Width, cfg.Height)
}

// figures flattens a want file's tables to table.row.column → value.
func (w fixtureWant) figures() map[string]float64 {
	out := map[string]float64{}
	for row, fields := range w.Table2 {
		for f, v := range fields {
			if n, ok := v.(float64); ok {
				out[report.CellRef(report.T2, row, f)] = n
			}
		}
	}
	for row, vals := range w.Table3 {
		cols := table3Cols7
		if len(vals) == 8 {
			cols = table3Cols8
		}
		for i, v := range vals {
			out[report.CellRef(report.T3, row, cols[i])] = float64(v)
		}
	}
	for group, vals := range w.Table4 {
		for i, v := range vals {
			out[report.CellRef(report.T4, group, table4Cols[i])] = float64(v)
		}
	}
	return out
}

// recordFigures flattens a record's tables the same way.
func recordFigures(rec *report.Record) map[string]float64 {
	out := map[string]float64{}
	for row, fields := range rec.Table2 {
		for f, v := range fields {
			if n, ok := v.(float64); ok {
				out[report.CellRef(report.T2, row, f)] = n
			}
		}
	}
	for row, cols := range rec.Table3 {
		for c, v := range cols {
			out[report.CellRef(report.T3, row, c)] = float64(v)
		}
	}
	for group, cols := range rec.Table4 {
		for c, v := range cols {
			out[report.CellRef(report.T4, group, c)] = float64(v)
		}
	}
	return out
}

// scanScore compares what OCR read of a scan with its original's figures: right,
// left out (each must be named in the record's left_out and its row in a
// warning), and wrong (another figure, or one the original does not have).
type scanScore struct {
	right, leftOut int
	wrong, silent  []string
}

func scoreScan(want fixtureWant, rec *report.Record) scanScore {
	var s scanScore
	got := recordFigures(rec)
	warnings := strings.Join(rec.Warnings, "\n")
	for ref, w := range want.figures() {
		g, ok := got[ref]
		parts := strings.SplitN(ref, ".", 3)
		switch {
		case !ok && slices.Contains(rec.LeftOut, ref) && named(warnings, parts[1]):
			s.leftOut++
		case !ok:
			s.silent = append(s.silent, ref)
		case math.Abs(g-w) > 1e-9:
			s.wrong = append(s.wrong, fmt.Sprintf("%s = %v, want %v", ref, g, w))
		default:
			s.right++
		}
	}
	wantAll := want.figures()
	for ref, g := range got {
		if _, ok := wantAll[ref]; !ok {
			s.wrong = append(s.wrong, fmt.Sprintf("%s = %v, not in the original", ref, g))
		}
	}
	sort.Strings(s.wrong)
	sort.Strings(s.silent)
	return s
}

// named says whether the warnings name a row (or group) key as a word.
func named(warnings, key string) bool {
	return regexp.MustCompile(`(^|[\s,:(])` + regexp.QuoteMeta(key) + `($|[\s,:)])`).MatchString(warnings)
}

// writeScan writes a scan as a file into $GONGKAI_WRITE_SCANS, when it is set: to
// read with gongkai parse or to serve to a crawl.
func writeScan(t testing.TB, name string, data []byte) {
	if dir := os.Getenv("GONGKAI_WRITE_SCANS"); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// The scans a test reads: few pages, since OCR takes seconds a page; the others
// are the benchmark's.
var scanFixtures = []struct {
	name, original, want string
	pages                int // of the original, from the first
	sc                   scanner
	picture              int      // read page N (from 1) alone as a JPEG picture instead of a PDF; 0 for the PDF
	holds                []string // the tables on the pages read: each of their figures is right or left out with a warning
}{
	{"hanweb-2021-labels.scan.pdf", "hanweb-2021-labels.pdf", "hanweb-2021-labels", 2,
		scanner{dpi: 200, skew: 0.8, noise: 12, specks: 300, quality: 70, seed: 1}, 0, []string{report.T2, report.T3, report.T4}},
	{"word-2019.p2.jpg", "word-2019.pdf", "word-2019", 5,
		scanner{dpi: 150, skew: -1.2, noise: 16, specks: 200, quality: 60, seed: 2}, 2, []string{report.T3}},
	// The first page of the benchmark's word-2019 scan at 200 dpi: its title
	// wrapped over two lines, and its text quoting 《…政府信息公开工作年度报告格式》.
	{"word-2019.p1.scan.pdf", "word-2019.pdf", "word-2019", 1,
		scanner{dpi: 200, skew: 1.1, noise: 12, specks: 300, quality: 70, seed: 6}, 0, nil},
	// What befalls paper reports, on page 2 of trs-2021-gbk (most of table 3),
	// pictured: two red seals stamped over its figures, a fold across its rows
	// and the page put on the scanner 3° askew; or scanned at 100 dpi.
	{"trs-2021-gbk.p2.sealed-folded-askew.jpg", "trs-2021-gbk.pdf", "trs-2021-gbk", 2,
		scanner{dpi: 200, skew: 3, noise: 10, specks: 150, quality: 75, seed: 7, seals: sealsOverTable3, crease: 281}, 2, []string{report.T3}},
	{"trs-2021-gbk.p2.100dpi.jpg", "trs-2021-gbk.pdf", "trs-2021-gbk", 2,
		scanner{dpi: 100, skew: 0.7, noise: 8, specks: 60, quality: 75, seed: 9}, 2, []string{report.T3}},
}

// sealsOverTable3 stand over the figures of trs-2021-gbk's table 3 on its page
// 2: 部分公开 to 保护第三方 in the middle columns, and the total column lower.
var sealsOverTable3 = []seal{{430, 260, 60}, {520, 600, 60}}

func TestScanFixtures(t *testing.T) {
	if _, err := findTesseract(); err != nil {
		t.Skipf("%v", err)
	}
	for _, fx := range scanFixtures {
		t.Run(fx.name, func(t *testing.T) {
			original, err := os.ReadFile(filepath.Join("testdata", "docs", fx.original))
			if err != nil {
				t.Fatal(err)
			}
			want := readWant(t, filepath.Join("testdata", fx.want+".want.json"))
			var data []byte
			if fx.picture > 0 {
				data = fx.sc.scanPages(t, original, fx.picture)[fx.picture-1]
			} else {
				data = scannedPDF(t, fx.sc.scanPages(t, original, fx.pages))
			}
			writeScan(t, fx.name, data)
			rec, err := Parse(Input{Name: fx.name, Data: data})
			if err != nil {
				t.Fatal(err)
			}
			if rec.Medium != report.MediumScan {
				t.Errorf("medium %q, want scan", rec.Medium)
			}
			if fx.picture == 0 {
				if rec.Title != *want.Title || rec.Year != *want.Year {
					t.Errorf("title %q year %d, want %q %d", rec.Title, rec.Year, *want.Title, *want.Year)
				}
			}
			s := scoreScan(want, rec)
			t.Logf("%s: %d figures right, %d left out, %d wrong", fx.name, s.right, s.leftOut, len(s.wrong))
			for _, w := range s.wrong {
				t.Errorf("wrong figure: %s", w)
			}
			for _, ref := range s.silent {
				if slices.Contains(fx.holds, strings.SplitN(ref, ".", 2)[0]) {
					t.Errorf("%s left out without a warning", ref)
				}
			}
			if s.right == 0 && len(fx.holds) > 0 {
				t.Errorf("no figure read; warnings %q", rec.Warnings)
			}
			for _, ref := range rec.LeftOut {
				if _, read := recordFigures(rec)[ref]; read {
					t.Errorf("%s is named as left out, and has a figure", ref)
				}
			}
			for _, c := range rec.Cells {
				if c.Read != report.ReadOCR || c.Page == 0 || len(c.Box) != 4 || c.Confidence < minFigureConf {
					t.Errorf("cell %s without its OCR provenance: %+v", c.Ref(), c)
				}
			}
			if testing.Verbose() {
				for _, w := range rec.Warnings {
					t.Log(w)
				}
			}
		})
	}
}

// benchScans are the scans the benchmark reads: every document fixture with
// tables, as scanners of different quality would make them, and pictures.
var benchScans = []struct {
	name, original, want string
	pages                int
	sc                   scanner
	picture              int
}{
	{"hanweb-2021-labels.300dpi.pdf", "hanweb-2021-labels.pdf", "hanweb-2021-labels", 3, scanner{dpi: 300, skew: 0.4, noise: 8, specks: 100, quality: 80, seed: 3}, 0},
	{"hanweb-2021-labels.200dpi.pdf", "hanweb-2021-labels.pdf", "hanweb-2021-labels", 3, scanner{dpi: 200, skew: 0.8, noise: 12, specks: 300, quality: 70, seed: 1}, 0},
	{"hanweb-2021-labels.150dpi.pdf", "hanweb-2021-labels.pdf", "hanweb-2021-labels", 3, scanner{dpi: 150, skew: -1.5, noise: 16, specks: 400, quality: 60, seed: 4}, 0},
	{"trs-2021-gbk.200dpi.pdf", "trs-2021-gbk.pdf", "trs-2021-gbk", 3, scanner{dpi: 200, skew: -0.7, noise: 12, specks: 300, quality: 70, seed: 5}, 0},
	{"word-2019.200dpi.pdf", "word-2019.pdf", "word-2019", 5, scanner{dpi: 200, skew: 1.1, noise: 12, specks: 300, quality: 70, seed: 6}, 0},
	{"word-2019.p2.jpg", "word-2019.pdf", "word-2019", 5, scanner{dpi: 150, skew: -1.2, noise: 16, specks: 200, quality: 60, seed: 2}, 2},
	// Page 2 of trs-2021-gbk pictured after each thing that befalls paper, alone.
	{"trs-2021-gbk.p2.seals.jpg", "trs-2021-gbk.pdf", "trs-2021-gbk", 2, scanner{dpi: 200, skew: 0.6, noise: 10, specks: 150, quality: 75, seed: 11, seals: sealsOverTable3}, 2},
	{"trs-2021-gbk.p2.folded.jpg", "trs-2021-gbk.pdf", "trs-2021-gbk", 2, scanner{dpi: 200, skew: -0.5, noise: 10, specks: 150, quality: 75, seed: 12, crease: 281}, 2},
	{"trs-2021-gbk.p2.askew3.jpg", "trs-2021-gbk.pdf", "trs-2021-gbk", 2, scanner{dpi: 200, skew: 3, noise: 10, specks: 150, quality: 75, seed: 13}, 2},
	{"trs-2021-gbk.p2.100dpi.jpg", "trs-2021-gbk.pdf", "trs-2021-gbk", 2, scanner{dpi: 100, skew: 0.7, noise: 8, specks: 60, quality: 75, seed: 9}, 2},
}

// BenchmarkScans reads each scan once and reports what OCR made of its figures
// against the original's (wrong must stay 0), the time per page and the peak
// memory of the process and of Tesseract. Run with -benchtime=1x: a scan takes
// seconds a page.
func BenchmarkScans(b *testing.B) {
	if _, err := findTesseract(); err != nil {
		b.Skipf("%v", err)
	}
	for _, fx := range benchScans {
		b.Run(fx.name, func(b *testing.B) {
			original, err := os.ReadFile(filepath.Join("testdata", "docs", fx.original))
			if err != nil {
				b.Fatal(err)
			}
			want := readWant(b, filepath.Join("testdata", fx.want+".want.json"))
			pages := fx.sc.scanPages(b, original, fx.pages)
			data, n := scannedPDF(b, pages), fx.pages
			if fx.picture > 0 {
				data, n = pages[fx.picture-1], 1
			}
			writeScan(b, fx.name, data)
			var s scanScore
			titleRight := 1.0
			start := time.Now()
			for b.Loop() {
				rec, err := Parse(Input{Name: fx.name, Data: data})
				if err != nil {
					b.Fatal(err)
				}
				s = scoreScan(want, rec)
				// A title misread is measured (a failed benchmark reports
				// nothing); TestScanFixtures fails on it.
				if fx.picture == 0 && (rec.Title != *want.Title || rec.Year != *want.Year) {
					titleRight = 0
					b.Logf("title %q year %d, want %q %d", rec.Title, rec.Year, *want.Title, *want.Year)
				}
			}
			if fx.picture == 0 {
				b.ReportMetric(titleRight, "title-right")
			}
			b.ReportMetric(time.Since(start).Seconds()/float64(b.N*n), "s/page")
			b.ReportMetric(float64(s.right), "right")
			b.ReportMetric(float64(s.leftOut), "left-out")
			// Figures neither read nor named as left out: those of the pages a
			// picture does not show (a PDF of the whole report has none).
			b.ReportMetric(float64(len(s.silent)), "not-shown")
			b.ReportMetric(float64(len(s.wrong)), "wrong")
			var self, children syscall.Rusage
			syscall.Getrusage(syscall.RUSAGE_SELF, &self)
			syscall.Getrusage(syscall.RUSAGE_CHILDREN, &children)
			b.ReportMetric(float64(self.Maxrss)/1024, "MB-peak-go")
			b.ReportMetric(float64(children.Maxrss)/1024, "MB-peak-tesseract")
			for _, w := range s.wrong {
				b.Errorf("wrong figure: %s", w)
			}
		})
	}
}
