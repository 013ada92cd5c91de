package parse

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"gongkai/report"
)

// Flowing text is made from the project's own pages the way archives, copy and
// paste and text extractors make it, so that the record of the page says what the
// flowing text must give.
type flowStyle int

const (
	// oneLine drops the tags and the line breaks: the whole page on one line,
	// table cells run together wherever the page's source does not space them.
	oneLine flowStyle = iota
	// spaced writes every tag as a space: one line, cells apart.
	spaced
	// paragraphs ends a line at each paragraph and table, and drops the tags
	// within a table: a few long lines, each table's cells run together.
	paragraphs
)

func (s flowStyle) String() string { return [...]string{"one line", "spaced", "paragraphs"}[s] }

var flowBlocks = map[atom.Atom]bool{atom.P: true, atom.Div: true, atom.Br: true, atom.H1: true, atom.H2: true, atom.H3: true,
	atom.H4: true, atom.Li: true, atom.Table: true, atom.Title: true, atom.Ul: true}

// flowingText renders a page as flowing text of the given style.
func flowingText(page []byte, style flowStyle) string {
	text := decode(page, "").Text
	z := html.NewTokenizer(strings.NewReader(text))
	var b strings.Builder
	skip := 0
	for {
		switch z.Next() {
		case html.ErrorToken:
			out := b.String()
			switch style {
			case oneLine:
				out = strings.NewReplacer("\r", "", "\n", "").Replace(out)
			case spaced:
				out = strings.NewReplacer("\r", " ", "\n", " ").Replace(out)
			}
			var lines []string
			for _, l := range strings.Split(out, "\n") {
				if l = strings.Join(strings.FieldsFunc(l, isSpace), " "); l != "" {
					lines = append(lines, l)
				}
			}
			return strings.Join(lines, "\n")
		case html.TextToken:
			if skip == 0 {
				t := string(z.Text())
				if style == paragraphs {
					t = strings.NewReplacer("\r", " ", "\n", " ").Replace(t)
				}
				b.WriteString(t)
			}
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if a == atom.Script || a == atom.Style {
				if tt := z.Token().Type; tt == html.StartTagToken {
					skip++
				} else if tt == html.EndTagToken && skip > 0 {
					skip--
				}
				continue
			}
			switch {
			case style == spaced:
				b.WriteByte(' ')
			case style == paragraphs && flowBlocks[a]:
				b.WriteByte('\n')
			}
		}
	}
}

// withChrome puts page chrome around flowing text made from a text file: the site's
// menu and breadcrumb before it, the source and date line after its title, the
// print, close and related links after it.
func withChrome(text, title, date string) string {
	head := "网站首页 机构概况 政务公开 政务服务 互动交流 当前位置：首页 > 政务公开 > 政府信息公开年报 > "
	meta := " 来源：区人民政府办公室 发布时间：" + date + " 10:30 浏览次数：126 【字体：大 中 小】 "
	tail := " 【打印本页】 【关闭窗口】 相关链接：政府信息公开指南 政府信息公开制度 版权所有：区人民政府 网站标识码：4302110001"
	if title != "" && strings.HasPrefix(text, title) {
		return head + title + meta + text[len(title):] + tail
	}
	return head + meta + text + tail
}

func parseText(t *testing.T, name, text string) *report.Record {
	t.Helper()
	rec, err := Parse(Input{Name: name, Data: []byte(text)})
	if err != nil {
		t.Fatalf("%s: %v\n%s", name, err, firstRunes(text, 600))
	}
	return rec
}

