package index

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// A text query finds, alone and restricted to some reports (as inside a
// conjunction), exactly the reports whose analysed text has its terms at its
// offsets, as a scan of every report's terms finds them: phrases of bigrams
// in the labels, of single characters and of 4-grams in the body, some
// positions with another term as an alternative, on random texts of a few
// characters, digits and punctuation, where phrases recur and overlap.
func TestTextQueryAgreesWithScan(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	text := randomText(r, "行政复议", "行政", "复议", "公开", "不予公开", "信访", "年度", "2022", "年", "，", "。", " ", "议")
	ix, src := randomCorpus(t, r, text, func(d *Doc) { d.Labels = []string{d.Text} })
	checked := 0
	for range 400 {
		field, kind := byte(tfLabels), byte('2')
		var toks analysis.TokenStream
		switch r.IntN(3) {
		case 0:
			toks = analyzer().Analyze([]byte(text(2 + r.IntN(3))))
		case 1:
			field, kind = tfBody, '1'
			toks = ngramAnalyzers()[1].Analyze([]byte(text(2 + r.IntN(3))))
		default:
			field, kind = tfBody, '4'
			toks = ngramAnalyzers()[4].Analyze([]byte(text(3 + r.IntN(3))))
		}
		if len(toks) == 0 {
			continue
		}
		q := newTextQuery(field, kind)
		for i, tok := range toks {
			alts := []string{string(tok.Term)}
			if r.IntN(3) == 0 {
				alts = append(alts, string(toks[r.IntN(len(toks))].Term))
			}
			q.terms = append(q.terms, alts)
			q.offsets = append(q.offsets, tok.Position-toks[0].Position)
			if i > 0 && r.IntN(4) == 0 {
				q.offsets[i]++ // a gap: found only where something else stands between
			}
		}
		want := scan(src, q, nil)
		if got := evalIDs(t, ix, q, nil); !slices.Equal(got, want) {
			t.Fatalf("%s: %d found %v, the scan %d %v", q.key(), len(got), got, len(want), want)
		}
		only := func(d Doc) bool { return d.Year >= 2018 && d.Year <= 2020 }
		want = scan(src, q, only)
		if got := evalIDs(t, ix, q, only); !slices.Equal(got, want) {
			t.Fatalf("%s within 2018-2020: %d found %v, the scan %d %v", q.key(), len(got), got, len(want), want)
		}
		if len(want) > 0 {
			checked++
		}
	}
	t.Logf("%d of 400 queries matched", checked)
	if checked < 80 {
		t.Errorf("only %d of the random queries matched anything: the test says little", checked)
	}
}

