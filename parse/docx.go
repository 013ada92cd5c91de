package parse

import (
	"archive/zip"
	"encoding/xml"
	"errors"
	"io"
	"path"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
)

// maxTableDepth bounds tables nested in table cells; deeper ones are skipped.
const maxTableDepth = 16

// docxItem is a paragraph (its lines) or a table of a DOCX body or table cell.
type docxItem struct {
	lines []string
	table *docxTable
}

type docxTable struct {
	rows []docxRow
}

type docxRow struct {
	gridBefore int // grid columns left empty before the first cell
	cells      []docxCell
}

type docxCell struct {
	span   int    // grid columns covered (w:gridSpan)
	vMerge string // "restart", "continue" (w:vMerge) or ""
	hMerge bool   // a continuation of the cell to its left (legacy w:hMerge)
	items  []docxItem
}

// readDOCX reads a Word document: paragraphs become text lines and tables grid
// rows, as an HTML page's would.
func readDOCX(data []byte) (*document, error) {
	parts, err := openZip(data)
	if err != nil {
		return nil, err
	}
	budget := &zipBudget{}
	main := parts[mainPart(parts, budget)]
	if main == nil {
		return nil, errors.New("no word/document.xml: not a word processing document")
	}
	rc, err := budget.open(main)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	r := &docxReader{dec: xmlDecoder(rc)}
	items, err := r.blocks("body", 0)
	if err != nil {
		return nil, err
	}
	d := &document{meta: map[string]string{}}
	if core := parts["docProps/core.xml"]; core != nil {
		if title := coreTitle(core, budget); title != "" {
			d.meta["title"] = title
		}
	}
	emitDOCX(d, items)
	return d, nil
}

// mainPart finds the main document part through the package relationships, as
// Word does; some producers do not name it word/document.xml.
func mainPart(parts map[string]*zip.File, budget *zipBudget) string {
	if rels := parts["_rels/.rels"]; rels != nil {
		if data, err := budget.read(rels); err == nil {
			var r struct {
				Rels []struct {
					Type   string `xml:"Type,attr"`
					Target string `xml:"Target,attr"`
				} `xml:"Relationship"`
			}
			if xml.Unmarshal(data, &r) == nil {
				for _, rel := range r.Rels {
					if strings.HasSuffix(rel.Type, "/officeDocument") {
						return strings.TrimPrefix(path.Clean("/"+rel.Target), "/")
					}
				}
			}
		}
	}
	return "word/document.xml"
}

func coreTitle(f *zip.File, budget *zipBudget) string {
	data, err := budget.read(f)
	if err != nil {
		return ""
	}
	var core struct {
		Title string `xml:"title"`
	}
	if xmlDecoder(strings.NewReader(string(data))).Decode(&core) != nil {
		return ""
	}
	return tidyLine(core.Title)
}

// xmlDecoder reads XML in any declared encoding: WPS and old converters write
// GB2312 or UTF-16 parts.
func xmlDecoder(r io.Reader) *xml.Decoder {
	dec := xml.NewDecoder(r)
	dec.CharsetReader = charset.NewReaderLabel
	return dec
}

type docxReader struct {
	dec *xml.Decoder
}

// blocks reads paragraphs and tables until the end of the element named end.
func (r *docxReader) blocks(end string, depth int) ([]docxItem, error) {
	var items []docxItem
	for {
		tok, err := r.dec.Token()
		if err != nil {
			return items, unexpectedEOF(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "p":
				lines, boxes, err := r.paragraph(depth)
				if err != nil {
					return items, err
				}
				items = append(items, docxItem{lines: lines})
				items = append(items, boxes...)
			case "tbl":
				if depth >= maxTableDepth {
					if err := r.dec.Skip(); err != nil {
						return items, unexpectedEOF(err)
					}
					continue
				}
				tbl, err := r.table(depth + 1)
				if err != nil {
					return items, err
				}
				items = append(items, docxItem{table: tbl})
			case "Fallback": // mc:Fallback repeats what mc:Choice holds
				if err := r.dec.Skip(); err != nil {
					return items, unexpectedEOF(err)
				}
			}
		case xml.EndElement:
			if t.Name.Local == end {
				return items, nil
			}
		}
	}
}

