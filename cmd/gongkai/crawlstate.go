package main

import (
	"context"
	"encoding/json"
	"time"

	"gongkai/archive"
	"gongkai/crawl"
	"gongkai/store"
)

// crawlState keeps the crawler's state in the archive's database: the crawler and
// the store each keep their own types, and this is where they meet.
type crawlState struct{ st *store.DB }

var _ crawl.State = crawlState{}

func (c crawlState) BeginRun(ctx context.Context, started time.Time) (int64, bool, error) {
	return c.st.BeginCrawlRun(ctx, started)
}

func (c crawlState) EndRun(ctx context.Context, runID int64, ended time.Time, status string, stats crawl.Stats) error {
	js, err := json.Marshal(stats)
	if err != nil {
		return err
	}
	return c.st.EndCrawlRun(ctx, runID, ended, status, string(js))
}

func (c crawlState) Enqueue(ctx context.Context, runID int64, items []crawl.Item) ([]crawl.Item, error) {
	urls := make([]store.QueuedURL, len(items))
	for i, it := range items {
		urls[i] = store.QueuedURL{Key: it.Key, URL: it.URL, Portal: it.Portal, Kind: string(it.Kind), Depth: it.Depth, FoundOn: it.From, Text: it.Text,
			Priority: it.Priority, Method: it.Method, Body: it.Body, BodyType: it.BodyType, Referer: it.Referer, Via: it.Via, ReportColumn: it.InReportColumn, Listed: it.Listed}
	}
	added, err := c.st.EnqueueURLs(ctx, runID, urls)
	return toItems(added), err
}

func (c crawlState) Pending(ctx context.Context, runID int64) ([]crawl.Item, error) {
	urls, err := c.st.PendingURLs(ctx, runID)
	return toItems(urls), err
}

func toItems(urls []store.QueuedURL) []crawl.Item {
	out := make([]crawl.Item, len(urls))
	for i, u := range urls {
		out[i] = crawl.Item{Key: u.Key, URL: u.URL, Portal: u.Portal, Kind: crawl.Kind(u.Kind), Depth: u.Depth, From: u.FoundOn, Text: u.Text,
			Priority: u.Priority, Method: u.Method, Body: u.Body, BodyType: u.BodyType, Referer: u.Referer, Via: u.Via, InReportColumn: u.ReportColumn, Listed: u.Listed}
	}
	return out
}

func (c crawlState) KnownReports(ctx context.Context) ([]crawl.Item, error) {
	urls, err := c.st.KnownReportURLs(ctx)
	return toItems(urls), err
}

func (c crawlState) Finish(ctx context.Context, runID int64, key string, outcome crawl.Outcome, detail string) error {
	return c.st.FinishURL(ctx, runID, key, string(outcome), detail)
}

func (c crawlState) Previous(ctx context.Context, key string) (crawl.Previous, bool, error) {
	cp, ok, err := c.st.LastCapture(ctx, key)
	if !ok || err != nil {
		return crawl.Previous{}, ok, err
	}
	return crawl.Previous{
		ETag: cp.ETag, LastModified: cp.LastModified, ContentType: cp.ContentType, IsReport: cp.IsReport,
		Capture: archive.Capture{File: cp.WARCFile, Offset: cp.Offset, RecordID: cp.RecordID, Size: cp.Size,
			SHA256: cp.SHA256, Truncated: cp.Truncated, Date: cp.CapturedAt},
	}, true, nil
}

func (c crawlState) Remember(ctx context.Context, key string, p crawl.Previous) error {
	return c.st.RememberCapture(ctx, key, store.Capture{
		ETag: p.ETag, LastModified: p.LastModified, WARCFile: p.Capture.File, Offset: p.Capture.Offset,
		RecordID: p.Capture.RecordID, SHA256: p.Capture.SHA256, Size: p.Capture.Size, CapturedAt: p.Capture.Date,
		ContentType: p.ContentType, IsReport: p.IsReport, Truncated: p.Capture.Truncated,
	})
}
