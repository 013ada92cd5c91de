package testsite

import (
	"fmt"
	"sort"
	"time"
)

// Portal names, also their path prefixes under Handler.
const (
	nameTianyuan  = "tianyuan"
	nameJiaoyu    = "tianyuan-jyj"
	nameXiongxian = "xiongxian"
	nameYushe     = "yushe"
	nameQingxin   = "qingxin"
	nameMirror    = "mirror"
)

// pagesPerExtraDepartment is about how many pages one generated department adds:
// seven reports (three with a PDF and a DOCX) and its share of the list pages.
const pagesPerExtraDepartment = 16

func dept(unit, short, code string, p profile, sort int) *organ {
	return &organ{unit: unit, names: []string{unit, short}, code: code, prof: p, sort: sort}
}

// extraFields and extraKinds combine into the names of generated departments.
var (
	extraFields = []string{"城市管理", "农业农村", "水利", "商务", "文化旅游", "市场监督管理", "司法", "统计", "审计", "民政",
		"人力资源和社会保障", "交通运输", "生态环境", "林业", "医疗保障", "信访", "机关事务", "科技", "工业和信息化", "自然资源",
		"公路", "粮食", "档案", "地方志", "供销", "气象", "人防", "移民", "扶贫", "招商"}
	extraKinds = []string{"局", "服务中心", "事务中心", "综合执法大队", "管理站", "发展中心", "办公室", "研究室"}
)

