package index

import (
	"context"
	"slices"
	"sort"
	"strings"
	"testing"
)

// memSource is a store as the index sees it.
type memSource struct{ docs map[int64]Doc }

func (m *memSource) Latest(context.Context) (map[int64]int64, error) {
	out := map[int64]int64{}
	for id, d := range m.docs {
		out[id] = d.VersionID
	}
	return out, nil
}

func (m *memSource) Docs(_ context.Context, ids []int64, fn func(Doc) error) error {
	for _, id := range ids {
		if err := fn(m.docs[id]); err != nil {
			return err
		}
	}
	return nil
}

func (m *memSource) substring(_ context.Context, s string, limit int) ([]int64, error) {
	var out []int64
	for id, d := range m.docs {
		if strings.Contains(d.Body, s) || strings.Contains(d.Title, s) {
			out = append(out, id)
		}
	}
	return out[:min(len(out), limit)], nil
}

func testDocs() *memSource {
	return &memSource{docs: map[int64]Doc{
		1: {ReportID: 1, VersionID: 10, Title: "株洲市天元区金融办2022年政府信息公开工作年度报告", Organ: "株洲市天元区金融办", Region: "株洲市天元区", Department: "金融办",
			Year: 2022, Published: "2023-01-20", Format: "2021", Body: "2022年，区金融办未收到行政复议申请。本年度共收到政府信息公开申请3件，全部予以公开。"},
		2: {ReportID: 2, VersionID: 20, Title: "雄县教育局2021年政府信息公开工作年度报告", Organ: "雄县教育局", Region: "雄县", Department: "教育局",
			Year: 2021, Published: "2022-01-25", Format: "2021", Body: "本机关因信访事项被提起行政诉讼1件。不予公开2件，属于国家秘密。", Failed: []string{"t3_balance:total", "timeliness"}},
		3: {ReportID: 3, VersionID: 30, Title: "平潭综合实验区2016年度政府信息公开工作年度报告", Organ: "平潭综合实验区", Region: "平潭综合实验区",
			Year: 2016, Published: "2017-01-18", Format: "legacy", Body: "<script>alert(1)</script> 行政复议 0件，依申请公开 0 件。全县各乡镇。"},
	}}
}

func open(t *testing.T, src *memSource) *Index {
	t.Helper()
	ix, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	if _, err := ix.Sync(context.Background(), src); err != nil {
		t.Fatal(err)
	}
	return ix
}

func ids(r *Result) []string {
	var out []string
	for _, h := range r.Hits {
		out = append(out, h.ID)
	}
	sort.Strings(out)
	return out
}

func TestQueries(t *testing.T) {
	src := testDocs()
	ix := open(t, src)
	cases := []struct {
		q    string
		want []string
	}{
		{"行政复议", []string{"1", "3"}},
		{`"行政诉讼"`, []string{"2"}},
		{"复议 OR 诉讼", []string{"1", "2", "3"}},
		{"行政复议 NOT 金融办", []string{"3"}},
		{"行政复议 -金融办", []string{"3"}},
		{"+行政复议 +依申请", []string{"3"}},
		{"(复议 OR 诉讼) 国家秘密", []string{"2"}},
		{"year:2021-2022", []string{"1", "2"}},
		{"year:>=2021 复议", []string{"1"}},
		{"region:株洲市", []string{"1"}},
		{"organ:金融办", []string{"1"}},
		{"department:教育局", []string{"2"}},
		{"format:legacy", []string{"3"}},
		{"failed:t3_balance", []string{"2"}},
		{"2022年", []string{"1"}},
		{"县", []string{"2", "3"}},
		{"镇 年度", []string{"3"}},
		{"复议纠错", nil},
		{"title:金融办", []string{"1"}},
	}
	for _, c := range cases {
		res, err := ix.Search(context.Background(), Request{Query: c.q}, src.substring)
		if err != nil {
			t.Errorf("%s: %v", c.q, err)
			continue
		}
		if got := ids(res); !slices.Equal(got, c.want) {
			t.Errorf("%s: got %v, want %v", c.q, got, c.want)
		}
	}
}

func TestFiltersFacetsAndHighlights(t *testing.T) {
	src := testDocs()
	ix := open(t, src)
	res, err := ix.Search(context.Background(), Request{Query: "公开", YearFrom: 2016, YearTo: 2021, FailedChecks: true}, src.substring)
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(res); !slices.Equal(got, []string{"2"}) {
		t.Errorf("filters: %v", got)
	}
	res, err = ix.Search(context.Background(), Request{Query: "行政复议"}, src.substring)
	if err != nil {
		t.Fatal(err)
	}
	if res.Facets["year"]["2022"] != 1 || res.Facets["year"]["2016"] != 1 || res.Facets["format"]["legacy"] != 1 {
		t.Errorf("facets %v", res.Facets)
	}
	for _, h := range res.Hits {
		if len(h.Highlights) == 0 || !strings.Contains(h.Highlights[0], "<mark>行政复议</mark>") {
			t.Errorf("hit %s highlights %q", h.ID, h.Highlights)
		}
		for _, hl := range h.Highlights {
			if strings.Contains(hl, "<script>") {
				t.Errorf("unescaped markup in a highlight: %q", hl)
			}
		}
	}
	res, _ = ix.Search(context.Background(), Request{Query: "", Sort: "date", Limit: 2}, src.substring)
	if res.Total != 3 || len(res.Hits) != 2 || res.Hits[0].ID != "1" {
		t.Errorf("sorted by date: total %d hits %v", res.Total, ids(res))
	}
}

// The index follows the store: a new version replaces the old, a report the store
// no longer holds disappears.
func TestSyncFollowsTheStore(t *testing.T) {
	src := testDocs()
	ix := open(t, src)
	d := src.docs[1]
	d.VersionID, d.Body = 11, "更正后：本年度收到行政诉讼1件。"
	src.docs[1] = d
	delete(src.docs, 3)
	st, err := ix.Sync(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	if st.Updated != 1 || st.Removed != 1 || st.Unchanged != 1 {
		t.Errorf("sync %+v", st)
	}
	res, _ := ix.Search(context.Background(), Request{Query: "行政复议"}, src.substring)
	if len(res.Hits) != 0 {
		t.Errorf("stale or removed reports still found: %v", ids(res))
	}
	res, _ = ix.Search(context.Background(), Request{Query: "行政诉讼"}, src.substring)
	if got := ids(res); !slices.Equal(got, []string{"1", "2"}) {
		t.Errorf("new version not found: %v", got)
	}
}
