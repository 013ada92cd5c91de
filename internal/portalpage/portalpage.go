// Package portalpage builds report pages shaped like those government portals serve,
// for the parser's cost benchmarks: the chrome of a TRS page around a body exported
// from Word — paragraphs cut into runs of styled spans, tables whose every cell
// carries its borders and a paragraph of its own — at the sizes real pages have
// (60–350 KB). The pages are derived from a real page given as the template (the
// corpus's pingtan-2016-legacy.htm): its head, its chrome, its styles and its prose.
package portalpage

import (
	"bytes"
	"fmt"
	"math/rand"
	"strings"

	"golang.org/x/net/html"
)

// The template's markers: where its article body starts and where its chrome was cut.
const (
	editorStart = `<div class=TRS_Editor>`
	chromeMark  = `<!-- chrome removed -->`
	tmplTitle   = "平潭综合实验区2016年度政府信息公开工作年度报告"
	tmplDate    = "2017-01-18"
)

// The styles of the template's Word export, as its paragraphs and cells carry them.
const (
	paraStyle = `text-align:justify; line-height: 26.5pt; text-indent: 32pt; margin-right: 0pt; margin-left: 0pt; text-autospace: ideograph-numeric; text-justify: inter-ideograph; mso-para-margin-right: 0.0000gd; mso-para-margin-left: 0.0000gd; mso-char-indent-count: 2.0000; mso-pagination: none; mso-line-height-rule: exactly;`
	bodySpan  = `font-family: 仿宋_GB2312; font-size: 16pt; mso-spacerun: &quot;yes&quot;; mso-font-kerning: 1.0000pt;`
	headSpan  = `font-family: 黑体; font-size: 16pt; mso-spacerun: &quot;yes&quot;; mso-font-kerning: 1.0000pt;`
	cellCSS   = `border-width: 31.875pt 1pt 1pt 31.875pt; border-style: none solid solid none; border-color: rgb(255, 255, 255) rgb(0, 0, 0) rgb(0, 0, 0) rgb(255, 255, 255); padding: 0pt 5.4pt; width: 64.4pt; mso-border-left-alt: 31.8750pt none rgb(255, 255, 255); mso-border-right-alt: 1.0000pt solid rgb(0, 0, 0); mso-border-top-alt: 31.8750pt none rgb(255, 255, 255); mso-border-bottom-alt: 1.0000pt solid rgb(0, 0, 0);`
	cellPara  = `text-align:center;margin: 0pt; line-height: 18pt; layout-grid-mode: char; mso-para-margin-right: 0.0000gd; mso-para-margin-left: 0.0000gd; mso-pagination: widow-orphan;`
	cellSpan  = `font-family: 宋体; font-size: 12pt; mso-font-kerning: 0.0000pt;`
	emptySpan = `font-family: Arial; font-size: 12pt; mso-font-kerning: 0.0000pt; mso-fareast-font-family: 宋体;`
)

// Page is one generated page and what the parser must find in it.
type Page struct {
	HTML   []byte
	Title  string
	Year   int
	Format string // "2021" or "legacy"
}

// template is the real page cut into the parts a page is built from.
type template struct {
	head, tail string   // before the body (after the editor's opening tag) and after it
	prose      []string // the sentences of its body
}

func parseTemplate(page []byte) (*template, error) {
	s := string(page)
	i := strings.Index(s, editorStart)
	lastTable := strings.LastIndex(s, "</table>")
	if i < 0 || lastTable < i || strings.Count(s, chromeMark) != 2 {
		return nil, fmt.Errorf("portalpage: the template is not the corpus's TRS page (no %s, tables or chrome marks)", editorStart)
	}
	end := lastTable + strings.Index(s[lastTable:], "</div>")
	t := &template{head: s[:i+len(editorStart)], tail: s[end:]}
	root, err := html.Parse(strings.NewReader(s[i:end]))
	if err != nil {
		return nil, err
	}
	var walk func(*html.Node, *strings.Builder)
	walk = func(n *html.Node, b *strings.Builder) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.TextNode {
				b.WriteString(c.Data)
			}
			walk(c, b)
		}
	}
	var b strings.Builder
	walk(root, &b)
	for _, sentence := range strings.SplitAfter(b.String(), "。") {
		if sentence = strings.TrimSpace(strings.ReplaceAll(sentence, "\u00a0", "")); len([]rune(sentence)) >= 12 {
			t.prose = append(t.prose, sentence)
		}
	}
	if len(t.prose) < 20 {
		return nil, fmt.Errorf("portalpage: the template's body has %d sentences", len(t.prose))
	}
	return t, nil
}

