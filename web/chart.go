package web

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Charts are SVG drawn by the server from the same rows as the tables beside them:
// readable without JavaScript, printable, and downloadable as files. The Go side
// computes the geometry; templates/chart.html writes the elements, so every label
// (organ names come from the portals) is escaped by html/template.

// palette is a colour-blind-safe set (Okabe–Ito).
var palette = []string{"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"}

// tick is an axis mark.
type tick struct {
	Pos  float64
	Text string
}

// barChart is a horizontal bar chart: one bar per row, labels on the left.
type barChart struct {
	Title         string
	Width, Height int
	Left, Right   float64 // the plot's horizontal extent
	Top, Bottom   float64
	Bars          []bar
	Ticks         []tick
}

type bar struct {
	Y, Width, Height float64
	LabelY           float64
	Label            string
	ValueText        string
	ValueX           float64
}

const (
	barHeight = 18
	barGap    = 6
	fontPx    = 12
)

// textWidth estimates the width of a label: CJK characters are about one em wide,
// others about half.
func textWidth(s string) float64 {
	w := 0.0
	for _, r := range s {
		if r >= 0x2E80 {
			w += fontPx
		} else {
			w += fontPx * 0.6
		}
	}
	return w
}

// shortLabel cuts a label to n characters so that the chart keeps its shape.
func shortLabel(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// newBarChart lays out bars for non-negative values; texts are printed after the bars.
func newBarChart(title string, labels []string, values []float64, texts []string, percent bool) barChart {
	c := barChart{Title: title, Width: 760, Top: 24}
	labelW := 0.0
	for i := range labels {
		labels[i] = shortLabel(labels[i], 18)
		labelW = max(labelW, textWidth(labels[i]))
	}
	c.Left = math.Ceil(labelW) + 12
	c.Right = float64(c.Width) - 64
	maxV := 0.0
	for _, v := range values {
		maxV = max(maxV, v)
	}
	top := niceMax(maxV)
	scale := (c.Right - c.Left) / top
	y := c.Top
	for i, v := range values {
		c.Bars = append(c.Bars, bar{Y: y, Width: math.Max(v*scale, 0), Height: barHeight, LabelY: y + barHeight - 5,
			Label: labels[i], ValueText: texts[i], ValueX: c.Left + math.Max(v*scale, 0) + 4})
		y += barHeight + barGap
	}
	c.Bottom = y
	c.Height = int(y) + 24
	for _, t := range ticks(top) {
		text := formatTick(t)
		if percent {
			text = strconv.FormatFloat(math.Round(t*1000)/10, 'f', -1, 64) + "%"
		}
		c.Ticks = append(c.Ticks, tick{Pos: c.Left + t*scale, Text: text})
	}
	return c
}

// lineChart draws series over years.
type lineChart struct {
	Title         string
	Width, Height int
	Left, Right   float64
	Top, Bottom   float64
	Series        []series
	XTicks        []tick
	YTicks        []tick
}

type series struct {
	Name    string
	Color   string
	Points  string // the polyline's points
	Dots    []dot
	LegendX float64
	LegendY float64
}

type dot struct {
	X, Y  float64
	Title string
}

// newLineChart draws one line per series over the given years (ascending); a
// series has a point for each year it has a value (ok), and its line joins them.
func newLineChart(title string, years []int, names []string, values [][]float64, ok [][]bool) lineChart {
	c := lineChart{Title: title, Width: 760, Height: 320, Left: 56, Right: 740, Top: 20, Bottom: 260}
	maxV := 0.0
	for i := range values {
		for j, v := range values[i] {
			if ok[i][j] {
				maxV = max(maxV, v)
			}
		}
	}
	top := niceMax(maxV)
	// Years are placed by their value, so that a year without a report leaves a gap.
	x := func(j int) float64 {
		span := years[len(years)-1] - years[0]
		if span == 0 {
			return (c.Left + c.Right) / 2
		}
		return c.Left + 20 + float64(years[j]-years[0])*(c.Right-c.Left-40)/float64(span)
	}
	y := func(v float64) float64 { return c.Bottom - v/top*(c.Bottom-c.Top) }
	for j, yr := range years {
		c.XTicks = append(c.XTicks, tick{Pos: x(j), Text: strconv.Itoa(yr)})
	}
	for _, t := range ticks(top) {
		c.YTicks = append(c.YTicks, tick{Pos: y(t), Text: formatTick(t)})
	}
	legendX := c.Left
	for i, name := range names {
		s := series{Name: name, Color: palette[i%len(palette)], LegendX: legendX, LegendY: c.Bottom + 44}
		legendX += textWidth(name) + 40
		var pts []string
		for j := range years {
			if !ok[i][j] {
				continue
			}
			px, py := x(j), y(values[i][j])
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", px, py))
			s.Dots = append(s.Dots, dot{X: px, Y: py, Title: fmt.Sprintf("%s %d: %s", name, years[j], formatTick(values[i][j]))})
		}
		s.Points = strings.Join(pts, " ")
		c.Series = append(c.Series, s)
	}
	return c
}

// niceMax rounds a maximum up to 1, 2 or 5 times a power of ten (at least 1).
func niceMax(v float64) float64 {
	if v <= 1 {
		if v <= 0 {
			return 1
		}
		// Rates: a tenth is the coarsest step below one.
		return math.Ceil(v*10) / 10
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if v <= m*p {
			return m * p
		}
	}
	return 10 * p
}

// ticks are five evenly spaced marks from 0 to top.
func ticks(top float64) []float64 {
	out := make([]float64, 0, 6)
	for i := 0; i <= 5; i++ {
		out = append(out, math.Round(top*float64(i)/5*1e6)/1e6)
	}
	return out
}

func formatTick(v float64) string {
	if v == math.Trunc(v) {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}
