package testsite

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Portals of the families whose lists come from APIs or scripts (portals.md
// F3, F4, F5 and the client-rendered columns of §2).
const (
	nameDeqing  = "deqing"  // F3 Zhejiang jpaas publish API
	nameDianbai = "dianbai" // F4 Guangdong gkmlpt
	nameWujiang = "wujiang" // F5 the portal's own JSON list API
	nameLicheng = "licheng" // a column only a browser reads
)

const cmsJpaas = "Hanweb jpaas (集约化)"

// jsonAnswer is a list API's answer as Java back ends write it: UTF-8, and
// markup inside strings left as it is (no \u003c).
func jsonAnswer(v any) (int, string, []byte) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
	return http.StatusOK, "application/json;charset=UTF-8", b.Bytes()
}

// jpaasList is a column of a Zhejiang jpaas site: the first rows in the page,
// the rest from the publish API as data.html fragments.
type jpaasList struct {
	col    *column
	pageID string // the column id (pageId)
	rows   int    // 0: every item in the page, no pagination element
	table  bool   // fragments are <tr><td> rows with dates in span.zc_list_con
}

const (
	deqingWebID    = "3346"
	deqingTplSetID = "ZqK8xVkpLmN3rT5bWc1Ya"
)

// buildDeqing is a Zhejiang county on the 集约化 jpaas platform (portals.md F3):
// a column's first page holds its first rows and a pagination element
// (count, rows, pageNo, queryData); the other pages come only from
// /api-gateway/jpaas-publish-server/front/page/build/unit?…&pageNo=N (from 1) as
// {"success":true,"data":{"html":"<li>…"}}. 政府信息公开年报 pages by 4 with <li>
// rows, 部门年报 by 3 with <tr><td> rows, 乡镇年报 is small: all in the page.
// Articles are /col/colN/art/YYYY/art_<32hex>.html, older ones /art/Y/M/D/art_N_M.html.
func (w *world) buildDeqing() {
	p := w.newPortal(&portal{name: nameDeqing, title: "德清县人民政府", cms: cmsJpaas, code: "330521", siteID: "3305210001",
		inScope: true, cond: condLastModified, mechanism: "jpaas publish API (queryData → data.html)",
		note: "F3 Zhejiang jpaas: first page in HTML with count/rows/pageNo/queryData, the rest from the publish API's data.html (pageNo from 1); <li> and <tr><td> fragments, markup unescaped in the JSON"})
	p.menu = []link{{text: "首页", href: "/"}, {text: "政务公开", href: "/col/col1229512000/index.html"}, {text: "政府信息公开年报", href: "/col/col1229512049/index.html"}}
	crumbs := []link{{text: "政务公开", href: "/col/col1229512000/index.html"}}
	org := func(unit, short, code string, size orgSize) *organ {
		return &organ{unit: unit, names: []string{unit, short}, code: code, prof: profile{size: size}}
	}
	gov := &organ{unit: "德清县人民政府", names: []string{"德清县", "浙江省德清县"}, code: "xzf", prof: profile{size: sizeGov, licensing: true}}
	lists := []*jpaasList{
		{pageID: "1229512049", rows: 4},
		{pageID: "1229512051", rows: 3, table: true},
		{pageID: "1229512052"},
	}
	names := []string{"政府信息公开年报", "部门年报", "乡镇年报"}
	for i, l := range lists {
		l.col = &column{portal: p, name: names[i], dir: "/col/col" + l.pageID + "/", enc: encUTF8, crumbs: crumbs}
	}
	add := func(l *jpaasList, o *organ, year int, legacy bool) {
		it := w.newReport(reportSpec{portal: p, organ: o, year: year, enc: encUTF8, titleForm: -1})
		it.column = l.col
		t := it.published
		if legacy {
			it.paths = []string{fmt.Sprintf("/art/%d/%d/%d/art_%s_%d.html", t.Year(), int(t.Month()), t.Day(), l.pageID, it.id)}
		} else {
			it.paths = []string{fmt.Sprintf("%sart/%d/art_%s.html", l.col.dir, t.Year(), w.hex32())}
		}
		l.col.items = append(l.col.items, listItem{title: it.title, text: truncate(it.title, 20), href: it.paths[0], date: t, it: it})
	}
	for _, year := range []int{2020, 2021, 2022, 2023, 2024} {
		add(lists[0], gov, year, year <= 2021)
	}
	w.lookAlike(p, "/col/col1229512049/art/2024/art_"+w.hex32()+".html", "德清县政府信息公开指南", "guide", "德清县", 2024,
		time.Date(2024, 2, 2, 9, 0, 0, 0, time.UTC), lists[0].col)
	w.lookAlike(p, "/col/col1229512049/art/2025/art_"+w.hex32()+".html", "关于报送2024年度政府信息公开工作年度报告的通知", "notice", "德清县", 2024,
		time.Date(2025, 1, 3, 9, 0, 0, 0, time.UTC), lists[0].col)
	depts := []*organ{org("德清县财政局", "德清县财政局", "czj", sizeDept), org("德清县教育局", "德清县教育局", "jyj", sizeDept)}
	for i, year := range []int{2022, 2023, 2024, 2023, 2024} {
		add(lists[1], depts[i/3], year, false)
	}
	w.article(p, "/col/col1229512051/art/2025/art_"+w.hex32()+".html", "德清县2025年政务公开工作要点", time.Date(2025, 3, 4, 9, 0, 0, 0, time.UTC),
		"<p>德清县2025年政务公开工作要点。</p>", lists[1].col)
	add(lists[2], org("德清县武康街道办事处", "武康街道", "wkjd", sizeTown), 2024, false)
	for _, l := range lists {
		byDateDesc(l.col.items)
		w.registerJpaas(l)
	}
	w.special(0, "jpaas-querydata", p.name, "/col/col1229512049/index.html", "pagination element count/rows/pageNo/queryData; pages 2… only from the publish API", false)
	w.special(0, "jpaas-publish-api", p.name, jpaasAPIPath, "{\"success\":true,\"data\":{\"html\":…}} with unescaped markup; pageNo from 1; <tr><td> fragments for 部门年报", false)
	subs := []link{{text: names[0], href: "/col/col1229512049/index.html"}, {text: names[1], href: "/col/col1229512051/index.html"}, {text: names[2], href: "/col/col1229512052/index.html"}}
	w.staticPage(p, "/col/col1229512000/index.html", encUTF8, pageMeta{title: "政务公开", column: "政务公开", path: "/col/col1229512000/index.html"},
		func(c *ctx) string { return linkList(c, subs) })
	w.home(p, []link{{text: "政务公开", href: "/col/col1229512000/index.html"}}, encUTF8)
	w.asset(p, "/static/js/jpaas-pagination.js", "application/javascript", "/* pages 2… from the publish API, by the pagination element's queryData */\n")
	p.add(jpaasAPIPath, &page{dynamic: func(c *ctx, r *http.Request) (int, string, []byte) { return jpaasAnswer(c, r, lists) }})
}

