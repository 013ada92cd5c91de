package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"syscall"
	"testing"
)

// A database that cannot grow (SQLITE_FULL: the disk is full) fails with an
// error that says so as the operating system does (ENOSPC), so that the crawler
// stops rather than losing one URL after another.
func TestFullDatabaseIsENOSPC(t *testing.T) {
	sqliteOnly(t)
	s := newStore(t)
	db := s.SQL()
	s.Engine().DB().SetMaxOpenConns(1) // the pragma below holds on this one connection
	var pages int
	if err := db.QueryRow(`PRAGMA page_count`).Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(fmt.Sprintf(`PRAGMA max_page_count = %d`, pages+2)); err != nil {
		t.Fatal(err)
	}
	rec := fixture(t, "xiling-education-2022")
	var items []Item
	for i := range 50 {
		items = append(items, item(clone(t, rec), fmt.Sprintf("http://example.gov.cn/%d.html", i), strings.Repeat("page ", 2000)+fmt.Sprint(i)))
	}
	_, err := s.Ingest(context.Background(), items)
	if !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("ingest into a full database: %v, want ENOSPC", err)
	}
}