// paragraph reads a w:p: its text as lines (w:br breaks a line, w:tab is kept as a
// tab), and the paragraphs and tables of text boxes anchored in it.
func (r *docxReader) paragraph(depth int) ([]string, []docxItem, error) {
	var lines []string
	var line strings.Builder
	var boxes []docxItem
	inText := false
	for {
		tok, err := r.dec.Token()
		if err != nil {
			return nil, nil, unexpectedEOF(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "t":
				inText = true
			case "tab", "ptab":
				line.WriteByte('\t')
			case "br", "cr":
				lines = append(lines, line.String())
				line.Reset()
			case "noBreakHyphen":
				line.WriteByte('-')
			case "txbxContent":
				items, err := r.blocks("txbxContent", depth)
				if err != nil {
					return nil, nil, err
				}
				boxes = append(boxes, items...)
			case "Fallback":
				if err := r.dec.Skip(); err != nil {
					return nil, nil, unexpectedEOF(err)
				}
			}
		case xml.CharData:
			if inText {
				line.Write(t)
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "t":
				inText = false
			case "p":
				return append(lines, line.String()), boxes, nil
			}
		}
	}
}

func (r *docxReader) table(depth int) (*docxTable, error) {
	t := &docxTable{}
	var row *docxRow
	for {
		tok, err := r.dec.Token()
		if err != nil {
			return nil, unexpectedEOF(err)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			switch e.Name.Local {
			case "tr":
				t.rows = append(t.rows, docxRow{})
				row = &t.rows[len(t.rows)-1]
			case "gridBefore":
				if row != nil {
					row.gridBefore = clampVal(e, maxColspan, 0)
				}
			case "tc":
				if row == nil { // a cell outside a row: malformed, read as a row of its own
					t.rows = append(t.rows, docxRow{})
					row = &t.rows[len(t.rows)-1]
				}
				c, err := r.cell(depth)
				if err != nil {
					return nil, err
				}
				row.cells = append(row.cells, c)
			case "Fallback":
				if err := r.dec.Skip(); err != nil {
					return nil, unexpectedEOF(err)
				}
			}
		case xml.EndElement:
			switch e.Name.Local {
			case "tr":
				row = nil
			case "tbl":
				return t, nil
			}
		}
	}
}

func (r *docxReader) cell(depth int) (docxCell, error) {
	c := docxCell{span: 1}
	for {
		tok, err := r.dec.Token()
		if err != nil {
			return c, unexpectedEOF(err)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			switch e.Name.Local {
			case "gridSpan":
				c.span = clampVal(e, maxColspan, 1)
			case "vMerge":
				c.vMerge = "continue" // w:vMerge without a value continues the cell above
				if v := attrVal(e); v != "" {
					c.vMerge = v
				}
			case "hMerge":
				c.hMerge = attrVal(e) == "continue" || attrVal(e) == ""
			case "p":
				lines, boxes, err := r.paragraph(depth)
				if err != nil {
					return c, err
				}
				c.items = append(c.items, docxItem{lines: lines})
				c.items = append(c.items, boxes...)
			case "tbl":
				if depth >= maxTableDepth {
					if err := r.dec.Skip(); err != nil {
						return c, unexpectedEOF(err)
					}
					continue
				}
				tbl, err := r.table(depth + 1)
				if err != nil {
					return c, err
				}
				c.items = append(c.items, docxItem{table: tbl})
			case "Fallback":
				if err := r.dec.Skip(); err != nil {
					return c, unexpectedEOF(err)
				}
			}
		case xml.EndElement:
			if e.Name.Local == "tc" {
				return c, nil
			}
		}
	}
}

