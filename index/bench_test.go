package index

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/jackc/pgx/v5/pgxpool"

	_ "modernc.org/sqlite"
)

// The search benchmark builds gongkai's index and, as the baselines, a SQLite
// FTS5 trigram table and (with GONGKAI_SEARCH_BENCH_PG=1) a PostgreSQL table
// with CJK tsvectors of the same generated reports (corpus_test.go), and times a
// fixed query mix with facets on each:
//
//	GONGKAI_SEARCH_BENCH=100000 GONGKAI_SEARCH_BENCH_PG=1 go test ./index/ -run TestSearchBenchmark -v -timeout 6h
//
// GONGKAI_SEARCH_BENCH_DIR=DIR keeps the index and the databases in DIR, and a
// later run with the same DIR times the queries without building again.
// GONGKAI_SEARCH_BENCH_FTS=0 leaves FTS5 out (at a million reports its
// database would take 30 GB more).
func TestSearchBenchmark(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("GONGKAI_SEARCH_BENCH"))
	if n <= 0 {
		t.Skip("set GONGKAI_SEARCH_BENCH to the number of reports (100000) to run the search benchmark")
	}
	dir := os.Getenv("GONGKAI_SEARCH_BENCH_DIR")
	if dir == "" {
		dir = t.TempDir()
	}
	c := newCorpus(t, n)
	ctx := context.Background()
	ixDir, dbPath := filepath.Join(dir, "index"), filepath.Join(dir, "fts.db")
	withFTS, withPG := os.Getenv("GONGKAI_SEARCH_BENCH_FTS") != "0", os.Getenv("GONGKAI_SEARCH_BENCH_PG") == "1"
	var pool *pgxpool.Pool
	if withPG {
		pool = startPG(t, filepath.Join(dir, "pg"))
	}
	// Each engine's build is marked done apart, so that a run can time a new
	// gongkai build beside the baselines built by an earlier one (their
	// databases copied or kept in DIR).
	built, ftsBuilt := filepath.Join(dir, fmt.Sprintf("built-%d", n)), filepath.Join(dir, fmt.Sprintf("fts-built-%d", n))
	if _, err := os.Stat(built); err != nil {
		os.RemoveAll(ixDir)
		fmt.Printf("load before the build: %s\n", loadAverage())
		start, cpu := time.Now(), cpuTime()
		st, err := Rebuild(ctx, ixDir, c, nil)
		if err != nil {
			t.Fatal(err)
		}
		took, used := time.Since(start), cpuTime()-cpu
		size, text := dirSize(t, ixDir), dirSize(t, filepath.Join(ixDir, textDir))
		fmt.Printf("gongkai build: %d reports, %.1f MB of text in %s: %.0f reports/s, %.2f MB/s, %.2f ms of CPU a report; index %.0f MB (%.2f× the text: text index %.2f×, bleve %.2f×); load %s\n",
			st.Added, float64(st.Bytes)/1e6, took.Round(time.Second), float64(st.Added)/took.Seconds(),
			float64(st.Bytes)/1e6/took.Seconds(), float64(used.Microseconds())/1000/float64(st.Added), float64(size)/1e6,
			float64(size)/float64(st.Bytes), float64(text)/float64(st.Bytes), float64(size-text)/float64(st.Bytes), loadAverage())
		if withPG {
			buildPG(t, c, pool)
		}
		if err := os.WriteFile(built, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := os.Stat(ftsBuilt); err != nil && withFTS {
		os.Remove(dbPath)
		buildFTS(t, c, dbPath)
		if err := os.WriteFile(ftsBuilt, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	// What one gongkai search pays before its query: opening the index and
	// reading the facet columns of its snapshot.
	start := time.Now()
	ro, err := OpenReadOnly(ixDir)
	if err != nil {
		t.Fatal(err)
	}
	opened := time.Since(start)
	if _, err := ro.Search(ctx, Request{Query: "财政局"}); err != nil {
		t.Fatal(err)
	}
	fmt.Printf("cold search (财政局): open %s, open and first search %s\n", ms(opened), ms(time.Since(start)))
	ro.Close()

	ix, err := Open(ixDir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	start = time.Now()
	st, err := ix.Sync(ctx, c)
	if err != nil || st.Unchanged != n {
		t.Fatalf("sync of an index that is up to date: %+v %v", st, err)
	}
	fmt.Printf("sync with nothing to do: %s (reads the %d indexed stamps)\n", time.Since(start).Round(time.Millisecond), n)
	var db *sql.DB
	if withFTS {
		db, err = sql.Open("sqlite", dbPath+"?_pragma=cache_size(-262144)&_pragma=query_only(1)")
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		db.SetMaxOpenConns(1)
	}
	fmt.Printf("load before the queries: %s\n", loadAverage())
	runMix(t, ix, db, pool)
	fmt.Printf("load after the queries: %s\n", loadAverage())
}

// loadAverage is the machine's load, as uptime gives it.
func loadAverage() string {
	b, _ := os.ReadFile("/proc/loadavg")
	return strings.Join(strings.Fields(string(b))[:3], " ")
}

// cpuTime is the CPU time this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// threadCPU is the CPU time the calling thread has used: with
// the goroutine locked to its thread, what a search costs whatever else the
// machine runs, where its wall time on a loaded machine is mostly waiting.
func threadCPU() time.Duration {
	var ts syscall.Timespec
	syscall.Syscall(syscall.SYS_CLOCK_GETTIME, 3, uintptr(unsafe.Pointer(&ts)), 0) // CLOCK_THREAD_CPUTIME_ID
	return time.Duration(ts.Nano())
}

// ---- the FTS5 baseline ----

func buildFTS(t *testing.T, c *corpus, path string) {
	db, err := sql.Open("sqlite", path+"?_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=cache_size(-262144)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.Exec(q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec(`CREATE TABLE docs (id INTEGER PRIMARY KEY, title TEXT, body TEXT, year INTEGER, region TEXT, region_code TEXT,
		organ TEXT, department TEXT, format TEXT, published TEXT, failed INTEGER)`)
	start := time.Now()
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	ins, err := tx.Prepare(`INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		t.Fatal(err)
	}
	var bytes int64
	for i := range c.n {
		d := c.doc(int64(i + 1))
		bytes += int64(len(d.Title) + len(d.Text))
		if _, err := ins.Exec(d.ReportID, d.Title, d.Text, d.Year, d.Region, d.RegionCode, d.Organ, d.Department, d.Format, d.Published, len(d.Failed) > 0); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	loaded := time.Since(start)
	start = time.Now()
	exec(`CREATE VIRTUAL TABLE docs_fts USING fts5(title, body, content='docs', content_rowid='id', tokenize='trigram')`)
	exec(`INSERT INTO docs_fts(docs_fts) VALUES ('rebuild')`)
	exec(`CREATE INDEX docs_year ON docs (year)`)
	took := time.Since(start)
	exec(`PRAGMA wal_checkpoint(TRUNCATE)`)
	var pages, pageSize int64
	db.QueryRow(`SELECT (SELECT page_count FROM pragma_page_count), (SELECT page_size FROM pragma_page_size)`).Scan(&pages, &pageSize)
	fmt.Printf("FTS5 trigram build: %.1f MB of text loaded in %s, indexed in %s: %.0f reports/s, %.2f MB/s; database %.0f MB with the text\n",
		float64(bytes)/1e6, loaded.Round(time.Second), took.Round(time.Second), float64(c.n)/took.Seconds(),
		float64(bytes)/1e6/took.Seconds(), float64(pages*pageSize)/1e6)
}

// ---- the query mix ----

// mixQuery is one query of the mix: as gongkai search takes it, and as SQL on
// the FTS5 table: match is an FTS5 MATCH expression (terms of three characters
// or more), like are words it cannot match (fewer than three characters: LIKE
// over title and body, a full scan), where filters the docs table d.
type mixQuery struct {
	name  string
	req   Request
	match string
	like  []string
	where string
}

var queryMix = []mixQuery{
	{name: "县 (1 char)", req: Request{Query: "县"}, like: []string{"县"}},
	{name: "复议 (2 chars)", req: Request{Query: "复议"}, like: []string{"复议"}},
	{name: "信访 (2 chars)", req: Request{Query: "信访"}, like: []string{"信访"}},
	{name: "雄县 (2 chars, place)", req: Request{Query: "雄县"}, like: []string{"雄县"}},
	{name: "解读 (2 chars)", req: Request{Query: "解读"}, like: []string{"解读"}},
	{name: "疫情 (2 chars)", req: Request{Query: "疫情"}, like: []string{"疫情"}},
	{name: "行政复议", req: Request{Query: "行政复议"}, match: `"行政复议"`},
	{name: "不予公开", req: Request{Query: "不予公开"}, match: `"不予公开"`},
	{name: "财政局", req: Request{Query: "财政局"}, match: `"财政局"`},
	{name: "教育局", req: Request{Query: "教育局"}, match: `"教育局"`},
	{name: "株洲市", req: Request{Query: "株洲市"}, match: `"株洲市"`},
	{name: "河北省保定市", req: Request{Query: "河北省保定市"}, match: `"河北省保定市"`},
	{name: "棚户区改造", req: Request{Query: "棚户区改造"}, match: `"棚户区改造"`},
	{name: `"信访举报投诉类申请"`, req: Request{Query: `"信访举报投诉类申请"`}, match: `"信访举报投诉类申请"`},
	{name: `"本机关不掌握相关政府信息"`, req: Request{Query: `"本机关不掌握相关政府信息"`}, match: `"本机关不掌握相关政府信息"`},
	{name: "2022年 (digits)", req: Request{Query: "2022年"}, match: `"2022年"`},
	{name: "行政复议 信访", req: Request{Query: "行政复议 信访"}, match: `"行政复议"`, like: []string{"信访"}},
	{name: "不予公开 -国家秘密", req: Request{Query: "不予公开 -国家秘密"}, match: `"不予公开" NOT "国家秘密"`},
	{name: "财政局 OR 教育局", req: Request{Query: "财政局 OR 教育局"}, match: `"财政局" OR "教育局"`},
	{name: "行政复议 --year 2021-2022", req: Request{Query: "行政复议", YearFrom: 2021, YearTo: 2022}, match: `"行政复议"`, where: "d.year BETWEEN 2021 AND 2022"},
	{name: "政府信息公开 --region 河北省", req: Request{Query: "政府信息公开", Region: "河北省"}, match: `"政府信息公开"`, where: "(d.region_code LIKE '13%' OR instr(d.region, '河北省') > 0)"}, // by its code or as printed
	{name: "财政局 --format 2019", req: Request{Query: "财政局", Format: "2019"}, match: `"财政局"`, where: "d.format = '2019'"},
	{name: "依申请公开 --failed-checks", req: Request{Query: "依申请公开", FailedChecks: true}, match: `"依申请公开"`, where: "d.failed"},
	{name: "政府采购 --year 2022 --sort date", req: Request{Query: "政府采购", YearFrom: 2022, YearTo: 2022, Sort: "date"}, match: `"政府采购"`, where: "d.year = 2022"},
	{name: "乡村振兴 --region 4301", req: Request{Query: "乡村振兴", Region: "4301"}, match: `"乡村振兴"`, where: "d.region_code LIKE '4301%'"},
}

const mixRuns = 10 // timed runs of each query, after one untimed

// baselineRuns are the baselines' timed runs of each query: mixRuns, or fewer
// (GONGKAI_SEARCH_BENCH_BASELINE_RUNS) on a machine so loaded that FTS5's
// scans of 100,000 reports take half a minute each.
var baselineRuns = func() int {
	if n, err := strconv.Atoi(os.Getenv("GONGKAI_SEARCH_BENCH_BASELINE_RUNS")); err == nil && n > 0 {
		return min(n, mixRuns)
	}
	return mixRuns
}()

// A query is timed cold, each run evaluated from the index alone (the lists a
// search keeps for the snapshot dropped before it), and warm, as a server
// answers a search whose words and filters earlier searches used. The
// baselines (db, pool: each may be nil) run each query as often.
func runMix(t *testing.T, ix *Index, db *sql.DB, pool *pgxpool.Pool) {
	ctx := context.Background()
	type times struct{ cold, coldCPU, warm, fts, pg []time.Duration }
	var all, multi times
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var cpu time.Duration // of the last search
	search := func(q mixQuery, forget bool) (uint64, time.Duration) {
		if forget {
			ix.mu.Lock()
			if ix.cols != nil {
				ix.cols.kept = newKeptLists(keptBytes)
			}
			ix.mu.Unlock()
		}
		start, startCPU := time.Now(), threadCPU()
		res, err := ix.Search(ctx, q.req)
		took := time.Since(start)
		cpu = threadCPU() - startCPU
		if err != nil {
			t.Fatalf("%s: %v", q.name, err)
		}
		return res.Total, took
	}
	timed := func(f func()) time.Duration {
		start := time.Now()
		f()
		return time.Since(start)
	}
	fmt.Println()
	fmt.Println("| query | hits | cold p50 | cold p95 | cold CPU p50 | cold CPU p95 | warm p50 | warm p95 | FTS5 hits | FTS5 p50 | FTS5 p95 | PostgreSQL hits | PostgreSQL p50 | PostgreSQL p95 |")
	fmt.Println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, q := range queryMix {
		total, _ := search(q, true)
		var ftsTotal, pgTotal uint64
		if db != nil {
			ftsTotal = ftsSearch(t, db, q)
		}
		if pool != nil {
			pgTotal = pgSearch(t, pool, q)
		}
		var m times
		for range mixRuns {
			_, took := search(q, true)
			m.cold, m.coldCPU = append(m.cold, took), append(m.coldCPU, cpu)
		}
		for i := range mixRuns {
			_, took := search(q, false)
			m.warm = append(m.warm, took)
			if i >= baselineRuns {
				continue
			}
			if db != nil {
				m.fts = append(m.fts, timed(func() { ftsSearch(t, db, q) }))
			}
			if pool != nil {
				m.pg = append(m.pg, timed(func() { pgSearch(t, pool, q) }))
			}
		}
		fmt.Printf("| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", q.name, total, ms(pct(m.cold, 50)), ms(pct(m.cold, 95)),
			ms(pct(m.coldCPU, 50)), ms(pct(m.coldCPU, 95)), ms(pct(m.warm, 50)), ms(pct(m.warm, 95)), count(db != nil, ftsTotal), ms(pct(m.fts, 50)), ms(pct(m.fts, 95)),
			count(pool != nil, pgTotal), ms(pct(m.pg, 50)), ms(pct(m.pg, 95)))
		join := func(a *times) {
			a.cold, a.coldCPU, a.warm = append(a.cold, m.cold...), append(a.coldCPU, m.coldCPU...), append(a.warm, m.warm...)
			a.fts, a.pg = append(a.fts, m.fts...), append(a.pg, m.pg...)
		}
		join(&all)
		if !strings.Contains(q.name, " char") {
			join(&multi)
		}
	}
	fmt.Println()
	for _, x := range []struct {
		what string
		t    times
	}{{"all queries", all}, {"without the 1- and 2-character queries (which FTS5 answers by LIKE)", multi}} {
		fmt.Printf("%s (%d × %d runs): gongkai cold p50 %s p95 %s (CPU p50 %s p95 %s), warm p50 %s p95 %s; FTS5 p50 %s p95 %s; PostgreSQL p50 %s p95 %s\n", x.what,
			len(x.t.cold)/mixRuns, mixRuns, ms(pct(x.t.cold, 50)), ms(pct(x.t.cold, 95)), ms(pct(x.t.coldCPU, 50)), ms(pct(x.t.coldCPU, 95)),
			ms(pct(x.t.warm, 50)), ms(pct(x.t.warm, 95)),
			ms(pct(x.t.fts, 50)), ms(pct(x.t.fts, 95)), ms(pct(x.t.pg, 50)), ms(pct(x.t.pg, 95)))
	}
}

func count(ran bool, n uint64) string {
	if !ran {
		return "–"
	}
	return strconv.FormatUint(n, 10)
}

// ftsSearch answers a query of the mix as the baseline: the first 20 matches by
// rank with their titles, the total and the four facets, from one materialised
// match set. (No snippets: bleve's side also reads each hit's text and marks it.)
func ftsSearch(t *testing.T, db *sql.DB, q mixQuery) uint64 {
	var conds []string
	var args []any
	from, rank := "docs d", "d.id"
	if q.match != "" {
		from, rank = "docs_fts f JOIN docs d ON d.id = f.rowid", "f.rank"
		conds = append(conds, "docs_fts MATCH ?")
		args = append(args, q.match)
	}
	for _, w := range q.like {
		conds = append(conds, "(d.title LIKE ? OR d.body LIKE ?)")
		args = append(args, "%"+w+"%", "%"+w+"%")
	}
	if q.where != "" {
		conds = append(conds, q.where)
	}
	order := "rank"
	if q.req.Sort == "date" {
		order = "published DESC"
	}
	query := `WITH m AS MATERIALIZED (SELECT d.id, d.year, d.region, d.department, d.format, d.published, ` + rank + ` AS rank
		FROM ` + from + ` WHERE ` + strings.Join(conds, " AND ") + `)
		SELECT 'hit', h.id, d.title FROM (SELECT id FROM m ORDER BY ` + order + ` LIMIT 20) h JOIN docs d ON d.id = h.id
		UNION ALL SELECT 'year', year, count(*) FROM m GROUP BY year
		UNION ALL SELECT 'region', region, count(*) FROM m GROUP BY region
		UNION ALL SELECT 'department', department, count(*) FROM m GROUP BY department
		UNION ALL SELECT 'format', format, count(*) FROM m GROUP BY format`
	rows, err := db.Query(query, args...)
	if err != nil {
		t.Fatalf("%s: %v", q.name, err)
	}
	defer rows.Close()
	var total uint64
	for rows.Next() {
		var kind string
		var value, count any
		if err := rows.Scan(&kind, &value, &count); err != nil {
			t.Fatal(err)
		}
		if n, ok := count.(int64); ok && kind == "format" {
			total += uint64(n)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return total
}

func pct(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return -1
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, (len(s)*p+99)/100-1)]
}

func ms(d time.Duration) string {
	if d < 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000)
}

func dirSize(t *testing.T, dir string) int64 {
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err == nil {
			n += info.Size()
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// ---- memory under load, and of an update ----

// TestSearchBenchmarkLoad serves searches from a benchmark's index as a web node
// does, for 30 s: 32 clients, each search distinct (words × second words ×
// filters × sort × page, as web/internal/loadgen/search-distinct.lua asks),
// as many at once as there are processors (as gongkai serve runs them), and
// says how fast and how much memory the process holds (kept lists included):
//
//	GONGKAI_SEARCH_BENCH=1000000 GONGKAI_SEARCH_BENCH_DIR=DIR go test ./index/ -run TestSearchBenchmarkLoad -v
func TestSearchBenchmarkLoad(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("GONGKAI_SEARCH_BENCH"))
	dir := os.Getenv("GONGKAI_SEARCH_BENCH_DIR")
	if n <= 0 || dir == "" {
		t.Skip("set GONGKAI_SEARCH_BENCH and GONGKAI_SEARCH_BENCH_DIR to a built benchmark's")
	}
	c := newCorpus(t, n)
	start := time.Now()
	ix, err := OpenReadOnly(filepath.Join(dir, "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if _, err := ix.Search(context.Background(), Request{Query: "财政局"}); err != nil {
		t.Fatal(err)
	}
	fmt.Printf("open and first search: %s; memory %s; load %s\n", time.Since(start).Round(time.Millisecond), memory(), loadAverage())
	words := []string{"行政复议", "不予公开", `"依申请公开"`, "信访 OR 诉讼", "政务公开", "政府信息公开",
		"本机关不掌握相关政府信息", "复议", "行政诉讼", "国家秘密", "主动公开", "政策解读",
		"内部事务信息", "法定期限", "信息发布", "-诉讼", "业务培训", "答复",
		"归档流程", "三审", "工作要点", "2023年度", "应急管理局", "教育局", ""}
	second := []string{"", "审核", "纠正", "维持", "第3区", "第12区", "2021年", "2022年", "财政局", "民政局",
		"公安局", "信访", "-复议", "政府", "登记", "培训", "落实", "严格", "制度", "流程",
		"加强", "丰富", "形式", "要点", "情况", "良好", "期限", "办理", "归档", "发布",
		"解读", "事务", "内部", "三类", "主动", "行政", "诉讼", "信息", "公开", "工作"}
	request := func(i int) Request {
		pick := func(k int) int { v := i % k; i /= k; return v }
		r := Request{Query: strings.TrimSpace(words[pick(len(words))] + " " + second[pick(len(second))])}
		switch pick(6) {
		case 1:
			r.YearFrom = 2019 + pick(7)
			r.YearTo = r.YearFrom + pick(3)
		case 2:
			d := c.doc(int64(1 + pick(n)))
			r.Region = []string{d.Region, d.RegionCode[:min(4, len(d.RegionCode))]}[pick(2)]
		case 3:
			r.Department = benchDepartments[pick(len(benchDepartments))]
		case 4:
			r.FailedChecks = true
			r.YearFrom, r.YearTo = 2020, 2022
		}
		if pick(2) == 1 {
			r.Sort = "date"
		}
		r.Page = 1 + pick(3)
		if r.Query == "" && r.YearFrom == 0 && r.Region == "" && r.Department == "" && !r.FailedChecks {
			r.Query = "公开"
		}
		return r
	}
	const clients, duration = 32, 30 * time.Second
	turns := make(chan struct{}, runtime.GOMAXPROCS(0))
	var mu sync.Mutex
	var took []time.Duration
	var next atomic.Int64
	var peak atomic.Int64
	stop := time.Now().Add(duration)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-done:
				return
			case <-time.After(500 * time.Millisecond):
				if rss := rssBytes("VmRSS"); rss > peak.Load() {
					peak.Store(rss)
				}
			}
		}
	}()
	var wg sync.WaitGroup
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(stop) {
				r := request(int(next.Add(1)) * 1000003 % 2_000_000_011)
				begin := time.Now()
				turns <- struct{}{}
				_, err := ix.Search(context.Background(), r)
				<-turns
				if err != nil {
					t.Errorf("%+v: %v", r, err)
					return
				}
				mu.Lock()
				took = append(took, time.Since(begin))
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	close(done)
	fmt.Printf("%d distinct searches in %s by %d clients, %d at once: %.0f/s, p50 %s, p90 %s, p99 %s; resident memory peak %.0f MB (sampled), at the end %s; load %s\n",
		len(took), duration, clients, cap(turns), float64(len(took))/duration.Seconds(), ms(pct(took, 50)), ms(pct(took, 90)), ms(pct(took, 99)),
		float64(peak.Load())/1e6, memory(), loadAverage())
}

// TestSearchBenchmarkUpdate indexes the next GONGKAI_SEARCH_BENCH_UPDATE
// reports of the corpus into a benchmark's index, as a crawl's sync does, and
// says how long it took and the process's peak memory. It changes the index:
// it holds that many more reports after.
func TestSearchBenchmarkUpdate(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("GONGKAI_SEARCH_BENCH"))
	more, _ := strconv.Atoi(os.Getenv("GONGKAI_SEARCH_BENCH_UPDATE"))
	dir := os.Getenv("GONGKAI_SEARCH_BENCH_DIR")
	if n <= 0 || more <= 0 || dir == "" {
		t.Skip("set GONGKAI_SEARCH_BENCH, GONGKAI_SEARCH_BENCH_UPDATE and GONGKAI_SEARCH_BENCH_DIR")
	}
	ix, err := Open(filepath.Join(dir, "index"))
	if err != nil {
		t.Fatal(err)
	}
	// The resident set counts the pages of bleve's memory-mapped segments that
	// the update touched (its merges read them whole), which the kernel takes
	// back as it needs; the anonymous part is the process's own memory.
	var peakAnon atomic.Int64
	stop := make(chan struct{})
	go func() {
		for {
			peakAnon.Store(max(peakAnon.Load(), rssBytes("RssAnon")))
			select {
			case <-stop:
				return
			case <-time.After(200 * time.Millisecond):
			}
		}
	}()
	start := time.Now()
	st, err := ix.Sync(context.Background(), newCorpus(t, n+more))
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	close(stop)
	fmt.Printf("update: %+v in %s; memory %s, anonymous peak %.0f MB (sampled); load %s\n", st, time.Since(start).Round(time.Millisecond),
		memory(), float64(peakAnon.Load())/1e6, loadAverage())
}

// memory is the process's resident memory now and at its peak.
func memory() string {
	return fmt.Sprintf("%.0f MB resident, peak %.0f MB", float64(rssBytes("VmRSS"))/1e6, float64(rssBytes("VmHWM"))/1e6)
}

func rssBytes(field string) int64 {
	b, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb * 1024
		}
	}
	return 0
}

