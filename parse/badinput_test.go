package parse

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"gongkai/report"
)

func TestBadInputGetsAnErrorNamingIt(t *testing.T) {
	line := []byte("<p>政府信息公开</p>\n")
	big := bytes.Repeat(line, 50<<20/len(line)+1)[:50<<20]
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"empty.html", nil, "empty.html: empty file"},
		{"junk.bin", []byte{0, 1, 2, 3, 0xff, 0xfe, 0, 0, 9, 200, 0}, "junk.bin: binary data"},
		{"report.pdf", []byte("%PDF-1.7\n%âãÏÓ\n1 0 obj"), "report.pdf: a PDF document"},
		{"report.docx", []byte("PK\x03\x04\x14\x00\x06\x00"), "report.docx: a ZIP package with no readable directory"},
		{"huge.html", big, "huge.html: 50 MB is more than the 20 MB"},
	}
	for _, c := range cases {
		_, err := Parse(Input{Name: c.name, Data: c.data})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
		if IsNotReport(err) {
			t.Errorf("%s: unreadable input reported as a readable non-report", c.name)
		}
	}
}

func TestHTMLWithoutTablesIsNotAReport(t *testing.T) {
	page := `<html><head><title>关于开展2023年政务公开工作的通知_通知公告_某某县人民政府</title></head>
<body><div class="content"><h1>关于开展2023年政务公开工作的通知</h1><p>各乡镇人民政府，县直各单位：现将有关事项通知如下。</p></div></body></html>`
	_, err := Parse(Input{Name: "notice.html", Data: []byte(page)})
	if !IsNotReport(err) || !strings.Contains(err.Error(), "notice.html") {
		t.Fatalf("got %v, want a not-a-report error naming the file", err)
	}
}

// A page cut off half-way through table 3 keeps what it printed, names what is
// missing, and evaluates no identity it cannot.
func TestTableCutOffHalfWay(t *testing.T) {
	page := string(benchPage(0))
	cut := strings.Index(page, "3.补正后申请内容仍不明确")
	if cut < 0 {
		t.Fatal("bench page lacks the row to cut at")
	}
	rec, err := Parse(Input{Name: "cut.html", Data: []byte(page[:cut])})
	if err != nil {
		t.Fatal(err)
	}
	if got := rec.Table3["granted"]["natural_person"]; got != 3 {
		t.Errorf("granted natural_person = %d, want 3", got)
	}
	if _, ok := rec.Table3["total_handled"]; ok {
		t.Errorf("total_handled read from a page cut before it")
	}
	if rec.Table4 != nil {
		t.Errorf("table 4 read from a page cut before it")
	}
	joined := strings.Join(rec.Warnings, "\n")
	for _, w := range []string{"rows not read", "total_handled", "table 4"} {
		if !strings.Contains(joined, w) {
			t.Errorf("warnings do not mention %q:\n%s", w, joined)
		}
	}
	for _, c := range rec.Checks {
		if strings.HasPrefix(c.Rule, "t3_balance") || strings.HasPrefix(c.Rule, "t3_outcomes") {
			t.Errorf("%s evaluated without total_handled", c.Rule)
		}
	}
}

// Hostile tables are bounded: spans are clamped and a table stops growing at its
// cell budget, in bounded time.
func TestHostileSpansAreBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString(`<html><body><h1>某县2022年政府信息公开工作年度报告</h1><table>`)
	for i := 0; i < 3000; i++ {
		b.WriteString(`<tr><td colspan="99999" rowspan="99999">一、本年新收政府信息公开申请数量</td><td>1</td></tr>`)
	}
	b.WriteString(`</table></body></html>`)
	start := time.Now()
	rec, err := Parse(Input{Name: "spans.html", Data: []byte(b.String())})
	if d := time.Since(start); d > 10*time.Second {
		t.Fatalf("took %v", d)
	}
	if err != nil && !IsNotReport(err) {
		t.Fatal(err)
	}
	if rec != nil && !strings.Contains(strings.Join(rec.Warnings, " "), "too large") {
		t.Errorf("no warning that the table was cut: %v", rec.Warnings)
	}
}

// Whatever the input, a blank cell stays blank in the cell detail and counts as 0.
func TestBlankDashAndNoneCells(t *testing.T) {
	text := "三、收到和处理政府信息公开申请情况\n" +
		"| 一、本年新收政府信息公开申请数量 | 3 | / | — | 无 |  | - | 3 |\n" +
		"| 二、上年结转政府信息公开申请数量 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |\n" +
		"| 三、本年度办理结果 | （一）予以公开 | 3 | 0 | 0 | 0 | 0 | 0 | 3 |\n"
	rec, err := Parse(Input{Name: "blank.txt", Data: []byte(text)})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"natural_person": report.KindNumber, "commercial": report.KindDash, "research": report.KindDash,
		"social_org": report.KindBlank, "legal_service": report.KindBlank, "other_org": report.KindDash, "total": report.KindNumber}
	for _, c := range rec.Cells {
		if c.Row != "new_received" {
			continue
		}
		if want[c.Column] != c.Kind {
			t.Errorf("%s: kind %s (raw %q), want %s", c.Column, c.Kind, c.Raw, want[c.Column])
		}
		if c.Kind != report.KindNumber && c.Value != nil {
			t.Errorf("%s: a %s cell has a value", c.Column, c.Kind)
		}
	}
	if rec.Table3["new_received"]["commercial"] != 0 || rec.Table3["new_received"]["total"] != 3 {
		t.Errorf("table3 new_received = %v", rec.Table3["new_received"])
	}
}

// A 2022 report page whose tables are images (or in an attachment) is still a 2022
// report, not a legacy one, and says what it lacks.
func TestReportWithoutTablesInText(t *testing.T) {
	page := `<html><head><meta name="ArticleTitle" content="某某县财政局2022年政府信息公开工作年度报告"></head><body>
<div id="zoom"><p>根据《中华人民共和国政府信息公开条例》，现公布本局2022年政府信息公开工作年度报告。</p>
<p>二、主动公开政府信息情况</p><p><img src="./W020230118.png"></p><p>详见附件。</p></div></body></html>`
	rec, err := Parse(Input{Name: "images.html", Data: []byte(page)})
	if err != nil {
		t.Fatal(err)
	}
	if rec.Format != report.Format2021 || rec.Year != 2022 || rec.Table3 != nil {
		t.Errorf("format %q year %d table3 %v", rec.Format, rec.Year, rec.Table3)
	}
	if !strings.Contains(strings.Join(rec.Warnings, " "), "not in the page's text") {
		t.Errorf("warnings %v", rec.Warnings)
	}
}

func TestJSONIsNotAReport(t *testing.T) {
	data := []byte(`{"title": "株洲市天元区金融办2022年政府信息公开工作年度报告", "text_contains": ["详见附件"], "year": 2022}`)
	if _, err := Parse(Input{Name: "want.json", Data: data}); !IsNotReport(err) {
		t.Errorf("JSON data: %v", err)
	}
}
