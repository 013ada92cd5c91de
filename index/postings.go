package index

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"math/bits"
	"slices"
	"sync"
	stdunicode "unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
)

// The text of titles, bodies and table labels is indexed in postings of our own
// (text.go keeps them in segment files beside bleve's), not in bleve's: bleve
// keeps five bytes of norm with every (term, report) pair and eight bytes with
// every position (field, position, start, end, array positions), so that a
// report's four ways of cutting its text (single characters, bigrams, trigrams,
// 4-grams) took 5.6–7× its text and indexed at 30–300 reports a second. Here a
// pair costs its report's distance from the one before and its count (a byte
// each, mostly), a position its distance from the one before.
//
// A term is a field, a kind and the characters: kind 1 single characters and
// words of letters or digits, with positions; 2 the cjk analyzer's bigrams (and
// lone characters and words), with positions only in the labels; 3 trigrams; 4
// 4-grams, with positions. Positions are those ngram.go gives.

// Fields and kinds of terms.
const (
	tfTitle  = 't'
	tfBody   = 'b'
	tfLabels = 'l'
)

// textFieldIndex is the field's place in a report's lengths.
func textFieldIndex(field byte) int {
	switch field {
	case tfTitle:
		return 0
	case tfBody:
		return 1
	}
	return 2
}

// positional says whether terms of a field and kind keep their positions.
func positional(field, kind byte) bool {
	return kind == '1' || kind == '4' || field == tfLabels
}

// blockDocs is how many reports a block of a posting list holds: a search that
// checks a few reports decodes only their blocks.
const blockDocs = 128

// baseAnalysis is what every kind of term starts from: the cjk analyzer's
// tokenizer and its folding of width and case.
var baseAnalysis = sync.OnceValue(func() func([]byte) analysis.TokenStream {
	tok, width, lower := unicode.NewUnicodeTokenizer(), cjk.NewCJKWidthFilter(), lowercase.NewLowerCaseFilter()
	return func(b []byte) analysis.TokenStream { return lower.Filter(width.Filter(tok.Tokenize(b))) }
})

// tokenize is baseAnalysis, cheaper: the tokenizer makes a token of every common
// Chinese character (commonHan) and breaks a word at each, and folding changes
// none, so only the text between them goes through the tokenizer and the filters. Text with
// marks or format characters, which the tokenizer may join to a character
// before them, goes through whole. fn is called with each token, in order.
func tokenize(b []byte, fn func(t *analysis.Token)) {
	if bytes.ContainsFunc(b, func(r rune) bool {
		return r >= 0x300 && !commonHan(r) && stdunicode.In(r, stdunicode.Mn, stdunicode.Me, stdunicode.Cf)
	}) {
		for _, t := range baseAnalysis()(b) {
			fn(t)
		}
		return
	}
	var tok analysis.Token
	other := -1 // where the text that is not Chinese began
	flush := func(end int) {
		if other < 0 {
			return
		}
		// Punctuation (but the connectors, _) and spaces alone make no token:
		// most stretches between characters are a comma or a full stop.
		if !bytes.ContainsFunc(b[other:end], func(r rune) bool {
			return !stdunicode.IsPunct(r) && !stdunicode.IsSpace(r) || stdunicode.Is(stdunicode.Pc, r)
		}) {
			other = -1
			return
		}
		for _, t := range baseAnalysis()(b[other:end]) {
			t.Start += other
			t.End += other
			fn(t)
		}
		other = -1
	}
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if !commonHan(r) {
			if other < 0 {
				other = i
			}
			i += size
			continue
		}
		flush(i)
		tok = analysis.Token{Term: b[i : i+size], Start: i, End: i + size, Type: analysis.Ideographic}
		fn(&tok)
		i += size
	}
	flush(len(b))
}

// commonHan says whether a character is of the CJK Unified Ideographs or their
// Extension A: the characters of nearly all Chinese text, each an ideograph to
// the tokenizer.
func commonHan(r rune) bool { return r >= 0x4e00 && r <= 0x9fff || r >= 0x3400 && r <= 0x4dbf }

// gramKey is a term of one to four characters (runes of 21 bits) with its
// field and kind, as a map key that costs no allocation.
type gramKey struct{ hi, lo uint64 }

