package crawl

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"gongkai/archive"
)

// Rendering in headless Chromium, for a column that shows its list only once
// its scripts have run and that no list mechanism of the crawler reads
// (portals.md F2d and the client-rendered columns of §2). The browser never
// goes to the network itself: every request of the page is paused
// (Fetch.requestPaused) and answered by the crawler, which fetches it through
// its own client, so each is archived as WARC, confined to the portal's
// hosts, paced by the host's politeness and counted against its budget. The
// page itself is answered with the bytes the crawler already archived. Images,
// fonts, style sheets and media are refused: no list needs them.

// Render modes of [crawl] render.
const (
	RenderAuto  = "auto"  // render when Chromium is installed
	RenderNever = "never" // never: such columns end as "needs a browser"
)

// FindChromium returns the Chromium to render with: path if given, else the
// first of chromium, chromium-browser, google-chrome on PATH; "" if none.
func FindChromium(path string) string {
	if path != "" {
		if p, err := exec.LookPath(path); err == nil {
			return p
		}
		return ""
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// refusedTypes are the resources a rendered page does not get: a list is
// text that scripts write, never an image or a font.
var refusedTypes = map[network.ResourceType]bool{
	network.ResourceTypeImage: true, network.ResourceTypeMedia: true, network.ResourceTypeFont: true,
	network.ResourceTypeStylesheet: true, network.ResourceTypeTextTrack: true, network.ResourceTypePing: true,
	network.ResourceTypeCSPViolationReport: true, network.ResourceTypeManifest: true, network.ResourceTypePrefetch: true,
	network.ResourceTypeEventSource: true, network.ResourceTypeWebSocket: true, network.ResourceTypeFedCM: true,
}

// errRefused marks a browser request the crawler declined (another host, a
// robots rule, the host's budget); the browser sees it blocked.
var errRefused = errors.New("refused")

// browserRequest is a request of a rendered page, as the browser made it.
type browserRequest struct {
	Method string
	URL    string
	Header http.Header
	Body   []byte
}

// browserResponse is the crawler's answer to it.
type browserResponse struct {
	Status int
	Header http.Header
	Body   []byte
}

// renderJob is one page to render: its URL and the response the crawler
// archived for it, and how its other requests are answered.
type renderJob struct {
	url    string
	status int
	header http.Header
	body   []byte
	fetch  func(context.Context, browserRequest) (browserResponse, error)
}

// rendered is a page as the browser left it.
type rendered struct {
	html      string
	truncated bool // cut at the DOM limit
	timedOut  bool // the page was still busy when the time was up: the DOM as it was
	requests  int  // the page's requests the crawler answered
	refused   int  // and those it refused
}

// renderer drives one headless Chromium for a run, one tab at a time.
type renderer struct {
	path    string
	timeout time.Duration
	maxDOM  int64

	mu      sync.Mutex // one page at a time
	dataDir string
	browser context.Context
	stop    func()
	err     error        // the browser did not start
	pid     atomic.Int64 // the browser's process, 0 when none runs (read by the benchmark)
}

func newRenderer(path string, timeout time.Duration, maxDOM int64) *renderer {
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	return &renderer{path: path, timeout: timeout, maxDOM: maxDOM}
}

// start launches the browser if it is not running; the caller holds r.mu.
func (r *renderer) start() error {
	if r.browser != nil || r.err != nil {
		return r.err
	}
	dir, err := os.MkdirTemp("", "gongkai-chromium-")
	if err != nil {
		r.err = err
		return err
	}
	r.dataDir = dir
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(r.path),
		chromedp.UserDataDir(dir), // a new, empty profile
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("mute-audio", true),
		chromedp.Flag("blink-settings", "imagesEnabled=false"),
		// Every request of a page is answered by the crawler; a request that
		// escapes the interception (a worker's) finds no name to resolve.
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND"),
		// A page's scripts get a bounded heap.
		chromedp.Flag("js-flags", "--max-old-space-size=256"),
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	browser, cancelBrowser := chromedp.NewContext(alloc)
	if err := chromedp.Do(browser); err != nil {
		cancelBrowser()
		cancelAlloc()
		os.RemoveAll(dir)
		r.err = fmt.Errorf("Chromium (%s) did not start: %w", r.path, err)
		return r.err
	}
	if p := chromedp.FromContext(browser).Browser.Process(); p != nil {
		r.pid.Store(int64(p.Pid))
	}
	r.browser = browser
	r.stop = func() {
		cancelBrowser()
		cancelAlloc()
		os.RemoveAll(dir)
	}
	return nil
}

// close stops the browser; the next render starts another.
func (r *renderer) close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stop != nil {
		r.stop()
	}
	r.browser, r.stop, r.err = nil, nil, nil
	r.pid.Store(0)
}

// render loads the page in a new tab, answers its requests, waits until its
// scripts are done (no request pending for a while) or the time is up, and
// returns its DOM, cut at maxDOM bytes.
func (r *renderer) render(ctx context.Context, job renderJob) (rendered, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.start(); err != nil {
		return rendered{}, err
	}
	tab, closeTab := chromedp.NewContext(r.browser)
	defer closeTab()
	if err := chromedp.Do(tab); err != nil {
		return rendered{}, fmt.Errorf("opening a tab: %w", err)
	}
	stopOnCancel := context.AfterFunc(ctx, closeTab)
	defer stopOnCancel()

	var res rendered
	var pending atomic.Int32
	var lastActivity atomic.Int64
	touch := func() { lastActivity.Store(time.Now().UnixNano()) }
	touch()
	paused := chromedp.Events(tab, fetch.RequestPaused)
	if _, err := chromedp.Call(tab, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: "*"}}}); err != nil {
		return rendered{}, fmt.Errorf("intercepting the page's requests: %w", err)
	}
	var counts sync.Mutex
	// The crawler's answers end with the page's time: a request that waits for
	// a busy host gives up then.
	answerCtx, cancelAnswers := context.WithTimeout(ctx, r.timeout)
	defer cancelAnswers()
	served := make(chan struct{})
	go func() {
		defer close(served)
		document := true
		for ev, err := range paused {
			if err != nil {
				return
			}
			pending.Add(1)
			touch()
			answered, refused := r.answer(tab, answerCtx, job, ev, document)
			if ev.ResourceType == network.ResourceTypeDocument && ev.Request.URL == job.url {
				document = false
			}
			counts.Lock()
			if answered {
				res.requests++
			}
			if refused {
				res.refused++
			}
			counts.Unlock()
			pending.Add(-1)
			touch()
		}
	}()

	if _, err := chromedp.Call(tab, cdppage.AddScriptToEvaluateOnNewDocument, cdppage.AddScriptToEvaluateOnNewDocumentParams{Source: scriptRequestsJS}); err != nil {
		return rendered{}, fmt.Errorf("counting the page's requests: %w", err)
	}
	deadline, cancel := context.WithTimeout(tab, r.timeout)
	defer cancel()
	if err := chromedp.Do(deadline, chromedp.Navigate(job.url)); err != nil && deadline.Err() == nil {
		return rendered{}, fmt.Errorf("loading %s: %w", job.url, err)
	}
	// The page's scripts are done when no request has been pending for a
	// while (long enough for a script that asks on load, or after a short
	// timer) and the page has handled the answers to those it made. The
	// crawler's answer reaches the page's handler later than it is given, much
	// later on a loaded machine: a wait by the clock alone read the list
	// before the handler wrote it.
	const quiet = 300 * time.Millisecond
	for deadline.Err() == nil {
		if pending.Load() == 0 && time.Since(time.Unix(0, lastActivity.Load())) >= quiet {
			open, err := chromedp.Run(deadline, chromedp.Evaluate[int64](`window.__gongkaiRequests || 0`))
			if err != nil || open == 0 {
				break
			}
		}
		select {
		case <-deadline.Done():
		case <-time.After(50 * time.Millisecond):
		}
	}
	res.timedOut = deadline.Err() != nil
	if ctx.Err() != nil {
		return rendered{}, ctx.Err()
	}
	// The DOM is read even when the time is up: what the scripts wrote so far.
	read, cancelRead := context.WithTimeout(tab, max(2*time.Second, r.timeout/3))
	defer cancelRead()
	size, err := chromedp.Run(read, chromedp.Evaluate[int64](`document.documentElement ? document.documentElement.outerHTML.length : 0`))
	if err != nil {
		return rendered{}, fmt.Errorf("reading the DOM: %w", err)
	}
	expr := `document.documentElement.outerHTML`
	if r.maxDOM > 0 && size > r.maxDOM/3 {
		// A JavaScript string counts UTF-16 units; a third of the byte limit
		// keeps even text of three-byte characters under it.
		expr = fmt.Sprintf(`document.documentElement.outerHTML.substring(0, %d)`, r.maxDOM/3)
		res.truncated = size > r.maxDOM/3
	}
	html, err := chromedp.Run(read, chromedp.Evaluate[string](expr))
	if err != nil {
		return rendered{}, fmt.Errorf("reading the DOM: %w", err)
	}
	closeTab()
	<-served
	res.html = html
	return res, nil
}

