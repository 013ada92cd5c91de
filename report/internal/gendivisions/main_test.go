package main

import (
	"reflect"
	"testing"
)

func TestBuild(t *testing.T) {
	provinces := []division{{Code: "11", Name: "北京市"}, {Code: "44", Name: "广东省"}, {Code: "32", Name: "江苏省"}}
	cities := []division{
		{Code: "1101", Name: "市辖区", Province: "11"},
		{Code: "4419", Name: "东莞市", Province: "44"},
		{Code: "3205", Name: "苏州市", Province: "32"},
	}
	areas := []division{
		{Code: "110108", Name: "海淀区", City: "1101", Province: "11"},
		{Code: "441900", Name: "东莞市", City: "4419", Province: "44"},
		{Code: "320576", Name: "苏州工业园区", City: "3205", Province: "32"},
		{Code: "320505", Name: "虎丘区", City: "3205", Province: "32"},
		{Code: "320571", Name: "某某管理区管委会", City: "3205", Province: "32"},
	}
	got, err := build(provinces, cities, areas)
	if err != nil {
		t.Fatal(err)
	}
	want := [][3]string{
		{"110000", "北京市", ""},
		{"110108", "海淀区", "110000"}, // 市辖区 dropped
		{"320000", "江苏省", ""},
		{"320500", "苏州市", "320000"},
		{"320505", "虎丘区", "320500"},
		{"", "某某管理区", "320500"},  // NBS-only code dropped, body's name cut off
		{"", "苏州工业园区", "320500"}, // zones follow the city's counties
		{"440000", "广东省", ""},
		{"441900", "东莞市", "440000"}, // its copy as a county dropped
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("build =\n%q\nwant\n%q", got, want)
	}
}

func TestBuildRejectsBadCodes(t *testing.T) {
	p := []division{{Code: "43", Name: "湖南省"}}
	c := []division{{Code: "4302", Name: "株洲市", Province: "43"}}
	for _, a := range [][]division{
		{{Code: "43021", Name: "天元区", City: "4302", Province: "43"}},
		{{Code: "430211", Name: "天元区", City: "4303", Province: "43"}},
	} {
		if _, err := build(p, c, a); err == nil {
			t.Errorf("build accepted %+v", a[0])
		}
	}
}

func TestBuildTowns(t *testing.T) {
	rows := [][3]string{{"430000", "湖南省", ""}, {"430200", "株洲市", "430000"}, {"430211", "天元区", "430200"}, {"", "株洲高新区", "430200"}}
	towns := []town{
		{Code: "430211101", Name: "群丰镇", Area: "430211"},
		{Code: "430211001", Name: "嵩山路街道", Area: "430211"},
		{Code: "430271001", Name: "某街道", Area: "430271"}, // a zone's: no code to hang on
	}
	got, err := buildTowns(rows, towns)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"430211\t001嵩山路街道 101群丰镇"}; !reflect.DeepEqual(got, want) {
		t.Errorf("buildTowns = %q, want %q", got, want)
	}
	if _, err := buildTowns(rows, []town{{Code: "43021110", Name: "群丰镇", Area: "430211"}}); err == nil {
		t.Error("buildTowns accepted an 8-digit code")
	}
}
