// Package crawl discovers the annual-report pages and attachments of configured
// government portals, fetches them politely (robots.txt with Crawl-delay, one
// request at a time per host, backoff, Retry-After, a failure budget), archives
// every response as WARC, and hands what it fetched to a sink (the parser and the
// store). Its frontier lives in a State, so a killed crawl resumes; conditional
// requests make the nightly re-crawl cheap.
package crawl

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"
	"github.com/gocolly/colly/v2"

	"gongkai/archive"
	"gongkai/internal/textfmt"
	"gongkai/report"
)

// Portal is one portal to crawl.
type Portal struct {
	Name      string
	Region    string
	StartURLs []string
	Domains   []string // hosts the crawl may visit (a domain covers its subdomains)
	Hints     []*regexp.Regexp
	// APIs are the portal's own JSON list APIs, configured (portals.md F5).
	APIs []ListAPI
}

func (p *Portal) matchesHint(u *url.URL) bool {
	for _, h := range p.Hints {
		if h.MatchString(u.String()) {
			return true
		}
	}
	return false
}

// Options are the crawl's politeness and limits (see config.example.toml).
type Options struct {
	UserAgent          string
	Delay              time.Duration
	Parallelism        int
	MaxDepth           int
	MaxPagesPerHost    int
	Timeout            time.Duration
	ConnectTimeout     time.Duration
	HeaderTimeout      time.Duration
	ObeyRobots         bool
	MaxCrawlDelay      time.Duration
	MaxRetries         int
	FailureBudget      int
	MaxPageBytes       int64
	MaxAttachmentBytes int64
	// MinBodyRate is the least a response's body must bring, in bytes a
	// second over each 20 s, before it is abandoned (0: no minimum).
	MinBodyRate int64
	// MaxHostTime bounds the time one host's requests may take in one run
	// (0: no bound); a host that has used it is left alone for the run.
	MaxHostTime time.Duration
	// MaxBackoff caps the wait before a retry and the wait a Retry-After may impose.
	MaxBackoff time.Duration
	// HostParallelism is how many requests one host may have in flight: 1 (the
	// default) for every real portal; more only to measure the crawler itself
	// against a local test site.
	HostParallelism int
	// Progress, if set, is called about once a second and at the end.
	Progress func(Progress)
	// Logger receives what an operator must see: work lost (a failed database
	// write, an unreadable archive record), hosts left alone. Default: discarded.
	Logger *slog.Logger
	// Render says whether a column that only scripts fill is rendered in
	// headless Chromium: RenderAuto ("" too) when Chromium is installed,
	// RenderNever never. Chromium is its path ("": looked up on PATH);
	// RenderTimeout bounds one page (default 30s).
	Render        string
	Chromium      string
	RenderTimeout time.Duration
	// Frontier is the run's queue and the hosts' politeness state; nil is one
	// of this process's own. A shared frontier lets several crawl processes
	// work on one run.
	Frontier Frontier
}

// Progress is a snapshot of a running crawl, per portal and in all.
type Progress struct {
	RunID    int64
	Resumed  bool
	Stats    Stats
	Portals  map[string]Stats
	InFlight int
	Done     bool
}

// Crawler crawls a set of portals.
type Crawler struct {
	opts      Options
	portals   []*Portal
	state     State
	sink      Sink
	archive   *archive.Archive
	recorder  *recorder
	client    *http.Client
	collector *colly.Collector
	robots    *robots
	// renderer renders script-only columns; nil when it may not, and noRender
	// says why.
	renderer *renderer
	noRender string

	mu       sync.Mutex
	runID    int64
	stats    Stats
	byPortal map[string]*Stats
	listed   map[string]bool // links the run's pages listed (see firstSeen)
	// chains are the redirect chains of the run: the target of a redirect, by
	// key, with how many redirects led to it and the URL the chain began at.
	chains map[string]chain
	// barren counts, for a further page of a list by key, the pages before it
	// in a row that brought no new link (see news).
	barren map[string]int
	sched  *scheduler
	// stop ends the run early, for a reason that concerns every host: the
	// archive cannot write (a full disk).
	stop context.CancelCauseFunc
}

// New prepares a crawler. The archive receives every response.
func New(opts Options, portals []Portal, st State, sink Sink, arch *archive.Archive) (*Crawler, error) {
	if opts.Parallelism < 1 {
		opts.Parallelism = 1
	}
	if opts.MaxBackoff == 0 {
		opts.MaxBackoff = 10 * time.Minute
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	c := &Crawler{opts: opts, state: st, sink: sink, archive: arch, byPortal: map[string]*Stats{}}
	for i := range portals {
		p := portals[i]
		if len(p.Domains) == 0 {
			for _, s := range p.StartURLs {
				if u, err := url.Parse(s); err == nil {
					p.Domains = append(p.Domains, u.Host)
				}
			}
		}
		c.portals = append(c.portals, &p)
		c.byPortal[p.Name] = &Stats{}
	}
	base := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: opts.ConnectTimeout}).DialContext,
		TLSHandshakeTimeout:   opts.ConnectTimeout,
		ResponseHeaderTimeout: opts.HeaderTimeout,
		// No Accept-Encoding from us: the body arrives as the server stores it,
		// and a server that compresses anyway is archived compressed.
		DisableCompression:  true,
		MaxIdleConnsPerHost: 1,
		IdleConnTimeout:     30 * time.Second,
	}
	c.recorder = &recorder{base: base, archive: arch, pageMax: opts.MaxPageBytes, attachMax: opts.MaxAttachmentBytes,
		timeout: opts.Timeout, minRate: opts.MinBodyRate,
		tmpDir: arch.Dir(), logs: map[string]*fetchLog{}}
	c.client = &http.Client{
		// The recorder bounds each exchange (timeout, min_body_rate), so that
		// its errors say what ran out.
		Transport: c.recorder,
		// A redirect is not followed at once: its target is queued like any link,
		// so every hop waits its host's turn and a redirect loop ends when the
		// target is already in the run.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	c.collector = colly.NewCollector(
		colly.UserAgent(opts.UserAgent),
		colly.MaxBodySize(0), // the transport enforces the limits; colly must not truncate silently
		colly.AllowURLRevisit(),
		colly.IgnoreRobotsTxt(), // robots.txt is read by the crawler, with Crawl-delay and a TTL
	)
	c.collector.SetClient(c.client)
	// colly parses each page once; the crawler reads its links from that tree.
	c.collector.OnHTML("html", func(e *colly.HTMLElement) {
		c.recorder.setDoc(e.Request.Headers.Get(fetchHeader), e.DOM)
	})
	c.robots = newRobots(c.client, opts.UserAgent, robotsRetry(opts.Delay))
	switch path := FindChromium(opts.Chromium); {
	case opts.Render == RenderNever:
		c.noRender = `[crawl] render = "never"`
	case opts.Render != "" && opts.Render != RenderAuto:
		return nil, fmt.Errorf("render %q: the modes are %q and %q", opts.Render, RenderAuto, RenderNever)
	case path == "" && opts.Chromium != "":
		c.noRender = fmt.Sprintf("[crawl] chromium = %q is not there", opts.Chromium)
	case path == "":
		c.noRender = "no Chromium on this machine (Debian: apt-get install chromium)"
	default:
		c.renderer = newRenderer(path, opts.RenderTimeout, opts.MaxPageBytes)
	}
	return c, nil
}

