package index

import (
	"slices"
	"strings"
)

// segmentBuilder collects reports' postings in memory and writes them as a
// segment. Each term's list is kept as it is written, as varints: its reports
// (the distance from the one before, the count) in one stream, their positions
// (the distance from the one before, within a report) in another. Streams are
// chains of chunks in one arena, so that a term costs a few bytes a report and
// no slice of its own to grow: a segment's millions of (term, report) pairs
// were three growing slices of four-byte numbers each, which took about eight
// times the text in memory and a fifth of the build's time to append to.
type segmentBuilder struct {
	index gramTable // gram → its index in terms
	words map[string]int32
	terms []builderTerm
	arena arena
	docs  []uint32
	lens  [3][]uint32
	bytes int // text taken in
}

type builderTerm struct {
	gram      gramKey
	word      string // the term when it is not a gram
	last      uint32 // the last report added
	n         uint32 // reports
	docs, pos stream
}

func newSegmentBuilder() *segmentBuilder {
	return &segmentBuilder{words: map[string]int32{}}
}

// add takes a report; reports come in ascending id order.
func (b *segmentBuilder) add(a *analyzed) {
	b.docs = append(b.docs, a.id)
	for i := range b.lens {
		b.lens[i] = append(b.lens[i], a.lens[i])
	}
	b.bytes += a.bytes
	for i, k := range a.grams {
		j, added := b.index.index(k, int32(len(b.terms)))
		if added {
			b.terms = append(b.terms, builderTerm{gram: k})
		}
		b.addTo(j, a, i)
	}
	for i, w := range a.words {
		j, ok := b.words[w]
		if !ok {
			j = int32(len(b.terms))
			b.words[w] = j
			b.terms = append(b.terms, builderTerm{word: w})
		}
		b.addTo(j, a, len(a.grams)+i)
	}
}

// addTo adds report a's term i to the list of term j.
func (b *segmentBuilder) addTo(j int32, a *analyzed, i int) {
	t := &b.terms[j]
	b.arena.uvarint(&t.docs, a.id-t.last)
	b.arena.uvarint(&t.docs, a.tf[i])
	var prev uint32
	for _, p := range a.termPos(i) {
		b.arena.uvarint(&t.pos, p-prev)
		prev = p
	}
	t.last = a.id
	t.n++
}

// key is a term as the dictionary keeps it.
func (t *builderTerm) key(buf []byte) []byte {
	if t.word != "" {
		return append(buf, t.word...)
	}
	return t.gram.bytes(buf)
}

// posting decodes a term's streams into p, whose slices it reuses.
func (b *segmentBuilder) posting(t *builderTerm, p *posting) {
	p.docs, p.tfs, p.pos = p.docs[:0], p.tfs[:0], p.pos[:0]
	r := b.arena.reader(&t.docs)
	var doc uint32
	for range t.n {
		doc += r.uvarint()
		tf := r.uvarint()
		p.docs, p.tfs = append(p.docs, doc), append(p.tfs, tf)
	}
	if t.pos.head == 0 {
		return
	}
	r = b.arena.reader(&t.pos)
	for _, tf := range p.tfs {
		var q uint32
		for range tf {
			q += r.uvarint()
			p.pos = append(p.pos, q)
		}
	}
}

// write writes the segment into dir under a new name, durably.
func (b *segmentBuilder) write(dir, name string) error {
	type term struct {
		key string
		t   *builderTerm
	}
	terms := make([]term, len(b.terms))
	var buf []byte
	for i := range b.terms {
		buf = b.terms[i].key(buf[:0])
		terms[i] = term{string(buf), &b.terms[i]}
	}
	slices.SortFunc(terms, func(x, y term) int { return strings.Compare(x.key, y.key) })
	var p posting
	return writeSegment(dir, name, b.docs, b.lens, func(emit func(key string, p *posting) error) error {
		for _, t := range terms {
			b.posting(t.t, &p)
			if err := emit(t.key, &p); err != nil {
				return err
			}
		}
		return nil
	})
}

// ---- the arena ----

// arena holds streams of bytes in chains of chunks on pages of arenaPage
// bytes. A chunk starts with where the next one starts (4 bytes); chunks are
// 16 bytes at first and double up to 1 KB, so that a term found once costs
// 16 bytes and a common one wastes little.
type arena struct {
	pages [][]byte
	used  int // bytes used on the last page
}

const (
	arenaPage  = 1 << 20
	firstChunk = 16
	lastChunk  = 1024
)

// stream is a chain of chunks: offsets into the arena (page<<20 | byte); head
// 0 for none (the arena's first bytes are never a chunk).
type stream struct {
	head, tail, at, end int32
}

func (a *arena) chunk(size int) int32 {
	if len(a.pages) == 0 || a.used+size > arenaPage {
		a.pages = append(a.pages, make([]byte, arenaPage))
		a.used = 0
		if len(a.pages) == 1 {
			a.used = 4 // offset 0 means no chunk
		}
	}
	at := int32(len(a.pages)-1)<<20 | int32(a.used)
	a.used += size
	return at
}

func (a *arena) byteAt(off int32) *byte { return &a.pages[off>>20][off&(arenaPage-1)] }

func (a *arena) put32(off, v int32) {
	p := a.pages[off>>20][off&(arenaPage-1):]
	p[0], p[1], p[2], p[3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
}

func (a *arena) get32(off int32) int32 {
	p := a.pages[off>>20][off&(arenaPage-1):]
	return int32(p[0]) | int32(p[1])<<8 | int32(p[2])<<16 | int32(p[3])<<24
}

func (a *arena) writeByte(s *stream, c byte) {
	if s.at == s.end {
		size := firstChunk
		if s.head != 0 {
			size = min(2*int(s.end-s.tail), lastChunk)
		}
		next := a.chunk(size)
		if s.head == 0 {
			s.head = next
		} else {
			a.put32(s.tail, next)
		}
		s.tail, s.at, s.end = next, next+4, next+int32(size)
	}
	*a.byteAt(s.at) = c
	s.at++
}

func (a *arena) uvarint(s *stream, v uint32) {
	if s.end-s.at >= 5 {
		// Room for any value in the chunk: written at once.
		p := a.pages[s.at>>20][s.at&(arenaPage-1):]
		n := 0
		for v >= 0x80 {
			p[n] = byte(v) | 0x80
			v >>= 7
			n++
		}
		p[n] = byte(v)
		s.at += int32(n + 1)
		return
	}
	for v >= 0x80 {
		a.writeByte(s, byte(v)|0x80)
		v >>= 7
	}
	a.writeByte(s, byte(v))
}

// streamReader reads a stream from its start.
type streamReader struct {
	a             *arena
	s             *stream
	chunk, at, to int32
	size          int
}

func (a *arena) reader(s *stream) *streamReader {
	r := &streamReader{a: a, s: s, chunk: s.head, size: firstChunk}
	r.at, r.to = s.head+4, s.head+int32(firstChunk)
	if s.head == s.tail {
		r.to = s.at
	}
	return r
}

func (r *streamReader) byte() byte {
	if r.at == r.to {
		next := r.a.get32(r.chunk)
		r.size = min(2*r.size, lastChunk)
		r.chunk, r.at, r.to = next, next+4, next+int32(r.size)
		if next == r.s.tail {
			r.to = r.s.at
		}
	}
	c := *r.a.byteAt(r.at)
	r.at++
	return c
}

func (r *streamReader) uvarint() uint32 {
	var v uint32
	for shift := 0; ; shift += 7 {
		c := r.byte()
		v |= uint32(c&0x7f) << shift
		if c < 0x80 {
			return v
		}
	}
}
