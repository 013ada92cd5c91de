package main

import (
	"container/list"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"sync"
	"syscall"
	"time"

	"gongkai/config"
	"gongkai/index"
	"gongkai/web"
)

func init() {
	commands["serve"] = command{
		summary: "serve the web pages and the JSON API of the archive",
		usage: usageText("gongkai serve [--addr 127.0.0.1:8080] [--data DIR] [--database URL] [--config FILE] [--min-requests N]",
			"Serves the archive in DIR to a browser: search with facets and highlights, each report",
			"beside its tables and checks, an organ's figures over the years, the bodies of a region",
			"compared on a figure or rate, and which bodies published; every table as CSV and JSON,",
			"charts as SVG. The JSON API is under /api/ (README.md documents it). Originals are",
			"offered as downloads from /archive/SHA256.",
			"",
			"The server only reads the archive and its search index, so a crawl or an ingest may",
			"write to them meanwhile; it catches the index up on start if it is behind.",
			"Serves until interrupted (Ctrl-C).",
			"",
			"Flags:",
			"  --addr ADDR        where to listen (default [serve] addr, 127.0.0.1:8080); keep it on",
			"                     loopback unless a proxy with access control stands in front",
			dataFlagUsage,
			"  --config FILE      the configuration file ([storage] data and database, [serve] addr,",
			"                     min_requests)",
			"  --min-requests N   the fewest requests (新收 + 上年结转) a body needs for its rates to",
			"                     be shown (default [serve] min_requests, 10)"),
		run: runServe,
	}
}

func runServe(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	addr := fs.String("addr", "", "")
	dataDir := fs.String("data", "", "")
	database := databaseFlag(fs)
	configPath := fs.String("config", "", "")
	minRequests := fs.Int("min-requests", 0, "")
	if status, ok := parseFlags("serve", fs, args, stdout, stderr); !ok {
		return status
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "gongkai serve: unexpected argument %q\n", fs.Arg(0))
		return exitUsage
	}
	cfg := config.Default()
	cfg.Storage.Data = defaultDataDir()
	if *configPath != "" {
		var err error
		if cfg, err = config.Load(*configPath); err != nil {
			fmt.Fprintf(stderr, "gongkai serve: %v\n", err)
			return exitUsage
		}
	}
	if *addr != "" {
		cfg.Serve.Addr = *addr
	}
	if *dataDir != "" {
		cfg.Storage.Data = *dataDir
	}
	if *database != "" {
		cfg.Storage.Database = *database
	}
	if *minRequests != 0 {
		if *minRequests < 1 {
			fmt.Fprintln(stderr, "gongkai serve: --min-requests must be at least 1")
			return exitUsage
		}
		cfg.Serve.MinRequests = *minRequests
	}
	ln, err := listen("serve", cfg.Serve.Addr, stderr)
	if err != nil {
		return exitFailed
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return serveArchive(ctx, "serve", ln, cfg.Storage.Data, cfg.Storage.Database, cfg.Serve.MinRequests, webPortals(cfg), stdout, stderr)
}

// webPortals are the configured portals as the web pages list them: a region
// of one without a report of a year is among those who did not publish.
func webPortals(cfg *config.Config) []web.Portal {
	var out []web.Portal
	for _, p := range cfg.Portals {
		code, _ := p.RegionCode() // Load has checked it
		wp := web.Portal{Name: p.Name, RegionCode: code}
		if len(p.StartURLs) > 0 {
			wp.URL = p.StartURLs[0]
		}
		out = append(out, wp)
	}
	return out
}

