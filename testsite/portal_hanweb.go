package testsite

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// hanwebList is a Hanweb JCMS column whose list sits in the page as datastore
// CDATA records and continues through dataproxy.jsp or ?uid=&pageNum= (F2).
type hanwebList struct {
	col     *column
	id      int    // columnid
	unit    string // unitid: the id of the div around the datastore
	web     string // webid
	perPage int
	inPage  int      // records the column page holds
	proxy   []string // dataproxy paths that answer
	methods []string // methods they answer (the others get 405)
	pageNum bool     // the column page itself pages by ?uid=&pageNum=
	rows    string   // "li" or "td" records
	quote   string   // quote around hrefs in the records
	abs     bool     // absolute hrefs
	// encrypted is the form the page gives its column and unit ids in (F2b):
	// the dataproxy answers only the <nextgroup> URL, page=N (group N after the
	// page's own, counted from 1), for these ids.
	encColumn, encUnit string
}

const dongtaiWebname = "东台市人民政府"

// buildDongtai is a Hanweb JCMS county portal (portals.md F2), its lists as the
// real ones are: no link in the HTML, the records as CDATA in <script
// type="text/xml"><datastore>, and further records only from dataproxy.jsp with
// the column page as Referer (records counted from 1; empty 54-byte answers past
// the end). 法定主动公开内容 shows 45 records and serves the rest by POST in groups
// of 45 with perpage=15 at /module/web/jpage/; 乡镇年报 has <td> rows with
// absolute double-quoted hrefs and a dataproxy at /module/jpage/ that answers GET
// only; 部门年报 has no dataproxy at all and pages by ?uid=&pageNum=.
func (w *world) buildDongtai() {
	p := w.newPortal(&portal{name: nameDongtai, title: dongtaiWebname, cms: cmsHanweb, code: "320981", siteID: "3209810001",
		inScope: true, cond: condIgnore, mechanism: "Hanweb datastore CDATA and dataproxy.jsp",
		note: "F2 Hanweb: lists only as datastore CDATA; dataproxy.jsp POST (45-record groups, perpage=15) with Referer, GET-only at /module/jpage/, ?uid=&pageNum=, 54-byte empty answers"})
	p.menu = []link{{text: "首页", href: "/"}, {text: "政府信息公开", href: "/col/col25600/index.html"}, {text: "政府信息公开年报", href: "/col/col25630/index.html"}}
	crumbs := []link{{text: "政府信息公开", href: "/col/col25600/index.html"}}
	gov := &organ{unit: "东台市人民政府", names: []string{"东台市", "江苏省东台市"}, code: "szf", prof: profile{size: sizeGov, licensing: true, punishment: true}}
	org := func(unit, short, code string, size orgSize) *organ {
		return &organ{unit: unit, names: []string{unit, short}, code: code, prof: profile{size: size}}
	}
	lists := []*hanwebList{
		{id: 25630, unit: "25631", perPage: 15, inPage: 45, proxy: []string{"/module/web/jpage/dataproxy.jsp"}, methods: []string{http.MethodPost}, rows: "li", quote: "'"},
		{id: 25650, unit: "25651", perPage: 5, inPage: 5, proxy: []string{"/module/jpage/dataproxy.jsp"}, methods: []string{http.MethodGet}, rows: "td", quote: `"`, abs: true},
		{id: 25660, unit: "25661", perPage: 3, inPage: 3, pageNum: true, rows: "li", quote: `"`},
		{id: 25670, unit: "25671", perPage: 2, inPage: 2, proxy: []string{"/module/web/jpage/dataproxy.jsp"}, methods: []string{http.MethodGet}, rows: "li", quote: "'",
			encColumn: "bXk3Q2xaRTJ4", encUnit: "UTk0dkJ3aGQ"},
	}
	names := map[int]string{25630: "法定主动公开内容", 25650: "乡镇年报", 25660: "部门年报", 25670: "市直单位年报"}
	for _, l := range lists {
		l.web = "49"
		l.col = &column{portal: p, name: names[l.id], dir: fmt.Sprintf("/col/col%d/", l.id), enc: encUTF8, crumbs: crumbs}
	}
	addReport := func(l *hanwebList, o *organ, year int) {
		it := w.newReport(reportSpec{portal: p, organ: o, year: year, enc: encUTF8, style: styleSplit, titleForm: -1})
		it.column = l.col
		t := it.published
		it.paths = []string{fmt.Sprintf("/art/%d/%d/%d/art_%d_%d.html", t.Year(), int(t.Month()), t.Day(), l.id, it.id)}
		l.col.items = append(l.col.items, listItem{title: it.title, text: truncate(it.title, 18), href: it.paths[0], date: it.published, it: it})
	}
	// 法定主动公开内容: 50 notices of 2025, and the government's reports of
	// earlier years, which the newest-first list puts past record 45.
	pub := lists[0]
	for i := range 50 {
		d := time.Date(2025, time.Month(1+i%12), 1+i%27, 9, 0, 0, 0, time.UTC)
		title := []string{"关于印发东台市%d年第%d批政务公开事项的通知", "东台市%d年第%d次常务会议纪要", "关于公布%d年第%d批行政许可事项的公告"}[i%3]
		title = fmt.Sprintf(title, 2025, i+1)
		path := fmt.Sprintf("/art/%d/%d/%d/art_%d_%d.html", d.Year(), int(d.Month()), d.Day(), pub.id, w.id())
		w.article(p, path, title, d, "<p>"+escape(title)+"，请遵照执行。</p>", pub.col)
	}
	for _, year := range []int{2021, 2022, 2023} {
		addReport(pub, gov, year)
	}
	w.lookAlike(p, fmt.Sprintf("/art/2024/1/9/art_%d_%d.html", pub.id, w.id()), "东台市政府信息公开指南", "guide", "东台市", 2024, time.Date(2024, 1, 9, 9, 0, 0, 0, time.UTC), pub.col)
	towns := []*organ{org("东台市安丰镇人民政府", "安丰镇", "afz", sizeTown), org("东台市富安镇人民政府", "富安镇", "faz", sizeTown)}
	for i, year := range []int{2021, 2022, 2023, 2024, 2021, 2022, 2023} {
		addReport(lists[1], towns[i/4], year)
	}
	depts := []*organ{org("东台市财政局", "东台市财政局", "czj", sizeDept), org("东台市教育局", "东台市教育局", "jyj", sizeDept)}
	for i, year := range []int{2021, 2022, 2023, 2024, 2022, 2023, 2024} {
		addReport(lists[2], depts[i/4], year)
	}
	units := []*organ{org("东台市审计局", "东台市审计局", "sjj", sizeDept), org("东台市民政局", "东台市民政局", "mzj", sizeDept)}
	for i, year := range []int{2022, 2023, 2024, 2023, 2024} {
		addReport(lists[3], units[i/3], year)
	}
	for _, l := range lists {
		byDateDesc(l.col.items)
		w.registerHanweb(l, lists)
	}
	w.special(0, "hanweb-datastore", p.name, "/col/col25630/index.html", "45 records as CDATA in <script type=text/xml>; no link in the HTML", false)
	w.special(0, "hanweb-dataproxy-post", p.name, "/module/web/jpage/dataproxy.jsp", "POST, form body, Referer = column page; 45-record groups with perpage=15", false)
	w.special(0, "hanweb-dataproxy-get", p.name, "/module/jpage/dataproxy.jsp", "answers GET only (POST: 405); <td> records with absolute hrefs", false)
	w.special(0, "hanweb-pagenum", p.name, "/col/col25660/index.html?uid=25661&pageNum=2", "no dataproxy; the column pages by ?uid=&pageNum=", false)
	w.special(0, "hanweb-nextgroup-encrypted", p.name, "/col/col25670/index.html", "column and unit ids encrypted; further records only from the <nextgroup> URL with page=N, 54-byte answers past the end", false)
	subs := []link{{text: "法定主动公开内容", href: "/col/col25630/index.html"}, {text: "乡镇年报", href: "/col/col25650/index.html"}, {text: "部门年报", href: "/col/col25660/index.html"},
		{text: "市直单位年报", href: "/col/col25670/index.html"}}
	w.staticPage(p, "/col/col25600/index.html", encUTF8, pageMeta{title: "政府信息公开", column: "政府信息公开", path: "/col/col25600/index.html"},
		func(c *ctx) string { return linkList(c, subs) })
	w.home(p, []link{{text: "政府信息公开", href: "/col/col25600/index.html"}}, encUTF8)
}

