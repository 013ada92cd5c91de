package crawl

import (
	"container/heap"
	"context"
	"fmt"
	"net/url"
	"sync"
	"time"
)

// scheduler hands out items so that no host ever has more requests in flight than
// allowed (one, unless politeness is off) and each host rests between requests as
// long as its politeness asks. Each host's queue is best-first: the item of
// highest Priority, and among equals the one queued first.
type localFrontier struct {
	mu       sync.Mutex
	perHost  int
	hosts    map[string]*hostQueue
	tries    map[string]int // failed attempts per item key
	inflight int
	seq      int64
	changed  chan struct{} // closed (and replaced) whenever a waiting worker may proceed
}

type hostQueue struct {
	items    frontier
	inflight int
	next     time.Time // the host's next request may start then
	failures int
	// challenges counts anti-bot answers since the host last answered normally.
	challenges int
	// good is the last page of the host that answered normally (a GET).
	good    string
	fetched int
	spent   time.Duration // in the host's requests this run
	blocked bool
}

// queued is an item in a host's queue, with the order it was queued in.
type queued struct {
	Item
	seq int64
}

// frontier is a host's queue as a heap: highest priority first, then first queued.
type frontier []queued

func (f frontier) Len() int { return len(f) }
func (f frontier) Less(i, j int) bool {
	if f[i].Priority != f[j].Priority {
		return f[i].Priority > f[j].Priority
	}
	return f[i].seq < f[j].seq
}
func (f frontier) Swap(i, j int) { f[i], f[j] = f[j], f[i] }
func (f *frontier) Push(x any)   { *f = append(*f, x.(queued)) }
func (f *frontier) Pop() any {
	old := *f
	it := old[len(old)-1]
	*f = old[:len(old)-1]
	return it
}

// NewLocalFrontier is the frontier of a crawl in one process; perHost is how
// many requests a host may have in flight (Options.HostParallelism).
func NewLocalFrontier(perHost int) Frontier { return newLocalFrontier(perHost) }

func newLocalFrontier(perHost int) *localFrontier {
	return &localFrontier{perHost: max(perHost, 1), hosts: map[string]*hostQueue{}, tries: map[string]int{}, changed: make(chan struct{})}
}

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Host
}

func (s *localFrontier) host(h string) *hostQueue {
	q := s.hosts[h]
	if q == nil {
		q = &hostQueue{}
		s.hosts[h] = q
	}
	return q
}

// signal wakes every waiting worker; the caller holds s.mu.
func (s *localFrontier) signal() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// Join begins the run and queues its pending items.
func (s *localFrontier) Join(ctx context.Context, begin BeginFunc, pending PendingFunc) (int64, bool, int, error) {
	runID, resumed, err := begin(ctx)
	if err != nil {
		return 0, false, 0, err
	}
	items, err := pending(ctx, runID)
	if err != nil {
		return 0, false, 0, err
	}
	refused, _ := s.Add(ctx, items)
	return runID, resumed, len(items) - len(refused), nil
}

// Add queues items, and returns those whose host is left alone for the rest
// of the run.
func (s *localFrontier) Add(_ context.Context, items []Item) ([]Item, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var refused []Item
	for _, it := range items {
		q := s.host(hostOf(it.URL))
		if q.blocked {
			refused = append(refused, it)
			continue
		}
		s.push(q, it)
	}
	s.signal()
	return refused, nil
}

// push queues an item on a host; the caller holds s.mu.
func (s *localFrontier) push(q *hostQueue, it Item) {
	s.seq++
	heap.Push(&q.items, queued{Item: it, seq: s.seq})
}

// next waits for an item whose host is free and rested. It returns false when
// there is no work left (nothing queued, nothing in flight) or ctx ends.
func (s *localFrontier) Next(ctx context.Context) (Item, bool, error) {
	for {
		s.mu.Lock()
		if ctx.Err() != nil {
			s.mu.Unlock()
			return Item{}, false, nil
		}
		now := time.Now()
		var best *hostQueue
		var earliest time.Time
		waiting := false
		for _, q := range s.hosts {
			if q.blocked || len(q.items) == 0 {
				continue
			}
			waiting = true
			if q.inflight >= s.perHost {
				continue
			}
			if !q.next.After(now) {
				// Of the hosts that may go, the one with the most wanted item, and
				// of those the one that waited longest.
				if best == nil || q.items[0].Priority > best.items[0].Priority ||
					(q.items[0].Priority == best.items[0].Priority && q.next.Before(best.next)) {
					best = q
				}
			} else if earliest.IsZero() || q.next.Before(earliest) {
				earliest = q.next
			}
		}
		if best != nil {
			it := heap.Pop(&best.items).(queued).Item
			best.inflight++
			s.inflight++
			s.mu.Unlock()
			return it, true, nil
		}
		if !waiting && s.inflight == 0 {
			s.signal() // let the other workers see the end too
			s.mu.Unlock()
			return Item{}, false, nil
		}
		changed := s.changed
		s.mu.Unlock()
		var timer *time.Timer
		var fire <-chan time.Time
		if !earliest.IsZero() {
			timer = time.NewTimer(time.Until(earliest))
			fire = timer.C
		}
		select {
		case <-ctx.Done():
		case <-changed:
		case <-fire:
		}
		if timer != nil {
			timer.Stop()
		}
	}
}

