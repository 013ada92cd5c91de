package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// The crawler's state lives in the archive's database, so that a crawl killed at
// any point resumes from the same file (see migration 0003). These methods take
// the store's own types; the command adapts them to the crawler's.

// QueuedURL is one request of a crawl run's frontier (see crawl.Item).
type QueuedURL struct {
	Key          string // canonical URL (with method and body for a POST)
	URL          string // as found, which is what is fetched
	Portal       string
	Kind         string
	Depth        int
	FoundOn      string
	Text         string
	Priority     int
	Method       string
	Body         string
	BodyType     string
	Referer      string
	Via          string
	ReportColumn bool
	Listed       string // the date the list gave it
}

// Capture is the last capture of a URL, for conditional requests.
type Capture struct {
	ETag         string
	LastModified string
	WARCFile     string
	Offset       int64
	RecordID     string
	SHA256       string
	Size         int64
	CapturedAt   time.Time
	ContentType  string
	IsReport     bool
	Truncated    bool
}

// BeginCrawlRun resumes the run that did not end (a killed crawl), or starts a new one.
func (s *DB) BeginCrawlRun(ctx context.Context, started time.Time) (id int64, resumed bool, err error) {
	err = s.db.QueryRowContext(ctx, `SELECT id FROM crawl_runs WHERE status IN ('running', 'interrupted') ORDER BY id DESC LIMIT 1`).Scan(&id)
	switch {
	case err == nil:
		_, err = s.db.ExecContext(ctx, `UPDATE crawl_runs SET status = 'running', ended_at = NULL WHERE id = ?`, id)
		return id, true, s.wrap(err)
	case !errors.Is(err, sql.ErrNoRows):
		return 0, false, s.wrap(err)
	}
	err = s.db.QueryRowContext(ctx, `INSERT INTO crawl_runs (started_at, status) VALUES (?, 'running') RETURNING id`,
		started.UTC().Format(time.RFC3339)).Scan(&id)
	return id, false, err
}

// EndCrawlRun records how a run ended: "finished", or "interrupted" (resumed next time).
func (s *DB) EndCrawlRun(ctx context.Context, id int64, ended time.Time, status, statsJSON string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE crawl_runs SET ended_at = ?, status = ?, stats = ? WHERE id = ?`,
		ended.UTC().Format(time.RFC3339), status, statsJSON, id)
	return s.wrap(err)
}

// EnqueueURLs adds URLs to a run's frontier and returns those it did not hold.
func (s *DB) EnqueueURLs(ctx context.Context, runID int64, urls []QueuedURL) ([]QueuedURL, error) {
	if len(urls) == 0 {
		return nil, nil
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, s.wrap(err)
	}
	defer tx.Rollback()
	var seq int64
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) FROM crawl_queue WHERE run_id = ?`, runID).Scan(&seq); err != nil {
		return nil, s.wrap(err)
	}
	ins, err := tx.PrepareContext(ctx, `INSERT INTO crawl_queue (run_id, url_key, seq, url, portal, kind, depth, found_on, link_text,
		priority, method, body, body_type, referer, via, report_column, listed)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`)
	if err != nil {
		return nil, s.wrap(err)
	}
	defer ins.Close()
	var added []QueuedURL
	for _, u := range urls {
		seq++
		res, err := ins.ExecContext(ctx, runID, u.Key, seq, u.URL, u.Portal, u.Kind, u.Depth, u.FoundOn, u.Text,
			u.Priority, nullable(u.Method), nullable(u.Body), nullable(u.BodyType), nullable(u.Referer), nullable(u.Via), u.ReportColumn, nullable(u.Listed))
		if err != nil {
			return nil, s.wrap(err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			added = append(added, u)
		}
	}
	return added, s.wrap(tx.Commit())
}

// queueColumns are the columns queuedURLs scans, in QueuedURL's order.
const queueColumns = `q.url_key, q.url, q.portal, q.kind, q.depth, coalesce(q.found_on, ''), coalesce(q.link_text, ''),
	q.priority, coalesce(q.method, ''), coalesce(q.body, ''), coalesce(q.body_type, ''), coalesce(q.referer, ''),
	coalesce(q.via, ''), q.report_column, coalesce(q.listed, '')`