func newGramKey(field, kind byte, rs []rune) gramKey {
	k := gramKey{hi: uint64(field)<<56 | uint64(kind)<<48 | uint64(len(rs))<<45}
	for i, r := range rs {
		switch i {
		case 0:
			k.hi |= uint64(r) << 21
		case 1:
			k.hi |= uint64(r)
		case 2:
			k.lo |= uint64(r) << 21
		case 3:
			k.lo |= uint64(r)
		}
	}
	return k
}

// bytes appends the term as the dictionary keeps it: field, kind, UTF-8.
func (k gramKey) bytes(dst []byte) []byte {
	dst = append(dst, byte(k.hi>>56), byte(k.hi>>48))
	n := int(k.hi>>45) & 7
	rs := [4]rune{rune(k.hi>>21) & 0x1fffff, rune(k.hi) & 0x1fffff, rune(k.lo>>21) & 0x1fffff, rune(k.lo) & 0x1fffff}
	for _, r := range rs[:n] {
		dst = utf8.AppendRune(dst, r)
	}
	return dst
}

// analyzed is what a report adds to the text index: its terms (those of one
// to four characters as gram keys, the others, words of letters and digits and
// the labels' terms, as strings of field, kind and term), each with its count
// and, for positional ones, its positions, term after term in pos.
type analyzed struct {
	id    uint32
	lens  [3]uint32 // tokens of title, body and labels
	bytes int
	grams []gramKey
	words []string
	tf    []uint32 // by term: grams first, then words
	at    []uint32 // where the term's positions start in pos
	pos   []uint32
}

// each calls fn with every term of the report, its key as the dictionary keeps it.
func (a *analyzed) each(fn func(key []byte, tf uint32, pos []uint32)) {
	var key []byte
	for i := range a.tf {
		if i < len(a.grams) {
			key = a.grams[i].bytes(key[:0])
		} else {
			key = append(key[:0], a.words[i-len(a.grams)]...)
		}
		fn(key, a.tf[i], a.termPos(i))
	}
}

func (a *analyzed) termPos(i int) []uint32 {
	if a.at[i] == noPositions {
		return nil
	}
	return a.pos[a.at[i] : a.at[i]+a.tf[i]]
}

const noPositions = math.MaxUint32

// analyzer state, reused from report to report by one goroutine.
type analysisState struct {
	grams gramTable // gram → its index in keys
	words map[string]int32
	keys  []gramKey
	wkeys []string
	tf    [2][]uint32 // of grams, of words
	keep  [2][]bool
	occ   []occurrence
	run   []hanChar
}

// occurrence is a positional term at a position: term i ≥ 0 is grams' i,
// term -1-j words' j.
type occurrence struct {
	term int32
	pos  uint32
}

type hanChar struct {
	r          rune
	start, end int
}

func newAnalysisState() *analysisState {
	return &analysisState{words: map[string]int32{}}
}

func (st *analysisState) gram(field, kind byte, rs []rune, pos uint32) {
	k := newGramKey(field, kind, rs)
	i, added := st.grams.index(k, int32(len(st.keys)))
	if added {
		st.keys = append(st.keys, k)
		st.tf[0] = append(st.tf[0], 0)
		st.keep[0] = append(st.keep[0], positional(field, kind))
	}
	st.tf[0][i]++
	if st.keep[0][i] {
		st.occ = append(st.occ, occurrence{i, pos})
	}
}

func (st *analysisState) word(field, kind byte, term []byte, pos uint32) {
	var buf [64]byte
	key := append(append(buf[:0], field, kind), term...)
	i, ok := st.words[string(key)]
	if !ok {
		i = int32(len(st.wkeys))
		st.words[string(key)] = i
		st.wkeys = append(st.wkeys, string(key))
		st.tf[1] = append(st.tf[1], 0)
		st.keep[1] = append(st.keep[1], positional(field, kind))
	}
	st.tf[1][i]++
	if st.keep[1][i] {
		st.occ = append(st.occ, occurrence{-1 - i, pos})
	}
}

