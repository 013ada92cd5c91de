package parse

import (
	"bytes"
	"mime"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
	"golang.org/x/text/encoding/unicode"
)

var (
	utf8BOM     = []byte{0xEF, 0xBB, 0xBF}
	metaCharset = regexp.MustCompile(`(?i)<meta[^>]+charset\s*=\s*["']?\s*([a-z0-9_\-]+)`)
)

// Decode turns a page's bytes into UTF-8 text by the rules the parser reads it
// with, for other stages (the crawler's link extraction) that must read it alike.
func Decode(data []byte, contentType string) string {
	text, _ := decode(data, contentType)
	return text
}

// decode turns the published bytes into UTF-8 text. The order of evidence is the
// byte-order mark, the server's header, the page's own <meta>, and then the bytes
// themselves: valid UTF-8 is UTF-8, anything else is taken as GB18030, the superset
// every mainland Chinese legacy encoding fits in.
func decode(data []byte, contentType string) (text, enc string) {
	switch {
	case bytes.HasPrefix(data, utf8BOM):
		return string(data[3:]), "utf-8"
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		return decodeWith(unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM), data), "utf-16le"
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return decodeWith(unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM), data), "utf-16be"
	}
	label := headerCharset(contentType)
	if label == "" {
		head := data
		if len(head) > 4096 {
			head = head[:4096]
		}
		if m := metaCharset.FindSubmatch(head); m != nil {
			label = string(m[1])
		}
	}
	if e, name := encodingFor(label); e != nil && name != "utf-8" {
		return decodeWith(e, data), name
	}
	// Declared UTF-8 is checked like undeclared bytes: portals copy templates
	// between sites, and the declaration outlives the encoding.
	if utf8.Valid(data) {
		return string(data), "utf-8"
	}
	if mostlyUTF8(data) {
		return strings.ToValidUTF8(string(data), "\uFFFD"), "utf-8"
	}
	return decodeWith(simplifiedchinese.GB18030, data), "gb18030"
}

// mostlyUTF8 accepts UTF-8 with a few broken sequences (a file cut
// off inside a character), which GB18030 bytes never resemble.
func mostlyUTF8(data []byte) bool {
	bad, multi := 0, 0
	for len(data) > 0 {
		r, n := utf8.DecodeRune(data)
		switch {
		case r == utf8.RuneError && n <= 1:
			bad++
			if bad > 3 {
				return false
			}
		case n > 1:
			multi++
		}
		data = data[n:]
	}
	return multi >= 10*bad
}

func headerCharset(contentType string) string {
	if contentType == "" {
		return ""
	}
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return ""
	}
	return params["charset"]
}

// encodingFor maps a declared label to a decoder. Every GB label decodes as GB18030:
// x/text's GBK decoder mangles the four-byte sequences that GB18030 adds, and pages
// labelled gb2312 routinely contain characters outside GB2312.
func encodingFor(label string) (encoding.Encoding, string) {
	label = strings.ToLower(strings.TrimSpace(label))
	switch label {
	case "":
		return nil, ""
	case "gb2312", "gbk", "gb18030", "x-gbk", "cp936", "ms936", "windows-936", "euc-cn", "gb_2312-80", "csgb2312", "chinese":
		return simplifiedchinese.GB18030, "gb18030"
	case "big5", "big5-hkscs", "x-x-big5":
		return traditionalchinese.Big5, "big5"
	}
	e, name := charset.Lookup(label)
	if e == nil {
		return nil, ""
	}
	return e, name
}

func decodeWith(e encoding.Encoding, data []byte) string {
	out, err := e.NewDecoder().Bytes(data)
	if err != nil {
		return strings.ToValidUTF8(string(data), "\uFFFD")
	}
	return string(out)
}
