// Package scan prepares a page image for OCR: it makes it grey, finds the
// threshold between ink and paper, measures and undoes the small rotation of a
// page put on a scanner askew, and finds the ruling lines of its tables, all in
// pure Go so that nothing but the OCR engine itself is needed at run time.
package scan

import (
	"image"
	"image/color"
	"image/draw"
	"math"
)

// Gray returns the image as greyscale, 0 black and 255 white. A colour page is
// taken by its red channel: a red seal stamped over the print is as light there
// as the paper, and black print stays as dark, so that the seal covers no figure
// and draws no rule. A grey page is taken as it is.
func Gray(img image.Image) *image.Gray {
	b := img.Bounds()
	g := image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
	switch m := img.(type) {
	case *image.Gray:
		if b.Min == (image.Point{}) {
			return m
		}
		draw.Draw(g, g.Bounds(), img, b.Min, draw.Src)
	case *image.YCbCr:
		for y := 0; y < b.Dy(); y++ {
			for x := 0; x < b.Dx(); x++ {
				yi, ci := m.YOffset(x+b.Min.X, y+b.Min.Y), m.COffset(x+b.Min.X, y+b.Min.Y)
				r, _, _ := color.YCbCrToRGB(m.Y[yi], m.Cb[ci], m.Cr[ci])
				g.Pix[y*g.Stride+x] = r
			}
		}
	case *image.RGBA:
		for y := 0; y < b.Dy(); y++ {
			row := m.Pix[m.PixOffset(b.Min.X, y+b.Min.Y):]
			for x := 0; x < b.Dx(); x++ {
				g.Pix[y*g.Stride+x] = row[4*x] + (255 - row[4*x+3]) // over white paper
			}
		}
	default:
		for y := 0; y < b.Dy(); y++ {
			for x := 0; x < b.Dx(); x++ {
				r, _, _, a := img.At(x+b.Min.X, y+b.Min.Y).RGBA()
				g.Pix[y*g.Stride+x] = uint8((r + 0xffff - a) >> 8) // over white paper
			}
		}
	}
	return g
}

// Shrink scales the image down by an integer factor, averaging each block of
// pixels: a photograph of a page has more pixels than reading it needs.
func Shrink(g *image.Gray, factor int) *image.Gray {
	if factor <= 1 {
		return g
	}
	w, h := g.Rect.Dx()/factor, g.Rect.Dy()/factor
	out := image.NewGray(image.Rect(0, 0, w, h))
	n := factor * factor
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			sum := 0
			for dy := 0; dy < factor; dy++ {
				row := g.Pix[(y*factor+dy)*g.Stride+x*factor:]
				for dx := 0; dx < factor; dx++ {
					sum += int(row[dx])
				}
			}
			out.Pix[y*out.Stride+x] = uint8(sum / n)
		}
	}
	return out
}

// Otsu returns the grey level that best separates ink from paper: the one that
// maximises the variance between the two classes of the histogram.
func Otsu(g *image.Gray) uint8 {
	var hist [256]int
	for y := 0; y < g.Rect.Dy(); y++ {
		for _, v := range g.Pix[y*g.Stride : y*g.Stride+g.Rect.Dx()] {
			hist[v]++
		}
	}
	total := g.Rect.Dx() * g.Rect.Dy()
	var sum float64
	for i, n := range hist {
		sum += float64(i * n)
	}
	var sumB, best float64
	wB := 0
	threshold := 128
	for t := 0; t < 256; t++ {
		wB += hist[t]
		if wB == 0 {
			continue
		}
		wF := total - wB
		if wF == 0 {
			break
		}
		sumB += float64(t * hist[t])
		mB, mF := sumB/float64(wB), (sum-sumB)/float64(wF)
		if between := float64(wB) * float64(wF) * (mB - mF) * (mB - mF); between > best {
			best, threshold = between, t
		}
	}
	return uint8(threshold)
}

