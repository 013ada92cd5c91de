package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"gongkai/config"
	"gongkai/report"
	"gongkai/testsite"
)

func init() {
	commands["demo"] = command{
		summary: "crawl the simulated portals and serve the result: the web UI in one command",
		usage: usageText("gongkai demo [--addr 127.0.0.1:8080] [--data DIR]",
			"Starts the simulated government portals (gongkai testsite) on free loopback ports,",
			"crawls them into a data folder (a temporary one, removed at the end, unless --data",
			"names one), indexes what it found and serves the web UI, as gongkai serve does.",
			"Prints the address to open. Ctrl-C stops everything.",
			"",
			"The portals and their reports are invented: they are the tests' stand-in for the real",
			"web, with the figures and mistakes real reports have. Nothing leaves this machine.",
			"",
			"Flags:",
			"  --addr ADDR   where to serve the web UI (default 127.0.0.1:8080)",
			"  --data DIR    crawl into DIR and keep it (default: a temporary folder)"),
		run: runDemo,
	}
}

// The demo's crawl asks the simulated portals for everything at once: they run on
// this machine. Robots rules are obeyed, but a Crawl-delay is capped.
const demoMaxCrawlDelay = 20 * time.Millisecond

func runDemo(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8080", "")
	dataDir := fs.String("data", "", "")
	if status, ok := parseFlags("demo", fs, args, stdout, stderr); !ok {
		return status
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "gongkai demo: unexpected argument %q\n", fs.Arg(0))
		return exitUsage
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return demo(ctx, *addr, *dataDir, stdout, stderr)
}

// demo runs the demo until ctx is done: the testsite, a crawl of it into data (a
// temporary folder when empty) and the server on addr.
func demo(ctx context.Context, addr, data string, stdout, stderr io.Writer) int {
	// The address is taken first: a busy port is said at once, not after the crawl.
	ln, err := listen("demo", addr, stderr)
	if err != nil {
		return exitFailed
	}
	defer ln.Close()
	if data == "" {
		tmp, err := os.MkdirTemp("", "gongkai-demo-")
		if err != nil {
			fmt.Fprintf(stderr, "gongkai demo: %v\n", err)
			return exitFailed
		}
		defer os.RemoveAll(tmp)
		data = tmp
	}
	start := time.Now()
	site := testsite.New(1)
	running, err := site.Start()
	if err != nil {
		fmt.Fprintf(stderr, "gongkai demo: %v\n", err)
		return exitFailed
	}
	defer running.Close()
	fmt.Fprintf(stderr, "gongkai demo: crawling %d simulated portals into %s …\n", len(running.StartURLs()), data)
	cfg, err := demoConfig(running, data)
	if err != nil {
		fmt.Fprintf(stderr, "gongkai demo: %v\n", err)
		return exitFailed
	}
	if status := crawlOnce(ctx, cfg, stderr, stderr, false, false); status != exitOK {
		return status
	}
	if ctx.Err() != nil {
		fmt.Fprintln(stdout, "gongkai demo: stopped")
		return exitOK
	}
	fmt.Fprintf(stderr, "gongkai demo: crawled in %s; indexing and serving\n", time.Since(start).Round(100*time.Millisecond))
	return serveArchive(ctx, "demo", ln, data, "", cfg.Serve.MinRequests, webPortals(cfg), stdout, stderr)
}

// demoConfig is a crawl of every in-scope portal of the running testsite,
// written as a user writes the file (a portal's list APIs in [[portals.api]]
// blocks) and read as the file is.
func demoConfig(running *testsite.Running, data string) (*config.Config, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "[storage]\ndata = %q\n\n[crawl]\ndelay = \"0s\"\nobey_robots = true\nmax_crawl_delay = %q\ntimeout = \"20s\"\n\n",
		data, demoMaxCrawlDelay.String())
	for _, p := range running.Portals() {
		if !p.InScope {
			continue
		}
		u, err := url.Parse(p.Base)
		if err != nil {
			continue
		}
		fmt.Fprintf(&b, "[[portals]]\nname = %q\nregion = %q\nstart_urls = [%q]\nallowed_domains = [%q]\n%s\n",
			p.Name, report.RegionFullName(p.Region), p.StartURL, u.Host, p.APIConfig)
	}
	return config.Parse("the demo's configuration", b.String())
}
