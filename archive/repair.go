package archive

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	gowarc "github.com/nlnwa/gowarc/v3"
)

// repair makes every WARC file of the folder end with a whole record. A file a
// killed process left with its ".open" name is cut after its last whole record
// and gets its final name; a file with its final name whose last record is
// broken (renamed after a write that failed, by an earlier version) is cut the
// same way. Only the holder of the folder's writer lock calls it (Open), so no
// file it touches has a writer. It returns what it did, one line per file.
func repair(dir string) ([]string, error) {
	return repairMatching(dir, func(string) bool { return true })
}

// repairMatching repairs the WARC files whose names mine accepts (one
// worker's, of several writing into the folder).
func repairMatching(dir string, mine func(name string) bool) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var repaired []string
	for _, e := range entries {
		name := e.Name()
		open := strings.HasSuffix(name, ".warc.gz"+openSuffix)
		if e.IsDir() || !open && !strings.HasSuffix(name, ".warc.gz") || !mine(name) {
			continue
		}
		path := filepath.Join(dir, name)
		whole, size, err := tailWhole(path)
		if err != nil {
			return repaired, fmt.Errorf("checking %s: %w", path, err)
		}
		var did string
		if !whole {
			end, err := lastWholeRecord(path)
			if err != nil {
				return repaired, fmt.Errorf("repairing %s: %w", path, err)
			}
			if err := os.Truncate(path, end); err != nil {
				return repaired, err
			}
			did = fmt.Sprintf("cut after its last whole record (%d bytes of a broken record dropped)", size-end)
		}
		if open {
			final := strings.TrimSuffix(path, openSuffix)
			if err := os.Rename(path, final); err != nil {
				return repaired, err
			}
			name = filepath.Base(final)
			did = strings.TrimPrefix(did+", and closed: its writer was gone", ", and ")
		}
		if did != "" {
			repaired = append(repaired, name+": "+did)
		}
	}
	if len(repaired) > 0 {
		return repaired, syncDir(dir)
	}
	return nil, nil
}

// maxRecordBytes bounds how far from its end a file's last record may begin:
// the largest attachment kept (200 MB) with its headers.
const maxRecordBytes = 256 << 20

// tailWhole says whether a WARC file ends with a whole record, without reading
// the file through: each record is a gzip member of its own, so the file is
// whole if the last member, found from the end by its header, reads through to
// the end of the file as a WARC record whose checksum holds.
func tailWhole(path string) (whole bool, size int64, err error) {
	f, err := os.Open(path)
	if err != nil {
		return false, 0, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return false, 0, err
	}
	size = st.Size()
	if size == 0 {
		return true, 0, nil
	}
	const chunk = 1 << 20
	magic := []byte{0x1f, 0x8b, 0x08}
	buf := make([]byte, chunk+len(magic)-1)
	for end := size; end > 0 && size-end < maxRecordBytes; {
		start := max(0, end-chunk)
		n, err := f.ReadAt(buf[:min(int64(len(buf)), size-start)], start)
		if err != nil && err != io.EOF {
			return false, size, err
		}
		b := buf[:n]
		for i := bytes.LastIndex(b, magic); i >= 0; i = bytes.LastIndex(b[:i], magic) {
			if memberReachesEnd(f, start+int64(i), size) {
				return true, size, nil
			}
		}
		end = start
	}
	return false, size, nil
}

// memberReachesEnd says whether the gzip member at off is a WARC record that
// ends exactly at the end of the file.
func memberReachesEnd(f *os.File, off, size int64) bool {
	r := &byteCounter{r: bufio.NewReader(io.NewSectionReader(f, off, size-off))}
	zr, err := gzip.NewReader(r)
	if err != nil {
		return false
	}
	zr.Multistream(false)
	head := make([]byte, 6)
	if _, err := io.ReadFull(zr, head); err != nil || string(head) != "WARC/1" {
		return false
	}
	if _, err := io.Copy(io.Discard, zr); err != nil {
		return false
	}
	return off+r.n == size
}

// byteCounter counts what gzip reads; being an io.ByteReader, it keeps gzip from
// reading ahead past the member's end.
type byteCounter struct {
	r *bufio.Reader
	n int64
}

func (c *byteCounter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func (c *byteCounter) ReadByte() (byte, error) {
	b, err := c.r.ReadByte()
	if err == nil {
		c.n++
	}
	return b, err
}

// lastWholeRecord returns the offset just after the last record that reads whole.
func lastWholeRecord(path string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	r, err := gowarc.NewWarcFileReaderFromStream(bufio.NewReader(f), 0)
	if err != nil {
		return 0, nil
	}
	defer r.Close()
	var end int64
	for {
		rec, err := r.Next()
		if err != nil {
			return end, nil
		}
		// Reading the block through proves the record is whole.
		if _, err := io.Copy(io.Discard, blockReader(rec.WarcRecord)); err != nil {
			rec.Close()
			return end, nil
		}
		end = rec.Offset + rec.Size
		rec.Close()
	}
}

func blockReader(r gowarc.WarcRecord) io.Reader {
	rd, err := r.Block().RawBytes()
	if err != nil {
		return errReader{err}
	}
	return rd
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }
