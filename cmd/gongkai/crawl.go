package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"gongkai/archive"
	"gongkai/config"
	"gongkai/crawl"
	"gongkai/crawl/redisfrontier"
	"gongkai/internal/lockfile"
	"gongkai/internal/textfmt"
	"gongkai/parse"
	"gongkai/report"
	"gongkai/store"
)

func init() {
	commands["crawl"] = command{
		summary: "find, archive and store the reports of the configured portals",
		usage: usageText("gongkai crawl --config FILE [--data DIR] [--database URL] [--schedule CRON] [--wait] [--json] [--worker NAME]",
			"       gongkai crawl --status --config FILE [--data DIR] [--runs N]",
			"Crawls every [[portals]] entry of the configuration file: discovers the annual-report",
			"columns and list pages, fetches report pages and their attachments politely, archives",
			"every response as WARC under DATA/warc/, and parses and stores the reports in",
			"DATA/gongkai.db. A crawl that was killed resumes where it stopped; a later crawl asks",
			"the servers what changed (ETag, Last-Modified) and stores changed reports as new",
			"versions.",
			"",
			"On a terminal it shows progress per portal and ends with a summary.",
			"",
			"One crawl runs on a data folder at a time (it holds DATA/crawl.lock): another",
			"started meanwhile says which process holds it and exits with status 1, or with",
			"--wait waits for it; a scheduled crawl that finds it held skips that time.",
			"",
			"With [crawl] frontier = \"redis://HOST:PORT/DB\", the crawl is one worker of a run",
			"that any number of crawls, on this machine and others, share through that Redis:",
			"each URL is fetched once, a host has one request in flight whichever worker sends it,",
			"and the workers share the data folder (on one machine) or the PostgreSQL store. A",
			"worker that cannot reach Redis says so and stops; one that dies leaves what it held",
			"to the others once its lease expires.",
			"",
			"Exit status: 0 done; 1 the crawl failed or another holds the data folder; 2 usage",
			"error; 4 done, but the search index could not be brought up to date (gongkai index",
			"does it later; not when a gongkai serve keeps the index, which indexes them itself).",
			"",
			"Flags:",
			"  --config FILE     the configuration file (see config.example.toml); required",
			"  --data DIR        the data folder (overrides [storage] data)",
			"  --database URL    the archive's PostgreSQL database (overrides [storage] database)",
			"  --schedule CRON   crawl now, then stay running and crawl on this schedule, e.g.",
			"                    \"0 2 * * *\" (02:00 every day; overrides [crawl] schedule)",
			"  --wait            wait for the crawl that holds the data folder, instead of exiting",
			"  --json            end each crawl with one JSON object of its counts",
			"  --worker NAME     this worker's name among the workers of a shared frontier",
			"                    (overrides [crawl] worker; default: the host name)",
			"  --status          crawl nothing: show the last runs per portal (pages, reports",
			"                    new/changed/gone, each outcome's count) and, for a portal with",
			"                    no report, the path the crawl took and where it stopped",
			"  --runs N          how many runs --status shows (default 3)"),
		run: runCrawl,
	}
}

