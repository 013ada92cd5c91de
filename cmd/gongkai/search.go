package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"html"
	"io"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"gongkai/index"
	"gongkai/report"
)

func init() {
	commands["search"] = command{
		summary: "search the archived reports: Chinese full text, filters, facets",
		usage: usageText("gongkai search [--data DIR] [--database URL] [--year Y|Y1-Y2] [--region R] [--organ O] [--format F]\n"+
			"       [--failed-checks|--findings] [--sort relevance|date] [--limit N] [--page N] [--json] QUERY",
			"Searches the index (DIR/index/) of the archive's reports and prints the reports",
			"found, best first, with the passages that matched (【】 marks the words found) and",
			"how the matches spread over years, regions, departments and formats.",
			"",
			"QUERY (flags may come before or after it; after --, everything is QUERY):",
			"  行政复议 信访            reports with both (AND may be written)",
			"  \"不予公开\"              a phrase",
			"  行政复议 OR 行政诉讼     either; AND binds tighter than OR",
			"  信访 NOT 复议, 信访 -复议  without; +word requires a word",
			"  (复议 OR 诉讼) 纠正     grouping",
			"  year:2022 year:2020-2022 year:>=2021, region:株洲市 region:4302, organ:财政局,",
			"  department:教育局, format:2019, title:… body:… labels:…",
			"  failed:t3_balance (a report's own check), finding:copied_text (a finding across",
			"  reports: finding:timeliness, finding:carry_chain, finding:in_force_chain)",
			"Chinese words match as written (行政复议 does not find 行政…复议); a single",
			"character (县) matches wherever it stands.",
			"",
			"--json prints {\"total\", \"hits\": [{\"id\", \"title\", \"organ\", \"region\", \"year\",",
			"\"published\", \"score\", \"highlights\"}], \"facets\": {\"year\", \"region\", \"department\",",
			"\"format\"}}; id is the report's id in the archive; highlights are HTML with <mark>.",
			"",
			"Exit status: 0 done (also when nothing matched); 1 no index or archive; 2 usage error",
			"or a query that cannot be read (said in Chinese and English, with where it went wrong).",
			"",
			"Flags:",
			"  --data DIR           the data folder holding gongkai.db and index/ (default ./data)",
			"  --year Y|Y1-Y2       reports of a year or of a range of years",
			"  --region R           reports of a region: any part of its name (株洲市, 天元区 for",
			"                       株洲市天元区), or the beginning of its code (4302)",
			"  --organ O            reports of an organ: any part of its name",
			"  --format F           reports in a table format: 2021, 2019 or legacy",
			"  --failed-checks      reports whose own figures do not add up (a failed check)",
			"  --findings           reports with a finding across reports against them (late,",
			"                       copied text, a chain with last year's report broken)",
			"  --sort relevance|date  best match first (default), or newest first",
			"  --limit N            reports per page (default 20, at most "+strconv.Itoa(index.MaxLimit)+")",
			"  --page N             which page (default 1)",
			"  --json               print the result as JSON"),
		run: runSearch,
	}
}

// splitSearchArgs tells flags from QUERY words wherever they are: --name is a
// flag; -name only if there is such a flag, since -信访 is a word (NOT 信访).
func splitSearchArgs(fs *flag.FlagSet, args []string) (flags, words []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		f := fs.Lookup(name)
		switch {
		case a == "--":
			return flags, append(words, args[i+1:]...)
		case strings.HasPrefix(a, "--") || strings.HasPrefix(a, "-") && (f != nil || name == "h" || name == "help"):
			flags = append(flags, a)
			if f == nil || hasValue || i+1 == len(args) {
				continue
			}
			if b, ok := f.Value.(interface{ IsBoolFlag() bool }); !ok || !b.IsBoolFlag() {
				flags = append(flags, args[i+1]) // its value
				i++
			}
		default:
			words = append(words, a)
		}
	}
	return flags, words
}

var yearFlag = regexp.MustCompile(`^(\d{4})(?:\s*[-–]\s*(\d{4}))?$`)

