package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"gongkai/index"
	"gongkai/internal/lockfile"
	"gongkai/store"
)

// A server keeps its search index up to date itself. While searches come every
// few seconds it always has the index open, so the commands that store reports
// (crawl, ingest, reparse) cannot write to it; instead the server watches the
// archive and indexes what they stored. It holds serveLockName meanwhile, which
// tells those commands that it does, and a second server on the same folder that
// the first one does.
const serveLockName = "serve.lock"

// serverSyncEvery is how often a server checks whether the archive changed
// (tests make it shorter).
var serverSyncEvery = 10 * time.Second

// archiveMark is what changes in the data folder when a command stores
// reports: the size and time of the database file and of its write-ahead log.
type archiveMark [4]int64

func markOf(dataDir string) archiveMark {
	var m archiveMark
	for i, name := range []string{"gongkai.db", "gongkai.db-wal"} {
		if st, err := os.Stat(filepath.Join(dataDir, name)); err == nil {
			m[2*i], m[2*i+1] = st.Size(), st.ModTime().UnixNano()
		}
	}
	return m
}

// keepIndexed takes the data folder's serve lock and, while ctx lasts, brings the
// search index up to date whenever the archive changed, checking every `every`.
// Another server that holds the lock does it instead.
func keepIndexed(ctx context.Context, name string, ix *sharedIndex, st *store.DB, dataDir string, every time.Duration, logger *slog.Logger, stderr io.Writer) {
	lock, err := lockfile.Acquire(ctx, filepath.Join(dataDir, serveLockName), false)
	var held *lockfile.HeldError
	if errors.As(err, &held) {
		fmt.Fprintf(stderr, "gongkai %s: the search index is kept up to date by another gongkai serve (%s)\n", name, held.Holder)
		return
	}
	if err != nil {
		fmt.Fprintf(stderr, "gongkai %s: the search index will not follow the archive: %v\n", name, err)
		return
	}
	defer lock.Release()
	// The SQLite file's size and time change with every write; an archive on a
	// server that others write is asked for its latest change number.
	mark := func() string { return fmt.Sprint(markOf(dataDir)) }
	if !st.InFile() {
		mark = func() string {
			n, err := st.ChangeCursor(ctx)
			if err != nil {
				logger.Warn("could not ask the archive what changed; trying again", "err", err)
				return ""
			}
			return strconv.FormatInt(n, 10)
		}
	}
	seen := mark()
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		now := mark()
		if now == seen || now == "" {
			continue
		}
		stats, err := ix.syncWith(func() (index.SyncStats, error) { return updateIndex(ctx, st, dataDir, false, nil) })
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			// Most likely a command writing to the index now: the next check tries again.
			logger.Warn("the search index could not be brought up to date; trying again", "err", err)
			continue
		}
		seen = now
		if stats.Added+stats.Updated+stats.Removed > 0 {
			logger.Info("search index brought up to date", "new", stats.Added, "changed", stats.Updated, "removed", stats.Removed)
		}
	}
}

// syncWith runs a sync of the index while no search uses it: searches that come
// meanwhile wait for it, and the results kept from before are dropped.
func (s *sharedIndex) syncWith(sync func() (index.SyncStats, error)) (index.SyncStats, error) {
	s.handle.Lock()
	defer s.handle.Unlock()
	s.Close()
	return sync()
}
