// Package pgtest gives a test a schema of its own on the PostgreSQL server
// that GONGKAI_TEST_POSTGRES names (.ci/run starts one on loopback). Without
// it the test skips with how to start one, except in CI (CI=true), where it
// fails: CI never skips the tests on PostgreSQL.
package pgtest

import (
	"database/sql"
	"net/url"
	"os"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver
)

// Env names the server the tests use.
const Env = "GONGKAI_TEST_POSTGRES"

// HowTo says how to start a server for the tests (as a user other than root).
const HowTo = Env + ` is not set. To run the tests on PostgreSQL, start a server and name it, e.g. (as a user other than root):
	/usr/lib/postgresql/15/bin/initdb -D /tmp/pg -U gongkai --auth=trust -E UTF8 --locale=C
	/usr/lib/postgresql/15/bin/pg_ctl -D /tmp/pg -o "-p 54329 -k /tmp -c listen_addresses=127.0.0.1" -l /tmp/pg.log start
	` + Env + `=postgres://gongkai@127.0.0.1:54329/postgres go test ./...`

// Server returns the DSN of the test server, or skips the test (fails it in CI).
func Server(t testing.TB) string {
	t.Helper()
	base := os.Getenv(Env)
	if base == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI runs the tests on PostgreSQL: .ci/run starts a server and sets " + Env)
		}
		t.Skip(HowTo)
	}
	return base
}

// Schema makes an empty schema called name on the test server (dropping one
// a killed test left), dropped when the test ends, and returns a DSN whose
// search_path is it.
func Schema(t testing.TB, name string) string {
	t.Helper()
	base := Server(t)
	db, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`DROP SCHEMA IF EXISTS ` + name + ` CASCADE; CREATE SCHEMA ` + name); err != nil {
		t.Fatalf("%s: %v", base, err)
	}
	t.Cleanup(func() {
		if db, err := sql.Open("pgx", base); err == nil {
			db.Exec(`DROP SCHEMA IF EXISTS ` + name + ` CASCADE`)
			db.Close()
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	return u.String()
}