// compareFlowing holds the record read from flowing text to the record of the page
// it came from: the same metadata; every figure it has, the page's; every row it
// lacks named in its warnings; no check failing that holds on the page. It returns
// the rows the flowing text lacks (table2.rules, table3.granted, table4).
func compareFlowing(t *testing.T, page, flow *report.Record) []string {
	t.Helper()
	for _, f := range []struct{ name, page, flow string }{
		{"title", page.Title, flow.Title}, {"organ", page.Organ, flow.Organ}, {"region", page.Region, flow.Region},
		{"format", page.Format, flow.Format}, {"year", fmt.Sprint(page.Year), fmt.Sprint(flow.Year)},
	} {
		if f.page != f.flow {
			t.Errorf("%s: flowing text gives %q, the page %q", f.name, f.flow, f.page)
		}
	}
	if page.Published != "" && flow.Published != page.Published {
		t.Errorf("published: flowing text gives %q, the page %q", flow.Published, page.Published)
	}
	named := func(key string) bool {
		for _, w := range flow.Warnings {
			if strings.Contains(w, key) {
				return true
			}
		}
		return false
	}
	var missing []string
	lack := func(ref, key string) {
		missing = append(missing, ref)
		if !named(key) {
			t.Errorf("%s is not in the record and no warning names it; warnings: %q", ref, flow.Warnings)
		}
	}
	for _, row := range sortedKeys(page.Table2) {
		got, ok := flow.Table2[row]
		if !ok {
			lack("table2."+row, row)
			continue
		}
		for _, f := range sortedKeys(page.Table2[row]) {
			if !sameValue(toFloat(page.Table2[row][f]), got[f]) {
				t.Errorf("table2.%s.%s: flowing text gives %v, the page %v", row, f, got[f], page.Table2[row][f])
			}
		}
	}
	for _, row := range sortedKeys(flow.Table2) {
		if _, ok := page.Table2[row]; !ok {
			t.Errorf("table2.%s: flowing text gives %v, which the page does not have", row, flow.Table2[row])
		}
	}
	for _, row := range sortedKeys(page.Table3) {
		got, ok := flow.Table3[row]
		if !ok {
			if !(row == "other_total" && page.Format == report.Format2021) { // derived from its sub-rows
				lack("table3."+row, row)
			}
			continue
		}
		if fmt.Sprint(got) != fmt.Sprint(page.Table3[row]) {
			t.Errorf("table3.%s: flowing text gives %v, the page %v", row, got, page.Table3[row])
		}
	}
	for _, row := range sortedKeys(flow.Table3) {
		if _, ok := page.Table3[row]; !ok {
			t.Errorf("table3.%s: flowing text gives %v, which the page does not have", row, flow.Table3[row])
		}
	}
	switch {
	case page.Table4 != nil && flow.Table4 == nil:
		lack("table4", "table 4")
	case fmt.Sprint(page.Table4) != fmt.Sprint(flow.Table4):
		t.Errorf("table4: flowing text gives %v, the page %v", flow.Table4, page.Table4)
	}
	// Cell by cell: a blank stays blank, a dash a dash, a figure the same figure.
	cells := map[string]report.Cell{}
	for _, c := range page.Cells {
		cells[c.Ref()] = c
	}
	for _, c := range flow.Cells {
		p, ok := cells[c.Ref()]
		switch {
		case !ok:
			t.Errorf("cell %s (%q): the page has no such cell", c.Ref(), c.Raw)
		case p.Kind != c.Kind || (p.Value == nil) != (c.Value == nil) || p.Value != nil && *p.Value != *c.Value:
			t.Errorf("cell %s: flowing text gives %q (%s), the page %q (%s)", c.Ref(), c.Raw, c.Kind, p.Raw, p.Kind)
		}
	}
	failed := map[string]bool{}
	for _, c := range page.Failed() {
		failed[c.Rule] = true
	}
	for _, c := range flow.Failed() {
		if !failed[c.Rule] {
			t.Errorf("check %s fails on the flowing text and holds on the page: %s", c.Rule, c.Detail)
		}
	}
	checkNoSilentLoss(t, flow)
	sort.Strings(missing)
	return missing
}

func toFloat(v any) any {
	if f, ok := v.(float64); ok {
		return f
	}
	return v
}

