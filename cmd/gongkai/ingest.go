package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"gongkai/config"
	"gongkai/parse"
	"gongkai/store"
)

func init() {
	commands["ingest"] = command{
		summary: "parse report files and store them in the archive",
		usage: usageText("gongkai ingest [--data DIR] [--database URL] [--region R] [-v] PATH...",
			"Reads each PATH (a file, or a folder read recursively, hidden files skipped),",
			"parses it and stores the document, its raw bytes and its record in the archive",
			"(DIR/gongkai.db). Bytes already stored under the same path are not parsed again.",
			"",
			"Prints a summary: new (a report not seen before), changed (a new version of a",
			"stored report: the old one is kept), unchanged (nothing new, or the same report",
			"from another file), skipped (not an annual report) and failed; with -v one line",
			"per file. Failures are also named on standard error.",
			"",
			"A report whose own text names no region (a township's 米家务镇, a department's",
			"财政局) is placed in the region --region names: a GB/T 2260 name or code",
			"(湖南省株洲市天元区, 430211), as a portal's region is for a crawl.",
			"",
			"Exit status: 0 every file was stored or skipped; 1 some file failed; 2 usage error;",
			"4 every file was stored or skipped, but the search index could not be brought up",
			"to date (gongkai index does it later).",
			"",
			"Flags:",
			dataFlagUsage,
			"  --region R   the region the files were published for",
			"  -v           one line per file"),
		run: runIngest,
	}
}

// The data folder flag of every archive command.
const dataFlagUsage = "  --data DIR   the data folder holding gongkai.db (default ./data)\n" + databaseFlagUsage

// defaultDataDir is the data folder when --data is not given. The crawler issue's
// configuration file will supply it; until then it is ./data.
func defaultDataDir() string { return "data" }

func dataFlag(fs *flag.FlagSet) *string {
	return fs.String("data", defaultDataDir(), "")
}

// parseFlags parses a command's flags, printing its usage for --help.
func parseFlags(name string, fs *flag.FlagSet, args []string, stdout, stderr io.Writer) (status int, ok bool) {
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(stdout, commands[name].usage)
			return exitOK, false
		}
		fmt.Fprintf(stderr, "gongkai %s: %v\n", name, err)
		return exitUsage, false
	}
	return exitOK, true
}

// openArchive opens the archive of a command that reads it, which must exist.
func openArchive(name, dataDir, database string, stderr io.Writer) (*store.DB, bool) {
	s, err := openStore(context.Background(), dataDir, database, openExisting)
	if err != nil {
		fmt.Fprintf(stderr, "gongkai %s: %v\n", name, err)
		return nil, false
	}
	return s, true
}

// interruptible returns a context cancelled by Ctrl-C: the batch being written is
// then rolled back whole, and what was committed stays.
func interruptible() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt)
}

// ingestBatch is how many files one transaction stores: large enough for the
// archive's throughput, small enough that an interrupted ingest loses little.
var ingestBatch = 200

// fileResult is what ingesting one file came to.
type fileResult struct {
	path    string
	outcome store.Outcome
	detail  string      // reason for skipped or failed; organ and year otherwise
	item    *store.Item // to store, when the file was read and not known before
}

func runIngest(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("ingest", flag.ContinueOnError)
	dataDir := dataFlag(fs)
	database := databaseFlag(fs)
	verbose := fs.Bool("v", false, "")
	regionFlag := fs.String("region", "", "")
	if status, ok := parseFlags("ingest", fs, args, stdout, stderr); !ok {
		return status
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, commands["ingest"].usage)
		return exitUsage
	}
	region, err := (config.Portal{Region: *regionFlag}).RegionCode()
	if err != nil {
		fmt.Fprintf(stderr, "gongkai ingest: --region: %v\n", err)
		return exitUsage
	}
	s, err := openStore(context.Background(), *dataDir, *database, openCreate)
	if err != nil {
		fmt.Fprintf(stderr, "gongkai ingest: %v\n", err)
		return exitFailed
	}
	defer s.Close()
	ctx, cancel := interruptible()
	defer cancel()
	// What an ingest stored before it failed is indexed too.
	indexed := false
	defer func() {
		if !indexed {
			syncIndex(ctx, "ingest", s, *dataDir, stderr)
		}
	}()

	out := bufio.NewWriter(stdout)
	defer out.Flush()
	counts := map[store.Outcome]int{}
	report := func(r fileResult) {
		counts[r.outcome]++
		if r.outcome == store.OutcomeFailed {
			fmt.Fprintf(stderr, "gongkai ingest: %s: %s\n", r.path, r.detail)
		}
		if *verbose {
			fmt.Fprintln(out, ingestLine(r))
		}
	}
	var paths []string
	for _, root := range fs.Args() {
		found, err := listFiles(root, *dataDir)
		if err != nil {
			report(fileResult{path: root, outcome: store.OutcomeFailed, detail: err.Error()})
		}
		paths = append(paths, found...)
	}
	for start := 0; start < len(paths); start += ingestBatch {
		chunk := readAndParse(ctx, s, paths[start:min(start+ingestBatch, len(paths))], region)
		var items []store.Item
		for _, r := range chunk {
			if r.item != nil {
				items = append(items, *r.item)
			}
		}
		results, err := s.Ingest(ctx, items)
		if err != nil {
			out.Flush()
			fmt.Fprintf(stderr, "gongkai ingest: %v; the last %d files were not stored (run the same ingest again to store them)\n", err, len(chunk))
			return exitFailed
		}
		next := 0
		for _, r := range chunk {
			if r.item != nil {
				r = withResult(r, results[next])
				next++
			}
			report(r)
		}
		out.Flush()
	}
	out.Flush()
	searchable, note := syncIndex(ctx, "ingest", s, *dataDir, stderr)
	indexed = true
	summary := fmt.Sprintf("new %d, changed %d, unchanged %d, skipped %d (not reports), failed %d",
		counts[store.OutcomeNew], counts[store.OutcomeChanged], counts[store.OutcomeUnchanged]+counts[store.OutcomeNewSource],
		counts[store.OutcomeNotReport], counts[store.OutcomeFailed])
	if note != "" {
		summary += "; " + note
	}
	fmt.Fprintln(out, summary)
	switch {
	case counts[store.OutcomeFailed] > 0:
		return exitFailed
	case !searchable:
		return exitNotIndexed
	}
	return exitOK
}

