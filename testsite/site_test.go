package testsite

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"

	"gongkai/report"
)

// special returns the URL of the one special of a kind.
func special(t *testing.T, s *Site, kind string) string {
	t.Helper()
	var found []string
	for _, sp := range s.Specials() {
		if sp.Kind == kind {
			found = append(found, sp.URL)
		}
	}
	if len(found) != 1 {
		t.Fatalf("special %q: %d URLs", kind, len(found))
	}
	return found[0]
}

func ok(t *testing.T, f fetched, what string) {
	t.Helper()
	if f.err != nil || f.status != http.StatusOK {
		t.Fatalf("%s: status %d, %v", what, f.status, f.err)
	}
}

func gbk(t *testing.T, b []byte) string {
	t.Helper()
	s, err := simplifiedchinese.GBK.NewDecoder().Bytes(b)
	if err != nil {
		t.Fatal(err)
	}
	return string(s)
}

func portalBase(s *Site, name string) string {
	for _, p := range s.Portals() {
		if p.Name == name {
			return p.Base
		}
	}
	return ""
}

func TestStartsFastAndDeterministically(t *testing.T) {
	start := time.Now()
	a := New(7)
	run, err := a.Start()
	if err != nil {
		t.Fatal(err)
	}
	run.Close()
	if d := time.Since(start); d > time.Second {
		t.Errorf("New and Start took %v", d)
	}
	const base = "http://127.0.0.1:9"
	a, b := NewWithOptions(7, testOptions), NewWithOptions(7, testOptions)
	ha, hb := a.Handler(base), b.Handler(base)
	compared := 0
	for _, e := range a.Truth() {
		urls := append([]string(nil), e.URLs...)
		for _, f := range e.Attachments {
			urls = append(urls, f.URL)
		}
		for _, u := range urls {
			path := strings.TrimPrefix(u, base)
			var ra, rb *httptest.ResponseRecorder
			for range 2 { // the second time: some resources fail their first request
				ra, rb = httptest.NewRecorder(), httptest.NewRecorder()
				ha.ServeHTTP(ra, httptest.NewRequest(http.MethodGet, path, nil))
				hb.ServeHTTP(rb, httptest.NewRequest(http.MethodGet, path, nil))
			}
			if ra.Code != http.StatusOK || ra.Code != rb.Code || !bytes.Equal(ra.Body.Bytes(), rb.Body.Bytes()) {
				t.Errorf("%s: status %d and %d, or bytes differ between two sites of one seed", path, ra.Code, rb.Code)
			}
			compared++
		}
	}
	if compared < 100 {
		t.Errorf("compared only %d resources", compared)
	}
	fingerprint := func(s *Site) (out []int64) {
		for _, e := range s.Truth() {
			out = append(out, e.Record.Table3["new_received"]["total"], e.Record.Table3["granted"]["total"])
		}
		return out
	}
	if fa, fc := fingerprint(a), fingerprint(New(8)); slices.Equal(fa, fc) {
		t.Error("seeds 7 and 8 generate the same figures")
	}
}