// record is one datastore record of the list, as the column's template writes it.
func (l *hanwebList) record(c *ctx, li listItem) string {
	href := c.href(link{href: li.href})
	if l.abs {
		href = c.abs(l.col.portal.name, li.href)
	}
	q := l.quote
	a := fmt.Sprintf("<a href=%s%s%s title=%s%s%s target=%s_blank%s>%s</a>", q, href, q, q, escape(li.title), q, q, q, escape(li.text))
	if l.rows == "td" {
		return fmt.Sprintf("<record><![CDATA[<tr><td class=\"title\">%s</td><td class=\"date\">%s</td></tr>]]></record>\n", a, li.date.Format("2006-01-02"))
	}
	return fmt.Sprintf("<record><![CDATA[<li>%s<span>%s</span></li>]]></record>\n", a, li.date.Format("2006-01-02"))
}

// records writes items from..to (0-based, to excluded) as a recordset.
func (l *hanwebList) records(c *ctx, from, to int) string {
	items := visibleItems(l.col.items, c.night)
	var b strings.Builder
	for _, li := range items[min(from, len(items)):min(max(to, from), len(items))] {
		b.WriteString(l.record(c, li))
	}
	return b.String()
}

// registerHanweb adds the column page and, once per path, the dataproxy that
// answers every column of the portal.
func (w *world) registerHanweb(l *hanwebList, all []*hanwebList) {
	p := l.col.portal
	path := l.col.dir + "index.html"
	columnPage := &page{dynamic: func(c *ctx, r *http.Request) (int, string, []byte) {
		k := 0
		if l.pageNum && r.URL.Query().Get("uid") == l.unit {
			if n, err := strconv.Atoi(r.URL.Query().Get("pageNum")); err == nil && n > 1 {
				k = n - 1
			}
		}
		return http.StatusOK, encUTF8.header, []byte(l.columnPage(c, k))
	}}
	p.add(path, columnPage)
	p.alias(l.col.dir, path)
	for _, proxy := range l.proxy {
		if p.pages[proxy] != nil {
			continue
		}
		p.add(proxy, &page{dynamic: func(c *ctx, r *http.Request) (int, string, []byte) {
			return dataproxy(c, r, proxy, all)
		}})
	}
}

