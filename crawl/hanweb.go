package crawl

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/PuerkitoBio/goquery"
)

// Hanweb JCMS columns (portals.md F2): the first records sit in the column page
// as CDATA in a <datastore>; the rest come from dataproxy.jsp, asked for records
// startrecord…endrecord (counted from 1) by POST with a form, or by GET with the
// same fields in the query, with the column page as Referer; some servers page
// the column page itself (index.html?uid=<unitid>&pageNum=<n>). Which one a
// portal answers is found by trying them in that order, on the dataproxy path
// the page names first and then on the three paths Hanweb sites use.
const (
	viaHanwebPost    = "hanweb-post"
	viaHanwebGet     = "hanweb-get"
	viaHanwebPageNum = "hanweb-pagenum"
	// viaHanwebNextgroup pages by the datastore's <nextgroup> URL, page=N
	// rewritten: the only way on sites whose column and unit ids in it are
	// encrypted (portals.md F2b, nhsa, nrta).
	viaHanwebNextgroup = "hanweb-nextgroup"
)

// hanwebProxyPaths are where dataproxy.jsp sits on Hanweb sites of each age.
var hanwebProxyPaths = []string{"/module/web/jpage/dataproxy.jsp", "/module/jpage/dataproxy.jsp", "/module/jslib/jquery/jpage/dataproxy.jsp"}

var (
	hanwebUnit     = regexp.MustCompile(`\$\(\s*['"]#(\w+)['"]\s*\)\s*\.jpage\(|param_(\w+)\s*=|\bunitid\s*[=:]\s*['"]?(\w+)`)
	hanwebColumn   = regexp.MustCompile(`\bcolumnid\s*[=:]\s*['"]?(\w+)`)
	hanwebWeb      = regexp.MustCompile(`\bwebid\s*[=:]\s*['"]?(\w+)`)
	hanwebWebname  = regexp.MustCompile(`\bwebname\s*[=:]\s*['"]?([^&'"]+)`)
	hanwebTotal    = regexp.MustCompile(`\btotalRecord\s*:\s*['"]?(\d+)`)
	hanwebPerPage  = regexp.MustCompile(`\bperPage\s*:\s*['"]?(\d+)`)
	hanwebProxy    = regexp.MustCompile(`(?:proxyUrl\s*:\s*['"]|href=["']?)([^'"\s>?]*dataproxy\.jsp)`)
	hanwebColPath  = regexp.MustCompile(`/col/col(\d+)/`)
	hanwebRecordRe = regexp.MustCompile(`<record>|<record\s`)
	hanwebNextURL  = regexp.MustCompile(`(?s)<nextgroup>\s*<!\[CDATA\[\s*<a[^>]*\bhref\s*=\s*["']([^"']+)["']`)
)

// hanwebColumnInfo is what a Hanweb column page says about its list.
type hanwebColumnInfo struct {
	unit, column, web, webname string
	proxy                      string // the dataproxy path the page names, if any
	total, perPage, inPage     int    // records in all, per page, and in the page itself
	nextgroup                  string // the <nextgroup> URL, if the datastore has one
}

// readHanweb reads a column page's datastore and jpage settings. ok is false for
// a page that is not a Hanweb column with a list.
func readHanweb(doc *goquery.Selection, page *url.URL) (hanwebColumnInfo, bool) {
	var js strings.Builder
	var info hanwebColumnInfo
	doc.Find("script").Each(func(_ int, s *goquery.Selection) {
		t := s.Text()
		js.WriteString(t)
		js.WriteByte('\n')
		if typ, _ := s.Attr("type"); strings.EqualFold(typ, "text/xml") {
			if id, ok := s.Parent().Attr("id"); ok && info.unit == "" {
				info.unit = id
			}
			info.inPage += len(hanwebRecordRe.FindAllStringIndex(t, -1))
		}
	})
	text := js.String()
	if !strings.Contains(text, "jpage") && !strings.Contains(text, "<datastore>") && !strings.Contains(text, "dataproxy") {
		return info, false
	}
	if info.unit == "" {
		if m := hanwebUnit.FindStringSubmatch(text); m != nil {
			info.unit = m[1] + m[2] + m[3]
		}
	}
	if m := hanwebColumn.FindStringSubmatch(text); m != nil {
		info.column = m[1]
	} else if m := hanwebColPath.FindStringSubmatch(page.Path); m != nil {
		info.column = m[1]
	}
	if m := hanwebWeb.FindStringSubmatch(text); m != nil {
		info.web = m[1]
	}
	if m := hanwebWebname.FindStringSubmatch(text); m != nil {
		info.webname, _ = url.QueryUnescape(m[1])
	}
	if m := hanwebProxy.FindStringSubmatch(text); m != nil {
		info.proxy = m[1]
	}
	if m := hanwebTotal.FindStringSubmatch(text); m != nil {
		info.total, _ = strconv.Atoi(m[1])
	}
	if m := hanwebPerPage.FindStringSubmatch(text); m != nil {
		info.perPage, _ = strconv.Atoi(m[1])
	}
	if m := hanwebNextURL.FindStringSubmatch(text); m != nil {
		info.nextgroup = strings.ReplaceAll(m[1], "&amp;", "&")
	}
	if info.unit == "" || info.column == "" {
		return info, info.nextgroup != ""
	}
	if info.perPage <= 0 {
		info.perPage = 15
	}
	return info, true
}