// TestFlowingFixtures reads every HTML fixture and the corpus page as flowing text
// in each style and compares the record with the page's. What the text cannot give
// is listed: rows whose figures run together in several ways that add up (or in
// none, as a row that does not add up on the page), and rows whose blank cells
// left no trace.
func TestFlowingFixtures(t *testing.T) {
	corpus := filepath.Join("..", "..", "shared", "corpus", "pingtan-2016-legacy.htm")
	cases := []struct {
		page    string
		style   flowStyle
		missing []string
	}{
		{"testdata/trs-2021-gbk.html", oneLine, []string{
			"table2.normative_docs", // 3117: 3|1|17, 3|11|7 or 31|1|7
		}},
		{"testdata/trs-2021-gbk.html", spaced, nil},
		{"testdata/trs-2021-gbk.html", paragraphs, []string{"table2.normative_docs"}},
		{"testdata/hanweb-2021-labels.html", oneLine, nil},
		{"testdata/hanweb-2021-labels.html", spaced, nil},
		{"testdata/hanweb-2021-labels.html", paragraphs, nil}, // labels broken by <br> onto two lines
		{"testdata/word-2019.html", oneLine, []string{
			"table2.licensing",          // 18-21,234: 18|-2|1,234 or 1|8|-21,234
			"table2.normative_docs",     // 6648
			"table2.procurement",        // 1235.6万元: 12|35.6万元, 1|235.6万元, 123|5.6万元
			"table3.granted",            // 62001010: the page's own row does not add up (6+2+1 ≠ 10)
			"table3.rejected_duplicate", // 1 … 1: its five blank cells left no trace
			"table4",                    // 1000100011: its five blank cells left no trace
		}},
		{"testdata/word-2019.html", spaced, []string{"table3.rejected_duplicate", "table4"}},
		{"testdata/word-2019.html", paragraphs, []string{"table3.rejected_duplicate", "table4"}},
		{"testdata/legacy-2014-gbk-undeclared.html", oneLine, nil},
		{"testdata/legacy-2014-gbk-undeclared.html", spaced, nil},
		{"testdata/legacy-2014-gbk-undeclared.html", paragraphs, nil},
		{corpus, oneLine, nil},
		{corpus, spaced, nil},
		{corpus, paragraphs, nil},
	}
	for _, c := range cases {
		t.Run(filepath.Base(c.page)+"/"+c.style.String(), func(t *testing.T) {
			data, err := os.ReadFile(c.page)
			if os.IsNotExist(err) && c.page == corpus {
				t.Skipf("%s not found", corpus)
			}
			if err != nil {
				t.Fatal(err)
			}
			page, err := Parse(Input{Name: c.page, Data: data})
			if err != nil {
				t.Fatal(err)
			}
			text := flowingText(data, c.style)
			if c.style != paragraphs && strings.Contains(text, "\n") {
				t.Fatalf("%s is not on one line", c.style)
			}
			flow := parseText(t, c.page+".txt", text)
			if got := compareFlowing(t, page, flow); !slices.Equal(got, c.missing) {
				t.Errorf("rows not read from the flowing text: %q, want %q", got, c.missing)
			}
			if page.Format == report.FormatLegacy {
				// A legacy report keeps its body; its own statistics table lost
				// its cells and is not read as figures.
				if !strings.Contains(flow.Text, "本报告") || len(flow.Text) < len(text)/2 {
					t.Errorf("legacy report without its body: %d of %d bytes", len(flow.Text), len(text))
				}
			}
		})
	}
}

// TestFlowingCorpus joins the corpus's text reports onto one line (their pipes kept,
// dropped, or turned into spaces), puts page chrome around them, and holds the
// record to the file's.
func TestFlowingCorpus(t *testing.T) {
	dir := filepath.Join("..", "..", "shared", "corpus")
	if _, err := os.Stat(dir); os.IsNotExist(err) {
		t.Skipf("%s not found", dir)
	}
	for _, name := range []string{"zhuzhou-tianyuan-jinrongban-2022.txt", "xiongxian-township-2019.txt"} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		page, err := Parse(Input{Name: name, Data: data})
		if err != nil {
			t.Fatal(err)
		}
		joined := strings.Join(strings.Split(strings.TrimSpace(string(data)), "\n"), "")
		for _, v := range []struct{ name, text string }{
			{"pipes", joined},
			{"no separators", strings.NewReplacer(" | ", "", "|", "").Replace(joined)},
			{"spaces", strings.NewReplacer(" | ", " ", "|", " ").Replace(joined)},
		} {
			t.Run(name+"/"+v.name, func(t *testing.T) {
				flow := parseText(t, name, withChrome(v.text, page.Title, "2023-01-20"))
				if missing := compareFlowing(t, page, flow); len(missing) > 0 {
					t.Errorf("rows not read from the flowing text: %q", missing)
				}
				if flow.Published != "2023-01-20" {
					t.Errorf("published %q, want the chrome's 2023-01-20", flow.Published)
				}
				if len(flow.Checks) != len(page.Checks) {
					t.Errorf("%d checks, the file %d", len(flow.Checks), len(page.Checks))
				}
			})
		}
		// Without chrome the title runs into the first sentence (…工作年度报告本年度
		// 报告依据…); a breadcrumb alone before the text names a column, not the
		// report, and no body.
		for _, v := range []struct{ name, text string }{
			{"title into the first sentence", joined},
			{"breadcrumb line", "首页 > 政务公开 > 年报\n" + joined},
			{"breadcrumb", "首页 > 政务公开 > 年报 " + joined},
			{"breadcrumb ›", "当前位置：首页 › 信息公开 › 政府信息公开年报 " + joined},
		} {
			t.Run(name+"/"+v.name, func(t *testing.T) {
				flow := parseText(t, name, v.text)
				if missing := compareFlowing(t, page, flow); len(missing) > 0 {
					t.Errorf("rows not read from the flowing text: %q", missing)
				}
			})
		}
	}
}

