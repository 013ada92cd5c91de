package index

import (
	"cmp"
	"container/heap"
	"context"
	"math"
	"slices"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/scorer"
	index "github.com/blevesearch/bleve_index_api"
)

// phraseQuery matches terms at consecutive positions of a field (or at given
// offsets), any of the alternatives of terms[i] at the i-th. It finds what bleve's MultiPhraseQuery
// finds, ten times faster on the long posting lists of common bigrams: bleve's
// phrase searcher builds a map of term locations for every document its terms
// share, which costs more than reading the postings. Matches carry no locations.
type phraseQuery struct {
	field string
	terms [][]string
	// offsets are the terms' positions from the first's; nil when they follow
	// one another.
	offsets []int
	boost   float64
}

func newPhraseQuery(field string, terms [][]string) *phraseQuery {
	return &phraseQuery{field: field, terms: terms, boost: 1}
}

func (q *phraseQuery) SetBoost(b float64) { q.boost = b }
func (q *phraseQuery) Boost() float64     { return q.boost }

func (q *phraseQuery) Searcher(ctx context.Context, r index.IndexReader, _ mapping.IndexMapping, opts search.SearcherOptions) (search.Searcher, error) {
	s := &phraseSearcher{offsets: q.offsets}
	if s.offsets == nil {
		for i := range q.terms {
			s.offsets = append(s.offsets, i)
		}
	}
	for _, alts := range q.terms {
		var p phrasePos
		for _, t := range alts {
			tfr, err := r.TermFieldReader(ctx, []byte(t), q.field, true, true, true)
			if err != nil {
				s.Close()
				return nil, err
			}
			p.readers = append(p.readers, &termCursor{r: tfr})
			p.count += tfr.Count()
		}
		s.pos = append(s.pos, &p)
	}
	// Scored as bleve scores a term (BM25), as if the phrase were a term as rare
	// as its rarest part.
	docs, err := r.DocCount()
	if err != nil {
		s.Close()
		return nil, err
	}
	var avgLen float64
	if br, ok := r.(index.BM25Reader); ok && docs > 0 {
		n, err := br.FieldCardinality(q.field)
		if err != nil {
			s.Close()
			return nil, err
		}
		avgLen = math.Ceil(float64(n) / float64(docs))
	}
	s.lead = slices.MinFunc(s.pos, func(a, b *phrasePos) int { return cmp.Compare(a.count, b.count) })
	s.scorer = scorer.NewTermQueryScorer(nil, q.field, q.boost, docs, s.Count(), avgLen, opts)
	return s, nil
}

// termCursor is a term's postings, at one document.
type termCursor struct {
	r   index.TermFieldReader
	doc *index.TermFieldDoc // nil once exhausted
	buf index.TermFieldDoc
}

// phrasePos is one position of a phrase: the union of its alternatives'
// postings. The cursors are a heap by document, so that moving on touches only
// the alternatives at or behind the document (a lone character's expansions
// can be hundreds of terms, most of them rare).
type phrasePos struct {
	readers   cursorHeap
	count     uint64
	cur       index.IndexInternalID // nil once exhausted
	positions []uint64              // of the term(s) in the current document, ascending
	norm      float64
}

type cursorHeap []*termCursor

func (h cursorHeap) Len() int           { return len(h) }
func (h cursorHeap) Less(i, j int) bool { return h[i].doc.ID.Compare(h[j].doc.ID) < 0 }
func (h cursorHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *cursorHeap) Push(x any)        { *h = append(*h, x.(*termCursor)) }
func (h *cursorHeap) Pop() any {
	old := *h
	c := old[len(old)-1]
	*h = old[:len(old)-1]
	return c
}

// start reads each alternative's first document.
func (p *phrasePos) start() error {
	all := p.readers
	p.readers = p.readers[:0]
	for _, c := range all {
		if live, err := c.move(nil); err != nil {
			return err
		} else if live {
			p.readers = append(p.readers, c)
		}
	}
	heap.Init(&p.readers)
	p.settle()
	return nil
}

// move reads the cursor's next document, or its first at or after id; live is
// false once there is none (the reader is then closed).
func (c *termCursor) move(id index.IndexInternalID) (live bool, err error) {
	if id == nil {
		c.doc, err = c.r.Next(&c.buf)
	} else {
		c.doc, err = c.r.Advance(id, &c.buf)
	}
	if err != nil || c.doc != nil {
		return c.doc != nil, err
	}
	return false, c.r.Close()
}

// settle makes the least document of the alternatives the current one, with
// the positions they have in it.
func (p *phrasePos) settle() {
	p.positions = p.positions[:0]
	if len(p.readers) == 0 {
		p.cur = nil
		return
	}
	p.cur = append(p.cur[:0], p.readers[0].doc.ID...)
	p.collect(0)
	if len(p.readers) > 1 {
		slices.Sort(p.positions)
	}
}