// Set returns n pages of sizes spread over 60–350 KB, most of them reports in the
// 2021 format with tables that add up, one in four a legacy report like the
// template, all different.
func Set(templatePage []byte, n int, seed int64) ([]Page, error) {
	t, err := parseTemplate(templatePage)
	if err != nil {
		return nil, err
	}
	r := rand.New(rand.NewSource(seed))
	pages := make([]Page, n)
	for i := range pages {
		size := 60_000
		if n > 1 {
			size += 290_000 * i / (n - 1)
		}
		legacy := i%4 == 3
		pages[i] = t.page(r, i, size, legacy)
	}
	r.Shuffle(len(pages), func(i, j int) { pages[i], pages[j] = pages[j], pages[i] })
	return pages, nil
}

var (
	places = []string{"平潭综合实验区", "福清市", "长乐区", "连江县", "罗源县", "闽侯县", "永泰县", "闽清县", "晋安区", "仓山区"}
	depts  = []string{"经济发展局", "财政金融局", "教育局", "卫生健康委员会", "自然资源局", "交通运输局", "市场监督管理局", "人力资源和社会保障局", "民政局", "司法局", "住房和城乡建设局", "农业农村局"}
)

func (t *template) page(r *rand.Rand, i, size int, legacy bool) Page {
	organ := places[i%len(places)] + depts[(i/len(places)+i)%len(depts)]
	year, format := 2022, "2021"
	if legacy {
		year, format = 2016, "legacy"
	}
	title := fmt.Sprintf("%s%d年政府信息公开工作年度报告", organ, year)
	date := fmt.Sprintf("%d-01-%02d", year+1, 10+r.Intn(18))
	// Smaller pages carry tables in the terser style of Word's filtered export.
	style := verboseCells
	if size < 150_000 {
		style = compactCells
	}
	headings := []string{"一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"}
	if legacy {
		headings = []string{"一、概述", "二、主动公开政府信息情况", "三、政府信息依申请公开工作情况", "四、政府信息公开的收费及减免情况", "五、因政府信息公开申请行政复议、提起行政诉讼的情况", "六、主要问题和改进措施"}
	}
	// Each section is its heading and, in the 2021 format, its table; then prose
	// fills the page to its size, spread over the sections.
	sections := make([]strings.Builder, len(headings))
	fixed := len(t.head) + len(t.tail) + 30_000 // the chrome written into the marks
	for si, h := range headings {
		sb := &sections[si]
		fmt.Fprintf(sb, `<p style="%s" class="MsoNormal"><span style="%s">%s</span><span style="%s"></span></p>`, paraStyle, headSpan, h, headSpan)
		if !legacy {
			switch si {
			case 1:
				table2(sb, r, style)
			case 2:
				table3(sb, r, style)
			case 3:
				table4(sb, r, style)
			}
		}
		fixed += sb.Len()
	}
	var body strings.Builder
	fmt.Fprintf(&body, `<p style="text-align:center;" class="MsoNormal"><span style="font-family: 黑体; font-size: 18pt; mso-spacerun: &quot;yes&quot;; mso-font-kerning: 1.0000pt;">%s</span></p>`, title)
	t.paragraph(&body, r, fmt.Sprintf("本报告依据《中华人民共和国政府信息公开条例》编制。本报告中所列数据的统计期限自%d年1月1日起至%d年12月31日止。", year, year))
	perSection := max(0, (size-fixed-body.Len())/len(headings))
	for si := range sections {
		body.WriteString(sections[si].String())
		for start := body.Len(); body.Len()-start < perSection; {
			t.paragraph(&body, r, "")
		}
	}
	fmt.Fprintf(&body, `<p style="text-align:right;" class="MsoNormal"><span style="%s">%s</span></p><p style="text-align:right;" class="MsoNormal"><span style="%s">%d年1月%d日</span></p>`, bodySpan, organ, bodySpan, year+1, 10+r.Intn(18))
	head := strings.ReplaceAll(t.head, tmplTitle, title)
	head = strings.ReplaceAll(head, tmplDate, date)
	head = strings.Replace(head, chromeMark, navChrome(r), 1)
	tail := strings.Replace(t.tail, chromeMark, footerChrome(r), 1)
	return Page{HTML: []byte(head + body.String() + tail), Title: title, Year: year, Format: format}
}

