package store

import (
	"context"
	"database/sql"
	"hash/fnv"
	"slices"
)

// Engine is a SQL database that holds the archive. The archive's statements are
// written once, with ? placeholders (?N to reuse an argument) in SQLite's SQL,
// which another engine's schema completes with the few functions it lacks (instr,
// group_concat, json_extract); the engine supplies the rest: its placeholders, its
// schema and views, and the locks that keep writers in separate
// processes from losing each other's work. SQLite (this package) is the default;
// package store/postgres is the engine for an archive shared by several machines.
type Engine interface {
	// DB is the engine's connection pool.
	DB() *sql.DB
	// Name is the database as messages name it (a file path, a server's address).
	Name() string
	// Rebind turns a statement's ? placeholders into the engine's.
	Rebind(query string) string
	// Migrate creates or upgrades the schema and brings the public views (Views)
	// up to date; readOnly engines only check that the schema is current.
	Migrate(ctx context.Context) error
	// Lock takes, inside a write transaction, the locks on keys that another
	// writer's transaction must wait for until this one ends, so that two writers
	// never store the same document or organ at once (an organ's findings compare
	// its years). exclusive locks out every other writer (Reparse). An engine
	// whose writers are serialised anyway takes none.
	Lock(ctx context.Context, tx *sql.Tx, keys []int64, exclusive bool) error
	// Overlaps says whether writers' transactions run at once, each not seeing
	// what another has not committed yet, rather than one after another.
	Overlaps() bool
	// Retry says whether a transaction that failed with err may succeed when run
	// again (a deadlock broken by the server).
	Retry(err error) bool
	// Full says whether err means the database has no room left.
	Full(err error) bool
}

// lockKey names a lock of Engine.Lock.
func lockKey(kind, name string) int64 {
	h := fnv.New64a()
	h.Write([]byte(kind))
	h.Write([]byte{0})
	h.Write([]byte(name))
	return int64(h.Sum64())
}

// sortedKeys returns keys sorted and without repeats: every writer takes its
// locks in the same order, so two never wait for each other.
func sortedKeys(keys []int64) []int64 {
	slices.Sort(keys)
	return slices.Compact(keys)
}

// Conn is the archive's connection pool with the engine's placeholders: the
// statements it runs are written with ? like the rest of the archive's.
type Conn struct {
	db *sql.DB
	e  Engine
}

// Tx is a transaction on a Conn.
type Tx struct {
	tx *sql.Tx
	e  Engine
}

// engineArgs gives the arguments as every engine takes them: SQLite stores a
// bool as 0 or 1 in an INTEGER column, which PostgreSQL's driver would refuse.
func engineArgs(args []any) []any {
	i := slices.IndexFunc(args, isBool)
	if i < 0 {
		return args
	}
	out := slices.Clone(args)
	for j := i; j < len(out); j++ {
		if b, ok := out[j].(bool); ok {
			out[j] = boolInt(b)
		}
	}
	return out
}

func isBool(a any) bool { _, ok := a.(bool); return ok }

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

func (c *Conn) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return c.db.ExecContext(ctx, c.e.Rebind(query), engineArgs(args)...)
}

func (c *Conn) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return c.db.QueryContext(ctx, c.e.Rebind(query), engineArgs(args)...)
}

func (c *Conn) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return c.db.QueryRowContext(ctx, c.e.Rebind(query), engineArgs(args)...)
}

func (c *Conn) Exec(query string, args ...any) (sql.Result, error) {
	return c.ExecContext(context.Background(), query, args...)
}

func (c *Conn) Query(query string, args ...any) (*sql.Rows, error) {
	return c.QueryContext(context.Background(), query, args...)
}

func (c *Conn) QueryRow(query string, args ...any) *sql.Row {
	return c.QueryRowContext(context.Background(), query, args...)
}

func (c *Conn) BeginTx(ctx context.Context, opts *sql.TxOptions) (*Tx, error) {
	tx, err := c.db.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	return &Tx{tx, c.e}, nil
}

func (t *Tx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return t.tx.ExecContext(ctx, t.e.Rebind(query), engineArgs(args)...)
}

func (t *Tx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return t.tx.QueryContext(ctx, t.e.Rebind(query), engineArgs(args)...)
}

func (t *Tx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return t.tx.QueryRowContext(ctx, t.e.Rebind(query), engineArgs(args)...)
}

// stmt is a prepared statement with the engine's argument conversion.
type stmt struct{ st *sql.Stmt }

func (t *Tx) PrepareContext(ctx context.Context, query string) (stmt, error) {
	st, err := t.tx.PrepareContext(ctx, t.e.Rebind(query))
	return stmt{st}, err
}

func (s stmt) Close() error { return s.st.Close() }

func (s stmt) ExecContext(ctx context.Context, args ...any) (sql.Result, error) {
	return s.st.ExecContext(ctx, engineArgs(args)...)
}

func (s stmt) QueryContext(ctx context.Context, args ...any) (*sql.Rows, error) {
	return s.st.QueryContext(ctx, engineArgs(args)...)
}

func (s stmt) QueryRowContext(ctx context.Context, args ...any) *sql.Row {
	return s.st.QueryRowContext(ctx, engineArgs(args)...)
}

func (t *Tx) Commit() error   { return t.tx.Commit() }
func (t *Tx) Rollback() error { return t.tx.Rollback() }
