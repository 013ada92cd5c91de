package scan

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"testing"
)

// page draws a ruled table of rows×cols cells with a "word" of ink in each.
func page(w, h, rows, cols int) *image.Gray {
	g := image.NewGray(image.Rect(0, 0, w, h))
	for i := range g.Pix {
		g.Pix[i] = 255
	}
	x0, y0, cw, ch := w/10, h/10, (w*8/10)/cols, (h*8/10)/rows
	for i := 0; i <= rows; i++ {
		for x := x0; x <= x0+cols*cw; x++ {
			for t := 0; t < 3; t++ {
				g.Pix[(y0+i*ch+t)*g.Stride+x] = 0
			}
		}
	}
	for j := 0; j <= cols; j++ {
		for y := y0; y <= y0+rows*ch; y++ {
			for t := 0; t < 3; t++ {
				g.Pix[y*g.Stride+x0+j*cw+t] = 0
			}
		}
	}
	for i := 0; i < rows; i++ {
		for j := 0; j < cols; j++ {
			for y := y0 + i*ch + ch/3; y < y0+i*ch+2*ch/3; y++ {
				for x := x0 + j*cw + cw/4; x < x0+j*cw+cw/2; x++ {
					g.Pix[y*g.Stride+x] = 30
				}
			}
		}
	}
	return g
}

func TestSkewAndRules(t *testing.T) {
	for _, deg := range []float64{-2.3, -0.6, 0, 0.9, 3.1} {
		g := Rotate(page(1200, 1600, 12, 5), -deg) // lines now rise by deg
		ink := Otsu(g)
		got := Skew(g, ink)
		if math.Abs(got-deg) > 0.1 {
			t.Errorf("skew %.2f: estimated %.2f", deg, got)
		}
		level := Rotate(g, got)
		hs, vs := Rules(level, ink, 200, 100, 2)
		rowsOf := map[int]bool{}
		for _, s := range hs {
			rowsOf[s.Y0/20] = true // a rule three pixels thick, within one band
		}
		if len(rowsOf) < 13 || len(vs) == 0 {
			t.Errorf("skew %.2f: %d horizontal rule bands and %d vertical runs, want 13 and some", deg, len(rowsOf), len(vs))
		}
	}
}

func TestCleanDropsSpecksKeepsPoint(t *testing.T) {
	g := image.NewGray(image.Rect(0, 0, 200, 100))
	for i := range g.Pix {
		g.Pix[i] = 255
	}
	set := func(x0, y0, x1, y1 int) {
		for y := y0; y < y1; y++ {
			for x := x0; x < x1; x++ {
				g.Pix[y*g.Stride+x] = 0
			}
		}
	}
	set(50, 30, 60, 70) // a digit
	set(64, 66, 67, 69) // a decimal point beside it
	set(180, 5, 182, 7) // a speck far away
	c := Clean(g, 128, 20, 4)
	if c == nil {
		t.Fatal("the digit was taken for a blank")
	}
	if w := c.Rect.Dx(); w != 17+8 {
		t.Errorf("cleaned width %d, want the digit and its point (17) and margins", w)
	}
	set(50, 30, 60, 70)
	blank := image.NewGray(image.Rect(0, 0, 50, 50))
	for i := range blank.Pix {
		blank.Pix[i] = 255
	}
	blank.Pix[10*blank.Stride+10] = 0
	if Clean(blank, 128, 20, 4) != nil {
		t.Error("a speck alone is not a blank cell")
	}
}

// A red seal stamped over print is paper to the reader, in whatever form the
// colour page comes (a JPEG's YCbCr, a rendered page's RGBA); print under the
// seal stays print.
func TestGrayDropsRedSeal(t *testing.T) {
	c := image.NewRGBA(image.Rect(0, 0, 120, 60))
	for i := 0; i < len(c.Pix); i += 4 {
		c.Pix[i], c.Pix[i+1], c.Pix[i+2], c.Pix[i+3] = 250, 248, 240, 255 // paper
	}
	paint := func(r image.Rectangle, col color.RGBA) {
		for y := r.Min.Y; y < r.Max.Y; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				c.SetRGBA(x, y, col)
			}
		}
	}
	paint(image.Rect(20, 10, 100, 50), color.RGBA{205, 60, 60, 255}) // the seal's ink
	paint(image.Rect(50, 20, 58, 40), color.RGBA{20, 5, 5, 255})     // a digit under it
	paint(image.Rect(5, 20, 13, 40), color.RGBA{20, 20, 20, 255})    // a digit beside it
	var b bytes.Buffer
	if err := jpeg.Encode(&b, c, &jpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
	fromJPEG, err := jpeg.Decode(&b)
	if err != nil {
		t.Fatal(err)
	}
	for name, img := range map[string]image.Image{"RGBA": c, "JPEG": fromJPEG} {
		// Halfway between paper and print: the seal must fall on the paper's
		// side however the page's threshold is then chosen.
		g, ink := Gray(img), uint8(128)
		if n := Ink(g, ink, image.Rect(22, 12, 48, 48)); n != 0 {
			t.Errorf("%s: %d pixels of the seal read as ink (threshold %d)", name, n, ink)
		}
		for _, digit := range []image.Rectangle{image.Rect(52, 22, 56, 38), image.Rect(7, 22, 11, 38)} {
			if n := Ink(g, ink, digit); n != digit.Dx()*digit.Dy() {
				t.Errorf("%s: %d of the %d pixels of the digit at %v read as ink", name, n, digit.Dx()*digit.Dy(), digit)
			}
		}
	}
}

// What is left of a cell's rule in its crop goes, even where the rule runs
// aslant across two or three columns of pixels; a digit beside it stays.
func TestCropWhitensASlantedRule(t *testing.T) {
	g := image.NewGray(image.Rect(0, 0, 110, 70))
	for i := range g.Pix {
		g.Pix[i] = 255
	}
	for y := 0; y < 70; y++ {
		x := 2 + y/30 // drifts two pixels over the cell's height
		g.Pix[y*g.Stride+x], g.Pix[y*g.Stride+x+1] = 0, 0
	}
	for y := 20; y < 50; y++ { // a 1, set in the middle of the cell
		for x := 50; x < 55; x++ {
			g.Pix[y*g.Stride+x] = 0
		}
	}
	c := Crop(g, 128, g.Rect, 0)
	if n := Ink(c, 128, image.Rect(0, 0, 10, 70)); n != 0 {
		t.Errorf("%d pixels of the rule left", n)
	}
	if n := Ink(c, 128, image.Rect(50, 20, 55, 50)); n != 5*30 {
		t.Errorf("%d of the digit's 150 pixels left", n)
	}
}
