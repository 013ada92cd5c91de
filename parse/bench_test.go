package parse

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"gongkai/internal/portalpage"
	"gongkai/report"
)

// wordCell renders a table cell the way Word's "save as web page" does, with the
// inline styles that make real report pages several hundred kilobytes.
func wordCell(text string, attrs string) string {
	return fmt.Sprintf(`<td %s style='border:solid windowtext 1.0pt;border-top:none;mso-border-top-alt:solid windowtext .5pt;mso-border-alt:solid windowtext .5pt;padding:0cm 5.4pt 0cm 5.4pt'><p class=MsoNormal align=center style='text-align:center;mso-pagination:widow-orphan'><span style='font-size:10.0pt;font-family:宋体;mso-bidi-font-family:宋体;color:black;mso-font-kerning:0pt'>%s<span lang=EN-US><o:p></o:p></span></span></p></td>`, attrs, text)
}

func wordParagraph(text string) string {
	return `<p class=MsoNormal style='text-indent:32.0pt;mso-char-indent-count:2.0;line-height:28.0pt;mso-line-height-rule:exactly'><span style='font-size:16.0pt;font-family:仿宋_GB2312;mso-hansi-font-family:宋体;mso-bidi-font-family:宋体;color:black;mso-font-kerning:0pt'>` +
		text + `<span lang=EN-US><o:p></o:p></span></span></p>` + "\n"
}

