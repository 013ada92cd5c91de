// Package store keeps the archive: every document ingested or fetched, the records
// derived from them (one logical report per organ and year, with its versions), their
// cells and checks, and the findings across reports. The SQLite implementation keeps
// it all in one file that researchers query directly through documented views
// (reports, cells, t2, t3, t4, checks, sources); see README.md.
//
// Package store only persists and queries records: parsing is the caller's job, so
// re-deriving records (Reparse) takes the parser as an argument.
package store

import (
	"context"
	"errors"
	"time"

	"gongkai/report"
)

// Store is the archive as the commands and the server use it. It names no database
// types so that another backend (PostgreSQL) can implement it.
type Store interface {
	// Known says what the archive holds for the document at uri with these bytes,
	// so that bytes seen before are skipped without parsing them again.
	Known(ctx context.Context, uri, sha256 string) (Known, error)
	// Ingest stores a batch of documents in one transaction: either the whole batch
	// is committed or none of it is. Within it each item is all-or-nothing: an item
	// whose writes fail gets its error in its Result and leaves nothing behind.
	Ingest(ctx context.Context, items []Item) ([]Result, error)
	// Reparse re-derives every stored version, and retries every document that was
	// not a report or failed, from the stored raw bytes with the given parser.
	Reparse(ctx context.Context, opts ReparseOptions) (ReparseStats, error)
	// StoredRecords calls fn with the latest version of each report the filter
	// selects, in report order.
	StoredRecords(ctx context.Context, f Filter, withFindings bool, fn func(StoredRecord) error) error
	// Table calls fn with the rows of one public view (see Views) that the filter selects.
	Table(ctx context.Context, view string, f Filter, fn func(header []string, row []any) error) error
	// Checks calls fn with the check results and findings of the latest versions.
	Checks(ctx context.Context, f Filter, fn func(CheckRow) error) error
	Close() error
}

// Views are the public views that Table reads, as documented in README.md.
var Views = []string{"reports", "cells", "t2", "t3", "t4", "checks", "sources"}

// Document is one source as it was fetched or read.
type Document struct {
	URI       string    // URL, or file path as given
	SHA256    string    // hex digest of the raw bytes
	MediaType string    // Content-Type as served, if known
	Size      int64     // length of the raw bytes
	FetchedAt time.Time // when the bytes were fetched or read
	// Region is the code of the region the document was published for (a
	// portal's configured region, or ingest --region), if known: a report whose
	// own text names no region is placed there (report.Record.PlaceIn).
	Region string
	// Bytes are the raw bytes, to be kept in the archive (once per digest). Leave it
	// nil when an archive file written by the crawler holds them (Location).
	Bytes    []byte
	Location Location
}

// Location says where a WARC file holds a document's raw bytes.
type Location struct {
	WARCFile string
	Offset   int64
}

// Item is one document and what the parser made of it.
type Item struct {
	Doc Document
	// Record is the parsed record; nil when the document is not a report or failed.
	Record *report.Record
	// NotReport, with Record nil, says the document is readable but not an annual
	// report; otherwise a nil Record means parsing failed. Reason says why.
	NotReport bool
	Reason    string
	// Unread, for a document that failed, says why it could not be read.
	Unread        report.Unread
	ParserVersion string
}

// Outcome is what ingesting one document did.
type Outcome string

const (
	// OutcomeNew: the first version of a report not seen before.
	OutcomeNew Outcome = "new"
	// OutcomeChanged: a new version of a stored report (its content changed); the
	// old version is kept.
	OutcomeChanged Outcome = "changed"
	// OutcomeNewSource: content already stored, reached through another document
	// (another URL, or other bytes that parse to the same record).
	OutcomeNewSource Outcome = "new source"
	// OutcomeUnchanged: these bytes at this URI were stored before; nothing was written.
	OutcomeUnchanged Outcome = "unchanged"
	// OutcomeNotReport: recorded as not a report (its bytes kept for a later parser).
	OutcomeNotReport Outcome = "not a report"
	// OutcomeFailed: recorded as failed to parse (its bytes kept for a later parser).
	OutcomeFailed Outcome = "failed"
)

// Result is the outcome of one Item.
type Result struct {
	Outcome   Outcome
	ReportID  int64 // the logical report, when the document is a report
	VersionID int64
	Version   int   // the version's number within its report (1, 2, …)
	Err       error // the item's writes failed and were undone
}

// Known is what the archive holds for a document's URI and bytes.
type Known struct {
	Found         bool
	Status        string // "report", "not_report" or "failed"
	Reason        string
	ParserVersion string
	ReportID      int64
	Organ         string
	Year          int
}

// Document statuses, as stored in documents.status.
const (
	StatusReport    = "report"
	StatusNotReport = "not_report"
	StatusFailed    = "failed"
)

// Filter selects reports (and their cells or checks). Zero fields select everything.
type Filter struct {
	Year int
	// Region matches the beginning of the region name (株洲市 selects 株洲市天元区) or,
	// when it is all digits, the beginning of the GB/T 2260 region code (4302).
	Region string
	// Table restricts the cells view to one table: "table2", "table3" or "table4".
	Table string
	// Failed keeps only the checks that did not hold (for findings: that hold
	// against the report).
	Failed bool
	// Rule keeps only the checks whose rule starts with it (carry_chain, t3_balance:total).
	Rule string
}

// CheckRow is one check result or finding of a report's latest version.
type CheckRow struct {
	ReportID int64
	Organ    string
	Region   string
	Year     int
	// Scope is "record" for the accounting identities within one report and
	// "archive" for the findings across reports.
	Scope         string
	Rule          string
	OK            bool
	Detail        string
	Cells         []string
	OtherReportID int64 // the report a finding compared against, if any
	// Share is, for copied_text, the share of the report's body found word for
	// word in the other report (report.CopiedShare); nil for other rules.
	Share *float64
}

// Parser re-derives records for Reparse; the command passes the current parser in.
type Parser struct {
	Version string
	Parse   func(doc Document, data []byte) (*report.Record, error)
	// NotReport tells an error saying the document is not a report from a failure.
	NotReport func(error) bool
	// Unread tells why a document that failed could not be read.
	Unread func(error) report.Unread
}

// Loader reads a document's raw bytes from a WARC file.
type Loader func(ctx context.Context, loc Location) ([]byte, error)

// ReparseOptions configure Reparse.
type ReparseOptions struct {
	Parser Parser
	// LoadWARC reads raw bytes kept in WARC files; without it such documents are
	// counted as unavailable. Bytes kept in the database need no loader.
	LoadWARC Loader
	// Progress, if set, is told about each document that did not re-derive as
	// before (changed, moved, failed, unavailable, newly a report).
	Progress func(ReparseEvent)
}

// ReparseEvent describes one document of a Reparse.
type ReparseEvent struct {
	URI      string
	ReportID int64
	What     string // "changed", "moved", "failed", "unavailable", "new report", …
	Detail   string
}

// ReparseStats counts what Reparse did.
type ReparseStats struct {
	Versions     int // versions re-derived
	Changed      int // versions whose derived data changed
	Unchanged    int
	CellsChanged int // cells added, removed or with another raw text, kind, value or unit
	Moved        int // versions whose organ or year changed, moved to another report
	Failed       int // versions the parser now rejects: kept as they were
	Unavailable  int // documents whose raw bytes could not be read
	Retried      int // documents that were not reports or failed, parsed again
	NowReports   int // of those, documents that are now reports
}

// ErrNoArchive says the data folder holds no database yet.
var ErrNoArchive = errors.New("no archive")
