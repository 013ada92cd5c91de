package parse

import (
	"os"
	"path/filepath"
	"strings"
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

// FuzzParseFlowing feeds the flowing-text path: the fixtures and the corpus with
// their line structure gone, and glued rows.
func FuzzParseFlowing(f *testing.F) {
	for _, dir := range []string{"testdata", filepath.Join("..", "..", "shared", "corpus")} {
		pages, _ := filepath.Glob(filepath.Join(dir, "*.htm*"))
		for _, p := range pages {
			if data, err := os.ReadFile(p); err == nil {
				for _, style := range []flowStyle{oneLine, spaced} {
					f.Add([]byte(flowSeed(flowingText(data, style))))
				}
			}
		}
		texts, _ := filepath.Glob(filepath.Join(dir, "*.txt"))
		for _, p := range texts {
			if data, err := os.ReadFile(p); err == nil {
				f.Add([]byte(flowSeed(strings.ReplaceAll(string(data), "\n", ""))))
			}
		}
	}
	f.Add([]byte("三、收到和处理政府信息公开申请情况（四）无法提供1.本机关不掌握相关政府信息31000042.没有现成信息需要另行制作150 000015"))
	f.Add([]byte("四、政府信息公开行政复议、行政诉讼情况行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计12000120000000000五、存在的主要问题及改进情况"))
	f.Fuzz(checkParse)
}

// flowSeed keeps of a flowing text its start (title, date) and its tables: the
// fuzzer minimises what it finds, and a short seed keeps that quick.
func flowSeed(text string) string {
	head := text[:min(len(text), 1500)]
	if i := strings.Index(text, "二、主动公开"); i > len(head) {
		return head + text[i:min(len(text), i+6000)]
	}
	return text[:min(len(text), 7500)]
}

// FuzzSplitCells holds the splitter to what it promises on any tokens: it ends in
// bounded time, and a split it returns has the cells asked for, made of the
// tokens' characters in order without crossing a separator.
func FuzzSplitCells(f *testing.F) {
	f.Add("713000074", "", 7)
	f.Add("150", "000015", 7)
	f.Add("—1————1", "", 7)
	f.Add("18-21,234", "", 3)
	f.Add("110101220101102120002", "", 15)
	f.Fuzz(func(t *testing.T, a, b string, n int) {
		if n < 1 || n > 20 {
			return
		}
		tokens := []string{a, b}
		start := time.Now()
		cons := t3Constraint(t3Cols)
		if n == 15 {
			cons = t4Constraint
		} else if n != 7 {
			cons = nil
		}
		split, how := splitCells(tokens, n, cons)
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("splitCells took %v on %q", d, tokens)
		}
		if how != splitOnly && how != splitAddsUp {
			return
		}
		if len(split) != n {
			t.Fatalf("%q into %d: %d cells %q", tokens, n, len(split), split)
		}
		if strings.Join(split, "") != strings.TrimSpace(a)+strings.TrimSpace(b) {
			t.Fatalf("%q into %d: cells %q are not the tokens' characters", tokens, n, split)
		}
	})
}
