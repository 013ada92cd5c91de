package main

import (
	"regexp"
	"strings"
	"testing"

	"gongkai/internal/pgtest"
)

// The corpus ingested into SQLite moves to PostgreSQL; a second run finds it
// all copied; export answers the same from both.
func TestMigrateToPostgres(t *testing.T) {
	dsn := pgtest.Schema(t, "cmdtest_migrate")

	data := t.TempDir()
	if _, errs, status := gongkai(t, "ingest", "--data", data, corpusFile(t, "pingtan-2016-legacy.htm"),
		corpusFile(t, "xiongxian-township-2019.txt"), corpusFile(t, "zhuzhou-tianyuan-jinrongban-2022.txt")); status != 0 {
		t.Fatalf("ingest: %d %s", status, errs)
	}
	out, errs, status := gongkai(t, "migrate", "--data", data, "--to", dsn)
	if status != 0 || !strings.Contains(out, "records: 3 on both") || strings.Contains(out, "DIFFERS") {
		t.Fatalf("migrate: status %d\n%s%s", status, out, errs)
	}
	out, errs, status = gongkai(t, "migrate", "--data", data, "--to", dsn)
	if status != 0 || !strings.Contains(out, "version_cells") || regexp.MustCompile(`\([1-9][0-9]* copied now\)`).MatchString(out) || strings.Contains(out, "DIFFERS") {
		t.Fatalf("migrate again: status %d\n%s%s", status, out, errs)
	}
	for _, args := range [][]string{{"export", "--format", "jsonl"}, {"export", "--format", "csv", "--table", "3"}, {"checks"}} {
		lite, _, s1 := gongkai(t, append(args, "--data", data)...)
		pg, errs, s2 := gongkai(t, append(args, "--data", data, "--database", dsn)...)
		if s1 != 0 || s2 != 0 || lite != pg {
			t.Errorf("%v: status %d and %d, SQLite and PostgreSQL answer alike: %v (%s)", args, s1, s2, lite == pg, errs)
		}
	}
}
