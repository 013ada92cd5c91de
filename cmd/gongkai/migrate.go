package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"

	"gongkai/store"
	"gongkai/store/postgres"
)

func init() {
	commands["migrate"] = command{
		summary: "copy the data folder's SQLite archive into PostgreSQL",
		usage: usageText("gongkai migrate [--data DIR] --to URL",
			"Copies every row of DIR/gongkai.db (reports, versions, cells, checks, findings, raw",
			"bytes, WARC references, crawl state) into the PostgreSQL database URL names, which",
			"must hold no archive yet. The copy goes in chunks, each noted in the target: run the",
			"same command again after a kill and it goes on where it stopped. At the end it",
			"compares every table's rows and a SHA-256 of the exported records (export --format",
			"jsonl) on both sides, and exits with status 1 if they differ. The WARC folder is not",
			"copied: the other machines mount DIR/warc (README: Running on several machines).",
			"",
			"Flags:",
			"  --data DIR   the data folder holding gongkai.db (default ./data)",
			"  --to URL     the PostgreSQL database (postgres://user@host:port/dbname)"),
		run: runMigrate,
	}
}

func runMigrate(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	dataDir := dataFlag(fs)
	to := fs.String("to", "", "")
	if status, ok := parseFlags("migrate", fs, args, stdout, stderr); !ok {
		return status
	}
	if *to == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, commands["migrate"].usage)
		return exitUsage
	}
	if !postgres.IsDSN(*to) {
		fmt.Fprintf(stderr, "gongkai migrate: --to %q: not a PostgreSQL URL (postgres://user@host:port/dbname)\n", *to)
		return exitUsage
	}
	ctx, cancel := interruptible()
	defer cancel()
	src, err := store.OpenExisting(*dataDir)
	if err != nil {
		fmt.Fprintf(stderr, "gongkai migrate: %v\n", err)
		return exitFailed
	}
	defer src.Close()
	e, err := postgres.Open(ctx, *to, postgres.Options{})
	if err != nil {
		fmt.Fprintf(stderr, "gongkai migrate: %v\n", err)
		return exitFailed
	}
	dst, err := store.OpenEngine(ctx, e)
	if err != nil {
		fmt.Fprintf(stderr, "gongkai migrate: %v\n", err)
		return exitFailed
	}
	defer dst.Close()
	stats, err := postgres.Copy(ctx, src.Engine().DB(), e, nil)
	if err != nil {
		fmt.Fprintf(stderr, "gongkai migrate: %v (run it again to go on)\n", err)
		return exitFailed
	}
	status := exitOK
	for _, st := range stats {
		mark := "ok"
		if st.Source != st.Target {
			mark, status = "DIFFERS", exitFailed
		}
		fmt.Fprintf(stdout, "%-16s %9d rows in SQLite, %9d in PostgreSQL (%d copied now)  %s\n", st.Table, st.Source, st.Target, st.Copied, mark)
	}
	n1, sum1, err1 := recordsChecksum(ctx, src)
	n2, sum2, err2 := recordsChecksum(ctx, dst)
	if err1 != nil || err2 != nil {
		fmt.Fprintf(stderr, "gongkai migrate: exporting the records to compare them: %v %v\n", err1, err2)
		return exitFailed
	}
	if n1 != n2 || sum1 != sum2 {
		fmt.Fprintf(stdout, "records: %d in SQLite (sha256 %s), %d in PostgreSQL (sha256 %s): DIFFER\n", n1, sum1, n2, sum2)
		return exitFailed
	}
	fmt.Fprintf(stdout, "records: %d on both, sha256 %s on both\n", n1, sum1)
	return status
}

// recordsChecksum is the SHA-256 of the records as export --format jsonl writes them.
func recordsChecksum(ctx context.Context, s *store.DB) (int, string, error) {
	h := sha256.New()
	enc := json.NewEncoder(h)
	n := 0
	err := s.StoredRecords(ctx, store.Filter{}, true, func(r store.StoredRecord) error {
		n++
		return enc.Encode(r)
	})
	return n, hex.EncodeToString(h.Sum(nil)), err
}
