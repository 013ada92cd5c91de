package config

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"unicode"

	"gongkai/crawl"
)

// ListAPI is a portal's own JSON list API ([[portals.api]]; portals.md F5): a
// column whose page is a shell that scripts fill from an endpoint of the portal.
// The crawler asks the endpoint page by page and reads the answer where the
// block says its items, titles, links, dates and totals are.
type ListAPI struct {
	// URL is the request's URL; {page} is replaced by the page number, {size}
	// by page_size, {offset} by the items before the page, {start} and {end} by
	// its first and last item counted from 1.
	URL    string `toml:"url"`
	Method string `toml:"method"` // GET (default) or POST
	// Body is a POST's body, with the same placeholders; BodyType says how it
	// is sent: "form" (application/x-www-form-urlencoded, the default) or "json".
	Body     string `toml:"body"`
	BodyType string `toml:"body_type"`
	// FirstPage is the number of the first page: 1 (the default) or 0.
	FirstPage *int `toml:"first_page"`
	PageSize  int  `toml:"page_size"`
	// Referer is sent with every request; default the portal's first start URL.
	Referer string            `toml:"referer"`
	Headers map[string]string `toml:"headers"`
	// Items is where the answer keeps its array of items (data.list, infolist,
	// results.data.results; "" when the answer is the array). Title, Link and
	// Date are where an item keeps them; Title and Link default to the usual
	// names (title, TITLE …; any field holding a URL).
	Items string `toml:"items"`
	Title string `toml:"title"`
	Link  string `toml:"link"`
	Date  string `toml:"date"`
	// TotalPages and TotalRecords are where the answer says how many pages or
	// items there are; paging also stops at an empty page and at a page that
	// brings no new link.
	TotalPages   string `toml:"total_pages"`
	TotalRecords string `toml:"total_records"`
	// ReportColumn says the API lists the annual-report column itself, so every
	// item is a candidate report; otherwise only items whose title names one.
	ReportColumn bool `toml:"report_column"`
}

var headerName = regexp.MustCompile("^[!#$%&'*+\\-.^_`|~0-9A-Za-z]+$")

// placeholders are what a URL or body template may hold.
var placeholder = regexp.MustCompile(`\{(\w*)\}`)

