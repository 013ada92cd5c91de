package crawl

import (
	"net/url"
	"regexp"

	"gongkai/report"
)

// Kind says what a URL is expected to be, which decides how it is fetched and
// what is done with it.
type Kind string

const (
	KindList       Kind = "list"       // a column, list or navigation page: links are followed
	KindReport     Kind = "report"     // a candidate report page: parsed, its attachments fetched
	KindAttachment Kind = "attachment" // a document linked from a report: archived byte for byte
)

var (
	// columnWords are the words of links that lead towards the annual-report
	// column, department and township sub-sites, or the notices column where
	// reports also turn up.
	columnWords = regexp.MustCompile(`信息公开|政务公开|公开目录|公开年报|年度报告|年报|部门|乡镇|街道|镇人民政府|乡人民政府|办事处|区直|县直|市直|单位|通知公告|公示公告|法定主动公开|政府文件|专栏`)
	// columnPaths are the path words portals use for the same columns.
	columnPaths = regexp.MustCompile(`(?i)(^|/)(zwgk|xxgk|zfxxgk|zfxxgkml|gkml|xxgkml|gkmlpt|zfxxgknb|xxgknb|ndbg|zfxxgkndbg|zfxxgkgzndbg|nb|nianbao|bmxxgk|bmxz|zcbm|bmgk|xzjd|jdbsc|xzxxgk|tzgg|gsgg|col)([_/\d]|$)|/col/col\d+|nb_?\d*/|ndbg`)
	// reportColumn recognises a list page of the annual-report column itself, where
	// every article is worth opening even when its title is cut short.
	reportColumn = regexp.MustCompile(`(?i)zfxxgknb|xxgknb|ndbg|nianbao|/nb[_/]|年报|年度报告`)
	// articlePath matches the URL shapes of articles on the common platforms
	// (TRS t20230118_123.html, Hanweb art_1_2.html, gkmlpt post_123.html, VSB
	// /info/1308/19387.htm, content_123.html).
	articlePath = regexp.MustCompile(`(?i)/t\d{8}_\d+\.s?html?$|/art_\d+_\d+\.html$|/art_[0-9a-f]{32}\.html$|/post_\d+\.html$|/info/\d+/\d+\.s?html?$|/content_\d+\.s?html?$|/\d{6}/[\w\-]+\.s?html?$`)
)

// target is a link the crawl will follow, and why.
type target struct {
	URL            *url.URL
	Kind           Kind
	Depth          int
	Text           string
	Priority       int
	InReportColumn bool
	Listed         string // the date the list gave it
}

// page is what the crawl knows about the page links were found on.
type page struct {
	URL      *url.URL
	Kind     Kind
	Title    string
	Depth    int
	IsReport bool // the page parsed as a report
	// InReportColumn: the page was reached as a page of a report column's list.
	InReportColumn bool
	// Answer: the page is a list API's answer, whose links are its items:
	// articles and their attachments, never columns to walk.
	Answer bool
}

// inReportColumn says whether the page is (a page of) an annual-report column.
func (p page) inReportColumn() bool {
	return p.InReportColumn || reportColumn.MatchString(p.URL.Path) || reportColumn.MatchString(p.Title)
}

// choose decides which of a page's links the crawl follows, and how much each is
// wanted. It follows links towards the report column, the pages of lists,
// articles whose title names a report (or any article of the report column), and
// the attachments of reports; nothing else of a portal is fetched.
func choose(p page, links []link, portal *Portal, maxDepth int) []target {
	inReportColumn := p.inReportColumn()
	var out []target
	for _, l := range links {
		if !hostAllowed(l.URL.Host, portal.Domains) {
			continue
		}
		text := l.Text
		n := len(out)
		switch {
		case l.Redirect:
			out = append(out, target{l.URL, p.Kind, p.Depth, text, PriorityColumn, p.InReportColumn, ""})
		case isAttachment(l.URL):
			if p.IsReport || report.IsReportTitle(text) || (inReportColumn && report.NamesReport(text)) {
				out = append(out, target{l.URL, KindAttachment, p.Depth + 1, text, PriorityReport, false, ""})
			}
		case report.IsReportTitle(text):
			out = append(out, target{l.URL, KindReport, p.Depth + 1, text, PriorityReport, false, ""})
		case report.LookAlike(text) != "" && report.NamesReport(text):
			// A notice about reports, a guide: never a report, never a column.
		case p.Answer && inReportColumn:
			out = append(out, target{l.URL, KindReport, p.Depth + 1, text, PriorityReport, false, ""})
		case p.Answer:
			// An item whose title names no report, of a list that is not the
			// report column's.
		case p.IsReport:
			// A report page's other links are chrome: related articles, navigation.
		case l.Paging && inReportColumn:
			// Further pages of one list cost no depth.
			out = append(out, target{l.URL, KindList, p.Depth, text, PriorityReportList, true, ""})
		case l.Paging:
			out = append(out, target{l.URL, KindList, p.Depth, text, PriorityOther, false, ""})
		case inReportColumn && articlePath.MatchString(l.URL.Path):
			out = append(out, target{l.URL, KindReport, p.Depth + 1, text, PriorityReport, false, ""})
		case p.Depth+1 <= maxDepth && !articlePath.MatchString(l.URL.Path) &&
			(columnWords.MatchString(text) || columnPaths.MatchString(l.URL.Path) || portal.matchesHint(l.URL)):
			// An article about 政务公开 is not a column: only column-shaped URLs are.
			out = append(out, target{l.URL, KindList, p.Depth + 1, text, columnPriority(l.URL, text), false, ""})
		}
		if len(out) > n {
			out[n].Listed = l.Date
		}
	}
	return out
}

// columnPriority ranks a link to a list page: the report column itself first,
// then what leads towards it, then lists followed only on a hint.
func columnPriority(u *url.URL, text string) int {
	switch {
	case reportColumn.MatchString(u.Path) || reportColumn.MatchString(text):
		return PriorityColumn
	case columnWords.MatchString(text) || columnPaths.MatchString(u.Path):
		return PriorityToward
	}
	return PriorityOther
}