func (c *Crawler) portal(name string) *Portal {
	for _, p := range c.portals {
		if p.Name == name {
			return p
		}
	}
	return nil
}

// Run crawls until the frontier is empty or ctx ends, and returns what it did. A
// run cut short (ctx cancelled, process killed) is resumed by the next Run.
func (c *Crawler) Run(ctx context.Context) (Stats, error) {
	ctx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	front := c.opts.Frontier
	if front == nil {
		front = newLocalFrontier(c.opts.HostParallelism)
	}
	if shared, ok := front.(SharedRobots); ok {
		c.robots.shared = shared
	}
	s := &scheduler{f: front, ctx: context.WithoutCancel(ctx), stop: stop}
	runID, resumed, queued, err := front.Join(ctx, c.begin, c.state.Pending)
	if err != nil {
		return Stats{}, err
	}
	c.mu.Lock()
	c.runID = runID
	c.stop = stop
	c.sched = s
	c.listed = map[string]bool{}
	c.chains = map[string]chain{}
	c.barren = map[string]int{}
	c.stats = Stats{Outcomes: OutcomeCounts{}, Queued: queued}
	for name := range c.byPortal {
		c.byPortal[name] = &Stats{Outcomes: OutcomeCounts{}}
	}
	c.mu.Unlock()
	if k, ok := front.(StatsKeeper); ok {
		k.KeepStats(func() Stats {
			snap := c.snapshot()
			snap.Stats.Portals = snap.Portals
			return snap.Stats
		})
	}

	stopProgress := c.reportProgress(ctx, s, resumed)
	var wg sync.WaitGroup
	for i := 0; i < c.opts.Parallelism; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				it, ok := s.next(ctx)
				if !ok {
					return
				}
				next := c.process(ctx, s, it)
				s.release(it, next)
			}
		}()
	}
	wg.Wait()
	if c.renderer != nil {
		c.renderer.close() // one browser for a run
	}
	// What was fetched is stored, and the run's end recorded, even when ctx is
	// cancelled (Ctrl-C): use a context without its cancellation.
	endCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	flushErr := c.sink.Flush(endCtx)
	status := "finished"
	if ctx.Err() != nil || flushErr != nil {
		status = "interrupted"
	}
	snap := c.snapshot()
	stats := snap.Stats
	stats.Portals = snap.Portals
	// The run ends with its last worker; one that leaves before it leaves the
	// run to the others.
	runStats, last, endErr := front.Leave(endCtx, stats)
	if endErr == nil && last {
		endErr = c.state.EndRun(endCtx, runID, time.Now().UTC(), status, runStats)
	}
	if cause := context.Cause(ctx); errors.Is(cause, archive.ErrWrite) || errors.Is(cause, syscall.ENOSPC) || errors.Is(cause, ErrFrontier) {
		return stats, fmt.Errorf("the crawl stopped, its unfinished URLs kept for the next crawl to resume: %w", cause)
	}
	if endErr != nil {
		return stats, endErr
	}
	if flushErr != nil {
		return stats, fmt.Errorf("storing the last documents: %w", flushErr)
	}
	stopProgress()
	return stats, nil
}

// begin begins or resumes a run, seeded with the portals' start URLs and list
// APIs and the URLs of the reports earlier runs found. A resumed run is seeded
// again (what it has is kept as it is): a crawl killed after it began its run
// and before it queued them would otherwise resume with nothing to do.
func (c *Crawler) begin(ctx context.Context) (int64, bool, error) {
	runID, resumed, err := c.state.BeginRun(ctx, time.Now().UTC())
	if err != nil {
		return runID, resumed, err
	}
	var seeds []Item
	for _, p := range c.portals {
		for _, s := range p.StartURLs {
			if key := Canonical(s); key != "" {
				seeds = append(seeds, Item{Key: key, URL: s, Portal: p.Name, Kind: KindList, Priority: PriorityStart})
			}
		}
		seeds = append(seeds, p.listAPIStarts()...)
	}
	known, err := c.state.KnownReports(ctx)
	if err != nil {
		return 0, false, err
	}
	for _, it := range known {
		it.Priority = PriorityReport
		if c.portal(it.Portal) != nil {
			seeds = append(seeds, it)
		}
	}
	if _, err := c.state.Enqueue(ctx, runID, seeds); err != nil {
		return 0, false, err
	}
	return runID, resumed, nil
}

