package parse

import (
	"regexp"
	"strconv"
	"strings"
)

// Figures that lost the separators between them (23410213 for 23|4|1|0|2|1|31,
// ——————— for seven dashes, 18-21,234 for 18|-2|1,234) are cut into cells only
// where the text leaves one reading, or where exactly one of its readings satisfies
// the table's own arithmetic. Anything else is left out and named in a warning.

// Outcomes of splitCells.
const (
	splitNone   = iota // the tokens cannot make the cells
	splitOnly          // they make them in exactly one way
	splitAddsUp        // in several ways, of which exactly one satisfies the arithmetic
	splitMany          // in several ways that the arithmetic does not tell apart
)

// Limits of the search: a row of figures is far shorter, and a hostile one must not
// make the search run long.
const (
	maxSplitRunes = 64
	maxPieceRunes = 16
	maxSplitSteps = 2_000_000
)

// splitFold folds the characters a figure may be printed with to ASCII, one rune for
// one, so that a cell keeps the characters it was printed with.
var splitFold = map[rune]rune{'，': ',', '．': '.', '－': '-', '＋': '+', '／': '/', '％': '%', '−': '-'}

func foldRune(r rune) rune {
	if r >= '０' && r <= '９' {
		return '0' + r - '０'
	}
	if f, ok := splitFold[r]; ok {
		return f
	}
	return r
}

// cellPiece is a numeric figure as a cell may print it: no leading zero, thousands
// grouped by three, a decimal part, a unit.
var cellPiece = regexp.MustCompile(`^[+\-]?(?:0|[1-9][0-9]*|[1-9][0-9]{0,2}(?:,[0-9]{3})+)(?:\.[0-9]+)?(?:万元|元|件次|件|条|个|项|人次|次|家|份|宗|起|篇|期|%)?$`)

// pieceValue tells whether folded runes are one cell, and the count it holds for the
// arithmetic (0 for a dash or 无; ok false for a figure that is not a whole count).
func pieceValue(p []rune) (valid bool, count int64, whole bool) {
	digits := true
	for _, r := range p {
		if r < '0' || r > '9' {
			digits = false
			break
		}
	}
	if digits {
		if len(p) > 1 && p[0] == '0' {
			return false, 0, false
		}
		n, err := strconv.ParseInt(string(p), 10, 64)
		return err == nil, n, err == nil
	}
	s := string(p)
	switch s {
	case "无", "暂无":
		return true, 0, true
	}
	if len(p) <= 2 && isDashRune(p[0]) && (len(p) == 1 || p[1] == p[0]) {
		return true, 0, true
	}
	if !cellPiece.MatchString(s) {
		return false, 0, false
	}
	v := readValue(s)
	if v.kind != "number" || v.num < 0 || v.num != float64(int64(v.num)) {
		return true, 0, false
	}
	return true, int64(v.num), true
}

// splitCells finds the ways to cut the tokens (runs printed between separators) into
// exactly n cells, a cut never crossing a separator. With exactly one way it returns
// it (splitOnly); otherwise, with a constraint, the one way that satisfies it
// (splitAddsUp). A nil constraint accepts nothing but the only way.
func splitCells(tokens []string, n int, constraint func([]int64) bool) ([]string, int) {
	split, how, _ := splitReadings(tokens, n, constraint, 0)
	return split, how
}

// maxReadings is how many readings that add up are kept for a row that has several:
// the table's column arithmetic may tell them apart (see resolveRows).
const maxReadings = 8