// benchPage builds a realistic report page of about the given size: portal chrome,
// Word-exported body paragraphs and the three tables of the 2021 format with
// figures that add up.
func benchPage(size int) []byte {
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html><html><head><meta charset="utf-8"><meta name="ArticleTitle" content="某某市某某区教育局2022年政府信息公开工作年度报告"><meta name="PubDate" content="2023-01-18 09:30"><title>某某市某某区教育局2022年政府信息公开工作年度报告_政府信息公开年报_某某区人民政府</title></head><body>`)
	b.WriteString(`<div class="header"><ul class="nav">`)
	for i := 0; i < 40; i++ {
		fmt.Fprintf(&b, `<li><a href="/col%d/">栏目%d</a></li>`, i, i)
	}
	b.WriteString(`</ul></div><div class="breadcrumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a></div><div class="article"><h1 class="title">某某市某某区教育局2022年政府信息公开工作年度报告</h1><div class="TRS_Editor">`)
	b.WriteString(wordParagraph("本报告依据《中华人民共和国政府信息公开条例》编制。本报告中所列数据的统计期限自2022年1月1日起至2022年12月31日止。"))
	body := "2022年，区教育局坚持以人民为中心的发展思想，认真贯彻落实《中华人民共和国政府信息公开条例》，围绕群众关切，加大主动公开力度，规范依申请公开办理，强化政策解读与回应关切，持续推进政府信息管理和平台建设，不断提升政务公开工作质量和实效。"
	for b.Len() < size-60_000 {
		b.WriteString(wordParagraph(body))
	}
	b.WriteString(`<table class=MsoNormalTable border=1 cellspacing=0 cellpadding=0><tr>` + wordCell("第二十条第（一）项", "colspan=4") + `</tr><tr>` +
		wordCell("信息内容", "") + wordCell("本年制发件数", "") + wordCell("本年废止件数", "") + wordCell("现行有效件数", "") + `</tr>`)
	for _, l := range []string{"规章", "行政规范性文件"} {
		b.WriteString(`<tr>` + wordCell(l, "") + wordCell("2", "") + wordCell("1", "") + wordCell("15", "") + `</tr>`)
	}
	b.WriteString(`</table>`)
	b.WriteString(wordParagraph("三、收到和处理政府信息公开申请情况"))
	b.WriteString(`<table class=MsoNormalTable border=1 cellspacing=0 cellpadding=0><tr>` + wordCell("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "colspan=3 rowspan=3") + wordCell("申请人情况", "colspan=7") + `</tr><tr>` +
		wordCell("自然人", "rowspan=2") + wordCell("法人或其他组织", "colspan=5") + wordCell("总计", "rowspan=2") + `</tr><tr>` +
		wordCell("商业企业", "") + wordCell("科研机构", "") + wordCell("社会公益组织", "") + wordCell("法律服务机构", "") + wordCell("其他", "") + `</tr>`)
	natural := map[string]int{"new_received": 5, "granted": 3, "partially_granted": 1, "unable_not_held": 1, "total_handled": 5}
	for _, r := range report.Table3RowsFor(report.Format2021) {
		n := natural[r.Key.Key]
		b.WriteString(`<tr>` + wordCell(r.Key.Label, "colspan=3") + wordCell(fmt.Sprint(n), ""))
		for i := 0; i < 5; i++ {
			b.WriteString(wordCell("0", ""))
		}
		b.WriteString(wordCell(fmt.Sprint(n), "") + `</tr>`)
	}
	b.WriteString(`</table>`)
	b.WriteString(wordParagraph("四、政府信息公开行政复议、行政诉讼情况"))
	b.WriteString(`<table class=MsoNormalTable border=1><tr>` + wordCell("行政复议", "colspan=5") + wordCell("行政诉讼", "colspan=10") + `</tr><tr>`)
	for _, h := range []string{"结果维持", "结果纠正", "其他结果", "尚未审结", "总计"} {
		b.WriteString(wordCell(h, "rowspan=2"))
	}
	b.WriteString(wordCell("未经复议直接起诉", "colspan=5") + wordCell("复议后起诉", "colspan=5") + `</tr><tr>`)
	for i := 0; i < 2; i++ {
		for _, h := range []string{"结果维持", "结果纠正", "其他结果", "尚未审结", "总计"} {
			b.WriteString(wordCell(h, ""))
		}
	}
	b.WriteString(`</tr><tr>`)
	for i := 0; i < 15; i++ {
		b.WriteString(wordCell("0", ""))
	}
	b.WriteString(`</tr></table>`)
	b.WriteString(wordParagraph("五、存在的主要问题及改进情况"))
	b.WriteString(wordParagraph("某某市某某区教育局"))
	b.WriteString(wordParagraph("2023年1月18日"))
	b.WriteString(`</div></div><div class="footer">版权所有：某某区人民政府 网站标识码：4302110001 ICP备案号：湘ICP备12345678号</div></body></html>`)
	return []byte(b.String())
}

func TestBenchPageIsARealisticReport(t *testing.T) {
	page := benchPage(250_000)
	rec, err := Parse(Input{Name: "bench.html", Data: page})
	if err != nil {
		t.Fatal(err)
	}
	if rec.Format != report.Format2021 || rec.Year != 2022 || rec.Published != "2023-01-18" {
		t.Errorf("got format %s year %d published %s", rec.Format, rec.Year, rec.Published)
	}
	if len(rec.Table3) != 26 || len(rec.Table4) != 3 || len(rec.Table2) != 2 {
		t.Errorf("tables: %d table 3 rows, %d table 4 groups, %d table 2 rows", len(rec.Table3), len(rec.Table4), len(rec.Table2))
	}
	if got := rec.Table3["granted"]["total"]; got != 3 {
		t.Errorf("granted total %d, want 3", got)
	}
	if f := rec.Failed(); len(f) != 0 {
		t.Errorf("failed checks on figures that add up: %v", f)
	}
}

func BenchmarkParse250KB(b *testing.B) {
	page := benchPage(250_000)
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(Input{Name: "bench.html", Data: page}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHTMLParse250KB is the floor: the same bytes through html.Parse alone.
func BenchmarkHTMLParse250KB(b *testing.B) {
	page := benchPage(250_000)
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := html.Parse(strings.NewReader(string(page))); err != nil {
			b.Fatal(err)
		}
	}
}

// realShapedPages builds pages shaped like those portals serve (see
// internal/portalpage) from the corpus's TRS page: 60 to 350 KB each.
func realShapedPages(tb testing.TB, n int) []portalpage.Page {
	tb.Helper()
	tmpl, err := os.ReadFile(filepath.Join("..", "..", "shared", "corpus", "pingtan-2016-legacy.htm"))
	if os.IsNotExist(err) {
		tb.Skip("../shared/corpus not found")
	}
	if err != nil {
		tb.Fatal(err)
	}
	pages, err := portalpage.Set(tmpl, n, 1)
	if err != nil {
		tb.Fatal(err)
	}
	return pages
}

func TestRealShapedPagesAreReports(t *testing.T) {
	for _, p := range realShapedPages(t, 12) {
		if len(p.HTML) < 55_000 || len(p.HTML) > 360_000 {
			t.Errorf("%s: %d bytes, outside 60–350 KB", p.Title, len(p.HTML))
		}
		rec, err := Parse(Input{Name: p.Title, Data: p.HTML})
		if err != nil {
			t.Errorf("%s: %v", p.Title, err)
			continue
		}
		if rec.Title != p.Title || rec.Year != p.Year || rec.Format != p.Format {
			t.Errorf("%s: got title %q, year %d, format %s; want year %d, format %s", p.Title, rec.Title, rec.Year, rec.Format, p.Year, p.Format)
		}
		if p.Format == report.Format2021 && (len(rec.Table2) != 6 || len(rec.Table3) != 26 || len(rec.Table4) != 3 || len(rec.Failed()) > 0) {
			t.Errorf("%s: %d table 2 rows, %d table 3 rows, %d table 4 groups, failed %v; warnings %q", p.Title, len(rec.Table2), len(rec.Table3), len(rec.Table4), rec.Failed(), rec.Warnings)
		}
	}
}

// The cost of the whole parse against html.Parse of the same bytes, over pages
// shaped like real ones: run both in one go (go test -bench RealPages) and compare.
func BenchmarkParseRealPages(b *testing.B) {
	benchRealPages(b, func(p portalpage.Page) error {
		_, err := Parse(Input{Name: p.Title, Data: p.HTML})
		return err
	})
}

func BenchmarkHTMLParseRealPages(b *testing.B) {
	benchRealPages(b, func(p portalpage.Page) error {
		_, err := html.Parse(bytes.NewReader(p.HTML))
		return err
	})
}

func benchRealPages(b *testing.B, parse func(portalpage.Page) error) {
	pages := realShapedPages(b, 20)
	size := 0
	for _, p := range pages {
		size += len(p.HTML)
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		for _, p := range pages {
			if err := parse(p); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkRealPagesRatio parses the same pages both ways in each iteration, one
// after the other, and reports the ratio of the times: the machine's load at the
// moment weighs on both.
func BenchmarkRealPagesRatio(b *testing.B) {
	pages := realShapedPages(b, 20)
	var parse, floor time.Duration
	for b.Loop() {
		start := time.Now()
		for _, p := range pages {
			if _, err := html.Parse(bytes.NewReader(p.HTML)); err != nil {
				b.Fatal(err)
			}
		}
		mid := time.Now()
		for _, p := range pages {
			if _, err := Parse(Input{Name: p.Title, Data: p.HTML}); err != nil {
				b.Fatal(err)
			}
		}
		floor, parse = floor+mid.Sub(start), parse+time.Since(mid)
	}
	b.ReportMetric(float64(parse)/float64(floor), "ratio")
}
