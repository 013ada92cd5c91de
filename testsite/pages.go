package testsite

import (
	"encoding/json"
	"fmt"
	"path"
	"strings"
	"time"
)

// CMS families the portals imitate; each has its own page shell and list markup.
const (
	cmsTRS    = "TRS WCM"
	cmsHanweb = "Hanweb JCMS"
	cmsLegacy = "legacy static pages"
	cmsGkml   = "政府信息公开目录平台"
	cmsSpam   = "SEO mirror"
)

// link is a link as a page prints it: a path of the page's own portal (root-relative
// or relative), or a path of another portal.
type link struct {
	text, href string
	other      string // portal of an absolute link to another host
}

func (c *ctx) href(l link) string {
	switch {
	case l.other != "":
		return c.abs(l.other, l.href)
	case strings.HasPrefix(l.href, "/"):
		return c.root(l.href)
	}
	return l.href
}

// pageMeta is what a page's shell needs to know about it.
type pageMeta struct {
	title   string
	column  string
	path    string    // the page's own path, for the Url meta tag
	pubDate time.Time // zero for pages that are not articles
	source  string
	head    string // extra <head> content (scripts)
	base    string // path for <base href>, if any
	refresh *link  // where a <meta http-equiv="refresh"> sends the reader, if anywhere
	crumbs  []link
}

// shell wraps a page body in its portal's template.
func shell(c *ctx, m pageMeta, enc encPlan, body string) string {
	p := c.portal
	var b strings.Builder
	switch p.cms {
	case cmsHanweb, cmsLegacy:
		b.WriteString(`<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">` + "\n<html xmlns=\"http://www.w3.org/1999/xhtml\">\n<head>\n")
	default:
		b.WriteString("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n")
	}
	if enc.meta != "" {
		b.WriteString(enc.meta + "\n")
	}
	if enc.stray {
		b.WriteString("<!--stray-->\n")
	}
	if p.cms != cmsLegacy {
		metaTag(&b, "SiteName", p.title)
		metaTag(&b, "SiteIDCode", p.siteID)
		metaTag(&b, "ColumnName", m.column)
		if !m.pubDate.IsZero() {
			metaTag(&b, "ArticleTitle", m.title)
			metaTag(&b, "PubDate", m.pubDate.Format("2006-01-02 15:04"))
			metaTag(&b, "ContentSource", m.source)
		}
		metaTag(&b, "Url", c.abs(p.name, m.path))
	}
	title := m.title
	if m.column != "" && m.column != m.title {
		title += "_" + m.column
	}
	fmt.Fprintf(&b, "<title>%s_%s</title>\n", escape(title), escape(p.title))
	if m.base != "" {
		fmt.Fprintf(&b, "<base href=\"%s\">\n", escape(c.abs(p.name, m.base)))
	}
	if m.refresh != nil {
		fmt.Fprintf(&b, "<meta http-equiv=\"refresh\" content=\"0; url=%s\">\n", escape(c.href(*m.refresh)))
	}
	b.WriteString(m.head)
	b.WriteString("</head>\n<body>\n")
	crumbs := append([]link{{text: "首页", href: "/"}}, m.crumbs...)
	var cr []string
	for _, l := range crumbs {
		cr = append(cr, fmt.Sprintf(`<a href="%s">%s</a>`, escape(c.href(l)), escape(l.text)))
	}
	nav := navLinks(c)
	switch p.cms {
	case cmsHanweb:
		b.WriteString(`<div id="barrierfree_container">` + "\n")
		b.WriteString(`<table width="1000" align="center" cellpadding="0" cellspacing="0" class="top"><tr><td class="logo">` + escape(p.title) + "</td></tr>\n<tr><td class=\"menu\">" + nav + "</td></tr></table>\n")
		b.WriteString(`<table width="1000" align="center" cellpadding="0" cellspacing="0"><tr><td class="position">当前位置：` + strings.Join(cr, " &gt; ") + "</td></tr></table>\n")
		b.WriteString(`<table width="1000" align="center" cellpadding="0" cellspacing="0" class="main"><tr><td valign="top">` + "\n" + body + "</td></tr></table>\n")
		b.WriteString(`<table width="1000" align="center" class="bottom"><tr><td>主办单位：` + escape(p.title) + "　网站标识码：" + p.siteID + "<br>本站为 gongkai 测试站点，内容均为虚构。</td></tr></table>\n</div>\n")
	case cmsLegacy:
		b.WriteString(`<table width="980" border="0" align="center" cellpadding="0" cellspacing="0"><tr><td height="90" class="banner"><font size="5" color="#B00000"><b>` + escape(p.title) + "</b></font></td></tr>\n<tr><td class=\"menu\">" + nav + "</td></tr></table>\n")
		b.WriteString(`<table width="980" border="0" align="center"><tr><td class="dqwz">您现在的位置：` + strings.Join(cr, " &gt;&gt; ") + "</td></tr>\n<tr><td class=\"nr\">\n" + body + "</td></tr></table>\n")
		fmt.Fprintf(&b, "<table width=\"980\" align=\"center\" class=\"footer\"><tr><td>友情链接：<a href=\"%s\" target=\"_blank\">政务信息公开网</a><br>版权所有：%s　本站为 gongkai 测试站点，内容均为虚构。</td></tr></table>\n", escape(c.abs(nameMirror, "/")), escape(p.title))
	default:
		b.WriteString(`<div class="header"><div class="logo">` + escape(p.title) + `</div><ul class="nav">` + nav + "</ul></div>\n")
		b.WriteString(`<div class="position">当前位置：` + strings.Join(cr, " &gt; ") + "</div>\n")
		b.WriteString(`<div class="main">` + "\n" + body + "</div>\n")
		b.WriteString(`<div class="footer"><p>主办：` + escape(p.title) + "　网站标识码：" + p.siteID + "</p><p>本站为 gongkai 测试站点，内容均为虚构。</p></div>\n")
	}
	b.WriteString("</body>\n</html>\n")
	return b.String()
}