// analyze cuts a report's title, body and labels into the terms of every kind:
// those the filters of ngram.go and the cjk analyzer's bigram filter give, and
// at their positions, without making their tokens.
func (st *analysisState) analyze(id uint32, title, body, labels string) *analyzed {
	a := &analyzed{id: id, bytes: len(title) + len(body) + len(labels)}
	st.grams.reset()
	clear(st.words)
	st.keys, st.wkeys, st.occ = st.keys[:0], st.wkeys[:0], st.occ[:0]
	for i := range st.tf {
		st.tf[i], st.keep[i] = st.tf[i][:0], st.keep[i][:0]
	}
	for _, f := range []struct {
		field byte
		text  string
	}{{tfTitle, title}, {tfBody, body}} {
		if f.text != "" {
			a.lens[textFieldIndex(f.field)] = st.text(f.field, []byte(f.text))
		}
	}
	if labels != "" {
		toks := analyzer().Analyze([]byte(labels))
		a.lens[2] = uint32(len(toks))
		for _, t := range toks {
			st.word(tfLabels, '2', t.Term, uint32(t.Position))
		}
	}
	// The terms, grams then words, and their positions, term after term.
	a.grams = slices.Clone(st.keys)
	a.words = slices.Clone(st.wkeys)
	a.tf = slices.Concat(st.tf[0], st.tf[1])
	a.at = make([]uint32, len(a.tf))
	var n uint32
	for i, keep := range slices.Concat(st.keep[0], st.keep[1]) {
		if keep {
			a.at[i] = n
			n += a.tf[i]
		} else {
			a.at[i] = noPositions
		}
	}
	a.pos = make([]uint32, n)
	fill := make([]uint32, len(a.tf))
	for _, o := range st.occ {
		t := int(o.term)
		if t < 0 {
			t = len(a.grams) - 1 - t
		}
		a.pos[a.at[t]+fill[t]] = o.pos
		fill[t]++
	}
	return a
}

// gramTable maps gram keys to indexes: open addressing, cleared in the time
// it took to fill. A slot holds its key and value side by side, so that a
// probe of a large table (a segment's million terms) costs one miss of the
// cache.
type gramTable struct {
	slots []gramSlot
	used  []int
	mask  int
}

type gramSlot struct {
	key gramKey
	val int32 // index + 1; 0 for an empty slot
}

func (t *gramTable) slot(k gramKey) int {
	h := k.hi*0x9e3779b97f4a7c15 ^ (k.lo+0x632be59bd9b4e019)*0xc2b2ae3d27d4eb4f
	return int(h^h>>29) & t.mask
}

// index returns k's index, or gives it next if it has none.
func (t *gramTable) index(k gramKey, next int32) (i int32, added bool) {
	if 2*(len(t.used)+1) > len(t.slots) {
		t.grow()
	}
	for s := t.slot(k); ; s = (s + 1) & t.mask {
		sl := &t.slots[s]
		switch {
		case sl.val == 0:
			sl.key, sl.val = k, next+1
			t.used = append(t.used, s)
			return next, true
		case sl.key == k:
			return sl.val - 1, false
		}
	}
}

func (t *gramTable) grow() {
	old := t.slots
	n := max(2*len(t.slots), 1024)
	t.slots, t.mask = make([]gramSlot, n), n-1
	t.used = t.used[:0]
	for _, sl := range old {
		if sl.val != 0 {
			ns := t.slot(sl.key)
			for t.slots[ns].val != 0 {
				ns = (ns + 1) & t.mask
			}
			t.slots[ns] = sl
			t.used = append(t.used, ns)
		}
	}
}

func (t *gramTable) reset() {
	for _, s := range t.used {
		t.slots[s].val = 0
	}
	t.used = t.used[:0]
}

// text adds the terms of a title or body from its base tokens, and returns
// its length: its single characters and words.
func (st *analysisState) text(field byte, text []byte) uint32 {
	// Single characters and words (unigrams in ngram.go), positions over the
	// whole text.
	var upos uint32
	lastIdeo, lastEnd := false, -1
	var length uint32
	// Runs of characters, for the bigrams, trigrams and 4-grams; each n-gram
	// kind counts positions as ngramFilter does: a character a position, a
	// break between runs n+1.
	gpos := [5]uint32{}
	run := st.run[:0]
	var one [1]rune
	flush := func() {
		if len(run) == 0 {
			return
		}
		rs := make([]rune, len(run))
		for i, c := range run {
			rs[i] = c.r
		}
		if len(rs) == 1 {
			st.gram(field, '2', rs, 0)
		}
		for i := 0; i+2 <= len(rs); i++ {
			st.gram(field, '2', rs[i:i+2], 0)
		}
		for _, n := range []int{3, 4} {
			first := gpos[n] + 1
			for i := 0; i+n <= len(rs); i++ {
				st.gram(field, byte('0'+n), rs[i:i+n], first+uint32(i))
			}
			gpos[n] += uint32(len(rs)) + uint32(n) + 1
		}
		run = run[:0]
	}
	tokenize(text, func(t *analysis.Token) {
		if t.Type != analysis.Ideographic {
			flush()
			upos++
			length++
			st.word(field, '1', t.Term, upos)
			st.word(field, '2', t.Term, 0)
			lastIdeo = false
			return
		}
		for off := 0; off < len(t.Term); {
			r, size := utf8.DecodeRune(t.Term[off:])
			start := t.Start + off
			if lastIdeo && lastEnd != start {
				upos++
			}
			upos++
			length++
			one[0] = r
			st.gram(field, '1', one[:], upos)
			if len(run) > 0 && run[len(run)-1].end != start {
				flush()
			}
			run = append(run, hanChar{r, start, start + size})
			lastIdeo, lastEnd = true, start+size
			off += size
		}
	})
	flush()
	st.run = run
	return length
}

