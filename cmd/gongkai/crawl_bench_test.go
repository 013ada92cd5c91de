package main

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"gongkai/archive"
	"gongkai/crawl"
	"gongkai/store"
	"gongkai/testsite"
)

// BenchmarkCrawl crawls a sized testsite on loopback with politeness off (no
// delay, no robots.txt, several requests per host) and WARC on, then fetches the
// same URLs with a plain net/http GET loop of the same parallelism, and reports
// pages per second for both and their ratio. "warc" hands what it fetched to a
// sink that only acknowledges it (the crawler's own cost); "ingest" parses and
// stores every page and attachment as `gongkai crawl` does.
//
//	go test ./cmd/gongkai -run '^$' -bench BenchmarkCrawl -benchtime 1x -count 3
func BenchmarkCrawl(b *testing.B) {
	site := testsite.NewSized(1, 2000)
	run, err := site.Start()
	if err != nil {
		b.Fatal(err)
	}
	defer run.Close()
	// The portals as the demo configures them, the list APIs included.
	cfg, err := demoConfig(run, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	portals, err := crawlPortals(cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("warc", func(b *testing.B) {
		benchCrawl(b, portals, func(*store.DB, *archive.Archive) crawl.Sink { return ackSink{} })
	})
	b.Run("ingest", func(b *testing.B) {
		benchCrawl(b, portals, func(st *store.DB, arch *archive.Archive) crawl.Sink {
			return newStoreSink(st, arch.Dir(), nil)
		})
	})
}

func benchCrawl(b *testing.B, portals []crawl.Portal, sink func(*store.DB, *archive.Archive) crawl.Sink) {
	const parallelism = 4
	opts := crawl.Options{
		UserAgent: "gongkai-bench", Parallelism: parallelism, HostParallelism: parallelism, MaxDepth: 10,
		MaxPagesPerHost: 1 << 20, Timeout: 30 * time.Second, ConnectTimeout: 5 * time.Second, HeaderTimeout: 10 * time.Second,
		MaxRetries: 2, FailureBudget: 1000, MaxPageBytes: 20 << 20, MaxAttachmentBytes: 200 << 20, MaxBackoff: 200 * time.Millisecond,
		// Rendering in Chromium is measured on its own (crawl's BenchmarkRender).
		Render: crawl.RenderNever,
	}
	for b.Loop() {
		b.StopTimer()
		data := b.TempDir()
		st, err := store.Open(data)
		if err != nil {
			b.Fatal(err)
		}
		arch, err := archive.Open(filepath.Join(data, "warc"))
		if err != nil {
			b.Fatal(err)
		}
		c, err := crawl.New(opts, portals, crawlState{st}, sink(st, arch), arch)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		stats, err := c.Run(context.Background())
		crawlTime := time.Since(start)
		b.StopTimer()
		if err != nil {
			b.Fatal(err)
		}
		urls := fetchedURLs(b, st)
		arch.Close()
		st.Close()

		start = time.Now()
		plainGet(b, urls, parallelism)
		plainTime := time.Since(start)
		crawlRate := float64(stats.Fetched) / crawlTime.Seconds()
		plainRate := float64(len(urls)) / plainTime.Seconds()
		b.ReportMetric(crawlRate, "crawl-pages/s")
		b.ReportMetric(plainRate, "plain-pages/s")
		b.ReportMetric(crawlRate/plainRate, "ratio")
		b.ReportMetric(float64(stats.Fetched), "pages")
		b.StartTimer()
	}
}

// ackSink takes documents without parsing or storing them; it takes a page the
// crawler fetched as a report page for a report (so its attachments are fetched,
// as they are in a real crawl).
type ackSink struct{}

func (ackSink) Fetched(_ context.Context, f crawl.Fetched, done func(crawl.Ingested, error)) (bool, error) {
	isReport := f.Item.Kind == crawl.KindReport
	done(crawl.Ingested{IsReport: isReport, Change: "new"}, nil)
	return isReport, nil
}

func (ackSink) Flush(context.Context) error { return nil }

func (ackSink) Gone(context.Context, string, int) error { return nil }

func fetchedURLs(b *testing.B, st *store.DB) []string {
	rows, err := st.SQL().Query(`SELECT url FROM crawl_queue WHERE outcome IN ('report', 'list', 'not a report', 'look-alike')`)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var u string
		rows.Scan(&u)
		out = append(out, u)
	}
	return out
}

// plainGet fetches every URL with a plain net/http client and the given number of
// workers, reading each body through.
func plainGet(b *testing.B, urls []string, workers int) {
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: workers}}
	work := make(chan string)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for u := range work {
				resp, err := client.Get(u)
				if err != nil {
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		}()
	}
	for _, u := range urls {
		work <- u
	}
	close(work)
	wg.Wait()
}