func metaTag(b *strings.Builder, name, content string) {
	fmt.Fprintf(b, "<meta name=\"%s\" content=\"%s\">\n", name, escape(content))
}

// navLinks is the portal's main menu.
func navLinks(c *ctx) string {
	var b strings.Builder
	for _, l := range c.portal.menu {
		switch c.portal.cms {
		case cmsHanweb:
			fmt.Fprintf(&b, `<a href="%s" target="_blank">%s</a> `, escape(c.href(l)), escape(l.text))
		case cmsLegacy:
			fmt.Fprintf(&b, `<a href="%s"><font color="#FFFFFF">%s</font></a> | `, escape(c.href(l)), escape(l.text))
		default:
			fmt.Fprintf(&b, `<li><a href="%s">%s</a></li>`, escape(c.href(l)), escape(l.text))
		}
	}
	return b.String()
}

// articleBody is the article part of a report page: title, date line, content,
// attachments.
func articleBody(c *ctx, it *reportItem) string {
	var b strings.Builder
	content := reportContent(it, c.night)
	date := it.published.Format("2006-01-02 15:04")
	switch it.portal.cms {
	case cmsHanweb:
		b.WriteString(`<table width="100%" cellpadding="0" cellspacing="0">` + "\n")
		b.WriteString(`<tr><td class="title" align="center">` + escape(it.title) + "</td></tr>\n")
		b.WriteString(`<tr><td class="info" align="center">发布日期：` + date + `　信息来源：` + escape(it.organ.unit) + `　浏览次数：<script language="javascript" src="/module/visitcount/articlehits.jsp?colid=4521&artid=` + fmt.Sprint(it.id) + `"></script></td></tr>` + "\n")
		b.WriteString(`<tr><td id="zoom" class="bt_content"><!--ZJEG_RSS.content.begin--><meta name="ContentStart">` + "\n" + content + `<meta name="ContentEnd"><!--ZJEG_RSS.content.end--></td></tr>` + "\n")
		b.WriteString("</table>\n")
	case cmsLegacy:
		b.WriteString(`<table width="100%"><tr><td align="center"><font size="4"><b>` + escape(it.title) + "</b></font></td></tr>\n")
		b.WriteString(`<tr><td align="center">发布时间：` + it.published.Format("2006年01月02日") + "</td></tr>\n<tr><td class=\"content\">\n" + content + "</td></tr></table>\n")
	case cmsGkml:
		b.WriteString(`<div class="article"><h1>` + escape(it.title) + "</h1>\n")
		b.WriteString(`<div class="properties"><span>发布日期：` + it.published.Format("2006-01-02") + `</span><span>发布机构：` + escape(it.organ.unit) + "</span></div>\n")
		b.WriteString(`<div class="article-content" id="zoom">` + "\n" + content + "</div></div>\n")
	default:
		b.WriteString(`<div class="article"><h1 class="article_title">` + escape(it.title) + "</h1>\n")
		b.WriteString(`<div class="article_info"><span>发布时间：` + date + `</span> <span>来源：` + escape(it.organ.unit) + "</span></div>\n")
		b.WriteString(`<div class="article_content" id="zoom">` + "\n<div class=TRS_Editor>\n" + content + "</div></div></div>\n")
	}
	if len(it.attachments) > 0 {
		b.WriteString(`<div class="fujian">附件：<ul>` + "\n")
		for _, a := range it.attachments {
			fmt.Fprintf(&b, "<li><a href=\"%s\" target=\"_blank\">%s</a></li>\n", escape(c.href(link{href: a.link})), escape(a.name))
		}
		b.WriteString("</ul></div>\n")
	}
	return b.String()
}