func TestEncodings(t *testing.T) {
	s, _ := started(t, 1)
	type want struct {
		kind, header, decoded string
		gbk                   bool
	}
	for _, w := range []want{
		{"gbk-header", "text/html; charset=GBK", "政府信息公开", true},
		{"gbk-meta-only", "text/html", `content="text/html; charset=gb2312"`, true},
		{"gb2312-header-gbk-chars", "text/html; charset=gb2312", "李镕、王堃", true},
		{"utf8-header-gbk-body", "text/html; charset=utf-8", "政府信息公开", true},
		{"stray-invalid-bytes", "text/html; charset=utf-8", "政府信息公开", false},
	} {
		f := get(special(t, s, w.kind))
		ok(t, f, w.kind)
		if got := f.header.Get("Content-Type"); got != w.header {
			t.Errorf("%s: Content-Type %q, want %q", w.kind, got, w.header)
		}
		if utf8.Valid(f.body) {
			t.Errorf("%s: body is valid UTF-8; it should hold GBK or stray bytes", w.kind)
		}
		text := string(f.body)
		if w.gbk {
			text = gbk(t, f.body)
		}
		if !strings.Contains(text, w.decoded) {
			t.Errorf("%s: decoded body lacks %q", w.kind, w.decoded)
		}
	}
	// The gb2312 page really holds characters outside GB2312: 镕 is E9 46 and 堃 is
	// 88 D2 in GBK (trail bytes below A1 and a lead byte below A1 do not exist in GB2312).
	if f := get(special(t, s, "gb2312-header-gbk-chars")); !bytes.Contains(f.body, []byte{0xE9, 0x46}) || !bytes.Contains(f.body, []byte{0x88, 0xD2}) {
		t.Error("the gb2312 page lacks the GBK bytes of 镕 and 堃")
	}
	var bomSeen, metaCharset, bareMeta bool
	for _, e := range s.Truth() {
		switch e.Encoding {
		case encBOM.note:
			f := get(e.URLs[0])
			bomSeen = bomSeen || bytes.HasPrefix(f.body, []byte("\xEF\xBB\xBF"))
		case encGBKMetaCharset.note:
			metaCharset = metaCharset || bytes.Contains(get(e.URLs[0]).body, []byte(`<meta charset="gb2312">`))
		case encGBKBareMeta.note:
			bareMeta = bareMeta || bytes.Contains(get(e.URLs[0]).body, []byte(`content="charset=gbk"`))
		}
	}
	if !bomSeen || !metaCharset || !bareMeta {
		t.Errorf("BOM page %v, <meta charset=gb2312> page %v, content=\"charset=gbk\" page %v: want all", bomSeen, metaCharset, bareMeta)
	}
}

func TestAttachments(t *testing.T) {
	s, _ := started(t, 1)
	magic := map[string]string{"pdf": "%PDF", "docx": "PK\x03\x04", "doc": "\xD0\xCF\x11\xE0", "wps": "\xD0\xCF\x11\xE0", "xls": "\xD0\xCF\x11\xE0"}
	kinds := map[string]bool{}
	ctypes := map[string]bool{}
	for _, e := range s.Truth() {
		for _, a := range e.Attachments {
			first, second := getRetrying(a.URL), getRetrying(a.URL)
			ok(t, first, a.URL)
			if !bytes.Equal(first.body, second.body) {
				t.Errorf("%s: bytes differ between requests", a.URL)
			}
			if !bytes.HasPrefix(first.body, []byte(magic[a.Type])) {
				t.Errorf("%s: %s without its magic bytes", a.URL, a.Type)
			}
			if got := first.header.Get("Content-Type"); got != a.ContentType {
				t.Errorf("%s: Content-Type %q, want %q", a.URL, got, a.ContentType)
			}
			kinds[a.Type], ctypes[a.ContentType] = true, true
			if a.Type == "docx" {
				checkDocx(t, a.URL, first.body, e)
			}
		}
	}
	for _, k := range []string{"pdf", "docx", "doc", "wps", "xls"} {
		if !kinds[k] {
			t.Errorf("no %s attachment", k)
		}
	}
	for _, c := range []string{"application/octet-stream", "text/html"} {
		if !ctypes[c] {
			t.Errorf("no attachment served as %s", c)
		}
	}
	u := special(t, s, "content-disposition-utf8")
	cd := get(u).header.Get("Content-Disposition")
	name, err := url.PathUnescape(strings.TrimPrefix(cd, "attachment; filename*=UTF-8''"))
	if err != nil || !strings.HasSuffix(name, "年度报告.pdf") {
		t.Errorf("%s: Content-Disposition %q", u, cd)
	}
	down, err := url.Parse(special(t, s, "downfile-showname"))
	if err != nil || !strings.HasSuffix(down.Query().Get("showname"), "报告.pdf") || !strings.Contains(down.RawQuery, "showname=%E") {
		t.Errorf("downfile URL %s lacks a URL-encoded Chinese showname", down)
	}
	if !strings.HasSuffix(special(t, s, "upper-case-pdf"), ".PDF") {
		t.Error("no upper-case .PDF")
	}
}

// checkDocx opens a DOCX and looks for the report's title and a figure in it.
func checkDocx(t *testing.T, u string, data []byte, e Expected) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Errorf("%s: %v", u, err)
		return
	}
	for _, f := range zr.File {
		if f.Name != "word/document.xml" {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		doc, _ := io.ReadAll(rc)
		rc.Close()
		if !strings.Contains(string(doc), e.Title) || !strings.Contains(string(doc), "<w:tbl>") {
			t.Errorf("%s: document lacks the title or the tables", u)
		}
		return
	}
	t.Errorf("%s: no word/document.xml", u)
}

