package web

import (
	"errors"
	"fmt"
	"html"
	"html/template"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"gongkai/index"
	"gongkai/report"
)

// searchRequest reads a search from URL parameters, the same for the page and
// /api/search: q, year (2022 or 2020-2022), region, organ, department, format,
// failed (1: the report's own figures do not add up) or findings (1: a finding
// across reports holds against it), sort (relevance or date), page, limit.
func searchRequest(v url.Values) (index.Request, error) {
	r := index.Request{
		Query: strings.TrimSpace(v.Get("q")), Region: v.Get("region"), Organ: v.Get("organ"),
		Department: v.Get("department"), Format: v.Get("format"), Sort: v.Get("sort"),
	}
	if y := v.Get("year"); y != "" {
		from, to, isRange := strings.Cut(y, "-")
		var err1, err2 error
		r.YearFrom, err1 = strconv.Atoi(from)
		r.YearTo = r.YearFrom
		if isRange {
			r.YearTo, err2 = strconv.Atoi(to)
		}
		if err1 != nil || err2 != nil || r.YearFrom < 1 || r.YearTo < r.YearFrom {
			return r, fmt.Errorf("year %q: give a year (2022) or a range (2020-2022)", y)
		}
	}
	for _, kind := range failedKinds {
		switch f := v.Get(kind.param); f {
		case "", "0", "false":
		case "1", "true":
			if r.FailedRules != "" {
				return r, errors.New("failed=1 and findings=1: choose one (检查与线索只能选一个)")
			}
			r.FailedRules = kind.rules
		default:
			return r, fmt.Errorf("%s %q: give 1 or nothing", kind.param, f)
		}
	}
	switch r.Sort {
	case "", "relevance", "date":
	default:
		return r, fmt.Errorf("sort %q: relevance or date", r.Sort)
	}
	for _, p := range []struct {
		name string
		to   *int
		max  int
	}{{"page", &r.Page, 1_000_000}, {"limit", &r.Limit, index.MaxLimit}} {
		if s := v.Get(p.name); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 1 || n > p.max {
				return r, fmt.Errorf("%s %q: a number from 1 to %d", p.name, s, p.max)
			}
			*p.to = n
		}
	}
	return r, nil
}

// failedKinds are the two filters on what holds against a report, each a set of
// rule prefixes: its own checks that fail (its figures contradict themselves) and
// the findings across reports (leads). One is chosen at a time.
var failedKinds = []struct {
	param, label, rules string
}{
	{"failed", "数字自相矛盾 figures do not add up", strings.Join(report.CheckRules, " ")},
	{"findings", "有跨报告线索 with a finding (late, copied, chain)", strings.Join(report.FindingRules, " ")},
}

// errBadQuery marks an error in what the user asked, as opposed to a failure.
var errBadQuery = errors.New("bad query")

// ErrIndexUnavailable is what a Searcher's error wraps when it cannot search now
// (no index yet, or another command is writing to it): the server answers 503.
var ErrIndexUnavailable = errors.New("搜索索引暂不可用 the search index is not available")

