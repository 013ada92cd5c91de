package testsite

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"gongkai/report"
)

// world is everything a site serves, over all nights: the portals with their
// pages, the reports, and the catalogue of look-alikes and deliberate behaviours.
// It is built once from the seed; nothing in it changes while it is served.
type world struct {
	portals    []*portal
	byName     map[string]*portal
	reports    []*reportItem
	lookAlikes []pageRef
	specials   []specialDef

	r      *rand.Rand
	nextID int
	opts   Options
	// jiaoyuReports are the sub-site's reports, which the district lists too.
	jiaoyuReports []*reportItem
}

type pageRef struct{ portal, path string }

type specialDef struct {
	caseNo             int
	kind, portal, path string
	note               string
	broken             bool
}

// portal is one simulated web site.
type portal struct {
	name, title, cms string
	code             string // GB/T 2260 code of the county
	siteID           string // SiteIDCode meta value
	note             string
	inScope          bool
	// mechanism names how the portal's lists are published when plain links
	// do not reach every report (scripts, CDATA, APIs); "" when they do.
	mechanism string
	cond      condMode
	gzip      bool // compresses pages with gzip when asked
	menu      []link
	enc       encPlan // encoding of pages that do not choose their own
	// apiConfig is the [[portals.api]] blocks a user writes for the portal's
	// list APIs (portals.md F5), "" when it has none.
	apiConfig func(c *ctx) string
	browser   bool // some lists only a browser reads (Portal.Browser)
	pages     map[string]*page
	distinct  int // pages registered, aliases counted once
}

// condMode is how a portal answers conditional requests (§5 case 25).
type condMode int

const (
	condFull         condMode = iota // ETag and Last-Modified; 304 on either
	condIgnore                       // fixed Last-Modified, conditional headers ignored
	condChangingLM                   // Last-Modified is the time of the request; never 304
	condLastModified                 // Last-Modified only; 304 on If-Modified-Since
	condETag                         // ETag only; 304 on If-None-Match
)

// page is one resource of a portal.
type page struct {
	ctype  string
	status int // 0 means 200
	render func(c *ctx) []byte
	mod    func(night int) time.Time // Last-Modified; nil: the site's epoch
	from   int                       // first night it exists (0 or 1: always)
	gone   func(night int) int       // status once removed; nil or 0: still there
	// location is where a redirect (status 301 or 302) points: a path of the same
	// portal, or an absolute URL of another portal when other is set.
	location link
	enc      string // content coding: "gzip" when asked (if the portal compresses), "fake-gzip", "deflate", "raw-deflate"
	first    string // how its first request fails: "429", "503", "reset", "robots503"
	slow     bool
	header   map[string]string
	// dynamic answers requests whose query or body decides the answer (list
	// APIs, dataproxy.jsp, ?pageNum=), for any method; nil for static pages.
	dynamic func(c *ctx, r *http.Request) (status int, ctype string, body []byte)
}

// ctx is what rendering needs: the night and where the portals are served.
type ctx struct {
	night  int
	bases  map[string]string
	portal *portal
}

// root turns a path of the current portal into a link from the server's root.
func (c *ctx) root(p string) string { return pathPrefix(c.bases[c.portal.name]) + p }

// abs is the absolute URL of a path of a portal.
func (c *ctx) abs(portal, p string) string { return c.bases[portal] + p }

func pathPrefix(base string) string {
	rest := strings.TrimPrefix(strings.TrimPrefix(base, "http://"), "https://")
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		return rest[i:]
	}
	return ""
}

// epoch is the Last-Modified of pages that never change: when the portals' templates
// were last published.
var epoch = time.Date(2025, 12, 1, 8, 0, 0, 0, time.UTC)

func (p *portal) add(path string, pg *page) {
	if _, dup := p.pages[path]; dup {
		panic("testsite: two pages at " + p.name + path)
	}
	p.pages[path] = pg
	p.distinct++
}

// alias serves an existing page under another path too (/ and /index.html).
func (p *portal) alias(path, existing string) {
	p.pages[path] = p.pages[existing]
}

func (w *world) special(caseNo int, kind, portal, path, note string, broken bool) {
	w.specials = append(w.specials, specialDef{caseNo, kind, portal, path, note, broken})
}

func (w *world) id() int {
	w.nextID += 1 + w.r.IntN(37)
	return w.nextID
}