func runCrawl(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("crawl", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	configPath := fs.String("config", "", "")
	dataDir := fs.String("data", "", "")
	database := databaseFlag(fs)
	schedule := fs.String("schedule", "", "")
	asJSON := fs.Bool("json", false, "")
	status := fs.Bool("status", false, "")
	runs := fs.Int("runs", 3, "")
	wait := fs.Bool("wait", false, "")
	worker := fs.String("worker", "", "")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			fmt.Fprintln(stdout, commands["crawl"].usage)
			return exitOK
		}
		fmt.Fprintf(stderr, "gongkai crawl: %v\n", err)
		return exitUsage
	}
	if *configPath == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, commands["crawl"].usage)
		return exitUsage
	}
	cfg, err := config.Load(*configPath)
	if err != nil {
		fmt.Fprintf(stderr, "gongkai crawl: %v\n", err)
		return exitUsage
	}
	if len(cfg.Portals) == 0 {
		fmt.Fprintf(stderr, "gongkai crawl: %s has no [[portals]] to crawl\n", *configPath)
		return exitUsage
	}
	if *dataDir != "" {
		cfg.Storage.Data = *dataDir
	}
	if *database != "" {
		cfg.Storage.Database = *database
	}
	if *schedule != "" {
		cfg.Crawl.Schedule = *schedule
	}
	if *worker != "" {
		if err := config.CheckWorker(*worker); err != nil {
			fmt.Fprintf(stderr, "gongkai crawl: --worker: %v\n", err)
			return exitUsage
		}
		cfg.Crawl.Worker = *worker
	}
	if *status {
		st, err := openStore(context.Background(), cfg.Storage.Data, cfg.Storage.Database, openExisting)
		if err != nil {
			fmt.Fprintf(stderr, "gongkai crawl: %v\n", err)
			return exitFailed
		}
		defer st.Close()
		if err := printCrawlStatus(context.Background(), stdout, st, *runs, cfg.Crawl.Frontier); err != nil {
			fmt.Fprintf(stderr, "gongkai crawl: %v\n", err)
			return exitFailed
		}
		return exitOK
	}
	var sched interface{ Next(time.Time) time.Time }
	if cfg.Crawl.Schedule != "" {
		s, err := config.ParseSchedule(cfg.Crawl.Schedule)
		if err != nil {
			fmt.Fprintf(stderr, "gongkai crawl: --schedule: %v\n", err)
			return exitUsage
		}
		sched = s
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if sched != nil {
		// Whoever starts a daemon wants to know whether it fetches now or waits.
		fmt.Fprintf(stderr, "gongkai crawl: crawling now, then on the schedule %q (next at %s); Ctrl-C or SIGTERM stops it\n",
			cfg.Crawl.Schedule, sched.Next(time.Now()).Format("2006-01-02 15:04 MST"))
	}
	for {
		status := crawlOnce(ctx, cfg, stdout, stderr, *asJSON, *wait)
		if sched == nil || ctx.Err() != nil {
			return status
		}
		next := sched.Next(time.Now())
		fmt.Fprintf(stderr, "next crawl at %s\n", next.Format("2006-01-02 15:04 MST"))
		select {
		case <-ctx.Done():
			return exitOK
		case <-time.After(time.Until(next)):
		}
	}
}

// crawlOnce runs one crawl (or resumes an interrupted one) and prints its summary.
// It holds the data folder's crawl lock throughout: a second crawl would resume
// the same run and fetch the same URLs beside it.
func crawlOnce(ctx context.Context, cfg *config.Config, stdout, stderr io.Writer, asJSON, wait bool) int {
	shared := cfg.Crawl.Frontier != ""
	var lock *lockfile.Lock
	var ok bool
	if shared {
		lock, ok = shareDataFolder(cfg.Storage.Data, stderr)
	} else {
		lock, ok = lockDataFolder(ctx, cfg.Storage.Data, wait, stderr)
	}
	if !ok {
		return exitFailed
	}
	defer lock.Release()
	// A crawl's live heap is small (some 40 MB for 10,000 pages), and it makes
	// garbage fast: without a limit the heap grows to twice what is live
	// between two collections.
	defer underMemoryLimit()()
	worker := workerName(cfg)
	st, err := openStore(ctx, cfg.Storage.Data, cfg.Storage.Database, openCreate)
	if err != nil {
		fmt.Fprintf(stderr, "gongkai crawl: %v\n", err)
		return exitFailed
	}
	defer st.Close()
	// What a crawl stored before it failed is indexed too.
	indexed := false
	defer func() {
		if !indexed {
			syncCrawlIndex(ctx, shared, st, cfg.Storage.Data, stderr)
		}
	}()
	var arch *archive.Archive
	if shared {
		// Each worker writes WARC files of its own, named with it.
		arch, err = archive.OpenWorker(filepath.Join(cfg.Storage.Data, "warc"), worker)
	} else {
		arch, err = archive.Open(filepath.Join(cfg.Storage.Data, "warc"))
	}
	if err != nil {
		fmt.Fprintf(stderr, "gongkai crawl: %v\n", err)
		return exitFailed
	}
	defer arch.Close()
	for _, r := range arch.Repaired() {
		fmt.Fprintf(stderr, "gongkai crawl: repaired WARC file %s\n", r)
	}
	portals, err := crawlPortals(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "gongkai crawl: %v\n", err)
		return exitUsage
	}
	opts := crawlOptions(cfg)
	// Work that is lost (a failed database write, an unreadable archive record)
	// and hosts left alone are said on stderr as they happen.
	opts.Logger = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	progress := newProgressPrinter(stderr)
	opts.Progress = progress.show
	var front *redisfrontier.Frontier
	if shared {
		front, err = redisfrontier.Open(ctx, redisfrontier.Options{URL: cfg.Crawl.Frontier, Worker: worker, Rest: cfg.Crawl.Delay.Duration, Logger: opts.Logger})
		if err != nil {
			fmt.Fprintf(stderr, "gongkai crawl: %v\n", err)
			return exitFailed
		}
		defer front.Close()
		opts.Frontier = front
		fmt.Fprintf(stderr, "gongkai crawl: worker %s of the run shared through %s\n", worker, redactURL(cfg.Crawl.Frontier))
	}
	regions := map[string]string{}
	for _, p := range cfg.Portals {
		if regions[p.Name], err = p.RegionCode(); err != nil {
			fmt.Fprintf(stderr, "gongkai crawl: portal %s: region: %v\n", p.Name, err)
			return exitUsage
		}
	}
	c, err := crawl.New(opts, portals, crawlState{st}, newStoreSink(st, arch.Dir(), regions), arch)
	if err != nil {
		fmt.Fprintf(stderr, "gongkai crawl: %v\n", err)
		return exitFailed
	}
	start := time.Now()
	stats, err := c.Run(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "gongkai crawl: %v\n", err)
		return exitFailed
	}
	took := time.Since(start)
	searchable, note := syncCrawlIndex(ctx, shared, st, cfg.Storage.Data, stderr)
	indexed = true
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		enc.Encode(stats)
	} else {
		line := summaryLine(stats, took, ctx.Err() != nil)
		if shared {
			// How chatty the shared frontier was: its cost beside the pages'.
			line = fmt.Sprintf("worker %s: %s; Redis round trips %d", worker, line, front.RoundTrips())
		}
		if note != "" {
			line += "; " + note
		}
		fmt.Fprintln(stdout, line)
	}
	if !searchable {
		return exitNotIndexed
	}
	return exitOK
}