// scriptRequestsJS counts, in window.__gongkaiRequests, the requests of the
// page's scripts (XMLHttpRequest, fetch) whose answers their handlers have not
// yet taken: a request counts from when it is sent until a task after its
// loadend (after the page's own load handlers) or after its fetch settles.
const scriptRequestsJS = `(() => {
  let open = 0;
  const closed = () => setTimeout(() => { open--; }, 0);
  Object.defineProperty(window, "__gongkaiRequests", { get: () => open });
  const send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.send = function (...args) {
    open++;
    let ended = false;
    const end = () => { if (!ended) { ended = true; closed(); } };
    this.addEventListener("loadend", end);
    try { return send.apply(this, args); } catch (e) { end(); throw e; }
  };
  if (window.fetch) {
    const fetch = window.fetch;
    window.fetch = function (...args) {
      open++;
      const p = fetch.apply(this, args);
      p.then(closed, closed);
      return p;
    };
  }
})();`

// answer answers one paused request of the page: the page itself with the
// bytes already archived, resources no list needs refused, the rest fetched by
// the crawler. It reports whether the crawler fetched it and whether it refused it.
func (r *renderer) answer(tab, ctx context.Context, job renderJob, ev fetch.EventRequestPaused, document bool) (answered, refused bool) {
	fail := func(reason network.ErrorReason) {
		chromedp.Call(tab, fetch.FailRequest, fetch.FailRequestParams{RequestID: ev.RequestID, ErrorReason: reason})
	}
	fulfill := func(status int, h http.Header, body []byte) {
		chromedp.Call(tab, fetch.FulfillRequest, fetch.FulfillRequestParams{RequestID: ev.RequestID, ResponseCode: int64(status),
			ResponseHeaders: headerEntries(h), Body: body})
	}
	switch {
	case document && ev.ResourceType == network.ResourceTypeDocument && ev.Request.URL == job.url:
		fulfill(job.status, job.header, job.body)
		return false, false
	case refusedTypes[ev.ResourceType] || strings.HasSuffix(strings.SplitN(ev.Request.URL, "?", 2)[0], "/favicon.ico"):
		fail(network.ErrorReasonBlockedByClient)
		return false, true
	}
	req := browserRequest{Method: ev.Request.Method, URL: ev.Request.URL, Header: http.Header{}}
	for k, v := range ev.Request.Headers {
		req.Header.Set(k, fmt.Sprint(v))
	}
	for _, e := range ev.Request.PostDataEntries {
		req.Body = append(req.Body, e.Bytes...)
	}
	resp, err := job.fetch(ctx, req)
	switch {
	case errors.Is(err, errRefused):
		fail(network.ErrorReasonBlockedByClient)
		return false, true
	case err != nil:
		fail(network.ErrorReasonFailed)
		return true, false
	}
	fulfill(resp.Status, resp.Header, resp.Body)
	return true, false
}

