package crawl

import (
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
)

func links(t *testing.T, base, html string) map[string]link {
	t.Helper()
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(html))
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(base)
	out := map[string]link{}
	for _, l := range discover(doc.Selection, u) {
		out[l.URL.String()] = l
	}
	return out
}

func keys(m map[string]link) []string {
	var k []string
	for s := range m {
		k = append(k, s)
	}
	sort.Strings(k)
	return k
}

func TestDiscoverPaginationScripts(t *testing.T) {
	a := links(t, "http://x.gov.cn/zfxxgknb/", `<script>createPageHTML(5, 0, "index", "html");</script>`)
	for _, want := range []string{"http://x.gov.cn/zfxxgknb/index.html", "http://x.gov.cn/zfxxgknb/index_1.html", "http://x.gov.cn/zfxxgknb/index_4.html"} {
		if l, ok := a[want]; !ok || !l.Paging {
			t.Errorf("signature A: %s missing or not paging; got %v", want, keys(a))
		}
	}
	if _, ok := a["http://x.gov.cn/zfxxgknb/index_5.html"]; ok {
		t.Errorf("signature A counts from 0: index_5 does not exist")
	}
	b := links(t, "http://x.gov.cn/szjt/", `<script>createPageHTML('page_div', 10, 1, 'list', 'shtml', 98);</script>`)
	for _, want := range []string{"http://x.gov.cn/szjt/list.shtml", "http://x.gov.cn/szjt/list_2.shtml", "http://x.gov.cn/szjt/list_10.shtml"} {
		if _, ok := b[want]; !ok {
			t.Errorf("signature B: %s missing; got %v", want, keys(b))
		}
	}
	if _, ok := b["http://x.gov.cn/szjt/list_1.shtml"]; ok {
		t.Errorf("signature B counts from 1: list_1 is list.shtml")
	}
}

func TestDiscoverLinkForms(t *testing.T) {
	got := links(t, "http://x.gov.cn/a/b/page.html", `<html><head><base href="http://x.gov.cn/base/"><meta http-equiv="refresh" content="0; url=/moved/new.html"></head><body>
<a href="./P020230118.PDF">附件</a>
<a href="../up.html">上级</a>
<a href="javascript:void(0)" onclick="window.open('/open/1.html')">弹出</a>
<a href="javascript:window.location='/js/2.html'">脚本</a>
<a href="/%E5%B9%B4%E6%8A%A5/3.html">年报</a>
<a href="/list.html" title="某某区教育局2022年政府信息公开工作年度报告">某某区教育局2022年政府…</a>
<a href="#top">顶部</a><a href="mailto:a@b.cn">信箱</a>
<iframe src="/pdfjs/viewer.html?file=/files/report.pdf"></iframe>
</body></html>`)
	for _, want := range []string{
		"http://x.gov.cn/base/P020230118.PDF", "http://x.gov.cn/up.html", "http://x.gov.cn/open/1.html",
		"http://x.gov.cn/js/2.html", "http://x.gov.cn/%E5%B9%B4%E6%8A%A5/3.html", "http://x.gov.cn/moved/new.html",
		"http://x.gov.cn/files/report.pdf",
	} {
		if _, ok := got[want]; !ok {
			t.Errorf("%s not found; got %v", want, keys(got))
		}
	}
	if l := got["http://x.gov.cn/list.html"]; l.Text != "某某区教育局2022年政府信息公开工作年度报告" {
		t.Errorf("a cut-short list title is read from the title attribute: %q", l.Text)
	}
	if !got["http://x.gov.cn/moved/new.html"].Redirect {
		t.Errorf("a meta refresh replaces the page")
	}
	for k := range got {
		if strings.Contains(k, "mailto") || strings.Contains(k, "#top") {
			t.Errorf("followed %s", k)
		}
	}
}

