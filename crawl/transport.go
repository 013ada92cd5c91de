package crawl

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptrace"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/PuerkitoBio/goquery"

	"gongkai/archive"
	"gongkai/internal/textfmt"
	"gongkai/parse"
)

// fetchHeader carries a fetch's id from the crawler to the transport, which
// strips it before the request leaves.
const fetchHeader = "X-Gongkai-Fetch"

// maxRequestBody bounds the body of a request the crawler sends (a list API's
// form or JSON), which is archived with it.
const maxRequestBody = 1 << 20

// hop is one response of a fetch: the final one, or a redirect before it.
type hop struct {
	URL     string
	Status  int
	Header  http.Header
	Capture archive.Capture
	Revisit bool // archived as a revisit of the previous capture
}

// fetchLog is what the transport learned while fetching one item.
type fetchLog struct {
	kind        Kind
	prev        *Previous
	hops        []hop
	body        []byte // the final page response's payload (content-encoding removed); nil for attachments
	contentType string
	tooLarge    bool
	attachment  bool // the body was taken as an attachment (streamed to disk)
	// inflated names the content encoding of a page whose body inflated past
	// the page limit ("" if it did not).
	inflated string
	doc      *goquery.Selection // the page as colly parsed it
	// charsetConflict says the page declared a charset its bytes are not in.
	charsetConflict string
}

// final is the last response of the fetch.
func (l *fetchLog) final() *hop {
	if len(l.hops) == 0 {
		return nil
	}
	return &l.hops[len(l.hops)-1]
}

// recorder is the crawler's HTTP transport: every response that reaches it, pages,
// attachments and redirects, is archived as WARC before anything reads it. Pages
// are held in memory up to the page limit; attachments go to a temporary file and
// into the archive, never into memory. What colly receives is the page decoded to
// UTF-8, or an empty body for an attachment.
type recorder struct {
	base      http.RoundTripper
	archive   *archive.Archive
	pageMax   int64
	attachMax int64
	tmpDir    string
	// timeout bounds one exchange, body included; minRate (bytes a second,
	// 0: none) is the least a body must bring in each rateWindow.
	timeout time.Duration
	minRate int64

	mu   sync.Mutex
	logs map[string]*fetchLog
	seq  int
}

func (t *recorder) register(kind Kind, prev *Previous) (string, *fetchLog) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.seq++
	id := strconv.Itoa(t.seq)
	l := &fetchLog{kind: kind, prev: prev}
	t.logs[id] = l
	return id, l
}

func (t *recorder) setDoc(id string, doc *goquery.Selection) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if l := t.logs[id]; l != nil {
		l.doc = doc
	}
}

func (t *recorder) forget(id string) {
	t.mu.Lock()
	delete(t.logs, id)
	t.mu.Unlock()
}

