package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"gongkai/crawl"
	"gongkai/internal/pgtest"
	"gongkai/internal/redistest"
	"gongkai/testsite"
)

// worker is a crawl worker run in a child process.
type worker struct {
	name   string
	cmd    *exec.Cmd
	out    *bytes.Buffer
	exited chan error
}

func startWorker(t testing.TB, name, cfg, data string) *worker {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrawlChild$")
	cmd.Env = append(os.Environ(), "GONGKAI_CRAWL_CHILD="+strings.Join([]string{"crawl", "--config", cfg, "--data", data, "--worker", name}, "\x1f"))
	w := &worker{name: name, cmd: cmd, out: &bytes.Buffer{}, exited: make(chan error, 1)}
	cmd.Stdout, cmd.Stderr = w.out, w.out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { w.exited <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Kill()
	})
	return w
}

func (w *worker) wait(t *testing.T) {
	t.Helper()
	select {
	case err := <-w.exited:
		if err != nil {
			t.Fatalf("worker %s: %v\n%s", w.name, err, w.out)
		}
	case <-time.After(8 * time.Minute):
		t.Fatalf("worker %s still running after 8 minutes:\n%s", w.name, w.out)
	}
}

// shared is a run that crawl workers share: a Redis, the testsite, their
// config and their data folder (or, with a database, the folder of each
// worker's data folder, and of their shared WARC folder).
type shared struct {
	srv       *redistest.Server
	site      *testsite.Site
	run       *testsite.Running
	cfg, data string
	database  string
	ws        []*worker
}

// startShared starts workers of the given names on the testsite, with delay
// between two requests to a host, on one SQLite data folder.
func startShared(t *testing.T, delay time.Duration, names ...string) *shared {
	t.Helper()
	return startSharedOn(t, delay, "", names...)
}

// startSharedOn starts workers with the archive in the PostgreSQL database
// named (or "": SQLite), each in a data folder of its own whose warc is one
// shared folder, as on several machines.
func startSharedOn(t *testing.T, delay time.Duration, database string, names ...string) *shared {
	t.Helper()
	sc := &shared{srv: redistest.Start(t), data: t.TempDir(), database: database}
	sc.site, sc.run = startSite(t)
	sc.cfg = crawlConfig(t, sc.run, fmt.Sprintf("frontier = %q\n", sc.srv.URL()))
	text := strings.Replace(readFile(t, sc.cfg), `delay = "0s"`, fmt.Sprintf("delay = %q", delay), 1)
	if database != "" {
		text += fmt.Sprintf("\n[storage]\ndatabase = %q\n", database)
	}
	os.WriteFile(sc.cfg, []byte(text), 0o644)
	for _, name := range names {
		sc.ws = append(sc.ws, sc.start(t, name))
	}
	return sc
}

// start starts a worker on its data folder.
func (sc *shared) start(t *testing.T, name string) *worker {
	t.Helper()
	if sc.database == "" {
		return startWorker(t, name, sc.cfg, sc.data)
	}
	own := filepath.Join(sc.data, name)
	if err := os.MkdirAll(own, 0o755); err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Join(sc.data, "warc"), 0o755)
	os.Symlink(filepath.Join(sc.data, "warc"), filepath.Join(own, "warc"))
	return startWorker(t, name, sc.cfg, own)
}

// count runs a count on the archive, 0 while its tables are not there.
func (sc *shared) count(t *testing.T, q string) int {
	t.Helper()
	if sc.database == "" {
		return peekCount(t, sc.data, q)
	}
	return pgCount(t, sc.database, q)
}

// pgCount runs a count in a PostgreSQL database, 0 while its tables are not
// there.
func pgCount(t *testing.T, database, q string) int {
	t.Helper()
	db, err := sql.Open("pgx", database)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if db.QueryRow(q).Scan(&n) != nil {
		return 0
	}
	return n
}

