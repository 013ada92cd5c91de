package report

import (
	"strconv"
	"strings"
)

// RecordDiff is what changed from one version of a report to another: the
// metadata, the printed cells and the lines of the text.
type RecordDiff struct {
	Fields []FieldChange `json:"fields"`
	Cells  []CellChange  `json:"cells"`
	Text   []TextChange  `json:"text"`
	// LinesRemoved and LinesAdded count the text's changed lines.
	LinesRemoved int `json:"lines_removed"`
	LinesAdded   int `json:"lines_added"`
}

// FieldChange is a metadata key whose value changed.
type FieldChange struct {
	Field  string `json:"field"`
	Before string `json:"before"`
	After  string `json:"after"`
}

// CellChange is a printed cell that changed, appeared or went: its reference
// (table.row.column) and the text and kind it was printed with before and after
// ("" and kind "absent" where the version does not print it).
type CellChange struct {
	Ref        string `json:"ref"`
	Before     string `json:"before"`
	BeforeKind string `json:"before_kind"`
	After      string `json:"after"`
	AfterKind  string `json:"after_kind"`
}

// TextChange is a line of the text: removed ("-"), added ("+"), or kept ("="),
// the kept lines only beside a change, and Gap lines standing for the kept
// lines left out between changes.
type TextChange struct {
	Op   string `json:"op"`
	Line string `json:"line"`
	Gap  int    `json:"gap,omitempty"`
}

// KindAbsent is the kind a diff gives a cell a version does not print.
const KindAbsent = "absent"

// maxDiffCells bounds the table a line diff fills (old lines × new lines); two
// longer texts are compared line by line as sets.
const maxDiffCells = 4_000_000

// Diff compares two records of one report: a before b.
func Diff(a, b *Record) RecordDiff {
	d := RecordDiff{Fields: []FieldChange{}, Cells: []CellChange{}, Text: []TextChange{}}
	for _, f := range []struct{ name, a, b string }{
		{"title", a.Title, b.Title}, {"organ", a.Organ, b.Organ}, {"region", a.Region, b.Region},
		{"region_code", a.RegionCode, b.RegionCode}, {"department", a.Department, b.Department},
		{"year", yearText(a.Year), yearText(b.Year)}, {"published", a.Published, b.Published},
		{"format", a.Format, b.Format}, {"medium", a.Medium, b.Medium}, {"source", a.Source, b.Source},
	} {
		if f.a != f.b {
			d.Fields = append(d.Fields, FieldChange{f.name, f.a, f.b})
		}
	}
	d.Cells = diffCells(a.Cells, b.Cells)
	d.Text, d.LinesRemoved, d.LinesAdded = diffLines(textLines(a.Text), textLines(b.Text))
	return d
}

// cellKeys name the cells of a record: its reference, and for a reference
// printed twice, which occurrence.
func cellKeys(cells []Cell) ([]string, map[string]Cell) {
	seen := map[string]int{}
	var order []string
	by := map[string]Cell{}
	for _, c := range cells {
		key := c.Ref()
		if n := seen[key]; n > 0 {
			key += "#" + strconv.Itoa(n+1)
		}
		seen[c.Ref()]++
		order = append(order, key)
		by[key] = c
	}
	return order, by
}

func diffCells(a, b []Cell) []CellChange {
	orderA, byA := cellKeys(a)
	orderB, byB := cellKeys(b)
	out := []CellChange{}
	for _, key := range orderB {
		after := byB[key]
		before, ok := byA[key]
		switch {
		case !ok:
			out = append(out, CellChange{Ref: key, BeforeKind: KindAbsent, After: after.Raw, AfterKind: after.Kind})
		case before.Raw != after.Raw || before.Kind != after.Kind || before.Unit != after.Unit:
			out = append(out, CellChange{Ref: key, Before: before.Raw, BeforeKind: before.Kind, After: after.Raw, AfterKind: after.Kind})
		}
	}
	for _, key := range orderA {
		if _, ok := byB[key]; !ok {
			before := byA[key]
			out = append(out, CellChange{Ref: key, Before: before.Raw, BeforeKind: before.Kind, AfterKind: KindAbsent})
		}
	}
	return out
}

func textLines(text string) []string {
	var out []string
	for line := range strings.SplitSeq(text, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	return out
}

// diffLines lists the lines removed and added from a to b in order (a longest
// common subsequence), each change with the kept line before and after it.
func diffLines(a, b []string) ([]TextChange, int, int) {
	var ops []TextChange
	if len(a)*len(b) > maxDiffCells {
		inB, inA := map[string]bool{}, map[string]bool{}
		for _, l := range b {
			inB[l] = true
		}
		for _, l := range a {
			inA[l] = true
			if !inB[l] {
				ops = append(ops, TextChange{Op: "-", Line: l})
			}
		}
		for _, l := range b {
			if !inA[l] {
				ops = append(ops, TextChange{Op: "+", Line: l})
			}
		}
	} else {
		// lcs[i][j] is the longest common subsequence of a[i:] and b[j:].
		lcs := make([][]int32, len(a)+1)
		for i := range lcs {
			lcs[i] = make([]int32, len(b)+1)
		}
		for i := len(a) - 1; i >= 0; i-- {
			for j := len(b) - 1; j >= 0; j-- {
				if a[i] == b[j] {
					lcs[i][j] = lcs[i+1][j+1] + 1
				} else {
					lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
				}
			}
		}
		i, j := 0, 0
		for i < len(a) || j < len(b) {
			switch {
			case i < len(a) && j < len(b) && a[i] == b[j]:
				ops = append(ops, TextChange{Op: "=", Line: a[i]})
				i, j = i+1, j+1
			case i < len(a) && (j == len(b) || lcs[i+1][j] >= lcs[i][j+1]):
				ops = append(ops, TextChange{Op: "-", Line: a[i]})
				i++
			default:
				ops = append(ops, TextChange{Op: "+", Line: b[j]})
				j++
			}
		}
	}
	removed, added := 0, 0
	out := []TextChange{}
	gap := 0
	for k, op := range ops {
		switch op.Op {
		case "-":
			removed++
		case "+":
			added++
		}
		nearChange := op.Op != "=" || k > 0 && ops[k-1].Op != "=" || k+1 < len(ops) && ops[k+1].Op != "="
		if !nearChange {
			gap++
			continue
		}
		if gap > 0 {
			out = append(out, TextChange{Op: "=", Gap: gap})
			gap = 0
		}
		out = append(out, op)
	}
	if removed+added == 0 {
		return []TextChange{}, 0, 0
	}
	if gap > 0 {
		out = append(out, TextChange{Op: "=", Gap: gap})
	}
	return out, removed, added
}
