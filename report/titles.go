package report

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

var (
	// reportWords is how the genre names itself: 政府信息公开工作年度报告 and its
	// variants (年报, missing 工作 or 年度, 政务公开, 工作报告). The name ends at
	// its first 年度报告: in text run together the next sentence may open with
	// another (…工作年度报告本年度报告依据…).
	reportWords = regexp.MustCompile(`(政府信息公开|政务公开|信息公开).{0,12}?(年度报告|年报|工作报告)|年度(政府)?信息公开(工作)?报告`)
	// lookAlikes are the genres that name the report without being one: a notice
	// asking for it, the guide, work plans, summaries, budgets.
	lookAlikes = regexp.MustCompile(`指南|工作要点|要点|通知|总结|预算|决算|实施方案|工作计划|目录|意见|办法|规定|公告|通报|评估|考核|解读|模板|格式`)
	// titleYear: every report's title names its year (2022年, 二〇二二年); a
	// column called 政府信息公开年报 does not.
	titleYear = regexp.MustCompile(`(19|20)\d{2}\s*年|[〇零○Ｏ一二三四五六七八九]{4}\s*年`)
)

func foldTitle(t string) string {
	return strings.Join(strings.Fields(norm.NFKC.String(t)), "")
}

// NamesReport says whether a text mentions an annual disclosure report by name.
func NamesReport(t string) bool { return reportWords.MatchString(foldTitle(t)) }

// CountReportNames counts the mentions of annual disclosure reports in a text.
func CountReportNames(t string) int { return len(reportWords.FindAllStringIndex(foldTitle(t), -1)) }

// ReportNameIndexes returns the byte ranges where a text names an annual disclosure
// report, as NamesReport finds them; the text is not folded, so a name broken by
// white space is not found.
func ReportNameIndexes(t string) [][]int { return reportWords.FindAllStringIndex(t, -1) }

// IsReportTitle says whether a title is that of one year's annual disclosure
// report rather than of something about one (关于报送…年度报告的通知), of a
// neighbouring genre, or of the column that lists them.
func IsReportTitle(t string) bool {
	t = foldTitle(t)
	return utf8.RuneCountInString(t) <= 80 && reportWords.MatchString(t) && titleYear.MatchString(t) && !lookAlikes.MatchString(t) &&
		!citesOnly(t)
}

// CitesReport says whether a text names a report only inside quoted document
// names (《…》, 〈…〉) within longer text: a report cites the format it follows
// (依据《…关于印发〈…政府信息公开工作年度报告格式〉的通知》) or another report, and a
// quoted name is never the title of the text that quotes it. A text that is one
// quoted name as a whole (《…年度报告》) is a title set in book quotes.
func CitesReport(t string) bool { return citesOnly(foldTitle(t)) }

func citesOnly(t string) bool {
	locs := reportWords.FindAllStringIndex(t, -1)
	for _, loc := range locs {
		if !Quoted(t, loc[0], loc[1]) {
			return false
		}
	}
	return len(locs) > 0
}

// Quoted says whether text[start:end] lies inside a quoted document name on its
// line (which may have opened on the line before, or close on the next: a line
// of a wrapped sentence), unless the quotation is the whole line.
func Quoted(text string, start, end int) bool {
	lineStart := strings.LastIndexByte(text[:start], '\n') + 1
	lineEnd := len(text)
	if i := strings.IndexByte(text[end:], '\n'); i >= 0 {
		lineEnd = end + i
	}
	// Openers before the name not closed before it, closers after it not opened
	// after it.
	open, close := 0, 0
	for _, r := range text[lineStart:start] {
		open = max(0, open+quoteMark(r))
	}
	depth := 0
	for _, r := range text[end:lineEnd] {
		switch m := quoteMark(r); {
		case m > 0:
			depth++
		case m < 0 && depth > 0:
			depth--
		case m < 0:
			close++
		}
	}
	if open > 0 && close > 0 && wholeQuote(strings.TrimSpace(text[lineStart:lineEnd])) {
		open, close = open-1, close-1
	}
	return open > 0 || close > 0
}

// quoteMark is 1 for a mark that opens a document's name (《, 〈), -1 for one
// that closes it, and 0 for any other rune.
func quoteMark(r rune) int {
	switch r {
	case '《', '〈':
		return 1
	case '》', '〉':
		return -1
	}
	return 0
}

// wholeQuote says whether a line is one quotation: its first 《 closes at its
// last rune.
func wholeQuote(line string) bool {
	if !strings.HasPrefix(line, "《") {
		return false
	}
	depth := 0
	for i, r := range line {
		if depth += quoteMark(r); depth == 0 {
			return i+utf8.RuneLen(r) == len(line)
		}
	}
	return false
}

// LookAlike explains why a title is a known look-alike of a report, or returns "".
func LookAlike(t string) string {
	t = foldTitle(t)
	if m := lookAlikes.FindString(t); m != "" {
		return fmt.Sprintf("the title %q is a %s, not a report", t, m)
	}
	return ""
}
