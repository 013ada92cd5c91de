package crawl

import (
	"fmt"
	"net/url"
	"path"
	"regexp"
	"strconv"
	"strings"
)

// maxPagingPages caps pages generated from one pagination script.
const maxPagingPages = 500

// The pagination scripts of static list pages (portals.md F1). Their page links
// exist only once the script runs, so the crawler computes them.
var (
	// TRS signature A and Chongqing's createPage: (count, current, "index",
	// "html"), pages counted from 0: index.html, index_1.html … index_{count-1}.html.
	pagerA = regexp.MustCompile(`createPage(?:HTML)?\(\s*(\d+)\s*,\s*(\d+)\s*,\s*["']([\w\-]+)["']\s*,\s*["'](\w+)["']`)
	// TRS signature B: createPageHTML('page_div', count, current, 'list', 'shtml', records),
	// pages counted from 1: list.shtml, list_2.shtml … list_{count}.shtml.
	pagerB = regexp.MustCompile(`createPageHTML\(\s*["'][\w\-]+["']\s*,\s*(\d+)\s*,\s*(\d+)\s*,\s*["']([\w\-]+)["']\s*,\s*["'](\w+)["']`)
	// A page count in a variable or an option: var countPage = 56//共多少页 (MEE,
	// 邯郸), $(".pagination").pagination({totalPage: 12}) (Shanghai), pageCount,
	// contenpage, pages.
	pagerCount = regexp.MustCompile(`\b(countPage|totalPages?|pageCount|pagecount|contenpage|totalpage|pages)\s*[:=]\s*["']?(\d+)`)
	// The page names a pager script writes: "index_"+i+".shtml".
	pagerName = regexp.MustCompile(`["']([\w\-]+)_["']\s*\+\s*\(?\s*\w+\s*(?:[+\-]\s*1\s*)?\)?\s*\+\s*["']\.(s?html?)\\?["']`)
	// A list page's own file name with its page number: index_3.shtml, home_0.htm.
	numberedPage = regexp.MustCompile(`^(.+)_(\d+)\.(s?html?)$`)
	// A file name extension a script mentions.
	scriptExt = regexp.MustCompile(`\.(s?html?)["']`)
)

// pagingScript reads the pagination scripts of a list page and returns the URLs
// (relative to the page) of every page of the list.
func pagingScript(js string, page *url.URL) []string {
	if m := pagerB.FindStringSubmatch(js); m != nil {
		count, _ := strconv.Atoi(m[1])
		return pageNames(m[3], m[4], false, 1, count)
	}
	if m := pagerA.FindStringSubmatch(js); m != nil {
		count, _ := strconv.Atoi(m[1])
		return pageNames(m[3], m[4], false, 0, count-1)
	}
	m := pagerCount.FindStringSubmatch(js)
	if m == nil {
		return nil
	}
	count, _ := strconv.Atoi(m[2])
	stem, ext, zero := listStem(js, page)
	if zero {
		// home_0.htm … home_{count-1}.htm (gov.cn): the first page is numbered too.
		return pageNames(stem, ext, true, 0, count-1)
	}
	// Whether a template counts its pages from 0 (index_1 is the second page,
	// MEE, 邯郸) or from 1 (index_2 is, Shanghai) is not in the variable; asking
	// for index_1 … index_count covers both, at the cost of one page not found.
	return pageNames(stem, ext, false, 0, count)
}

// pageNames lists stem.ext (page 0, unless zero says it is stem_0.ext) and
// stem_k.ext for k from 1 (or 0) up to last.
func pageNames(stem, ext string, zero bool, first, last int) []string {
	var out []string
	for k := first; k <= min(last, first+maxPagingPages-1); k++ {
		switch {
		case k == first && !zero:
			out = append(out, stem+"."+ext)
		default:
			out = append(out, fmt.Sprintf("%s_%d.%s", stem, k, ext))
		}
	}
	return out
}

// listStem finds the file names of a list's pages: from the names the script
// writes, else from the page's own name (index_3.shtml, home_0.htm), else
// index with the extension the script mentions (html if none). zero says page 0
// is stem_0 itself.
func listStem(js string, page *url.URL) (stem, ext string, zero bool) {
	if m := pagerName.FindStringSubmatch(js); m != nil {
		return m[1], m[2], false
	}
	base := path.Base(page.Path)
	if m := numberedPage.FindStringSubmatch(base); m != nil {
		return m[1], m[3], m[2] == "0"
	}
	if i := strings.LastIndexByte(base, '.'); i > 0 && !strings.HasSuffix(page.Path, "/") {
		return base[:i], base[i+1:], false
	}
	ext = "html"
	if m := scriptExt.FindStringSubmatch(js); m != nil {
		ext = m[1]
	}
	return "index", ext, false
}
