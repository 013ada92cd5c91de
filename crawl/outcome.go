package crawl

import (
	"fmt"
	"sort"
	"strings"
)

// Outcome is how one URL of a run ended. Every URL a run queues ends with exactly
// one, recorded in the frontier (crawl_queue.outcome), counted in Stats.Outcomes
// and shown by gongkai crawl --status. The set is closed: README lists it.
type Outcome string

const (
	// OutcomeReport: the document was stored as a report (new, changed, or the
	// same content found again; the detail says which).
	OutcomeReport Outcome = "report"
	// OutcomeList: a column, list or navigation page, read for its links.
	OutcomeList Outcome = "list"
	// OutcomeNotReport: a candidate page or document that the parser read and
	// found not to be a report (an attachment that is a placeholder, a notice).
	OutcomeNotReport Outcome = "not a report"
	// OutcomeLookAlike: a page that names the annual report without being one (a
	// guide, a notice asking for reports, a 解读).
	OutcomeLookAlike Outcome = "look-alike"
	// OutcomeUnreadable: a document archived that the parser could not read: a
	// legacy Word or WPS file without LibreOffice or antiword, a scan without
	// Tesseract, a damaged file. Its bytes are kept; gongkai reparse reads it once
	// a reader is installed, and the page of the report that links it says so.
	OutcomeUnreadable Outcome = "unreadable"
	// OutcomeUnchanged: 304, or the same bytes as the last capture (archived as a
	// revisit); what was stored from it stands.
	OutcomeUnchanged Outcome = "unchanged"
	// OutcomeNotFound: 404 or 410 for a URL that never held a document.
	OutcomeNotFound Outcome = "not found"
	// OutcomeGone: 404 or 410 for a URL that held a document; the archive keeps it.
	OutcomeGone Outcome = "gone"
	// OutcomeForbidden: 403 on this page without the marks of a challenge.
	OutcomeForbidden Outcome = "forbidden"
	// OutcomeStub: an empty or near-empty body, or a page saying it does not exist
	// (a soft 404), where a list or a report was expected.
	OutcomeStub Outcome = "stub"
	// OutcomeChallenge: an anti-bot answer (403, 412, 202 or 521 with a script
	// challenge, a 200 block page): recorded, never circumvented.
	OutcomeChallenge Outcome = "challenge"
	// OutcomeCookieShell: a small script page that sets a cookie and reloads
	// itself; a crawler without a browser cannot pass it.
	OutcomeCookieShell Outcome = "cookie shell"
	// OutcomeNeedsBrowser: the page shows its list only after scripts run and no
	// adapter reads it; Chromium was not available or [crawl] render forbids it.
	OutcomeNeedsBrowser Outcome = "needs a browser"
	// OutcomeTooLarge: larger than max_page_bytes or max_attachment_bytes; the
	// archive holds the part that was read.
	OutcomeTooLarge Outcome = "too large"
	// OutcomeDisallowed: robots.txt disallows the URL.
	OutcomeDisallowed Outcome = "disallowed by robots"
	// OutcomeFailed: a network error, timeout or 5xx that the retries did not cure.
	OutcomeFailed Outcome = "failed after retries"
	// OutcomeRedirected: a redirect; its target was queued in its place.
	OutcomeRedirected Outcome = "redirected"
	// OutcomeSkipped: not fetched: a crawler trap, an off-portal redirect, or a
	// host the run left alone (failure budget, max_pages_per_host).
	OutcomeSkipped Outcome = "skipped"
	// OutcomeNotStored: fetched and archived, but storing it failed (a database
	// write, an unreadable archive record): work lost, logged and counted; the next
	// run fetches it again.
	OutcomeNotStored Outcome = "not stored"
)

// Outcomes lists the whole vocabulary, in the order README documents it.
var Outcomes = []Outcome{
	OutcomeReport, OutcomeList, OutcomeNotReport, OutcomeLookAlike, OutcomeUnreadable, OutcomeUnchanged,
	OutcomeNotFound, OutcomeGone, OutcomeForbidden, OutcomeStub, OutcomeChallenge,
	OutcomeCookieShell, OutcomeNeedsBrowser, OutcomeTooLarge, OutcomeDisallowed,
	OutcomeFailed, OutcomeRedirected, OutcomeSkipped, OutcomeNotStored,
}

// Known says whether o is one of the vocabulary's outcomes.
func (o Outcome) Known() bool {
	for _, k := range Outcomes {
		if k == o {
			return true
		}
	}
	return false
}

// Yielded says whether the outcome brought content that the run stored or kept.
func (o Outcome) Yielded() bool {
	return o == OutcomeReport || o == OutcomeList || o == OutcomeNotReport || o == OutcomeLookAlike || o == OutcomeUnreadable || o == OutcomeUnchanged
}

// OutcomeCounts counts URLs by outcome; its JSON form is an object keyed by the
// outcome's words.
type OutcomeCounts map[Outcome]int

// Sorted returns the outcomes counted, in the vocabulary's order.
func (c OutcomeCounts) Sorted() []Outcome {
	var out []Outcome
	for _, o := range Outcomes {
		if c[o] > 0 {
			out = append(out, o)
		}
	}
	var unknown []Outcome
	for o, n := range c {
		if n > 0 && !o.Known() {
			unknown = append(unknown, o)
		}
	}
	sort.Slice(unknown, func(i, j int) bool { return unknown[i] < unknown[j] })
	return append(out, unknown...)
}

// Problem says whether an outcome is something an operator should look at: the
// host refused or failed, a page needs a browser, a document needs a reader, or
// work was lost.
func (o Outcome) Problem() bool {
	switch o {
	case OutcomeFailed, OutcomeChallenge, OutcomeCookieShell, OutcomeNeedsBrowser, OutcomeNotStored, OutcomeUnreadable:
		return true
	}
	return false
}

// Problems counts the URLs whose outcome is a problem.
func (c OutcomeCounts) Problems() int {
	n := 0
	for o, k := range c {
		if o.Problem() {
			n += k
		}
	}
	return n
}

// String lists the counts in the vocabulary's order: "12 report, 3 list, 20 not found".
func (c OutcomeCounts) String() string {
	var parts []string
	for _, o := range c.Sorted() {
		parts = append(parts, fmt.Sprintf("%d %s", c[o], o))
	}
	return strings.Join(parts, ", ")
}
