package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"

	"gongkai/internal/csvfile"
	"gongkai/report"
	"gongkai/store"
)

func init() {
	commands["export"] = command{
		summary: "write the archive's records, cells or checks as JSON Lines or CSV",
		usage: usageText("gongkai export --format csv|jsonl [--table 2|3|4|checks] [--wide] [--year Y] [--region R] [--no-bom] [--no-findings] [--data DIR] [--database URL]",
			"Writes the latest version of every report the filters select to standard output.",
			"",
			"jsonl: one canonical record per report and line, keys as in the report schema",
			"(source is where the version was first found), led by report_id, version,",
			"version_id, organ_key and region_code, which join it to the views and to",
			"/reports/{id}; the findings across reports (carry_chain, in_force_chain,",
			"timeliness, copied_text) follow the record's own checks unless --no-findings,",
			"which prints the record's keys exactly as parse --json did.",
			"",
			"csv: UTF-8 with a byte order mark so that Excel shows Chinese (--no-bom drops it).",
			"Long form by default, one row per printed cell: report_id, organ, region,",
			"region_code, department, year, table, row, column, value, raw, kind, unit",
			"(value is empty where the report prints no number: kind blank, dash or text).",
			"--table 2, 3 or 4 keeps one table; --wide (table 3 unless --table says otherwise)",
			"gives one row per report and row, one column per printed column, as the views t2,",
			"t3 and t4; --table checks gives the checks view (the checks and the findings) and a",
			"last column, detail_labelled: the detail naming rows and columns as the format prints them.",
			"",
			"Flags:",
			"  --format F     csv or jsonl",
			"  --table T      2, 3, 4 or checks",
			"  --wide         one column per printed column (csv)",
			"  --year Y       reports of year Y only",
			"  --region R     reports whose region begins with R (株洲市), or whose region code",
			"                 begins with R when R is digits (4302)",
			"  --no-bom       no byte order mark before the CSV",
			"  --no-findings  jsonl: the records' own checks only",
			dataFlagUsage),
		run: runExport,
	}
}

// csvHeaders renames the cells view's columns for the CSV: SQL needs tbl, row_key
// and col_key, a spreadsheet reads better with table, row and column.
var csvHeaders = map[string]string{"tbl": "table", "row_key": "row", "col_key": "column"}

func runExport(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	dataDir := dataFlag(fs)
	database := databaseFlag(fs)
	format := fs.String("format", "", "")
	table := fs.String("table", "", "")
	wide := fs.Bool("wide", false, "")
	year := fs.Int("year", 0, "")
	region := fs.String("region", "", "")
	noBOM := fs.Bool("no-bom", false, "")
	noFindings := fs.Bool("no-findings", false, "")
	if status, ok := parseFlags("export", fs, args, stdout, stderr); !ok {
		return status
	}
	usageError := func(msg string) int {
		fmt.Fprintf(stderr, "gongkai export: %s (gongkai export --help)\n", msg)
		return exitUsage
	}
	if fs.NArg() > 0 {
		return usageError("unexpected argument " + strconv.Quote(fs.Arg(0)))
	}
	filter := store.Filter{Year: *year, Region: *region}
	view := ""
	switch *format {
	case "jsonl":
		if *table != "" || *wide || *noBOM {
			return usageError("--table, --wide and --no-bom are for --format csv")
		}
	case "csv":
		switch {
		case *table == "checks" && !*wide:
			view = "checks"
		case *table == "2" || *table == "3" || *table == "4":
			view, filter.Table = "cells", "table"+*table
		case *table == "" && !*wide:
			view = "cells"
		case *table == "" && *wide:
			*table = "3"
		default:
			return usageError("--table is 2, 3, 4 or checks (and --wide does not apply to checks)")
		}
		if *wide {
			view = "t" + *table
		}
	default:
		return usageError("--format csv or --format jsonl is needed")
	}
	s, ok := openArchive("export", *dataDir, *database, stderr)
	if !ok {
		return exitFailed
	}
	defer s.Close()
	ctx, cancel := interruptible()
	defer cancel()

	out := bufio.NewWriterSize(stdout, 1<<16)
	var err error
	if *format == "jsonl" {
		enc := json.NewEncoder(out)
		enc.SetEscapeHTML(false)
		err = s.StoredRecords(ctx, filter, !*noFindings, func(sr store.StoredRecord) error { return enc.Encode(sr) })
	} else {
		w, _ := csvfile.NewWriter(out, !*noBOM) // out is buffered: its Flush reports a failed write
		headerDone := false
		row := []string{}
		// The checks get a last column, detail_labelled: the detail with the
		// format's row and column names for the keys.
		ruleCol, detailCol := -1, -1
		err = s.Table(ctx, view, filter, func(header []string, vals []any) error {
			if !headerDone {
				names := make([]string, len(header))
				for i, h := range header {
					names[i] = h
					if view == "cells" && csvHeaders[h] != "" {
						names[i] = csvHeaders[h]
					}
				}
				if view == "checks" {
					ruleCol, detailCol = slices.Index(header, "rule"), slices.Index(header, "detail")
					names = append(names, "detail_labelled")
				}
				if err := w.Write(names); err != nil {
					return err
				}
				headerDone = true
			}
			row = row[:0]
			for _, v := range vals {
				row = append(row, csvValue(v))
			}
			if ruleCol >= 0 && detailCol >= 0 {
				row = append(row, report.LabelledDetail(row[ruleCol], row[detailCol]))
			}
			return w.Write(row)
		})
		if ferr := w.Flush(); err == nil {
			err = ferr
		}
	}
	if ferr := out.Flush(); err == nil {
		err = ferr
	}
	if err != nil {
		fmt.Fprintf(stderr, "gongkai export: %v\n", err)
		return exitFailed
	}
	return exitOK
}

// csvValue writes a database value as a spreadsheet reads it: NULL as an empty
// cell, numbers in plain decimal (12.36, not 1.236e+01).
func csvValue(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case []byte:
		return string(x)
	case string:
		return x
	case bool:
		if x {
			return "1"
		}
		return "0"
	}
	return fmt.Sprint(v)
}
