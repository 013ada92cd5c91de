package parse

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"gongkai/report"
)

// The fixtures in testdata are documents written to look like what portals publish,
// with figures chosen by hand, so that what the parser must find is known without
// the parser. Each fixture testdata/NAME.EXT has its expectations in
// testdata/NAME.want.json; a key absent from a want file is not checked.
//
//	not_report        Parse must fail with an error for which IsNotReport holds
//	title, organ, region, region_code, department, published, format: equal strings
//	year              equal
//	table2            row → field → number (amount_unit: string); compared in full
//	table3            row → values in column order natural_person, commercial,
//	                  research, social_org, legal_service, other_org, total (eight
//	                  values: org_subtotal before total); compared in full
//	table4            group → upheld, corrected, other, pending, total; in full
//	                  ({} for any table: the record must have no such table)
//	table3_absent_rows rows the record must not have
//	failed_checks     exactly the rules of the checks that did not hold
//	warnings_contain  each must be a substring of some warning
//	cells             table.row.column → raw / kind / value / unit of that cell
//	text_contains, text_excludes: substrings of the record's text, or not
type fixtureWant struct {
	NotReport        bool                      `json:"not_report"`
	Title            *string                   `json:"title"`
	Organ            *string                   `json:"organ"`
	Region           *string                   `json:"region"`
	RegionCode       *string                   `json:"region_code"`
	Department       *string                   `json:"department"`
	Year             *int                      `json:"year"`
	Published        *string                   `json:"published"`
	Format           *string                   `json:"format"`
	Table2           map[string]map[string]any `json:"table2"`
	Table3           map[string][]int64        `json:"table3"`
	Table4           map[string][]int64        `json:"table4"`
	Table3AbsentRows []string                  `json:"table3_absent_rows"`
	FailedChecks     *[]string                 `json:"failed_checks"`
	WarningsContain  []string                  `json:"warnings_contain"`
	Cells            map[string]cellWant       `json:"cells"`
	TextContains     []string                  `json:"text_contains"`
	TextExcludes     []string                  `json:"text_excludes"`
	Comment          string                    `json:"comment"` // for people; not checked
}

type cellWant struct {
	Raw   *string  `json:"raw"`
	Kind  *string  `json:"kind"`
	Value *float64 `json:"value"`
	Unit  *string  `json:"unit"`
}

var (
	table3Cols7 = []string{"natural_person", "commercial", "research", "social_org", "legal_service", "other_org", "total"}
	table3Cols8 = []string{"natural_person", "commercial", "research", "social_org", "legal_service", "other_org", report.ColOrgSubtotal, "total"}
	table4Cols  = []string{"upheld", "corrected", "other", "pending", "total"}
)

