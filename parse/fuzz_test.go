package parse

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// maxSeed caps seed size: the fuzzer mutates and minimises whole inputs, and a
// 130 KB page makes each round slow without finding more. A cut-off page is a
// realistic input in its own right.
const maxSeed = 24 << 10

// seeds adds the project's fixtures and the shared corpus to a fuzz target's corpus.
func seeds(f *testing.F, exts ...string) {
	f.Helper()
	for _, dir := range []string{"testdata", filepath.Join("..", "..", "shared", "corpus")} {
		for _, ext := range exts {
			files, _ := filepath.Glob(filepath.Join(dir, "*"+ext))
			for _, name := range files {
				if data, err := os.ReadFile(name); err == nil {
					f.Add(data[:min(len(data), maxSeed)])
				}
			}
		}
	}
}

// checkParse runs the parser without its fault guard and checks what must hold for
// any input: no panic, a bounded time, and a record consistent with itself.
func checkParse(t *testing.T, data []byte) {
	start := time.Now()
	rec, err := parseDocument(Input{Name: "fuzz", Data: data})
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("parse took %v on %d bytes", d, len(data))
	}
	if err != nil {
		return
	}
	if rec.Format == "" || rec.Checks == nil || rec.Warnings == nil {
		t.Fatalf("incomplete record: format %q, checks %v, warnings %v", rec.Format, rec.Checks, rec.Warnings)
	}
	for _, c := range rec.Cells {
		if c.Kind == "number" && c.Value == nil {
			t.Fatalf("number cell without value: %+v", c)
		}
	}
	for row, cols := range rec.Table3 {
		for col := range cols {
			if row == "other_total" && rec.Format == "2021" {
				continue
			}
			found := false
			for _, c := range rec.Cells {
				if c.Table == "table3" && c.Row == row && c.Column == col {
					found = true
					break
				}
			}
			if !found {
				t.Fatalf("table3 %s.%s has no printed cell behind it", row, col)
			}
		}
	}
}

func FuzzParseHTML(f *testing.F) {
	seeds(f, ".html", ".htm")
	f.Add(benchPage(0)[:maxSeed])
	f.Add([]byte(`<table><tr><td rowspan=0 colspan=1000>一、本年新收政府信息公开申请数量</td><td>1</td></tr></table>`))
	f.Fuzz(checkParse)
}

func FuzzParseText(f *testing.F) {
	seeds(f, ".txt", ".md")
	f.Add([]byte("三、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量 713000074\n"))
	f.Fuzz(checkParse)
}
