package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"

	"gongkai/archive"
	"gongkai/parse"
	"gongkai/report"
	"gongkai/store"
)

func init() {
	commands["reparse"] = command{
		summary: "re-derive every stored record with the current parser",
		usage: usageText("gongkai reparse [--data DIR] [--database URL] [-v]",
			"Parses again, from the raw bytes kept in the archive and without the network,",
			"every stored report version and every document that was not a report or failed,",
			"with this gongkai's parser ("+parse.Version+"). A version is updated in place (cells,",
			"checks, metadata, parser version) and the findings around it are recomputed.",
			"",
			"A version the parser now rejects is kept as it was and counted as failed. A",
			"version whose organ or year now reads differently moves to that report. A",
			"document whose raw bytes are in a WARC file this build cannot read is counted",
			"as unavailable.",
			"",
			"Exit status: 0 done; 1 some version could not be re-derived, or the archive",
			"could not be read; 4 done, but the search index could not be brought up to date.",
			"",
			"Flags:",
			dataFlagUsage,
			"  -v           one line per document that changed, moved, failed or was unavailable"),
		run: runReparse,
	}
}

// currentParser is the parser reparse re-derives records with.
var currentParser = store.Parser{
	Version: parse.Version,
	Parse: func(doc store.Document, data []byte) (*report.Record, error) {
		return parse.Parse(parse.Input{Name: doc.URI, Data: data, ContentType: doc.MediaType})
	},
	NotReport: parse.IsNotReport,
	Unread:    parse.WhyUnread,
}

func runReparse(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("reparse", flag.ContinueOnError)
	dataDir := dataFlag(fs)
	database := databaseFlag(fs)
	verbose := fs.Bool("v", false, "")
	if status, ok := parseFlags("reparse", fs, args, stdout, stderr); !ok {
		return status
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "gongkai reparse: unexpected argument %q\n", fs.Arg(0))
		return exitUsage
	}
	s, ok := openArchive("reparse", *dataDir, *database, stderr)
	if !ok {
		return exitFailed
	}
	defer s.Close()
	ctx, cancel := interruptible()
	defer cancel()
	// What a reparse stored before it failed is indexed too.
	indexed := false
	defer func() {
		if !indexed {
			syncIndex(ctx, "reparse", s, *dataDir, stderr)
		}
	}()

	opts := store.ReparseOptions{Parser: currentParser, LoadWARC: warcLoader(*dataDir)}
	if *verbose {
		opts.Progress = func(e store.ReparseEvent) {
			line := fmt.Sprintf("%-12s %s", e.What, e.URI)
			if e.ReportID != 0 {
				line += fmt.Sprintf("  report %d", e.ReportID)
			}
			if e.Detail != "" {
				line += ": " + e.Detail
			}
			fmt.Fprintln(stdout, line)
		}
	}
	st, err := s.Reparse(ctx, opts)
	if err != nil {
		fmt.Fprintf(stderr, "gongkai reparse: %v\n", err)
		return exitFailed
	}
	fmt.Fprintf(stdout, "reparsed %d versions with parser %s: changed %d (%d figures changed, %d moved to another report), unchanged %d, failed %d (kept as before)\n",
		st.Versions, parse.Version, st.Changed, st.CellsChanged, st.Moved, st.Unchanged, st.Failed)
	searchable, note := syncIndex(ctx, "reparse", s, *dataDir, stderr)
	indexed = true
	if note != "" {
		note = "; " + note
	}
	fmt.Fprintf(stdout, "retried %d documents that were not reports: %d are reports now; raw bytes not available for %d%s\n",
		st.Retried, st.NowReports, st.Unavailable, note)
	switch {
	case st.Failed > 0:
		return exitFailed
	case !searchable:
		return exitNotIndexed
	}
	return exitOK
}

// warcLoader reads a document's raw bytes from the data folder's WARC files.
func warcLoader(dataDir string) store.Loader {
	dir := filepath.Join(dataDir, "warc")
	return func(_ context.Context, loc store.Location) ([]byte, error) {
		p, err := archive.Read(dir, loc.WARCFile, loc.Offset, parse.MaxDocument)
		if err != nil {
			return nil, err
		}
		return p.Body, nil
	}
}
