package crawl

import (
	"encoding/json"
	"fmt"
	"gongkai/internal/textfmt"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// A portal's own JSON list API (portals.md F5): the column page is a shell whose
// scripts ask an endpoint of the portal for the list, and no two portals share
// one. So the request and where the answer keeps its items are configured
// ([[portals.api]] in the configuration file), and the crawler pages through the
// API as through any list: the same frontier, priorities, politeness and WARC,
// a POST's body part of its identity.

// viaAPI marks the requests of a configured list API; the Via of a request is
// "api:N", N the API's index in the portal's configuration.
const viaAPI = "api"

// ListAPI is one configured list API.
type ListAPI struct {
	// URL is the request's URL and Body a POST's body. In both, {page} is the page
	// number (counted from FirstPage), {size} is PageSize, {offset} the number of
	// items before the page, {start} and {end} the first and last item of the page
	// counted from 1.
	URL    string
	Method string // GET or POST
	Body   string
	// BodyType is the body's media type: application/x-www-form-urlencoded or
	// application/json.
	BodyType  string
	FirstPage int // 0 or 1
	PageSize  int
	// Referer is sent with every request (list APIs answer only their column
	// page); relative links in the answer are resolved against it, as the
	// browser resolves them against the page that asked.
	Referer string
	Headers map[string]string // sent with every request (X-Requested-With …)
	// Items is the path of the answer's array of items ("" when the answer is the
	// array); Title, Link and Date are paths within an item. An empty Title or
	// Link means the usual names (title, TITLE …; any URL-like field).
	Items, Title, Link, Date string
	// TotalPages and TotalRecords are paths of the counts the answer gives, if any.
	TotalPages, TotalRecords string
	// ReportColumn says the API lists an annual-report column: every item is a
	// candidate report. Otherwise only items whose title names a report are.
	ReportColumn bool
}

// Path is a place in a JSON answer: keys separated by dots, an array element by
// its index (data.list, results.data.results, rows.0.title, data.rows[0].url).
type Path []pathStep

type pathStep struct {
	key   string
	index int // an array element when key is ""
}

var pathIndex = regexp.MustCompile(`^(.*?)\[(\d+)\]$`)

// ParsePath reads a path; "" is the answer itself.
func ParsePath(p string) (Path, error) {
	if strings.TrimSpace(p) == "" {
		return nil, nil
	}
	var out Path
	for _, seg := range strings.Split(p, ".") {
		var idx []int
		for {
			m := pathIndex.FindStringSubmatch(seg)
			if m == nil {
				break
			}
			n, _ := strconv.Atoi(m[2])
			idx = append([]int{n}, idx...)
			seg = m[1]
		}
		switch {
		case seg == "" && len(idx) == 0:
			return nil, fmt.Errorf("%q has an empty step (two dots, or a dot at an end)", p)
		case strings.ContainsAny(seg, "[] \t"):
			return nil, fmt.Errorf("%q: step %q is not a key or a key[index] (write data.list or rows[0].title)", p, seg)
		case seg != "" && len(idx) == 0 && isDigits(seg):
			n, _ := strconv.Atoi(seg)
			out = append(out, pathStep{index: n})
			continue
		case seg != "":
			out = append(out, pathStep{key: seg, index: -1})
		}
		for _, n := range idx {
			out = append(out, pathStep{index: n})
		}
	}
	return out, nil
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// lookup returns the value at the path, if the answer has one there.
func (p Path) lookup(v any) (any, bool) {
	for _, st := range p {
		switch x := v.(type) {
		case map[string]any:
			if st.key == "" {
				return nil, false
			}
			e, ok := x[st.key]
			if !ok {
				return nil, false
			}
			v = e
		case []any:
			if st.key != "" || st.index >= len(x) {
				return nil, false
			}
			v = x[st.index]
		default:
			return nil, false
		}
	}
	return v, true
}

func mustPath(p string) Path {
	out, _ := ParsePath(p) // validated when the configuration was read
	return out
}

// fill replaces the placeholders of a URL or body template for a page.
func (a *ListAPI) fill(tmpl string, page int) string {
	offset := (page - a.FirstPage) * a.PageSize
	return strings.NewReplacer("{page}", strconv.Itoa(page), "{size}", strconv.Itoa(a.PageSize),
		"{offset}", strconv.Itoa(offset), "{start}", strconv.Itoa(offset+1), "{end}", strconv.Itoa(offset+a.PageSize)).Replace(tmpl)
}

// apiVia names the n-th API of a portal in a request's Via.
func apiVia(n int) string { return viaAPI + ":" + strconv.Itoa(n) }

// listAPIOf returns the configured API that made a request, if one did.
func (p *Portal) listAPIOf(it Item) (*ListAPI, int, bool) {
	rest, ok := strings.CutPrefix(it.Via, viaAPI+":")
	if !ok || p == nil {
		return nil, 0, false
	}
	n, err := strconv.Atoi(rest)
	if err != nil || n < 0 || n >= len(p.APIs) {
		return nil, 0, false
	}
	return &p.APIs[n], n, true
}

// apiPageText is the words a list API's request keeps in the frontier; the page
// number is read back from them.
func apiPageText(n, page int) string { return fmt.Sprintf("list API %d, page %d", n, page) }

func apiPageOf(it Item) int {
	var n, page int
	if _, err := fmt.Sscanf(it.Text, "list API %d, page %d", &n, &page); err != nil {
		return 0
	}
	return page
}

// listAPIRequest is the request for one page of a portal's n-th API.
func (p *Portal) listAPIRequest(n, page int, from string, depth int) Item {
	a := &p.APIs[n]
	it := Item{URL: a.fill(a.URL, page), Portal: p.Name, Kind: KindList, Depth: depth, From: from, Referer: a.Referer,
		Via: apiVia(n), Text: apiPageText(n, page), Priority: PriorityColumn, InReportColumn: a.ReportColumn}
	if a.ReportColumn {
		it.Priority = PriorityReportList
	}
	it.Key = Canonical(it.URL)
	if a.Method == http.MethodPost {
		it.Method, it.Body, it.BodyType = http.MethodPost, a.fill(a.Body, page), a.BodyType
		it.Key = PostKey(it.Key, it.Body)
	}
	return it
}

// listAPIStarts are the first pages of a portal's configured APIs.
func (p *Portal) listAPIStarts() []Item {
	var out []Item
	for n := range p.APIs {
		out = append(out, p.listAPIRequest(n, p.APIs[n].FirstPage, p.APIs[n].Referer, 0))
	}
	return out
}

// apiPage is what one answer of a configured API held.
type apiPage struct {
	links []link
	more  bool   // the answer had items and does not say it was the last page
	note  string // what the answer held, for the URL's outcome
}

// read reads an answer of the API for page.
func (a *ListAPI) read(body string, base *url.URL, page int) apiPage {
	var v any
	if err := json.Unmarshal([]byte(strings.TrimSpace(body)), &v); err != nil {
		return apiPage{note: fmt.Sprintf("the answer is not JSON (%v): %q", err, clip(body, 60))}
	}
	got, ok := mustPath(a.Items).lookup(v)
	items, isArray := got.([]any)
	if !ok || (!isArray && got != nil) {
		return apiPage{note: fmt.Sprintf("the answer has no array of items at %q (it has %s)", a.Items, describeJSON(v))}
	}
	var out apiPage
	withLink := 0
	for _, e := range items {
		obj, ok := e.(map[string]any)
		if !ok {
			continue
		}
		title := a.itemTitle(obj)
		found := a.itemLinks(obj)
		if len(found) > 0 {
			withLink++
		}
		date := a.itemDate(obj)
		for _, raw := range found {
			u, err := base.Parse(strings.TrimSpace(raw))
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
				continue
			}
			u.Fragment = ""
			out.links = append(out.links, link{URL: u, Text: title, Date: date})
		}
	}
	out.note = fmt.Sprintf("page %d: %s, %d with a link", page, textfmt.Count(len(items), "item"), withLink)
	if len(items) > 0 && withLink == 0 {
		where := "no field that holds a URL"
		if a.Link != "" {
			where = fmt.Sprintf("no link at %q", a.Link)
		}
		out.note += fmt.Sprintf(" (%s; an item has %s)", where, describeJSON(items[0]))
	}
	out.more = len(items) > 0
	nth := page - a.FirstPage + 1 // pages read so far, this one included
	if n, ok := jsonNumber(mustPath(a.TotalPages), v); ok && a.TotalPages != "" && nth >= int(n) {
		out.more = false
		out.note += fmt.Sprintf("; the last of %d pages", int(n))
	}
	size := a.PageSize
	if size <= 0 {
		size = len(items)
	}
	if n, ok := jsonNumber(mustPath(a.TotalRecords), v); ok && a.TotalRecords != "" && nth*size >= int(n) {
		out.more = false
		out.note += fmt.Sprintf("; %d records in all", int(n))
	}
	return out
}

// itemTitle is an item's title: at the configured path, else under the usual names.
func (a *ListAPI) itemTitle(obj map[string]any) string {
	if a.Title != "" {
		if s, ok := mustPath(a.Title).lookup(obj); ok {
			return strings.TrimSpace(fmt.Sprint(s))
		}
		return ""
	}
	return itemTitle(obj)
}

// itemLinks are an item's URL (at the configured path, else any URL-like field)
// and the attachments it names anywhere (gkmlpt-style attachment lists).
func (a *ListAPI) itemLinks(obj map[string]any) []string {
	var out []string
	if a.Link != "" {
		if s, ok := mustPath(a.Link).lookup(obj); ok {
			if str, ok := s.(string); ok {
				out = append(out, itemURLs(str)...)
			}
		}
		for _, l := range jsonLinks(obj) {
			if attachmentExt.MatchString(strings.SplitN(l.raw, "?", 2)[0]) {
				out = append(out, l.raw)
			}
		}
		return out
	}
	for _, l := range jsonLinks(obj) {
		out = append(out, l.raw)
	}
	return out
}

// itemDate is an item's date as YYYY-MM-DD when it reads as one (a date string,
// or milliseconds or seconds since 1970), else as written; "" without a Date path.
func (a *ListAPI) itemDate(obj map[string]any) string {
	if a.Date == "" {
		return ""
	}
	v, ok := mustPath(a.Date).lookup(obj)
	if !ok || v == nil {
		return ""
	}
	switch x := v.(type) {
	case float64:
		secs := int64(x)
		if x > 1e11 {
			secs = int64(x / 1000)
		}
		return time.Unix(secs, 0).UTC().Format(time.DateOnly)
	case string:
		return normalDate(x)
	}
	return ""
}

var dateParts = regexp.MustCompile(`((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})`)

// normalDate writes a list's date as YYYY-MM-DD ("2024-1-5", "2024年01月05日 09:00").
func normalDate(s string) string {
	m := dateParts.FindStringSubmatch(s)
	if m == nil {
		return strings.TrimSpace(s)
	}
	mo, _ := strconv.Atoi(m[2])
	d, _ := strconv.Atoi(m[3])
	return fmt.Sprintf("%s-%02d-%02d", m[1], mo, d)
}

// jsonNumber reads a count that an answer may give as a number or a string.
func jsonNumber(p Path, v any) (float64, bool) {
	x, ok := p.lookup(v)
	if !ok {
		return 0, false
	}
	switch n := x.(type) {
	case float64:
		return n, !math.IsNaN(n)
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(n), 64)
		return f, err == nil
	}
	return 0, false
}

