package web

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"

	"gongkai/archive"
	"gongkai/store"
)

var sha256RE = regexp.MustCompile(`^[0-9a-f]{64}$`)

// original hands out a document's bytes exactly as fetched, as a download that no
// browser renders: the archive is addressed by digest, so the request names no
// path, and the WARC file comes from the archive's own record of it. A response
// archived with a content encoding is sent with it, as the bytes the digest names
// (a client that decodes gets the page; curl without --compressed the archived
// file), streamed from the WARC file: a gzip bomb is never inflated here.
func (s *server) original(w http.ResponseWriter, r *http.Request) {
	sum := r.PathValue("sha256")
	if !sha256RE.MatchString(sum) {
		s.notFound(w, r, "存档中没有这个文件 No such archived document (give its SHA-256)")
		return
	}
	o, err := s.Store.Original(r.Context(), sum)
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r, "存档中没有这个文件 No such archived document")
		return
	}
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	var body io.Reader = bytes.NewReader(o.Bytes)
	size, encoding := int64(len(o.Bytes)), ""
	var served http.Header
	if o.Bytes == nil {
		if s.DataDir == "" {
			s.notFound(w, r, "存档文件不在本服务器 The archive's WARC files are not available here")
			return
		}
		stored, err := archive.OpenResponse(filepath.Join(s.DataDir, "warc"), o.Location.WARCFile, o.Location.Offset)
		if err != nil {
			s.fail(w, r, http.StatusInternalServerError, err)
			return
		}
		defer stored.Close()
		body, encoding = sentEncoding(stored)
		size, served = o.Size, stored.Header
	}
	h := w.Header()
	h.Set("Content-Type", "application/octet-stream")
	h.Set("Content-Disposition", attachment(originalName(o, served)))
	h.Set("Content-Length", strconv.FormatInt(size, 10))
	if encoding != "" {
		h.Set("Content-Encoding", encoding)
	}
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	h.Set("Cache-Control", "private, max-age=86400, immutable")
	if r.Method == http.MethodHead {
		return
	}
	// The digest is checked on the way: a WARC file damaged since cannot be
	// taken back once sent, but it is logged.
	digest := sha256.New()
	n, err := io.CopyN(io.MultiWriter(w, digest), body, size)
	switch {
	case err != nil && r.Context().Err() == nil:
		s.Logger.Error("sending an archived document", "sha256", sum, "sent", n, "size", size, "err", err)
	case err == nil && hex.EncodeToString(digest.Sum(nil)) != sum:
		s.Logger.Error("an archived document does not match its digest", "sha256", sum, "warc", o.Location.WARCFile, "offset", o.Location.Offset)
	}
}

// sentEncoding is the payload of an archived response and the content encoding
// to send it with: the one it was received with, unless that is a gzip the bytes
// are not (portals send Content-Encoding: gzip with a plain body), which no
// client could decode.
func sentEncoding(stored *archive.Stored) (io.Reader, string) {
	encoding := strings.Join(stored.Header.Values("Content-Encoding"), ", ")
	switch strings.ToLower(strings.TrimSpace(encoding)) {
	case "", "identity":
		return stored.Body, ""
	case "gzip", "x-gzip":
		br := bufio.NewReader(stored.Body)
		if magic, _ := br.Peek(2); !bytes.Equal(magic, []byte{0x1f, 0x8b}) {
			return br, ""
		}
		return br, encoding
	}
	return stored.Body, encoding
}

// nameParams are the query parameters download scripts name the file with
// (Hanweb's downfile.jsp?showname=…, …?filename=…).
var nameParams = []string{"showname", "filename", "fileName", "name", "title"}

// originalName is the name the document had where it was published: the one the
// portal's Content-Disposition gave (filename*, else a filename in UTF-8 or GBK),
// a download script's file-name parameter, or the last part of the URL's path;
// failing those, the digest's start. It keeps its extension, or gets the one its
// URL or media type gives.
func originalName(o *store.Original, served http.Header) string {
	name := ""
	if cd := served.Get("Content-Disposition"); cd != "" {
		if _, params, err := mime.ParseMediaType(cd); err == nil {
			name = params["filename"]
		} else if m := rawFilename.FindStringSubmatch(cd); m != nil {
			name = m[1]
		}
		name = decodeName(name)
	}
	if u, err := url.Parse(o.URI); err == nil {
		for _, p := range nameParams {
			if name == "" {
				name = u.Query().Get(p)
			}
		}
		if name == "" {
			name = path.Base(u.Path)
		}
	}
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || strings.ContainsRune(`/\:*?"<>|`, r) {
			return '_'
		}
		return r
	}, strings.TrimSpace(name))
	if name == "" || name == "." || name == ".." || name == "_" {
		name = o.SHA256[:16]
	}
	if !extRE.MatchString(strings.ToLower(path.Ext(name))) {
		name += extension(o)
	}
	return name
}

// rawFilename is a filename parameter that mime cannot parse: raw bytes, unquoted.
var rawFilename = regexp.MustCompile(`(?i)filename\s*=\s*"?([^";]+)"?`)

// decodeName reads a file name a portal sent as raw bytes: UTF-8 when it is,
// else GBK, as Chinese servers send it.
func decodeName(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	if d, err := simplifiedchinese.GBK.NewDecoder().String(s); err == nil {
		return d
	}
	return ""
}

var extRE = regexp.MustCompile(`^\.[a-z0-9]{1,5}$`)

// extension names the downloaded file's type from its URL, or from its media type.
func extension(o *store.Original) string {
	u := o.URI
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	if ext := strings.ToLower(path.Ext(u)); extRE.MatchString(ext) {
		return ext
	}
	if mt, _, err := mime.ParseMediaType(o.MediaType); err == nil {
		switch mt {
		case "text/html", "application/xhtml+xml":
			return ".html"
		case "text/plain":
			return ".txt"
		}
		if exts, _ := mime.ExtensionsByType(mt); len(exts) > 0 {
			return exts[0]
		}
	}
	return ".bin"
}