// headerEntries are a response's headers as the browser takes them, without
// those that described the bytes on the wire (the body is given decoded).
func headerEntries(h http.Header) []*fetch.HeaderEntry {
	var out []*fetch.HeaderEntry
	for k, vs := range h {
		switch http.CanonicalHeaderKey(k) {
		case "Content-Encoding", "Content-Length", "Transfer-Encoding", "Connection":
			continue
		}
		for _, v := range vs {
			out = append(out, &fetch.HeaderEntry{Name: k, Value: v})
		}
	}
	return out
}

// renderShell renders a column page that only its scripts fill, archives the
// DOM they left as a WARC conversion record of the page's response, and
// follows its links as any page's. Without a browser it is "needs a browser".
func (c *Crawler) renderShell(ctx context.Context, s *scheduler, it Item, log *fetchLog, final *hop) attempt {
	const why = "the page builds its list by script, and no list mechanism the crawler knows reads it"
	if c.renderer == nil {
		return attempt{outcome: OutcomeNeedsBrowser, detail: why + "; not rendered: " + c.noRender, fetched: true}
	}
	// The page's requests are answered one after the other: firstPages needs no lock.
	var firstPages []string
	fetch := c.browserFetch(s, it)
	res, err := c.renderer.render(ctx, renderJob{url: final.URL, status: final.Status, header: final.Header, body: log.body,
		fetch: func(ctx context.Context, br browserRequest) (browserResponse, error) {
			if asked := firstPageAsked(br); asked != "" {
				firstPages = append(firstPages, asked)
			}
			return fetch(ctx, br)
		}})
	if ctx.Err() != nil {
		return attempt{}
	}
	if err != nil {
		return attempt{outcome: OutcomeNeedsBrowser, detail: why + "; rendering it in Chromium failed: " + err.Error(), fetched: true}
	}
	c.count(it.Portal, func(st *Stats) { st.Rendered++ })
	conv, err := c.archive.Conversion(final.URL, final.Capture, "text/html; charset=utf-8", []byte(res.html), res.truncated)
	switch {
	case errors.Is(err, archive.ErrWrite):
		c.stop(err)
		return attempt{}
	case err != nil:
		c.lost(it, "archiving the rendered page", err)
	}
	doc, err := c.readPage(it, res.html)
	if err != nil {
		return attempt{outcome: OutcomeNeedsBrowser, detail: why + "; its rendered DOM cannot be read: " + err.Error(), fetched: true}
	}
	rp := c.readLinks(it, doc, func() string { return res.html }, final.URL, false)
	c.follow(ctx, s, it, rp)
	detail := fmt.Sprintf("rendered in Chromium (%d links; its scripts' requests: %d answered, %d refused; DOM %d bytes at %s)",
		len(rp.links), res.requests, res.refused, len(res.html), conv.Location())
	if res.timedOut {
		detail += fmt.Sprintf("; still busy after %s, read as it was", c.renderer.timeout)
	}
	if res.truncated {
		detail += "; DOM cut at the page limit"
	}
	if len(firstPages) > 0 {
		// What a person reaches by clicking is out of the browser's reach: the
		// operator is told that the list may hold more than was read.
		missed := fmt.Sprintf("its scripts asked for the first page of a list (%s): the pages after it come only by clicking, and were not read; a [[portals.api]] block for it reads them all",
			strings.Join(firstPages, "; "))
		detail += "; " + missed
		c.opts.Logger.Warn("crawl: a rendered list may hold more than was read", "url", it.URL, "portal", it.Portal, "why", missed)
	}
	return attempt{outcome: OutcomeList, detail: detail, fetched: true}
}

