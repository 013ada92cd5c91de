package testsite

import (
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"gongkai/report"
)

// Options tune a site. The zero value of each field means its default.
type Options struct {
	// ExtraDepartments adds generated departments to the district portal, each with
	// reports for 2019–2025: the knob for crawler benchmarks (about 16 pages each).
	ExtraDepartments int
	// CrawlDelay is the Crawl-delay the district portal's robots.txt asks for
	// (default 1s; the real portals ask for 10s, which tests cannot wait for).
	CrawlDelay time.Duration
	// RetryAfter is how long 429 and 503 answers ask the client to wait (default
	// 1s; 429 states it in whole seconds, 503 as an HTTP date a second later).
	RetryAfter time.Duration
	// SlowDelay is how long the slow page takes before it answers (default 2s).
	SlowDelay time.Duration
	// Latency is how long every answer waits before it is written: portals far
	// away, for benchmarks where a crawler's time waiting for answers counts
	// (default none).
	Latency time.Duration
}

// Site is a set of simulated portals generated from a seed. It is safe for
// concurrent use; SetNight may be called while it serves.
type Site struct {
	opts  Options
	w     *world
	night atomic.Int32

	mu    sync.Mutex
	bases map[string]string // portal → base URL of the latest Start or Handler
}

// New generates the default site: six portals, about 125 reports and 270
// resources, the same for the same seed.
func New(seed int64) *Site { return NewWithOptions(seed, Options{}) }

// NewSized generates a site with about the given number of pages (at least the
// default site's), by adding departments to the district portal.
func NewSized(seed int64, pages int) *Site {
	base := New(seed).PageCount()
	extra := 0
	if pages > base {
		extra = (pages - base + pagesPerExtraDepartment - 1) / pagesPerExtraDepartment
	}
	return NewWithOptions(seed, Options{ExtraDepartments: extra})
}

// NewWithOptions generates a site with the given options.
func NewWithOptions(seed int64, o Options) *Site {
	if o.CrawlDelay <= 0 {
		o.CrawlDelay = time.Second
	}
	if o.RetryAfter <= 0 {
		o.RetryAfter = time.Second
	}
	if o.SlowDelay <= 0 {
		o.SlowDelay = 2 * time.Second
	}
	s := &Site{opts: o, w: build(seed, o)}
	s.night.Store(1)
	// Until Start or Handler says where the site is, URLs read as under Handler.
	s.bases = s.handlerBases("http://127.0.0.1")
	return s
}

// SetNight switches the site to its state on night n (1 = initial; 2 = one report
// edited, two removed, new reports; 3 and later = as 2, but the report removed with
// 404 on night 2 answers 410).
func (s *Site) SetNight(n int) {
	if n < 1 {
		n = 1
	}
	s.night.Store(int32(n))
}

// Night returns the current night.
func (s *Site) Night() int { return int(s.night.Load()) }

// PageCount is the number of distinct resources the site serves over all nights
// and portals: pages, list pages, attachments and deliberate failures.
func (s *Site) PageCount() int {
	n := 0
	for _, p := range s.w.portals {
		n += p.distinct
	}
	return n
}

// Publication says how a report is published.
const (
	Inline     = "inline"     // tables in the HTML page, no attachment
	Attachment = "attachment" // the page only links an attachment holding the report
	Both       = "both"       // tables in the page and an attachment with the same figures
)

// Expected is one report as the site publishes it on the current night: where it
// is, what it is, and its figures.
type Expected struct {
	Portal string
	// URLs are the article pages at which the report can be read, the canonical one
	// first; more than one when it is published under two columns or re-published
	// after a migration (one logical report).
	URLs        []string
	Attachments []File
	Publication string // Inline, Attachment or Both

	Title      string // as the page declares it (ArticleTitle)
	Unit       string // the organ's full official name (株洲市天元区群丰镇人民政府)
	CountyCode string // GB/T 2260 code of the portal's county, whatever the title names
	Published  string // ISO date the page states
	Encoding   string // how the page's bytes and charset declarations are served
	Style      string // how the tables are laid out (see package doc)

	// Record holds the metadata a parser can read from the title (Organ as the title
	// names it; Region, RegionCode, Department as report.SplitOrgan splits it),
	// Year, Format, Published, and the figures: Table2/3/4 for the national
	// formats, with blank cells as 0 and in 2021 other_total the sum of its three
	// sub-rows; LegacyFigures for legacy reports.
	Record *report.Record
	// FailedChecks lists the check rules (report.ComputeChecks) that the printed
	// figures fail; empty for all but a few deliberately wrong reports.
	FailedChecks []string

	// Previous holds the figures published before an edit (nil if never edited).
	Previous *report.Record
	// Gone is the status the report's pages answer once removed (404 or 410); 0
	// while published. Removed reports stay in Truth: archives keep them.
	Gone int
	// FirstNight is the night the report first appears.
	FirstNight int
}

// File is an attachment of a report.
type File struct {
	URL         string
	Name        string // the file name a person sees (link text, showname or Content-Disposition)
	Type        string // docx, pdf, doc, wps, xls
	ContentType string // the Content-Type it is served with
	// Figures says whether the file holds the report's figures as data (only DOCX
	// does; the PDF, DOC, WPS and XLS files are placeholders with the right magic bytes).
	Figures bool
}

