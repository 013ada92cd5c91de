package parse

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/text/encoding/simplifiedchinese"

	"gongkai/report"
)

// pingtan is the corpus's real 2016 report page (UTF-8, <meta charset="utf-8">)
// and the record the parser makes of it as published.
func pingtan(t *testing.T) (string, *report.Record) {
	t.Helper()
	path := filepath.Join("..", "..", "shared", "corpus", "pingtan-2016-legacy.htm")
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		t.Skipf("%s not found", path)
	}
	if err != nil {
		t.Fatal(err)
	}
	rec, err := Parse(Input{Name: path, Data: data, ContentType: "text/html; charset=utf-8"})
	if err != nil {
		t.Fatal(err)
	}
	return string(data), rec
}

// sameReport says how a record read from a hostile copy of a page differs from
// the page's own record, apart from its warnings.
func sameReport(t *testing.T, got, want *report.Record) {
	t.Helper()
	if got.Title != want.Title || got.Organ != want.Organ || got.Year != want.Year || got.Text != want.Text {
		t.Errorf("read as %q (%s, %d), %d characters of text; want %q (%s, %d), %d", got.Title, got.Organ, got.Year, len(got.Text),
			want.Title, want.Organ, want.Year, len(want.Text))
	}
	g, _ := json.Marshal(got.LegacyFigures)
	w, _ := json.Marshal(want.LegacyFigures)
	if string(g) != string(w) || len(want.LegacyFigures) == 0 {
		t.Errorf("figures %s, want %s", g, w)
	}
}

func hasWarning(rec *report.Record, words ...string) bool {
	for _, w := range rec.Warnings {
		all := true
		for _, word := range words {
			all = all && strings.Contains(w, word)
		}
		if all {
			return true
		}
	}
	return false
}

// A page whose header or <meta> lies about its charset is read as its bytes
// are, with the conflict in a warning: UTF-8 declared GBK (GBK would read it as
// rare characters, and the report as "not a report"), GBK declared UTF-8, and
// GBK under a server's default ISO-8859-1.
func TestCharsetConflicts(t *testing.T) {
	page, want := pingtan(t)
	metaGB := strings.Replace(page, `<meta charset="utf-8"`, `<meta charset="gb2312"`, 1)
	if metaGB == page {
		t.Fatal("the corpus page no longer declares its charset in <meta charset>")
	}
	gbk, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(page))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, contentType string
		data              []byte
		warning           []string
	}{
		{"UTF-8 bytes, header says gbk", "text/html; charset=gbk", []byte(page), []string{"Content-Type header declares gbk", "UTF-8"}},
		{"UTF-8 bytes, <meta charset=gb2312>", "text/html", []byte(metaGB), []string{"<meta> declares gb2312", "UTF-8"}},
		{"GBK bytes, header and <meta> say utf-8", "text/html; charset=utf-8", gbk, []string{"Content-Type header declares utf-8", "GB18030"}},
		{"GBK bytes, <meta> says utf-8", "text/html", gbk, []string{"<meta> declares utf-8", "GB18030"}},
		{"GBK bytes, Tomcat's ISO-8859-1", "text/html;charset=ISO-8859-1", gbk, []string{"declares ISO-8859-1", "GB18030"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec, err := Parse(Input{Name: c.name, Data: c.data, ContentType: c.contentType})
			if err != nil {
				t.Fatal(err)
			}
			sameReport(t, rec, want)
			if !hasWarning(rec, append([]string{"charset conflict"}, c.warning...)...) {
				t.Errorf("warnings %q, want a charset conflict saying %q", rec.Warnings, c.warning)
			}
		})
	}
	// Declarations that fit the bytes are not conflicts.
	for _, c := range []struct {
		name, contentType string
		data              []byte
	}{
		{"UTF-8 as declared", "text/html; charset=utf-8", []byte(page)},
		{"GBK as declared", "text/html; charset=gbk", gbk},
	} {
		rec, err := Parse(Input{Name: c.name, Data: c.data, ContentType: c.contentType})
		if err != nil {
			t.Fatal(err)
		}
		sameReport(t, rec, want)
		if hasWarning(rec, "charset conflict") {
			t.Errorf("%s: warnings %q", c.name, rec.Warnings)
		}
	}
}

