package crawl

import (
	"container/heap"
	"context"
	"net/url"
	"sync"
	"time"
)

// scheduler hands out items so that no host ever has more requests in flight than
// allowed (one, unless politeness is off) and each host rests between requests as
// long as its politeness asks. Each host's queue is best-first: the item of
// highest Priority, and among equals the one queued first.
type scheduler struct {
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

func newScheduler(perHost int) *scheduler {
	return &scheduler{perHost: max(perHost, 1), hosts: map[string]*hostQueue{}, tries: map[string]int{}, changed: make(chan struct{})}
}

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Host
}

func (s *scheduler) host(h string) *hostQueue {
	q := s.hosts[h]
	if q == nil {
		q = &hostQueue{}
		s.hosts[h] = q
	}
	return q
}

// signal wakes every waiting worker; the caller holds s.mu.
func (s *scheduler) signal() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// add queues an item. It reports false when the item's host is left alone for
// the rest of the run (the caller then records the item as skipped).
func (s *scheduler) add(it Item) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.host(hostOf(it.URL))
	if q.blocked {
		return false
	}
	s.push(q, it)
	s.signal()
	return true
}

// push queues an item on a host; the caller holds s.mu.
func (s *scheduler) push(q *hostQueue, it Item) {
	s.seq++
	heap.Push(&q.items, queued{Item: it, seq: s.seq})
}

// next waits for an item whose host is free and rested. It returns false when
// there is no work left (nothing queued, nothing in flight) or ctx ends.
func (s *scheduler) next(ctx context.Context) (Item, bool) {
	for {
		s.mu.Lock()
		if ctx.Err() != nil {
			s.mu.Unlock()
			return Item{}, false
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
			return it, true
		}
		if !waiting && s.inflight == 0 {
			s.signal() // let the other workers see the end too
			s.mu.Unlock()
			return Item{}, false
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
func (s *scheduler) release(it Item, wait time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.host(hostOf(it.URL))
	q.inflight--
	q.next = time.Now().Add(wait)
	s.inflight--
	s.signal()
}

// retry puts an item back in its host's queue, behind the items of its priority.
func (s *scheduler) retry(it Item) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tries[it.Key]++
	q := s.host(hostOf(it.URL))
	if !q.blocked {
		s.push(q, it)
	}
}

// attempts returns how often an item has been retried.
func (s *scheduler) attempts(key string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tries[key]
}

// fail counts a failure against a host and returns its count.
func (s *scheduler) fail(host string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.host(host)
	q.failures++
	return q.failures
}

// challenged counts an anti-bot page from a host and returns how many came in a
// row, without a normal answer between them, and the host's last page that
// answered normally ("" if none did).
func (s *scheduler) challenged(host string) (int, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.host(host)
	q.challenges++
	return q.challenges, q.good
}

// answered notes that a host answered normally, with pageURL if it is a page
// that may be asked again ("" if not): its run of challenges ends.
func (s *scheduler) answered(host, pageURL string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.host(host)
	q.challenges = 0
	if pageURL != "" {
		q.good = pageURL
	}
}

// fetched counts a page fetched from a host and returns its count.
func (s *scheduler) fetched(host string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.host(host)
	q.fetched++
	return q.fetched
}

// spend adds the time of a request to its host's.
func (s *scheduler) spend(host string, d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.host(host).spent += d
}

// spent is the time a host's requests took this run.
func (s *scheduler) spent(host string) time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.host(host).spent
}

// block leaves a host alone for the rest of the run and returns its queued items.
func (s *scheduler) block(host string) []Item {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.host(host)
	q.blocked = true
	left := make([]Item, 0, len(q.items))
	for q.items.Len() > 0 {
		left = append(left, heap.Pop(&q.items).(queued).Item)
	}
	s.signal()
	return left
}

// pending counts the items queued and in flight.
func (s *scheduler) pending() (queued, inflight int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, q := range s.hosts {
		if !q.blocked {
			queued += len(q.items)
		}
	}
	return queued, s.inflight
}

// borrow waits until a host is free and rested, and takes its turn for a
// request that is not an item of the frontier (a rendered page's request to
// another host of the portal). It gives up when ctx ends or the host is left
// alone; giveBack returns the turn.
func (s *scheduler) borrow(ctx context.Context, host string) bool {
	for {
		s.mu.Lock()
		q := s.host(host)
		if q.blocked || ctx.Err() != nil {
			s.mu.Unlock()
			return false
		}
		now := time.Now()
		if q.inflight < s.perHost && !q.next.After(now) {
			q.inflight++
			s.mu.Unlock()
			return true
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
func (s *scheduler) giveBack(host string, wait time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.host(host)
	q.inflight--
	q.next = time.Now().Add(wait)
	s.signal()
}
