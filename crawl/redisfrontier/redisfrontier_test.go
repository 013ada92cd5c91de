package redisfrontier

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"gongkai/crawl"
	"gongkai/internal/redistest"
)

// store is the crawl state the tests' workers share: which items a run has and
// which are finished.
type store struct {
	mu       sync.Mutex
	items    []crawl.Item
	finished map[string]bool
}

func newStore(items []crawl.Item) *store { return &store{items: items, finished: map[string]bool{}} }

func (s *store) begin(context.Context) (int64, bool, error) { return 1, false, nil }

func (s *store) pending(context.Context, int64) ([]crawl.Item, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []crawl.Item
	for _, it := range s.items {
		if !s.finished[it.Key] {
			out = append(out, it)
		}
	}
	return out, nil
}

func (s *store) finish(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.finished[key] = true
}

func items(hosts, per int) []crawl.Item {
	var out []crawl.Item
	for h := 0; h < hosts; h++ {
		for i := 0; i < per; i++ {
			u := fmt.Sprintf("http://h%d.test/p%d", h, i)
			out = append(out, crawl.Item{Key: u, URL: u, Portal: "p", Kind: crawl.KindList, Priority: crawl.PriorityOther + 10*(i%3)})
		}
	}
	return out
}

func open(t *testing.T, srv *redistest.Server, name string, lease time.Duration) *Frontier {
	t.Helper()
	f, err := Open(context.Background(), Options{URL: srv.URL(), Worker: name, Rest: 30 * time.Millisecond, Lease: lease, Unreachable: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

type fetch struct {
	worker     string
	key, host  string
	start, end time.Time
	priority   int
}

// work takes items until the run is done, holding each host 5ms and resting it
// rest after.
func work(t *testing.T, f *Frontier, st *store, rest time.Duration, log chan<- fetch) {
	ctx := context.Background()
	for {
		it, ok, err := f.Next(ctx)
		if err != nil {
			t.Error(err)
			return
		}
		if !ok {
			return
		}
		start := time.Now()
		time.Sleep(5 * time.Millisecond)
		end := time.Now()
		log <- fetch{worker: f.opts.Worker, key: it.Key, host: hostOf(it.URL), start: start, end: end, priority: it.Priority}
		if err := f.Release(ctx, it, rest); err != nil {
			t.Error(err)
		}
		st.finish(it.Key)
		if err := f.Done(ctx, it); err != nil {
			t.Error(err)
		}
	}
}

// Three workers on one run: each item is handed out once, a host never has two
// requests in flight, it rests between two, and its queue is best first.
func TestWorkersShareOneRun(t *testing.T) {
	srv := redistest.Start(t)
	all := items(6, 8)
	st := newStore(all)
	const rest = 30 * time.Millisecond
	var ws []*Frontier
	queued := 0
	for i := range 3 {
		f := open(t, srv, fmt.Sprintf("w%d", i+1), 5*time.Second)
		_, _, n, err := f.Join(context.Background(), st.begin, st.pending)
		if err != nil {
			t.Fatal(err)
		}
		queued += n
		ws = append(ws, f)
	}
	// Each worker counts what it queued: the run's items once in all.
	if queued != len(all) {
		t.Errorf("the workers say they queued %d items in all; the run has %d", queued, len(all))
	}
	log := make(chan fetch, len(all)*2)
	var wg sync.WaitGroup
	for _, f := range ws {
		for range 2 {
			wg.Add(1)
			go func() { defer wg.Done(); work(t, f, st, rest, log) }()
		}
	}
	wg.Wait()
	close(log)
	var got []fetch
	for f := range log {
		got = append(got, f)
	}
	checkFetches(t, got, all, rest)
	workers := map[string]bool{}
	for _, f := range got {
		workers[f.worker] = true
	}
	if len(workers) < 2 {
		t.Errorf("only %v took items", workers)
	}
	for i, f := range ws {
		run, last, err := f.Leave(context.Background(), crawl.Stats{Fetched: 10 + i, Outcomes: crawl.OutcomeCounts{crawl.OutcomeList: 1}})
		if err != nil {
			t.Fatal(err)
		}
		if last != (i == len(ws)-1) {
			t.Errorf("worker %d of %d leaving: last = %v", i+1, len(ws), last)
		}
		if last && (run.Fetched != 33 || len(run.Workers) != 3 || run.Outcomes[crawl.OutcomeList] != 3 || run.Workers["w2"].Fetched != 11) {
			t.Errorf("the run's counts: %+v", run)
		}
	}
}

func checkFetches(t *testing.T, got []fetch, want []crawl.Item, rest time.Duration) {
	t.Helper()
	seen := map[string]int{}
	byHost := map[string][]fetch{}
	for _, f := range got {
		seen[f.key]++
		byHost[f.host] = append(byHost[f.host], f)
	}
	for _, it := range want {
		if seen[it.Key] != 1 {
			t.Errorf("%s handed out %d times", it.Key, seen[it.Key])
		}
	}
	for h, fs := range byHost {
		sort.Slice(fs, func(i, j int) bool { return fs[i].start.Before(fs[j].start) })
		for i := 1; i < len(fs); i++ {
			if gap := fs[i].start.Sub(fs[i-1].end); gap < rest-2*time.Millisecond {
				t.Errorf("%s: %s started %s after %s ended (rest %s)", h, fs[i].key, gap, fs[i-1].key, rest)
			}
			if fs[i].priority > fs[i-1].priority {
				t.Errorf("%s: %s (priority %d) after %s (priority %d)", h, fs[i].key, fs[i].priority, fs[i-1].key, fs[i-1].priority)
			}
		}
	}
}

// What a worker that dies held goes back to the queue when its lease expires,
// and its host rests before another worker asks it.
func TestDeadWorkersItemsReturn(t *testing.T) {
	srv := redistest.Start(t)
	all := items(1, 3)
	st := newStore(all)
	ctx := context.Background()
	dead := open(t, srv, "dead", 600*time.Millisecond)
	if _, _, queued, err := dead.Join(ctx, st.begin, st.pending); err != nil || queued != 3 {
		t.Fatalf("the first worker queued %d (want the 3 items): %v", queued, err)
	}
	held, ok, err := dead.Next(ctx)
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	dead.Close() // killed: no renewal, no Leave
	diedAt := time.Now()

	alive := open(t, srv, "alive", 5*time.Second)
	if _, _, queued, err := alive.Join(ctx, st.begin, st.pending); err != nil || queued != 0 {
		t.Fatalf("the second worker queued %d (want none: the run was queued): %v", queued, err)
	}
	got := map[string]bool{}
	for range 3 {
		it, ok, err := alive.Next(ctx)
		if err != nil || !ok {
			t.Fatal(ok, err)
		}
		if it.Key == held.Key && time.Since(diedAt) < 600*time.Millisecond {
			t.Errorf("%s handed out again %s after its holder died, before its lease expired", it.Key, time.Since(diedAt))
		}
		if len(got) == 0 && time.Since(diedAt) < 600*time.Millisecond {
			t.Errorf("the host held by the dead worker was asked again after %s", time.Since(diedAt))
		}
		got[it.Key] = true
		alive.Release(ctx, it, 0)
		st.finish(it.Key)
		alive.Done(ctx, it)
	}
	if !got[held.Key] || len(got) != 3 {
		t.Errorf("handed out %v; the dead worker held %s", got, held.Key)
	}
	if _, ok, _ := alive.Next(ctx); ok {
		t.Error("work left after every item was done")
	}
}

// A Redis that restarts without its data loses the queue: it is rebuilt from
// the store, without the items finished meanwhile, and what a worker held when
// it restarted is neither lost nor handed out twice.
func TestRedisRestartRebuildsTheQueue(t *testing.T) {
	srv := redistest.Start(t)
	all := items(2, 5)
	st := newStore(all)
	ctx := context.Background()
	f := open(t, srv, "w1", 2*time.Second)
	if _, _, _, err := f.Join(ctx, st.begin, st.pending); err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	// Finish three items, and hold a fourth over the restart.
	for range 3 {
		it, _, err := f.Next(ctx)
		if err != nil {
			t.Fatal(err)
		}
		seen[it.Key]++
		f.Release(ctx, it, 0)
		st.finish(it.Key)
		f.Done(ctx, it)
	}
	held, _, err := f.Next(ctx)
	if err != nil {
		t.Fatal(err)
	}
	seen[held.Key]++
	srv.Restart()
	if err := f.Release(ctx, held, 0); err != nil {
		t.Fatalf("releasing after the restart: %v", err)
	}
	for {
		it, ok, err := f.Next(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			break
		}
		seen[it.Key]++
		f.Release(ctx, it, 0)
		st.finish(it.Key)
		f.Done(ctx, it)
		if it.Key != held.Key && !st.finished[held.Key] {
			// The held item is finished once the restart is behind us.
			st.finish(held.Key)
			f.Done(ctx, held)
		}
	}
	for _, it := range all {
		if seen[it.Key] != 1 {
			t.Errorf("%s handed out %d times", it.Key, seen[it.Key])
		}
	}
}

// A worker that cannot reach Redis says so at once.
func TestUnreachableRedis(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	_, err = Open(context.Background(), Options{URL: "redis://:secret@" + addr + "/0", Worker: "w"})
	if err == nil || !strings.Contains(err.Error(), "cannot reach Redis at redis://:xxxxx@"+addr) || strings.Contains(err.Error(), "secret") {
		t.Fatalf("err = %v", err)
	}
}

// cutProxy forwards connections to Redis until a client sends marker; then it
// cuts every connection and refuses new ones, as if the client's machine had
// died at that point. What reached Redis before stays.
type cutProxy struct {
	ln     net.Listener
	marker []byte
	mu     sync.Mutex
	cut    bool
	conns  []net.Conn
}

func newCutProxy(t *testing.T, to string, marker string) *cutProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cutProxy{ln: ln, marker: []byte(marker)}
	t.Cleanup(func() { ln.Close(); p.cutAll() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			p.mu.Lock()
			cut := p.cut
			p.mu.Unlock()
			if cut {
				c.Close()
				continue
			}
			s, err := net.Dial("tcp", to)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, s)
			p.mu.Unlock()
			go func() { io.Copy(c, s); c.Close() }()
			go p.forward(c, s)
		}
	}()
	return p
}

// forward copies a client's bytes to Redis, stopping short of the marker (a
// command cut before its end is never run).
func (p *cutProxy) forward(c, s net.Conn) {
	buf := make([]byte, 64<<10)
	var tail []byte
	for {
		n, err := c.Read(buf)
		if n > 0 {
			seen := append(tail, buf[:n]...)
			if bytes.Contains(seen, p.marker) {
				p.cutAll()
				return
			}
			if _, werr := s.Write(buf[:n]); werr != nil {
				return
			}
			tail = append([]byte(nil), seen[max(0, len(seen)-len(p.marker)):]...)
		}
		if err != nil {
			s.Close()
			return
		}
	}
}

func (p *cutProxy) cutAll() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cut = true
	for _, c := range p.conns {
		c.Close()
	}
}