// organ is an issuing body.
type organ struct {
	unit  string   // full official name
	names []string // how titles name it, in turn
	code  string   // column code in URLs
	prof  profile
	sort  int // 排序号 in lists ordered by department
}

// reportItem is one report as published.
type reportItem struct {
	portal      *portal
	organ       *organ
	year        int
	format      string
	id          int
	title       string
	titleOrgan  string
	listTitle   string // as lists show it; truncated ones end with …
	published   time.Time
	style       string
	enc         encPlan
	publication string
	paths       []string // article pages, canonical first
	attachments []*attachment
	sheet       *sheet
	legacy      *legacyStats
	edit        *edit
	firstNight  int
	gone        func(night int) int
	column      *column // the column its canonical page belongs to
	first       string  // how the first request of its canonical page fails (page.first)
	slow        bool    // its canonical page answers slowly
	// page writes its article page when its portal's template does not (a
	// gkmlpt page whose body is JSON in a script, a page in GBK of its own).
	page func(c *ctx, path string) []byte
}

// edit is a correction published after the report (更正): new figures from a night on.
type edit struct {
	night int
	sheet *sheet
	date  time.Time
}

func (it *reportItem) sheetAt(night int) *sheet {
	if it.edit != nil && night >= it.edit.night {
		return it.edit.sheet
	}
	return it.sheet
}

// modified is the report page's Last-Modified on a night.
func (it *reportItem) modified(night int) time.Time {
	if it.edit != nil && night >= it.edit.night {
		return it.edit.date
	}
	return it.published
}

// visible says whether lists show the report on a night.
func (it *reportItem) visible(night int) bool {
	return night >= it.firstNight && (it.gone == nil || it.gone(night) == 0)
}

// attachment is a file attached to a report.
type attachment struct {
	path  string
	name  string // as a person sees it
	kind  string // docx, pdf, doc, wps, xls
	ctype string
	link  string // how the article links it (relative or root-relative, before ctx.root)
	first string // how its first request fails (page.first)
	// disposition sends the name in Content-Disposition (RFC 5987 filename*).
	disposition bool
}

// Styles of report tables (Expected.Style).
const (
	styleTRS      = "trs-grid"        // rowspan/colspan grid tables in <div class=TRS_Editor>
	styleWord     = "word-export"     // MsoNormal paragraphs and spans in every cell
	styleSplit    = "hanweb-split"    // table 3 split over two <table>s, headers repeated
	styleCells    = "cell-per-line"   // no tables: one <p> per cell
	styleRows     = "whitespace-rows" // no tables: one <p> per row, cells spaced apart
	styleLegacy   = "legacy"          // free text with an old-style statistics table
	styleNoTables = "attachment-only" // the page says 详见附件
)

func textual(style string) bool { return style == styleCells || style == styleRows }

// build generates the world for a seed.
func build(seed int64, o Options) *world {
	w := &world{byName: map[string]*portal{}, r: rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15)), opts: o}
	w.nextID = 4370000 + w.r.IntN(20000)
	// The sub-site comes first because the district lists its reports.
	w.buildJiaoyu()
	w.buildTianyuan()
	w.buildXiongxian()
	w.buildYushe()
	w.buildQingxin()
	w.buildMirror()
	w.buildJiangan()
	w.buildDongtai()
	w.buildDeqing()
	w.buildDianbai()
	w.buildWujiang()
	w.buildLicheng()
	w.chainInForce()
	for _, it := range w.reports {
		w.registerReport(it)
	}
	order := map[string]int{nameTianyuan: 0, nameJiaoyu: 1, nameXiongxian: 2, nameYushe: 3, nameQingxin: 4, nameMirror: 5, nameJiangan: 6, nameDongtai: 7,
		nameDeqing: 8, nameDianbai: 9, nameWujiang: 10, nameLicheng: 11}
	sort.SliceStable(w.portals, func(i, j int) bool { return order[w.portals[i].name] < order[w.portals[j].name] })
	return w
}

// staticPage registers a page that is neither a report nor a list; a folder path
// also answers as folder/index.html (case 24).
func (w *world) staticPage(p *portal, path string, enc encPlan, m pageMeta, body func(c *ctx) string) {
	p.add(path, &page{ctype: enc.header, render: func(c *ctx) []byte { return simplePage(c, m, enc, body(c)) }})
	if strings.HasSuffix(path, "/") {
		p.alias(path+"index.html", path)
	}
}