// reportPage renders a report's article page at one of its paths.
func reportPage(c *ctx, it *reportItem, path string) string {
	col := it.column
	m := pageMeta{title: it.title, column: col.name, path: path, pubDate: it.published, source: it.organ.unit, crumbs: col.crumbs}
	return shell(c, m, it.enc, articleBody(c, it))
}

// column is a list of entries split over numbered pages.
type column struct {
	portal  *portal
	name    string
	dir     string // path of its folder, ending in /
	items   []listItem
	perPage int
	// pager is how further pages are announced: "A": createPageHTML(n, k,
	// "index", ext); "B": createPageHTML('page_div', n, k, 'list', 'shtml',
	// total); "createPage": Chongqing's createPage(n, k, "index", ext);
	// "countPage": var countPage = n and a document.write loop (MEE, 邯郸);
	// "totalPage": Shanghai's pagination({totalPage: n}), index_2 is page 2;
	// "home": var pageCount = n with pages home_0 … (gov.cn); "": none.
	pager string
	ext   string // extension of its pages (default html; htm for "home")
	// stubPages is how many pages beyond the last the pager announces: they
	// answer a 300-byte stub, as deep TRS pages do.
	stubPages int
	// commented repeats the list inside an HTML comment, with a stale entry that
	// no longer exists (Shanghai).
	commented bool
	// script writes the entries by script instead of markup: "document.write"
	// or "itemObj" (a JSON array whose URL is itself JSON).
	script string
	crumbs []link
	enc    encPlan
	base   string // path for <base href>, if any
	index  string // file name of the first page when not index.html
	first  string // first-request failure of its second page ("429"), if any
	coding string // content coding of its first page (page.enc), if any
}

