package index

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// textQuery matches terms of a field's text at given offsets from one another
// (any of the alternatives terms[i] at the i-th): one term, or a phrase of
// them. It is evaluated on the text index (evaluate.go), not by bleve.
type textQuery struct {
	field, kind byte
	terms       [][]string
	offsets     []int // each position's distance from the first; nil when they follow one another
	boost       float64
}

func newTextQuery(field, kind byte, terms ...[]string) *textQuery {
	return &textQuery{field: field, kind: kind, terms: terms, boost: 1}
}

func (q *textQuery) SetBoost(b float64) { q.boost = b }
func (q *textQuery) Boost() float64     { return q.boost }

func (q *textQuery) Searcher(context.Context, index.IndexReader, mapping.IndexMapping, search.SearcherOptions) (search.Searcher, error) {
	return nil, fmt.Errorf("search index: the text of reports is searched by the text index, not bleve")
}

func (q *textQuery) key() string {
	return fmt.Sprintf("text %c%c %q %v %g", q.field, q.kind, q.terms, q.offsets, q.boost)
}

func (q *textQuery) offset(i int) int {
	if q.offsets == nil {
		return i
	}
	return q.offsets[i]
}

// BM25's parameters, as bleve's.
const (
	bm25K1 = 1.2
	bm25B  = 0.75
)

// evalText evaluates a text query on the snapshot: on every live report, or
// (only not nil) only on those of only.
func (ev *evaluator) evalText(ctx context.Context, q *textQuery, only *matches) (*matches, error) {
	ts := ev.cols.text
	var parts []*matches
	dfs := make([]int, len(q.terms)) // reports of each position, in every segment
	for si := range ts.segs {
		m, err := ev.evalTextSegment(ctx, q, si, only, dfs)
		if err != nil {
			return nil, err
		}
		if m != nil {
			parts = append(parts, m)
		}
	}
	df := slices.Min(dfs)
	out := mergeDisjoint(parts)
	if len(out.docs) == 0 {
		return out, nil
	}
	// Scored by BM25 as if the phrase were a term as rare as its rarest part.
	n := float64(len(ev.cols.all.docs))
	idf := math.Log(1 + (n-float64(df)+0.5)/(float64(df)+0.5))
	lens := ts.lens[textFieldIndex(q.field)]
	avg := ev.cols.avgLen(textFieldIndex(q.field))
	for i, d := range out.docs {
		tf := float64(out.scores[i])
		l := float64(lens[d])
		out.scores[i] = float32(q.boost * idf * tf * (bm25K1 + 1) / (tf + bm25K1*(1-bm25B+bm25B*l/avg)))
	}
	return out, nil
}

// mergeDisjoint merges lists that share no report.
func mergeDisjoint(parts []*matches) *matches {
	switch len(parts) {
	case 0:
		return &matches{}
	case 1:
		return parts[0]
	}
	n := 0
	for _, p := range parts {
		n += len(p.docs)
	}
	out := &matches{docs: make([]uint32, 0, n), scores: make([]float32, 0, n)}
	at := make([]int, len(parts))
	for {
		best := -1
		for i, p := range parts {
			if at[i] < len(p.docs) && (best < 0 || p.docs[at[i]] < parts[best].docs[at[best]]) {
				best = i
			}
		}
		if best < 0 {
			return out
		}
		out.docs = append(out.docs, parts[best].docs[at[best]])
		out.scores = append(out.scores, parts[best].scores[at[best]])
		at[best]++
	}
}

