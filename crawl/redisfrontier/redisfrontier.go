// Package redisfrontier is a crawl.Frontier in Redis, shared by crawl workers
// on any number of machines: each item of a run is handed to one worker at a
// time, best first across all hosts; a host has one request in flight whoever
// sends it, and rests between two requests as its politeness asks (delay,
// Crawl-delay, Retry-After, backoff); the failure budget, the page budget and
// robots.txt are shared. What a worker holds is leased: the worker renews its
// lease while it runs, and when it dies what it held returns to the queue. A
// Redis that lost the run (a restart without persistence) is refilled from the
// store's crawl state, which stays the record of what a run did.
package redisfrontier

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"gongkai/crawl"
)

// Options configure a worker's frontier.
type Options struct {
	// URL is the Redis server, redis://[user:password@]host:port[/db] (rediss://
	// for TLS).
	URL string
	// Worker names this worker in the run (its WARC files carry the name too);
	// two live workers of a run never share one.
	Worker string
	// Rest is how long a host held by a worker that died rests before another
	// worker may ask it: the crawl's delay.
	Rest time.Duration
	// Lease is how long what a worker holds stays its own without a renewal
	// (default 15s); it renews every Lease/5.
	Lease time.Duration
	// Unreachable is how long Redis may be unreachable (a restart) before the
	// worker gives up and stops (default 30s).
	Unreachable time.Duration
	Logger      *slog.Logger
}

// Frontier is a worker's handle on the shared frontier.
type Frontier struct {
	opts  Options
	rdb   *redis.Client
	token string // tells this process from another with the same worker name
	// trips counts the round trips to Redis, for the benchmark.
	trips atomic.Int64
	// taken is set when another process took this worker's name in the run:
	// every operation after fails.
	taken atomic.Bool

	mu      sync.Mutex
	prefix  string
	pending crawl.PendingFunc
	runID   int64
	// What this worker holds, said again to a Redis that lost the run.
	leases map[string]crawl.Item
	hosts  map[string]bool
	// counts reads this worker's counts, kept in the run at each renewal.
	counts func() crawl.Stats

	stopBeat func()
}

// ErrTaken is what Join returns when a live worker of the run has the name.
var ErrTaken = errors.New("another live worker of the run has this name")

// Open connects to Redis and checks that it answers: a worker that cannot
// reach it says so and stops, rather than crawl alone.
func Open(ctx context.Context, opts Options) (*Frontier, error) {
	ro, err := redis.ParseURL(opts.URL)
	if err != nil {
		return nil, fmt.Errorf("frontier %q: %w", redact(opts.URL), err)
	}
	ro.MaxRetries = -1 // the frontier retries itself, for as long as Unreachable
	ro.DialTimeout = 5 * time.Second
	if opts.Worker == "" {
		return nil, errors.New("frontier: a worker needs a name")
	}
	if opts.Lease <= 0 {
		opts.Lease = 15 * time.Second
	}
	if opts.Unreachable <= 0 {
		opts.Unreachable = 30 * time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	// go-redis prints its own lines on stderr (a failed dial, a retry); the
	// frontier says what matters itself, once, so they go to our logger's
	// debug level.
	redis.SetLogger(libraryLog{opts.Logger})
	f := &Frontier{opts: opts, rdb: redis.NewClient(ro), leases: map[string]crawl.Item{}, hosts: map[string]bool{}}
	var b [8]byte
	rand.Read(b[:])
	f.token = hex.EncodeToString(b[:])
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := f.rdb.Ping(pctx).Err(); err != nil {
		f.rdb.Close()
		return nil, fmt.Errorf("cannot reach Redis at %s (the shared frontier): %w; this worker does not crawl alone", redact(opts.URL), err)
	}
	return f, nil
}

// libraryLog is go-redis's logger on ours.
type libraryLog struct{ l *slog.Logger }

func (g libraryLog) Printf(ctx context.Context, format string, v ...any) {
	g.l.DebugContext(ctx, "redis: "+fmt.Sprintf(format, v...))
}

// redact drops a password from a Redis URL, for messages.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "the configured URL"
	}
	return u.Redacted()
}

