package parse

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"gongkai/report"
)

// Years and dates are written with Arabic digits (full-width too) or with Chinese
// numerals (二〇二二年一月二十日); both are read.
var (
	hanDigits = map[rune]rune{'〇': '0', '零': '0', '○': '0', 'Ｏ': '0', 'O': '0', 'o': '0', '０': '0',
		'一': '1', '二': '2', '三': '3', '四': '4', '五': '5', '六': '6', '七': '7', '八': '8', '九': '9'}
	yearPattern     = regexp.MustCompile(`([0-9０-９]{4}|[〇零○Ｏ一二三四五六七八九]{4})\s*年`)
	datePattern     = regexp.MustCompile(`([0-9０-９]{4}|[〇零○Ｏ一二三四五六七八九]{4})\s*[-/.年]\s*([0-9０-９]{1,2}|[一二三四五六七八九十]{1,2})\s*[-/.月]\s*([0-9０-９]{1,2}|[一二三四五六七八九十]{1,3})\s*日?`)
	statPeriod      = regexp.MustCompile(`统计(?:时限|期限|时间|区间|范围|周期)[^0-9０-９〇零○一二]{0,12}([0-9０-９]{4}|[〇零○一二三四五六七八九]{4})\s*年`)
	pubLine         = regexp.MustCompile(`(?:发布日期|发布时间|发文日期|成文日期|发表时间|更新时间|日期|时间)\s*[:：]\s*(.{6,24})`)
	titleSeparators = regexp.MustCompile(`\s*[_|｜—–]+\s*|\s+-\s+`)
)

// yearOf reads a four-digit year written either way; 0 when it is not a year the
// disclosure regulations could cover.
func yearOf(s string) int {
	var b strings.Builder
	for _, r := range s {
		if d, ok := hanDigits[r]; ok {
			b.WriteRune(d)
		} else if r >= '０' && r <= '９' {
			b.WriteRune('0' + r - '０')
		} else {
			b.WriteRune(r)
		}
	}
	y, err := strconv.Atoi(b.String())
	if err != nil || y < 1990 || y > 2100 {
		return 0
	}
	return y
}

// smallNumber reads a month or day: 1–31 in digits or in Chinese numerals (十二, 二十一).
func smallNumber(s string) int {
	if n, err := strconv.Atoi(strings.Map(func(r rune) rune {
		if r >= '０' && r <= '９' {
			return '0' + r - '０'
		}
		return r
	}, s)); err == nil {
		return n
	}
	rs := []rune(s)
	val := func(r rune) int {
		if d, ok := hanDigits[r]; ok {
			return int(d - '0')
		}
		return -1
	}
	switch {
	case len(rs) == 1 && rs[0] == '十':
		return 10
	case len(rs) == 1:
		return val(rs[0])
	case len(rs) == 2 && rs[0] == '十':
		return 10 + val(rs[1])
	case len(rs) == 2 && rs[1] == '十':
		return 10 * val(rs[0])
	case len(rs) == 3 && rs[1] == '十':
		return 10*val(rs[0]) + val(rs[2])
	}
	return -1
}

// dateOf reads the first valid date in s as ISO 8601.
func dateOf(s string) string {
	for _, m := range datePattern.FindAllStringSubmatch(s, 3) {
		y, mo, d := yearOf(m[1]), smallNumber(m[2]), smallNumber(m[3])
		if y > 0 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 {
			if t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC); t.Day() == d {
				return t.Format(time.DateOnly)
			}
		}
	}
	return ""
}

// pickTitle chooses the report's title: the page's declared article title, a heading
// that reads as a report title, the <title> without the site's suffix, or the first
// line that reads as one.
func pickTitle(d *document, lines []string) string {
	for _, k := range []string{"articletitle", "og:title", "title"} {
		if t := tidyLine(d.meta[k]); t != "" && namesOwnReport(t) {
			return t
		}
	}
	for _, h := range d.headings {
		if namesOwnReport(h) {
			return h
		}
	}
	if d.htmlTitle != "" {
		for _, part := range titleSeparators.Split(d.htmlTitle, -1) {
			if namesOwnReport(part) {
				return part
			}
		}
	}
	// A line that is a title, a title inside flowing text, a line that names a
	// report (a title without its year). The title stands before the body: the
	// lines after its first section heading are not searched, so that a related
	// link to another year's report in the chrome after the body names nothing.
	// A title line that does not name its body may be the second line of a title
	// wrapped after the body's name (平潭综合实验区 / 2016年度…); a title that names
	// it is preferred, in the lines or in the text.
	lines = beforeBody(lines)
	bare := ""
	for _, strict := range []bool{true, false} {
		prev := ""
		for i, l := range lines {
			if i >= 8 {
				break
			}
			l = strings.TrimSpace(strings.ReplaceAll(strings.TrimLeft(l, "#> "), "**", "")) // Markdown heading
			t := titleLine(l, strict)
			if t != "" && strict && organFromTitle(t) == "" {
				if joined := titleLine(prev+l, strict); joined != "" && organFromTitle(joined) != "" {
					return joined
				}
				if bare == "" {
					bare = t
				}
				t = ""
			}
			if t != "" {
				return t
			}
			prev = l
		}
		if strict {
			if t := titleInText(lines); t != "" {
				return t
			}
			if bare != "" {
				return bare
			}
		}
	}
	if d.htmlTitle != "" {
		return d.htmlTitle
	}
	return ""
}

