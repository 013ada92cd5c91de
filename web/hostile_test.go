package web

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// A visitor who pastes a page into the search box gets a 400 saying what the
// bound is, over a real connection. Before the bound, one word of 22,000
// characters cost two seconds of CPU per request, and one of 44,000 panicked
// in regexp.MustCompile (expression too large) and dropped the connection.
func TestHugeQueryIsABadRequest(t *testing.T) {
	f := newFixture(t)
	srv := httptest.NewServer(f.handler)
	defer srv.Close()
	word := strings.Repeat("政府信息公开申请", 22000/8)
	for _, path := range []string{
		"/api/search?q=" + url.QueryEscape(word),
		"/api/search?q=" + url.QueryEscape(strings.Repeat("公", 44000)),
		"/api/search?q=" + url.QueryEscape(strings.Repeat("复议 ", 40)),
		"/api/search?q=x&region=" + url.QueryEscape(word),
		"/search?q=" + url.QueryEscape(word),
	} {
		res, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatalf("GET %.60s…: %v", path, err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusBadRequest {
			t.Errorf("GET %.60s…: %d, want 400", path, res.StatusCode)
			continue
		}
		msg := string(body)
		if strings.HasPrefix(path, "/api/") {
			var e apiError
			if err := json.Unmarshal(body, &e); err != nil {
				t.Fatalf("GET %.60s…: %v: %.200s", path, err, body)
			}
			msg = e.Error
		}
		if !strings.Contains(msg, "最多") || !strings.Contains(msg, "at most") || len(msg) > 4000 {
			t.Errorf("GET %.60s…: the message %.300q does not state the bound in Chinese and English", path, msg)
		}
	}
}
