package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// table3With builds a table 3 of the given format where every printed row holds
// the given counts (natural_person, commercial, total) and other columns 0.
func table3With(format string, rows map[string][3]int64) Table3 {
	t := Table3{}
	for _, r := range Table3RowsFor(format) {
		v := rows[r.Key.Key]
		t[r.Key.Key] = map[string]int64{
			"natural_person": v[0], "commercial": v[1], "research": 0, "social_org": 0,
			"legal_service": 0, "other_org": 0, "total": v[2],
		}
	}
	return t
}

func TestComputeChecks2019(t *testing.T) {
	rec := &Record{Format: Format2019, Table3: table3With(Format2019, map[string][3]int64{
		"new_received":    {5, 1, 6},
		"carried_over":    {1, 0, 1},
		"granted":         {3, 1, 4},
		"unable_not_held": {1, 0, 1},
		"other_total":     {1, 0, 1},
		"total_handled":   {5, 1, 6},
		"carried_forward": {1, 0, 2}, // printed total 2, sum of columns 1
	}), Table4: Table4{
		"review":            {"upheld": 1, "corrected": 1, "other": 0, "pending": 0, "total": 2},
		"suit_direct":       {"upheld": 0, "corrected": 0, "other": 0, "pending": 1, "total": 0},
		"suit_after_review": {"upheld": 0, "corrected": 0, "other": 0, "pending": 0, "total": 0},
	}}
	checks := ComputeChecks(rec)
	// 7 balance + 23 row totals + 7 outcomes + 3 table-4 sums.
	if len(checks) != 7+23+7+3 {
		t.Fatalf("%d checks, want 40", len(checks))
	}
	var failed []string
	for _, c := range checks {
		if !c.OK {
			failed = append(failed, c.Rule)
		}
	}
	want := "t3_balance:total t3_row_total:carried_forward t4_sum:suit_direct"
	if strings.Join(failed, " ") != want {
		t.Errorf("failed checks %v, want %s", failed, want)
	}
	for _, c := range checks {
		if c.Rule == "t3_balance:total" {
			if c.Detail != "new_received 6 + carried_over 1 (= 7) ≠ total_handled 6 + carried_forward 2 (= 8)" {
				t.Errorf("detail %q", c.Detail)
			}
			if strings.Join(c.Cells, " ") != "table3.new_received.total table3.carried_over.total table3.total_handled.total table3.carried_forward.total" {
				t.Errorf("cells %v", c.Cells)
			}
		}
	}
}

func TestComputeChecksSkipsMissingRows(t *testing.T) {
	t3 := table3With(Format2021, nil)
	delete(t3, "carried_forward")
	delete(t3["granted"], "research")
	checks := ComputeChecks(&Record{Format: Format2021, Table3: t3})
	for _, c := range checks {
		if strings.HasPrefix(c.Rule, "t3_balance:") || c.Rule == "t3_row_total:granted" || c.Rule == "t3_outcomes:research" {
			t.Errorf("%s evaluated although one of its cells is missing", c.Rule)
		}
	}
	// 2021 prints 25 rows, one is missing, one lacks a column; other_total is derived, never checked on its own.
	rowTotals := 0
	for _, c := range checks {
		if strings.HasPrefix(c.Rule, "t3_row_total:") {
			rowTotals++
		}
	}
	if rowTotals != 23 {
		t.Errorf("%d row-total checks, want 23", rowTotals)
	}
}

func TestTablesMarshalInPrintedOrder(t *testing.T) {
	rec := Record{Format: Format2021, Table3: table3With(Format2021, nil), Checks: []Check{}, Warnings: []string{}}
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(rec); err != nil {
		t.Fatal(err)
	}
	s := buf.String()
	if !(strings.Index(s, `"new_received"`) < strings.Index(s, `"carried_over"`) &&
		strings.Index(s, `"carried_over"`) < strings.Index(s, `"granted"`) &&
		strings.Index(s, `"total_handled"`) < strings.Index(s, `"carried_forward"`)) {
		t.Errorf("table3 rows not in printed order: %s", s)
	}
	if !strings.Contains(s, `{"natural_person":0,"commercial":0,"research":0,"social_org":0,"legal_service":0,"other_org":0,"total":0}`) {
		t.Errorf("columns not in printed order: %s", s)
	}
	var back Record
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if len(back.Table3) != len(rec.Table3) || back.Table3["granted"]["total"] != 0 {
		t.Errorf("round trip lost table3: %v", back.Table3)
	}
}

// A check that needs a figure left out of a scan is neither passed nor failed:
// it is named as not checked, with the cells it lacks, and the summary says so.
func TestUncheckedChecks(t *testing.T) {
	t3 := table3With(Format2021, map[string][3]int64{
		"new_received": {3, 1, 4}, "granted": {2, 1, 3}, "unable_not_held": {1, 0, 1},
		"total_handled": {3, 1, 4},
	})
	// granted's research column was not read; the row withheld_state_secret not
	// at all.
	delete(t3["granted"], "research")
	delete(t3, "withheld_state_secret")
	rec := &Record{Format: Format2021, Table3: t3, LeftOut: []string{"table3.granted.research"}}
	for _, c := range Table3Columns {
		rec.LeftOut = append(rec.LeftOut, CellRef(T3, "withheld_state_secret", c.Key))
	}
	rec.Checks = ComputeChecks(rec)
	unchecked := map[string][]string{}
	for _, u := range UncheckedChecks(rec) {
		unchecked[u.Rule] = u.LeftOut
	}
	// Both rows' totals, and the outcomes of every column (each needs the row
	// not read).
	if len(unchecked) != 2+7 {
		t.Errorf("%d unchecked, want 9: %v", len(unchecked), unchecked)
	}
	if got := strings.Join(unchecked["t3_outcomes:research"], " "); got != "table3.granted.research table3.withheld_state_secret.research" {
		t.Errorf("t3_outcomes:research lacks %q", got)
	}
	if got := strings.Join(unchecked["t3_row_total:granted"], " "); got != "table3.granted.research" {
		t.Errorf("t3_row_total:granted lacks %q", got)
	}
	for _, c := range rec.Checks {
		if _, ok := unchecked[c.Rule]; ok {
			t.Errorf("%s is both checked and not", c.Rule)
		}
	}
	tally := TallyChecks(rec)
	if tally.Passed+tally.Failed != len(rec.Checks) || tally.Failed != 0 {
		t.Errorf("tally %+v of %d checks", tally, len(rec.Checks))
	}
	var out bytes.Buffer
	if err := WriteSummary(&out, rec); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("检查 checks: %d passed, 0 failed, 9 not checked (figures left out)\n", tally.Passed)
	if !strings.Contains(out.String(), want) || !strings.Contains(out.String(), "  ? t3_row_total:granted: not checked, table3.granted.research left out\n") {
		t.Errorf("summary:\n%s", out.String())
	}
	// The row not read at all is printed, its figures unknown.
	if !strings.Contains(out.String(), "1.属于国家秘密                           ?         ?") {
		t.Errorf("the row left out is not printed with ?:\n%s", out.String())
	}
	// Without figures left out, every check is passed or failed.
	rec.LeftOut = nil
	if u := UncheckedChecks(rec); u != nil {
		t.Errorf("unchecked %v without figures left out", u)
	}
}