const jpaasAPIPath = "/api-gateway/jpaas-publish-server/front/page/build/unit"

// row writes one item as the column's template does.
func (l *jpaasList) row(c *ctx, li listItem) string {
	href, title, date := escape(c.href(link{href: li.href})), escape(li.title), li.date.Format("2006-01-02")
	if l.table {
		return fmt.Sprintf("<tr><td class=\"bt\"><a href=\"%s\" title=\"%s\" target=\"_blank\">%s</a></td><td><span class=\"zc_list_con\">%s</span></td></tr>\n", href, title, escape(li.text), date)
	}
	return fmt.Sprintf("<li><a href=\"%s\" title=\"%s\" target=\"_blank\">%s</a><b>%s</b></li>\n", href, title, escape(li.text), date)
}

// rowsOf writes page n (from 1) of the list; every row when it does not page.
func (l *jpaasList) rowsOf(c *ctx, n int) string {
	items := visibleItems(l.col.items, c.night)
	if l.rows > 0 {
		items = items[min((n-1)*l.rows, len(items)):min(n*l.rows, len(items))]
	}
	var b strings.Builder
	for _, li := range items {
		b.WriteString(l.row(c, li))
	}
	return b.String()
}

// registerJpaas adds the column page: page 1 and the pagination element.
func (w *world) registerJpaas(l *jpaasList) {
	path := l.col.dir + "index.html"
	l.col.portal.add(path, &page{ctype: encUTF8.header, mod: listModified(l.col.items), render: func(c *ctx) []byte {
		var b strings.Builder
		if l.table {
			b.WriteString("<table class=\"zc_list\">\n" + l.rowsOf(c, 1) + "</table>\n")
		} else {
			b.WriteString("<ul class=\"list\">\n" + l.rowsOf(c, 1) + "</ul>\n")
		}
		if total := len(visibleItems(l.col.items, c.night)); l.rows > 0 {
			fmt.Fprintf(&b, "<div class=\"pagination\" id=\"pagination\" count=\"%d\" rows=\"%d\" pageNo=\"1\" queryData=\"{'webId':'%s','pageId':'%s','tagId':'信息列表','tplSetId':'%s'}\"></div>\n"+
				"<script type=\"text/javascript\" src=\"/static/js/jpaas-pagination.js\"></script>\n", total, l.rows, deqingWebID, l.pageID, deqingTplSetID)
		}
		m := pageMeta{title: l.col.name, column: l.col.name, path: path, crumbs: l.col.crumbs}
		return []byte(shell(c, m, encUTF8, b.String()))
	}})
	l.col.portal.alias(l.col.dir, path)
}

