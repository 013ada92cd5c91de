package index

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// A query pasted from a page (one word of 44,000 characters) panicked in
// regexp.MustCompile; a search too large to run is refused as a bad query, and
// one just inside the bounds still runs.
func TestQueryBounds(t *testing.T) {
	ix, err := Open(t.TempDir() + "/index")
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	ctx := context.Background()
	if _, err := ix.Sync(ctx, testDocs()); err != nil {
		t.Fatal(err)
	}
	longWord := strings.Repeat("政府信息公开申请", 22000/8)
	manyWords := strings.TrimSpace(strings.Repeat("复议 ", MaxQueryParts+1))
	refused := map[string]Request{
		"22,000-character word":  {Query: longWord},
		"44,000-character word":  {Query: strings.Repeat("公", 44000)},
		"query over the bound":   {Query: strings.Repeat("县", MaxQueryChars+1)},
		"too many words":         {Query: manyWords},
		"too many ORed fields":   {Query: strings.TrimSuffix(strings.Repeat("organ:县 OR ", MaxQueryParts+1), " OR ")},
		"region filter too long": {Region: strings.Repeat("株洲市", 100)},
		"organ filter too long":  {Query: "复议", Organ: longWord},
	}
	for name, r := range refused {
		_, err := ix.Search(ctx, r)
		if !errors.Is(err, ErrBadQuery) || !strings.Contains(err.Error(), "最多") || !strings.Contains(err.Error(), "at most") {
			t.Errorf("%s: %v, want a bad query saying the bound in Chinese and English", name, err)
		}
		if err != nil && len(err.Error()) > 2*MaxQueryChars*3 {
			t.Errorf("%s: the error repeats the query (%d bytes)", name, len(err.Error()))
		}
	}
	accepted := map[string]Request{
		"word at the bound":  {Query: strings.Repeat("公", MaxQueryChars)},
		"words at the bound": {Query: strings.TrimSpace(strings.Repeat("复议 ", MaxQueryParts))},
		"grouped words":      {Query: "(" + strings.TrimSpace(strings.Repeat("复议 OR ", MaxQueryParts/2)) + " 诉讼)"},
	}
	for name, r := range accepted {
		if _, err := ix.Search(ctx, r); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	res, err := ix.Search(ctx, Request{Query: "行政复议 " + strings.Repeat("申请 ", MaxQueryParts-2)})
	if err != nil || res.Total == 0 {
		t.Errorf("a long query of real words: %v, %+v", err, res)
	}
}
