package crawl

import (
	"context"
	"maps"
	"time"

	"gongkai/archive"
	"gongkai/report"
)

// Item is one request of a run's frontier. Everything the crawler needs to
// fetch it and to rank it is here, as plain values, so that any State (SQLite
// today, a shared queue later) keeps the frontier and its order.
type Item struct {
	Key    string // identity within a run: the canonical URL (and, for a POST, method and body)
	URL    string // the URL as found, which is what is fetched
	Portal string
	Kind   Kind
	Depth  int
	From   string // the page it was found on ("" for start URLs)
	Text   string // the words the link had
	// Priority orders a host's queue: higher first, then in the order queued
	// (see the Priority constants).
	Priority int
	// Method is GET ("" means GET) or POST; a POST sends Body with BodyType.
	Method   string
	Body     string
	BodyType string
	// Referer is sent with the request: list APIs answer only the column page.
	Referer string
	// Via names the list mechanism that made the request (hanweb, jpaas, gkmlpt,
	// api), whose answer it knows how to read; "" for a link.
	Via string
	// InReportColumn marks a page of an annual-report column's list (a further
	// page, a list API's answer): every article it lists is a candidate report.
	InReportColumn bool
	// Listed is the date the list gave the item (YYYY-MM-DD), if it gave one: a
	// page whose text states no date is dated by it.
	Listed string
}

// Priorities of the frontier: what leads to reports first, so that
// max_pages_per_host is spent on it and a dead menu costs the column nothing.
const (
	PriorityReport     = 100 // a candidate report or an attachment of one
	PriorityReportList = 80  // a further page of a report column's list
	PriorityColumn     = 60  // a report column, or a list its name or path marks as one
	PriorityToward     = 40  // a link towards reports: 政务公开, 信息公开, departments, townships
	PriorityStart      = 30  // a start URL
	PriorityOther      = 10  // anything else the focus rules follow (other lists' pages, hints)
)

// PostKey is the identity of a POST: the same URL with another body is another
// request.
func PostKey(canonical, body string) string { return "POST " + canonical + " " + body }

// Previous is what the last run learned of a URL: enough to ask the server
// whether it changed, and to find the archived copy if it did not.
type Previous struct {
	ETag         string
	LastModified string
	Capture      archive.Capture
	ContentType  string
	IsReport     bool // the document parsed as a report (its attachments are wanted)
}

// Stats counts what a run did; its JSON form is what crawl --json prints and
// what the run's row keeps.
type Stats struct {
	Fetched        int `json:"fetched"` // responses received (pages, attachments, 304s)
	ReportsNew     int `json:"reports_new"`
	ReportsChanged int `json:"reports_changed"`
	Unchanged      int `json:"unchanged"`
	Gone           int `json:"gone"`
	Attachments    int `json:"attachments"`
	Queued         int `json:"queued"`
	// Lost counts work that was fetched but could not be kept or read back (a
	// failed database write, an unreadable archive record); each is logged.
	Lost int `json:"lost"`
	// CharsetConflicts counts pages whose bytes are not in the charset their
	// header or <meta> declares; they are read as the bytes are.
	CharsetConflicts int `json:"charset_conflicts"`
	// Rendered counts the pages rendered in Chromium (their scripts' requests
	// are counted in Fetched).
	Rendered int `json:"rendered"`
	// Unread counts the documents that could not be read, by why.
	Unread   map[report.Unread]int `json:"unread,omitempty"`
	Outcomes OutcomeCounts         `json:"outcomes"`
	// Portals holds each portal's own counts (in a run's total only).
	Portals map[string]Stats `json:"portals,omitempty"`
	// Workers holds each worker's own counts, by its name, in the total of a
	// run that workers shared (Frontier.Leave).
	Workers map[string]Stats `json:"workers,omitempty"`
}

// add adds another's counts to these.
func (s *Stats) add(o Stats) {
	s.Fetched += o.Fetched
	s.ReportsNew += o.ReportsNew
	s.ReportsChanged += o.ReportsChanged
	s.Unchanged += o.Unchanged
	s.Gone += o.Gone
	s.Attachments += o.Attachments
	s.Queued += o.Queued
	s.Lost += o.Lost
	s.CharsetConflicts += o.CharsetConflicts
	s.Rendered += o.Rendered
	if s.Outcomes == nil {
		s.Outcomes = OutcomeCounts{}
	}
	for k, n := range o.Outcomes {
		s.Outcomes[k] += n
	}
	for k, n := range o.Unread {
		if s.Unread == nil {
			s.Unread = map[report.Unread]int{}
		}
		s.Unread[k] += n
	}
}

