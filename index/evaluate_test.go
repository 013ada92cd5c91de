package index

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// The joins of lists agree with joins of sets done by hand, scores included.
func TestListJoins(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	list := func() *matches {
		m := &matches{}
		density := r.IntN(100) + 1
		for d := range uint32(3000) {
			if r.IntN(100) < density {
				m.docs = append(m.docs, d)
				m.scores = append(m.scores, float32(r.IntN(8)+1))
			}
		}
		return m
	}
	asMap := func(m *matches) map[uint32]float32 {
		out := map[uint32]float32{}
		for i, d := range m.docs {
			out[d] = m.scores[i]
		}
		return out
	}
	check := func(what string, got *matches, want map[uint32]float32) {
		t.Helper()
		if !slices.IsSorted(got.docs) || len(got.docs) != len(got.scores) {
			t.Fatalf("%s: not a list in order", what)
		}
		if g := asMap(got); len(g) != len(want) {
			t.Fatalf("%s: %d documents, want %d", what, len(g), len(want))
		} else {
			for d, s := range want {
				if g[d] != s {
					t.Fatalf("%s: document %d scored %g, want %g", what, d, g[d], s)
				}
			}
		}
	}
	for range 200 {
		parts := make([]*matches, 1+r.IntN(5))
		maps := make([]map[uint32]float32, len(parts))
		for i := range parts {
			parts[i] = list()
			maps[i] = asMap(parts[i])
		}
		and := map[uint32]float32{}
	docs:
		for d, s := range maps[0] {
			for _, m := range maps[1:] {
				if _, ok := m[d]; !ok {
					continue docs
				}
				s += m[d]
			}
			and[d] = s
		}
		check("intersect", intersect(parts), and)

		least := r.IntN(len(parts) + 1)
		sum, count := map[uint32]float32{}, map[uint32]int{}
		for _, m := range maps {
			for d, s := range m {
				sum[d] += s
				count[d]++
			}
		}
		or := map[uint32]float32{}
		for d, n := range count {
			if n >= max(least, 1) {
				or[d] = sum[d] * float32(n) / float32(len(parts))
			}
		}
		check("union", union(parts, least), or)

		not := map[uint32]float32{}
		for d, s := range maps[0] {
			if _, ok := maps[len(maps)-1][d]; !ok || len(maps) == 1 {
				not[d] = s
			}
		}
		if len(parts) == 1 {
			check("subtract nothing", subtract(parts[0], &matches{}), not)
		} else {
			check("subtract", subtract(parts[0], parts[len(parts)-1]), not)
		}
	}
}