// pageName is the file name of the column's page k (0-based).
func (col *column) pageName(k int) string {
	ext := col.ext
	if ext == "" {
		ext = "html"
	}
	switch {
	case col.pager == "B" && k == 0:
		return "list.shtml"
	case col.pager == "B":
		return fmt.Sprintf("list_%d.shtml", k+1)
	case col.pager == "home":
		return fmt.Sprintf("home_%d.%s", k, ext)
	case k == 0 && col.index != "":
		return col.index
	case k == 0:
		return "index." + ext
	case col.pager == "totalPage":
		return fmt.Sprintf("index_%d.%s", k+1, ext)
	}
	return fmt.Sprintf("index_%d.%s", k, ext)
}

func (col *column) pageCount(night int) int {
	if col.perPage == 0 {
		return 1
	}
	n := len(visibleItems(col.items, night))
	return max(1, (n+col.perPage-1)/col.perPage)
}

// register adds the column's pages, for as many pages as any night needs, and
// its folder path as an alias of the first.
func (w *world) registerColumn(col *column) {
	pages1, pages2 := col.pageCount(1), col.pageCount(2)
	for k := range max(pages1, pages2) {
		from := 1
		if pages1 <= k {
			from = 2
		}
		pg := &page{
			ctype:  col.enc.header,
			from:   from,
			mod:    listModified(col.items),
			render: func(c *ctx) []byte { return col.enc.encode(col.render(c, k)) },
			gone: func(night int) int {
				if night >= from && col.pageCount(night) <= k {
					return 404
				}
				return 0
			},
		}
		if k == 1 {
			pg.first = col.first
		}
		if k == 0 {
			pg.enc = col.coding
		}
		col.portal.add(col.dir+col.pageName(k), pg)
	}
	n := max(pages1, pages2)
	for k := n; k < n+col.stubPages; k++ {
		col.portal.add(col.dir+col.pageName(k), &page{ctype: "text/html", render: func(*ctx) []byte { return []byte(stubPage) }})
	}
	col.portal.alias(col.dir, col.dir+col.pageName(0))
}

// stubPage is what deep TRS list pages answer: some 300 bytes and no entries.
const stubPage = `<!DOCTYPE html><html><head><meta charset="utf-8"><title></title><style>.list{width:980px;margin:0 auto}.page{text-align:center}</style></head>
<body><div class="list"><ul></ul></div><div class="page"></div><!-- TRS: 模板生成的列表页 --></body></html>
`