func TestContentCodings(t *testing.T) {
	s, _ := started(t, 1)
	home := portalBase(s, nameTianyuan) + "/"
	plain := get(home)
	gz := get(home, "Accept-Encoding", "gzip")
	if gz.header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("tianyuan: Content-Encoding %q with gzip accepted", gz.header.Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz.body))
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := io.ReadAll(zr); !bytes.Equal(b, plain.body) {
		t.Error("gunzipped page differs from the plain one")
	}
	fake := get(special(t, s, "fake-gzip"), "Accept-Encoding", "gzip, deflate")
	if fake.header.Get("Content-Encoding") != "gzip" || !bytes.HasPrefix(fake.body, []byte("<!DOCTYPE")) {
		t.Errorf("fake gzip: Content-Encoding %q, body starts %q", fake.header.Get("Content-Encoding"), fake.body[:10])
	}
	deflated := get(special(t, s, "deflate"), "Accept-Encoding", "deflate")
	if r, err := zlib.NewReader(bytes.NewReader(deflated.body)); err != nil || deflated.header.Get("Content-Encoding") != "deflate" {
		t.Errorf("deflate: %v, Content-Encoding %q", err, deflated.header.Get("Content-Encoding"))
	} else if b, _ := io.ReadAll(r); !bytes.Equal(b, get(special(t, s, "deflate")).body) {
		t.Error("inflated page differs from the plain one")
	}
	raw := get(special(t, s, "raw-deflate"), "Accept-Encoding", "deflate")
	if b, err := io.ReadAll(flate.NewReader(bytes.NewReader(raw.body))); err != nil || !bytes.Equal(b, get(special(t, s, "raw-deflate")).body) {
		t.Errorf("raw deflate does not inflate to the plain page: %v", err)
	}
}

func TestConditionalRequests(t *testing.T) {
	s, _ := started(t, 1)
	home := portalBase(s, nameTianyuan) + "/"
	f := get(home)
	etag, lm := f.header.Get("ETag"), f.header.Get("Last-Modified")
	if etag == "" || lm == "" {
		t.Fatalf("tianyuan: ETag %q, Last-Modified %q", etag, lm)
	}
	if g := get(home, "If-None-Match", etag); g.status != http.StatusNotModified || len(g.body) != 0 {
		t.Errorf("If-None-Match: status %d", g.status)
	}
	if g := get(home, "If-Modified-Since", lm); g.status != http.StatusNotModified {
		t.Errorf("If-Modified-Since: status %d", g.status)
	}
	if g := get(home, "If-None-Match", `"other"`); g.status != http.StatusOK {
		t.Errorf("stale ETag: status %d", g.status)
	}

	jyj := portalBase(s, nameJiaoyu) + "/zwgk/ndbg/"
	f = get(jyj)
	if f.header.Get("ETag") != "" || f.header.Get("Last-Modified") == "" {
		t.Errorf("jyj: ETag %q, Last-Modified %q; want Last-Modified only", f.header.Get("ETag"), f.header.Get("Last-Modified"))
	}
	if g := get(jyj, "If-Modified-Since", f.header.Get("Last-Modified")); g.status != http.StatusNotModified {
		t.Errorf("jyj If-Modified-Since: status %d", g.status)
	}

	hanweb := portalBase(s, nameXiongxian) + "/col/col4521/index.html"
	f = get(hanweb)
	g := get(hanweb, "If-Modified-Since", f.header.Get("Last-Modified"), "If-None-Match", `"x"`)
	if g.status != http.StatusOK || !bytes.Equal(f.body, g.body) || f.header.Get("ETag") != "" {
		t.Errorf("xiongxian: status %d, ETag %q; want 200 with identical bytes and no ETag", g.status, f.header.Get("ETag"))
	}

	legacy := portalBase(s, nameYushe) + "/zwgk/"
	f = get(legacy)
	lmTime, err := http.ParseTime(f.header.Get("Last-Modified"))
	if err != nil || time.Since(lmTime) > time.Minute {
		t.Errorf("yushe: Last-Modified %q is not the time of the request", f.header.Get("Last-Modified"))
	}
	if g := get(legacy, "If-Modified-Since", f.header.Get("Last-Modified")); g.status != http.StatusOK || !bytes.Equal(f.body, g.body) {
		t.Errorf("yushe: status %d to If-Modified-Since; want 200, identical bytes", g.status)
	}

	qx := portalBase(s, nameQingxin) + "/"
	f = get(qx)
	if f.header.Get("ETag") == "" || f.header.Get("Last-Modified") != "" {
		t.Errorf("qingxin: ETag %q, Last-Modified %q; want ETag only", f.header.Get("ETag"), f.header.Get("Last-Modified"))
	}
	if g := get(qx, "If-None-Match", f.header.Get("ETag")); g.status != http.StatusNotModified {
		t.Errorf("qingxin If-None-Match: status %d", g.status)
	}
}

