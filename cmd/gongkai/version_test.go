package main

import (
	"encoding/json"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"gongkai/index"
	"gongkai/parse"
	"gongkai/store"
)

// gongkai version names what the build writes, as the archive, the index and the
// records themselves say it; --version is the same.
func TestVersion(t *testing.T) {
	out, errs, status := gongkai(t, "version")
	if status != exitOK || errs != "" {
		t.Fatalf("status %d, stderr %q", status, errs)
	}
	for _, want := range []string{
		"gongkai ", runtime.Version(), runtime.GOOS + "/" + runtime.GOARCH,
		"archive schema " + strconv.Itoa(store.SchemaVersion()), "search index layout " + index.Layout(), "parser " + parse.Version,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("gongkai version lacks %q:\n%s", want, out)
		}
	}
	if same, _, _ := gongkai(t, "--version"); same != out {
		t.Errorf("gongkai --version says\n%s\nbut gongkai version\n%s", same, out)
	}

	out, _, status = gongkai(t, "version", "--json")
	var v map[string]any
	if err := json.Unmarshal([]byte(out), &v); err != nil || status != exitOK {
		t.Fatalf("--json: status %d, %v: %s", status, err, out)
	}
	if v["archive_schema"] != float64(store.SchemaVersion()) || v["parser"] != parse.Version || v["index_layout"] != index.Layout() || v["go"] != runtime.Version() {
		t.Errorf("--json: %s", out)
	}
	if _, errs, status := gongkai(t, "version", "extra"); status != exitUsage || !strings.Contains(errs, `"extra"`) {
		t.Errorf("an argument: status %d, stderr %q", status, errs)
	}
}
