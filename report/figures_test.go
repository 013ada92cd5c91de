package report

import "testing"

func TestValueText(t *testing.T) {
	for _, c := range []struct {
		v    Value
		want string
	}{
		{Value{V: 0.558823, OK: true, Ratio: true}, "55.9%"},
		{Value{V: 1, OK: true, Ratio: true}, "100.0%"},
		{Value{V: 426, OK: true}, "426"},
		{Value{V: 12.36, OK: true}, "12.36"},
		{Value{Note: NoteFew, Ratio: true}, ""},
	} {
		if got := c.v.Text(); got != c.want {
			t.Errorf("%+v: %q, want %q", c.v, got, c.want)
		}
	}
	f, _ := FigureByKey("review_correction_rate")
	cells := map[string]float64{"table3.new_received.total": 40, "table3.carried_over.total": 0, "table4.review.corrected": 1, "table4.review.total": 4}
	if v := f.Compute(cells, 10); !v.OK || v.V != 0.25 {
		t.Errorf("复议纠错率 %+v", v)
	}
	cells["table4.review.total"] = 0
	if v := f.Compute(cells, 10); v.OK || v.Note != NoteZero {
		t.Errorf("复议纠错率 over no reviews: %+v", v)
	}
	if v := f.Compute(cells, 50); v.OK || v.Note != NoteFew {
		t.Errorf("40 requests with a minimum of 50: %+v", v)
	}
	delete(cells, "table4.review.corrected")
	delete(cells, "table4.review.total")
	if v := f.Compute(cells, 10); v.OK || v.Note != NoteNotPrinted {
		t.Errorf("no table 4: %+v", v)
	}
}