// splitReadings is splitCells that, when several readings satisfy the constraint,
// also returns up to keep of them (none when there are more).
func splitReadings(tokens []string, n int, constraint func([]int64) bool, keep int) ([]string, int, [][]string) {
	// piece holds the cells each stretch of a token makes, found once before the
	// search: piece[start][length-1].
	type cellAt struct {
		ok, whole bool
		count     int64
	}
	type token struct {
		orig  []rune
		piece [][]cellAt
	}
	toks := make([]token, 0, len(tokens))
	total := 0
	for _, t := range tokens {
		t = strings.TrimSpace(t)
		if t == "" {
			continue
		}
		o := []rune(t)
		f := make([]rune, len(o))
		for i, r := range o {
			if f[i] = foldRune(r); !cellRune(f[i]) {
				return nil, splitNone, nil // no cell holds this character
			}
		}
		total += len(o)
		if total > maxSplitRunes {
			return nil, splitNone, nil
		}
		tok := token{orig: o, piece: make([][]cellAt, len(o))}
		for start := range f {
			tok.piece[start] = make([]cellAt, min(maxPieceRunes, len(f)-start))
			for l := range tok.piece[start] {
				ok, c, w := pieceValue(f[start : start+l+1])
				tok.piece[start][l] = cellAt{ok, w, c}
			}
		}
		toks = append(toks, tok)
	}
	if len(toks) == 0 || len(toks) > n || total < n {
		return nil, splitNone, nil
	}
	var (
		readings, fits int
		first          []string
		kept           [][]string
		steps          int
		pieces         = make([]string, 0, n)
		counts         = make([]int64, 0, n)
		whole          = make([]bool, 0, n)
	)
	var walk func(ti, pos, left int)
	walk = func(ti, pos, left int) {
		if steps++; steps > maxSplitSteps || readings > 1 && (constraint == nil || fits > keep && fits > 1) {
			return
		}
		if ti == len(toks) {
			if len(pieces) != n {
				return
			}
			readings++
			if first == nil {
				first = append([]string(nil), pieces...)
			}
			if constraint != nil && allWhole(whole) && constraint(counts) {
				if fits++; fits <= max(keep, 1) {
					kept = append(kept, append([]string(nil), pieces...))
				}
			}
			return
		}
		tok := toks[ti]
		// Every token still to come needs a cell; every rune left fits in cells of
		// at most maxPieceRunes.
		remaining := len(toks) - ti - 1
		if len(pieces)+1+remaining > n || left > (n-len(pieces))*maxPieceRunes {
			return
		}
		for l, c := range tok.piece[pos] {
			if !c.ok {
				continue
			}
			end := pos + l + 1
			pieces = append(pieces, string(tok.orig[pos:end]))
			counts = append(counts, c.count)
			whole = append(whole, c.whole)
			if end == len(tok.orig) {
				walk(ti+1, 0, left-(end-pos))
			} else {
				walk(ti, end, left-(end-pos))
			}
			pieces, counts, whole = pieces[:len(pieces)-1], counts[:len(counts)-1], whole[:len(whole)-1]
		}
	}
	walk(0, 0, total)
	switch {
	case steps > maxSplitSteps:
		return nil, splitMany, nil // too many readings to tell apart
	case readings == 0:
		return nil, splitNone, nil
	case readings == 1:
		return first, splitOnly, nil
	case constraint == nil:
		return nil, splitMany, nil
	case fits == 1:
		return kept[0], splitAddsUp, nil
	case fits > 1 && fits <= keep:
		return nil, splitMany, kept
	case fits > 1:
		return nil, splitMany, nil
	}
	return nil, splitNone, nil // several readings, none of which adds up
}

// cellRune says whether a (folded) character may stand in a cell of figures: a
// digit, a dash, 无 (暂无), or a character of a figure's sign, grouping, decimals
// and units.
func cellRune(r rune) bool {
	return r >= '0' && r <= '9' || isDashRune(r) || strings.ContainsRune("无暂+,.%万元件次条个项人家份宗起篇期", r)
}

func allWhole(w []bool) bool {
	for _, ok := range w {
		if !ok {
			return false
		}
	}
	return true
}

// splittable says whether a token could hold more than one cell.
func splittable(tok string) bool {
	n := len([]rune(strings.TrimSpace(tok)))
	for k := 2; k <= n && k <= 15; k++ {
		if _, how := splitCells([]string{tok}, k, nil); how != splitNone {
			return true
		}
	}
	return false
}

func anySplittable(toks []string) bool {
	for _, t := range toks {
		if splittable(t) {
			return true
		}
	}
	return false
}
