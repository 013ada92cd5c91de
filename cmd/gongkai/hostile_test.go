package main

import (
	"strings"
	"testing"
)

// A search too large to run is a usage error that says the bound, in Chinese
// and English, without printing the query back or a stack.
func TestSearchRefusesAHugeQuery(t *testing.T) {
	data := ingestInto(t, "zhuzhou-tianyuan-jinrongban-2022.txt")
	for _, q := range []string{strings.Repeat("公", 44000), strings.Repeat("复议 ", 40)} {
		out, errs, status := gongkai(t, "search", "--data", data, q)
		if status != exitUsage || out != "" || !strings.Contains(errs, "最多") || !strings.Contains(errs, "at most") || len(errs) > 2000 {
			t.Errorf("search of %d characters: status %d, stdout %.80q, stderr %.300q", len(q), status, out, errs)
		}
	}
	if hits := searchJSON(t, data, strings.Repeat("金融办 ", 20)).Hits; len(hits) != 1 {
		t.Errorf("a long query within the bounds: %d hits", len(hits))
	}
}