// encrypted says whether the column and unit ids the page gives are not the
// numbers Hanweb uses but an encrypted form, which only the <nextgroup> URL
// carries to the server as it should.
func (h hanwebColumnInfo) encrypted() bool {
	if h.nextgroup == "" {
		return false
	}
	u, err := url.Parse(h.nextgroup)
	if err != nil {
		return false
	}
	q := u.Query()
	return !isDigits(q.Get("columnid")) || !isDigits(q.Get("unitid"))
}

// hanwebNextgroup is the request of a <nextgroup> URL (resolved against the
// column page), for the page it names.
func hanwebNextgroup(from Item, column *url.URL, next string, inReportColumn bool) (Item, bool) {
	u, err := column.Parse(next)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return Item{}, false
	}
	req := Item{URL: u.String(), Key: Canonical(u.String()), Portal: from.Portal, Kind: KindList, Depth: from.Depth, From: from.URL,
		Referer: column.String(), Via: viaHanwebNextgroup, Priority: PriorityOther, InReportColumn: inReportColumn,
		Text: "nextgroup page " + u.Query().Get("page")}
	if inReportColumn {
		req.Priority = PriorityReportList
	}
	return req, true
}

// group is how many records one dataproxy request asks for: the size of the
// group the page itself holds (older sites show 45 records and page by 45 with
// perpage=15), else the page size.
func (h hanwebColumnInfo) group() int {
	if h.inPage >= h.perPage {
		return h.inPage
	}
	return h.perPage
}

// form is the dataproxy fields, as a form body or a query.
func (h hanwebColumnInfo) form() url.Values {
	v := url.Values{}
	v.Set("col", "1")
	v.Set("appid", "1")
	v.Set("webid", h.web)
	v.Set("path", "/")
	v.Set("columnid", h.column)
	v.Set("sourceContentType", "1")
	v.Set("unitid", h.unit)
	v.Set("webname", h.webname)
	v.Set("permissiontype", "0")
	return v
}

// hanwebStart makes the first request for a column's further records, if the
// page does not hold them all.
func hanwebStart(it Item, doc *goquery.Selection, page *url.URL, inReportColumn bool) []Item {
	info, ok := readHanweb(doc, page)
	if !ok || (info.total > 0 && info.inPage >= info.total) {
		return nil
	}
	if info.encrypted() {
		if req, ok := hanwebNextgroup(it, page, info.nextgroup, inReportColumn); ok {
			return []Item{req}
		}
		return nil
	}
	proxy := info.proxy
	if proxy == "" {
		proxy = hanwebProxyPaths[0]
	}
	return []Item{hanwebRequest(it, page.String(), info, proxy, viaHanwebPost, info.inPage+1, inReportColumn)}
}

// hanwebRequest asks for the group of records starting at start.
func hanwebRequest(from Item, column string, info hanwebColumnInfo, proxy, via string, start int, inReportColumn bool) Item {
	col, _ := url.Parse(column)
	req := Item{Portal: from.Portal, Kind: KindList, Depth: from.Depth, From: from.URL, Referer: column, Via: via,
		Priority: PriorityOther, InReportColumn: inReportColumn}
	if inReportColumn {
		req.Priority = PriorityReportList
	}
	group := info.group()
	q := url.Values{}
	q.Set("startrecord", strconv.Itoa(start))
	q.Set("endrecord", strconv.Itoa(start+group-1))
	q.Set("perpage", strconv.Itoa(info.perPage))
	switch via {
	case viaHanwebPost:
		u := col.ResolveReference(&url.URL{Path: proxy, RawQuery: q.Encode()})
		req.URL, req.Method, req.Body, req.BodyType = u.String(), http.MethodPost, info.form().Encode(), "application/x-www-form-urlencoded"
		req.Key = PostKey(Canonical(req.URL), req.Body)
	case viaHanwebGet:
		for k, vs := range info.form() {
			q[k] = vs
		}
		req.URL = col.ResolveReference(&url.URL{Path: proxy, RawQuery: q.Encode()}).String()
		req.Key = Canonical(req.URL)
	case viaHanwebPageNum:
		page := start/group + 1 // the column page is page 1
		u := *col
		u.RawQuery = url.Values{"uid": {info.unit}, "pageNum": {strconv.Itoa(page)}}.Encode()
		req.URL = u.String()
		req.Key = Canonical(req.URL)
	}
	req.Text = fmt.Sprintf("records %d–%d", start, start+group-1)
	return req
}

