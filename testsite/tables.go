package testsite

import (
	"fmt"
	"strings"

	"gongkai/report"
)

// gcell is one cell of a table as laid out in HTML: its text and its spans.
type gcell struct {
	text    string
	colspan int
	rowspan int
	value   bool // a figure (or the blank standing for one), not a label
}

func label(text string) gcell            { return gcell{text: text, colspan: 1, rowspan: 1} }
func span(text string, cs, rs int) gcell { return gcell{text: text, colspan: cs, rowspan: rs} }
func figure(text string) gcell           { return gcell{text: text, colspan: 1, rowspan: 1, value: true} }

// grid is a table: rows of cells, spanned positions omitted as in HTML.
type grid [][]gcell

// table3Labels are the row labels exactly as the official formats print them.
var table3Labels = map[string]string{
	"new_received":              "一、本年新收政府信息公开申请数量",
	"carried_over":              "二、上年结转政府信息公开申请数量",
	"granted":                   "（一）予以公开",
	"partially_granted":         "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
	"withheld_state_secret":     "1.属于国家秘密",
	"withheld_law_prohibited":   "2.其他法律行政法规禁止公开",
	"withheld_three_safety":     "3.危及“三安全一稳定”",
	"withheld_third_party":      "4.保护第三方合法权益",
	"withheld_internal_affairs": "5.属于三类内部事务信息",
	"withheld_process_info":     "6.属于四类过程性信息",
	"withheld_enforcement_file": "7.属于行政执法案卷",
	"withheld_admin_query":      "8.属于行政查询事项",
	"unable_not_held":           "1.本机关不掌握相关政府信息",
	"unable_need_creation":      "2.没有现成信息需要另行制作",
	"unable_unclear":            "3.补正后申请内容仍不明确",
	"rejected_petition":         "1.信访举报投诉类申请",
	"rejected_duplicate":        "2.重复申请",
	"rejected_publication":      "3.要求提供公开出版物",
	"rejected_mass_repeat":      "4.无正当理由大量反复申请",
	"rejected_confirmation":     "5.要求行政机关确认或重新出具已获取信息",
	"other_overdue_correction":  "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
	"other_unpaid_fee":          "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
	"other_misc":                "3.其他",
	"other_total":               "（六）其他处理",
	"total_handled":             "（七）总计",
	"carried_forward":           "四、结转下年度继续办理",
}

// table3Groups are the labelled groups of outcome rows, which the format prints in
// a row-spanning cell left of their rows.
var table3Groups = map[string]string{
	report.GroupWithheld: "（三）不予公开",
	report.GroupUnable:   "（四）无法提供",
	report.GroupRejected: "（五）不予处理",
	report.GroupOther:    "（六）其他处理",
}

const balanceNote = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"

// table2Grid lays out table 2 as the format prints it: one grid with a heading row
// per article of the 条例 and a header row per sub-table.
func table2Grid(s *sheet) grid {
	var g grid
	heading := func(text string) { g = append(g, []gcell{span(text, 4, 1)}) }
	row := func(key string, fields ...string) {
		r := []gcell{label(rowLabel2(s.format, key))}
		for i, f := range fields {
			c := figure(s.p2[key][f])
			if i == len(fields)-1 {
				c.colspan = 4 - len(fields)
			}
			r = append(r, c)
		}
		g = append(g, r)
	}
	header := func(cols ...string) {
		r := []gcell{label("信息内容")}
		for i, c := range cols {
			cell := label(c)
			if i == len(cols)-1 {
				cell.colspan = 4 - len(cols)
			}
			r = append(r, cell)
		}
		g = append(g, r)
	}
	if s.format == report.Format2021 {
		heading("第二十条第（一）项")
		header("本年制发件数", "本年废止件数", "现行有效件数")
		row("rules", "issued", "repealed", "in_force")
		row("normative_docs", "issued", "repealed", "in_force")
		heading("第二十条第（五）项")
		header("本年处理决定数量")
		row("licensing", "decisions")
		heading("第二十条第（六）项")
		header("本年处理决定数量")
		row("punishment", "decisions")
		row("coercion", "decisions")
		heading("第二十条第（八）项")
		header("本年收费金额（单位：万元）")
		row("fees", "amount_wan")
		return g
	}
	heading("第二十条第（一）项")
	header("本年新制作数量", "本年新公开数量", "对外公开总数量")
	row("rules", "made", "published", "total_published")
	row("normative_docs", "made", "published", "total_published")
	heading("第二十条第（五）项")
	header("上一年项目数量", "本年增/减", "处理决定数量")
	row("licensing", "previous", "change", "decisions")
	row("other_services", "previous", "change", "decisions")
	heading("第二十条第（六）项")
	header("上一年项目数量", "本年增/减", "处理决定数量")
	row("punishment", "previous", "change", "decisions")
	row("coercion", "previous", "change", "decisions")
	heading("第二十条第（八）项")
	header("上一年项目数量", "本年增/减")
	row("fees", "previous", "change")
	heading("第二十条第（九）项")
	amount := "采购总金额"
	if s.amountUnit != "" {
		amount += "（" + s.amountUnit + "）"
	}
	header("采购项目数量", amount)
	row("procurement", "projects", "amount")
	return g
}