// collect adds the positions of the heap's cursors at the current document,
// from the i-th down.
func (p *phrasePos) collect(i int) {
	if i >= len(p.readers) || !p.readers[i].doc.ID.Equals(p.cur) {
		return
	}
	for _, v := range p.readers[i].doc.Vectors {
		p.positions = append(p.positions, v.Pos)
	}
	p.norm = p.readers[i].doc.Norm
	p.collect(2*i + 1)
	p.collect(2*i + 2)
}

// next moves past the current document; advance to the first at or after id.
func (p *phrasePos) next() error { return p.forward(nil) }

func (p *phrasePos) advance(id index.IndexInternalID) error { return p.forward(id) }

func (p *phrasePos) forward(id index.IndexInternalID) error {
	bound := p.cur
	for len(p.readers) > 0 {
		c := p.readers[0]
		if id == nil && !c.doc.ID.Equals(bound) || id != nil && c.doc.ID.Compare(id) >= 0 {
			break
		}
		heap.Pop(&p.readers)
		if live, err := c.move(id); err != nil {
			return err
		} else if live {
			heap.Push(&p.readers, c)
		}
	}
	p.settle()
	return nil
}

type phraseSearcher struct {
	pos     []*phrasePos
	scorer  *scorer.TermQueryScorer
	started bool
	lead    *phrasePos // the position with the fewest documents moves first
	matched bool       // the current document was returned: move on first
	tfd     index.TermFieldDoc
	at      []int
	offsets []int // each position's distance from the first
}

func (s *phraseSearcher) start() error {
	s.started = true
	for _, p := range s.pos {
		if err := p.start(); err != nil {
			return err
		}
	}
	return nil
}

func (s *phraseSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	if !s.started {
		if err := s.start(); err != nil {
			return nil, err
		}
	} else if s.matched {
		if err := s.lead.next(); err != nil {
			return nil, err
		}
	}
	return s.align(ctx)
}

func (s *phraseSearcher) Advance(ctx *search.SearchContext, id index.IndexInternalID) (*search.DocumentMatch, error) {
	if !s.started {
		if err := s.start(); err != nil {
			return nil, err
		}
	}
	for _, p := range s.pos {
		if p.cur != nil && p.cur.Compare(id) < 0 {
			if err := p.advance(id); err != nil {
				return nil, err
			}
		}
	}
	return s.align(ctx)
}

// align moves the positions to the next document that has them all, in order.
func (s *phraseSearcher) align(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	s.matched = false
	for {
		var target index.IndexInternalID
		for _, p := range s.pos {
			if p.cur == nil {
				return nil, nil
			}
			if target == nil || p.cur.Compare(target) > 0 {
				target = p.cur
			}
		}
		behind := false
		for _, p := range s.pos {
			if p.cur.Compare(target) < 0 {
				if err := p.advance(target); err != nil {
					return nil, err
				}
				behind = true
			}
		}
		if behind {
			continue
		}
		if n := s.occurrences(); n > 0 {
			s.matched = true
			s.tfd.ID, s.tfd.Freq, s.tfd.Norm = s.pos[0].cur, n, s.pos[0].norm
			return s.scorer.Score(ctx, &s.tfd), nil
		}
		if err := s.lead.next(); err != nil {
			return nil, err
		}
	}
}

// occurrences counts where the terms stand at their offsets in the current
// document.
func (s *phraseSearcher) occurrences() uint64 {
	var n uint64
	if s.at == nil {
		s.at = make([]int, len(s.pos))
	}
	at := s.at
	clear(at)
	for _, p0 := range s.pos[0].positions {
		found := true
		for i := 1; i < len(s.pos) && found; i++ {
			ps, want := s.pos[i].positions, p0+uint64(s.offsets[i])
			for at[i] < len(ps) && ps[at[i]] < want {
				at[i]++
			}
			found = at[i] < len(ps) && ps[at[i]] == want
		}
		if found {
			n++
		}
	}
	return n
}

func (s *phraseSearcher) Close() error {
	var first error
	for _, p := range s.pos {
		for _, c := range p.readers {
			if err := c.r.Close(); err != nil && first == nil {
				first = err
			}
		}
	}
	return first
}

func (s *phraseSearcher) Weight() float64            { return s.scorer.Weight() }
func (s *phraseSearcher) SetQueryNorm(qnorm float64) { s.scorer.SetQueryNorm(qnorm) }
func (s *phraseSearcher) Min() int                   { return 0 }
func (s *phraseSearcher) Size() int                  { return 64 * len(s.pos) }
func (s *phraseSearcher) DocumentMatchPoolSize() int { return 1 }

// Count estimates the matches: no more than the rarest position has documents.
func (s *phraseSearcher) Count() uint64 {
	n := uint64(math.MaxUint64)
	for _, p := range s.pos {
		n = min(n, p.count)
	}
	return n
}