// article registers a dated article that is not a report (a notice), listed in col.
func (w *world) article(p *portal, path, title string, date time.Time, body string, col *column) {
	m := pageMeta{title: title, column: p.title, path: path, pubDate: date, source: p.title}
	if col != nil {
		m.column, m.crumbs = col.name, append(append([]link{}, col.crumbs...), link{text: col.name, href: col.dir})
		col.items = append(col.items, listItem{title: title, text: title, href: path, date: date})
	}
	enc := p.enc
	p.add(path, &page{ctype: enc.header, mod: func(int) time.Time { return date },
		render: func(c *ctx) []byte { return simplePage(c, m, enc, body) }})
}

// lookAlike registers a page that names the annual report without being one
// (case 28) and lists it in col, if any.
func (w *world) lookAlike(p *portal, path, title, kind, org string, year int, date time.Time, col *column) string {
	w.article(p, path, title, date, lookAlikeContent(kind, org, year), col)
	w.lookAlikes = append(w.lookAlikes, pageRef{p.name, path})
	w.special(28, "look-alike-"+kind, p.name, path, title, false)
	return path
}

// redirect registers an HTTP redirect.
func (w *world) redirect(p *portal, path string, status int, to link) {
	p.add(path, &page{status: status, location: to, ctype: "text/html; charset=utf-8",
		render: func(*ctx) []byte { return []byte("<html><body><h1>Moved</h1></body></html>\n") }})
}

// metaRefresh registers a page that forwards by <meta http-equiv="refresh"> only.
func (w *world) metaRefresh(p *portal, path string, to link) {
	w.staticPage(p, path, p.enc, pageMeta{title: "页面已迁移", path: path, refresh: &to},
		func(*ctx) string { return "<p>本栏目已迁移，正在跳转……</p>" })
}

// home registers a portal's home page, also answering as /index.html.
func (w *world) home(p *portal, links []link, enc encPlan) {
	w.staticPage(p, "/", enc, pageMeta{title: "首页", path: "/"},
		func(c *ctx) string {
			return "<p>欢迎访问" + escape(p.title) + "门户网站。</p>\n" + linkList(c, links)
		})
}

func (w *world) newPortal(p *portal) *portal {
	p.pages = map[string]*page{}
	if p.enc.header == "" {
		p.enc = encUTF8
	}
	w.portals = append(w.portals, p)
	w.byName[p.name] = p
	return p
}

// reportSpec is what a portal builder decides about a report; newReport fills in
// the rest (figures, title, date) from the world's random source.
type reportSpec struct {
	portal      *portal
	organ       *organ
	year        int
	format      string // "" from the year
	style       string
	enc         encPlan
	publication string
	titleForm   int // index into titleForms; -1 picks one
	fault       fault
	idle        bool // all figures 0, printed blank
}

// titleForms are the title variants of crawl.md §4.4, given organ and year.
var titleForms = []func(organ string, year int) string{
	func(o string, y int) string { return fmt.Sprintf("%s%d年政府信息公开工作年度报告", o, y) },
	func(o string, y int) string {
		return fmt.Sprintf("%s%d年度政府信息公开工作年度报告", o, y)
	},
	func(o string, y int) string { return fmt.Sprintf("%d年%s政府信息公开工作年度报告", y, o) },
	func(o string, y int) string { return fmt.Sprintf("%s%d年政府信息公开年度报告", o, y) },
	func(o string, y int) string { return fmt.Sprintf("%s%d年政府信息公开工作报告", o, y) },
	func(o string, y int) string {
		return fmt.Sprintf("%s%s年政府信息公开工作年度报告", o, hanYear(y))
	},
}

// hanYear writes a year in Chinese numerals: 2022 → 二〇二二.
func hanYear(y int) string {
	digits := []rune("〇一二三四五六七八九")
	var b strings.Builder
	for _, d := range fmt.Sprint(y) {
		b.WriteRune(digits[d-'0'])
	}
	return b.String()
}

