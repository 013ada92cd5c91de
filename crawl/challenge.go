package crawl

import (
	"bytes"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// blockWords are what 200-status block pages say (访问异常, 安全验证 …).
var blockWords = [][]byte{
	[]byte("访问异常"), []byte("安全验证"), []byte("请稍候"), []byte("访问频率过高"), []byte("访问过于频繁"),
	[]byte("访问被拒绝"), []byte("非法访问"), []byte("您的访问已被"), []byte("人机验证"),
}

// challenge recognises the anti-bot answers of Chinese government portals: the
// 瑞数 JavaScript challenge (412 or 202 with a $_ts script), 加速乐 (521 with
// X-Via-JSL), a 403 that carries a challenge's marks, and 200-status block pages.
// Such a page is evidence that the host refused us, never content; it is not
// circumvented. It returns what was recognised, or "". A plain 403 is not one:
// it concerns that page only.
func challenge(status int, h http.Header, body []byte) string {
	ruishu := bytes.Contains(body, []byte("$_ts")) || bytes.Contains(body, []byte("__jsluid"))
	jsl := h.Get("X-Via-JSL") != "" || bytes.Contains(body, []byte("__jsl"))
	switch {
	case (status == http.StatusPreconditionFailed || status == http.StatusAccepted || status == http.StatusForbidden) && ruishu:
		return "a 瑞数 JavaScript challenge (" + statusWords(status) + " with $_ts)"
	case (status == 521 || status == http.StatusForbidden) && jsl:
		return "a 加速乐 challenge (" + statusWords(status) + " with X-Via-JSL)"
	case status == http.StatusPreconditionFailed || status == 521:
		return "an anti-bot refusal (" + statusWords(status) + ")"
	case status == http.StatusAccepted && bytes.Contains(bytes.ToLower(body), []byte("<script")):
		return "a script page answered 202 (an anti-bot challenge)"
	case status == http.StatusForbidden && len(body) < 32<<10:
		for _, w := range blockWords {
			if bytes.Contains(body, w) {
				return "a 403 block page (" + string(w) + ")"
			}
		}
	case status == http.StatusOK && len(body) < 32<<10:
		for _, w := range blockWords {
			if bytes.Contains(body, w) && !bytes.Contains(body, []byte("信息公开")) {
				return "a block page (" + string(w) + ")"
			}
		}
	}
	return ""
}

// softNotFound recognises a 200-status page that says the page does not exist.
func softNotFound(status int, body []byte) bool {
	if status != http.StatusOK || len(body) > 16<<10 {
		return false
	}
	for _, w := range [][]byte{[]byte("页面不存在"), []byte("页面未找到"), []byte("您访问的页面不存在"), []byte("404 Not Found"), []byte("找不到该页面"), []byte("信息已删除"), []byte("已被删除")} {
		if bytes.Contains(body, w) {
			return true
		}
	}
	return false
}

func statusWords(status int) string {
	return strings.TrimSpace(strconv.Itoa(status) + " " + http.StatusText(status))
}

var (
	cookieSet = regexp.MustCompile(`document\.cookie\s*=`)
	reload    = regexp.MustCompile(`location\.(?:reload|href|replace|assign)|window\.location\s*=|location\s*=`)
)

// cookieShell recognises the small script page some portals answer first: it
// sets a cookie and loads the page again (chinatax's C3VK shell, ~380 bytes).
// Only a browser gets past it.
func cookieShell(status int, body []byte) string {
	if status != http.StatusOK || len(body) > 4<<10 || !cookieSet.Match(body) || !reload.Match(body) {
		return ""
	}
	return "a script page that sets a cookie and reloads itself"
}

// stubBytes is the size under which a page with no words and no links is a stub:
// the 3-, 13- and 300–400-byte answers of deep list pages and dead sections.
const stubBytes = 512

// isStub says whether a page is an empty or near-empty body where content was
// expected. text is the page's visible text; a small page that links on (a
// redirect stub) is not one.
func isStub(body []byte, text string, links int) bool {
	if len(bytes.TrimSpace(body)) >= stubBytes || links > 0 {
		return false
	}
	return utf8.RuneCountInString(strings.Join(strings.Fields(text), "")) < 50
}
