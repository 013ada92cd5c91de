package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"gongkai/report"
)

func searchDocsByID(t *testing.T, s *DB, ids ...int64) map[int64]SearchDoc {
	t.Helper()
	out := map[int64]SearchDoc{}
	var order []int64
	err := s.SearchDocs(context.Background(), ids, func(d SearchDoc) error {
		out[d.ReportID] = d
		order = append(order, d.ReportID)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.IsSorted(order) {
		t.Errorf("documents not in report order: %v", order)
	}
	return out
}

func stamps(t *testing.T, s *DB) map[int64]string {
	t.Helper()
	st, err := s.SearchStamps(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestSearchDocs(t *testing.T) {
	s := newStore(t)
	xiling := fixture(t, "xiling-education-2022")
	setCell(t, xiling, report.T3, "granted", "total", 99) // a row total that no longer adds up
	xiling.Checks = report.ComputeChecks(xiling)
	pingtan := fixture(t, "pingtan-2016-legacy")
	res := ingest(t, s, item(xiling, xilingURL, "2022"), item(pingtan, "http://pingtan/2016.htm", "2016"))
	xilingID, pingtanID := res[0].ReportID, res[1].ReportID
	// Last year's report carries forward 7 where this year's carried over 3:
	// the carry chain finding holds against this year's report.
	prev := lastYear(t, fixture(t, "xiling-education-2022"))
	setCell(t, prev, report.T3, "carried_forward", "total", 7)
	prevID := ingest(t, s, item(prev, "http://www.xiling.gov.cn/2021.html", "2021"))[0].ReportID

	docs := searchDocsByID(t, s, pingtanID, 999, xilingID, prevID)
	if len(docs) != 3 {
		t.Fatalf("%d documents, want 3 (report 999 does not exist)", len(docs))
	}
	d := docs[xilingID]
	if d.Title != xiling.Title || d.Organ != "宜昌市西陵区教育局" || d.Region != "宜昌市西陵区" || d.Department != "教育局" ||
		d.Year != 2022 || d.Published != "2023-01-28" || d.Format != report.Format2021 || d.Text != xiling.Text || d.Text == "" {
		t.Errorf("metadata or text: %+v", d)
	}
	for _, label := range []string{"行政规范性文件", "（一）予以公开", "1.属于国家秘密", "行政复议"} {
		if !slices.Contains(d.Labels, label) {
			t.Errorf("labels lack %q: %v", label, d.Labels)
		}
	}
	if slices.Contains(d.Labels, "规范性文件") || slices.Contains(d.Labels, "政府集中采购") {
		t.Errorf("labels of the 2019 format in a 2021 report: %v", d.Labels)
	}
	if !slices.Contains(d.Failed, RuleCarryChain) || !slices.ContainsFunc(d.Failed, func(r string) bool { return r == "t3_row_total:granted" }) {
		t.Errorf("failed rules %v: want the failed check and the finding", d.Failed)
	}
	if !slices.IsSorted(d.Failed) {
		t.Errorf("failed rules not sorted: %v", d.Failed)
	}
	if slices.Contains(docs[prevID].Failed, RuleCarryChain) {
		t.Errorf("last year's report has no carry chain against it: %v", docs[prevID].Failed)
	}

	legacy := docs[pingtanID]
	if legacy.Format != report.FormatLegacy || len(legacy.Labels) != len(pingtan.LegacyFigures) {
		t.Errorf("legacy labels %v, want the %d printed rows", legacy.Labels, len(pingtan.LegacyFigures))
	}
	for label := range pingtan.LegacyFigures {
		if !slices.Contains(legacy.Labels, label) {
			t.Errorf("legacy labels lack %q", label)
		}
	}
	if st := stamps(t, s); st[xilingID] != d.Stamp || st[pingtanID] != legacy.Stamp || len(st) != 3 {
		t.Errorf("stamps %v disagree with the documents' (%q, %q)", st, d.Stamp, legacy.Stamp)
	}
}

// A stamp changes whenever the indexed document may: a new version, the version
// re-derived, the findings against it; and only then.
func TestSearchStamps(t *testing.T) {
	s := newStore(t)
	this := fixture(t, "xiling-education-2022")
	thisID := ingest(t, s, item(this, xilingURL, "2022"))[0].ReportID
	first := stamps(t, s)[thisID]

	ingest(t, s, item(clone(t, this), "http://mirror/xiling.html", "2022 elsewhere"))
	if got := stamps(t, s)[thisID]; got != first {
		t.Errorf("another source of the same content changed the stamp: %q → %q", first, got)
	}

	prev := lastYear(t, this)
	setCell(t, prev, report.T3, "carried_forward", "total", 7)
	ingest(t, s, item(prev, "http://www.xiling.gov.cn/2021.html", "2021"))
	withFinding := stamps(t, s)[thisID]
	if withFinding == first {
		t.Error("a finding now holds against the report, but its stamp did not change")
	}

	edited := clone(t, this)
	edited.Text += "（更正）"
	ingest(t, s, item(edited, xilingURL, "2022 corrected"))
	newVersion := stamps(t, s)[thisID]
	if newVersion == withFinding {
		t.Error("a new version did not change the stamp")
	}

	improved := clone(t, edited)
	improved.Title += "（修订）"
	p := fakeParser{
		"2022":           func() (*report.Record, error) { return this, nil },
		"2022 elsewhere": func() (*report.Record, error) { return this, nil },
		"2021":           func() (*report.Record, error) { return prev, nil },
		"2022 corrected": func() (*report.Record, error) { return improved, nil },
	}
	if _, err := s.Reparse(context.Background(), ReparseOptions{Parser: p.parser()}); err != nil {
		t.Fatal(err)
	}
	reparsed := stamps(t, s)[thisID]
	if reparsed == newVersion {
		t.Error("the version was re-derived with another title, but its stamp did not change")
	}
	if d := searchDocsByID(t, s, thisID)[thisID]; d.Title != improved.Title || d.Stamp != reparsed {
		t.Errorf("after reparse: title %q stamp %q, want %q %q", d.Title, d.Stamp, improved.Title, reparsed)
	}
}

func TestSearchHeld(t *testing.T) {
	s := newStore(t)
	xiling := fixture(t, "xiling-education-2022")
	pingtan := fixture(t, "pingtan-2016-legacy")
	res := ingest(t, s, item(xiling, xilingURL, "2022"), item(pingtan, "http://pingtan/2016.htm", "2016"))
	xilingID, pingtanID := res[0].ReportID, res[1].ReportID

	held, err := s.SearchHeld(context.Background(), []int64{pingtanID, 999, xilingID})
	if err != nil {
		t.Fatal(err)
	}
	if !held[pingtanID] || !held[xilingID] || held[999] || len(held) != 2 {
		t.Errorf("held %v", held)
	}
}

// changesAfter returns the reports SearchChanges names after since, sorted, and
// the number it says to ask from next.
func changesAfter(t *testing.T, s *DB, since int64) ([]int64, int64) {
	t.Helper()
	ids, next, err := s.SearchChanges(context.Background(), since)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(ids)
	return slices.Compact(ids), next
}

func changeCursor(t *testing.T, s *DB) int64 {
	t.Helper()
	n, err := s.ChangeCursor(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// Each write that changes reports takes the next number and names those
// reports, and only those: an organ's earlier year, stored later, changes the
// later year's findings too; the same document stored again changes nothing.
func TestChangesFollowWrites(t *testing.T) {
	s := newStore(t)
	if n := changeCursor(t, s); n != 0 {
		t.Fatalf("an empty archive is at change %d", n)
	}
	xiling := fixture(t, "xiling-education-2022")
	a := ingest(t, s, item(xiling, xilingURL, "2022"))[0].ReportID
	one := changeCursor(t, s)
	if ids, next := changesAfter(t, s, 0); !slices.Equal(ids, []int64{a}) || next != one || one == 0 {
		t.Fatalf("after the first report: changes %v up to %d, cursor %d", ids, next, one)
	}
	ingest(t, s, item(xiling, xilingURL, "2022"))
	if n := changeCursor(t, s); n != one {
		t.Errorf("the same document again moved the cursor from %d to %d", one, n)
	}
	b := ingest(t, s, item(fixture(t, "zhuzhou-jinrongban-2022"), "http://example.gov.cn/b.html", "b"))[0].ReportID
	two := changeCursor(t, s)
	if ids, next := changesAfter(t, s, one); !slices.Equal(ids, []int64{b}) || next != two || two <= one {
		t.Errorf("after a second report: changes since %d %v up to %d, cursor %d", one, ids, next, two)
	}
	prev := ingest(t, s, item(lastYear(t, xiling), "http://example.gov.cn/xiling-2021.html", "2021"))[0].ReportID
	if ids, _ := changesAfter(t, s, two); !slices.Equal(ids, []int64{a, prev}) {
		t.Errorf("after the organ's 2021 report %d: changes %v, want it and the 2022 report %d", prev, ids, a)
	}
	if ids, next := changesAfter(t, s, changeCursor(t, s)); len(ids) != 0 || next != changeCursor(t, s) {
		t.Errorf("nothing changed after the cursor, but %v up to %d", ids, next)
	}
}

// Reading what changed after a number goes by the index on the number, so that
// it costs what changed, not the size of the archive: with 20,000 reports
// numbered, the plan of the read searches the index.
func TestChangesReadOnlyWhatChanged(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	// Rows of reports since removed (report_changes keeps them) stand for a
	// large archive's.
	if _, err := s.db.ExecContext(ctx, `INSERT INTO report_changes (report_id, seq)
		WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000) SELECT 1000000 + i, i FROM n`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.ExecContext(ctx, `ANALYZE`); err != nil {
		t.Fatal(err)
	}
	if ids, next := changesAfter(t, s, 19990); len(ids) != 10 || ids[0] != 1019991 || next != 20000 {
		t.Errorf("after 19990: %d changes from %v, next %d", len(ids), ids[:min(len(ids), 1)], next)
	}
	explain := `EXPLAIN QUERY PLAN `
	if onPostgres {
		explain = `EXPLAIN `
	}
	var plan []string
	for _, row := range queryRows(t, s.db, explain+changesSQL, int64(19990)) {
		plan = append(plan, fmt.Sprint(row))
	}
	if text := strings.Join(plan, "\n"); !strings.Contains(text, "report_changes_seq") {
		t.Errorf("the read of changes does not search the index on seq:\n%s", text)
	}
}
