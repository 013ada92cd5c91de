package web

import (
	"errors"
	"mime"
	"net/http"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"gongkai/archive"
	"gongkai/store"
)

// maxOriginal caps the bytes of an original read back from a WARC file: the
// crawler keeps attachments up to 200 MB.
const maxOriginal = 256 << 20

var sha256RE = regexp.MustCompile(`^[0-9a-f]{64}$`)

// original hands out a document's bytes exactly as fetched, as a download that no
// browser renders: the archive is addressed by digest, so the request names no
// path, and the WARC file comes from the archive's own record of it.
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
	data := o.Bytes
	if data == nil {
		if s.DataDir == "" {
			s.notFound(w, r, "存档文件不在本服务器 The archive's WARC files are not available here")
			return
		}
		p, err := archive.Read(filepath.Join(s.DataDir, "warc"), o.Location.WARCFile, o.Location.Offset, maxOriginal)
		if err != nil {
			s.fail(w, r, http.StatusInternalServerError, err)
			return
		}
		data = p.Body
	}
	h := w.Header()
	h.Set("Content-Type", "application/octet-stream")
	h.Set("Content-Disposition", attachment(sum[:16]+extension(o)))
	h.Set("Content-Length", strconv.Itoa(len(data)))
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	h.Set("Cache-Control", "private, max-age=86400, immutable")
	if r.Method != http.MethodHead {
		w.Write(data)
	}
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