// PendingURLs returns a run's URLs that have no outcome yet, best first (by
// priority, then in the order queued): after a kill, those waiting and those
// that were in flight.
func (s *DB) PendingURLs(ctx context.Context, runID int64) ([]QueuedURL, error) {
	return s.queuedURLs(ctx, `SELECT `+queueColumns+`
		FROM crawl_queue q WHERE q.run_id = ? AND q.outcome IS NULL ORDER BY q.priority DESC, q.seq`, runID)
}

// FinishURL records how a URL of a run ended; it is not fetched again in the run.
func (s *DB) FinishURL(ctx context.Context, runID int64, key, outcome, detail string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE crawl_queue SET outcome = ?, detail = ?, finished_at = ? WHERE run_id = ? AND url_key = ?`,
		outcome, detail, time.Now().UTC().Format(time.RFC3339), runID, key)
	return s.wrap(err)
}

// LastCapture returns the last capture of a URL, if any.
func (s *DB) LastCapture(ctx context.Context, key string) (Capture, bool, error) {
	var c Capture
	var etag, lastMod, ctype sql.NullString
	var captured string
	err := s.db.QueryRowContext(ctx, `SELECT etag, last_modified, warc_file, warc_offset, record_id, sha256, size,
		captured_at, content_type, is_report, truncated FROM url_state WHERE url_key = ?`, key).Scan(
		&etag, &lastMod, &c.WARCFile, &c.Offset, &c.RecordID, &c.SHA256, &c.Size, &captured, &ctype, &c.IsReport, &c.Truncated)
	if errors.Is(err, sql.ErrNoRows) {
		return Capture{}, false, nil
	}
	if err != nil {
		return Capture{}, false, s.wrap(err)
	}
	c.ETag, c.LastModified, c.ContentType = etag.String, lastMod.String, ctype.String
	c.CapturedAt, _ = time.Parse(time.RFC3339Nano, captured)
	return c, true, nil
}

// RememberCapture records the capture a URL's response now has.
func (s *DB) RememberCapture(ctx context.Context, key string, c Capture) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO url_state (url_key, etag, last_modified, warc_file, warc_offset, record_id,
		sha256, size, captured_at, content_type, is_report, truncated, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (url_key) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified,
		warc_file = excluded.warc_file, warc_offset = excluded.warc_offset, record_id = excluded.record_id,
		sha256 = excluded.sha256, size = excluded.size, captured_at = excluded.captured_at,
		content_type = excluded.content_type, is_report = excluded.is_report, truncated = excluded.truncated,
		updated_at = excluded.updated_at`,
		key, nullable(c.ETag), nullable(c.LastModified), c.WARCFile, c.Offset, c.RecordID, c.SHA256, c.Size,
		c.CapturedAt.UTC().Format(time.RFC3339Nano), nullable(c.ContentType), c.IsReport, c.Truncated,
		time.Now().UTC().Format(time.RFC3339))
	return s.wrap(err)
}

// MarkGone records that the documents fetched from a URL are gone from it (404,
// 410): their bytes and records stay in the archive.
func (s *DB) MarkGone(ctx context.Context, uri string, status int) error {
	_, err := s.db.ExecContext(ctx, `UPDATE documents SET gone_at = ?, gone_status = ? WHERE uri = ? AND gone_at IS NULL`,
		time.Now().UTC().Format(time.RFC3339), status, uri)
	return s.wrap(err)
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// KnownReportURLs returns every URL at which a crawl found a report, with how it
// was queued the last time.
func (s *DB) KnownReportURLs(ctx context.Context) ([]QueuedURL, error) {
	return s.queuedURLs(ctx, `SELECT `+queueColumns+`
		FROM url_state u JOIN crawl_queue q ON q.url_key = u.url_key
		WHERE u.is_report = 1 AND q.run_id = (SELECT max(run_id) FROM crawl_queue WHERE url_key = u.url_key)
		ORDER BY q.run_id, q.seq`)
}

func (s *DB) queuedURLs(ctx context.Context, query string, args ...any) ([]QueuedURL, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, s.wrap(err)
	}
	defer rows.Close()
	var out []QueuedURL
	for rows.Next() {
		var u QueuedURL
		if err := rows.Scan(&u.Key, &u.URL, &u.Portal, &u.Kind, &u.Depth, &u.FoundOn, &u.Text,
			&u.Priority, &u.Method, &u.Body, &u.BodyType, &u.Referer, &u.Via, &u.ReportColumn, &u.Listed); err != nil {
			return nil, s.wrap(err)
		}
		out = append(out, u)
	}
	return out, s.wrap(rows.Err())
}