// A search finds, and counts, the reports a brute-force evaluation of the same
// query finds (every text part by a scan of every report's terms, filters by
// bleve, joined as sets), for queries of words with AND, OR, NOT and filters,
// in an index of several text segments; asked again (from the kept lists) it
// finds them again.
func TestEvaluationAgreesWithBruteForce(t *testing.T) {
	defer func(n int) { textChunkBytes = n }(textChunkBytes)
	textChunkBytes = 4 << 10 // many segments
	r := rand.New(rand.NewPCG(7, 8))
	text := randomText(r, "政务公开", "行政复议", "依申请", "公开", "不予", "政府信息", "信访", "县", "复议", "，", " ", "3", "年", "2022")
	regions := []string{"雄县", "株洲市天元区", "平潭综合实验区", "榆社县"}
	departments := []string{"财政局", "教育局", "民政局"}
	ix, src := randomCorpus(t, r, text, func(d *Doc) {
		d.Region, d.Department, d.Format = regions[r.IntN(len(regions))], departments[r.IntN(len(departments))], "2021"
		d.Organ = d.Region + d.Department
		d.Title = d.Organ + text(2)
		if r.IntN(4) == 0 {
			d.Failed = []string{"t3_balance:total"}
		}
	})
	word := func() string {
		for {
			w := strings.TrimSpace(strings.Trim(text(1+r.IntN(2)), "，"))
			if w != "" && !strings.ContainsAny(w, " ，") {
				return w
			}
		}
	}
	checked := 0
	for range 300 {
		var q []string
		for range 1 + r.IntN(3) {
			switch r.IntN(6) {
			case 0:
				q = append(q, "-"+word())
			case 1:
				q = append(q, "("+word()+" OR "+word()+")")
			case 2:
				q = append(q, "region:"+[]string{"县", "株洲市", "天元区", "榆社"}[r.IntN(4)])
			default:
				q = append(q, word())
			}
		}
		req := Request{Query: strings.Join(q, " "), Limit: MaxLimit}
		switch r.IntN(5) {
		case 0:
			req.YearFrom, req.YearTo = 2018, 2021
		case 1:
			req.Department = departments[r.IntN(len(departments))]
		case 2:
			req.FailedChecks = true
		case 3: // few enough that the words are only checked in these reports
			req.Region, req.Department = regions[r.IntN(len(regions))], departments[r.IntN(len(departments))]
		}
		p := newParser(ix.dictionary)
		c, err := p.compile(req.Query)
		if err != nil {
			t.Fatalf("%s: %v", req.Query, err)
		}
		bq := c.q
		if f := req.filters(); len(f) > 0 {
			bq = bleve.NewConjunctionQuery(append(f, c.q)...)
		}
		want := bruteForce(t, ix, src, bq)
		for run := range 2 {
			var found []int64
			var total uint64
			for req.Page = 1; req.Page == 1 || len(found) < int(total); req.Page++ {
				got, err := ix.Search(context.Background(), req)
				if err != nil {
					t.Fatal(err)
				}
				total = got.Total
				if len(got.Hits) == 0 {
					break
				}
				found = append(found, ids(got)...)
			}
			slices.Sort(found)
			if total != uint64(len(want)) || !slices.Equal(found, want) {
				t.Fatalf("%+v (run %d): %d found %v, bleve %d %v", req, run, total, found, len(want), want)
			}
		}
		if len(want) > 0 {
			checked++
		}
	}
	if checked < 100 {
		t.Errorf("only %d of the queries found anything: the test says little", checked)
	}
}

