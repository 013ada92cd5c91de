// Package postgres keeps the archive in a PostgreSQL database, for an archive
// shared by several machines: crawl workers and ingests write to it at once and
// web servers read it. It implements store.Engine; store.OpenEngine opens the
// archive on it:
//
//	e, err := postgres.Open(ctx, "postgres://gongkai@db.example/gongkai", postgres.Options{})
//	s, err := store.OpenEngine(ctx, e)
//
// The tables, and the public views researchers read with psql, are those of the
// SQLite archive, with the same names and columns.
package postgres

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

//go:embed views.sql
var viewsSQL string

// IsDSN says whether a database setting names a PostgreSQL server
// (postgres://… or postgresql://…) rather than a SQLite file.
func IsDSN(database string) bool {
	return strings.HasPrefix(database, "postgres://") || strings.HasPrefix(database, "postgresql://")
}

// Options configure Open.
type Options struct {
	// ReadOnly refuses every write on the pool's connections (a web server's).
	ReadOnly bool
	// Existing refuses a database without an archive rather than creating one in it.
	Existing bool
	// MaxConns bounds the pool; 0 means database/sql's default (no bound).
	MaxConns int
}

// Engine is the archive's database on a PostgreSQL server.
type Engine struct {
	db       *sql.DB
	name     string
	readOnly bool
	existing bool
	binds    sync.Map // query → the query with $n placeholders
	// salt makes the advisory locks the archive's own: they are the
	// database's, and another schema may hold another archive.
	salt int64
}

// Open connects to the server dsn names. The database must exist; the archive's
// schema is created in it by store.OpenEngine (Migrate).
func Open(ctx context.Context, dsn string, opts Options) (*Engine, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("database %s: %v", redact(dsn), err)
	}
	if opts.ReadOnly {
		cfg.RuntimeParams["default_transaction_read_only"] = "on"
	}
	db := stdlib.OpenDB(*cfg)
	if opts.MaxConns > 0 {
		db.SetMaxOpenConns(opts.MaxConns)
		db.SetMaxIdleConns(opts.MaxConns)
	}
	e := &Engine{db: db, name: "postgres " + redact(dsn), readOnly: opts.ReadOnly, existing: opts.Existing}
	var schema string
	if err := db.QueryRowContext(ctx, `SELECT coalesce(current_schema(), '')`).Scan(&schema); err != nil {
		db.Close()
		return nil, fmt.Errorf("%s: %w", e.name, err)
	}
	h := fnv.New64a()
	h.Write([]byte(schema))
	e.salt = int64(h.Sum64())
	return e, nil
}

// redact drops the password from a DSN for messages.
func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "(unreadable DSN)"
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.Redacted()
}

func (e *Engine) DB() *sql.DB  { return e.db }
func (e *Engine) Name() string { return e.name }

// Rebind turns ? into $1, $2, … and ?N into $N, outside quoted text.
func (e *Engine) Rebind(query string) string {
	if q, ok := e.binds.Load(query); ok {
		return q.(string)
	}
	q := rebind(query)
	e.binds.Store(query, q)
	return q
}