// describeJSON says what a JSON value holds, for a user whose paths do not fit:
// the paths of its arrays and its keys.
func describeJSON(v any) string {
	var arrays, keys []string
	var walk func(v any, at string, depth int)
	walk = func(v any, at string, depth int) {
		if depth > 4 {
			return
		}
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				p := k
				if at != "" {
					p = at + "." + k
				}
				if depth == 0 {
					keys = append(keys, k)
				}
				walk(e, p, depth+1)
			}
		case []any:
			if at != "" {
				arrays = append(arrays, fmt.Sprintf("%s (%d)", at, len(x)))
			}
		}
	}
	walk(v, "", 0)
	sort.Strings(arrays)
	sort.Strings(keys)
	switch {
	case len(arrays) > 0:
		return "arrays at " + strings.Join(arrays, ", ")
	case len(keys) > 0:
		return "keys " + strings.Join(keys, ", ")
	}
	return fmt.Sprintf("%T", v)
}

// clip shortens a text for a message.
func clip(s string, n int) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) <= n {
		return string(r)
	}
	return string(r[:n]) + "…"
}

// listAPINext is the request for the page after it, while its answer brought
// new links and does not say it was the last.
func (p *Portal) listAPINext(it Item, ans apiPage, fresh int) []Item {
	_, n, ok := p.listAPIOf(it)
	if !ok || !ans.more || fresh == 0 {
		return nil
	}
	return []Item{p.listAPIRequest(n, apiPageOf(it)+1, it.URL, it.Depth)}
}

// listsWithAPI says whether a page is the column page of a configured API: a
// shell whose list the API gives.
func (p *Portal) listsWithAPI(page *url.URL) bool {
	key := Canonical(page.String())
	for _, a := range p.APIs {
		if a.Referer != "" && Canonical(a.Referer) == key {
			return true
		}
	}
	return false
}
