package index

import (
	"container/list"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// A query is evaluated as sets: each leaf of it (a term, a phrase, a filter) is
// run through bleve into the list of documents it matches with their scores,
// and the leaves' lists are joined (AND, OR, NOT) by merging; each list, of a
// leaf or of a join, is kept for the snapshot of the index. People's searches share their words and
// filters (行政复议, 政府信息公开, a year, a department), and a common word's
// list takes milliseconds to read from the index (tens for a phrase found
// everywhere) but a fraction of one to merge: so a search of known words costs
// about a millisecond whatever it finds, where bleve's searchers would read
// every posting again for each search.
//
// Scores are those bleve gives: a leaf's own, summed over AND, and summed over
// OR times the share of the alternatives that matched.

// matches are the documents a query matches, by document number, with scores.
type matches struct {
	docs   []uint32
	scores []float32
}

func (m *matches) bytes() int { return 8*len(m.docs) + 64 }

// keptBytes bounds the lists kept per snapshot: one that holds all of 100,000
// reports takes 800 kB.
const keptBytes = 384 << 20

// keptLists keeps the lists evaluated on one snapshot, in two parts, each least
// recently used first out: lists used once, in a quarter of the room, and lists
// used again, in the rest; a list used again that is pushed out of the second
// part goes back to the first. So a search's one-off lists (its words with its
// filters) do not push out the lists that searches share (their words alone,
// the filters). A list being evaluated is waited for, not evaluated twice.
type keptLists struct {
	mu    sync.Mutex
	byKey map[string]*keptList
	parts [2]keptPart     // once, again
	asked map[string]bool // keys asked about whose lists were not made
}

type keptPart struct {
	recent *list.List // of *keptList, most recent first
	bytes  int
	room   int
}

// bytes counts a kept list with its key, which a visitor's query can make long.
func (e *keptList) bytes() int { return e.m.bytes() + len(e.key) + 64 }

type keptList struct {
	key  string
	done chan struct{}
	m    *matches
	err  error
	elem *list.Element // nil until evaluated
	part int
}

func newKeptLists(room int) *keptLists {
	c := &keptLists{byKey: map[string]*keptList{}, asked: map[string]bool{}}
	c.parts[0] = keptPart{recent: list.New(), room: room / 4}
	c.parts[1] = keptPart{recent: list.New(), room: room - room/4}
	return c
}

func (c *keptLists) get(ctx context.Context, key string, eval func() (*matches, error)) (*matches, error) {
	c.mu.Lock()
	e, ok := c.byKey[key]
	if ok {
		if e.elem != nil {
			c.remove(e)
			c.add(e, 1)
		}
		c.mu.Unlock()
		select {
		case <-e.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if e.err != nil {
			return eval() // its evaluation failed (perhaps cancelled): try ours
		}
		return e.m, nil
	}
	e = &keptList{key: key, done: make(chan struct{})}
	c.byKey[key] = e
	c.mu.Unlock()

	e.m, e.err = eval()
	c.mu.Lock()
	if e.err != nil {
		delete(c.byKey, key)
	} else {
		c.add(e, 0)
	}
	c.mu.Unlock()
	close(e.done)
	return e.m, e.err
}

// hasOrAskedBefore says whether the list of a key is kept, or was asked about
// before (since the snapshot's first 100,000 keys asked about).
func (c *keptLists) hasOrAskedBefore(key string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.byKey[key]; ok && e.elem != nil {
		return true
	}
	if c.asked[key] {
		return true
	}
	if len(c.asked) >= 100_000 {
		clear(c.asked)
	}
	c.asked[key] = true
	return false
}

// add puts a list at the front of a part, making room; c.mu is held.
func (c *keptLists) add(e *keptList, part int) {
	p := &c.parts[part]
	e.part, e.elem = part, p.recent.PushFront(e)
	p.bytes += e.bytes()
	for p.bytes > p.room && p.recent.Len() > 1 {
		old := p.recent.Back().Value.(*keptList)
		c.remove(old)
		if part == 1 {
			c.add(old, 0)
		} else {
			delete(c.byKey, old.key)
		}
	}
}

// remove takes a list out of its part; c.mu is held.
func (c *keptLists) remove(e *keptList) {
	p := &c.parts[e.part]
	p.recent.Remove(e.elem)
	p.bytes -= e.bytes()
	e.elem = nil
}

// evaluator evaluates queries on one snapshot.
type evaluator struct {
	r    index.IndexReader
	m    mapping.IndexMapping
	cols *columns
	keys map[query.Query]string // each part's key, named once per search
}

func (ev *evaluator) eval(ctx context.Context, q query.Query) (*matches, error) {
	switch tq := q.(type) {
	case *query.MatchNoneQuery:
		return &matches{}, nil
	case *query.MatchAllQuery:
		return ev.cols.all, nil
	case *textQuery:
		return ev.cols.kept.get(ctx, tq.key(), func() (*matches, error) { return ev.evalText(ctx, tq, nil) })
	}
	key, err := ev.key(q)
	if err != nil {
		return nil, err
	}
	return ev.cols.kept.get(ctx, key, func() (*matches, error) { return ev.compute(ctx, q) })
}

// compute evaluates a query that is not kept.
func (ev *evaluator) compute(ctx context.Context, q query.Query) (*matches, error) {
	switch q := q.(type) {
	case *containsQuery:
		// The field's values are listed once per snapshot: matching a place
		// name's pattern against the field's dictionary cost 20 ms a search.
		values, err := ev.cols.fieldValues(ev.r, q.field)
		if err != nil {
			return nil, err
		}
		var terms []string
		for _, v := range values {
			if strings.Contains(v, q.sub) {
				terms = append(terms, v)
			}
		}
		return ev.leaf(ctx, anyTerm(q.field, terms))
	case *query.ConjunctionQuery:
		m, err := ev.conjunction(ctx, q.Conjuncts)
		if err != nil {
			return nil, err
		}
		return boosted(m, q.BoostVal), nil
	case *query.DisjunctionQuery:
		parts, err := ev.evalAll(ctx, q.Disjuncts)
		if err != nil {
			return nil, err
		}
		return boosted(union(parts, int(q.Min)), q.BoostVal), nil
	case *query.BooleanQuery:
		if !composite(q) {
			break
		}
		must, err := ev.eval(ctx, q.Must)
		if err != nil || q.MustNot == nil {
			return boosted(must, q.BoostVal), err
		}
		not, err := ev.eval(ctx, q.MustNot)
		if err != nil {
			return nil, err
		}
		return boosted(subtract(must, not), q.BoostVal), nil
	}
	return ev.leaf(ctx, q)
}

// conjunction evaluates the parts of an AND. Filters, which are cheap, and the
// parts whose lists are kept or were asked for before come first; when they
// leave few documents, the others are only asked about those (bleve's searchers
// skip to them), and their own lists are not made: a phrase found in every
// report (政府信息公开) costs a hundred milliseconds to list in full, and a few
// to check in the reports of one province. Asked for again, a part is listed
// in full and kept.
func (ev *evaluator) conjunction(ctx context.Context, qs []query.Query) (*matches, error) {
	var first, rest []query.Query
	for _, q := range qs {
		if key, err := ev.key(q); err == nil && (filter(q) || ev.cols.kept.hasOrAskedBefore(key)) {
			first = append(first, q)
		} else {
			rest = append(rest, q)
		}
	}
	parts, err := ev.evalAll(ctx, first)
	if err != nil {
		return nil, err
	}
	if len(parts) > 0 && len(rest) > 0 {
		if found := intersect(parts); len(found.docs)*fewFrom < len(ev.cols.all.docs) {
			for _, q := range rest {
				if found, err = ev.within(ctx, q, found); err != nil {
					return nil, err
				}
			}
			return found, nil
		}
	}
	more, err := ev.evalAll(ctx, rest)
	if err != nil {
		return nil, err
	}
	return intersect(append(parts, more...)), nil
}

// fewFrom: documents are few when fewer than one in fewFrom of the index.
const fewFrom = 8

// filter says whether a query is a filter's: a term, a prefix, a range, a part
// of a name. Their lists are cheap to make.
func filter(q query.Query) bool {
	switch q.(type) {
	case *query.TermQuery, *query.PrefixQuery, *query.NumericRangeQuery, *containsQuery, *query.MatchAllQuery:
		return true
	}
	return false
}

// within keeps the documents of found that q matches, adding q's scores.
func (ev *evaluator) within(ctx context.Context, q query.Query, found *matches) (*matches, error) {
	m, err := ev.restricted(ctx, q, found)
	if err != nil {
		return nil, err
	}
	return intersect2(m, found), nil
}

// restricted evaluates q only in the documents of found (its list holds no
// other), reading of the text index only the blocks that hold them.
func (ev *evaluator) restricted(ctx context.Context, q query.Query, found *matches) (*matches, error) {
	switch q := q.(type) {
	case *textQuery:
		return ev.evalText(ctx, q, found)
	case *query.DisjunctionQuery:
		parts := make([]*matches, len(q.Disjuncts))
		for i, d := range q.Disjuncts {
			var err error
			if parts[i], err = ev.restricted(ctx, d, found); err != nil {
				return nil, err
			}
		}
		return boosted(union(parts, int(q.Min)), q.BoostVal), nil
	case *query.ConjunctionQuery:
		out := found
		for _, c := range q.Conjuncts {
			m, err := ev.restricted(ctx, c, out)
			if err != nil {
				return nil, err
			}
			out = m
		}
		return boosted(out, q.BoostVal), nil
	case *query.BooleanQuery:
		if composite(q) {
			must, err := ev.restricted(ctx, q.Must, found)
			if err != nil || q.MustNot == nil {
				return boosted(must, q.BoostVal), err
			}
			not, err := ev.restricted(ctx, q.MustNot, must)
			if err != nil {
				return nil, err
			}
			return boosted(subtract(must, not), q.BoostVal), nil
		}
	}
	m, err := ev.eval(ctx, q)
	if err != nil {
		return nil, err
	}
	return intersect2(found, m), nil
}

// composite says whether a boolean query is one the parser writes (must, and
// perhaps must not), which is evaluated as sets; bleve evaluates others whole.
func composite(q *query.BooleanQuery) bool {
	return q.Must != nil && q.Should == nil && q.Filter == nil
}

func (ev *evaluator) evalAll(ctx context.Context, qs []query.Query) ([]*matches, error) {
	out := make([]*matches, len(qs))
	for i, q := range qs {
		var err error
		if out[i], err = ev.eval(ctx, q); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// key names a query by what it matches.
func (ev *evaluator) key(q query.Query) (string, error) {
	if k, ok := ev.keys[q]; ok {
		return k, nil
	}
	k, err := ev.newKey(q)
	if err == nil {
		if ev.keys == nil {
			ev.keys = map[query.Query]string{}
		}
		ev.keys[q] = k
	}
	return k, err
}

func (ev *evaluator) newKey(q query.Query) (string, error) {
	var parts []query.Query
	var b strings.Builder
	switch q := q.(type) {
	case *textQuery:
		return q.key(), nil
	case *containsQuery:
		return fmt.Sprintf("contains %s %q", q.field, q.sub), nil
	case *query.ConjunctionQuery:
		fmt.Fprintf(&b, "and %v", q.BoostVal)
		parts = q.Conjuncts
	case *query.DisjunctionQuery:
		fmt.Fprintf(&b, "or %v %g", q.BoostVal, q.Min)
		parts = q.Disjuncts
	case *query.BooleanQuery:
		if !composite(q) {
			break
		}
		fmt.Fprintf(&b, "not %v", q.BoostVal)
		parts = []query.Query{q.Must, q.MustNot}
	}
	if parts == nil {
		j, err := json.Marshal(q)
		return fmt.Sprintf("%T %s", q, j), err
	}
	b.WriteString(" (")
	for _, p := range parts {
		if p == nil {
			b.WriteString("nil; ")
			continue
		}
		k, err := ev.key(p)
		if err != nil {
			return "", err
		}
		b.WriteString(k + "; ")
	}
	b.WriteString(")")
	return b.String(), nil
}

// searcher is bleve's searcher of a query on the snapshot, scoring by BM25, with
// the context it is stepped in.
func (ev *evaluator) searcher(ctx context.Context, q query.Query) (search.Searcher, *search.SearchContext, error) {
	ctx = context.WithValue(ctx, search.GetScoringModelCallbackKey,
		search.GetScoringModelCallbackFn(func() string { return index.BM25Scoring }))
	s, err := q.Searcher(ctx, ev.r, ev.m, search.SearcherOptions{})
	if err != nil {
		return nil, nil, err
	}
	return s, &search.SearchContext{DocumentMatchPool: search.NewDocumentMatchPool(s.DocumentMatchPoolSize()+1, 0), IndexReader: ev.r}, nil
}

// leaf runs a query through bleve's searcher.
func (ev *evaluator) leaf(ctx context.Context, q query.Query) (*matches, error) {
	s, sctx, err := ev.searcher(ctx, q)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	out := &matches{}
	for {
		dm, err := s.Next(sctx)
		if err != nil {
			return nil, err
		}
		if dm == nil {
			return ev.byReport(out), nil
		}
		if len(out.docs)%4096 == 4095 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		out.docs = append(out.docs, uint32(dm.IndexInternalID.Value()))
		out.scores = append(out.scores, float32(dm.Score))
		sctx.DocumentMatchPool.Put(dm)
	}
}

// byReport turns a list by bleve's document numbers into one by report id.
func (ev *evaluator) byReport(m *matches) *matches {
	type e struct {
		id    uint32
		score float32
	}
	es := make([]e, 0, len(m.docs))
	for i, n := range m.docs {
		if int(n) < len(ev.cols.idOf) {
			if id := ev.cols.idOf[n]; ev.cols.alive(id) {
				es = append(es, e{id, m.scores[i]})
			}
		}
	}
	slices.SortFunc(es, func(a, b e) int { return int(a.id) - int(b.id) })
	out := &matches{docs: make([]uint32, len(es)), scores: make([]float32, len(es))}
	for i, x := range es {
		out.docs[i], out.scores[i] = x.id, x.score
	}
	return out
}

func boosted(m *matches, b *query.Boost) *matches {
	if b == nil || b.Value() == 1 || len(m.docs) == 0 {
		return m
	}
	out := &matches{docs: m.docs, scores: make([]float32, len(m.scores))}
	for i, s := range m.scores {
		out.scores[i] = s * float32(b.Value())
	}
	return out
}

// intersect keeps the documents all have, their scores summed.
func intersect(parts []*matches) *matches {
	if len(parts) == 0 {
		return &matches{}
	}
	parts = slices.Clone(parts)
	slices.SortFunc(parts, func(a, b *matches) int { return len(a.docs) - len(b.docs) })
	out := parts[0]
	for _, p := range parts[1:] {
		out = intersect2(out, p)
	}
	return out
}

// intersect2 walks the smaller list and finds each of its documents in the
// larger one: stepping through it when it is not much larger, else galloping
// (steps of 1, 2, 4…, then a binary search).
func intersect2(small, large *matches) *matches {
	out := &matches{docs: make([]uint32, 0, len(small.docs)), scores: make([]float32, 0, len(small.docs))}
	gallop := len(large.docs) > 8*len(small.docs)
	j := 0
	for i, d := range small.docs {
		if gallop {
			step := 1
			for j+step < len(large.docs) && large.docs[j+step] < d {
				j += step
				step *= 2
			}
			k, _ := slices.BinarySearch(large.docs[j:min(j+step+1, len(large.docs))], d)
			j += k
		} else {
			for j < len(large.docs) && large.docs[j] < d {
				j++
			}
		}
		if j == len(large.docs) {
			break
		}
		if large.docs[j] == d {
			out.docs = append(out.docs, d)
			out.scores = append(out.scores, small.scores[i]+large.scores[j])
		}
	}
	return out
}

// union keeps the documents at least min of the parts have (at least one when
// min is 0), their scores summed and multiplied by the share of the parts that
// have them.
func union(parts []*matches, min int) *matches {
	need := max(min, 1)
	switch {
	case len(parts) == 1 && need == 1:
		return parts[0]
	case len(parts) == 2 && need == 1:
		return union2(parts[0], parts[1])
	}
	// Many parts (a word's spellings, a place's names): counted by document number.
	top := 0
	for _, p := range parts {
		if len(p.docs) > 0 {
			top = max(top, int(p.docs[len(p.docs)-1])+1)
		}
	}
	scores, counts := make([]float32, top), make([]int32, top)
	for _, p := range parts {
		for i, d := range p.docs {
			scores[d] += p.scores[i]
			counts[d]++
		}
	}
	out := &matches{}
	for d, n := range counts {
		if int(n) >= need {
			out.docs = append(out.docs, uint32(d))
			out.scores = append(out.scores, scores[d]*float32(n)/float32(len(parts)))
		}
	}
	return out
}

// union2 is union of two parts, by merging.
func union2(a, b *matches) *matches {
	n := len(a.docs) + len(b.docs)
	out := &matches{docs: make([]uint32, 0, n), scores: make([]float32, 0, n)}
	i, j := 0, 0
	for i < len(a.docs) || j < len(b.docs) {
		switch {
		case j == len(b.docs) || i < len(a.docs) && a.docs[i] < b.docs[j]:
			out.docs = append(out.docs, a.docs[i])
			out.scores = append(out.scores, a.scores[i]/2)
			i++
		case i == len(a.docs) || b.docs[j] < a.docs[i]:
			out.docs = append(out.docs, b.docs[j])
			out.scores = append(out.scores, b.scores[j]/2)
			j++
		default:
			out.docs = append(out.docs, a.docs[i])
			out.scores = append(out.scores, a.scores[i]+b.scores[j])
			i++
			j++
		}
	}
	return out
}

// subtract keeps the documents of m that not does not have.
func subtract(m, not *matches) *matches {
	out := &matches{}
	j := 0
	for i, d := range m.docs {
		for j < len(not.docs) && not.docs[j] < d {
			j++
		}
		if j < len(not.docs) && not.docs[j] == d {
			continue
		}
		out.docs = append(out.docs, d)
		out.scores = append(out.scores, m.scores[i])
	}
	return out
}

// containsQuery matches the documents with a value of a keyword field that
// contains sub: a union of the terms that do, which the field's dictionary lists.
type containsQuery struct {
	field, sub string
}

func (q *containsQuery) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, opts search.SearcherOptions) (search.Searcher, error) {
	terms, err := termsMatching(r, q.field, ".*"+regexp.QuoteMeta(q.sub)+".*")
	if err != nil {
		return nil, err
	}
	return anyTerm(q.field, terms).Searcher(ctx, r, m, opts)
}