// search runs a search and leaves out the reports the archive no longer holds,
// which an index not yet brought up to date may still list (as gongkai search does).
func (s *server) search(r *http.Request, req index.Request) (*index.Result, error) {
	if s.Index == nil {
		return nil, fmt.Errorf("%w: 尚未建立搜索索引 no search index", ErrIndexUnavailable)
	}
	res, err := s.Index.Search(r.Context(), req)
	switch {
	case errors.Is(err, index.ErrBadQuery):
		return nil, fmt.Errorf("%w: %w", errBadQuery, err)
	case errors.Is(err, index.ErrNoIndex) || errors.Is(err, index.ErrOutdated):
		return nil, fmt.Errorf("%w: %v", ErrIndexUnavailable, err)
	case err != nil:
		return nil, err
	}
	ids := make([]int64, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	held, err := s.Store.SearchHeld(r.Context(), ids)
	if err != nil {
		return nil, err
	}
	// A copy: the Searcher may hand the same result to other requests.
	out := *res
	out.Hits = make([]index.Hit, 0, len(res.Hits))
	for _, h := range res.Hits {
		if held[h.ID] {
			out.Hits = append(out.Hits, h)
		}
	}
	out.Total -= uint64(len(res.Hits) - len(out.Hits))
	return &out, nil
}

func searchStatus(err error) int {
	switch {
	case errors.Is(err, errBadQuery):
		return http.StatusBadRequest
	case errors.Is(err, ErrIndexUnavailable):
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

func (s *server) apiSearch(w http.ResponseWriter, r *http.Request) {
	req, err := searchRequest(r.URL.Query())
	if err != nil {
		writeJSONError(w, http.StatusBadRequest, err.Error())
		return
	}
	res, err := s.search(r, req)
	if err != nil {
		s.failSearch(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

func (s *server) failSearch(w http.ResponseWriter, r *http.Request, err error) {
	status := searchStatus(err)
	if status == http.StatusInternalServerError {
		s.fail(w, r, status, err)
		return
	}
	msg := strings.TrimPrefix(err.Error(), errBadQuery.Error()+": ")
	if _, f := splitFormat(r.URL.Path); strings.HasPrefix(r.URL.Path, "/api/") || f == asJSON {
		var syntax *index.SyntaxError
		if errors.As(err, &syntax) {
			writeJSON(w, status, syntaxJSON{msg, syntax.Query, syntax.Near, syntax.Zh, syntax.En})
			return
		}
		writeJSONError(w, status, msg)
		return
	}
	s.render(w, r, status, "error", errorPage{page: page{Title: "搜索 Search"}, Status: status, Message: msg})
}

// syntaxJSON is the API's answer to a query it cannot read: the message, and
// apart the query, the term where it went wrong (empty at the end) and what is
// wrong in Chinese and in English.
type syntaxJSON struct {
	Error string `json:"error"`
	Query string `json:"query"`
	Near  string `json:"near"`
	Zh    string `json:"zh"`
	En    string `json:"en"`
}

type searchPage struct {
	page
	Req         index.Request
	Year        string
	Result      *index.Result
	Hits        []hitView
	Facets      []facetView
	Active      []activeFilter
	Failed      []facetItem // the failed-checks and findings filters with their counts
	Hidden      []hiddenParam
	Sorts       []facetItem
	Page        int
	Pages       int
	Prev        string
	Next        string
	From        int
	To          int
	Limit       int
	NoIndex     bool
	Unavailable string
	Bad         *badQuery // what is wrong with the query, shown beside it
}

// badQuery is a query the parser cannot read, as the page explains it.
type badQuery struct {
	Zh, En, Near string
	AtEnd        bool
}

type hitView struct {
	index.Hit
	URL        string
	Highlights []template.HTML
}

type facetView struct {
	Name  string
	Label string
	Items []facetItem
}

type facetItem struct {
	Value  string
	Count  int
	URL    string
	Active bool
}

type activeFilter struct {
	Label     string
	Value     string
	RemoveURL string
}

var facetLabels = []struct{ name, label string }{
	{"year", "年度 year"}, {"region", "地区 region"}, {"department", "部门 department"}, {"format", "格式 format"},
}

// formatLabels name the table formats in the facets.
var formatLabels = map[string]string{"2021": "2021版", "2019": "2019版", "legacy": "旧版 legacy"}

// searchURL is the search page's URL with a parameter set (or removed, when
// value is empty) and the page reset.
func searchURL(v url.Values, name, value string) string {
	q := url.Values{}
	for k, vs := range v {
		if k != name && k != "page" {
			q[k] = vs
		}
	}
	if value != "" {
		q.Set(name, value)
	}
	return "/search?" + q.Encode()
}

func (s *server) searchPage(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	req, err := searchRequest(v)
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, err)
		return
	}
	switch _, f := splitFormat(r.URL.Path); f {
	case asJSON:
		s.apiSearch(w, r)
		return
	case asCSV:
		s.searchCSV(w, r, req)
		return
	}
	p := searchPage{page: page{Title: "搜索 Search", Query: req.Query}, Req: req, Year: v.Get("year")}
	if p.Query != "" {
		p.Title = p.Query + " · 搜索"
	}
	// The filters go along with a new query, also one typed after an error.
	for _, name := range []string{"year", "region", "organ", "department", "format", "failed", "findings", "sort"} {
		if val := v.Get(name); val != "" {
			p.Hidden = append(p.Hidden, hiddenParam{name, val})
		}
	}
	res, err := s.search(r, req)
	if errors.Is(err, ErrIndexUnavailable) {
		p.NoIndex = true
		p.Unavailable = err.Error()
		s.render(w, r, http.StatusServiceUnavailable, "search", p)
		return
	}
	// A query that cannot be read stays in its box, with what is wrong and the
	// syntax beside it. (One past the bounds gets the error page: it is not sent back.)
	if syntax := (*index.SyntaxError)(nil); errors.As(err, &syntax) {
		p.Bad = &badQuery{Zh: syntax.Zh, En: syntax.En, Near: syntax.Near, AtEnd: syntax.Near == ""}
		s.render(w, r, http.StatusBadRequest, "search", p)
		return
	}
	if err != nil {
		s.failSearch(w, r, err)
		return
	}
	p.Result = res
	limit := req.Limit
	if limit == 0 {
		limit = 20 // the index's default
	}
	p.Page = max(req.Page, 1)
	p.Pages = int((res.Total + uint64(limit) - 1) / uint64(limit))
	p.From = (p.Page-1)*limit + 1
	p.To = p.From + len(res.Hits) - 1
	if p.Page > 1 {
		p.Prev = pageURL(v, p.Page-1)
	}
	if p.Page < p.Pages {
		p.Next = pageURL(v, p.Page+1)
	}
	for _, h := range res.Hits {
		hv := hitView{Hit: h, URL: reportURL(h.ID)}
		for _, frag := range h.Highlights {
			hv.Highlights = append(hv.Highlights, safeHighlight(frag))
		}
		p.Hits = append(p.Hits, hv)
	}
	p.Facets = facetViews(v, res)
	p.Active = activeFilters(v)
	// The failed-checks and findings facets: the index counts each with a hit-less search.
	for _, kind := range failedKinds {
		kindReq := req
		kindReq.FailedRules, kindReq.Limit, kindReq.Page = kind.rules, 1, 1
		fr, err := s.search(r, kindReq)
		if err != nil {
			continue
		}
		item := facetItem{Value: kind.label, Count: int(fr.Total), Active: req.FailedRules == kind.rules}
		others := url.Values{}
		for k, vs := range v {
			if k != "failed" && k != "findings" {
				others[k] = vs
			}
		}
		if item.Active {
			item.URL = searchURL(others, kind.param, "")
		} else {
			item.URL = searchURL(others, kind.param, "1")
		}
		p.Failed = append(p.Failed, item)
	}
	for _, so := range []struct{ value, label string }{{"", "相关度 relevance"}, {"date", "发布日期 date"}} {
		p.Sorts = append(p.Sorts, facetItem{Value: so.label, URL: searchURL(v, "sort", so.value), Active: req.Sort == so.value || (so.value == "" && req.Sort == "relevance")})
	}
	p.Downloads = []link{{"CSV", withFormat(r, ".csv")}, {"JSON", withFormat(r, ".json")}}
	s.render(w, r, http.StatusOK, "search", p)
}

func pageURL(v url.Values, n int) string {
	q := url.Values{}
	for k, vs := range v {
		q[k] = vs
	}
	q.Set("page", strconv.Itoa(n))
	return "/search?" + q.Encode()
}

func facetViews(v url.Values, res *index.Result) []facetView {
	var out []facetView
	for _, f := range facetLabels {
		counts := res.Facets[f.name]
		if len(counts) == 0 {
			continue
		}
		fv := facetView{Name: f.name, Label: f.label}
		for value, n := range counts {
			item := facetItem{Value: value, Count: n, Active: v.Get(f.name) == value}
			if f.name == "format" && formatLabels[value] != "" {
				item.Value = formatLabels[value]
			}
			switch {
			case value == "":
				item.Value = "（未识别 unknown）" // no filter selects a missing value
			case item.Active:
				item.URL = searchURL(v, f.name, "")
			default:
				item.URL = searchURL(v, f.name, value)
			}
			fv.Items = append(fv.Items, item)
		}
		sort.Slice(fv.Items, func(i, j int) bool {
			a, b := fv.Items[i], fv.Items[j]
			if f.name == "year" {
				return a.Value > b.Value
			}
			if a.Count != b.Count {
				return a.Count > b.Count
			}
			return a.Value < b.Value
		})
		out = append(out, fv)
	}
	return out
}

var filterLabels = []struct{ name, label string }{
	{"year", "年度"}, {"region", "地区"}, {"organ", "机关"}, {"department", "部门"}, {"format", "格式"},
	{"failed", "数字自相矛盾"}, {"findings", "有跨报告线索"},
}

// hiddenParam is a filter the search form carries along with a new query.
type hiddenParam struct{ Name, Value string }

func activeFilters(v url.Values) []activeFilter {
	var out []activeFilter
	for _, f := range filterLabels {
		if val := v.Get(f.name); val != "" {
			out = append(out, activeFilter{Label: f.label, Value: val, RemoveURL: searchURL(v, f.name, "")})
		}
	}
	return out
}

// safeHighlight lets a highlight fragment from the index through as markup only if
// it is escaped text with <mark> elements: the index escapes before it marks, and
// this checks that it did. Anything else is shown as plain text.
func safeHighlight(frag string) template.HTML {
	plain := strings.NewReplacer("<mark>", "", "</mark>", "").Replace(frag)
	if !strings.ContainsAny(plain, `<>"'`) && strings.Count(frag, "<mark>") == strings.Count(frag, "</mark>") &&
		html.EscapeString(html.UnescapeString(plain)) == plain {
		return template.HTML(frag)
	}
	return template.HTML(html.EscapeString(html.UnescapeString(plain)))
}

// searchCSV sends a search's hits as a CSV file: up to index.MaxLimit of them
// from the page asked for (the first unless page= says), best first.
func (s *server) searchCSV(w http.ResponseWriter, r *http.Request, req index.Request) {
	if r.URL.Query().Get("limit") == "" {
		req.Limit = index.MaxLimit
	}
	res, err := s.search(r, req)
	if err != nil {
		s.failSearch(w, r, err)
		return
	}
	header := []string{"report_id", "title", "organ", "region", "year", "published", "score", "url"}
	var rows [][]string
	for _, h := range res.Hits {
		year := ""
		if h.Year != 0 {
			year = strconv.Itoa(h.Year)
		}
		rows = append(rows, []string{strconv.FormatInt(h.ID, 10), h.Title, h.Organ, h.Region, year, h.Published,
			strconv.FormatFloat(h.Score, 'f', 4, 64), reportURL(h.ID)})
	}
	download(w, "search", header, rows)
}
