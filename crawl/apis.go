package crawl

import (
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/PuerkitoBio/goquery"
)

// List mechanisms that answer JSON (portals.md F3, F4): the crawler computes
// their requests from the column page and reads links from the answers.
const (
	viaJpaas  = "jpaas"
	viaGkmlpt = "gkmlpt"
)

// jpaasPath is Zhejiang's 集约化 publish API.
const jpaasPath = "/api-gateway/jpaas-publish-server/front/page/build/unit"

// gkmlptSID reads the site id of a Guangdong gkmlpt page: window._CONFIG = {… SID:'2' …}.
var gkmlptSID = regexp.MustCompile(`SID\s*:\s*['"]?(\d+)`)

// jpaasStart reads the pagination element of a jpaas column (count="386"
// rows="15" pageNo="1" queryData="{'webId':'3185','pageId':…}") and asks for
// page 2; the first page is the column page itself.
func jpaasStart(it Item, doc *goquery.Selection, page *url.URL, inReportColumn bool) []Item {
	el := doc.Find("[querydata]").First()
	if el.Length() == 0 {
		return nil
	}
	raw, _ := el.Attr("querydata")
	var q map[string]any
	if json.Unmarshal([]byte(strings.ReplaceAll(raw, "'", `"`)), &q) != nil {
		return nil
	}
	count, _ := strconv.Atoi(el.AttrOr("count", "0"))
	rows, _ := strconv.Atoi(el.AttrOr("rows", "15"))
	if rows <= 0 || count <= rows {
		return nil
	}
	v := url.Values{}
	for k, x := range q {
		v.Set(k, fmt.Sprint(x))
	}
	v.Set("parseType", "bulidstatic")
	v.Set("pageType", "column")
	v.Set("rows", strconv.Itoa(rows))
	v.Set("pageNo", "2")
	u := page.ResolveReference(&url.URL{Path: jpaasPath, RawQuery: v.Encode()})
	req := apiRequest(it, u, viaJpaas, page.String(), inReportColumn)
	req.Text = fmt.Sprintf("jpaas list of %d pages", int(math.Ceil(float64(count)/float64(rows))))
	return []Item{req}
}

// gkmlptStart asks a gkmlpt platform for page 1 of its annual-report
// categories (the TREE nodes named 年报 or 年度报告), or of every category
// (/gkmlpt/api/all/0) when the tree names none.
func gkmlptStart(it Item, doc *goquery.Selection, page *url.URL) []Item {
	if !strings.Contains(page.Path, "/gkmlpt/") {
		return nil
	}
	var sid, js string
	doc.Find("script").EachWithBreak(func(_ int, s *goquery.Selection) bool {
		if m := gkmlptSID.FindStringSubmatch(s.Text()); m != nil && strings.Contains(s.Text(), "_CONFIG") {
			sid, js = m[1], s.Text()
			return false
		}
		return true
	})
	if sid == "" {
		return nil
	}
	prefix := page.Path[:strings.Index(page.Path, "/gkmlpt/")]
	ask := func(cat string, inReportColumn bool) Item {
		u := page.ResolveReference(&url.URL{Path: prefix + "/gkmlpt/api/all/" + cat, RawQuery: url.Values{"page": {"1"}, "sid": {sid}}.Encode()})
		return apiRequest(it, u, viaGkmlpt, page.String(), inReportColumn)
	}
	var out []Item
	for _, cat := range gkmlptReportCategories(js) {
		out = append(out, ask(cat, true))
	}
	if len(out) == 0 {
		out = append(out, ask("0", false))
	}
	return out
}

// gkmlptReportCategories reads _CONFIG.TREE, the platform's categories, and
// returns the ids of those named as the annual report's (年报, 年度报告).
func gkmlptReportCategories(js string) []string {
	i := strings.Index(js, "TREE")
	if i < 0 {
		return nil
	}
	rest := strings.TrimLeft(js[i+len("TREE"):], " \t\r\n'\"")
	rest = strings.TrimLeft(strings.TrimPrefix(rest, ":"), " \t\r\n")
	var tree []any
	if json.NewDecoder(strings.NewReader(rest)).Decode(&tree) != nil {
		return nil
	}
	var out []string
	var walk func(nodes []any)
	walk = func(nodes []any) {
		for _, n := range nodes {
			node, ok := n.(map[string]any)
			if !ok {
				continue
			}
			name, _ := node["name"].(string)
			jump, _ := node["jump_url"].(string)
			if reportColumn.MatchString(name) && jump == "" && node["id"] != nil {
				out = append(out, fmt.Sprint(node["id"]))
			}
			if children, ok := node["children"].([]any); ok {
				walk(children)
			}
		}
	}
	walk(tree)
	return out
}

// apiRequest is a GET of a list API, made from the page at referer.
func apiRequest(from Item, u *url.URL, via, referer string, inReportColumn bool) Item {
	req := Item{Key: Canonical(u.String()), URL: u.String(), Portal: from.Portal, Kind: KindList, Depth: from.Depth, From: from.URL,
		Referer: referer, Via: via, Priority: PriorityOther, InReportColumn: inReportColumn, Text: via + " list"}
	if inReportColumn {
		req.Priority = PriorityReportList
	}
	return req
}

// apiAnswer reads a JSON list answer: the links of its items, and whether it
// says more pages follow.
func apiAnswer(it Item, body string) (links []rawLink, more bool) {
	var v map[string]any
	if json.Unmarshal([]byte(strings.TrimSpace(body)), &v) != nil {
		return nil, false
	}
	switch it.Via {
	case viaJpaas:
		// {"success":true,"data":{"html":"<li><a href=…>…</a></li>"}}
		data, _ := v["data"].(map[string]any)
		html, _ := data["html"].(string)
		if d, err := goquery.NewDocumentFromReader(strings.NewReader(html)); err == nil {
			d.Find("a[href]").Each(func(_ int, s *goquery.Selection) {
				text := strings.Join(strings.Fields(s.Text()), "")
				if t, ok := s.Attr("title"); ok && t != "" {
					text = t
				}
				links = append(links, rawLink{s.AttrOr("href", ""), text})
			})
		}
		return links, len(links) > 0
	case viaGkmlpt:
		// {"articles":[{"title":…,"url":…,"attachment":[{"name":…,"url":…}]}],"total":N}
		articles, _ := v["articles"].([]any)
		for _, l := range jsonLinks(articles) {
			// gkmlpt hosts answer HTTP only (HTTPS fails or redirects poorly,
			// portals.md §1.4) while the API writes https URLs: HTTP first; a
			// host that wants HTTPS redirects, and the redirect is followed.
			if rest, ok := strings.CutPrefix(l.raw, "https://"); ok {
				l.raw = "http://" + rest
			}
			links = append(links, l)
		}
		return links, len(articles) > 0
	}
	return nil, false
}

// apiNext is the request for the page after it, when its answer had items.
func apiNext(it Item) []Item {
	u, err := url.Parse(it.URL)
	if err != nil {
		return nil
	}
	q := u.Query()
	key := "page"
	if it.Via == viaJpaas {
		key = "pageNo"
	}
	n, _ := strconv.Atoi(q.Get(key))
	var pages int
	if _, err := fmt.Sscanf(it.Text, "jpaas list of %d pages", &pages); err == nil && n >= pages {
		return nil
	}
	q.Set(key, strconv.Itoa(n+1))
	u.RawQuery = q.Encode()
	next := it
	next.From, next.URL, next.Key = it.URL, u.String(), Canonical(u.String())
	return []Item{next}
}
