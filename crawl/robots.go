package crawl

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/temoto/robotstxt"
)

// robotsTTL is how long a robots.txt is trusted (RFC 9309 §2.4: at most 24 hours).
const robotsTTL = 24 * time.Hour

// robotsRules is one host's robots.txt as read.
type robotsRules struct {
	fetched time.Time
	group   *robotstxt.Group // nil: everything allowed
	// wait is set while the host must not be crawled: robots.txt is unreachable
	// (5xx, 429, a network error: RFC 9309 §2.3.1.4 asks for complete disallow).
	// It is asked for again after robotsRetry.
	wait string
	// status and body are the answer as fetched (status 0: none), which a shared
	// frontier keeps for the other workers.
	status int
	body   []byte
}

// robotsRetry is how long an unreachable robots.txt holds a host back before it
// is asked for again: fifteen times the crawl's delay, between 1 and 30 seconds.
func robotsRetry(delay time.Duration) time.Duration {
	return min(max(15*delay, time.Second), 30*time.Second)
}

// robots reads and caches robots.txt per host.
type robots struct {
	client    *http.Client
	userAgent string
	retry     time.Duration
	mu        sync.Mutex
	hosts     map[string]*robotsRules
	// shared, if set, keeps each host's robots.txt for all workers of a run.
	shared SharedRobots
}

func newRobots(client *http.Client, userAgent string, retry time.Duration) *robots {
	return &robots{client: client, userAgent: userAgent, retry: retry, hosts: map[string]*robotsRules{}}
}

// rules returns a host's rules, fetching robots.txt when it is not cached or stale.
// The caller holds the host (one request at a time per host), so a host's
// robots.txt is fetched once.
// It also says whether robots.txt was fetched just now: that request counts
// towards the host's pace like any other.
func (r *robots) rules(ctx context.Context, scheme, host string) (*robotsRules, bool) {
	r.mu.Lock()
	cached := r.hosts[host]
	r.mu.Unlock()
	if r.fresh(cached) {
		return cached, false
	}
	if rules := r.fromShared(ctx, host); rules != nil {
		r.mu.Lock()
		r.hosts[host] = rules
		r.mu.Unlock()
		return rules, false
	}
	rules := r.fetch(ctx, scheme, host)
	r.mu.Lock()
	r.hosts[host] = rules
	r.mu.Unlock()
	r.share(ctx, host, rules)
	return rules, true
}

// fresh says whether rules read at some time still hold.
func (r *robots) fresh(rules *robotsRules) bool {
	return rules != nil && time.Since(rules.fetched) < robotsTTL && (rules.wait == "" || time.Since(rules.fetched) < r.retry)
}

// sharedRobots is a robots.txt as the workers of a run share it.
type sharedRobots struct {
	Fetched time.Time `json:"fetched"`
	Wait    string    `json:"wait,omitempty"`
	Status  int       `json:"status,omitempty"`
	Body    []byte    `json:"body,omitempty"`
}

// fromShared returns the rules another worker read, if they still hold. A
// shared store that fails costs one more fetch of robots.txt, nothing else.
func (r *robots) fromShared(ctx context.Context, host string) *robotsRules {
	if r.shared == nil {
		return nil
	}
	data, ok, err := r.shared.Robots(ctx, host)
	if err != nil || !ok {
		return nil
	}
	var sr sharedRobots
	if json.Unmarshal(data, &sr) != nil {
		return nil
	}
	rules := &robotsRules{fetched: sr.Fetched, wait: sr.Wait, status: sr.Status, body: sr.Body}
	if sr.Wait == "" && sr.Status >= 200 && sr.Status < 400 {
		if data, err := robotstxt.FromStatusAndBytes(sr.Status, sr.Body); err == nil {
			rules.group = data.FindGroup(r.userAgent)
		}
	}
	if !r.fresh(rules) {
		return nil
	}
	return rules
}

// share keeps rules just read for the other workers, as long as they hold.
func (r *robots) share(ctx context.Context, host string, rules *robotsRules) {
	if r.shared == nil {
		return
	}
	ttl := robotsTTL
	if rules.wait != "" {
		ttl = r.retry
	}
	data, err := json.Marshal(sharedRobots{Fetched: rules.fetched, Wait: rules.wait, Status: rules.status, Body: rules.body})
	if err == nil {
		r.shared.SetRobots(ctx, host, data, ttl)
	}
}

// cached returns a host's rules if they have been read.
func (r *robots) cached(host string) *robotsRules {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.hosts[host]
}

func (r *robots) fetch(ctx context.Context, scheme, host string) *robotsRules {
	rules := &robotsRules{fetched: time.Now()}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, scheme+"://"+host+"/robots.txt", nil)
	if err != nil {
		return rules
	}
	req.Header.Set("User-Agent", r.userAgent)
	resp, err := r.client.Do(req)
	if err != nil {
		rules.wait = fmt.Sprintf("robots.txt unreachable (%v)", err)
		return rules
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 512<<10))
	rules.status = resp.StatusCode
	switch {
	case resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests:
		rules.wait = fmt.Sprintf("robots.txt answers %d: the host waits until it can be read", resp.StatusCode)
		return rules
	case resp.StatusCode >= 400:
		// No robots.txt (RFC 9309 §2.3.1.3: 4xx means no rules), including one
		// behind a challenge page: the pages themselves are then judged one by one.
		return rules
	}
	data, err := robotstxt.FromStatusAndBytes(resp.StatusCode, body)
	if err != nil {
		return rules // unreadable (an HTML page served as robots.txt): no rules
	}
	rules.group = data.FindGroup(r.userAgent)
	rules.body = body
	return rules
}

// allowed says whether the rules let the path be fetched.
func (rr *robotsRules) allowed(path string) bool {
	return rr.group == nil || rr.group.Test(path)
}

// crawlDelay is the Crawl-delay the rules ask for (0 if none).
func (rr *robotsRules) crawlDelay() time.Duration {
	if rr.group == nil {
		return 0
	}
	return rr.group.CrawlDelay
}
