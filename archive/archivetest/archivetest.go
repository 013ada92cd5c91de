// Package archivetest gives tests a disk that fills up, for archives whose
// writes must fail as on a full filesystem without filling a real one.
package archivetest

import (
	"os"
	"sync"
	"syscall"

	"gongkai/archive"
)

// Disk is a filesystem with little room: writes to its files fail with ENOSPC,
// after writing what fits (as write(2) does), once the free bytes are spent,
// and cutting a file frees its bytes again.
type Disk struct {
	mu   sync.Mutex
	free int64
}

// NewDisk is a disk with free bytes of room.
func NewDisk(free int64) *Disk { return &Disk{free: free} }

// Free makes n more bytes of room.
func (d *Disk) Free(n int64) {
	d.mu.Lock()
	d.free += n
	d.mu.Unlock()
}

// Create creates a WARC file on the disk, as archive.CreateFile does; give it
// to archive.OpenWith.
func (d *Disk) Create(path string) (archive.File, error) {
	f, err := archive.CreateFile(path)
	if err != nil {
		return nil, err
	}
	return &file{File: f, d: d}, nil
}

type file struct {
	archive.File
	d *Disk
}

func (f *file) Write(p []byte) (int, error) {
	f.d.mu.Lock()
	room := min(int64(len(p)), f.d.free)
	f.d.free -= room
	f.d.mu.Unlock()
	n, err := f.File.Write(p[:room])
	if err == nil && n < len(p) {
		err = &os.PathError{Op: "write", Path: f.Name(), Err: syscall.ENOSPC}
	}
	return n, err
}

func (f *file) Truncate(size int64) error {
	st, err := os.Stat(f.Name())
	if err != nil {
		return err
	}
	if err := f.File.Truncate(size); err != nil {
		return err
	}
	if size < st.Size() {
		f.d.Free(st.Size() - size)
	}
	return nil
}
