package testsite

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Request is one request the site answered, for tests of politeness (robots,
// Crawl-delay, Retry-After) and of incremental re-crawls (conditional headers).
type Request struct {
	Time        time.Time // when the answer was written
	Start       time.Time // when the request arrived: [Start, Time] is when it was in flight
	Portal      string
	Method      string
	URI         string // path and query as requested
	Status      int    // 0 when the connection was cut (reset mid-body, client gone)
	Conditional bool   // If-None-Match or If-Modified-Since was sent
	UserAgent   string
}

// server answers for all portals of a site with one set of bases. It counts
// requests per resource, so that "the first request fails" behaviours are
// deterministic for each server, and logs them.
type server struct {
	site  *Site
	bases map[string]string

	mu   sync.Mutex
	hits map[string]int
	log  []Request
}

func newServer(s *Site, bases map[string]string) *server {
	return &server{site: s, bases: bases, hits: map[string]int{}}
}

func (s *server) hit(key string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hits[key]++
	return s.hits[key]
}

func (s *server) record(p *portal, r *http.Request, status int, start time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = append(s.log, Request{Time: time.Now(), Start: start, Portal: p.name, Method: r.Method, URI: r.URL.RequestURI(), Status: status,
		Conditional: r.Header.Get("If-None-Match") != "" || r.Header.Get("If-Modified-Since") != "", UserAgent: r.UserAgent()})
}

func (s *server) requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.log...)
}

// pageKey is the identity of a resource: its path, and for Hanweb's download
// script the file it names (the query is the identity there, case 17).
func pageKey(path string, r *http.Request) string {
	if strings.HasSuffix(path, "/downfile.jsp") {
		return path + "?" + r.URL.RawQuery
	}
	return path
}

// serve answers a request for path (the portal's own path, prefix removed).
func (s *server) serve(w http.ResponseWriter, r *http.Request, p *portal, path string) {
	night := s.site.Night()
	c := &ctx{night: night, bases: s.bases, portal: p}
	start := time.Now()
	if d := s.site.opts.Latency; d > 0 {
		select {
		case <-r.Context().Done():
		case <-time.After(d):
		}
	}
	status := s.respond(w, r, p, path, c)
	s.record(p, r, status, start)
}

func (s *server) respond(w http.ResponseWriter, r *http.Request, p *portal, path string, c *ctx) int {
	key := pageKey(path, r)
	pg := p.pages[key]
	if pg != nil && pg.dynamic != nil {
		status, ctype, body := pg.dynamic(c, r)
		w.Header().Set("Content-Type", ctype)
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(status)
		w.Write(body)
		return status
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return http.StatusMethodNotAllowed
	}
	if pg == nil {
		if !strings.HasSuffix(path, "/") && p.pages[path+"/"] != nil {
			// Servers add the slash of a folder by redirecting.
			w.Header().Set("Location", c.root(path+"/"))
			w.WriteHeader(http.StatusMovedPermanently)
			return http.StatusMovedPermanently
		}
		return notFound(w, http.StatusNotFound)
	}
	if c.night < pg.from {
		return notFound(w, http.StatusNotFound)
	}
	if pg.gone != nil {
		if st := pg.gone(c.night); st != 0 {
			return notFound(w, st)
		}
	}
	if s.hit(p.name+key) == 1 {
		switch pg.first {
		case "429":
			w.Header().Set("Retry-After", strconv.Itoa(int(s.site.opts.RetryAfter.Round(time.Second)/time.Second)))
			http.Error(w, "Too Many Requests", http.StatusTooManyRequests)
			return http.StatusTooManyRequests
		case "503", "robots503":
			// An HTTP date has whole seconds: round up so the wait is never shorter.
			at := time.Now().Add(s.site.opts.RetryAfter).Add(time.Second).UTC()
			w.Header().Set("Retry-After", at.Format(http.TimeFormat))
			http.Error(w, "Service Unavailable", http.StatusServiceUnavailable)
			return http.StatusServiceUnavailable
		case "reset":
			resetMidBody(w, pg.ctype, pg.render(c))
			return 0
		}
	}
	if pg.slow {
		select {
		case <-time.After(s.site.opts.SlowDelay):
		case <-r.Context().Done():
			return 0
		}
	}
	body := pg.render(c)
	h := w.Header()
	if pg.ctype != "" {
		h.Set("Content-Type", pg.ctype)
	} else {
		// Without this, net/http would sniff and add a type the portal never sent.
		h["Content-Type"] = nil
	}
	for k, v := range pg.header {
		h.Set(k, v)
	}
	status := http.StatusOK
	if pg.status != 0 {
		status = pg.status
	}
	if status == http.StatusMovedPermanently || status == http.StatusFound {
		h.Set("Location", c.href(pg.location))
	}
	if status == http.StatusOK && notModified(w, r, p.cond, pg, c.night, body) {
		return http.StatusNotModified
	}
	body = encodeBody(w, r, p, pg, body)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
	return status
}