// namesOwnReport says whether a text names a report other than by quoting its
// name (依据《…年度报告格式》): a quoted name is another document's.
func namesOwnReport(t string) bool { return report.NamesReport(t) && !report.CitesReport(t) }

// beforeBody is the lines before the first section heading (一、总体情况).
func beforeBody(lines []string) []string {
	for i, l := range lines {
		if len(l) <= maxHeadingLine {
			if loc := sectionHeading.FindStringIndex(l); loc != nil && loc[0] == 0 && strings.TrimSpace(l[loc[1]:]) == "" {
				return lines[:i]
			}
		}
	}
	return lines
}

// titleLine returns the title a line is: the line without the breadcrumb before
// it (首页 > 政务公开 > …). Strict, it is one year's report title ending where its
// name does; otherwise a line that names a report, if it is no part of the page's
// chrome: a breadcrumb's column (首页 > 政务公开 > 年报) is no title.
func titleLine(l string, strict bool) string {
	if utf8.RuneCountInString(l) > 80 {
		return ""
	}
	l, _ = closeGaps(l)
	cand := l
	if locs := crumbSeparator.FindAllStringIndex(cand, -1); locs != nil {
		cand = strings.TrimSpace(cand[locs[len(locs)-1][1]:])
	}
	cand = trimChromePrefix(cand)
	if report.CountReportNames(cand) != 1 || report.CitesReport(cand) || pageChrome.MatchString(cand) || chromeOrgan(organFromTitle(cand)) {
		return ""
	}
	if strict {
		if report.IsReportTitle(cand) && endsWithReportName(cand) {
			return cand
		}
		return ""
	}
	if cand != l {
		return "" // a breadcrumb, or a title glued to chrome, names a report only with its year
	}
	return cand
}

// endsWithReportName says whether a line ends where its mention of a report does
// (a title line, not a title followed by the site's name).
func endsWithReportName(l string) bool {
	locs := report.ReportNameIndexes(l)
	if len(locs) == 0 {
		return false
	}
	end := titleEnd(l, locs[len(locs)-1][1])
	return strings.TrimRightFunc(l[end:], func(r rune) bool {
		return isSpace(r) || strings.ContainsRune("）)》”\"", r)
	}) == ""
}

// titleTail is what a real title may carry after its name: the year or the
// edition in brackets (（2022年度）, （更正版）, 【全文】).
var titleTail = regexp.MustCompile(`^\s*[（(【〔\[]\s*(?:[0-9０-９]{4}\s*年?度?|[〇零○一二三四五六七八九]{4}\s*年度?|更正|修订|修正|调整|补充|更新)?\s*(?:版|稿|更正版?|修订版?|修正版?|全文|正文|文字版|图文版|图解版?|简版|摘要|公开版|最终版|第[一二三四五六七八九十0-9]+版)?\s*[）)】〕\]]`)

// titleEnd is where a title whose report name ends at end ends: after the
// bracketed year or edition that follows the name, if any.
func titleEnd(text string, end int) int {
	if loc := titleTail.FindStringIndex(text[end:]); loc != nil {
		inner := strings.TrimFunc(text[end:end+loc[1]], func(r rune) bool { return isSpace(r) || strings.ContainsRune("（(【〔[）)】〕]", r) })
		if inner != "" {
			return end + loc[1]
		}
	}
	return end
}

// crumbSeparator stands between a breadcrumb's parts, or after the word that
// opens a breadcrumb or names the title in a page's table of metadata (当前位置：,
// 名称：).
var crumbSeparator = regexp.MustCompile(`[>›»→]|(?:位置|名称|标题|题名)\s*[:：]`)

