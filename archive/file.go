package archive

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	gowarc "github.com/nlnwa/gowarc/v3"
)

// maxFileSize is the size past which the next exchange starts a new WARC file.
const maxFileSize = 1 << 30

// File is what a WARC file is written through: an *os.File, or a file of a
// filesystem of one's own (archivetest's disk that fills up).
type File interface {
	io.Writer
	io.Seeker
	Truncate(size int64) error
	Sync() error
	Close() error
	Name() string
}

// fileWriter writes records into WARC files of the archive folder, one gzip
// member per record, so that a file holds only whole records at every moment
// that counts: an exchange (request and response) is written, then synced, and
// a write that fails (a full disk) is cut off again, leaving the file as it was
// before and the offsets of later records true. A file has its ".open" name
// while written and gets its final name only when closed whole; one that could
// not be cut back keeps its ".open" name, for Repair.
//
// gowarc's WarcFileWriter builds the same files, but after a failed write it
// leaves the half record in the file, places the next records at offsets it no
// longer knows, and renames the file as if it were whole.
type fileWriter struct {
	dir    string
	create func(path string) (File, error)
	// worker, if set, ends each file's name: the crawl worker that wrote it.
	worker string

	f          File
	name       string // the final name
	size       int64  // bytes of whole records
	warcinfoID string
	serial     int
	marshaler  gowarc.Marshaler
	gz         *gzip.Writer
	buf        *bufio.Writer
}

func newFileWriter(dir string, create func(path string) (File, error)) *fileWriter {
	return &fileWriter{dir: dir, marshaler: gowarc.NewMarshaler(), create: create}
}

// CreateFile creates a new WARC file at path, as Open does.
func CreateFile(path string) (File, error) {
	return os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
}

// write writes the records of one exchange together, each naming the others
// as concurrent, and returns the file and the offset of each.
func (w *fileWriter) write(recs []gowarc.WarcRecord) (file string, offsets []int64, err error) {
	for _, r := range recs {
		for _, other := range recs {
			if other != r {
				r.WarcHeader().AddId(gowarc.WarcConcurrentTo, other.WarcHeader().GetId(gowarc.WarcRecordID))
			}
		}
	}
	if w.f != nil && w.size >= maxFileSize {
		if err := w.close(); err != nil {
			return "", nil, err
		}
	}
	if w.f == nil {
		if err := w.open(); err != nil {
			return "", nil, err
		}
	}
	start := w.size
	end := start
	for _, r := range recs {
		r.WarcHeader().SetId(gowarc.WarcWarcinfoID, w.warcinfoID)
		offsets = append(offsets, end)
		n, err := w.record(r)
		if err != nil {
			return "", nil, w.undo(start, err)
		}
		end += n
	}
	// A record the store points to must be on disk.
	if err := w.f.Sync(); err != nil {
		return "", nil, w.undo(start, err)
	}
	w.size = end
	return w.name, offsets, nil
}

// record writes one record as a gzip member and returns its compressed size.
func (w *fileWriter) record(r gowarc.WarcRecord) (int64, error) {
	cw := &countingWriter{w: w.f}
	if w.buf == nil {
		w.buf = bufio.NewWriterSize(cw, 64<<10)
		w.gz, _ = gzip.NewWriterLevel(w.buf, gzip.DefaultCompression)
	}
	w.buf.Reset(cw)
	w.gz.Reset(w.buf)
	if _, _, err := w.marshaler.Marshal(w.gz, r, 0); err != nil {
		return 0, err
	}
	if err := w.gz.Close(); err != nil {
		return 0, err
	}
	if err := w.buf.Flush(); err != nil {
		return 0, err
	}
	return cw.n, nil
}

// undo cuts the file back to its last whole record after a failed write. If
// even that fails, the file is closed under its ".open" name for Repair, and
// the next exchange starts a new file.
func (w *fileWriter) undo(size int64, cause error) error {
	err := w.f.Truncate(size)
	if err == nil {
		_, err = w.f.Seek(size, io.SeekStart)
	}
	if err != nil {
		w.f.Close()
		w.f = nil
		return fmt.Errorf("%w (and %s could not be cut back to its last whole record: %v)", cause, w.name+openSuffix, err)
	}
	return cause
}

// open starts a new file with its warcinfo record.
func (w *fileWriter) open() error {
	w.serial++
	w.name = fmt.Sprintf("gongkai-%s-%05d-%d.warc.gz", time.Now().UTC().Format("20060102150405"), w.serial, os.Getpid())
	if w.worker != "" {
		w.name = strings.TrimSuffix(w.name, ".warc.gz") + "-" + w.worker + ".warc.gz"
	}
	path := filepath.Join(w.dir, w.name+openSuffix)
	f, err := w.create(path)
	if err != nil {
		return err
	}
	w.f, w.size = f, 0
	info := gowarc.NewRecordBuilder(gowarc.Warcinfo)
	info.AddWarcHeaderTime(gowarc.WarcDate, time.Now())
	info.AddWarcHeader(gowarc.WarcFilename, w.name)
	info.AddWarcHeader(gowarc.ContentType, gowarc.ApplicationWarcFields)
	if _, err := info.WriteString("software: gongkai\r\nformat: WARC File Format 1.1\r\n"); err != nil {
		info.Close()
		return w.abandon(err)
	}
	rec, _, err := info.Build()
	if err != nil {
		info.Close()
		return w.abandon(err)
	}
	defer rec.Close()
	n, err := w.record(rec)
	if err == nil {
		err = w.f.Sync()
	}
	if err != nil {
		return w.abandon(err)
	}
	w.size = n
	w.warcinfoID = rec.WarcHeader().GetId(gowarc.WarcRecordID)
	return nil
}

// abandon removes a new file that could not get its warcinfo record.
func (w *fileWriter) abandon(cause error) error {
	w.f.Close()
	os.Remove(w.f.Name())
	w.f = nil
	return cause
}

// close finishes the current file: synced, closed, and renamed to its final
// name, the rename synced with the folder.
func (w *fileWriter) close() error {
	if w.f == nil {
		return nil
	}
	f := w.f
	w.f = nil
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	open := f.Name()
	if err := os.Rename(open, strings.TrimSuffix(open, openSuffix)); err != nil {
		return err
	}
	return syncDir(w.dir)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
