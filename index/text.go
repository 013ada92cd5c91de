package index

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
)

// The text index is a folder of segment files (textDir inside the index's
// folder) and a manifest naming those in use. A segment holds the postings of
// the reports a sync indexed, written once; a report indexed again is in a newer
// segment too, and the newest one that holds a report is its text. Segments are
// merged, their dead postings dropped, when there are many of about the same
// size. A segment is written and put in the manifest before bleve takes its
// reports' batches, so that a killed sync leaves no report in bleve without its
// text (but perhaps text that bleve does not hold: a report not in bleve is not
// found).

const (
	textDir      = "text"
	manifestFile = "MANIFEST"
	segMagic     = "GKTEXT02"
)

// segment is an open segment file.
type segment struct {
	name  string
	f     *os.File
	size  int64
	docs  []uint32    // report ids, ascending
	lens  [3][]uint32 // by position in docs
	keys  []byte      // the dictionary: terms one after another, ascending
	keyAt []uint32    // where term i starts in keys (and one more entry: the end)
	off   []uint64    // where term i's posting list starts in the file
	plen  []uint32    // its length
	dlen  []uint32    // the length of its part before the positions
	df    []uint32
	refs  atomic.Int32 // snapshots using it, and 1 while it is in the index
}

func (s *segment) key(i int) []byte { return s.keys[s.keyAt[i]:s.keyAt[i+1]] }

// find returns the index of a term in the dictionary, or -1.
func (s *segment) find(key []byte) int {
	n := len(s.keyAt) - 1
	i := sort.Search(n, func(i int) bool { return bytes.Compare(s.key(i), key) >= 0 })
	if i < n && bytes.Equal(s.key(i), key) {
		return i
	}
	return -1
}

// posting reads term i's posting list, with its positions or without.
func (s *segment) posting(i int, positions bool) ([]byte, error) {
	n := s.dlen[i]
	if positions {
		n = s.plen[i]
	}
	b := make([]byte, n)
	if _, err := s.f.ReadAt(b, int64(s.off[i])); err != nil {
		return nil, fmt.Errorf("search index: text segment %s: %w", s.name, err)
	}
	return b, nil
}

func (s *segment) release() {
	if s.refs.Add(-1) == 0 {
		s.f.Close()
	}
}

// ---- writing ----

// writeSegment writes a segment of the given reports, whose postings each
// calls emit with, term after term in ascending order.
func writeSegment(dir, name string, docs []uint32, lens [3][]uint32, each func(emit func(string, *posting) error) error) error {
	tmp := filepath.Join(dir, name+".tmp")
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	off := uint64(len(segMagic))
	w.WriteString(segMagic)
	var dict, buf []byte
	nTerms := 0
	err = each(func(key string, p *posting) error {
		docsLen, n := p.rawDocs, p.rawN
		if p.raw != nil {
			buf = p.raw
		} else {
			buf, docsLen = encodePosting(buf[:0], p, positional(key[0], key[1]))
			n = len(p.docs)
		}
		if _, err := w.Write(buf); err != nil {
			return err
		}
		dict = binary.AppendUvarint(dict, uint64(len(key)))
		dict = append(dict, key...)
		dict = binary.AppendUvarint(dict, uint64(len(buf)))
		dict = binary.AppendUvarint(dict, uint64(docsLen))
		dict = binary.AppendUvarint(dict, uint64(n))
		off += uint64(len(buf))
		nTerms++
		return nil
	})
	if err != nil {
		return err
	}
	// The reports, their lengths, then the dictionary, then where they start.
	docsAt := off
	buf = buf[:0]
	var prev uint32
	for i, d := range docs {
		buf = binary.AppendUvarint(buf, uint64(d-prev))
		prev = d
		for f := range lens {
			buf = binary.AppendUvarint(buf, uint64(lens[f][i]))
		}
	}
	w.Write(buf)
	dictAt := docsAt + uint64(len(buf))
	w.Write(dict)
	var foot []byte
	foot = binary.LittleEndian.AppendUint64(foot, docsAt)
	foot = binary.LittleEndian.AppendUint64(foot, dictAt)
	foot = binary.LittleEndian.AppendUint32(foot, uint32(len(docs)))
	foot = binary.LittleEndian.AppendUint32(foot, uint32(nTerms))
	foot = append(foot, segMagic...)
	w.Write(foot)
	if err := w.Flush(); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(dir, name))
}

const footLen = 8 + 8 + 4 + 4 + len(segMagic)