// jpaasAnswer is the publish API: the rows of page pageNo of the column pageId.
func jpaasAnswer(c *ctx, r *http.Request, lists []*jpaasList) (int, string, []byte) {
	q := r.URL.Query()
	var l *jpaasList
	for _, x := range lists {
		if x.pageID == q.Get("pageId") && x.rows > 0 {
			l = x
		}
	}
	n, err := strconv.Atoi(q.Get("pageNo"))
	if l == nil || err != nil || n < 1 || q.Get("webId") != deqingWebID || q.Get("tplSetId") != deqingTplSetID || q.Get("rows") != strconv.Itoa(l.rows) {
		return jsonAnswer(map[string]any{"success": false, "code": 400, "message": "参数错误"})
	}
	return jsonAnswer(map[string]any{"success": true, "code": 200, "data": map[string]any{"html": l.rowsOf(c, n)}})
}

const dianbaiSID = "744012"

// buildDianbai is a Guangdong district on the gkmlpt platform (portals.md F4):
// /gkmlpt/index is a script app whose window._CONFIG holds SID and TREE; the
// documents come only from /gkmlpt/api/all/<category>?page=N&sid=… (pages from
// 1, 4 articles each, an empty page past the end), with https:// URLs that this
// HTTP-only host does not answer (gkmlpt hosts are HTTP only); an article's
// body is JSON inside its page (_CONFIG.DETAIL.content, \u003C-escaped); one
// report's DOCX is named only by the API's attachment field.
func (w *world) buildDianbai() {
	p := w.newPortal(&portal{name: nameDianbai, title: "茂名市电白区人民政府", cms: cmsGkml, code: "440904", siteID: "4409040001",
		inScope: true, cond: condETag, mechanism: "gkmlpt (_CONFIG.SID → /gkmlpt/api/all/…)",
		note: "F4 Guangdong gkmlpt: _CONFIG.SID and TREE, /gkmlpt/api/all/<cat>?page=&sid= (from 1) with https URLs on an HTTP-only host, bodies in _CONFIG.DETAIL.content, an attachment named only by the API"})
	p.menu = []link{{text: "首页", href: "/"}, {text: "政府信息公开", href: "/gkmlpt/index"}}
	org := func(unit, short, code string, size orgSize) *organ {
		return &organ{unit: unit, names: []string{unit, short}, code: code, prof: profile{size: size}}
	}
	gov := &organ{unit: "茂名市电白区人民政府", names: []string{"茂名市电白区", "电白区"}, code: "qzf", prof: profile{size: sizeGov, licensing: true, punishment: true}}
	col := &column{portal: p, name: "政府信息公开年报", dir: "/gkmlpt/content/"}
	type doc struct {
		id       int
		title    string
		path     string
		date     time.Time
		category int
		it       *reportItem
	}
	var docs []*doc
	addReport := func(o *organ, year int) *reportItem {
		it := w.newReport(reportSpec{portal: p, organ: o, year: year, enc: encUTF8, style: styleTRS, titleForm: -1})
		it.column = col
		it.paths = []string{fmt.Sprintf("/gkmlpt/content/%d/%d/post_%d.html", it.id/100000, it.id/1000%1000, it.id)}
		it.page = func(c *ctx, path string) []byte {
			return []byte(gkmlptPost(c, it.id, it.title, it.published, reportContent(it, c.night)))
		}
		docs = append(docs, &doc{id: it.id, title: it.title, path: it.paths[0], date: it.published, category: 11, it: it})
		return it
	}
	for _, year := range []int{2021, 2022, 2023, 2024} {
		addReport(gov, year)
	}
	for _, o := range []*organ{org("茂名市电白区财政局", "电白区财政局", "czj", sizeDept), org("茂名市电白区水东街道办事处", "水东街道", "sdjd", sizeTown)} {
		for _, year := range []int{2023, 2024} {
			it := addReport(o, year)
			if o.code == "czj" && year == 2024 {
				it.publication = Both
				hex := w.hex32()
				it.attachments = []*attachment{{path: "/attachment/0/" + hex[:3] + "/" + hex + ".docx", name: it.title + ".docx", kind: "docx",
					ctype: "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}}
				w.special(0, "gkmlpt-api-attachment", p.name, it.attachments[0].path, "a report's DOCX named only by the list API's attachment field", false)
			}
		}
	}
	// Other categories' documents, which the category of all (0) lists too.
	for i, t := range []struct {
		title, kind string
		cat         int
	}{{"茂名市电白区政府信息公开指南", "guide", 2}, {"关于印发茂名市电白区2025年政务公开工作要点的通知", "", 5}, {"关于报送2024年度政府信息公开工作年度报告的通知", "notice", 5}} {
		id := w.id()
		d := time.Date(2025, 1, 6+i, 9, 0, 0, 0, time.UTC)
		path := fmt.Sprintf("/gkmlpt/content/%d/%d/post_%d.html", id/100000, id/1000%1000, id)
		title, kind := t.title, t.kind
		body := "<p>" + escape(title) + "。</p>"
		if kind != "" {
			body = lookAlikeContent(kind, "茂名市电白区", 2024)
			w.lookAlikes = append(w.lookAlikes, pageRef{p.name, path})
			w.special(28, "look-alike-"+kind, p.name, path, title, false)
		}
		p.add(path, &page{ctype: encUTF8.header, render: func(c *ctx) []byte { return []byte(gkmlptPost(c, id, title, d, body)) }})
		docs = append(docs, &doc{id: id, title: title, path: path, date: d, category: t.cat})
	}
	for i := 1; i < len(docs); i++ {
		for j := i; j > 0 && docs[j].date.After(docs[j-1].date); j-- {
			docs[j], docs[j-1] = docs[j-1], docs[j]
		}
	}
	const perPage = 4
	p.add("/gkmlpt/index", &page{ctype: encUTF8.header, render: func(c *ctx) []byte {
		tree := `[{"id":2,"name":"机构职能","parent":0,"children":[]},{"id":5,"name":"政策文件","parent":0,"children":[{"id":6,"name":"区政府文件","parent":5,"children":[]}]},` +
			`{"id":11,"name":"政府信息公开年报","parent":0,"children":[]}]`
		return []byte(fmt.Sprintf(`<!DOCTYPE html><html><head><meta charset="utf-8"><title>政府信息公开_%s</title>
<meta name="SiteIDCode" content="%s"><link rel="stylesheet" href="/gkmlpt/static/css/app.css"></head>
<body><div id="app"></div>
<script>window._CONFIG = {SID:'%s', TREE:%s, SERVICE_AREA_ID: 440904, ROOT_URL: '%s'};</script>
<script src="/gkmlpt/static/js/app.js"></script></body></html>
`, p.title, p.siteID, dianbaiSID, tree, c.root("/gkmlpt/")))
	}})
	for _, cat := range []string{"0", "2", "5", "6", "11"} {
		p.add("/gkmlpt/api/all/"+cat, &page{dynamic: func(c *ctx, r *http.Request) (int, string, []byte) {
			if r.URL.Query().Get("sid") != dianbaiSID {
				return jsonAnswer(map[string]any{"code": 400, "msg": "sid error"})
			}
			var in []*doc
			for _, d := range docs {
				if (cat == "0" || strconv.Itoa(d.category) == cat) && (d.it == nil || d.it.visible(c.night)) {
					in = append(in, d)
				}
			}
			n, _ := strconv.Atoi(r.URL.Query().Get("page"))
			n = max(n, 1)
			articles := []any{}
			for _, d := range in[min((n-1)*perPage, len(in)):min(n*perPage, len(in))] {
				// The API says https; the host answers HTTP only.
				u := strings.Replace(c.abs(p.name, d.path), "http://", "https://", 1)
				var att []any
				if d.it != nil {
					for _, a := range d.it.attachments {
						att = append(att, map[string]any{"name": a.name, "url": c.root(a.path), "size": 24576})
					}
				}
				if att == nil {
					att = []any{}
				}
				articles = append(articles, map[string]any{"id": d.id, "title": d.title, "url": u, "post_url": u, "date": d.date.Unix(),
					"created_at": d.date.Format("2006-01-02 15:04:05"), "publisher": "茂名市电白区人民政府办公室", "attachment": att, "is_expired": 0})
			}
			return jsonAnswer(map[string]any{"articles": articles, "total": len(in), "classify": map[string]any{"id": cat, "post_count": len(in)}})
		}})
	}
	w.special(0, "gkmlpt-config", p.name, "/gkmlpt/index", "window._CONFIG with SID and TREE; no document in the HTML", false)
	w.special(0, "gkmlpt-api", p.name, "/gkmlpt/api/all/11?page=1&sid="+dianbaiSID, "4 articles a page, from 1; https URLs on an HTTP-only host; empty page past the end", false)
	w.asset(p, "/gkmlpt/static/js/app.js", "application/javascript", "/* the gkmlpt app: lists from /gkmlpt/api/all/… */\n")
	w.asset(p, "/gkmlpt/static/js/detail.js", "application/javascript", "/* writes _CONFIG.DETAIL.content into #app */\n")
	w.asset(p, "/gkmlpt/static/css/app.css", "text/css", "#app{min-height:600px}\n")
	w.home(p, []link{{text: "政府信息公开", href: "/gkmlpt/index"}}, encUTF8)
}

// asset serves a small static file (a script, a style sheet) that pages link.
func (w *world) asset(p *portal, path, ctype, body string) {
	p.add(path, &page{ctype: ctype, render: func(*ctx) []byte { return []byte(body) }})
}

// gkmlptPost is a gkmlpt article page: an empty app whose article is JSON in
// _CONFIG.DETAIL, with markup \u003C-escaped as the platform writes it.
func gkmlptPost(c *ctx, id int, title string, date time.Time, content string) string {
	detail, _ := json.Marshal(map[string]any{"id": id, "title": title, "content": content, "date": date.Unix(),
		"publisher": "茂名市电白区人民政府办公室", "identifier": fmt.Sprintf("11440904MB2C%06d/2025-%05d", id%1000000, id%100000)})
	return fmt.Sprintf(`<!DOCTYPE html><html><head><meta charset="utf-8"><title>%s</title>
<meta name="ArticleTitle" content="%s"><meta name="PubDate" content="%s"></head>
<body><div id="app"></div>
<script>window._CONFIG = {SID:'%s', DETAIL: %s, SERVICE_AREA_ID: 440904};</script>
<script src="/gkmlpt/static/js/detail.js"></script></body></html>
`, escape(title), escape(title), date.Format("2006-01-02 15:04"), dianbaiSID, detail)
}

const (
	wujiangChannel = "5c2a9f3e-8d41-4b6e-a1f0-3e7b9d2c6a58"
	wujiangInfoID  = "8a9f2c41d3e64b7f9c0e1a2b3c4d5e6f"
)

// buildWujiang is a district whose annual-report columns are shells filled
// from the portal's own JSON APIs (portals.md F5, 苏州's shapes): 政府信息公开年报
// by POST .../interfacesWebZcwj/loadData?pageSize=6 with the form pageIndex=N
// (from 1) and the channel, answering only its column page as Referer, items
// in data.list {TITLE, URL, PUBLISHED_TIME_FORMAT} and data.totalPage; 部门年报
// by GET .../getInfoCommon/?pagesize=5&currpage=N, items in infolist {title,
// link, pubtime}, relative links, no total (an empty page past the end). The
// shells' own script asks the same APIs, so a browser shows the lists too.
// Articles are GBK, declared only in <meta>, the body in <ucapcontent>.
func (w *world) buildWujiang() {
	p := w.newPortal(&portal{name: nameWujiang, title: "苏州市吴江区人民政府", cms: cmsTRS, code: "320509", siteID: "3205090001",
		inScope: true, cond: condFull, mechanism: "the portal's own JSON list APIs (configured)",
		note: "F5: 年报 columns are shells filled from the portal's JSON APIs: loadData POST (form, Referer, data.list/totalPage) and getInfoCommon GET (infolist, no total); GBK articles with <ucapcontent>"})
	p.menu = []link{{text: "首页", href: "/"}, {text: "政务公开", href: "/zwgk/"}}
	org := func(unit, short, code string, size orgSize) *organ {
		return &organ{unit: unit, names: []string{unit, short}, code: code, prof: profile{size: size}}
	}
	gov := &organ{unit: "苏州市吴江区人民政府", names: []string{"苏州市吴江区", "吴江区"}, code: "qzf", prof: profile{size: sizeGov, licensing: true}}
	nb := &column{portal: p, name: "政府信息公开年报", dir: "/zwgk/zfxxgknb/"}
	bm := &column{portal: p, name: "部门年报", dir: "/zwgk/bmnb/"}
	add := func(col *column, o *organ, year int) {
		it := w.newReport(reportSpec{portal: p, organ: o, year: year, enc: encGBKMeta, style: styleWord, titleForm: -1})
		it.column = col
		it.paths = []string{fmt.Sprintf("/szwj/zfxxgk/%s/%s.shtml", it.published.Format("200601"), w.hex32())}
		it.page = func(c *ctx, path string) []byte { return encGBKMeta.encode(ucapPage(c, it)) }
		col.items = append(col.items, listItem{title: it.title, text: it.title, href: it.paths[0], date: it.published, it: it})
	}
	for _, year := range []int{2019, 2020, 2021, 2022, 2023, 2024} {
		add(nb, gov, year)
	}
	add(nb, org("苏州市吴江区松陵街道办事处", "松陵街道", "sljd", sizeTown), 2024)
	w.lookAlike(p, "/szwj/zfxxgk/202402/"+w.hex32()+".shtml", "吴江区政府信息公开指南（2024年修订）", "guide", "吴江区", 2024,
		time.Date(2024, 2, 20, 9, 0, 0, 0, time.UTC), nb)
	for _, o := range []*organ{org("苏州市吴江区财政局", "吴江区财政局", "czj", sizeDept), org("苏州市吴江区教育局", "吴江区教育局", "jyj", sizeDept)} {
		for _, year := range []int{2022, 2023, 2024} {
			add(bm, o, year)
		}
	}
	w.lookAlike(p, "/szwj/zfxxgk/202501/"+w.hex32()+".shtml", "关于报送2024年度政府信息公开工作年度报告的通知", "notice", "吴江区", 2024,
		time.Date(2025, 1, 2, 9, 0, 0, 0, time.UTC), bm)
	byDateDesc(nb.items)
	byDateDesc(bm.items)
	const nbSize, bmSize = 6, 5
	shellPage := func(col *column, script string) {
		p.add(col.dir, &page{ctype: encUTF8.header, render: func(c *ctx) []byte {
			m := pageMeta{title: col.name, column: col.name, path: col.dir, crumbs: []link{{text: "政务公开", href: "/zwgk/"}},
				head: "<script type=\"text/javascript\" src=\"" + c.root("/static/js/zwgk-list.js") + "\"></script>\n"}
			body := "<ul class=\"infolist\" id=\"infolist\"></ul>\n<div class=\"page\" id=\"page\"></div>\n<script type=\"text/javascript\">" + script + "</script>\n"
			return []byte(shell(c, m, encUTF8, body))
		}})
		p.alias(col.dir+"index.shtml", col.dir)
	}
	shellPage(nb, fmt.Sprintf("zwgkList({api: 'zcwj', channel: '%s', size: %d});", wujiangChannel, nbSize))
	shellPage(bm, fmt.Sprintf("zwgkList({api: 'info', channel: '%s', size: %d});", wujiangInfoID, bmSize))
	p.add("/static/js/zwgk-list.js", &page{ctype: "application/javascript; charset=utf-8", render: func(c *ctx) []byte {
		return []byte(strings.ReplaceAll(zwgkListJS, "{{root}}", c.root("")))
	}})
	p.add("/szinf/xxgk/interfacesWebZcwj/loadData", &page{dynamic: func(c *ctx, r *http.Request) (int, string, []byte) {
		r.ParseForm()
		size, _ := strconv.Atoi(r.URL.Query().Get("pageSize"))
		n, err := strconv.Atoi(r.PostForm.Get("pageIndex"))
		switch {
		case r.Method != http.MethodPost || err != nil || size < 1 || r.PostForm.Get("channel_id") != wujiangChannel:
			return jsonAnswer(map[string]any{"code": "400", "msg": "参数错误"})
		case !strings.HasSuffix(r.Referer(), c.root(nb.dir)) && !strings.HasSuffix(r.Referer(), c.root(nb.dir+"index.shtml")):
			return jsonAnswer(map[string]any{"code": "403", "msg": "非法访问"})
		}
		items := visibleItems(nb.items, c.night)
		var list []any
		for _, li := range items[min(max(n-1, 0)*size, len(items)):min(max(n, 0)*size, len(items))] {
			list = append(list, map[string]any{"TITLE": li.title, "URL": c.abs(p.name, li.href), "C_WJBH": "", "C_SYH": fmt.Sprintf("014103621/%s-%05d", li.date.Format("2006"), li.date.YearDay()),
				"PUBLISHED_TIME_FORMAT": li.date.Format("2006-01-02"), "MANUSCRIPT_ID": fmt.Sprintf("%d", li.date.Unix())})
		}
		if list == nil {
			list = []any{}
		}
		pages := (len(items) + size - 1) / size
		return jsonAnswer(map[string]any{"code": "200", "data": map[string]any{"allRow": len(items), "totalPage": pages, "pageIndex": n, "list": list}})
	}})
	p.add("/szinf/info/getInfoCommon/", &page{dynamic: func(c *ctx, r *http.Request) (int, string, []byte) {
		q := r.URL.Query()
		size, err1 := strconv.Atoi(q.Get("pagesize"))
		n, err2 := strconv.Atoi(q.Get("currpage"))
		if err1 != nil || err2 != nil || size < 1 || q.Get("channelid") != wujiangInfoID {
			return jsonAnswer(map[string]any{"infolist": []any{}, "msg": "参数错误"})
		}
		items := visibleItems(bm.items, c.night)
		list := []any{}
		for _, li := range items[min(max(n-1, 0)*size, len(items)):min(max(n, 0)*size, len(items))] {
			list = append(list, map[string]any{"title": li.title, "link": c.root(li.href), "pubtime": li.date.Format("2006-01-02 15:04:05")})
		}
		return jsonAnswer(map[string]any{"infolist": list})
	}})
	p.apiConfig = func(c *ctx) string {
		base := c.abs(p.name, "")
		return fmt.Sprintf(`[[portals.api]]
url = "%[1]s/szinf/xxgk/interfacesWebZcwj/loadData?pageSize=%[2]d"
method = "POST"
body = "pageIndex={page}&channel_id=%[3]s"
referer = "%[1]s/zwgk/zfxxgknb/"
items = "data.list"
title = "TITLE"
link = "URL"
date = "PUBLISHED_TIME_FORMAT"
total_pages = "data.totalPage"
report_column = true

[[portals.api]]
url = "%[1]s/szinf/info/getInfoCommon/?pagesize=%[4]d&currpage={page}&channelid=%[5]s"
referer = "%[1]s/zwgk/bmnb/"
items = "infolist"
title = "title"
link = "link"
date = "pubtime"
report_column = true
`, base, nbSize, wujiangChannel, bmSize, wujiangInfoID)
	}
	w.special(0, "list-api-post-form", p.name, "/szinf/xxgk/interfacesWebZcwj/loadData?pageSize=6", "POST pageIndex=N&channel_id=…, Referer the column page; data.list, data.totalPage", false)
	w.special(0, "list-api-get", p.name, "/szinf/info/getInfoCommon/?pagesize=5&currpage=1&channelid="+wujiangInfoID, "GET, infolist with relative links, no total: an empty page past the end", false)
	w.staticPage(p, "/zwgk/", encUTF8, pageMeta{title: "政务公开", path: "/zwgk/"}, func(c *ctx) string {
		return linkList(c, []link{{text: "政府信息公开年报", href: nb.dir}, {text: "部门年报", href: bm.dir}})
	})
	w.home(p, []link{{text: "政务公开", href: "/zwgk/"}}, encUTF8)
}

// zwgkListJS is the shells' list script: it asks the column's API and writes
// the list, as 苏州's pages do.
const zwgkListJS = `function zwgkList(o) {
  var x = new XMLHttpRequest(), ul = document.getElementById("infolist");
  function show(items, title, url) {
    for (var i = 0; i < items.length; i++) {
      var li = document.createElement("li"), a = document.createElement("a");
      a.href = items[i][url]; a.textContent = items[i][title]; a.target = "_blank";
      li.appendChild(a); ul.appendChild(li);
    }
  }
  if (o.api === "zcwj") {
    x.open("POST", "{{root}}/szinf/xxgk/interfacesWebZcwj/loadData?pageSize=" + o.size);
    x.setRequestHeader("Content-Type", "application/x-www-form-urlencoded");
    x.onload = function () { show(JSON.parse(x.responseText).data.list, "TITLE", "URL"); };
    x.send("pageIndex=1&channel_id=" + o.channel);
  } else {
    x.open("GET", "{{root}}/szinf/info/getInfoCommon/?pagesize=" + o.size + "&currpage=1&channelid=" + o.channel);
    x.onload = function () { show(JSON.parse(x.responseText).infolist, "title", "link"); };
    x.send();
  }
}
`

// ucapPage is a 苏州-style article page: the body in a <ucapcontent> element.
func ucapPage(c *ctx, it *reportItem) string {
	var b strings.Builder
	b.WriteString(`<div class="article-title"><h1>` + escape(it.title) + "</h1></div>\n")
	b.WriteString(`<div class="article-info">发布时间：` + it.published.Format("2006-01-02") + "　来源：" + escape(it.organ.unit) + "</div>\n")
	b.WriteString("<div class=\"article-content\"><ucapcontent>\n" + reportContent(it, c.night) + "</ucapcontent></div>\n")
	m := pageMeta{title: it.title, column: it.column.name, path: it.paths[0], pubDate: it.published, source: it.organ.unit,
		crumbs: []link{{text: "政务公开", href: "/zwgk/"}, {text: it.column.name, href: it.column.dir}}}
	return shell(c, m, encGBKMeta, b.String())
}

// buildLicheng is a Hanweb "datacall" county (portals.md F2d: 济南's columns):
// the 年报 column page, GBK like the rest of the site, has its chrome and no
// list; a script builds the endpoint's URL and writes the list from its JSON.
// No adapter reads it: only a browser does, and without one the column is
// "needs a browser".
func (w *world) buildLicheng() {
	p := w.newPortal(&portal{name: nameLicheng, title: "济南市历城区人民政府", cms: cmsHanweb, code: "370112", siteID: "3701120001",
		inScope: true, cond: condLastModified, enc: encGBKHeader, browser: true, mechanism: "a list written by script from an endpoint no adapter knows (rendered in Chromium)",
		note: "client-rendered column (Hanweb datacall): GBK column page with chrome and an empty list that a script fills from /module/datacall/…; only Chromium reads it"})
	p.menu = []link{{text: "首页", href: "/"}, {text: "政务公开", href: "/col/col23171/index.html"}, {text: "互动交流", href: "/col/col23199/index.html"}}
	crumbs := []link{{text: "政务公开", href: "/col/col23171/index.html"}}
	org := func(unit, short, code string, size orgSize) *organ {
		return &organ{unit: unit, names: []string{unit, short}, code: code, prof: profile{size: size}}
	}
	gov := &organ{unit: "济南市历城区人民政府", names: []string{"济南市历城区", "历城区"}, code: "qzf", prof: profile{size: sizeGov, licensing: true}}
	col := &column{portal: p, name: "政府信息公开年报", dir: "/col/col23186/", enc: encGBKHeader, crumbs: crumbs}
	for i, o := range []*organ{gov, gov, gov, org("济南市历城区洪家楼街道办事处", "洪家楼街道", "hjljd", sizeTown), org("济南市历城区财政局", "历城区财政局", "czj", sizeDept)} {
		year := 2022 + i%3
		if i >= 3 {
			year = 2024
		}
		it := w.newReport(reportSpec{portal: p, organ: o, year: year, enc: encGBKHeader, style: styleSplit, titleForm: -1})
		it.column = col
		t := it.published
		it.paths = []string{fmt.Sprintf("/art/%d/%d/%d/art_23186_%d.html", t.Year(), int(t.Month()), t.Day(), it.id)}
		col.items = append(col.items, listItem{title: it.title, text: truncate(it.title, 22), href: it.paths[0], date: t, it: it})
	}
	d := time.Date(2025, 1, 8, 9, 0, 0, 0, time.UTC)
	w.lookAlike(p, fmt.Sprintf("/art/2025/1/8/art_23186_%d.html", w.id()), "关于报送2024年度政府信息公开工作年度报告的通知", "notice", "历城区", 2024, d, col)
	byDateDesc(col.items)
	p.add(col.dir+"index.html", &page{ctype: encGBKHeader.header, mod: listModified(col.items), render: func(c *ctx) []byte {
		body := `<div class="lm_list" id="dc_23186"></div>` + "\n" +
			`<script type="text/javascript" src="` + c.root("/module/datacall/datacall.js") + `"></script>` + "\n" +
			`<script type="text/javascript">datacall({el: "dc_23186", col: 23186, site: "lc", size: 20});</script>` + "\n"
		m := pageMeta{title: col.name, column: col.name, path: col.dir + "index.html", crumbs: crumbs}
		return encGBKHeader.encode(shell(c, m, encGBKHeader, body))
	}})
	p.alias(col.dir, col.dir+"index.html")
	p.add("/module/datacall/datacall.js", &page{ctype: "application/javascript", render: func(c *ctx) []byte {
		return []byte(strings.ReplaceAll(datacallJS, "{{root}}", c.root("")))
	}})
	p.add("/module/datacall/list.jsp", &page{dynamic: func(c *ctx, r *http.Request) (int, string, []byte) {
		q := r.URL.Query()
		if q.Get("col") != "23186" || q.Get("site") != "lc" {
			return jsonAnswer(map[string]any{"total": 0, "rows": []any{}})
		}
		rows := []any{}
		for _, li := range visibleItems(col.items, c.night) {
			rows = append(rows, map[string]any{"t": li.title, "u": c.root(li.href), "d": li.date.Format("2006-01-02")})
		}
		return jsonAnswer(map[string]any{"total": len(rows), "rows": rows})
	}})
	w.special(0, "dead-menu-link", p.name, "/col/col23199/index.html", "a menu link that answers 404", true)
	w.special(0, "script-only-column", p.name, col.dir+"index.html", "GBK page with chrome and no list; datacall.js builds the endpoint's URL and writes the list", false)
	w.staticPage(p, "/col/col23171/index.html", encGBKHeader, pageMeta{title: "政务公开", column: "政务公开", path: "/col/col23171/index.html"},
		func(c *ctx) string {
			return linkList(c, []link{{text: "政府信息公开年报", href: col.dir + "index.html"}})
		})
	w.home(p, []link{{text: "政务公开", href: "/col/col23171/index.html"}}, encGBKHeader)
}

// datacallJS writes a column's list from the datacall endpoint, whose URL it
// puts together: no crawler reads it from the page.
const datacallJS = `function datacall(o) {
  var x = new XMLHttpRequest();
  x.open("GET", "{{root}}/module/" + "datacall/" + "list" + ".jsp?col=" + o.col + "&site=" + o.site + "&size=" + o.size);
  x.onload = function () {
    var rows = JSON.parse(x.responseText).rows, html = "<ul>";
    for (var i = 0; i < rows.length; i++) {
      html += "<li><a href=\"" + rows[i].u + "\" title=\"" + rows[i].t + "\" target=\"_blank\">" + rows[i].t + "</a><span>" + rows[i].d + "</span></li>";
    }
    document.getElementById(o.el).innerHTML = html + "</ul>";
  };
  x.send();
}
`