func (t *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	id := req.Header.Get(fetchHeader)
	t.mu.Lock()
	l := t.logs[id]
	t.mu.Unlock()
	if l == nil {
		l = &fetchLog{kind: KindList} // robots.txt and other requests of our own
	}
	// The exchange's own bounds, so that an error says what ran out: the
	// whole request's time, or the body's rate.
	ctx, cancel := context.WithCancelCause(req.Context())
	defer cancel(nil)
	if t.timeout > 0 {
		timer := time.AfterFunc(t.timeout, func() { cancel(errTimeout) })
		defer timer.Stop()
	}
	out := req.Clone(ctx)
	out.Header.Del(fetchHeader)
	var reqBody []byte
	if req.Body != nil && req.Body != http.NoBody {
		// A list API's POST body (a form or JSON of a few hundred bytes) is
		// archived with its request: it is what the answer answers.
		b, err := io.ReadAll(io.LimitReader(req.Body, maxRequestBody))
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		reqBody = b
		out.Body, out.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
	}
	var ip string
	out = out.WithContext(httptrace.WithClientTrace(out.Context(), &httptrace.ClientTrace{
		GotConn: func(info httptrace.GotConnInfo) {
			if a := info.Conn.RemoteAddr(); a != nil {
				ip, _, _ = strings.Cut(a.String(), ":")
				if strings.HasPrefix(a.String(), "[") {
					ip = strings.Trim(strings.SplitN(a.String(), "]", 2)[0], "[")
				}
			}
		},
	}))
	started := time.Now()
	resp, err := t.base.RoundTrip(out)
	if err != nil {
		if context.Cause(ctx) == errTimeout {
			return nil, fmt.Errorf("no response within timeout (%s): %w", t.timeout, err)
		}
		return nil, err
	}
	defer resp.Body.Close()
	x := archive.Exchange{
		URL: req.URL.String(), Method: req.Method, RequestHeader: out.Header, RequestBody: reqBody,
		Proto: resp.Proto, StatusCode: resp.StatusCode, ResponseHeader: resp.Header,
		Date: time.Now().UTC(), IP: ip,
	}
	if resp.StatusCode == http.StatusNotModified && l.prev != nil {
		c, err := t.archive.Revisit(x, l.prev.Capture, req.URL.String(), true)
		if err != nil {
			return nil, err
		}
		l.hops = append(l.hops, hop{URL: x.URL, Status: resp.StatusCode, Header: resp.Header, Capture: c, Revisit: true})
		return toColly(req, resp, nil, ""), nil
	}
	ctype := resp.Header.Get("Content-Type")
	attachment := l.kind == KindAttachment || !isPageType(ctype, req.URL.Path)
	limit := t.pageMax
	if attachment {
		limit = t.attachMax
	}
	body := &counter{r: resp.Body}
	stopWatch := t.watchRate(body, cancel)
	payload, err := t.download(body, limit, attachment)
	stopWatch()
	if err != nil {
		switch cause := context.Cause(ctx); {
		case cause == errTimeout:
			err = fmt.Errorf("the body was still arriving when timeout (%s) ended the request: %s in %s", t.timeout, textfmt.Bytes(body.n.Load()), time.Since(started).Round(time.Second))
		case errors.As(cause, new(*slowBody)):
			err = cause
		}
		return nil, fmt.Errorf("%s: %w", req.URL, err)
	}
	defer payload.close()
	h := hop{URL: x.URL, Status: resp.StatusCode, Header: resp.Header}
	if l.prev != nil && !payload.truncated && payload.sha256 == l.prev.Capture.SHA256 && resp.StatusCode == http.StatusOK {
		h.Capture, err = t.archive.Revisit(x, l.prev.Capture, req.URL.String(), false)
		h.Revisit = true
	} else {
		h.Capture, err = t.archive.Response(x, payload.reader(), payload.truncated)
	}
	if err != nil {
		return nil, err
	}
	l.hops = append(l.hops, h)
	l.contentType = ctype
	l.tooLarge, l.attachment = payload.truncated, attachment
	if attachment || payload.truncated {
		return toColly(req, resp, nil, ""), nil
	}
	page, cut := archive.DecodeCut(payload.mem, resp.Header.Get("Content-Encoding"), t.pageMax)
	if cut {
		// Only the page's beginning could be read: it is no page to parse.
		l.tooLarge, l.inflated = true, resp.Header.Get("Content-Encoding")
		return toColly(req, resp, nil, ""), nil
	}
	l.body = page
	decoded := parse.DecodePage(page, ctype)
	l.charsetConflict = decoded.Conflict
	return toColly(req, resp, []byte(decoded.Text), "text/html; charset=utf-8"), nil
}

// errTimeout ends an exchange that outlasted the crawl's timeout.
var errTimeout = errors.New("timeout")

// rateWindow is the stretch of time over which a body's rate is judged.
var rateWindow = 20 * time.Second

// slowBody ends an exchange whose body arrives too slowly (a trickling server).
type slowBody struct {
	got, total, minRate int64
	window              time.Duration
}

func (e *slowBody) Error() string {
	return fmt.Sprintf("the body arrived at %d bytes/s over %s (%s in all), below min_body_rate (%d bytes/s): abandoned",
		e.got*int64(time.Second)/int64(e.window), e.window, textfmt.Bytes(e.total), e.minRate)
}