// Skew estimates the page's rotation in degrees, within ±maxSkew: the angle at
// which the rows of ink (lines of text, ruling lines) are sharpest, that is at
// which the horizontal projection of the ink has the greatest variance. A
// positive angle means the page's lines rise to the right.
func Skew(g *image.Gray, ink uint8) float64 {
	// A page a thousand pixels wide shows a line's slope as well as the full one.
	small := Shrink(g, max(1, g.Rect.Dx()/1000))
	var xs, ys []float64
	w, h := small.Rect.Dx(), small.Rect.Dy()
	for y := 0; y < h; y++ {
		row := small.Pix[y*small.Stride:]
		for x := 0; x < w; x++ {
			if row[x] < ink {
				xs, ys = append(xs, float64(x-w/2)), append(ys, float64(y))
			}
		}
	}
	if len(xs) < 100 {
		return 0
	}
	bins := make([]float64, h+2*w)
	score := func(deg float64) float64 {
		clear(bins)
		t := math.Tan(deg * math.Pi / 180)
		for i := range xs {
			// The row a point would lie on if the page were turned back by deg.
			b := int(ys[i]+xs[i]*t) + w
			if b >= 0 && b < len(bins) {
				bins[b]++
			}
		}
		var s float64
		for _, v := range bins {
			s += v * v
		}
		return s
	}
	best, bestScore := 0.0, score(0)
	for deg := -maxSkew; deg <= maxSkew; deg += 0.25 {
		if s := score(deg); s > bestScore {
			best, bestScore = deg, s
		}
	}
	coarse := best
	for deg := coarse - 0.25; deg <= coarse+0.25; deg += 0.05 {
		if s := score(deg); s > bestScore {
			best, bestScore = deg, s
		}
	}
	return best
}

// maxSkew is the largest rotation looked for: a page fed to a scanner askew is
// turned by a degree or two; more is a photograph, or a page scanned sideways.
const maxSkew = 5.0

// Rotate turns the image by deg degrees about its centre (positive turns the
// lines that rise to the right back to level), filling the corners with white.
func Rotate(g *image.Gray, deg float64) *image.Gray {
	if deg == 0 {
		return g
	}
	w, h := g.Rect.Dx(), g.Rect.Dy()
	out := image.NewGray(image.Rect(0, 0, w, h))
	sin, cos := math.Sincos(deg * math.Pi / 180)
	cx, cy := float64(w)/2, float64(h)/2
	for y := 0; y < h; y++ {
		dy := float64(y) - cy
		for x := 0; x < w; x++ {
			dx := float64(x) - cx
			// The source of (x, y): the point turned the other way.
			sx, sy := cos*dx+sin*dy+cx, -sin*dx+cos*dy+cy
			out.Pix[y*out.Stride+x] = bilinear(g, sx, sy)
		}
	}
	return out
}

func bilinear(g *image.Gray, x, y float64) uint8 {
	x0, y0 := int(math.Floor(x)), int(math.Floor(y))
	if x0 < 0 || y0 < 0 || x0+1 >= g.Rect.Dx() || y0+1 >= g.Rect.Dy() {
		return 255
	}
	fx, fy := x-float64(x0), y-float64(y0)
	p := g.Pix[y0*g.Stride+x0:]
	q := g.Pix[(y0+1)*g.Stride+x0:]
	top := float64(p[0])*(1-fx) + float64(p[1])*fx
	bottom := float64(q[0])*(1-fx) + float64(q[1])*fx
	return uint8(top*(1-fy) + bottom*fy + 0.5)
}

// Seg is a ruling line found in the image, in pixels: a horizontal one has
// Y0 == Y1, a vertical one X0 == X1.
type Seg struct{ X0, Y0, X1, Y1 int }

// Rules finds the horizontal runs of ink at least minH pixels long and the
// vertical ones at least minV long, bridging gaps of up to gap pixels (noise, a
// faint stretch of a printed rule). A rule a few pixels thick gives a run on
// each of its rows; the caller merges them.
func Rules(g *image.Gray, ink uint8, minH, minV, gap int) (hs, vs []Seg) {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	for y := 0; y < h; y++ {
		row := g.Pix[y*g.Stride : y*g.Stride+w]
		runs(w, gap, minH, func(i int) bool { return row[i] < ink }, func(a, b int) {
			hs = append(hs, Seg{a, y, b, y})
		})
	}
	for x := 0; x < w; x++ {
		runs(h, gap, minV, func(i int) bool { return g.Pix[i*g.Stride+x] < ink }, func(a, b int) {
			vs = append(vs, Seg{x, a, x, b})
		})
	}
	return hs, vs
}

// runs calls found for each run of set positions in [0, n) at least min long,
// allowing gaps of up to gap unset positions within it.
func runs(n, gap, min int, set func(int) bool, found func(a, b int)) {
	start, last := -1, -1
	for i := 0; i < n; i++ {
		if !set(i) {
			continue
		}
		if start >= 0 && i-last-1 > gap {
			if last-start+1 >= min {
				found(start, last)
			}
			start = -1
		}
		if start < 0 {
			start = i
		}
		last = i
	}
	if start >= 0 && last-start+1 >= min {
		found(start, last)
	}
}

// Ink counts the pixels darker than ink within r.
func Ink(g *image.Gray, ink uint8, r image.Rectangle) int {
	r = r.Intersect(g.Rect)
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for _, v := range g.Pix[y*g.Stride+r.Min.X : y*g.Stride+r.Max.X] {
			if v < ink {
				n++
			}
		}
	}
	return n
}

