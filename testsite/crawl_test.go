package testsite

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/html"
)

// testOptions keep the deliberate waits short.
var testOptions = Options{CrawlDelay: 100 * time.Millisecond, RetryAfter: time.Second, SlowDelay: 200 * time.Millisecond}

// started serves a fresh site for one test.
func started(t *testing.T, seed int64) (*Site, *Running) {
	t.Helper()
	s := NewWithOptions(seed, testOptions)
	run, err := s.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { run.Close() })
	return s, run
}

// rawClient neither follows redirects nor asks for compression, so tests see
// exactly what the server sends.
var rawClient = &http.Client{
	Transport:     &http.Transport{DisableCompression: true},
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	Timeout:       10 * time.Second,
}

type fetched struct {
	status int
	header http.Header
	body   []byte
	err    error
}

func get(u string, header ...string) fetched {
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		return fetched{err: err}
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := rawClient.Do(req)
	if err != nil {
		return fetched{err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return fetched{status: resp.StatusCode, header: resp.Header, body: body, err: err}
}

// getRetrying fetches like a patient crawler: again after a failure that the site
// produces only on a first request (429, 503, a reset), without waiting.
func getRetrying(u string) fetched {
	var f fetched
	for range 3 {
		f = get(u)
		if f.err == nil && f.status != http.StatusTooManyRequests && f.status != http.StatusServiceUnavailable {
			return f
		}
	}
	return f
}

var (
	pagerA      = regexp.MustCompile(`createPageHTML\((\d+),\s*(\d+),\s*"([^"]+)",\s*"([^"]+)"\)`)
	pagerB      = regexp.MustCompile(`createPageHTML\('[^']*',\s*(\d+),\s*(\d+),\s*'([^']+)',\s*'([^']+)',\s*\d+\)`)
	windowOpen  = regexp.MustCompile(`window\.open\('([^']+)'\)`)
	windowLoc   = regexp.MustCompile(`window\.location\.href\s*=\s*"([^"]+)"`)
	refreshURL  = regexp.MustCompile(`(?i)url=(.+)$`)
	htmlContent = regexp.MustCompile(`(?i)^text/html`)
)

// links returns the absolute URLs a page leads to, the way a crawler that reads
// scripts should find them: hrefs and srcs (resolved against <base href>),
// onclick window.open, meta refresh, window.location and both pager signatures.
func links(pageURL string, body []byte) []string {
	base, _ := url.Parse(pageURL)
	var refs []string
	z := html.NewTokenizer(bytes.NewReader(body))
	inScript := false
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		switch tt {
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			attrs := map[string]string{}
			for _, a := range tok.Attr {
				attrs[a.Key] = a.Val
			}
			switch tok.Data {
			case "base":
				if b, err := url.Parse(attrs["href"]); err == nil {
					base = base.ResolveReference(b)
				}
			case "meta":
				if strings.EqualFold(attrs["http-equiv"], "refresh") {
					if m := refreshURL.FindStringSubmatch(attrs["content"]); m != nil {
						refs = append(refs, strings.TrimSpace(m[1]))
					}
				}
			case "script":
				inScript = true
			}
			for _, k := range []string{"href", "src"} {
				if v, ok := attrs[k]; ok && tok.Data != "base" && !strings.HasPrefix(v, "javascript:") {
					refs = append(refs, v)
				}
			}
			if m := windowOpen.FindStringSubmatch(attrs["onclick"]); m != nil {
				refs = append(refs, m[1])
			}
		case html.EndTagToken:
			if z.Token().Data == "script" {
				inScript = false
			}
		case html.TextToken:
			if !inScript {
				continue
			}
			text := string(z.Text())
			for _, m := range pagerA.FindAllStringSubmatch(text, -1) {
				var n int
				fmt.Sscan(m[1], &n)
				for k := range n {
					if k == 0 {
						refs = append(refs, m[3]+"."+m[4])
					} else {
						refs = append(refs, fmt.Sprintf("%s_%d.%s", m[3], k, m[4]))
					}
				}
			}
			for _, m := range pagerB.FindAllStringSubmatch(text, -1) {
				var n int
				fmt.Sscan(m[1], &n)
				for k := 1; k <= n; k++ {
					if k == 1 {
						refs = append(refs, m[3]+"."+m[4])
					} else {
						refs = append(refs, fmt.Sprintf("%s_%d.%s", m[3], k, m[4]))
					}
				}
			}
			for _, m := range windowLoc.FindAllStringSubmatch(text, -1) {
				refs = append(refs, m[1])
			}
		}
	}
	var out []string
	for _, r := range refs {
		u, err := url.Parse(r)
		if err != nil {
			continue
		}
		abs := base.ResolveReference(u)
		abs.Fragment = ""
		out = append(out, abs.String())
	}
	return out
}

// crawlResult is what a full crawl of the site saw.
type crawlResult struct {
	pages  map[string]fetched // final answer per URL, redirects not followed
	from   map[string]string  // URL → a page linking it
	broken map[string]bool    // URLs the site documents as never yielding content
}

// crawlAll fetches every URL reachable from the portals' start pages, on every
// host of the site, following redirects as links.
func crawlAll(t *testing.T, s *Site, run *Running) crawlResult {
	t.Helper()
	hosts := map[string]bool{}
	var queue []string
	for _, p := range run.Portals() {
		u, _ := url.Parse(p.Base)
		hosts[u.Host] = true
		queue = append(queue, p.StartURL)
	}
	res := crawlResult{pages: map[string]fetched{}, from: map[string]string{}, broken: map[string]bool{}}
	for _, sp := range s.Specials() {
		if sp.Broken {
			res.broken[sp.URL] = true
		}
	}
	seen := map[string]bool{}
	for _, q := range queue {
		seen[q] = true
	}
	for len(queue) > 0 {
		batch := queue
		queue = nil
		results := make([]fetched, len(batch))
		var wg sync.WaitGroup
		sem := make(chan struct{}, 8)
		for i, u := range batch {
			wg.Add(1)
			go func() {
				defer wg.Done()
				sem <- struct{}{}
				defer func() { <-sem }()
				results[i] = getRetrying(u)
			}()
		}
		wg.Wait()
		for i, u := range batch {
			f := results[i]
			res.pages[u] = f
			var next []string
			switch {
			case f.err != nil:
			case f.status == http.StatusMovedPermanently || f.status == http.StatusFound:
				if loc, err := url.Parse(f.header.Get("Location")); err == nil {
					base, _ := url.Parse(u)
					next = append(next, base.ResolveReference(loc).String())
				}
			case f.status == http.StatusOK && htmlContent.MatchString(f.header.Get("Content-Type")) && !isBinary(f.body):
				next = links(u, f.body)
			}
			for _, n := range next {
				nu, err := url.Parse(n)
				if err != nil || !hosts[nu.Host] || seen[n] {
					continue
				}
				seen[n] = true
				res.from[n] = u
				queue = append(queue, n)
			}
		}
	}
	return res
}

func isBinary(b []byte) bool {
	return bytes.HasPrefix(b, []byte("PK\x03\x04")) || bytes.HasPrefix(b, []byte("%PDF")) || bytes.HasPrefix(b, []byte("\xD0\xCF\x11\xE0"))
}

// TestEveryLinkExists crawls the whole site and checks that every linked page
// answers 200 (after the retries a crawler makes) except the documented broken
// ones, that redirects end on pages, and that every report, attachment and
// look-alike of the truth is reachable by following links.
func TestEveryLinkExists(t *testing.T) {
	s, run := started(t, 1)
	res := crawlAll(t, s, run)
	if len(res.pages) < 200 {
		t.Errorf("crawl reached %d URLs; the site should have a few hundred", len(res.pages))
	}
	for u, f := range res.pages {
		switch {
		case res.broken[u]:
			if f.err == nil && f.status == http.StatusOK && !strings.Contains(string(f.body), "不存在") && !strings.Contains(string(f.body), "访问异常") {
				t.Errorf("%s is documented as broken but answers a normal page", u)
			}
		case f.err != nil:
			t.Errorf("%s (linked from %s): %v", u, res.from[u], f.err)
		case f.status == http.StatusMovedPermanently || f.status == http.StatusFound:
		case f.status != http.StatusOK:
			t.Errorf("%s (linked from %s): status %d", u, res.from[u], f.status)
		}
	}
	byScripts := map[string]bool{}
	var scriptBases []string
	for _, p := range run.Portals() {
		byScripts[p.Name] = p.Mechanism != ""
		if p.Mechanism != "" {
			scriptBases = append(scriptBases, p.Base+"/")
		}
	}
	onScriptPortal := func(u string) bool {
		for _, b := range scriptBases {
			if strings.HasPrefix(u, b) {
				return true
			}
		}
		return false
	}
	for _, e := range s.Truth() {
		if byScripts[e.Portal] {
			continue // lists a plain link reader does not see: the crawler's tests reach them
		}
		for _, u := range e.URLs {
			if _, ok := res.pages[u]; !ok {
				t.Errorf("report %s at %s is not reachable by links", e.Title, u)
			}
		}
		for _, a := range e.Attachments {
			if _, ok := res.pages[a.URL]; !ok {
				t.Errorf("attachment %s of %s is not reachable by links", a.URL, e.Title)
			}
		}
	}
	for _, u := range s.LookAlikes() {
		if _, ok := res.pages[u]; !ok && !onScriptPortal(u) {
			t.Errorf("look-alike %s is not reachable by links", u)
		}
	}
	for _, sp := range s.Specials() {
		if strings.HasSuffix(sp.URL, "/robots.txt") || sp.Kind == "new-on-later-page" || sp.Case == 0 || onScriptPortal(sp.URL) {
			continue // fetched by rule, not by link; or there from night 2 on
		}
		u, _, _ := strings.Cut(sp.URL, "#")
		if _, ok := res.pages[u]; !ok {
			t.Errorf("special %s (case %d) at %s is not reachable by links", sp.Kind, sp.Case, sp.URL)
		}
	}
}