func rowLabel2(format, key string) string {
	for _, r := range report.Table2RowsFor(format) {
		if r.Key.Key == key {
			return r.Key.Label
		}
	}
	panic("testsite: no table 2 row " + key)
}

// table3Header is the three header rows of table 3.
func table3Header() grid {
	var g grid
	g = append(g, []gcell{span(balanceNote, 3, 3), span("申请人情况", 7, 1)})
	g = append(g, []gcell{span("自然人", 1, 2), span("法人或其他组织", 5, 1), span("总计", 1, 2)})
	g = append(g, []gcell{label("商业企业"), label("科研机构"), label("社会公益组织"), label("法律服务机构"), label("其他")})
	return g
}

// table3Body lays out the given data rows of table 3 (a contiguous run of the
// format's printed rows), with the row-spanning group cells sized to the run, so
// that a table split in two repeats its labels as split tables do.
func table3Body(s *sheet, rows []string) grid {
	groupOf := map[string]string{}
	for _, r := range report.Table3Rows {
		groupOf[r.Key.Key] = r.Group
	}
	if s.format == report.Format2019 {
		groupOf["other_total"] = ""
	}
	count := func(pred func(string) bool) int {
		n := 0
		for _, r := range rows {
			if pred(r) {
				n++
			}
		}
		return n
	}
	outcome := func(r string) bool {
		switch r {
		case "new_received", "carried_over", "carried_forward":
			return false
		}
		return true
	}
	var g grid
	seenOutcome, seenGroup := false, map[string]bool{}
	for _, key := range rows {
		var cells []gcell
		switch {
		case !outcome(key):
			cells = append(cells, span(table3Labels[key], 3, 1))
		default:
			if !seenOutcome {
				seenOutcome = true
				cells = append(cells, span("三、本年度办理结果", 1, count(outcome)))
			}
			grp := groupOf[key]
			if grp == "" {
				cells = append(cells, span(table3Labels[key], 2, 1))
				break
			}
			if !seenGroup[grp] {
				seenGroup[grp] = true
				cells = append(cells, span(table3Groups[grp], 1, count(func(r string) bool { return groupOf[r] == grp })))
			}
			cells = append(cells, label(table3Labels[key]))
		}
		for _, c := range report.Table3Columns {
			cells = append(cells, figure(s.p3[key][c.Key]))
		}
		g = append(g, cells)
	}
	return g
}

// table3Rows lists the data rows the format prints, in order.
func table3Rows(format string) []string {
	var rows []string
	for _, r := range report.Table3RowsFor(format) {
		rows = append(rows, r.Key.Key)
	}
	return rows
}

func table4Grid(s *sheet) grid {
	g := grid{{span("行政复议", 5, 1), span("行政诉讼", 10, 1)}}
	var second, third, values []gcell
	for _, c := range report.Table4Columns {
		second = append(second, span(c.Label, 1, 2))
	}
	second = append(second, span("未经复议直接起诉", 5, 1), span("复议后起诉", 5, 1))
	for range 2 {
		for _, c := range report.Table4Columns {
			third = append(third, label(c.Label))
		}
	}
	for _, grp := range report.Table4Groups {
		for _, c := range report.Table4Columns {
			values = append(values, figure(s.p4[grp.Key][c.Key]))
		}
	}
	return append(g, second, third, values)
}

