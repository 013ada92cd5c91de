package main

import (
	"context"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gongkai/internal/pgtest"
)

// Two web nodes on one PostgreSQL archive, each with its own data folder and
// search index, as behind a load balancer: a report ingested on either
// machine becomes searchable on both, each node catching its index up from the
// archive's change sequence (a report at a time, not the archive again).
func TestTwoNodesFollowEachOther(t *testing.T) {
	dsn := pgtest.Schema(t, "cmdtest_nodes")
	defer func(was time.Duration) { serverSyncEvery = was }(serverSyncEvery)
	serverSyncEvery = 200 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	// The archive exists before the nodes start: a web node opens it read-only.
	first := t.TempDir()
	copyFile(t, corpusFile(t, "zhuzhou-tianyuan-jinrongban-2022.txt"), filepath.Join(first, "jinrongban.txt"))
	if _, errs, status := gongkai(t, "ingest", "--data", t.TempDir(), "--database", dsn, first); status != exitOK {
		t.Fatalf("ingest: %d %s", status, errs)
	}
	type node struct {
		data, base     string
		stdout, stderr lockedBuffer
		exited         chan int
	}
	nodes := make([]*node, 2)
	for i := range nodes {
		n := &node{data: t.TempDir(), exited: make(chan int, 1)}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		go func() { n.exited <- serveArchive(ctx, "serve", ln, n.data, dsn, 10, nil, &n.stdout, &n.stderr) }()
		n.base = waitServing(t, &n.stdout, &n.stderr, n.exited, 30*time.Second)
		nodes[i] = n
	}
	const everyReport = "api/search?q=%E6%94%BF%E5%BA%9C%E4%BF%A1%E6%81%AF%E5%85%AC%E5%BC%80" // 政府信息公开
	searchable := func(total string) {
		t.Helper()
		for i, n := range nodes {
			for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(50 * time.Millisecond) {
				status, body := httpGet(t, n.base+everyReport)
				if status == 200 && strings.Contains(body, `"total": `+total+`,`) {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("node %d: want %s reports found, got %d %s\n%s", i, total, status, body, n.stderr.String())
				}
			}
		}
	}
	searchable("1")
	for i, name := range []string{"pingtan-2016-legacy.htm", "xiongxian-township-2019.txt"} {
		in := t.TempDir()
		copyFile(t, corpusFile(t, name), filepath.Join(in, name))
		// Ingested on node i's machine: its server keeps that folder's index.
		out, errs, status := gongkai(t, "ingest", "--data", nodes[i].data, "--database", dsn, in)
		if status != exitOK || !strings.Contains(out, "kept up to date by gongkai serve") {
			t.Fatalf("ingest on node %d: %d %s%s", i, status, out, errs)
		}
		searchable([]string{"2", "3"}[i])
	}
	cancel()
	for i, n := range nodes {
		<-n.exited
		// Each node indexed the two later reports as they came, one at a time.
		if got := strings.Count(n.stderr.String(), `msg="search index brought up to date" new=1 changed=0 removed=0`); got != 2 {
			t.Errorf("node %d caught up %d times with one new report, want 2:\n%s", i, got, n.stderr.String())
		}
	}
}
