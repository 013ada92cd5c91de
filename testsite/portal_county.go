package testsite

import (
	"fmt"
	"net/url"
	"time"
)

// buildJiaoyu is the education bureau's sub-site on its own host: GBK pages with
// every way of declaring (or misdeclaring) it, robots.txt failing once with 503,
// Last-Modified-only revalidation.
func (w *world) buildJiaoyu() {
	p := w.newPortal(&portal{name: nameJiaoyu, title: "株洲市天元区教育局", cms: cmsTRS, code: "430211", siteID: "4302110012",
		inScope: true, cond: condLastModified, enc: encGBKHeader,
		note: "department sub-site on its own host: GBK (header, gb2312 with GBK-only characters, GBK served as utf-8), robots 503 once, Last-Modified/304, attachments as text/html and octet-stream"})
	p.menu = []link{{text: "首页", href: "/"}, {text: "政府信息公开年度报告", href: "/zwgk/ndbg/"}}
	o := &organ{unit: "株洲市天元区教育局", names: []string{"株洲市天元区教育局", "天元区教育局"}, code: "jyj",
		prof: profile{size: sizeGov, licensing: true, punishment: true, fees: true}, sort: 7}
	col := &column{portal: p, name: "政府信息公开年度报告", dir: "/zwgk/ndbg/", perPage: 3, pager: "A", enc: encGBKHeader}
	var reports []*reportItem
	for year := 2019; year <= 2025; year++ {
		s := reportSpec{portal: p, organ: o, year: year, enc: encGBKHeader, titleForm: -1}
		switch year {
		case 2019, 2020:
			s.style = styleWord
		case 2021:
			s.enc = encGB2312Header
		case 2022:
			s.enc = encLyingUTF8
		case 2023:
			s.publication = Both
		}
		it := w.newReport(s)
		it.column = col
		it.paths = []string{col.dir + datePath(it.published, it.id) + ".html"}
		switch year {
		case 2021:
			w.special(2, "gb2312-header-gbk-chars", p.name, it.paths[0], "header says gb2312; the body holds 镕 and 堃, which only GBK has", false)
		case 2022:
			w.special(3, "utf8-header-gbk-body", p.name, it.paths[0], "header and <meta> say utf-8, the bytes are GBK", false)
		case 2023:
			dir := dirOf(it.paths[0])
			pdf, docx := w.pdfName(it.published), w.pdfName(it.published)
			it.attachments = []*attachment{
				{path: dir + docx + ".docx", name: it.title + ".docx", kind: "docx", ctype: "text/html", link: "./" + docx + ".docx"},
				{path: dir + pdf + ".pdf", name: it.title + ".pdf", kind: "pdf", ctype: "application/octet-stream", link: "./" + pdf + ".pdf", disposition: true},
			}
			w.special(4, "docx-as-text-html", p.name, it.attachments[0].path, "DOCX served as text/html without charset", false)
			w.special(7, "content-disposition-utf8", p.name, it.attachments[1].path, "Content-Disposition: attachment; filename*=UTF-8''<percent-encoded 中文>.pdf", false)
		}
		reports = append(reports, it)
		col.items = append(col.items, listItem{title: it.title, text: it.title, href: it.paths[0], date: it.published, it: it})
	}
	w.special(1, "gbk-header", p.name, reports[0].paths[0], "GBK, declared in header and <meta>", false)
	byDateDesc(col.items)
	w.registerColumn(col)
	w.jiaoyuReports = reports
	p.add("/robots.txt", &page{ctype: "text/plain", first: "robots503", render: func(*ctx) []byte { return []byte("User-agent: *\nDisallow:\n") }})
	w.special(10, "robots-503-once", p.name, "/robots.txt", "503 with Retry-After on its first request, then an allow-all robots.txt", false)
	w.special(25, "last-modified-304", p.name, "/", "Last-Modified only; 304 on If-Modified-Since", false)
	w.home(p, []link{{text: "政府信息公开年度报告", href: "/zwgk/ndbg/"}, {text: "天元区人民政府", href: "/", other: nameTianyuan}}, encGBKHeader)
}