// release frees an item's host, which may take its next request after wait.
func (s *localFrontier) Release(_ context.Context, it Item, wait time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.host(hostOf(it.URL))
	q.inflight--
	q.next = time.Now().Add(wait)
	s.inflight--
	s.signal()
	return nil
}

// retry puts an item back in its host's queue, behind the items of its priority.
func (s *localFrontier) Retry(_ context.Context, it Item) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tries[it.Key]++
	q := s.host(hostOf(it.URL))
	if !q.blocked {
		s.push(q, it)
	}
	return nil
}

// Attempts returns how often an item has been retried.
func (s *localFrontier) Attempts(_ context.Context, key string) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tries[key], nil
}

// Done has nothing to do: an item handed out is out of the queue already.
func (s *localFrontier) Done(context.Context, Item) error { return nil }

// Count adds by to a count of a host and returns the count in the run.
func (s *localFrontier) Count(_ context.Context, host string, what HostCount, by int64) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.host(host)
	switch what {
	case CountFailure:
		q.failures += int(by)
		return int64(q.failures), nil
	case CountFetched:
		q.fetched += int(by)
		return int64(q.fetched), nil
	case CountSpent:
		q.spent += time.Duration(by) * time.Millisecond
		return q.spent.Milliseconds(), nil
	}
	return 0, fmt.Errorf("no host count %d", what)
}

// Challenged counts an anti-bot page from a host and returns how many came in
// a row, without a normal answer between them, and the host's last page that
// answered normally ("" if none did).
func (s *localFrontier) Challenged(_ context.Context, host string) (int, string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.host(host)
	q.challenges++
	return q.challenges, q.good, nil
}

// Answered notes that a host answered normally, with pageURL if it is a page
// that may be asked again ("" if not): its run of challenges ends.
func (s *localFrontier) Answered(_ context.Context, host, pageURL string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.host(host)
	q.challenges = 0
	if pageURL != "" {
		q.good = pageURL
	}
	return nil
}

// block leaves a host alone for the rest of the run and returns its queued items.
func (s *localFrontier) Block(_ context.Context, host string) ([]Item, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.host(host)
	q.blocked = true
	left := make([]Item, 0, len(q.items))
	for q.items.Len() > 0 {
		left = append(left, heap.Pop(&q.items).(queued).Item)
	}
	s.signal()
	return left, nil
}

// borrow waits until a host is free and rested, and takes its turn for a
// request that is not an item of the frontier (a rendered page's request to
// another host of the portal). It gives up when ctx ends or the host is left
// alone; giveBack returns the turn.
func (s *localFrontier) Borrow(ctx context.Context, host string) (bool, error) {
	for {
		s.mu.Lock()
		q := s.host(host)
		if q.blocked || ctx.Err() != nil {
			s.mu.Unlock()
			return false, nil
		}
		now := time.Now()
		if q.inflight < s.perHost && !q.next.After(now) {
			q.inflight++
			s.mu.Unlock()
			return true, nil
		}
		changed := s.changed
		wait := max(time.Until(q.next), time.Millisecond)
		s.mu.Unlock()
		select {
		case <-ctx.Done():
		case <-changed:
		case <-time.After(wait):
		}
	}
}

// giveBack returns a borrowed turn; the host rests wait before its next request.
func (s *localFrontier) GiveBack(_ context.Context, host string, wait time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.host(host)
	q.inflight--
	q.next = time.Now().Add(wait)
	s.signal()
	return nil
}

// Leave ends the process's part in the run, which is all of it.
func (s *localFrontier) Leave(_ context.Context, stats Stats) (Stats, bool, error) {
	return stats, true, nil
}