// listen opens the server's socket, saying plainly when the address is taken and
// warning when it reaches beyond this machine.
func listen(name, addr string, stderr io.Writer) (net.Listener, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		fmt.Fprintf(stderr, "gongkai %s: --addr %q: %v\n", name, addr, err)
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if errors.Is(err, syscall.EADDRINUSE) {
		fmt.Fprintf(stderr, "gongkai %s: %s is already in use (another gongkai serve or demo?); choose another address with --addr, e.g. --addr 127.0.0.1:8081\n", name, addr)
		return nil, err
	}
	if err != nil {
		fmt.Fprintf(stderr, "gongkai %s: %v\n", name, err)
		return nil, err
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		fmt.Fprintf(stderr, "gongkai %s: warning: listening on %s, beyond this machine: whoever reaches it reads the archive\n", name, addr)
	}
	return ln, nil
}

// serveArchive serves the archive in dataDir (or database) on ln until ctx is
// done, then shuts the server down gracefully.
func serveArchive(ctx context.Context, name string, ln net.Listener, dataDir, database string, minRequests int, portals []web.Portal, stdout, stderr io.Writer) int {
	defer ln.Close()
	st, err := openStore(ctx, dataDir, database, openReadOnly)
	if err != nil {
		fmt.Fprintf(stderr, "gongkai %s: %v\n", name, err)
		return exitFailed
	}
	defer st.Close()
	// The commands that store reports bring the index up to date themselves; this
	// catches up an archive whose index is missing or was made by an older gongkai.
	if _, err := updateIndex(ctx, st, dataDir, false, nil); err != nil {
		fmt.Fprintf(stderr, "gongkai %s: the search index could not be brought up to date (searches use it as it is): %v\n", name, err)
	}
	ix := &sharedIndex{dir: indexDir(dataDir), idle: indexIdle, turns: make(chan struct{}, runtime.GOMAXPROCS(0))}
	defer ix.Close()
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	keeping := make(chan struct{})
	keepCtx, stopKeeping := context.WithCancel(ctx)
	go func() {
		defer close(keeping)
		keepIndexed(keepCtx, name, ix, st, dataDir, serverSyncEvery, logger, stderr)
	}()
	defer func() { stopKeeping(); <-keeping }()
	srv := &http.Server{
		Handler: web.New(web.Options{Store: st, Index: ix, DataDir: dataDir,
			MinRequests: minRequests, Logger: logger, Portals: portals}),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      2 * time.Minute, // an original of 200 MB to a slow reader
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	fmt.Fprintf(stdout, "gongkai %s: open http://%s/ in a browser (Ctrl-C stops)\n", name, ln.Addr())
	select {
	case err := <-served:
		fmt.Fprintf(stderr, "gongkai %s: %v\n", name, err)
		return exitFailed
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		fmt.Fprintf(stderr, "gongkai %s: %v\n", name, err)
		return exitFailed
	}
	fmt.Fprintf(stdout, "gongkai %s: stopped\n", name)
	return exitOK
}

// indexIdle is how long the server keeps the search index open after the last
// search.
const indexIdle = 5 * time.Second

// sharedIndex is the search index as the server reads it. The index admits one
// writer or any number of readers, and crawl, ingest and reparse write to it as
// they store: so the server opens it for reading when searches come and closes it
// once they pause, giving those commands their turn.
//
// While it is open the index cannot change, so the results of recent searches are
// kept and served again (people repeat searches: shared links, facet clicks) until
// it is opened anew.
type sharedIndex struct {
	dir  string
	idle time.Duration

	// handle is held for reading by the searches that use ix, and for writing
	// by the server's own syncs (see keepIndexed), which close ix.
	handle sync.RWMutex

	mu      sync.Mutex
	ix      *index.Index
	users   int
	timer   *time.Timer
	cached  map[index.Request]*list.Element // of cachedResult, most recent first
	recent  *list.List
	running map[index.Request]*inflight
	turns   chan struct{} // a token per search running
}

type cachedResult struct {
	req index.Request
	res *index.Result
}

// searchCacheSize is how many results the server keeps (a page of 20 hits with
// facets is a few kilobytes).
const searchCacheSize = 2000

// Search answers from the kept results, or waits for the same search another
// request is running, or runs it.
func (s *sharedIndex) Search(ctx context.Context, r index.Request) (*index.Result, error) {
	s.handle.RLock()
	ix, res, running, call, err := s.acquire(r)
	if ix == nil {
		s.handle.RUnlock()
	} else {
		defer s.handle.RUnlock()
	}
	switch {
	case err != nil || res != nil:
		return res, err
	case running != nil:
		select {
		case <-running.done:
			if running.err == nil {
				return running.res, nil
			}
			return s.Search(ctx, r) // its context may have ended, not ours
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	defer s.release()
	finished := false
	defer func() {
		if !finished {
			// The search panicked: the requests waiting for it must not wait for
			// good (they run it again themselves).
			s.mu.Lock()
			delete(s.running, r)
			s.mu.Unlock()
			call.err = errors.New("the search failed")
			close(call.done)
		}
	}()
	call.res, call.err = s.searchInTurn(ctx, ix, r)
	s.mu.Lock()
	delete(s.running, r)
	if call.err == nil && s.ix == ix {
		s.remember(r, call.res)
	}
	s.mu.Unlock()
	finished = true
	close(call.done)
	return call.res, call.err
}

// searchInTurn runs a search once one of the processors is free: searches run
// one per processor, each to its end, rather than all at once sharing them, so
// that a search waits for those before it but is not slowed by those after it.
func (s *sharedIndex) searchInTurn(ctx context.Context, ix *index.Index, r index.Request) (*index.Result, error) {
	select {
	case s.turns <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-s.turns }()
	return ix.Search(ctx, r)
}

// inflight is a search being run, which requests for the same search wait for.
type inflight struct {
	done chan struct{}
	res  *index.Result
	err  error
}

// acquire returns the result of the same search if it is kept, or the same search
// being run, or else the open index, which release gives back, with the search
// registered as running.
func (s *sharedIndex) acquire(r index.Request) (*index.Index, *index.Result, *inflight, *inflight, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.cached[r]; ok {
		s.recent.MoveToFront(e)
		if s.users == 0 && s.timer != nil {
			s.timer.Reset(s.idle) // a search served from the cache is a search too
		}
		return nil, e.Value.(cachedResult).res, nil, nil, nil
	}
	if call, ok := s.running[r]; ok {
		return nil, nil, call, nil, nil
	}
	if s.timer != nil {
		s.timer.Stop()
	}
	if s.ix == nil {
		ix, err := index.OpenReadOnly(s.dir)
		if err != nil {
			return nil, nil, nil, nil, fmt.Errorf("%w: %v", web.ErrIndexUnavailable, err)
		}
		s.ix = ix
		s.cached, s.recent = map[index.Request]*list.Element{}, list.New()
	}
	if s.running == nil {
		s.running = map[index.Request]*inflight{}
	}
	s.users++
	call := &inflight{done: make(chan struct{})}
	s.running[r] = call
	return s.ix, nil, nil, call, nil
}

// remember keeps a result of the open index; s.mu is held.
func (s *sharedIndex) remember(r index.Request, res *index.Result) {
	if _, ok := s.cached[r]; ok {
		return
	}
	s.cached[r] = s.recent.PushFront(cachedResult{r, res})
	if s.recent.Len() > searchCacheSize {
		oldest := s.recent.Back()
		s.recent.Remove(oldest)
		delete(s.cached, oldest.Value.(cachedResult).req)
	}
}

func (s *sharedIndex) release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users--
	if s.users == 0 {
		s.timer = time.AfterFunc(s.idle, s.closeIfIdle)
	}
}

func (s *sharedIndex) closeIfIdle() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.users == 0 && s.ix != nil {
		s.ix.Close()
		s.ix, s.cached, s.recent = nil, nil, nil
	}
}

// Close closes the index, once the server has stopped searching.
func (s *sharedIndex) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.timer != nil {
		s.timer.Stop()
	}
	if s.ix != nil {
		s.ix.Close()
		s.ix, s.cached, s.recent = nil, nil, nil
	}
}
