package testsite

import (
	"fmt"
	"time"
)

// buildYushe is a small legacy county portal in GBK with pre-2019 reports: charset
// declared only in <meta> (three ways), robots.txt answered with the home page,
// Last-Modified changing on every request, deflate, a <base href> list reached by
// a percent-encoded Chinese path, a moved page forwarding by window.location, an
// upper-case .PDF, and a friendly link to the spam mirror.
func (w *world) buildYushe() {
	p := w.newPortal(&portal{name: nameYushe, title: "榆社县人民政府", cms: cmsLegacy, code: "140721", siteID: "1407210001",
		inScope: true, cond: condChangingLM, enc: encGBKMeta,
		note: "legacy GBK county portal: charset only in <meta>, legacy and 2019-format reports, robots.txt served as the HTML home page, deflate, <base href>, Chinese path, window.location, .PDF"})
	p.menu = []link{{text: "首页", href: "/"}, {text: "政务公开", href: "/zwgk/"}, {text: "政府信息公开年报", href: "/zwgk/%E5%B9%B4%E6%8A%A5/index.htm"}}
	gov := &organ{unit: "榆社县人民政府", names: []string{"榆社县", "山西省晋中市榆社县"}, code: "xzf", prof: profile{size: sizeGov, licensing: true, punishment: true}}
	edu := &organ{unit: "榆社县教育科技局", names: []string{"榆社县教育科技局"}, code: "jkj", prof: profile{size: sizeDept}}
	// The column lives under a Chinese folder name; its links are relative to
	// <base href="…/zwgk/nb/">, the folder of the articles (case 21).
	col := &column{portal: p, name: "政府信息公开年报", dir: "/zwgk/年报/", enc: encGBKMeta, base: "/zwgk/nb/", coding: "raw-deflate", index: "index.htm",
		crumbs: []link{{text: "政务公开", href: "/zwgk/"}}}
	encs := []encPlan{encGBKMeta, encGBKMetaCharset, encGBKBareMeta}
	var reports []*reportItem
	add := func(o *organ, year int, s reportSpec) *reportItem {
		s.portal, s.organ, s.year, s.titleForm = p, o, year, -1
		if s.enc.header == "" {
			s.enc = encs[(year+len(reports))%len(encs)]
		}
		if s.style == "" && year >= 2019 {
			s.style = styleWord
		}
		it := w.newReport(s)
		it.column = col
		it.paths = []string{fmt.Sprintf("/zwgk/nb/%s.htm", datePath(it.published, it.id))}
		reports = append(reports, it)
		return it
	}
	for year := 2016; year <= 2021; year++ {
		s := reportSpec{}
		if year == 2021 {
			// A late adopter: the 2021 report still in the 2019 format.
			s.format = "2019"
		}
		it := add(gov, year, s)
		if year == 2021 {
			w.special(28, "late-adopter", p.name, it.paths[0], "2021 report in the 2019 format", false)
		}
	}
	for year := 2016; year <= 2018; year++ {
		it := add(edu, year, reportSpec{})
		if year == 2017 {
			it.publication = Both
			name := w.pdfName(it.published)
			it.attachments = []*attachment{{path: dirOf(it.paths[0]) + name + ".PDF", name: it.title + ".PDF", kind: "pdf",
				ctype: "application/pdf", link: "./" + name + ".PDF"}}
			w.special(21, "upper-case-pdf", p.name, it.attachments[0].path, "attachment with an upper-case .PDF extension", false)
		}
	}
	for _, it := range reports {
		// Relative to the <base href>: ./YYYYMM/t….htm, and ../nb/… for older ones.
		href := "./" + relTo("/zwgk/nb/", it.paths[0])
		if it.year <= 2017 {
			href = "../nb/" + relTo("/zwgk/nb/", it.paths[0])
		}
		col.items = append(col.items, listItem{title: it.title, text: it.title, href: href, date: it.published, it: it})
	}
	byDateDesc(col.items)
	w.registerColumn(col)
	w.special(1, "gbk-meta-only", p.name, reports[0].paths[0], "GBK; header text/html without charset; charset only in <meta>", false)
	w.special(21, "base-href-chinese-path", p.name, "/zwgk/%E5%B9%B4%E6%8A%A5/index.htm", "list at a percent-encoded Chinese path; entries relative to <base href> …/zwgk/nb/", false)
	w.special(6, "raw-deflate", p.name, "/zwgk/%E5%B9%B4%E6%8A%A5/index.htm", "Content-Encoding: deflate as a raw DEFLATE stream (no zlib header) when accepted", false)
	w.special(6, "deflate", p.name, "/", "Content-Encoding: deflate (zlib) when accepted", false)
	w.special(25, "changing-last-modified", p.name, "/", "Last-Modified is the time of each request; identical bytes; never 304", false)

	// The 2019 report moved; its old address forwards by script only (case 8).
	moved := reports[3]
	w.staticPage(p, "/zwgk/nb/2019nb.htm", encGBKMeta, pageMeta{title: "页面已迁移", path: "/zwgk/nb/2019nb.htm"},
		func(c *ctx) string {
			return fmt.Sprintf("<script type=\"text/javascript\">window.location.href = \"%s\";</script>\n<p>页面已迁移。</p>", c.root(moved.paths[0]))
		})
	w.special(8, "window-location", p.name, "/zwgk/nb/2019nb.htm", "moved page forwarding by window.location.href only", false)
	zwgk := []link{{text: "政府信息公开年报", href: "/zwgk/%E5%B9%B4%E6%8A%A5/index.htm"}, {text: "2019年政府信息公开工作年度报告（原地址）", href: "/zwgk/nb/2019nb.htm"}}
	w.staticPage(p, "/zwgk/", encGBKMeta, pageMeta{title: "政务公开", path: "/zwgk/"}, func(c *ctx) string { return linkList(c, zwgk) })
	w.home(p, []link{{text: "政务公开", href: "/zwgk/"}, {text: "政府信息公开年报", href: "/zwgk/%E5%B9%B4%E6%8A%A5/index.htm"}}, encGBKMeta)
	p.pages["/"].enc = "deflate"
	// The server answers /robots.txt with its home page (case 10).
	p.alias("/robots.txt", "/")
	w.special(10, "robots-html", p.name, "/robots.txt", "robots.txt answered 200 with the HTML home page", false)
}

