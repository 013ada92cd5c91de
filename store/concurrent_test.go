package store

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"gongkai/report"
)

// openConns opens one archive n times, as n processes would.
func openConns(t *testing.T, n int) []*DB {
	t.Helper()
	dir := t.TempDir()
	out := make([]*DB, n)
	for i := range out {
		s, err := openTest(t, dir)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		out[i] = s
	}
	return out
}

// Two writers with their own connections (two crawl workers, or an ingest beside
// a crawl) store an organ's two years at once, each in batches in the other's
// order, and the same document both: the archive ends with one report per organ
// and year, one row per document, and every carry chain compared against the
// other year. On SQLite the writers take turns; on PostgreSQL they overlap.
func TestConcurrentWriters(t *testing.T) {
	conns := openConns(t, 3)
	a, b, follower := conns[0], conns[1], conns[2]

	const organs = 12
	base := fixture(t, "xiling-education-2022") // carried_over total 3
	var older, newer []Item
	for i := range organs {
		this := clone(t, base)
		this.Organ = fmt.Sprintf("宜昌市西陵区第%d中学", i+1)
		this.Department = fmt.Sprintf("第%d中学", i+1)
		this.Title = this.Organ + "2022年政府信息公开工作年度报告"
		this.Text = fmt.Sprintf("第%d中学2022年公开了招生、收费和课程安排等信息。", i+1)
		prev := lastYear(t, this)
		prev.Text = fmt.Sprintf("第%d中学2021年按照条例主动公开各类信息。", i+1)
		setCell(t, prev, report.T3, "carried_forward", "total", int64(3+i%2)) // odd organs break the chain
		newer = append(newer, item(this, fmt.Sprintf("http://example.gov.cn/%d/2022.html", i), fmt.Sprintf("2022 %d", i)))
		older = append(older, item(prev, fmt.Sprintf("http://example.gov.cn/%d/2021.html", i), fmt.Sprintf("2021 %d", i)))
	}
	shared := item(fixture(t, "zhuzhou-jinrongban-2022"), "http://example.gov.cn/shared.html", "shared")
	slices.Reverse(newer)

	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make([]error, 2)
	sharedOutcome := make([]Outcome, 2)
	write := func(w int, s *DB, items []Item) {
		defer wg.Done()
		<-start
		for i := 0; i < len(items); i += 3 {
			batch := items[i:min(i+3, len(items))]
			if i == 0 {
				batch = append([]Item{shared}, batch...)
			}
			res, err := s.Ingest(context.Background(), batch)
			if err != nil {
				errs[w] = err
				return
			}
			for j, r := range res {
				if r.Err != nil {
					errs[w] = r.Err
					return
				}
				if i == 0 && j == 0 {
					sharedOutcome[w] = r.Outcome
				}
			}
		}
	}
	// A third connection follows the change sequence while they write, as a web
	// node does: it reads the documents of what changed after its cursor, and
	// ends with every report's document as a full read gives it.
	writing := make(chan struct{})
	followed := make(chan error, 1)
	seen := map[int64]string{}
	polls := 0
	go func() {
		var cursor int64
		for last := false; ; {
			select {
			case <-writing:
				last = true
			default:
			}
			ids, next, err := follower.SearchChanges(context.Background(), cursor)
			if err == nil {
				for _, id := range ids {
					delete(seen, id)
				}
				err = follower.SearchDocs(context.Background(), ids, func(d SearchDoc) error { seen[d.ReportID] = d.Stamp; return nil })
			}
			if err != nil || last {
				followed <- err
				return
			}
			cursor = next
			polls++
		}
	}()
	wg.Add(2)
	go write(0, a, older)
	go write(1, b, newer)
	close(start)
	wg.Wait()
	close(writing)
	if err := <-followed; err != nil {
		t.Fatalf("following the changes: %v", err)
	}
	if all, err := a.SearchStamps(context.Background()); err != nil || !maps.Equal(all, seen) {
		t.Errorf("following the changes in %d reads gave %d documents' stamps, a full read %d (%v): alike %v", polls, len(seen), len(all), err, maps.Equal(all, seen))
	}
	for w, err := range errs {
		if err != nil {
			t.Fatalf("writer %d: %v", w, err)
		}
	}
	if got := []Outcome{sharedOutcome[0], sharedOutcome[1]}; !slices.Contains(got, OutcomeNew) || !slices.Contains(got, OutcomeUnchanged) {
		t.Errorf("the document both stored: outcomes %v, want one new and one unchanged", got)
	}
	if n := queryInt(t, a.db, `SELECT count(*) FROM logical_reports`); n != 2*organs+1 {
		t.Errorf("%d reports, want %d", n, 2*organs+1)
	}
	if n := queryInt(t, a.db, `SELECT count(*) FROM documents`); n != 2*organs+1 {
		t.Errorf("%d documents, want %d", n, 2*organs+1)
	}
	for i := range organs {
		organ := fmt.Sprintf("宜昌市西陵区第%d中学", i+1)
		ids := queryRows(t, a.db, `SELECT id, year FROM reports WHERE organ = ? ORDER BY year`, organ)
		if len(ids) != 2 {
			t.Errorf("%s: %d reports, want 2021 and 2022", organ, len(ids))
			continue
		}
		f, ok := findingOf(t, a, ids[1]["id"].(int64), RuleCarryChain)
		if !ok || f.other != ids[0]["id"].(int64) || f.ok != (i%2 == 0) {
			t.Errorf("%s: carry chain %+v (found %v), want against report %d, holding %v", organ, f, ok, ids[0]["id"], i%2 == 0)
		}
	}
	// Exports carry the findings in each record's checks.
	chains := 0
	err := a.StoredRecords(context.Background(), Filter{Year: 2022}, true, func(r StoredRecord) error {
		for _, c := range r.Checks {
			if c.Rule == RuleCarryChain {
				chains++
			}
		}
		return nil
	})
	if err != nil || chains != organs {
		t.Errorf("the 2022 records as exported: %d carry chains among their checks (%v), want %d", chains, err, organs)
	}
}

