package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"gongkai/store"
)

func TestReparseRestoresWhatAnOlderParserGotWrong(t *testing.T) {
	data, _ := ingestCorpus(t)
	s, err := store.OpenExisting(data)
	if err != nil {
		t.Fatal(err)
	}
	// As an older parser would have stored it: one figure of 株洲's table 3 read
	// wrongly, and the version marked with its parser.
	if _, err := s.SQL().Exec(`UPDATE version_cells SET raw = '7', value = 7 WHERE version_id = 3 AND ord = 20;
		UPDATE versions SET parser_version = '0.0.1' WHERE id = 3`); err != nil {
		t.Fatal(err)
	}
	// A document whose raw bytes are in a WARC file, which this build cannot read.
	res, err := s.Ingest(context.Background(), []store.Item{{
		Doc: store.Document{URI: "http://www.example.gov.cn/notice.html", SHA256: strings.Repeat("ab", 32), Size: 10,
			FetchedAt: time.Now(), Location: store.Location{WARCFile: "warc/gongkai-00001.warc.gz", Offset: 1234}},
		NotReport: true, Reason: "not an annual report", ParserVersion: "0.0.1",
	}})
	if err != nil || res[0].Err != nil {
		t.Fatal(err, res)
	}
	s.Close()

	out, errs, status := gongkai(t, "reparse", "--data", data, "-v")
	if status != exitOK || errs != "" {
		t.Fatalf("reparse: %d %s", status, errs)
	}
	for _, want := range []string{
		"changed      " + corpusFile(t, "zhuzhou-tianyuan-jinrongban-2022.txt") + "  report 3: 1 cells changed",
		"unavailable  http://www.example.gov.cn/notice.html: raw bytes not available: WARC file gongkai-00001.warc.gz is not in",
		"reparsed 3 versions with parser ",
		": changed 1 (1 figures changed, 0 moved to another report), unchanged 2, failed 0 (kept as before)",
		"retried 0 documents that were not reports: 0 are reports now; raw bytes not available for 1",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("reparse output lacks %q:\n%s", want, out)
		}
	}
	db := openDB(t, data)
	var raw, parser string
	if err := db.QueryRow(`SELECT c.raw, v.parser_version FROM version_cells c JOIN versions v ON v.id = c.version_id
		WHERE c.version_id = 3 AND c.ord = 20`).Scan(&raw, &parser); err != nil {
		t.Fatal(err)
	}
	if raw != "0" || parser == "0.0.1" {
		t.Errorf("after reparse: raw %q, parser %q", raw, parser)
	}
	out, _, _ = gongkai(t, "reparse", "--data", data)
	if !strings.Contains(out, "changed 0 (0 figures changed, 0 moved to another report), unchanged 3") {
		t.Errorf("second reparse:\n%s", out)
	}
}