// validate checks one API block of portal p; key names it (portals[1] (苏州).api[0]).
func (a ListAPI) validate(key string, p Portal) error {
	if strings.TrimSpace(a.URL) == "" {
		return fmt.Errorf("%s.url: the list request's URL is needed", key)
	}
	method := strings.ToUpper(a.Method)
	switch method {
	case "", http.MethodGet, http.MethodPost:
	default:
		return fmt.Errorf("%s.method: %q: write \"GET\" or \"POST\"", key, a.Method)
	}
	filled := fillExample(a.URL)
	u, err := url.Parse(filled)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%s.url: %q is not an http(s) URL", key, a.URL)
	}
	if !p.visits(u.Host) {
		return fmt.Errorf("%s.url: %q is outside the portal's hosts %q: the crawl could not ask it", key, a.URL, p.Domains())
	}
	for _, t := range []struct{ key, s string }{{"url", a.URL}, {"body", a.Body}} {
		for _, m := range placeholder.FindAllStringSubmatch(t.s, -1) {
			switch m[1] {
			case "page", "size", "offset", "start", "end":
			default:
				if t.key == "body" && a.BodyType == "json" {
					continue // a JSON object's braces
				}
				return fmt.Errorf("%s.%s: %s is not a placeholder: use {page}, {size}, {offset}, {start} or {end}", key, t.key, m[0])
			}
		}
	}
	if !strings.Contains(a.URL+a.Body, "{page}") && !strings.Contains(a.URL+a.Body, "{offset}") && !strings.Contains(a.URL+a.Body, "{start}") {
		return fmt.Errorf("%s.url: neither the URL nor the body holds {page} (or {offset}, {start}): every request would ask for the same page", key)
	}
	usesSize := strings.Contains(a.URL+a.Body, "{size}") || strings.Contains(a.URL+a.Body, "{offset}") ||
		strings.Contains(a.URL+a.Body, "{start}") || strings.Contains(a.URL+a.Body, "{end}")
	switch {
	case a.PageSize < 0:
		return fmt.Errorf("%s.page_size: must not be negative", key)
	case usesSize && a.PageSize == 0:
		return fmt.Errorf("%s.page_size: the request uses {size}, {offset}, {start} or {end}, which need page_size", key)
	case a.FirstPage != nil && *a.FirstPage != 0 && *a.FirstPage != 1:
		return fmt.Errorf("%s.first_page: %d: the first page is numbered 0 or 1", key, *a.FirstPage)
	}
	switch a.BodyType {
	case "", "form", "json":
	default:
		return fmt.Errorf("%s.body_type: %q: write \"form\" or \"json\"", key, a.BodyType)
	}
	if a.Body != "" && method != http.MethodPost {
		return fmt.Errorf("%s.body: a GET sends no body; set method = \"POST\" or put the fields in the URL", key)
	}
	if a.BodyType == "json" && a.Body != "" && !json.Valid([]byte(fillExample(a.Body))) {
		return fmt.Errorf("%s.body: with body_type = \"json\" the body must be JSON once {page} is filled in: %q", key, a.Body)
	}
	if a.BodyType == "form" && a.Body != "" {
		if _, err := url.ParseQuery(fillExample(a.Body)); err != nil {
			return fmt.Errorf("%s.body: not a form body such as \"pageIndex={page}&channel_id=…\": %v", key, err)
		}
	}
	if a.Referer != "" {
		r, err := url.Parse(a.Referer)
		if err != nil || (r.Scheme != "http" && r.Scheme != "https") || r.Host == "" {
			return fmt.Errorf("%s.referer: %q is not an http(s) URL", key, a.Referer)
		}
	}
	for name, v := range a.Headers {
		switch {
		case !headerName.MatchString(name):
			return fmt.Errorf("%s.headers: %q is not a header name", key, name)
		case strings.EqualFold(name, "Host") || strings.EqualFold(name, "Content-Length") || strings.EqualFold(name, "Referer"):
			return fmt.Errorf("%s.headers: %s is set by the crawler (use referer = … for the Referer)", key, name)
		case strings.ContainsFunc(v, unicode.IsControl):
			return fmt.Errorf("%s.headers: the value of %s must be one line without control characters", key, name)
		}
	}
	if strings.TrimSpace(a.Items) == "" {
		return fmt.Errorf("%s.items: where the answer keeps its items is needed, such as \"data.list\" (\".\" if the answer is the array)", key)
	}
	for _, f := range []struct{ key, path string }{{"items", a.itemsPath()}, {"title", a.Title}, {"link", a.Link}, {"date", a.Date},
		{"total_pages", a.TotalPages}, {"total_records", a.TotalRecords}} {
		if _, err := crawl.ParsePath(f.path); err != nil {
			return fmt.Errorf("%s.%s: %v", key, f.key, err)
		}
	}
	return nil
}

// itemsPath is items as a path: "." is the answer itself.
func (a ListAPI) itemsPath() string {
	if strings.TrimSpace(a.Items) == "." {
		return ""
	}
	return a.Items
}

// fillExample fills a template's placeholders as for the first page.
func fillExample(s string) string {
	return strings.NewReplacer("{page}", "1", "{size}", "10", "{offset}", "0", "{start}", "1", "{end}", "10").Replace(s)
}

// visits says whether the crawl of the portal may visit a host: within
// allowed_domains, or one of the start URLs' hosts.
func (p Portal) visits(host string) bool {
	if len(p.AllowedDomains) > 0 {
		return p.covers(host)
	}
	for _, h := range p.Domains() {
		if strings.EqualFold(h, host) {
			return true
		}
	}
	return false
}

// CrawlAPIs are the portal's list APIs as the crawler takes them, with the
// defaults filled in.
func (p Portal) CrawlAPIs() []crawl.ListAPI {
	var out []crawl.ListAPI
	for _, a := range p.APIs {
		c := crawl.ListAPI{URL: a.URL, Method: strings.ToUpper(a.Method), Body: a.Body, FirstPage: 1, PageSize: a.PageSize,
			Referer: a.Referer, Headers: a.Headers, Items: a.itemsPath(), Title: a.Title, Link: a.Link, Date: a.Date,
			TotalPages: a.TotalPages, TotalRecords: a.TotalRecords, ReportColumn: a.ReportColumn}
		if c.Method == "" {
			c.Method = http.MethodGet
		}
		if a.FirstPage != nil {
			c.FirstPage = *a.FirstPage
		}
		if c.Method == http.MethodPost {
			c.BodyType = "application/x-www-form-urlencoded; charset=UTF-8"
			if a.BodyType == "json" {
				c.BodyType = "application/json;charset=UTF-8"
			}
		}
		if c.Referer == "" && len(p.StartURLs) > 0 {
			c.Referer = p.StartURLs[0]
		}
		out = append(out, c)
	}
	return out
}
