package crawl

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
)

// Lists that real portals keep where an HTML parser does not look (portals.md §3
// traps 1 and 2): Hanweb's <datastore> records as CDATA inside <script
// type="text/xml"> or bare in the page, and lists written by scripts.
var (
	cdata = regexp.MustCompile(`(?s)<!\[CDATA\[(.*?)\]\]>`)
	// A datastore's <nextgroup> holds the dataproxy URL as a template, not a
	// link: the Hanweb adapter asks it with the column page as Referer.
	nextgroupBlock = regexp.MustCompile(`(?s)<nextgroup>.*?</nextgroup>`)
	// A JavaScript string literal, single- or double-quoted, on one line.
	jsString = regexp.MustCompile(`'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"`)
	// A whole anchor start tag in a string: '<a href="…">' (not a piece of one
	// that the script completes, as in "<a href=\"index_"+i+".html\">").
	wholeAnchor = regexp.MustCompile(`(?i)<a\s[^<>]*href\s*=\s*(?:"[^"+]*"|'[^'+]*'|[^\s"'<>+]+)[^<>]*>`)
	// kw.beijing's pairs: urls[i]='…';headers[i]="<a title=…>…</a>";
	urlHeaderPair = regexp.MustCompile(`urls\[\w+\]\s*=\s*(['"])(.*?)['"]\s*;\s*headers\[\w+\]\s*=\s*(['"])(.*?)['"]\s*;`)
	// A JSON array assigned in a script: var itemObj = [{…}];
	jsonArray = regexp.MustCompile(`(?s)=\s*(\[\s*\{.*?\}\s*\])\s*;`)
)

// embeddedHTML returns the HTML fragments of a page that its parser saw as text
// or comments: CDATA records in scripts and in bare <datastore> elements, and
// HTML in script strings (document.write('<li><a …>'), var InitData = ['<li>…']).
func embeddedHTML(doc *goquery.Selection) []*goquery.Selection {
	var frags []string
	doc.Find("script").Each(func(_ int, s *goquery.Selection) {
		js := s.Text()
		if strings.Contains(js, "<![CDATA[") {
			for _, m := range cdata.FindAllStringSubmatch(nextgroupBlock.ReplaceAllString(js, ""), -1) {
				frags = append(frags, m[1])
			}
			return
		}
		for _, lit := range jsString.FindAllString(js, -1) {
			if str := unquoteJS(lit); wholeAnchor.MatchString(str) {
				frags = append(frags, str)
			}
		}
	})
	// Outside a script, the HTML parser keeps <![CDATA[…]]> as a comment.
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.CommentNode && strings.HasPrefix(c.Data, "[CDATA[") && n.Data != "nextgroup" {
				frags = append(frags, strings.TrimSuffix(strings.TrimPrefix(c.Data, "[CDATA["), "]]"))
			}
			if c.Type == html.ElementNode && c.Data == "script" {
				continue
			}
			walk(c)
		}
	}
	for _, n := range doc.Nodes {
		walk(n)
	}
	var out []*goquery.Selection
	for _, f := range frags {
		if !strings.Contains(f, "<") {
			continue
		}
		d, err := goquery.NewDocumentFromReader(strings.NewReader(f))
		if err == nil {
			out = append(out, d.Selection)
		}
	}
	return out
}

// rawLink is a link found as text: its URL as written, and its words.
type rawLink struct{ raw, text string }

// scriptLiteralLinks finds links that scripts hold as data rather than HTML:
// urls[i]/headers[i] pairs, and JSON arrays of items (国家疾控局's itemObj, whose
// URL is itself JSON in a string).
func scriptLiteralLinks(doc *goquery.Selection) []rawLink {
	var out []rawLink
	doc.Find("script").Each(func(_ int, s *goquery.Selection) {
		js := s.Text()
		for _, m := range urlHeaderPair.FindAllStringSubmatch(js, -1) {
			text := m[4]
			if d, err := goquery.NewDocumentFromReader(strings.NewReader(m[4])); err == nil {
				text = strings.Join(strings.Fields(d.Text()), "")
				if t, ok := d.Find("[title]").Attr("title"); ok && t != "" {
					text = t
				}
			}
			out = append(out, rawLink{m[2], text})
		}
		for _, m := range jsonArray.FindAllStringSubmatch(js, -1) {
			var v any
			if json.Unmarshal([]byte(m[1]), &v) == nil {
				out = append(out, jsonLinks(v)...)
			}
		}
	})
	return out
}