// waitFinished waits until the workers finished n URLs of the run, and fails
// if one of them ends before.
func (sc *shared) waitFinished(t *testing.T, n int) int {
	t.Helper()
	finished := 0
	for deadline := time.Now().Add(3 * time.Minute); finished < n; {
		for _, w := range sc.ws {
			select {
			case err := <-w.exited:
				t.Fatalf("worker %s ended (%v) after %d finished URLs, too early:\n%s", w.name, err, finished, w.out)
			default:
			}
		}
		time.Sleep(50 * time.Millisecond)
		finished = sc.count(t, `SELECT count(*) FROM crawl_queue WHERE outcome IS NOT NULL`)
		if time.Now().After(deadline) {
			t.Fatalf("the workers finished only %d URLs in 3 minutes:\n%s", finished, sc.ws[0].out)
		}
	}
	return finished
}

// Three crawl workers share one run through Redis, on one data folder; one is
// killed with SIGKILL mid-run and started again. Every report is stored once,
// no URL is fetched twice except those the killed worker held, no host ever
// has two requests in flight, the delay holds between two requests to a host
// whichever workers send them, and the killed worker's WARC file is repaired.
func TestWorkersShareARun(t *testing.T) {
	if testing.Short() {
		t.Skip("crawls the simulated portals with three processes")
	}
	const delay = 30 * time.Millisecond
	sc := startShared(t, delay, "w1", "w2", "w3")
	srv, site, run, cfg, data, ws := sc.srv, sc.site, sc.run, sc.cfg, sc.data, sc.ws
	finished := sc.waitFinished(t, 60)
	// While they crawl, crawl --status shows each worker, its process and lease.
	live, errs, code := gongkai(t, "crawl", "--status", "--config", cfg, "--data", data, "--runs", "1")
	if code != exitOK {
		t.Fatalf("crawl --status mid-run: %d %s", code, errs)
	}
	for _, w := range ws {
		if want := fmt.Sprintf("%s on %s (pid %d, since ", w.name, hostname(t), w.cmd.Process.Pid); !strings.Contains(live, want) {
			t.Errorf("crawl --status mid-run does not show %q:\n%s", want, live)
		}
	}
	if !strings.Contains(live, "s left; finished ") || !strings.Contains(live, "queued or held") {
		t.Errorf("crawl --status mid-run shows no lease or queue:\n%s", live)
	}
	killed := ws[1]
	if err := killed.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-killed.exited
	killedAt := time.Now()
	// What the killed worker held, read before it is taken back.
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr()})
	defer rdb.Close()
	held := map[string]bool{}
	leases, err := rdb.HKeys(context.Background(), "gongkai:run:1:w:w2:leases").Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(leases) > 0 {
		// The items, for their URLs as fetched (the keys are canonical).
		vals, err := rdb.HMGet(context.Background(), "gongkai:run:1:items", leases...).Result()
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range vals {
			var it crawl.Item
			if s, ok := v.(string); ok && json.Unmarshal([]byte(s), &it) == nil {
				held[it.URL] = true
			}
		}
	}
	if open, _ := filepath.Glob(filepath.Join(data, "warc", "*-w2.warc.gz.open")); len(open) == 0 {
		t.Errorf("the killed worker left no WARC file open")
	}
	again := startWorker(t, "w2", cfg, data)
	for _, w := range []*worker{ws[0], ws[2], again} {
		w.wait(t)
	}
	if !strings.Contains(again.out.String(), "repaired WARC file gongkai-") {
		t.Errorf("the restarted worker did not repair its WARC file:\n%s", again.out)
	}
	if left, _ := filepath.Glob(filepath.Join(data, "warc", "*.open")); len(left) != 0 {
		t.Errorf("WARC files still open after the run: %v", left)
	}
	for _, name := range []string{"w1", "w2", "w3"} {
		if files, _ := filepath.Glob(filepath.Join(data, "warc", "gongkai-*-"+name+".warc.gz")); len(files) == 0 {
			t.Errorf("no WARC file carries worker %s", name)
		}
	}
	reqs := run.Requests()
	checkFetchedOnce(t, reqs, held, killedAt)
	checkRobotsOnce(t, reqs, killedAt)
	checkOneInFlight(t, reqs, delay)
	if got := countRows(t, data, `SELECT count(*) FROM crawl_runs`); got != 1 {
		t.Errorf("%d crawl runs: the workers should share one", got)
	}
	if got := countRows(t, data, `SELECT count(*) FROM crawl_runs WHERE status = 'finished'`); got != 1 {
		t.Errorf("the run did not end as finished")
	}
	if n := countRows(t, data, `SELECT count(*) FROM (SELECT report_id FROM versions GROUP BY report_id HAVING count(*) > 1)`); n != 0 {
		t.Errorf("%d reports stored more than once", n)
	}
	checkAgainstTruth(t, site, data)
	// Each worker counts what it queued: together no more than the run's
	// queue (the killed worker's count went with it).
	if queued, rows := countRows(t, data, `SELECT json_extract(stats, '$.queued') FROM crawl_runs`), countRows(t, data, `SELECT count(*) FROM crawl_queue`); queued == 0 || queued > rows {
		t.Errorf("the run's stats say %d queued; the run's queue has %d URLs", queued, rows)
	}

	status, errs, code := gongkai(t, "crawl", "--status", "--config", cfg, "--data", data, "--runs", "1")
	if code != exitOK {
		t.Fatalf("crawl --status: %d %s", code, errs)
	}
	for _, want := range []string{"workers: ", "w1 ", "w3 "} {
		if !strings.Contains(status, want) {
			t.Errorf("crawl --status does not name the workers (%q):\n%s", want, status)
		}
	}
	t.Logf("killed w2 after %d finished URLs, holding %d; %d requests in all", finished, len(held), len(reqs))
}

