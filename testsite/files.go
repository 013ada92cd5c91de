package testsite

import (
	"archive/zip"
	"bytes"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"strings"
)

// attachmentBytes is the content of an attachment on a night. A DOCX holds the
// report (title, text and the three tables); the other kinds are placeholders with
// the right magic bytes, different per report and per version.
func attachmentBytes(it *reportItem, a *attachment, night int) []byte {
	version := 1
	if it.edit != nil && night >= it.edit.night {
		version = 2
	}
	switch a.kind {
	case "docx":
		return docx(it, it.sheetAt(night))
	case "pdf":
		var b bytes.Buffer
		fmt.Fprintf(&b, "%%PDF-1.4\n%%\xE2\xE3\xCF\xD3\n1 0 obj\n<< /Type /Catalog /Title (report %d v%d) >>\nendobj\n", it.id, version)
		b.Write(filler(it.id, a.path, version, 3000))
		b.WriteString("\n%%EOF\n")
		return b.Bytes()
	default: // doc, wps, xls: OLE2 compound files
		b := []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")
		return append(b, filler(it.id, a.path, version, 4096)...)
	}
}

// filler is n deterministic bytes for a file's body.
func filler(id int, name string, version, n int) []byte {
	h := fnv.New64a()
	fmt.Fprintf(h, "%s/%d", name, version)
	r := rand.New(rand.NewPCG(uint64(id), h.Sum64()))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// docx builds a minimal WordprocessingML document: paragraphs, and the tables
// with merged cells (gridSpan, vMerge) as the HTML grids lay them out. Entries
// carry the report's publication time so that the bytes never change.
func docx(it *reportItem, sh *sheet) []byte {
	var doc strings.Builder
	doc.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n")
	doc.WriteString(`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>`)
	p := func(text string, center bool) {
		doc.WriteString("<w:p>")
		if center {
			doc.WriteString(`<w:pPr><w:jc w:val="center"/></w:pPr>`)
		}
		doc.WriteString("<w:r><w:t xml:space=\"preserve\">" + escape(text) + "</w:t></w:r></w:p>")
	}
	p(it.title, true)
	p(fmt.Sprintf("本报告中所列数据的统计期限自%d年1月1日起至%d年12月31日止。", it.year, it.year), false)
	p("一、总体情况", false)
	p(fmt.Sprintf("%d年，%s认真贯彻落实《条例》，依法做好政府信息公开工作。", it.year, it.titleOrgan), false)
	p("二、主动公开政府信息情况", false)
	docxTable(&doc, table2Grid(sh))
	p("三、收到和处理政府信息公开申请情况", false)
	docxTable(&doc, append(table3Header(), table3Body(sh, table3Rows(sh.format))...))
	p("四、政府信息公开行政复议、行政诉讼情况", false)
	docxTable(&doc, table4Grid(sh))
	p("五、存在的主要问题及改进情况", false)
	p("信息公开的及时性有待提高。", false)
	p("六、其他需要报告的事项", false)
	p("本年度未收取信息处理费。", false)
	p(it.organ.unit, false)
	p(hanDate(it.published), false)
	doc.WriteString("<w:sectPr/></w:body></w:document>")

	files := []struct{ name, body string }{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
			`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
			`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`},
		{"word/document.xml", doc.String()},
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.name, Method: zip.Deflate, Modified: it.published})
		if err != nil {
			panic(err) // writes to memory cannot fail
		}
		if _, err := w.Write([]byte(f.body)); err != nil {
			panic(err)
		}
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// docxTable writes a grid as a w:tbl. HTML omits the positions a rowspan covers;
// Word wants a cell there marked as the continuation of the merge.
func docxTable(b *strings.Builder, g grid) {
	type placed struct {
		c        gcell
		row, col int
	}
	owner := map[[2]int]*placed{}
	width := 0
	for r, row := range g {
		col := 0
		for _, c := range row {
			for owner[[2]int{r, col}] != nil {
				col++
			}
			pc := &placed{c: c, row: r, col: col}
			for dr := range c.rowspan {
				for dc := range c.colspan {
					owner[[2]int{r + dr, col + dc}] = pc
				}
			}
			col += c.colspan
			width = max(width, col)
		}
	}
	b.WriteString(`<w:tbl><w:tblPr><w:tblBorders><w:top w:val="single"/><w:left w:val="single"/><w:bottom w:val="single"/><w:right w:val="single"/><w:insideH w:val="single"/><w:insideV w:val="single"/></w:tblBorders></w:tblPr><w:tblGrid>`)
	for range width {
		b.WriteString(`<w:gridCol/>`)
	}
	b.WriteString("</w:tblGrid>")
	for r := range g {
		b.WriteString("<w:tr>")
		for col := 0; col < width; {
			pc := owner[[2]int{r, col}]
			if pc == nil {
				col++
				continue
			}
			b.WriteString("<w:tc><w:tcPr>")
			if pc.c.colspan > 1 {
				fmt.Fprintf(b, `<w:gridSpan w:val="%d"/>`, pc.c.colspan)
			}
			text := pc.c.text
			switch {
			case pc.c.rowspan > 1 && pc.row == r:
				b.WriteString(`<w:vMerge w:val="restart"/>`)
			case pc.row != r:
				b.WriteString(`<w:vMerge/>`)
				text = ""
			}
			b.WriteString("</w:tcPr><w:p><w:r><w:t xml:space=\"preserve\">" + escape(text) + "</w:t></w:r></w:p></w:tc>")
			col += pc.c.colspan
		}
		b.WriteString("</w:tr>")
	}
	b.WriteString("</w:tbl>")
}