// maxChallenges is how many anti-bot pages in a row, without a normal answer
// between them, make the run ask whether the host is blocking us (see
// challenged).
const maxChallenges = 3

// attempt records how an item's fetch went, for the scheduler and the stats.
type attempt struct {
	outcome Outcome
	detail  string
	retry   bool          // try the item again later
	wait    time.Duration // before the host's next request (Retry-After, backoff)
	block   string        // the host refuses us: leave it for this run
	// hostFailure says the host itself is failing (connection refused or reset, a
	// timeout, 5xx, a challenge): it counts against the failure budget. What
	// concerns one URL (404, 410, a 403 page, a stub, a look-alike) never does.
	hostFailure bool
	fetched     bool // a request was sent (counts against the host's page budget)
	deferred    bool // the sink finishes the item once its document is stored
}

// process fetches one item and returns how long its host must rest.
func (c *Crawler) process(ctx context.Context, s *scheduler, it Item) time.Duration {
	a := c.fetch(ctx, s, it)
	host := hostOf(it.URL)
	delay := c.hostDelay(host)
	if ctx.Err() != nil {
		return 0 // not finished: the item stays pending for the next run
	}
	if a.outcome != OutcomeChallenge && a.outcome != OutcomeCookieShell && a.fetched && !a.hostFailure {
		good := ""
		if it.Kind != KindAttachment && it.Method == "" {
			good = it.URL
		}
		s.answered(host, good)
	}
	if a.hostFailure && s.fail(host) >= c.opts.FailureBudget {
		a.block = fmt.Sprintf("%d host failures (the failure budget)", c.opts.FailureBudget)
		a.retry = false
	}
	if a.retry && s.attempts(it.Key) < c.opts.MaxRetries {
		s.retry(it)
		backoff := min(delay<<s.attempts(it.Key), c.opts.MaxBackoff)
		return max(a.wait, backoff+jitter(delay))
	}
	if a.retry {
		a.outcome = OutcomeFailed
		a.detail += fmt.Sprintf(" (after %d attempts)", s.attempts(it.Key)+1)
	}
	if !a.deferred {
		// The next way of asking is queued before the item is finished, so that
		// a crawl killed in between still asks it.
		if it.Via != "" && !a.outcome.Yielded() {
			c.fallback(ctx, s, it)
		}
		c.finish(ctx, it, a.outcome, a.detail)
	}
	if a.fetched && s.fetched(host) >= c.opts.MaxPagesPerHost {
		a.block = fmt.Sprintf("%d requests (max_pages_per_host)", c.opts.MaxPagesPerHost)
	}
	if spent := s.spent(host); c.opts.MaxHostTime > 0 && spent >= c.opts.MaxHostTime && a.block == "" {
		a.block = fmt.Sprintf("its requests took %s (max_host_time %s)", spent.Round(time.Second), c.opts.MaxHostTime)
	}
	if a.block != "" {
		c.opts.Logger.Warn("crawl: leaving a host alone for this run", "host", host, "why", a.block)
		for _, left := range s.block(host) {
			c.finish(ctx, left, OutcomeSkipped, "host left alone: "+a.block)
		}
	}
	return max(a.wait, delay+jitter(delay))
}

// hostDelay is how long a host rests between two requests: delay, or its
// robots.txt Crawl-delay when longer (up to max_crawl_delay).
func (c *Crawler) hostDelay(host string) time.Duration {
	delay := c.opts.Delay
	if c.opts.ObeyRobots {
		if rules := c.robots.cached(host); rules != nil {
			if cd := rules.crawlDelay(); cd > delay {
				delay = min(cd, c.opts.MaxCrawlDelay)
			}
		}
	}
	return delay
}

// jitter spreads requests a little so that many crawlers never beat in step.
func jitter(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	return time.Duration(rand.Int64N(int64(d)/5 + 1))
}

// finish records an item's outcome in the state and counts it.
func (c *Crawler) finish(ctx context.Context, it Item, o Outcome, detail string) {
	if err := c.state.Finish(context.WithoutCancel(ctx), c.runID, it.Key, o, strings.TrimSpace(detail)); err != nil {
		c.lost(it, "recording the outcome", err)
	} else {
		c.sched.done(it)
	}
	c.count(it.Portal, func(st *Stats) {
		st.Outcomes[o]++
		switch o {
		case OutcomeUnchanged:
			st.Unchanged++
		case OutcomeGone:
			st.Gone++
		}
	})
}

// lost logs and counts work that could not be kept: the crawl goes on, and the
// operator sees it in the log and in Stats.Lost.
func (c *Crawler) lost(it Item, doing string, err error) {
	c.opts.Logger.Error("crawl: work lost", "doing", doing, "url", it.URL, "portal", it.Portal, "err", err)
	c.count(it.Portal, func(st *Stats) { st.Lost++ })
	if errors.Is(err, syscall.ENOSPC) && c.stop != nil {
		c.stop(err) // a full disk: every URL after would be lost the same way
	}
}

func (c *Crawler) count(portal string, f func(*Stats)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	f(&c.stats)
	if st := c.byPortal[portal]; st != nil {
		f(st)
	}
}

