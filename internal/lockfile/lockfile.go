// Package lockfile takes an exclusive lock on a file (flock), held by one
// process at a time and released by the kernel if the process dies, and says
// who holds it: the holder writes its PID, host, start time and command into
// the file.
package lockfile

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"
	"time"
)

// Holder is the process that holds a lock.
type Holder struct {
	PID     int       `json:"pid"`
	Host    string    `json:"host"`
	Since   time.Time `json:"since"`
	Command string    `json:"command"`
}

func (h Holder) String() string {
	if h.PID == 0 {
		return "a process that has not said who it is yet"
	}
	return fmt.Sprintf("pid %d on %s since %s (%s)", h.PID, h.Host, h.Since.Local().Format("2006-01-02 15:04:05 MST"), h.Command)
}

// HeldError says that another process holds the lock.
type HeldError struct {
	Path   string
	Holder Holder
}

func (e *HeldError) Error() string { return fmt.Sprintf("%s is held by %s", e.Path, e.Holder) }

// Lock is a lock this process holds.
type Lock struct {
	f      *os.File
	shared bool
}

// pollEvery is how often Acquire with wait tries again: flock itself cannot
// be given up when the context ends.
const pollEvery = 200 * time.Millisecond

// Acquire takes the lock at path (creating the file), naming this process as
// its holder. If another process holds it, Acquire returns a *HeldError at
// once, or with wait tries until the lock is free or ctx ends.
func Acquire(ctx context.Context, path string, wait bool) (*Lock, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			break
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			f.Close()
			return nil, fmt.Errorf("locking %s: %w", path, err)
		}
		if !wait {
			held := &HeldError{Path: path, Holder: readHolder(f)}
			f.Close()
			return nil, held
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, ctx.Err()
		case <-time.After(pollEvery):
		}
	}
	host, _ := os.Hostname()
	me, _ := json.Marshal(Holder{PID: os.Getpid(), Host: host, Since: time.Now().UTC(), Command: strings.Join(os.Args, " ")})
	if err := f.Truncate(0); err == nil {
		f.WriteAt(append(me, '\n'), 0)
	}
	return &Lock{f: f}, nil
}

// AcquireShared takes the lock at path shared with other processes that take
// it shared (crawl workers of one run on one data folder), and excludes any
// that takes it with Acquire. A shared holder writes no name: several hold it.
// If a process holds it with Acquire, AcquireShared returns a *HeldError.
func AcquireShared(path string) (*Lock, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB); err != nil {
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			f.Close()
			return nil, fmt.Errorf("locking %s: %w", path, err)
		}
		held := &HeldError{Path: path, Holder: readHolder(f)}
		f.Close()
		return nil, held
	}
	return &Lock{f: f, shared: true}, nil
}

// Holding returns the holder of the lock at path, if a process holds it.
func Holding(path string) (Holder, bool) {
	f, err := os.Open(path)
	if err != nil {
		return Holder{}, false
	}
	defer f.Close()
	if syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB) == nil {
		return Holder{}, false // free: a shared lock is released with f
	}
	return readHolder(f), true
}

func readHolder(f *os.File) Holder {
	var h Holder
	buf := make([]byte, 4096)
	n, _ := f.ReadAt(buf, 0)
	json.Unmarshal(buf[:n], &h)
	return h
}

// Release gives the lock up. The holder's name is cleared first, so that the
// file never names a process that no longer holds it.
func (l *Lock) Release() error {
	if !l.shared {
		l.f.Truncate(0)
	}
	return l.f.Close() // closing the last descriptor releases the flock
}
