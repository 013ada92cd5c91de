// Package web serves the archive to people and programs: HTML pages (search, a
// report beside its figures, an organ's history, departments compared, coverage)
// and a JSON API under /api/, over a read-only view of the store and the search
// index. Everything is server-rendered with html/template and embedded assets: no
// JavaScript, no CDN, works offline and prints. Charts are SVG drawn on the server.
//
// Everything a portal served is untrusted: text is escaped by html/template,
// crawled HTML is never rendered (the original is a download), search highlights
// are checked to hold no markup but their marks, and original bytes are read only
// through the archive's own records. Nothing changes state over HTTP: every route
// is GET (and HEAD).
package web

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"gongkai/index"
	"gongkai/internal/csvfile"
	"gongkai/store"
)

// Store is what the pages read of the archive; *store.DB implements it.
type Store interface {
	Overview(ctx context.Context) (store.Overview, error)
	ReportVersion(ctx context.Context, id int64, version int) (*store.ReportDetail, error)
	ReportCells(ctx context.Context, q store.CellQuery) ([]store.ReportCells, error)
	Original(ctx context.Context, sha256 string) (*store.Original, error)
	SearchHeld(ctx context.Context, reportIDs []int64) (map[int64]bool, error)
	Checks(ctx context.Context, f store.Filter, fn func(store.CheckRow) error) error
}

// Searcher is the search index; *index.Index implements it. An error wrapping
// ErrIndexUnavailable says it cannot search for now. The server does not change
// the results it gets, so a Searcher may hand one result to several requests.
type Searcher interface {
	Search(ctx context.Context, r index.Request) (*index.Result, error)
}

// Options configure the handler.
type Options struct {
	Store Store
	// Index answers searches; without it the search pages answer 503.
	Index Searcher
	// DataDir is the data folder, whose warc/ holds the originals the crawler fetched.
	DataDir string
	// MinRequests is the fewest requests (新收 + 上年结转) for which a rate is shown
	// (default 10).
	MinRequests int
	// Logger logs failed requests (default slog.Default()).
	Logger *slog.Logger
	// Portals are the configured portals: a region of one that has no report of
	// a year is listed among those who did not publish.
	Portals []Portal
}

// DefaultMinRequests is the default of Options.MinRequests.
const DefaultMinRequests = 10

type server struct {
	Options
	pages *pageTemplates

	overviewMu sync.Mutex
	overview   store.Overview
	overviewAt time.Time

	leads leadsCache
}

// overviewTTL is how long the archive's overview is reused: it reads every report,
// and the start, compare and coverage pages all show it.
const overviewTTL = time.Minute

// archiveOverview returns the overview, read again when it is older than overviewTTL.
func (s *server) archiveOverview(ctx context.Context) (store.Overview, error) {
	s.overviewMu.Lock()
	defer s.overviewMu.Unlock()
	if !s.overviewAt.IsZero() && time.Since(s.overviewAt) < overviewTTL {
		return s.overview, nil
	}
	o, err := s.Store.Overview(ctx)
	if err != nil {
		return o, err
	}
	s.overview, s.overviewAt = o, time.Now()
	return o, nil
}

//go:embed static
var staticFiles embed.FS

// New returns the handler serving the pages and the API.
func New(o Options) http.Handler {
	if o.MinRequests <= 0 {
		o.MinRequests = DefaultMinRequests
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	s := &server{Options: o, pages: loadTemplates()}
	mux := http.NewServeMux()
	static, _ := fs.Sub(staticFiles, "static")
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))

	mux.HandleFunc("GET /{$}", s.home)
	mux.HandleFunc("GET /search", s.searchPage)
	mux.HandleFunc("GET /search.csv", s.searchPage)
	mux.HandleFunc("GET /search.json", s.searchPage)
	mux.HandleFunc("GET /reports/{id}", s.reportPage)
	mux.HandleFunc("GET /reports/{id}/changes", s.changesPage)
	mux.HandleFunc("GET /reports/{id}/changes.csv", s.changesPage)
	mux.HandleFunc("GET /reports/{id}/changes.json", s.changesPage)
	mux.HandleFunc("GET /organs/{name}", s.organPage)
	mux.HandleFunc("GET /organs/{name}/chart.svg", s.organChart)
	mux.HandleFunc("GET /compare", s.comparePage)
	mux.HandleFunc("GET /compare.csv", s.comparePage)
	mux.HandleFunc("GET /compare.json", s.comparePage)
	mux.HandleFunc("GET /compare/chart.svg", s.compareChart)
	mux.HandleFunc("GET /leads/{name}", s.leadPage)
	for _, path := range []string{"/years.csv", "/years.json", "/regions.csv", "/regions.json"} {
		mux.HandleFunc("GET "+path, s.overviewTable)
	}
	mux.HandleFunc("GET /coverage", s.coveragePage)
	mux.HandleFunc("GET /coverage.csv", s.coveragePage)
	mux.HandleFunc("GET /coverage.json", s.coveragePage)
	mux.HandleFunc("GET /archive/{sha256}", s.original)

	mux.HandleFunc("GET /api/search", s.apiSearch)
	mux.HandleFunc("GET /api/reports/{id}", s.apiReport)
	mux.HandleFunc("GET /api/reports/{id}/changes", s.apiChanges)
	mux.HandleFunc("GET /api/compare", s.apiCompare)
	mux.HandleFunc("GET /api/coverage", s.apiCoverage)
	mux.HandleFunc("GET /api/organs/{name}/history", s.apiHistory)
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeJSONError(w, http.StatusNotFound, "no such API endpoint: "+r.URL.Path)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.notFound(w, r, "没有这个页面 No such page.")
	})
	return secure(getOnly(mux))
}

