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

// A report's name quoted inside another text names the document quoted, not the
// text: a report cites the format it follows. A title set in book quotes as a
// whole is still a title.
func TestCitesReport(t *testing.T) {
	cases := []struct {
		text  string
		cites bool
	}{
		// The line of word-2019's scan that OCR wrapped inside the quotation.
		{"民共和国政府信息公开工作年度报告格式(试行)》的通知》(国办公", true},
		{"根据《国务院办公厅政府信息与政务公开办公室关于印发〈中华人民共和国政府信息公开工作年度报告格式（试行）〉的通知》要求编制", true},
		{"本报告依据《武义县2019年政府信息公开工作年度报告》的体例编制", true},
		{"《2020年武义县人民政府办公室政府信息公开工作年度报告", true},
		{"《2020年武义县人民政府办公室政府信息公开工作年度报告》", false},
		{"2020年武义县人民政府办公室政府信息公开工作年度报告", false},
		{"《条例》规定的2020年武义县政府信息公开工作年度报告", false},
		{"《2019年年报》之后的2020年武义县政府信息公开工作年度报告", false},
		{"根据《条例》编制", false},
	}
	for _, c := range cases {
		if got := CitesReport(c.text); got != c.cites {
			t.Errorf("CitesReport(%q) = %v, want %v", c.text, got, c.cites)
		}
	}
	if IsReportTitle("本报告依据《武义县2019年政府信息公开工作年度报告》编制") {
		t.Error("a quoted report's name is taken for a title")
	}
	if !IsReportTitle("《2020年武义县人民政府办公室政府信息公开工作年度报告》") {
		t.Error("a title in book quotes is not taken for a title")
	}
}
