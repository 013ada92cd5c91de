package report

import (
	"bytes"
	"encoding/json"
	"slices"
	"sort"
)

// Record is the canonical record of one report (spec: report-schema.md).
// Keys beyond the spec's are additions: medium, cells (the printed value of every
// table cell), left_out and unchecked (a scan's figures not read, and the checks
// they kept from running), text (the report's body) and legacy_figures.
type Record struct {
	Source     string `json:"source,omitempty"`
	Title      string `json:"title,omitempty"`
	Organ      string `json:"organ,omitempty"`
	Region     string `json:"region,omitempty"`
	RegionCode string `json:"region_code,omitempty"`
	Department string `json:"department,omitempty"`
	Year       int    `json:"year,omitempty"`
	Published  string `json:"published,omitempty"`
	Format     string `json:"format"`
	// Medium is what the record was read from: html, text, pdf, docx, doc, xlsx,
	// xls, or scan (pages read by OCR: an image-only PDF, a picture) (an addition
	// to the spec's keys).
	Medium string `json:"medium,omitempty"`

	Table2 Table2 `json:"table2,omitempty"`
	Table3 Table3 `json:"table3,omitempty"`
	Table4 Table4 `json:"table4,omitempty"`
	// LegacyFigures holds what a legacy report's own statistics table states:
	// row label → column header → value (or the unit, under "单位").
	LegacyFigures map[string]map[string]any `json:"legacy_figures,omitempty"`

	Checks   []Check  `json:"checks"`
	Warnings []string `json:"warnings"`

	Cells []Cell `json:"cells,omitempty"`
	// LeftOut names the cells (table.row.column) that the report prints but that
	// were left out of the tables rather than kept wrong: read by OCR without
	// confidence, or in a row whose reading failed its total. Warnings say why.
	// Such a cell is neither a blank nor a 0: its figure is unknown (an addition
	// to the spec's keys).
	LeftOut []string `json:"left_out,omitempty"`
	// Unchecked names the checks that cells left out kept from running, each
	// with those cells: neither passed nor failed (an addition to the spec's
	// keys).
	Unchecked []Unchecked `json:"unchecked,omitempty"`
	Text      string      `json:"text,omitempty"`
}

// Kinds of printed cell values.
const (
	KindNumber = "number"
	KindBlank  = "blank" // empty, or 无
	KindDash   = "dash"  // / - — and the like
	KindText   = "text"  // anything else (详见附表); counts as 0 like a blank
)

// Cell is one printed cell of a statistical table.
type Cell struct {
	Table  string   `json:"table"`
	Row    string   `json:"row"`
	Column string   `json:"column"`
	Raw    string   `json:"raw"`
	Kind   string   `json:"kind"`
	Value  *float64 `json:"value,omitempty"`
	Unit   string   `json:"unit,omitempty"`
	// Where the cell was read by OCR rather than from text: Read is "ocr", Page
	// the page (from 1), Box the cell's [left, top, right, bottom] in pixels of
	// the page image as read (see MediumScan), Confidence the engine's, 0–100.
	Read       string `json:"read,omitempty"`
	Page       int    `json:"page,omitempty"`
	Box        []int  `json:"box,omitempty"`
	Confidence int    `json:"confidence,omitempty"`
}

// MediumScan is the medium of a record read by OCR from page images: a PDF's
// pages rendered at ScanDPI, or pictures at their own size.
const MediumScan = "scan"

// ScanDPI is the resolution at which the pages of a scanned PDF are read.
const ScanDPI = 300

// ReadOCR marks a cell read by OCR.
const ReadOCR = "ocr"

// Ref names the cell as checks name it: table.row.column.
func (c Cell) Ref() string { return CellRef(c.Table, c.Row, c.Column) }

// CellRef builds a cell reference.
func CellRef(table, row, column string) string { return table + "." + row + "." + column }

// Check is the result of one accounting identity.
type Check struct {
	Rule   string   `json:"rule"`
	OK     bool     `json:"ok"`
	Detail string   `json:"detail"`
	Cells  []string `json:"cells,omitempty"`
}

// Failed returns the checks that did not hold.
func (r *Record) Failed() []Check {
	var out []Check
	for _, c := range r.Checks {
		if !c.OK {
			out = append(out, c)
		}
	}
	return out
}