// fetch requests an item, archives what comes back, hands it to the sink and
// queues the links worth following.
func (c *Crawler) fetch(ctx context.Context, s *scheduler, it Item) attempt {
	u, err := url.Parse(it.URL)
	if err != nil {
		return attempt{outcome: OutcomeSkipped, detail: "not a URL: " + err.Error()}
	}
	if trap := isTrap(u); trap != "" {
		return attempt{outcome: OutcomeSkipped, detail: "crawler trap: " + trap}
	}
	if ch := c.chain(it.Key); ch.hops > maxRedirects {
		return attempt{outcome: OutcomeSkipped, detail: fmt.Sprintf("crawler trap: redirect %d of a chain from %s (at most %d are followed)", ch.hops, ch.from, maxRedirects)}
	}
	if c.opts.ObeyRobots {
		rules, fresh := c.robots.rules(ctx, u.Scheme, u.Host)
		if rules.wait != "" {
			return attempt{outcome: OutcomeFailed, detail: rules.wait, retry: true, wait: c.robots.retry, hostFailure: true}
		}
		if !rules.allowed(u.EscapedPath()) {
			return attempt{outcome: OutcomeDisallowed, detail: "robots.txt disallows " + u.EscapedPath()}
		}
		if fresh {
			// robots.txt was the host's request just now; the page waits its turn.
			pause := max(c.opts.Delay, min(rules.crawlDelay(), c.opts.MaxCrawlDelay))
			select {
			case <-ctx.Done():
				return attempt{}
			case <-time.After(pause):
			}
		}
	}
	prev, hasPrev, err := c.state.Previous(ctx, it.Key)
	if err != nil {
		c.lost(it, "reading the last capture", err)
		return attempt{outcome: OutcomeNotStored, detail: "reading the last capture: " + err.Error()}
	}
	hdr := http.Header{}
	var prevPtr *Previous
	if hasPrev {
		prevPtr = &prev
		if prev.ETag != "" {
			hdr.Set("If-None-Match", prev.ETag)
		}
		if prev.LastModified != "" {
			hdr.Set("If-Modified-Since", prev.LastModified)
		}
	}
	if it.Referer != "" {
		hdr.Set("Referer", it.Referer)
	}
	method := http.MethodGet
	var body io.Reader
	if it.Method == http.MethodPost {
		// colly sends a POST as any request: the body, its type, and the headers
		// the list APIs want (Referer, X-Requested-With).
		method = http.MethodPost
		body = strings.NewReader(it.Body)
		hdr.Set("Content-Type", it.BodyType)
		hdr.Set("X-Requested-With", "XMLHttpRequest")
	}
	if a, _, ok := c.portal(it.Portal).listAPIOf(it); ok {
		// A configured API's own headers (X-Requested-With, an Accept the
		// endpoint insists on) go with each of its requests.
		for k, v := range a.Headers {
			hdr.Set(k, v)
		}
	}
	id, log := c.recorder.register(it.Kind, prevPtr)
	defer c.recorder.forget(id)
	hdr.Set(fetchHeader, id)
	began := time.Now()
	reqErr := c.collector.Request(method, it.URL, body, colly.NewContext(), hdr)
	s.spend(u.Host, time.Since(began))
	if errors.Is(reqErr, archive.ErrWrite) {
		// Nothing fetched can be kept: the run stops, the item stays pending.
		c.stop(reqErr)
		return attempt{}
	}
	final := log.final()
	if final == nil {
		if ctx.Err() != nil {
			return attempt{}
		}
		detail := "no response"
		if reqErr != nil {
			detail = reqErr.Error()
		}
		// A request that got no answer still asked the host: it counts.
		return attempt{outcome: OutcomeFailed, detail: detail, retry: true, hostFailure: true, fetched: true}
	}
	return c.handle(ctx, s, it, log, final, hasPrev, prev)
}

