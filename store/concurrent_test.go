package store

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"testing"

	"gongkai/report"
)

// Two writers with their own connections (two crawl workers, or an ingest beside
// a crawl) store an organ's two years at once, each in batches in the other's
// order, and the same document both: the archive ends with one report per organ
// and year, one row per document, and every carry chain compared against the
// other year. On SQLite the writers take turns; on PostgreSQL they overlap.
func TestConcurrentWriters(t *testing.T) {
	dir := t.TempDir()
	a, err := openTest(t, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := openTest(t, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()

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
	follower, err := openTest(t, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer follower.Close()
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
	err = a.StoredRecords(context.Background(), Filter{Year: 2022}, true, func(r StoredRecord) error {
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