// counter counts the bytes read through it.
type counter struct {
	r io.Reader
	n atomic.Int64
}

func (c *counter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// watchRate abandons a body that brings less than minRate bytes a second in a
// rateWindow, until the returned function stops it.
func (t *recorder) watchRate(body *counter, cancel context.CancelCauseFunc) func() {
	if t.minRate <= 0 {
		return func() {}
	}
	done := make(chan struct{})
	go func() {
		tick := time.NewTicker(rateWindow)
		defer tick.Stop()
		last := int64(0)
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				n := body.n.Load()
				if got := n - last; got*int64(time.Second) < t.minRate*int64(rateWindow) {
					cancel(&slowBody{got: got, total: n, minRate: t.minRate, window: rateWindow})
					return
				}
				last = n
			}
		}
	}()
	return func() { close(done) }
}

// decodePage reads a page's bytes as the parser does (BOM, header, <meta>, then
// UTF-8 or GB18030), so links are read from the same text that is parsed.
func decodePage(body []byte, contentType string) string { return parse.Decode(body, contentType) }

// isPageType says whether a response is a page (HTML or text) rather than a
// document to archive as it is.
func isPageType(contentType, path string) bool {
	if isAttachmentPath(path) {
		return false
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil || mt == "" {
		return true // undeclared: most portals serve pages without a proper type
	}
	// JSON (list APIs' answers) and scripts (a rendered page's) are read as text too.
	return strings.HasPrefix(mt, "text/") || strings.Contains(mt, "html") || strings.Contains(mt, "xml") ||
		strings.Contains(mt, "json") || strings.Contains(mt, "javascript")
}

func isAttachmentPath(p string) bool { return attachmentExt.MatchString(p) }

// toColly builds the response colly sees: the status and headers of the real one,
// the page decoded to UTF-8 (so colly does no charset guessing of its own), no
// content encoding.
func toColly(req *http.Request, resp *http.Response, body []byte, contentType string) *http.Response {
	h := resp.Header.Clone()
	h.Del("Content-Encoding")
	h.Del("Content-Length")
	if contentType != "" {
		h.Set("Content-Type", contentType)
	}
	return &http.Response{
		Status: resp.Status, StatusCode: resp.StatusCode, Proto: resp.Proto, ProtoMajor: resp.ProtoMajor, ProtoMinor: resp.ProtoMinor,
		Header: h, Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)), Request: req,
	}
}

// payload is a downloaded body: in memory for a page, in a temporary file for an
// attachment, with its digest, so that an unchanged body is archived as a revisit
// rather than a second copy.
type payload struct {
	mem       []byte
	file      *os.File
	sha256    string
	truncated bool
}

func (t *recorder) download(body io.Reader, limit int64, toDisk bool) (*payload, error) {
	p := &payload{}
	h := sha256.New()
	var w io.Writer
	var buf bytes.Buffer
	if toDisk {
		f, err := os.CreateTemp(t.tmpDir, "download-*")
		if err != nil {
			return nil, err
		}
		p.file = f
		w = io.MultiWriter(f, h)
	} else {
		w = io.MultiWriter(&buf, h)
	}
	n, err := io.Copy(w, io.LimitReader(body, limit))
	if err != nil {
		p.close()
		return nil, err
	}
	if n == limit {
		var one [1]byte
		if m, _ := body.Read(one[:]); m > 0 {
			p.truncated = true
		}
	}
	p.mem = buf.Bytes()
	p.sha256 = hex.EncodeToString(h.Sum(nil))
	if p.file != nil {
		if _, err := p.file.Seek(0, io.SeekStart); err != nil {
			p.close()
			return nil, err
		}
	}
	return p, nil
}

func (p *payload) reader() io.Reader {
	if p.file != nil {
		return p.file
	}
	return bytes.NewReader(p.mem)
}

func (p *payload) close() {
	if p.file != nil {
		p.file.Close()
		os.Remove(p.file.Name())
	}
}