func rebind(query string) string {
	var b strings.Builder
	b.Grow(len(query) + 16)
	n := 0
	var quote byte
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
			b.WriteByte(c)
		case c == '\'' || c == '"':
			quote = c
			b.WriteByte(c)
		case c == '?':
			j := i + 1
			for j < len(query) && query[j] >= '0' && query[j] <= '9' {
				j++
			}
			b.WriteByte('$')
			if j > i+1 {
				b.WriteString(query[i+1 : j])
			} else {
				n++
				b.WriteString(strconv.Itoa(n))
			}
			i = j - 1
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// globalLock is the advisory lock that Ingest's transactions share and Reparse
// holds alone.
const globalLock = 0x676b6169 // "gkai"

// lock is the advisory lock of key in this archive's schema.
func (e *Engine) lock(key int64) int64 { return key ^ e.salt }

// Lock takes transaction-scoped advisory locks: the global one, shared (or
// exclusive), then each key in the order given (sorted by the caller, so that
// two writers never wait for each other).
func (e *Engine) Lock(ctx context.Context, tx *sql.Tx, keys []int64, exclusive bool) error {
	if exclusive {
		_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, e.lock(globalLock))
		return err
	}
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock_shared($1)`, e.lock(globalLock)); err != nil {
		return err
	}
	if len(keys) == 0 {
		return nil
	}
	salted := make([]int64, len(keys))
	for i, k := range keys {
		salted[i] = e.lock(k)
	}
	_, err := tx.ExecContext(ctx, `SELECT count(pg_advisory_xact_lock(k)) FROM unnest($1::bigint[]) WITH ORDINALITY AS t(k, i)`, salted)
	return err
}

// Overlaps is true: writers hold only the locks of what they write.
func (e *Engine) Overlaps() bool { return true }

// Retry says whether err is a deadlock or serialization failure, which the
// server resolves by aborting one transaction that may then run again.
func (e *Engine) Retry(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40P01" || pe.Code == "40001")
}

// Full says whether the server ran out of disk (disk_full).
func (e *Engine) Full(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "53100"
}

// migration is one numbered schema step.
type migration struct {
	version int
	name    string
	sql     string
}

func migrations() []migration {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		panic(err)
	}
	var ms []migration
	for _, ent := range entries {
		num, _, _ := strings.Cut(ent.Name(), "_")
		v, err := strconv.Atoi(num)
		if err != nil {
			panic("postgres: migration file without a number: " + ent.Name())
		}
		data, err := migrationFiles.ReadFile("migrations/" + ent.Name())
		if err != nil {
			panic(err)
		}
		ms = append(ms, migration{v, ent.Name(), string(data)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	return ms
}

// SchemaVersion is the schema this code creates and upgrades to.
func SchemaVersion() int { return len(migrations()) }

// schemaLock serialises the migrations of processes that open the archive at once.
const schemaLock = 0x676b6173 // "gkas"

// Migrate creates the schema, upgrades an older one and brings the public views
// up to date, each step in one transaction under an advisory lock, so that two
// processes starting at once do it once. A read-only engine only checks that the
// schema is the one this code knows.
func (e *Engine) Migrate(ctx context.Context) error {
	if e.readOnly || e.existing {
		have, _, err := e.schema(ctx, e.db)
		switch {
		case err != nil:
			return fmt.Errorf("%s: reading the archive's schema: %w", e.name, err)
		case have == 0:
			return fmt.Errorf("%s: no archive in this database yet (gongkai ingest or gongkai migrate creates it)", e.name)
		case have > SchemaVersion():
			return fmt.Errorf("%s: archive schema %d was written by a newer gongkai (this one knows up to %d); not opened", e.name, have, SchemaVersion())
		case e.readOnly && have < SchemaVersion():
			return fmt.Errorf("%s: archive schema %d, this gongkai knows %d: open it once for writing (gongkai index) to upgrade it", e.name, have, SchemaVersion())
		case e.readOnly:
			return nil
		}
	}
	tx, err := e.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("%s: %w", e.name, err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, e.lock(schemaLock)); err != nil {
		return fmt.Errorf("%s: %w", e.name, err)
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS gongkai_schema (
		version INTEGER NOT NULL, views_sha256 TEXT NOT NULL DEFAULT '')`); err != nil {
		return fmt.Errorf("%s: %w", e.name, err)
	}
	have, views, err := e.schema(ctx, tx)
	if err != nil {
		return fmt.Errorf("%s: %w", e.name, err)
	}
	if have > SchemaVersion() {
		return fmt.Errorf("%s: archive schema %d was written by a newer gongkai (this one knows up to %d); not opened", e.name, have, SchemaVersion())
	}
	if have == 0 {
		var tables int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'gongkai_schema'`).Scan(&tables); err != nil {
			return fmt.Errorf("%s: %w", e.name, err)
		}
		if tables > 0 {
			return fmt.Errorf("%s: the database's schema holds %d tables of another application; refusing to create the archive in it", e.name, tables)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO gongkai_schema (version) VALUES (0)`); err != nil {
			return fmt.Errorf("%s: %w", e.name, err)
		}
	}
	for _, m := range migrations()[have:] {
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			return fmt.Errorf("%s: upgrading the archive to schema %d (%s): %w", e.name, m.version, m.name, err)
		}
	}
	sum := sha256.Sum256([]byte(viewsSQL))
	want := hex.EncodeToString(sum[:])
	if views != want || have < SchemaVersion() {
		// The views hold no data: dropping and creating them again loses nothing.
		for _, v := range []string{"reports", "cells", "t2", "t3", "t4", "checks", "sources"} {
			if _, err := tx.ExecContext(ctx, `DROP VIEW IF EXISTS `+v); err != nil {
				return fmt.Errorf("%s: %w", e.name, err)
			}
		}
		if _, err := tx.ExecContext(ctx, viewsSQL); err != nil {
			return fmt.Errorf("%s: creating the public views: %w", e.name, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE gongkai_schema SET version = $1, views_sha256 = $2`, SchemaVersion(), want); err != nil {
		return fmt.Errorf("%s: %w", e.name, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("%s: %w", e.name, err)
	}
	return nil
}

type queryRower interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// schema reads the archive's schema version and the digest of its views' file; 0
// when the database holds no archive.
func (e *Engine) schema(ctx context.Context, q queryRower) (version int, views string, err error) {
	var exists bool
	if err := q.QueryRowContext(ctx, `SELECT to_regclass('gongkai_schema') IS NOT NULL`).Scan(&exists); err != nil || !exists {
		return 0, "", err
	}
	err = q.QueryRowContext(ctx, `SELECT version, views_sha256 FROM gongkai_schema`).Scan(&version, &views)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", nil
	}
	return version, views, err
}