// stopBeating stops the lease renewal, if it runs, and waits for it to end.
func (f *Frontier) stopBeating() {
	f.mu.Lock()
	stop := f.stopBeat
	f.stopBeat = nil
	f.mu.Unlock()
	if stop != nil {
		stop()
	}
}

// every calls beat at each renewal until it returns false or stop is called;
// stop waits for the last call to end.
func (f *Frontier) every(beat func(ctx context.Context) bool) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(f.beatEvery())
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			if !beat(ctx) {
				return
			}
		}
	}()
	return func() {
		cancel()
		<-done
	}
}

// Close stops the lease renewal and closes the connection.
func (f *Frontier) Close() error {
	f.stopBeating()
	return f.rdb.Close()
}

// RoundTrips counts the requests this worker sent to Redis.
func (f *Frontier) RoundTrips() int64 { return f.trips.Load() }

// errLost says Redis no longer holds the run.
var errLost = errors.New("redis lost the run")

// run runs a script, retrying while Redis is unreachable (up to Unreachable),
// and rebuilding the run when Redis lost it.
func (f *Frontier) run(ctx context.Context, s *redis.Script, args ...any) ([]string, error) {
	if f.taken.Load() {
		return nil, fmt.Errorf("worker %q: %w: this one stops", f.opts.Worker, ErrTaken)
	}
	for rebuilt := 0; ; rebuilt++ {
		out, err := f.eval(ctx, s, args...)
		if err != nil {
			return nil, err
		}
		if len(out) == 0 || out[0] != "lost" {
			return out, nil
		}
		if rebuilt > 2 {
			return nil, errLost
		}
		if err := f.rebuild(ctx); err != nil {
			return nil, err
		}
	}
}