// scan finds a text query by reading every report's terms (those only keeps,
// when not nil), report ids in order.
func scan(src *memSource, q *textQuery, only func(Doc) bool) []int64 {
	var out []int64
	for id, d := range src.docs {
		if only != nil && !only(d) {
			continue
		}
		a := scanned(src, id, d)
		pos := make([][]uint32, len(q.terms))
		ok := true
		for i, alts := range q.terms {
			a.each(func(key []byte, _ uint32, tpos []uint32) {
				if key[0] == q.field && key[1] == q.kind && slices.Contains(alts, string(key[2:])) {
					pos[i] = append(pos[i], tpos...)
					if !positional(q.field, q.kind) {
						pos[i] = append(pos[i], 0)
					}
				}
			})
			slices.Sort(pos[i])
			ok = ok && len(pos[i]) > 0
		}
		if ok && (len(q.terms) == 1 || occurrences(pos, q) > 0) {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// scanCache keeps the reports' terms that scan read: tests ask about the same
// reports many times.
var scanCache sync.Map // of scanKey → *analyzed

type scanKey struct {
	src   *memSource
	id    int64
	stamp string
}

func scanned(src *memSource, id int64, d Doc) *analyzed {
	k := scanKey{src, id, d.Stamp}
	if a, ok := scanCache.Load(k); ok {
		return a.(*analyzed)
	}
	a := newAnalysisState().analyze(uint32(id), d.Title, d.Text, strings.Join(d.Labels, "\n"))
	scanCache.Store(k, a)
	return a
}

// evalIDs evaluates a query on the index (in the reports only keeps, when not
// nil), report ids in order.
func evalIDs(t *testing.T, ix *Index, q query.Query, only func(Doc) bool) []int64 {
	t.Helper()
	r, cols, done, err := ix.snapshot()
	if err != nil {
		t.Fatal(err)
	}
	defer done()
	ev := &evaluator{r: r, m: ix.b.Mapping(), cols: cols}
	var m *matches
	if only == nil {
		m, err = ev.eval(context.Background(), q)
	} else {
		var in matches
		for _, id := range cols.all.docs {
			doc, derr := r.Document(docID(int64(id)))
			if derr != nil {
				t.Fatal(derr)
			}
			year := 0
			doc.VisitFields(func(f index.Field) {
				if nf, ok := f.(index.NumericField); ok && f.Name() == fYear {
					y, _ := nf.Number()
					year = int(y)
				}
			})
			if only(Doc{Year: year}) {
				in.docs = append(in.docs, id)
				in.scores = append(in.scores, 1)
			}
		}
		m, err = ev.within(context.Background(), q, &in)
	}
	if err != nil {
		t.Fatal(err)
	}
	var out []int64
	for _, d := range m.docs {
		out = append(out, int64(d))
	}
	return out
}

// A run of Chinese characters is found by its trigram or 4-grams (ngram.go)
// in exactly the reports whose body has it as a substring, as the phrase of its
// single characters finds it, alone and inside a conjunction; and not across a
// break in the text (a space, a digit, punctuation).
func TestGramQueryFindsSubstrings(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	text := randomText(r, "政务公开", "行政复议", "依申请", "公开", "不予", "政府信息", "信访", "本机关", "复议", "，", " ", "3", "年")
	ix, src := randomCorpus(t, r, text, nil)
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
		var want, wantYears []int64
		for id, d := range src.docs {
			if strings.Contains(d.Text, run) {
				want = append(want, id)
				if d.Year >= 2018 && d.Year < 2020 { // the range query leaves out its maximum
					wantYears = append(wantYears, id)
				}
			}
		}
		slices.Sort(want)
		slices.Sort(wantYears)
		chars := unigramQuery(tfBody, run)
		if got := evalIDs(t, ix, chars, nil); !slices.Equal(got, want) {
			t.Fatalf("%s as single characters: %d found, %d have it", run, len(got), len(want))
		}
		if got := evalIDs(t, ix, gramQuery(tfBody, grams), nil); !slices.Equal(got, want) {
			t.Fatalf("%s as n-grams: %d found %v, %d have it %v", run, len(got), got, len(want), want)
		}
		lo, hi := 2018.0, 2020.0
		years := bleve.NewNumericRangeQuery(&lo, &hi)
		years.SetField(fYear)
		if got := evalIDs(t, ix, query.NewConjunctionQuery([]query.Query{years, gramQuery(tfBody, grams)}), nil); !slices.Equal(got, wantYears) {
			t.Fatalf("%s as n-grams within 2018-2019: %d found, %d have it", run, len(got), len(wantYears))
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

// A report's terms are those the token filters give (ngram.go's, and the cjk
// analyzer's bigrams), with their positions, on random texts of Chinese,
// letters, digits, full-width characters, kana and punctuation.
func TestAnalysisAgreesWithFilters(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	text := randomText(r, "行政复议", "公开", "县", "2022", "年", "，", "。", " ", "ＡＢ", "Shell", "3.5", "の", "カナ", "\n", "、", "𠀀", "政府信息公开", "e\u0301", "a_b", "〇", "々", "〆", "㐀", "豈", "⺀", "〡", "_", "%", "@", "#", "-", "——", "（", "）")
	st := newAnalysisState()
	for range 500 {
		title, body := text(r.IntN(6)), text(r.IntN(40))
		want := map[string][]uint32{}
		add := func(field, kind byte, toks analysis.TokenStream) {
			for _, tok := range toks {
				key := string([]byte{field, kind}) + string(tok.Term)
				if positional(field, kind) {
					want[key] = append(want[key], uint32(tok.Position))
				} else {
					want[key] = append(want[key], 0)
				}
			}
		}
		for _, f := range []struct {
			field byte
			text  string
		}{{tfTitle, title}, {tfBody, body}} {
			if f.text == "" {
				continue
			}
			base := baseAnalysis()([]byte(f.text))
			add(f.field, '1', unigrams(cloneTokens(base)))
			add(f.field, '3', ngramFilter(3).Filter(cloneTokens(base)))
			add(f.field, '4', ngramFilter(4).Filter(cloneTokens(base)))
			add(f.field, '2', cjk.NewCJKBigramFilter(false).Filter(cloneTokens(base)))
		}
		got := map[string][]uint32{}
		st.analyze(1, title, body, "").each(func(key []byte, tf uint32, pos []uint32) {
			if pos == nil {
				pos = make([]uint32, tf)
			}
			if uint32(len(pos)) != tf {
				t.Fatalf("%q: %d positions, count %d", key, len(pos), tf)
			}
			got[string(key)] = slices.Clone(pos)
		})
		for k := range want {
			slices.Sort(want[k])
		}
		if !maps.EqualFunc(got, want, slices.Equal) {
			for k := range want {
				if !slices.Equal(got[k], want[k]) {
					t.Errorf("%q %q: term %q at %v, the filters give %v", title, body, k, got[k], want[k])
				}
			}
			for k := range got {
				if _, ok := want[k]; !ok {
					t.Errorf("%q %q: term %q at %v, not from the filters", title, body, k, got[k])
				}
			}
			t.FailNow()
		}
	}
}

func cloneTokens(ts analysis.TokenStream) analysis.TokenStream {
	out := make(analysis.TokenStream, len(ts))
	for i, t := range ts {
		c := *t
		out[i] = &c
	}
	return out
}
