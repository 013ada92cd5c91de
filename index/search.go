package index

import (
	"context"
	"fmt"
	"html"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
)

// Request is a search with its filters, as the CLI and the API take it.
type Request struct {
	Query        string
	YearFrom     int // 0: no lower bound
	YearTo       int // 0: no upper bound
	Region       string
	Organ        string
	Department   string
	Format       string
	FailedChecks bool   // only reports with a failed check or a finding against them
	Sort         string // "relevance" (default) or "date" (newest first)
	Limit        int    // hits per page (default 20, at most 500)
	Page         int    // 1-based
}

// Hit is one report found.
type Hit struct {
	ID         string   `json:"id"`
	Title      string   `json:"title"`
	Organ      string   `json:"organ"`
	Region     string   `json:"region"`
	Year       int      `json:"year"`
	Published  string   `json:"published"`
	Score      float64  `json:"score"`
	Highlights []string `json:"highlights"`
}

// Result is a page of hits with the facets of all matches.
type Result struct {
	Total  uint64                    `json:"total"`
	Hits   []Hit                     `json:"hits"`
	Facets map[string]map[string]int `json:"facets"`
	// Fallback names the single characters that were searched by substring in
	// the store's text, which the bigram index cannot match.
	Fallback []string `json:"fallback,omitempty"`
}

// Substring finds the reports whose text contains s (for queries of one Chinese
// character), at most limit of them.
type Substring func(ctx context.Context, s string, limit int) ([]int64, error)

// maxFallback caps the reports a one-character term can match: such a term is a
// filter of last resort, not a way to list the archive.
const maxFallback = 10_000

// Facet names, as the JSON output names them.
var facetFields = map[string]string{"year": fYearFacet, "region": fRegion, "department": fDepartment, "format": fFormat}

// Search runs a request.
func (ix *Index) Search(ctx context.Context, r Request, substr Substring) (*Result, error) {
	c, err := compile(r.Query)
	if err != nil {
		return nil, fmt.Errorf("query %q: %v", r.Query, err)
	}
	for _, ch := range c.single {
		if substr == nil {
			return nil, fmt.Errorf("query %q: a single character (%s) needs the store's text", r.Query, ch)
		}
		ids, err := substr(ctx, ch, maxFallback)
		if err != nil {
			return nil, err
		}
		strs := make([]string, len(ids))
		for i, id := range ids {
			strs[i] = docID(id)
		}
		c.holes[ch].IDs = strs
	}
	conds := []query.Query{c.q}
	conds = append(conds, r.filters()...)
	var q query.Query = c.q
	if len(conds) > 1 {
		q = query.NewConjunctionQuery(conds)
	}
	limit := r.Limit
	if limit <= 0 {
		limit = 20
	}
	limit = min(limit, 500)
	page := max(r.Page, 1)
	req := bleve.NewSearchRequestOptions(q, limit, (page-1)*limit, false)
	req.Fields = []string{fTitle, fBody, fOrgan, fRegion, fYear, fPublished}
	req.IncludeLocations = true
	if r.Sort == "date" {
		req.SortBy([]string{"-" + fPublished, "-" + fYear, "-_score"})
	}
	for name, field := range facetFields {
		req.AddFacet(name, bleve.NewFacetRequest(field, 50))
	}
	res, err := ix.b.SearchInContext(ctx, req)
	if err != nil {
		return nil, err
	}
	out := &Result{Total: res.Total, Hits: []Hit{}, Facets: map[string]map[string]int{}, Fallback: c.single}
	for name := range facetFields {
		counts := map[string]int{}
		if f := res.Facets[name]; f != nil && f.Terms != nil {
			for _, t := range f.Terms.Terms() {
				counts[t.Term] = t.Count
			}
		}
		out.Facets[name] = counts
	}
	for _, h := range res.Hits {
		out.Hits = append(out.Hits, toHit(h))
	}
	return out, nil
}

func (r Request) filters() []query.Query {
	var out []query.Query
	if r.YearFrom > 0 || r.YearTo > 0 {
		lo, hi := float64(r.YearFrom), float64(r.YearTo)
		if r.YearTo == 0 {
			hi = 9999
		}
		t := true
		q := bleve.NewNumericRangeInclusiveQuery(&lo, &hi, &t, &t)
		q.SetField(fYear)
		out = append(out, q)
	}
	if r.Region != "" {
		out = append(out, prefixOrPhrase(fRegion, fRegionText, r.Region))
	}
	if r.Organ != "" {
		out = append(out, prefixOrPhrase(fOrgan, fOrganText, r.Organ))
	}
	if r.Department != "" {
		t := query.NewTermQuery(r.Department)
		t.SetField(fDepartment)
		out = append(out, t)
	}
	if r.Format != "" {
		t := query.NewTermQuery(r.Format)
		t.SetField(fFormat)
		out = append(out, t)
	}
	if r.FailedChecks {
		w := query.NewWildcardQuery("*")
		w.SetField(fFailed)
		out = append(out, w)
	}
	return out
}

func toHit(h *search.DocumentMatch) Hit {
	hit := Hit{ID: h.ID, Score: h.Score, Highlights: []string{}}
	hit.Title, _ = h.Fields[fTitle].(string)
	hit.Organ, _ = h.Fields[fOrgan].(string)
	hit.Region, _ = h.Fields[fRegion].(string)
	if y, ok := h.Fields[fYear].(float64); ok {
		hit.Year = int(y)
	}
	if p, ok := h.Fields[fPublished].(string); ok && len(p) >= 10 {
		hit.Published = p[:10]
	}
	body, _ := h.Fields[fBody].(string)
	hit.Highlights = highlights(body, h.Locations[fBody], 3)
	return hit
}

// highlights cuts up to n fragments of text around the matched terms. The text is
// escaped first and the marks added after, so nothing a portal wrote can become
// markup.
func highlights(text string, locs search.TermLocationMap, n int) []string {
	type span struct{ start, end int }
	var spans []span
	for _, ls := range locs {
		for _, l := range ls {
			if int(l.End) <= len(text) && l.Start < l.End {
				spans = append(spans, span{int(l.Start), int(l.End)})
			}
		}
	}
	if len(spans) == 0 {
		return []string{}
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	merged := []span{spans[0]}
	for _, s := range spans[1:] {
		last := &merged[len(merged)-1]
		if s.start <= last.end {
			last.end = max(last.end, s.end)
		} else {
			merged = append(merged, s)
		}
	}
	const context = 60 // bytes each side, about 20 Chinese characters
	var out []string
	used := -1
	for i := 0; i < len(merged) && len(out) < n; i++ {
		m := merged[i]
		if m.start < used {
			continue
		}
		from := runeStart(text, max(m.start-context, 0))
		to := runeEnd(text, min(m.end+context, len(text)))
		var b strings.Builder
		if from > 0 {
			b.WriteString("…")
		}
		pos := from
		for j := i; j < len(merged) && merged[j].start < to; j++ {
			s := merged[j]
			e := min(s.end, to)
			b.WriteString(html.EscapeString(text[pos:s.start]))
			b.WriteString("<mark>" + html.EscapeString(text[s.start:e]) + "</mark>")
			pos = e
		}
		b.WriteString(html.EscapeString(text[pos:to]))
		if to < len(text) {
			b.WriteString("…")
		}
		out = append(out, strings.Join(strings.Fields(b.String()), " "))
		used = to
	}
	return out
}

func runeStart(s string, i int) int {
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return i
}

func runeEnd(s string, i int) int {
	for i < len(s) && !utf8.RuneStart(s[i]) {
		i++
	}
	return i
}
