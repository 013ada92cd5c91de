package index

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2/index/scorch"
)

// memSource is a store as the index sees it.
type memSource struct {
	docs map[int64]Doc
	// vanish are reports the store drops between SearchStamps and SearchDocs.
	vanish map[int64]bool
	// failAfter makes SearchDocs fail once it has been called this many times.
	failAfter int
	calls     int
}

func (m *memSource) SearchStamps(context.Context) (map[int64]string, error) {
	out := map[int64]string{}
	for id, d := range m.docs {
		out[id] = d.Stamp
	}
	return out, nil
}

func (m *memSource) SearchDocs(_ context.Context, ids []int64, fn func(Doc) error) error {
	m.calls++
	if m.failAfter > 0 && m.calls > m.failAfter {
		return errors.New("store unavailable")
	}
	for _, id := range ids {
		if d, ok := m.docs[id]; ok && !m.vanish[id] {
			if err := fn(d); err != nil {
				return err
			}
		}
	}
	return nil
}

func testDocs() *memSource {
	return &memSource{docs: map[int64]Doc{
		1: {ReportID: 1, Stamp: "10", Title: "株洲市天元区金融办2022年政府信息公开工作年度报告", Organ: "株洲市天元区金融办", Region: "株洲市天元区", RegionCode: "430211", Department: "金融办",
			Year: 2022, Published: "2023-01-20", Format: "2021", Text: "2022年，区金融办未收到行政复议申请。本年度共收到政府信息公开申请3件，全部予以公开。",
			Labels: []string{"（一）予以公开", "行政复议"}},
		2: {ReportID: 2, Stamp: "20", Title: "雄县教育局2021年政府信息公开工作年度报告", Organ: "雄县教育局", Region: "雄县", RegionCode: "130638", Department: "教育局",
			Year: 2021, Published: "2022-01-25", Format: "2021", Text: "本机关因信访事项被提起行政诉讼1件。不予公开2件，属于国家秘密。2021年度第3季度无申请。",
			Labels: []string{"1.信访举报投诉类申请"}, Failed: []string{"t3_balance:total", "timeliness"}},
		3: {ReportID: 3, Stamp: "30", Title: "平潭综合实验区2016年度政府信息公开工作年度报告", Organ: "平潭综合实验区", Region: "平潭综合实验区",
			Year: 2016, Published: "2017-01-18", Format: "legacy", Text: "<script>alert(1)</script> 行政复议 0件，依申请公开 0 件。全县各乡镇。2016年度报告。"},
	}}
}

func openSynced(t *testing.T, src *memSource) *Index {
	t.Helper()
	ix, err := Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	if _, err := ix.Sync(context.Background(), src); err != nil {
		t.Fatal(err)
	}
	return ix
}

func ids(r *Result) []int64 {
	var out []int64
	for _, h := range r.Hits {
		out = append(out, h.ID)
	}
	slices.Sort(out)
	return out
}

