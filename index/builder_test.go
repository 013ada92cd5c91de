package index

import (
	"encoding/binary"
	"math/rand/v2"
	"testing"
)

// Streams written a value at a time, interleaved, read back the same values:
// across their chunks (growing to the largest) and the arena's pages.
func TestArenaStreams(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var a arena
	streams := make([]stream, 3000)
	want := make([][]uint32, len(streams))
	for range 400_000 {
		i := r.IntN(len(streams))
		if i%10 == 0 {
			i = 0 // one long stream
		}
		v := r.Uint32() >> r.IntN(32)
		a.uvarint(&streams[i], v)
		want[i] = append(want[i], v)
	}
	if len(a.pages) < 2 {
		t.Fatalf("%d pages: the test does not cross one", len(a.pages))
	}
	for i := range streams {
		if len(want[i]) == 0 {
			if streams[i].head != 0 {
				t.Fatalf("stream %d: written to, though nothing was", i)
			}
			continue
		}
		rd := a.reader(&streams[i])
		for j, w := range want[i] {
			if got := rd.uvarint(); got != w {
				t.Fatalf("stream %d value %d: %d, want %d", i, j, got, w)
			}
		}
		if rd.at != streams[i].at {
			t.Fatalf("stream %d: read to %d, written to %d", i, rd.at, streams[i].at)
		}
	}
}

// skipVarints skips as many varints as asked, wherever they end in the
// eight-byte words it reads.
func TestSkipVarints(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 2000 {
		var b []byte
		var ends []int // where each varint ends
		for range r.IntN(40) {
			b = binary.AppendUvarint(b, r.Uint64()>>r.IntN(64))
			ends = append(ends, len(b))
		}
		for n := range len(ends) + 1 {
			want := 0
			if n > 0 {
				want = ends[n-1]
			}
			if got := len(b) - len(skipVarints(b, uint32(n))); got != want {
				t.Fatalf("skipping %d of %d varints (%x): at byte %d, want %d", n, len(ends), b, got, want)
			}
		}
	}
}