// buildTianyuan is the TRS district portal: year folders with sub-columns,
// department columns, a department sub-site on another host, the 通知公告 list,
// both pager signatures, redirects and robots.txt with Disallow and Crawl-delay.
func (w *world) buildTianyuan() {
	p := w.newPortal(&portal{name: nameTianyuan, title: "株洲市天元区人民政府", cms: cmsTRS, code: "430211", siteID: "4302110001",
		inScope: true, cond: condFull, gzip: true,
		note: "TRS district portal: year folders with sub-columns, department columns, both pager signatures, redirects, robots Disallow + Crawl-delay, ETag/304, gzip"})
	p.menu = []link{{text: "首页", href: "/"}, {text: "政务公开", href: "/zwgk/"}, {text: "政府信息公开年报", href: "/zwgk/zfxxgknb/"},
		{text: "部门信息公开", href: "/bmxxgk/"}, {text: "通知公告", href: "/zwgk/tzgg/"}}
	crumbsNB := []link{{text: "政务公开", href: "/zwgk/"}, {text: "政府信息公开年报", href: "/zwgk/zfxxgknb/"}}

	gov := &organ{unit: "株洲市天元区人民政府", names: []string{"株洲市天元区", "天元区"}, code: "qzf",
		prof: profile{size: sizeGov, licensing: true, punishment: true, fees: true}}
	depts := []*organ{
		dept("株洲市天元区人民政府办公室", "天元区人民政府办公室", "zfb", profile{size: sizeDept}, 1),
		dept("株洲市天元区财政局", "天元区财政局", "czj", profile{size: sizeDept, fees: true}, 2),
		dept("株洲市天元区卫生健康局", "天元区卫生健康局", "wjj", profile{size: sizeGov, licensing: true, punishment: true}, 3),
		dept("株洲市天元区发展和改革局", "天元区发展和改革局", "fgj", profile{size: sizeDept, licensing: true}, 4),
		dept("株洲市天元区住房和城乡建设局", "天元区住房和城乡建设局", "zjj", profile{size: sizeBusy, licensing: true, punishment: true, fees: true}, 5),
		dept("株洲市天元区应急管理局", "天元区应急管理局", "yjglj", profile{size: sizeDept, punishment: true}, 6),
	}
	for i := range w.opts.ExtraDepartments {
		name := extraFields[i%len(extraFields)] + extraKinds[(i/len(extraFields))%len(extraKinds)]
		if n := i / (len(extraFields) * len(extraKinds)); n > 0 {
			name += fmt.Sprintf("第%d分部", n+1)
		}
		depts = append(depts, dept("株洲市天元区"+name, "天元区"+name, fmt.Sprintf("kx%d", i+1), profile{size: sizeDept, licensing: i%3 == 0}, 10+i))
	}
	towns := []*organ{
		{unit: "株洲市天元区群丰镇人民政府", names: []string{"株洲市天元区群丰镇人民政府", "天元区群丰镇", "群丰镇"}, code: "qfz", prof: profile{size: sizeTown}},
		{unit: "株洲市天元区雷打石镇人民政府", names: []string{"株洲市天元区雷打石镇人民政府", "雷打石镇"}, code: "ldsz", prof: profile{size: sizeTown}},
		{unit: "株洲市天元区嵩山路街道办事处", names: []string{"株洲市天元区嵩山路街道办事处", "嵩山路街道"}, code: "ssljd", prof: profile{size: sizeTown}},
		{unit: "株洲市天元区栗雨街道办事处", names: []string{"株洲市天元区栗雨街道办事处", "栗雨街道"}, code: "lyjd", prof: profile{size: sizeTown, fees: true}},
	}

	// Year folders: /zwgk/zfxxgknb/2022/ holds sub-columns 本级, 部门, 乡镇街道 and
	// no entries of its own (§5 case 19); up to 2018 a year is a plain list.
	yearCols := map[int]map[string]*column{}
	subColumn := func(year int, kind string) *column {
		if yearCols[year] == nil {
			yearCols[year] = map[string]*column{}
		}
		if c := yearCols[year][kind]; c != nil {
			return c
		}
		names := map[string]string{"bjnb": "区本级年报", "bmdnbg": "部门年度报告", "xzjdnb": "乡镇街道年报", "": "政府信息公开年报"}
		dir := fmt.Sprintf("/zwgk/zfxxgknb/%d/%d%s/", year, year, kind)
		if kind == "" {
			dir = fmt.Sprintf("/zwgk/zfxxgknb/%d/", year)
		}
		c := &column{portal: p, name: fmt.Sprintf("%d年%s", year, names[kind]), dir: dir, perPage: 4, pager: "A", enc: encUTF8,
			crumbs: append(crumbsNB, link{text: fmt.Sprint(year), href: fmt.Sprintf("/zwgk/zfxxgknb/%d/", year)})}
		yearCols[year][kind] = c
		return c
	}
	place := func(it *reportItem, col *column) {
		it.column = col
		it.paths = append(it.paths, col.dir+datePath(it.published, it.id)+".html")
	}
	entry := func(it *reportItem, href string) listItem {
		return listItem{title: it.title, text: it.listTitle, href: href, date: it.published, it: it, noTitleAttr: it.listTitle != it.title}
	}

	// The government's own reports.
	var govReports []*reportItem
	for year := 2016; year <= 2024; year++ {
		s := reportSpec{portal: p, organ: gov, year: year, enc: encUTF8, titleForm: 0}
		switch year {
		case 2016:
			s.titleForm = 1
		case 2020:
			s.fault = faultBalance
		case 2021:
			s.fault = faultTable4
			s.style = styleWord
		case 2022:
			s.publication = Both
		case 2023:
			s.style = styleWord
			s.titleForm = 5
		case 2024:
			s.publication = Attachment
			s.style = styleNoTables
		}
		it := w.newReport(s)
		kind := "bjnb"
		if year <= 2018 {
			kind = ""
		}
		place(it, subColumn(year, kind))
		govReports = append(govReports, it)
	}
	// 2019's report was re-published after the CMS migration of June 2021: the new
	// page has a new tYYYYMMDD URL but the old PubDate, and the old page still
	// answers (§5 case 23).
	gov2019 := govReports[3]
	migrated := time.Date(2021, 6, 15, 10, 0, 0, 0, time.UTC)
	oldPath := gov2019.paths[0]
	gov2019.paths = []string{gov2019.column.dir + datePath(migrated, w.id()) + ".html", oldPath}
	w.special(23, "republished", p.name, gov2019.paths[0], "re-published after a migration: URL date 2021-06-15, PubDate "+gov2019.published.Format(time.DateOnly)+"; same report as "+oldPath, false)
	w.special(23, "republished-old-url", p.name, oldPath, "the pre-migration URL of the same report, linked from 通知公告", false)
	for _, it := range govReports {
		if it.publication != Inline {
			w.attachTRS(it, it.publication == Attachment)
		}
	}

	// Department reports: canonical in the year's 部门 sub-column; zfb and czj also
	// publish the same report in their own column, under a second URL (case 23).
	var deptReports []*reportItem
	deptCols := map[string]*column{}
	for di, o := range depts {
		if di < 5 {
			deptCols[o.code] = &column{portal: p, name: "政府信息公开年度报告", dir: "/bmxxgk/" + o.code + "/zfxxgkndbg/", enc: encUTF8,
				crumbs: []link{{text: "部门信息公开", href: "/bmxxgk/"}, {text: o.unit, href: "/bmxxgk/" + o.code + "/"}}}
		}
		for year := 2019; year <= 2025; year++ {
			s := reportSpec{portal: p, organ: o, year: year, enc: encUTF8, titleForm: -1}
			switch {
			case di >= 6:
				s.titleForm = 0
				if year%2 == 0 {
					s.publication = Both
				}
			case o.code == "zjj" && year == 2022:
				s.fault = faultRowTotal
			case o.code == "wjj" && year == 2021:
				// A late adopter: the 2021 report still in the 2019 format.
				s.format = "2019"
			case (di+year)%3 == 0:
				s.style = styleWord
			}
			it := w.newReport(s)
			if year == 2025 {
				switch o.code {
				case "wjj", "fgj", "yjglj":
					it.firstNight = 2
					it.published = time.Date(2026, 1, 20, 16, 30+di, 0, 0, time.UTC)
				}
			}
			place(it, subColumn(year, "bmdnbg"))
			if o.code == "zfb" || o.code == "czj" {
				it.paths = append(it.paths, deptCols[o.code].dir+datePath(it.published, w.id())+".html")
			}
			if it.publication == Both {
				w.attachTRS(it, false)
			}
			switch {
			case o.code == "czj" && year == 2023:
				it.edit = &edit{night: 2, date: time.Date(2026, 1, 20, 15, 0, 0, 0, time.UTC),
					sheet: makeSheet(newFigureMaker(w.r, false, false), it.format, o.prof, faultNone)}
				w.special(26, "edited", p.name, it.paths[0], "figures change on night 2 (更正), at both URLs of the report", false)
			case o.code == "zjj" && year == 2022:
				// Listed with a truncated title and no title attribute: the list text
				// alone does not say it is a report (case 22).
				it.listTitle = truncate(it.title, 20)
				w.special(22, "truncated-no-title-attr", p.name, it.paths[0], "listed as "+it.listTitle+" without a title attribute", false)
			case o.code == "czj" && year == 2022:
				w.special(23, "two-columns", p.name, it.paths[0], "the same report in the department's own column at "+it.paths[1], false)
			case o.code == "yjglj" && year == 2025:
				w.special(27, "new-on-later-page", p.name, it.paths[0], "appears on night 2, listed only on a later page of the B-pager list /zwgk/zfxxgknb/bmnb/ (ordered by 排序号)", false)
			}
			deptReports = append(deptReports, it)
		}
	}

	towns2 := []*reportItem{}
	for ti, o := range towns {
		for year := 2021; year <= 2024; year++ {
			s := reportSpec{portal: p, organ: o, year: year, enc: encUTF8, titleForm: -1}
			if (ti+year)%2 == 0 {
				s.enc = encBOM
			}
			if o.code == "lyjd" && year == 2022 {
				s.publication = Attachment
				s.style = styleNoTables
			}
			if (ti+year)%4 == 1 {
				s.style = styleWord
			}
			it := w.newReport(s)
			place(it, subColumn(year, "xzjdnb"))
			if it.publication == Attachment {
				w.attachDocxOnly(it)
			}
			towns2 = append(towns2, it)
		}
	}

	// A report linked only from 通知公告 (case 20).
	veterans := &organ{unit: "株洲市天元区退役军人事务局", names: []string{"株洲市天元区退役军人事务局"}, code: "tyjrswj", prof: profile{size: sizeDept}}
	onlyNotice := w.newReport(reportSpec{portal: p, organ: veterans, year: 2023, enc: encUTF8, titleForm: 0})

	// Year columns, filled newest first; the 2022 本级 column also lists the
	// report's interpretation (解读), a look-alike in the report's own column.
	for _, it := range append(append(append([]*reportItem{}, govReports...), deptReports...), towns2...) {
		if it.organ.code == "yjglj" && it.year == 2025 {
			continue // listed only in the 部门年报汇总 (case 27)
		}
		it.column.items = append(it.column.items, entry(it, it.paths[0]))
	}
	interpDate := time.Date(2023, 3, 28, 10, 0, 0, 0, time.UTC)
	w.lookAlike(p, yearCols[2022]["bjnb"].dir+datePath(interpDate, w.id())+".html",
		"《株洲市天元区2022年政府信息公开工作年度报告》解读", "interpretation", "株洲市天元区", 2022, interpDate, yearCols[2022]["bjnb"])
	// Some entries open through onclick or relative links (case 21).
	for year, kinds := range yearCols {
		for kind, col := range kinds {
			// Map order does not matter here: each column is handled on its own.
			byDateDesc(col.items)
			for i := range col.items {
				it := col.items[i].it
				if it == nil {
					continue
				}
				switch {
				case kind == "bjnb" && year%2 == 0:
					col.items[i].onclick = true
					col.items[i].href = "./" + relTo(col.dir, it.paths[0])
				case kind == "xzjdnb":
					col.items[i].href = "./" + relTo(col.dir, it.paths[0])
				}
			}
		}
	}
	var years []int
	for y := range yearCols {
		years = append(years, y)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(years)))
	var yearLinks []link
	for _, y := range years {
		yearLinks = append(yearLinks, link{text: fmt.Sprintf("%d年度", y), href: fmt.Sprintf("/zwgk/zfxxgknb/%d/", y)})
		kinds := yearCols[y]
		if col := kinds[""]; col != nil {
			w.registerColumn(col)
			continue
		}
		var subs []link
		for _, k := range []string{"bjnb", "bmdnbg", "xzjdnb"} {
			if col := kinds[k]; col != nil {
				w.registerColumn(col)
				// Aggregator links are relative to a <base href> (case 21).
				subs = append(subs, link{text: col.name, href: fmt.Sprintf("%d%s/", y, k)})
			}
		}
		dir := fmt.Sprintf("/zwgk/zfxxgknb/%d/", y)
		w.staticPage(p, dir, encUTF8, pageMeta{title: fmt.Sprintf("%d年度政府信息公开年报", y), column: "政府信息公开年报", path: dir, crumbs: crumbsNB, base: dir},
			func(c *ctx) string { return "<p>本栏目按类别发布年度报告：</p>\n" + linkList(c, subs) })
		if y == 2022 {
			w.special(21, "base-href", p.name, dir, "sub-column links relative to <base href>", false)
		}
	}
	yearLinks = append(yearLinks, link{text: "部门年报汇总", href: "/zwgk/zfxxgknb/bmnb/"})
	w.staticPage(p, "/zwgk/zfxxgknb/", encUTF8, pageMeta{title: "政府信息公开年报", column: "政府信息公开年报", path: "/zwgk/zfxxgknb/", crumbs: crumbsNB[:1]},
		func(c *ctx) string { return "<p>请选择年度：</p>\n" + linkList(c, yearLinks) })
	w.special(19, "aggregator", p.name, "/zwgk/zfxxgknb/", "年报 column with no entries: year folders only", false)
	w.special(19, "aggregator", p.name, "/zwgk/zfxxgknb/2022/", "year folder with no entries: sub-columns 本级, 部门, 乡镇街道", false)
	w.special(19, "year-subfolder", p.name, "/zwgk/zfxxgknb/2022/2022bmdnbg/", "year sub-folder column with A-pager", false)
	w.special(21, "onclick-relative", p.name, "/zwgk/zfxxgknb/2022/2022bjnb/", "entries opened by onclick=window.open('./…') relative links", false)

	// 部门年报汇总: every department report (the 教育局 ones on its sub-site),
	// ordered by 排序号 then year, titles truncated with the full title in the
	// title attribute, B-pager (cases 15, 22, 27).
	summary := &column{portal: p, name: "部门年报汇总", dir: "/zwgk/zfxxgknb/bmnb/", perPage: 6, pager: "B", enc: encUTF8, crumbs: crumbsNB}
	all := append(append([]*reportItem{}, deptReports...), w.jiaoyuReports...)
	sort.SliceStable(all, func(i, j int) bool {
		if all[i].organ.sort != all[j].organ.sort {
			return all[i].organ.sort < all[j].organ.sort
		}
		return all[i].year > all[j].year
	})
	for _, it := range all {
		e := entry(it, it.paths[0])
		e.text, e.noTitleAttr = truncate(it.title, 24), false
		if it.portal != p {
			e.other = it.portal.name
		}
		summary.items = append(summary.items, e)
	}
	w.registerColumn(summary)
	w.special(20, "other-host-links", p.name, "/zwgk/zfxxgknb/bmnb/list.shtml", "the 教育局 entries link to its sub-site on another host", false)
	w.special(15, "pager-B", p.name, "/zwgk/zfxxgknb/bmnb/list.shtml", "createPageHTML('page_div', n, 1, 'list', 'shtml', total): list_2.shtml … (1-based)", false)
	w.special(14, "pager-A", p.name, "/zwgk/tzgg/index.html", "createPageHTML(n, 0, \"index\", \"html\"): index_1.html … (0-based); links only in the script", false)
	w.special(22, "truncated-title-attr", p.name, "/zwgk/zfxxgknb/bmnb/list.shtml", "titles truncated with …, full title in the title attribute", false)

	// Department columns and home pages.
	var deptLinks []link
	for di, o := range depts {
		if di >= 6 {
			continue
		}
		home := "/bmxxgk/" + o.code + "/"
		deptLinks = append(deptLinks, link{text: o.unit, href: home})
		links := []link{}
		if col := deptCols[o.code]; col != nil {
			for _, it := range deptReports {
				if it.organ != o {
					continue
				}
				href := it.paths[0]
				if len(it.paths) > 1 {
					href = it.paths[1]
				}
				col.items = append(col.items, entry(it, href))
			}
			byDateDesc(col.items)
			w.registerColumn(col)
			links = append(links, link{text: "政府信息公开年度报告", href: col.dir})
		}
		if o.code == "czj" {
			d := time.Date(2023, 2, 10, 9, 0, 0, 0, time.UTC)
			budget := w.lookAlike(p, "/bmxxgk/czj/bmys/"+datePath(d, w.id())+".html", "株洲市天元区财政局2023年部门预算公开", "budget", "株洲市天元区财政局", 2023, d, nil)
			links = append(links, link{text: "部门预算", href: budget})
		}
		intro := "<p>" + escape(o.unit) + "信息公开目录：</p>\n"
		w.staticPage(p, home, encUTF8, pageMeta{title: o.unit, column: "部门信息公开", path: home, crumbs: []link{{text: "部门信息公开", href: "/bmxxgk/"}}},
			func(c *ctx) string { return intro + linkList(c, links) })
	}
	// The education bureau moved to its own host; the old path forwards there by
	// meta refresh (case 8: a migrated domain) and the menu links the new host (case 20).
	w.metaRefresh(p, "/bmxxgk/jyj/", link{href: "/", other: nameJiaoyu})
	deptLinks = append(deptLinks, link{text: "株洲市天元区教育局（旧址）", href: "/bmxxgk/jyj/"}, link{text: "株洲市天元区教育局", href: "/", other: nameJiaoyu})
	w.staticPage(p, "/bmxxgk/", encUTF8, pageMeta{title: "部门信息公开", column: "部门信息公开", path: "/bmxxgk/"},
		func(c *ctx) string { return linkList(c, deptLinks) })

	// 通知公告: notices, the 报送 notice and the work points (look-alikes), the
	// report published only here, and the old URL of the re-published report.
	tzgg := &column{portal: p, name: "通知公告", dir: "/zwgk/tzgg/", perPage: 5, pager: "A", enc: encUTF8, crumbs: []link{{text: "政务公开", href: "/zwgk/"}}}
	onlyNotice.column = tzgg
	onlyNotice.paths = []string{tzgg.dir + datePath(onlyNotice.published, onlyNotice.id) + ".html"}
	w.special(20, "notice-only", p.name, onlyNotice.paths[0], "report linked only from 通知公告, not from any 年报 column", false)
	noticeDate, pointsDate := time.Date(2022, 12, 26, 9, 0, 0, 0, time.UTC), time.Date(2023, 3, 10, 9, 0, 0, 0, time.UTC)
	w.lookAlike(p, tzgg.dir+datePath(noticeDate, w.id())+".html", "关于报送2022年度政府信息公开工作年度报告的通知", "notice", "株洲市天元区人民政府办公室", 2022, noticeDate, tzgg)
	w.lookAlike(p, tzgg.dir+datePath(pointsDate, w.id())+".html", "株洲市天元区2023年政务公开工作要点", "points", "株洲市天元区", 2023, pointsDate, tzgg)
	tzgg.items = append(tzgg.items, entry(onlyNotice, onlyNotice.paths[0]))
	old := entry(gov2019, oldPath)
	old.date = gov2019.published
	tzgg.items = append(tzgg.items, old)
	fillers := []string{"关于开展政务公开业务培训的通知", "关于调整区政务服务中心办公时间的公告", "关于公布区级权责清单的通知", "关于开展“政府开放日”活动的通知",
		"关于征集2024年区政府重点民生实事项目的公告", "关于做好春节期间值班工作的通知", "关于公布政务服务事项目录的通知", "关于开展政务公开满意度调查的通知"}
	for i, t := range fillers {
		d := time.Date(2022+i%3, time.Month(1+i%12), 3+i, 9, 0, 0, 0, time.UTC)
		w.article(p, tzgg.dir+datePath(d, w.id())+".html", t, d, "<p>"+escape(t)+"，请各单位认真贯彻执行。</p>", tzgg)
	}
	byDateDesc(tzgg.items)
	w.registerColumn(tzgg)

	guideDate := time.Date(2023, 1, 5, 9, 0, 0, 0, time.UTC)
	guide := w.lookAlike(p, "/zwgk/zfxxgkzn/"+datePath(guideDate, w.id())+".html", "株洲市天元区人民政府政府信息公开指南", "guide", "株洲市天元区人民政府", 2023, guideDate, nil)
	zwgkLinks := []link{{text: "政府信息公开指南", href: guide}, {text: "政府信息公开年报", href: "/zwgk/zfxxgknb/"},
		{text: "通知公告", href: "/zwgk/tzgg/"}, {text: "政府信息公开年报（按年度）", href: "/zwgk/zfxxgknb/?from=timeline"}}
	w.staticPage(p, "/zwgk/", encUTF8, pageMeta{title: "政务公开", column: "政务公开", path: "/zwgk/"},
		func(c *ctx) string { return `<a name="gkml"></a>` + linkList(c, zwgkLinks) })

	// Redirects (case 8), canonicalisation (case 24) and robots (case 10).
	w.redirect(p, "/xxgk/nb.html", 301, link{href: "/xxgk/zfxxgknb/"})
	w.redirect(p, "/xxgk/zfxxgknb/", 302, link{href: "/zwgk/zfxxgknb/"})
	w.special(8, "redirect-chain", p.name, "/xxgk/nb.html", "301 → /xxgk/zfxxgknb/ → 302 → /zwgk/zfxxgknb/", false)
	w.redirect(p, "/zwgk/rss/", 302, link{href: "/zwgk/rss/"})
	w.special(8, "redirect-loop", p.name, "/zwgk/rss/", "redirects to itself", true)
	w.metaRefresh(p, "/xxgk/", link{href: "/zwgk/"})
	w.special(8, "meta-refresh", p.name, "/xxgk/", "old column forwarding by <meta http-equiv=refresh> to /zwgk/", false)
	w.special(8, "meta-refresh-other-host", p.name, "/bmxxgk/jyj/", "old department path forwarding by meta refresh to the department's new host", false)
	w.special(24, "tracking-param", p.name, "/zwgk/zfxxgknb/?from=timeline", "same page as /zwgk/zfxxgknb/", false)
	w.special(24, "index-alias", p.name, "/index.html", "same page as /", false)
	w.special(24, "fragment", p.name, "/zwgk/#gkml", "fragment of /zwgk/", false)
	w.staticPage(p, "/module/search/index.jsp", encUTF8, pageMeta{title: "站内搜索", column: "站内搜索", path: "/module/search/index.jsp"},
		func(c *ctx) string { return "<p>请输入关键词。</p>" })
	w.special(10, "robots-disallowed", p.name, "/module/search/index.jsp?searchword=%E5%B9%B4%E6%8A%A5", "linked from the home page, Disallowed by robots.txt: must never be fetched", false)
	robots := fmt.Sprintf("User-agent: *\nDisallow: /module/\nCrawl-delay: %s\n", seconds(w.opts.CrawlDelay))
	p.add("/robots.txt", &page{ctype: "text/plain", render: func(*ctx) []byte { return []byte(robots) }})
	w.special(10, "robots-disallow-crawl-delay", p.name, "/robots.txt", "Disallow: /module/ and Crawl-delay: "+seconds(w.opts.CrawlDelay), false)
	w.special(6, "gzip", p.name, "/", "gzip whenever the client accepts it, on every page of this portal", false)
	w.special(25, "etag-304", p.name, "/", "ETag and Last-Modified; 304 on If-None-Match or If-Modified-Since", false)

	homeLinks := []link{{text: "政府信息公开年报", href: "/zwgk/zfxxgknb/"}, {text: "部门信息公开", href: "/bmxxgk/"},
		{text: "通知公告", href: "/zwgk/tzgg/"}, {text: "信息公开（旧版）", href: "/xxgk/"}, {text: "年报（旧链接）", href: "/xxgk/nb.html"},
		{text: "政务公开目录", href: "/zwgk/#gkml"}, {text: "首页", href: "/index.html"}, {text: "RSS订阅", href: "/zwgk/rss/"},
		{text: "站内搜索", href: "/module/search/index.jsp?searchword=%E5%B9%B4%E6%8A%A5"}}
	w.home(p, homeLinks, encUTF8)
}