// handle turns a fetch's final response into an outcome: it records the capture,
// gives the document to the sink, and queues the links worth following.
func (c *Crawler) handle(ctx context.Context, s *scheduler, it Item, log *fetchLog, final *hop, hasPrev bool, prev Previous) attempt {
	status := final.Status
	if log.doc == nil && log.body != nil {
		c.readDeepPage(it, log)
	}
	text := c.decoded(log)
	c.count(it.Portal, func(st *Stats) {
		st.Fetched++
		if log.charsetConflict != "" {
			st.CharsetConflicts++
		}
	})
	switch {
	case status == http.StatusNotModified && final.Revisit:
		if it.Kind != KindAttachment {
			c.followArchived(ctx, s, it, prev)
		}
		return attempt{outcome: OutcomeUnchanged, detail: "304 Not Modified", fetched: true}
	case status == http.StatusNotFound || status == http.StatusGone:
		return c.missing(ctx, it, hasPrev, status, fmt.Sprintf("%d %s", status, http.StatusText(status)))
	case status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable:
		wait := retryAfter(final.Header.Get("Retry-After"), c.opts.MaxBackoff)
		return attempt{outcome: OutcomeFailed, detail: fmt.Sprintf("%d %s", status, http.StatusText(status)), retry: true, wait: wait, hostFailure: true, fetched: true}
	case status >= 300 && status < 400:
		return c.redirect(ctx, s, it, final)
	}
	if why := challenge(status, final.Header, []byte(text)); why != "" {
		return c.challenged(ctx, s, it, OutcomeChallenge, why+" at "+final.URL)
	}
	if why := cookieShell(status, []byte(text)); why != "" {
		return c.challenged(ctx, s, it, OutcomeCookieShell, why+" at "+final.URL)
	}
	// The page's links, read once for the checks below and for following them.
	var rp *readPage
	links := func() *readPage {
		if rp == nil && log.doc != nil {
			rp = c.readLinks(it, log.doc, func() string { return decodePage(log.body, log.contentType) }, final.URL, false)
		}
		return rp
	}
	switch {
	case status >= 500:
		return attempt{outcome: OutcomeFailed, detail: fmt.Sprintf("%d %s", status, http.StatusText(status)), retry: true, hostFailure: true, fetched: true}
	case status == http.StatusForbidden || status == http.StatusUnauthorized:
		return attempt{outcome: OutcomeForbidden, detail: fmt.Sprintf("%d %s", status, http.StatusText(status)), fetched: true}
	case status != http.StatusOK:
		return attempt{outcome: OutcomeNotFound, detail: fmt.Sprintf("%d %s", status, http.StatusText(status)), fetched: true}
	case log.tooLarge && log.inflated != "":
		return attempt{outcome: OutcomeTooLarge, detail: fmt.Sprintf("its %s body inflates past max_page_bytes (%s); archived as served", log.inflated, textfmt.Bytes(c.opts.MaxPageBytes)), fetched: true}
	case log.tooLarge && log.attachment:
		return attempt{outcome: OutcomeTooLarge, detail: fmt.Sprintf("larger than max_attachment_bytes (%s); archived truncated", textfmt.Bytes(c.opts.MaxAttachmentBytes)), fetched: true}
	case log.tooLarge:
		return attempt{outcome: OutcomeTooLarge, detail: fmt.Sprintf("larger than max_page_bytes (%s); archived truncated", textfmt.Bytes(c.opts.MaxPageBytes)), fetched: true}
	case softNotFound(status, []byte(text)):
		a := c.missing(ctx, it, hasPrev, http.StatusNotFound, "a page saying it does not exist (soft 404)")
		if a.outcome == OutcomeNotFound {
			a.outcome = OutcomeStub
		}
		a.fetched = true
		return a
	case it.Kind == KindList && it.Via == "" && log.doc != nil && c.scriptShell(it, links()):
		return c.renderShell(ctx, s, it, log, final)
	case log.body != nil && links() != nil && isStub(log.body, log.doc.Find("body").Text(), len(links().links)):
		return attempt{outcome: OutcomeStub, detail: fmt.Sprintf("a %d-byte body with nothing in it", len(log.body)), fetched: true}
	}
	if log.doc == nil && log.body == nil {
		c.count(it.Portal, func(st *Stats) { st.Attachments++ })
	}
	now := Previous{ETag: final.Header.Get("ETag"), LastModified: final.Header.Get("Last-Modified"), Capture: final.Capture, ContentType: log.contentType}
	if final.Revisit {
		now.IsReport = prev.IsReport
		if err := c.state.Remember(ctx, it.Key, now); err != nil {
			c.lost(it, "recording the capture", err)
			return attempt{outcome: OutcomeNotStored, detail: "recording the capture: " + err.Error(), fetched: true}
		}
		if pg := links(); pg != nil {
			pg.isReport = now.IsReport
			c.follow(ctx, s, it, pg)
		}
		return attempt{outcome: OutcomeUnchanged, detail: "same bytes as the last capture", fetched: true}
	}
	// A list API's answer is read before the sink takes the page, so that what
	// it held is part of the URL's outcome.
	pg := links()
	c.news(pg)
	// The page is finished only once it is stored and its links are queued,
	// whichever ends last: the sink may store it (and call back) before
	// Fetched returns, and a crawl killed between its outcome and its links
	// would leave the links out of the run.
	var both afterBoth
	isReport, err := c.sink.Fetched(ctx, Fetched{Item: it, FinalURL: final.URL, ContentType: log.contentType, Capture: final.Capture, Body: log.body},
		func(ing Ingested, err error) {
			if pg != nil && pg.note != "" {
				// What the answer held first, then what storing it did.
				ing.Change = pg.note + "; " + ing.Change
			}
			both.done(func() { c.stored(ctx, it, now, ing, err) })
		})
	if err != nil {
		// Not finished by done: the attempt's outcome says it was not stored.
		c.lost(it, "storing", err)
		return attempt{outcome: OutcomeNotStored, detail: "storing: " + err.Error(), fetched: true}
	}
	now.IsReport = isReport
	if pg != nil {
		pg.isReport = isReport
		c.follow(ctx, s, it, pg)
	}
	both.done(nil)
	return attempt{fetched: true, deferred: true}
}

// afterBoth runs a function once two things have ended, in either order: the
// function comes with one of them.
type afterBoth struct {
	mu    sync.Mutex
	ended int
	f     func()
}

func (a *afterBoth) done(f func()) {
	a.mu.Lock()
	if f != nil {
		a.f = f
	}
	a.ended++
	run := a.ended == 2
	a.mu.Unlock()
	if run {
		a.f()
	}
}

// challenged records an anti-bot answer (a challenge, a cookie shell) as the
// outcome of its page: recorded, never circumvented. Some portals guard only
// some paths (a column, the downloads), others the whole host, and a list of
// guarded reports brings several in a row. So after maxChallenges in a row the
// host is asked again for the last page that answered normally: only if that
// page is refused too is the host blocking us, and it is left alone for the
// run. A host that never answered normally is left alone at once.
func (c *Crawler) challenged(ctx context.Context, s *scheduler, it Item, o Outcome, detail string) attempt {
	a := attempt{outcome: o, detail: detail, fetched: true}
	host := hostOf(it.URL)
	n, good := s.challenged(host)
	switch {
	case n < maxChallenges:
		return a
	case good == "":
		a.block = fmt.Sprintf("%d %s pages in a row, and no page of the host answered normally", n, o)
		return a
	}
	refused, err := c.probe(ctx, s, it, good)
	switch {
	case err != nil:
		// Whether the host blocks us is unknown; its failures count as any.
		a.hostFailure = true
		a.detail += fmt.Sprintf("; asking %s again failed: %v", good, err)
	case refused != "":
		a.block = fmt.Sprintf("%d %s pages in a row, and %s, which answered normally before, now answers %s", n, o, good, refused)
	default:
		s.answered(host, good)
		a.detail += fmt.Sprintf("; the host still answers %s normally: the challenge guards this page", good)
	}
	return a
}