func compareBytes(a, b []byte) int { return slices.Compare(a, b) }

// ---- posting lists ----

// A posting list is its blocks' headers, then their reports, then their
// positions, so that a search that needs no positions reads only the start:
//
//	uvarint blocks
//	per block: uvarint first-doc − previous block's last doc, uvarint last − first,
//	           uvarint docs, uvarint length of the docs part, uvarint length of the positions part
//	per block: docs part: per report its distance from the one before (none for
//	           the first) and its count
//	per block: positions part: per report its positions, each as the distance
//	           from the one before

type postingBlock struct {
	first, last uint32
	n           int
	docs, pos   []byte // the block's parts (pos nil when not read)
	posAt       int    // where the positions part starts in the list
	posLen      int
}

// posting is a term's list as the builder collects it.
type posting struct {
	docs []uint32
	tfs  []uint32
	pos  []uint32 // all positions, report after report
	// raw, when not nil, is the list already encoded (by concatBlocks), with
	// the length of its part before the positions and its count of reports.
	raw           []byte
	rawDocs, rawN int
}

// concatBlocks encodes as one list the blocks of lists whose reports follow
// one another, without decoding their reports.
func concatBlocks(dst []byte, lists [][]postingBlock) ([]byte, int, int) {
	n, docs := 0, 0
	for _, l := range lists {
		n += len(l)
		for _, b := range l {
			docs += b.n
		}
	}
	dst = binary.AppendUvarint(dst, uint64(n))
	var prevLast uint32
	for _, l := range lists {
		for _, b := range l {
			dst = binary.AppendUvarint(dst, uint64(b.first-prevLast))
			dst = binary.AppendUvarint(dst, uint64(b.last-b.first))
			dst = binary.AppendUvarint(dst, uint64(b.n))
			dst = binary.AppendUvarint(dst, uint64(len(b.docs)))
			dst = binary.AppendUvarint(dst, uint64(len(b.pos)))
			prevLast = b.last
		}
	}
	for _, l := range lists {
		for _, b := range l {
			dst = append(dst, b.docs...)
		}
	}
	docsLen := len(dst)
	for _, l := range lists {
		for _, b := range l {
			dst = append(dst, b.pos...)
		}
	}
	return dst, docsLen, docs
}

// encodePosting appends p's encoding to dst, and says how long its part before
// the positions is.
func encodePosting(dst []byte, p *posting, keepPos bool) ([]byte, int) {
	start := len(dst)
	nBlocks := (len(p.docs) + blockDocs - 1) / blockDocs
	dst = binary.AppendUvarint(dst, uint64(nBlocks))
	var docs, pos []byte
	var prevLast uint32
	pi := 0
	for b := 0; b < nBlocks; b++ {
		lo, hi := b*blockDocs, min((b+1)*blockDocs, len(p.docs))
		d0, p0 := len(docs), len(pos)
		for i := lo; i < hi; i++ {
			if i > lo {
				docs = binary.AppendUvarint(docs, uint64(p.docs[i]-p.docs[i-1]))
			}
			docs = binary.AppendUvarint(docs, uint64(p.tfs[i]))
			if keepPos {
				var prev uint32
				for _, q := range p.pos[pi : pi+int(p.tfs[i])] {
					pos = binary.AppendUvarint(pos, uint64(q-prev))
					prev = q
				}
				pi += int(p.tfs[i])
			}
		}
		dst = binary.AppendUvarint(dst, uint64(p.docs[lo]-prevLast))
		dst = binary.AppendUvarint(dst, uint64(p.docs[hi-1]-p.docs[lo]))
		dst = binary.AppendUvarint(dst, uint64(hi-lo))
		dst = binary.AppendUvarint(dst, uint64(len(docs)-d0))
		dst = binary.AppendUvarint(dst, uint64(len(pos)-p0))
		prevLast = p.docs[hi-1]
	}
	dst = append(dst, docs...)
	n := len(dst) - start
	return append(dst, pos...), n
}