// pageChrome finds the words of a portal page's furniture, which no title and no
// organ holds: the breadcrumb, the source and date line, the font size, print,
// close and share links.
var pageChrome = regexp.MustCompile(`首页|主页|当前位置|您的位置|所在位置|现在的位置|来源[:：]|信息来源|发布时间|发布日期|发布机构[:：]|浏览次数|访问量|点击[数量率]|阅读次数|字号|字体[:：]|打印|关闭|分享|扫一扫|收藏|[>›»→]`)

// menuWords are the items of a portal's main menu, which no issuing body's name
// holds: a title that would name such a body is the menu run into the title.
var menuWords = regexp.MustCompile(`互动交流|机构概况|公众参与|办事服务|网站|导航|无障碍|专题专栏|走进`)

// chromeOrgan says whether the body a title would name is the page's chrome.
func chromeOrgan(o string) bool { return pageChrome.MatchString(o) || menuWords.MatchString(o) }

// chromeDate is a date, a time or a count that the chrome before a title leaves
// glued to it (发布时间：2023-01-20 10:30株洲市…, 浏览次数：126株洲市…); a year
// that opens the title (2022年株洲市…) is not one.
var chromeDate = regexp.MustCompile(`^(?:[0-9]{4}[-/.][0-9]{1,2}[-/.][0-9]{1,2}|[0-9]{1,2}[:：][0-9]{2}(?:[:：][0-9]{2})?|[0-9０-９]+)\s*`)

// trimChromePrefix drops the chrome words, dates and counts glued before a
// title, as long as what is left names a report.
func trimChromePrefix(cand string) string {
	for trimmed := true; trimmed; {
		trimmed = false
		if loc := chromeDate.FindStringIndex(cand); loc != nil && loc[1] > 0 {
			if rest := cand[loc[1]:]; !strings.HasPrefix(rest, "年") && report.NamesReport(rest) {
				cand, trimmed = rest, true
			}
		}
		for _, w := range chromeWords {
			if rest, ok := strings.CutPrefix(cand, w); ok && report.NamesReport(rest) {
				cand, trimmed = strings.TrimSpace(rest), true
			}
		}
	}
	return cand
}

// titleBoundary ends the text before a title in flowing text: white space and the
// punctuation that separates page chrome (当前位置：首页 > 政务公开 > …).
const titleBoundary = "。；：:>》»›|｜_【】[]!！?？《「」\""

// dayOfMonth is the day part of a date, which no title holds.
var dayOfMonth = regexp.MustCompile(`[0-9０-９]\s*月\s*[0-9０-９]{1,2}\s*日|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}`)

// chromeWords are breadcrumb and column words that stand glued before a title in
// flowing text (首页政务公开株洲市…).
var chromeWords = []string{"网站首页", "首页", "您当前的位置", "您现在的位置", "您的位置", "当前位置", "所在位置", "位置",
	"政务公开", "政府信息公开", "信息公开", "政府信息公开年报", "年度报告", "年报", "正文", "详情"}

// titleInText finds a report's title inside text that lost its line structure,
// where it may be run into the chrome before it and the sentence after it.
func titleInText(lines []string) string {
	var b strings.Builder
	for _, l := range lines {
		if b.Len() > 16<<10 {
			break
		}
		b.WriteString(l)
		b.WriteByte('\n')
	}
	if titles := titlesIn(b.String(), 1); len(titles) > 0 {
		return titles[0]
	}
	return ""
}

// titlesIn returns up to limit report titles named in a text: at each mention of a
// report, the text back to a boundary, to the previous mention or to the chrome
// words, if that is one year's report title. The spaces that Word's spans leave
// inside a title (株洲 市天元区金融办 2022 年…) are closed first; each of them may
// also be where the chrome before the title ends (see titleFrom).
func titlesIn(text string, limit int) []string {
	text, gaps := closeGaps(text)
	var out []string
	prevEnd := 0
	for _, loc := range report.ReportNameIndexes(text) {
		start, n := loc[0], 0
		for start > prevEnd && n < 80 {
			r, size := utf8.DecodeLastRuneInString(text[:start])
			if isSpace(r) || strings.ContainsRune(titleBoundary, r) {
				break
			}
			start -= size
			n++
		}
		end := titleEnd(text, loc[1])
		prevEnd = end
		// A title is no part of a sentence: it is not followed by the rest of
		// one, and holds no date (…于2023年1月31日前发布2022年…年度报告，确保…).
		next, _ := utf8.DecodeRuneInString(text[end:])
		if strings.ContainsRune("，,、；;。的", next) || report.Quoted(text, loc[0], loc[1]) {
			continue
		}
		if cand := titleFrom(text, start, loc[0], end, gaps); cand != "" {
			if out = append(out, cand); len(out) >= limit {
				break
			}
		}
	}
	return out
}

