package index

import (
	"context"
	"errors"
	"testing"
)

// Whatever a visitor types as a query, region or organ, a search answers it or
// says what is wrong with the query; it does not fail otherwise, or crash.
func FuzzSearch(f *testing.F) {
	for _, seed := range []string{"行政复议 信访", `"不予公开 国家秘密"`, "(复议 OR 诉讼) -纠正", "year:2020-2022 region:株洲市", "县", "2022年", "第3区",
		"件，全", "organ:县", "failed:t3", "title:金融办", `“政府信息公开申请”`, "a.*b[", "\x00", "𠀀𠀁𠀂𠀃𠀄"} {
		f.Add(seed, "雄县", "")
	}
	ix, err := Open(f.TempDir() + "/index")
	if err != nil {
		f.Fatal(err)
	}
	defer ix.Close()
	if _, err := ix.Sync(context.Background(), testDocs()); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, q, region, organ string) {
		res, err := ix.Search(context.Background(), Request{Query: q, Region: region, Organ: organ, Limit: 5})
		if err != nil {
			if !errors.Is(err, ErrBadQuery) {
				t.Fatalf("%q region %q organ %q: %v", q, region, organ, err)
			}
			return
		}
		if uint64(len(res.Hits)) > res.Total || len(res.Hits) > 5 {
			t.Fatalf("%q: %d hits of %d", q, len(res.Hits), res.Total)
		}
	})
}
