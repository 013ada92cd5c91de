package index

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"gongkai/report"
)

// updateResults rewrites testdata/results.tsv from the index as it is: only for a
// change that means to change what searches find, said in its commit.
var updateResults = flag.Bool("update-results", false, "rewrite testdata/results.tsv")

// goldenReports is the size of the generated corpus the results were recorded on.
const goldenReports = 500

// Every search of the query mix and of a broad random set (words and phrases of
// real reports' prose and tables, places, organs, digits; AND, OR, NOT, fields,
// filters, sort by date) finds the same reports, and counts the same facets, as
// when testdata/results.tsv was recorded on the same generated corpus: the
// layout of the index and the way searches are evaluated may change, what they
// find may not.
func TestResultsUnchanged(t *testing.T) {
	if testing.Short() {
		t.Skip("indexes 500 generated reports")
	}
	c := newCorpus(t, goldenReports)
	ix, err := Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if _, err := ix.Sync(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	var lines []string
	for i, r := range goldenRequests(c) {
		lines = append(lines, fmt.Sprintf("%d\t%s\t%s", i, describe(r), resultDigest(t, ix, r)))
	}
	path := filepath.Join("testdata", "results.tsv")
	if *updateResults {
		if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	wantLines := strings.Split(strings.TrimSuffix(string(want), "\n"), "\n")
	if len(wantLines) != len(lines) {
		t.Fatalf("%d searches, %s records %d", len(lines), path, len(wantLines))
	}
	found := 0
	for i := range lines {
		if lines[i] != wantLines[i] {
			t.Errorf("search changed:\n got  %s\n want %s", lines[i], wantLines[i])
		}
		if !strings.Contains(lines[i], "\t0\t") {
			found++
		}
	}
	if found < len(lines)/2 {
		t.Errorf("only %d of %d searches find anything: the check says little", found, len(lines))
	}
}

// resultDigest is what a search finds, in short: the total, a hash of the
// reports found (all pages) and a hash of its facets.
func resultDigest(t *testing.T, ix *Index, r Request) string {
	t.Helper()
	r.Limit = MaxLimit
	var found []int64
	var total uint64
	var facets string
	for r.Page = 1; ; r.Page++ {
		res, err := ix.Search(context.Background(), r)
		if err != nil {
			t.Fatalf("%s: %v", describe(r), err)
		}
		if r.Page == 1 {
			total, facets = res.Total, facetText(res.Facets)
		}
		for _, h := range res.Hits {
			found = append(found, h.ID)
		}
		if len(res.Hits) < MaxLimit {
			break
		}
	}
	if uint64(len(found)) != total {
		t.Fatalf("%s: total %d, %d reports on its pages", describe(r), total, len(found))
	}
	slices.Sort(found)
	ids := sha256.New()
	for _, id := range found {
		fmt.Fprintf(ids, "%d,", id)
	}
	f := sha256.Sum256([]byte(facets))
	return fmt.Sprintf("%d\t%s\t%s", total, hex.EncodeToString(ids.Sum(nil))[:16], hex.EncodeToString(f[:])[:16])
}

func facetText(facets map[string]map[string]int) string {
	var out []string
	for name, counts := range facets {
		for v, n := range counts {
			out = append(out, fmt.Sprintf("%s=%s:%d", name, v, n))
		}
	}
	slices.Sort(out)
	return strings.Join(out, "\n")
}

func describe(r Request) string {
	parts := []string{strconv.Quote(r.Query)}
	if r.YearFrom > 0 || r.YearTo > 0 {
		parts = append(parts, fmt.Sprintf("year %d-%d", r.YearFrom, r.YearTo))
	}
	for _, f := range []struct{ name, v string }{{"region", r.Region}, {"organ", r.Organ}, {"department", r.Department}, {"format", r.Format}} {
		if f.v != "" {
			parts = append(parts, f.name+" "+f.v)
		}
	}
	if r.FailedChecks {
		parts = append(parts, "failed")
	}
	if r.Sort != "" {
		parts = append(parts, "sort "+r.Sort)
	}
	return strings.Join(parts, " ")
}

// goldenRequests are the searches checked: the benchmark's query mix, then 400
// drawn at random (the same on every run) from the words of the corpus.
func goldenRequests(c *corpus) []Request {
	var out []Request
	for _, q := range queryMix {
		out = append(out, q.req)
	}
	r := rand.New(rand.NewPCG(18, 1))
	var labels []string
	for _, f := range []string{report.Format2019, report.Format2021} {
		for _, row := range report.Table3RowsFor(f) {
			labels = append(labels, row.Label)
		}
		for _, row := range report.Table2RowsFor(f) {
			labels = append(labels, row.Label)
		}
	}
	han := func(s string) []rune {
		var runs [][]rune
		var cur []rune
		for _, ch := range s + "。" {
			if unicode.Is(unicode.Han, ch) {
				cur = append(cur, ch)
			} else if len(cur) > 0 {
				runs, cur = append(runs, cur), nil
			}
		}
		return runs[r.IntN(len(runs))]
	}
	// piece is a piece of a text of one to eight Chinese characters, shorter
	// ones more often.
	piece := func(s string) string {
		run := han(s)
		n := min(len(run), []int{1, 2, 2, 2, 3, 3, 4, 4, 5, 6, 8}[r.IntN(11)])
		at := r.IntN(len(run) - n + 1)
		return string(run[at : at+n])
	}
	word := func() string {
		switch k := r.IntN(20); {
		case k < 5:
			d := c.doc(1 + r.Int64N(int64(c.n)))
			return piece([]string{d.Title, d.Text, d.Organ}[r.IntN(3)])
		case k < 9:
			return piece(c.prose[r.IntN(len(c.prose))])
		case k < 11:
			return piece(labels[r.IntN(len(labels))])
		case k < 13:
			return benchDepartments[r.IntN(len(benchDepartments))]
		case k < 15:
			return c.doc(1 + r.Int64N(int64(c.n))).Region
		case k < 16:
			return []string{"2022年", "2019年度", "12月31日", "第3", "3件", "〔2021〕30号", "100%", "1月1日"}[r.IntN(8)]
		case k < 17:
			return string(benchTownChars[r.IntN(len(benchTownChars))]) + []string{"镇", "乡", "街道"}[r.IntN(3)]
		default:
			return piece(benchTopics[r.IntN(len(benchTopics))])
		}
	}
	for range 400 {
		var q []string
		for range 1 + r.IntN(3)/2 + r.IntN(2) {
			switch k := r.IntN(20); {
			case k < 2:
				q = append(q, "-"+word())
			case k < 4:
				q = append(q, word()+" OR "+word())
			case k < 5:
				q = append(q, `"`+word()+" "+word()+`"`)
			case k < 6:
				q = append(q, []string{"title:", "body:", "labels:", "organ:", "region:"}[r.IntN(5)]+word())
			case k < 7:
				q = append(q, "year:"+strconv.Itoa(2016+r.IntN(10)))
			default:
				q = append(q, word())
			}
		}
		req := Request{Query: strings.Join(q, " ")}
		switch r.IntN(10) {
		case 0:
			req.YearFrom, req.YearTo = 2019+r.IntN(3), 2022+r.IntN(3)
		case 1:
			d := c.doc(1 + r.Int64N(int64(c.n)))
			co := county{code: d.RegionCode + "000000", name: d.Region}
			req.Region = []string{co.code[:2], co.code[:4], co.name}[r.IntN(3)]
		case 2:
			req.Department = benchDepartments[r.IntN(len(benchDepartments))]
		case 3:
			req.Format = []string{report.Format2019, report.Format2021, report.FormatLegacy}[r.IntN(3)]
		case 4:
			req.FailedChecks = true
		case 5:
			req.Organ = benchDepartments[r.IntN(len(benchDepartments))]
		}
		if r.IntN(5) == 0 {
			req.Sort = "date"
		}
		out = append(out, req)
	}
	return out
}
