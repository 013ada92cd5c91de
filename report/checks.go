package report

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// CheckRules begin the rules of a record's own checks, its accounting identities
// (t3_balance, t3_row_total, t3_outcomes, t4_sum): one that fails means the report
// contradicts itself.
var CheckRules = []string{"t3_", "t4_"}

// FindingRules begin the rules of the findings across reports that the archive
// adds (carry_chain:total, in_force_chain:…, timeliness, copied_text:…,
// sources_disagree): one that holds against a report is a lead, not an error.
var FindingRules = []string{"carry_chain", "in_force_chain", RuleTimeliness, "copied_text", "sources_disagree"}

// IsFinding says whether a rule is a finding across reports rather than a check.
func IsFinding(rule string) bool {
	for _, prefix := range FindingRules {
		if strings.HasPrefix(rule, prefix) {
			return true
		}
	}
	return false
}

// term is one operand of an identity: a cell and its value (0 when blank).
type term struct {
	row, col string
	v        int64
}

// ComputeChecks evaluates every accounting identity of the spec that the record's
// tables allow. An identity whose cells are not all in the record is not evaluated:
// it is not "allowed" by a table that lacks a row. Printed figures are never changed.
func ComputeChecks(r *Record) []Check {
	var checks []Check
	t3 := r.Table3
	if t3 != nil {
		for _, col := range Table3Columns {
			lhs, okL := terms3(t3, col.Key, "new_received", "carried_over")
			rhs, okR := terms3(t3, col.Key, "total_handled", "carried_forward")
			if okL && okR {
				checks = append(checks, identity("t3_balance:"+col.Key, T3, lhs, rhs))
			}
		}
		for _, row := range Table3RowsFor(r.Format) {
			vals, ok := t3[row.Key.Key]
			if !ok {
				continue
			}
			total, hasTotal := vals["total"]
			if !hasTotal {
				continue
			}
			var parts []term
			complete := true
			for _, col := range Table3Columns[:6] {
				v, ok := vals[col.Key]
				if !ok {
					complete = false
					break
				}
				parts = append(parts, term{row.Key.Key, col.Key, v})
			}
			if complete {
				checks = append(checks, identity("t3_row_total:"+row.Key.Key, T3,
					[]term{{row.Key.Key, "total", total}}, parts))
			}
		}
		var outcomeRows []string
		for _, row := range Table3RowsFor(r.Format) {
			switch row.Key.Key {
			case "new_received", "carried_over", "total_handled", "carried_forward":
			default:
				outcomeRows = append(outcomeRows, row.Key.Key)
			}
		}
		for _, col := range Table3Columns {
			lhs, okL := terms3(t3, col.Key, "total_handled")
			rhs, okR := terms3(t3, col.Key, outcomeRows...)
			if okL && okR {
				checks = append(checks, identity("t3_outcomes:"+col.Key, T3, lhs, rhs))
			}
		}
	}
	for _, g := range Table4Groups {
		vals, ok := r.Table4[g.Key]
		if !ok {
			continue
		}
		total, hasTotal := vals["total"]
		var parts []term
		complete := hasTotal
		for _, col := range Table4Columns[:4] {
			v, ok := vals[col.Key]
			if !ok {
				complete = false
				break
			}
			parts = append(parts, term{g.Key, col.Key, v})
		}
		if complete {
			checks = append(checks, identity("t4_sum:"+g.Key, T4, []term{{g.Key, "total", total}}, parts))
		}
	}
	return checks
}

func terms3(t Table3, col string, rows ...string) ([]term, bool) {
	out := make([]term, 0, len(rows))
	for _, row := range rows {
		v, ok := t[row][col]
		if !ok {
			return nil, false
		}
		out = append(out, term{row, col, v})
	}
	return out, true
}

// identity compares Σlhs with Σrhs and says, in its detail, which cells held what.
func identity(rule, table string, lhs, rhs []term) Check {
	sl, dl := sum(lhs)
	sr, dr := sum(rhs)
	rel := "="
	if sl != sr {
		rel = "≠"
	}
	c := Check{Rule: rule, OK: sl == sr, Detail: dl + " " + rel + " " + dr}
	for _, t := range append(lhs, rhs...) {
		c.Cells = append(c.Cells, CellRef(table, t.row, t.col))
	}
	return c
}

// sum adds terms and describes them. Terms of one column name their row, terms of
// one row name their column.
func sum(ts []term) (int64, string) {
	var total int64
	parts := make([]string, 0, len(ts))
	sameRow := len(ts) > 1 && ts[0].row == ts[1].row
	for _, t := range ts {
		total += t.v
		name := t.row
		if sameRow {
			name = t.col
		}
		parts = append(parts, name+" "+strconv.FormatInt(t.v, 10))
	}
	if len(ts) == 1 {
		return total, parts[0]
	}
	return total, fmt.Sprintf("%s (= %d)", strings.Join(parts, " + "), total)
}

// Unchecked is an identity that the record's tables would allow but for figures
// left out (cells of a scan that OCR could not read with confidence): it is
// neither passed nor failed.
type Unchecked struct {
	Rule    string   `json:"rule"`
	LeftOut []string `json:"left_out"` // the cells it needs that were left out
}

// UncheckedChecks returns the identities that figures left out keep from being
// checked: those that the tables would allow with every left-out cell read.
func UncheckedChecks(r *Record) []Unchecked {
	if len(r.LeftOut) == 0 {
		return nil
	}
	// The tables with a stand-in for each cell left out allow every identity
	// the report prints the cells of; only its cells matter, not their values.
	filled := &Record{Format: r.Format, Table3: Table3{}, Table4: Table4{}}
	for k, row := range r.Table3 {
		filled.Table3[k] = maps.Clone(row)
	}
	for k, row := range r.Table4 {
		filled.Table4[k] = maps.Clone(row)
	}
	left := map[string]bool{}
	for _, ref := range r.LeftOut {
		left[ref] = true
		parts := strings.SplitN(ref, ".", 3)
		if len(parts) != 3 {
			continue
		}
		var t map[string]map[string]int64
		switch parts[0] {
		case T3:
			t = filled.Table3
		case T4:
			t = filled.Table4
		default:
			continue
		}
		if t[parts[1]] == nil {
			t[parts[1]] = map[string]int64{}
		}
		t[parts[1]][parts[2]] = 0
	}
	var out []Unchecked
	for _, c := range ComputeChecks(filled) {
		var missing []string
		for _, ref := range c.Cells {
			if left[ref] && !slices.Contains(missing, ref) {
				missing = append(missing, ref)
			}
		}
		if len(missing) > 0 {
			out = append(out, Unchecked{Rule: c.Rule, LeftOut: missing})
		}
	}
	return out
}

// CheckTally is how a record's checks came out, for a person: a check that
// figures left out kept from running is counted apart, never as passed.
type CheckTally struct {
	Passed, Failed int
	Unchecked      []Unchecked
}

// TallyChecks counts the record's checks (not the findings across reports).
func TallyChecks(r *Record) CheckTally {
	var t CheckTally
	for _, c := range r.Checks {
		switch {
		case IsFinding(c.Rule):
		case c.OK:
			t.Passed++
		default:
			t.Failed++
		}
	}
	t.Unchecked = UncheckedChecks(r)
	return t
}

// String says it in a line: 26 passed, 0 failed, 7 not checked (figures left out).
func (t CheckTally) String() string {
	s := fmt.Sprintf("%d passed, %d failed", t.Passed, t.Failed)
	if n := len(t.Unchecked); n > 0 {
		s += fmt.Sprintf(", %d not checked (figures left out)", n)
	}
	return s
}
