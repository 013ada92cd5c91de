// Package archive keeps every HTTP exchange the crawler makes as WARC/1.1 records
// (request + response, or revisit) in gzip-compressed WARC files, readable by
// standard WARC tools, and reads a response back from its file and offset so that
// any record can be re-derived without the network.
package archive

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	gowarc "github.com/nlnwa/gowarc/v3"

	"gongkai/internal/lockfile"
)

// openSuffix marks a WARC file still being written; a file left with it by a
// killed process is repaired on the next Open.
const openSuffix = ".open"

// lockName is the file in the archive folder whose lock the Archive writing
// into the folder holds: there is one writer at a time, and Repair never
// touches the file another process is writing.
const lockName = "writer.lock"

// Archive writes WARC files into one folder.
type Archive struct {
	dir  string
	mu   sync.Mutex
	w    *fileWriter
	lock *lockfile.Lock
	// shared is the folder's lock shared with other workers (OpenWorker).
	shared *lockfile.Lock
	// repaired says what Open repaired: one line per file.
	repaired []string
}

// ErrWrite is what an error of Response and Revisit wraps when the archive
// could not write (a full disk): nothing fetched can be kept until it can.
var ErrWrite = errors.New("writing to the WARC archive")

// Exchange describes one HTTP request and its response, without the body.
type Exchange struct {
	URL            string
	Method         string
	RequestHeader  http.Header
	RequestBody    []byte // a POST's body, archived with its request
	Proto          string // of the response, e.g. "HTTP/1.1"
	StatusCode     int
	ResponseHeader http.Header
	Date           time.Time // when the response arrived
	IP             string    // the server's address, if known
}

// Capture locates an archived response and describes its payload.
type Capture struct {
	File      string // WARC file name within the archive folder
	Offset    int64  // of the response (or revisit) record in the file
	RecordID  string
	Size      int64  // payload bytes as received
	SHA256    string // of the payload, hex
	Truncated bool   // the payload was cut at the size limit
	Date      time.Time
}

// Open opens (creating it if needed) the archive folder for writing, repairing
// any WARC file that a killed process or a full disk left with a broken tail.
// One process writes into a folder at a time: while another does, Open fails
// with a *lockfile.HeldError that names it.
func Open(dir string) (*Archive, error) { return OpenWith(dir, CreateFile) }

// OpenWith is Open with the WARC files created by create.
func OpenWith(dir string, create func(path string) (File, error)) (*Archive, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	lock, err := lockfile.Acquire(context.Background(), filepath.Join(dir, lockName), false)
	if err != nil {
		return nil, err
	}
	repaired, err := repair(dir)
	if err != nil {
		lock.Release()
		return nil, err
	}
	return &Archive{dir: dir, w: newFileWriter(dir, create), lock: lock, repaired: repaired}, nil
}

// OpenWorker opens the archive folder for one crawl worker of several that
// write into it (workers of a shared frontier on one machine): each writes
// its own WARC files, named with the worker, and repairs only its own, which
// a killed process of the same worker left broken. While workers write, Open
// fails; while a process holds the folder with Open, OpenWorker does; two
// processes of one worker name fail with a *lockfile.HeldError that names the
// other.
func OpenWorker(dir, worker string) (*Archive, error) {
	if !workerName.MatchString(worker) {
		return nil, fmt.Errorf("archive: worker %q: letters, digits, '.', '_' and '-' only", worker)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	shared, err := lockfile.AcquireShared(filepath.Join(dir, lockName))
	if err != nil {
		return nil, err
	}
	own, err := lockfile.Acquire(context.Background(), filepath.Join(dir, "writer-"+worker+".lock"), false)
	if err != nil {
		shared.Release()
		return nil, err
	}
	mine := regexp.MustCompile(`^gongkai-\d{14}-\d{5}-\d+-` + regexp.QuoteMeta(worker) + `\.warc\.gz`)
	repaired, err := repairMatching(dir, mine.MatchString)
	if err != nil {
		own.Release()
		shared.Release()
		return nil, err
	}
	w := newFileWriter(dir, CreateFile)
	w.worker = worker
	return &Archive{dir: dir, w: w, lock: own, shared: shared, repaired: repaired}, nil
}

// workerName is what a worker's name may hold: it goes into file names.
var workerName = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// Repaired lists what Open found broken and repaired, for the operator.
func (a *Archive) Repaired() []string { return a.repaired }

// Dir is the archive folder.
func (a *Archive) Dir() string { return a.dir }

// Close finishes the current WARC file and lets another process write.
func (a *Archive) Close() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	err := a.w.close()
	if a.lock != nil {
		a.lock.Release()
		a.lock = nil
	}
	if a.shared != nil {
		a.shared.Release()
		a.shared = nil
	}
	return err
}

