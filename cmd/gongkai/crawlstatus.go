package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"gongkai/crawl"
	"gongkai/crawl/redisfrontier"
	"gongkai/internal/textfmt"
	"gongkai/store"
)

// printCrawlStatus shows the last runs per portal: pages, reports new, changed
// and gone, each outcome's count, and for a portal that yielded no report the
// path the crawl took and where it stopped. With a shared frontier (its Redis
// URL), a run still going shows what each of its workers is doing.
func printCrawlStatus(ctx context.Context, w io.Writer, st *store.DB, runs int, frontier string) error {
	list, err := st.CrawlRuns(ctx, runs)
	if err != nil {
		return err
	}
	if len(list) == 0 {
		fmt.Fprintln(w, "no crawl has run on this data folder yet")
		return nil
	}
	for _, r := range list {
		var stats crawl.Stats
		if r.Stats != "" {
			json.Unmarshal([]byte(r.Stats), &stats)
		}
		when := r.Started.Local().Format("2006-01-02 15:04")
		took := ""
		if !r.Ended.IsZero() {
			took = fmt.Sprintf(", took %s", r.Ended.Sub(r.Started))
		}
		fmt.Fprintf(w, "run %d, %s, %s%s\n", r.ID, when, r.Status, took)
		if frontier != "" && r.Status == "running" {
			printLiveWorkers(ctx, w, frontier, r.ID)
		}
		if len(stats.Workers) > 0 {
			printWorkers(w, stats.Workers)
		}
		portals := make([]string, 0, len(r.Outcomes))
		for p := range r.Outcomes {
			portals = append(portals, p)
		}
		sort.Strings(portals)
		for _, p := range portals {
			counts := crawl.OutcomeCounts{}
			for o, n := range r.Outcomes[p] {
				counts[crawl.Outcome(o)] = n
			}
			ps := stats.Portals[p]
			fmt.Fprintf(w, "  %s: pages %d, reports new %d, changed %d, gone %d", p, ps.Fetched, ps.ReportsNew, ps.ReportsChanged, ps.Gone)
			if ps.Lost > 0 {
				fmt.Fprintf(w, ", lost %d", ps.Lost)
			}
			if ps.Rendered > 0 {
				// Its pages count the requests of the rendered pages' scripts.
				fmt.Fprintf(w, ", rendered in Chromium %d", ps.Rendered)
			}
			fmt.Fprintf(w, "\n    outcomes: %s\n", counts)
			if counts[crawl.OutcomeReport] > 0 || counts[crawl.OutcomeUnchanged] > 0 {
				continue
			}
			if err := printPath(ctx, w, st, r.ID, p); err != nil {
				return err
			}
		}
	}
	return nil
}

// printPath shows how a crawl that found no report went: the list pages it read
// and the URLs where it ended without content.
func printPath(ctx context.Context, w io.Writer, st *store.DB, runID int64, portal string) error {
	const shown = 12
	lists, stops, err := st.CrawlPath(ctx, runID, portal, shown)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "    no report; the path the crawl took:")
	for _, l := range lists {
		how := ""
		if l.Via != "" {
			how = " [" + l.Via + "]"
		}
		fmt.Fprintf(w, "      %s%s%s\n", strings.Repeat("  ", min(l.Depth, 6)), l.URL, how)
	}
	if len(lists) == 0 {
		fmt.Fprintln(w, "      (no list page was read)")
	}
	if len(stops) == 0 {
		fmt.Fprintln(w, "    it ended there: no page it read linked a report")
	} else {
		fmt.Fprintln(w, "    where it stopped:")
	}
	for _, s := range stops {
		fmt.Fprintf(w, "      %s: %s %s\n", s.URL, s.Outcome, s.Detail)
	}
	return nil
}

// printLiveWorkers shows what Redis holds of a running run: each worker's
// process, lease, hosts in flight and last URL.
func printLiveWorkers(ctx context.Context, w io.Writer, frontier string, runID int64) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	rs, err := redisfrontier.Status(ctx, frontier, runID)
	if err != nil {
		fmt.Fprintf(w, "  the shared frontier cannot say what its workers do: %v\n", err)
		return
	}
	if rs.Lost {
		fmt.Fprintf(w, "  Redis (%s) does not hold this run's queue: its workers rebuild it from the store as they go on, or it was left when its last worker stopped (the next crawl resumes it)\n", redactURL(frontier))
	}
	fmt.Fprintf(w, "  now: %s queued or held, %s ready, %s resting; %s\n", textfmt.Count(rs.Items, "URL"),
		textfmt.Count(rs.Ready, "host"), textfmt.Count(rs.Resting, "host"), textfmt.Count(len(rs.Workers), "worker"))
	for _, ws := range rs.Workers {
		lease := fmt.Sprintf("lease %s left", ws.LeaseLeft.Round(100*time.Millisecond))
		if ws.LeaseLeft < 0 {
			lease = fmt.Sprintf("lease expired %s ago: died or cut off, what it holds goes back to the queue", (-ws.LeaseLeft).Round(100*time.Millisecond))
		}
		fmt.Fprintf(w, "    %s on %s (pid %d, since %s): %s; finished %s, holds %d",
			ws.Name, ws.Host, ws.PID, ws.Since.Local().Format("15:04:05"), lease, textfmt.Count(ws.Finished, "URL"), ws.Holds)
		if len(ws.InFlight) > 0 {
			fmt.Fprintf(w, ", in flight to %s", strings.Join(ws.InFlight, " "))
		}
		if ws.LastURL != "" {
			fmt.Fprintf(w, "; took %s %s ago", ws.LastURL, ws.LastAgo.Round(100*time.Millisecond))
		}
		fmt.Fprintln(w)
	}
}

// printWorkers shows what each worker of a shared run did.
func printWorkers(w io.Writer, workers map[string]crawl.Stats) {
	names := make([]string, 0, len(workers))
	for n := range workers {
		names = append(names, n)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, n := range names {
		s := workers[n]
		parts[i] = fmt.Sprintf("%s (pages %d, reports new %d, changed %d, lost %d)", n, s.Fetched, s.ReportsNew, s.ReportsChanged, s.Lost)
	}
	fmt.Fprintf(w, "  workers: %s\n", strings.Join(parts, ", "))
}