// buildXiongxian is the Hanweb county portal: /col/colN/index.html columns,
// /art/Y/M/D/art_C_N.html articles, downfile.jsp attachments, tables split over two
// <table>s inside layout tables, onclick links, and conditional headers ignored.
func (w *world) buildXiongxian() {
	p := w.newPortal(&portal{name: nameXiongxian, title: "雄县人民政府", cms: cmsHanweb, code: "130638", siteID: "1306380001",
		inScope: true, cond: condIgnore,
		note: "Hanweb county portal: col/art URLs, downfile.jsp?showname= and /attach/ attachments, split tables in layout tables, onclick links, robots 404, conditional headers ignored, fake gzip"})
	p.menu = []link{{text: "首页", href: "/"}, {text: "政府信息公开", href: "/col/col4520/index.html"},
		{text: "政府信息公开年报", href: "/col/col4521/index.html"}, {text: "通知公告", href: "/col/col4530/index.html"}}
	gov := &organ{unit: "雄县人民政府", names: []string{"雄县", "河北省保定市雄县", "保定市雄县"}, code: "xzf", prof: profile{size: sizeGov, licensing: true, punishment: true, fees: true}}
	depts := []*organ{
		dept("雄县财政局", "雄县财政局", "czj", profile{size: sizeDept, fees: true}, 1),
		dept("雄县卫生健康局", "雄县卫生健康局", "wjj", profile{size: sizeDept, licensing: true, punishment: true}, 2),
	}
	towns := []*organ{
		{unit: "雄县米家务镇人民政府", names: []string{"雄县米家务镇人民政府", "米家务镇"}, code: "mjwz", prof: profile{size: sizeTown}},
		{unit: "雄县昝岗镇人民政府", names: []string{"雄县昝岗镇人民政府", "昝岗镇"}, code: "zgz", prof: profile{size: sizeTown}},
		{unit: "雄县大营镇人民政府", names: []string{"雄县大营镇人民政府", "大营镇"}, code: "dyz", prof: profile{size: sizeTown}},
	}
	cols := map[int]*column{
		4521: {portal: p, name: "县本级年报", dir: "/col/col4521/", enc: encUTF8},
		4522: {portal: p, name: "乡镇年报", dir: "/col/col4522/", enc: encUTF8, coding: "fake-gzip"},
		4523: {portal: p, name: "部门年报", dir: "/col/col4523/", enc: encUTF8},
	}
	for _, c := range cols {
		c.crumbs = []link{{text: "政府信息公开", href: "/col/col4520/index.html"}}
	}
	art := func(it *reportItem, colID int) {
		it.column = cols[colID]
		t := it.published
		it.paths = []string{fmt.Sprintf("/art/%d/%d/%d/art_%d_%d.html", t.Year(), int(t.Month()), t.Day(), colID, it.id)}
		cols[colID].items = append(cols[colID].items, listItem{title: it.title, text: it.title, href: it.paths[0], date: it.published, it: it, onclick: colID == 4523})
	}
	for year := 2019; year <= 2025; year++ {
		s := reportSpec{portal: p, organ: gov, year: year, enc: encUTF8, style: styleSplit, titleForm: -1}
		if year == 2020 {
			s.style = styleWord
		}
		if year == 2023 {
			s.publication = Both
		}
		it := w.newReport(s)
		if year == 2025 {
			it.firstNight = 2
			it.published = time.Date(2026, 1, 21, 9, 0, 0, 0, time.UTC)
		}
		art(it, 4521)
		if year == 2023 {
			w.attachHanweb(it, "pdf", "application/pdf", true)
			hex := w.hex32()
			it.attachments = append(it.attachments, &attachment{path: "/attach/0/" + hex + ".docx", name: it.title + ".docx", kind: "docx",
				ctype: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", link: "/attach/0/" + hex + ".docx"})
		}
	}
	for _, o := range depts {
		for year := 2020; year <= 2024; year++ {
			s := reportSpec{portal: p, organ: o, year: year, enc: encUTF8, style: styleSplit, titleForm: -1}
			switch {
			case o.code == "czj" && year == 2021:
				s.publication, s.style = Attachment, styleNoTables
			case o.code == "wjj" && year == 2023:
				s.publication = Both
			}
			it := w.newReport(s)
			art(it, 4523)
			switch {
			case o.code == "czj" && year == 2021:
				w.attachHanweb(it, "doc", "application/octet-stream", false)
			case o.code == "wjj" && year == 2023:
				hex := w.hex32()
				// Served as text/html without charset, as misconfigured servers do (case 4).
				it.attachments = append(it.attachments, &attachment{path: "/attach/0/" + hex + ".xls", name: "附表：政府信息公开统计表.xls", kind: "xls",
					ctype: "text/html", link: "/attach/0/" + hex + ".xls"})
				w.special(4, "xls-as-text-html", p.name, it.attachments[0].path, "XLS served as text/html without charset", false)
			}
		}
	}
	for ti, o := range towns {
		for year := 2019; year <= 2024; year++ {
			s := reportSpec{portal: p, organ: o, year: year, enc: encUTF8, style: styleSplit, titleForm: -1}
			if year <= 2020 {
				// Township reports of the first years print the tables with every cell blank.
				s.idle, s.style = true, styleTRS
			}
			if o.code == "dyz" && year == 2022 {
				s.publication, s.style = Attachment, styleNoTables
			}
			if (ti+year)%3 == 0 && year > 2020 {
				s.style = styleTRS
			}
			it := w.newReport(s)
			art(it, 4522)
			if o.code == "dyz" && year == 2022 {
				hex := w.hex32()
				it.attachments = append(it.attachments, &attachment{path: "/attach/0/" + hex + ".wps", name: it.title + ".wps", kind: "wps",
					ctype: "application/octet-stream", link: "/attach/0/" + hex + ".wps"})
			}
		}
	}
	for _, c := range cols {
		byDateDesc(c.items)
		w.registerColumn(c)
	}
	w.special(6, "fake-gzip", p.name, "/col/col4522/index.html", "Content-Encoding: gzip with a plain body when the client accepts gzip", false)
	w.special(21, "onclick-window-open", p.name, "/col/col4523/index.html", "entries linked by href=javascript:void(0) onclick=window.open('…')", false)
	w.special(10, "robots-404", p.name, "/robots.txt", "no robots.txt: 404 (allow all)", true)
	w.special(25, "ignores-conditional", p.name, "/", "fixed Last-Modified, no ETag; answers 200 with identical bytes to conditional requests", false)

	tzgg := &column{portal: p, name: "通知公告", dir: "/col/col4530/", enc: encUTF8, crumbs: []link{{text: "政府信息公开", href: "/col/col4520/index.html"}}}
	d := time.Date(2023, 1, 12, 10, 0, 0, 0, time.UTC)
	summaryPath := fmt.Sprintf("/art/%d/%d/%d/art_4530_%d.html", d.Year(), int(d.Month()), d.Day(), w.id())
	w.lookAlike(p, summaryPath, "雄县财政局2022年度工作总结", "summary", "雄县财政局", 2022, d, tzgg)
	for i, t := range []string{"关于做好2023年元旦春节期间有关工作的通知", "关于开展政务公开业务培训的通知", "关于公布县级行政许可事项清单的公告"} {
		d := time.Date(2023, time.Month(1+i), 5+i, 9, 0, 0, 0, time.UTC)
		w.article(p, fmt.Sprintf("/art/%d/%d/%d/art_4530_%d.html", d.Year(), int(d.Month()), d.Day(), w.id()), t, d, "<p>"+escape(t)+"，请认真贯彻落实。</p>", tzgg)
	}
	byDateDesc(tzgg.items)
	w.registerColumn(tzgg)
	// The aggregator column links the sub-columns only.
	subs := []link{{text: "县本级年报", href: "/col/col4521/index.html"}, {text: "部门年报", href: "/col/col4523/index.html"}, {text: "乡镇年报", href: "/col/col4522/index.html"}}
	w.staticPage(p, "/col/col4520/index.html", encUTF8, pageMeta{title: "政府信息公开", column: "政府信息公开", path: "/col/col4520/index.html"},
		func(c *ctx) string { return linkList(c, subs) })
	p.add("/module/visitcount/articlehits.jsp", &page{ctype: "application/javascript", render: func(*ctx) []byte { return []byte("document.write(\"128\");") }})
	w.home(p, []link{{text: "政府信息公开", href: "/col/col4520/index.html"}, {text: "政府信息公开年报", href: "/col/col4521/index.html"},
		{text: "通知公告", href: "/col/col4530/index.html"}}, encUTF8)
}

// attachHanweb attaches a file through downfile.jsp: the server name is a hex
// string and the name a person sees travels URL-encoded in showname (case 7).
func (w *world) attachHanweb(it *reportItem, kind, ctype string, listSpecial bool) {
	hex := w.hex32()
	show := it.title + "." + kind
	path := "/module/download/downfile.jsp?classid=0&filename=" + hex + "." + kind + "&showname=" + url.QueryEscape(show)
	a := &attachment{path: path, name: show, kind: kind, ctype: ctype, link: path, disposition: true}
	it.attachments = append(it.attachments, a)
	if listSpecial {
		w.special(7, "downfile-showname", it.portal.name, path, "Hanweb downfile.jsp: file name only in showname and Content-Disposition filename*=UTF-8''", false)
	}
}