func TestQueries(t *testing.T) {
	src := testDocs()
	ix := openSynced(t, src)
	cases := []struct {
		q    string
		want []int64
	}{
		{"行政复议", []int64{1, 3}},
		{`"行政诉讼"`, []int64{2}},
		{"“不予公开”", []int64{2}}, // full-width quotes
		{"复议 OR 诉讼", []int64{1, 2, 3}},
		{"行政复议 NOT 金融办", []int64{3}},
		{"行政复议 -金融办", []int64{3}},
		{"-(复议 OR 诉讼)", nil},
		{`公开 -"国家秘密"`, []int64{1, 3}},
		{"+行政复议 +依申请", []int64{3}},
		{"(复议 OR 诉讼) 国家秘密", []int64{2}},
		{"复议 AND 金融办 OR 诉讼", []int64{1, 2}},
		{"year:2021-2022", []int64{1, 2}},
		{"year:>=2021 复议", []int64{1}},
		{"year:2016 行政复议", []int64{3}},
		{"region:株洲市", []int64{1}},
		{"region:天元区", []int64{1}},
		{"region:1306", []int64{2}},
		{"organ:金融办", []int64{1}},
		{"department:教育局", []int64{2}},
		{"format:legacy", []int64{3}},
		{"failed:t3_balance", []int64{2}},
		{"failed:t3_balance:total", []int64{2}},
		{"failed:t", []int64{2}}, // t3_ and t4_, not timeliness
		{"finding:timeliness", []int64{2}},
		{"finding:copied", nil},
		{"check:t4", nil},
		{"labels:信访举报", []int64{2}},
		{"2022年", []int64{1}},
		{"2016年", []int64{3}}, // only as 2016年度: half of the bigram 年度
		{"2021年度", []int64{2}},
		{"第3", []int64{2}}, // 度第 in the text
		{"3件", []int64{1}},
		{"县", []int64{2, 3}},
		{"organ:县", []int64{2}},
		{"region:区", []int64{1, 3}},
		{"件，全", []int64{1, 3}}, // 3件，全部 and 0 件。全县: something between them in the text too
		{"件全", nil},
		{"镇 年度", []int64{3}},
		{"复议纠错", nil},
		{"title:金融办", []int64{1}},
		{"body:金融办", []int64{1}},
		{"。，", nil},
	}
	for _, c := range cases {
		res, err := ix.Search(context.Background(), Request{Query: c.q})
		if err != nil {
			t.Errorf("%s: %v", c.q, err)
			continue
		}
		if got := ids(res); !slices.Equal(got, c.want) {
			t.Errorf("%s: got %v, want %v", c.q, got, c.want)
		}
	}
}

// A query the parser cannot read is a SyntaxError that keeps the query and says,
// in Chinese and English, what is wrong and where.
func TestSyntaxErrors(t *testing.T) {
	ix := openSynced(t, testDocs())
	for _, c := range []struct{ q, near, zh, en string }{
		{"(复议", "", "“(”没有闭合", "a ( is not closed"},
		{"(复议 OR 诉讼", "", "“(”没有闭合", "add its )"},
		{"复议)", ")", "多了一个“)”", "a ) that closes no ("},
		{"复议 OR", "", "OR 后面缺少词语", "OR needs a word after it"},
		{"OR 复议", "OR", "OR 前面缺少词语", "OR needs a word before it"},
		{"(复议 OR) 诉讼", ")", "OR 后面缺少词语", "OR needs a word after it"},
		{"AND", "", "只有 AND", "no"},
		{"NOT", "", "NOT（或 -、+）后面缺少词语", "NOT, - or + needs a word"},
		{"复议 -", "", "后面缺少词语", "needs a word after it"},
		{"()", ")", "括号里没有词语", "nothing between ( and )"},
		{"title:", "title:", "title: 后面缺少要找的内容", "title: needs a value, as in title:金融办"},
		{"年度:", "年度:", "后面缺少要找的内容", "needs a value"},
		{"year:去年", "year:去年", "year: 后面应是年度", "year:2020-2022"},
		{"failed:copied_text", "failed:copied_text", "copied_text 是跨报告线索，请写 finding:copied_text", "write finding:copied_text"},
		{"finding:t3_balance", "finding:t3_balance", "请写 failed:t3_balance", "is one of a report's own checks"},
		{"failed:xyz", "failed:xyz", "没有以 xyz 开头的报告自身的检查规则", "no rule of a report's own checks begins with xyz"},
		{strings.TrimSpace(strings.Repeat("复议 ", MaxQueryParts+1)), "复议", "词语过多", "at most 32"},
	} {
		_, err := ix.Search(context.Background(), Request{Query: c.q})
		var se *SyntaxError
		if !errors.As(err, &se) || !errors.Is(err, ErrBadQuery) {
			t.Errorf("%q: %v, want a SyntaxError", c.q, err)
			continue
		}
		if se.Query != c.q || se.Near != c.near || !strings.Contains(se.Zh, c.zh) || !strings.Contains(se.En, c.en) {
			t.Errorf("%q: %+v, want near %q, %q, %q", c.q, *se, c.near, c.zh, c.en)
		}
		if msg := err.Error(); !strings.HasPrefix(msg, fmt.Sprintf("query %q: ", c.q)) || !strings.Contains(msg, se.Zh) || !strings.Contains(msg, se.En) {
			t.Errorf("%q: the message %q", c.q, msg)
		}
	}
	// Words that only look like fields are text.
	for _, q := range []string{"复议:2022", "http://www.gov.cn"} {
		if _, err := ix.Search(context.Background(), Request{Query: q}); err != nil {
			t.Errorf("%q: %v", q, err)
		}
	}
}

