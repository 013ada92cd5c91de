package web

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"gongkai/report"
)

// Charts are SVG drawn by the server from the same rows as the tables beside them:
// readable without JavaScript, printable, and downloadable as files. The Go side
// computes the geometry; templates/chart.html writes the elements, so every label
// (organ names come from the portals) is escaped by html/template.
//
// Each chart is laid out twice: wide, for a laptop (labels beside the bars), and
// narrow, for a phone (labels above the bars, fewer ticks), each in its own
// viewBox with its own font size, so that text keeps about the size it is drawn
// at; the style sheet shows the one that fits the screen. The SVG files are the
// wide layout.

// palette is a colour-blind-safe set (Okabe–Ito).
var palette = []string{"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"}

// tick is an axis mark.
type tick struct {
	Pos  float64
	Text string
}

// chartLayout is the size of one layout: its width in the viewBox and its font.
type chartLayout struct {
	Class string // "wide" or "narrow"
	Width float64
	Font  float64 // px in the viewBox
	Ticks int     // about how many ticks the value axis gets
}

var (
	wideLayout   = chartLayout{"wide", 760, 13, 6}
	narrowLayout = chartLayout{"narrow", 360, 13, 4}
)

// barChart is a horizontal bar chart: one bar per row.
type barChart struct {
	Title string
	Wide  barLayout
	// Narrow is the phone layout: each label on its own line above its bar.
	Narrow barLayout
}

type barLayout struct {
	chartLayout
	Height      float64
	Left, Right float64 // the plot's horizontal extent
	Top, Bottom float64
	Bars        []bar
	Ticks       []tick
	TitleLines  []titleLine
	// LabelsAbove puts each label on its own line above its bar.
	LabelsAbove bool
}

type titleLine struct {
	Y    float64
	Text string
}

type bar struct {
	Y, Width, Height float64
	LabelX, LabelY   float64
	Label            string
	FullLabel        string // the full name, in the bar's tooltip
	ValueText        string
	ValueX, ValueY   float64
}