// buildQingxin is the portal behind anti-crawler defences: robots.txt behind a
// 412 challenge, 412/521 challenge pages, a 200 block page and a soft 404, 429 and
// 503 answers with Retry-After, a slow page, a connection reset mid-body, removed
// reports on night 2, text-ish report pages and ETag-only revalidation.
func (w *world) buildQingxin() {
	p := w.newPortal(&portal{name: nameQingxin, title: "清远市清新区人民政府", cms: cmsGkml, code: "441803", siteID: "4418030001",
		inScope: true, cond: condETag, enc: encUTF8,
		note: "portal with anti-crawler behaviour: 412/521 challenges, block page, soft 404, 429/503 with Retry-After, slow page, reset mid-body, reports removed on night 2, text-ish tables, ETag only"})
	p.menu = []link{{text: "首页", href: "/"}, {text: "政府信息公开年报", href: "/zwgk/zfxxgknb/"},
		{text: "互动交流", href: "/hdjl/"}, {text: "政民互动", href: "/zmhd/"}, {text: "站内搜索", href: "/search/?q=%E5%B9%B4%E6%8A%A5"}}
	gov := &organ{unit: "清远市清新区人民政府", names: []string{"清远市清新区", "清新区"}, code: "qzf", prof: profile{size: sizeBusy, licensing: true, punishment: true, fees: true}}
	czj := dept("清远市清新区财政局", "清新区财政局", "czj", profile{size: sizeDept, fees: true}, 1)
	taihe := &organ{unit: "清远市清新区太和镇人民政府", names: []string{"清新区太和镇人民政府", "太和镇"}, code: "thz", prof: profile{size: sizeTown}}
	col := &column{portal: p, name: "政府信息公开年报", dir: "/zwgk/zfxxgknb/", perPage: 4, pager: "A", enc: encUTF8, first: "429"}
	styles := []string{styleCells, styleRows, styleTRS}
	var reports []*reportItem
	for _, spec := range []struct {
		o          *organ
		from, upto int
	}{{gov, 2021, 2024}, {czj, 2021, 2024}, {taihe, 2022, 2024}} {
		for year := spec.from; year <= spec.upto; year++ {
			s := reportSpec{portal: p, organ: spec.o, year: year, enc: encUTF8, style: styles[(year+len(reports))%len(styles)], titleForm: -1}
			if spec.o == gov && year == 2022 {
				s.enc = encStray
			}
			it := w.newReport(s)
			it.column = col
			it.paths = []string{fmt.Sprintf("%scontent/post_%d.html", col.dir, it.id)}
			reports = append(reports, it)
			col.items = append(col.items, listItem{title: it.title, text: truncate(it.title, 22), href: it.paths[0], date: it.published, it: it})
		}
	}
	byDateDesc(col.items)
	w.registerColumn(col)
	w.special(11, "429-retry-after-seconds", p.name, col.dir+"index_1.html", "first request answers 429 with Retry-After in seconds", false)
	w.special(12, "text-ish", p.name, reports[0].paths[0], "tables as one cell per line / whitespace rows", false)

	byYear := func(o *organ, year int) *reportItem {
		for _, it := range reports {
			if it.organ == o && it.year == year {
				return it
			}
		}
		panic("testsite: no report")
	}
	gov2022, gov2023, gov2024 := byYear(gov, 2022), byYear(gov, 2023), byYear(gov, 2024)
	w.special(3, "stray-invalid-bytes", p.name, gov2022.paths[0], "UTF-8 page with two stray bytes that are not UTF-8", false)
	gov2023.first, gov2024.slow = "503", true
	w.special(11, "503-retry-after-date", p.name, gov2023.paths[0], "first request answers 503 with Retry-After as an HTTP date", false)
	w.special(11, "slow", p.name, gov2024.paths[0], "answers after Options.SlowDelay", false)

	// A DOCX whose first download is cut off mid-body (case 11).
	withDocx := byYear(czj, 2023)
	withDocx.publication = Both
	hex := w.hex32()
	withDocx.attachments = []*attachment{{path: "/attachment/0/" + hex + ".docx", name: withDocx.title + ".docx", kind: "docx",
		ctype: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", link: "/attachment/0/" + hex + ".docx"}}
	withDocx.attachments[0].first = "reset"
	w.special(11, "reset-mid-body", p.name, withDocx.attachments[0].path, "first request: connection reset after half the body", false)

	// Removed on night 2: one answers 404 (410 from night 3), one 410 (case 26).
	removed404, removed410 := byYear(czj, 2022), byYear(taihe, 2023)
	removed404.gone = func(night int) int {
		switch {
		case night >= 3:
			return 410
		case night == 2:
			return 404
		}
		return 0
	}
	removed410.gone = func(night int) int {
		if night >= 2 {
			return 410
		}
		return 0
	}
	w.special(26, "removed-404-then-410", p.name, removed404.paths[0], "404 on night 2, 410 from night 3", false)
	w.special(26, "removed-410", p.name, removed410.paths[0], "410 from night 2", false)

	// Challenges and block pages (case 12), linked from the menu.
	p.add("/hdjl/", &page{status: 412, ctype: "text/html", header: map[string]string{"Set-Cookie": "FSSBBIl1UgzbN7N80S=" + hex[:24] + "; Path=/; HttpOnly"},
		render: func(*ctx) []byte { return []byte(ruishuChallenge) }})
	p.add("/zmhd/", &page{status: 521, ctype: "text/html", header: map[string]string{"X-Via-JSL": "a6c2f1e,-", "Set-Cookie": "__jsluid_s=" + hex[8:32] + "; Path=/; HttpOnly"},
		render: func(*ctx) []byte { return []byte(jiasuleChallenge) }})
	w.staticPage(p, "/search/", encUTF8, pageMeta{title: "访问异常", path: "/search/"},
		func(*ctx) string {
			return "<div class=\"block\"><h2>访问异常</h2><p>您的访问过于频繁，请稍后再试。</p></div>"
		})
	soft := "/zwgk/zfxxgknb/content/post_1000001.html"
	w.staticPage(p, soft, encUTF8, pageMeta{title: "页面不存在", path: soft},
		func(*ctx) string {
			return "<div class=\"error\"><h2>抱歉，您访问的页面不存在或已被删除！</h2><p>5秒后自动返回首页</p></div>"
		})
	w.special(12, "ruishu-412", p.name, "/hdjl/", "412 with an inline $_ts challenge script", true)
	w.special(12, "jiasule-521", p.name, "/zmhd/", "521 with X-Via-JSL and __jsluid_s", true)
	w.special(12, "block-page-200", p.name, "/search/?q=%E5%B9%B4%E6%8A%A5", "200-status 访问异常 block page", true)
	w.special(12, "soft-404", p.name, soft, "200-status page-not-found page, linked from the home page", true)
	p.add("/robots.txt", &page{status: 412, ctype: "text/html", render: func(*ctx) []byte { return []byte(ruishuChallenge) }})
	w.special(10, "robots-412", p.name, "/robots.txt", "robots.txt behind a 412 challenge", true)
	w.special(25, "etag-only", p.name, "/", "ETag only; 304 on If-None-Match", false)
	w.home(p, []link{{text: "政府信息公开年报", href: col.dir}, {text: "2019年政府信息公开年报", href: soft}}, encUTF8)
}

const ruishuChallenge = `<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<meta id="9DhefwqGPrzGxEp9hPaoag" content="G1Y3ZlN2Vf.e4Zq6o_qJ3Tm0aaBb">
<script type="text/javascript">$_ts=window['$_ts'];if(!$_ts)$_ts={};$_ts.nsd=44961;$_ts.cd="qElrrrAlDqGkqqqlEGGqqqWFrGWkq";</script>
<script type="text/javascript" r='m'>(function(){var _$aN=0,_$a4=$_ts.scj,_$cB=[];})();</script>
</head><body></body></html>
`

const jiasuleChallenge = `<html><body><script>document.cookie=('_')+('_')+('j')+('s')+('l')+('_')+('c')+('l')+('e')+('a')+('r')+('a')+('n')+('c')+('e')+('_')+('s')+('=')+(+new Date())+'|0|'+'pFg3ns%3D';location.href=location.pathname+location.search</script></body></html>
`

// buildMirror is an SEO spam domain that clones a district report (crawl.md §4.9):
// out of scope, reachable only through the legacy portal's friendly link.
func (w *world) buildMirror() {
	p := w.newPortal(&portal{name: nameMirror, title: "政务信息公开网", cms: cmsSpam, code: "", siteID: "", enc: encUTF8,
		note: "out of scope: SEO spam mirror cloning a district report, linked from the legacy portal's footer"})
	var source *reportItem
	for _, it := range w.reports {
		if it.portal.name == nameTianyuan && it.year == 2021 && it.organ.code == "qzf" {
			source = it
		}
	}
	path := "/llxxgk/zfxxgk/zfxxgknb/202111/t20211116_1585279.html"
	p.add(path, &page{ctype: encUTF8.header, render: func(c *ctx) []byte {
		m := pageMeta{title: source.title, column: "政府信息公开年报", path: path, pubDate: time.Date(2021, 11, 16, 8, 0, 0, 0, time.UTC), source: "政务信息公开网"}
		body := `<div class="ad"><a href="/">澳门娱乐城 注册送彩金</a></div>` + "\n" + articleBody(c, source)
		return []byte(shell(c, m, encUTF8, body))
	}})
	w.lookAlikes = append(w.lookAlikes, pageRef{p.name, path})
	w.special(31, "spam-mirror", p.name, path, "copy of "+source.title+" on a spam domain: out of scope", false)
	w.home(p, []link{{text: source.title, href: path}}, encUTF8)
}
