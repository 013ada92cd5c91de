package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"syscall"
	"testing"
	"time"

	"gongkai/report"
)

// benchRecords builds n realistic records from the parsed fixtures: 500 organs ×
// n/500 consecutive years (so the carry and in-force chains have neighbours), each
// with the tables of one fixture, some figures changed, and a body made of 15
// sentences drawn from the fixtures' prose (so that texts overlap as real reports
// do, without every report being a copy of every other). Raw bytes are the text.
func benchRecords(b testing.TB, n int) []Item {
	b.Helper()
	var bases []*report.Record
	var sentences []string
	for _, name := range []string{"xiling-education-2022", "zhuzhou-jinrongban-2022", "xiongxian-township-2019", "pingtan-2016-legacy"} {
		rec := fixture(b, name)
		bases = append(bases, rec)
		for _, s := range strings.FieldsFunc(rec.Text, func(r rune) bool { return strings.ContainsRune("。！？；!?;", r) }) {
			if len([]rune(s)) >= 12 && !strings.Contains(s, "|") {
				sentences = append(sentences, strings.ReplaceAll(s, "\n", "")+"。")
			}
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	const organs = 500
	items := make([]Item, 0, n)
	for i := 0; i < n; i++ {
		organ, year := i%organs, 2023-i/organs
		rec := clone(b, bases[organ%3]) // the three with standard tables
		rec.Organ = fmt.Sprintf("某某市第%d区教育局", organ)
		rec.Region, rec.Department = fmt.Sprintf("某某市第%d区", organ), "教育局"
		// An invented region has no code: the fixture's code would make every
		// organ of that fixture the same body (report.OrganKey keys by code).
		rec.RegionCode = ""
		rec.Year = year
		rec.Title = fmt.Sprintf("%s%d年政府信息公开工作年度报告", rec.Organ, year)
		rec.Published = fmt.Sprintf("%d-01-%02d", year+1, 10+rng.IntN(40)%22)
		for _, c := range rec.Cells {
			if c.Table == report.T3 && c.Column == "natural_person" && c.Kind == report.KindNumber {
				setCell(b, rec, c.Table, c.Row, c.Column, int64(rng.IntN(30)))
			}
		}
		var body strings.Builder
		body.WriteString(rec.Title + "\n")
		for j := 0; j < 15; j++ {
			body.WriteString(sentences[rng.IntN(len(sentences))])
			if j%3 == 2 {
				body.WriteByte('\n')
			}
		}
		rec.Text = body.String()
		rec.Checks = report.ComputeChecks(rec)
		uri := fmt.Sprintf("http://www.example.gov.cn/ndbg/%d/%d.html", year, organ)
		items = append(items, item(rec, uri, rec.Text))
	}
	return items
}

// BenchmarkIngest10k stores 10,000 pre-parsed records into a fresh archive in
// batches of 500 documents per transaction; parsing is measured in package parse.
func BenchmarkIngest10k(b *testing.B) {
	const n, batch = 10_000, 500
	items := benchRecords(b, n)
	var cpu time.Duration
	for b.Loop() {
		b.StopTimer()
		s, err := Open(b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		cpu0 := cpuTime()
		for start := 0; start < n; start += batch {
			res, err := s.Ingest(context.Background(), items[start:start+batch])
			if err != nil {
				b.Fatal(err)
			}
			for _, r := range res {
				if r.Err != nil || r.Outcome != OutcomeNew {
					b.Fatalf("%+v", r)
				}
			}
		}
		cpu += cpuTime() - cpu0
		b.StopTimer()
		s.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "reports/s")
	// CPU time per report (all cores) tells the store's cost apart from what other
	// processes on a shared machine take from the wall clock.
	b.ReportMetric(float64(cpu.Microseconds())/float64(n*b.N), "cpu-µs/report")
}

// cpuTime is the CPU time (user and system) the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