// bruteForce evaluates a query without the text index's postings or the
// evaluator: text parts by scanning every report's terms, filters by bleve, and
// joins as sets. Report ids in order.
func bruteForce(t *testing.T, ix *Index, src *memSource, q query.Query) []int64 {
	t.Helper()
	all := map[int64]bool{}
	for id := range src.docs {
		all[id] = true
	}
	var set func(q query.Query) map[int64]bool
	set = func(q query.Query) map[int64]bool {
		out := map[int64]bool{}
		switch q := q.(type) {
		case *textQuery:
			for _, id := range scan(src, q, nil) {
				out[id] = true
			}
		case *query.MatchAllQuery:
			return all
		case *query.MatchNoneQuery:
		case *query.ConjunctionQuery:
			for id := range all {
				out[id] = true
			}
			for _, c := range q.Conjuncts {
				in := set(c)
				for id := range out {
					if !in[id] {
						delete(out, id)
					}
				}
			}
		case *query.DisjunctionQuery:
			count := map[int64]int{}
			for _, d := range q.Disjuncts {
				for id := range set(d) {
					count[id]++
				}
			}
			for id, n := range count {
				if n >= max(int(q.Min), 1) {
					out[id] = true
				}
			}
		case *query.BooleanQuery:
			if !composite(q) {
				t.Fatalf("a boolean query the parser does not write: %+v", q)
			}
			out = set(q.Must)
			if q.MustNot != nil {
				not := set(q.MustNot)
				for id := range not {
					delete(out, id)
				}
			}
		default:
			for _, id := range bleveHits(t, ix, q) {
				out[mustID(t, id)] = true
			}
		}
		return out
	}
	var ids []int64
	for id := range set(q) {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

func mustID(t *testing.T, id string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// Lists used once do not push out a list used again; every list is evaluated
// once while it is kept, and the room is not exceeded.
func TestKeptLists(t *testing.T) {
	list := func(n int) *matches {
		return &matches{docs: make([]uint32, n), scores: make([]float32, n)}
	}
	each := list(100).bytes()
	c := newKeptLists(40 * each) // 10 lists used once, 30 used again
	evals := map[string]int{}
	get := func(key string) {
		t.Helper()
		_, err := c.get(context.Background(), key, func() (*matches, error) {
			evals[key]++
			return list(100), nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, k := range []string{"行政复议", "year 2022"} {
		get(k)
		get(k)
	}
	for i := range 500 {
		get("one-off " + strconv.Itoa(i))
		if c.parts[0].bytes > c.parts[0].room || c.parts[1].bytes > c.parts[1].room {
			t.Fatalf("over the room: %d of %d, %d of %d", c.parts[0].bytes, c.parts[0].room, c.parts[1].bytes, c.parts[1].room)
		}
	}
	get("行政复议")
	get("year 2022")
	get("one-off 499")
	get("one-off 0")
	want := map[string]int{"行政复议": 1, "year 2022": 1, "one-off 499": 1, "one-off 0": 2}
	for k, n := range want {
		if evals[k] != n {
			t.Errorf("%s evaluated %d times, want %d", k, evals[k], n)
		}
	}
	if !c.hasOrAskedBefore("行政复议") {
		t.Error("a kept list is not known")
	}
	if c.hasOrAskedBefore("政府信息公开") || !c.hasOrAskedBefore("政府信息公开") {
		t.Error("a key asked about is not known the second time, or is known the first")
	}
	if len(c.byKey) != c.parts[0].recent.Len()+c.parts[1].recent.Len() {
		t.Errorf("%d lists known, %d kept", len(c.byKey), c.parts[0].recent.Len()+c.parts[1].recent.Len())
	}
}

// The text index follows the store through syncs that add, change and remove
// reports, each written as many small segments that are merged as they
// accumulate: searches find what a scan of the store's reports finds, the
// segments stay few, and merged segments hold no report twice.
func TestTextSegmentsFollowTheStore(t *testing.T) {
	defer func(n int) { textChunkBytes = n }(textChunkBytes)
	textChunkBytes = 2 << 10
	r := rand.New(rand.NewPCG(11, 12))
	text := randomText(r, "政务公开", "行政复议", "依申请", "公开", "不予", "信访", "县", "复议", "，", " ", "3", "年")
	src := &memSource{docs: map[int64]Doc{}}
	next := int64(1)
	newDoc := func(id int64, stamp string) Doc {
		return Doc{ReportID: id, Stamp: stamp, Year: 2016 + r.IntN(10), Title: text(2), Text: text(5 + r.IntN(40))}
	}
	for range 300 {
		src.docs[next] = newDoc(next, "1")
		next++
	}
	ix, err := Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	words := []string{"行政复议", "公开", "县", "复议 -信访", "依申请公开", "不予 OR 信访", "3年", "政务公开行政复议"}
	merged := false
	for round := range 6 {
		if _, err := ix.Sync(context.Background(), src); err != nil {
			t.Fatal(err)
		}
		ix.text.mu.Lock()
		segs := slices.Clone(ix.text.segs)
		ix.text.mu.Unlock()
		if len(segs) >= 2*mergeFactor {
			t.Errorf("round %d: %d segments", round, len(segs))
		}
		for _, s := range segs {
			if !slices.IsSorted(s.docs) || len(slices.Compact(slices.Clone(s.docs))) != len(s.docs) {
				t.Errorf("round %d: segment %s holds reports out of order or twice", round, s.name)
			}
			merged = merged || len(s.docs) > 100
		}
		for _, w := range words {
			c, err := newParser(ix.dictionary).compile(w)
			if err != nil {
				t.Fatal(err)
			}
			want := bruteForce(t, ix, src, c.q)
			res, err := ix.Search(context.Background(), Request{Query: w, Limit: MaxLimit})
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(res); res.Total != uint64(len(want)) || !slices.Equal(got, want) {
				t.Fatalf("round %d, %s: %d found %v, the scan %d %v", round, w, res.Total, got, len(want), want)
			}
		}
		// The store changes: a fifth of the reports get new text, some go, some come.
		for id := range src.docs {
			switch r.IntN(10) {
			case 0, 1:
				src.docs[id] = newDoc(id, fmt.Sprint(round+2))
			case 2:
				delete(src.docs, id)
			}
		}
		for range 40 {
			src.docs[next] = newDoc(next, "1")
			next++
		}
	}
	if !merged {
		t.Error("no segment was merged: the test says little")
	}
}