// Crop copies the rectangle out of the image with a white margin around it (an
// OCR engine reads a word better with paper around it), whitening the rows and
// columns at its edges that are mostly ink: what is left of a ruling line. A
// rule that runs slightly aslant of the cell (a page levelled to within a
// fraction of a degree) drifts from one line of pixels to the next: a band of
// three that it covers for most of its length in long runs is whitened whole.
// The tops of a line of characters cover a band in short runs only, between
// the characters.
func Crop(g *image.Gray, ink uint8, r image.Rectangle, margin int) *image.Gray {
	r = r.Intersect(g.Rect)
	out := image.NewGray(image.Rect(0, 0, r.Dx()+2*margin, r.Dy()+2*margin))
	for i := range out.Pix {
		out.Pix[i] = 255
	}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		copy(out.Pix[(y-r.Min.Y+margin)*out.Stride+margin:], g.Pix[y*g.Stride+r.Min.X:y*g.Stride+r.Max.X])
	}
	inner := image.Rect(margin, margin, margin+r.Dx(), margin+r.Dy())
	edge := max(2, min(r.Dx(), r.Dy())/6)
	// The rows first, each judged before any is whitened; then the columns,
	// without what was whitened of the rows.
	var rule []image.Rectangle
	for y := inner.Min.Y; y < inner.Max.Y; y++ {
		if y-inner.Min.Y < edge || inner.Max.Y-y <= edge {
			rule = append(rule, ruleIn(out, ink, inner, image.Rect(inner.Min.X, y, inner.Max.X, y+1), false, inward(y, inner.Min.Y, inner.Max.Y))...)
		}
	}
	for _, b := range rule {
		fill(out, b)
	}
	rule = rule[:0]
	for x := inner.Min.X; x < inner.Max.X; x++ {
		if x-inner.Min.X < edge || inner.Max.X-x <= edge {
			rule = append(rule, ruleIn(out, ink, inner, image.Rect(x, inner.Min.Y, x+1, inner.Max.Y), true, inward(x, inner.Min.X, inner.Max.X))...)
		}
	}
	for _, b := range rule {
		fill(out, b)
	}
	return out
}

// ruleIn returns what to whiten of a rule along line (one row of pixels, or
// one column when down): the line and its two neighbours, when a rule drifting
// among them covers most of their length in runs of a third of it or more, and
// it is thin: beside the band, towards the cell's middle (in), the paper is
// clear (a digit set against the cell's edge covers the band as well, but its
// strokes reach further in); else the line alone, when it is mostly ink.
func ruleIn(g *image.Gray, ink uint8, inner, line image.Rectangle, down bool, in int) []image.Rectangle {
	length := inner.Dx()
	if down {
		length = inner.Dy()
	}
	band := image.Rect(line.Min.X, line.Min.Y-1, line.Max.X, line.Max.Y+1).Intersect(inner)
	beside := line.Add(image.Pt(0, 2*in))
	if down {
		band = image.Rect(line.Min.X-1, line.Min.Y, line.Max.X+1, line.Max.Y).Intersect(inner)
		beside = line.Add(image.Pt(2*in, 0))
	}
	covered, run, longest, thick := 0, 0, 0, 0
	for i := 0; i < length; i++ {
		across := image.Rect(band.Min.X+i, band.Min.Y, band.Min.X+i+1, band.Max.Y)
		next := image.Rect(beside.Min.X+i, beside.Min.Y, beside.Min.X+i+1, beside.Max.Y)
		if down {
			across = image.Rect(band.Min.X, band.Min.Y+i, band.Max.X, band.Min.Y+i+1)
			next = image.Rect(beside.Min.X, beside.Min.Y+i, beside.Max.X, beside.Min.Y+i+1)
		}
		if Ink(g, ink, across) == 0 {
			run = 0
			continue
		}
		covered, run = covered+1, run+1
		longest = max(longest, run)
		if Ink(g, ink, next) > 0 {
			thick++
		}
	}
	switch {
	case covered*10 > length*6 && longest*3 >= length && thick*3 < covered:
		return []image.Rectangle{band}
	case Ink(g, ink, line)*10 > length*6:
		return []image.Rectangle{line}
	}
	return nil
}

// inward is the direction from the edge that i is nearest to towards the
// middle of [lo, hi).
func inward(i, lo, hi int) int {
	if i-lo < hi-i {
		return 1
	}
	return -1
}

// Whiten paints the rectangle white: what the text pass must not read again.
func Whiten(g *image.Gray, r image.Rectangle) { fill(g, r.Intersect(g.Rect)) }

func fill(g *image.Gray, r image.Rectangle) {
	for y := r.Min.Y; y < r.Max.Y; y++ {
		row := g.Pix[y*g.Stride+r.Min.X : y*g.Stride+r.Max.X]
		for i := range row {
			row[i] = 255
		}
	}
}

