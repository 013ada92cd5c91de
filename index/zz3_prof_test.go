package index

import (
	"context"
	"os"
	"testing"
)

func TestZZProfilePhrases(t *testing.T) {
	dir := os.Getenv("ZZ_INDEX")
	if dir == "" {
		t.Skip()
	}
	ix, err := OpenReadOnly(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	ctx := context.Background()
	ix.Search(ctx, Request{Query: "县"})
	for range 10 {
		for _, r := range []Request{{Query: `"本机关不掌握相关政府信息"`}, {Query: "政府信息公开", Region: "河北省"}, {Query: "2022年"}} {
			ix.mu.Lock()
			ix.cols.kept = newKeptLists(keptBytes)
			ix.mu.Unlock()
			if _, err := ix.Search(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
	}
}