// attrVal returns an element's w:val.
func attrVal(e xml.StartElement) string {
	for _, a := range e.Attr {
		if a.Name.Local == "val" {
			return a.Value
		}
	}
	return ""
}

// clampVal reads a count from w:val, within [floor, limit]; a missing or
// unreadable value counts as floor (a span of 1, no columns skipped).
func clampVal(e xml.StartElement, limit, floor int) int {
	v, err := strconv.Atoi(strings.TrimSpace(attrVal(e)))
	if err != nil || v < floor {
		return floor
	}
	return min(v, limit)
}

// unexpectedEOF names a document that ends inside an element.
func unexpectedEOF(err error) error {
	if err == io.EOF {
		return errors.New("the XML ends before the document does")
	}
	return err
}

// emitDOCX turns the body into the document's blocks.
func emitDOCX(d *document, items []docxItem) {
	for _, it := range items {
		if it.table != nil {
			emitDOCXTable(d, it.table)
			continue
		}
		for _, l := range it.lines {
			if l = tidyCells(l); l != "" {
				d.blocks = append(d.blocks, block{cells: []string{l}})
			}
		}
	}
}

// tidyCells tidies each tab-separated part of a line and keeps the tabs, which
// split a table laid out with tab stops into its cells.
func tidyCells(l string) string {
	if !strings.Contains(l, "\t") {
		return tidyLine(l)
	}
	parts := strings.Split(l, "\t")
	for i, p := range parts {
		parts[i] = tidyLine(p)
	}
	return strings.Trim(strings.Join(parts, "\t"), "\t")
}

// emitDOCXTable lays a table out on its grid and emits its rows. Like the HTML
// reader, it declines a table used for page layout (a table in a cell, or a cell
// holding a whole paragraph) and reads its content in order instead.
func emitDOCXTable(d *document, t *docxTable) {
	texts := make([][]string, len(t.rows))
	for i, row := range t.rows {
		texts[i] = make([]string, len(row.cells))
		for j, c := range row.cells {
			text, nested := docxCellText(c)
			if nested || utf8.RuneCountInString(text) > 300 {
				for _, row := range t.rows {
					for _, c := range row.cells {
						emitDOCX(d, c.items)
					}
				}
				return
			}
			texts[i][j] = text
		}
	}
	// Each grid row holds a cell for every grid column, so that a w:vMerge
	// continuation finds the cell above it; emitRow drops the copies.
	grid := make([][]gridCell, 0, len(t.rows))
	var above []gridCell
	for i, row := range t.rows {
		cur := make([]gridCell, 0, len(above))
		for k := 0; k < row.gridBefore && len(cur) < maxGridColumns; k++ {
			cur = append(cur, gridCell{colCopy: true}) // no cell there: nothing to emit
		}
		for j, c := range row.cells {
			for k := 0; k < c.span && len(cur) < maxGridColumns; k++ {
				cell := gridCell{text: texts[i][j], colCopy: k > 0 || c.hMerge}
				if c.vMerge == "continue" {
					cell = gridCell{colCopy: cell.colCopy}
					if col := len(cur); col < len(above) {
						cell = above[col]
					}
					cell.rowCopy = true
				}
				cur = append(cur, cell)
			}
		}
		above = cur
		grid = append(grid, cur)
	}
	d.addTable(grid)
}

// docxCellText returns a cell's text, paragraphs joined by spaces, and whether a
// table is nested in it.
func docxCellText(c docxCell) (string, bool) {
	var b strings.Builder
	for _, it := range c.items {
		if it.table != nil {
			return "", true
		}
		for _, l := range it.lines {
			b.WriteString(strings.ReplaceAll(l, "\t", " "))
			b.WriteByte(' ')
		}
	}
	return tidyLine(b.String()), false
}
