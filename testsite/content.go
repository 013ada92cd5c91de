package testsite

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"gongkai/report"
)

// legacyStats is the statistics table of a pre-2019 report: free rows, each organ
// its own, with a unit column.
type legacyStats struct {
	rows []legacyRow
}

type legacyRow struct {
	label, unit string
	value       int64
}

func newLegacyStats(r *rand.Rand, size orgSize) *legacyStats {
	scale := map[orgSize]int{sizeTown: 30, sizeDept: 150, sizeGov: 900, sizeBusy: 2400}[size]
	active := int64(scale/2 + r.IntN(scale))
	requests := int64(r.IntN(scale/20 + 2))
	inPerson := int64(r.IntN(int(requests) + 1))
	return &legacyStats{rows: []legacyRow{
		{"主动公开政府信息数", "条", active},
		{"其中：主动公开规范性文件数", "条", int64(r.IntN(12))},
		{"收到政府信息公开申请数", "件", requests},
		{"其中：当面申请数", "件", inPerson},
		{"网络申请数", "件", requests - inPerson},
		{"对申请的答复总数", "件", requests},
		{"被申请行政复议数", "件", 0},
		{"被提起行政诉讼数", "件", 0},
		{"依申请公开信息收取的费用", "万元", 0},
	}}
}

// figures is the record's LegacyFigures: label → column header → value or unit.
func (l *legacyStats) figures() map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, r := range l.rows {
		out[r.label] = map[string]any{"单位": r.unit, "数量": float64(r.value)}
	}
	return out
}

// hanDate writes a date as report signatures do: 2023年1月18日.
func hanDate(t time.Time) string {
	return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
}

// para writes a paragraph in the report's style.
func para(b *strings.Builder, style, text string) {
	switch style {
	case styleWord, styleLegacy:
		b.WriteString(`<p class="MsoNormal" style="text-indent:32.0pt;line-height:28.0pt;mso-line-height-rule:exactly"><span style="font-family:仿宋_GB2312;font-size:16.0pt">`)
		b.WriteString(escape(text))
		b.WriteString("<span lang=\"EN-US\"><o:p></o:p></span></span></p>\n")
	default:
		b.WriteString(`<p style="text-indent:2em;">` + escape(text) + "</p>\n")
	}
}

func heading(b *strings.Builder, style, text string) {
	switch style {
	case styleWord, styleLegacy:
		b.WriteString(`<p class="MsoNormal" style="text-indent:32.0pt"><b><span style="font-family:黑体;font-size:16.0pt">` + escape(text) + "<o:p></o:p></span></b></p>\n")
	case styleCells, styleRows:
		b.WriteString("<p>" + escape(text) + "</p>\n")
	default:
		b.WriteString(`<p style="text-indent:2em;"><strong>` + escape(text) + "</strong></p>\n")
	}
}

// reportContent is the body of a report as its article shows it, on a night.
func reportContent(it *reportItem, night int) string {
	var b strings.Builder
	style := it.style
	if it.edit != nil && night >= it.edit.night {
		para(&b, style, fmt.Sprintf("（%s更正：原报告第三部分部分数据填报有误，现予更正。）", hanDate(it.edit.date)))
	}
	period := fmt.Sprintf("本报告中所列数据的统计期限自%d年1月1日起至%d年12月31日止。", it.year, it.year)
	contact := "如对本报告有任何疑问，请与" + it.organ.unit + "办公室联系。"
	if it.enc.header == encGB2312Header.header {
		contact = "如对本报告有任何疑问，请与" + it.organ.unit + "办公室联系（联系人：李" + gbkOnly[:3] + "、王" + gbkOnly[3:] + "）。"
	}
	switch style {
	case styleLegacy:
		legacyContent(&b, it, period, contact)
		return b.String()
	case styleNoTables:
		para(&b, styleTRS, "根据《中华人民共和国政府信息公开条例》规定，现将"+it.title+"予以公布，详见附件。")
		para(&b, styleTRS, period)
		return b.String()
	}
	sh := it.sheetAt(night)
	basis := "《中华人民共和国政府信息公开条例》（以下简称《条例》）和《国务院办公厅政府信息与政务公开办公室关于印发〈中华人民共和国政府信息公开工作年度报告格式〉的通知》（国办公开办函〔2021〕30号）"
	if sh.format == report.Format2019 {
		basis = "《中华人民共和国政府信息公开条例》（以下简称《条例》）和《国务院办公厅政府信息与政务公开办公室关于政府信息公开工作年度报告有关事项的通知》（国办公开办函〔2019〕60号）"
	}
	para(&b, style, "本报告依据"+basis+"要求编制。全文包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项。"+period+contact)
	heading(&b, style, "一、总体情况")
	overview, problems := reportProse(it)
	for _, p := range overview {
		para(&b, style, p)
	}
	heading(&b, style, "二、主动公开政府信息情况")
	writeTable(&b, style, table2Grid(sh))
	heading(&b, style, "三、收到和处理政府信息公开申请情况")
	rows := table3Rows(sh.format)
	if style == styleSplit {
		// The CMS paginated the table where the source document broke its page.
		cut := 12
		writeTable(&b, style, append(table3Header(), table3Body(sh, rows[:cut])...))
		writeTable(&b, style, append(table3Header(), table3Body(sh, rows[cut:])...))
	} else {
		writeTable(&b, style, append(table3Header(), table3Body(sh, rows)...))
	}
	heading(&b, style, "四、政府信息公开行政复议、行政诉讼情况")
	writeTable(&b, style, table4Grid(sh))
	heading(&b, style, "五、存在的主要问题及改进情况")
	para(&b, style, problems)
	heading(&b, style, "六、其他需要报告的事项")
	para(&b, style, fmt.Sprintf("本年度未收取信息处理费。%d年度政务公开工作要点落实情况良好。", it.year))
	b.WriteString(`<p style="text-align:right;">` + escape(it.organ.unit) + "</p>\n")
	b.WriteString(`<p style="text-align:right;">` + hanDate(it.published) + "</p>\n")
	return b.String()
}

