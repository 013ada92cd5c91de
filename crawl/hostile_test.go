package crawl

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"syscall"
	"testing"

	"gongkai/archive"
	"gongkai/archive/archivetest"
)

// Case 12: the disk fills during a crawl. The crawl stops at the first response
// it cannot archive, saying so, with its unfinished URLs kept (no host is
// blamed, no URL marked failed); once there is room the next crawl resumes the
// run and finds every report.
func TestFullDiskStopsTheCrawl(t *testing.T) {
	srv, _ := portal(t)
	disk := archivetest.NewDisk(4 << 10) // room for the warcinfo and a few small pages
	arch, err := archive.OpenWith(t.TempDir(), disk.Create)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { arch.Close() })
	st := newMemState()
	sink := &parseSink{reports: map[string]string{}}
	c, err := New(testOptions(), []Portal{{Name: "某某区", StartURLs: []string{srv.URL + "/"}}}, st, sink, arch)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Run(context.Background())
	if !errors.Is(err, archive.ErrWrite) || !errors.Is(err, syscall.ENOSPC) || !strings.Contains(err.Error(), "the next crawl to resume") {
		t.Fatalf("a crawl on a full disk: %v; outcomes %q", err, st.done[1])
	}
	for key, outcome := range st.done[1] {
		if strings.HasPrefix(outcome, string(OutcomeFailed)) || strings.HasPrefix(outcome, string(OutcomeSkipped)) {
			t.Errorf("%s finished as %q on a full disk", key, outcome)
		}
	}
	if pending, _ := st.Pending(context.Background(), 1); len(pending) == 0 {
		t.Errorf("nothing left for the next crawl")
	}
	disk.Free(1 << 30)
	if _, err := c.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(st.runs) != 1 || len(sink.reports) != 3 {
		t.Errorf("after room was made: %d runs (want the first resumed), %d reports (want 3): %v", len(st.runs), len(sink.reports), sink.reports)
	}
}

// fullState is a state whose database fills up after some captures.
type fullState struct {
	*memState
	room int
}

func (f *fullState) Remember(ctx context.Context, key string, p Previous) error {
	if f.room--; f.room < 0 {
		return fmt.Errorf("gongkai.db: database or disk is full (%w)", syscall.ENOSPC)
	}
	return f.memState.Remember(ctx, key, p)
}

// A database that fills up stops the crawl too, rather than losing every URL
// after it one by one.
func TestFullDatabaseStopsTheCrawl(t *testing.T) {
	srv, _ := portal(t)
	arch, err := archive.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { arch.Close() })
	st := &fullState{memState: newMemState(), room: 3}
	opts := testOptions()
	opts.Parallelism = 1
	c, err := New(opts, []Portal{{Name: "某某区", StartURLs: []string{srv.URL + "/"}}}, st, &parseSink{reports: map[string]string{}}, arch)
	if err != nil {
		t.Fatal(err)
	}
	stats, err := c.Run(context.Background())
	if !errors.Is(err, syscall.ENOSPC) || !strings.Contains(err.Error(), "the next crawl to resume") || stats.Lost > 2 {
		t.Errorf("a crawl whose database fills: %v, %d lost", err, stats.Lost)
	}
}
