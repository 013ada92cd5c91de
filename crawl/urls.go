package crawl

import (
	"net/url"
	"path"
	"regexp"
	"sort"
	"strings"

	"gongkai/internal/hostmatch"
)

// Trap limits: a URL longer than this, or whose path repeats a segment this often,
// or whose query repeats a parameter, is a crawler trap (calendars, session ids,
// relative links resolved against themselves), not a report.
const (
	maxURLLength       = 512
	maxSegmentRepeats  = 3
	maxQueryParameters = 12
)

// trackingParams are query parameters that portals and share buttons add without
// changing the page; dropping them makes one page one URL.
var trackingParams = map[string]bool{
	"from": true, "spm": true, "utm_source": true, "utm_medium": true, "utm_campaign": true,
	"utm_content": true, "utm_term": true, "isappinstalled": true, "share_token": true, "timestamp": true, "_t": true,
}

// Canonical returns the form of a URL under which it is crawled and stored: scheme
// and host lower-cased, default port and fragment dropped, /index.html and
// /index.shtml folded into the folder, tracking parameters removed and the rest
// sorted. Query strings that identify a document (Hanweb's area=…&fbtime=…) are
// kept. It returns "" for what is not an http(s) URL.
func Canonical(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	u.Scheme = strings.ToLower(u.Scheme)
	u.Host = strings.ToLower(u.Host)
	if (u.Scheme == "http" && u.Port() == "80") || (u.Scheme == "https" && u.Port() == "443") {
		u.Host = u.Hostname()
	}
	u.Fragment, u.RawFragment = "", ""
	if u.Path == "" {
		u.Path = "/"
	}
	u.Path = cleanPath(u.Path)
	u.RawPath = ""
	base := path.Base(u.Path)
	if base == "index.html" || base == "index.shtml" || base == "index.htm" || base == "default.html" {
		u.Path = strings.TrimSuffix(u.Path, base)
	}
	if u.RawQuery != "" {
		q := u.Query()
		for k := range q {
			if trackingParams[strings.ToLower(k)] {
				q.Del(k)
			}
		}
		keys := make([]string, 0, len(q))
		for k := range q {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var parts []string
		for _, k := range keys {
			for _, v := range q[k] {
				parts = append(parts, url.QueryEscape(k)+"="+url.QueryEscape(v))
			}
		}
		u.RawQuery = strings.Join(parts, "&")
	}
	u.ForceQuery = false
	return u.String()
}

// cleanPath resolves . and .. but keeps a trailing slash, which portals use to
// tell a column (folder) from a page.
func cleanPath(p string) string {
	slash := strings.HasSuffix(p, "/")
	p = path.Clean(p)
	if slash && p != "/" {
		p += "/"
	}
	return p
}

// isTrap reports URLs that lead crawlers in circles.
func isTrap(u *url.URL) string {
	s := u.String()
	if len(s) > maxURLLength {
		return "URL longer than 512 characters"
	}
	counts := map[string]int{}
	for _, seg := range strings.Split(u.Path, "/") {
		if seg == "" {
			continue
		}
		counts[seg]++
		if counts[seg] >= maxSegmentRepeats {
			return "path repeats the segment " + seg
		}
	}
	q := u.Query()
	if len(q) > maxQueryParameters {
		return "too many query parameters"
	}
	for k, vs := range q {
		if len(vs) > 1 {
			return "query repeats the parameter " + k
		}
	}
	return ""
}

var attachmentExt = regexp.MustCompile(`(?i)\.(pdf|docx?|wps|xlsx?|et|ofd|zip|rar|jpe?g|png|tiff?)$`)

// isAttachment tells a link to a document (PDF, Word, WPS, spreadsheet, a scan
// as a picture) from a page, by its path or by the download scripts portals use.
func isAttachment(u *url.URL) bool {
	if attachmentExt.MatchString(u.Path) {
		return true
	}
	p := strings.ToLower(u.Path)
	if strings.Contains(p, "downfile") || strings.Contains(p, "download") || strings.HasPrefix(p, "/attach/") {
		for _, k := range []string{"filename", "showname", "file", "fileName"} {
			if attachmentExt.MatchString(u.Query().Get(k)) {
				return true
			}
		}
		return strings.HasPrefix(p, "/attach/")
	}
	return false
}

// hostAllowed says whether a host is one of the portal's domains, by the rule
// the configuration checks its start URLs with.
func hostAllowed(host string, domains []string) bool { return hostmatch.Covered(host, domains) }