// evalTextSegment finds a text query in the reports whose text segment si
// holds: their list, scored by their counts (occurrences of the phrase). It
// adds each position's reports in the segment to dfs.
func (ev *evaluator) evalTextSegment(ctx context.Context, q *textQuery, si int, only *matches, dfs []int) (*matches, error) {
	ts := ev.cols.text
	seg := ts.segs[si]
	phrase := len(q.terms) > 1
	keys := make([][]int, len(q.terms))
	counts := make([]int, len(q.terms))
	lead := 0
	for i, alts := range q.terms {
		for _, t := range alts {
			key := append([]byte{q.field, q.kind}, t...)
			if k := seg.find(key); k >= 0 {
				keys[i] = append(keys[i], k)
				counts[i] += int(seg.df[k])
			}
		}
		dfs[i] += counts[i]
		if counts[i] < counts[lead] {
			lead = i
		}
	}
	if counts[lead] == 0 {
		return nil, nil
	}
	// The candidates: the lead position's reports, or those asked about.
	expected := counts[lead]
	if only != nil {
		expected = min(expected, len(only.docs))
	}
	positions := make([][]*segCursor, len(q.terms))
	for i := range q.terms {
		for _, k := range keys[i] {
			// A phrase reads a list's positions with it when its candidates
			// are likely to be in most of the list's blocks; else a block's
			// positions when a candidate in it is asked about.
			whole := phrase && positional(q.field, q.kind) && expected*blockDocs >= int(seg.df[k])
			b, err := seg.posting(k, whole)
			if err != nil {
				return nil, err
			}
			blocks, err := decodeBlocks(b)
			if err != nil {
				return nil, fmt.Errorf("%w (%s)", err, seg.name)
			}
			positions[i] = append(positions[i], &segCursor{seg: si, blocks: blocks, b: -1, file: seg, off: int64(seg.off[k])})
		}
	}
	mine := func(d uint32) bool {
		return int(d) < len(ts.owner) && int(ts.owner[d]) == si && ev.cols.alive(d)
	}
	if !phrase && only == nil {
		return termDocs(positions[0], mine), nil
	}
	var candidates []uint32
	if only != nil {
		candidates = only.docs
	} else {
		for _, c := range positions[lead] {
			for bi := range c.blocks {
				var bc blockCursor
				bc.reset(&c.blocks[bi])
				for bc.next() {
					candidates = append(candidates, bc.doc)
				}
			}
		}
		if len(positions[lead]) > 1 {
			slices.Sort(candidates)
			candidates = slices.Compact(candidates)
		}
	}
	out := &matches{}
	var pos [][]uint32
	if phrase {
		pos = make([][]uint32, len(q.terms))
	}
	at := make([][]bool, len(q.terms)) // which alternatives hold the report
	for i := range at {
		at[i] = make([]bool, len(positions[i]))
	}
	for ci, d := range candidates {
		if ci%4096 == 4095 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		if !mine(d) {
			continue
		}
		// Every position has the report, before any position is read.
		var tf uint32
		ok := true
		for i, alts := range positions {
			found := false
			for j, c := range alts {
				at[i][j] = c.advance(d) && c.c.doc == d
				found = found || at[i][j]
				if at[i][j] && !phrase {
					tf += c.c.tf
				}
			}
			if !found {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		if phrase {
			for i, alts := range positions {
				pos[i] = pos[i][:0]
				for j, c := range alts {
					if !at[i][j] {
						continue
					}
					var err error
					if pos[i], err = c.positions(pos[i]); err != nil {
						return nil, err
					}
				}
				if len(alts) > 1 {
					slices.Sort(pos[i])
				}
			}
			tf = occurrences(pos, q)
			if tf == 0 {
				continue
			}
		}
		out.docs = append(out.docs, d)
		out.scores = append(out.scores, float32(tf))
	}
	return out, nil
}

// termDocs lists the reports of one position's alternatives that keep keeps,
// with their counts summed.
func termDocs(alts []*segCursor, keep func(uint32) bool) *matches {
	out := &matches{}
	for _, c := range alts {
		for bi := range c.blocks {
			var bc blockCursor
			bc.reset(&c.blocks[bi])
			for bc.next() {
				if keep(bc.doc) {
					out.docs = append(out.docs, bc.doc)
					out.scores = append(out.scores, float32(bc.tf))
				}
			}
		}
	}
	if len(alts) > 1 {
		type e struct {
			d uint32
			s float32
		}
		es := make([]e, len(out.docs))
		for i := range es {
			es[i] = e{out.docs[i], out.scores[i]}
		}
		slices.SortFunc(es, func(a, b e) int { return int(a.d) - int(b.d) })
		out = &matches{}
		for _, x := range es {
			if n := len(out.docs); n > 0 && out.docs[n-1] == x.d {
				out.scores[n-1] += x.s
				continue
			}
			out.docs = append(out.docs, x.d)
			out.scores = append(out.scores, x.s)
		}
	}
	return out
}

// occurrences counts where the positions stand at the query's offsets.
func occurrences(pos [][]uint32, q *textQuery) uint32 {
	var n uint32
	at := make([]int, len(pos))
	for _, p0 := range pos[0] {
		found := true
		for i := 1; i < len(pos) && found; i++ {
			ps, want := pos[i], p0+uint32(q.offset(i))
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

var _ query.Query = (*textQuery)(nil)
