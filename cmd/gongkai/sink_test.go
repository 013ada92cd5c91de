package main

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"gongkai/archive"
	"gongkai/crawl"
	"gongkai/store"
)

// An attachment is parsed beside the crawl: Fetched hands it on and returns at
// once, even while every parser is busy (as with the OCR of a long scan), and the
// run's end waits for it to be stored.
func TestSinkParsesAttachmentsBesideTheCrawl(t *testing.T) {
	dir := t.TempDir()
	st, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	arch, err := archive.Open(filepath.Join(dir, "warc"))
	if err != nil {
		t.Fatal(err)
	}
	defer arch.Close()
	pdf, err := os.ReadFile(filepath.Join("..", "..", "parse", "testdata", "docs", "word-2019.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	url := "http://www.example.gov.cn/att/report.pdf"
	capture, err := arch.Response(archive.Exchange{URL: url, Method: "GET", Proto: "HTTP/1.1", StatusCode: 200,
		ResponseHeader: http.Header{"Content-Type": {"application/pdf"}}, Date: time.Now()}, bytes.NewReader(pdf), false)
	if err != nil {
		t.Fatal(err)
	}
	sink := newStoreSink(st, arch.Dir(), nil)
	for range sinkParsers {
		sink.slots <- struct{}{} // every parser busy
	}
	stored := make(chan crawl.Ingested, 1)
	isReport, err := sink.Fetched(context.Background(), crawl.Fetched{FinalURL: url, ContentType: "application/pdf", Capture: capture},
		func(ing crawl.Ingested, err error) {
			if err != nil {
				t.Errorf("storing: %v", err)
			}
			stored <- ing
		})
	if err != nil || isReport {
		t.Fatalf("Fetched = %v, %v; want false (told later), nil", isReport, err)
	}
	select {
	case ing := <-stored:
		t.Fatalf("stored before any parser was free: %+v", ing)
	default:
	}
	for range sinkParsers {
		<-sink.slots
	}
	if err := sink.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	select {
	case ing := <-stored:
		if !ing.IsReport || ing.Change != "new" {
			t.Errorf("stored as %+v, want a new report", ing)
		}
	default:
		t.Fatal("Flush returned before the attachment was stored")
	}
}