// Truth returns every report the site publishes or has published by the current
// night, in a fixed order, with URLs for the latest Start or Handler.
func (s *Site) Truth() []Expected {
	bases := s.currentBases()
	night := s.Night()
	var out []Expected
	for _, it := range s.w.reports {
		if it.firstNight > night {
			continue
		}
		out = append(out, it.expected(bases, night))
	}
	return out
}

// LookAlikes returns the URLs of pages that must not become reports: the guide,
// work points, a notice asking for reports, a work summary, a budget, a report's
// interpretation (解读), and the out-of-scope spam mirror's copy of a report.
func (s *Site) LookAlikes() []string {
	bases := s.currentBases()
	var out []string
	for _, r := range s.w.lookAlikes {
		out = append(out, bases[r.portal]+r.path)
	}
	return out
}

// Special is one deliberate behaviour of the site, for tests that check a crawler
// copes with it.
type Special struct {
	Case int    // number in crawl.md §5; 0 for the traps of portals.md §3
	Kind string // short name, e.g. "retry-after-date"
	URL  string
	Note string
	// Broken marks a URL that never yields content (404, 410, loop, challenge,
	// block page): a link checker must expect it to fail.
	Broken bool
}

// Specials lists the deliberate behaviours, by case number then URL.
func (s *Site) Specials() []Special {
	bases := s.currentBases()
	var out []Special
	for _, sp := range s.w.specials {
		u := bases[sp.portal] + sp.path
		out = append(out, Special{Case: sp.caseNo, Kind: sp.kind, URL: u, Note: sp.note, Broken: sp.broken})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Case < out[j].Case })
	return out
}

// Portal describes one simulated portal.
type Portal struct {
	Name     string // also its path prefix under Handler
	Title    string // 株洲市天元区人民政府
	Region   string // the GB/T 2260 code of its region (430211), "" for the spam mirror
	CMS      string // the platform it imitates
	Base     string // base URL (no trailing slash)
	StartURL string // where a crawl starts
	InScope  bool   // false for the spam mirror
	Note     string // what it exercises
	// Mechanism names how its lists are published when plain links do not reach
	// every report (pager scripts, Hanweb CDATA, list APIs); "" when they do.
	Mechanism string
	// Browser says that some of its lists only a browser reads: a crawler
	// without one finds their reports "needs a browser".
	Browser bool
	// APIConfig is what a user writes in the portal's [[portals]] block for its
	// own list APIs ([[portals.api]] blocks, TOML), "" when it needs none.
	APIConfig string
}

// Portals lists the portals with the URLs of the latest Start or Handler.
func (s *Site) Portals() []Portal {
	bases := s.currentBases()
	var out []Portal
	for _, p := range s.w.portals {
		pt := Portal{Name: p.name, Title: p.title, Region: p.code, CMS: p.cms, Base: bases[p.name],
			StartURL: bases[p.name] + "/", InScope: p.inScope, Note: p.note, Mechanism: p.mechanism, Browser: p.browser}
		if p.apiConfig != nil {
			pt.APIConfig = p.apiConfig(&ctx{night: s.Night(), bases: bases, portal: p})
		}
		out = append(out, pt)
	}
	return out
}

func (s *Site) currentBases() map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.bases
}

func (s *Site) setBases(b map[string]string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.bases = b
}

// handlerBases are the portals' bases when all are served under path prefixes.
func (s *Site) handlerBases(base string) map[string]string {
	b := map[string]string{}
	for _, p := range s.w.portals {
		b[p.name] = base + "/" + p.name
	}
	return b
}

// expected builds the ground truth of a report for the given bases and night.
func (it *reportItem) expected(bases map[string]string, night int) Expected {
	sh := it.sheetAt(night)
	rec := &report.Record{
		Source:    bases[it.portal.name] + it.paths[0],
		Title:     it.title,
		Organ:     it.titleOrgan,
		Year:      it.year,
		Published: it.published.Format(time.DateOnly),
		Format:    it.format,
	}
	rec.Region, rec.RegionCode, rec.Department = report.SplitOrgan(it.titleOrgan)
	e := Expected{
		Portal:      it.portal.name,
		Publication: it.publication,
		Title:       it.title,
		Unit:        it.organ.unit,
		CountyCode:  it.portal.code,
		Published:   rec.Published,
		Encoding:    it.enc.note,
		Style:       it.style,
		Record:      rec,
		FirstNight:  it.firstNight,
	}
	if it.firstNight == 0 {
		e.FirstNight = 1
	}
	base := bases[it.portal.name]
	for _, p := range it.paths {
		e.URLs = append(e.URLs, base+p)
	}
	for _, a := range it.attachments {
		e.Attachments = append(e.Attachments, File{URL: base + a.path, Name: a.name, Type: a.kind, ContentType: a.ctype, Figures: a.kind == "docx"})
	}
	if sh != nil {
		rec.Table2, rec.Table3, rec.Table4 = sh.record()
		e.FailedChecks = append([]string(nil), sh.failed...)
		if it.edit != nil && night >= it.edit.night {
			prev := *rec
			prev.Table2, prev.Table3, prev.Table4 = it.sheet.record()
			e.Previous = &prev
		}
	} else {
		rec.LegacyFigures = it.legacy.figures()
	}
	if it.gone != nil {
		e.Gone = it.gone(night)
	}
	return e
}