// withResult completes a file's result with what the archive did with it.
func withResult(r fileResult, res store.Result) fileResult {
	switch {
	case res.Err != nil:
		r.outcome, r.detail = store.OutcomeFailed, res.Err.Error()
	case res.Outcome == store.OutcomeNotReport || res.Outcome == store.OutcomeFailed:
		r.outcome, r.detail = res.Outcome, r.item.Reason
	default:
		rec := r.item.Record
		r.outcome, r.detail = res.Outcome, organYear(rec.Organ, rec.Year)
		switch res.Outcome {
		case store.OutcomeChanged:
			r.detail += fmt.Sprintf(" (version %d)", res.Version)
		case store.OutcomeNewSource:
			r.detail += fmt.Sprintf(" (a new source of report %d version %d)", res.ReportID, res.Version)
		}
	}
	return r
}

func organYear(organ string, year int) string {
	if organ == "" {
		organ = "(no organ)"
	}
	if year == 0 {
		return organ + " (no year)"
	}
	return organ + " " + strconv.Itoa(year)
}

// ingestLine is a file's line under -v.
func ingestLine(r fileResult) string {
	switch r.outcome {
	case store.OutcomeNotReport:
		return "skipped    " + r.path + ": " + r.detail
	case store.OutcomeFailed:
		return "failed     " + r.path + ": " + r.detail
	case store.OutcomeNewSource:
		return fmt.Sprintf("%-10s %s  %s", store.OutcomeUnchanged, r.path, r.detail)
	}
	return fmt.Sprintf("%-10s %s  %s", r.outcome, r.path, r.detail)
}

// listFiles returns the file at root, or the files under the folder root in
// lexical order, skipping hidden files and folders and the archive's data folder.
func listFiles(root, dataDir string) ([]string, error) {
	info, err := os.Stat(root)
	if err != nil {
		return nil, err
	}
	if !info.IsDir() {
		return []string{root}, nil
	}
	data, _ := os.Stat(dataDir)
	var files []string
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		hidden := strings.HasPrefix(d.Name(), ".") && path != root
		switch {
		case d.IsDir() && (hidden || isSameDir(d, data)):
			return filepath.SkipDir
		case hidden || d.IsDir() || !d.Type().IsRegular():
			return nil
		}
		files = append(files, path)
		return nil
	})
	return files, err
}

func isSameDir(d fs.DirEntry, dir os.FileInfo) bool {
	if dir == nil {
		return false
	}
	info, err := d.Info()
	return err == nil && os.SameFile(info, dir)
}

// readAndParse reads, fingerprints and parses files on every core, keeping their
// order. A file whose bytes the archive holds under the same path is not parsed
// again (unless it was not a report for an older parser).
func readAndParse(ctx context.Context, s store.Store, paths []string, region string) []fileResult {
	results := make([]fileResult, len(paths))
	next := make(chan int, len(paths))
	for i := range paths {
		next <- i
	}
	close(next)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(paths)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i] = readAndParseOne(ctx, s, paths[i], region)
			}
		}()
	}
	wg.Wait()
	return results
}

func readAndParseOne(ctx context.Context, s store.Store, path, region string) fileResult {
	failed := func(detail string) fileResult {
		return fileResult{path: path, outcome: store.OutcomeFailed, detail: detail}
	}
	if info, err := os.Stat(path); err != nil {
		return failed(err.Error())
	} else if info.Size() > parse.MaxDocument {
		return failed(fmt.Sprintf("too large (%d MB; a report document has at most %d MB)", info.Size()>>20, parse.MaxDocument>>20))
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return failed(err.Error())
	}
	sum := sha256.Sum256(data)
	digest := hex.EncodeToString(sum[:])
	known, err := s.Known(ctx, path, digest)
	if err != nil {
		return failed(err.Error())
	}
	if known.Found && (known.Status == store.StatusReport || known.ParserVersion == parse.Version) {
		switch known.Status {
		case store.StatusReport:
			return fileResult{path: path, outcome: store.OutcomeUnchanged, detail: organYear(known.Organ, known.Year)}
		case store.StatusNotReport:
			return fileResult{path: path, outcome: store.OutcomeNotReport, detail: known.Reason}
		default:
			return failed(known.Reason)
		}
	}
	item := &store.Item{
		Doc:           store.Document{URI: path, SHA256: digest, Size: int64(len(data)), FetchedAt: time.Now(), Bytes: data, Region: region},
		ParserVersion: parse.Version,
	}
	item.Record, err = parse.Parse(parse.Input{Name: path, Data: data})
	if err != nil {
		item.NotReport, item.Reason, item.Unread = parse.IsNotReport(err), reason(err, path), parse.WhyUnread(err)
	}
	return fileResult{path: path, item: item}
}

// reason is a parser error without the file name it starts with (the line names it).
func reason(err error, path string) string {
	msg := err.Error()
	if rest, ok := strings.CutPrefix(msg, path+": "); ok {
		return rest
	}
	return msg
}
