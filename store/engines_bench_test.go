package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"gongkai/internal/pgtest"
	"gongkai/store/postgres"
)

// TestIngestEngines measures ingest into SQLite and into PostgreSQL in one run,
// with 1 and 4 writers (each its own connections, as crawl workers on several
// machines; each writer stores its own organs, as workers crawling their own
// portals do), and what each archive takes per report. It runs when
// GONGKAI_STORE_BENCH gives the number of records (BENCHMARKS.md):
//
//	GONGKAI_STORE_BENCH=10000 GONGKAI_TEST_POSTGRES=postgres://… GONGKAI_BENCH_PG_PID=$(head -1 $PGDATA/postmaster.pid) \
//	  go test ./store/ -run TestIngestEngines -v -timeout 2h
//
// GONGKAI_BENCH_PG_PID, the server's postmaster, adds the server's CPU time to
// the test process's.
func TestIngestEngines(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("GONGKAI_STORE_BENCH"))
	if n <= 0 || onPostgres {
		t.Skip("a benchmark: GONGKAI_STORE_BENCH=10000 runs it (BENCHMARKS.md)")
	}
	items := benchRecords(t, n)
	pgPID, _ := strconv.Atoi(os.Getenv("GONGKAI_BENCH_PG_PID"))
	for _, engine := range []string{"sqlite", "postgres"} {
		for _, writers := range []int{1, 4} {
			var open func() *DB
			var size func(*DB) int64
			switch engine {
			case "sqlite":
				dir := t.TempDir()
				open = func() *DB {
					s, err := Open(dir)
					if err != nil {
						t.Fatal(err)
					}
					return s
				}
				size = func(*DB) int64 {
					return fileSize(t, filepath.Join(dir, DBFile)) + fileSize(t, filepath.Join(dir, DBFile+"-wal"))
				}
			case "postgres":
				dsn := pgtest.Schema(t, fmt.Sprintf("bench_ingest_%d", writers))
				open = func() *DB {
					e, err := postgres.Open(context.Background(), dsn, postgres.Options{})
					if err != nil {
						t.Fatal(err)
					}
					s, err := OpenEngine(context.Background(), e)
					if err != nil {
						t.Fatal(err)
					}
					return s
				}
				size = func(s *DB) int64 {
					var b int64
					if err := s.db.QueryRow(`SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint FROM pg_class c
						JOIN pg_namespace ns ON ns.oid = c.relnamespace WHERE ns.nspname = current_schema() AND c.relkind = 'r'`).Scan(&b); err != nil {
						t.Fatal(err)
					}
					return b
				}
			}
			stores := make([]*DB, writers)
			for w := range stores {
				stores[w] = open()
			}
			// Writer w stores the organs o with o % writers == w, in batches of 500.
			parts := make([][]Item, writers)
			for i, it := range items {
				w := (i % 500) % writers
				parts[w] = append(parts[w], it)
			}
			load := loadAvg()
			cpu0, server0 := cpuTime(), serverCPU(pgPID, engine)
			start := time.Now()
			var wg sync.WaitGroup
			errs := make([]error, writers)
			for w := range writers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 0; i < len(parts[w]); i += 500 {
						res, err := stores[w].Ingest(context.Background(), parts[w][i:min(i+500, len(parts[w]))])
						if err == nil {
							for _, r := range res {
								if r.Err != nil || r.Outcome != OutcomeNew {
									err = fmt.Errorf("%+v", r)
									break
								}
							}
						}
						if err != nil {
							errs[w] = err
							return
						}
					}
				}()
			}
			wg.Wait()
			took := time.Since(start)
			for _, err := range errs {
				if err != nil {
					t.Fatalf("%s, %d writers: %v", engine, writers, err)
				}
			}
			reports := queryInt(t, stores[0].db, `SELECT count(*) FROM logical_reports`)
			var bytes int64
			if engine == "postgres" {
				bytes = size(stores[0])
			}
			for _, s := range stores {
				s.Close()
			}
			if engine == "sqlite" {
				bytes = size(nil) // closed: the write-ahead log is checkpointed into the file
			}
			cpu := cpuTime() - cpu0 + serverCPU(pgPID, engine) - server0
			if reports != int64(n) {
				t.Errorf("%s, %d writers: %d reports stored, want %d", engine, writers, reports, n)
			}
			t.Logf("%-8s %d writers: %d reports in %s, %.0f reports/s, %.2f ms CPU per report (gongkai and server), %.1f KB per report (load %s)",
				engine, writers, n, took.Round(10*time.Millisecond), float64(n)/took.Seconds(),
				float64(cpu.Microseconds())/1000/float64(n), float64(bytes)/1024/float64(n), load)
		}
	}
}

func fileSize(t *testing.T, path string) int64 {
	st, err := os.Stat(path)
	if os.IsNotExist(err) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	return st.Size()
}

func loadAvg() string {
	b, _ := os.ReadFile("/proc/loadavg")
	return strings.Join(strings.Fields(string(b))[:min(3, len(strings.Fields(string(b))))], " ")
}

// serverCPU is the CPU time of a PostgreSQL server: its postmaster, the
// backends it has reaped and those that run. 0 without a server to read.
func serverCPU(postmaster int, engine string) time.Duration {
	if postmaster == 0 || engine != "postgres" {
		return 0
	}
	ticks := func(pid string, withChildren bool) int64 {
		b, err := os.ReadFile("/proc/" + pid + "/stat")
		if err != nil {
			return 0
		}
		s := string(b)
		// The fields after the command (in parentheses) start with the 3rd:
		// utime is the 14th, then stime, cutime and cstime.
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
		var sum int64
		last := 15 - 3
		if withChildren {
			last = 17 - 3
		}
		for i := 14 - 3; i <= last; i++ {
			v, _ := strconv.ParseInt(f[i], 10, 64)
			sum += v
		}
		return sum
	}
	total := ticks(strconv.Itoa(postmaster), true)
	children, _ := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", postmaster, postmaster))
	for _, pid := range strings.Fields(string(children)) {
		total += ticks(pid, false)
	}
	return time.Duration(total) * time.Second / 100 // USER_HZ
}