var errCorrupt = errors.New("search index: a text segment is damaged")

// decodeBlocks reads a posting list's block headers and cuts its parts: b is
// the whole list, or its part before the positions.
func decodeBlocks(b []byte) ([]postingBlock, error) {
	whole := b
	n, k := binary.Uvarint(b)
	if k <= 0 || n > uint64(len(b)) {
		return nil, errCorrupt
	}
	b = b[k:]
	blocks := make([]postingBlock, n)
	var last uint32
	lens := make([][2]int, n)
	posTotal := 0
	for i := range blocks {
		var v [5]uint64
		for j := range v {
			x, k := binary.Uvarint(b)
			if k <= 0 {
				return nil, errCorrupt
			}
			v[j], b = x, b[k:]
		}
		first := last + uint32(v[0])
		blocks[i] = postingBlock{first: first, last: first + uint32(v[1]), n: int(v[2])}
		last = blocks[i].last
		lens[i] = [2]int{int(v[3]), int(v[4])}
		posTotal += int(v[4])
	}
	for i, l := range lens {
		if l[0] > len(b) {
			return nil, errCorrupt
		}
		blocks[i].docs, b = b[:l[0]], b[l[0]:]
	}
	at := len(whole) - len(b)
	for i, l := range lens {
		blocks[i].posAt, blocks[i].posLen = at, l[1]
		at += l[1]
	}
	if len(b) == 0 {
		return blocks, nil // the positions were not read
	}
	if len(b) != posTotal {
		return nil, errCorrupt
	}
	for i, l := range lens {
		blocks[i].pos, b = b[:l[1]], b[l[1]:]
	}
	return blocks, nil
}

// blockCursor steps through a block's reports. Positions are read only for
// the reports asked about: those of the reports passed are skipped when the
// next are asked for, all at once.
type blockCursor struct {
	blk     *postingBlock
	i       int
	doc     uint32
	tf      uint32
	docs    []byte
	pos     []byte
	taken   bool   // the current report's positions were read
	pending uint32 // positions before the current report's not yet skipped
}

func (c *blockCursor) reset(b *postingBlock) {
	*c = blockCursor{blk: b, docs: b.docs, pos: b.pos, i: -1}
}

// next moves to the block's next report; false at its end.
func (c *blockCursor) next() bool {
	if c.i >= 0 && !c.taken {
		c.pending += c.tf
	}
	c.i++
	if c.i >= c.blk.n {
		return false
	}
	if c.i == 0 {
		c.doc = c.blk.first
	} else {
		d, k := binary.Uvarint(c.docs)
		c.doc += uint32(d)
		c.docs = c.docs[max(k, 0):]
	}
	tf, k := binary.Uvarint(c.docs)
	c.tf, c.docs, c.taken = uint32(tf), c.docs[max(k, 0):], false
	return true
}

// loaded gives the cursor its block's positions, read after it was reset.
func (c *blockCursor) loaded() {
	if c.pos == nil {
		c.pos = c.blk.pos
	}
}

// positions appends the current report's positions to dst.
func (c *blockCursor) positions(dst []uint32) []uint32 {
	if c.pending > 0 {
		c.pos = skipVarints(c.pos, c.pending)
		c.pending = 0
	}
	var p uint32
	for range c.tf {
		d, k := binary.Uvarint(c.pos)
		c.pos = c.pos[max(k, 0):]
		p += uint32(d)
		dst = append(dst, p)
	}
	c.taken = true
	return dst
}

// skipVarints returns p after its first n varints, eight bytes at a time: a
// varint ends at each byte whose high bit is clear.
func skipVarints(p []byte, n uint32) []byte {
	for n > 0 && len(p) >= 8 {
		ends := ^binary.LittleEndian.Uint64(p) & 0x8080808080808080
		if c := uint32(bits.OnesCount64(ends)); c < n {
			n -= c
			p = p[8:]
			continue
		}
		for ; n > 1; n-- {
			ends &= ends - 1 // the n-th end is in this word
		}
		return p[bits.TrailingZeros64(ends)/8+1:]
	}
	for n > 0 && len(p) > 0 {
		if p[0] < 0x80 {
			n--
		}
		p = p[1:]
	}
	return p
}
