package store

import (
	"bytes"
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	_ "modernc.org/sqlite" // registers the "sqlite" driver (pure Go, no cgo)
)

// DBFile is the database's name inside the data folder.
const DBFile = "gongkai.db"

// ApplicationID marks a SQLite file as a gongkai archive (PRAGMA application_id):
// the bytes "GKAI".
const ApplicationID = 0x474B4149

//go:embed migrations/*.sql
var migrationFiles embed.FS

//go:embed views.sql
var viewsSQL string

// publicView is one CREATE VIEW statement of views.sql.
type publicView struct {
	name, sql string
}

var createViewRE = regexp.MustCompile(`^CREATE VIEW (\w+) AS\b`)

// publicViews are the statements of views.sql, in order. SQLite keeps a view's
// statement as it was written (without the semicolon), which is what syncViews
// compares.
var publicViews = sync.OnceValue(func() []publicView {
	var out []publicView
	for _, stmt := range strings.Split(viewsSQL, ";\n") {
		var lines []string
		for _, line := range strings.Split(stmt, "\n") {
			if len(lines) > 0 || strings.HasPrefix(line, "CREATE VIEW") {
				lines = append(lines, line)
			}
		}
		text := strings.TrimSpace(strings.Join(lines, "\n"))
		if text == "" {
			continue
		}
		m := createViewRE.FindStringSubmatch(text)
		if m == nil {
			panic("store: views.sql: not a CREATE VIEW statement: " + text)
		}
		out = append(out, publicView{m[1], text})
	}
	return out
})

// migration is one numbered schema step, run in its own transaction.
type migration struct {
	version int
	name    string
	sql     string
}

// migrations lists the embedded steps in order; file NNNN_name.sql is version NNNN.
var migrations = sync.OnceValue(func() []migration {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		panic(err)
	}
	var ms []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			panic("store: migration file without a number: " + e.Name())
		}
		data, err := migrationFiles.ReadFile("migrations/" + e.Name())
		if err != nil {
			panic(err)
		}
		ms = append(ms, migration{v, e.Name(), string(data)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i, m := range ms {
		if m.version != i+1 {
			panic(fmt.Sprintf("store: migrations must be numbered 1, 2, …: %s", m.name))
		}
	}
	return ms
})

// afterMigration are the steps in Go that complete a migration, in its transaction.
var afterMigration = map[int]func(context.Context, *sql.Tx) error{
	6: fillRegions, // the regions table, for the versions written before it
}

// SchemaVersion is the schema this code creates and upgrades to.
func SchemaVersion() int { return len(migrations()) }

// DB is the archive in a SQL database: a SQLite file (WAL mode: one writer and
// any number of readers, across processes), or another Engine's.
type DB struct {
	db *Conn
	e  Engine

	// keys caches the committed cell_keys ids: a write transaction starts from a
	// copy and adds the keys it created only when it commits.
	keysMu sync.Mutex
	keys   map[cellKey]int64
}

var _ Store = (*DB)(nil)

// OpenEngine opens the archive in an engine's database, creating or upgrading
// its schema. The archive closes the engine's pool when it is closed.
func OpenEngine(ctx context.Context, e Engine) (*DB, error) {
	if err := e.Migrate(ctx); err != nil {
		e.DB().Close()
		return nil, err
	}
	return newDB(e), nil
}

func newDB(e Engine) *DB {
	return &DB{db: &Conn{e.DB(), e}, e: e, keys: map[cellKey]int64{}}
}

// Open opens the archive in dataDir, creating the folder and the database if they
// do not exist and upgrading an older schema. A file at the database path that is
// not a gongkai archive is refused with an error naming it, and left as it is.
func Open(dataDir string) (*DB, error) {
	return openAt(dataDir, true, SchemaVersion())
}

// OpenExisting opens the archive in dataDir like Open, but returns an error
// wrapping ErrNoArchive when there is none yet rather than creating it.
func OpenExisting(dataDir string) (*DB, error) {
	return openAt(dataDir, false, SchemaVersion())
}