// columnPage renders page k of the column: the records in the datastore and
// the jpage call that shows them.
func (l *hanwebList) columnPage(c *ctx, k int) string {
	total := len(visibleItems(l.col.items, c.night))
	var b strings.Builder
	fmt.Fprintf(&b, "<div id=\"%s\"><script type=\"text/xml\"><datastore>\n", l.unit)
	colID, unit := strconv.Itoa(l.id), l.unit
	if l.encColumn != "" {
		colID, unit = l.encColumn, l.encUnit
	}
	if len(l.proxy) > 0 {
		fmt.Fprintf(&b, "<nextgroup><![CDATA[<a href=\"%s?page=1&appid=1&webid=%s&path=/&columnid=%s&unitid=%s&webname=%s&permissiontype=0\"></a>]]></nextgroup>\n",
			c.root(l.proxy[0]), l.web, colID, unit, url.QueryEscape(dongtaiWebname))
	}
	b.WriteString("<recordset>\n")
	b.WriteString(l.records(c, k*l.inPage, (k+1)*l.inPage))
	b.WriteString("</recordset></datastore></script></div>\n")
	fmt.Fprintf(&b, "<script type=\"text/javascript\">var param_%s = {col:1,webid:'%s',path:'/',columnid:'%s',sourceContentType:'1',unitid:'%s',webname:'%s',permissiontype:0};\n",
		l.unit, l.web, colID, unit, dongtaiWebname)
	fmt.Fprintf(&b, "$('#%s').jpage({dataStore: null, totalRecord: %d, perPage: %d, ajaxParam: param_%s});</script>\n", l.unit, total, l.perPage, l.unit)
	m := pageMeta{title: l.col.name, column: l.col.name, path: l.col.dir + "index.html", crumbs: l.col.crumbs}
	return shell(c, m, encUTF8, b.String())
}

