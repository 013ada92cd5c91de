package index

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
)

// changeSource is a store that numbers its changes, as store.DB does, and
// counts what an index reads of it.
type changeSource struct {
	memSource
	seq     int64
	changed map[int64]int64 // report → the number of its last change
	// stampReads counts SearchStamps calls, docsRead the documents asked for.
	stampReads, docsRead int
}

func newChangeSource() *changeSource {
	return &changeSource{memSource: memSource{docs: map[int64]Doc{}}, changed: map[int64]int64{}}
}

// write stores docs and removes reports as one numbered change.
func (c *changeSource) write(docs []Doc, removed ...int64) {
	c.seq++
	for _, d := range docs {
		c.docs[d.ReportID] = d
		c.changed[d.ReportID] = c.seq
	}
	for _, id := range removed {
		delete(c.docs, id)
		c.changed[id] = c.seq
	}
}

func (c *changeSource) SearchStamps(ctx context.Context) (map[int64]string, error) {
	c.stampReads++
	return c.memSource.SearchStamps(ctx)
}

func (c *changeSource) SearchDocs(ctx context.Context, ids []int64, fn func(Doc) error) error {
	c.docsRead += len(ids)
	return c.memSource.SearchDocs(ctx, ids, fn)
}

func (c *changeSource) ChangeCursor(context.Context) (int64, error) { return c.seq, nil }

func (c *changeSource) SearchChanges(_ context.Context, since int64) ([]int64, int64, error) {
	var ids []int64
	for id, n := range c.changed {
		if n > since {
			ids = append(ids, id)
		}
	}
	return ids, c.seq, nil
}

// versionWords name the versions of a document in its body.
var versionWords = []rune("甲乙丙丁戊己庚辛壬癸子丑寅卯")

// numbered is report id's document in its version-th form, which its body
// names (版本甲, 版本乙, …).
func numbered(id int64, version int) Doc {
	return Doc{ReportID: id, Stamp: fmt.Sprintf("%d:%d", id, version), Title: fmt.Sprintf("第%d号报告", id), Year: 2022, Format: "2021",
		Text: "本年度报告的版本" + string(versionWords[version]) + "。"}
}

func searchIDs(t *testing.T, ix *Index, q string) []int64 {
	t.Helper()
	res, err := ix.Search(context.Background(), Request{Query: q, Limit: MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	return ids(res)
}

// After a first sync that compares every stamp, an index on a source that
// numbers its changes reads only the reports changed since: a report changed,
// one added and one removed are three documents read, not the archive's 300,
// and no stamp. Many such syncs merge the text index's segments without the
// removed reports and keep the changed ones' newest text; a source behind the
// index (another archive in the old one's place) is compared in full again.
func TestSyncReadsOnlyChanges(t *testing.T) {
	ctx := context.Background()
	src := newChangeSource()
	var docs []Doc
	for id := int64(1); id <= 300; id++ {
		docs = append(docs, numbered(id, 0))
	}
	src.write(docs)
	ix, err := Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if st, err := ix.Sync(ctx, src); err != nil || st.Added != 300 || src.stampReads != 1 {
		t.Fatalf("first sync: %+v, %v, %d stamp reads", st, err, src.stampReads)
	}
	src.docsRead = 0
	src.write([]Doc{numbered(5, 1), numbered(301, 0)}, 7)
	st, err := ix.Sync(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	if st.Added != 1 || st.Updated != 1 || st.Removed != 1 || st.Unchanged != 298 || src.stampReads != 1 || src.docsRead != 3 {
		t.Errorf("a sync of three changes: %+v, %d documents read, %d stamp reads", st, src.docsRead, src.stampReads)
	}
	for q, want := range map[string][]int64{"版本乙": {5}, "第5号报告": {5}, "第301号报告": {301}, "第7号报告": nil} {
		if got := searchIDs(t, ix, q); !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", q, got, want)
		}
	}
	src.docsRead = 0
	if st, err := ix.Sync(ctx, src); err != nil || st.Added+st.Updated+st.Removed != 0 || st.Unchanged != 300 || src.docsRead != 0 {
		t.Errorf("a sync with nothing changed: %+v, %v, %d documents read", st, err, src.docsRead)
	}

	// Twelve rounds, each changing one report and removing another, write more
	// segments than the text index keeps unmerged.
	removed := []int64{7}
	merged := false
	for round := range 12 {
		gone := int64(100 + round)
		src.write([]Doc{numbered(5, 2+round)}, gone)
		removed = append(removed, gone)
		if _, err := ix.Sync(ctx, src); err != nil {
			t.Fatal(err)
		}
		// The first sync's segment, once merged with later ones, holds no
		// report removed by an earlier sync (this one's go at the next merge).
		if first := ix.text.segs[0]; !merged && len(first.docs) < 300 {
			merged = true
			for _, id := range removed[:len(removed)-1] {
				if slices.Contains(first.docs, uint32(id)) {
					t.Errorf("round %d: the merged segment keeps removed report %d", round, id)
				}
			}
			if !slices.Contains(first.docs, 5) || !slices.Contains(first.docs, 301) {
				t.Errorf("round %d: the merged segment lost reports 5 or 301", round)
			}
		}
	}
	if !merged {
		t.Error("the first sync's segment was never merged")
	}
	if src.stampReads != 1 {
		t.Errorf("the rounds read every stamp %d times", src.stampReads-1)
	}
	if n := len(ix.text.segs); n >= 12 {
		t.Errorf("%d text segments after 14 syncs: none merged", n)
	}
	last := "版本" + string(versionWords[13])
	for q, want := range map[string][]int64{last: {5}, "版本乙": nil, "第5号报告": {5}, "第100号报告": nil, "第111号报告": nil, "第112号报告": {112}} {
		if got := searchIDs(t, ix, q); !slices.Equal(got, want) {
			t.Errorf("after the rounds, %s: %v, want %v", q, got, want)
		}
	}
	if n, _ := ix.Count(); n != 300-12 {
		t.Errorf("%d reports indexed, want %d", n, 300-12)
	}

	other := newChangeSource()
	other.write([]Doc{numbered(1, 0)})
	if st, err := ix.Sync(ctx, other); err != nil || st.Removed != 300-13 || other.stampReads != 1 {
		t.Errorf("a source behind the index: %+v, %v, %d stamp reads", st, err, other.stampReads)
	}
}
