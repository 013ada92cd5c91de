// Package redistest starts a real redis-server on loopback for a test: no
// persistence, a free port, stopped with the test. Without redis-server the
// test skips with how to install it, except in CI (CI=true) or with
// GONGKAI_REQUIRE_REDIS=1, where it fails: CI installs it and never skips.
package redistest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"testing"
	"time"
)

// Server is a redis-server a test started.
type Server struct {
	t    testing.TB
	bin  string
	port int
	cmd  *exec.Cmd
}

// Start starts a redis-server on 127.0.0.1 and a free port.
func Start(t testing.TB) *Server {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("CI") == "true" || os.Getenv("GONGKAI_REQUIRE_REDIS") != "" {
			t.Fatal("redis-server is not installed, and CI must run the tests that need it (apt-get install redis-server)")
		}
		t.Skip("needs redis-server (Debian: apt-get install redis-server); the test starts its own on loopback")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	s := &Server{t: t, bin: bin, port: port}
	s.start()
	t.Cleanup(s.stop)
	return s
}

// URL is the server's redis:// URL.
func (s *Server) URL() string { return fmt.Sprintf("redis://127.0.0.1:%d/0", s.port) }

// Addr is the server's host:port.
func (s *Server) Addr() string { return fmt.Sprintf("127.0.0.1:%d", s.port) }

func (s *Server) start() {
	s.t.Helper()
	dir := s.t.TempDir()
	s.cmd = exec.Command(s.bin, "--bind", "127.0.0.1", "--port", fmt.Sprint(s.port), "--save", "", "--appendonly", "no",
		"--dir", dir, "--protected-mode", "yes", "--loglevel", "warning")
	if err := s.cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	for deadline := time.Now().Add(30 * time.Second); ; {
		c, err := net.DialTimeout("tcp", s.Addr(), time.Second)
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("redis-server did not listen on %s: %v", s.Addr(), err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (s *Server) stop() {
	if s.cmd != nil && s.cmd.Process != nil {
		s.cmd.Process.Kill()
		s.cmd.Wait()
		s.cmd = nil
	}
}

// Restart kills the server (losing everything it held: no persistence) and
// starts it again on the same port.
func (s *Server) Restart() {
	s.t.Helper()
	s.stop()
	s.start()
}
