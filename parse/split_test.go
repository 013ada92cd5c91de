package parse

import (
	"strings"
	"testing"
	"time"

	"gongkai/report"
)

var t3Cols = []string{"natural_person", "commercial", "research", "social_org", "legal_service", "other_org", "total"}

func TestSplitCells(t *testing.T) {
	t3 := t3Constraint(t3Cols)
	names := map[int]string{splitNone: "none", splitOnly: "only", splitAddsUp: "adds up", splitMany: "many"}
	cases := []struct {
		why        string
		tokens     []string
		n          int
		constraint func([]int64) bool
		how        int
		want       string
	}{
		{"one split adds up", []string{"713000074"}, 7, t3, splitAddsUp, "71|3|0|0|0|0|74"},
		{"1|10|0|0|0|0|11 and 11|0|0|0|0|0|11 both add up", []string{"110000011"}, 7, t3, splitMany, ""},
		{"too few digits", []string{"999"}, 7, t3, splitNone, ""},
		{"separators kept between some figures", []string{"71", "3000074"}, 7, t3, splitAddsUp, "71|3|0|0|0|0|74"},
		{"a leading zero is never a figure: seven digits, seven cells", []string{"0700007"}, 7, t3, splitOnly, "0|7|0|0|0|0|7"},
		// The examples.
		// …相关政府信息31000042.没有现成…: the 2 numbers the next row (see flow_test).
		{"3100004 then 2.", []string{"3100004"}, 7, t3, splitOnly, "3|1|0|0|0|0|4"},
		// The issue prints it with one zero more: 31000004 has no reading that adds up.
		{"31000004 then 2.", []string{"31000004"}, 7, t3, splitNone, ""},
		{"half-spaced row 150 000015", []string{"150", "000015"}, 7, t3, splitAddsUp, "15|0|0|0|0|0|15"},
		{"23|4|1|0|2|1|31 and 2|3|4|1|0|21|31 both add up", []string{"234102131"}, 7, t3, splitMany, ""},
		{"a row that does not add up in any reading", []string{"62001010"}, 7, t3, splitNone, ""},
		// Dashes and 无 as cells.
		{"seven dashes", []string{"———————"}, 7, t3, splitOnly, "—|—|—|—|—|—|—"},
		{"dashes around figures", []string{"—1————1"}, 7, t3, splitOnly, "—|1|—|—|—|—|1"},
		{"slashes", []string{"1/////1"}, 7, t3, splitOnly, "1|/|/|/|/|/|1"},
		{"无 cells", []string{"无无无无无无无"}, 7, t3, splitOnly, "无|无|无|无|无|无|无"},
		{"full-width digits keep their print", []string{"１４3001018"}, 7, t3, splitMany, ""},
		{"a 2-character dash is one cell where the count needs it", []string{"——", "0", "0", "0", "0", "0"}, 7, t3, splitOnly, "—|—|0|0|0|0|0"},
		// Table 2 has no arithmetic: only a single reading is accepted.
		{"18|-2|1,234 or 1|8|-21,234", []string{"18-21,234"}, 3, nil, splitMany, ""},
		{"3|1|17, 3|11|7, 31|1|7", []string{"3117"}, 3, nil, splitMany, ""},
		{"three zeros", []string{"000"}, 3, nil, splitOnly, "0|0|0"},
		{"three slashes", []string{"///"}, 3, nil, splitOnly, "/|/|/"},
		{"12|35.6万元, 1|235.6万元, 123|5.6万元", []string{"1235.6万元"}, 2, nil, splitMany, ""},
		{"a decimal is one cell", []string{"12.36"}, 2, nil, splitMany, ""},
		// Table 4: fifteen cells, each group's four results add up to its total.
		{"fifteen digits, fifteen cells", []string{"100120100100000"}, 15, t4Constraint, splitOnly, "1|0|0|1|2|0|1|0|0|1|0|0|0|0|0"},
		{"a table 4 that does not add up keeps its one reading", []string{"210131001201001"}, 15, t4Constraint, splitOnly, "2|1|0|1|3|1|0|0|1|2|0|1|0|0|1"},
		{"group sums fix the split", []string{"12000120000000000"}, 15, t4Constraint, splitAddsUp, "12|0|0|0|12|0|0|0|0|0|0|0|0|0|0"},
		// 1|10|10|1|22 0|10|1|10|21 … and 1|10|10|1|22 0|10|11|0|21 …
		{"group sums leave two readings", []string{"110101220101102120002"}, 15, t4Constraint, splitMany, ""},
	}
	for _, c := range cases {
		got, how := splitCells(c.tokens, c.n, c.constraint)
		if how != c.how || strings.Join(got, "|") != c.want {
			t.Errorf("%s: %q into %d: got %s %q, want %s %q", c.why, c.tokens, c.n, names[how], strings.Join(got, "|"), names[c.how], c.want)
		}
	}
}

// A long run of digits has millions of readings: the search stops and calls it
// ambiguous rather than run on or pick one.
func TestSplitCellsBounded(t *testing.T) {
	start := time.Now()
	_, how := splitCells([]string{strings.Repeat("1", 60)}, 15, t4Constraint)
	if how != splitMany && how != splitNone {
		t.Errorf("60 ones into 15 cells: outcome %d, want ambiguous or none", how)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
	// As the fuzzer found it: figures and bytes that no cell holds.
	if _, how := splitCells([]string{strings.Repeat("8", 21) + "\u05cf\x8e", "w\xecH\xd7\n4!S0"}, 13, nil); how != splitNone {
		t.Errorf("tokens with characters no cell holds split")
	}
	start = time.Now()
	splitCells([]string{strings.Repeat("8", 40), "0000"}, 13, nil)
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("44 digits into 13 cells took %v", d)
	}
	if _, how := splitCells([]string{strings.Repeat("1", 65)}, 7, t3Constraint(t3Cols)); how != splitNone {
		t.Errorf("over-long run must not be searched")
	}
}

func TestT4Constraint(t *testing.T) {
	ok := []int64{1, 0, 0, 1, 2, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0}
	if !t4Constraint(ok) {
		t.Error("groups that add up rejected")
	}
	bad := append([]int64(nil), ok...)
	bad[4] = 3
	if t4Constraint(bad) {
		t.Error("a group that does not add up accepted")
	}
	_ = report.T4
}
