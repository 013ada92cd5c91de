package crawl

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"
)

// Frontier is a run's queue and its hosts' politeness: which item goes next
// (best first across hosts), one request in flight per host, the rest between
// two requests to a host, and the counts that leave a host alone (failures,
// pages, anti-bot pages). The default lives in the process (NewLocalFrontier);
// a shared one lets crawl workers in several processes, on several machines,
// work on one run: every item is handed to one worker at a time, and a host's
// state is the same for all of them.
//
// The State keeps which items a run has and how each ended; a frontier keeps
// what is queued and who holds what, and can be rebuilt from the State.
type Frontier interface {
	// Join begins or resumes the run with begin, and makes sure the frontier
	// holds the run's items not yet finished, read with pending when it does
	// not hold them already. A shared frontier lets one worker at a time do so,
	// so that workers starting together join one run. It returns the run and
	// how many items this Join queued (none when another worker had), so that
	// the workers' counts add up to the run's.
	Join(ctx context.Context, begin BeginFunc, pending PendingFunc) (runID int64, resumed bool, queued int, err error)
	// Add queues items new to the run, and returns those whose host is left
	// alone for the rest of the run (the caller records them as skipped).
	Add(ctx context.Context, items []Item) (refused []Item, err error)
	// Next waits for an item whose host is free and rested, and holds the host
	// for it. It returns false when the run has no work left (nothing queued,
	// nothing held by any worker) or ctx ends.
	Next(ctx context.Context) (Item, bool, error)
	// Release frees the item's host, which rests wait before its next request.
	// The item stays this worker's until Done or Retry.
	Release(ctx context.Context, it Item, wait time.Duration) error
	// Retry puts an item back in its host's queue, behind those of its
	// priority, and counts the attempt.
	Retry(ctx context.Context, it Item) error
	// Attempts returns how often an item has been retried in the run.
	Attempts(ctx context.Context, key string) (int, error)
	// Done says the item's outcome is recorded in the State: no worker will
	// fetch it again in the run.
	Done(ctx context.Context, it Item) error
	// Count adds by to a count of a host and returns the count in the run.
	Count(ctx context.Context, host string, what HostCount, by int64) (int64, error)
	// Challenged counts an anti-bot page from a host and returns how many came
	// in a row, and the host's last page that answered normally ("" if none).
	Challenged(ctx context.Context, host string) (int, string, error)
	// Answered notes that a host answered normally, with pageURL if it is a
	// page that may be asked again: its run of anti-bot pages ends.
	Answered(ctx context.Context, host, pageURL string) error
	// Block leaves a host alone for the rest of the run and returns its queued
	// items.
	Block(ctx context.Context, host string) ([]Item, error)
	// Borrow waits until a host is free and rested and holds it for a request
	// that is no item (a rendered page's request to another host of the
	// portal). It returns false when ctx ends or the host is left alone.
	Borrow(ctx context.Context, host string) (bool, error)
	// GiveBack frees a borrowed host, which rests wait before its next request.
	GiveBack(ctx context.Context, host string, wait time.Duration) error
	// Leave ends this worker's part in the run: what it still holds goes back
	// to the queue, and its counts are kept with the run's. It returns the
	// counts of the run so far (every worker's) and whether this worker was the
	// last one in the run, which then records the run's end.
	Leave(ctx context.Context, stats Stats) (run Stats, last bool, err error)
}

// BeginFunc begins or resumes a run (State.BeginRun with the run's seeds).
type BeginFunc func(ctx context.Context) (runID int64, resumed bool, err error)

// PendingFunc reads a run's items not yet finished (State.Pending).
type PendingFunc func(ctx context.Context, runID int64) ([]Item, error)

// HostCount names what Frontier.Count counts.
type HostCount int

const (
	CountFailure HostCount = iota // failures of the host (the failure budget)
	CountFetched                  // pages fetched (max_pages_per_host)
	CountSpent                    // milliseconds the host's requests took (max_host_time)
)