// textWidth estimates the width of a text at a font size: CJK characters are
// about one em wide, others about 0.6.
func textWidth(s string, font float64) float64 {
	w := 0.0
	for _, r := range s {
		if r >= 0x2E80 {
			w += font
		} else {
			w += font * 0.6
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

// wrapTitle breaks a title into lines that fit a width.
func wrapTitle(title string, width, font float64) []string {
	var lines []string
	var line strings.Builder
	for _, word := range strings.Fields(title) {
		candidate := word
		if line.Len() > 0 {
			candidate = line.String() + " " + word
		}
		if line.Len() > 0 && textWidth(candidate, font) > width {
			lines = append(lines, line.String())
			line.Reset()
			candidate = word
		}
		line.Reset()
		line.WriteString(candidate)
	}
	if line.Len() > 0 {
		lines = append(lines, line.String())
	}
	return lines
}

// newBarChart lays out bars for non-negative values; texts are printed after
// the bars, fullLabels in their tooltips.
func newBarChart(title string, labels, fullLabels []string, values []float64, texts []string, percent bool) barChart {
	maxV := 0.0
	for _, v := range values {
		maxV = max(maxV, v)
	}
	c := barChart{Title: title}
	c.Wide = barLayoutFor(wideLayout, title, labels, fullLabels, values, texts, maxV, percent, false)
	c.Narrow = barLayoutFor(narrowLayout, title, labels, fullLabels, values, texts, maxV, percent, true)
	return c
}

func barLayoutFor(l chartLayout, title string, labels, fullLabels []string, values []float64, texts []string, maxV float64, percent, above bool) barLayout {
	b := barLayout{chartLayout: l, LabelsAbove: above}
	y := 4.0
	for _, line := range wrapTitle(title, l.Width-16, l.Font+1) {
		y += l.Font + 6
		b.TitleLines = append(b.TitleLines, titleLine{y, line})
	}
	b.Top = y + 12
	barH := math.Round(l.Font * 1.4)
	gap := math.Round(l.Font * 0.5)
	labelW := 0.0
	short := make([]string, len(labels))
	for i, label := range labels {
		short[i] = shortLabel(label, 16)
		labelW = max(labelW, textWidth(short[i], l.Font))
	}
	valueW := 0.0
	for _, t := range texts {
		valueW = max(valueW, textWidth(t, l.Font))
	}
	top, step := axis(maxV, l.Ticks, !percent)
	// The first tick's text is centred on the axis: room for its half.
	b.Left = math.Ceil(textWidth(tickText(0, step, percent), l.Font)/2) + 8
	if !above {
		b.Left = math.Ceil(labelW) + 16
	}
	b.Right = l.Width - math.Ceil(max(valueW, textWidth(tickText(top, step, percent), l.Font)/2)) - 12
	scale := (b.Right - b.Left) / top
	y = b.Top
	for i, v := range values {
		if above {
			y += l.Font + 4 // the label's line
		}
		w := math.Max(v*scale, 0)
		bb := bar{Y: y, Width: w, Height: barH, Label: short[i], FullLabel: fullLabels[i], ValueText: texts[i],
			ValueX: b.Left + w + 4, ValueY: y + barH/2 + l.Font*0.35}
		if above {
			bb.LabelX, bb.LabelY = b.Left, y-4
		} else {
			bb.LabelX, bb.LabelY = b.Left-6, bb.ValueY
		}
		b.Bars = append(b.Bars, bb)
		y += barH + gap
	}
	b.Bottom = y
	b.Height = y + l.Font + 14
	for t := 0.0; t <= top+step/2; t += step {
		b.Ticks = append(b.Ticks, tick{Pos: b.Left + t*scale, Text: tickText(t, step, percent)})
	}
	return b
}

// lineChart draws series over years.
type lineChart struct {
	Title  string
	Wide   lineLayout
	Narrow lineLayout
}

type lineLayout struct {
	chartLayout
	Height      float64
	Left, Right float64
	Top, Bottom float64
	TitleLines  []titleLine
	Series      []series
	XTicks      []tick
	YTicks      []tick
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
	return lineChart{Title: title,
		Wide:   lineLayoutFor(wideLayout, title, years, names, values, ok),
		Narrow: lineLayoutFor(narrowLayout, title, years, names, values, ok)}
}

func lineLayoutFor(l chartLayout, title string, years []int, names []string, values [][]float64, ok [][]bool) lineLayout {
	c := lineLayout{chartLayout: l}
	y := 4.0
	for _, line := range wrapTitle(title, l.Width-16, l.Font+1) {
		y += l.Font + 6
		c.TitleLines = append(c.TitleLines, titleLine{y, line})
	}
	c.Top = y + 14
	maxV := 0.0
	for i := range values {
		for j, v := range values[i] {
			if ok[i][j] {
				maxV = max(maxV, v)
			}
		}
	}
	top, step := axis(maxV, l.Ticks+1, true)
	c.Left = math.Ceil(textWidth(tickText(top, step, false), l.Font)) + 14
	c.Right = l.Width - 16
	c.Bottom = c.Top + math.Round(l.Width*0.4)
	// Years are placed by their value, so that a year without a report leaves a gap.
	x := func(j int) float64 {
		span := years[len(years)-1] - years[0]
		if span == 0 {
			return (c.Left + c.Right) / 2
		}
		return c.Left + 16 + float64(years[j]-years[0])*(c.Right-c.Left-32)/float64(span)
	}
	yOf := func(v float64) float64 { return c.Bottom - v/top*(c.Bottom-c.Top) }
	// A year label takes about three characters' room; label every nth year.
	every := 1
	if len(years) > 1 {
		room := (c.Right - c.Left - 32) / float64(years[len(years)-1]-years[0])
		every = max(1, int(math.Ceil(textWidth("2022", l.Font)*1.4/room)))
	}
	for j, yr := range years {
		if (yr-years[0])%every == 0 {
			c.XTicks = append(c.XTicks, tick{Pos: x(j), Text: strconv.Itoa(yr)})
		}
	}
	for t := 0.0; t <= top+step/2; t += step {
		c.YTicks = append(c.YTicks, tick{Pos: yOf(t), Text: tickText(t, step, false)})
	}
	// The legend: one entry after another, on as many lines as the width needs.
	legendX, legendY := c.Left, c.Bottom+l.Font*3
	for i, name := range names {
		w := textWidth(name, l.Font) + 28
		if legendX > c.Left && legendX+w > l.Width {
			legendX, legendY = c.Left, legendY+l.Font+8
		}
		s := series{Name: name, Color: palette[i%len(palette)], LegendX: legendX, LegendY: legendY}
		legendX += w + 12
		var pts []string
		for j := range years {
			if !ok[i][j] {
				continue
			}
			px, py := x(j), yOf(values[i][j])
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", px, py))
			s.Dots = append(s.Dots, dot{X: px, Y: py, Title: fmt.Sprintf("%s %d: %s", name, years[j], formatNumber(values[i][j]))})
		}
		s.Points = strings.Join(pts, " ")
		c.Series = append(c.Series, s)
	}
	c.Height = legendY + l.Font + 10
	return c
}

// axis fits a value axis from 0 to the data's maximum with about n ticks: the
// step is 1, 2 or 5 times a power of ten (whole numbers for counts), the one
// whose ticks come nearest n (on a tie the one reaching least beyond the data,
// then the larger), and the top the first tick at or above the maximum.
func axis(maxV float64, n int, counts bool) (top, step float64) {
	if maxV <= 0 || math.IsNaN(maxV) || math.IsInf(maxV, 0) {
		maxV = 1
		if !counts {
			maxV = 0.1
		}
	}
	ticks := func(step float64) int { return int(math.Ceil(maxV/step-1e-9)) + 1 }
	k := math.Floor(math.Log10(maxV / float64(max(n-1, 1))))
	for e := k - 1; e <= k+1; e++ {
		for _, m := range []float64{1, 2, 5} {
			s := m * math.Pow(10, e)
			if counts && s < 1 {
				continue
			}
			topS, topStep := float64(ticks(s)-1)*s, float64(ticks(step)-1)*step
			switch d, best := abs(ticks(s)-n), abs(ticks(step)-n); {
			case step == 0, d < best, d == best && topS < topStep-1e-9, d == best && math.Abs(topS-topStep) < 1e-9:
				step = s
			}
		}
	}
	if step == 0 {
		step = 1
	}
	return float64(ticks(step)-1) * step, step
}

func abs(n int) int { return max(n, -n) }

// tickText writes a tick's value with as many decimals as the step needs: a
// rate as a percentage.
func tickText(v, step float64, percent bool) string {
	if percent {
		v, step = v*100, step*100
	}
	decimals := 0
	for s := step; s < 1-1e-9 && decimals < 6; s *= 10 {
		decimals++
	}
	text := strconv.FormatFloat(v, 'f', decimals, 64)
	if percent {
		text += "%"
	}
	return text
}

func formatNumber(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// labelled is what a chart may name a body by.
type labelled struct {
	Organ, Department, RegionCode string
}

// chartLabels names each body of a chart by the shortest name that tells it from
// the others: its department (财政局), else its place and department (群丰镇人民政府,
// 天元区人民政府), else its full name as printed, numbered if two still agree.
func chartLabels(bodies []labelled) []string {
	candidates := func(b labelled) []string {
		var out []string
		if b.Department != "" {
			out = append(out, b.Department)
			if name, _, ok := report.RegionName(b.RegionCode); ok {
				out = append(out, name+b.Department)
			}
		}
		return append(out, b.Organ)
	}
	level := make([]int, len(bodies))
	labels := make([]string, len(bodies))
	for {
		count := map[string]int{}
		for i, b := range bodies {
			c := candidates(b)
			labels[i] = c[min(level[i], len(c)-1)]
			count[labels[i]]++
		}
		changed := false
		for i, b := range bodies {
			if count[labels[i]] > 1 && level[i] < len(candidates(b))-1 {
				level[i]++
				changed = true
			}
		}
		if !changed {
			break
		}
	}
	seen := map[string]int{}
	for i, l := range labels {
		seen[l]++
		if n := seen[l]; n > 1 {
			labels[i] = fmt.Sprintf("%s (%d)", l, n)
		}
	}
	return labels
}
