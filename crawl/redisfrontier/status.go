package redisfrontier

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// RunState is what Redis holds of a run while its workers crawl: for crawl
// --status.
type RunState struct {
	// Lost says Redis does not hold the run's whole queue (it restarted
	// without its data, or the run ended): the workers rebuild it.
	Lost bool
	// Items counts the URLs queued or held by a worker.
	Items int
	// Ready counts the hosts that may be asked now; Resting those waiting for
	// their delay.
	Ready, Resting int
	Workers        []WorkerState
}

// WorkerState is one worker of a run as Redis has it.
type WorkerState struct {
	Name string
	// Host, PID and Since say which process it is (its machine's name).
	Host  string
	PID   int
	Since time.Time
	// LeaseLeft is how long what it holds stays its own without a renewal;
	// below zero, its lease expired (the worker died or lost Redis) and the
	// next worker to ask takes back what it held.
	LeaseLeft time.Duration
	// InFlight are the hosts it has a request in flight to.
	InFlight []string
	// Holds counts the URLs it holds (in flight, or fetched and not yet stored).
	Holds int
	// Finished counts the URLs it finished in the run.
	Finished int
	// LastURL is the URL it took last, LastAgo how long ago.
	LastURL string
	LastAgo time.Duration
}

// Status reads a run's state from the Redis at url.
func Status(ctx context.Context, url string, runID int64) (RunState, error) {
	ro, err := redis.ParseURL(url)
	if err != nil {
		return RunState{}, fmt.Errorf("frontier %q: %w", redact(url), err)
	}
	ro.MaxRetries = 0
	ro.DialTimeout = 5 * time.Second
	rdb := redis.NewClient(ro)
	defer rdb.Close()
	p := fmt.Sprintf("gongkai:run:%d:", runID)
	pipe := rdb.Pipeline()
	now := pipe.Time(ctx)
	seeded := pipe.Exists(ctx, p+"seeded")
	items := pipe.HLen(ctx, p+"items")
	ready := pipe.ZCard(ctx, p+"ready")
	resting := pipe.ZCard(ctx, p+"sleeping")
	leases := pipe.ZRangeWithScores(ctx, p+"workers", 0, -1)
	info := pipe.HGetAll(ctx, p+"info")
	active := pipe.HGetAll(ctx, p+"active")
	did := pipe.HGetAll(ctx, p+"did")
	if _, err := pipe.Exec(ctx); err != nil {
		return RunState{}, fmt.Errorf("redis at %s: %w", redact(url), err)
	}
	ms := now.Val().UnixMilli()
	st := RunState{Lost: seeded.Val() == 0, Items: int(items.Val()), Ready: int(ready.Val()), Resting: int(resting.Val())}
	for _, z := range leases.Val() {
		name := z.Member.(string)
		w := WorkerState{Name: name, LeaseLeft: time.Duration(int64(z.Score)-ms) * time.Millisecond}
		var who struct {
			Host  string    `json:"host"`
			PID   int       `json:"pid"`
			Since time.Time `json:"since"`
		}
		if json.Unmarshal([]byte(info.Val()[name]), &who) == nil {
			w.Host, w.PID, w.Since = who.Host, who.PID, who.Since
		}
		w.Finished, _ = strconv.Atoi(did.Val()[name])
		if at, key, ok := strings.Cut(active.Val()[name], " "); ok {
			n, _ := strconv.ParseInt(at, 10, 64)
			w.LastURL, w.LastAgo = key, time.Duration(ms-n)*time.Millisecond
		}
		st.Workers = append(st.Workers, w)
	}
	pipe = rdb.Pipeline()
	hosts := make([]*redis.StringSliceCmd, len(st.Workers))
	held := make([]*redis.IntCmd, len(st.Workers))
	for i, w := range st.Workers {
		hosts[i] = pipe.SMembers(ctx, p+"w:"+w.Name+":hosts")
		held[i] = pipe.HLen(ctx, p+"w:"+w.Name+":leases")
	}
	if len(st.Workers) > 0 {
		if _, err := pipe.Exec(ctx); err != nil {
			return RunState{}, fmt.Errorf("redis at %s: %w", redact(url), err)
		}
	}
	for i := range st.Workers {
		st.Workers[i].InFlight = hosts[i].Val()
		sort.Strings(st.Workers[i].InFlight)
		st.Workers[i].Holds = int(held[i].Val())
	}
	sort.Slice(st.Workers, func(i, j int) bool { return st.Workers[i].Name < st.Workers[j].Name })
	return st, nil
}