// render writes page k of the column on a night.
func (col *column) render(c *ctx, k int) string {
	items := visibleItems(col.items, c.night)
	if col.perPage > 0 {
		items = items[min(k*col.perPage, len(items)):min((k+1)*col.perPage, len(items))]
	}
	var b strings.Builder
	p := col.portal
	switch {
	case p.cms == cmsHanweb:
		b.WriteString(`<table width="100%" class="list">` + "\n")
		for _, li := range items {
			href := escape(c.href(link{href: li.href, other: li.other}))
			a := fmt.Sprintf(`<a href="%s" title="%s" target="_blank">%s</a>`, href, escape(li.title), escape(li.text))
			if li.onclick {
				a = fmt.Sprintf(`<a href="javascript:void(0);" onclick="window.open('%s')" title="%s">%s</a>`, href, escape(li.title), escape(li.text))
			}
			fmt.Fprintf(&b, "<tr><td>·%s</td><td align=\"right\">[%s]</td></tr>\n", a, li.date.Format("2006-01-02"))
		}
		b.WriteString("</table>\n")
	case col.script == "document.write":
		// 海淀's rows: one document.write per entry, the date on the next line.
		b.WriteString(`<div class="list"><script type="text/javascript">` + "\n")
		for _, li := range items {
			fmt.Fprintf(&b, "document.write('<li><a href=\"%s\" target=\"_blank\">%s</a>');\ndocument.write('<span>[%s]</span></li>');\n",
				c.href(link{href: li.href, other: li.other}), escape(li.title), li.date.Format("2006-01-02"))
		}
		b.WriteString("</script></div>\n")
	case col.script == "itemObj":
		// 国家疾控局's list: a JSON array whose URL field is itself JSON.
		var rows []string
		for _, li := range items {
			u, _ := json.Marshal(map[string]string{"common": c.href(link{href: li.href, other: li.other})})
			row, _ := json.Marshal(map[string]string{"aT": li.title, "aPd": li.date.Format("2006-01-02 15:04"), "aU": string(u)})
			rows = append(rows, string(row))
		}
		b.WriteString(`<ul class="list" id="list"></ul><script type="text/javascript">var itemObj = [` + strings.Join(rows, ",") + "];\n" +
			`for (var i = 0; i < itemObj.length; i++) { var u = JSON.parse(itemObj[i].aU).common; $("#list").append('<li><a href="' + u + '">' + itemObj[i].aT + '</a></li>'); }` + "</script>\n")
	default:
		if col.commented {
			// A stale copy of the list that the template keeps in a comment.
			fmt.Fprintf(&b, "<!--\n<ul class=\"list\"><li><a href=\"%s\">%s</a></li></ul>\n-->\n", c.root(col.dir+"202001/t20200115_1.html"), "旧版栏目：政府信息公开工作年度报告")
		}
		b.WriteString(`<ul class="list">` + "\n")
		for _, li := range items {
			href := escape(c.href(link{href: li.href, other: li.other}))
			title := ""
			if li.title != li.text && !li.noTitleAttr {
				title = fmt.Sprintf(` title="%s"`, escape(li.title))
			}
			if li.onclick {
				fmt.Fprintf(&b, "<li><a href=\"javascript:void(0)\" onclick=\"window.open('%s')\"%s>%s</a><span>%s</span></li>\n", href, title, escape(li.text), li.date.Format("2006-01-02"))
				continue
			}
			fmt.Fprintf(&b, "<li><a href=\"%s\"%s target=\"_blank\">%s</a><span>%s</span></li>\n", href, title, escape(li.text), li.date.Format("2006-01-02"))
		}
		b.WriteString("</ul>\n")
	}
	n := col.pageCount(c.night)
	head := ""
	switch col.pager {
	case "A":
		head += pagerScriptA
		ext := strings.TrimPrefix(path.Ext(col.pageName(0)), ".")
		fmt.Fprintf(&b, "<div class=\"pagination\"><script type=\"text/javascript\">createPageHTML(%d, %d, \"index\", \"%s\");</script></div>\n", n+col.stubPages, k, ext)
	case "B":
		head += pagerScriptB
		fmt.Fprintf(&b, "<div id=\"page_div\" class=\"pagination\"></div>\n<script type=\"text/javascript\">createPageHTML('page_div', %d, %d, 'list', 'shtml', %d);</script>\n", n, k+1, len(visibleItems(col.items, c.night)))
	case "createPage":
		ext := strings.TrimPrefix(path.Ext(col.pageName(0)), ".")
		fmt.Fprintf(&b, "<div class=\"page\"><script type=\"text/javascript\">createPage(%d, %d, \"index\", \"%s\");</script></div>\n", n+col.stubPages, k, ext)
	case "countPage":
		ext := strings.TrimPrefix(path.Ext(col.pageName(0)), ".")
		fmt.Fprintf(&b, "<div class=\"page\"><script type=\"text/javascript\">var countnum=%d; var currentPage=%d; var countPage = %d//共多少页\n"+
			"for (var i = 1; i < countPage; i++) { document.write(\"<a href=\\\"index_\"+i+\".%s\\\">\"+(i+1)+\"</a> \"); }</script></div>\n",
			len(visibleItems(col.items, c.night)), k, n+col.stubPages, ext)
	case "totalPage":
		fmt.Fprintf(&b, "<div class=\"pagination\"></div>\n<script type=\"text/javascript\">$(\".pagination\").pagination({totalPage: %d, currentPage: %d, pageName: \"index\"});</script>\n", n+col.stubPages, k+1)
	case "home":
		fmt.Fprintf(&b, "<div class=\"pages\"><script type=\"text/javascript\">var pageCount = %d; var currentPage = %d;</script></div>\n", n+col.stubPages, k)
	}
	m := pageMeta{title: col.name, column: col.name, path: col.dir + col.pageName(k), head: head, crumbs: col.crumbs, base: col.base}
	return shell(c, m, col.enc, b.String())
}

