package parse

import (
	"encoding/json"
	"html"
	"regexp"
	"strings"
)

// Pages whose article is data inside a script rather than markup: Guangdong's
// gkmlpt detail pages (portals.md F4) carry the body as a JSON string,
// window._CONFIG = {… DETAIL: {"title": …, "content": "\u003Cp\u003E…"}}, and
// render it by script. The parser reads the article from there.
var (
	gkmlptDetail  = regexp.MustCompile(`(?s)_CONFIG\b.*?\bDETAIL\s*:\s*\{`)
	detailContent = regexp.MustCompile(`(?s)"content"\s*:\s*("(?:[^"\\]|\\.)*")`)
	detailTitle   = regexp.MustCompile(`(?s)"title"\s*:\s*("(?:[^"\\]|\\.)*")`)
)

// embeddedArticle returns the page as HTML with the article that its scripts
// hold as data, or the page unchanged when it holds none.
func embeddedArticle(page string) string {
	loc := gkmlptDetail.FindStringIndex(page)
	if loc == nil {
		return page
	}
	rest := page[loc[1]:]
	m := detailContent.FindStringSubmatch(rest)
	if m == nil {
		return page
	}
	var content, title string
	if json.Unmarshal([]byte(m[1]), &content) != nil || strings.TrimSpace(content) == "" {
		return page
	}
	if t := detailTitle.FindStringSubmatch(rest); t != nil {
		json.Unmarshal([]byte(t[1]), &title)
	}
	esc := html.EscapeString(title)
	return "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>" + esc + "</title></head><body><h1>" + esc + "</h1>\n" + content + "\n</body></html>"
}
