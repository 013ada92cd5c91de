package crawl

import (
	"bytes"
	"net/http"
)

// blockWords are what 200-status block pages say (访问异常, 安全验证 …).
var blockWords = [][]byte{
	[]byte("访问异常"), []byte("安全验证"), []byte("请稍候"), []byte("访问频率过高"), []byte("访问过于频繁"),
	[]byte("访问被拒绝"), []byte("非法访问"), []byte("您的访问已被"), []byte("人机验证"),
}

// challenge recognises the anti-bot answers of Chinese government portals: the
// 瑞数 JavaScript challenge (412 with a $_ts script), 加速乐 (521 with X-Via-JSL),
// and 200-status block pages. Such a page is evidence that the host refused us,
// never content; it is not circumvented. It returns what was recognised, or "".
func challenge(status int, h http.Header, body []byte) string {
	switch {
	case status == http.StatusPreconditionFailed && (bytes.Contains(body, []byte("$_ts")) || bytes.Contains(body, []byte("__jsluid"))):
		return "a 瑞数 JavaScript challenge (412 with $_ts)"
	case status == 521 && (h.Get("X-Via-JSL") != "" || bytes.Contains(body, []byte("__jsl"))):
		return "a 加速乐 challenge (521 with X-Via-JSL)"
	case status == http.StatusPreconditionFailed || status == 521:
		return "an anti-bot refusal (" + http.StatusText(status) + ")"
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
