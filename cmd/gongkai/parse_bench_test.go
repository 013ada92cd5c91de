package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"gongkai/internal/portalpage"
)

// BenchmarkParseProcess is the whole-process cost of `gongkai parse --json` over
// 100 pages shaped like those portals serve (internal/portalpage, 60–350 KB each,
// from the corpus's TRS page), against internal/parsefloor, which only reads,
// decodes and html.Parses the same files. Both binaries are built first; each
// iteration runs the two one after the other, so that the machine's load at the
// time weighs on both, and reports the ratio of their times.
//
//	go test ./cmd/gongkai -run '^$' -bench BenchmarkParseProcess -benchtime 5x -count 3
func BenchmarkParseProcess(b *testing.B) {
	tmpl, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "corpus", "pingtan-2016-legacy.htm"))
	if os.IsNotExist(err) {
		b.Skip("../shared/corpus not found")
	}
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	gongkai, floor := filepath.Join(dir, "gongkai"), filepath.Join(dir, "parsefloor")
	for bin, pkg := range map[string]string{gongkai: ".", floor: "gongkai/internal/parsefloor"} {
		if out, err := exec.Command("go", "build", "-o", bin, pkg).CombinedOutput(); err != nil {
			b.Fatalf("go build %s: %v\n%s", pkg, err, out)
		}
	}
	pages, err := portalpage.Set(tmpl, 100, 1)
	if err != nil {
		b.Fatal(err)
	}
	var files []string
	size := 0
	for i, p := range pages {
		name := filepath.Join(dir, fmt.Sprintf("page%03d.html", i))
		if err := os.WriteFile(name, p.HTML, 0o644); err != nil {
			b.Fatal(err)
		}
		files = append(files, name)
		size += len(p.HTML)
	}
	run := func(bin string, args ...string) time.Duration {
		cmd := exec.Command(bin, append(args, files...)...)
		start := time.Now()
		if out, err := cmd.Output(); err != nil || len(out) == 0 {
			b.Fatalf("%s: %v", bin, err)
		}
		return time.Since(start)
	}
	run(gongkai, "parse", "--json") // warm the page cache and the binaries
	run(floor)
	var parse, base time.Duration
	b.SetBytes(int64(size))
	for b.Loop() {
		parse += run(gongkai, "parse", "--json")
		base += run(floor)
	}
	n := float64(b.N)
	b.ReportMetric(float64(parse.Milliseconds())/n, "parse-ms/op")
	b.ReportMetric(float64(base.Milliseconds())/n, "floor-ms/op")
	b.ReportMetric(float64(parse)/float64(base), "ratio")
}