func hostname(t *testing.T) string {
	h, err := os.Hostname()
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// checkFetchedOnce: no URL answered twice in the run (GETs: POSTs share a URL),
// except after an error answer (retried), a page asked again after the host
// answered anti-bot pages (the crawler's probe of a page that answered
// normally before), or when the killed worker held it or may have asked it
// rendering a page it held (on the page's portal, after the page was answered
// and before the kill).
func checkFetchedOnce(t *testing.T, reqs []testsite.Request, held map[string]bool, killedAt time.Time) {
	t.Helper()
	// When a page the killed worker held was first answered, per portal.
	heldSince := map[string]time.Time{}
	for _, r := range reqs {
		if since, ok := heldSince[r.Portal]; heldURL(held, r.URI) && (!ok || r.Time.Before(since)) {
			heldSince[r.Portal] = r.Time
		}
	}
	answered := map[string]testsite.Request{}
	challenged := map[string]time.Time{}
	for _, r := range reqs {
		if r.Status == 403 || r.Status == 412 || r.Status == 521 {
			challenged[r.Portal] = r.Time
		}
		if r.Method != "GET" || strings.HasSuffix(r.URI, "/robots.txt") {
			continue
		}
		key := r.Portal + " " + r.URI
		prev, seen := answered[key]
		answered[key] = r
		if !seen || prev.Status == 0 || prev.Status >= 500 || prev.Status == 429 || challenged[r.Portal].After(prev.Time) {
			continue
		}
		since, rendering := heldSince[r.Portal]
		if rendering && !prev.Start.Before(since) && prev.Start.Before(killedAt) {
			continue
		}
		if !heldURL(held, r.URI) {
			t.Errorf("%s %s fetched twice (answered %d, then %d), and the killed worker did not hold it", r.Portal, r.URI, prev.Status, r.Status)
		}
	}
}

// checkRobotsOnce: each host's robots.txt is fetched once for all the
// workers (they share it through Redis), but when the killed worker may have
// fetched it just before the kill, without the time to share it.
func checkRobotsOnce(t *testing.T, reqs []testsite.Request, killedAt time.Time) {
	t.Helper()
	fetched := map[string]testsite.Request{}
	for _, r := range reqs {
		// An error answer is asked again; a 404 says the host has none, and
		// is shared like a robots.txt.
		if r.Method != "GET" || !strings.HasSuffix(r.URI, "/robots.txt") || r.Status == 0 || r.Status >= 500 || r.Status == 429 {
			continue
		}
		prev, seen := fetched[r.Portal]
		fetched[r.Portal] = r
		if seen && (prev.Time.After(killedAt) || killedAt.Sub(prev.Time) > time.Second) {
			t.Errorf("%s: robots.txt fetched again at %s (before: %s)", r.Portal, r.Time.Format("15:04:05.000"), prev.Time.Format("15:04:05.000"))
		}
	}
	if len(fetched) < 5 {
		t.Errorf("robots.txt fetched from %d hosts only", len(fetched))
	}
}

// heldURL says whether an item the killed worker held has this path and query.
func heldURL(held map[string]bool, uri string) bool {
	for k := range held {
		if u, err := url.Parse(k); err == nil && u.RequestURI() == uri {
			return true
		}
	}
	return false
}

// checkOneInFlight: per host, each request arrives after the one before was
// answered, and at least delay after it.
func checkOneInFlight(t *testing.T, reqs []testsite.Request, delay time.Duration) {
	t.Helper()
	byHost := map[string][]testsite.Request{}
	for _, r := range reqs {
		byHost[r.Portal] = append(byHost[r.Portal], r)
	}
	for host, rs := range byHost {
		sort.Slice(rs, func(i, j int) bool { return rs[i].Start.Before(rs[j].Start) })
		for i := 1; i < len(rs); i++ {
			gap := rs[i].Start.Sub(rs[i-1].Time)
			switch {
			case gap < 0:
				t.Errorf("%s: %s arrived while %s was in flight", host, rs[i].URI, rs[i-1].URI)
			case gap < delay-time.Millisecond:
				t.Errorf("%s: %s only %s after %s was answered (delay %s)", host, rs[i].URI, gap, rs[i-1].URI, delay)
			}
		}
	}
}

// A worker that cannot reach Redis stops with one line saying so: go-redis's
// own log line (written straight to the process's stderr) is not printed.
func TestUnreachableFrontierSaysSoOnce(t *testing.T) {
	_, run := startSite(t)
	// A loopback port nothing listens on.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cfg := crawlConfig(t, run, fmt.Sprintf("frontier = %q\n", "redis://"+addr+"/0"))
	w := startWorker(t, "w1", cfg, t.TempDir())
	select {
	case err = <-w.exited:
	case <-time.After(time.Minute):
		t.Fatalf("the worker still runs a minute after it could not reach Redis:\n%s", w.out)
	}
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != exitFailed {
		t.Errorf("exit: %v, want status %d", err, exitFailed)
	}
	out := strings.TrimSpace(w.out.String())
	if want := "gongkai crawl: cannot reach Redis at redis://" + addr; !strings.HasPrefix(out, want) || strings.Contains(out, "\n") {
		t.Errorf("the worker printed %q, want one line beginning %q", out, want)
	}
	if len(run.Requests()) != 0 {
		t.Errorf("the worker crawled alone: %d requests", len(run.Requests()))
	}
}

// Redis restarts without its data while two crawl workers share a run: they
// wait for it, one of them rebuilds the queue from the store once the other
// has said what it holds, and the run ends with every report stored once, no
// URL fetched twice, one request in flight per host and the delay held.
func TestWorkersSurviveARedisRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("crawls the simulated portals with two processes")
	}
	const delay = 30 * time.Millisecond
	sc := startShared(t, delay, "w1", "w2")
	site, run, data, ws := sc.site, sc.run, sc.data, sc.ws
	finished := sc.waitFinished(t, 60)
	sc.srv.Restart()
	for _, w := range ws {
		w.wait(t)
	}
	if out := ws[0].out.String() + ws[1].out.String(); !strings.Contains(out, "Redis had lost the run; its queue was rebuilt from the store") {
		t.Errorf("no worker said it rebuilt the queue:\n%s", out)
	} else if strings.Contains(out, "redis: connection pool") {
		t.Errorf("go-redis's own lines reached the workers' stderr:\n%s", out)
	}
	reqs := run.Requests()
	checkFetchedOnce(t, reqs, nil, time.Time{})
	checkOneInFlight(t, reqs, delay)
	if got := countRows(t, data, `SELECT count(*) FROM crawl_runs WHERE status = 'finished'`); got != 1 {
		t.Errorf("%d finished runs, want the one the workers shared", got)
	}
	if n := countRows(t, data, `SELECT count(*) FROM (SELECT report_id FROM versions GROUP BY report_id HAVING count(*) > 1)`); n != 0 {
		t.Errorf("%d reports stored more than once", n)
	}
	checkAgainstTruth(t, site, data)
	if queued, rows := countRows(t, data, `SELECT json_extract(stats, '$.queued') FROM crawl_runs`), countRows(t, data, `SELECT count(*) FROM crawl_queue`); queued != rows {
		t.Errorf("the run's stats say %d queued; the run's queue has %d URLs", queued, rows)
	}
	t.Logf("Redis restarted after %d finished URLs; %d requests in all\nw1:\n%sw2:\n%s", finished, len(reqs), ws[0].out, ws[1].out)
}

