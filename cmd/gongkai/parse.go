package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"gongkai/parse"
	"gongkai/report"
)

func init() {
	commands["parse"] = command{
		summary: "read report files and print their records",
		usage: usageText("gongkai parse [--json] FILE...",
			"Reads each FILE (an HTML page or a text rendering of a report; - reads standard input)",
			"and prints a summary: metadata, the three statistical tables as printed, and the",
			"checks, failed ones marked. With --json it prints one canonical record per report,",
			"one per line (JSON Lines), keys as in the report schema.",
			"",
			"A file that is not an annual report (a notice, a guide, a work plan) is named on",
			"standard error and yields no record.",
			"",
			"Exit status: 0 every file is a report and was read; 3 some file is not a report;",
			"1 some file could not be read; 2 usage error.",
			"",
			"Flags:",
			"  --json   print JSON Lines instead of the summary"),
		run: runParse,
	}
}

func runParse(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("parse", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	asJSON := fs.Bool("json", false, "")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			fmt.Fprintln(stdout, commands["parse"].usage)
			return exitOK
		}
		fmt.Fprintf(stderr, "gongkai parse: %v\n", err)
		return exitUsage
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, commands["parse"].usage)
		return exitUsage
	}
	out := bufio.NewWriter(stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	status := exitOK
	for i, name := range fs.Args() {
		data, err := readInput(name)
		if err != nil {
			fmt.Fprintf(stderr, "gongkai parse: %v\n", err)
			status = exitFailed
			continue
		}
		rec, err := parse.Parse(parse.Input{Name: name, Data: data})
		switch {
		case parse.IsNotReport(err):
			fmt.Fprintf(stderr, "gongkai parse: %v\n", err)
			if status == exitOK {
				status = exitNotReport
			}
			continue
		case err != nil:
			fmt.Fprintf(stderr, "gongkai parse: %v\n", err)
			status = exitFailed
			continue
		}
		if *asJSON {
			if err := enc.Encode(rec); err != nil {
				fmt.Fprintf(stderr, "gongkai parse: %s: %v\n", name, err)
				return exitFailed
			}
			continue
		}
		if i > 0 {
			fmt.Fprintln(out)
		}
		if err := report.WriteSummary(out, rec); err != nil {
			fmt.Fprintf(stderr, "gongkai parse: %v\n", err)
			return exitFailed
		}
	}
	return status
}

// readInput reads a file (or standard input for "-"), reading no more than a
// report document may hold so that a huge file cannot exhaust memory.
func readInput(name string) ([]byte, error) {
	var r io.Reader
	var buf bytes.Buffer
	if name == "-" {
		r = os.Stdin
	} else {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		if st, err := f.Stat(); err == nil && st.IsDir() {
			return nil, fmt.Errorf("%s: is a folder, not a file", name)
		} else if err == nil {
			buf.Grow(int(min(st.Size(), parse.MaxDocument) + 1)) // read in one go
		}
		r = f
	}
	if _, err := buf.ReadFrom(io.LimitReader(r, parse.MaxDocument+1)); err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	return buf.Bytes(), nil
}