// unquoteJS reads a JavaScript string literal.
func unquoteJS(lit string) string {
	if len(lit) < 2 {
		return ""
	}
	body := lit[1 : len(lit)-1]
	if !strings.Contains(body, `\`) {
		return body
	}
	var b strings.Builder
	for i := 0; i < len(body); i++ {
		c := body[i]
		if c != '\\' || i+1 == len(body) {
			b.WriteByte(c)
			continue
		}
		i++
		switch body[i] {
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'u':
			if i+4 < len(body) {
				if r, err := strconv.ParseUint(body[i+1:i+5], 16, 32); err == nil {
					b.WriteRune(rune(r))
					i += 4
					continue
				}
			}
			b.WriteByte('u')
		default:
			b.WriteByte(body[i])
		}
	}
	return b.String()
}

// urlLike says whether a string is a link to a page or a document.
var urlLike = regexp.MustCompile(`(?i)^(?:https?://|/|\./|\.\./)[^\s<>"']*$|^[\w\-./]+\.(?:s?html?|jsp|pdf|docx?|wps|xlsx?)(?:\?[^\s<>"']*)?$`)

// titleKeys are the names JSON lists give an item's title, most telling first.
var titleKeys = []string{"title", "TITLE", "aT", "NOTICE_TITLE", "name", "showTitle", "docTitle", "subject"}

// jsonLinks finds the items of a JSON list: every object with a URL-like string
// (directly, or in a string that is itself JSON) and the words of its title.
func jsonLinks(v any) []rawLink {
	var out []rawLink
	var walk func(v any, depth int)
	walk = func(v any, depth int) {
		if depth > 12 {
			return
		}
		switch x := v.(type) {
		case []any:
			for _, e := range x {
				walk(e, depth+1)
			}
		case map[string]any:
			title := itemTitle(x)
			for _, e := range x {
				str, ok := e.(string)
				if !ok {
					walk(e, depth+1)
					continue
				}
				for _, u := range itemURLs(str) {
					out = append(out, rawLink{u, title})
				}
			}
		}
	}
	walk(v, 0)
	return out
}

// itemTitle is the title of a JSON item: a title key's value, else its longest
// string that is words, not a URL or a date.
func itemTitle(obj map[string]any) string {
	for _, k := range titleKeys {
		if s, ok := obj[k].(string); ok && strings.TrimSpace(s) != "" {
			return strings.TrimSpace(s)
		}
	}
	best := ""
	for _, e := range obj {
		if s, ok := e.(string); ok && !urlLike.MatchString(s) && len([]rune(s)) > len([]rune(best)) && strings.ContainsFunc(s, isHan) {
			best = s
		}
	}
	return strings.TrimSpace(best)
}

func isHan(r rune) bool { return r >= 0x4e00 && r <= 0x9fff }

// itemURLs returns the links a JSON string value holds: itself when URL-like,
// the URLs of the JSON it encodes ("{\"common\":\"/…\"}"), nothing otherwise.
func itemURLs(s string) []string {
	s = strings.TrimSpace(s)
	if urlLike.MatchString(s) && s != "/" {
		return []string{s}
	}
	if strings.HasPrefix(s, "{") || strings.HasPrefix(s, "[") {
		var inner any
		if json.Unmarshal([]byte(s), &inner) == nil {
			var out []string
			var walk func(v any)
			walk = func(v any) {
				switch x := v.(type) {
				case string:
					if urlLike.MatchString(x) {
						out = append(out, x)
					}
				case []any:
					for _, e := range x {
						walk(e)
					}
				case map[string]any:
					for _, e := range x {
						walk(e)
					}
				}
			}
			walk(inner)
			return out
		}
	}
	return nil
}
