package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"time"

	"gongkai/index"
	"gongkai/internal/lockfile"
	"gongkai/parse"
	"gongkai/store"
)

func init() {
	commands["index"] = command{
		summary: "bring the search index up to date with the archive",
		usage: usageText("gongkai index [--data DIR] [--database URL] [--rebuild]",
			"Brings the search index (DIR/index/) up to date with the archive: indexes new reports",
			"and new versions, indexes again the reports whose findings changed, and removes the",
			"reports the archive no longer holds. ingest, crawl and reparse do this after they",
			"store; run it when one of them says it could not, or with --rebuild to index every",
			"report again into a new index, which replaces the old one once it is complete.",
			"",
			"It shows how far it is and about how long it has left. An interrupted run (Ctrl-C)",
			"leaves a usable index: the next run completes it; an interrupted --rebuild keeps",
			"the new index it was making (DIR/index.new) beside the old one, which still serves,",
			"and the next --rebuild goes on from there.",
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
	database := databaseFlag(fs)
	rebuild := fs.Bool("rebuild", false, "")
	if status, ok := parseFlags("index", fs, args, stdout, stderr); !ok {
		return status
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "gongkai index: unexpected argument %q\n", fs.Arg(0))
		return exitUsage
	}
	s, ok := openArchive("index", *dataDir, *database, stderr)
	if !ok {
		return exitFailed
	}
	defer s.Close()
	ctx, cancel := interruptible()
	defer cancel()

	if server, ok := indexKeeper(*dataDir); ok {
		if *rebuild {
			fmt.Fprintf(stderr, "gongkai index: the search index is held by gongkai serve (%s); stop it to rebuild the index\n", server)
			return exitFailed
		}
		fmt.Fprintln(stdout, keptBy(server))
		return exitOK
	}
	start := time.Now()
	p := &progress{w: stderr, terminal: isTerminal(stderr), start: start, every: 30 * time.Second}
	st, err := updateIndex(ctx, s, *dataDir, *rebuild, p.report)
	p.end()
	switch {
	case err != nil && ctx.Err() != nil && *rebuild:
		fmt.Fprintf(stderr, "gongkai index: interrupted with %d of %d reports in the new index (%s.new); the old index still serves; gongkai index --rebuild --data %s goes on from there\n",
			p.done, p.total, indexDir(*dataDir), *dataDir)
		return exitFailed
	case err != nil && ctx.Err() != nil:
		fmt.Fprintf(stderr, "gongkai index: interrupted with %d of %d reports indexed; gongkai index --data %s completes it\n", p.done, p.total, *dataDir)
		return exitFailed
	case err != nil:
		fmt.Fprintf(stderr, "gongkai index: %v\n", err)
		return exitFailed
	}
	took := time.Since(start)
	fmt.Fprintf(stdout, "indexed %d new and %d changed reports, removed %d, %d unchanged: %d reports searchable (%.1f MB of text in %s)\n",
		st.Added, st.Updated, st.Removed, st.Unchanged, st.Added+st.Updated+st.Unchanged,
		float64(st.Bytes)/1e6, took.Round(10*time.Millisecond))
	return exitOK
}

// progress shows how far an index run is and about how long it has left: on a
// terminal in one line kept up to date, elsewhere (a log) a line every so often.
type progress struct {
	w           io.Writer
	terminal    bool
	start       time.Time
	every       time.Duration // between lines in a log
	last        time.Time
	done, total int
}

func (p *progress) report(done, total int) {
	p.done, p.total = done, total
	now := time.Now()
	if p.terminal && now.Sub(p.last) < 200*time.Millisecond && done < total || !p.terminal && now.Sub(p.last) < p.every {
		return
	}
	if p.last.IsZero() && !p.terminal {
		p.last = now // the first line of a log after a while, so short runs print none
		return
	}
	p.last = now
	line := fmt.Sprintf("indexed %d of %d reports (%.0f%%)", done, total, 100*float64(done)/float64(max(total, 1)))
	if took := now.Sub(p.start); done > 0 && took > time.Second {
		rate := float64(done) / took.Seconds()
		line += fmt.Sprintf(", %.0f reports/s", rate)
		if left := time.Duration(float64(total-done) / rate * float64(time.Second)); done < total {
			line += ", about " + left.Round(time.Second).String() + " left"
		}
	}
	if p.terminal {
		fmt.Fprintf(p.w, "\r\x1b[2K%s", line)
	} else {
		fmt.Fprintln(p.w, line)
	}
}

// end ends the terminal's progress line.
func (p *progress) end() {
	if p.terminal && !p.last.IsZero() {
		fmt.Fprintln(p.w)
	}
}

// indexDir is the search index's folder inside the data folder.
func indexDir(dataDir string) string { return filepath.Join(dataDir, "index") }

// updateIndex brings the search index up to date with the archive; it builds the
// index anew when asked, or when an older gongkai made it.
func updateIndex(ctx context.Context, s *store.DB, dataDir string, rebuild bool, progress func(done, total int)) (index.SyncStats, error) {
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

// syncIndex brings the search index up to date after a command stored reports,
// and says whether what was stored is searchable: updated here, or the index is
// held by a gongkai serve that brings it up to date itself. Otherwise it says why
// not on stderr (what was stored is kept: `gongkai index` catches the index up
// later). note is what the command's summary adds, "" when the index was updated.
func syncIndex(ctx context.Context, name string, s *store.DB, dataDir string, stderr io.Writer) (searchable bool, note string) {
	if server, ok := indexKeeper(dataDir); ok {
		return true, keptBy(server)
	}
	// The update runs under a soft memory limit: the garbage collector then
	// returns what the stage before it left behind (a crawl's frontier and
	// pages) instead of letting the heap grow with bleve's batches, and the
	// text index writes smaller segments, which keeps a nightly crawl of 10,000
	// pages well under 300 MB (BENCHMARKS.md) for a few per cent more time.
	defer underMemoryLimit()()
	// The stage has read its documents: its PDF reader's compiled module and
	// memory go back before the index takes its own.
	parse.ReleasePDFium()
	_, err := updateIndex(ctx, s, dataDir, false, nil)
	switch {
	case err == nil:
		return true, ""
	case ctx.Err() != nil:
		fmt.Fprintf(stderr, "gongkai %s: interrupted before the search index was brought up to date; gongkai index --data %s does it\n", name, dataDir)
		return false, "the search index was not brought up to date (interrupted)"
	}
	fmt.Fprintf(stderr, "gongkai %s: the search index was not brought up to date (what was stored is kept; gongkai index --data %s updates it): %v\n", name, dataDir, err)
	return false, "the search index was not brought up to date: what was stored is not searchable yet"
}

// stageMemoryLimit is the soft memory limit of a crawl and of the index
// update after a stage (GOMEMLIMIT overrides it).
const stageMemoryLimit = 128 << 20

// underMemoryLimit sets the soft memory limit of a stage, unless GOMEMLIMIT
// sets one, and returns what sets the one before again.
func underMemoryLimit() func() {
	if os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	before := debug.SetMemoryLimit(stageMemoryLimit)
	return func() { debug.SetMemoryLimit(before) }
}

// keptBy says that a server keeps the index up to date.
func keptBy(server lockfile.Holder) string {
	return fmt.Sprintf("the search index is kept up to date by gongkai serve (%s), which indexes what is stored within %s", server, serverSyncEvery)
}

// indexKeeper returns the gongkai serve that keeps the data folder's search index
// up to date, if one runs.
func indexKeeper(dataDir string) (lockfile.Holder, bool) {
	return lockfile.Holding(filepath.Join(dataDir, serveLockName))
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
