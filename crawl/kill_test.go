package crawl

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"gongkai/archive"
	"gongkai/parse"
)

// errKilled is what a write gets after the process was killed.
var errKilled = errors.New("killed")

// dyingState is the state of a crawl whose process is killed right after its
// n-th write (of the state or of a stored report): that write is kept, none
// after it. What was kept is what the next crawl resumes from.
type dyingState struct {
	*memState
	mu      sync.Mutex
	kept    map[string]string // stored reports: final URL → title
	writes  []string          // what each write was, in order
	dieAt   int               // 0: never
	dead    bool
	killRun func()
}

// write makes a write unless the process is dead, and kills it after the n-th.
func (d *dyingState) write(what string, f func() error) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.dead {
		return errKilled
	}
	if err := f(); err != nil {
		return err
	}
	d.writes = append(d.writes, what)
	if len(d.writes) == d.dieAt {
		d.dead = true
		d.killRun()
	}
	return nil
}

func (d *dyingState) BeginRun(ctx context.Context, t time.Time) (id int64, resumed bool, err error) {
	err = d.write("begin the run", func() (err error) {
		id, resumed, err = d.memState.BeginRun(ctx, t)
		return err
	})
	return id, resumed, err
}

func (d *dyingState) EndRun(ctx context.Context, id int64, t time.Time, status string, st Stats) error {
	return d.write("end the run", func() error { return d.memState.EndRun(ctx, id, t, status, st) })
}

func (d *dyingState) Enqueue(ctx context.Context, id int64, items []Item) (added []Item, err error) {
	keys := make([]string, len(items))
	for i, it := range items {
		keys[i] = it.Key
	}
	err = d.write("queue "+strings.Join(keys, ", "), func() (err error) {
		added, err = d.memState.Enqueue(ctx, id, items)
		return err
	})
	return added, err
}

func (d *dyingState) Finish(ctx context.Context, id int64, key string, o Outcome, detail string) error {
	return d.write(fmt.Sprintf("finish %s (%s)", key, o), func() error { return d.memState.Finish(ctx, id, key, o, detail) })
}

func (d *dyingState) Remember(ctx context.Context, key string, p Previous) error {
	return d.write("remember the capture of "+key, func() error { return d.memState.Remember(ctx, key, p) })
}

// Fetched parses a document and stores it as a write of the process; it tells
// done at once, before returning, as a sink whose batch is due does.
func (d *dyingState) Fetched(_ context.Context, f Fetched, done func(Ingested, error)) (bool, error) {
	if f.Body == nil {
		err := d.write("store "+f.FinalURL, func() error { return nil })
		done(Ingested{Change: "not a report", Detail: "an attachment"}, err)
		return false, err
	}
	rec, perr := parse.Parse(parse.Input{Name: f.FinalURL, Data: f.Body, ContentType: f.ContentType})
	err := d.write("store "+f.FinalURL, func() error {
		if perr == nil {
			d.kept[f.FinalURL] = rec.Title
		}
		return nil
	})
	switch {
	case err != nil:
		done(Ingested{}, err)
		return false, err
	case perr != nil:
		done(Ingested{Change: "not a report", Detail: perr.Error()}, nil)
		return false, nil
	}
	done(Ingested{IsReport: true, Change: "new"}, nil)
	return true, nil
}

func (d *dyingState) Flush(context.Context) error { return nil }

func (d *dyingState) Gone(context.Context, string, int) error {
	return d.write("mark a document gone", func() error { return nil })
}

