package parse

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
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
		if t := tidyLine(d.meta[k]); t != "" && report.NamesReport(t) {
			return t
		}
	}
	for _, h := range d.headings {
		if report.NamesReport(h) {
			return h
		}
	}
	if d.htmlTitle != "" {
		for _, part := range titleSeparators.Split(d.htmlTitle, -1) {
			if report.NamesReport(part) {
				return part
			}
		}
	}
	// A line that is a title, a title inside flowing text, a line that names a
	// report (a title without its year).
	for _, strict := range []bool{true, false} {
		for i, l := range lines {
			if i >= 8 {
				break
			}
			l = strings.TrimSpace(strings.ReplaceAll(strings.TrimLeft(l, "#> "), "**", "")) // Markdown heading
			if report.CountReportNames(l) == 1 && utf8.RuneCountInString(l) <= 80 && (!strict || report.IsReportTitle(l) && endsWithReportName(l)) {
				return l
			}
		}
		if strict {
			if t := titleInText(lines); t != "" {
				return t
			}
		}
	}
	if d.htmlTitle != "" {
		return d.htmlTitle
	}
	return ""
}

// endsWithReportName says whether a line ends where its mention of a report does
// (a title line, not a title followed by the site's name).
func endsWithReportName(l string) bool {
	locs := report.ReportNameIndexes(l)
	return len(locs) > 0 && strings.TrimRightFunc(l[locs[len(locs)-1][1]:], func(r rune) bool {
		return isSpace(r) || strings.ContainsRune("）)》”\"", r)
	}) == ""
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
// words, if that is one year's report title.
func titlesIn(text string, limit int) []string {
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
		prevEnd = loc[1]
		cand := strings.TrimFunc(text[start:loc[1]], isSpace)
		for trimmed := true; trimmed; {
			trimmed = false
			for _, w := range chromeWords {
				if rest, ok := strings.CutPrefix(cand, w); ok && report.IsReportTitle(rest) {
					cand, trimmed = rest, true
				}
			}
		}
		// A title is no part of a sentence: it is not followed by the rest of
		// one, and holds no date (…于2023年1月31日前发布2022年…年度报告，确保…).
		next, _ := utf8.DecodeRuneInString(text[loc[1]:])
		if strings.ContainsRune("，,、；;。的", next) || dayOfMonth.MatchString(cand) {
			continue
		}
		if report.IsReportTitle(cand) && report.CountReportNames(cand) == 1 {
			if out = append(out, cand); len(out) >= limit {
				break
			}
		}
	}
	return out
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
	// In flowing text, the signature's date runs into the page chrome after it.
	if n := len(lines); n > 0 && len(lines[n-1]) > 160 {
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

// fillMetadata sets the record's title, organ, region, department, year and date.
func fillMetadata(rec *report.Record, d *document, lines []string) string {
	rec.Title = pickTitle(d, lines)
	var warning string
	rec.Year, warning = reportYear(rec.Title, lines)
	if rec.Title != "" && report.NamesReport(rec.Title) {
		rec.Organ = organFromTitle(rec.Title)
		if rec.Organ != "" {
			rec.Region, rec.RegionCode, rec.Department = report.SplitOrgan(rec.Organ)
		}
	}
	rec.Published = published(d, lines)
	return warning
}