func (w *world) newReport(s reportSpec) *reportItem {
	it := &reportItem{portal: s.portal, organ: s.organ, year: s.year, format: s.format, style: s.style,
		enc: s.enc, publication: s.publication, id: w.id()}
	if it.format == "" {
		switch {
		case s.year <= 2018:
			it.format = report.FormatLegacy
		case s.year <= 2020:
			it.format = report.Format2019
		default:
			it.format = report.Format2021
		}
	}
	if it.publication == "" {
		it.publication = Inline
	}
	if it.style == "" {
		it.style = styleTRS
	}
	form := s.titleForm
	if form < 0 {
		form = w.r.IntN(len(titleForms))
	}
	it.titleOrgan = s.organ.names[w.r.IntN(len(s.organ.names))]
	if it.format == report.FormatLegacy {
		it.style = styleLegacy
	}
	it.title = titleForms[form](it.titleOrgan, s.year)
	it.listTitle = it.title
	// Departments publish by 31 January, governments by 31 March (条例 第四十九条);
	// before 2019 everyone had until 31 March.
	days := 27
	if s.organ.prof.size >= sizeGov || it.format == report.FormatLegacy {
		days = 80
	}
	it.published = time.Date(s.year+1, 1, 5+w.r.IntN(days), 9+w.r.IntN(8), w.r.IntN(60), 0, 0, time.UTC)
	if it.format == report.FormatLegacy {
		it.legacy = newLegacyStats(w.r, s.organ.prof.size)
	} else {
		it.sheet = makeSheet(newFigureMaker(w.r, textual(it.style), s.idle), it.format, s.organ.prof, s.fault)
	}
	w.reports = append(w.reports, it)
	return it
}

// datePath is the TRS article folder and file stem of a report: 202301/t20230118_4373320.
func datePath(t time.Time, id int) string {
	return fmt.Sprintf("%s/t%s_%d", t.Format("200601"), t.Format("20060102"), id)
}

// pdfName is a TRS attachment file name: P0 + date + digits.
func (w *world) pdfName(t time.Time) string {
	return fmt.Sprintf("P0%s%09d", t.Format("20060102"), w.r.IntN(1_000_000_000))
}

func (w *world) hex32() string {
	return fmt.Sprintf("%016x%016x", w.r.Uint64(), w.r.Uint64())
}

// registerReport adds a report's article pages and attachments to its portal.
func (w *world) registerReport(it *reportItem) {
	for i, p := range it.paths {
		path := p
		pg := &page{
			ctype: it.enc.header,
			render: func(c *ctx) []byte {
				if it.page != nil {
					return it.page(c, path)
				}
				return it.enc.encode(reportPage(c, it, path))
			},
			mod:  it.modified,
			from: it.firstNight,
			gone: it.gone,
		}
		if i == 0 {
			pg.first, pg.slow = it.first, it.slow
		}
		it.portal.add(path, pg)
	}
	for _, a := range it.attachments {
		a := a
		pg := &page{ctype: a.ctype, from: it.firstNight, gone: it.gone, mod: it.modified, first: a.first,
			render: func(c *ctx) []byte { return attachmentBytes(it, a, c.night) }}
		if a.disposition {
			pg.header = map[string]string{"Content-Disposition": "attachment; filename*=UTF-8''" + url.PathEscape(a.name)}
		}
		it.portal.add(a.path, pg)
	}
}

// listItem is one entry of a list page.
type listItem struct {
	title   string // full title, in the title attribute when the text is truncated
	text    string // the link text
	href    string // before ctx.root when root-relative
	date    time.Time
	other   string      // portal of a link to another host
	it      *reportItem // nil for look-alikes and notices
	onclick bool        // linked through onclick="window.open(…)"
	// noTitleAttr leaves out the title attribute even when the text is truncated.
	noTitleAttr bool
}

func (li listItem) shown(night int) bool {
	return li.it == nil || li.it.visible(night)
}

// visibleItems returns the items a list shows on a night.
func visibleItems(items []listItem, night int) []listItem {
	var out []listItem
	for _, li := range items {
		if li.shown(night) {
			out = append(out, li)
		}
	}
	return out
}

// byDateDesc orders list items newest first, as most columns do.
func byDateDesc(items []listItem) {
	sort.SliceStable(items, func(i, j int) bool { return items[i].date.After(items[j].date) })
}

// truncate shortens a list title as CMS templates do, to n characters and an ellipsis.
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// listModified is a list's Last-Modified on a night: its newest visible entry.
func listModified(items []listItem) func(int) time.Time {
	return func(night int) time.Time {
		latest := epoch
		for _, li := range visibleItems(items, night) {
			d := li.date
			if li.it != nil {
				d = li.it.modified(night)
			}
			if d.After(latest) {
				latest = d
			}
		}
		return latest
	}
}