// eval sends one script with the run's prefix as its first argument.
func (f *Frontier) eval(ctx context.Context, s *redis.Script, args ...any) ([]string, error) {
	f.mu.Lock()
	prefix := f.prefix
	f.mu.Unlock()
	full := append([]any{prefix}, args...)
	var first time.Time
	for {
		f.trips.Add(1)
		out, err := s.Run(ctx, f.rdb, nil, full...).StringSlice()
		if err == nil || errors.Is(err, redis.Nil) {
			return out, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if !unreachable(err) {
			return nil, fmt.Errorf("redis at %s: %w", redact(f.opts.URL), err)
		}
		if first.IsZero() {
			first = time.Now()
			f.opts.Logger.Warn("crawl: the shared frontier is unreachable; trying again", "redis", redact(f.opts.URL), "err", err)
		}
		if time.Since(first) > f.opts.Unreachable {
			return nil, fmt.Errorf("redis at %s unreachable for %s: %w", redact(f.opts.URL), f.opts.Unreachable, err)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// unreachable says whether an error is Redis being away (a restart, a cut
// connection, loading its data) rather than a fault of ours.
func unreachable(err error) bool {
	var ne net.Error
	if errors.As(err, &ne) || errors.Is(err, os.ErrDeadlineExceeded) {
		return true
	}
	msg := err.Error()
	for _, s := range []string{"LOADING", "connection refused", "connection reset", "broken pipe", "EOF", "i/o timeout", "use of closed network connection"} {
		if strings.Contains(strings.ToLower(msg), strings.ToLower(s)) {
			return true
		}
	}
	return false
}

func (f *Frontier) ms(d time.Duration) string { return strconv.FormatInt(d.Milliseconds(), 10) }

// joinLock is held by the worker that begins a run or fills Redis with it.
// It expires a lease after its holder stops renewing it (a worker killed while
// filling the queue), and the next worker to take it finishes the fill.
const joinLock = "gongkai:join"

// holdScript renews the join lock and, under a run, its holder's lease: a fill
// from a large store may take longer than either. KEYS: the lock; ARGV: its
// holder, lease ms, the run's prefix ("" before the run is known), worker.
var holdScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
if ARGV[3] ~= '' then
  local t = redis.call('TIME')
  redis.call('ZADD', ARGV[3] .. 'workers', tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[2]), ARGV[4])
end
return 1`)

var unlockScript = redis.NewScript(`if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`)

// lock takes the join lock, waiting for another worker that holds it, and
// renews it until the returned unlock is called.
func (f *Frontier) lock(ctx context.Context) (unlock func(), err error) {
	me := f.opts.Worker + " " + f.token
	for {
		f.trips.Add(1)
		ok, err := f.rdb.SetNX(ctx, joinLock, me, f.opts.Lease).Result()
		if err != nil {
			return nil, fmt.Errorf("redis at %s: %w", redact(f.opts.URL), err)
		}
		if ok {
			break
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	stop := f.every(func(ctx context.Context) bool {
		f.mu.Lock()
		prefix := f.prefix
		f.mu.Unlock()
		f.trips.Add(1)
		holdScript.Run(ctx, f.rdb, []string{joinLock}, me, f.ms(f.opts.Lease), prefix, f.opts.Worker)
		return true
	})
	return func() {
		stop()
		f.trips.Add(1)
		unlockScript.Run(context.WithoutCancel(ctx), f.rdb, []string{joinLock}, me)
	}, nil
}

// Join begins or resumes the run (one worker at a time), enters this worker,
// and fills Redis with the run's pending items if it does not hold them. The
// count it returns is what this worker queued, so that the workers' counts
// add up to the run's.
func (f *Frontier) Join(ctx context.Context, begin crawl.BeginFunc, pending crawl.PendingFunc) (int64, bool, int, error) {
	unlock, err := f.lock(ctx)
	if err != nil {
		return 0, false, 0, err
	}
	defer unlock()
	runID, resumed, err := begin(ctx)
	if err != nil {
		return 0, false, 0, err
	}
	f.mu.Lock()
	f.prefix = fmt.Sprintf("gongkai:run:%d:", runID)
	f.runID, f.pending = runID, pending
	f.mu.Unlock()
	host, _ := os.Hostname()
	info, _ := json.Marshal(map[string]any{"host": host, "pid": os.Getpid(), "since": time.Now().UTC(), "token": f.token})
	out, err := f.eval(ctx, enterScript, f.opts.Worker, f.ms(f.opts.Lease), string(info), f.token, host, f.ms(f.opts.Rest))
	if err != nil {
		return 0, false, 0, err
	}
	if out[0] == "taken" {
		return 0, false, 0, fmt.Errorf("worker %q: %w (%s): give each worker its own name", f.opts.Worker, ErrTaken, out[1])
	}
	// A resumed run that Redis does not hold may have live workers (Redis
	// restarted as this one started): they say what they hold first.
	queued, err := f.fill(ctx, runID, resumed)
	if err != nil {
		return 0, false, 0, err
	}
	f.startBeat()
	return runID, resumed, queued, nil
}

// fill queues the run's pending items from the store when Redis does not hold
// the whole run (a new run, a Redis that restarted without its data, or a fill
// that a killed worker left half done), and returns how many it queued. The
// caller holds the join lock. Until the fill ends the run counts as lost, so
// the other workers wait for it rather than take a partial queue for all
// there is; queueing is idempotent (an item is queued once in a run), so a
// fill begun again finishes the one before. With wait it first waits two
// renewals, so that every live worker has said again what it holds
// (reassert) and no item in flight is queued a second time.
func (f *Frontier) fill(ctx context.Context, runID int64, wait bool) (int, error) {
	f.trips.Add(1)
	n, err := f.rdb.Exists(ctx, f.prefix+"seeded").Result()
	if err != nil || n == 1 {
		return 0, err
	}
	if wait {
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(2 * f.beatEvery()):
		}
	}
	items, err := f.pending(ctx, runID)
	if err != nil {
		return 0, err
	}
	queued := 0
	for len(items) > 0 {
		batch := items[:min(len(items), 500)]
		items = items[len(batch):]
		added, _, err := f.add(ctx, batch, true)
		if err != nil {
			return queued, err
		}
		queued += added
	}
	f.trips.Add(1)
	if err := f.rdb.Set(ctx, f.prefix+"seeded", time.Now().UTC().Format(time.RFC3339), 0).Err(); err != nil {
		return queued, err
	}
	return queued, nil
}

// rebuild answers a Redis that lost the run: this worker says again what it
// holds, and one worker refills the queue from the store.
func (f *Frontier) rebuild(ctx context.Context) error {
	if err := f.reassert(ctx); err != nil {
		return err
	}
	unlock, err := f.lock(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	f.mu.Lock()
	runID := f.runID
	f.mu.Unlock()
	queued, err := f.fill(ctx, runID, true)
	if err == nil && queued > 0 {
		f.opts.Logger.Warn("crawl: Redis had lost the run; its queue was rebuilt from the store", "run", runID, "queued", queued)
	}
	return err
}

func (f *Frontier) reassert(ctx context.Context) error {
	f.mu.Lock()
	args := []any{f.opts.Worker, f.ms(f.opts.Lease), strconv.Itoa(len(f.hosts))}
	for h := range f.hosts {
		args = append(args, h)
	}
	for _, it := range f.leases {
		data, _ := json.Marshal(it)
		args = append(args, it.Key, hostOf(it.URL), strconv.Itoa(it.Priority), string(data))
	}
	f.mu.Unlock()
	_, err := f.eval(ctx, reassertScript, args...)
	return err
}

func (f *Frontier) beatEvery() time.Duration { return f.opts.Lease / 5 }

// startBeat renews the worker's lease until Close or Leave.
func (f *Frontier) startBeat() {
	stop := f.every(func(ctx context.Context) bool {
		out, err := f.run(ctx, heartbeatScript, f.opts.Worker, f.ms(f.opts.Lease), f.token, f.keptCounts())
		switch {
		case ctx.Err() != nil:
			return false
		case err != nil:
			// The next operation meets the same error and stops the run.
			f.opts.Logger.Warn("crawl: renewing this worker's lease", "err", err)
		case out[0] == "taken":
			f.taken.Store(true)
			return false
		}
		return true
	})
	f.mu.Lock()
	f.stopBeat = stop
	f.mu.Unlock()
}

// KeepStats has this worker's counts kept in the run at each renewal, so that
// if it dies they still count in the run's.
func (f *Frontier) KeepStats(counts func() crawl.Stats) {
	f.mu.Lock()
	f.counts = counts
	f.mu.Unlock()
}

// keptCounts is this worker's counts as JSON, or "" before KeepStats.
func (f *Frontier) keptCounts() string {
	f.mu.Lock()
	counts := f.counts
	f.mu.Unlock()
	if counts == nil {
		return ""
	}
	data, err := json.Marshal(counts())
	if err != nil {
		return ""
	}
	return string(data)
}

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Host
}

// Add queues items new to the run.
func (f *Frontier) Add(ctx context.Context, items []crawl.Item) ([]crawl.Item, error) {
	var refused []crawl.Item
	for len(items) > 0 {
		batch := items[:min(len(items), 500)]
		items = items[len(batch):]
		_, r, err := f.add(ctx, batch, false)
		if err != nil {
			return refused, err
		}
		refused = append(refused, r...)
	}
	return refused, nil
}

// add sends one batch, and returns how many items it queued and those refused
// (their host left alone). Filling (the caller holds the join lock, and Redis
// does not hold the run yet) it must not rebuild.
func (f *Frontier) add(ctx context.Context, items []crawl.Item, filling bool) (int, []crawl.Item, error) {
	mode := "add"
	if filling {
		mode = "fill"
	}
	args := make([]any, 0, 1+4*len(items))
	args = append(args, mode)
	byKey := map[string]crawl.Item{}
	for _, it := range items {
		data, err := json.Marshal(it)
		if err != nil {
			return 0, nil, err
		}
		args = append(args, it.Key, hostOf(it.URL), strconv.Itoa(it.Priority), string(data))
		byKey[it.Key] = it
	}
	var out []string
	var err error
	if filling {
		out, err = f.eval(ctx, addScript, args...)
	} else {
		out, err = f.run(ctx, addScript, args...)
	}
	if err != nil {
		return 0, nil, err
	}
	added, _ := strconv.Atoi(out[1])
	var refused []crawl.Item
	for _, k := range out[2:] {
		refused = append(refused, byKey[k])
	}
	return added, refused, nil
}

// Next takes the best item whose host is free and rested, waiting for one.
func (f *Frontier) Next(ctx context.Context) (crawl.Item, bool, error) {
	for {
		out, err := f.run(ctx, nextScript, f.opts.Worker, f.ms(f.opts.Lease), f.ms(f.opts.Rest))
		if ctx.Err() != nil {
			return crawl.Item{}, false, nil
		}
		if err != nil {
			return crawl.Item{}, false, err
		}
		switch out[0] {
		case "item":
			var it crawl.Item
			if err := json.Unmarshal([]byte(out[1]), &it); err != nil {
				return crawl.Item{}, false, fmt.Errorf("an item of the shared frontier: %w", err)
			}
			f.mu.Lock()
			f.leases[it.Key] = it
			f.hosts[hostOf(it.URL)] = true
			f.mu.Unlock()
			return it, true, nil
		case "done":
			return crawl.Item{}, false, nil
		}
		// Nothing to take yet: wait until the first host has rested, or a
		// little while for the other workers.
		wait := 250 * time.Millisecond
		if ms, _ := strconv.Atoi(out[1]); ms >= 0 {
			wait = min(max(time.Duration(ms)*time.Millisecond, 5*time.Millisecond), wait)
		}
		select {
		case <-ctx.Done():
			return crawl.Item{}, false, nil
		case <-time.After(wait):
		}
	}
}

func (f *Frontier) free(host string, wait time.Duration, ctx context.Context) error {
	_, err := f.run(ctx, releaseScript, f.opts.Worker, host, f.ms(wait))
	f.mu.Lock()
	delete(f.hosts, host)
	f.mu.Unlock()
	return err
}

// Release frees the item's host after wait.
func (f *Frontier) Release(ctx context.Context, it crawl.Item, wait time.Duration) error {
	return f.free(hostOf(it.URL), wait, ctx)
}

// Retry queues an item again.
func (f *Frontier) Retry(ctx context.Context, it crawl.Item) error {
	_, err := f.run(ctx, retryScript, f.opts.Worker, it.Key, hostOf(it.URL), strconv.Itoa(it.Priority))
	f.mu.Lock()
	delete(f.leases, it.Key)
	f.mu.Unlock()
	return err
}

// Attempts returns how often an item was retried in the run.
func (f *Frontier) Attempts(ctx context.Context, key string) (int, error) {
	return f.count(ctx, "tries", key, 0)
}

// Done says the item is finished in the store.
func (f *Frontier) Done(ctx context.Context, it crawl.Item) error {
	_, err := f.run(ctx, doneScript, f.opts.Worker, it.Key, hostOf(it.URL))
	f.mu.Lock()
	delete(f.leases, it.Key)
	f.mu.Unlock()
	return err
}

func (f *Frontier) count(ctx context.Context, hash, field string, by int) (int, error) {
	out, err := f.run(ctx, countScript, hash, field, strconv.Itoa(by))
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(out[1])
}

// Count adds by to a count of a host in the run.
func (f *Frontier) Count(ctx context.Context, host string, what crawl.HostCount, by int64) (int64, error) {
	hash := map[crawl.HostCount]string{crawl.CountFailure: "failures", crawl.CountFetched: "fetched", crawl.CountSpent: "spent"}[what]
	if hash == "" {
		return 0, fmt.Errorf("no host count %d", what)
	}
	n, err := f.count(ctx, hash, host, int(by))
	return int64(n), err
}

// Challenged counts an anti-bot page from a host, and returns the count since
// it last answered normally and its last page that did.
func (f *Frontier) Challenged(ctx context.Context, host string) (int, string, error) {
	out, err := f.run(ctx, challengedScript, host)
	if err != nil {
		return 0, "", err
	}
	n, _ := strconv.Atoi(out[1])
	return n, out[2], nil
}

// Answered ends a host's run of anti-bot pages, and keeps pageURL (if any) as
// its last page that answered normally.
func (f *Frontier) Answered(ctx context.Context, host, pageURL string) error {
	_, err := f.run(ctx, answeredScript, host, pageURL)
	return err
}

// Block leaves a host alone for the run and returns its queued items.
func (f *Frontier) Block(ctx context.Context, host string) ([]crawl.Item, error) {
	out, err := f.run(ctx, blockScript, host)
	if err != nil {
		return nil, err
	}
	var left []crawl.Item
	for _, data := range out[1:] {
		var it crawl.Item
		if json.Unmarshal([]byte(data), &it) == nil {
			left = append(left, it)
		}
	}
	return left, nil
}

// Borrow waits for a host to be free and rested, and holds it.
func (f *Frontier) Borrow(ctx context.Context, host string) (bool, error) {
	for {
		out, err := f.run(ctx, borrowScript, f.opts.Worker, host)
		if ctx.Err() != nil {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		switch out[0] {
		case "ok":
			f.mu.Lock()
			f.hosts[host] = true
			f.mu.Unlock()
			return true, nil
		case "blocked":
			return false, nil
		}
		wait := 50 * time.Millisecond
		if ms, _ := strconv.Atoi(out[1]); ms >= 0 {
			wait = min(max(time.Duration(ms)*time.Millisecond, 5*time.Millisecond), 250*time.Millisecond)
		}
		select {
		case <-ctx.Done():
			return false, nil
		case <-time.After(wait):
		}
	}
}

// GiveBack frees a borrowed host after wait.
func (f *Frontier) GiveBack(ctx context.Context, host string, wait time.Duration) error {
	return f.free(host, wait, ctx)
}

// Leave ends this worker's part: what it still holds goes back to the queue,
// its counts are kept with the run's, and the run's counts (all workers') are
// returned, with whether this worker was the last.
func (f *Frontier) Leave(ctx context.Context, stats crawl.Stats) (crawl.Stats, bool, error) {
	f.stopBeating()
	own, err := json.Marshal(stats)
	if err != nil {
		return stats, false, err
	}
	out, err := f.eval(ctx, leaveScript, f.opts.Worker, string(own), f.token)
	if err != nil {
		return stats, false, err
	}
	f.mu.Lock()
	clear(f.leases)
	clear(f.hosts)
	f.mu.Unlock()
	live, _ := strconv.Atoi(out[1])
	left, _ := strconv.Atoi(out[2])
	if live == 0 && left > 0 {
		// Items of a worker that died, its lease not yet expired: the run is
		// not over, and the next crawl resumes it.
		f.opts.Logger.Warn("crawl: URLs held by a worker that died are left for the next crawl, which resumes the run", "urls", left)
		live = 1
	}
	workers := map[string][]crawl.Stats{}
	for i := 3; i+1 < len(out); i += 2 {
		var s crawl.Stats
		if json.Unmarshal([]byte(out[i+1]), &s) == nil {
			name, _, _ := strings.Cut(out[i], " ")
			workers[name] = append(workers[name], s)
		}
	}
	return crawl.MergeWorkers(workers), live == 0, nil
}

// SharedRobots: robots.txt is kept per host across runs, for its TTL.

// Robots returns a host's robots.txt as a worker kept it.
func (f *Frontier) Robots(ctx context.Context, host string) ([]byte, bool, error) {
	f.trips.Add(1)
	b, err := f.rdb.Get(ctx, "gongkai:robots:"+host).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, false, nil
	}
	return b, err == nil, err
}

// SetRobots keeps a host's robots.txt for ttl.
func (f *Frontier) SetRobots(ctx context.Context, host string, data []byte, ttl time.Duration) error {
	f.trips.Add(1)
	return f.rdb.Set(ctx, "gongkai:robots:"+host, data, ttl).Err()
}

var (
	_ crawl.Frontier     = (*Frontier)(nil)
	_ crawl.SharedRobots = (*Frontier)(nil)
	_ crawl.StatsKeeper  = (*Frontier)(nil)
)