// MergeWorkers is the counts of a run that workers shared: the sum of theirs,
// per portal too, with each worker's own (without its portals). A worker may
// have had several processes in the run (one killed, then started again under
// its name): by name, the counts of each.
func MergeWorkers(workers map[string][]Stats) Stats {
	total := Stats{Outcomes: OutcomeCounts{}, Portals: map[string]Stats{}, Workers: map[string]Stats{}}
	for name, processes := range workers {
		own := Stats{Outcomes: OutcomeCounts{}}
		for _, w := range processes {
			total.add(w)
			for p, ps := range w.Portals {
				t := total.Portals[p]
				t.add(ps)
				total.Portals[p] = t
			}
			own.add(w)
		}
		total.Workers[name] = own
	}
	return total
}

// clone copies the counts (the maps too).
func (s Stats) clone() Stats {
	out := s
	out.Outcomes = OutcomeCounts{}
	for o, n := range s.Outcomes {
		out.Outcomes[o] = n
	}
	out.Unread = maps.Clone(s.Unread)
	out.Portals = nil
	out.Workers = nil
	return out
}

// State is where a crawl keeps what must survive the process: runs, each run's
// frontier, and the last capture of every URL. The store implements it in the
// same database as the records, so a killed crawl resumes from it.
type State interface {
	// BeginRun resumes the unfinished run if there is one, or starts a new one.
	BeginRun(ctx context.Context, started time.Time) (runID int64, resumed bool, err error)
	// EndRun records a run's end, its status ("finished", "interrupted") and stats.
	EndRun(ctx context.Context, runID int64, ended time.Time, status string, stats Stats) error
	// Enqueue adds items to a run's frontier and returns those it did not have.
	Enqueue(ctx context.Context, runID int64, items []Item) ([]Item, error)
	// Pending returns the items of a run not yet finished, by priority (highest
	// first) and then in the order added.
	Pending(ctx context.Context, runID int64) ([]Item, error)
	// Finish records an item's outcome; a finished item is not fetched again in the run.
	Finish(ctx context.Context, runID int64, key string, outcome Outcome, detail string) error
	// Previous returns the last capture of a URL (by key), if any.
	Previous(ctx context.Context, key string) (Previous, bool, error)
	// Remember records the capture a URL's response now has.
	Remember(ctx context.Context, key string, p Previous) error
	// KnownReports returns the URLs at which earlier runs found reports: a new run
	// asks for them again, so that a report taken off its list is still checked
	// (and found gone, or unchanged).
	KnownReports(ctx context.Context) ([]Item, error)
}

// Fetched is a response archived for a page or an attachment.
type Fetched struct {
	Item        Item
	FinalURL    string // after redirects
	ContentType string
	Capture     archive.Capture
	Body        []byte // decoded payload of a page; nil for attachments (read them from the archive)
}

// Ingested is what the sink made of a fetched document.
type Ingested struct {
	IsReport bool
	// Change is the store's word for what storing did: new, changed, unchanged,
	// new source, not a report, failed.
	Change string
	Detail string
	// Unread, when set, says why the parser could not read the document (no
	// reader for it here, or it is damaged); the store kept its bytes.
	Unread report.Unread
}

// Sink receives what the crawl fetched. The command wires it to the parser and
// the store, so the crawler needs to know neither.
type Sink interface {
	// Fetched takes a document and says at once whether it is a report (whose
	// attachments are then wanted). What storing it did is told to done, possibly
	// later: a sink may gather documents into one transaction. The crawler counts
	// a URL as finished only when done is called, so a crawl killed before then
	// fetches it again.
	Fetched(ctx context.Context, f Fetched, done func(Ingested, error)) (isReport bool, err error)
	// Flush stores what the sink still holds and calls its done functions.
	Flush(ctx context.Context) error
	// Gone says a URL that held a document answers 404 or 410 now.
	Gone(ctx context.Context, url string, status int) error
}