func openSegment(dir, name string) (*segment, error) {
	f, err := os.Open(filepath.Join(dir, name))
	if err != nil {
		return nil, err
	}
	s, err := readSegment(f, name)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("search index: text segment %s: %w", name, err)
	}
	s.refs.Store(1)
	return s, nil
}

func readSegment(f *os.File, name string) (*segment, error) {
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	size := st.Size()
	if size < int64(len(segMagic)+footLen) {
		return nil, errCorrupt
	}
	foot := make([]byte, footLen)
	if _, err := f.ReadAt(foot, size-int64(footLen)); err != nil {
		return nil, err
	}
	if string(foot[24:]) != segMagic {
		return nil, errCorrupt
	}
	docsAt, dictAt := binary.LittleEndian.Uint64(foot), binary.LittleEndian.Uint64(foot[8:])
	nDocs, nTerms := binary.LittleEndian.Uint32(foot[16:]), binary.LittleEndian.Uint32(foot[20:])
	end := uint64(size) - uint64(footLen)
	if docsAt > dictAt || dictAt > end {
		return nil, errCorrupt
	}
	tail := make([]byte, end-docsAt)
	if _, err := f.ReadAt(tail, int64(docsAt)); err != nil {
		return nil, err
	}
	s := &segment{name: name, f: f, size: size}
	r := bytes.NewReader(tail[:dictAt-docsAt])
	var prev uint32
	for range nDocs {
		d, err := binary.ReadUvarint(r)
		if err != nil {
			return nil, errCorrupt
		}
		prev += uint32(d)
		s.docs = append(s.docs, prev)
		for i := range s.lens {
			l, err := binary.ReadUvarint(r)
			if err != nil {
				return nil, errCorrupt
			}
			s.lens[i] = append(s.lens[i], uint32(l))
		}
	}
	dict := tail[dictAt-docsAt:]
	off := uint64(len(segMagic))
	s.keyAt = make([]uint32, 0, nTerms+1)
	s.off, s.plen, s.df = make([]uint64, 0, nTerms), make([]uint32, 0, nTerms), make([]uint32, 0, nTerms)
	s.keys = make([]byte, 0, len(dict))
	s.dlen = make([]uint32, 0, nTerms)
	for range nTerms {
		var v [4]uint64
		kl, k := binary.Uvarint(dict)
		if k <= 0 || int(kl)+k > len(dict) {
			return nil, errCorrupt
		}
		s.keyAt = append(s.keyAt, uint32(len(s.keys)))
		s.keys = append(s.keys, dict[k:k+int(kl)]...)
		dict = dict[k+int(kl):]
		for j := 1; j < 4; j++ {
			x, k := binary.Uvarint(dict)
			if k <= 0 {
				return nil, errCorrupt
			}
			v[j], dict = x, dict[k:]
		}
		s.off = append(s.off, off)
		s.plen = append(s.plen, uint32(v[1]))
		s.dlen = append(s.dlen, uint32(v[2]))
		s.df = append(s.df, uint32(v[3]))
		off += v[1]
	}
	if off != docsAt {
		return nil, errCorrupt
	}
	s.keyAt = append(s.keyAt, uint32(len(s.keys)))
	return s, nil
}

// ---- the text index ----

type manifest struct {
	Next     int      `json:"next"`
	Segments []string `json:"segments"` // oldest first
}

// textIndex is the text index of one index folder.
type textIndex struct {
	dir      string
	readOnly bool

	mu   sync.Mutex
	man  manifest
	segs []*segment // as the manifest names them
	gen  uint64     // counts changes of segs
	snap *textSnapshot
}

func openText(indexDir string, readOnly bool) (*textIndex, error) {
	t := &textIndex{dir: filepath.Join(indexDir, textDir), readOnly: readOnly}
	b, err := os.ReadFile(filepath.Join(t.dir, manifestFile))
	switch {
	case errors.Is(err, os.ErrNotExist):
		if readOnly {
			return t, nil
		}
		if err := os.MkdirAll(t.dir, 0o755); err != nil {
			return nil, err
		}
	case err != nil:
		return nil, err
	default:
		if err := json.Unmarshal(b, &t.man); err != nil {
			return nil, fmt.Errorf("search index: %s: %w", filepath.Join(t.dir, manifestFile), err)
		}
	}
	for _, name := range t.man.Segments {
		s, err := openSegment(t.dir, name)
		if err != nil {
			t.close()
			return nil, err
		}
		t.segs = append(t.segs, s)
	}
	if !readOnly {
		// Segments a killed sync or merge wrote but did not put in the manifest.
		entries, _ := os.ReadDir(t.dir)
		for _, e := range entries {
			if e.Name() != manifestFile && !slices.Contains(t.man.Segments, e.Name()) {
				os.Remove(filepath.Join(t.dir, e.Name()))
			}
		}
	}
	return t, nil
}

