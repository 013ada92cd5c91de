package parse

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// docSeeds adds the document fixtures of one format to a fuzz target's corpus,
// those no larger than maxSeed: the fuzzer minimises every interesting input, and
// minimising an 80 KB PDF a parse at a time stalls it for minutes.
func docSeeds(f *testing.F, patterns ...string) {
	for _, p := range patterns {
		files, _ := filepath.Glob(filepath.Join("testdata", "docs", p))
		for _, name := range files {
			if data, err := os.ReadFile(name); err == nil && len(data) <= maxSeed {
				f.Add(data)
			}
		}
	}
}

func FuzzDOCX(f *testing.F) {
	docSeeds(f, "*.docx", "*.xlsx")
	f.Add(docxOf(f, wp("三、收到和处理政府信息公开申请情况")+`<w:tbl><w:tr>`+wtc(`<w:gridSpan w:val="99999"/><w:vMerge/>`, "一、本年新收政府信息公开申请数量")+wtc(``, "1")+`</w:tr></w:tbl>`))
	f.Fuzz(checkParse)
}

func FuzzPDF(f *testing.F) {
	docSeeds(f, "*.pdf")
	withoutOCR(f)
	f.Fuzz(checkParse)
}

// withoutOCR makes scans fail as they do without Tesseract: OCR takes seconds a
// page, which would stall the fuzzer, and has tests of its own.
func withoutOCR(f *testing.F) {
	findOCR = func() (*tesseract, error) { return nil, fmt.Errorf("%w (fuzzing)", ErrNoOCR) }
	f.Cleanup(func() { findOCR = findTesseract })
}
