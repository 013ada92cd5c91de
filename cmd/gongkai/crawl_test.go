package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"gongkai/crawl"
	"gongkai/report"
	"gongkai/store"
	"gongkai/testsite"
)

// crawlConfig writes a configuration for the started testsite's in-scope portals.
// The district's education bureau publishes on its own host, which the district's
// portal therefore lists among its allowed domains.
func crawlConfig(t *testing.T, run *testsite.Running, extra string) string {
	t.Helper()
	return crawlConfigFor(t, []*testsite.Running{run}, extra)
}

// crawlConfigFor is crawlConfig for several sites: the portals of site i
// after the first are named NAME-i.
func crawlConfigFor(t testing.TB, runs []*testsite.Running, extra string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("[crawl]\ndelay = \"0s\"\nparallelism = 4\nmax_crawl_delay = \"50ms\"\ntimeout = \"20s\"\nmax_retries = 3\n" + extra + "\n")
	for i, run := range runs {
		hosts := map[string]string{}
		for _, p := range run.Portals() {
			u, _ := url.Parse(p.Base)
			hosts[p.Name] = u.Host
		}
		for _, p := range run.Portals() {
			if !p.InScope || p.Name == "tianyuan-jyj" {
				continue
			}
			domains := []string{hosts[p.Name]}
			if p.Name == "tianyuan" {
				domains = append(domains, hosts["tianyuan-jyj"])
			}
			quoted := make([]string, len(domains))
			for j, d := range domains {
				quoted[j] = fmt.Sprintf("%q", d)
			}
			name := p.Name
			if i > 0 {
				name = fmt.Sprintf("%s-%d", p.Name, i)
			}
			fmt.Fprintf(&b, "[[portals]]\nname = %q\nregion = %q\nstart_urls = [%q]\nallowed_domains = [%s]\n%s\n",
				name, report.RegionFullName(p.Region), p.StartURL, strings.Join(quoted, ", "), p.APIConfig)
		}
	}
	path := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func runCrawlJSON(t *testing.T, configPath, data string) crawl.Stats {
	t.Helper()
	out, errs, status := gongkai(t, "crawl", "--config", configPath, "--data", data, "--json")
	if status != exitOK {
		t.Fatalf("crawl: status %d\n%s", status, errs)
	}
	var st crawl.Stats
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatalf("crawl --json printed %q: %v", out, err)
	}
	return st
}

// storedRecords reads back the latest record of every report, by organ and year.
func storedRecords(t *testing.T, data string) map[string]*report.Record {
	t.Helper()
	return storedRecordsIn(t, data, "")
}

