package report

import (
	"fmt"
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