func writeTable(b *strings.Builder, style string, g grid) {
	switch style {
	case styleWord:
		wordTable(b, g)
	case styleCells:
		cellLines(b, g)
	case styleRows:
		spacedRows(b, g)
	case styleSplit:
		htmlTable(b, g, "&nbsp;")
	default:
		htmlTable(b, g, "")
	}
}

func legacyContent(b *strings.Builder, it *reportItem, period, contact string) {
	st := it.legacy
	para(b, styleLegacy, "根据《中华人民共和国政府信息公开条例》（以下简称《条例》）要求，特向社会公布"+it.title+"。本报告由概述、主动公开政府信息情况、依申请公开政府信息情况、政府信息公开的收费及减免情况、因政府信息公开申请行政复议和提起行政诉讼的情况、存在的主要问题及改进措施等部分组成。"+period+contact)
	heading(b, styleLegacy, "一、概述")
	overview, problems := reportProse(it)
	for _, p := range overview {
		para(b, styleLegacy, p)
	}
	heading(b, styleLegacy, "二、主动公开政府信息情况")
	para(b, styleLegacy, fmt.Sprintf("全年主动公开政府信息%d条，其中规范性文件%d条。", st.rows[0].value, st.rows[1].value))
	heading(b, styleLegacy, "三、依申请公开政府信息情况")
	para(b, styleLegacy, fmt.Sprintf("全年共受理政府信息公开申请%d件，均已按期答复。", st.rows[2].value))
	heading(b, styleLegacy, "四、政府信息公开的收费及减免情况")
	para(b, styleLegacy, "本年度未收取任何费用。")
	heading(b, styleLegacy, "五、因政府信息公开申请行政复议、提起行政诉讼的情况")
	para(b, styleLegacy, "本年度未发生因政府信息公开申请行政复议、提起行政诉讼的情况。")
	heading(b, styleLegacy, "六、存在的主要问题及改进措施")
	para(b, styleLegacy, problems)
	heading(b, styleLegacy, "附表：政府信息公开情况统计表")
	g := grid{{label("统计指标"), label("单位"), label("数量")}}
	for _, r := range st.rows {
		g = append(g, []gcell{label(r.label), label(r.unit), figure(fmt.Sprint(r.value))})
	}
	wordTable(b, g)
	b.WriteString(`<p style="text-align:right;">` + escape(it.organ.unit) + "</p>\n")
	b.WriteString(`<p style="text-align:right;">` + hanDate(it.published) + "</p>\n")
}

// lookAlikeContent is the body of a page that names the annual report without
// being one.
func lookAlikeContent(kind, org string, year int) string {
	var b strings.Builder
	p := func(s string) { para(&b, styleTRS, s) }
	switch kind {
	case "guide":
		p("为了更好地提供政府信息公开服务，根据《中华人民共和国政府信息公开条例》，编制本指南。")
		p("一、主动公开。公开范围、公开形式和公开时限。本机关于每年1月31日前公布上一年度政府信息公开工作年度报告。")
		p("二、依申请公开。申请人可通过当面、信函、网络等方式提出申请。")
		p("三、监督保障。公民、法人或者其他组织认为本机关在政府信息公开工作中侵犯其合法权益的，可以依法申请行政复议或者提起行政诉讼。")
	case "points":
		p(fmt.Sprintf("为深入贯彻落实党中央、国务院关于全面推进政务公开的决策部署，结合实际，制定%d年政务公开工作要点。", year))
		p(fmt.Sprintf("一、围绕稳住经济大盘加强政策发布解读。二、做好政府信息公开工作年度报告编制发布，%d年1月31日前公布部门年报。三、加强政务公开平台建设。", year+1))
	case "notice":
		p("各镇（街道）、区直各部门：")
		p(fmt.Sprintf("根据《中华人民共和国政府信息公开条例》第四十九条规定，现就报送%d年度政府信息公开工作年度报告有关事项通知如下：", year))
		p(fmt.Sprintf("一、各单位于%d年1月20日前将本单位年度报告报区政务公开办审核，审核通过后于1月31日前在门户网站公开。二、年度报告须严格按照国办公开办函〔2021〕30号格式编制。", year+1))
		p(org)
	case "summary":
		p(fmt.Sprintf("%d年，在县委、县政府的正确领导下，我局紧紧围绕年度目标任务，扎实推进各项工作。现将全年工作总结如下：", year))
		p("一、主要工作完成情况。（一）政务公开工作：按时编制发布政府信息公开工作年度报告，主动公开政府信息215条。（二）依法行政工作。二、存在的问题。三、下一步工作打算。")
	case "budget":
		p(fmt.Sprintf("根据预算法和有关规定，现将%s%d年部门预算公开如下：", org, year))
		var tb strings.Builder
		htmlTable(&tb, grid{
			{label("项目"), label("预算数（万元）")},
			{label("一般公共预算拨款收入"), figure("3286.45")},
			{label("政府性基金预算拨款收入"), figure("120.00")},
			{label("收入总计"), figure("3406.45")},
		}, "")
		b.WriteString(tb.String())
		p("部门预算说明：本部门无“三公”经费超支情况。")
	case "interpretation":
		p(fmt.Sprintf("一图读懂%s%d年政府信息公开工作年度报告。", org, year))
		p("主动公开：全年主动公开政府信息数量稳步增长。依申请公开：依法规范答复，满意度进一步提升。")
	}
	return b.String()
}