// pagerScriptA is the classic TRS WCM pager: page k (0-based) is index_k.html. The
// page links exist only when the script runs (§5 case 14).
const pagerScriptA = `<script type="text/javascript">
function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt) {
	if (_nPageCount == null || _nPageCount <= 1) { return; }
	var nCurrIndex = _nCurrIndex || 0;
	var name = function (i) { return i == 0 ? _sPageName + "." + _sPageExt : _sPageName + "_" + i + "." + _sPageExt; };
	if (nCurrIndex > 0) { document.write("<a href=\"" + name(0) + "\">首页</a> <a href=\"" + name(nCurrIndex - 1) + "\">上一页</a> "); }
	if (nCurrIndex < _nPageCount - 1) { document.write("<a href=\"" + name(nCurrIndex + 1) + "\">下一页</a> <a href=\"" + name(_nPageCount - 1) + "\">尾页</a>"); }
	document.write(" 共" + _nPageCount + "页");
}
</script>
`

// pagerScriptB is the "page_div" pager: (div, pages, current page 1-based, prefix,
// extension, records); page 1 is list.shtml, page k is list_k.shtml (case 15).
const pagerScriptB = `<script type="text/javascript">
function createPageHTML(divId, totalPages, currentPage, prefix, ext, totalRecords) {
	var el = document.getElementById(divId);
	if (!el || totalPages <= 1) { return; }
	var name = function (i) { return i == 1 ? prefix + "." + ext : prefix + "_" + i + "." + ext; };
	var html = "共" + totalRecords + "条 ";
	for (var i = 1; i <= totalPages; i++) {
		html += i == currentPage ? "<span>" + i + "</span> " : "<a href='" + name(i) + "'>" + i + "</a> ";
	}
	el.innerHTML = html;
}
</script>
`

// simplePage renders a page that is neither a list nor a report: a look-alike, a
// guide, a home page.
func simplePage(c *ctx, m pageMeta, enc encPlan, body string) []byte {
	if !m.pubDate.IsZero() {
		var b strings.Builder
		switch c.portal.cms {
		case cmsHanweb:
			b.WriteString(`<table width="100%"><tr><td class="title" align="center">` + escape(m.title) + "</td></tr>\n")
			b.WriteString(`<tr><td class="info" align="center">发布日期：` + m.pubDate.Format("2006-01-02 15:04") + "</td></tr>\n")
			b.WriteString(`<tr><td id="zoom">` + body + "</td></tr></table>\n")
		default:
			b.WriteString(`<div class="article"><h1 class="article_title">` + escape(m.title) + "</h1>\n")
			b.WriteString(`<div class="article_info"><span>发布时间：` + m.pubDate.Format("2006-01-02 15:04") + "</span></div>\n")
			b.WriteString(`<div class="article_content" id="zoom"><div class=TRS_Editor>` + "\n" + body + "</div></div></div>\n")
		}
		body = b.String()
	}
	return enc.encode(shell(c, m, enc, body))
}

// linkList writes links as a plain menu (home pages, aggregator columns).
func linkList(c *ctx, links []link) string {
	var b strings.Builder
	b.WriteString(`<ul class="columns">` + "\n")
	for _, l := range links {
		fmt.Fprintf(&b, "<li><a href=\"%s\">%s</a></li>\n", escape(c.href(l)), escape(l.text))
	}
	b.WriteString("</ul>\n")
	return b.String()
}