func TestDecodeConflicts(t *testing.T) {
	gbk, _ := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte("政府信息公开工作年度报告"))
	utf := []byte("政府信息公开工作年度报告")
	cases := []struct {
		name, ct string
		data     []byte
		charset  string
		conflict bool
	}{
		{"utf-8 declared gbk", "text/html; charset=gbk", utf, "utf-8", true},
		{"gbk declared gbk", "text/html; charset=gbk", gbk, "gb18030", false},
		{"gbk declared utf-8", "text/html; charset=utf-8", gbk, "gb18030", true},
		{"gbk undeclared", "", gbk, "gb18030", false},
		{"gbk declared latin-1", "text/html; charset=iso-8859-1", gbk, "gb18030", true},
		{"utf-8 declared latin-1", "text/html; charset=iso-8859-1", utf, "utf-8", true},
		// Too little to tell: ASCII reads alike in every charset, and two
		// characters are not evidence enough against a declaration.
		{"ascii declared gbk", "text/html; charset=gbk", []byte("<p>2022 annual report</p>"), "gb18030", false},
		{"two characters declared gbk", "text/html; charset=gbk", []byte("报告"), "gb18030", false},
		{"latin-1 declared latin-1", "text/html; charset=iso-8859-1", []byte("caf\xe9 cr\xe8me br\xfbl\xe9e na\xefve fa\xe7ade d\xe9j\xe0 vu"), "windows-1252", false},
	}
	for _, c := range cases {
		d := DecodePage(c.data, c.ct)
		if d.Charset != c.charset || (d.Conflict != "") != c.conflict {
			t.Errorf("%s: read as %s, conflict %q; want %s, conflict %v", c.name, d.Charset, d.Conflict, c.charset, c.conflict)
		}
	}
}

// A page nested deeper than html.Parse takes (it fails past 512 open elements)
// is read all the same, with a warning: the corpus page inside 600 <div>s that
// are never closed, inside 600 that are, and a table inside 600 tables.
func TestDeeplyNestedPages(t *testing.T) {
	page, want := pingtan(t)
	body := strings.Index(page, "<body>") + len("<body>")
	end := strings.LastIndex(page, "</body>")
	unclosed := page[:body] + strings.Repeat(`<div class="TRS_Editor">`, 600) + page[body:]
	closed := page[:body] + strings.Repeat(`<div class="wrap">`, 600) + page[body:end] + strings.Repeat("</div>", 600) + page[end:]
	for name, p := range map[string]string{"600 unclosed <div>s": unclosed, "600 nested <div>s": closed} {
		t.Run(name, func(t *testing.T) {
			rec, err := Parse(Input{Name: name, Data: []byte(p), ContentType: "text/html; charset=utf-8"})
			if err != nil {
				t.Fatal(err)
			}
			if name == "600 unclosed <div>s" {
				sameReport(t, rec, want)
			} else if rec.Title != want.Title || rec.Year != want.Year || len(rec.LegacyFigures) == 0 {
				t.Errorf("read as %q (%d), %d figures", rec.Title, rec.Year, len(rec.LegacyFigures))
			}
			if !hasWarning(rec, "nests", "elements deep", "512") {
				t.Errorf("warnings %q", rec.Warnings)
			}
		})
	}
	// The official table 3 inside 600 nested tables keeps its figures.
	const table3 = `<table><tr><td>一、本年新收政府信息公开申请数量</td><td>4</td><td>1</td><td>0</td><td>0</td><td>0</td><td>0</td><td>5</td></tr></table>`
	tables := `<html><body><h1>某某县交通运输局2021年政府信息公开工作年度报告</h1>` + strings.Repeat("<table><tr><td>", 600) + "<p>三、收到和处理政府信息公开申请情况</p>" + table3 + "</body></html>"
	root, warning, err := ParseHTML(tables)
	if err != nil || warning == "" || !strings.Contains(warning, "table elements") {
		t.Fatalf("600 nested tables: %v, warning %q", err, warning)
	}
	var row *html.Node
	var find func(*html.Node)
	find = func(n *html.Node) {
		if n.DataAtom == atom.Tr && strings.HasPrefix(textOf(n), "一、本年新收政府信息公开申请数量") {
			row = n
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			find(c)
		}
	}
	find(root)
	cells := 0
	for c := row.FirstChild; row != nil && c != nil; c = c.NextSibling {
		if c.DataAtom == atom.Td {
			cells++
		}
	}
	if cells != 8 {
		t.Errorf("the innermost table's row lost its cells: %d of 8 (%q)", cells, textOf(root))
	}
}
