package postgres

import (
	"context"
	"database/sql"
	"strings"
	"sync"
	"testing"

	"gongkai/internal/pgtest"
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

// Processes that open a new database at once create the schema once; a
// reader finds it, and a database of another application is left alone.
func TestMigrate(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.Schema(t, "pgtest_migrate")
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

	other := pgtest.Schema(t, "pgtest_other")
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