// Two writers store two organs' copies of the same texts at once, each in one
// batch; on PostgreSQL both batches are held at their commit (the change
// sequence's lock taken here first) until each has looked for its peers, so
// that neither could see the other's text then. Each report still ends with its
// copied-text finding against the other organ's copy.
func TestCopiesStoredAtOnce(t *testing.T) {
	ctx := context.Background()
	conns := openConns(t, 2)
	a, b := conns[0], conns[1]
	var originals, copies, others []Item
	for i, name := range []string{"xiling-education-2022", "zhuzhou-jinrongban-2022", "pingtan-2016-legacy"} {
		rec := fixture(t, name)
		// A third organ's report of the same format and other words, stored
		// first: the cells' keys are known, so that neither writer waits for
		// the other's new keys.
		other := clone(t, rec)
		other.Organ, other.Department = fmt.Sprintf("某某市第%d局", i+1), fmt.Sprintf("第%d局", i+1)
		other.Text = fmt.Sprintf("第%d局本年度没有收到政府信息公开申请，也没有因此被申请行政复议或者提起行政诉讼。", i+1)
		others = append(others, item(other, "http://example.gov.cn/other/"+name, "other "+name))
		copied := clone(t, rec)
		copied.Organ, copied.Department = fmt.Sprintf("某某县第%d局", i+1), fmt.Sprintf("第%d局", i+1)
		copied.Title = strings.Replace(copied.Title, rec.Organ, copied.Organ, 1)
		originals = append(originals, item(rec, "http://example.gov.cn/o/"+name, "o "+name))
		copies = append(copies, item(copied, "http://example.gov.cn/c/"+name, "c "+name))
	}
	ingest(t, a, others...)
	var held *sql.Tx
	if onPostgres {
		var err error
		held, err = a.Engine().DB().BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer held.Rollback()
		if err := a.Engine().Lock(ctx, held, []int64{changeLock}, false); err != nil {
			t.Fatal(err)
		}
	}
	results := make([][]Result, 2)
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for w, s := range []*DB{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[w], errs[w] = s.Ingest(ctx, [][]Item{originals, copies}[w])
		}()
	}
	if onPostgres {
		// Both writers wait for the lock held here: their batches are written.
		for waiting, deadline := 0, time.Now().Add(time.Minute); waiting < 2; time.Sleep(20 * time.Millisecond) {
			if err := held.QueryRowContext(ctx, `SELECT count(*) FROM pg_locks w JOIN pg_locks h
				ON h.locktype = w.locktype AND h.database = w.database AND h.classid = w.classid AND h.objid = w.objid AND h.objsubid = w.objsubid
				WHERE h.pid = pg_backend_pid() AND h.locktype = 'advisory' AND h.mode = 'ExclusiveLock' AND NOT w.granted`).Scan(&waiting); err != nil {
				t.Fatal(err)
			}
			if time.Now().After(deadline) {
				t.Fatalf("%d writers wait for the change sequence's lock after a minute, want 2", waiting)
			}
		}
		if err := held.Rollback(); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
	for w, err := range errs {
		if err != nil {
			t.Fatalf("writer %d: %v", w, err)
		}
	}
	for i := range originals {
		o, c := results[0][i].ReportID, results[1][i].ReportID
		for _, pair := range [][2]int64{{o, c}, {c, o}} {
			f, ok := findingOf(t, a, pair[0], RuleCopiedPeers)
			if !ok || f.ok || f.other != pair[1] {
				t.Errorf("report %d (%s): copied text %+v (found %v), want failing against report %d", pair[0], originals[i].Doc.URI, f, ok, pair[1])
			}
		}
	}
}
