package postgres

import (
	"context"
	"database/sql"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
)

func TestRebind(t *testing.T) {
	for in, want := range map[string]string{
		`SELECT a FROM t WHERE b = ? AND c = ?`:                    `SELECT a FROM t WHERE b = $1 AND c = $2`,
		`WHERE me.version_id = ?1 AND o.version_id <> ?1 LIMIT ?2`: `WHERE me.version_id = $1 AND o.version_id <> $1 LIMIT $2`,
		`SELECT '?' || "a?b", ? FROM t`:                            `SELECT '?' || "a?b", $1 FROM t`,
		`json_extract(v.record_json, '$.text') = ?`:                `json_extract(v.record_json, '$.text') = $1`,
		`SELECT 1`: `SELECT 1`,
	} {
		if got := rebind(in); got != want {
			t.Errorf("rebind(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRedactHidesThePassword(t *testing.T) {
	got := redact("postgres://gongkai:s3cret@db.example:5432/archive?sslmode=disable")
	if strings.Contains(got, "s3cret") || !strings.Contains(got, "db.example:5432/archive") {
		t.Errorf("redact: %q", got)
	}
}

// testSchema returns a DSN of a schema of its own on the server that
// GONGKAI_TEST_POSTGRES names, or skips (store's TestPostgres says how to start one).
func testSchema(t *testing.T, name string) string {
	t.Helper()
	base := os.Getenv("GONGKAI_TEST_POSTGRES")
	if base == "" {
		t.Skip("GONGKAI_TEST_POSTGRES is not set (see store's TestPostgres for how to start a server)")
	}
	db, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`DROP SCHEMA IF EXISTS ` + name + ` CASCADE; CREATE SCHEMA ` + name); err != nil {
		t.Fatal(err)
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

// Processes that open a new database at once create the schema once; a
// reader finds it, and a database of another application is left alone.
func TestMigrate(t *testing.T) {
	ctx := context.Background()
	dsn := testSchema(t, "pgtest_migrate")
	if e, err := Open(ctx, dsn, Options{ReadOnly: true}); err == nil {
		err = e.Migrate(ctx)
		e.DB().Close()
		if err == nil || !strings.Contains(err.Error(), "no archive") {
			t.Errorf("a reader of an empty database: %v, want no archive", err)
		}
	}
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e, err := Open(ctx, dsn, Options{})
			if err == nil {
				err = e.Migrate(ctx)
				e.DB().Close()
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatalf("migrating at once: %v", err)
		}
	}
	e, err := Open(ctx, dsn, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer e.DB().Close()
	if err := e.Migrate(ctx); err != nil {
		t.Fatalf("a reader of the archive: %v", err)
	}
	var views int
	if err := e.DB().QueryRow(`SELECT count(*) FROM pg_views WHERE schemaname = 'pgtest_migrate'`).Scan(&views); err != nil || views != 7 {
		t.Errorf("%d public views (%v), want 7", views, err)
	}
	if _, err := e.DB().Exec(`DELETE FROM blobs`); err == nil {
		t.Error("a reader wrote")
	}

	other := testSchema(t, "pgtest_other")
	db, err := sql.Open("pgx", other)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE TABLE invoices (id int)`); err != nil {
		t.Fatal(err)
	}
	o, err := Open(ctx, other, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer o.DB().Close()
	if err := o.Migrate(ctx); err == nil || !strings.Contains(err.Error(), "another application") {
		t.Errorf("a database of another application: %v", err)
	}
}