// probe asks for a page that answered normally before, after the host's delay,
// and says what refused it ("" if it answered normally). The request is
// archived and counts towards the host's budget like any other.
func (c *Crawler) probe(ctx context.Context, s *scheduler, it Item, pageURL string) (string, error) {
	select {
	case <-ctx.Done():
		return "", ctx.Err()
	case <-time.After(c.hostDelay(hostOf(pageURL))):
	}
	s.fetched(hostOf(pageURL))
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, pageURL, nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("User-Agent", c.opts.UserAgent)
	id, log := c.recorder.register(KindList, nil)
	defer c.recorder.forget(id)
	req.Header.Set(fetchHeader, id)
	resp, err := c.client.Do(req)
	if err != nil {
		return "", err
	}
	resp.Body.Close()
	c.count(it.Portal, func(st *Stats) { st.Fetched++ })
	final := log.final()
	if final == nil {
		return "", errors.New("no response")
	}
	text := decodePage(log.body, log.contentType)
	if why := challenge(final.Status, final.Header, []byte(text)); why != "" {
		return why, nil
	}
	if why := cookieShell(final.Status, []byte(text)); why != "" {
		return why, nil
	}
	return "", nil
}

// missing is the outcome of a 404, a 410 or a soft 404: gone for a URL that held
// a document (the sink marks it), not found for any other. Neither concerns the host.
func (c *Crawler) missing(ctx context.Context, it Item, hasPrev bool, status int, detail string) attempt {
	if !hasPrev {
		return attempt{outcome: OutcomeNotFound, detail: detail, fetched: true}
	}
	if err := c.sink.Gone(ctx, it.URL, status); err != nil {
		c.lost(it, "marking a document gone", err)
		return attempt{outcome: OutcomeNotStored, detail: "marking it gone: " + err.Error(), fetched: true}
	}
	return attempt{outcome: OutcomeGone, detail: detail, fetched: true}
}

// stored finishes an item once the sink has stored its document: only then is its
// capture remembered (a capture remembered before its document is stored would
// make the next night's conditional request skip a document never stored).
func (c *Crawler) stored(ctx context.Context, it Item, now Previous, ing Ingested, err error) {
	if err != nil {
		c.lost(it, "storing", err)
		c.finish(ctx, it, OutcomeNotStored, "storing: "+err.Error())
		return
	}
	now.IsReport = ing.IsReport
	if err := c.state.Remember(context.WithoutCancel(ctx), it.Key, now); err != nil {
		c.lost(it, "recording the capture", err)
		c.finish(ctx, it, OutcomeNotStored, "recording the capture: "+err.Error())
		return
	}
	outcome := storedOutcome(it, ing)
	c.count(it.Portal, func(st *Stats) {
		switch {
		case ing.IsReport && ing.Change == "new":
			st.ReportsNew++
		case ing.IsReport && ing.Change == "changed":
			st.ReportsChanged++
		}
		if outcome == OutcomeUnreadable {
			if st.Unread == nil {
				st.Unread = map[report.Unread]int{}
			}
			st.Unread[ing.Unread]++
		}
	})
	detail := strings.TrimSpace(ing.Change + " " + ing.Detail)
	if ing.Unread != "" {
		detail = ing.Detail // the outcome says it was not read; the detail says why
	}
	c.finish(ctx, it, outcome, detail)
}

// storedOutcome names what a stored document was: a report, a document the
// parser could not read, a list page, a look-alike (a page whose words name the report, which the parser refused), or
// another document that is not a report.
func storedOutcome(it Item, ing Ingested) Outcome {
	switch {
	case ing.IsReport:
		return OutcomeReport
	case ing.Unread == report.UnreadTooLarge:
		return OutcomeTooLarge
	case ing.Unread != "":
		return OutcomeUnreadable
	case it.Kind == KindList:
		return OutcomeList
	case it.Kind != KindAttachment && (report.NamesReport(it.Text) || report.LookAlike(it.Text) != ""):
		// A page that names the report without being one. An attachment named
		// as the report that does not read as one is a document that is not a
		// report (a scan, a placeholder): the detail says what the parser found.
		return OutcomeLookAlike
	}
	return OutcomeNotReport
}

// redirect queues the target of a redirect as the item it replaces.
func (c *Crawler) redirect(ctx context.Context, s *scheduler, it Item, final *hop) attempt {
	loc := final.Header.Get("Location")
	base, err := url.Parse(final.URL)
	if err != nil {
		return attempt{outcome: OutcomeNotFound, detail: err.Error(), fetched: true}
	}
	target, err := base.Parse(loc)
	if err != nil || loc == "" {
		return attempt{outcome: OutcomeNotFound, detail: fmt.Sprintf("a %d without a usable Location (%q)", final.Status, loc), fetched: true}
	}
	portal := c.portal(it.Portal)
	if portal == nil || !hostAllowed(target.Host, portal.Domains) {
		return attempt{outcome: OutcomeSkipped, detail: "redirects off the portal to " + target.String(), fetched: true}
	}
	key := Canonical(target.String())
	if key == it.Key {
		return attempt{outcome: OutcomeNotFound, detail: "redirects to itself", fetched: true}
	}
	next := it
	next.Key, next.URL, next.From = key, target.String(), it.URL
	// A redirect answers a POST with a page to GET (303, and 301/302 as browsers do).
	next.Method, next.Body, next.BodyType = "", "", ""
	c.extendChain(it, key)
	c.enqueue(ctx, s, it, []Item{next})
	return attempt{outcome: OutcomeRedirected, detail: fmt.Sprintf("%d to %s", final.Status, target), fetched: true}
}

// maxRedirects is how many redirects in a row are followed from one URL, as
// browsers and Go's client bound them: a server that redirects ?n=N to ?n=N+1
// for ever would otherwise queue one URL per hop until the host's budget ends.
const maxRedirects = 10

// chain is how an item was reached through redirects.
type chain struct {
	hops int    // redirects that led to it (0: it was linked)
	from string // the URL the chain began at
}

func (c *Crawler) chain(key string) chain {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.chains[key]
}

// extendChain notes that item it redirects to the item of key. The chains live
// for the run: a resumed run counts a chain again from where it resumed.
func (c *Crawler) extendChain(it Item, key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := c.chains[it.Key]
	if ch.hops == 0 {
		ch.from = it.URL
	}
	ch.hops++
	if _, seen := c.chains[key]; !seen {
		c.chains[key] = ch
	}
}