func seconds(d time.Duration) string {
	return fmt.Sprint(d.Seconds())
}

// relTo is the path of target relative to the folder dir (both rooted).
func relTo(dir, target string) string {
	if len(target) >= len(dir) && target[:len(dir)] == dir {
		return target[len(dir):]
	}
	panic("testsite: " + target + " is not under " + dir)
}

// attachTRS attaches a PDF (and, for reports published as both, a DOCX) in the
// article's folder, linked relatively as TRS does (./P0….pdf).
func (w *world) attachTRS(it *reportItem, onlyPDF bool) {
	dir := dirOf(it.paths[0])
	name := w.pdfName(it.published)
	it.attachments = append(it.attachments, &attachment{path: dir + name + ".pdf", name: it.title + ".pdf", kind: "pdf",
		ctype: "application/pdf", link: "./" + name + ".pdf"})
	if it.publication == Attachment {
		// Attachment-only reports on this portal are served as a generic download.
		it.attachments[0].ctype = "application/octet-stream"
		w.special(4, "octet-stream", it.portal.name, it.attachments[0].path, "PDF served as application/octet-stream", false)
	}
	if !onlyPDF {
		name := w.pdfName(it.published)
		it.attachments = append(it.attachments, &attachment{path: dir + name + ".docx", name: it.title + ".docx", kind: "docx",
			ctype: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", link: "./" + name + ".docx"})
	}
}

// attachDocxOnly attaches a DOCX holding the report, linked relatively.
func (w *world) attachDocxOnly(it *reportItem) {
	dir := dirOf(it.paths[0])
	name := w.pdfName(it.published)
	it.attachments = append(it.attachments, &attachment{path: dir + name + ".docx", name: it.title + ".docx", kind: "docx",
		ctype: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", link: "./" + name + ".docx"})
}

func dirOf(p string) string {
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] == '/' {
			return p[:i+1]
		}
	}
	return "/"
}