// workerName is this crawl's name among the workers of a shared frontier:
// [crawl] worker (or --worker), else the host name.
func workerName(cfg *config.Config) string {
	if cfg.Crawl.Worker != "" {
		return cfg.Crawl.Worker
	}
	host, _ := os.Hostname()
	name := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-' {
			return r
		}
		return '-'
	}, host)
	if name == "" {
		name = "worker"
	}
	return name[:min(len(name), 64)]
}

// redactURL drops a password from a URL, for messages.
func redactURL(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		return u.Redacted()
	}
	return "the configured URL"
}

// shareDataFolder takes the data folder's crawl lock shared with the other
// workers of a shared frontier that run on this machine; a crawl of its own
// (no frontier) holding it excludes them, and they it.
func shareDataFolder(data string, stderr io.Writer) (*lockfile.Lock, bool) {
	if err := os.MkdirAll(data, 0o755); err != nil {
		fmt.Fprintf(stderr, "gongkai crawl: %v\n", err)
		return nil, false
	}
	lock, err := lockfile.AcquireShared(filepath.Join(data, "crawl.lock"))
	var held *lockfile.HeldError
	switch {
	case errors.As(err, &held):
		fmt.Fprintf(stderr, "gongkai crawl: a crawl without the shared frontier is running on %s: %s; this worker exits\n", data, held.Holder)
		return nil, false
	case err != nil:
		fmt.Fprintf(stderr, "gongkai crawl: %v\n", err)
		return nil, false
	}
	return lock, true
}

// syncCrawlIndex brings the search index up to date after a crawl; workers of
// a shared frontier on one data folder do so one at a time.
func syncCrawlIndex(ctx context.Context, shared bool, st *store.DB, data string, stderr io.Writer) (bool, string) {
	if shared {
		lock, err := lockfile.Acquire(ctx, filepath.Join(data, "index-update.lock"), true)
		if err != nil {
			fmt.Fprintf(stderr, "gongkai crawl: the search index was not brought up to date (gongkai index --data %s does it): %v\n", data, err)
			return false, "the search index was not brought up to date"
		}
		defer lock.Release()
	}
	return syncIndex(ctx, "crawl", st, data, stderr)
}

