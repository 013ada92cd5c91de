package parse

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// benchDocument parses one fixture per iteration and reports pages per second
// (pages as the PDF export of the same report counts them: 3).
func benchDocument(b *testing.B, name string, pages int) {
	data, err := os.ReadFile(filepath.Join("testdata", "docs", name))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := Parse(Input{Name: name, Data: data}); err != nil { // warms the PDF pool
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	start := time.Now()
	n := 0
	for b.Loop() {
		if _, err := Parse(Input{Name: name, Data: data}); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(n*pages)/time.Since(start).Seconds(), "pages/s")
}

func BenchmarkParseDOCX(b *testing.B) { benchDocument(b, "trs-2021-gbk.docx", 3) }
func BenchmarkParsePDF(b *testing.B)  { benchDocument(b, "trs-2021-gbk.pdf", 3) }
func BenchmarkParseXLSX(b *testing.B) { benchDocument(b, "trs-2021-gbk.xlsx", 3) }

func BenchmarkParseDOC(b *testing.B) {
	if _, err := exec.LookPath("soffice"); err != nil {
		b.Skip("soffice is not installed (apt-get install libreoffice-writer-nogui)")
	}
	benchDocument(b, "trs-2021-gbk.doc", 3)
}

// BenchmarkPDFPoolInit is what the first PDF of a process pays: compiling pdfium
// (from wazero's cache on disk when one is there) and starting an instance.
func BenchmarkPDFPoolInit(b *testing.B) {
	for b.Loop() {
		start := time.Now()
		cmd := exec.Command(os.Args[0], "-test.run=^TestPDFPoolInitChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), "GONGKAI_POOL_INIT_CHILD=1")
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("%v\n%s", err, out)
		}
		b.ReportMetric(time.Since(start).Seconds(), "s/process")
	}
}

// TestPDFPoolInitChild makes the pool in a fresh process for BenchmarkPDFPoolInit.
func TestPDFPoolInitChild(t *testing.T) {
	if os.Getenv("GONGKAI_POOL_INIT_CHILD") == "" {
		t.Skip("run by BenchmarkPDFPoolInit")
	}
	if _, err := pdfiumPool(); err != nil {
		t.Fatal(err)
	}
	t.Logf("pool made in %v", pdfPool.init)
}
