package parse

import (
	"bytes"
	"fmt"
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

// Decoding is how a page's bytes were read.
type Decoding struct {
	Text    string
	Charset string // what the bytes were read as: utf-8, gb18030, big5, …
	// Conflict, when not empty, says that the charset the server or the page
	// declared does not fit the bytes, and what they were read as instead. It is
	// the warning the record carries.
	Conflict string
}

// Decode turns a page's bytes into UTF-8 text by the rules the parser reads it
// with, for other stages (the crawler's link extraction) that must read it alike.
func Decode(data []byte, contentType string) string { return decode(data, contentType).Text }

// DecodePage is Decode with what it learned of the page's charset.
func DecodePage(data []byte, contentType string) Decoding { return decode(data, contentType) }

// decode turns the published bytes into UTF-8 text. The order of evidence is the
// byte-order mark, the server's header, the page's own <meta>, and then the bytes
// themselves: valid UTF-8 is UTF-8, anything else is taken as GB18030, the superset
// every mainland Chinese legacy encoding fits in. A declaration the bytes
// contradict loses to them: portals copy templates between sites and servers
// carry a default charset, and the declaration outlives the encoding. Bytes that
// are UTF-8 with Chinese in it are never read as GBK (which would take them for
// valid but rare characters), and Chinese text in GBK bytes is not read as a
// Western single-byte charset (Tomcat's default ISO-8859-1).
func decode(data []byte, contentType string) Decoding {
	switch {
	case bytes.HasPrefix(data, utf8BOM):
		return Decoding{Text: string(data[3:]), Charset: "utf-8"}
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		return Decoding{Text: decodeWith(unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM), data), Charset: "utf-16le"}
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return Decoding{Text: decodeWith(unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM), data), Charset: "utf-16be"}
	}
	label, where := headerCharset(contentType), "the Content-Type header"
	if label == "" {
		head := data
		if len(head) > 4096 {
			head = head[:4096]
		}
		if m := metaCharset.FindSubmatch(head); m != nil {
			label, where = string(m[1]), "the page's <meta>"
		}
	}
	conflict := func(read string) string {
		return fmt.Sprintf("charset conflict: %s declares %s, but the bytes are %s; read as %s", where, label, read, read)
	}
	e, name := encodingFor(label)
	// Most pages are valid UTF-8, which the fast check tells; the slower count
	// of bad and multi-byte sequences is for the rest, and for a declaration
	// that the bytes may overrule.
	valid := utf8.Valid(data)
	bad, multi := 0, 0
	if !valid || e != nil && name != "utf-8" {
		bad, multi = utf8Shape(data)
	}
	isUTF8 := bad == 0 || mostlyUTF8(bad, multi)
	utf8Text := func() string {
		if valid {
			return string(data)
		}
		return strings.ToValidUTF8(string(data), "\uFFFD")
	}
	if e != nil && name != "utf-8" {
		switch {
		case isUTF8 && multi >= minEvidence:
			return Decoding{Text: utf8Text(), Charset: "utf-8", Conflict: conflict("UTF-8")}
		case !multiByteCharsets[name] && plausibleGB(data):
			return Decoding{Text: decodeWith(simplifiedchinese.GB18030, data), Charset: "gb18030", Conflict: conflict("GB18030 (GBK)")}
		}
		return Decoding{Text: decodeWith(e, data), Charset: name}
	}
	// Declared UTF-8 is checked like undeclared bytes.
	if isUTF8 {
		return Decoding{Text: utf8Text(), Charset: "utf-8"}
	}
	d := Decoding{Text: decodeWith(simplifiedchinese.GB18030, data), Charset: "gb18030"}
	if name == "utf-8" {
		d.Conflict = conflict("GB18030 (GBK)")
	}
	return d
}

// minEvidence is how many multi-byte characters the bytes must hold before they
// overrule a declaration: a page of ASCII reads the same in every charset.
const minEvidence = 8

// multiByteCharsets are the declared charsets whose bytes may look like GBK's;
// any other (windows-1252, iso-8859-*) cannot hold Chinese.
var multiByteCharsets = map[string]bool{"gb18030": true, "big5": true, "euc-jp": true, "iso-2022-jp": true,
	"shift_jis": true, "euc-kr": true, "utf-16le": true, "utf-16be": true, "replacement": true}

// utf8Shape counts the bytes that are not UTF-8 and the multi-byte characters.
func utf8Shape(data []byte) (bad, multi int) {
	for len(data) > 0 {
		if data[0] < utf8.RuneSelf {
			data = data[1:]
			continue
		}
		r, n := utf8.DecodeRune(data)
		switch {
		case r == utf8.RuneError && n <= 1:
			bad++
		case n > 1:
			multi++
		}
		data = data[n:]
	}
	return bad, multi
}

// mostlyUTF8 accepts UTF-8 with a few broken sequences (a file cut
// off inside a character), which GB18030 bytes never resemble.
func mostlyUTF8(bad, multi int) bool {
	return bad <= 3 && multi >= 10*bad
}

// plausibleGB says whether bytes read as GBK give Chinese text: at least
// minEvidence two-byte characters, most of them among the 3,755 common ones
// (GB2312 level 1, leading bytes B0–D7). Chinese prose is over nine tenths
// level 1; Western text or UTF-8 read as GBK is not.
func plausibleGB(data []byte) bool {
	common, all := 0, 0
	for i := 0; i+1 < len(data); i++ {
		b, t := data[i], data[i+1]
		if b < 0x81 || b == 0xFF || t < 0x40 || t == 0x7F || t == 0xFF {
			continue
		}
		all++
		if b >= 0xB0 && b <= 0xD7 && t >= 0xA1 {
			common++
		}
		i++
	}
	return all >= minEvidence && common*10 >= all*7
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
