package report

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Copied text is judged on a report's body: its own prose, without the wording
// the official format gives every report alike. BodyText drops table rows (lines
// with cells), the row labels of table 3, lines too short to be prose (the
// format's section headings such as 一、总体情况, cells printed one per line, the
// signature and date), the title (…年度报告), the standard introduction (本报告…编制,
// 统计期限…, 以下简称…, 全文包括…), the table notes (勾稽关系) and the contact
// details. Digits are folded to # so that last year's text with this year's
// figures filled in still counts as a copy.
//
// The share copied is the part of the report's body — counted in 5-character
// pieces (shingles) — that appears word for word in the other report's body. A
// finding holds from CopiedThreshold: four fifths of a report's own prose found
// in another report is what a reader calls copying, while two independent reports
// share their stock phrases (认真贯彻落实《条例》) and a body's reports of two years
// share the paragraphs it kept, rarely more than half.
const (
	// CopiedThreshold is the share of a report's body found in another report
	// from which copied text is a finding.
	CopiedThreshold = 0.8
	// ShingleSize is the length of the pieces bodies are compared in.
	ShingleSize = 5
	// MinBodyRunes is the shortest body compared: a report with less prose of its
	// own (a table-only report) has nothing to copy.
	MinBodyRunes = 100
	minProseLine = 15 // runes; shorter lines are headings, labels or signatures
	minSentence  = 12 // runes; shorter sentences are headings run into the text
)

// boilerplate marks the sentences every report prints alike: the title, the
// standard introduction and outline (全文包括…), the section headings of the
// format, the table notes and the contact details.
var boilerplate = []string{"以下简称", "统计时限", "统计期限", "本报告", "年度报告", "国办公开办函", "全文", "勾稽关系", "电子版",
	"主动公开政府信息情况", "收到和处理政府信息公开申请情况", "行政复议、行政诉讼情况", "电话", "传真", "邮箱", "邮编", "地址"}

// sentenceEnds are the characters that end a sentence.
const sentenceEnds = "。！？；!?;"

// tableLabels are the row labels of table 3 (without their numbering), which
// reports printed one cell per line carry as lines of text.
var tableLabels = sync.OnceValue(func() []string {
	numbering := regexp.MustCompile(`^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+\.)`)
	var labels []string
	for _, r := range Table3Rows {
		if l := numbering.ReplaceAllString(r.Label, ""); utf8.RuneCountInString(l) >= 4 {
			labels = append(labels, l)
		}
	}
	return labels
})

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// BodyText returns the normalised prose of a report's text, one rune per element.
func BodyText(text string) []rune {
	var body []rune
	for line := range strings.SplitSeq(text, "\n") {
		line = strings.TrimSpace(line)
		if strings.ContainsAny(line, "|｜") || utf8.RuneCountInString(line) < minProseLine || containsAny(line, tableLabels()) {
			continue
		}
		for line != "" {
			sentence := line
			if i := strings.IndexAny(line, sentenceEnds); i >= 0 {
				_, size := utf8.DecodeRuneInString(line[i:])
				sentence = line[:i+size]
			}
			line = line[len(sentence):]
			if utf8.RuneCountInString(sentence) < minSentence || containsAny(sentence, boilerplate) {
				continue
			}
			body = appendNormalised(body, sentence)
		}
	}
	return body
}

// appendNormalised appends s without spaces, with each run of digits folded to one
// # and Latin letters in lower case.
func appendNormalised(body []rune, s string) []rune {
	inDigits := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			continue
		case unicode.IsDigit(r):
			if !inDigits {
				body = append(body, '#')
			}
			inDigits = true
			continue
		}
		inDigits = false
		body = append(body, unicode.ToLower(r))
	}
	return body
}

// CopiedShare is the share of a body of n distinct shingles that another body of
// other distinct shingles also holds, from the Jaccard similarity of the two sets:
// |A∩B| = J·(|A|+|B|)/(1+J), divided by |A|. It is at most 1.
func CopiedShare(jaccard float64, n, other int) float64 {
	if n <= 0 || jaccard <= 0 {
		return 0
	}
	return math.Min(1, jaccard*float64(n+other)/((1+jaccard)*float64(n)))
}

// Percent writes a share as a whole percentage, rounded down so that a share
// below the threshold never reads as the threshold: 0.876 → 87%, 0.7996 → 79%.
func Percent(share float64) string { return strconv.Itoa(int(math.Floor(share*100+1e-9))) + "%" }

// CopiedDetail says how much of a report's body appears in the other report (of
// whom, given as "the 2023 report" or "雄县财政局's 2024 report"), and where that
// stands against the threshold.
func CopiedDetail(share float64, other string, otherID int64) string {
	verdict := "below"
	if share >= CopiedThreshold {
		verdict = "at or above"
	}
	return fmt.Sprintf("%s of the body text appears word for word in %s (report %d), %s the %s threshold (5-character pieces; template wording and figures left out; MinHash estimate)",
		Percent(share), other, otherID, verdict, Percent(CopiedThreshold))
}
