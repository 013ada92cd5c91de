package main

import (
	"bufio"
	"io"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestTestsiteCommandServesAndStops(t *testing.T) {
	pr, pw := io.Pipe()
	var stderr strings.Builder
	done := make(chan int, 1)
	go func() {
		done <- runTestsite([]string{"--addr", "127.0.0.1:0", "--seed", "3", "--night", "2"}, pw, &stderr)
		pw.Close()
	}()
	lines := bufio.NewScanner(pr)
	var startURL string
	for lines.Scan() {
		f := strings.Fields(lines.Text())
		if len(f) >= 2 && f[0] == "tianyuan" {
			startURL = f[1]
			break
		}
	}
	if startURL == "" {
		t.Fatalf("no start URL printed; stderr %q", stderr.String())
	}
	go io.Copy(io.Discard, pr)
	resp, err := http.Get(startURL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "株洲市天元区人民政府") {
		t.Errorf("%s: status %d", startURL, resp.StatusCode)
	}
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case status := <-done:
		if status != exitOK {
			t.Errorf("exit status %d after SIGINT; stderr %q", status, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("still serving 10 s after SIGINT")
	}
}

func TestTestsiteCommandRefusesNonLoopback(t *testing.T) {
	_, errs, status := gongkai(t, "testsite", "--addr", "0.0.0.0:18080")
	if status != exitUsage || !strings.Contains(errs, "not a loopback address") {
		t.Errorf("status %d, stderr %q", status, errs)
	}
	out, _, status := gongkai(t, "testsite", "--help")
	if status != exitOK || !strings.Contains(out, "--night") {
		t.Errorf("--help: status %d, %q", status, out)
	}
}
