// Package hostmatch holds the one rule for which hosts a portal's crawl may
// visit, shared by the configuration's checks and the crawler.
package hostmatch

import (
	"net"
	"strings"
)

// Covered says whether a host (as in a URL: a name, maybe with a port) is one of
// the domains or below one: portals put departments on xxgk. and dept. hosts. A
// domain without a port covers every port of its hosts, since some portals serve
// their columns on :8080 or :81; a domain with a port covers only that port.
func Covered(host string, domains []string) bool {
	full := strings.ToLower(strings.TrimSuffix(host, "."))
	name := full
	if h, _, err := net.SplitHostPort(full); err == nil {
		name = h
	}
	for _, d := range domains {
		d = strings.ToLower(strings.TrimSpace(d))
		if d == "" {
			continue
		}
		h := name
		if _, _, err := net.SplitHostPort(d); err == nil {
			h = full
		}
		if h == d || strings.HasSuffix(h, "."+d) {
			return true
		}
	}
	return false
}
