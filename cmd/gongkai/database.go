package main

import (
	"context"
	"flag"
	"fmt"

	"gongkai/store"
	"gongkai/store/postgres"
)

const databaseFlagUsage = "  --database URL  the PostgreSQL database of an archive shared by several machines\n" +
	"               (postgres://user@host:port/dbname); without it, the data folder's gongkai.db"

func databaseFlag(fs *flag.FlagSet) *string {
	return fs.String("database", "", "")
}

// How a command opens the archive.
type openMode int

const (
	openCreate   openMode = iota // create it if need be (ingest, crawl, migrate)
	openExisting                 // it must exist (export, checks, reparse, index, search)
	openReadOnly                 // it must exist, and is only read (serve)
)

// openStore opens the archive: in the PostgreSQL database that database names,
// or, when it is empty, in the data folder's SQLite file.
func openStore(ctx context.Context, dataDir, database string, mode openMode) (*store.DB, error) {
	if database == "" {
		switch mode {
		case openCreate:
			return store.Open(dataDir)
		case openExisting:
			return store.OpenExisting(dataDir)
		default:
			return store.OpenReadOnly(dataDir)
		}
	}
	if !postgres.IsDSN(database) {
		return nil, fmt.Errorf("database %q: not a PostgreSQL URL (postgres://user@host:port/dbname); leave it out for the data folder's %s", database, store.DBFile)
	}
	e, err := postgres.Open(ctx, database, postgres.Options{ReadOnly: mode == openReadOnly, Existing: mode != openCreate})
	if err != nil {
		return nil, err
	}
	return store.OpenEngine(ctx, e)
}