func TestSplitHeadings(t *testing.T) {
	cases := []struct {
		line string
		want []string
	}{
		{"本报告发布在门户网站,欢迎查阅。一、总体情况2022年,区金融办认真贯彻落实《条例》。",
			[]string{"本报告发布在门户网站,欢迎查阅。", "一、总体情况", "2022年,区金融办认真贯彻落实《条例》。"}},
		{"行政事业性收费12.36三、收到和处理政府信息公开申请情况（本列数据的勾稽关系为…）",
			[]string{"行政事业性收费12.36", "三、收到和处理政府信息公开申请情况", "（本列数据的勾稽关系为…）"}},
		{"四、结转下年度继续办理1100002四．政府信息公开行政复议、行政诉讼情况行政复议",
			[]string{"四、结转下年度继续办理1100002", "四．政府信息公开行政复议、行政诉讼情况", "行政复议"}},
		{"0 0 0五、政府信息公开工作存在的主要问题及改进情况一是", []string{"0 0 0", "五、政府信息公开工作存在的主要问题及改进情况", "一是"}},
		// The opening paragraph names the sections without their numbers.
		{"全文包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况等六部分。", []string{"全文包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况等六部分。"}},
	}
	for _, c := range cases {
		if got, _ := splitHeadings(c.line); !slices.Equal(got, c.want) {
			t.Errorf("%s:\n got %q\nwant %q", c.line, got, c.want)
		}
	}
}

