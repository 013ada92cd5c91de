package index

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// phraseQuery finds what bleve's MultiPhraseQuery finds, alone and inside a
// conjunction (where it is advanced rather than stepped), on random texts of a
// few characters, digits and punctuation, where phrases recur and overlap.
func TestPhraseQueryAgreesWithBleve(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	text := randomText(r, "行政复议", "行政", "复议", "公开", "不予公开", "信访", "年度", "2022", "年", "，", "。", " ", "议")
	// Phrases of bigrams are read from the labels: the title and body keep
	// their bigrams without positions.
	ix, _ := randomCorpus(t, r, text, func(d *Doc) { d.Labels = []string{d.Text} })
	hits := func(q query.Query) []string { return bleveHits(t, ix, q) }
	year := func() query.Query {
		lo, hi := 2018.0, 2020.0
		q := bleve.NewNumericRangeQuery(&lo, &hi)
		q.SetField(fYear)
		return q
	}
	// Phrases are the tokens of a few words of the texts, some positions with
	// another token as an alternative.
	checked := 0
	for range 300 {
		var toks []string
		for len(toks) < 2 {
			toks = nil
			for _, tok := range analyzer().Analyze([]byte(text(2 + r.IntN(3)))) {
				toks = append(toks, string(tok.Term))
			}
		}
		terms := make([][]string, len(toks))
		for i, tok := range toks {
			terms[i] = []string{tok}
			if r.IntN(3) == 0 {
				terms[i] = append(terms[i], toks[r.IntN(len(toks))])
			}
		}
		want := hits(query.NewMultiPhraseQuery(terms, fLabels))
		got := hits(newPhraseQuery(fLabels, terms))
		if !slices.Equal(got, want) {
			t.Fatalf("%v: %d hits %v, bleve %d %v", terms, len(got), got, len(want), want)
		}
		want = hits(query.NewConjunctionQuery([]query.Query{year(), query.NewMultiPhraseQuery(terms, fLabels)}))
		got = hits(query.NewConjunctionQuery([]query.Query{year(), newPhraseQuery(fLabels, terms)}))
		if !slices.Equal(got, want) {
			t.Fatalf("%v within 2018-2020: %d hits %v, bleve %d %v", terms, len(got), got, len(want), want)
		}
		if len(want) > 0 {
			checked++
		}
	}
	t.Logf("%d of 300 phrases matched", checked)
	if checked < 50 {
		t.Errorf("only %d of the random phrases matched anything: the test says little", checked)
	}
}

// A run of Chinese characters is found by its trigram or 4-grams (ngram.go)
// in exactly the reports whose body has it as a substring, as the phrase of its
// single characters finds it, alone and inside a conjunction; and not across a
// break in the text (a space, a digit, punctuation).
func TestGramQueryAgreesWithBigramPhrase(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	text := randomText(r, "政务公开", "行政复议", "依申请", "公开", "不予", "政府信息", "信访", "本机关", "复议", "，", " ", "3", "年")
	ix, src := randomCorpus(t, r, text, nil)
	hits := func(q query.Query) []string { return bleveHits(t, ix, q) }
	checked := map[int]int{}
	for range 400 {
		// A run of 3 to 12 characters cut from the texts, or made up.
		s := []rune(strings.Map(func(r rune) rune {
			if isHan(r) {
				return r
			}
			return -1
		}, text(2+r.IntN(4))))
		if len(s) < 3 {
			continue
		}
		from := r.IntN(len(s) - 2)
		run := string(s[from : from+min(len(s)-from, 3+r.IntN(10))])
		grams := hanGrams(run)
		if grams == nil {
			t.Fatalf("%s: no grams", run)
		}
		var want []string
		for id, d := range src.docs {
			if strings.Contains(d.Text, run) {
				want = append(want, docID(id))
			}
		}
		slices.Sort(want)
		chars := unigramQuery(ngramFields[fBody][1], run)
		if got := hits(chars); !slices.Equal(got, want) {
			t.Fatalf("%s as single characters: %d hits, %d have it", run, len(got), len(want))
		}
		if got := hits(gramQuery(ngramFields[fBody], grams)); !slices.Equal(got, want) {
			t.Fatalf("%s as n-grams: %d hits %v, %d have it %v", run, len(got), got, len(want), want)
		}
		lo, hi := 2018.0, 2020.0
		years := bleve.NewNumericRangeQuery(&lo, &hi)
		years.SetField(fYear)
		want = hits(query.NewConjunctionQuery([]query.Query{years, chars}))
		if got := hits(query.NewConjunctionQuery([]query.Query{years, gramQuery(ngramFields[fBody], grams)})); !slices.Equal(got, want) {
			t.Fatalf("%s as n-grams within 2018-2020: %d hits, as single characters %d", run, len(got), len(want))
		}
		if len(want) > 0 {
			checked[min(utf8.RuneCountInString(run), 5)]++
		}
	}
	t.Logf("runs of 3, 4 and 5+ characters that matched: %v", checked)
	for n := 3; n <= 5; n++ {
		if checked[n] < 20 {
			t.Errorf("only %d runs of %d characters matched anything: the test says little", checked[n], n)
		}
	}
}

func TestNgramFilterKeepsRunsApart(t *testing.T) {
	for _, tc := range []struct {
		text string
		n    int
		want []string
	}{
		{"行政复议", 4, []string{"行政复议@1"}},
		{"依申请公开", 4, []string{"依申请公@1", "申请公开@2"}},
		{"政务公开 行政复议", 3, []string{"政务公@1", "务公开@2", "行政复@9", "政复议@10"}},
		{"2022年度政府信息", 3, []string{"年度政@1", "度政府@2", "政府信@3", "府信息@4"}},
		{"公开，复议", 3, nil},
		{"ＡＢ政务公开", 4, []string{"政务公开@1"}},
	} {
		var got []string
		for _, tok := range ngramAnalyzers()[tc.n].Analyze([]byte(tc.text)) {
			got = append(got, fmt.Sprintf("%s@%d", tok.Term, tok.Position))
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s, %d-grams: %v, want %v", tc.text, tc.n, got, tc.want)
		}
	}
}

// randomText makes texts of n words drawn from words.
func randomText(r *rand.Rand, words ...string) func(n int) string {
	return func(n int) string {
		var b strings.Builder
		for range n {
			b.WriteString(words[r.IntN(len(words))])
		}
		return b.String()
	}
}

// randomCorpus indexes 600 reports of random texts and years 2016–2025, each
// given more by shape (when not nil).
func randomCorpus(t *testing.T, r *rand.Rand, text func(n int) string, shape func(*Doc)) (*Index, *memSource) {
	t.Helper()
	src := &memSource{docs: map[int64]Doc{}}
	for i := range int64(600) {
		d := Doc{ReportID: i + 1, Stamp: "1", Year: 2016 + int(i%10), Text: text(5 + r.IntN(60))}
		if shape != nil {
			shape(&d)
		}
		src.docs[i+1] = d
	}
	return openSynced(t, src), src
}

// bleveHits are the ids of the reports bleve finds for a query, in order.
func bleveHits(t *testing.T, ix *Index, q query.Query) []string {
	t.Helper()
	res, err := ix.b.Search(bleve.NewSearchRequestOptions(q, 1000, 0, false))
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, h := range res.Hits {
		ids = append(ids, h.ID)
	}
	slices.Sort(ids)
	return ids
}
