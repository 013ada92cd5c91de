package index

import (
	"context"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// phraseQuery finds what bleve's MultiPhraseQuery finds, alone and inside a
// conjunction (where it is advanced rather than stepped), on random texts of a
// few characters, digits and punctuation, where phrases recur and overlap.
func TestPhraseQueryAgreesWithBleve(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	words := []string{"行政复议", "行政", "复议", "公开", "不予公开", "信访", "年度", "2022", "年", "，", "。", " ", "议"}
	text := func(n int) string {
		var b strings.Builder
		for range n {
			b.WriteString(words[r.IntN(len(words))])
		}
		return b.String()
	}
	src := &memSource{docs: map[int64]Doc{}}
	for i := range int64(600) {
		src.docs[i+1] = Doc{ReportID: i + 1, Stamp: "1", Year: 2016 + int(i%10), Text: text(5 + r.IntN(60))}
	}
	ix, err := Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if _, err := ix.Sync(context.Background(), src); err != nil {
		t.Fatal(err)
	}
	hits := func(q query.Query) []string {
		req := bleve.NewSearchRequestOptions(q, 1000, 0, false)
		res, err := ix.b.Search(req)
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
		want := hits(query.NewMultiPhraseQuery(terms, fBody))
		got := hits(newPhraseQuery(fBody, terms))
		if !slices.Equal(got, want) {
			t.Fatalf("%v: %d hits %v, bleve %d %v", terms, len(got), got, len(want), want)
		}
		want = hits(query.NewConjunctionQuery([]query.Query{year(), query.NewMultiPhraseQuery(terms, fBody)}))
		got = hits(query.NewConjunctionQuery([]query.Query{year(), newPhraseQuery(fBody, terms)}))
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