// relineTable cuts the table text between two headings into rows, label apart from
// its value tokens.
func TestRelineTable(t *testing.T) {
	cases := []struct {
		sec  section
		text string
		want []string // label | value | value …
	}{
		{secT3, "1.本机关不掌握相关政府信息31000042.没有现成信息需要另行制作0000000", []string{
			"1.本机关不掌握相关政府信息|3100004", "2.没有现成信息需要另行制作|0000000"}},
		{secT3, "（三）不予公开1.属于国家秘密1000001（四）无法提供1.本机关不掌握相关政府信息4000105", []string{
			"（三）不予公开", "1.属于国家秘密|1000001", "（四）无法提供", "1.本机关不掌握相关政府信息|4000105"}},
		{secT3, "3.要求提供公开出版物00000004.无正当理由大量反复申请———————5.要求行政机关确认或重新出具已获取信息无无无无无无无", []string{
			"3.要求提供公开出版物|0000000", "4.无正当理由大量反复申请|———————", "5.要求行政机关确认或重新出具已获取信息|无无无无无无无"}},
		{secT3, "三、本年度办理结果（一）予以 公开 150 000015（二）部分公开（区分处理的，只计这一情形，不计其他情形）3100004", []string{
			"三、本年度办理结果", "（一）予以公开|150|000015", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）|3100004"}},
		{secT2, "第二十条第（五）项信息内容上一年项目数量本年增/减处理决定数量行政许可18-21,234其他对外管理服务事项无无无", []string{
			"第二十条第（五）项", "信息内容上一年项目数量本年增/减处理决定数量", "行政许可|18-21,234", "其他对外管理服务事项|无无无"}},
		{secT2, "第二十条第(一)项信息内容本年新制作数量本年新公开数量对外公开总数量规章0规范性文件第二十条第(五)项", []string{
			"第二十条第(一)项", "信息内容本年新制作数量本年新公开数量对外公开总数量", "规章|0", "规范性文件", "第二十条第(五)项"}},
		{secT4, "行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计未经复议直接起诉复议后起诉结果维持结果纠正其他结果尚未审结总计结果维持结果纠正其他结果尚未审结总计100120100100000", []string{
			"行政复议行政诉讼", "结果维持结果纠正其他结果尚未审结总计未经复议直接起诉复议后起诉", "结果维持结果纠正其他结果尚未审结总计",
			"结果维持结果纠正其他结果尚未审结总计|100120100100000"}},
		// The prose after a table is left as it is.
		{secT3, "四、结转下年度继续办理2000002注：本表数据截至2022年12月31日。", []string{
			"四、结转下年度继续办理|2000002", "注：本表数据截至2022年12月31日。"}},
	}
	for _, c := range cases {
		blocks, changed := relineTable(c.text, c.sec)
		var got []string
		for _, b := range blocks {
			got = append(got, strings.Join(b.cells, "|"))
		}
		if !changed || !slices.Equal(got, c.want) {
			t.Errorf("%s:\n got %q\nwant %q", c.text, got, c.want)
		}
	}
	// A row already on its own line, its cells spaced, is left alone.
	if _, changed := relineTable("（二）部分公开 8 1 0 0 0 0 9", secT3); changed {
		t.Error("a laid-out row was cut")
	}
}

func TestTitleInText(t *testing.T) {
	cases := []struct{ text, want string }{
		{"当前位置：首页政务公开政府信息公开政府信息公开年报平潭综合实验区2016年度政府信息公开工作年度报告来源：平潭县人民政府时间：2017-01-18",
			"平潭综合实验区2016年度政府信息公开工作年度报告"},
		{"首页 > 政务公开 > 株洲市天元区金融办2022年政府信息公开工作年度报告根据《中华人民共和国政府信息公开条例》编制",
			"株洲市天元区金融办2022年政府信息公开工作年度报告"},
		{"网站首页政务公开株洲市天元区金融办2022年政府信息公开工作年度报告发布时间：2023-01-20",
			"株洲市天元区金融办2022年政府信息公开工作年度报告"},
		{"2020年武义县人民政府办公室政府信息公开工作年度报告2020年武义县人民政府办公室政府信息公开工作年度报告发布日期：2021-01-25",
			"2020年武义县人民政府办公室政府信息公开工作年度报告"},
		// Not titles: a sentence that names a report; a column without a year.
		{"各单位要于2023年1月31日前发布2022年政府信息公开工作年度报告，确保勾稽关系准确。", ""},
		{"首页 > 政务公开 > 政府信息公开年报 > 正文", ""},
		// The title ends at its name, before the sentence that follows, unless a
		// bracketed year or edition follows the name.
		{"株洲市天元区金融办2022年政府信息公开工作年度报告本年度报告依据《中华人民共和国政府信息公开条例》编制。",
			"株洲市天元区金融办2022年政府信息公开工作年度报告"},
		{"株洲市天元区金融办政府信息公开工作年度报告（2022年度）本年度报告依据《条例》编制。",
			"株洲市天元区金融办政府信息公开工作年度报告（2022年度）"},
		{"株洲市天元区金融办2022年政府信息公开工作年度报告（更正版） 本报告依据《条例》编制。",
			"株洲市天元区金融办2022年政府信息公开工作年度报告（更正版）"},
		{"株洲市天元区金融办2022年政府信息公开工作年度报告（以下简称年报）依据《条例》编制。",
			"株洲市天元区金融办2022年政府信息公开工作年度报告"},
		// Dates, times and counts of the chrome glued before the title are not part of it.
		{"发布时间：2023-01-20 10:30株洲市天元区金融办2022年政府信息公开工作年度报告本年度报告依据《条例》编制。",
			"株洲市天元区金融办2022年政府信息公开工作年度报告"},
		{"浏览次数：126株洲市天元区金融办2022年政府信息公开工作年度报告 本年度报告依据《条例》编制。",
			"株洲市天元区金融办2022年政府信息公开工作年度报告"},
		// Chrome glued to a title with no separator left is no title.
		{"网站首页机构概况政务公开互动交流株洲市天元区金融办2022年政府信息公开工作年度报告 本年度报告依据《条例》编制。", ""},
		// Word's spans leave spaces inside a title; one of them may be where the
		// menu before it ends, which the region the longer title names tells.
		{"网站首页 机构概况 政务公开 互动交流 株洲 市天元区金融办 2022 年政府信息公开工作年 度报告 来源：区人民政府办公室",
			"株洲市天元区金融办2022年政府信息公开工作年度报告"},
		{"政务服务 株洲 市天元区金融办2022年政府信息公开工作年度报告 本年度报告依据《条例》编制。",
			"株洲市天元区金融办2022年政府信息公开工作年度报告"},
		{"首页>政务公开>年报>盐城市大丰区住房 和城乡 建 设局 2022 年度政府 信息公开工作年度报告",
			"盐城市大丰区住房和城乡建设局2022年度政府信息公开工作年度报告"},
	}
	for _, c := range cases {
		if got := titleInText([]string{c.text}); got != c.want {
			t.Errorf("%s:\n got %q\nwant %q", c.text, got, c.want)
		}
	}
	// A heading wrapped after the body's name gives the whole title, not its
	// second line; a title that names its body in the text wins over one that
	// does not.
	for _, lines := range [][]string{
		{"平潭综合实验区", "2016年度政府信息公开工作年度报告", "根据《条例》编制本报告。"},
		{"平潭综合实验区2016年度政府信息公开工作年度报告 来源：平潭县人民政府", "平潭综合实验区", "2016年度政府信息公开工作年度报告"},
	} {
		if got := pickTitle(&document{}, lines); got != "平潭综合实验区2016年度政府信息公开工作年度报告" {
			t.Errorf("%q: title %q", lines, got)
		}
	}
}

// Rows of a pipe or tab rendering joined onto one line, each row's last figure
// run into the next row's label, are cut into their rows.
func TestPipeRowsJoined(t *testing.T) {
	cases := []struct {
		sec  section
		line string
		want []string
	}{
		{secT2, "第二十条第（一）项 信息内容 | 本年制发 件数 | 本年废止 件数 | 现行有效 件数 规章 | 0 | 0 | 0行政规范性文件 | 2 | 0 | 9第二十条第（五）项信息内容 | 本年处理决定数量行政许可 | 1536", []string{
			"第二十条第（一）项 | 信息内容 | 本年制发 件数 | 本年废止 件数 | 现行有效件数", "规章 | 0 | 0 | 0", "行政规范性文件 | 2 | 0 | 9",
			"第二十条第（五）项 | 信息内容 | 本年处理决定数量", "行政许可 | 1536"}},
		{secT3, "2.其他法律行政法规禁止公开 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 03.危及“三安全一稳定” | 0 | 1 | 0 | 0 | 0 | 0 | 1 | 14.保护第三方合法 权益 | 2 | 0 | 0 | 0 | 0 | 0 | 0 | 2", []string{
			"2.其他法律行政法规禁止公开 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0", "3.危及“三安全一稳定” | 0 | 1 | 0 | 0 | 0 | 0 | 1 | 1", "4.保护第三方合法权益 | 2 | 0 | 0 | 0 | 0 | 0 | 0 | 2"}},
		{secT3, "行政规范性文件\t0\t0\t0\t第二十条第(五)项\t\t\t", []string{"行政规范性文件 | 0 | 0 | 0", "第二十条第(五)项 |  |  |"}},
		{secT4, "尚未 | 总计 2 | 1 | 0 | 1 | 3", []string{"尚未 | 总计 | 2 | 1 | 0 | 1 | 3"}},
	}
	for _, c := range cases {
		if got, changed := pipeRows(c.line, c.sec); !changed || !slices.Equal(got, c.want) {
			t.Errorf("%s:\n got %q\nwant %q", c.line, got, c.want)
		}
	}
	if _, changed := pipeRows("（一）予以公开 | 8 | 1 | 0 | 0 | 0 | 0 | 9", secT3); changed {
		t.Error("a laid-out row was cut")
	}
}

// A line break that fell inside a row's run of figures leaves the rest of them at
// the start of the next line: they are joined to the row, and split only where the
// arithmetic allows.
func TestFiguresAcrossLineBreak(t *testing.T) {
	text := "某某县卫生健康局2021年政府信息公开工作年度报告\n二、主动公开政府信息情况\n第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数规章000\n" +
		"行政规范性文件 1 0\n6 第二十条第（五）项\n三、收到和处理政府信息公开申请情况\n" +
		"（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）申请人情况自然人法人或其他组织总计商业企业科研机构社会公益组织法律服务机构其他" +
		"一、本年新收政府信息公开申请数量310000\n4二、上年结转政府信息公开申请数量1000001三、本年度办理结果（一）予以公开81010010"
	rec := parseText(t, "across.txt", text)
	for _, c := range []struct{ row, want string }{
		{"new_received", "map[commercial:1 legal_service:0 natural_person:3 other_org:0 research:0 social_org:0 total:4]"},
		{"carried_over", "map[commercial:0 legal_service:0 natural_person:1 other_org:0 research:0 social_org:0 total:1]"},
	} {
		if got := fmt.Sprint(rec.Table3[c.row]); got != c.want {
			t.Errorf("%s %s, want %s; warnings %q", c.row, got, c.want, rec.Warnings)
		}
	}
	if got := fmt.Sprint(rec.Table2["normative_docs"]); got != "map[in_force:6 issued:1 repealed:0]" {
		t.Errorf("normative_docs %s; warnings %q", got, rec.Warnings)
	}
}