// enqueue adds items to the run's frontier and to the scheduler.
func (c *Crawler) enqueue(ctx context.Context, s *scheduler, from Item, items []Item) {
	if len(items) == 0 {
		return
	}
	added, err := c.state.Enqueue(ctx, c.runID, items)
	if err != nil {
		c.lost(from, "queueing its links", err)
		return
	}
	for _, n := range s.add(added) {
		c.finish(ctx, n, OutcomeSkipped, "host left alone")
	}
	c.count(from.Portal, func(st *Stats) { st.Queued += len(added) })
}

// decoded returns a fetched page as text, for recognising challenge and 404 pages.
func (c *Crawler) decoded(log *fetchLog) string {
	if log.doc != nil {
		return log.doc.Text()
	}
	return string(log.body)
}

// followArchived reads the links of an unchanged page from its archived copy: a
// list page that answered 304 still leads to every report it listed.
func (c *Crawler) followArchived(ctx context.Context, s *scheduler, it Item, prev Previous) {
	p, err := archive.Read(c.archive.Dir(), prev.Capture.File, prev.Capture.Offset, c.opts.MaxPageBytes)
	if err != nil {
		c.lost(it, "reading its archived copy for links", err)
		return
	}
	doc, err := c.readPage(it, decodePage(p.Body, prev.ContentType))
	if err != nil {
		c.lost(it, "reading its archived copy for links", err)
		return
	}
	c.follow(ctx, s, it, c.readLinks(it, doc, func() string { return decodePage(p.Body, prev.ContentType) }, it.URL, prev.IsReport))
}

// readPage is a fetched page as the crawl reads it for links: its links, and
// what the answer of a list API said.
type readPage struct {
	it       Item
	doc      *goquery.Selection
	url      *url.URL
	isReport bool
	links    []link
	apiMore  bool     // a jpaas or gkmlpt answer had items
	api      *apiPage // the answer of a configured list API
	note     string   // what a list API's answer held, for the URL's outcome
	// What news found: whether it ran, the links no page of the run listed
	// before, and how many pages of the list in a row, this one included,
	// brought no new link other than further pages.
	counted bool
	fresh   int
	barren  int
}

// maxBarrenPages is how many pages of a list in a row may bring no new link
// before its further pages are no longer followed: a list whose 下一页 leads to
// page N+1 for ever (a server that ignores the page asked for) ends there.
const maxBarrenPages = 3

// news counts the links of a page that no page of the run listed before (it
// remembers them), once per page, and how many pages of its list in a row have
// brought nothing new but further pages. When that reaches maxBarrenPages, the
// page's outcome says that its further pages are not followed.
func (c *Crawler) news(rp *readPage) {
	if rp == nil || rp.counted {
		return
	}
	rp.counted = true
	var items, paging []link
	for _, l := range rp.links {
		if l.Paging {
			paging = append(paging, l)
		} else {
			items = append(items, l)
		}
	}
	newItems := c.firstSeen(items)
	rp.fresh = newItems + c.firstSeen(paging)
	if newItems > 0 {
		return
	}
	c.mu.Lock()
	rp.barren = c.barren[rp.it.Key] + 1
	c.mu.Unlock()
	if rp.barren >= maxBarrenPages && len(paging) > 0 && rp.api == nil {
		rp.note = fmt.Sprintf("its further pages not followed: %d pages of the list in a row brought no new link", rp.barren)
	}
}

// readLinks reads the links of a fetched page: its anchors, scripts and
// embedded lists, or, for the answer of a list API, the items of its JSON
// (read from the text as served: an HTML parser would take the markup inside
// its strings for tags).
func (c *Crawler) readLinks(it Item, doc *goquery.Selection, text func() string, pageURL string, isReport bool) *readPage {
	base, err := url.Parse(pageURL)
	if err != nil {
		return nil
	}
	pg := &readPage{it: it, doc: doc, url: base, isReport: isReport}
	portal := c.portal(it.Portal)
	switch a, _, isAPI := portal.listAPIOf(it); {
	case isAPI:
		resolveAt := base
		if r, err := url.Parse(a.Referer); err == nil && a.Referer != "" {
			resolveAt = r
		}
		ans := a.read(text(), resolveAt, apiPageOf(it))
		pg.api, pg.links, pg.note = &ans, ans.links, ans.note
	case it.Via == viaJpaas || it.Via == viaGkmlpt:
		var raw []rawLink
		raw, pg.apiMore = apiAnswer(it, text())
		pg.links = resolveLinks(raw, base)
	default:
		pg.links = discover(doc, base)
	}
	return pg
}

