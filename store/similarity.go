package store

import (
	"encoding/binary"
	"regexp"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"gongkai/report"
)

// Copied text is measured on the body of a report: its prose, without what every
// report prints alike. From the record's text the store drops table rows (lines
// with cells), the row labels of table 3, lines too short to be prose (headings
// such as 一、总体情况, cells printed one per line, the signature and date), the
// title (…年度报告) and
// the sentences of the standard introduction (本报告…编制, 统计期限…, 以下简称…).
// Digits are folded to # so that a copy with this year's numbers filled in still
// counts as a copy.
//
// The body becomes a set of character 5-grams (shingles). Two bodies are compared
// by the Jaccard similarity of their shingle sets, estimated from 128-value MinHash
// signatures (one-permutation hashing, Li, Owen & Zhang 2012, with densification
// by re-hashing for empty bins, Shrivastava 2017): the share of equal signature
// values, within about ±0.04 of the true value. Same-year peers are found without
// comparing every pair: each latest version's signature is cut into 32 bands of 4
// values, and only reports sharing a band bucket are compared (LSH). A pair with
// similarity 0.5 shares a bucket with probability 0.87, 0.6 with 0.985, 0.7 with
// 0.9997.
const (
	shingleSize    = 5
	signatureSize  = 128
	bandCount      = 32
	rowsPerBand    = signatureSize / bandCount
	minBodyRunes   = 100 // shorter bodies (a table-only report) are not compared
	minProseLine   = 15  // runes; shorter lines are headings, labels or signatures
	minSentence    = 12  // runes; shorter sentences are headings run into the text
	maxPeerSamples = 1000
	// CopiedThreshold is the similarity from which copied text is a finding.
	CopiedThreshold = 0.5
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
	for _, r := range report.Table3Rows {
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

// bodyText returns the normalised prose of a report's text, one rune per element.
func bodyText(text string) []rune {
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

// signature is a MinHash signature.
type signature []uint32

// textSignature returns the signature of a text's body and its number of shingles,
// or nil when the body is too short to compare.
func textSignature(text string) (signature, int) {
	body := bodyText(text)
	if len(body) < minBodyRunes {
		return nil, 0
	}
	sig := make(signature, signatureSize)
	filled := make([]bool, signatureSize)
	n := len(body) - shingleSize + 1
	for i := 0; i < n; i++ {
		h := uint64(14695981039346656037)
		for _, r := range body[i : i+shingleSize] {
			h ^= uint64(r)
			h *= 1099511628211
		}
		h = mix64(h)
		bin, val := h>>57, uint32(h)
		if !filled[bin] || val < sig[bin] {
			sig[bin], filled[bin] = val, true
		}
	}
	// An empty bin takes the value of a bin chosen by hashing its index, the same
	// choice for every text, so that equal bodies keep equal signatures.
	for i := range sig {
		if filled[i] {
			continue
		}
		for attempt := uint64(1); ; attempt++ {
			j := mix64(uint64(i)<<32|attempt) % signatureSize
			if filled[j] {
				sig[i] = sig[j]
				break
			}
		}
	}
	return sig, n
}

// mix64 is the splitmix64 finaliser: it spreads every input bit over the output.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// similarity estimates the Jaccard similarity of the two bodies.
func (s signature) similarity(o signature) float64 {
	if len(s) != signatureSize || len(o) != signatureSize {
		return 0
	}
	same := 0
	for i := range s {
		if s[i] == o[i] {
			same++
		}
	}
	return float64(same) / signatureSize
}

// buckets returns the LSH bucket of each band.
func (s signature) buckets() []int64 {
	out := make([]int64, bandCount)
	for b := range out {
		h := uint64(b + 1)
		for _, v := range s[b*rowsPerBand : (b+1)*rowsPerBand] {
			h = mix64(h ^ uint64(v))
		}
		out[b] = int64(h)
	}
	return out
}

func (s signature) bytes() []byte {
	b := make([]byte, 4*len(s))
	for i, v := range s {
		binary.BigEndian.PutUint32(b[4*i:], v)
	}
	return b
}

func signatureFrom(b []byte) signature {
	if len(b) != 4*signatureSize {
		return nil
	}
	s := make(signature, signatureSize)
	for i := range s {
		s[i] = binary.BigEndian.Uint32(b[4*i:])
	}
	return s
}
