package parse

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// readXLSX reads a workbook's visible sheets in order. A run of rows with two or
// more cells (or joined by a merged cell) is a table, read on its grid with merged
// cells spread like spanned HTML cells; a row with one cell, such as a title or a
// paragraph of the report, is a text line.
func readXLSX(data []byte) (*document, error) {
	// excelize trusts the sizes a ZIP declares; every part is inflated under the
	// zip budget first, so a bomb is refused before excelize reads it.
	parts, err := openZip(data)
	if err != nil {
		return nil, err
	}
	budget := &zipBudget{}
	for _, f := range parts {
		rc, err := budget.open(f)
		if err != nil {
			return nil, err
		}
		_, err = io.Copy(io.Discard, rc)
		rc.Close()
		if err != nil {
			return nil, err
		}
	}
	wb, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: maxZipTotal, UnzipXMLSizeLimit: maxZipTotal})
	if err != nil {
		return nil, err
	}
	defer wb.Close()
	d := &document{meta: map[string]string{}}
	budgetCells := maxGridCells
	for _, name := range wb.GetSheetList() {
		if visible, err := wb.GetSheetVisible(name); err == nil && !visible {
			continue
		}
		rows, err := sheetRows(wb, name, &budgetCells)
		if err != nil {
			return nil, fmt.Errorf("sheet %q: %w", name, err)
		}
		if budgetCells <= 0 {
			d.warnings = append(d.warnings, fmt.Sprintf("sheet %q is too large; cells after the first %d of the workbook not read", name, maxGridCells))
		}
		merges, err := wb.GetMergeCells(name, true)
		if err != nil {
			return nil, fmt.Errorf("sheet %q: %w", name, err)
		}
		emitSheet(d, rows, merges)
		if budgetCells <= 0 {
			break
		}
	}
	return d, nil
}

// sheetRows reads a sheet's cells as displayed (number formats applied), within
// the workbook's cell budget.
func sheetRows(wb *excelize.File, name string, budget *int) ([][]string, error) {
	it, err := wb.Rows(name)
	if err != nil {
		return nil, err
	}
	defer it.Close()
	var rows [][]string
	for it.Next() && *budget > 0 {
		cols, err := it.Columns()
		if err != nil {
			return nil, err
		}
		if len(cols) > maxGridColumns {
			cols = cols[:maxGridColumns]
		}
		*budget -= max(len(cols), 1)
		rows = append(rows, cols)
	}
	return rows, it.Error()
}

// span is a merged range of a sheet, in zero-based cell coordinates.
type span struct {
	top, left, bottom, right int
}

func emitSheet(d *document, rows [][]string, merges []excelize.MergeCell) {
	var spans []span
	origin := map[[2]int]span{} // every covered cell → its range
	for _, m := range merges {
		c1, r1, err1 := excelize.CellNameToCoordinates(m.GetStartAxis())
		c2, r2, err2 := excelize.CellNameToCoordinates(m.GetEndAxis())
		if err1 != nil || err2 != nil || r1 > len(rows) {
			continue
		}
		s := span{top: r1 - 1, left: c1 - 1, bottom: min(r2, len(rows)) - 1, right: min(c2, maxGridColumns) - 1}
		if (s.bottom-s.top+1)*(s.right-s.left+1) > maxGridCells {
			continue
		}
		spans = append(spans, s)
		for r := s.top; r <= s.bottom; r++ {
			for c := s.left; c <= s.right; c++ {
				origin[[2]int{r, c}] = s
			}
		}
	}
	text := func(r, c int) string {
		if r < len(rows) && c < len(rows[r]) {
			return tidyLine(strings.ReplaceAll(rows[r][c], "\n", " "))
		}
		return ""
	}
	filled := func(r int) int {
		n := 0
		for c := range rows[r] {
			if text(r, c) != "" {
				n++
			}
		}
		return n
	}
	// joinedBelow tells whether a merged range carries row r into row r+1.
	joinedBelow := func(r int) bool {
		for _, s := range spans {
			if s.top <= r && s.bottom > r {
				return true
			}
		}
		return false
	}
	for r := 0; r < len(rows); {
		if filled(r) < 2 && !joinedBelow(r) {
			if t := strings.Join(strings.Fields(strings.Join(rows[r], " ")), " "); t != "" {
				d.blocks = append(d.blocks, block{cells: []string{tidyLine(t)}})
			}
			r++
			continue
		}
		end := r + 1
		for end < len(rows) && (filled(end) >= 2 || joinedBelow(end-1) || joinedBelow(end)) {
			end++
		}
		width := 0
		for i := r; i < end; i++ {
			width = max(width, len(rows[i]))
		}
		for _, s := range spans {
			if s.top < end && s.bottom >= r {
				width = max(width, s.right+1)
			}
		}
		grid := make([][]gridCell, 0, end-r)
		for i := r; i < end; i++ {
			row := make([]gridCell, width)
			for c := range row {
				if s, ok := origin[[2]int{i, c}]; ok {
					row[c] = gridCell{text: text(s.top, s.left), colCopy: c != s.left, rowCopy: i != s.top}
				} else {
					row[c] = gridCell{text: text(i, c)}
				}
			}
			grid = append(grid, row)
		}
		d.addTable(grid)
		r = end
	}
}