func (p *cutProxy) URL() string { return "redis://" + p.ln.Addr().String() + "/0" }

// A worker that refills the queue after Redis lost the run, and dies half-way
// (its connection cut after its first batch), leaves no partial queue that
// the others would take for the whole run: a live worker waits for the join
// lock to expire, finishes the fill, and every item is handed out once.
func TestRefillCutOffMidway(t *testing.T) {
	srv := redistest.Start(t)
	all := items(4, 300) // three batches
	st := newStore(all)
	ctx := context.Background()
	live := open(t, srv, "live", 3*time.Second)
	if _, _, _, err := live.Join(ctx, st.begin, st.pending); err != nil {
		t.Fatal(err)
	}
	srv.Restart() // the run is lost

	// The second batch begins with item 500: the refilling worker dies
	// before it reaches Redis.
	proxy := newCutProxy(t, srv.Addr(), all[500].Key)
	dying, err := Open(ctx, Options{URL: proxy.URL(), Worker: "dying", Rest: 30 * time.Millisecond, Lease: time.Second, Unreachable: 500 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer dying.Close()
	if _, _, _, err := dying.Join(ctx, st.begin, st.pending); err == nil {
		t.Fatal("the refill through a cut connection succeeded")
	}
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr()})
	defer rdb.Close()
	if n, _ := rdb.HLen(ctx, "gongkai:run:1:items").Result(); n != 500 {
		t.Fatalf("the dying worker left %d items in Redis, want its first batch of 500", n)
	}
	if held, _ := rdb.Exists(ctx, joinLock).Result(); held != 1 {
		t.Fatal("the dying worker's join lock is gone: the test does not leave it as a killed worker would")
	}

	seen := map[string]int{}
	for {
		it, ok, err := live.Next(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			break
		}
		seen[it.Key]++
		live.Release(ctx, it, 0)
		st.finish(it.Key)
		live.Done(ctx, it)
	}
	for _, it := range all {
		if seen[it.Key] != 1 {
			t.Errorf("%s handed out %d times", it.Key, seen[it.Key])
		}
	}
}