func TestCanonical(t *testing.T) {
	cases := map[string]string{
		"HTTP://WWW.X.gov.cn:80/zwgk/index.html#top":                                           "http://www.x.gov.cn/zwgk/",
		"http://www.x.gov.cn/zwgk/index.shtml":                                                 "http://www.x.gov.cn/zwgk/",
		"http://www.x.gov.cn/a/./b/../c.html?from=timeline":                                    "http://www.x.gov.cn/a/c.html",
		"http://x.gov.cn/module/xxgk/xxgkAnnualReport.jsp?fbtime=2025&area=11370830004335465W": "http://x.gov.cn/module/xxgk/xxgkAnnualReport.jsp?area=11370830004335465W&fbtime=2025",
		"ftp://x.gov.cn/":      "",
		"https://x.gov.cn:443": "https://x.gov.cn/",
	}
	for in, want := range cases {
		if got := Canonical(in); got != want {
			t.Errorf("Canonical(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTraps(t *testing.T) {
	for raw, trap := range map[string]bool{
		"http://x.gov.cn/zwgk/zfxxgknb/202301/t20230118_1.html":                        false,
		"http://x.gov.cn/a/b/a/b/a/b/index.html":                                       true,
		"http://x.gov.cn/cal?d=1&d=2":                                                  true,
		"http://x.gov.cn/" + strings.Repeat("x", 600):                                  true,
		"http://x.gov.cn/list?a=1&b=2&c=3&d=4&e=5&f=6&g=7&h=8&i=9&j=10&k=11&l=12&m=13": true,
	} {
		u, _ := url.Parse(raw)
		if got := isTrap(u) != ""; got != trap {
			t.Errorf("isTrap(%s) = %v, want %v", raw[:min(len(raw), 60)], got, trap)
		}
	}
}

func TestChallengePages(t *testing.T) {
	cases := []struct {
		status int
		header http.Header
		body   string
		want   bool
	}{
		{412, http.Header{}, `<script>$_ts=window['$_ts'];</script>`, true},
		{521, http.Header{"X-Via-Jsl": {"a1b2"}}, `<script>document.cookie='__jsl_clearance_s=1'</script>`, true},
		{200, http.Header{}, `<html><body>访问异常，请稍后再试</body></html>`, true},
		{200, http.Header{}, `<html><body>某某区政府信息公开工作年度报告……访问异常的处理</body></html>`, false},
		{200, http.Header{}, `<html><body>正常页面</body></html>`, false},
	}
	for _, c := range cases {
		if got := challenge(c.status, c.header, []byte(c.body)) != ""; got != c.want {
			t.Errorf("challenge(%d, %q) = %v, want %v", c.status, c.body, got, c.want)
		}
	}
}

func TestRetryAfter(t *testing.T) {
	if got := retryAfter("7", time.Minute); got != 7*time.Second {
		t.Errorf("seconds: %v", got)
	}
	if got := retryAfter("3600", time.Minute); got != time.Minute {
		t.Errorf("capped: %v", got)
	}
	date := time.Now().Add(30 * time.Second).UTC().Format(http.TimeFormat)
	if got := retryAfter(date, time.Minute); got < 25*time.Second || got > 31*time.Second {
		t.Errorf("HTTP date: %v", got)
	}
	if got := retryAfter("soon", time.Minute); got != 0 {
		t.Errorf("garbage: %v", got)
	}
}

// The pagers of portals.md F1, each as the real templates write it.
func TestDiscoverEveryPager(t *testing.T) {
	for _, c := range []struct {
		name, page, html string
		want, not        []string
	}{
		{"Wuhan createPageHTML, shtml, 0-based", "http://w.gov.cn/zfxxgknb/index_2.shtml", `<script>createPageHTML(4, 2, "index", "shtml");</script>`,
			[]string{"index.shtml", "index_1.shtml", "index_3.shtml"}, []string{"index_4.shtml"}},
		{"Chongqing createPage", "http://c.gov.cn/zfxxgknb/", `<script type="text/javascript">createPage(3, 0, "index", "html")</script>`,
			[]string{"index.html", "index_1.html", "index_2.html"}, []string{"index_3.html"}},
		{"MEE countPage", "http://m.gov.cn/xxgk/nb/", "<script>var countPage = 3//共多少页\nfor(var i=1;i<countPage;i++){document.write(\"<a href=\\\"index_\"+i+\".shtml\\\">\"+(i+1)+\"</a>\");}</script>",
			[]string{"index.shtml", "index_1.shtml", "index_2.shtml"}, []string{"index_1.html", "index_\""}},
		{"邯郸 countnum/countPage", "http://h.gov.cn/zfxxgknb/index.html", `<script>var countnum=40; var currentPage=0; var countPage=2; </script>`,
			[]string{"index.html", "index_1.html"}, nil},
		{"Shanghai totalPage, 1-based", "http://s.gov.cn/nw2023/index.html", `<script>$(".pagination").pagination({totalPage: 3, currentPage: 1});</script>`,
			[]string{"index.html", "index_2.html", "index_3.html"}, nil},
		{"gov.cn home_N", "http://g.gov.cn/zhengce/zuixin/home_0.htm", `<script>var pageCount = 3;</script>`,
			[]string{"home_0.htm", "home_1.htm", "home_2.htm"}, []string{"home.htm", "home_3.htm"}},
	} {
		got := links(t, c.page, c.html)
		base, _ := url.Parse(c.page)
		for _, w := range c.want {
			u, _ := base.Parse(w)
			if l, ok := got[u.String()]; !ok || !l.Paging {
				t.Errorf("%s: %s missing or not paging; got %v", c.name, u, keys(got))
			}
		}
		for _, n := range c.not {
			u, _ := base.Parse(n)
			if _, ok := got[u.String()]; ok {
				t.Errorf("%s: %s should not be a page", c.name, u)
			}
		}
	}
}

// Lists an HTML parser cannot see: Hanweb's datastore (in a script and bare),
// records as <li> and <td>, single- and double-quoted, relative and absolute
// hrefs; lists written by document.write, string arrays and JSON literals. A
// commented-out duplicate list is not read.
func TestDiscoverHiddenLists(t *testing.T) {
	page := `<html><body>
<div id="212860"><script type="text/xml"><datastore><nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid=1&path=/&columnid=33718&unitid=212860&webname=江苏省人民政府&permissiontype=0"></a>]]></nextgroup><recordset>
<record><![CDATA[<li><a href='/art/2026/1/11/art_33718_1.html' title='江苏省2025年政府信息公开工作年度报告'>江苏省2025年政府信息公开…</a><span>2026-01-11</span></li>]]></record>
<record><![CDATA[<li><s></s><a class="ellipsis-line-clamp" href="http://kjt.x.gov.cn/art/2026/1/21/art_103585_2.html">省科技厅2025年政府信息公开工作年度报告</a></li>]]></record>
</recordset></datastore></script></div>
<datastore><recordset><record><![CDATA[<tr><td><a href=./art_3.html target=_blank>某局2025年政府信息公开工作年度报告</a></td><td>2026-01-05</td></tr>]]></record></recordset></datastore>
<script>document.write('<a href="https://www.h.gov.cn/zwgk/nb/202601/t20260106_4.shtml">海淀区2025年政府信息公开工作年度报告</a>');</script>
<script>var InitData49468 = ['<li><a href="/art/2026/1/7/art_30067_5.html">某镇2025年政府信息公开工作年度报告</a></li>'];</script>
<script>urls[i]='/col/col114/art/6.html';headers[i]="<a title='某委2025年政府信息公开工作年度报告'>某委2025年…</a>";year[i]='2026';</script>
<script>var itemObj = [{"aT": "国家疾控局2025年政府信息公开工作年度报告", "aPd": "2026-01-21 17:00", "aU": "{\"common\": \"/jbkzzx/202601/t20260121_7.html\"}"}];</script>
<!-- <ul><li><a href="/old/t20200101_9.html">某区2019年政府信息公开工作年度报告</a></li></ul> -->
</body></html>`
	got := links(t, "http://www.x.gov.cn/col/col33718/index.html", page)
	for u, text := range map[string]string{
		"http://www.x.gov.cn/art/2026/1/11/art_33718_1.html":    "江苏省2025年政府信息公开工作年度报告",
		"http://kjt.x.gov.cn/art/2026/1/21/art_103585_2.html":   "省科技厅2025年政府信息公开工作年度报告",
		"http://www.x.gov.cn/col/col33718/art_3.html":           "某局2025年政府信息公开工作年度报告",
		"https://www.h.gov.cn/zwgk/nb/202601/t20260106_4.shtml": "海淀区2025年政府信息公开工作年度报告",
		"http://www.x.gov.cn/art/2026/1/7/art_30067_5.html":     "某镇2025年政府信息公开工作年度报告",
		"http://www.x.gov.cn/col/col114/art/6.html":             "某委2025年政府信息公开工作年度报告",
		"http://www.x.gov.cn/jbkzzx/202601/t20260121_7.html":    "国家疾控局2025年政府信息公开工作年度报告",
	} {
		if l, ok := got[u]; !ok || l.Text != text {
			t.Errorf("%s: found %v with words %q, want %q; got %v", u, ok, l.Text, text, keys(got))
		}
	}
	if _, ok := got["http://www.x.gov.cn/old/t20200101_9.html"]; ok {
		t.Errorf("a link of a commented-out list was read")
	}
}