// Response archives a request and its response, streaming the body through a
// temporary file rather than memory. truncated says the body was cut at a size
// limit, which the record then states.
func (a *Archive) Response(x Exchange, body io.Reader, truncated bool) (Capture, error) {
	req, err := a.requestRecord(x)
	if err != nil {
		return Capture{}, err
	}
	rb := gowarc.NewRecordBuilder(gowarc.Response, gowarc.WithBufferTmpDir(a.dir), gowarc.WithBufferMaxMemBytes(4<<20))
	// The record built shares the builder's buffer: the builder is closed only when
	// no record comes of it; the record is closed once written.
	built := false
	defer func() {
		if !built {
			rb.Close()
		}
	}()
	warcHeaders(rb, x)
	rb.AddWarcHeader(gowarc.ContentType, "application/http;msgtype=response")
	if _, err := rb.WriteString(responseHead(x)); err != nil {
		req.Close()
		return Capture{}, err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(rb, h), body)
	if err != nil {
		req.Close()
		return Capture{}, fmt.Errorf("%s: reading the body: %w", x.URL, err)
	}
	c := Capture{Size: n, SHA256: hex.EncodeToString(h.Sum(nil)), Date: x.Date, Truncated: truncated}
	if truncated {
		rb.AddWarcHeader(gowarc.WarcTruncated, "length")
	}
	resp, _, err := rb.Build()
	if err != nil {
		req.Close()
		return Capture{}, err
	}
	built = true
	return a.write(c, req, resp)
}

// Revisit archives a request whose response repeats an earlier capture: the server
// said 304 Not Modified (notModified), or sent the same payload again.
func (a *Archive) Revisit(x Exchange, of Capture, targetURL string, notModified bool) (Capture, error) {
	req, err := a.requestRecord(x)
	if err != nil {
		return Capture{}, err
	}
	rb := gowarc.NewRecordBuilder(gowarc.Revisit)
	warcHeaders(rb, x)
	profile := gowarc.ProfileIdenticalPayloadDigestV1_1
	if notModified {
		profile = gowarc.ProfileServerNotModifiedV1_1
	}
	rb.AddWarcHeader(gowarc.WarcProfile, profile)
	rb.AddWarcHeader(gowarc.WarcRefersTo, "<"+of.RecordID+">") // a record id is written in angle brackets
	rb.AddWarcHeader(gowarc.WarcRefersToTargetURI, targetURL)
	rb.AddWarcHeaderTime(gowarc.WarcRefersToDate, of.Date)
	rb.AddWarcHeader(gowarc.WarcPayloadDigest, "sha256:"+of.SHA256)
	rb.AddWarcHeader(gowarc.ContentType, "application/http;msgtype=response")
	if _, err := rb.WriteString(responseHead(x)); err != nil {
		rb.Close()
		req.Close()
		return Capture{}, err
	}
	rec, _, err := rb.Build()
	if err != nil {
		rb.Close()
		req.Close()
		return Capture{}, err
	}
	c := of
	c.Date = x.Date
	return a.write(c, req, rec)
}