func TestFailuresAndChallenges(t *testing.T) {
	s, run := started(t, 1)
	u := special(t, s, "429-retry-after-seconds")
	if f := get(u); f.status != http.StatusTooManyRequests || f.header.Get("Retry-After") != "1" {
		t.Errorf("429 page: status %d, Retry-After %q", f.status, f.header.Get("Retry-After"))
	}
	ok(t, get(u), "429 page, second request")

	u = special(t, s, "503-retry-after-date")
	f := get(u)
	at, err := http.ParseTime(f.header.Get("Retry-After"))
	if f.status != http.StatusServiceUnavailable || err != nil || !at.After(time.Now()) {
		t.Errorf("503 page: status %d, Retry-After %q", f.status, f.header.Get("Retry-After"))
	}
	ok(t, get(u), "503 page, second request")

	u = special(t, s, "reset-mid-body")
	if f := get(u); f.err == nil {
		t.Errorf("reset page: status %d, %d bytes, no error", f.status, len(f.body))
	}
	ok(t, get(u), "reset page, second request")

	start := time.Now()
	ok(t, get(special(t, s, "slow")), "slow page")
	if d := time.Since(start); d < testOptions.SlowDelay {
		t.Errorf("slow page answered in %v", d)
	}

	f = get(special(t, s, "ruishu-412"))
	if f.status != http.StatusPreconditionFailed || !strings.Contains(string(f.body), "$_ts") {
		t.Errorf("瑞数 challenge: status %d", f.status)
	}
	f = get(special(t, s, "jiasule-521"))
	if f.status != 521 || f.header.Get("X-Via-JSL") == "" || !strings.Contains(f.header.Get("Set-Cookie"), "__jsluid_s") {
		t.Errorf("加速乐 challenge: status %d, headers %v", f.status, f.header)
	}
	f = get(special(t, s, "block-page-200"))
	if f.status != http.StatusOK || !strings.Contains(string(f.body), "访问异常") {
		t.Errorf("block page: status %d", f.status)
	}
	f = get(special(t, s, "soft-404"))
	if f.status != http.StatusOK || !strings.Contains(string(f.body), "不存在") {
		t.Errorf("soft 404: status %d", f.status)
	}

	// robots.txt in every variant.
	f = get(portalBase(s, nameTianyuan) + "/robots.txt")
	if f.status != 200 || !strings.Contains(string(f.body), "Disallow: /module/") || !strings.Contains(string(f.body), "Crawl-delay: 0.1") {
		t.Errorf("tianyuan robots.txt: %d %q", f.status, f.body)
	}
	jyj := portalBase(s, nameJiaoyu) + "/robots.txt"
	if f := get(jyj); f.status != http.StatusServiceUnavailable || f.header.Get("Retry-After") == "" {
		t.Errorf("jyj robots.txt first request: status %d", f.status)
	}
	ok(t, get(jyj), "jyj robots.txt, second request")
	if f := get(portalBase(s, nameXiongxian) + "/robots.txt"); f.status != http.StatusNotFound {
		t.Errorf("xiongxian robots.txt: status %d", f.status)
	}
	if f := get(portalBase(s, nameYushe) + "/robots.txt"); f.status != 200 || !strings.HasPrefix(f.header.Get("Content-Type"), "text/html") {
		t.Errorf("yushe robots.txt: status %d, %q; want the HTML home page", f.status, f.header.Get("Content-Type"))
	}
	if f := get(portalBase(s, nameQingxin) + "/robots.txt"); f.status != http.StatusPreconditionFailed {
		t.Errorf("qingxin robots.txt: status %d", f.status)
	}

	// The log records what was asked.
	var logged412 bool
	for _, r := range run.Requests() {
		if r.Portal == nameQingxin && r.URI == "/robots.txt" && r.Status == http.StatusPreconditionFailed {
			logged412 = true
		}
	}
	if !logged412 {
		t.Error("the request log lacks the robots.txt challenge")
	}
}