func TestFiltersFacetsAndHighlights(t *testing.T) {
	src := testDocs()
	ix := openSynced(t, src)
	ctx := context.Background()
	res, err := ix.Search(ctx, Request{Query: "公开", YearFrom: 2016, YearTo: 2021, FailedChecks: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(res); !slices.Equal(got, []int64{2}) {
		t.Errorf("filters: %v", got)
	}
	for _, c := range []struct {
		r    Request
		want []int64
	}{
		{Request{Region: "天元区"}, []int64{1}},
		{Request{Region: "4302"}, []int64{1}},
		{Request{Organ: "教育局"}, []int64{2}},
		{Request{Format: "2021", YearFrom: 2022}, []int64{1}},
		{Request{Department: "教育局"}, []int64{2}},
		{Request{Query: "行政复议", Region: "株洲市"}, []int64{1}},
		{Request{Query: "行政复议", Format: "legacy", Sort: "date"}, []int64{3}},
		// A report's own failed checks apart from the findings against it.
		{Request{FailedRules: "t3_ t4_"}, []int64{2}},
		{Request{FailedRules: "carry_chain copied_text"}, nil},
		{Request{Query: "公开", FailedRules: "copied_text timeliness"}, []int64{2}},
	} {
		res, err := ix.Search(ctx, c.r)
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(res); !slices.Equal(got, c.want) {
			t.Errorf("%+v: %v, want %v", c.r, got, c.want)
		}
	}

	res, err = ix.Search(ctx, Request{Query: "行政复议"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Facets["year"]["2022"] != 1 || res.Facets["year"]["2016"] != 1 || res.Facets["format"]["legacy"] != 1 ||
		res.Facets["region"]["湖南省株洲市天元区"] != 1 || res.Facets["department"]["金融办"] != 1 || res.Total != 2 {
		t.Errorf("total %d, facets %v", res.Total, res.Facets)
	}
	for _, h := range res.Hits {
		if len(h.Highlights) == 0 || !strings.Contains(h.Highlights[0], "<mark>行政复议</mark>") {
			t.Errorf("hit %d highlights %q", h.ID, h.Highlights)
		}
		for _, hl := range h.Highlights {
			if strings.Contains(hl, "<script>") {
				t.Errorf("unescaped markup in a highlight: %q", hl)
			}
		}
	}
	// A single character is found wherever it stands, and marked; a hit found by
	// its title shows its title.
	res, _ = ix.Search(ctx, Request{Query: "县"})
	for _, h := range res.Hits {
		if !slices.ContainsFunc(h.Highlights, func(s string) bool { return strings.Contains(s, "<mark>县</mark>") }) {
			t.Errorf("县: hit %d highlights %q", h.ID, h.Highlights)
		}
	}
	if got := ids(res); !slices.Equal(got, []int64{2, 3}) {
		t.Errorf("县: %v, want the reports of 雄县 and 全县", got)
	}
	// Marks land on the words searched: not on all of the bigram 年度 that
	// 2016年 matched, nor on what follows NOT.
	res, _ = ix.Search(ctx, Request{Query: "2016年 -金融办"})
	if len(res.Hits) != 1 || !slices.ContainsFunc(res.Hits[0].Highlights, func(s string) bool { return strings.Contains(s, "<mark>2016年</mark>度报告") }) {
		t.Errorf("2016年: %+v", res.Hits)
	}
	res, _ = ix.Search(ctx, Request{Query: "title:实验区"})
	if len(res.Hits) != 1 || len(res.Hits[0].Highlights) != 1 || !strings.Contains(res.Hits[0].Highlights[0], "平潭综合<mark>实验区</mark>") {
		t.Errorf("title highlight: %+v", res.Hits)
	}

	res, _ = ix.Search(ctx, Request{Query: "", Sort: "date", Limit: 2})
	if res.Total != 3 || len(res.Hits) != 2 || res.Hits[0].ID != 1 || res.Hits[1].ID != 2 || res.Hits[0].Published != "2023-01-20" {
		t.Errorf("sorted by date: total %d hits %+v", res.Total, res.Hits)
	}
	res, _ = ix.Search(ctx, Request{Query: "", Sort: "date", Limit: 2, Page: 2})
	if len(res.Hits) != 1 || res.Hits[0].ID != 3 || res.Hits[0].Year != 2016 {
		t.Errorf("page 2: %+v", res.Hits)
	}
	if _, err := ix.Search(ctx, Request{Sort: "title"}); err == nil {
		t.Error("an unknown sort order was accepted")
	}
}

// The index follows the store: a new stamp replaces the document, a report the
// store no longer holds disappears, also when it goes while the sync runs.
func TestSyncFollowsTheStore(t *testing.T) {
	src := testDocs()
	ix := openSynced(t, src)
	ctx := context.Background()
	d := src.docs[1]
	d.Stamp, d.Text, d.Labels = "11", "更正后：本年度收到行政诉讼1件。", nil
	src.docs[1] = d
	delete(src.docs, 3)
	src.vanish = map[int64]bool{2: true}
	d2 := src.docs[2]
	d2.Stamp = "21"
	src.docs[2] = d2
	st, err := ix.Sync(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	if st.Updated != 1 || st.Removed != 2 || st.Unchanged != 0 || st.Added != 0 {
		t.Errorf("sync %+v", st)
	}
	res, _ := ix.Search(ctx, Request{Query: "行政复议"})
	if len(res.Hits) != 0 {
		t.Errorf("stale or removed reports still found: %v", ids(res))
	}
	res, _ = ix.Search(ctx, Request{Query: "行政诉讼"})
	if got := ids(res); !slices.Equal(got, []int64{1}) {
		t.Errorf("new version not found, or the vanished report still there: %v", got)
	}
	// Facets count the index as it is now.
	res, _ = ix.Search(ctx, Request{})
	if res.Total != 1 || len(res.Facets["format"]) != 1 || res.Facets["year"]["2022"] != 1 || res.Facets["department"]["教育局"] != 0 {
		t.Errorf("after the sync: total %d, facets %v", res.Total, res.Facets)
	}
	src.vanish = nil
	st, _ = ix.Sync(ctx, src)
	if st.Added != 1 || st.Unchanged != 1 {
		t.Errorf("second sync %+v", st)
	}
}

// A rebuild that fails leaves the old index serving; one that succeeds replaces it.
func TestRebuild(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	ctx := context.Background()
	src := testDocs()
	if _, err := Rebuild(ctx, dir, src, nil); err != nil {
		t.Fatal(err)
	}
	big := &memSource{docs: map[int64]Doc{}, failAfter: 1}
	for i := range int64(batchSize + 10) {
		big.docs[i+100] = Doc{ReportID: i + 100, Stamp: "x", Title: "某某局报告", Text: "行政复议"}
	}
	if _, err := Rebuild(ctx, dir, big, nil); err == nil {
		t.Fatal("the rebuild did not fail")
	}
	ix, err := OpenReadOnly(dir)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := ix.Count(); n != 3 {
		t.Errorf("after a failed rebuild the index holds %d reports, want the old 3", n)
	}
	ix.Close()
	if _, err := os.Stat(dir + ".new"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the failed rebuild left %s.new behind", dir)
	}
	big.failAfter = 0
	st, err := Rebuild(ctx, dir, big, nil)
	if err != nil || st.Added != len(big.docs) {
		t.Fatalf("rebuild: %+v %v", st, err)
	}
	ix, err = OpenReadOnly(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if n, _ := ix.Count(); n != uint64(len(big.docs)) {
		t.Errorf("rebuilt index holds %d reports, want %d", n, len(big.docs))
	}
}

func TestOpen(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	if _, err := OpenReadOnly(dir); !errors.Is(err, ErrNoIndex) {
		t.Errorf("no index: %v", err)
	}
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenReadOnly(dir); !errors.Is(err, ErrNoIndex) {
		t.Errorf("empty folder: %v", err)
	}
	ix, err := Open(dir)
	if err != nil {
		t.Fatalf("an empty folder is not made an index: %v", err)
	}
	// An index of another layout is refused, so that it is rebuilt.
	if err := ix.b.SetInternal(schemaKey, []byte("0")); err != nil {
		t.Fatal(err)
	}
	ix.Close()
	if _, err := Open(dir); !errors.Is(err, ErrOutdated) {
		t.Errorf("outdated index: %v", err)
	}
	if _, err := OpenReadOnly(dir); !errors.Is(err, ErrOutdated) {
		t.Errorf("outdated index, read-only: %v", err)
	}
}

// Searches may run while a sync changes the index (a server does both).
func TestSearchWhileSyncing(t *testing.T) {
	src := testDocs()
	ix := openSynced(t, src)
	ctx := context.Background()
	done := make(chan error)
	for range 4 {
		go func() {
			for range 20 {
				res, err := ix.Search(ctx, Request{Query: "公开", Sort: "date"})
				if err == nil && (res.Total < 2 || res.Total > 3) {
					err = fmt.Errorf("%d reports found, want 2 or 3", res.Total)
				}
				if err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
	}
	for i := range 10 {
		d := src.docs[3]
		d.Stamp = fmt.Sprint(i)
		other := &memSource{docs: map[int64]Doc{1: src.docs[1], 2: src.docs[2], 3: d}}
		if i%2 == 1 {
			delete(other.docs, 3)
		}
		if _, err := ix.Sync(ctx, other); err != nil {
			t.Fatal(err)
		}
	}
	for range 4 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

// A sync that changed the index returns once bleve's merges of it are done
// (the merger stops when the index is closed, and an index left in many small
// segments searches each of them); one that changed nothing does not merge.
func TestSyncWaitsForMerges(t *testing.T) {
	src := testDocs()
	ix := openSynced(t, src)
	merges := func() uint64 {
		t.Helper()
		adv, err := ix.b.Advanced()
		if err != nil {
			t.Fatal(err)
		}
		n, _ := adv.(*scorch.Scorch).StatsMap()["TotFileMergeForceOpsCompleted"].(uint64)
		return n
	}
	after := merges()
	if after == 0 {
		t.Fatal("a sync that indexed reports did not merge")
	}
	if _, err := ix.Sync(context.Background(), src); err != nil {
		t.Fatal(err)
	}
	if merges() != after {
		t.Error("a sync with nothing to do merged")
	}
	d := src.docs[1]
	d.Stamp = "11"
	src.docs[1] = d
	if _, err := ix.Sync(context.Background(), src); err != nil {
		t.Fatal(err)
	}
	if merges() != after+1 {
		t.Error("a sync that changed a report did not merge")
	}
}

// A rebuild that is interrupted keeps what it built beside the old index,
// which still serves; the next rebuild goes on from there rather than anew.
func TestRebuildResumes(t *testing.T) {
	defer func(n int) { textChunkBytes = n }(textChunkBytes)
	textChunkBytes = 1 // a segment per group of reports
	dir := filepath.Join(t.TempDir(), "index")
	if _, err := Rebuild(context.Background(), dir, testDocs(), nil); err != nil {
		t.Fatal(err)
	}
	big := &memSource{docs: map[int64]Doc{}}
	for i := range int64(3*batchSize + 10) {
		big.docs[i+100] = Doc{ReportID: i + 100, Stamp: "x", Title: "某某局报告", Text: "行政复议"}
	}
	ctx, cancel := context.WithCancel(context.Background())
	var stopped int
	_, err := Rebuild(ctx, dir, big, func(done, total int) {
		if done >= batchSize && stopped == 0 {
			stopped = done
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("the interrupted rebuild: %v", err)
	}
	if _, err := os.Stat(dir + ".new"); err != nil {
		t.Fatalf("the interrupted rebuild kept nothing: %v", err)
	}
	ix, err := OpenReadOnly(dir)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := ix.Count(); n != 3 {
		t.Errorf("the old index holds %d reports while the rebuild is interrupted, want 3", n)
	}
	ix.Close()
	st, err := Rebuild(context.Background(), dir, big, nil)
	if err != nil {
		t.Fatal(err)
	}
	if st.Unchanged < stopped || st.Added+st.Unchanged != len(big.docs) {
		t.Errorf("the resumed rebuild: %+v; %d were in before the interruption", st, stopped)
	}
	ix, err = OpenReadOnly(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	res, err := ix.Search(context.Background(), Request{Query: "行政复议"})
	if err != nil || res.Total != uint64(len(big.docs)) {
		t.Errorf("after the resumed rebuild: %v, %d found, want %d", err, res.Total, len(big.docs))
	}
}

// Reports rank by BM25: a word in the title counts three times, a word said
// more often counts more, a rarer word more than a common one; whatever the
// segments the reports are in.
func TestRanking(t *testing.T) {
	defer func(n int) { textChunkBytes = n }(textChunkBytes)
	textChunkBytes = 1 // a segment per group of reports, merged by eights
	body := "本年度共收到政府信息公开申请，均在法定期限内答复。"
	src := &memSource{docs: map[int64]Doc{
		1: {ReportID: 1, Stamp: "1", Title: "甲局报告", Text: body + "行政复议1件。"},
		2: {ReportID: 2, Stamp: "1", Title: "乙局报告", Text: body + strings.Repeat("行政复议1件。", 4)},
		3: {ReportID: 3, Stamp: "1", Title: "丙局行政复议报告", Text: body + "行政复议1件。"},
		4: {ReportID: 4, Stamp: "1", Title: "丁局报告", Text: body + "行政诉讼1件。行政复议1件。"},
	}}
	for i := int64(5); i < 200; i++ {
		src.docs[i] = Doc{ReportID: i, Stamp: "1", Title: "某局报告", Text: body}
	}
	ix := openSynced(t, src)
	if n := len(ix.text.segs); n < 2 {
		t.Fatalf("%d text segments, want several", n)
	}
	res, err := ix.Search(context.Background(), Request{Query: "行政复议"})
	if err != nil {
		t.Fatal(err)
	}
	var order []int64
	for _, h := range res.Hits {
		order = append(order, h.ID)
	}
	if !slices.Equal(order, []int64{3, 2, 1, 4}) {
		t.Errorf("行政复议 ranks %v, want the title first, then the most mentions, then the shortest text", order)
	}
	res, _ = ix.Search(context.Background(), Request{Query: "行政诉讼 OR 法定期限"})
	if len(res.Hits) == 0 || res.Hits[0].ID != 4 {
		t.Errorf("the rarer word does not lead: %+v", res.Hits)
	}
}

// Under a soft memory limit a sync writes the text index in chunks small
// enough for the limit (a sixteenth of it), where without one a chunk takes
// up to textChunkBytes: what it holds while collecting postings follows the
// limit the process runs under.
func TestSyncChunksFollowTheMemoryLimit(t *testing.T) {
	src := &memSource{docs: map[int64]Doc{}}
	text := strings.Repeat("本机关收到行政复议申请，依法予以公开。", 60) // about 3.4 KB
	for i := range int64(200) {
		src.docs[i+1] = Doc{ReportID: i + 1, Stamp: "x", Title: fmt.Sprintf("某某局%d报告", i), Text: text}
	}
	chunks := func(limit int64) []int {
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(limit))
		var ends []int
		if _, err := Rebuild(context.Background(), filepath.Join(t.TempDir(), "index"), src, func(done, total int) { ends = append(ends, done) }); err != nil {
			t.Fatal(err)
		}
		return ends
	}
	if got := chunks(math.MaxInt64); !slices.Equal(got, []int{200}) {
		t.Errorf("without a limit the 200 reports were synced in chunks ending at %v, want one", got)
	}
	// 64 reports of 3.4 KB pass the 200 KB a limit of 3.2 MB allows a chunk.
	if got := chunks(16 * 200 << 10); !slices.Equal(got, []int{64, 128, 192, 200}) {
		t.Errorf("under a limit of 3.2 MB the reports were synced in chunks ending at %v, want 64, 128, 192, 200", got)
	}
}