// fixtures returns NAME → fixture path for every testdata/NAME.want.json.
func fixtures(t *testing.T) map[string]string {
	t.Helper()
	wants, err := filepath.Glob(filepath.Join("testdata", "*.want.json"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, w := range wants {
		name := strings.TrimSuffix(filepath.Base(w), ".want.json")
		matches, _ := filepath.Glob(filepath.Join("testdata", name+".*"))
		var docs []string
		for _, m := range matches {
			if m != w && filepath.Ext(m) != ".json" {
				docs = append(docs, m)
			}
		}
		if len(docs) != 1 {
			t.Errorf("%s: want exactly one fixture document beside it, found %v", w, docs)
			continue
		}
		out[name] = docs[0]
	}
	return out
}

func readWant(t testing.TB, path string) fixtureWant {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var w fixtureWant
	if err := dec.Decode(&w); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return w
}

func TestFixtures(t *testing.T) {
	fx := fixtures(t)
	if len(fx) == 0 {
		t.Fatal("no fixtures in testdata")
	}
	names := make([]string, 0, len(fx))
	for n := range fx {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		doc := fx[name]
		t.Run(name, func(t *testing.T) {
			want := readWant(t, filepath.Join("testdata", name+".want.json"))
			data, err := os.ReadFile(doc)
			if err != nil {
				t.Fatal(err)
			}
			rec, err := Parse(Input{Name: doc, Data: data})
			if want.NotReport {
				if err == nil {
					t.Fatalf("not a report, but Parse returned a record: title %q, format %q, %d table 3 rows", rec.Title, rec.Format, len(rec.Table3))
				}
				if !IsNotReport(err) {
					t.Fatalf("not a report, but the error does not say so (IsNotReport false): %v", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			checkRecord(t, want, rec)
		})
	}
}

// checkRecord compares a record with a want file and reports every difference.
func checkRecord(t *testing.T, want fixtureWant, rec *report.Record) {
	t.Helper()
	str := func(field string, w *string, got string) {
		if w != nil && *w != got {
			t.Errorf("%s: got %q, want %q", field, got, *w)
		}
	}
	str("title", want.Title, rec.Title)
	str("organ", want.Organ, rec.Organ)
	str("region", want.Region, rec.Region)
	str("region_code", want.RegionCode, rec.RegionCode)
	str("department", want.Department, rec.Department)
	str("published", want.Published, rec.Published)
	str("format", want.Format, rec.Format)
	if want.Year != nil && *want.Year != rec.Year {
		t.Errorf("year: got %d, want %d", rec.Year, *want.Year)
	}
	if want.Table2 != nil {
		compareTable2(t, want.Table2, rec.Table2)
	}
	if want.Table3 != nil {
		compareTable3(t, want.Table3, rec.Table3)
	}
	if want.Table4 != nil {
		compareTable4(t, want.Table4, rec.Table4)
	}
	for _, row := range want.Table3AbsentRows {
		if vals, ok := rec.Table3[row]; ok {
			t.Errorf("table3 row %s must be left out, got %v", row, vals)
		}
	}
	if want.FailedChecks != nil {
		compareFailed(t, *want.FailedChecks, rec.Checks)
	}
	for _, s := range want.WarningsContain {
		found := false
		for _, w := range rec.Warnings {
			if strings.Contains(w, s) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("no warning contains %q; warnings: %q", s, rec.Warnings)
		}
	}
	compareCells(t, want.Cells, rec.Cells)
	checkNoSilentLoss(t, rec)
	for _, s := range want.TextContains {
		if !strings.Contains(rec.Text, s) {
			t.Errorf("text does not contain %q", s)
		}
	}
	for _, s := range want.TextExcludes {
		if i := strings.Index(rec.Text, s); i >= 0 {
			t.Errorf("text contains %q, which is not part of the report: …%s…", s, excerpt(rec.Text, i, len(s)))
		}
	}
}

// checkNoSilentLoss holds a record to what it owes its reader: every standard row of
// its format that it lacks is named in its warnings (or the warnings say the tables
// are not in the text at all).
func checkNoSilentLoss(t *testing.T, rec *report.Record) {
	t.Helper()
	if rec.Format == report.FormatLegacy {
		return
	}
	named := func(words ...string) bool {
		for _, w := range rec.Warnings {
			if strings.Contains(w, "statistical tables are not in the page's text") {
				return true
			}
			for _, word := range words {
				if strings.Contains(w, word) {
					return true
				}
			}
		}
		return false
	}
	var rows2, rows3 []string
	for _, r := range report.Table2RowsFor(rec.Format) {
		rows2 = append(rows2, r.Key.Key)
	}
	for _, r := range report.Table3RowsFor(rec.Format) {
		rows3 = append(rows3, r.Key.Key)
	}
	for _, tbl := range []struct {
		name  string
		found bool
		rows  []string
		has   func(string) bool
	}{
		{"table 2", rec.Table2 != nil, rows2, func(k string) bool { _, ok := rec.Table2[k]; return ok }},
		{"table 3", rec.Table3 != nil, rows3, func(k string) bool { _, ok := rec.Table3[k]; return ok }},
	} {
		if !tbl.found {
			if !named(tbl.name) {
				t.Errorf("%s is not in the record and no warning says so: %q", tbl.name, rec.Warnings)
			}
			continue
		}
		for _, k := range tbl.rows {
			if !tbl.has(k) && !named(k) {
				t.Errorf("%s row %s is not in the record and no warning names it: %q", tbl.name, k, rec.Warnings)
			}
		}
	}
	if len(rec.Table4) != len(report.Table4Groups) && !named("table 4") {
		t.Errorf("table 4 is not whole in the record (%d groups) and no warning says so: %q", len(rec.Table4), rec.Warnings)
	}
}

func excerpt(s string, i, n int) string {
	from, to := max(0, i-40), min(len(s), i+n+40)
	for from > 0 && !isRuneStart(s[from]) {
		from--
	}
	for to < len(s) && !isRuneStart(s[to]) {
		to++
	}
	return strings.ReplaceAll(s[from:to], "\n", "⏎")
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func compareTable2(t *testing.T, want map[string]map[string]any, got report.Table2) {
	t.Helper()
	if len(want) == 0 {
		if len(got) != 0 {
			t.Errorf("table2: want none, got %d rows: %v", len(got), got)
		}
		return
	}
	for _, row := range sortedKeys(want) {
		g, ok := got[row]
		if !ok {
			t.Errorf("table2 row %s: missing, want %v", row, want[row])
			continue
		}
		for _, field := range sortedKeys(want[row]) {
			wv := want[row][field]
			gv, ok := g[field]
			if !ok {
				t.Errorf("table2.%s.%s: missing, want %v", row, field, wv)
				continue
			}
			if !sameValue(wv, gv) {
				t.Errorf("table2.%s.%s: got %v (%T), want %v", row, field, gv, gv, wv)
			}
		}
		for _, field := range sortedKeys(g) {
			if _, ok := want[row][field]; !ok {
				t.Errorf("table2.%s.%s: got %v, which the want file does not have", row, field, g[field])
			}
		}
	}
	for _, row := range sortedKeys(got) {
		if _, ok := want[row]; !ok {
			t.Errorf("table2 row %s: got %v, which the want file does not have", row, got[row])
		}
	}
}

// sameValue compares a want value (JSON: float64 or string) with a record value.
func sameValue(want, got any) bool {
	if ws, ok := want.(string); ok {
		gs, ok := got.(string)
		return ok && gs == ws
	}
	wf, ok := want.(float64)
	if !ok {
		return false
	}
	var gf float64
	switch v := got.(type) {
	case float64:
		gf = v
	case float32:
		gf = float64(v)
	case int:
		gf = float64(v)
	case int64:
		gf = float64(v)
	default:
		return false
	}
	return math.Abs(gf-wf) < 1e-9
}

func compareTable3(t *testing.T, want map[string][]int64, got report.Table3) {
	t.Helper()
	if len(want) == 0 {
		if len(got) != 0 {
			t.Errorf("table3: want none, got %d rows", len(got))
		}
		return
	}
	for _, row := range sortedKeys(want) {
		vals := want[row]
		var cols []string
		switch len(vals) {
		case 7:
			cols = table3Cols7
		case 8:
			cols = table3Cols8
		default:
			t.Errorf("want file: table3 row %s has %d values; 7 or 8 expected", row, len(vals))
			continue
		}
		g, ok := got[row]
		if !ok {
			t.Errorf("table3 row %s: missing, want %v", row, vals)
			continue
		}
		var diffs []string
		for i, col := range cols {
			gv, ok := g[col]
			switch {
			case !ok:
				diffs = append(diffs, fmt.Sprintf("%s missing (want %d)", col, vals[i]))
			case gv != vals[i]:
				diffs = append(diffs, fmt.Sprintf("%s got %d want %d", col, gv, vals[i]))
			}
		}
		for _, col := range sortedKeys(g) {
			found := false
			for _, c := range cols {
				found = found || c == col
			}
			if !found {
				diffs = append(diffs, fmt.Sprintf("%s got %d, not in the want file", col, g[col]))
			}
		}
		if len(diffs) > 0 {
			t.Errorf("table3 row %s: %s\n\tgot  %s\n\twant %v", row, strings.Join(diffs, "; "), rowString(g, cols), vals)
		}
	}
	for _, row := range sortedKeys(got) {
		if _, ok := want[row]; !ok {
			t.Errorf("table3 row %s: got %v, which the want file does not have", row, got[row])
		}
	}
}

func rowString(g map[string]int64, cols []string) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		if v, ok := g[c]; ok {
			parts[i] = fmt.Sprint(v)
		} else {
			parts[i] = "-"
		}
	}
	return "[" + strings.Join(parts, " ") + "]"
}

func compareTable4(t *testing.T, want map[string][]int64, got report.Table4) {
	t.Helper()
	if len(want) == 0 {
		if len(got) != 0 {
			t.Errorf("table4: want none, got %v", got)
		}
		return
	}
	for _, group := range sortedKeys(want) {
		vals := want[group]
		if len(vals) != len(table4Cols) {
			t.Errorf("want file: table4 group %s has %d values; 5 expected", group, len(vals))
			continue
		}
		g, ok := got[group]
		if !ok {
			t.Errorf("table4 group %s: missing, want %v", group, vals)
			continue
		}
		var diffs []string
		for i, col := range table4Cols {
			gv, ok := g[col]
			switch {
			case !ok:
				diffs = append(diffs, fmt.Sprintf("%s missing (want %d)", col, vals[i]))
			case gv != vals[i]:
				diffs = append(diffs, fmt.Sprintf("%s got %d want %d", col, gv, vals[i]))
			}
		}
		for _, col := range sortedKeys(g) {
			if !contains(table4Cols, col) {
				diffs = append(diffs, fmt.Sprintf("%s got %d, not in the want file", col, g[col]))
			}
		}
		if len(diffs) > 0 {
			t.Errorf("table4 group %s: %s\n\tgot  %s\n\twant %v", group, strings.Join(diffs, "; "), rowString(g, table4Cols), vals)
		}
	}
	for _, group := range sortedKeys(got) {
		if _, ok := want[group]; !ok {
			t.Errorf("table4 group %s: got %v, which the want file does not have", group, got[group])
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func compareFailed(t *testing.T, want []string, checks []report.Check) {
	t.Helper()
	failed := map[string]report.Check{}
	for _, c := range checks {
		if !c.OK {
			failed[c.Rule] = c
		}
	}
	for _, rule := range want {
		if _, ok := failed[rule]; !ok {
			state := "not evaluated"
			for _, c := range checks {
				if c.Rule == rule {
					state = "passed: " + c.Detail
				}
			}
			t.Errorf("check %s: want failed, %s", rule, state)
		}
	}
	for _, rule := range sortedKeys(failed) {
		if !contains(want, rule) {
			t.Errorf("check %s failed, want it to hold: %s", rule, failed[rule].Detail)
		}
	}
}

func compareCells(t *testing.T, want map[string]cellWant, cells []report.Cell) {
	t.Helper()
	for _, ref := range sortedKeys(want) {
		w := want[ref]
		var found *report.Cell
		for i := range cells {
			if cells[i].Ref() == ref {
				found = &cells[i]
				break
			}
		}
		if found == nil {
			t.Errorf("cell %s: not in the record", ref)
			continue
		}
		c := *found
		if w.Raw != nil && *w.Raw != c.Raw {
			t.Errorf("cell %s: raw %q, want %q", ref, c.Raw, *w.Raw)
		}
		if w.Kind != nil && *w.Kind != c.Kind {
			t.Errorf("cell %s (raw %q): kind %q, want %q", ref, c.Raw, c.Kind, *w.Kind)
		}
		if w.Value != nil {
			switch {
			case c.Value == nil:
				t.Errorf("cell %s (raw %q): no value, want %v", ref, c.Raw, *w.Value)
			case math.Abs(*c.Value-*w.Value) > 1e-9:
				t.Errorf("cell %s (raw %q): value %v, want %v", ref, c.Raw, *c.Value, *w.Value)
			}
		}
		if w.Unit != nil && *w.Unit != c.Unit {
			t.Errorf("cell %s (raw %q): unit %q, want %q", ref, c.Raw, c.Unit, *w.Unit)
		}
	}
}

// TestCorpus holds the real reports in shared/corpus to what its README states.
func TestCorpus(t *testing.T) {
	dir := filepath.Join("..", "..", "shared", "corpus")
	if _, err := os.Stat(dir); os.IsNotExist(err) {
		t.Skipf("%s not found", dir)
	}
	parse := func(t *testing.T, name string) (*report.Record, error) {
		t.Helper()
		path := filepath.Join(dir, name)
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return Parse(Input{Name: path, Data: data})
	}
	mustParse := func(t *testing.T, name string) *report.Record {
		t.Helper()
		rec, err := parse(t, name)
		if err != nil {
			t.Fatalf("Parse: %v", err)
		}
		return rec
	}
	s := func(v string) *string { return &v }
	n := func(v int) *int { return &v }
	none := []string{}

	t.Run("zhuzhou-tianyuan-jinrongban-2022", func(t *testing.T) {
		rec := mustParse(t, "zhuzhou-tianyuan-jinrongban-2022.txt")
		want := fixtureWant{
			Title:        s("株洲市天元区金融办2022年政府信息公开工作年度报告"),
			Organ:        s("株洲市天元区金融办"),
			Region:       s("株洲市天元区"),
			Department:   s("金融办"),
			Year:         n(2022),
			Format:       s(report.Format2021),
			Table2:       zeroTable2(report.Format2021),
			Table3:       zeroTable3(report.Format2021),
			Table4:       zeroTable4(),
			FailedChecks: &none,
		}
		checkRecord(t, want, rec)
		// 7 balance + 25 row totals + 7 outcome checks + 3 table 4 sums.
		if len(rec.Checks) != 42 {
			t.Errorf("%d checks, want 42 (every identity the complete tables allow)", len(rec.Checks))
		}
		figures := 0
		for _, c := range rec.Cells {
			if c.Table == report.T4 {
				if c.Kind != report.KindNumber || c.Value == nil || *c.Value != 0 {
					t.Errorf("table 4 cell %s: %q (%s), want the printed 0", c.Ref(), c.Raw, c.Kind)
				}
				figures++
			}
		}
		if figures != 15 {
			t.Errorf("table 4 has %d cells, want all 15 figures", figures)
		}
	})

	t.Run("xiongxian-township-2019", func(t *testing.T) {
		rec := mustParse(t, "xiongxian-township-2019.txt")
		want := fixtureWant{
			Year:         n(2019),
			Format:       s(report.Format2019),
			Table3:       zeroTable3(report.Format2019),
			Table4:       zeroTable4(),
			FailedChecks: &none,
			Cells: map[string]cellWant{
				"table2.rules.made": {Raw: s("0"), Kind: s(report.KindNumber)},
			},
		}
		checkRecord(t, want, rec)
		// 7 balance + 23 row totals + 7 outcome checks + 3 table 4 sums.
		if len(rec.Checks) != 40 {
			t.Errorf("%d checks, want 40 (every identity the complete tables allow)", len(rec.Checks))
		}
		// Only labels are printed: no cell of tables 3 and 4 may hold a number, and
		// table 2 has exactly one written value.
		for _, c := range rec.Cells {
			switch {
			case c.Table == report.T2 && c.Ref() != "table2.rules.made" && c.Kind == report.KindNumber:
				t.Errorf("table 2 cell %s holds %q; the only written value is 规章 本年新制作数量", c.Ref(), c.Raw)
			case (c.Table == report.T3 || c.Table == report.T4) && c.Kind != report.KindBlank:
				t.Errorf("cell %s: %q (%s), want blank: the page prints no figures there", c.Ref(), c.Raw, c.Kind)
			}
		}
		for row, fields := range rec.Table2 {
			for field, v := range fields {
				if f, ok := v.(float64); ok && f != 0 {
					t.Errorf("table2.%s.%s = %v, want 0 (blank)", row, field, v)
				}
			}
		}
	})

	t.Run("pingtan-2016-legacy", func(t *testing.T) {
		rec := mustParse(t, "pingtan-2016-legacy.htm")
		want := fixtureWant{
			Title:     s("平潭综合实验区2016年度政府信息公开工作年度报告"),
			Year:      n(2016),
			Format:    s(report.FormatLegacy),
			Published: s("2017-01-18"),
			Table2:    map[string]map[string]any{},
			Table3:    map[string][]int64{},
			Table4:    map[string][]int64{},
		}
		checkRecord(t, want, rec)
		if len(rec.Checks) != 0 {
			t.Errorf("a legacy report has no standard identities, got %d checks", len(rec.Checks))
		}
	})

	t.Run("README", func(t *testing.T) {
		_, err := parse(t, "README.md")
		if !IsNotReport(err) {
			t.Errorf("the corpus README is not a report: got error %v", err)
		}
	})
}

func zeroTable2(format string) map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, r := range report.Table2RowsFor(format) {
		out[r.Key.Key] = map[string]any{}
		for _, f := range r.Fields {
			out[r.Key.Key][f.Key] = 0.0
		}
	}
	return out
}

func zeroTable3(format string) map[string][]int64 {
	out := map[string][]int64{}
	for _, r := range report.Table3RowsFor(format) {
		out[r.Key.Key] = make([]int64, 7)
	}
	out["other_total"] = make([]int64, 7)
	return out
}

func zeroTable4() map[string][]int64 {
	out := map[string][]int64{}
	for _, g := range report.Table4Groups {
		out[g.Key] = make([]int64, 5)
	}
	return out
}
