package parse

import (
	"strings"
	"testing"

	"gongkai/report"
)

func TestOrganAndYearFromTitle(t *testing.T) {
	cases := []struct {
		title, organ string
		year         int
	}{
		{"株洲市天元区金融办2022年政府信息公开工作年度报告", "株洲市天元区金融办", 2022},
		{"株洲市天元区金融办2022年度政府信息公开工作年度报告", "株洲市天元区金融办", 2022},
		{"2025年金厂镇政府信息公开工作年度报告", "金厂镇", 2025},
		{"2022年上海市政府信息公开工作年度报告", "上海市", 2022},
		{"临夏回族自治州永靖县2024年政府信息公开工作年度报告", "临夏回族自治州永靖县", 2024},
		{"南京市鼓楼区人民政府2021年政府信息公开年度报告", "南京市鼓楼区人民政府", 2021},
		{"龙山镇2021年政府信息公开工作报告", "龙山镇", 2021},
		{"舒兰市2016年政务信息公开年度报告", "舒兰市", 2016},
		{"二〇二二年某某县教育局政府信息公开工作年度报告", "某某县教育局", 2022},
		{"某某县教育局二○二二年政府信息公开工作年度报告", "某某县教育局", 2022},
		{"2020年武义县人民政府办公室政府信息公开工作年度报告", "武义县人民政府办公室", 2020},
		{"2020年武义县人民政府政府信息公开工作年度报告", "武义县人民政府", 2020},
		{"株洲市天元区金融办关于2022年政府信息公开工作年度报告", "株洲市天元区金融办", 2022},
		{"《某某区民政局2023年政府信息公开工作年度报告》", "某某区民政局", 2023},
		{"某某区民政局政府信息公开工作2023年度报告", "某某区民政局", 2023},
		{"某某市２０２３年政府信息公开工作年度报告", "某某市", 2023},
	}
	for _, c := range cases {
		if got := organFromTitle(c.title); got != c.organ {
			t.Errorf("organFromTitle(%q) = %q, want %q", c.title, got, c.organ)
		}
		if got, _ := reportYear(c.title, nil); got != c.year {
			t.Errorf("reportYear(%q) = %d, want %d", c.title, got, c.year)
		}
		if !report.IsReportTitle(c.title) {
			t.Errorf("%q not recognised as a report title", c.title)
		}
	}
}

func TestLookAlikeTitles(t *testing.T) {
	for _, title := range []string{
		"某某县人民政府政府信息公开指南",
		"关于报送2022年度政府信息公开工作年度报告的通知",
		"2023年政务公开工作要点",
		"某某局2022年度工作总结",
		"某某局2023年部门预算公开",
		"关于2022年政府信息公开工作年度报告编制工作的通知",
	} {
		if report.IsReportTitle(title) {
			t.Errorf("%q taken for a report title", title)
		}
	}
}

func TestDates(t *testing.T) {
	cases := map[string]string{
		"2023年1月20日":         "2023-01-20",
		"2023-01-20 09:30":   "2023-01-20",
		"2023/1/5":           "2023-01-05",
		"2023.01.31":         "2023-01-31",
		"二〇二三年一月二十日":         "2023-01-20",
		"二○二三年十二月三十一日":       "2023-12-31",
		"２０２３年１月２０日":         "2023-01-20",
		"2023年13月1日":         "",
		"发布日期：2023年2月30日 附件": "", // a day the calendar lacks is no date
	}
	for in, want := range cases {
		if got := dateOf(in); got != want {
			t.Errorf("dateOf(%q) = %q, want %q", in, got, want)
		}
	}
	if y, w := reportYear("", []string{"本报告中所列数据的统计期限自2016年1月1日起至2016年12月31日止。"}); y != 2016 || w != "" {
		t.Errorf("statistical period: %d %q", y, w)
	}
	if y, _ := reportYear("", []string{"统计时限为二〇二二年一月一日至二〇二二年十二月三十一日"}); y != 2022 {
		t.Errorf("statistical period in Chinese numerals: %d", y)
	}
}

