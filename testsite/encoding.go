package testsite

import (
	"strings"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// encPlan is how a page's bytes are encoded and what the server and the page say
// about it (§5 cases 1–3).
type encPlan struct {
	gbk    bool
	bom    bool
	header string // Content-Type header
	meta   string // the charset declaration in <head>, "" for none
	stray  bool   // one invalid byte in a comment (a UTF-8 page edited with a legacy tool)
	note   string
}

var (
	encUTF8 = encPlan{header: "text/html; charset=utf-8", meta: `<meta charset="utf-8">`, note: "UTF-8, declared in header and <meta>"}
	encBOM  = encPlan{bom: true, header: "text/html", meta: `<meta http-equiv="Content-Type" content="text/html; charset=utf-8">`, note: "UTF-8 with BOM, header without charset"}
	// encStray is UTF-8 with one stray byte that is not UTF-8.
	encStray = encPlan{stray: true, header: "text/html; charset=utf-8", meta: `<meta charset="utf-8">`, note: "UTF-8 with one stray invalid byte"}
	// encGBKHeader declares GBK in the header and in <meta>.
	encGBKHeader = encPlan{gbk: true, header: "text/html; charset=GBK", meta: `<meta http-equiv="Content-Type" content="text/html; charset=gbk">`, note: "GBK, declared in header"}
	// encGBKMeta is GBK declared only in <meta http-equiv>, header without charset (case 1).
	encGBKMeta = encPlan{gbk: true, header: "text/html", meta: `<meta http-equiv="Content-Type" content="text/html; charset=gb2312">`, note: "GBK, charset only in <meta http-equiv> (gb2312)"}
	// encGBKMetaCharset is GBK declared by <meta charset="gb2312"> only.
	encGBKMetaCharset = encPlan{gbk: true, header: "text/html", meta: `<meta charset="gb2312">`, note: "GBK, charset only in <meta charset=gb2312>"}
	// encGBKBareMeta is GBK declared as content="charset=gbk", no media type.
	encGBKBareMeta = encPlan{gbk: true, header: "text/html", meta: `<meta http-equiv="Content-Type" content="charset=gbk">`, note: "GBK, charset only in <meta content=\"charset=gbk\">"}
	// encGB2312Header says gb2312 but holds GBK-only characters (镕, 堃) (case 2).
	encGB2312Header = encPlan{gbk: true, header: "text/html; charset=gb2312", meta: `<meta http-equiv="Content-Type" content="text/html; charset=gb2312">`, note: "GBK with GBK-only characters, header says gb2312"}
	// encLyingUTF8 is GBK bytes served as UTF-8 (case 3).
	encLyingUTF8 = encPlan{gbk: true, header: "text/html; charset=utf-8", meta: `<meta charset="utf-8">`, note: "GBK bytes, header and <meta> say utf-8"}
)

// gbkOnly are characters outside GB2312 that GBK has: a page holding them that says
// gb2312 must still be read as GBK.
const gbkOnly = "镕堃"

// encode turns a page written in UTF-8 into its published bytes.
func (e encPlan) encode(s string) []byte {
	switch {
	case e.gbk:
		b, err := simplifiedchinese.GBK.NewEncoder().String(s)
		if err != nil {
			// Every page is generated from the package's own text: a character
			// outside GBK is a defect here, not bad input.
			panic("testsite: page not encodable in GBK: " + err.Error())
		}
		return []byte(b)
	case e.bom:
		return append([]byte("\xEF\xBB\xBF"), s...)
	case e.stray:
		return []byte(strings.Replace(s, "<!--stray-->", "<!--\xA1\xB0-->", 1))
	}
	return []byte(s)
}