// hanwebState reads back what a dataproxy request was: the column's settings,
// the proxy path and the first record asked for.
func hanwebState(it Item) (info hanwebColumnInfo, proxy string, start int, ok bool) {
	u, err := url.Parse(it.URL)
	if err != nil {
		return info, "", 0, false
	}
	q := u.Query()
	fields := q
	if it.Method == http.MethodPost {
		if fields, err = url.ParseQuery(it.Body); err != nil {
			return info, "", 0, false
		}
	}
	info = hanwebColumnInfo{unit: fields.Get("unitid"), column: fields.Get("columnid"), web: fields.Get("webid"), webname: fields.Get("webname")}
	if it.Via == viaHanwebPageNum {
		info.unit = q.Get("uid")
	}
	start, _ = strconv.Atoi(q.Get("startrecord"))
	end, _ := strconv.Atoi(q.Get("endrecord"))
	info.perPage, _ = strconv.Atoi(q.Get("perpage"))
	info.inPage = end - start + 1
	if it.Via == viaHanwebPageNum {
		// The words of the request keep its range: "records 46–90".
		fmt.Sscanf(strings.ReplaceAll(it.Text, "–", " "), "records %d %d", &start, &end)
		info.inPage = end - start + 1
	}
	if info.perPage <= 0 {
		info.perPage = max(info.inPage, 1)
	}
	return info, u.Path, start, start > 0 && info.inPage > 0
}

// hanwebNext asks for the next group after an answer that brought records.
func hanwebNext(it Item, records int) []Item {
	if it.Via == viaHanwebNextgroup {
		u, err := url.Parse(it.URL)
		if err != nil || records == 0 {
			return nil
		}
		q := u.Query()
		n, err := strconv.Atoi(q.Get("page"))
		if err != nil {
			return nil
		}
		q.Set("page", strconv.Itoa(n+1))
		u.RawQuery = q.Encode()
		col, err := url.Parse(it.Referer)
		if err != nil {
			return nil
		}
		req, ok := hanwebNextgroup(it, col, u.String(), it.InReportColumn)
		if !ok {
			return nil
		}
		return []Item{req}
	}
	info, proxy, start, ok := hanwebState(it)
	if !ok || records == 0 {
		return nil
	}
	return []Item{hanwebRequest(it, it.Referer, info, proxy, it.Via, start+info.group(), it.InReportColumn)}
}

// hanwebFallback is the next way to ask when the first request of a column
// brought nothing (not found, refused, an empty answer): GET after POST, the
// next dataproxy path, and last the column page's own pageNum.
func hanwebFallback(it Item) []Item {
	info, proxy, start, ok := hanwebState(it)
	if !ok {
		return nil
	}
	var next []Item
	switch it.Via {
	case viaHanwebPost:
		next = append(next, hanwebRequest(it, it.Referer, info, proxy, viaHanwebGet, start, it.InReportColumn))
	case viaHanwebGet:
		for i, p := range hanwebProxyPaths {
			if p == proxy {
				if i+1 < len(hanwebProxyPaths) {
					next = append(next, hanwebRequest(it, it.Referer, info, hanwebProxyPaths[i+1], viaHanwebPost, start, it.InReportColumn))
				}
				break
			}
			if i == len(hanwebProxyPaths)-1 {
				// The page named a path of its own: then the usual ones.
				next = append(next, hanwebRequest(it, it.Referer, info, hanwebProxyPaths[0], viaHanwebPost, start, it.InReportColumn))
			}
		}
		if len(next) == 0 {
			next = append(next, hanwebRequest(it, it.Referer, info, proxy, viaHanwebPageNum, start, it.InReportColumn))
		}
	}
	for i := range next {
		next[i].From = it.From
	}
	return next
}

// hanwebRecords counts the records of a dataproxy answer or a column page.
func hanwebRecords(doc *goquery.Selection) int {
	n := 0
	for _, f := range embeddedHTML(doc) {
		n += f.Find("a[href]").Length()
	}
	return n
}
