package main

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"gongkai/internal/redistest"
	"gongkai/testsite"
)

// BenchmarkWorkers runs 1, 2 and 4 crawl workers (processes, as `gongkai crawl
// --worker`) sharing one Redis against 20 testsites on loopback: over 200
// hosts, each answer 300 ms late (portals far away), a delay of 1 s between two
// requests to a host, two requests in flight per worker, the store in SQLite
// in one data folder. After a warm-up it counts the answers the sites gave in
// a window, and reports pages per second; round trips to Redis per page (the
// workers' own counts over their whole run); the commands Redis ran per page
// (those of the frontier's scripts included) and their time (from Redis's
// INFO); and each worker's peak RSS.
//
//	go test ./cmd/gongkai -run '^$' -bench BenchmarkWorkers -benchtime 1x
func BenchmarkWorkers(b *testing.B) {
	for _, n := range []int{1, 2, 4} {
		b.Run(fmt.Sprintf("workers=%d", n), func(b *testing.B) {
			for b.Loop() {
				benchWorkers(b, n)
			}
		})
	}
}

const (
	benchSites    = 20
	benchLatency  = 300 * time.Millisecond
	benchWarmUp   = 15 * time.Second
	benchWindow   = 45 * time.Second
	benchParallel = 2
)

func benchWorkers(b *testing.B, workers int) {
	srv := redistest.Start(b)
	var runs []*testsite.Running
	for i := range benchSites {
		run, err := testsite.NewWithOptions(int64(i+1), testsite.Options{Latency: benchLatency}).Start()
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { run.Close() })
		runs = append(runs, run)
	}
	cfg := crawlConfigFor(b, runs, fmt.Sprintf("frontier = %q\n", srv.URL()))
	text := strings.Replace(readFile(b, cfg), `delay = "0s"`, `delay = "1s"`, 1)
	text = strings.Replace(text, "parallelism = 4", fmt.Sprintf("parallelism = %d\nrender = \"never\"", benchParallel), 1)
	writeFile(b, filepath.Dir(cfg), filepath.Base(cfg), text)
	data := b.TempDir()
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr()})
	defer rdb.Close()

	var ws []*worker
	for i := range workers {
		ws = append(ws, startWorker(b, fmt.Sprintf("w%d", i+1), cfg, data))
	}
	time.Sleep(benchWarmUp)
	cmds0, usec0 := redisWork(b, rdb)
	from := time.Now()
	time.Sleep(benchWindow)
	to := time.Now()
	cmds1, usec1 := redisWork(b, rdb)
	rtt := pingTime(b, rdb)
	hosts := map[string]bool{}
	pages := 0
	for i, run := range runs {
		for _, r := range run.Requests() {
			hosts[fmt.Sprint(i, r.Portal)] = true
			if !r.Time.Before(from) && r.Time.Before(to) {
				pages++
			}
		}
	}
	var rss []string
	for _, w := range ws {
		// Its peak and present resident memory, read before it stops (and
		// brings the search index up to date).
		status := readFile(b, fmt.Sprintf("/proc/%d/status", w.cmd.Process.Pid))
		rss = append(rss, fmt.Sprintf("%s %s (now %s)", w.name, procField(status, "VmHWM"), procField(status, "VmRSS")))
		w.cmd.Process.Signal(syscall.SIGINT)
	}
	// Each worker's summary says what it fetched and its round trips to Redis.
	var fetched, trips int
	for _, w := range ws {
		select {
		case <-w.exited:
		case <-time.After(5 * time.Minute):
			b.Fatalf("worker %s did not stop after Ctrl-C:\n%s", w.name, w.out)
		}
		m := summaryTrips.FindStringSubmatch(w.out.String())
		if m == nil {
			b.Fatalf("worker %s printed no summary with its round trips:\n%s", w.name, w.out)
		}
		f, _ := strconv.Atoi(m[1])
		n, _ := strconv.Atoi(m[2])
		fetched += f
		trips += n
	}
	perSec := float64(pages) / to.Sub(from).Seconds()
	b.ReportMetric(perSec, "pages/s")
	b.ReportMetric(float64(trips)/float64(fetched), "round-trips/page")
	b.ReportMetric(float64(cmds1-cmds0)/float64(pages), "redis-cmds/page")
	b.ReportMetric(float64(usec1-usec0)/float64(pages), "redis-µs/page")
	b.Logf("%d workers, %d hosts asked: %d pages in %s (%.1f/s); %d round trips for %d pages fetched in all (a PING takes %s); peak RSS %s",
		workers, len(hosts), pages, to.Sub(from).Round(time.Second), perSec, trips, fetched, rtt, strings.Join(rss, ", "))
}

// summaryTrips reads a worker's summary line: pages fetched, round trips.
var summaryTrips = regexp.MustCompile(`fetched (\d+),.*; Redis round trips (\d+)`)

// pingTime is the mean time of a round trip to Redis, as loaded as it is.
func pingTime(b *testing.B, rdb *redis.Client) time.Duration {
	b.Helper()
	start := time.Now()
	for range 200 {
		if err := rdb.Ping(context.Background()).Err(); err != nil {
			b.Fatal(err)
		}
	}
	return (time.Since(start) / 200).Round(time.Microsecond)
}

// redisWork reads how many commands Redis ran and the time they took (µs).
func redisWork(b *testing.B, rdb *redis.Client) (cmds, usec int64) {
	b.Helper()
	ctx := context.Background()
	stats, err := rdb.Info(ctx, "stats").Result()
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(stats, "\r\n") {
		if v, ok := strings.CutPrefix(line, "total_commands_processed:"); ok {
			cmds, _ = strconv.ParseInt(v, 10, 64)
		}
	}
	all, err := rdb.Info(ctx, "commandstats").Result()
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(all, "\r\n") {
		// cmdstat_evalsha:calls=10,usec=200,usec_per_call=20.00,...
		_, fields, ok := strings.Cut(line, ":")
		if !ok || !strings.HasPrefix(line, "cmdstat_") {
			continue
		}
		for _, f := range strings.Split(fields, ",") {
			if v, ok := strings.CutPrefix(f, "usec="); ok {
				n, _ := strconv.ParseInt(v, 10, 64)
				usec += n
			}
		}
	}
	return cmds, usec
}

// procField is a field of /proc/PID/status ("VmHWM:  123456 kB" → "120 MiB").
func procField(status, name string) string {
	for _, line := range strings.Split(status, "\n") {
		if v, ok := strings.CutPrefix(line, name+":"); ok {
			kb, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
			return fmt.Sprintf("%d MiB", kb/1024)
		}
	}
	return "?"
}