// CrawlRun is one run of the crawler as crawl --status shows it.
type CrawlRun struct {
	ID      int64
	Started time.Time
	Ended   time.Time // zero while running or when interrupted
	Status  string
	Stats   string // the run's counts as JSON (crawl.Stats), "" before it ended
	// Outcomes counts the run's URLs per portal and outcome, from its frontier.
	Outcomes map[string]map[string]int
}

// CrawlRuns returns the last runs, newest first, with their outcome counts.
func (s *DB) CrawlRuns(ctx context.Context, limit int) ([]CrawlRun, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, started_at, coalesce(ended_at, ''), status, coalesce(stats, '')
		FROM crawl_runs ORDER BY id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, s.wrap(err)
	}
	var runs []CrawlRun
	for rows.Next() {
		var r CrawlRun
		var started, ended string
		if err := rows.Scan(&r.ID, &started, &ended, &r.Status, &r.Stats); err != nil {
			rows.Close()
			return nil, s.wrap(err)
		}
		r.Started, _ = time.Parse(time.RFC3339, started)
		r.Ended, _ = time.Parse(time.RFC3339, ended)
		runs = append(runs, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, s.wrap(err)
	}
	for i := range runs {
		runs[i].Outcomes = map[string]map[string]int{}
		rows, err := s.db.QueryContext(ctx, `SELECT portal, coalesce(outcome, 'pending'), count(*) FROM crawl_queue
			WHERE run_id = ? GROUP BY portal, outcome`, runs[i].ID)
		if err != nil {
			return nil, s.wrap(err)
		}
		for rows.Next() {
			var portal, outcome string
			var n int
			if err := rows.Scan(&portal, &outcome, &n); err != nil {
				rows.Close()
				return nil, s.wrap(err)
			}
			if runs[i].Outcomes[portal] == nil {
				runs[i].Outcomes[portal] = map[string]int{}
			}
			runs[i].Outcomes[portal][outcome] = n
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, s.wrap(err)
		}
	}
	return runs, nil
}

// CrawlStep is one URL of a run, as the path a crawl took shows it.
type CrawlStep struct {
	URL, FoundOn, Kind, Via, Outcome, Detail string
	Depth                                    int
}

// CrawlPath returns the list pages a run fetched for a portal, in the order it
// queued them, and the URLs that ended without content (where the crawl
// stopped), at most limit of each.
func (s *DB) CrawlPath(ctx context.Context, runID int64, portal string, limit int) (lists, stops []CrawlStep, err error) {
	query := func(where string) ([]CrawlStep, error) {
		rows, err := s.db.QueryContext(ctx, `SELECT url, coalesce(found_on, ''), kind, coalesce(via, ''), coalesce(outcome, 'pending'),
			coalesce(detail, ''), depth FROM crawl_queue WHERE run_id = ? AND portal = ? AND `+where+` ORDER BY seq LIMIT ?`, runID, portal, limit)
		if err != nil {
			return nil, s.wrap(err)
		}
		defer rows.Close()
		var out []CrawlStep
		for rows.Next() {
			var c CrawlStep
			if err := rows.Scan(&c.URL, &c.FoundOn, &c.Kind, &c.Via, &c.Outcome, &c.Detail, &c.Depth); err != nil {
				return nil, s.wrap(err)
			}
			out = append(out, c)
		}
		return out, s.wrap(rows.Err())
	}
	if lists, err = query(`kind = 'list' AND outcome IN ('list', 'unchanged')`); err != nil {
		return nil, nil, err
	}
	stops, err = query(`(outcome IS NULL OR outcome NOT IN ('list', 'unchanged', 'report', 'not a report', 'look-alike', 'redirected'))`)
	return lists, stops, err
}