// titleFrom returns the title that ends at end and starts at start or after one of
// the gaps before its report name (at name), or "". Each gap is where Word split a
// title, or where the chrome before it ends: the title is the longest one that
// holds no chrome, unless a shorter one names the same region or more of it
// (政务服务 株洲 市天元区… is 株洲市天元区…).
func titleFrom(text string, start, name, end int, gaps []int) string {
	valid := func(from int) (string, bool) {
		cand := trimChromePrefix(strings.TrimFunc(text[from:end], isSpace))
		ok := !dayOfMonth.MatchString(cand) && !pageChrome.MatchString(cand) && !chromeOrgan(organFromTitle(cand)) &&
			report.IsReportTitle(cand) && report.CountReportNames(cand) == 1
		return cand, ok
	}
	// The starts to try, nearest the name first: each gap, then the boundary.
	var starts []int
	for i := len(gaps) - 1; i >= 0; i-- {
		if gaps[i] > start && gaps[i] < name {
			starts = append(starts, gaps[i])
		}
	}
	starts = append(starts, start)
	best, bestRegion := "", -1
	for _, from := range starts {
		cand, ok := valid(from)
		if !ok {
			if best != "" {
				break // the chrome before the title
			}
			continue
		}
		region, code, _ := report.SplitOrgan(organFromTitle(cand))
		n := len(region)
		if code == "" {
			n = 0
		}
		if n > bestRegion || n == bestRegion && n == 0 {
			best, bestRegion = cand, n
		}
		if cand != strings.TrimFunc(text[from:end], isSpace) {
			break // chrome words glued before it
		}
	}
	return best
}

// closeGaps drops the spaces between two Chinese characters or a Chinese character
// and a digit, which Word's spans and line breaks leave inside words, and returns
// where they stood in the text without them. Line breaks are kept.
func closeGaps(text string) (string, []int) {
	if !strings.ContainsAny(text, " \u3000\u00a0\t") {
		return text, nil
	}
	var b strings.Builder
	b.Grow(len(text))
	var gaps []int
	word := func(r rune) bool { return unicode.Is(unicode.Han, r) || isDigitRune(r) }
	var prev rune
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if r == ' ' || r == '\u3000' || r == '\u00a0' || r == '\t' {
			j := i
			for j < len(text) {
				q, n := utf8.DecodeRuneInString(text[j:])
				if q != ' ' && q != '\u3000' && q != '\u00a0' && q != '\t' {
					break
				}
				j += n
			}
			next, _ := utf8.DecodeRuneInString(text[j:])
			if j < len(text) && word(prev) && word(next) && !(isDigitRune(prev) && isDigitRune(next)) {
				gaps = append(gaps, b.Len())
				i = j
				continue
			}
			b.WriteString(text[i:j])
			prev, i = ' ', j
			continue
		}
		b.WriteRune(r)
		prev, i = r, i+size
	}
	return b.String(), gaps
}

var (
	titleSuffix = regexp.MustCompile(`(?:关于)?(?:的)?(?:(?:政府|政务)?信息公开)?(?:工作)?(?:年度报告|年报|工作报告|报告)?$`)
	organTrim   = regexp.MustCompile(`^(?:关于|《)+|(?:关于|的|《|》|\(|（)+$`)
)

// organFromTitle takes the issuing body from a title such as
// 株洲市天元区金融办2022年政府信息公开工作年度报告 or 2022年株洲市天元区金融办政府信息公开工作年度报告.
func organFromTitle(title string) string {
	t := strings.Join(strings.Fields(title), "")
	t = strings.Trim(t, "《》“”\"")
	var before, after string
	if loc := yearPattern.FindStringIndex(t); loc != nil {
		before, after = t[:loc[0]], t[loc[1]:]
		after = strings.TrimPrefix(after, "度")
	} else {
		before = t
	}
	clean := func(s string) string {
		for i := 0; i < 3; i++ {
			s = titleSuffix.ReplaceAllString(s, "")
			s = organTrim.ReplaceAllString(s, "")
		}
		return s
	}
	if o := clean(before); o != "" {
		return o
	}
	for _, genre := range []string{"政府信息公开", "政务信息公开", "政务公开", "信息公开"} {
		if i := strings.Index(after, genre); i >= 0 {
			after = after[:i]
			break
		}
	}
	return clean(after)
}