// Clean binarises a cell's image and removes specks: connected components of ink
// smaller than minArea pixels that lie away from the larger ones (dust, noise of
// the scanner), while a decimal point beside its digits stays. It returns the
// cleaned image trimmed to its ink with a white margin, or nil when no component
// of minArea or more is left (a blank cell).
func Clean(g *image.Gray, ink uint8, minArea, margin int) *image.Gray {
	keep, box := components(g, ink, minArea)
	if box.Empty() {
		return nil
	}
	return paint(keep, image.Rect(0, 0, box.Dx()+2*margin, box.Dy()+2*margin), box.Min.Sub(image.Pt(margin, margin)))
}

// Despeckle is Clean for a whole page: the image keeps its size.
func Despeckle(g *image.Gray, ink uint8, minArea int) *image.Gray {
	keep, _ := components(g, ink, minArea)
	return paint(keep, image.Rect(0, 0, g.Rect.Dx(), g.Rect.Dy()), image.Point{})
}

// paint draws the kept pixels black on white; at is where the image's origin
// lies in the source.
func paint(keep func(x, y int) bool, r image.Rectangle, at image.Point) *image.Gray {
	out := image.NewGray(r)
	for y := 0; y < r.Dy(); y++ {
		row := out.Pix[y*out.Stride : y*out.Stride+r.Dx()]
		for x := range row {
			row[x] = 255
			if keep(x+at.X, y+at.Y) {
				row[x] = 0
			}
		}
	}
	return out
}

// components labels the connected components of ink (8-connected) and returns
// which pixels belong to the components kept, and the box around them.
func components(g *image.Gray, ink uint8, minArea int) (func(x, y int) bool, image.Rectangle) {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	label := make([]int32, w*h)
	type component struct {
		area int
		box  image.Rectangle
	}
	var comps []component
	var stack []int
	for start := range label {
		if label[start] != 0 || g.Pix[(start/w)*g.Stride+start%w] >= ink {
			continue
		}
		id := int32(len(comps) + 1)
		c := component{box: image.Rect(start%w, start/w, start%w+1, start/w+1)}
		label[start] = id
		stack = append(stack[:0], start)
		for len(stack) > 0 {
			p := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			x, y := p%w, p/w
			c.area++
			c.box = c.box.Union(image.Rect(x, y, x+1, y+1))
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					nx, ny := x+dx, y+dy
					if nx < 0 || ny < 0 || nx >= w || ny >= h {
						continue
					}
					q := ny*w + nx
					if label[q] == 0 && g.Pix[ny*g.Stride+nx] < ink {
						label[q] = id
						stack = append(stack, q)
					}
				}
			}
		}
		comps = append(comps, c)
	}
	// The boxes of the large components, for the small ones to be near.
	var large []image.Rectangle
	tall := 0
	for _, c := range comps {
		if c.area >= minArea {
			large = append(large, c.box)
			tall = max(tall, c.box.Dy())
		}
	}
	keep := make([]bool, len(comps)+1)
	var box image.Rectangle
	grid := newBoxIndex(large, max(tall, 1))
	for i, c := range comps {
		if c.area >= minArea || grid.near(c.box.Inset(-tall/2)) {
			keep[i+1] = true
			box = box.Union(c.box)
		}
	}
	return func(x, y int) bool {
		return x >= 0 && y >= 0 && x < w && y < h && keep[label[y*w+x]]
	}, box
}

// boxIndex finds boxes near a point quickly: a page has thousands of specks and
// characters.
type boxIndex struct {
	cell  int
	cells map[image.Point][]image.Rectangle
}

func newBoxIndex(boxes []image.Rectangle, cell int) *boxIndex {
	ix := &boxIndex{cell: cell, cells: map[image.Point][]image.Rectangle{}}
	for _, b := range boxes {
		for y := b.Min.Y / cell; y <= (b.Max.Y-1)/cell; y++ {
			for x := b.Min.X / cell; x <= (b.Max.X-1)/cell; x++ {
				p := image.Pt(x, y)
				ix.cells[p] = append(ix.cells[p], b)
			}
		}
	}
	return ix
}

// near says whether any box overlaps r.
func (ix *boxIndex) near(r image.Rectangle) bool {
	for y := r.Min.Y / ix.cell; y <= (r.Max.Y-1)/ix.cell; y++ {
		for x := r.Min.X / ix.cell; x <= (r.Max.X-1)/ix.cell; x++ {
			for _, b := range ix.cells[image.Pt(x, y)] {
				if b.Overlaps(r) {
					return true
				}
			}
		}
	}
	return false
}