// lockDataFolder takes the data folder's crawl lock, or says who holds it.
func lockDataFolder(ctx context.Context, data string, wait bool, stderr io.Writer) (*lockfile.Lock, bool) {
	if err := os.MkdirAll(data, 0o755); err != nil {
		fmt.Fprintf(stderr, "gongkai crawl: %v\n", err)
		return nil, false
	}
	path := filepath.Join(data, "crawl.lock")
	lock, err := lockfile.Acquire(ctx, path, false)
	var held *lockfile.HeldError
	if errors.As(err, &held) && wait {
		fmt.Fprintf(stderr, "gongkai crawl: waiting for the crawl that holds %s: %s\n", data, held.Holder)
		lock, err = lockfile.Acquire(ctx, path, true)
	}
	switch {
	case errors.As(err, &held) && held.Holder.PID == 0:
		fmt.Fprintf(stderr, "gongkai crawl: crawl workers of a shared frontier are running on %s (or a crawl is starting); this one exits (--wait waits for them)\n", data)
		return nil, false
	case errors.As(err, &held):
		fmt.Fprintf(stderr, "gongkai crawl: another crawl is running on %s: %s; this one exits (--wait waits for it)\n", data, held.Holder)
		return nil, false
	case err != nil && ctx.Err() != nil:
		return nil, false // interrupted while waiting
	case err != nil:
		fmt.Fprintf(stderr, "gongkai crawl: %v\n", err)
		return nil, false
	}
	return lock, true
}

func crawlOptions(cfg *config.Config) crawl.Options {
	c := cfg.Crawl
	return crawl.Options{
		UserAgent: c.UserAgent, Delay: c.Delay.Duration, Parallelism: c.Parallelism, MaxDepth: c.MaxDepth,
		MaxPagesPerHost: c.MaxPagesPerHost, Timeout: c.Timeout.Duration, ConnectTimeout: c.ConnectTimeout.Duration,
		HeaderTimeout: c.HeaderTimeout.Duration, ObeyRobots: c.ObeyRobots, MaxCrawlDelay: c.MaxCrawlDelay.Duration,
		MaxRetries: c.MaxRetries, FailureBudget: c.FailureBudget, MaxPageBytes: c.MaxPageBytes,
		MaxAttachmentBytes: c.MaxAttachmentByte, MinBodyRate: c.MinBodyRate, MaxHostTime: c.MaxHostTime.Duration, Render: c.Render, RenderTimeout: c.RenderTimeout.Duration, Chromium: c.Chromium,
	}
}

func crawlPortals(cfg *config.Config) ([]crawl.Portal, error) {
	var out []crawl.Portal
	for _, p := range cfg.Portals {
		cp := crawl.Portal{Name: p.Name, Region: p.Region, StartURLs: p.StartURLs, Domains: p.Domains(), APIs: p.CrawlAPIs()}
		for _, h := range p.ListPatterns {
			re, err := regexp.Compile(h)
			if err != nil {
				return nil, fmt.Errorf("portal %s: list_patterns: %v", p.Name, err)
			}
			cp.Hints = append(cp.Hints, re)
		}
		out = append(out, cp)
	}
	return out, nil
}

func summaryLine(s crawl.Stats, took time.Duration, interrupted bool) string {
	how := "crawl finished"
	if interrupted {
		how = "crawl interrupted (the next crawl resumes it)"
	}
	line := fmt.Sprintf("%s in %s: fetched %d, reports new %d, changed %d, unchanged %d, gone %d, lost %d; outcomes: %s",
		how, took.Round(time.Second), s.Fetched, s.ReportsNew, s.ReportsChanged, s.Unchanged, s.Gone, s.Lost, s.Outcomes)
	switch n := s.Rendered; {
	case n == 1:
		line += "; 1 page rendered in Chromium"
	case n > 1:
		line += fmt.Sprintf("; %d pages rendered in Chromium", n)
	}
	if n := s.Outcomes[crawl.OutcomeUnreadable]; n > 0 {
		line += "; " + textfmt.Count(n, "document") + " could not be read (" + unreadWhy(s.Unread) + "kept in the archive; each report's page names its own)"
	}
	switch n := s.CharsetConflicts; {
	case n == 1:
		line += "; 1 page declared a charset its bytes are not in (read as the bytes are)"
	case n > 1:
		line += fmt.Sprintf("; %d pages declared a charset their bytes are not in (read as the bytes are)", n)
	}
	return line
}

