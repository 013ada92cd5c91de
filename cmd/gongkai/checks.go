package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"golang.org/x/text/width"

	"gongkai/report"
	"gongkai/store"
)

func init() {
	commands["checks"] = command{
		summary: "list the check results and findings across the archive",
		usage: usageText("gongkai checks [--failed] [--rule PREFIX] [--year Y] [--region R] [--json] [--data DIR] [--database URL]",
			"Lists, for the latest version of every report, the accounting identities of the",
			"report (t3_balance, t3_row_total, t3_outcomes, t4_sum) and the findings across",
			"reports: carry_chain (上年结转 = last year's 结转下年度), in_force_chain (现行有效 =",
			"last year's + 制发 − 废止), timeliness (by the deadline of the 条例 in force for",
			"the year), copied_text (the share of the body's own prose found word for word in",
			"the organ's previous report, or in another organ's report of the year; ✗ from 80%).",
			"",
			"✗ marks an identity that does not hold, or a finding that holds against the",
			"report (late, copied, chain broken). A failed check is a finding, not an error:",
			"the exit status is 0. The detail names the rows and columns as the format prints",
			"them (一、本年新收政府信息公开申请数量, 自然人); --json gives it as detail_labelled",
			"beside detail, which keeps the spec's keys (new_received, natural_person).",
			"",
			"Flags:",
			"  --failed       only ✗ lines",
			"  --rule PREFIX  only rules that begin with PREFIX (carry_chain, t3_balance:total)",
			"  --year Y       reports of year Y only",
			"  --region R     reports whose region (or, for digits, region code) begins with R",
			"  --json         one JSON object per line",
			dataFlagUsage),
		run: runChecks,
	}
}

func runChecks(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("checks", flag.ContinueOnError)
	dataDir := dataFlag(fs)
	database := databaseFlag(fs)
	failed := fs.Bool("failed", false, "")
	rule := fs.String("rule", "", "")
	year := fs.Int("year", 0, "")
	region := fs.String("region", "", "")
	asJSON := fs.Bool("json", false, "")
	if status, ok := parseFlags("checks", fs, args, stdout, stderr); !ok {
		return status
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "gongkai checks: unexpected argument %q\n", fs.Arg(0))
		return exitUsage
	}
	s, ok := openArchive("checks", *dataDir, *database, stderr)
	if !ok {
		return exitFailed
	}
	defer s.Close()
	ctx, cancel := interruptible()
	defer cancel()

	out := bufio.NewWriter(stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	total, notOK := 0, 0
	err := s.Checks(ctx, store.Filter{Year: *year, Region: *region, Failed: *failed, Rule: *rule}, func(c store.CheckRow) error {
		total++
		if !c.OK {
			notOK++
		}
		if *asJSON {
			return enc.Encode(checkJSON{c.ReportID, c.Organ, c.Region, c.Year, c.Scope, c.Rule, c.OK, c.Detail, report.LabelledDetail(c.Rule, c.Detail), c.Cells, c.OtherReportID, c.Share})
		}
		if total == 1 {
			fmt.Fprintln(out, checkLine("report", "organ", "year", "rule", " ", "detail"))
		}
		mark := "✓"
		if !c.OK {
			mark = "✗"
		}
		yearText := ""
		if c.Year != 0 {
			yearText = strconv.Itoa(c.Year)
		}
		organ := c.Organ
		if organ == "" {
			organ = "(no organ)"
		}
		// The detail names rows and columns as the format prints them; --json keeps the keys too.
		_, err := fmt.Fprintln(out, checkLine(strconv.FormatInt(c.ReportID, 10), organ, yearText, c.Rule, mark, report.LabelledDetail(c.Rule, c.Detail)))
		return err
	})
	if err != nil {
		out.Flush()
		fmt.Fprintf(stderr, "gongkai checks: %v\n", err)
		return exitFailed
	}
	if !*asJSON {
		fmt.Fprintf(out, "%d checks, %d ✗\n", total, notOK)
	}
	return exitOK
}

// checkJSON is a check result as --json prints it.
type checkJSON struct {
	ReportID int64  `json:"report_id"`
	Organ    string `json:"organ,omitempty"`
	Region   string `json:"region,omitempty"`
	Year     int    `json:"year,omitempty"`
	Scope    string `json:"scope"`
	Rule     string `json:"rule"`
	OK       bool   `json:"ok"`
	Detail   string `json:"detail"`
	// DetailLabelled is the detail with its keys written as the format prints
	// the rows and columns (report.LabelledDetail).
	DetailLabelled string   `json:"detail_labelled"`
	Cells          []string `json:"cells,omitempty"`
	OtherReportID  int64    `json:"other_report_id,omitempty"`
	// Share is copied_text's share of the body found in the other report.
	Share *float64 `json:"share,omitempty"`
}

func checkLine(id, organ, year, rule, mark, detail string) string {
	return padRight(id, 7) + padRight(organ, 26) + padRight(year, 6) + padRight(rule, 34) + mark + " " + detail
}

// padRight pads s with spaces to n terminal columns, counting a Chinese character
// as two.
func padRight(s string, n int) string {
	w := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			w += 2
		default:
			w++
		}
	}
	if w >= n {
		return s + " "
	}
	return s + strings.Repeat(" ", n-w)
}
