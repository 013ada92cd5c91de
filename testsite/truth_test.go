package testsite

import (
	"slices"
	"sort"
	"strings"
	"testing"

	"gongkai/report"
)

// TestTruthIdentities recomputes the accounting identities of every report's
// figures and checks that exactly the ones FailedChecks names fail.
func TestTruthIdentities(t *testing.T) {
	s := New(1)
	failing := 0
	for _, night := range []int{1, 2} {
		s.SetNight(night)
		for _, e := range s.Truth() {
			r := e.Record
			if r.Format == report.FormatLegacy {
				if r.Table3 != nil || len(r.LegacyFigures) == 0 {
					t.Errorf("%s: legacy report with table 3 or without legacy figures", e.Title)
				}
				continue
			}
			got := failedIdentities(r)
			want := append([]string(nil), e.FailedChecks...)
			sort.Strings(want)
			if !slices.Equal(got, want) {
				t.Errorf("%s: identities failing %v, FailedChecks %v", e.Title, got, want)
			}
			if len(want) > 0 {
				failing++
			}
			if r.Format == report.Format2021 {
				for col, v := range r.Table3["other_total"] {
					if sum := r.Table3["other_overdue_correction"][col] + r.Table3["other_unpaid_fee"][col] + r.Table3["other_misc"][col]; v != sum {
						t.Errorf("%s: other_total.%s = %d, sub-rows sum to %d", e.Title, col, v, sum)
					}
				}
			}
		}
	}
	if failing < 3 {
		t.Errorf("%d deliberately wrong reports; want a few", failing)
	}
}

// failedIdentities computes the spec's identities by hand (not with report.ComputeChecks).
func failedIdentities(r *report.Record) []string {
	t3, t4 := r.Table3, r.Table4
	cols := []string{"natural_person", "commercial", "research", "social_org", "legal_service", "other_org"}
	var outcomes []string
	for _, row := range report.Table3Rows {
		k := row.Key.Key
		switch {
		case k == "new_received", k == "carried_over", k == "total_handled", k == "carried_forward":
		case r.Format == report.Format2021 && k == "other_total":
		case row.Only != "" && row.Only != r.Format:
		default:
			outcomes = append(outcomes, k)
		}
	}
	var failed []string
	for _, col := range append(cols, "total") {
		if t3["new_received"][col]+t3["carried_over"][col] != t3["total_handled"][col]+t3["carried_forward"][col] {
			failed = append(failed, "t3_balance:"+col)
		}
		var sum int64
		for _, row := range outcomes {
			sum += t3[row][col]
		}
		if sum != t3["total_handled"][col] {
			failed = append(failed, "t3_outcomes:"+col)
		}
	}
	for row, vals := range t3 {
		if r.Format == report.Format2021 && row == "other_total" {
			continue
		}
		var sum int64
		for _, c := range cols {
			sum += vals[c]
		}
		if sum != vals["total"] {
			failed = append(failed, "t3_row_total:"+row)
		}
	}
	for g, vals := range t4 {
		if vals["upheld"]+vals["corrected"]+vals["other"]+vals["pending"] != vals["total"] {
			failed = append(failed, "t4_sum:"+g)
		}
	}
	sort.Strings(failed)
	return failed
}

// TestTruthVariety checks that the figures look like real ones: formats and
// publication kinds all present, most figures small, a few large, zeros printed in
// several ways, several styles and encodings.
func TestTruthVariety(t *testing.T) {
	s := New(1)
	truth := s.Truth()
	if n := len(truth); n < 50 || n > 250 {
		t.Errorf("%d reports; want 50–250", n)
	}
	count := map[string]int{}
	var small, large int
	for _, e := range truth {
		count["format "+e.Record.Format]++
		count["publication "+e.Publication]++
		count["style "+e.Style]++
		count["encoding "+e.Encoding]++
		if strings.HasPrefix(e.Record.Title, "2") && e.Record.Year > 0 {
			count["year-first title"]++
		}
		if strings.Contains(e.Title, "〇") {
			count["chinese-numeral title"]++
		}
		if e.Record.Format == report.Format2019 && e.Record.Year == 2021 {
			count["late adopter"]++
		}
		for _, cols := range e.Record.Table3 {
			for _, v := range cols {
				if v <= 10 {
					small++
				}
				if v >= 100 {
					large++
				}
			}
		}
	}
	for _, k := range []string{"format 2019", "format 2021", "format legacy", "publication inline", "publication attachment", "publication both",
		"style " + styleTRS, "style " + styleWord, "style " + styleSplit, "style " + styleCells, "style " + styleRows,
		"year-first title", "chinese-numeral title", "late adopter"} {
		if count[k] == 0 {
			t.Errorf("no report with %s", k)
		}
	}
	if large == 0 || small < 20*large {
		t.Errorf("%d small and %d large figures; want mostly small, a few large", small, large)
	}
	marks := map[string]bool{}
	for _, it := range s.w.reports {
		if it.sheet == nil {
			continue
		}
		for _, cols := range it.sheet.p3 {
			for _, p := range cols {
				marks[p] = true
			}
		}
	}
	for _, m := range []string{"", "/", "—", "无", "0"} {
		if !marks[m] {
			t.Errorf("no table 3 cell printed as %q", m)
		}
	}
}