// notModified sets the validators the portal sends and answers 304 when the
// request's conditional headers match them.
func notModified(w http.ResponseWriter, r *http.Request, mode condMode, pg *page, night int, body []byte) bool {
	h := w.Header()
	lm := epoch
	if pg.mod != nil {
		lm = pg.mod(night)
	}
	sum := sha1.Sum(body)
	etag := `"` + hex.EncodeToString(sum[:8]) + `"`
	useETag, useLM := false, false
	switch mode {
	case condFull:
		useETag, useLM = true, true
	case condETag:
		useETag = true
	case condLastModified:
		useLM = true
	case condIgnore:
		h.Set("Last-Modified", lm.Format(http.TimeFormat))
		return false
	case condChangingLM:
		h.Set("Last-Modified", time.Now().UTC().Format(http.TimeFormat))
		return false
	}
	if useETag {
		h.Set("ETag", etag)
	}
	if useLM {
		h.Set("Last-Modified", lm.Format(http.TimeFormat))
	}
	match := false
	if inm := r.Header.Get("If-None-Match"); useETag && inm != "" {
		for _, t := range strings.Split(inm, ",") {
			if t = strings.TrimSpace(t); t == etag || t == "W/"+etag || t == "*" {
				match = true
			}
		}
	} else if ims := r.Header.Get("If-Modified-Since"); useLM && ims != "" {
		if t, err := http.ParseTime(ims); err == nil && !lm.Truncate(time.Second).After(t) {
			match = true
		}
	}
	if match {
		h.Del("Content-Type")
		w.WriteHeader(http.StatusNotModified)
	}
	return match
}

// encodeBody applies the page's content coding if the client accepts it (§5 case 6).
func encodeBody(w http.ResponseWriter, r *http.Request, p *portal, pg *page, body []byte) []byte {
	accept := r.Header.Get("Accept-Encoding")
	accepts := func(coding string) bool { return strings.Contains(accept, coding) }
	h := w.Header()
	switch {
	case pg.enc == "fake-gzip" && accepts("gzip"):
		h.Set("Content-Encoding", "gzip")
		return body
	case pg.enc == "deflate" && accepts("deflate"):
		var b bytes.Buffer
		zw := zlib.NewWriter(&b)
		zw.Write(body)
		zw.Close()
		h.Set("Content-Encoding", "deflate")
		return b.Bytes()
	case pg.enc == "raw-deflate" && accepts("deflate"):
		var b bytes.Buffer
		fw, _ := flate.NewWriter(&b, flate.DefaultCompression)
		fw.Write(body)
		fw.Close()
		h.Set("Content-Encoding", "deflate")
		return b.Bytes()
	case pg.enc == "" && p.gzip && accepts("gzip"):
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		zw.Write(body)
		zw.Close()
		h.Set("Content-Encoding", "gzip")
		h.Add("Vary", "Accept-Encoding")
		return b.Bytes()
	}
	return body
}

// notFound answers a missing or removed page.
func notFound(w http.ResponseWriter, status int) int {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	fmt.Fprintf(w, "<html><head><title>%d</title></head><body><h1>%d %s</h1></body></html>\n", status, status, http.StatusText(status))
	return status
}

// resetMidBody promises the whole body, sends half, and resets the connection
// (RST, not a clean close) as overloaded county servers do (§5 case 11).
func resetMidBody(w http.ResponseWriter, ctype string, body []byte) {
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		http.Error(w, "cannot hijack", http.StatusInternalServerError)
		return
	}
	fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n", ctype, len(body))
	buf.Write(body[:len(body)/2])
	buf.Flush()
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	conn.Close()
}

