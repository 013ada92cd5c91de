package parse

import (
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"gongkai/report"
)

func TestReadValue(t *testing.T) {
	cases := []struct {
		raw  string
		kind string
		num  float64
		unit string
	}{
		{"", report.KindBlank, 0, ""},
		{"\u00a0", report.KindBlank, 0, ""},
		{"无", report.KindBlank, 0, ""},
		{"/", report.KindDash, 0, ""},
		{"—", report.KindDash, 0, ""},
		{"——", report.KindDash, 0, ""},
		{"-", report.KindDash, 0, ""},
		{"－", report.KindDash, 0, ""},
		{"０", report.KindNumber, 0, ""},
		{"１２", report.KindNumber, 12, ""},
		{"1,234", report.KindNumber, 1234, ""},
		{"1，234", report.KindNumber, 1234, ""}, // full-width comma folds to ','
		{"0.85", report.KindNumber, 0.85, ""},
		{"-3", report.KindNumber, -3, ""},
		{"−3", report.KindNumber, -3, ""},
		{"+2", report.KindNumber, 2, ""},
		{"251000元", report.KindNumber, 251000, "元"},
		{"35.6万元", report.KindNumber, 35.6, "万元"},
		{"5件", report.KindNumber, 5, "件"},
		{" 7 ", report.KindNumber, 7, ""},
		{"详见附表", report.KindText, 0, ""},
		{"一", report.KindText, 0, ""},
		{"1.属于国家秘密", report.KindText, 0, ""},
		{"12,34", report.KindText, 0, ""},
	}
	for _, c := range cases {
		v := readValue(c.raw)
		if v.kind != c.kind || v.num != c.num || v.unit != c.unit {
			t.Errorf("readValue(%q) = %s %v %q, want %s %v %q", c.raw, v.kind, v.num, v.unit, c.kind, c.num, c.unit)
		}
	}
}

func TestFuzzyContains(t *testing.T) {
	cases := []struct {
		label, core string
		atLeast     float64
	}{
		{"1.属于国家秘密", "国家秘密", 1},
		{"1.属于国家密秘", "国家秘密", 0.75},
		{"(二)部分公", "部分公开", 0.75},
	}
	for _, c := range cases {
		if s := fuzzyContains(normLabel(c.label), c.core); s < c.atLeast {
			t.Errorf("fuzzyContains(%q, %q) = %v, want ≥ %v", c.label, c.core, s, c.atLeast)
		}
	}
	if s := matchScore(normLabel("2.重复申请"), table3Cores["withheld_state_secret"]); s != 0 {
		t.Errorf("unrelated label scored %v", s)
	}
}

func TestDecode(t *testing.T) {
	gbk := []byte{0xd5, 0xfe, 0xb8, 0xae} // 政府 in GBK
	cases := []struct {
		name string
		data []byte
		ct   string
		want string
		enc  string
	}{
		{"utf-8", []byte("政府"), "", "政府", "utf-8"},
		{"bom", append([]byte{0xEF, 0xBB, 0xBF}, "政府"...), "", "政府", "utf-8"},
		{"header gbk", gbk, "text/html; charset=GBK", "政府", "gb18030"},
		{"meta gb2312", append([]byte(`<meta http-equiv="Content-Type" content="text/html; charset=gb2312">`), gbk...), "", "政府", "gb18030"},
		{"undeclared gbk", gbk, "", "政府", "gb18030"},
		{"utf-8 label on gbk bytes", append(append([]byte(`<meta charset="utf-8">`), gbk...), gbk...), "", "政府政府", "gb18030"},
		{"utf-8 cut inside a character", append([]byte(strings.Repeat("政府", 20)), 0xe6, 0x94), "", strings.Repeat("政府", 20) + "\uFFFD", "utf-8"},
		{"four-byte gb18030", []byte{0x95, 0x32, 0x88, 0x38}, "text/plain; charset=gb2312", "\U0002003E", "gb18030"},
	}
	for _, c := range cases {
		d := decode(c.data, c.ct)
		got, enc := d.Text, d.Charset
		if !strings.HasSuffix(got, c.want) || enc != c.enc {
			t.Errorf("%s: decode = %q (%s), want suffix %q (%s)", c.name, got, enc, c.want, c.enc)
		}
	}
}

func TestSplitLine(t *testing.T) {
	cases := []struct {
		line string
		want []string
	}{
		{"规章 | 0 | 0 | 0 |", []string{"规章", "0", "0", "0"}},
		{"| 规章 | 0 | 1 |", []string{"规章", "0", "1"}},
		{"|---|:---:|---|", nil},
		{"规章\t0\t\t3", []string{"规章", "0", "", "3"}},
		{"（一）予以公开  3 0 0 0 0 0 3", []string{"（一）予以公开", "3", "0", "0", "0", "0", "0", "3"}},
		{"## 三、收到和处理政府信息公开申请情况", []string{"三、收到和处理政府信息公开申请情况"}},
	}
	for _, c := range cases {
		got := splitLine(c.line)
		if strings.Join(got, "¦") != strings.Join(c.want, "¦") || (got == nil) != (c.want == nil) {
			t.Errorf("splitLine(%q) = %q, want %q", c.line, got, c.want)
		}
	}
}

// fold's fast path gives what NFKC gives.
func TestFoldIsNFKC(t *testing.T) {
	var samples []string
	for r := rune(0xa0); r < 0x4e10; r++ {
		samples = append(samples, "第"+string(r)+"项１２", string(r))
	}
	for r := rune(0xf900); r < 0x10000; r++ {
		samples = append(samples, "（一）"+string(r))
	}
	samples = append(samples, "（三）不予公开", "３.危及“三安全一稳定”", "本年收费金额（单位：万元）", "１，２３４", "Ⅰ、概述")
	for _, s := range samples {
		if got, want := fold(s), norm.NFKC.String(s); got != want {
			t.Errorf("fold(%q) = %q, NFKC gives %q", s, got, want)
		}
	}
}
