package scan

import (
	"image"
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
