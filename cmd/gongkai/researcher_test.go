package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"gongkai/store"
)

// sqliteShells are the sqlite3 programs a researcher may open the archive with:
// the machine's (Debian 12: 3.40), and the one $GONGKAI_SQLITE3_OLD names (.ci/run
// builds SQLite 3.31.1, Ubuntu 20.04's, there).
func sqliteShells(t *testing.T) []string {
	var out []string
	if p, err := exec.LookPath("sqlite3"); err == nil {
		out = append(out, p)
	} else {
		t.Log("no sqlite3 on this machine (Debian: apt-get install sqlite3): the sqlite3 CLI is not tried")
	}
	if p := os.Getenv("GONGKAI_SQLITE3_OLD"); p != "" {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("GONGKAI_SQLITE3_OLD: %v", err)
		} else {
			out = append(out, p)
		}
	}
	return out
}

// readmeSQL returns the README's SQL examples (its ```sql blocks).
func readmeSQL(t *testing.T) []string {
	t.Helper()
	readme := readFile(t, filepath.Join("..", "..", "README.md"))
	var out []string
	for _, m := range regexp.MustCompile("(?s)```sql\n(.*?)```").FindAllStringSubmatch(readme, -1) {
		out = append(out, strings.TrimSpace(m[1]))
	}
	if len(out) == 0 {
		t.Fatal("README.md has no ```sql example")
	}
	return out
}

// TestResearcherSession opens a freshly crawled archive as a researcher would,
// with the sqlite3 CLI and Python's sqlite3 module, whatever SQLite they bring:
// every view is selectable and counts what gongkai's own SQLite counts, and every
// SQL example of the README runs and returns rows.
func TestResearcherSession(t *testing.T) {
	if testing.Short() {
		t.Skip("crawls the simulated portals")
	}
	_, run := startSite(t)
	data := t.TempDir()
	runCrawlJSON(t, crawlConfig(t, run, ""), data)
	db := filepath.Join(data, store.DBFile)

	want := map[string]int{}
	st, err := store.OpenExisting(data)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range store.Views {
		n := 0
		if err := st.SQL().QueryRowContext(context.Background(), "SELECT count(*) FROM "+v).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			t.Errorf("view %s is empty after a crawl", v)
		}
		want[v] = n
	}
	st.Close()
	examples := readmeSQL(t)
	// The simulated portals publish no scan, so an example about OCR'd cells is
	// run for its syntax and columns but may find no row.
	needsScan := func(q string) bool { return strings.Contains(q, "medium = 'scan'") }
	var rowExamples []string
	for _, q := range examples {
		if !needsScan(q) {
			rowExamples = append(rowExamples, q)
		}
	}

	for _, shell := range sqliteShells(t) {
		version, err := exec.Command(shell, "--version").Output()
		if err != nil {
			t.Fatalf("%s --version: %v", shell, err)
		}
		t.Run("sqlite3 "+strings.Fields(string(version))[0], func(t *testing.T) {
			var counts, rows strings.Builder
			for _, v := range store.Views {
				counts.WriteString("SELECT '" + v + "', count(*) FROM " + v + ";\n")
				rows.WriteString("SELECT * FROM " + v + " LIMIT 3;\n")
			}
			out, err := sqliteRun(shell, db, counts.String())
			if err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			checkCountsIn(t, out, want)
			if out, err := sqliteRun(shell, db, rows.String()); err != nil {
				t.Errorf("selecting rows of every view: %v\n%s", err, out)
			}
			for i, q := range examples {
				out, err := sqliteRun(shell, db, q)
				if err != nil || strings.TrimSpace(out) == "" && !needsScan(q) {
					t.Errorf("README SQL example %d: %v, output %q\n%s", i+1, err, out, q)
				}
			}
		})
	}

	t.Run("python3", func(t *testing.T) {
		python, err := exec.LookPath("python3")
		if err != nil {
			t.Skip("no python3 on this machine")
		}
		script := `import sqlite3, sys
db = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True)
print("version|" + sqlite3.sqlite_version, file=sys.stderr)
for view in sys.argv[2].split(","):
    n = db.execute("SELECT count(*) FROM " + view).fetchone()[0]
    db.execute("SELECT * FROM " + view + " LIMIT 3").fetchall()
    print(view + "|" + str(n))
for i, q in enumerate(sys.stdin.read().split("\n;;\n")):
    rows = db.execute(q).fetchall()
    if not rows:
        sys.exit("README SQL example %d returns no row" % (i + 1))
`
		cmd := exec.Command(python, "-c", script, db, strings.Join(store.Views, ","))
		cmd.Stdin = strings.NewReader(strings.Join(rowExamples, "\n;;\n"))
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%v\n%s%s", err, out, stderr.String())
		}
		t.Log(strings.TrimSpace(stderr.String()))
		checkCountsIn(t, string(out), want)
	})
}

// checkCountsIn compares "view|count" lines with the counts gongkai made.
func checkCountsIn(t *testing.T, out string, want map[string]int) {
	t.Helper()
	seen := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		name, count, ok := strings.Cut(line, "|")
		if !ok {
			continue
		}
		seen[name] = true
		if n, err := strconv.Atoi(count); err != nil || n != want[name] {
			t.Errorf("view %s: %s rows, gongkai counts %d", name, count, want[name])
		}
	}
	for name := range want {
		if !seen[name] {
			t.Errorf("view %s was not counted:\n%s", name, out)
		}
	}
}

// sqliteRun runs SQL through a sqlite3 shell on the archive, read-only, and
// returns what it printed; an error of the shell is an error.
func sqliteRun(shell, db, sql string) (string, error) {
	cmd := exec.Command(shell, "-readonly", "-bail", db)
	cmd.Stdin = strings.NewReader(sql)
	out, err := cmd.CombinedOutput()
	if err == nil && strings.Contains(string(out), "Error:") {
		err = exec.ErrNotFound
	}
	return string(out), err
}