// sqliteEngine is the Engine of an archive in one SQLite file.
type sqliteEngine struct {
	db    *sql.DB
	path  string
	fresh bool // the file was absent or empty
	upTo  int  // the schema to migrate to (tests create older archives)
}

func (e *sqliteEngine) DB() *sql.DB                { return e.db }
func (e *sqliteEngine) Name() string               { return e.path }
func (e *sqliteEngine) Rebind(query string) string { return query }
func (e *sqliteEngine) Retry(error) bool           { return false }
func (e *sqliteEngine) Overlaps() bool             { return false }
func (e *sqliteEngine) Full(err error) bool        { return isFull(err) }

// Lock takes no locks: a transaction takes SQLite's write lock when it begins
// (_txlock=immediate), so writers never overlap.
func (e *sqliteEngine) Lock(context.Context, *sql.Tx, []int64, bool) error { return nil }

// openAt opens the archive migrated up to schema version upTo (tests create older
// archives with it).
func openAt(dataDir string, create bool, upTo int) (*DB, error) {
	path := filepath.Join(dataDir, DBFile)
	if strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("%s: the data folder's path may not contain ? or #", path)
	}
	fresh, err := checkFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist) && !create:
		return nil, fmt.Errorf("%s: %w (gongkai ingest creates it)", path, ErrNoArchive)
	case errors.Is(err, fs.ErrNotExist):
		if err := os.MkdirAll(dataDir, 0o755); err != nil {
			return nil, err
		}
		fresh = true
	case err != nil:
		return nil, err
	}
	// busy_timeout lets a writer wait for another's transaction instead of failing;
	// _txlock=immediate takes the write lock when a transaction begins, so two
	// writers never deadlock upgrading read locks. synchronous=NORMAL in WAL mode
	// keeps every commit across a process crash (only a power cut may lose the
	// last ones). Savepoint journals and temporary indexes stay in memory
	// (temp_store) rather than going through temporary files. Each connection
	// caches 8 MiB of pages, outside Go's heap: at 32 MiB the few connections
	// of a crawl held about 60 MB (BENCHMARKS.md, crawl memory), and the
	// system's file cache keeps the pages anyway.
	dsn := path + "?_pragma=busy_timeout(30000)&_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)" +
		"&_pragma=synchronous(NORMAL)&_pragma=temp_store(MEMORY)&_pragma=cache_size(-8192)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return OpenEngine(context.Background(), &sqliteEngine{db: db, path: path, fresh: fresh, upTo: upTo})
}

// Name is the database as messages name it: the SQLite file, or the server.
func (s *DB) Name() string { return s.e.Name() }

// Engine is the database the archive is in.
func (s *DB) Engine() Engine { return s.e }

// Close closes the database.
func (s *DB) Close() error { return s.e.DB().Close() }

// SQL gives access for tools that query the views directly (tests, a server),
// with ? placeholders whatever the engine.
func (s *DB) SQL() *Conn { return s.db }

var sqliteHeader = []byte("SQLite format 3\x00")