// emptyDatastore is what dataproxy.jsp answers past the end of a list, or to a
// request without the column page as Referer: 54 bytes, no record.
const emptyDatastore = "<datastore><nextgroup></nextgroup><recordset></recordset></datastore>"

// dataproxy answers records startrecord…endrecord (counted from 1) of the
// column the fields name.
func dataproxy(c *ctx, r *http.Request, proxy string, all []*hanwebList) (int, string, []byte) {
	r.ParseForm() // the query, and a POST's form body
	colID, _ := strconv.Atoi(r.Form.Get("columnid"))
	var l *hanwebList
	for _, x := range all {
		if x.encColumn != "" && x.encColumn == r.Form.Get("columnid") && x.encUnit == r.Form.Get("unitid") {
			return nextgroupAnswer(c, r, x)
		}
		if x.id == colID && x.unit == r.Form.Get("unitid") && x.encColumn == "" {
			l = x
		}
	}
	if l == nil {
		return http.StatusOK, "text/xml; charset=utf-8", []byte(emptyDatastore)
	}
	served := false
	for _, p := range l.proxy {
		served = served || p == proxy
	}
	allowed := false
	for _, m := range l.methods {
		allowed = allowed || m == r.Method
	}
	switch {
	case !served:
		return http.StatusNotFound, "text/html; charset=utf-8", []byte("<html><body><h1>404 Not Found</h1></body></html>")
	case !allowed:
		return http.StatusMethodNotAllowed, "text/html; charset=utf-8", []byte("<html><body><h1>405 Method Not Allowed</h1></body></html>")
	case !strings.HasSuffix(r.Referer(), c.root(l.col.dir+"index.html")) && !strings.HasSuffix(r.Referer(), c.root(l.col.dir)):
		return http.StatusOK, "text/xml; charset=utf-8", []byte(emptyDatastore)
	}
	start, _ := strconv.Atoi(r.URL.Query().Get("startrecord"))
	end, _ := strconv.Atoi(r.URL.Query().Get("endrecord"))
	if start < 1 || end < start {
		return http.StatusOK, "text/xml; charset=utf-8", []byte(emptyDatastore)
	}
	recs := l.records(c, start-1, end)
	if recs == "" {
		return http.StatusOK, "text/xml; charset=utf-8", []byte(emptyDatastore)
	}
	total := len(visibleItems(l.col.items, c.night))
	return http.StatusOK, "text/xml; charset=utf-8", []byte(fmt.Sprintf("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<datastore><totalrecord>%d</totalrecord><recordset>\n%s</recordset></datastore>", total, recs))
}

// nextgroupAnswer answers a column whose ids are encrypted: group page (from
// 1: the first group after the page's own) of the <nextgroup> URL, by GET, with
// the column page as Referer; anything else gets the empty 54-byte answer.
func nextgroupAnswer(c *ctx, r *http.Request, l *hanwebList) (int, string, []byte) {
	n, err := strconv.Atoi(r.URL.Query().Get("page"))
	if err != nil || n < 1 || r.Method != http.MethodGet || (!strings.HasSuffix(r.Referer(), c.root(l.col.dir+"index.html")) && !strings.HasSuffix(r.Referer(), c.root(l.col.dir))) {
		return http.StatusOK, "text/xml; charset=utf-8", []byte(emptyDatastore)
	}
	recs := l.records(c, n*l.inPage, (n+1)*l.inPage)
	if recs == "" {
		return http.StatusOK, "text/xml; charset=utf-8", []byte(emptyDatastore)
	}
	total := len(visibleItems(l.col.items, c.night))
	return http.StatusOK, "text/xml; charset=utf-8", []byte(fmt.Sprintf("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<datastore><totalrecord>%d</totalrecord><recordset>\n%s</recordset></datastore>", total, recs))
}