// Status shows each worker's process, lease, hosts in flight, what it holds and
// finished, and what it took last.
func TestStatus(t *testing.T) {
	srv := redistest.Start(t)
	all := items(3, 2)
	st := newStore(all)
	ctx := context.Background()
	busy := open(t, srv, "busy", 5*time.Second)
	idle := open(t, srv, "idle", 5*time.Second)
	for _, f := range []*Frontier{busy, idle} {
		if _, _, _, err := f.Join(ctx, st.begin, st.pending); err != nil {
			t.Fatal(err)
		}
	}
	first, _, err := busy.Next(ctx)
	if err != nil {
		t.Fatal(err)
	}
	busy.Release(ctx, first, 0)
	st.finish(first.Key)
	busy.Done(ctx, first)
	held, _, err := busy.Next(ctx)
	if err != nil {
		t.Fatal(err)
	}
	state, err := Status(ctx, srv.URL(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if state.Lost || state.Items != len(all)-1 || len(state.Workers) != 2 {
		t.Fatalf("state %+v, want %d items and two workers", state, len(all)-1)
	}
	b, i := state.Workers[0], state.Workers[1]
	host, _ := os.Hostname()
	if b.Name != "busy" || b.Host != host || b.PID != os.Getpid() || b.Since.IsZero() {
		t.Errorf("busy is %+v", b)
	}
	if b.LeaseLeft <= 0 || b.LeaseLeft > 5*time.Second {
		t.Errorf("busy's lease has %s left of 5s", b.LeaseLeft)
	}
	if len(b.InFlight) != 1 || b.InFlight[0] != hostOf(held.URL) || b.Holds != 1 || b.Finished != 1 {
		t.Errorf("busy: in flight %v, holds %d, finished %d; want %s, 1, 1", b.InFlight, b.Holds, b.Finished, hostOf(held.URL))
	}
	if b.LastURL != held.Key || b.LastAgo < 0 || b.LastAgo > 5*time.Second {
		t.Errorf("busy last took %s %s ago, want %s", b.LastURL, b.LastAgo, held.Key)
	}
	if i.Name != "idle" || len(i.InFlight) != 0 || i.Holds != 0 || i.Finished != 0 || i.LastURL != "" {
		t.Errorf("idle is %+v", i)
	}
	if state.Ready+state.Resting != 2 {
		t.Errorf("%d hosts ready and %d resting, want the two not in flight", state.Ready, state.Resting)
	}
}

// The counts of a worker that dies stay in the run's as they were at its last
// renewal, whether it is started again under its name or not.
func TestDeadWorkersCountsStay(t *testing.T) {
	srv := redistest.Start(t)
	all := items(2, 3)
	st := newStore(all)
	ctx := context.Background()
	counts := func(n int) func() crawl.Stats {
		return func() crawl.Stats {
			return crawl.Stats{Fetched: n, Outcomes: crawl.OutcomeCounts{crawl.OutcomeList: n}}
		}
	}
	// a and b die after a few renewals (every 200 ms); a is started again.
	for _, w := range []struct {
		name    string
		fetched int
	}{{"a", 5}, {"b", 3}} {
		f := open(t, srv, w.name, time.Second)
		if _, _, _, err := f.Join(ctx, st.begin, st.pending); err != nil {
			t.Fatal(err)
		}
		f.KeepStats(counts(w.fetched))
		time.Sleep(500 * time.Millisecond)
		f.Close()
	}
	time.Sleep(time.Second) // b's lease expires
	again := open(t, srv, "a", time.Second)
	if _, _, _, err := again.Join(ctx, st.begin, st.pending); err != nil {
		t.Fatal(err)
	}
	for {
		it, ok, err := again.Next(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			break
		}
		again.Release(ctx, it, 0)
		st.finish(it.Key)
		again.Done(ctx, it)
	}
	run, last, err := again.Leave(ctx, counts(2)())
	if err != nil {
		t.Fatal(err)
	}
	if !last {
		t.Error("the last live worker did not end the run")
	}
	if run.Fetched != 10 || run.Outcomes[crawl.OutcomeList] != 10 || run.Workers["a"].Fetched != 7 || run.Workers["b"].Fetched != 3 || len(run.Workers) != 2 {
		t.Errorf("the run's counts: fetched %d, lists %d, workers %+v; want 10 (a 5 then 2, b 3)", run.Fetched, run.Outcomes[crawl.OutcomeList], run.Workers)
	}
}
