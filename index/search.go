package index

import (
	"context"
	"errors"
	"fmt"
	"html"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
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
	FailedChecks bool // only reports with a failed check or a finding against them
	// FailedRules keeps only the reports with a failed check or a finding against
	// them whose rule begins with one of these space-separated prefixes
	// (report.CheckRules for the reports whose own figures do not add up,
	// report.FindingRules for leads). A string keeps a Request comparable.
	FailedRules string
	Sort        string // "relevance" (default) or "date" (newest first)
	Limit       int    // hits per page (default 20, at most MaxLimit)
	Page        int    // 1-based
}

// MaxLimit is the most hits one page holds.
const MaxLimit = 500

// Hit is one report found.
type Hit struct {
	ID         int64    `json:"id"` // the store's report id
	Title      string   `json:"title"`
	Organ      string   `json:"organ"`
	Region     string   `json:"region"`
	Year       int      `json:"year"`
	Published  string   `json:"published"`
	Score      float64  `json:"score"`
	Highlights []string `json:"highlights"` // HTML: the text escaped, the words found in <mark>
}

// Result is a page of hits with the facets of all matches.
type Result struct {
	Total  uint64                    `json:"total"`
	Hits   []Hit                     `json:"hits"`
	Facets map[string]map[string]int `json:"facets"`
}

// facetSize is how many values of each facet a result lists, most frequent first.
const facetSize = 50

// Search runs a request.
func (ix *Index) Search(ctx context.Context, r Request) (*Result, error) {
	switch r.Sort {
	case "", "relevance", "date":
	default:
		return nil, fmt.Errorf("sort by %q: relevance or date", r.Sort)
	}
	// Bytes that are not UTF-8 (from a URL, say) match nothing, as U+FFFD; left
	// as they are, they would break the patterns made of the words.
	for _, v := range []*string{&r.Query, &r.Region, &r.Organ, &r.Department, &r.Format} {
		*v = strings.ToValidUTF8(*v, "\uFFFD")
	}
	if err := r.checkBounds(); err != nil {
		return nil, err
	}
	p := newParser(ix.dictionary)
	c, err := p.compile(r.Query)
	var syntax *SyntaxError
	if errors.As(err, &syntax) {
		syntax.Query = r.Query
		return nil, syntax
	}
	if err != nil {
		return nil, err
	}
	out := &Result{Hits: []Hit{}, Facets: map[string]map[string]int{}}
	filters := r.filters()
	q := c.q
	if len(filters) > 0 {
		q = query.NewConjunctionQuery(append([]query.Query{c.q}, filters...))
	}
	limit := r.Limit
	if limit <= 0 {
		limit = 20
	}
	limit = min(limit, MaxLimit)
	page := max(r.Page, 1)
	snap, cols, done, err := ix.snapshot()
	if err != nil {
		return nil, err
	}
	defer done()
	found, err := collect(ctx, snap, cols, ix.b.Mapping(), q, (page-1)*limit, limit, r.Sort == "date")
	if err != nil {
		return nil, err
	}
	out.Total, out.Facets = found.total, found.facets
	for _, m := range found.page {
		h, body, err := hit(snap, m)
		if err != nil {
			return nil, err
		}
		h.Highlights = highlights(body, find(body, c.marks), 3)
		if len(h.Highlights) == 0 {
			// Found by its title (or organ, region, labels): show the title marked.
			h.Highlights = highlights(h.Title, find(h.Title, c.marks), 1)
		}
		out.Hits = append(out.Hits, h)
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
		out = append(out, place(fRegionNames, r.Region))
	}
	if r.Organ != "" {
		out = append(out, place(fOrgan, r.Organ))
	}
	if r.Department != "" {
		out = append(out, keywordQuery(fDepartment, r.Department))
	}
	if r.Format != "" {
		out = append(out, keywordQuery(fFormat, r.Format))
	}
	if r.FailedChecks {
		out = append(out, keywordQuery(fAnyFailed, "true"))
	}
	if prefixes := strings.Fields(r.FailedRules); len(prefixes) > 0 {
		rules := make([]query.Query, len(prefixes))
		for i, prefix := range prefixes {
			q := query.NewPrefixQuery(prefix)
			q.SetField(fFailed)
			rules[i] = q
		}
		out = append(out, bleve.NewDisjunctionQuery(rules...))
	}
	return out
}

type span struct{ start, end int }

// find returns where the patterns match a text.
func find(text string, patterns []*regexp.Regexp) []span {
	var out []span
	for _, re := range patterns {
		for _, m := range re.FindAllStringIndex(text, -1) {
			out = append(out, span{m[0], m[1]})
		}
	}
	return out
}

// merge sorts spans and joins those that overlap or touch.
func merge(spans []span) []span {
	if len(spans) == 0 {
		return nil
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	out := []span{spans[0]}
	for _, s := range spans[1:] {
		last := &out[len(out)-1]
		if s.start <= last.end {
			last.end = max(last.end, s.end)
		} else {
			out = append(out, s)
		}
	}
	return out
}

// highlights cuts up to n fragments of text around the spans to mark. The text
// is escaped first and the marks added after, so nothing a portal wrote can
// become markup.
func highlights(text string, spans []span, n int) []string {
	merged := merge(spans)
	const around = 60 // bytes each side, about 20 Chinese characters
	out := []string{}
	used := -1
	for i := 0; i < len(merged) && len(out) < n; i++ {
		m := merged[i]
		if m.start < used {
			continue
		}
		from := runeStart(text, max(m.start-around, 0))
		to := runeEnd(text, min(m.end+around, len(text)))
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
