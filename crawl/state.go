package crawl

import (
	"context"
	"time"

	"gongkai/archive"
)

// Item is one URL of a run's frontier.
type Item struct {
	Key    string // canonical URL: the identity of the URL within a run
	URL    string // the URL as found, which is what is fetched
	Portal string
	Kind   Kind
	Depth  int
	From   string // the page it was found on ("" for start URLs)
	Text   string // the words the link had
}

// Outcomes of fetching an item, as recorded in the frontier.
const (
	OutcomeFetched    = "fetched"    // a new or changed response was archived
	OutcomeUnchanged  = "unchanged"  // 304, or the same bytes as last time (archived as a revisit)
	OutcomeGone       = "gone"       // 404 or 410 for a URL that was there before
	OutcomeFailed     = "failed"     // an error that retries did not cure
	OutcomeBlocked    = "blocked"    // a challenge page, or a host that blocks us
	OutcomeDisallowed = "disallowed" // robots.txt says no
	OutcomeSkipped    = "skipped"    // a trap, a page budget reached, a too large body
	OutcomeRedirected = "redirected" // 3xx: the target was queued in its place
)

// Previous is what the last run learned of a URL: enough to ask the server
// whether it changed, and to find the archived copy if it did not.
type Previous struct {
	ETag         string
	LastModified string
	Capture      archive.Capture
	ContentType  string
	IsReport     bool // the document parsed as a report (its attachments are wanted)
}

// Stats counts what a run did; its JSON form is what crawl --json prints.
type Stats struct {
	Fetched        int `json:"fetched"`
	ReportsNew     int `json:"reports_new"`
	ReportsChanged int `json:"reports_changed"`
	Unchanged      int `json:"unchanged"`
	Failed         int `json:"failed"`
	Blocked        int `json:"blocked"`
	Gone           int `json:"gone"`
	Disallowed     int `json:"disallowed"`
	Skipped        int `json:"skipped"`
	Attachments    int `json:"attachments"`
	NotReports     int `json:"not_reports"`
	Queued         int `json:"queued"`
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
	// Pending returns the items of a run not yet finished, in the order added.
	Pending(ctx context.Context, runID int64) ([]Item, error)
	// Finish records an item's outcome; a finished item is not fetched again in the run.
	Finish(ctx context.Context, runID int64, key, outcome, detail string) error
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
	Outcome  string // the store's word: new, changed, unchanged, new source, not a report, failed
	Detail   string
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