// checkFile makes sure the file at path may be opened as an archive without harm:
// it is absent or empty (fresh), or a SQLite file that is a gongkai archive. It
// reads the file without changing it: the journal mode is only switched to WAL
// once the file is known to be ours.
func checkFile(path string) (fresh bool, err error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	head := make([]byte, len(sqliteHeader))
	n, err := io.ReadFull(f, head)
	f.Close()
	if n == 0 && (err == io.EOF || err == nil) {
		return true, nil
	}
	if !bytes.Equal(head[:n], sqliteHeader) {
		return false, fmt.Errorf("%s: not a gongkai archive (not a SQLite database); refusing to open or overwrite it", path)
	}
	db, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(30000)&_pragma=query_only(1)")
	if err != nil {
		return false, fmt.Errorf("%s: %v", path, err)
	}
	defer db.Close()
	var appID, userVersion, tables int
	err = db.QueryRow(`SELECT (SELECT application_id FROM pragma_application_id),
		(SELECT user_version FROM pragma_user_version),
		(SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%')`).Scan(&appID, &userVersion, &tables)
	if err != nil {
		return false, fmt.Errorf("%s: not a readable SQLite database (%v); refusing to open or overwrite it", path, err)
	}
	switch {
	case appID == ApplicationID:
		if userVersion > SchemaVersion() {
			return false, fmt.Errorf("%s: archive schema %d was written by a newer gongkai (this one knows up to %d); not opened", path, userVersion, SchemaVersion())
		}
		return false, nil
	case appID == 0 && userVersion == 0 && tables == 0:
		return true, nil // an empty SQLite database: nothing to lose
	case appID == 0:
		return false, fmt.Errorf("%s: a SQLite database of another application (%d tables, no gongkai mark); refusing to open or overwrite it", path, tables)
	default:
		return false, fmt.Errorf("%s: a SQLite database of another application (application_id %#x); refusing to open or overwrite it", path, appID)
	}
}

// migrate brings the schema up to version upTo, one migration per transaction. Two
// processes opening an old archive at once both try; the write lock serialises
// them and the second sees the new version and skips the step.
func (s *sqliteEngine) Migrate(ctx context.Context) error {
	for _, m := range migrations()[:s.upTo] {
		if err := s.migrateStep(ctx, m, s.fresh); err != nil {
			return fmt.Errorf("%s: upgrading the archive to schema %d (%s): %w", s.path, m.version, m.name, err)
		}
	}
	if s.upTo < SchemaVersion() {
		return nil // an older archive, for the tests: its views stay as that schema had them
	}
	if err := s.syncViews(ctx); err != nil {
		return fmt.Errorf("%s: updating the public views: %w", s.path, err)
	}
	return nil
}

// syncViews makes the archive's views those of views.sql: when any differs, all
// are dropped and created again in one transaction. The views hold no data, so
// this loses nothing; an archive written by an older gongkai gets the views that
// outside tools can read.
func (s *sqliteEngine) syncViews(ctx context.Context) error {
	want := publicViews()
	same, err := s.viewsAre(ctx, s.db, want)
	if err != nil || same {
		return err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if same, err := s.viewsAre(ctx, tx, want); err != nil || same {
		return err // another process did it meanwhile
	}
	for _, v := range want {
		if _, err := tx.ExecContext(ctx, `DROP VIEW IF EXISTS `+v.name); err != nil {
			return err
		}
	}
	for _, v := range want {
		if _, err := tx.ExecContext(ctx, v.sql); err != nil {
			return fmt.Errorf("view %s: %w", v.name, err)
		}
	}
	return tx.Commit()
}

// viewsAre reports whether the archive's views are exactly want.
func (s *sqliteEngine) viewsAre(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, want []publicView) (bool, error) {
	rows, err := q.QueryContext(ctx, `SELECT name, sql FROM sqlite_master WHERE type = 'view'`)
	if err != nil {
		return false, err
	}
	defer rows.Close()
	have := map[string]string{}
	for rows.Next() {
		var name, text string
		if err := rows.Scan(&name, &text); err != nil {
			return false, err
		}
		have[name] = text
	}
	if err := rows.Err(); err != nil {
		return false, err
	}
	if len(have) != len(want) {
		return false, nil
	}
	for _, v := range want {
		if have[v.name] != v.sql {
			return false, nil
		}
	}
	return true, nil
}

func (s *sqliteEngine) migrateStep(ctx context.Context, m migration, fresh bool) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var have int
	if err := tx.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&have); err != nil {
		return err
	}
	if have >= m.version {
		return nil
	}
	if m.version == 1 {
		if !fresh {
			return errors.New("the file has no schema but is not empty")
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA application_id = %d`, ApplicationID)); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return err
	}
	if after := afterMigration[m.version]; after != nil {
		if err := after(ctx, tx); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA user_version = %d`, m.version)); err != nil {
		return err
	}
	return tx.Commit()
}