func TestRedirects(t *testing.T) {
	s, _ := started(t, 1)
	u := special(t, s, "redirect-chain")
	f := get(u)
	if f.status != http.StatusMovedPermanently {
		t.Fatalf("chain start: status %d", f.status)
	}
	next := portalBase(s, nameTianyuan) + f.header.Get("Location")
	f = get(next)
	if f.status != http.StatusFound {
		t.Fatalf("chain middle %s: status %d", next, f.status)
	}
	ok(t, get(portalBase(s, nameTianyuan)+f.header.Get("Location")), "chain end")

	loop := special(t, s, "redirect-loop")
	if f := get(loop); f.status != http.StatusFound || portalBase(s, nameTianyuan)+f.header.Get("Location") != loop {
		t.Errorf("loop: status %d to %q", f.status, f.header.Get("Location"))
	}
	if f := get(special(t, s, "meta-refresh")); !strings.Contains(string(f.body), `<meta http-equiv="refresh" content="0; url=/zwgk/">`) {
		t.Error("no meta refresh")
	}
	if f := get(special(t, s, "meta-refresh-other-host")); !strings.Contains(string(f.body), "url="+portalBase(s, nameJiaoyu)+"/") {
		t.Error("no meta refresh to the sub-site")
	}
	if f := get(special(t, s, "window-location")); !strings.Contains(string(f.body), "window.location.href = \"/zwgk/nb/") {
		t.Error("no window.location")
	}
	if f := get(portalBase(s, nameTianyuan) + "/zwgk"); f.status != http.StatusMovedPermanently || f.header.Get("Location") != "/zwgk/" {
		t.Errorf("folder without slash: status %d to %q", f.status, f.header.Get("Location"))
	}
}

func TestPagination(t *testing.T) {
	s, _ := started(t, 1)
	u := special(t, s, "pager-A")
	f := get(u)
	if !pagerA.Match(f.body) || strings.Contains(string(f.body), `href="index_1.html"`) {
		t.Errorf("%s: want the A script and no index_1.html link in the markup", u)
	}
	second := strings.TrimSuffix(u, "index.html") + "index_1.html"
	ok(t, getRetrying(second), "A page 2")
	if f := get(strings.TrimSuffix(u, "index.html") + "index_9.html"); f.status != http.StatusNotFound {
		t.Errorf("A page beyond the last: status %d", f.status)
	}
	u = special(t, s, "pager-B")
	f = get(u)
	m := pagerB.FindSubmatch(f.body)
	if m == nil || string(m[2]) != "1" {
		t.Fatalf("%s: no B script with current page 1", u)
	}
	ok(t, get(strings.TrimSuffix(u, "list.shtml")+"list_2.shtml"), "B page 2")
	if f := get(strings.TrimSuffix(u, "list.shtml") + "list_1.shtml"); f.status != http.StatusNotFound {
		t.Errorf("B has no list_1.shtml, got status %d", f.status)
	}
}

