package crawl

import (
	"context"
	"net/url"
	"sync"
	"time"
)

// scheduler hands out items so that no host ever has more requests in flight than
// allowed (one, unless politeness is off) and each host rests between requests as
// long as its politeness asks.
type scheduler struct {
	mu       sync.Mutex
	perHost  int
	hosts    map[string]*hostQueue
	tries    map[string]int // failed attempts per item key
	inflight int
	changed  chan struct{} // closed (and replaced) whenever a waiting worker may proceed
}

type hostQueue struct {
	items      []Item
	inflight   int
	next       time.Time // the host's next request may start then
	failures   int
	challenges int
	fetched    int
	blocked    bool
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
	q.items = append(q.items, it)
	s.signal()
	return true
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
				if best == nil || q.next.Before(best.next) {
					best = q
				}
			} else if earliest.IsZero() || q.next.Before(earliest) {
				earliest = q.next
			}
		}
		if best != nil {
			it := best.items[0]
			best.items = best.items[1:]
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

// retry puts an item back at the end of its host's queue.
func (s *scheduler) retry(it Item) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tries[it.Key]++
	q := s.host(hostOf(it.URL))
	if !q.blocked {
		q.items = append(q.items, it)
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

// challenged counts an anti-bot page from a host and returns its count.
func (s *scheduler) challenged(host string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.host(host)
	q.challenges++
	return q.challenges
}

// fetched counts a page fetched from a host and returns its count.
func (s *scheduler) fetched(host string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.host(host)
	q.fetched++
	return q.fetched
}

// block leaves a host alone for the rest of the run and returns its queued items.
func (s *scheduler) block(host string) []Item {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.host(host)
	q.blocked = true
	left := q.items
	q.items = nil
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