// getOnly refuses every method but GET and HEAD: nothing changes state over HTTP.
func getOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "只读 read-only: GET and HEAD only", http.StatusMethodNotAllowed)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// secure sets the headers that keep a page from running anything it did not ship:
// no script, no inline style, no frames, nothing sniffed, no referrer leaked to the
// portals a report links to.
func secure(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		next.ServeHTTP(w, r)
	})
}

// format is the representation a page was asked for: its path's .csv or .json
// suffix, or HTML.
type format int

const (
	asHTML format = iota
	asCSV
	asJSON
)

// splitFormat takes a .csv or .json suffix off a path or a path value.
func splitFormat(s string) (string, format) {
	switch {
	case strings.HasSuffix(s, ".csv"):
		return strings.TrimSuffix(s, ".csv"), asCSV
	case strings.HasSuffix(s, ".json"):
		return strings.TrimSuffix(s, ".json"), asJSON
	}
	return s, asHTML
}

// withFormat is the URL of the same page and query in another representation.
func withFormat(r *http.Request, suffix string) string {
	path := r.URL.Path
	if i := strings.LastIndexByte(path, '/'); i >= 0 {
		if p, f := splitFormat(path[i:]); f != asHTML {
			path = path[:i] + p
		}
	}
	u := *r.URL
	u.Path = path + suffix
	u.RawPath = ""
	return u.RequestURI()
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true) // the JSON may be opened in a browser: no markup survives
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

// apiError is the body of every API error.
type apiError struct {
	Error string `json:"error"`
}

func writeJSONError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, apiError{msg})
}

// sendData answers a request for the .json or the .csv form of a page with v or
// with its table (a file named name.csv), and says whether it did; the page
// itself is the caller's to render.
func sendData(w http.ResponseWriter, f format, v any, name string, table func() ([]string, [][]string)) bool {
	switch f {
	case asJSON:
		writeJSON(w, http.StatusOK, v)
		return true
	case asCSV:
		header, rows := table()
		download(w, name, header, rows)
		return true
	}
	return false
}

// download sends rows as a CSV file (UTF-8 with a byte order mark, so that Excel
// reads the Chinese; no cell a spreadsheet would run as a formula) named name.csv.
func download(w http.ResponseWriter, name string, header []string, rows [][]string) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", attachment(name+".csv"))
	cw, err := csvfile.NewWriter(w, true)
	if err != nil {
		return // the client went away
	}
	cw.Write(header)
	for _, row := range rows {
		cw.Write(row)
	}
	cw.Flush()
}

// attachment is a Content-Disposition for a download under a name, with the
// RFC 5987 form for names that are not ASCII.
func attachment(name string) string {
	ascii := strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' || r == '/' {
			return '_'
		}
		return r
	}, name)
	return fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`, ascii, pathEscape(name))
}

func pathEscape(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-._~", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// fail answers a request that could not be served, as JSON under /api/ and as a
// page otherwise, and logs server-side failures.
func (s *server) fail(w http.ResponseWriter, r *http.Request, status int, err error) {
	if status >= 500 {
		s.Logger.Error("request failed", "path", r.URL.Path, "err", err)
	}
	msg := err.Error()
	if status >= 500 {
		msg = "内部错误 internal error"
	}
	if strings.HasPrefix(r.URL.Path, "/api/") {
		writeJSONError(w, status, msg)
		return
	}
	s.render(w, r, status, "error", errorPage{page: page{Title: http.StatusText(status)}, Status: status, Message: msg})
}

func (s *server) notFound(w http.ResponseWriter, r *http.Request, msg string) {
	s.fail(w, r, http.StatusNotFound, errors.New(msg))
}

// parseID reads a report id from a path value.
func parseID(s string) (int64, bool) {
	id, err := strconv.ParseInt(s, 10, 64)
	return id, err == nil && id > 0
}
