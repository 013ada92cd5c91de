package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"gongkai/index"
	"gongkai/store"
)

func init() {
	commands["index"] = command{
		summary: "bring the search index up to date with the archive",
		usage: usageText("gongkai index [--data DIR] [--rebuild]",
			"Brings the search index (DIR/index/) up to date with the archive: indexes new reports",
			"and new versions, indexes again the reports whose findings changed, and removes the",
			"reports the archive no longer holds. ingest, crawl and reparse do this after they",
			"store; run it when one of them says it could not, or with --rebuild to index every",
			"report again into a new index, which replaces the old one once it is complete.",
			"",
			"An interrupted run leaves a usable index: the next run completes it.",
			"",
			"Exit status: 0 done; 1 the archive or the index could not be read or written.",
			"",
			"Flags:",
			dataFlagUsage,
			"  --rebuild    index every report again"),
		run: runIndex,
	}
}

func runIndex(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("index", flag.ContinueOnError)
	dataDir := dataFlag(fs)
	rebuild := fs.Bool("rebuild", false, "")
	if status, ok := parseFlags("index", fs, args, stdout, stderr); !ok {
		return status
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "gongkai index: unexpected argument %q\n", fs.Arg(0))
		return exitUsage
	}
	s, ok := openArchive("index", *dataDir, stderr)
	if !ok {
		return exitFailed
	}
	defer s.Close()
	ctx, cancel := interruptible()
	defer cancel()

	var progress func(done, total int)
	if isTerminal(stderr) {
		progress = func(done, total int) {
			fmt.Fprintf(stderr, "\r\x1b[2Kindexed %d of %d reports", done, total)
			if done == total {
				fmt.Fprintln(stderr)
			}
		}
	}
	start := time.Now()
	st, err := updateIndex(ctx, s, *dataDir, *rebuild, progress)
	if err != nil {
		fmt.Fprintf(stderr, "gongkai index: %v\n", err)
		return exitFailed
	}
	took := time.Since(start)
	fmt.Fprintf(stdout, "indexed %d new and %d changed reports, removed %d, %d unchanged: %d reports searchable (%.1f MB of text in %s)\n",
		st.Added, st.Updated, st.Removed, st.Unchanged, st.Added+st.Updated+st.Unchanged,
		float64(st.Bytes)/1e6, took.Round(10*time.Millisecond))
	return exitOK
}

// indexDir is the search index's folder inside the data folder.
func indexDir(dataDir string) string { return filepath.Join(dataDir, "index") }

// updateIndex brings the search index up to date with the archive; it builds the
// index anew when asked, or when an older gongkai made it.
func updateIndex(ctx context.Context, s *store.SQLite, dataDir string, rebuild bool, progress func(done, total int)) (index.SyncStats, error) {
	dir := indexDir(dataDir)
	if !rebuild {
		ix, err := index.Open(dir)
		if err == nil {
			defer ix.Close()
			ix.Progress = progress
			return ix.Sync(ctx, s)
		}
		if !errors.Is(err, index.ErrOutdated) {
			return index.SyncStats{}, err
		}
	}
	return index.Rebuild(ctx, dir, s, progress)
}

// syncIndex brings the search index up to date after a command stored reports. A
// failure is reported and leaves what was stored as it is: `gongkai index`
// catches the index up later.
func syncIndex(ctx context.Context, name string, s *store.SQLite, dataDir string, stderr io.Writer) {
	_, err := updateIndex(ctx, s, dataDir, false, nil)
	switch {
	case err == nil:
	case ctx.Err() != nil:
		fmt.Fprintf(stderr, "gongkai %s: interrupted before the search index was brought up to date; gongkai index --data %s does it\n", name, dataDir)
	default:
		fmt.Fprintf(stderr, "gongkai %s: the search index was not brought up to date (what was stored is kept; gongkai index --data %s updates it): %v\n", name, dataDir, err)
	}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