// reportYear returns the year the statistics cover: from the title, from the stated
// statistical period (统计时限), or failing both from the year the body opens its
// account with, which is then named in warnings.
func reportYear(title string, lines []string) (int, string) {
	if m := yearPattern.FindStringSubmatch(title); m != nil {
		if y := yearOf(m[1]); y > 0 {
			return y, ""
		}
	}
	for _, l := range lines {
		if m := statPeriod.FindStringSubmatch(l); m != nil {
			if y := yearOf(m[1]); y > 0 {
				return y, ""
			}
		}
	}
	for i, l := range lines {
		if i > 40 {
			break
		}
		if m := yearPattern.FindStringSubmatchIndex(l); m != nil && m[0] == 0 {
			if y := yearOf(l[m[2]:m[3]]); y > 0 {
				return y, fmt.Sprintf("year %d read from the body (%q): neither the title nor a statistical period states it", y, firstRunes(l, 30))
			}
		}
	}
	return 0, ""
}

// published returns the publication date: the page's PubDate meta tag, a 发布日期 /
// 发布时间 line, or the date under the signature at the end of the report.
func published(d *document, lines []string) string {
	for _, k := range []string{"pubdate", "publishdate", "firstpublishedtime", "article:published_time", "dc.date", "createdate"} {
		if v := d.meta[k]; v != "" {
			if date := dateOf(v); date != "" {
				return date
			}
		}
	}
	for _, group := range [][]string{d.outside, firstN(lines, 12)} {
		for _, l := range group {
			if m := pubLine.FindStringSubmatch(l); m != nil {
				if date := dateOf(m[1]); date != "" {
					return date
				}
			}
		}
	}
	// The signature: a short line at the end that is, or ends with, a date.
	for i := len(lines) - 1; i >= 0 && i >= len(lines)-8; i-- {
		l := strings.TrimSpace(lines[i])
		if utf8.RuneCountInString(l) > 40 {
			continue
		}
		if loc := datePattern.FindStringIndex(l); loc != nil && loc[1] >= len(strings.TrimRight(l, " 日")) {
			if date := dateOf(l[loc[0]:]); date != "" {
				return date
			}
		}
	}
	// In flowing text, the signature's date runs into the body before it and the
	// page chrome after it.
	if n := len(lines); n > 0 {
		l := lines[n-1]
		var date string
		for _, m := range signatureDate.FindAllStringSubmatch(l[max(0, len(l)-4096):], -1) {
			if d := dateOf(m[1]); d != "" {
				date = d
			}
		}
		return date
	}
	return ""
}

// signatureDate is a date written out in Chinese (2023年1月28日) at the end of the
// body: followed by nothing, or by the attachment, print and share links.
var signatureDate = regexp.MustCompile(`([0-9０-９]{4}\s*年\s*[0-9０-９]{1,2}\s*月\s*[0-9０-９]{1,2}\s*日)\s*(?:$|附件|【|打印|关闭|分享|相关|上一篇|下一篇|扫一扫)`)

func firstN(lines []string, n int) []string {
	if len(lines) > n {
		return lines[:n]
	}
	return lines
}

func firstRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// fillMetadata sets the record's title, organ, region, department, year and date,
// and returns warnings about what it could not find.
func fillMetadata(rec *report.Record, d *document, lines []string) []string {
	// A heading exported by Word keeps its spans' spaces (株洲市天元区金融办 2022 年…).
	rec.Title, _ = closeGaps(pickTitle(d, lines))
	var warnings []string
	year, w := reportYear(rec.Title, lines)
	rec.Year = year
	if w != "" {
		warnings = append(warnings, w)
	}
	switch {
	case rec.Title == "":
		warnings = append(warnings, "the report's title is not found: the issuing body is not known")
	case report.NamesReport(rec.Title):
		// A body is named by the title, never by the page's chrome that a title
		// read from flowing text may hold.
		if o := organFromTitle(rec.Title); o != "" && !chromeOrgan(o) {
			rec.Organ = o
			rec.Region, rec.RegionCode, rec.Department = report.SplitOrgan(rec.Organ)
		} else {
			warnings = append(warnings, fmt.Sprintf("the title %q does not name the issuing body", rec.Title))
		}
	}
	rec.Published = published(d, lines)
	return warnings
}
