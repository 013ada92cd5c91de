package archive

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func exchange(url string) Exchange {
	return Exchange{
		URL: url, Method: "GET",
		RequestHeader:  http.Header{"User-Agent": {"gongkai-test"}},
		Proto:          "HTTP/1.1",
		StatusCode:     200,
		ResponseHeader: http.Header{"Content-Type": {"text/html; charset=gbk"}, "Transfer-Encoding": {"chunked"}},
		Date:           time.Date(2026, 1, 20, 2, 0, 0, 0, time.UTC),
		IP:             "127.0.0.1",
	}
}

func TestResponseRoundTrip(t *testing.T) {
	dir := t.TempDir()
	a, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	gbk := []byte{0xd5, 0xfe, 0xb8, 0xae, '<', 'p', '>'} // raw GBK bytes must come back unchanged
	c1, err := a.Response(exchange("http://a.gov.cn/1.html"), bytes.NewReader(gbk), false)
	if err != nil {
		t.Fatal(err)
	}
	big := bytes.Repeat([]byte("x"), 5<<20) // over the in-memory buffer: goes through a temp file
	c2, err := a.Response(exchange("http://a.gov.cn/2.pdf"), bytes.NewReader(big), true)
	if err != nil {
		t.Fatal(err)
	}
	if !c2.Truncated || c2.Size != 5<<20 || c1.Truncated {
		t.Errorf("truncation: c1 %+v c2 %+v", c1.Truncated, c2)
	}
	// Records are readable while the file is still open for writing.
	p, err := Read(dir, c1.File, c1.Offset, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(p.Body, gbk) || p.StatusCode != 200 || p.URL != "http://a.gov.cn/1.html" || p.Header.Get("Content-Type") != "text/html; charset=gbk" {
		t.Errorf("read back %+v", p)
	}
	if p.Header.Get("Transfer-Encoding") != "" {
		t.Errorf("transfer-encoding kept for a de-chunked body")
	}
	post := exchange("http://a.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=1")
	post.Method, post.RequestBody = "POST", []byte("col=1&columnid=33718&unitid=212860")
	if _, err := a.Response(post, strings.NewReader("<datastore></datastore>"), false); err != nil {
		t.Fatal(err)
	}
	dom := "<html><body><ul><li><a href=\"/art/1.html\">2024年报告</a></li></ul></body></html>"
	conv, err := a.Conversion("http://a.gov.cn/1.html", c1, "text/html; charset=utf-8", []byte(dom), false)
	if err != nil {
		t.Fatal(err)
	}
	if conv.Size != int64(len(dom)) || conv.RecordID == "" || conv.RecordID == c1.RecordID {
		t.Errorf("conversion %+v", conv)
	}
	rv, err := a.Revisit(exchange("http://a.gov.cn/1.html"), c1, "http://a.gov.cn/1.html", true)
	if err != nil {
		t.Fatal(err)
	}
	if rv.SHA256 != c1.SHA256 || rv.Offset <= c2.Offset {
		t.Errorf("revisit %+v", rv)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.warc.gz"))
	if len(files) != 1 {
		t.Fatalf("warc files %v", files)
	}
	p2, err := Read(dir, c2.File, c2.Offset, 8<<20)
	if err != nil {
		t.Fatal(err)
	}
	if len(p2.Body) != 5<<20 {
		t.Errorf("truncated body read back as %d bytes", len(p2.Body))
	}
	// A standard reader sees request, response pairs and the revisit: the file is a WARC file.
	raw, _ := os.ReadFile(files[0])
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	all, _ := io.ReadAll(zr)
	for _, want := range []string{"WARC/1.1", "WARC-Type: warcinfo", "WARC-Type: request", "WARC-Type: response", "WARC-Type: revisit",
		"WARC-Profile: http://netpreserve.org/warc/1.1/revisit/server-not-modified", "WARC-Truncated: length", "WARC-Concurrent-To",
		"POST /module/web/jpage/dataproxy.jsp?startrecord=1 HTTP/1.1", "Content-Length: 34\r\n", "\r\n\r\ncol=1&columnid=33718&unitid=212860",
		"WARC-Type: conversion", "WARC-Refers-To: <" + c1.RecordID + ">", "2024年报告"} {
		if !bytes.Contains(all, []byte(want)) {
			t.Errorf("archive lacks %q", want)
		}
	}
}

// A file a killed process left open is cut after its last whole record and gets its
// final name; the records before the cut read back.
func TestRepairHalfWrittenFile(t *testing.T) {
	dir := t.TempDir()
	a, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	c1, err := a.Response(exchange("http://a.gov.cn/1.html"), strings.NewReader("<p>第一</p>"), false)
	if err != nil {
		t.Fatal(err)
	}
	c2, err := a.Response(exchange("http://a.gov.cn/2.html"), strings.NewReader(strings.Repeat("第二", 5000)), false)
	if err != nil {
		t.Fatal(err)
	}
	open, _ := filepath.Glob(filepath.Join(dir, "*.open"))
	if len(open) != 1 {
		t.Fatalf("open files %v", open)
	}
	data, _ := os.ReadFile(open[0])
	crashed := t.TempDir()
	half := c2.Offset + (int64(len(data))-c2.Offset)/2 // killed in the middle of the second response
	if err := os.WriteFile(filepath.Join(crashed, filepath.Base(open[0])), data[:half], 0o644); err != nil {
		t.Fatal(err)
	}
	a.Close()
	b, err := Open(crashed) // Open repairs
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if left, _ := filepath.Glob(filepath.Join(crashed, "*.open")); len(left) != 0 {
		t.Fatalf("still open: %v", left)
	}
	p, err := Read(crashed, c1.File, c1.Offset, 1<<20)
	if err != nil || string(p.Body) != "<p>第一</p>" {
		t.Fatalf("first record after repair: %v %v", p, err)
	}
	if _, err := Read(crashed, c2.File, c2.Offset, 1<<20); err == nil {
		t.Errorf("the cut record still reads")
	}
	st, _ := os.Stat(filepath.Join(crashed, c1.File))
	if st.Size() > c2.Offset {
		t.Errorf("file not cut at the last whole record: %d > %d", st.Size(), c2.Offset)
	}
}

func TestDecodeContentEncoding(t *testing.T) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte("政府信息"))
	zw.Close()
	if got := Decode(buf.Bytes(), "gzip", 1<<20); string(got) != "政府信息" {
		t.Errorf("gzip: %q", got)
	}
	if got := Decode([]byte("plain"), "gzip", 1<<20); string(got) != "plain" {
		t.Errorf("gzip header with a plain body: %q", got)
	}
}

func TestFileNames(t *testing.T) {
	dir := t.TempDir()
	a, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	c, err := a.Response(exchange("http://a.gov.cn/"), strings.NewReader("x"), false)
	if err != nil {
		t.Fatal(err)
	}
	a.Close()
	if !regexp.MustCompile(`^gongkai-\d{14}-\d{5}-\d+\.warc\.gz$`).MatchString(c.File) {
		t.Errorf("WARC file name %q", c.File)
	}
}