// pageParams are the names list endpoints give the page they are asked for.
var pageParams = map[string]bool{"page": true, "pageindex": true, "pageno": true, "pagenum": true, "pagenumber": true,
	"currpage": true, "curpage": true, "currentpage": true, "pn": true}

// jsonPageParam is a page parameter in a JSON body.
var jsonPageParam = regexp.MustCompile(`(?i)"(page|pageIndex|pageNo|pageNum|pageNumber|currPage|curPage|currentPage|pn)"\s*:\s*"?([01])"?[,}\s]`)

// firstPageAsked says which request of a rendered page asks for the first page
// of a list (a page parameter of 0 or 1 in its query, form or JSON body), as
// "METHOD path name=value"; "" for any other.
func firstPageAsked(br browserRequest) string {
	u, err := url.Parse(br.URL)
	if err != nil {
		return ""
	}
	fields := u.Query()
	if form, err := url.ParseQuery(string(br.Body)); err == nil && !bytes.HasPrefix(bytes.TrimSpace(br.Body), []byte("{")) {
		for k, vs := range form {
			fields[k] = append(fields[k], vs...)
		}
	}
	for k, vs := range fields {
		if pageParams[strings.ToLower(k)] && len(vs) > 0 && (vs[0] == "0" || vs[0] == "1") {
			return fmt.Sprintf("%s %s %s=%s", br.Method, u.Path, k, vs[0])
		}
	}
	if m := jsonPageParam.FindSubmatch(br.Body); m != nil {
		return fmt.Sprintf("%s %s %s=%s", br.Method, u.Path, m[1], m[2])
	}
	return ""
}