// paragraph writes a paragraph of the given text, or of sentences of the template,
// cut into the runs Word writes (a run ends where the language or the editing
// history changes: around figures, and anywhere).
func (t *template) paragraph(b *strings.Builder, r *rand.Rand, text string) {
	if text == "" {
		var s strings.Builder
		for n := 1 + r.Intn(4); n > 0; n-- {
			s.WriteString(t.prose[r.Intn(len(t.prose))])
		}
		text = s.String()
	}
	fmt.Fprintf(b, `<p style="%s" class="MsoNormal">`, paraStyle)
	rs := []rune(text)
	for len(rs) > 0 {
		n := min(len(rs), 2+r.Intn(28))
		// Figures stand in runs of their own.
		for k := 1; k < n; k++ {
			if isDigit(rs[k]) != isDigit(rs[k-1]) {
				n = k
				break
			}
		}
		run := html.EscapeString(string(rs[:n]))
		rs = rs[n:]
		if r.Intn(6) == 0 {
			fmt.Fprintf(b, `<span style="%s"><span style="font-family:仿宋_GB2312">%s</span></span>`, bodySpan, run)
		} else {
			fmt.Fprintf(b, `<span style="%s">%s</span>`, bodySpan, run)
		}
	}
	fmt.Fprintf(b, `<span style="%s"></span></p>`, bodySpan)
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

// cellStyle is how a table's cells are written.
type cellStyle int

const (
	verboseCells cellStyle = iota // the template's: every border and alternative in each cell's style
	compactCells                  // Word's filtered export
)

// cell writes a table cell.
func cell(b *strings.Builder, style cellStyle, text string, attrs string) {
	if style == compactCells {
		fmt.Fprintf(b, `<td width=57%s style='width:42.5pt;border-top:none;border-left:none;border-bottom:solid windowtext 1.0pt;border-right:solid windowtext 1.0pt;padding:0cm 5.4pt 0cm 5.4pt'><p class=MsoNormal align=center style='text-align:center'><span lang=EN-US style='font-size:10.5pt;font-family:宋体'>%s<o:p></o:p></span></p></td>`, attrs, text)
		return
	}
	fmt.Fprintf(b, `<td style="%s" valign="center" width="85"%s><p style="%s" class="p"><span style="%s">%s</span><span style="%s"></span></p></td>`,
		cellCSS, attrs, cellPara, cellSpan, text, emptySpan)
}

func openTable(b *strings.Builder) {
	b.WriteString(`<table style="border-collapse: collapse; margin-left: 5.4pt; mso-table-layout-alt: fixed; mso-padding-alt: 0.0000pt 5.4000pt 0.0000pt 5.4000pt;" class="MsoNormalTable" border="0" cellspacing="0"><tbody>`)
}

func table2(b *strings.Builder, r *rand.Rand, style cellStyle) {
	openTable(b)
	row := func(cells ...string) {
		b.WriteString(`<tr style="height: 25pt;">`)
		for _, c := range cells {
			attrs := ""
			if len(cells) == 2 {
				attrs = ` colspan="3"`
			}
			if len(cells) == 1 {
				attrs = ` colspan="4"`
			}
			cell(b, style, c, attrs)
		}
		b.WriteString(`</tr>`)
	}
	n := func(max int) string { return fmt.Sprint(r.Intn(max)) }
	issued, repealed := r.Intn(6), r.Intn(3)
	row("第二十条第（一）项")
	row("信息内容", "本年制发件数", "本年废止件数", "现行有效件数")
	row("规章", "0", "0", "0")
	row("行政规范性文件", fmt.Sprint(issued), fmt.Sprint(repealed), fmt.Sprint(issued+repealed+r.Intn(30)))
	row("第二十条第（五）项")
	row("信息内容", "本年处理决定数量")
	row("行政许可", n(2000))
	row("第二十条第（六）项")
	row("信息内容", "本年处理决定数量")
	row("行政处罚", n(200))
	row("行政强制", n(20))
	row("第二十条第（八）项")
	row("信息内容", "本年收费金额（单位：万元）")
	row("行政事业性收费", fmt.Sprintf("%.2f", float64(r.Intn(5000))/100))
	b.WriteString(`</tbody></table>`)
}

var outcomeLabels = [][2]string{
	{"（一）予以公开", ""}, {"（二）部分公开（区分处理的，只计这一情形，不计其他情形）", ""},
	{"（三）不予公开", "1.属于国家秘密"}, {"", "2.其他法律行政法规禁止公开"}, {"", "3.危及“三安全一稳定”"}, {"", "4.保护第三方合法权益"},
	{"", "5.属于三类内部事务信息"}, {"", "6.属于四类过程性信息"}, {"", "7.属于行政执法案卷"}, {"", "8.属于行政查询事项"},
	{"（四）无法提供", "1.本机关不掌握相关政府信息"}, {"", "2.没有现成信息需要另行制作"}, {"", "3.补正后申请内容仍不明确"},
	{"（五）不予处理", "1.信访举报投诉类申请"}, {"", "2.重复申请"}, {"", "3.要求提供公开出版物"}, {"", "4.无正当理由大量反复申请"}, {"", "5.要求行政机关确认或重新出具已获取信息"},
	{"（六）其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"}, {"", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"}, {"", "3.其他"},
}

// groupSpan is how many rows each outcome group heading spans.
var groupSpan = map[string]int{"（三）不予公开": 8, "（四）无法提供": 3, "（五）不予处理": 5, "（六）其他处理": 3}

// table3 writes table 3 laid out as the official grid, with figures that add up:
// each row's columns to its total, each column's outcomes to its total handled and
// its balance.
func table3(b *strings.Builder, r *rand.Rand, style cellStyle) {
	const cols = 6
	outcomes := make([][cols]int, len(outcomeLabels))
	var handled, forward, over, received [cols]int
	for i := range outcomes {
		for c := 0; c < cols; c++ {
			if r.Intn(3) == 0 {
				outcomes[i][c] = r.Intn(12 - c*2 + 1)
			}
			handled[c] += outcomes[i][c]
		}
	}
	for c := 0; c < cols; c++ {
		forward[c], over[c] = r.Intn(3), r.Intn(3)
		received[c] = max(0, handled[c]+forward[c]-over[c])
		over[c] = handled[c] + forward[c] - received[c]
	}
	figures := func(v [cols]int) []string {
		out := make([]string, 0, cols+1)
		sum := 0
		for _, x := range v {
			out = append(out, fmt.Sprint(x))
			sum += x
		}
		return append(out, fmt.Sprint(sum))
	}
	row := func(label []string, attrs []string, v [cols]int) {
		b.WriteString(`<tr style="height: 25pt;">`)
		for i, l := range label {
			cell(b, style, l, attrs[i])
		}
		for _, f := range figures(v) {
			cell(b, style, f, "")
		}
		b.WriteString(`</tr>`)
	}
	openTable(b)
	b.WriteString(`<tr>`)
	cell(b, style, "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", ` colspan="3" rowspan="3"`)
	cell(b, style, "申请人情况", ` colspan="7"`)
	b.WriteString(`</tr><tr>`)
	cell(b, style, "自然人", ` rowspan="2"`)
	cell(b, style, "法人或其他组织", ` colspan="5"`)
	cell(b, style, "总计", ` rowspan="2"`)
	b.WriteString(`</tr><tr>`)
	for _, h := range []string{"商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"} {
		cell(b, style, h, "")
	}
	b.WriteString(`</tr>`)
	row([]string{"一、本年新收政府信息公开申请数量"}, []string{` colspan="3"`}, received)
	row([]string{"二、上年结转政府信息公开申请数量"}, []string{` colspan="3"`}, over)
	for i, l := range outcomeLabels {
		var label, attrs []string
		if i == 0 {
			label, attrs = append(label, "三、本年度办理结果"), append(attrs, ` rowspan="22"`)
		}
		switch {
		case l[1] == "":
			label, attrs = append(label, l[0]), append(attrs, ` colspan="2"`)
		case l[0] != "":
			label, attrs = append(label, l[0], l[1]), append(attrs, fmt.Sprintf(` rowspan="%d"`, groupSpan[l[0]]), "")
		default:
			label, attrs = append(label, l[1]), append(attrs, "")
		}
		row(label, attrs, outcomes[i])
	}
	row([]string{"（七）总计"}, []string{` colspan="2"`}, handled)
	row([]string{"四、结转下年度继续办理"}, []string{` colspan="3"`}, forward)
	b.WriteString(`</tbody></table>`)
}

func table4(b *strings.Builder, r *rand.Rand, style cellStyle) {
	openTable(b)
	b.WriteString(`<tr>`)
	cell(b, style, "行政复议", ` colspan="5"`)
	cell(b, style, "行政诉讼", ` colspan="10"`)
	b.WriteString(`</tr><tr>`)
	results := []string{"结果维持", "结果纠正", "其他结果", "尚未审结", "总计"}
	for _, h := range results {
		cell(b, style, h, ` rowspan="2"`)
	}
	cell(b, style, "未经复议直接起诉", ` colspan="5"`)
	cell(b, style, "复议后起诉", ` colspan="5"`)
	b.WriteString(`</tr><tr>`)
	for i := 0; i < 2; i++ {
		for _, h := range results {
			cell(b, style, h, "")
		}
	}
	b.WriteString(`</tr><tr>`)
	for g := 0; g < 3; g++ {
		sum := 0
		for k := 0; k < 4; k++ {
			v := r.Intn(3)
			sum += v
			cell(b, style, fmt.Sprint(v), "")
		}
		cell(b, style, fmt.Sprint(sum), "")
	}
	b.WriteString(`</tr></tbody></table>`)
}

// navChrome is a TRS portal's header: the site's banner, a menu of columns with
// their sub-columns, a search form and the scripts that drive them.
func navChrome(r *rand.Rand) string {
	var b bytes.Buffer
	b.WriteString(`<div class="header"><div class="top_bar"><span class="welcome">欢迎访问平潭综合实验区党工委管委会门户网站</span><a href="javascript:;" class="wza">无障碍</a><a href="javascript:;" class="zhangzhe">长者模式</a></div>`)
	b.WriteString(`<div class="logo"><a href="/"><img src="/images/logo.png" alt="平潭综合实验区党工委管委会"></a></div><div class="search"><form action="/search/" method="get"><input type="text" name="q" placeholder="请输入关键词"><button type="submit">搜索</button></form></div>`)
	b.WriteString(`<ul class="nav">`)
	columns := []string{"首页", "走进平潭", "政务公开", "政务服务", "互动交流", "专题专栏", "数据开放", "投资平潭", "文化旅游", "新闻中心"}
	for i, c := range columns {
		fmt.Fprintf(&b, `<li class="nav_item"><a href="/col%d/" class="nav_link">%s</a><div class="sub_nav"><ul>`, i, c)
		for k := 0; k < 8+r.Intn(8); k++ {
			fmt.Fprintf(&b, `<li><a href="/col%d/sub%d/" target="_blank" title="%s栏目%d">%s栏目%d</a></li>`, i, k, c, k, c, k)
		}
		b.WriteString(`</ul></div></li>`)
	}
	b.WriteString(`</ul></div>`)
	b.WriteString(script(r, 4000))
	return b.String()
}

// footerChrome is a TRS portal's footer: related sites, the copyright block, the
// site's identification codes, and statistics scripts.
func footerChrome(r *rand.Rand) string {
	var b bytes.Buffer
	b.WriteString(`<div class="footer"><div class="links"><select onchange="window.open(this.value)"><option>国家部委网站</option>`)
	for k := 0; k < 30; k++ {
		fmt.Fprintf(&b, `<option value="http://www.example%d.gov.cn/">部委网站%d</option>`, k, k)
	}
	b.WriteString(`</select></div><div class="copyright"><p>主办：平潭综合实验区党工委管委会办公室 承办：平潭综合实验区电子政务中心</p><p>网站标识码：3590000001 闽ICP备12345678号 闽公网安备 35012802000001号</p></div></div>`)
	b.WriteString(script(r, 6000))
	return b.String()
}

// script is inline JavaScript of about n bytes, as portals embed for menus, fonts
// and statistics.
func script(r *rand.Rand, n int) string {
	var b strings.Builder
	b.WriteString(`<script type="text/javascript">`)
	for b.Len() < n {
		fmt.Fprintf(&b, `$(".nav_item").eq(%d).hover(function(){$(this).find(".sub_nav").stop().slideDown(%d);},function(){$(this).find(".sub_nav").stop().slideUp(%d);});`, r.Intn(10), 100+r.Intn(200), 100+r.Intn(200))
	}
	b.WriteString(`</script>`)
	return b.String()
}