// Table2 maps row key → field key → value (float64, or a string for amount_unit).
type Table2 map[string]map[string]any

// Table3 maps row key → column key → count.
type Table3 map[string]map[string]int64

// Table4 maps group key → result key → count.
type Table4 map[string]map[string]int64

// The tables marshal in the order the official format prints them, so that a record
// read by a person follows the report; decoding is the default map decoding.

func (t Table2) MarshalJSON() ([]byte, error) {
	var rows, fields []string
	for _, format := range []string{Format2021, Format2019} {
		for _, r := range Table2RowsFor(format) {
			rows = append(rows, r.Key.Key)
			for _, f := range r.Fields {
				fields = append(fields, f.Key)
			}
		}
	}
	fields = append(fields, FieldAmountUnit)
	return marshalOrdered(t, rows, fields)
}

func (t Table3) MarshalJSON() ([]byte, error) {
	var rows, cols []string
	for _, r := range Table3Rows {
		rows = append(rows, r.Key.Key)
	}
	for _, c := range Table3Columns {
		cols = append(cols, c.Key)
	}
	cols = slices.Insert(cols, len(cols)-1, ColOrgSubtotal)
	return marshalOrdered(t, rows, cols)
}

func (t Table4) MarshalJSON() ([]byte, error) {
	var groups, cols []string
	for _, g := range Table4Groups {
		groups = append(groups, g.Key)
	}
	for _, c := range Table4Columns {
		cols = append(cols, c.Key)
	}
	return marshalOrdered(t, groups, cols)
}

func marshalOrdered[V any](t map[string]map[string]V, rowOrder, colOrder []string) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, row := range orderedKeys(t, rowOrder) {
		if i > 0 {
			buf.WriteByte(',')
		}
		k, _ := json.Marshal(row)
		buf.Write(k)
		buf.WriteString(":{")
		inner := t[row]
		for j, col := range orderedKeys(inner, colOrder) {
			if j > 0 {
				buf.WriteByte(',')
			}
			k, _ := json.Marshal(col)
			v, err := json.Marshal(inner[col])
			if err != nil {
				return nil, err
			}
			buf.Write(k)
			buf.WriteByte(':')
			buf.Write(v)
		}
		buf.WriteByte('}')
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// orderedKeys returns m's keys in the given order, then any others sorted.
func orderedKeys[V any](m map[string]V, order []string) []string {
	keys := make([]string, 0, len(m))
	seen := make(map[string]bool, len(m))
	for _, k := range order {
		if _, ok := m[k]; ok && !seen[k] {
			keys = append(keys, k)
			seen[k] = true
		}
	}
	var rest []string
	for k := range m {
		if !seen[k] {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	return append(keys, rest...)
}

// IsDocument says whether the record was read from an attached document (PDF,
// Word, spreadsheet) rather than from a page (HTML or text).
func (r *Record) IsDocument() bool {
	return r.Medium != "" && r.Medium != "html" && r.Medium != "text"
}

// HasFigures says whether the record holds any of the statistical tables.
func (r *Record) HasFigures() bool {
	return len(r.Table2) > 0 || len(r.Table3) > 0 || len(r.Table4) > 0
}

// Numbers returns a table's figures by row and column, as numbers of one type so
// that tables can be compared (a blank cell is 0, as in the record).
func (t Table3) Numbers() map[string]map[string]float64 { return countsAsNumbers(t) }

// Numbers returns a table's figures by row and column (see Table3.Numbers).
func (t Table4) Numbers() map[string]map[string]float64 { return countsAsNumbers(t) }

// Numbers returns a table's figures by row and field, leaving out amount_unit.
func (t Table2) Numbers() map[string]map[string]float64 {
	out := make(map[string]map[string]float64, len(t))
	for r, fields := range t {
		out[r] = map[string]float64{}
		for f, v := range fields {
			if n, ok := v.(float64); ok {
				out[r][f] = n
			}
		}
	}
	return out
}

func countsAsNumbers[T ~map[string]map[string]int64](t T) map[string]map[string]float64 {
	out := make(map[string]map[string]float64, len(t))
	for r, cols := range t {
		out[r] = make(map[string]float64, len(cols))
		for c, v := range cols {
			out[r][c] = float64(v)
		}
	}
	return out
}