func TestNightTwo(t *testing.T) {
	s, _ := started(t, 1)
	night1 := map[string]Expected{}
	for _, e := range s.Truth() {
		night1[e.URLs[0]] = e
	}
	edited, removed404, removed410, newOnLater := special(t, s, "edited"), special(t, s, "removed-404-then-410"), special(t, s, "removed-410"), special(t, s, "new-on-later-page")
	before := get(edited)
	if f := get(newOnLater); f.status != http.StatusNotFound {
		t.Errorf("night 1: the new report answers %d", f.status)
	}
	bmnb := special(t, s, "pager-B")

	s.SetNight(2)
	after := get(edited)
	if bytes.Equal(before.body, after.body) || !strings.Contains(string(after.body), "更正") {
		t.Error("night 2: the edited report did not change")
	}
	if f := get(removed404); f.status != http.StatusNotFound {
		t.Errorf("night 2: removed report answers %d, want 404", f.status)
	}
	if f := get(removed410); f.status != http.StatusGone {
		t.Errorf("night 2: removed report answers %d, want 410", f.status)
	}
	ok(t, get(newOnLater), "night 2: new report")
	if bytes.Contains(get(bmnb).body, []byte(strings.TrimPrefix(newOnLater, portalBase(s, nameTianyuan)))) {
		t.Error("night 2: the new report is on page 1 of the list")
	}
	found := false
	for k := 2; k <= 12 && !found; k++ {
		f := get(strings.TrimSuffix(bmnb, "list.shtml") + fmt.Sprintf("list_%d.shtml", k))
		found = bytes.Contains(f.body, []byte(strings.TrimPrefix(newOnLater, portalBase(s, nameTianyuan))))
	}
	if !found {
		t.Error("night 2: the new report is on no later page of the list")
	}

	var editedSeen, goneSeen, newSeen int
	for _, e := range s.Truth() {
		old, existed := night1[e.URLs[0]]
		switch {
		case e.URLs[0] == edited:
			editedSeen++
			if e.Previous == nil || slices.Equal(intFigures(e.Record), intFigures(old.Record)) || !slices.Equal(intFigures(e.Previous), intFigures(old.Record)) {
				t.Error("night 2: Truth of the edited report shows no new figures or no Previous")
			}
		case e.Gone != 0:
			goneSeen++
		case !existed:
			newSeen++
			if e.FirstNight != 2 {
				t.Errorf("new report %s: FirstNight %d", e.Title, e.FirstNight)
			}
		}
	}
	if editedSeen != 1 || goneSeen != 2 || newSeen < 4 {
		t.Errorf("night 2 Truth: %d edited, %d gone, %d new; want 1, 2, at least 4", editedSeen, goneSeen, newSeen)
	}
	s.SetNight(3)
	if f := get(removed404); f.status != http.StatusGone {
		t.Errorf("night 3: removed report answers %d, want 410", f.status)
	}
}

// intFigures lists a record's table 3 and 4 figures in a fixed order.
func intFigures(r *report.Record) []int64 {
	var out []int64
	for _, row := range report.Table3Rows {
		for _, c := range report.Table3Columns {
			out = append(out, r.Table3[row.Key.Key][c.Key])
		}
	}
	for _, g := range report.Table4Groups {
		for _, c := range report.Table4Columns {
			out = append(out, r.Table4[g.Key][c.Key])
		}
	}
	return out
}

func TestNewSized(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a site of 10,000 pages")
	}
	s := NewSized(1, 10000)
	if n := s.PageCount(); n < 9000 || n > 11500 {
		t.Errorf("NewSized(1, 10000): %d pages", n)
	}
	h := s.Handler("http://127.0.0.1:9")
	r := httptest.NewRecorder()
	h.ServeHTTP(r, httptest.NewRequest(http.MethodGet, strings.TrimPrefix(special(t, s, "pager-B"), "http://127.0.0.1:9"), nil))
	if m := pagerB.FindSubmatch(r.Body.Bytes()); r.Code != http.StatusOK || m == nil || len(m[1]) < 3 {
		t.Errorf("large site: 部门年报汇总 status %d; want a pager over hundreds of pages", r.Code)
	}
}

// BenchmarkNewSized measures building the 10,000-page site that the crawl
// benchmarks serve (a test asserts its shape, not its time).
func BenchmarkNewSized(b *testing.B) {
	for b.Loop() {
		NewSized(1, 10000)
	}
}

// TestSpecialsCoverTheCases checks that every case of crawl.md §5 the site
// promises has at least one documented URL.
func TestSpecialsCoverTheCases(t *testing.T) {
	s := New(1)
	have := map[int]bool{}
	for _, sp := range s.Specials() {
		have[sp.Case] = true
	}
	for _, c := range []int{1, 2, 3, 4, 6, 7, 8, 10, 11, 12, 14, 15, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 31} {
		if !have[c] {
			t.Errorf("no special for case %d", c)
		}
	}
}
