package index

import (
	"cmp"
	"container/heap"
	"context"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/numeric"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// A search evaluates its query itself (evaluate.go) rather than through bleve's
// collector, and counts facets and sorts by date from columns: every document's
// facet values and publication date, read once per snapshot of the index from
// its doc values, by document number. bleve's collector reads each hit's doc
// values instead, which decompresses a chunk of them per hit and field: 5 ms of
// a search that finds 160 reports, 80 ms of one that finds 95,000, in an index
// of 100,000.

// facetNames are the facets in the order the columns hold them, with their fields.
var (
	facetNames  = [...]string{"year", "region", "department", "format"}
	facetFields = [...]string{fYearFacet, fRegion, fDepartment, fFormat}
)

type columns struct {
	snapshot index.IndexReader // what they describe: compared, not read
	text     *textSnapshot     // the text index's segments at the same moment
	values   [len(facetNames)][]string
	// By report id: its facet values (an index in values, 0 for none), its
	// publication date (Unix seconds, 0 for none), whether bleve holds it.
	codes [len(facetNames)][]uint32
	pub   []int64
	live  []bool
	idOf  []uint32 // bleve's document number → report id
	all   *matches // every report, each scored 1 (as bleve scores match-all)
	kept  *keptLists
	avgs  [3]float64 // average lengths of titles, bodies and labels, in tokens
	once  sync.Once

	mu   sync.Mutex
	dict map[string][]string // each keyword field's values, listed when first asked for
}

// fieldValues lists the values of a keyword field in the snapshot.
func (c *columns) fieldValues(r index.IndexReader, field string) ([]string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if v, ok := c.dict[field]; ok {
		return v, nil
	}
	out, err := termsMatching(r, field, ".*")
	if err != nil {
		return nil, err
	}
	if c.dict == nil {
		c.dict = map[string][]string{}
	}
	c.dict[field] = out
	return out, nil
}

func (c *columns) alive(id uint32) bool { return int(id) < len(c.live) && c.live[id] }

// avgLen is the average length of a text field over the live reports.
func (c *columns) avgLen(field int) float64 {
	c.once.Do(func() {
		for f := range c.avgs {
			var sum float64
			lens := c.text.lens[f]
			for _, id := range c.all.docs {
				if int(id) < len(lens) {
					sum += float64(lens[id])
				}
			}
			c.avgs[f] = max(sum/float64(max(len(c.all.docs), 1)), 1)
		}
	})
	return c.avgs[field]
}

func buildColumns(r index.IndexReader, text *textSnapshot) (*columns, error) {
	c := &columns{snapshot: r, text: text, all: &matches{}, kept: newKeptLists(keptBytes)}
	byValue := make([]map[string]uint32, len(facetNames))
	for i := range facetNames {
		c.values[i] = []string{""}
		byValue[i] = map[string]uint32{}
	}
	type row struct {
		codes [len(facetNames)]uint32
		pub   int64
		id    uint32
		ok    bool
	}
	var rw row
	err := eachDocValues(r, slices.Concat(facetFields[:], []string{fPublished, fStamp}), func(field string, term []byte) {
		switch field {
		case fPublished:
			// A date's doc values are its prefix-coded shifts; shift 0 is the date.
			if p := numeric.PrefixCoded(term); len(p) > 0 {
				if shift, err := p.Shift(); err == nil && shift == 0 {
					if nanos, err := p.Int64(); err == nil {
						rw.pub = nanos / int64(time.Second)
					}
				}
			}
			return
		case fStamp:
			idText, _, _ := strings.Cut(string(term), " ")
			if v, err := strconv.ParseUint(idText, 10, 32); err == nil {
				rw.id, rw.ok = uint32(v), true
			}
			return
		}
		i := slices.Index(facetFields[:], field)
		code, ok := byValue[i][string(term)]
		if !ok {
			code = uint32(len(c.values[i]))
			byValue[i][string(term)] = code
			c.values[i] = append(c.values[i], string(term))
		}
		rw.codes[i] = code
	}, func(n uint64) {
		defer func() { rw = row{} }()
		for uint64(len(c.idOf)) <= n {
			c.idOf = append(c.idOf, 0)
		}
		if !rw.ok {
			return
		}
		c.idOf[n] = rw.id
		for uint32(len(c.live)) <= rw.id {
			c.live = append(c.live, false)
			c.pub = append(c.pub, 0)
			for i := range c.codes {
				c.codes[i] = append(c.codes[i], 0)
			}
		}
		c.live[rw.id], c.pub[rw.id] = true, rw.pub
		for i := range c.codes {
			c.codes[i][rw.id] = rw.codes[i]
		}
	})
	if err != nil {
		return nil, err
	}
	for id, ok := range c.live {
		if ok {
			c.all.docs = append(c.all.docs, uint32(id))
			c.all.scores = append(c.all.scores, 1)
		}
	}
	return c, nil
}

// eachDocValues calls visit with the values of the given fields of every live
// document of a snapshot, read from their doc values, then done with the
// document's number.
func eachDocValues(r index.IndexReader, fields []string, visit func(field string, term []byte), done func(n uint64)) error {
	dv, err := r.DocValueReader(fields)
	if err != nil {
		return err
	}
	ids, err := r.DocIDReaderAll()
	if err != nil {
		return err
	}
	defer ids.Close()
	for {
		id, err := ids.Next()
		if err != nil || id == nil {
			return err
		}
		if err := dv.VisitDocValues(id, visit); err != nil {
			return err
		}
		done(id.Value())
	}
}

// snapshot returns a reader of the index as it is now, and its columns; the
// reader is closed and the columns released by done.
func (ix *Index) snapshot() (index.IndexReader, *columns, func(), error) {
	adv, err := ix.b.Advanced()
	if err != nil {
		return nil, nil, nil, err
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	r, err := adv.Reader()
	if err != nil {
		return nil, nil, nil, err
	}
	text := ix.text.snapshot()
	if ix.cols == nil || ix.cols.snapshot != r || ix.cols.text != text {
		cols, err := buildColumns(r, text)
		if err != nil {
			r.Close()
			text.release()
			return nil, nil, nil, err
		}
		if ix.cols != nil {
			ix.cols.text.release()
		}
		text.refs.Add(1) // the columns' own
		ix.cols = cols
	}
	cols := ix.cols
	text.release()
	cols.text.refs.Add(1)
	return r, cols, func() { r.Close(); cols.text.release() }, nil
}

// match is a document found, as the collector keeps it.
type match struct {
	num   uint64
	score float64
	pub   int64
	year  string
}

// matchHeap keeps the best matches seen, the worst on top.
type matchHeap struct {
	m      []match
	better func(a, b *match) bool
}

func (h *matchHeap) Len() int           { return len(h.m) }
func (h *matchHeap) Less(i, j int) bool { return h.better(&h.m[j], &h.m[i]) }
func (h *matchHeap) Swap(i, j int)      { h.m[i], h.m[j] = h.m[j], h.m[i] }
func (h *matchHeap) Push(x any)         { h.m = append(h.m, x.(match)) }
func (h *matchHeap) Pop() any {
	x := h.m[len(h.m)-1]
	h.m = h.m[:len(h.m)-1]
	return x
}

// byRelevance orders by score, then by document number for a stable order.
func byRelevance(a, b *match) bool {
	if a.score != b.score {
		return a.score > b.score
	}
	return a.num < b.num
}

// byDate orders newest first: by publication date, then year, then relevance.
func byDate(a, b *match) bool {
	if a.pub != b.pub {
		return a.pub > b.pub
	}
	if a.year != b.year {
		return a.year > b.year
	}
	return byRelevance(a, b)
}

// collected is what a search found: how many, the page asked for, in order, and
// the facet counts over all of them.
type collected struct {
	total  uint64
	page   []match
	facets map[string]map[string]int
}

// collect runs a query on a snapshot and keeps the matches from..from+size in
// the order asked.
func collect(ctx context.Context, r index.IndexReader, cols *columns, m mapping.IndexMapping, q query.Query, from, size int, byNewest bool) (*collected, error) {
	ev := &evaluator{r: r, m: m, cols: cols}
	found, err := ev.eval(ctx, q)
	if err != nil {
		return nil, err
	}
	h := &matchHeap{better: byRelevance}
	if byNewest {
		h.better = byDate
	}
	var counts [len(facetNames)][]int
	for i := range counts {
		counts[i] = make([]int, len(cols.values[i]))
	}
	out := &collected{total: uint64(len(found.docs))}
	for i, doc := range found.docs {
		m := match{num: uint64(doc), score: float64(found.scores[i])}
		if m.num < uint64(len(cols.pub)) {
			for i := range counts {
				counts[i][cols.codes[i][m.num]]++
			}
			m.pub, m.year = cols.pub[m.num], cols.values[0][cols.codes[0][m.num]]
		}
		switch {
		case len(h.m) < from+size:
			heap.Push(h, m)
		case !byNewest && m.score < h.m[0].score:
			// Worse than the worst kept: most matches, without comparing in full.
		case h.better(&m, &h.m[0]):
			h.m[0] = m
			heap.Fix(h, 0)
		}
	}
	slices.SortFunc(h.m, func(a, b match) int {
		if h.better(&a, &b) {
			return -1
		}
		return 1
	})
	if from < len(h.m) {
		out.page = h.m[from:]
	}
	out.facets = map[string]map[string]int{}
	for i, name := range facetNames {
		out.facets[name] = topValues(cols.values[i], counts[i], facetSize)
	}
	return out, nil
}

// topValues are the n values counted most often (ties by value), with counts.
func topValues(values []string, counts []int, n int) map[string]int {
	var codes []int
	for code, c := range counts {
		if code > 0 && c > 0 {
			codes = append(codes, code)
		}
	}
	slices.SortFunc(codes, func(a, b int) int {
		if c := cmp.Compare(counts[b], counts[a]); c != 0 {
			return c
		}
		return cmp.Compare(values[a], values[b])
	})
	out := map[string]int{}
	for _, code := range codes[:min(n, len(codes))] {
		out[values[code]] = counts[code]
	}
	return out
}

// hit reads a match's stored fields.
func hit(r index.IndexReader, m match) (Hit, string, error) {
	h := Hit{ID: int64(m.num), Score: m.score, Highlights: []string{}}
	doc, err := r.Document(docID(h.ID))
	if err != nil || doc == nil {
		return h, "", err
	}
	var body string
	doc.VisitFields(func(f index.Field) {
		switch f.Name() {
		case fTitle:
			h.Title = string(f.Value())
		case fBody:
			body = string(f.Value())
		case fOrgan:
			h.Organ = string(f.Value())
		case fRegion:
			h.Region = string(f.Value())
		case fYear:
			if nf, ok := f.(index.NumericField); ok {
				y, _ := nf.Number()
				h.Year = int(y)
			}
		case fPublished:
			if df, ok := f.(index.DateTimeField); ok {
				if t, _, err := df.DateTime(); err == nil {
					h.Published = t.UTC().Format(time.DateOnly)
				}
			}
		}
	})
	return h, body, nil
}
