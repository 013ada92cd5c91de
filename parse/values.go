package parse

import (
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"gongkai/report"
)

// value is a printed table cell as read.
type value struct {
	raw  string
	kind string
	num  float64
	unit string
}

var numberCell = regexp.MustCompile(`^([+\-−])?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(万元|元|件次|件|条|个|项|人次|次|家|份|宗|起|篇|期|%)?$`)

// readValue classifies a cell. Full-width forms are folded (NFKC) so that １２ and 12
// read alike; the raw text is kept as printed.
func readValue(raw string) value {
	v := value{raw: strings.TrimSpace(collapseSpace(raw))}
	if isDigits(v.raw) { // the common case, and cheap
		n, err := strconv.ParseFloat(v.raw, 64)
		if err == nil {
			v.kind, v.num = report.KindNumber, n
			return v
		}
	}
	if !mayBeValue(v.raw) {
		v.kind = report.KindText
		return v
	}
	s := strings.ReplaceAll(fold(v.raw), " ", "")
	switch s {
	case "", "无", "空", "暂无":
		v.kind = report.KindBlank
		return v
	}
	if isDash(s) {
		v.kind = report.KindDash
		return v
	}
	m := numberCell.FindStringSubmatch(s)
	if m == nil {
		v.kind = report.KindText
		return v
	}
	n, err := strconv.ParseFloat(strings.ReplaceAll(m[2], ",", "")+m[3], 64)
	if err != nil {
		v.kind = report.KindText
		return v
	}
	if m[1] == "-" || m[1] == "−" {
		n = -n
	}
	v.kind, v.num, v.unit = report.KindNumber, n, m[4]
	return v
}

func isDigits(s string) bool {
	if s == "" || len(s) > 15 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// mayBeValue rejects at a glance what cannot be a figure: long text, or Chinese
// characters other than those a figure's cell may hold (units, 无).
func mayBeValue(s string) bool {
	if len(s) > 48 {
		return false
	}
	for _, r := range s {
		if r >= 0x4e00 && r <= 0x9fff && !strings.ContainsRune("无空暂一元万件条个项次家份宗起篇期人", r) {
			return false
		}
	}
	return true
}

// fold applies NFKC (full-width digits and punctuation to ASCII) only where the
// text holds a character it could change: most cells and labels need none, and
// most of the rest hold only full-width forms of ASCII and Chinese punctuation,
// which are mapped here without the normaliser.
func fold(s string) string {
	i := strings.IndexFunc(s, func(r rune) bool { return r >= 0xa0 && r < 0x4e00 || r >= 0xf900 })
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for _, r := range s[i:] {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			b.WriteByte(byte(r - 0xFEE0))
		case r == 0x3000:
			b.WriteByte(' ')
		case r < 0xa0 || r >= 0x4e00 && r < 0xf900 || nfkcStable(r):
			b.WriteRune(r)
		default:
			return norm.NFKC.String(s)
		}
	}
	return b.String()
}

// nfkcStable are the characters between U+00A0 and U+4E00 that reports print
// often and NFKC leaves as they are: Chinese punctuation and brackets, dashes,
// quotation marks, the middle dot.
func nfkcStable(r rune) bool {
	switch {
	case r >= 0x3001 && r <= 0x3003, r >= 0x3008 && r <= 0x3011, r >= 0x3014 && r <= 0x301F:
		return true
	}
	switch r {
	case 0x00B7, 0x00D7, 0x2010, 0x2013, 0x2014, 0x2015, 0x2018, 0x2019, 0x201C, 0x201D, 0x25CB, 0x25CF, 0x3007:
		return true
	}
	return false
}

// isDash reports cells that print a dash or slash to mean "none".
func isDash(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		switch r {
		case '/', '\\', '-', '—', '–', '―', '‐', '−', '一', '_', '╱', '∕', '×':
		default:
			return false
		}
	}
	// A lone 一 is the digit one in words, not a dash; two or more are a rule.
	return s != "一"
}

// isValueCell says whether a cell holds a figure (or the absence of one) rather than
// a label: the test that separates a row's label from its values.
func isValueCell(raw string) bool {
	return readValue(raw).kind != report.KindText
}

// collapseSpace folds every run of white space (including no-break and ideographic
// spaces) into one ASCII space and trims both ends.
func collapseSpace(s string) string { return squeeze(s, false) }

// squeeze folds white space as collapseSpace does and, with joinCJK, also drops a
// run of ordinary white space between two Chinese characters (source formatting: a
// line break between two spans, which a reader never sees). Runs holding a no-break
// or ideographic space are kept: pages that lay a table out as text separate its
// cells with them. It runs on every text node of a page, so it returns s itself
// when there is nothing to fold and copies whole runs otherwise.
func squeeze(s string, joinCJK bool) string {
	if !needsCollapse(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		j, hard := i, false
		for j < len(s) {
			r, n := decodeAt(s, j)
			if !isSpace(r) {
				break
			}
			hard = hard || r == '\u00a0' || r == '\u3000'
			j += n
		}
		if j > i && b.Len() > 0 && j < len(s) {
			before, _ := utf8.DecodeLastRuneInString(b.String())
			after, _ := decodeAt(s, j)
			if !joinCJK || hard || !isCJK(before) || !isCJK(after) {
				b.WriteByte(' ')
			}
		}
		k := j
		for k < len(s) {
			r, n := decodeAt(s, k)
			if isSpace(r) {
				break
			}
			k += n
		}
		b.WriteString(s[j:k])
		i = k
	}
	return b.String()
}

func decodeAt(s string, i int) (rune, int) {
	if s[i] < utf8.RuneSelf {
		return rune(s[i]), 1
	}
	return utf8.DecodeRuneInString(s[i:])
}

// needsCollapse reports white space at either end, in runs, or other than ' '.
func needsCollapse(s string) bool {
	prevSpace := true
	for i := 0; i < len(s); {
		r, n := decodeAt(s, i)
		switch {
		case r == ' ':
			if prevSpace {
				return true
			}
			prevSpace = true
		case isSpace(r):
			return true
		default:
			prevSpace = false
		}
		i += n
	}
	return prevSpace && len(s) > 0
}

func isSpace(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\r', '\f', '\v', '\u00a0', '\u3000', '\u200b', '\ufeff', '\u2002', '\u2003', '\u2009':
		return true
	}
	return false
}
