// Package csvfile writes the CSV files gongkai hands out (gongkai export and the
// web's downloads) so that a spreadsheet opens them safely and shows Chinese:
// UTF-8 with a byte order mark, and no cell a spreadsheet would run as a formula.
package csvfile

import (
	"encoding/csv"
	"io"
	"regexp"
	"strings"
)

// Writer writes rows of cells, guarding each cell.
type Writer struct {
	cw  *csv.Writer
	row []string
}

// NewWriter starts a CSV file on w, with the byte order mark Excel needs to read
// UTF-8 unless bom is false.
func NewWriter(w io.Writer, bom bool) (*Writer, error) {
	if bom {
		if _, err := io.WriteString(w, "\uFEFF"); err != nil {
			return nil, err
		}
	}
	return &Writer{cw: csv.NewWriter(w)}, nil
}

// Write writes one row.
func (w *Writer) Write(cells []string) error {
	w.row = w.row[:0]
	for _, c := range cells {
		w.row = append(w.row, Cell(c))
	}
	return w.cw.Write(w.row)
}

// Flush writes what is buffered and returns the first error of any write.
func (w *Writer) Flush() error {
	w.cw.Flush()
	return w.cw.Error()
}

// number is a plain decimal number, which a spreadsheet reads as a number
// whatever its sign.
var number = regexp.MustCompile(`^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$`)

// Cell is a cell's text as a spreadsheet must get it to show it as text: one
// that begins with =, +, -, @, a tab or a carriage return would be read as a
// formula (=HYPERLINK(…) in an organ's name opens a live link in Excel), so it
// gets a leading apostrophe, as OWASP's advice on CSV injection says. Plain
// numbers (-5, +3.2) and a lone sign (the dash a report prints for nothing)
// cannot run and stay as they are.
func Cell(v string) string {
	if v == "" || !strings.ContainsRune("=+-@\t\r", rune(v[0])) || v == "-" || v == "+" || number.MatchString(v) {
		return v
	}
	return "'" + v
}