// storedRecordsIn is storedRecords of the archive in database ("": the data
// folder's SQLite).
func storedRecordsIn(t *testing.T, data, database string) map[string]*report.Record {
	t.Helper()
	st, err := openStore(context.Background(), data, database, openExisting)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	out := map[string]*report.Record{}
	err = st.Records(context.Background(), store.Filter{}, false, func(r *report.Record) error {
		out[fmt.Sprintf("%s/%d", r.Organ, r.Year)] = r
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func failedRules(r *report.Record) []string {
	var out []string
	for _, c := range r.Failed() {
		out = append(out, c.Rule)
	}
	sort.Strings(out)
	return out
}

// compareFigures lists where a stored record's figures differ from the truth.
func compareFigures(want, got *report.Record) []string {
	var diffs []string
	if got.Format != want.Format {
		diffs = append(diffs, fmt.Sprintf("format %q, want %q", got.Format, want.Format))
	}
	cmp := func(name string, w, g map[string]map[string]float64) {
		for row, cols := range w {
			for col, v := range cols {
				if gv, ok := g[row][col]; !ok || gv != v {
					diffs = append(diffs, fmt.Sprintf("%s %s.%s = %v (present %v), want %v", name, row, col, gv, ok, v))
				}
			}
		}
		for row, cols := range g {
			for col := range cols {
				if _, ok := w[row][col]; !ok {
					diffs = append(diffs, fmt.Sprintf("%s %s.%s read but not printed", name, row, col))
				}
			}
		}
	}
	cmp("table3", want.Table3.Numbers(), got.Table3.Numbers())
	cmp("table4", want.Table4.Numbers(), got.Table4.Numbers())
	cmp("table2", want.Table2.Numbers(), got.Table2.Numbers())
	return diffs
}

// TestCrawlTestsite crawls the simulated portals twice, as two nights, and checks
// that crawl → parse → store yields exactly the published figures: every report
// with its tables in the HTML, no look-alike, and on the second night the edits,
// removals and new reports.
func TestCrawlTestsite(t *testing.T) {
	if testing.Short() {
		t.Skip("crawls the simulated portals")
	}
	site, run := startSite(t)
	cfg := crawlConfig(t, run, "")
	data := t.TempDir()

	st1 := runCrawlJSON(t, cfg, data)
	checkAgainstTruth(t, site, data)
	if st1.ReportsNew != len(site.Truth()) {
		t.Errorf("night 1 stats %+v", st1)
	}

	checkPoliteness(t, run.Requests(), map[string]time.Duration{"tianyuan": 10 * time.Millisecond})

	site.SetNight(2)
	night2 := time.Now()
	st2 := runCrawlJSON(t, cfg, data)
	conditional, repeated := 0, 0
	for _, r := range run.Requests() {
		if r.Time.After(night2) && r.Portal == "tianyuan" && r.Status == 304 {
			conditional++
		}
		if r.Time.After(night2) {
			repeated++
		}
	}
	if conditional == 0 {
		t.Errorf("night 2 sent no conditional request that the district's server could answer 304 (%d requests)", repeated)
	}
	checkAgainstTruth(t, site, data)
	if st2.Unchanged == 0 || st2.ReportsChanged == 0 || st2.Gone == 0 {
		t.Errorf("night 2: unchanged %d, changed %d, gone %d: %+v", st2.Unchanged, st2.ReportsChanged, st2.Gone, st2)
	}
	if st2.Fetched >= st1.Fetched*2 {
		t.Errorf("night 2 fetched %d pages, night 1 %d", st2.Fetched, st1.Fetched)
	}
}

func checkAgainstTruth(t *testing.T, site *testsite.Site, data string) {
	t.Helper()
	checkAgainstTruthIn(t, site, data, "")
}

// checkAgainstTruthIn is checkAgainstTruth of the archive in database.
func checkAgainstTruthIn(t *testing.T, site *testsite.Site, data, database string) {
	t.Helper()
	stored := storedRecordsIn(t, data, database)
	countRows := func(t *testing.T, data, q string) int {
		if database != "" {
			return pgCount(t, database, q)
		}
		return countRows(t, data, q)
	}
	want := map[string]bool{}
	browser := map[string]bool{}
	for _, p := range site.Portals() {
		browser[p.Name] = p.Browser
	}
	noBrowser := crawl.FindChromium("") == ""
	missing := map[string]bool{}
	for _, e := range site.Truth() {
		if browser[e.Portal] && noBrowser {
			// Without Chromium, its column ends as "needs a browser" (TestCrawlNeedsABrowser).
			continue
		}
		key := fmt.Sprintf("%s/%d", e.Record.Organ, e.Record.Year)
		want[key] = true
		got, ok := stored[key]
		if !ok {
			t.Errorf("night %d: report %s (%s) not stored", site.Night(), key, e.URLs[0])
			missing[e.Portal] = true
			continue
		}
		if e.Publication == testsite.Attachment && !slices.ContainsFunc(e.Attachments, func(f testsite.File) bool { return f.Figures }) {
			continue // the site's PDF, DOC and XLS files are placeholders without figures
		}
		if d := compareFigures(e.Record, got); len(d) > 0 {
			t.Errorf("night %d: %s (%s):\n  %s", site.Night(), key, e.URLs[0], strings.Join(d, "\n  "))
		}
		wantFailed := slices.Clone(e.FailedChecks)
		sort.Strings(wantFailed)
		if g := failedRules(got); !slices.Equal(g, wantFailed) {
			t.Errorf("night %d: %s failed checks %v, want %v", site.Night(), key, g, wantFailed)
		}
	}
	for _, p := range slices.Sorted(maps.Keys(missing)) {
		logQueue(t, data, p)
	}
	for k, r := range stored {
		if !want[k] {
			t.Errorf("night %d: %s stored from %s, which publishes no such report", site.Night(), k, r.Source)
		}
	}
	// A report published as a page and as a document is one report with two
	// sources; their figures agree on this site, so no finding says otherwise.
	if n := countRows(t, data, `SELECT count(*) FROM checks WHERE rule = 'sources_disagree'`); n != 0 {
		t.Errorf("night %d: %d reports whose page and attachment disagree", site.Night(), n)
	}
	for _, e := range site.Truth() {
		if e.Publication != testsite.Both || e.Gone != 0 {
			continue
		}
		for _, f := range e.Attachments {
			if !f.Figures {
				continue
			}
			n := countRows(t, data, fmt.Sprintf(`SELECT count(*) FROM sources s JOIN reports r ON r.id = s.report_id
				WHERE s.latest = 1 AND s.uri = '%s' AND r.organ = '%s' AND r.year = %d`, f.URL, e.Record.Organ, e.Record.Year))
			if n != 1 {
				t.Errorf("night %d: %s/%d: its attachment %s is not a source of the report's page version", site.Night(), e.Record.Organ, e.Record.Year, f.URL)
			}
		}
	}
}

// TestCrawlChild is the crawl that TestCrawlKilledAndResumed runs in a child
// process and kills (and TestHostileTwoCrawls runs beside another); run alone it
// does nothing.
func TestCrawlChild(t *testing.T) {
	args := os.Getenv("GONGKAI_CRAWL_CHILD")
	if args == "" {
		t.Skip("run by TestCrawlKilledAndResumed")
	}
	os.Exit(run(strings.Split(args, "\x1f"), os.Stdout, os.Stderr))
}

// A crawl killed with SIGKILL resumes on the next start: the URLs it finished are
// not fetched again, none it had queued is lost, the WARC file it was writing is
// repaired, and the archive ends up with every report.
func TestCrawlKilledAndResumed(t *testing.T) {
	if testing.Short() {
		t.Skip("crawls the simulated portals twice")
	}
	site, run := startSite(t)
	// A little delay spreads the crawl over a few seconds, so the kill lands mid-way.
	cfg := crawlConfig(t, run, "")
	cfgSlow := strings.Replace(readFile(t, cfg), `delay = "0s"`, `delay = "20ms"`, 1)
	os.WriteFile(cfg, []byte(cfgSlow), 0o644)
	data := t.TempDir()

	child := exec.Command(os.Args[0], "-test.run=^TestCrawlChild$")
	child.Env = append(os.Environ(), "GONGKAI_CRAWL_CHILD="+strings.Join([]string{"crawl", "--config", cfg, "--data", data}, "\x1f"))
	var childOut bytes.Buffer
	child.Stdout, child.Stderr = &childOut, &childOut
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- child.Wait() }()
	// The kill waits for the crawl to be well under way, however slow the machine:
	// the deadline only bounds a crawl that makes no progress at all.
	finished := 0
	for deadline := time.Now().Add(3 * time.Minute); finished < 60; {
		select {
		case err := <-exited:
			t.Fatalf("the crawl ended (%v) after %d finished URLs, before it could be killed:\n%s", err, finished, childOut.String())
		case <-time.After(50 * time.Millisecond):
		}
		finished = peekCount(t, data, `SELECT count(*) FROM crawl_queue WHERE outcome IS NOT NULL`)
		if time.Now().After(deadline) {
			child.Process.Kill()
			<-exited
			t.Fatalf("the crawl finished only %d URLs in 3 minutes:\n%s", finished, childOut.String())
		}
	}
	if err := child.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-exited
	killedAt := time.Now()
	done := doneURLs(t, data)
	pending := countRows(t, data, `SELECT count(*) FROM crawl_queue WHERE outcome IS NULL`)
	if len(done) < 30 || pending == 0 {
		t.Fatalf("killed with %d URLs finished and %d pending: not mid-way", len(done), pending)
	}
	if open, _ := filepath.Glob(filepath.Join(data, "warc", "*.open")); len(open) == 0 {
		t.Logf("the kill left no half-written WARC file this time")
	}

	st := runCrawlJSON(t, cfg, data)
	if left, _ := filepath.Glob(filepath.Join(data, "warc", "*.open")); len(left) != 0 {
		t.Errorf("WARC files still open after the resumed crawl: %v", left)
	}
	bases := map[string]string{}
	for _, p := range run.Portals() {
		bases[p.Name] = p.Base
	}
	for _, r := range run.Requests() {
		if r.Time.After(killedAt) && done[bases[r.Portal]+r.URI] && !strings.HasSuffix(r.URI, "robots.txt") {
			t.Errorf("%s was fetched again after the resume although the killed run had finished it", r.URI)
		}
	}
	if got := countRows(t, data, `SELECT count(*) FROM crawl_runs`); got != 1 {
		t.Errorf("%d crawl runs: the second start should resume the first", got)
	}
	checkAgainstTruth(t, site, data)
	t.Logf("killed after %d finished URLs (%d pending); the resumed run fetched %d", len(done), pending, st.Fetched)
}

func readFile(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// peekCount runs a count query on the archive of a running crawl, or returns 0
// while its schema is not there yet. It only reads: opening the archive through
// the store would take part in the crawl's own migration.
func peekCount(t *testing.T, data, q string) int {
	t.Helper()
	path := filepath.Join(data, store.DBFile)
	if _, err := os.Stat(path); err != nil {
		return 0
	}
	db, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(10000)&_pragma=query_only(1)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(q).Scan(&n); err != nil {
		return 0
	}
	return n
}

// countRows runs a count query on the archive, or returns 0 while it does not exist yet.
func countRows(t *testing.T, data, q string) int {
	t.Helper()
	if _, err := os.Stat(filepath.Join(data, store.DBFile)); err != nil {
		return 0
	}
	db := openDB(t, data)
	var n int
	if err := db.QueryRow(q).Scan(&n); err != nil {
		return 0 // the schema may not be there yet
	}
	return n
}

// doneURLs returns the URLs the run finished (scheme, host, path and query).
func doneURLs(t *testing.T, data string) map[string]bool {
	t.Helper()
	db := openDB(t, data)
	// A POST is one request per body, all at one URL: only GETs are told apart
	// by their URL.
	rows, err := db.Query(`SELECT url FROM crawl_queue WHERE outcome IN ('report', 'list', 'not a report', 'look-alike', 'unchanged')
		AND coalesce(method, 'GET') = 'GET'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var s string
		rows.Scan(&s)
		if u, err := url.Parse(s); err == nil {
			out[u.Scheme+"://"+u.Host+u.RequestURI()] = true
		}
	}
	return out
}

// checkPoliteness checks the request log: our User-Agent on every request, and
// no two requests to one host closer together than its Crawl-delay. Requests are
// timed by when they arrived: on a loaded machine the time an answer is written
// says more about the server's scheduling than about the crawler.
func checkPoliteness(t *testing.T, reqs []testsite.Request, crawlDelay map[string]time.Duration) {
	t.Helper()
	byArrival := slices.Clone(reqs)
	slices.SortStableFunc(byArrival, func(a, b testsite.Request) int { return a.Start.Compare(b.Start) })
	last := map[string]time.Time{}
	for _, r := range byArrival {
		if !strings.HasPrefix(r.UserAgent, "gongkai/") {
			t.Errorf("%s %s sent with User-Agent %q", r.Portal, r.URI, r.UserAgent)
		}
		if d, ok := crawlDelay[r.Portal]; ok {
			if prev, seen := last[r.Portal]; seen && r.Start.Sub(prev) < d {
				t.Errorf("%s: %s only %v after the previous request (Crawl-delay %v)", r.Portal, r.URI, r.Start.Sub(prev), d)
			}
			last[r.Portal] = r.Start
		}
	}
}

func TestCrawlScheduleIsChecked(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "c.toml")
	os.WriteFile(cfg, []byte("[[portals]]\nname = \"a\"\nstart_urls = [\"http://127.0.0.1:1/\"]\n"), 0o644)
	_, errs, status := gongkai(t, "crawl", "--config", cfg, "--data", t.TempDir(), "--schedule", "every night")
	if status != exitUsage || !strings.Contains(errs, "not a cron expression") {
		t.Errorf("status %d, stderr %q", status, errs)
	}
}

// startSite starts the simulated portals with waits short enough for tests.
func startSite(t *testing.T) (*testsite.Site, *testsite.Running) {
	t.Helper()
	site := testsite.NewWithOptions(1, testsite.Options{CrawlDelay: 10 * time.Millisecond, RetryAfter: 100 * time.Millisecond, SlowDelay: 200 * time.Millisecond})
	run, err := site.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { run.Close() })
	return site, run
}

// crawl --status shows each portal's last runs with its outcome counts, and for
// a portal that yielded nothing the path the crawl took and where it stopped.
func TestCrawlStatus(t *testing.T) {
	if testing.Short() {
		t.Skip("crawls a simulated portal")
	}
	_, run := startSite(t)
	var base string
	for _, p := range run.Portals() {
		if p.Name == "jiangan" {
			base = p.Base
		}
	}
	cfg := filepath.Join(t.TempDir(), "c.toml")
	os.WriteFile(cfg, []byte(fmt.Sprintf("[crawl]\ndelay = \"0s\"\nmax_crawl_delay = \"50ms\"\n"+
		"[[portals]]\nname = \"jiangan\"\nstart_urls = [%q]\n"+
		"[[portals]]\nname = \"moved\"\nstart_urls = [%q]\n", base+"/", base+"/zwgk/zfxxgk/zfxxgknb/old/")), 0o644)
	data := t.TempDir()
	runCrawlJSON(t, cfg, data)
	out, errs, status := gongkai(t, "crawl", "--status", "--config", cfg, "--data", data)
	if status != exitOK {
		t.Fatalf("crawl --status: %d %s", status, errs)
	}
	for _, want := range []string{"run 1, ", "finished", "jiangan: pages ", "reports new 21", "21 report", "not found",
		"moved: pages 1, reports new 0", "no report; the path the crawl took:", "(no list page was read)", "where it stopped:",
		base + "/zwgk/zfxxgk/zfxxgknb/old/: not found 404 Not Found"} {
		if !strings.Contains(out, want) {
			t.Errorf("crawl --status lacks %q:\n%s", want, out)
		}
	}
}

// onePortalConfig writes a configuration that crawls one portal of the running
// testsite from its home page, with crawl settings added to the test's own.
func onePortalConfig(t *testing.T, run *testsite.Running, name, crawlSettings string) string {
	t.Helper()
	base := ""
	for _, p := range run.Portals() {
		if p.Name == name {
			base = p.Base
		}
	}
	if base == "" {
		t.Fatalf("no portal %s", name)
	}
	cfg := filepath.Join(t.TempDir(), "c.toml")
	text := fmt.Sprintf("[crawl]\ndelay = \"0s\"\nmax_crawl_delay = \"50ms\"\n%s\n[[portals]]\nname = %q\nstart_urls = [%q]\n", crawlSettings, name, base+"/")
	if err := os.WriteFile(cfg, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// A column that only a browser reads, crawled with render = "never", ends as
// "needs a browser", and --status says so where a portal without a report shows
// where it stopped.
func TestCrawlNeedsABrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("crawls a simulated portal")
	}
	_, run := startSite(t)
	cfg := onePortalConfig(t, run, "licheng", `render = "never"`)
	data := t.TempDir()
	st := runCrawlJSON(t, cfg, data)
	if st.ReportsNew != 0 || st.Outcomes[crawl.OutcomeNeedsBrowser] != 1 {
		t.Errorf("stats %+v", st)
	}
	out, errs, status := gongkai(t, "crawl", "--status", "--config", cfg, "--data", data)
	if status != exitOK {
		t.Fatalf("crawl --status: %d %s", status, errs)
	}
	for _, want := range []string{"1 needs a browser", "no report; the path the crawl took:", "where it stopped:",
		"/col/col23186/index.html: needs a browser the page builds its list by script", `not rendered: [crawl] render = "never"`} {
		if !strings.Contains(out, want) {
			t.Errorf("crawl --status lacks %q:\n%s", want, out)
		}
	}
}

// Without its [[portals.api]] blocks, the portal whose columns its own JSON
// APIs fill is read by rendering the shells in Chromium: their scripts' POST
// and GET go through the crawler, and the reports of the first page each
// script shows are found; the pages after it a person reaches by clicking,
// which is what the configured API reads (TestCrawlTestsite finds them all).
func TestCrawlListAPIByRendering(t *testing.T) {
	if testing.Short() {
		t.Skip("crawls a simulated portal")
	}
	if crawl.FindChromium("") == "" {
		t.Skip("no Chromium on this machine (Debian: apt-get install chromium); rendering needs one")
	}
	site, run := startSite(t)
	cfg := onePortalConfig(t, run, "wujiang", "")
	data := t.TempDir()
	st := runCrawlJSON(t, cfg, data)
	want := 0
	for _, e := range site.Truth() {
		if e.Portal == "wujiang" {
			want++
		}
	}
	if st.Rendered != 2 || st.ReportsNew == 0 || st.ReportsNew >= want {
		t.Errorf("%d pages rendered, %d reports; want the 2 shells and the reports of their first pages, fewer than all %d: %+v", st.Rendered, st.ReportsNew, want, st)
	}
	// Each shell's outcome says that the pages after the first were not read.
	for _, asked := range []string{"POST /szinf/xxgk/interfacesWebZcwj/loadData pageIndex=1", "GET /szinf/info/getInfoCommon/ currpage=1"} {
		q := fmt.Sprintf(`SELECT count(*) FROM crawl_queue WHERE outcome = 'list' AND detail LIKE 'rendered in Chromium%%%s): the pages after it come only by clicking, and were not read%%'`, asked)
		if n := countRows(t, data, q); n != 1 {
			t.Errorf("%d rendered shells say that they asked for the first page (%s) only", n, asked)
			logQueue(t, data, "wujiang")
		}
	}
}

// A crawl on a schedule says at start that it crawls now and when it crawls next,
// crawls, says when the next one is due and stops cleanly on SIGINT.
func TestCrawlScheduleSaysItCrawlsNow(t *testing.T) {
	portal := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, "<html><head><title>政府信息公开年报</title></head><body><p>暂无内容</p></body></html>")
	}))
	defer portal.Close()
	cfg := filepath.Join(t.TempDir(), "c.toml")
	os.WriteFile(cfg, []byte(fmt.Sprintf("[crawl]\ndelay = \"0s\"\n[[portals]]\nname = \"a\"\nstart_urls = [%q]\n", portal.URL+"/ndbg/")), 0o644)
	child := exec.Command(os.Args[0], "-test.run=^TestCrawlChild$")
	child.Env = append(os.Environ(), "GONGKAI_CRAWL_CHILD="+strings.Join([]string{"crawl", "--config", cfg, "--data", t.TempDir(), "--schedule", "0 2 * * *"}, "\x1f"))
	stderr, err := child.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	var said []string
	lines := bufio.NewScanner(stderr)
	for lines.Scan() {
		said = append(said, lines.Text())
		if strings.HasPrefix(lines.Text(), "next crawl at ") {
			break
		}
	}
	child.Process.Signal(os.Interrupt)
	for lines.Scan() {
		said = append(said, lines.Text())
	}
	if err := child.Wait(); err != nil {
		t.Errorf("stopped by SIGINT: %v", err)
	}
	if len(said) < 2 || !regexp.MustCompile(`^gongkai crawl: crawling now, then on the schedule "0 2 \* \* \*" \(next at \d{4}-\d\d-\d\d 02:00 \S+\); Ctrl-C or SIGTERM stops it$`).MatchString(said[0]) ||
		!slices.ContainsFunc(said, func(l string) bool { return strings.HasPrefix(l, "next crawl at ") }) {
		t.Errorf("stderr:\n%s", strings.Join(said, "\n"))
	}
}

// logQueue logs how each URL of a portal ended, the path the crawl took, for a
// portal whose reports are missing.
func logQueue(t *testing.T, data, portal string) {
	t.Helper()
	rows, err := openDB(t, data).Query(`SELECT url, coalesce(outcome, 'pending'), coalesce(detail, '') FROM crawl_queue WHERE portal = ? ORDER BY seq`, portal)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var u, o, d string
		rows.Scan(&u, &o, &d)
		fmt.Fprintf(&b, "\n  %s: %s %s", u, o, d)
	}
	t.Logf("%s's URLs:%s", portal, b.String())
}
