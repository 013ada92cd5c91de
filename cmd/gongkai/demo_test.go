package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestDemo runs `gongkai demo` as a newcomer would: it must serve real figures
// within a minute, then a browser searches, opens a report, finds a failed check
// marked on its cells, and sees the compare chart drawn. Ctrl-C (the context)
// stops everything and removes the temporary data folder.
func TestDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("crawls the simulated portals")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr lockedBuffer
	exited := make(chan int, 1)
	start := time.Now()
	go func() { exited <- demo(ctx, "127.0.0.1:0", "", &stdout, &stderr) }()
	// The demo crawls every simulated portal first: about 10 s alone, over a minute
	// on a machine shared by several test runs. The bound only catches a hang.
	base := waitServing(t, &stdout, &stderr, exited, 5*time.Minute)
	t.Logf("demo ready in %s", time.Since(start).Round(100*time.Millisecond))
	m := regexp.MustCompile(`into (\S+) …`).FindStringSubmatch(stderr.String())
	if m == nil {
		t.Fatalf("the demo does not say where its data is:\n%s", stderr.String())
	}
	data := m[1]

	// A report with a failed check, found through the API as a script would.
	status, body := httpGet(t, base+"api/search?q="+url.QueryEscape("failed:t3_row_total"))
	var found struct {
		Total int
		Hits  []struct{ ID int64 }
	}
	if err := json.Unmarshal([]byte(body), &found); status != http.StatusOK || err != nil || found.Total == 0 {
		t.Fatalf("search for failed checks: %d %v %s", status, err, body)
	}
	failedReport := found.Hits[0].ID
	if status, body := httpGet(t, base+"api/compare?figure=new_received"); status != http.StatusOK || !strings.Contains(body, `"rank": 1`) {
		t.Errorf("compare: %d %s", status, body)
	}

	// A report whose figures sit in an attachment that could not be read says so
	// and links the archived file; the crawl's summary counted such documents.
	// It says why of each, and the reasons add up to the count.
	if m := regexp.MustCompile(`; (\d+) documents? could not be read \(((?:\d+ [^;()]+; )+)kept in the archive; each report's page names its own\)`).FindStringSubmatch(stderr.String()); m == nil {
		t.Errorf("the crawl's summary does not count the documents it could not read:\n%s", stderr.String())
	} else {
		sum := 0
		for _, why := range regexp.MustCompile(`(\d+) [^;]+; `).FindAllStringSubmatch(m[2], -1) {
			n, _ := strconv.Atoi(why[1])
			sum += n
		}
		if total, _ := strconv.Atoi(m[1]); sum != total {
			t.Errorf("%d documents could not be read, but the reasons given count %d: %s", total, sum, m[0])
		}
	}
	unread := reportWithUnread(t, base)

	t.Run("browser", func(t *testing.T) { browse(t, base, failedReport, unread) })

	cancel()
	select {
	case status := <-exited:
		if status != exitOK {
			t.Errorf("the demo stopped with %d:\n%s", status, stderr.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("the demo did not stop")
	}
	if _, err := os.Stat(data); !os.IsNotExist(err) {
		t.Errorf("the temporary data folder %s is still there: %v", data, err)
	}
	if _, err := net.DialTimeout("tcp", strings.TrimSuffix(strings.TrimPrefix(base, "http://"), "/"), time.Second); err == nil {
		t.Error("the demo still listens after it stopped")
	}
}

func TestDemoSaysWhenTheAddressIsTaken(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	var stdout, stderr lockedBuffer
	if status := demo(context.Background(), busy.Addr().String(), "", &stdout, &stderr); status != exitFailed ||
		!strings.Contains(stderr.String(), busy.Addr().String()+" is already in use") {
		t.Errorf("status %d, stderr %q", status, stderr.String())
	}
}

// artifactsDir is where the browser test writes its screenshots: $GONGKAI_ARTIFACTS,
// or a folder in the test's temporary directory.
func artifactsDir(t *testing.T) string {
	dir := os.Getenv("GONGKAI_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(t.TempDir(), "screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// reportWithUnread finds, through the API, a report without figures whose
// attachment could not be read, and checks what the API says of it.
func reportWithUnread(t *testing.T, base string) int64 {
	t.Helper()
	for id := int64(1); ; id++ {
		status, body := httpGet(t, fmt.Sprintf("%sapi/reports/%d", base, id))
		if status == http.StatusNotFound {
			t.Fatal("no report of the demo links an attachment it could not read")
		}
		var rep struct {
			Table3 map[string]any
			Unread []struct{ URI, Archive, Reader, Reason string }
		}
		if err := json.Unmarshal([]byte(body), &rep); err != nil {
			t.Fatal(err)
		}
		if len(rep.Unread) == 0 || rep.Table3 != nil {
			continue
		}
		u := rep.Unread[0]
		if !strings.HasPrefix(u.Archive, "/archive/") || u.Reader == "" || u.Reason == "" {
			t.Errorf("report %d: unread attachment %+v", id, u)
		}
		if status, _ := httpGet(t, strings.TrimSuffix(base, "/")+u.Archive); status != http.StatusOK {
			t.Errorf("report %d: the archived copy %s answers %d", id, u.Archive, status)
		}
		return id
	}
}

// browse drives headless Chromium through the demo as a person would.
func browse(t *testing.T, base string, failedReport, unread int64) {
	chromium := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			chromium = p
			break
		}
	}
	if chromium == "" {
		t.Skip("no Chromium on this machine (Debian: apt-get install chromium); the browser test needs one")
	}
	shots := artifactsDir(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1280, 1024),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(allocCtx)
	defer cancel()
	ctx, cancelTimeout := context.WithTimeout(ctx, 2*time.Minute)
	defer cancelTimeout()

	shot := func(name string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, target *chromedp.Target) error {
			png, err := chromedp.FullScreenshot(100)(ctx, target) // 100: PNG
			if err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(shots, name), png, 0o644)
		})
	}
	do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}

	// Search from the start page, then open the first hit.
	do("search",
		chromedp.Navigate(base),
		chromedp.WaitVisible(chromedp.CSS(`#home-q`)),
		shot("1-start.png"),
		chromedp.SendKeys(chromedp.CSS(`#home-q`), "行政复议"),
		chromedp.Submit(chromedp.CSS(`#home-q`)),
		chromedp.WaitVisible(chromedp.CSS(`ol.hits li.hit`)),
		shot("2-search.png"),
	)
	hits := value(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("ol.hits li.hit").length`))
	title := value(t, ctx, chromedp.Text(chromedp.CSS(`ol.hits li.hit h2 a`)))
	do("open the first hit",
		chromedp.Click(chromedp.CSS(`ol.hits li.hit h2 a`)),
		chromedp.WaitVisible(chromedp.CSS(`article.report h1`)),
		shot("3-report.png"),
	)
	if reportTitle := value(t, ctx, chromedp.Text(chromedp.CSS(`article.report h1`))); hits == 0 || reportTitle != title {
		t.Errorf("%d hits; the first is %q but the page opened is %q", hits, title, reportTitle)
	}

	// A report whose figures do not add up shows the failed check on its cells.
	do("open a report with a failed check",
		chromedp.Navigate(fmt.Sprintf("%sreports/%d", base, failedReport)),
		chromedp.WaitVisible(chromedp.CSS(`#failed-checks`)),
		shot("4-failed-check.png"),
	)
	marked := value(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("td.failed").length`))
	legend := value(t, ctx, chromedp.Text(chromedp.CSS(`p.legend`)))
	check := value(t, ctx, chromedp.Text(chromedp.CSS(`#check-1`)))
	if marked == 0 || !strings.Contains(legend, "未通过检查") || !strings.Contains(check, "t3_") {
		t.Errorf("report %d: %d cells marked, legend %q, first failed check %q", failedReport, marked, legend, check)
	}

	// A report whose attachment could not be read says so, in both languages.
	do("open a report with an unread attachment",
		chromedp.Navigate(fmt.Sprintf("%sreports/%d", base, unread)),
		chromedp.WaitVisible(chromedp.CSS(`section.unread`)),
		shot("4b-unread-attachment.png"),
	)
	if box := value(t, ctx, chromedp.Text(chromedp.CSS(`section.unread`))); !strings.Contains(box, "附件未能读取") ||
		!strings.Contains(box, "could not be read") || !strings.Contains(box, "存档原件") {
		t.Errorf("report %d: the unread attachment's box says %q", unread, box)
	}

	// Compare: the chart is drawn, one bar per ranked row.
	do("compare",
		chromedp.Navigate(base+"compare?figure=new_received"),
		chromedp.WaitVisible(chromedp.CSS(`svg.chart`)),
		shot("5-compare.png"),
	)
	bars := value(t, ctx, chromedp.Evaluate[int](`Array.from(document.querySelectorAll("svg.chart rect.bar")).filter(r => r.getBBox().width > 0).length`))
	ranked := value(t, ctx, chromedp.Evaluate[int](`Array.from(document.querySelectorAll("table.compare tbody tr td:first-child")).filter(td => td.textContent.trim() !== "").length`))
	if bars == 0 || bars != ranked {
		t.Errorf("compare chart: %d bars drawn for %d ranked rows", bars, ranked)
	}

	// The start page asks the journalists' questions, each with its list.
	do("leads on the start page",
		chromedp.Navigate(base),
		chromedp.WaitVisible(chromedp.CSS(`section.leads`)),
		shot("6-leads.png"),
	)
	leads := value(t, ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("section.lead-box")).map(s => s.id.replace("lead-", ""))`))
	if len(leads) != 7 {
		t.Errorf("the start page asks %d questions: %v", len(leads), leads)
	}
	organ := value(t, ctx, chromedp.Evaluate[string](`document.querySelector("#lead-withheld tbody th a").textContent`))

	// Each lead and each chart at a laptop's and a phone's width: the page keeps
	// to the screen (wide tables scroll in their box), the chart drawn for the
	// width is the one shown, its ticks are round, its labels tell the bodies
	// apart and its text is at least 10 CSS pixels high.
	for _, screen := range []struct {
		name          string
		width, height int64
		layout        string
	}{{"laptop", 1280, 900, "wide"}, {"phone", 390, 844, "narrow"}} {
		do("screen "+screen.name, chromedp.EmulateViewport(screen.width, screen.height))
		fits := func(what string) {
			t.Helper()
			if over := value(t, ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth - document.documentElement.clientWidth`)); over > 0 {
				t.Errorf("%s on a %s: the page is %dpx wider than the screen", what, screen.name, over)
			}
		}
		for _, lead := range leads {
			do("lead "+lead,
				chromedp.Navigate(base+"leads/"+lead+"?year=2024"),
				chromedp.WaitVisible(chromedp.CSS(`main h1`)),
				shot(fmt.Sprintf("7-lead-%s-%s.png", lead, screen.name)),
			)
			fits("lead " + lead)
			if rows := value(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("table.lead tbody tr").length`)); rows == 0 && lead != "figures" {
				t.Errorf("lead %s lists nothing for 2024", lead)
			}
		}
		for i, chart := range []string{"compare?region=430211&year=2024&figure=new_received", "compare?region=430211&year=2024&figure=disclosure_rate",
			"organs/" + url.PathEscape(organ)} {
			do("chart "+chart,
				chromedp.Navigate(base+chart),
				chromedp.WaitVisible(chromedp.CSS(`svg.chart.`+screen.layout)),
				shot(fmt.Sprintf("8-chart-%d-%s.png", i+1, screen.name)),
			)
			fits("chart " + chart)
			checkChart(t, value(t, ctx, chromedp.Evaluate[chartSeen](chartJS(screen.layout))), chart, screen.name)
		}
	}
	t.Logf("screenshots in %s", shots)
}

// chartSeen is what the browser shows of a chart.
type chartSeen struct {
	Shown       []string // the classes of the charts displayed
	Ticks       []string
	Labels      []string
	Values      []string
	SmallestPx  float64 // the smallest text's height on the screen
	IsLineChart bool
}

func chartJS(layout string) string {
	return `(() => {
	const shown = Array.from(document.querySelectorAll("svg.chart")).filter(s => getComputedStyle(s).display !== "none").map(s => s.getAttribute("class"));
	const svg = document.querySelector("svg.chart.` + layout + `");
	const texts = sel => Array.from(svg.querySelectorAll(sel)).map(e => e.textContent.trim());
	let smallest = 1e9;
	for (const e of svg.querySelectorAll("text")) { const h = e.getBoundingClientRect().height; if (h > 0) smallest = Math.min(smallest, h); }
	return {Shown: shown, Ticks: texts("text.tick"), Labels: texts("text.label"), Values: texts("text.value"), SmallestPx: smallest,
		IsLineChart: svg.querySelector("polyline") !== null};
})()`
}

// checkChart: one chart shown, round ticks from 0 past the largest value, labels
// that tell the bodies apart, text that reads.
func checkChart(t *testing.T, c chartSeen, chart, screen string) {
	t.Helper()
	if len(c.Shown) != 1 {
		t.Errorf("%s on a %s: charts shown %v, want the one drawn for the width", chart, screen, c.Shown)
	}
	var ticks []float64
	for _, s := range c.Ticks {
		v, err := strconv.ParseFloat(strings.TrimSuffix(s, "%"), 64)
		if err != nil {
			t.Fatalf("%s: tick %q", chart, s)
		}
		ticks = append(ticks, v)
	}
	if len(ticks) < 3 || ticks[0] != 0 {
		t.Fatalf("%s on a %s: ticks %v", chart, screen, c.Ticks)
	}
	step := ticks[1] - ticks[0]
	exp := math.Pow(10, math.Floor(math.Log10(step)))
	if m := math.Round(step/exp*1e6) / 1e6; m != 1 && m != 2 && m != 5 {
		t.Errorf("%s on a %s: ticks %v step by %v, not 1, 2 or 5 × 10^k", chart, screen, c.Ticks, step)
	}
	for i := 1; i < len(ticks); i++ {
		if math.Abs(ticks[i]-ticks[i-1]-step) > step*1e-6 {
			t.Errorf("%s on a %s: uneven ticks %v", chart, screen, c.Ticks)
		}
	}
	for _, s := range c.Values {
		if v, err := strconv.ParseFloat(strings.TrimSuffix(s, "%"), 64); err == nil && v > ticks[len(ticks)-1] {
			t.Errorf("%s on a %s: value %s beyond the last tick %v", chart, screen, s, c.Ticks)
		}
	}
	seen := map[string]bool{}
	for _, l := range c.Labels {
		if seen[l] {
			t.Errorf("%s on a %s: two bars are both labelled %q: %v", chart, screen, l, c.Labels)
		}
		seen[l] = true
	}
	if !c.IsLineChart && len(c.Labels) == 0 {
		t.Errorf("%s on a %s: no bar labels", chart, screen)
	}
	if c.SmallestPx < 10 {
		t.Errorf("%s on a %s: text %.1fpx high, too small to read", chart, screen, c.SmallestPx)
	}
}

// value runs an action that reads something from the page.
func value[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