// unreadWhy says why the documents of a run could not be read, and what would
// read those that a reader would. Those too large to read have their own
// outcome.
func unreadWhy(counts map[report.Unread]int) string {
	var b strings.Builder
	for _, why := range []struct {
		unread report.Unread
		what   string
	}{
		{report.UnreadNeedsOCR, "scanned: apt-get install tesseract-ocr tesseract-ocr-chi-sim, then gongkai reparse"},
		{report.UnreadNeedsConverter, "legacy Word, WPS or Excel: apt-get install libreoffice-writer-nogui libreoffice-calc-nogui antiword, then gongkai reparse"},
		{report.UnreadDamaged, "damaged or cut off as the portal served them"},
		{report.UnreadUnsupported, "of a kind the parser does not read"},
		{report.UnreadFault, "failed in gongkai itself (logged; gongkai reparse retries them)"},
	} {
		if n := counts[why.unread]; n > 0 {
			fmt.Fprintf(&b, "%d %s; ", n, why.what)
		}
	}
	return b.String()
}

// progressPrinter shows a crawl's progress: on a terminal one line per portal,
// redrawn in place; otherwise a line every ten seconds, for logs.
type progressPrinter struct {
	w        io.Writer
	terminal bool
	lines    int
	last     time.Time
}

func newProgressPrinter(w io.Writer) *progressPrinter {
	p := &progressPrinter{w: w}
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			p.terminal = true
		}
	}
	return p
}