// Conversion archives another form of an archived response's content: the DOM
// of a page as a browser left it once its scripts had run. The record refers
// to the response it was made from (WARC-Refers-To); truncated says the
// content was cut at a size limit.
func (a *Archive) Conversion(targetURL string, of Capture, contentType string, content []byte, truncated bool) (Capture, error) {
	rb := gowarc.NewRecordBuilder(gowarc.Conversion, gowarc.WithBufferTmpDir(a.dir), gowarc.WithBufferMaxMemBytes(4<<20))
	now := time.Now().UTC()
	warcHeaders(rb, Exchange{URL: targetURL, Date: now})
	rb.AddWarcHeader(gowarc.WarcRefersTo, "<"+of.RecordID+">") // a record id is written in angle brackets
	rb.AddWarcHeader(gowarc.ContentType, contentType)
	if truncated {
		rb.AddWarcHeader(gowarc.WarcTruncated, "length")
	}
	if _, err := rb.Write(content); err != nil {
		rb.Close()
		return Capture{}, err
	}
	rec, _, err := rb.Build()
	if err != nil {
		rb.Close()
		return Capture{}, err
	}
	sum := sha256.Sum256(content)
	return a.write(Capture{Size: int64(len(content)), SHA256: hex.EncodeToString(sum[:]), Date: now, Truncated: truncated}, rec)
}

func (a *Archive) requestRecord(x Exchange) (gowarc.WarcRecord, error) {
	rb := gowarc.NewRecordBuilder(gowarc.Request)
	warcHeaders(rb, x)
	rb.AddWarcHeader(gowarc.ContentType, "application/http;msgtype=request")
	var b strings.Builder
	method := x.Method
	if method == "" {
		method = http.MethodGet
	}
	path := "/"
	host := ""
	if u, err := url.Parse(x.URL); err == nil {
		path, host = u.RequestURI(), u.Host
	}
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: %s\r\n", method, path, host)
	h := x.RequestHeader
	if len(x.RequestBody) > 0 {
		h = h.Clone()
		if h == nil {
			h = http.Header{}
		}
		h.Set("Content-Length", strconv.Itoa(len(x.RequestBody)))
	}
	writeHeader(&b, h)
	b.WriteString("\r\n")
	b.Write(x.RequestBody)
	if _, err := rb.WriteString(b.String()); err != nil {
		rb.Close()
		return nil, err
	}
	rec, _, err := rb.Build()
	if err != nil {
		rb.Close()
	}
	return rec, err
}

func warcHeaders(rb gowarc.WarcRecordBuilder, x Exchange) {
	rb.AddWarcHeader(gowarc.WarcTargetURI, x.URL)
	date := x.Date
	if date.IsZero() {
		date = time.Now()
	}
	rb.AddWarcHeaderTime(gowarc.WarcDate, date)
	if x.IP != "" {
		rb.AddWarcHeader(gowarc.WarcIPAddress, x.IP)
	}
}

// responseHead rebuilds the status line and headers. Transfer-Encoding is dropped:
// the body is stored de-chunked, as WARC readers expect.
func responseHead(x Exchange) string {
	var b strings.Builder
	proto := x.Proto
	if proto == "" || strings.HasPrefix(proto, "HTTP/2") {
		proto = "HTTP/1.1"
	}
	fmt.Fprintf(&b, "%s %d %s\r\n", proto, x.StatusCode, http.StatusText(x.StatusCode))
	h := x.ResponseHeader.Clone()
	h.Del("Transfer-Encoding")
	writeHeader(&b, h)
	b.WriteString("\r\n")
	return b.String()
}

func writeHeader(b *strings.Builder, h http.Header) {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range h[k] {
			v = strings.NewReplacer("\r", " ", "\n", " ").Replace(v)
			fmt.Fprintf(b, "%s: %s\r\n", k, v)
		}
	}
}

func (a *Archive) write(c Capture, recs ...gowarc.WarcRecord) (Capture, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	defer func() {
		for _, r := range recs {
			r.Close()
		}
	}()
	file, offsets, err := a.w.write(recs)
	if err != nil {
		return Capture{}, fmt.Errorf("%w in %s: %w", ErrWrite, a.dir, err)
	}
	c.File = file
	c.Offset = offsets[len(offsets)-1]
	c.RecordID = recs[len(recs)-1].RecordId()
	return c, nil
}