func runSearch(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("search", flag.ContinueOnError)
	dataDir := dataFlag(fs)
	database := databaseFlag(fs)
	year := fs.String("year", "", "")
	var r index.Request
	fs.StringVar(&r.Region, "region", "", "")
	fs.StringVar(&r.Organ, "organ", "", "")
	fs.StringVar(&r.Format, "format", "", "")
	failedChecks := fs.Bool("failed-checks", false, "")
	findings := fs.Bool("findings", false, "")
	fs.StringVar(&r.Sort, "sort", "relevance", "")
	fs.IntVar(&r.Limit, "limit", 20, "")
	fs.IntVar(&r.Page, "page", 1, "")
	asJSON := fs.Bool("json", false, "")
	flags, words := splitSearchArgs(fs, args)
	if status, ok := parseFlags("search", fs, flags, stdout, stderr); !ok {
		return status
	}
	usageErr := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "gongkai search: "+format+"\n", a...)
		return exitUsage
	}
	r.Query = strings.Join(append(fs.Args(), words...), " ")
	if *year != "" {
		m := yearFlag.FindStringSubmatch(*year)
		if m == nil {
			return usageErr("--year %q: a year (2022) or a range (2020-2022)", *year)
		}
		r.YearFrom, _ = strconv.Atoi(m[1])
		r.YearTo = r.YearFrom
		if m[2] != "" {
			r.YearTo, _ = strconv.Atoi(m[2])
			r.YearFrom, r.YearTo = min(r.YearFrom, r.YearTo), max(r.YearFrom, r.YearTo)
		}
	}
	switch {
	case *failedChecks && *findings:
		return usageErr("--failed-checks or --findings, not both")
	case *failedChecks:
		r.FailedRules = strings.Join(report.CheckRules, " ")
	case *findings:
		r.FailedRules = strings.Join(report.FindingRules, " ")
	}
	switch {
	case r.Sort != "relevance" && r.Sort != "date":
		return usageErr("--sort %q: relevance or date", r.Sort)
	case r.Limit < 1 || r.Limit > index.MaxLimit:
		return usageErr("--limit %d: from 1 to %d", r.Limit, index.MaxLimit)
	case r.Page < 1:
		return usageErr("--page %d: from 1", r.Page)
	case strings.TrimSpace(r.Query) == "" && *year == "" && r.Region == "" && r.Organ == "" && r.Format == "" && r.FailedRules == "":
		fmt.Fprintln(stderr, commands["search"].usage)
		return exitUsage
	}

	s, ok := openArchive("search", *dataDir, *database, stderr)
	if !ok {
		return exitFailed
	}
	defer s.Close()
	ix, err := index.OpenReadOnly(indexDir(*dataDir))
	if errors.Is(err, index.ErrNoIndex) || errors.Is(err, index.ErrOutdated) {
		fmt.Fprintf(stderr, "gongkai search: %v: gongkai index --data %s makes it\n", err, *dataDir)
		return exitFailed
	}
	if err != nil {
		fmt.Fprintf(stderr, "gongkai search: %v\n", err)
		return exitFailed
	}
	defer ix.Close()
	ctx, cancel := interruptible()
	defer cancel()

	res, err := ix.Search(ctx, r)
	if syntax := (*index.SyntaxError)(nil); errors.As(err, &syntax) {
		at, atEn := "在查询末尾", "at the end of the query"
		if syntax.Near != "" {
			at, atEn = "在“"+syntax.Near+"”处", fmt.Sprintf("at %q", syntax.Near)
		}
		fmt.Fprintf(stderr, "gongkai search: 查询写法有误：%s（%s）\n  the query %q cannot be read: %s (%s)\n  (gongkai search --help shows the syntax)\n",
			syntax.Zh, at, syntax.Query, syntax.En, atEn)
		return exitUsage
	}
	if err != nil {
		fmt.Fprintf(stderr, "gongkai search: %v\n", err)
		if errors.Is(err, index.ErrBadQuery) {
			return exitUsage
		}
		return exitFailed
	}
	// An index not yet brought up to date may list a report the archive has
	// dropped since (reparse moved it): it is left out.
	ids := make([]int64, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	held, err := s.SearchHeld(ctx, ids)
	if err != nil {
		fmt.Fprintf(stderr, "gongkai search: %v\n", err)
		return exitFailed
	}
	kept := res.Hits[:0]
	for _, h := range res.Hits {
		if held[h.ID] {
			kept = append(kept, h)
		}
	}
	if gone := len(res.Hits) - len(kept); gone > 0 {
		res.Hits, res.Total = kept, res.Total-uint64(gone)
		fmt.Fprintf(stderr, "gongkai search: left out %d reports the archive no longer holds; gongkai index --data %s brings the index up to date\n", gone, *dataDir)
	}

	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(res); err != nil {
			fmt.Fprintf(stderr, "gongkai search: %v\n", err)
			return exitFailed
		}
		return exitOK
	}
	printResult(stdout, r, res)
	return exitOK
}

// terminalMarks shows a highlight on a terminal: marks as 【】, entities decoded.
var terminalMarks = strings.NewReplacer("<mark>", "【", "</mark>", "】")

func printResult(w io.Writer, r index.Request, res *index.Result) {
	pages := (res.Total + uint64(r.Limit) - 1) / uint64(r.Limit)
	order := "best match first"
	if r.Sort == "date" {
		order = "newest first"
	}
	fmt.Fprintf(w, "%d reports found", res.Total)
	if res.Total > 0 {
		fmt.Fprintf(w, " (page %d of %d, %s)", r.Page, max(pages, 1), order)
	}
	fmt.Fprintln(w)
	for i, h := range res.Hits {
		fmt.Fprintf(w, "\n%d. %s\n", (r.Page-1)*r.Limit+i+1, h.Title)
		meta := []string{"report " + strconv.FormatInt(h.ID, 10)}
		for _, m := range []string{h.Organ, h.Region} {
			if m != "" && !slices.Contains(meta, m) {
				meta = append(meta, m)
			}
		}
		if h.Year > 0 {
			meta = append(meta, strconv.Itoa(h.Year))
		}
		if h.Published != "" {
			meta = append(meta, "published "+h.Published)
		}
		meta = append(meta, fmt.Sprintf("score %.3g", h.Score))
		fmt.Fprintf(w, "   %s\n", strings.Join(meta, " · "))
		for _, hl := range h.Highlights {
			fmt.Fprintf(w, "   %s\n", html.UnescapeString(terminalMarks.Replace(hl)))
		}
	}
	if res.Total == 0 {
		return
	}
	fmt.Fprintln(w)
	for _, f := range []struct{ name, label string }{{"year", "Years"}, {"region", "Regions"}, {"department", "Departments"}, {"format", "Formats"}} {
		counts := res.Facets[f.name]
		if len(counts) == 0 {
			continue
		}
		values := make([]string, 0, len(counts))
		for v := range counts {
			values = append(values, v)
		}
		sort.Slice(values, func(i, j int) bool {
			a, b := values[i], values[j]
			if f.name == "year" {
				return a > b
			}
			if counts[a] != counts[b] {
				return counts[a] > counts[b]
			}
			return a < b
		})
		parts := make([]string, len(values))
		for i, v := range values {
			parts[i] = fmt.Sprintf("%s %d", v, counts[v])
		}
		fmt.Fprintf(w, "%-12s %s\n", f.label+":", strings.Join(parts, " · "))
	}
}
