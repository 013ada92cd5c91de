package index

import (
	"fmt"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/registry"
)

// Title and body are indexed three more times, so that what people search most
// reads few postings: their runs of Chinese characters cut into trigrams and
// into 4-grams (with positions), so that 财政局, 行政复议 and 依申请公开 are one
// term or a few, rather than bigrams read position by position (the bigrams of
// common words, 公开 and 政府, stand dozens of times in every report, and a
// phrase of them reads all those positions in every report that has them all);
// and as single characters and words (with positions), so that a lone
// character (县) and one beside digits (2022年, 第3区) are a term or a short
// phrase, rather than the many bigrams that begin or end with the character.
//
// An n-gram's position is that of its first character, counted over the run's
// characters; runs are set apart by more than any gram's width, so that no
// phrase spans two runs (text between them, even a space, breaks a phrase, as it
// does for the bigrams). Single characters and words stand one after another,
// as the bigram field has them, except that two characters with something
// between them are a position apart (as they form no bigram).

const ngramFilterType = "gongkai_ngram"

// ngramFields are the n-gram fields of the text fields that have them, by n
// (1: single characters and words).
var ngramFields = map[string]map[int]string{
	fTitle: {1: fTitle + "_1", 3: fTitle + "_3", 4: fTitle + "_4"},
	fBody:  {1: fBody + "_1", 3: fBody + "_3", 4: fBody + "_4"},
}

func init() {
	err := registry.RegisterTokenFilter(ngramFilterType, func(config map[string]any, _ *registry.Cache) (analysis.TokenFilter, error) {
		n, ok := config["n"].(float64)
		if !ok || n < 1 {
			return nil, fmt.Errorf("%s: n must be a number of at least 1", ngramFilterType)
		}
		return ngramFilter(n), nil
	})
	if err != nil {
		panic(err)
	}
}

// addNgramAnalyzers defines the analyzers "ngram1", "ngram3" and "ngram4" in a mapping.
func addNgramAnalyzers(m *mapping.IndexMappingImpl) error {
	for _, n := range []int{1, 3, 4} {
		filter := fmt.Sprintf("%s%d", ngramFilterType, n)
		if err := m.AddCustomTokenFilter(filter, map[string]any{"type": ngramFilterType, "n": float64(n)}); err != nil {
			return err
		}
		err := m.AddCustomAnalyzer(ngramAnalyzer(n), map[string]any{
			"type":          custom.Name,
			"tokenizer":     unicode.Name,
			"token_filters": []string{cjk.WidthName, lowercase.Name, filter},
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func ngramAnalyzer(n int) string { return fmt.Sprintf("ngram%d", n) }

// ngramFilter keeps the Chinese characters of a token stream as n-grams, or
// (n = 1) splits them into single characters and keeps the other tokens.
type ngramFilter int

func (f ngramFilter) Filter(in analysis.TokenStream) analysis.TokenStream {
	if f == 1 {
		return unigrams(in)
	}
	n := int(f)
	var out analysis.TokenStream
	var run []*analysis.Token // the current run, a token per character
	pos := 0
	flush := func() {
		if len(run) == 0 {
			return
		}
		for i := 0; i+n <= len(run); i++ {
			first, last := run[i], run[i+n-1]
			term := make([]byte, 0, last.End-first.Start)
			for _, t := range run[i : i+n] {
				term = append(term, t.Term...)
			}
			out = append(out, &analysis.Token{
				Term: term, Start: first.Start, End: last.End,
				Position: first.Position, Type: analysis.Ideographic,
			})
		}
		run = run[:0]
		pos += n + 1
	}
	for _, t := range in {
		if t.Type != analysis.Ideographic {
			flush()
			continue
		}
		// The tokenizer may hand several characters as one token.
		for off := 0; off < len(t.Term); {
			_, size := utf8.DecodeRune(t.Term[off:])
			start := t.Start + off
			if len(run) > 0 && run[len(run)-1].End != start {
				flush()
			}
			pos++
			run = append(run, &analysis.Token{Term: t.Term[off : off+size], Start: start, End: start + size, Position: pos})
			off += size
		}
	}
	flush()
	return out
}

func unigrams(in analysis.TokenStream) analysis.TokenStream {
	var out analysis.TokenStream
	pos := 0
	var last *analysis.Token
	for _, t := range in {
		if t.Type != analysis.Ideographic {
			pos++
			t.Position = pos
			out = append(out, t)
			last = t
			continue
		}
		for off := 0; off < len(t.Term); {
			_, size := utf8.DecodeRune(t.Term[off:])
			start := t.Start + off
			if last != nil && last.Type == analysis.Ideographic && last.End != start {
				pos++
			}
			pos++
			last = &analysis.Token{Term: t.Term[off : off+size], Start: start, End: start + size, Position: pos, Type: analysis.Ideographic}
			out = append(out, last)
			off += size
		}
	}
	return out
}
