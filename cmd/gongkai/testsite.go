package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/signal"
	"syscall"
	"time"

	"gongkai/testsite"
)

func init() {
	commands["testsite"] = command{
		summary: "serve the simulated government portals used by tests and the demo",
		usage: usageText("gongkai testsite [--addr 127.0.0.1:PORT] [--seed N] [--night N] [--pages N]",
			"Serves, on one loopback listener, the simulated portals that the crawler's tests",
			"run against: each portal under /NAME/, an index of them at /. Prints the portals'",
			"start URLs and serves until interrupted (Ctrl-C).",
			"",
			"All content is generated from the seed and invented: the same seed serves the same",
			"bytes. Per-host behaviours (robots.txt, politeness) need a host per portal, which",
			"the package's Start gives tests; here robots.txt of a portal is /NAME/robots.txt.",
			"",
			"Flags:",
			"  --addr ADDR   loopback address to listen on (default 127.0.0.1:8080)",
			"  --seed N      generation seed (default 1)",
			"  --night N     serve the site as on night N: 1 initial, 2 with edits, removals and",
			"                new reports (default 1)",
			"  --pages N     generate about N pages instead of the default few hundred"),
		run: runTestsite,
	}
}

func runTestsite(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("testsite", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	addr := fs.String("addr", "127.0.0.1:8080", "")
	seed := fs.Int64("seed", 1, "")
	night := fs.Int("night", 1, "")
	pages := fs.Int("pages", 0, "")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			fmt.Fprintln(stdout, commands["testsite"].usage)
			return exitOK
		}
		fmt.Fprintf(stderr, "gongkai testsite: %v\n", err)
		return exitUsage
	}
	if fs.NArg() > 0 || *night < 1 {
		fmt.Fprintln(stderr, commands["testsite"].usage)
		return exitUsage
	}
	host, _, err := net.SplitHostPort(*addr)
	if err != nil {
		fmt.Fprintf(stderr, "gongkai testsite: --addr %q: %v\n", *addr, err)
		return exitUsage
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		// The site is a test double of the real web: it never listens beyond this machine.
		fmt.Fprintf(stderr, "gongkai testsite: --addr %q is not a loopback address\n", *addr)
		return exitUsage
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "gongkai testsite: %v\n", err)
		return exitFailed
	}
	site := testsite.New(*seed)
	if *pages > 0 {
		site = testsite.NewSized(*seed, *pages)
	}
	site.SetNight(*night)
	srv := &http.Server{Handler: site.Handler("http://" + ln.Addr().String()), ReadHeaderTimeout: 10 * time.Second}
	// Listen for the interrupt before saying where the site is, so that whoever
	// reads the URLs may stop it at once.
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	fmt.Fprintf(stdout, "gongkai testsite: seed %d, night %d, %d pages at http://%s/\n", *seed, *night, site.PageCount(), ln.Addr())
	for _, p := range site.Portals() {
		scope := ""
		if !p.InScope {
			scope = "  (out of scope)"
		}
		fmt.Fprintf(stdout, "  %-14s %s  %s%s\n", p.Name, p.StartURL, p.Title, scope)
	}

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		fmt.Fprintf(stderr, "gongkai testsite: %v\n", err)
		return exitFailed
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		fmt.Fprintf(stderr, "gongkai testsite: %v\n", err)
		return exitFailed
	}
	fmt.Fprintln(stdout, "gongkai testsite: stopped")
	return exitOK
}
