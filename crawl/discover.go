package crawl

import (
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"
)

// link is a URL found on a page, with the words the page gives it.
type link struct {
	URL  *url.URL
	Text string // anchor text, or the title attribute when the text is cut short (…)
	// Paging: found through the page's pagination (links or script), so it is a
	// further page of the same list.
	Paging bool
	// Redirect: a meta refresh or script navigation that replaces the page, so
	// the target is what the page was meant to be.
	Redirect bool
	// Date is the date a list API gives the link (YYYY-MM-DD), if any.
	Date string
}

var (
	// Script navigation: window.open('…'), location.href = '…', window.location = "…".
	scriptURL  = regexp.MustCompile(`(?:window\.open|location\.(?:href|replace|assign))\s*(?:=|\()\s*["']([^"']+)["']|(?:window\.)?location\s*=\s*["']([^"']+)["']`)
	metaReload = regexp.MustCompile(`(?i)^\s*\d*\s*;?\s*url\s*=\s*['"]?([^'"]+)`)
	// Pagination links by their words or by the shapes list pages take.
	pagingText = regexp.MustCompile(`^(下一页|上一页|尾页|末页|首页|下页|上页|>|>>|»|\d{1,3})$`)
	pagingPath = regexp.MustCompile(`(?i)(?:^|/)(?:index|list|xlist|dezlist|list_\w+)_\d+\.s?html?$|[?&](?:page|pageNo|pageIndex|currentPage|pn)=\d+`)
	// A viewer page carrying the document it shows: viewer.html?file=…
	viewerFile = regexp.MustCompile(`(?i)(?:^|&)file=([^&]+)`)
)

// discover lists the links of a page: anchors, frames, meta refresh, script
// navigation, the pagination scripts that hold the only links to further list
// pages, and lists kept in scripts and CDATA. base is the page's URL; a <base
// href> overrides it.
func discover(doc *goquery.Selection, base *url.URL) []link {
	if href, ok := doc.Find("base[href]").First().Attr("href"); ok {
		if b, err := base.Parse(strings.TrimSpace(href)); err == nil {
			base = b
		}
	}
	var out []link
	seen := map[string]bool{}
	var add func(raw, text string, paging, redirect bool)
	add = func(raw, text string, paging, redirect bool) {
		raw = strings.TrimSpace(raw)
		if raw == "" || strings.HasPrefix(raw, "#") || strings.HasPrefix(strings.ToLower(raw), "mailto:") {
			return
		}
		if strings.HasPrefix(strings.ToLower(raw), "javascript:") {
			for _, m := range scriptURL.FindAllStringSubmatch(raw, -1) {
				add(m[1]+m[2], text, paging, redirect)
			}
			return
		}
		u, err := base.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
			return
		}
		u.Fragment = ""
		if m := viewerFile.FindStringSubmatch(u.RawQuery); m != nil {
			if f, err := url.QueryUnescape(m[1]); err == nil && attachmentExt.MatchString(f) {
				if fu, err := u.Parse(f); err == nil {
					add(fu.String(), text, false, false)
				}
			}
		}
		key := u.String()
		if seen[key] {
			return
		}
		seen[key] = true
		out = append(out, link{URL: u, Text: text, Paging: paging, Redirect: redirect})
	}
	anchors(doc, add)
	doc.Find("[onclick]").Not("a").Each(func(_ int, s *goquery.Selection) {
		onclick, _ := s.Attr("onclick")
		for _, m := range scriptURL.FindAllStringSubmatch(onclick, -1) {
			add(m[1]+m[2], strings.Join(strings.Fields(s.Text()), ""), false, false)
		}
	})
	doc.Find("iframe[src], frame[src], embed[src], object[data]").Each(func(_ int, s *goquery.Selection) {
		src, ok := s.Attr("src")
		if !ok {
			src, _ = s.Attr("data")
		}
		add(src, "", false, false)
	})
	doc.Find("meta[http-equiv]").Each(func(_ int, s *goquery.Selection) {
		if equiv, _ := s.Attr("http-equiv"); strings.EqualFold(equiv, "refresh") {
			content, _ := s.Attr("content")
			if m := metaReload.FindStringSubmatch(content); m != nil {
				add(m[1], "", false, true)
			}
		}
	})
	// A script that sends the browser elsewhere replaces the page only when the
	// page is a stub; on a full page such scripts are search boxes and menus.
	stub := utf8.RuneCountInString(strings.Join(strings.Fields(doc.Find("body").Text()), "")) < 300
	doc.Find("script").Each(func(_ int, s *goquery.Selection) {
		js := s.Text()
		for _, u := range pagingScript(js, base) {
			add(u, "", true, false)
		}
		for _, m := range scriptURL.FindAllStringSubmatch(js, 20) {
			add(m[1]+m[2], "", false, stub)
		}
	})
	// Lists that an HTML parser cannot see: Hanweb's datastore records, lists
	// written by scripts (document.write, string arrays, JSON literals).
	for _, frag := range embeddedHTML(doc) {
		anchors(frag, add)
	}
	for _, l := range scriptLiteralLinks(doc) {
		add(l.raw, l.text, false, false)
	}
	return out
}

// anchors adds the links of a page's (or a fragment's) anchors and onclick handlers.
func anchors(doc *goquery.Selection, add func(raw, text string, paging, redirect bool)) {
	doc.Find("a[href], area[href]").Each(func(_ int, s *goquery.Selection) {
		href, _ := s.Attr("href")
		text := strings.Join(strings.Fields(s.Text()), "")
		if title, ok := s.Attr("title"); ok && (text == "" || strings.HasSuffix(text, "…") || strings.HasSuffix(text, "...")) {
			text = strings.TrimSpace(title)
		}
		paging := pagingText.MatchString(text) || pagingPath.MatchString(href)
		add(href, text, paging, false)
		if onclick, ok := s.Attr("onclick"); ok {
			for _, m := range scriptURL.FindAllStringSubmatch(onclick, -1) {
				add(m[1]+m[2], text, paging, false)
			}
		}
	})
}
