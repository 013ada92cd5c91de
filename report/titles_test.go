package report

import "testing"

// A report's name ends at its first 年度报告: text run together may open the next
// sentence with another.
func TestReportNameIndexes(t *testing.T) {
	cases := []struct{ text, want string }{
		{"株洲市天元区金融办2022年政府信息公开工作年度报告本年度报告依据《条例》编制", "政府信息公开工作年度报告"},
		{"2022年政府信息公开年度工作报告", "政府信息公开年度工作报告"},
		{"政务公开年报和政府信息公开工作年度报告", "政务公开年报"},
	}
	for _, c := range cases {
		locs := ReportNameIndexes(c.text)
		if len(locs) == 0 || c.text[locs[0][0]:locs[0][1]] != c.want {
			t.Errorf("%s: names %v, want %q first", c.text, locs, c.want)
		}
	}
	if n := CountReportNames("政务公开年报和政府信息公开工作年度报告"); n != 2 {
		t.Errorf("two reports named, counted %d", n)
	}
}
