package store

import (
	"context"
	"slices"
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

func TestChangeMarkFollowsWrites(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	empty, err := s.ChangeMark(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ingest(t, s, item(fixture(t, "zhuzhou-jinrongban-2022"), "http://example.gov.cn/a.html", "a"))
	one, err := s.ChangeMark(ctx)
	if err != nil || one == empty {
		t.Fatalf("after an ingest the mark is %q (was %q): %v", one, empty, err)
	}
	ingest(t, s, item(fixture(t, "zhuzhou-jinrongban-2022"), "http://example.gov.cn/a.html", "a"))
	if again, _ := s.ChangeMark(ctx); again != one {
		t.Errorf("the same document again changed the mark: %q, was %q", again, one)
	}
	ingest(t, s, item(fixture(t, "xiling-education-2022"), "http://example.gov.cn/b.html", "b"))
	if two, _ := s.ChangeMark(ctx); two == one {
		t.Errorf("a second report left the mark at %q", two)
	}
}