// BenchmarkTextSegment times the text index's part of a build, stage by stage,
// on one processor, in CPU time (the machine is shared): analysing 2,000
// generated reports (about 18 MB of text, a segment's worth) group by group,
// collecting their postings and writing the segment.
//
//	go test ./index/ -run '^$' -bench TextSegment -count 5
func BenchmarkTextSegment(b *testing.B) {
	c := newCorpus(b, 2000)
	docs := make([]Doc, c.n)
	for i := range docs {
		docs[i] = c.doc(int64(i + 1))
	}
	dir := b.TempDir()
	var analysis, collection, writing time.Duration
	for b.Loop() {
		st := newAnalysisState()
		builder := newSegmentBuilder()
		for at := 0; at < len(docs); at += analysisGroup {
			start := cpuTime()
			an := make([]*analyzed, 0, analysisGroup)
			for _, d := range docs[at:min(at+analysisGroup, len(docs))] {
				an = append(an, st.analyze(uint32(d.ReportID), d.Title, d.Text, strings.Join(d.Labels, "\n")))
			}
			analysis += cpuTime() - start
			start = cpuTime()
			for _, a := range an {
				builder.add(a)
			}
			collection += cpuTime() - start
		}
		start := cpuTime()
		if err := builder.write(dir, "seg"); err != nil {
			b.Fatal(err)
		}
		writing += cpuTime() - start
	}
	per := func(d time.Duration) float64 { return float64(d.Microseconds()) / float64(b.N*len(docs)) }
	b.ReportMetric(per(analysis), "µs-analysis/report")
	b.ReportMetric(per(collection), "µs-collection/report")
	b.ReportMetric(per(writing), "µs-writing/report")
}
