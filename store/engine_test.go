package store

import (
	"context"
	"flag"
	"fmt"
	"hash/fnv"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"gongkai/internal/pgtest"
	"gongkai/store/postgres"
)

// The store's tests run on SQLite and, when GONGKAI_TEST_POSTGRES names a
// PostgreSQL server, once more on it: TestPostgres runs this test binary again
// with every archive the tests open in a schema of their own on that server.
// .ci/run starts a server and sets the variable, so CI runs both.
const engineEnv = "GONGKAI_STORE_TEST_ENGINE"

var onPostgres = os.Getenv(engineEnv) == "postgres"

func TestPostgres(t *testing.T) {
	if onPostgres {
		t.Skip("this is the run on PostgreSQL")
	}
	pgtest.Server(t)
	args := []string{"-test.v", "-test.count=1"}
	if f := flag.Lookup("test.run"); f != nil && f.Value.String() != "" && f.Value.String() != "TestPostgres" {
		args = append(args, "-test.run="+f.Value.String())
	}
	if testing.Short() {
		args = append(args, "-test.short")
	}
	cmd := exec.CommandContext(t.Context(), os.Args[0], args...)
	cmd.Env = append(os.Environ(), engineEnv+"=postgres")
	out, err := cmd.CombinedOutput()
	passed := len(regexp.MustCompile(`(?m)^--- PASS`).FindAll(out, -1))
	skipped := regexp.MustCompile(`(?m)^--- SKIP: (\S+)`).FindAllSubmatch(out, -1)
	if err != nil {
		t.Fatalf("the store's tests on PostgreSQL: %v\n%s", err, out)
	}
	var names []string
	for _, m := range skipped {
		names = append(names, string(m[1]))
	}
	t.Logf("on PostgreSQL: %d tests passed; skipped there: %s", passed, strings.Join(names, ", "))
}

// sqliteOnly skips a test of the SQLite file itself in the run on PostgreSQL.
func sqliteOnly(t testing.TB) {
	t.Helper()
	if onPostgres {
		t.Skip("a test of the SQLite file")
	}
}

var (
	schemasMu sync.Mutex
	schemas   = map[string]string{} // test folder → the DSN of its PostgreSQL schema
)

// postgresDSN returns the DSN of the schema that stands for the archive in dir
// in the run on PostgreSQL, creating it the first time (dropped when the test ends).
func postgresDSN(t testing.TB, dir string) string {
	t.Helper()
	schemasMu.Lock()
	defer schemasMu.Unlock()
	if dsn, ok := schemas[dir]; ok {
		return dsn
	}
	h := fnv.New64a()
	h.Write([]byte(dir))
	dsn := pgtest.Schema(t, fmt.Sprintf("test_%x", h.Sum64()))
	schemas[dir] = dsn
	return dsn
}

// openTest opens the archive in dir: the SQLite file, or in the run on
// PostgreSQL the schema that stands for it.
func openTest(t testing.TB, dir string) (*DB, error) {
	t.Helper()
	if !onPostgres {
		return Open(dir)
	}
	e, err := postgres.Open(context.Background(), postgresDSN(t, dir), postgres.Options{})
	if err != nil {
		return nil, err
	}
	return OpenEngine(context.Background(), e)
}

// openTestReadOnly opens the archive in dir as a web server does.
func openTestReadOnly(t testing.TB, dir string) (*DB, error) {
	t.Helper()
	if !onPostgres {
		return OpenReadOnly(dir)
	}
	e, err := postgres.Open(context.Background(), postgresDSN(t, dir), postgres.Options{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	return OpenEngine(context.Background(), e)
}

// In the run on PostgreSQL: every table and view of the SQLite archive has the
// same columns there, so that a migration added to one engine and not the
// other is caught.
func TestSchemaMatchesSQLite(t *testing.T) {
	if !onPostgres {
		t.Skip("compares the SQLite archive with the PostgreSQL one")
	}
	lite, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	pg := newStore(t)
	names := queryRows(t, lite.db, `SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	for _, n := range names {
		name := n["name"].(string)
		var want, got []string
		for _, r := range queryRows(t, lite.db, `SELECT name FROM pragma_table_info(?) ORDER BY cid`, name) {
			want = append(want, r["name"].(string))
		}
		for _, r := range queryRows(t, pg.db, `SELECT column_name::text AS name FROM information_schema.columns
			WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position`, name) {
			got = append(got, r["name"].(string))
		}
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(want, got) {
			t.Errorf("%s: columns on PostgreSQL %v, on SQLite %v", name, got, want)
		}
	}
}
