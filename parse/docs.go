package parse

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// MaxDocument is the largest attachment read (PDF, DOCX, DOC, XLSX, XLS): larger
// than a page, since a PDF carries its fonts and a scan its images.
const MaxDocument = 64 << 20

// ErrNoConverter is wrapped by the error for a legacy Word or Excel file when no
// converter is installed; the file can be parsed again once one is.
var ErrNoConverter = errors.New("no converter for legacy Word/Excel files is installed")

// kindNames name the kinds in messages.
var kindNames = map[string]string{
	KindPDF:   "a PDF document",
	KindDOCX:  "a DOCX document",
	KindXLSX:  "an XLSX workbook",
	KindDOC:   "a DOC/WPS document (legacy Word)",
	KindXLS:   "an XLS workbook (legacy Excel)",
	KindImage: "a picture",
}

// readDocument reads an attachment into a document. Errors name the input and what
// it is.
func readDocument(kind string, in Input) (*document, error) {
	var d *document
	var err error
	switch kind {
	case KindPDF:
		d, err = readPDF(in.Data)
	case KindDOCX:
		d, err = readDOCX(in.Data)
	case KindXLSX:
		d, err = readXLSX(in.Data)
	case KindDOC, KindXLS:
		d, err = readLegacyOffice(kind, in.Data)
	case KindImage:
		d, err = readImage(in.Data)
	}
	if errors.Is(err, ErrNoOCR) || errors.Is(err, ErrNoConverter) {
		return nil, fmt.Errorf("%s: %w", in.Name, err)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %s that cannot be read: %w", in.Name, kindNames[kind], err)
	}
	return d, nil
}

// Limits on what a ZIP package (DOCX, XLSX) may inflate to: real reports inflate
// to a few megabytes, and a zip bomb to gigabytes from a few kilobytes.
const (
	maxZipTotal = 200 << 20
	maxZipEntry = 100 << 20
	maxZipRatio = 500 // inflated bytes per compressed byte, past the first megabyte
)

// zipBudget opens the parts of a package and stops any read that would inflate
// past the limits. Sizes are counted as read: the sizes a ZIP declares can lie.
type zipBudget struct {
	total int64
}

func (b *zipBudget) open(f *zip.File) (io.ReadCloser, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.Name, err)
	}
	return &budgetReader{rc: rc, b: b, name: f.Name, compressed: int64(f.CompressedSize64)}, nil
}

// read returns a part's whole content.
func (b *zipBudget) read(f *zip.File) ([]byte, error) {
	rc, err := b.open(f)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

type budgetReader struct {
	rc         io.ReadCloser
	b          *zipBudget
	name       string
	compressed int64
	n          int64
}

func (r *budgetReader) Read(p []byte) (int, error) {
	n, err := r.rc.Read(p)
	r.n += int64(n)
	r.b.total += int64(n)
	switch {
	case r.n > maxZipEntry:
		return n, fmt.Errorf("%s inflates past %d MB (zip bomb?)", r.name, maxZipEntry>>20)
	case r.b.total > maxZipTotal:
		return n, fmt.Errorf("the package inflates past %d MB (zip bomb?)", maxZipTotal>>20)
	case r.n > 1<<20 && r.n > maxZipRatio*max(r.compressed, 1):
		return n, fmt.Errorf("%s inflates more than %d times its compressed size (zip bomb?)", r.name, maxZipRatio)
	}
	if err != nil && err != io.EOF {
		err = fmt.Errorf("%s: %w", r.name, err)
	}
	return n, err
}

func (r *budgetReader) Close() error { return r.rc.Close() }

// openZip opens a package and finds its parts by name.
func openZip(data []byte) (map[string]*zip.File, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, err
	}
	parts := make(map[string]*zip.File, len(zr.File))
	for _, f := range zr.File {
		parts[f.Name] = f
	}
	return parts, nil
}

// addTable emits a laid-out grid as the document's next table, through the same
// row logic as an HTML table; rows past the cell budget are dropped with a warning.
func (d *document) addTable(grid [][]gridCell) {
	n := 1
	for i := len(d.blocks) - 1; i >= 0; i-- {
		if d.blocks[i].table > 0 {
			n = d.blocks[i].table + 1
			break
		}
	}
	w := &walker{d: d, tables: n}
	budget := maxGridCells
	for ri, row := range grid {
		if budget -= len(row); budget < 0 {
			d.warnings = append(d.warnings, fmt.Sprintf("table %d is too large; rows after %d not read", n, ri))
			return
		}
		w.emitRow(row)
	}
}