// Payload is an archived response read back.
type Payload struct {
	URL        string
	StatusCode int
	Header     http.Header
	Body       []byte // as received, content-encoding removed
	Date       time.Time
}

// Read returns the response stored at offset in file (a name within dir; a file
// still open for writing is found too). At most limit body bytes are returned.
func Read(dir, file string, offset, limit int64) (*Payload, error) {
	s, err := OpenResponse(dir, file, offset)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	raw, err := io.ReadAll(io.LimitReader(s.Body, limit))
	if err != nil {
		return nil, fmt.Errorf("%s@%d: %w", file, offset, err)
	}
	return &Payload{URL: s.URL, StatusCode: s.StatusCode, Header: s.Header, Date: s.Date,
		Body: Decode(raw, s.Header.Get("Content-Encoding"), limit)}, nil
}

// Stored is an archived response as it was received, its payload streamed from
// the WARC file with the content encoding it came with: the bytes whose SHA-256
// the capture names. Close it when done.
type Stored struct {
	URL        string
	StatusCode int
	Header     http.Header
	Date       time.Time
	Body       io.Reader

	r   *gowarc.WarcFileReader
	rec gowarc.Record
}

// Close releases the WARC file.
func (s *Stored) Close() error {
	s.rec.Close()
	return s.r.Close()
}

// OpenResponse opens the response stored at offset in file (a name within dir;
// a file still open for writing is found too) without reading its payload.
func OpenResponse(dir, file string, offset int64) (*Stored, error) {
	path := filepath.Join(dir, filepath.Base(file))
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		path += openSuffix
		if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("WARC file %s is not in %s", filepath.Base(file), dir)
		}
	}
	r, err := gowarc.NewWarcFileReader(path, offset)
	if err != nil {
		return nil, fmt.Errorf("%s@%d: %w", file, offset, err)
	}
	rec, err := r.Next()
	if err != nil {
		r.Close()
		return nil, fmt.Errorf("%s@%d: %w", file, offset, err)
	}
	s := &Stored{r: r, rec: rec}
	fail := func(format string, args ...any) (*Stored, error) {
		s.Close()
		return nil, fmt.Errorf("%s@%d: "+format, append([]any{file, offset}, args...)...)
	}
	wr := rec.WarcRecord
	if wr.Type() != gowarc.Response {
		return fail("a %s record, not a response", wr.Type())
	}
	block, ok := wr.Block().(gowarc.HttpResponseBlock)
	if !ok {
		return fail("the response has no HTTP payload")
	}
	if s.Body, err = block.PayloadBytes(); err != nil {
		return fail("%w", err)
	}
	s.URL = wr.WarcHeader().Get(gowarc.WarcTargetURI)
	s.StatusCode = block.HttpStatusCode()
	s.Date, _ = wr.Date()
	s.Header = http.Header{}
	if h := block.HttpHeader(); h != nil {
		s.Header = *h
	}
	return s, nil
}

// Decode removes a gzip or deflate content encoding. A body that does not decode
// (servers send a gzip header with a plain body) is returned as it came.
func Decode(body []byte, encoding string, limit int64) []byte {
	out, _ := DecodeCut(body, encoding, limit)
	return out
}

// DecodeCut is Decode that says whether the decoded body was cut at limit (a
// gzip bomb, a page that inflates past the page limit): what it returns is
// then only the body's beginning.
func DecodeCut(body []byte, encoding string, limit int64) ([]byte, bool) {
	var r io.Reader
	switch strings.ToLower(strings.TrimSpace(encoding)) {
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			return body, false
		}
		r = zr
	case "deflate":
		r = flate.NewReader(bytes.NewReader(body))
	default:
		return body, false
	}
	out, err := io.ReadAll(io.LimitReader(r, limit+1))
	switch {
	case int64(len(out)) > limit:
		return out[:limit], true
	case err != nil:
		return body, false
	}
	return out, false
}

// Location formats a capture's place for people and logs: file@offset.
func (c Capture) Location() string { return c.File + "@" + strconv.FormatInt(c.Offset, 10) }