func (p *progressPrinter) show(pr crawl.Progress) {
	if !p.terminal && !pr.Done && time.Since(p.last) < 10*time.Second {
		return
	}
	p.last = time.Now()
	names := make([]string, 0, len(pr.Portals))
	for n := range pr.Portals {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	if p.terminal && p.lines > 0 {
		fmt.Fprintf(&b, "\x1b[%dA", p.lines) // back to the first line of the last drawing
	}
	resumed := ""
	if pr.Resumed {
		resumed = " (resumed)"
	}
	lines := []string{fmt.Sprintf("run %d%s: pages %d, reports %d new %d changed, errors %d, queued %d, in flight %d",
		pr.RunID, resumed, pr.Stats.Fetched, pr.Stats.ReportsNew, pr.Stats.ReportsChanged, pr.Stats.Outcomes.Problems(), pr.Stats.Queued, pr.InFlight)}
	for _, n := range names {
		s := pr.Portals[n]
		lines = append(lines, fmt.Sprintf("  %s: pages %d, reports %d, errors %d", n, s.Fetched, s.ReportsNew+s.ReportsChanged, s.Outcomes.Problems()))
	}
	for _, l := range lines {
		if p.terminal {
			b.WriteString("\x1b[2K")
		}
		b.WriteString(l + "\n")
	}
	p.lines = len(lines)
	io.WriteString(p.w, b.String())
}

// storeSink parses what the crawler fetched and stores it: the wiring from crawl
// to parse to store. Documents are stored in batches, one transaction each, which
// is what keeps a crawl's writing cheap; a batch is written when it is full, when
// its first document has waited long enough, and at the end of the run.
//
// Attachments are parsed beside the crawl, a few at a time: reading a scan by
// OCR takes minutes, and the crawl must not wait for it before fetching its next
// URL. An attachment waits for its turn as a reference to the archive, not as
// its bytes, so that a crawl that finds many holds little memory.
type storeSink struct {
	st      *store.DB
	warcDir string
	// regions are the region codes of the portals, by name: where a report whose
	// own text names no region is placed.
	regions map[string]string

	mu      sync.Mutex
	items   []store.Item
	dones   []func(crawl.Ingested, error)
	oldest  time.Time
	flushMu sync.Mutex // one batch written at a time, in the order batches were cut

	parsing sync.WaitGroup // attachments not yet parsed
	slots   chan struct{}  // attachments parsed at once
}

const (
	sinkBatch   = 64
	sinkWait    = 2 * time.Second
	sinkParsers = 2 // one may be reading a scan while the other reads a PDF or a Word file
)

func newStoreSink(st *store.DB, warcDir string, regions map[string]string) *storeSink {
	return &storeSink{st: st, warcDir: warcDir, regions: regions, slots: make(chan struct{}, sinkParsers)}
}

func (s *storeSink) Fetched(ctx context.Context, f crawl.Fetched, done func(crawl.Ingested, error)) (bool, error) {
	doc := store.Document{
		URI: f.FinalURL, SHA256: f.Capture.SHA256, MediaType: f.ContentType, Size: f.Capture.Size,
		FetchedAt: f.Capture.Date, Location: store.Location{WARCFile: f.Capture.File, Offset: f.Capture.Offset},
		Region: s.regions[f.Item.Portal],
	}
	item := store.Item{Doc: doc, ParserVersion: parse.Version}
	if f.Body == nil {
		// Whether an attachment is a report matters to the crawler only once it
		// is stored, which done tells.
		s.parsing.Add(1)
		go func() {
			defer s.parsing.Done()
			s.slots <- struct{}{}
			if ctx.Err() != nil {
				// The crawl was stopped: the attachment stays pending and is
				// fetched again by the next crawl.
				<-s.slots
				return
			}
			// An attachment went to the archive, not to memory: read it back,
			// unless it is larger than the parser reads (its beginning alone
			// would be read as a damaged file). Its type is told by its bytes,
			// not by what the server said.
			if f.Capture.Size > parse.MaxDocument {
				item.Unread = report.UnreadTooLarge
				item.Reason = fmt.Sprintf("%s is larger than the %s a report document may have (the parser's limit); archived, not read",
					textfmt.Bytes(f.Capture.Size), textfmt.Bytes(parse.MaxDocument))
			} else if p, err := archive.Read(s.warcDir, f.Capture.File, f.Capture.Offset, parse.MaxDocument); err != nil {
				item.Reason, item.Unread = "reading the archived attachment: "+err.Error(), report.UnreadFault
			} else {
				rec, err := parse.Parse(parse.Input{Name: f.FinalURL, Data: p.Body})
				setParsed(&item, rec, err)
			}
			<-s.slots
			s.add(ctx, item, done) // a batch that cannot be stored is told to each done
		}()
		return false, nil
	}
	rec, err := parse.Parse(parse.Input{Name: f.FinalURL, Data: f.Body, ContentType: f.ContentType})
	setParsed(&item, rec, err)
	if err := s.add(ctx, item, done); err != nil {
		return false, err
	}
	return item.Record != nil, nil
}

// setParsed records in item what parsing its document made of it: a record, or
// whether it is not a report, and why not.
func setParsed(item *store.Item, rec *report.Record, err error) {
	item.Record = rec
	if err != nil {
		item.NotReport, item.Reason, item.Unread = parse.IsNotReport(err), err.Error(), parse.WhyUnread(err)
	}
}

// add gathers a parsed document into the batch, and stores the batch when it is
// due.
func (s *storeSink) add(ctx context.Context, item store.Item, done func(crawl.Ingested, error)) error {
	s.mu.Lock()
	if len(s.items) == 0 {
		s.oldest = time.Now()
	}
	s.items = append(s.items, item)
	s.dones = append(s.dones, done)
	full := len(s.items) >= sinkBatch || time.Since(s.oldest) >= sinkWait
	s.mu.Unlock()
	if full {
		return s.store(ctx)
	}
	return nil
}

// Flush waits for the attachments still being parsed, then stores what it holds.
// It waits for them past ctx's deadline: each parse is bounded (the OCR of a
// document too), and a crawl stopped early does not start those still waiting.
func (s *storeSink) Flush(ctx context.Context) error {
	s.parsing.Wait()
	return s.store(ctx)
}

// store stores the documents gathered so far in one transaction and tells each
// what became of it.
func (s *storeSink) store(ctx context.Context) error {
	s.flushMu.Lock()
	defer s.flushMu.Unlock()
	s.mu.Lock()
	items, dones := s.items, s.dones
	s.items, s.dones = nil, nil
	s.mu.Unlock()
	if len(items) == 0 {
		return nil
	}
	res, err := s.st.Ingest(ctx, items)
	for i, done := range dones {
		switch {
		case err != nil:
			done(crawl.Ingested{}, err)
		case res[i].Err != nil:
			done(crawl.Ingested{}, res[i].Err)
		default:
			ing := crawl.Ingested{IsReport: items[i].Record != nil, Change: string(res[i].Outcome)}
			if res[i].Outcome == store.OutcomeFailed || res[i].Outcome == store.OutcomeNotReport {
				// The parser's reason, which begins with the document's URL.
				ing.Detail = strings.TrimPrefix(items[i].Reason, items[i].Doc.URI+": ")
			}
			if res[i].Outcome == store.OutcomeFailed {
				ing.Unread = items[i].Unread
			}
			done(ing, nil)
		}
	}
	return err
}

func (s *storeSink) Gone(ctx context.Context, url string, status int) error {
	return s.st.MarkGone(ctx, url, status)
}