func (t *textIndex) close() {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, s := range t.segs {
		s.release()
	}
	t.segs = nil
	if t.snap != nil {
		t.snap.release()
		t.snap = nil
	}
}

func (t *textIndex) newName() string {
	t.man.Next++
	return fmt.Sprintf("%08d.seg", t.man.Next)
}

// writeManifest puts the manifest in place; t.mu is held.
func (t *textIndex) writeManifest() error {
	b, err := json.Marshal(t.man)
	if err != nil {
		return err
	}
	tmp := filepath.Join(t.dir, manifestFile+".tmp")
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	f, err := os.Open(tmp)
	if err == nil {
		err = f.Sync()
		f.Close()
	}
	if err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(t.dir, manifestFile))
}

// add writes a builder's reports as a new segment and puts it in the index.
func (t *textIndex) add(b *segmentBuilder) error {
	if len(b.docs) == 0 {
		return nil
	}
	t.mu.Lock()
	name := t.newName()
	t.mu.Unlock()
	if err := b.write(t.dir, name); err != nil {
		return err
	}
	s, err := openSegment(t.dir, name)
	if err != nil {
		return err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.man.Segments = append(t.man.Segments, name)
	if err := t.writeManifest(); err != nil {
		t.man.Segments = t.man.Segments[:len(t.man.Segments)-1]
		s.release()
		return err
	}
	t.segs = append(t.segs, s)
	t.gen++
	return nil
}

// mergeFactor segments of about the same size are merged into one.
const mergeFactor = 8

// compact merges segments of about the same size (within a factor of
// mergeFactor of reports) while there are mergeFactor of them, keeping only
// the postings of the reports live holds, each from its newest segment.
func (t *textIndex) compact(live func(uint32) bool) error {
	for {
		t.mu.Lock()
		segs := slices.Clone(t.segs)
		t.mu.Unlock()
		pick := mergeCandidates(segs)
		if pick == nil {
			return nil
		}
		if err := t.merge(pick, live); err != nil {
			return err
		}
	}
}

// mergeCandidates picks the segments to merge next: the oldest mergeFactor of
// a tier that has that many (reports counted in powers of mergeFactor),
// smallest tier first.
func mergeCandidates(segs []*segment) []*segment {
	tiers := map[int][]*segment{}
	for _, s := range segs {
		tier := 0
		for n := len(s.docs); n >= mergeFactor*1000; n /= mergeFactor {
			tier++
		}
		tiers[tier] = append(tiers[tier], s)
	}
	for tier := 0; tier < 12; tier++ {
		if len(tiers[tier]) >= mergeFactor {
			return tiers[tier][:mergeFactor] // the oldest: each merge reads few dictionaries at once
		}
	}
	return nil
}

// merge writes the postings of some segments as one, which takes the place of
// the newest of them in the order of segments.
func (t *textIndex) merge(pick []*segment, live func(uint32) bool) error {
	t.mu.Lock()
	all := slices.Clone(t.segs)
	name := t.newName()
	t.mu.Unlock()
	// A report's text is its newest segment's: of those merged, unless a newer
	// segment not merged holds it (then it is dead here anyway).
	picked := map[*segment]int{}
	for i, s := range pick {
		picked[s] = i
	}
	owner := map[uint32]int{}
	for _, s := range all {
		i, ok := picked[s]
		for _, d := range s.docs {
			if ok {
				owner[d] = i
			} else if _, had := owner[d]; had {
				owner[d] = -1
			}
		}
	}
	keep := func(seg int, d uint32) bool { o, ok := owner[d]; return ok && o == seg && live(d) }
	var docs []uint32
	var lens [3][]uint32
	type docAt struct{ seg, i int }
	var order []docAt
	for si, s := range pick {
		for i, d := range s.docs {
			if keep(si, d) {
				order = append(order, docAt{si, i})
			}
		}
	}
	slices.SortFunc(order, func(a, b docAt) int { return int(pick[a.seg].docs[a.i]) - int(pick[b.seg].docs[b.i]) })
	for _, o := range order {
		docs = append(docs, pick[o.seg].docs[o.i])
		for f := range lens {
			lens[f] = append(lens[f], pick[o.seg].lens[f][o.i])
		}
	}
	err := writeSegment(t.dir, name, docs, lens, func(emit func(string, *posting) error) error {
		return mergePostings(pick, keep, emit)
	})
	if err != nil {
		return err
	}
	s, err := openSegment(t.dir, name)
	if err != nil {
		return err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	var segs []*segment
	var names []string
	placed := false
	newest := pick[len(pick)-1]
	for _, old := range t.segs {
		if _, ok := picked[old]; ok {
			if old == newest && !placed {
				segs, names, placed = append(segs, s), append(names, name), true
			}
			continue
		}
		segs, names = append(segs, old), append(names, old.name)
	}
	prev := t.man.Segments
	t.man.Segments = names
	if err := t.writeManifest(); err != nil {
		t.man.Segments = prev
		s.release()
		return err
	}
	for _, old := range pick {
		os.Remove(filepath.Join(t.dir, old.name))
		old.release()
	}
	t.segs = segs
	t.gen++
	return nil
}

// mergePostings emits, term by term, the postings of some segments that keep
// keeps. Segments whose reports follow one another (as a rebuild writes them)
// are appended in turn; others are sorted together.
func mergePostings(pick []*segment, keep func(seg int, d uint32) bool, emit func(string, *posting) error) error {
	order := make([]int, len(pick))
	for i := range order {
		order[i] = i
	}
	first := func(s *segment) uint32 {
		if len(s.docs) == 0 {
			return 0
		}
		return s.docs[0]
	}
	slices.SortFunc(order, func(a, b int) int { return int(first(pick[a])) - int(first(pick[b])) })
	disjoint := true
	for i := 1; i < len(order); i++ {
		prev, cur := pick[order[i-1]], pick[order[i]]
		if len(prev.docs) > 0 && len(cur.docs) > 0 && prev.docs[len(prev.docs)-1] >= cur.docs[0] {
			disjoint = false
		}
	}
	// Segments that follow one another and hold no dead report are joined
	// block by block, their reports not decoded.
	whole := disjoint
	for si, s := range pick {
		for _, d := range s.docs {
			whole = whole && keep(si, d)
		}
	}
	at := make([]int, len(pick))
	// Each segment is read from start to end: its postings lie in the order of
	// its terms.
	readers := make([]*bufio.Reader, len(pick))
	for i, s := range pick {
		readers[i] = bufio.NewReaderSize(io.NewSectionReader(s.f, int64(len(segMagic)), s.size), 4<<20)
	}
	var buf []byte
	var p posting
	type entry struct{ doc, tf, from, to uint32 } // positions p.pos[from:to]
	var entries []entry
	var c blockCursor
	for {
		var least []byte
		for si, s := range pick {
			if at[si] < len(s.keyAt)-1 {
				if k := s.key(at[si]); least == nil || bytes.Compare(k, least) < 0 {
					least = k
				}
			}
		}
		if least == nil {
			return nil
		}
		key := string(least)
		p.docs, p.tfs, p.pos, entries = p.docs[:0], p.tfs[:0], p.pos[:0], entries[:0]
		if whole {
			var lists [][]postingBlock
			for _, si := range order {
				s := pick[si]
				if at[si] >= len(s.keyAt)-1 || string(s.key(at[si])) != key {
					continue
				}
				b := make([]byte, s.plen[at[si]])
				if _, err := io.ReadFull(readers[si], b); err != nil {
					return fmt.Errorf("search index: text segment %s: %w", s.name, err)
				}
				at[si]++
				blocks, err := decodeBlocks(b)
				if err != nil {
					return err
				}
				lists = append(lists, blocks)
			}
			raw := posting{}
			raw.raw, raw.rawDocs, raw.rawN = concatBlocks(buf[:0], lists)
			buf = raw.raw
			if err := emit(key, &raw); err != nil {
				return err
			}
			continue
		}
		for _, si := range order {
			s := pick[si]
			if at[si] >= len(s.keyAt)-1 || string(s.key(at[si])) != key {
				continue
			}
			buf = slices.Grow(buf[:0], int(s.plen[at[si]]))[:s.plen[at[si]]]
			if _, err := io.ReadFull(readers[si], buf); err != nil {
				return fmt.Errorf("search index: text segment %s: %w", s.name, err)
			}
			at[si]++
			blocks, err := decodeBlocks(buf)
			if err != nil {
				return err
			}
			for bi := range blocks {
				c.reset(&blocks[bi])
				for c.next() {
					if !keep(si, c.doc) {
						continue
					}
					from := uint32(len(p.pos))
					if len(c.blk.pos) > 0 {
						p.pos = c.positions(p.pos)
					}
					if disjoint {
						p.docs, p.tfs = append(p.docs, c.doc), append(p.tfs, c.tf)
					} else {
						entries = append(entries, entry{c.doc, c.tf, from, uint32(len(p.pos))})
					}
				}
			}
		}
		if !disjoint {
			slices.SortFunc(entries, func(a, b entry) int { return int(a.doc) - int(b.doc) })
			pos := p.pos
			p.pos = nil
			for _, e := range entries {
				p.docs, p.tfs = append(p.docs, e.doc), append(p.tfs, e.tf)
				p.pos = append(p.pos, pos[e.from:e.to]...)
			}
		}
		if len(p.docs) == 0 {
			continue
		}
		if err := emit(key, &p); err != nil {
			return err
		}
	}
}

// ---- reading ----

// textSnapshot is the text index's segments at one moment, with which segment
// holds each report's text and the reports' lengths.
type textSnapshot struct {
	segs  []*segment
	gen   uint64
	owner []int16 // report id → index in segs of its newest segment, -1 for none
	lens  [3][]uint32
	refs  atomic.Int32
}

// snapshot returns the text index as it is now; release gives it back.
func (t *textIndex) snapshot() *textSnapshot {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.snap == nil || t.snap.gen != t.gen {
		if t.snap != nil {
			t.snap.release()
		}
		s := &textSnapshot{segs: slices.Clone(t.segs), gen: t.gen}
		s.refs.Store(1)
		var top uint32
		for _, seg := range s.segs {
			seg.refs.Add(1)
			if n := len(seg.docs); n > 0 {
				top = max(top, seg.docs[n-1])
			}
		}
		s.owner = make([]int16, top+1)
		for i := range s.owner {
			s.owner[i] = -1
		}
		for i := range s.lens {
			s.lens[i] = make([]uint32, top+1)
		}
		for si, seg := range s.segs {
			for i, d := range seg.docs {
				s.owner[d] = int16(si)
				for f := range s.lens {
					s.lens[f][d] = seg.lens[f][i]
				}
			}
		}
		t.snap = s
	}
	t.snap.refs.Add(1)
	return t.snap
}

func (s *textSnapshot) release() {
	if s.refs.Add(-1) == 0 {
		for _, seg := range s.segs {
			seg.release()
		}
	}
}

// terms lists the terms of a field and kind that match a regular expression.
func (s *textSnapshot) terms(field, kind byte, pattern string) ([]string, error) {
	re, err := regexp.Compile("^(?:" + pattern + ")$")
	if err != nil {
		return nil, err
	}
	prefix := []byte{field, kind}
	seen := map[string]bool{}
	var out []string
	for _, seg := range s.segs {
		n := len(seg.keyAt) - 1
		i := sort.Search(n, func(i int) bool { return bytes.Compare(seg.key(i), prefix) >= 0 })
		for ; i < n && bytes.HasPrefix(seg.key(i), prefix); i++ {
			term := string(seg.key(i)[2:])
			if !seen[term] && re.MatchString(term) {
				seen[term] = true
				out = append(out, term)
			}
		}
	}
	slices.Sort(out)
	return out, nil
}

// segCursor walks one term's reports in one segment.
type segCursor struct {
	seg    int
	blocks []postingBlock
	b      int
	c      blockCursor
	done   bool
	// Where the list starts in the segment's file, to read a block's
	// positions when they were not read with the list.
	file *segment
	off  int64
}

// positions appends the positions of the report the cursor is at to dst,
// reading its block's positions first if they were not read.
func (c *segCursor) positions(dst []uint32) ([]uint32, error) {
	if blk := c.c.blk; blk.pos == nil && blk.posLen > 0 {
		blk.pos = make([]byte, blk.posLen)
		if _, err := c.file.f.ReadAt(blk.pos, c.off+int64(blk.posAt)); err != nil {
			return nil, fmt.Errorf("search index: text segment %s: %w", c.file.name, err)
		}
		c.c.loaded()
	}
	return c.c.positions(dst), nil
}

// advance moves a segment's cursor to its first report at or after d; false
// when there is none.
func (c *segCursor) advance(d uint32) bool {
	if c.done {
		return false
	}
	if c.b >= 0 && c.c.i >= 0 && c.c.i < c.c.blk.n && c.c.doc >= d {
		return true
	}
	if c.b < 0 || c.blocks[c.b].last < d {
		// Skip to the block that may hold d.
		nb := max(c.b+1, 0) + sort.Search(len(c.blocks)-max(c.b+1, 0), func(i int) bool { return c.blocks[max(c.b+1, 0)+i].last >= d })
		if nb >= len(c.blocks) {
			c.done = true
			return false
		}
		c.b = nb
		c.c.reset(&c.blocks[nb])
	}
	for c.c.next() {
		if c.c.doc >= d {
			return true
		}
	}
	// The block's last report is at or after d: not reached.
	c.done = true
	return false
}
