package testsite

import (
	"fmt"
	"time"
)

// Portal names of the real-family portals (portals.md).
const (
	nameJiangan = "jiangan" // F1 static t-date pages, every pager, a menu of dead links
	nameDongtai = "dongtai" // F2 Hanweb datastore and dataproxy.jsp
)

// buildJiangan is a TRS-style district portal (portals.md F1) as real ones are:
// the home page menu links twenty columns of which sixteen answer 404, and the
// report column 首页 → 政务公开 → 政府信息公开 → 年报 has sub-columns, one per
// pager the templates use: createPageHTML with .shtml (Wuhan), createPage in GBK
// (Chongqing), countPage with a document.write loop (MEE, 邯郸), totalPage with
// 1-based index_2 and a commented-out duplicate list (Shanghai), home_0 …
// (gov.cn), and lists written by document.write (海淀) and as a JSON literal
// (国家疾控局). Pagers announce a page more than there is: a 300-byte stub.
func (w *world) buildJiangan() {
	p := w.newPortal(&portal{name: nameJiangan, title: "武汉市江岸区人民政府", cms: cmsTRS, code: "420102", siteID: "4201020001",
		inScope: true, cond: condFull, mechanism: "F1 pagers in scripts, document.write and JSON literal lists",
		note: "F1 TRS-style district: menu of 20 columns, 16 dead (404); sub-columns with createPageHTML .shtml, createPage GBK, countPage, totalPage 1-based with a commented-out list, home_N, document.write and itemObj lists; stub deep pages"})
	menu := []string{"首页", "政务公开", "走进江岸", "新闻中心", "政务服务", "互动交流", "信息公开", "政府信息公开", "部门信息公开", "街道信息公开",
		"通知公告", "政策文件", "政策解读", "规划计划", "财政信息", "人事信息", "公示公告", "专题专栏", "依申请公开", "信息公开指南"}
	for i, m := range menu {
		href := fmt.Sprintf("/col/%d/", 100+i)
		switch m {
		case "首页":
			href = "/"
		case "政务公开":
			href = "/zwgk/"
		case "政府信息公开":
			href = "/zwgk/zfxxgk/"
		case "通知公告":
			href = "/zwgk/tzgg/"
		}
		p.menu = append(p.menu, link{text: m, href: href})
		if href == fmt.Sprintf("/col/%d/", 100+i) {
			w.special(0, "dead-menu-link", p.name, href, "a menu link of the home page that answers 404", true)
		}
	}
	gov := &organ{unit: "武汉市江岸区人民政府", names: []string{"武汉市江岸区", "江岸区"}, code: "qzf", prof: profile{size: sizeGov, licensing: true, punishment: true}}
	crumbs := []link{{text: "政务公开", href: "/zwgk/"}, {text: "政府信息公开", href: "/zwgk/zfxxgk/"}, {text: "政府信息公开年报", href: "/zwgk/zfxxgk/zfxxgknb/"}}
	type sub struct {
		dir, name, pager, ext, script string
		enc                           encPlan
		organs                        []*organ
		perPage, stubs                int
		commented                     bool
	}
	org := func(unit, short, code string, size orgSize) *organ {
		return &organ{unit: unit, names: []string{unit, short}, code: code, prof: profile{size: size}}
	}
	subs := []sub{
		{dir: "bj/", name: "区本级年报", pager: "A", ext: "shtml", enc: encUTF8, organs: []*organ{gov}, perPage: 2, stubs: 1},
		{dir: "bm/", name: "部门年报", pager: "createPage", enc: encGBKHeader, perPage: 2, stubs: 1,
			organs: []*organ{org("武汉市江岸区财政局", "江岸区财政局", "czj", sizeDept), org("武汉市江岸区教育局", "江岸区教育局", "jyj", sizeDept)}},
		{dir: "jd/", name: "街道年报", pager: "countPage", ext: "shtml", enc: encUTF8, perPage: 2,
			organs: []*organ{org("武汉市江岸区大智街道办事处", "大智街道", "dzjd", sizeTown), org("武汉市江岸区一元街道办事处", "一元街道", "yyjd", sizeTown)}},
		{dir: "2023/", name: "2023年度报告", pager: "totalPage", enc: encUTF8, perPage: 1, commented: true,
			organs: []*organ{org("武汉市江岸区民政局", "江岸区民政局", "mzj", sizeDept)}},
		{dir: "zx/", name: "中心年报", pager: "home", ext: "htm", enc: encUTF8, perPage: 1,
			organs: []*organ{org("武汉市江岸区政务服务中心", "江岸区政务服务中心", "zwfw", sizeDept)}},
		{dir: "sydw/", name: "事业单位年报", script: "document.write", enc: encUTF8,
			organs: []*organ{org("武汉市江岸区档案馆", "江岸区档案馆", "dag", sizeTown)}},
		{dir: "qt/", name: "其他单位年报", script: "itemObj", enc: encUTF8,
			organs: []*organ{org("武汉市江岸区地方志办公室", "江岸区地方志办公室", "dfz", sizeTown)}},
	}
	var subLinks []link
	for _, sc := range subs {
		col := &column{portal: p, name: sc.name, dir: "/zwgk/zfxxgk/zfxxgknb/" + sc.dir, perPage: sc.perPage, pager: sc.pager, ext: sc.ext,
			enc: sc.enc, stubPages: sc.stubs, commented: sc.commented, script: sc.script, crumbs: crumbs}
		ext := col.ext
		if ext == "" {
			ext = "html"
		}
		years := []int{2022, 2023, 2024}
		if sc.dir == "2023/" {
			years = []int{2023, 2023, 2023}
		}
		for i, year := range years {
			o := sc.organs[i%len(sc.organs)]
			if sc.dir == "2023/" {
				o = []*organ{sc.organs[0], org("武汉市江岸区司法局", "江岸区司法局", "sfj", sizeDept), org("武汉市江岸区审计局", "江岸区审计局", "sjj", sizeDept)}[i]
			}
			it := w.newReport(reportSpec{portal: p, organ: o, year: year, enc: sc.enc, titleForm: -1})
			it.column = col
			it.paths = []string{col.dir + datePath(it.published, it.id) + "." + ext}
			// Entries link relative to the list page: ./YYYYMM/t….shtml.
			col.items = append(col.items, listItem{title: it.title, text: truncate(it.title, 24), href: "./" + relTo(col.dir, it.paths[0]), date: it.published, it: it})
		}
		byDateDesc(col.items)
		w.registerColumn(col)
		first := col.dir
		if col.pager == "home" {
			first += col.pageName(0) // gov.cn links home_0.htm itself
		}
		subLinks = append(subLinks, link{text: sc.name, href: first})
		if sc.stubs > 0 {
			w.special(0, "stub-deep-page", p.name, col.dir+col.pageName(col.pageCount(1)), "the pager announces one page more than there is: a 300-byte stub", false)
		}
	}
	w.special(0, "commented-duplicate-list", p.name, "/zwgk/zfxxgk/zfxxgknb/2023/", "a stale copy of the list inside an HTML comment, linking a page that does not exist", false)
	// 通知公告 holds a look-alike and notices; the report column's aggregator only
	// links its sub-columns.
	tzgg := &column{portal: p, name: "通知公告", dir: "/zwgk/tzgg/", enc: encUTF8, pager: "A", perPage: 3}
	d := time.Date(2024, 1, 8, 9, 0, 0, 0, time.UTC)
	w.lookAlike(p, "/zwgk/tzgg/202401/t20240108_"+fmt.Sprint(w.id())+".html", "关于报送2023年度政府信息公开工作年度报告的通知", "notice", "江岸区", 2023, d, tzgg)
	for i, t := range []string{"关于开展2024年政务公开培训的通知", "江岸区2024年政务公开工作要点"} {
		d := time.Date(2024, 3, 5+i, 9, 0, 0, 0, time.UTC)
		w.article(p, fmt.Sprintf("/zwgk/tzgg/202403/t202403%02d_%d.html", 5+i, w.id()), t, d, "<p>"+escape(t)+"。</p>", tzgg)
	}
	byDateDesc(tzgg.items)
	w.registerColumn(tzgg)
	w.staticPage(p, "/zwgk/zfxxgk/zfxxgknb/", encUTF8, pageMeta{title: "政府信息公开年报", column: "政府信息公开年报", path: "/zwgk/zfxxgk/zfxxgknb/", crumbs: crumbs[:2]},
		func(c *ctx) string { return linkList(c, subLinks) })
	w.staticPage(p, "/zwgk/zfxxgk/", encUTF8, pageMeta{title: "政府信息公开", path: "/zwgk/zfxxgk/", crumbs: crumbs[:1]},
		func(c *ctx) string {
			return linkList(c, []link{{text: "政府信息公开指南", href: "/col/119/"}, {text: "依申请公开", href: "/col/118/"}, {text: "政府信息公开年报", href: "/zwgk/zfxxgk/zfxxgknb/"}})
		})
	w.staticPage(p, "/zwgk/", encUTF8, pageMeta{title: "政务公开", path: "/zwgk/"},
		func(c *ctx) string {
			return linkList(c, []link{{text: "政府信息公开", href: "/zwgk/zfxxgk/"}, {text: "通知公告", href: "/zwgk/tzgg/"}})
		})
	w.home(p, []link{{text: "政务公开", href: "/zwgk/"}}, encUTF8)
	w.special(0, "dead-menu", p.name, "/", "the home page menu links 20 columns; 16 answer 404", false)
}