// Two workers, each with a data folder of its own and their WARC files in one
// shared folder, crawl into one PostgreSQL archive; one is killed mid-run and
// started again. The run ends once, with every report found and stored once.
func TestWorkersIntoPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("crawls the simulated portals with two processes")
	}
	dsn := pgtest.Schema(t, "cmdtest_workers")
	sc := startSharedOn(t, 30*time.Millisecond, dsn, "w1", "w2")
	finished := sc.waitFinished(t, 60)
	killed := sc.ws[1]
	if err := killed.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-killed.exited
	again := sc.start(t, "w2")
	for _, w := range []*worker{sc.ws[0], again} {
		w.wait(t)
	}
	if !strings.Contains(again.out.String(), "repaired WARC file gongkai-") {
		t.Errorf("the restarted worker did not repair its WARC file:\n%s", again.out)
	}
	for _, name := range []string{"w1", "w2"} {
		if files, _ := filepath.Glob(filepath.Join(sc.data, "warc", "gongkai-*-"+name+".warc.gz")); len(files) == 0 {
			t.Errorf("no WARC file of worker %s in the shared folder", name)
		}
	}
	if got := sc.count(t, `SELECT count(*) FROM crawl_runs WHERE status = 'finished'`); got != 1 || sc.count(t, `SELECT count(*) FROM crawl_runs`) != 1 {
		t.Errorf("%d finished runs of %d, want the one the workers shared", got, sc.count(t, `SELECT count(*) FROM crawl_runs`))
	}
	if n := sc.count(t, `SELECT count(*) FROM (SELECT report_id FROM versions GROUP BY report_id HAVING count(*) > 1) x`); n != 0 {
		t.Errorf("%d reports stored more than once", n)
	}
	if n := sc.count(t, `SELECT count(*) FROM crawl_queue WHERE outcome IS NULL`); n != 0 {
		t.Errorf("%d URLs of the run left pending", n)
	}
	checkAgainstTruthIn(t, sc.site, filepath.Join(sc.data, "w1"), dsn)
	t.Logf("killed w2 after %d finished URLs; %d reports stored", finished, sc.count(t, `SELECT count(*) FROM reports`))
}