// SharedRobots is what a shared frontier may keep besides: each host's
// robots.txt, so that it is fetched once per host and TTL, not once per worker.
type SharedRobots interface {
	// Robots returns what SetRobots kept for a host, if it has not expired.
	Robots(ctx context.Context, host string) ([]byte, bool, error)
	// SetRobots keeps a host's robots.txt, as the crawler encodes it, for ttl.
	SetRobots(ctx context.Context, host string, data []byte, ttl time.Duration) error
}

// StatsKeeper is what a shared frontier may do besides: keep a worker's counts
// in the run as they grow, so that a worker that dies still counts in the run's
// (up to the last time they were kept). The crawler gives it the function that
// reads them.
type StatsKeeper interface {
	KeepStats(counts func() Stats)
}

// ErrFrontier is what the error of a run wraps when its frontier failed (a
// shared frontier that cannot be reached): the run stops rather than go on
// alone, its unfinished items kept in the State.
var ErrFrontier = errors.New("the frontier failed")

// scheduler is the crawler's handle on its frontier: a failing frontier stops
// the run (with ErrFrontier as the cause) instead of every caller handling it,
// and it counts this process's requests in flight.
type scheduler struct {
	f Frontier
	// ctx is the run's context without its cancellation: what a worker holds
	// must go back even after Ctrl-C.
	ctx      context.Context
	stop     context.CancelCauseFunc
	inflight atomic.Int64
}

func (s *scheduler) failed(doing string, err error) {
	if err != nil {
		s.stop(fmt.Errorf("%w: %s: %w", ErrFrontier, doing, err))
	}
}

// add queues items and returns those whose host is left alone for the rest of
// the run (the caller then records them as skipped).
func (s *scheduler) add(items []Item) []Item {
	refused, err := s.f.Add(s.ctx, items)
	s.failed("queueing", err)
	return refused
}

func (s *scheduler) next(ctx context.Context) (Item, bool) {
	it, ok, err := s.f.Next(ctx)
	s.failed("taking the next URL", err)
	if ok {
		s.inflight.Add(1)
	}
	return it, ok && err == nil
}

func (s *scheduler) release(it Item, wait time.Duration) {
	s.inflight.Add(-1)
	s.failed("freeing a host", s.f.Release(s.ctx, it, wait))
}

func (s *scheduler) retry(it Item) { s.failed("queueing a retry", s.f.Retry(s.ctx, it)) }

func (s *scheduler) attempts(key string) int {
	n, err := s.f.Attempts(s.ctx, key)
	s.failed("counting attempts", err)
	return n
}

func (s *scheduler) done(it Item) { s.failed("finishing a URL", s.f.Done(s.ctx, it)) }

func (s *scheduler) count(host string, what HostCount, by int64) int64 {
	n, err := s.f.Count(s.ctx, host, what, by)
	s.failed("counting for a host", err)
	return n
}

func (s *scheduler) fail(host string) int    { return int(s.count(host, CountFailure, 1)) }
func (s *scheduler) fetched(host string) int { return int(s.count(host, CountFetched, 1)) }

func (s *scheduler) spend(host string, d time.Duration) { s.count(host, CountSpent, d.Milliseconds()) }

func (s *scheduler) spent(host string) time.Duration {
	return time.Duration(s.count(host, CountSpent, 0)) * time.Millisecond
}

func (s *scheduler) challenged(host string) (int, string) {
	n, good, err := s.f.Challenged(s.ctx, host)
	s.failed("counting a challenge", err)
	return n, good
}

func (s *scheduler) answered(host, pageURL string) {
	s.failed("noting an answer", s.f.Answered(s.ctx, host, pageURL))
}

func (s *scheduler) block(host string) []Item {
	left, err := s.f.Block(s.ctx, host)
	s.failed("leaving a host alone", err)
	return left
}

func (s *scheduler) borrow(ctx context.Context, host string) bool {
	ok, err := s.f.Borrow(ctx, host)
	s.failed("waiting for a host", err)
	return ok && err == nil
}

func (s *scheduler) giveBack(host string, wait time.Duration) {
	s.failed("freeing a host", s.f.GiveBack(s.ctx, host, wait))
}

// inFlight counts this process's requests in flight.
func (s *scheduler) inFlight() int { return int(s.inflight.Load()) }