// htmlTable writes a grid as the plain bordered table a CMS editor produces. The
// blank marker is what an empty cell holds ("" or &nbsp;).
func htmlTable(b *strings.Builder, g grid, blank string) {
	b.WriteString("<table border=\"1\" cellspacing=\"0\" cellpadding=\"0\" width=\"100%\" style=\"border-collapse:collapse;\">\n<tbody>\n")
	for _, row := range g {
		b.WriteString("<tr>")
		for _, c := range row {
			b.WriteString("<td")
			writeSpans(b, c)
			b.WriteString(" style=\"border:1px solid #000;text-align:center;\">")
			if c.text == "" {
				b.WriteString(blank)
			} else {
				b.WriteString(escape(c.text))
			}
			b.WriteString("</td>")
		}
		b.WriteString("</tr>\n")
	}
	b.WriteString("</tbody>\n</table>\n")
}

func writeSpans(b *strings.Builder, c gcell) {
	if c.colspan > 1 {
		fmt.Fprintf(b, " colspan=\"%d\"", c.colspan)
	}
	if c.rowspan > 1 {
		fmt.Fprintf(b, " rowspan=\"%d\"", c.rowspan)
	}
}

const wordSpan = `<span style="font-family:仿宋_GB2312;font-size:10.5pt;mso-font-kerning:0pt;">`

// wordTable writes a grid as Word's "save as web page" does: every cell a MsoNormal
// paragraph of spans, text split across spans where the editor's cursor went, empty
// cells holding &nbsp; in an <o:p>.
func wordTable(b *strings.Builder, g grid) {
	b.WriteString("<table class=\"MsoNormalTable\" border=\"1\" cellspacing=\"0\" cellpadding=\"0\" style=\"border-collapse:collapse;border:none;mso-border-alt:solid windowtext .5pt;mso-yfti-tbllook:1184;mso-padding-alt:0cm 5.4pt 0cm 5.4pt\">\n")
	for i, row := range g {
		fmt.Fprintf(b, "<tr style=\"mso-yfti-irow:%d;height:18.75pt\">\n", i)
		for _, c := range row {
			b.WriteString(" <td")
			writeSpans(b, c)
			b.WriteString(" valign=\"center\" style=\"border:solid windowtext 1.0pt;mso-border-alt:solid windowtext .5pt;padding:0cm 5.4pt 0cm 5.4pt\">\n  <p class=\"MsoNormal\" align=\"center\" style=\"text-align:center;mso-pagination:widow-orphan\">")
			switch {
			case c.text == "":
				b.WriteString(wordSpan + "<o:p>&nbsp;</o:p></span>")
			case c.value && len(c.text) >= 2 && c.text[0] >= '1' && c.text[0] <= '9':
				// Word splits numbers it once corrected into runs of their own.
				b.WriteString(wordSpan + escape(c.text[:1]) + "</span>" + `<span lang="EN-US" style="font-size:10.5pt;font-family:仿宋_GB2312">` + escape(c.text[1:]) + "<o:p></o:p></span>")
			case !c.value && strings.Contains(c.text, "（区分"):
				i := strings.Index(c.text, "（区分")
				b.WriteString(wordSpan + escape(c.text[:i]) + "</span>" + wordSpan + escape(c.text[i:]) + "<o:p></o:p></span>")
			default:
				b.WriteString(wordSpan + escape(c.text) + "<o:p></o:p></span>")
			}
			b.WriteString("</p>\n </td>\n")
		}
		b.WriteString("</tr>\n")
	}
	b.WriteString("</table>\n")
}

// cellLines writes a grid one cell per paragraph, as pages pasted from a PDF's text
// look: labels of spanning cells once, figures in order.
func cellLines(b *strings.Builder, g grid) {
	for _, row := range g {
		for _, c := range row {
			b.WriteString("<p>" + escape(c.text) + "</p>\n")
		}
	}
}

// spacedRows writes a grid one row per paragraph, cells separated by runs of
// ideographic and no-break spaces, as pages typed without a table look.
func spacedRows(b *strings.Builder, g grid) {
	for _, row := range g {
		parts := make([]string, len(row))
		for i, c := range row {
			parts[i] = escape(c.text)
		}
		b.WriteString("<p>" + strings.Join(parts, "&nbsp;&nbsp;　") + "</p>\n")
	}
}

var htmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")

func escape(s string) string { return htmlEscaper.Replace(s) }