// browserFetch answers the requests of a page rendered for item it. Only the
// portal's hosts are asked, and only as their politeness allows: robots.txt,
// the host's delay between two requests, its page budget. The page's own host
// is the one the scheduler gave this item, so its requests follow one another
// here; another host of the portal is borrowed from the scheduler for each
// request, as if it were an item of its own.
func (c *Crawler) browserFetch(s *scheduler, it Item) func(context.Context, browserRequest) (browserResponse, error) {
	portal := c.portal(it.Portal)
	own := hostOf(it.URL)
	last := time.Now() // the page itself was just fetched
	return func(ctx context.Context, br browserRequest) (browserResponse, error) {
		u, err := url.Parse(br.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || portal == nil || !hostAllowed(u.Host, portal.Domains) {
			return browserResponse{}, errRefused
		}
		if trap := isTrap(u); trap != "" {
			return browserResponse{}, errRefused
		}
		host := u.Host
		if host == own {
			if wait := c.hostDelay(host) - time.Since(last); wait > 0 {
				select {
				case <-ctx.Done():
					return browserResponse{}, ctx.Err()
				case <-time.After(wait):
				}
			}
		} else {
			if !s.borrow(ctx, host) {
				return browserResponse{}, errRefused
			}
			defer func() { s.giveBack(host, c.hostDelay(host)) }()
		}
		// robots.txt is asked only in the host's turn: asked before it, it
		// would reach a host busy with another request.
		if c.opts.ObeyRobots {
			rules, fresh := c.robots.rules(ctx, u.Scheme, u.Host)
			if rules.wait != "" || !rules.allowed(u.EscapedPath()) {
				return browserResponse{}, errRefused
			}
			if fresh {
				select {
				case <-ctx.Done():
					return browserResponse{}, ctx.Err()
				case <-time.After(c.hostDelay(host)):
				}
			}
		}
		if s.fetched(host) > c.opts.MaxPagesPerHost {
			return browserResponse{}, errRefused
		}
		resp, err := c.fetchForBrowser(ctx, it.Portal, br)
		if host == own {
			last = time.Now()
		}
		return resp, err
	}
}

// fetchForBrowser makes one request of a rendered page with the crawler's
// client, so that it is archived like every other, and returns the response
// as served (content coding removed).
func (c *Crawler) fetchForBrowser(ctx context.Context, portal string, br browserRequest) (browserResponse, error) {
	req, err := http.NewRequestWithContext(ctx, br.Method, br.URL, bytes.NewReader(br.Body))
	if err != nil {
		return browserResponse{}, errRefused
	}
	for k, vs := range br.Header {
		switch http.CanonicalHeaderKey(k) {
		case "Host", "Content-Length", "Accept-Encoding", "Connection", "User-Agent":
			continue
		}
		req.Header[http.CanonicalHeaderKey(k)] = vs
	}
	req.Header.Set("User-Agent", c.opts.UserAgent)
	if len(br.Body) == 0 {
		req.Body, req.ContentLength = http.NoBody, 0
	}
	id, log := c.recorder.register(KindList, nil)
	defer c.recorder.forget(id)
	req.Header.Set(fetchHeader, id)
	resp, err := c.client.Do(req)
	if err != nil {
		return browserResponse{}, err
	}
	resp.Body.Close()
	final := log.final()
	c.count(portal, func(st *Stats) { st.Fetched++ })
	if final == nil {
		return browserResponse{}, errors.New("no response")
	}
	body := log.body
	if body == nil && final.Capture.File != "" {
		// What the recorder streamed to disk (a type it does not take for a
		// page) is read back from the archive.
		if p, err := archive.Read(c.archive.Dir(), final.Capture.File, final.Capture.Offset, c.opts.MaxPageBytes); err == nil {
			body = p.Body
		}
	}
	return browserResponse{Status: final.Status, Header: final.Header, Body: body}, nil
}
