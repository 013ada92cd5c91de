// Command docgen regenerates the document fixtures in parse/testdata/docs from the
// parser's own HTML fixtures, so that every format can be checked against the same
// want files: the article of each page (as a portal's attachment would carry it)
// goes through LibreOffice to DOCX, DOC, PDF, XLSX and XLS; one is also laid out
// by pdfgen in a GBK-EUC-H font; a scan-like PDF and broken files complete the set.
//
// Run from the repository root, with LibreOffice installed
// (apt-get install -y libreoffice-writer-nogui libreoffice-calc-nogui fonts-wqy-zenhei):
//
//	go run ./parse/internal/docgen                              # all of them
//	go run ./parse/internal/docgen -only wrapped-2021,missing-rows-2021 # some
package main

import (
	"bytes"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// source is an HTML fixture and the parts of it that form the report itself, as
// [start, end) markers in its raw bytes (so a GBK page stays GBK).
type source struct {
	name    string
	charset string
	cuts    [][2]string // none: the whole page is the document
	font    string      // also lay it out by pdfgen in this font: "gbkcmap" or "identity"
	// layouts are more pdfgen layouts (Identity-H font) of the page, written as
	// NAME.KEY.pdf.
	layouts map[string]tableStyle
}

var sources = []source{
	{name: "trs-2021-gbk", charset: "gb2312", font: "gbkcmap", cuts: [][2]string{
		{`<h1 class="xl_title">`, `<div class="xl_info">`},
		{`<div class="TRS_Editor">`, `<div class="xl_fj">`},
	}},
	{name: "word-2019", font: "identity"}, // Word's own HTML export: the page is the document
	{name: "hanweb-2021-labels", charset: "utf-8", cuts: [][2]string{
		{`<div class="title">`, `<div class="info">`},
		{`<div id="zoom">`, `<div class="bdsharebuttonbox">`},
	}},
	// Table 3's long labels wrapped over two or three lines of a narrow column,
	// the figures on the label's first, middle or last line, with rules and
	// without.
	{name: "wrapped-2021", charset: "utf-8", cuts: [][2]string{{`<div class="article">`, `<div class="footer">`}}, layouts: map[string]tableStyle{
		"unruled-top":    {unruled: true, maxColumn: 64},
		"unruled-middle": {unruled: true, valign: "middle", maxColumn: 64},
		"unruled-bottom": {unruled: true, valign: "bottom", maxColumn: 90},
		"ruled-middle":   {valign: "middle", maxColumn: 64},
	}},
	{name: "missing-rows-2021", charset: "utf-8", cuts: [][2]string{{`<div class="article">`, `<div class="footer">`}}},
}

// conversion is one LibreOffice export.
type conversion struct {
	ext, inFilter, outFilter string
}

var conversions = []conversion{
	{"docx", "HTML (StarWriter)", `docx:MS Word 2007 XML`},
	{"doc", "HTML (StarWriter)", `doc:MS Word 97`},
	{"pdf", "HTML (StarWriter)", `pdf:writer_pdf_Export`},
	{"xlsx", "HTML (StarCalc)", `xlsx:Calc MS Excel 2007 XML`},
	{"xls", "HTML (StarCalc)", `xls:MS Excel 97`},
}

func main() {
	log.SetFlags(0)
	testdata := flag.String("testdata", "parse/testdata", "the parser's testdata folder")
	only := flag.String("only", "", "regenerate only these sources (comma-separated names), leaving the other files as they are")
	flag.Parse()
	wanted := map[string]bool{}
	for _, n := range strings.Split(*only, ",") {
		if n != "" {
			wanted[n] = true
		}
	}
	out := filepath.Join(*testdata, "docs")
	if err := os.MkdirAll(out, 0o755); err != nil {
		log.Fatal(err)
	}
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		log.Fatal("soffice not found: apt-get install -y libreoffice-writer-nogui libreoffice-calc-nogui fonts-wqy-zenhei")
	}
	tmp, err := os.MkdirTemp("", "docgen")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	for _, s := range sources {
		if len(wanted) > 0 && !wanted[s.name] {
			continue
		}
		page, err := os.ReadFile(filepath.Join(*testdata, s.name+".html"))
		if err != nil {
			log.Fatal(err)
		}
		article, err := s.article(page)
		if err != nil {
			log.Fatalf("%s: %v", s.name, err)
		}
		in := filepath.Join(tmp, s.name+".html")
		if err := os.WriteFile(in, article, 0o644); err != nil {
			log.Fatal(err)
		}
		for _, c := range conversions {
			cmd := exec.Command(soffice, "--headless", "--norestore", "-env:UserInstallation=file://"+filepath.Join(tmp, "profile"),
				"--infilter="+c.inFilter, "--convert-to", c.outFilter, "--outdir", tmp, in)
			if msg, err := cmd.CombinedOutput(); err != nil {
				log.Fatalf("%s → %s: %v\n%s", s.name, c.ext, err, msg)
			}
			copyFile(filepath.Join(tmp, s.name+"."+c.ext), filepath.Join(out, s.name+"."+c.ext))
		}
		if s.font != "" {
			pdf, err := layoutPDF(article, s.font == "identity", tableStyle{})
			if err != nil {
				log.Fatalf("%s: %v", s.name, err)
			}
			write(filepath.Join(out, s.name+"."+s.font+".pdf"), pdf)
		}
		for key, style := range s.layouts {
			pdf, err := layoutPDF(article, true, style)
			if err != nil {
				log.Fatalf("%s: %v", s.name, err)
			}
			write(filepath.Join(out, s.name+"."+key+".pdf"), pdf)
		}
	}
	if len(wanted) > 0 && !wanted["trs-2021-gbk"] {
		return // the scan and the broken files stay as they are
	}
	write(filepath.Join(out, "scanned.pdf"), scannedPDF())
	// Broken files: real documents cut off part-way, as an interrupted download
	// leaves them.
	for _, ext := range []string{"docx", "doc", "pdf", "xlsx", "xls"} {
		data, err := os.ReadFile(filepath.Join(out, "trs-2021-gbk."+ext))
		if err != nil {
			log.Fatal(err)
		}
		write(filepath.Join(out, "broken."+ext), data[:len(data)*2/5])
	}
}

// article cuts the report out of the page and wraps it as a page of its own in the
// source's encoding.
func (s source) article(page []byte) ([]byte, error) {
	if len(s.cuts) == 0 {
		return page, nil
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=%s\"></head><body>\n", s.charset)
	for _, c := range s.cuts {
		i := bytes.Index(page, []byte(c[0]))
		if i < 0 {
			return nil, fmt.Errorf("marker %q not found", c[0])
		}
		j := bytes.Index(page[i:], []byte(c[1]))
		if j < 0 {
			return nil, fmt.Errorf("marker %q not found", c[1])
		}
		b.Write(page[i : i+j])
		b.WriteByte('\n')
	}
	b.WriteString("</body></html>\n")
	return b.Bytes(), nil
}

func copyFile(from, to string) {
	data, err := os.ReadFile(from)
	if err != nil {
		log.Fatal(err)
	}
	write(to, data)
}

func write(path string, data []byte) {
	if err := os.WriteFile(path, data, 0o644); err != nil {
		log.Fatal(err)
	}
	fmt.Println(strings.TrimPrefix(path, "./"), len(data))
}