// killPortal is a small portal with each way a list leads to reports: links,
// a TRS list's further page, a redirect, a Hanweb datastore whose dataproxy
// refuses POST (so the crawler falls back to GET), and a report's attachment.
func killPortal(t *testing.T) *httptest.Server {
	t.Helper()
	report := func(organ string) string {
		return fmt.Sprintf(reportPage, "某某区"+organ+"2022年政府信息公开工作年度报告")
	}
	pages := map[string]string{
		"/": `<html><body><a href="/zwgk/">政务公开</a></body></html>`,
		"/zwgk/": `<html><body><a href="/zwgk/zfxxgknb/">政府信息公开年报</a><a href="/col/col100/index.html">部门政府信息公开年报</a>` +
			`<a href="/old/xznb/">乡镇政府信息公开年报</a></body></html>`,
		"/zwgk/zfxxgknb/": `<html><head><title>政府信息公开年报</title></head><body><ul>
<li><a href="./202301/t20230118_1.html">某某区教育局2022年政府信息公开工作年度报告</a></li></ul>
<script>createPageHTML(2, 0, "index", "html");</script></body></html>`,
		"/zwgk/zfxxgknb/index_1.html": `<html><head><title>政府信息公开年报</title></head><body>
<a href="./202301/t20230112_2.html">某某区民政局2022年政府信息公开工作年度报告</a></body></html>`,
		"/zwgk/xznb/": `<html><head><title>乡镇政府信息公开年报</title></head><body>
<a href="./t20230115_3.html">某某区城关镇2022年政府信息公开工作年度报告</a></body></html>`,
		"/col/col100/index.html": `<html><head><title>部门政府信息公开年报</title></head><body>
<div id="5001"><script type="text/xml"><datastore><recordset>
<record><![CDATA[<li><a href="/art/2023/1/5/art_100_4.html" title="某某区财政局2022年政府信息公开工作年度报告">某某区财政局2022年政府信息公开工作年度报告</a><span>2023-01-05</span></li>]]></record>
</recordset></datastore></script></div>
<script>var param_5001 = {col:1,webid:'1',path:'/',columnid:'100',sourceContentType:'1',unitid:'5001',webname:'某某区',permissiontype:0};
$('#5001').jpage({dataStore: null, totalRecord: 2, perPage: 1, ajaxParam: param_5001});</script></body></html>`,
		"/zwgk/zfxxgknb/202301/t20230118_1.html": report("教育局"),
		"/zwgk/zfxxgknb/202301/t20230112_2.html": report("民政局"),
		"/zwgk/xznb/t20230115_3.html":            report("城关镇"),
		"/art/2023/1/5/art_100_4.html":           report("财政局"),
		"/art/2023/1/6/art_100_5.html":           report("卫健局"),
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		switch body, ok := pages[r.URL.Path]; {
		case r.URL.Path == "/robots.txt":
			fmt.Fprint(w, "User-agent: *\nDisallow:\n")
		case r.URL.Path == "/old/xznb/":
			http.Redirect(w, r, "/zwgk/xznb/", http.StatusMovedPermanently)
		case r.URL.Path == "/module/web/jpage/dataproxy.jsp" && r.Method != http.MethodGet:
			w.WriteHeader(http.StatusMethodNotAllowed)
		case r.URL.Path == "/module/web/jpage/dataproxy.jsp" && r.URL.Query().Get("startrecord") == "2":
			fmt.Fprint(w, `<datastore><totalrecord>2</totalrecord><recordset>
<record><![CDATA[<li><a href="/art/2023/1/6/art_100_5.html" title="某某区卫健局2022年政府信息公开工作年度报告">某某区卫健局2022年政府信息公开工作年度报告</a><span>2023-01-06</span></li>]]></record>
</recordset></datastore>`)
		case r.URL.Path == "/module/web/jpage/dataproxy.jsp":
			fmt.Fprint(w, "<datastore><nextgroup></nextgroup><recordset></recordset></datastore>")
		case strings.HasSuffix(r.URL.Path, ".pdf"):
			w.Header().Set("Content-Type", "application/pdf")
			w.Write([]byte("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"))
		case ok:
			w.Header().Set("Last-Modified", "Mon, 09 Jan 2023 08:00:00 GMT")
			if r.Header.Get("If-Modified-Since") != "" {
				w.WriteHeader(http.StatusNotModified)
				return
			}
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, body)
		default:
			http.NotFound(w, r)
		}
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// crawlDying crawls the portal on st until the run ends or the process dies
// at write dieAt (0: never), and returns what the crawl wrote.
func crawlDying(t *testing.T, st *memState, kept map[string]string, dir string, srv *httptest.Server, dieAt int) []string {
	t.Helper()
	arch, err := archive.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer arch.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	d := &dyingState{memState: st, kept: kept, dieAt: dieAt, killRun: cancel}
	opts := testOptions()
	opts.Parallelism = 1 // one order of writes, so that every one of them is a point to die at
	opts.Render = RenderNever
	c, err := New(opts, []Portal{{Name: "某某区", StartURLs: []string{srv.URL + "/"}}}, d, d, arch)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Run(ctx); err != nil && dieAt == 0 {
		t.Fatal(err)
	}
	return d.writes
}

// A crawl killed right after any one of its writes, then started again, ends
// with every report: no write finishes a URL before what it leads to (its
// links, a list's further page, a redirect's target, a list mechanism's next
// way of asking) is queued, and no run begins without its start URLs.
func TestKilledAfterAnyWrite(t *testing.T) {
	srv := killPortal(t)
	want := map[string]string{}
	writes := crawlDying(t, newMemState(), want, t.TempDir(), srv, 0)
	titles := slices.Sorted(maps.Values(want))
	if len(titles) != 5 {
		t.Fatalf("the crawl that was not killed stored %d reports, want 5: %v", len(titles), titles)
	}
	for n := 1; n <= len(writes); n++ {
		st, kept, dir := newMemState(), map[string]string{}, t.TempDir()
		before := crawlDying(t, st, kept, dir, srv, n)
		crawlDying(t, st, kept, dir, srv, 0)
		if got := slices.Sorted(maps.Values(kept)); !slices.Equal(got, titles) {
			t.Errorf("killed after write %d (%s), the resumed crawl ends with reports %v, want %v", n, before[n-1], got, titles)
		}
	}
	t.Logf("killed after each of %d writes", len(writes))
}
