package testsite

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"gongkai/parse"
	"gongkai/report"
)

// TestParserReadsReports parses every report page of night 1 with inline tables,
// fetched over HTTP with its Content-Type, and compares the figures with Truth;
// it also checks that every look-alike is rejected. Seeds 1–4 between them print
// every zero marker in every style.
func TestParserReadsReports(t *testing.T) {
	for seed := int64(1); seed <= 4; seed++ {
		s, _ := started(t, seed)
		for _, e := range s.Truth() {
			if e.Publication == Attachment {
				continue
			}
			t.Run(fmt.Sprintf("%d/%s/%s", seed, e.Portal, e.Title), func(t *testing.T) {
				f := getRetrying(e.URLs[0])
				if f.err != nil || f.status != 200 {
					t.Fatalf("%s: status %d, %v", e.URLs[0], f.status, f.err)
				}
				rec, err := parse.Parse(parse.Input{Name: e.URLs[0], Data: f.body, ContentType: f.header.Get("Content-Type")})
				if err != nil {
					t.Fatalf("%s (%s, %s): %v", e.URLs[0], e.Style, e.Encoding, err)
				}
				diffs := recordDiffs(e.Record, rec)
				switch {
				case len(diffs) == 0:
				default:
					t.Errorf("%s (%s, %s):\n  %s", e.URLs[0], e.Style, e.Encoding, strings.Join(diffs, "\n  "))
				}
			})
		}
		if seed > 1 {
			continue
		}
		outOfScope := map[string]bool{}
		for _, p := range s.Portals() {
			if !p.InScope {
				outOfScope[p.Base] = true
			}
		}
		for _, u := range s.LookAlikes() {
			if base, _, _ := strings.Cut(strings.TrimPrefix(u, "http://"), "/"); outOfScope["http://"+base] {
				continue // the spam mirror's copy is a real report: scope rejects it, not content
			}
			t.Run("look-alike "+u, func(t *testing.T) {
				f := getRetrying(u)
				rec, err := parse.Parse(parse.Input{Name: u, Data: f.body, ContentType: f.header.Get("Content-Type")})
				if !parse.IsNotReport(err) {
					t.Errorf("%s: read as a report (%q, err %v)", u, rec.Title, err)
				}
			})
		}
	}
}

// recordDiffs lists where got differs from want in year, format and figures.
func recordDiffs(want, got *report.Record) []string {
	var d []string
	if got.Year != want.Year {
		d = append(d, fmt.Sprintf("year %d, want %d", got.Year, want.Year))
	}
	if got.Format != want.Format {
		d = append(d, fmt.Sprintf("format %q, want %q", got.Format, want.Format))
	}
	if got.Title != want.Title {
		d = append(d, fmt.Sprintf("title %q, want %q", got.Title, want.Title))
	}
	if got.Published != want.Published {
		d = append(d, fmt.Sprintf("published %q, want %q", got.Published, want.Published))
	}
	d = append(d, mapDiffs("table2", anyTable(want.Table2), anyTable(got.Table2))...)
	d = append(d, mapDiffs("table3", intTable(want.Table3), intTable(got.Table3))...)
	d = append(d, mapDiffs("table4", intTable(want.Table4), intTable(got.Table4))...)
	return d
}

func anyTable(t report.Table2) map[string]string {
	out := map[string]string{}
	for row, fields := range t {
		for k, v := range fields {
			out[row+"."+k] = fmt.Sprint(v)
		}
	}
	return out
}

func intTable[T ~map[string]map[string]int64](t T) map[string]string {
	out := map[string]string{}
	for row, cols := range t {
		for k, v := range cols {
			out[row+"."+k] = fmt.Sprint(v)
		}
	}
	return out
}

func mapDiffs(table string, want, got map[string]string) []string {
	var d []string
	for k, w := range want {
		if g, ok := got[k]; !ok {
			d = append(d, fmt.Sprintf("%s.%s missing, want %s", table, k, w))
		} else if g != w {
			d = append(d, fmt.Sprintf("%s.%s = %s, want %s", table, k, g, w))
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok {
			d = append(d, fmt.Sprintf("%s.%s = %s, not in the report", table, k, g))
		}
	}
	sort.Strings(d)
	return d
}