// Handler serves all portals on one listener, each under /NAME/, with an index of
// the portals at /. base is the URL the handler is reached at (http://HOST:PORT);
// pages and Truth use it. Per-host behaviours (robots.txt at the root, politeness
// per host) are only faithful with Start, which gives each portal its own host.
func (s *Site) Handler(base string) http.Handler {
	base = strings.TrimRight(base, "/")
	bases := s.handlerBases(base)
	s.setBases(bases)
	srv := newServer(s, bases)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rest := strings.TrimPrefix(r.URL.Path, "/")
		name, path, _ := strings.Cut(rest, "/")
		p := s.w.byName[name]
		if p == nil && r.URL.Path != "/" && r.URL.Path != "/robots.txt" {
			// A path from the root that a portal's script or list mechanism
			// asks from one of its pages (Hanweb's dataproxy.jsp, the jpaas
			// API) is that portal's, as it would be on a host of its own.
			if from := s.w.byName[refererPortal(r, base)]; from != nil {
				srv.serve(w, r, from, r.URL.Path)
				return
			}
		}
		switch {
		case r.URL.Path == "/":
			s.writeIndex(w)
		case r.URL.Path == "/robots.txt":
			w.Header().Set("Content-Type", "text/plain")
			fmt.Fprint(w, "User-agent: *\nDisallow:\n")
		case p == nil:
			notFound(w, http.StatusNotFound)
		case !strings.Contains(rest, "/"):
			http.Redirect(w, r, "/"+name+"/", http.StatusMovedPermanently)
		default:
			srv.serve(w, r, p, "/"+path)
		}
	})
}

// refererPortal is the portal whose page a request names as its Referer, on
// the handler's own base.
func refererPortal(r *http.Request, base string) string {
	rest, ok := strings.CutPrefix(r.Referer(), base+"/")
	if !ok {
		return ""
	}
	name, _, _ := strings.Cut(rest, "/")
	return name
}

func (s *Site) writeIndex(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>gongkai testsite</title></head><body>\n")
	fmt.Fprintf(&b, "<h1>gongkai testsite (night %d)</h1>\n<p>Simulated government portals; all content is invented.</p>\n<ul>\n", s.Night())
	for _, p := range s.Portals() {
		scope := ""
		if !p.InScope {
			scope = " (out of scope)"
		}
		fmt.Fprintf(&b, "<li><a href=\"%s\">%s</a> — %s, %s%s<br><small>%s</small></li>\n", escape(p.StartURL), escape(p.Title), escape(p.Name), escape(p.CMS), scope, escape(p.Note))
	}
	b.WriteString("</ul>\n</body></html>\n")
	fmt.Fprint(w, b.String())
}

// Running is a site served on loopback, one listener per portal.
type Running struct {
	srv     *server
	servers []*http.Server
	portals []Portal
}

// Start serves every portal on its own 127.0.0.1 listener with a free port.
func (s *Site) Start() (*Running, error) { return s.StartAt(0) }

// StartAt serves portal i (in Portals order) on 127.0.0.1:basePort+i, so that a
// site restarted with the same seed and ports serves the same bytes at the same
// URLs; basePort 0 picks free ports.
func (s *Site) StartAt(basePort int) (*Running, error) {
	var listeners []net.Listener
	bases := map[string]string{}
	for i, p := range s.w.portals {
		addr := "127.0.0.1:0"
		if basePort > 0 {
			addr = fmt.Sprintf("127.0.0.1:%d", basePort+i)
		}
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			for _, l := range listeners {
				l.Close()
			}
			return nil, fmt.Errorf("testsite: portal %s: %w", p.name, err)
		}
		listeners = append(listeners, ln)
		bases[p.name] = "http://" + ln.Addr().String()
	}
	s.setBases(bases)
	run := &Running{srv: newServer(s, bases), portals: s.Portals()}
	for i, p := range s.w.portals {
		p := p
		hs := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			run.srv.serve(w, r, p, r.URL.Path)
		}), ReadHeaderTimeout: 10 * time.Second}
		run.servers = append(run.servers, hs)
		go hs.Serve(listeners[i])
	}
	return run, nil
}

// Portals lists the portals with their URLs.
func (r *Running) Portals() []Portal { return r.portals }

// StartURLs are the home pages of the in-scope portals: the seeds of a crawl.
func (r *Running) StartURLs() []string {
	var out []string
	for _, p := range r.portals {
		if p.InScope {
			out = append(out, p.StartURL)
		}
	}
	return out
}

// Requests returns the requests answered so far, in order.
func (r *Running) Requests() []Request { return r.srv.requests() }

// Close stops every listener at once, cutting off requests in flight.
func (r *Running) Close() error {
	var errs []error
	for _, hs := range r.servers {
		if err := hs.Close(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