// follow queues the links of a page that the focus rules choose, and the
// requests of the list mechanisms the page uses (Hanweb's dataproxy, jpaas and
// gkmlpt APIs, a configured API).
func (c *Crawler) follow(ctx context.Context, s *scheduler, it Item, rp *readPage) {
	portal := c.portal(it.Portal)
	if portal == nil || rp == nil {
		return
	}
	doc, base := rp.doc, rp.url
	title := strings.TrimSpace(doc.Find("title").First().Text())
	pg := page{URL: base, Kind: it.Kind, Title: title, Depth: it.Depth, IsReport: rp.isReport, InReportColumn: it.InReportColumn,
		Answer: rp.api != nil || it.Via == viaJpaas || it.Via == viaGkmlpt}
	c.news(rp)
	links := rp.links
	paging := map[string]bool{}
	if rp.api == nil {
		links = nil
		for _, l := range rp.links {
			switch {
			case l.Paging && rp.barren >= maxBarrenPages:
				continue
			case l.Paging:
				paging[Canonical(l.URL.String())] = true
			}
			links = append(links, l)
		}
	}
	var items []Item
	for _, t := range choose(pg, links, portal, c.opts.MaxDepth) {
		key := Canonical(t.URL.String())
		if key == "" || key == it.Key {
			continue
		}
		if paging[key] {
			c.mu.Lock()
			if _, seen := c.barren[key]; !seen {
				c.barren[key] = rp.barren
			}
			c.mu.Unlock()
		}
		items = append(items, Item{Key: key, URL: t.URL.String(), Portal: it.Portal, Kind: t.Kind, Depth: t.Depth, From: it.URL, Text: t.Text,
			Priority: t.Priority, InReportColumn: t.InReportColumn, Listed: t.Listed})
	}
	fresh := rp.fresh
	switch {
	case rp.api != nil:
		items = append(items, portal.listAPINext(it, *rp.api, fresh)...)
	case it.Via == viaHanwebPost || it.Via == viaHanwebGet || it.Via == viaHanwebPageNum || it.Via == viaHanwebNextgroup:
		if fresh == 0 && it.From == it.Referer {
			items = append(items, hanwebFallback(it)...)
		} else {
			items = append(items, hanwebNext(it, fresh)...)
		}
	case it.Via == viaJpaas || it.Via == viaGkmlpt:
		if rp.apiMore && fresh > 0 {
			items = append(items, apiNext(it)...)
		}
	case it.Via == "" && it.Kind == KindList && !rp.isReport:
		items = append(items, hanwebStart(it, doc, base, pg.inReportColumn())...)
		items = append(items, jpaasStart(it, doc, base, pg.inReportColumn())...)
		items = append(items, gkmlptStart(it, doc, base)...)
	}
	c.enqueue(ctx, s, it, items)
}

// scriptShell says whether a list page is one that scripts fill, which no list
// mechanism of the crawler reads (a client-rendered column, portals.md F2d): a
// page with scripts and none of the list mechanisms, that is either an empty
// shell (next to no words, no link the crawl would follow) or a page of an
// annual-report column, chrome and all, that links no report, no attachment
// and no further page of its list.
func (c *Crawler) scriptShell(it Item, rp *readPage) bool {
	if rp == nil || rp.doc.Find("script").Length() == 0 {
		return false
	}
	doc, base := rp.doc, rp.url
	title := strings.TrimSpace(doc.Find("title").First().Text())
	pg := page{URL: base, Kind: it.Kind, Title: title, Depth: it.Depth, InReportColumn: it.InReportColumn}
	empty := utf8.RuneCountInString(strings.Join(strings.Fields(doc.Find("body").Text()), "")) < 200
	portal := c.portal(it.Portal)
	if (!empty && !pg.inReportColumn()) || portal == nil || portal.listsWithAPI(base) {
		return false
	}
	if len(hanwebStart(it, doc, base, false))+len(jpaasStart(it, doc, base, false))+len(gkmlptStart(it, doc, base)) > 0 {
		return false
	}
	self := Canonical(base.String())
	var targets []target
	for _, t := range choose(pg, rp.links, portal, c.opts.MaxDepth) {
		if Canonical(t.URL.String()) != self {
			targets = append(targets, t)
		}
	}
	if empty && len(targets) == 0 {
		return true
	}
	if !pg.inReportColumn() {
		return false
	}
	for _, t := range targets {
		if t.Kind != KindList || (t.InReportColumn && path.Dir(t.URL.Path+"x") == path.Dir(base.Path+"x")) {
			// A report, an attachment or a further page of the list (beside
			// the page: 首页 back to the portal's home is no page of it).
			return false
		}
	}
	return true
}

// resolveLinks turns links found as text into links of the page at base.
func resolveLinks(raw []rawLink, base *url.URL) []link {
	var out []link
	for _, r := range raw {
		u, err := base.Parse(strings.TrimSpace(r.raw))
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
			continue
		}
		u.Fragment = ""
		out = append(out, link{URL: u, Text: r.text})
	}
	return out
}

// firstSeen counts the links that no page of the run listed before, and
// remembers them: a list mechanism pages on while its answers bring new links,
// so a server that ignores the page asked for ends the paging.
func (c *Crawler) firstSeen(links []link) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, l := range links {
		k := Canonical(l.URL.String())
		if !c.listed[k] {
			c.listed[k] = true
			n++
		}
	}
	return n
}

// fallback queues the next way of asking a list mechanism whose first request
// brought nothing.
func (c *Crawler) fallback(ctx context.Context, s *scheduler, it Item) {
	if it.From != it.Referer {
		return // a later page: the list ends here
	}
	switch it.Via {
	case viaHanwebPost, viaHanwebGet, viaHanwebPageNum:
		c.enqueue(ctx, s, it, hanwebFallback(it))
	}
}

// retryAfter reads a Retry-After header (seconds or an HTTP date), capped.
func retryAfter(v string, ceiling time.Duration) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(v); err == nil && secs >= 0 {
		return min(time.Duration(secs)*time.Second, ceiling)
	}
	if t, err := http.ParseTime(v); err == nil {
		return min(max(time.Until(t), 0), ceiling)
	}
	return 0
}

func (c *Crawler) snapshot() Progress {
	c.mu.Lock()
	defer c.mu.Unlock()
	p := Progress{RunID: c.runID, Stats: c.stats.clone(), Portals: map[string]Stats{}}
	for name, st := range c.byPortal {
		p.Portals[name] = st.clone()
	}
	return p
}

// reportProgress calls the Progress hook about once a second until stopped, and
// once more at the end.
func (c *Crawler) reportProgress(ctx context.Context, s *scheduler, resumed bool) func() {
	if c.opts.Progress == nil {
		return func() {}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
				p := c.snapshot()
				p.Resumed = resumed
				p.InFlight = s.inFlight()
				c.opts.Progress(p)
			}
		}
	}()
	return func() {
		close(done)
		wg.Wait()
		p := c.snapshot()
		p.Resumed, p.Done = resumed, true
		c.opts.Progress(p)
	}
}