// A scan's title as OCR reads it: a character or two misread in the fixed words,
// or the second line of a wrapped title (年度报告) garbled; a heading that only
// looks like a title keeps its words.
func TestRepairTitle(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"宜昌市西陵区教育局2022年政府信言息公开工作年度报告", "宜昌市西陵区教育局2022年政府信息公开工作年度报告"},
		{"宜昌市西陵区教育局2022年政府信息公开工作年庆吕和", "宜昌市西陵区教育局2022年政府信息公开工作年度报告"},
		{"宜昌市西陵区教育局2022年政府信息公开工作要点", "宜昌市西陵区教育局2022年政府信息公开工作要点"},
		{"2022年政府信息公开工作年度计划", "2022年政府信息公开工作年度计划"},
		{"政府信息公开工作年庆吕和", "政府信息公开工作年庆吕和"},
		// hanweb-2021-labels scanned at 150 dpi: a speck read as a point.
		{"盐城市大丰区住房和城乡建设局.2022年度政府信息公开工作年度报告", "盐城市大丰区住房和城乡建设局2022年度政府信息公开工作年度报告"},
		{"盐城市大丰区住房和城乡建设局2022年度政府信息公开·工作年度报告", "盐城市大丰区住房和城乡建设局2022年度政府信息公开工作年度报告"},
		{"2022.5年度政府信息公开工作年度报告", "2022.5年度政府信息公开工作年度报告"},
	} {
		if got := repairTitle(c.in); got != c.want {
			t.Errorf("repairTitle(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// Word exports a heading in runs of its own, a line break between them: the title
// is read without the spaces they leave.
func TestTitleWithWordSpans(t *testing.T) {
	page := `<html><head><meta charset="utf-8"><title>信息公开</title></head><body><div class="article">
<h1><span lang="EN-US">株洲市天元区金融办</span>
<span lang="EN-US">2022</span>
<span>年政府信息公开工作年度报告</span></h1>
<p class="MsoNormal">本年度报告依据《中华人民共和国政府信息公开条例》编制。全文由总体情况、主动公开政府信息情况等部分组成。</p>
<p class="MsoNormal">一、总体情况</p><p class="MsoNormal">2022年，区金融办认真贯彻落实《条例》精神，进一步加强政务信息发布。按要求开展政务公开标准化规范化工作。依法依规答复群众提出的信息公开申请。</p>
<p class="MsoNormal">二、主动公开政府信息情况</p><p class="MsoNormal">本年度主动公开政府信息56条。主要包括部门文件、通知公告、会议活动等。</p>
<p class="MsoNormal">五、存在的主要问题及改进情况</p><p class="MsoNormal">一是公开的政府信息质量有待提高。二是公开内容有待进一步规范和丰富。</p>
</div></body></html>`
	rec, err := Parse(Input{Name: "spans.html", Data: []byte(page)})
	if err != nil {
		t.Fatal(err)
	}
	if rec.Title != "株洲市天元区金融办2022年政府信息公开工作年度报告" || rec.Organ != "株洲市天元区金融办" {
		t.Errorf("title %q, organ %q", rec.Title, rec.Organ)
	}
}

// The lines OCR read from the first page of word-2019's scan at 200 dpi, before
// a stray mark above 度报告 kept the title's second line from its first: no line
// is the title, and the one that names a report names it inside the quotation
// of 《…关于印发〈…政府信息公开工作年度报告格式〉的通知》, which is never the
// report's title. Once the two lines are joined, the title is theirs.
func TestQuotedNameIsNoTitle(t *testing.T) {
	lines := []string{
		"2020年武义县人民政府办公室政府信息公开工作年",
		"”上度报告发布日期: 2021-01-25",
		"本报告根据《中华人民共和国政府信息公开条例》(以下简称《条",
		"例》)和《国务院办公厅政府信息与政务公开办公室关于印发〈中华人",
		"民共和国政府信息公开工作年度报告格式(试行)》的通知》(国办公",
		"开办函(2019]】60号)要求编制。本报告中所列数据的统计期限自",
		"2020年1月1日起至2020年12月31日止。",
		"一总体情况",
	}
	d := &document{meta: map[string]string{}, headings: lines[:2]}
	if got := pickTitle(d, lines); got != "" {
		t.Errorf("title %q, want none", got)
	}
	// The same text run together, as a page without its lines gives it.
	joined := []string{strings.Join(lines[2:5], "")}
	if got := pickTitle(&document{meta: map[string]string{}}, joined); got != "" {
		t.Errorf("title %q from the text run together, want none", got)
	}
	d.headings = []string{"2020年武义县人民政府办公室政府信息公开工作年度报告", "发布日期: 2021-01-25"}
	if got, want := pickTitle(d, lines), "2020年武义县人民政府办公室政府信息公开工作年度报告"; got != want {
		t.Errorf("title %q, want %q", got, want)
	}
	// A report that cites another year's report by its name is not named by it.
	cites := []string{"本报告参照《武义县2019年政府信息公开工作年度报告》的体例编制。"}
	if got := pickTitle(&document{meta: map[string]string{}}, cites); got != "" {
		t.Errorf("title %q taken from a citation", got)
	}
}
