package store

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"gongkai/report"
)

// prepared is what storing a record needs that does not depend on the database:
// Ingest computes it for a batch in parallel, before and while it writes.
type prepared struct {
	rec        *report.Record // with Source set to the document's URI
	hash       string
	identity   string
	organ      string
	year       int
	recordJSON string
	cellKeys   []cellKey
	// cellArgs and checkArgs are the values of the rows of version_cells and
	// version_checks, boxed here, in parallel, rather than by the single writer;
	// the version and key ids are left to it.
	cellArgs, checkArgs []any
	failedChecks        int
	sig                 signature
	shingles            int
	err                 error
}

// prepare encodes a record found at uri, published for the region of code
// region (or ""), for storage.
func prepare(rec *report.Record, uri, region string) *prepared {
	src := *rec
	src.Source = uri
	src.PlaceIn(region)
	p := &prepared{rec: &src, hash: contentHash(&src), failedChecks: len(src.Failed())}
	p.identity, p.organ, p.year = identityOf(&src, uri)
	stripped := src
	stripped.Cells, stripped.Checks = nil, nil
	if p.recordJSON, p.err = marshalRecord(&stripped); p.err != nil {
		p.err = fmt.Errorf("record cannot be written as JSON: %w", p.err)
		return p
	}
	p.cellKeys = make([]cellKey, len(src.Cells))
	p.cellArgs = make([]any, 0, cellColumns*len(src.Cells))
	for i, c := range src.Cells {
		p.cellKeys[i] = cellKey{c.Table, c.Row, c.Column}
		var value, unit any
		if c.Value != nil && !math.IsNaN(*c.Value) && !math.IsInf(*c.Value, 0) {
			value = *c.Value
		}
		if c.Unit != "" {
			unit = c.Unit
		}
		var read, page, box, conf any
		if c.Read != "" {
			read, page, box, conf = c.Read, c.Page, boxJSON(c.Box), c.Confidence
		}
		p.cellArgs = append(p.cellArgs, nil, i, nil, c.Raw, c.Kind, value, unit, read, page, box, conf)
	}
	p.checkArgs = make([]any, 0, checkColumns*len(src.Checks))
	for i, c := range src.Checks {
		p.checkArgs = append(p.checkArgs, nil, i, c.Rule, c.OK, c.Detail, nil)
	}
	p.sig, p.shingles = textSignature(src.Text)
	return p
}

// boxJSON encodes a cell's box as the box column holds it, or NULL for none.
func boxJSON(box []int) any {
	if len(box) == 0 {
		return nil
	}
	b := []byte{'['}
	for i, n := range box {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, int64(n), 10)
	}
	return string(append(b, ']'))
}

// refsJSON encodes cell references as a JSON array, as the cells columns hold them.
func refsJSON(refs []string) string {
	b := []byte{'['}
	for i, r := range refs {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, r)
	}
	return string(append(b, ']'))
}

// appendJSONString appends s as a JSON string (invalid UTF-8 replaced).
func appendJSONString(b []byte, s string) []byte {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c < 0x20:
			b = append(b, `\u00`...)
			b = append(b, "0123456789abcdef"[c>>4], "0123456789abcdef"[c&0xF])
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}

// marshalRecord writes a record as `gongkai parse --json` does (no HTML escaping),
// without the trailing newline.
func marshalRecord(rec *report.Record) (string, error) {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(rec); err != nil {
		return "", err
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
}

// contentHash identifies a record's content: everything but where it came from
// (source) and what the parser noticed on the way (warnings), so that the same
// report served at two URLs with different page chrome is one version.
func contentHash(rec *report.Record) string {
	c := *rec
	// Unchecked follows from the tables and left_out, already hashed: a
	// record parsed again before it was added is the same content.
	c.Source, c.Warnings, c.Cells, c.Checks, c.Unchecked = "", nil, nil, nil, nil
	h := sha256.New()
	body, _ := json.Marshal(&c)
	h.Write(body)
	b := make([]byte, 0, 256)
	for _, cell := range rec.Cells {
		b = append(b[:0], 0)
		for _, s := range []string{cell.Table, cell.Row, cell.Column, cell.Raw, cell.Kind, cell.Unit} {
			b = append(b, s...)
			b = append(b, 0)
		}
		if cell.Value != nil {
			b = strconv.AppendFloat(b, *cell.Value, 'g', -1, 64)
		}
		h.Write(b)
	}
	for _, ch := range rec.Checks {
		fmt.Fprintf(h, "\x01%s\x00%t\x00%s\x00%s", ch.Rule, ch.OK, ch.Detail, strings.Join(ch.Cells, "\x00"))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// identityOf names the logical report a record belongs to: its organ (see
// report.OrganKey) and year, or, lacking either, the URI it was first found at.
func identityOf(rec *report.Record, uri string) (identity, organ string, year int) {
	organ = report.OrganKey(rec.Organ, rec.RegionCode, rec.Department)
	if organ == "" || rec.Year == 0 {
		return "uri:" + uri, "", 0
	}
	return "organ:" + organ + "/" + strconv.Itoa(rec.Year), organ, rec.Year
}

// OrganKey is report.OrganKey of a name alone, as a URL or a filter gives it:
// the key of the body the name names however it is spelt.
func OrganKey(organ string) string { return report.OrganKey(organ, "", "") }

// NormaliseOrgan is the organ as report identity compares it: without whitespace
// (titles break names across lines and pad them with full-width spaces).
func NormaliseOrgan(organ string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, organ)
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullInt(n int) any {
	if n == 0 {
		return nil
	}
	return n
}
