// Package pdfgen writes small PDF files of the kinds that LibreOffice does not make
// and that readers get wrong: text in the non-embedded STSong-Light font through the
// predefined GBK-EUC-H CMap (no ToUnicode map, so a reader must know the CMap), as
// older Chinese producers wrote it; or in an Identity-H font whose ToUnicode map is
// one range over all 65,536 codes, as fpdf/gofpdf write it; ruling lines; and
// image-only pages like a scan. The parser's fixtures and tests use it; it is not a
// general PDF writer.
package pdfgen

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"strings"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// Doc is a PDF being written.
type Doc struct {
	Identity bool // Identity-H with a ToUnicode map instead of GBK-EUC-H
	pages    []*Page
}

// Page is one page; coordinates are PDF points from the bottom-left corner.
type Page struct {
	W, H     float64
	identity bool
	content  bytes.Buffer
	images   []image
}

type image struct {
	w, h int
	gray []byte
	jpeg []byte // a JPEG instead of gray, as a scanner writes its pages
	rgb  bool   // the JPEG is in colour
}

// AddPage appends an A4 page.
func (d *Doc) AddPage() *Page {
	p := &Page{W: 595.3, H: 841.9, identity: d.Identity}
	d.pages = append(d.pages, p)
	return p
}

// Text writes s with its baseline at (x, y). A character the encoding lacks (outside
// GBK, or outside the BMP for Identity-H) is written as a question mark, as such
// producers do.
func (p *Page) Text(x, y, size float64, s string) {
	var hex strings.Builder
	enc := simplifiedchinese.GBK.NewEncoder()
	for _, r := range s {
		if p.identity {
			if r > 0xFFFF {
				r = '?'
			}
			fmt.Fprintf(&hex, "%04X", r)
			continue
		}
		b, err := enc.Bytes([]byte(string(r)))
		if err != nil {
			b = []byte{0xA3, 0xBF}
		}
		fmt.Fprintf(&hex, "%X", b)
	}
	fmt.Fprintf(&p.content, "BT /F1 %.2f Tf %.2f %.2f Td <%s> Tj ET\n", size, x, y, hex.String())
}

// Advance is the width Text gives s at the given size: one em for a two-byte
// character, half an em for ASCII.
func Advance(s string, size float64) float64 {
	w := 0.0
	for _, r := range s {
		if r < 0x80 {
			w += size / 2
		} else {
			w += size
		}
	}
	return w
}

// Line strokes a 0.5 pt line.
func (p *Page) Line(x1, y1, x2, y2 float64) {
	fmt.Fprintf(&p.content, "0.5 w %.2f %.2f m %.2f %.2f l S\n", x1, y1, x2, y2)
}

// Image paints a DeviceGray image (one byte a pixel) over the rectangle.
func (p *Page) Image(x, y, w, h float64, pw, ph int, gray []byte) {
	fmt.Fprintf(&p.content, "q %.2f 0 0 %.2f %.2f %.2f cm /Im%d Do Q\n", w, h, x, y, len(p.images))
	p.images = append(p.images, image{w: pw, h: ph, gray: gray})
}

// JPEG paints a JPEG of pw×ph pixels, greyscale or in colour (rgb), over the
// rectangle.
func (p *Page) JPEG(x, y, w, h float64, pw, ph int, rgb bool, data []byte) {
	fmt.Fprintf(&p.content, "q %.2f 0 0 %.2f %.2f %.2f cm /Im%d Do Q\n", w, h, x, y, len(p.images))
	p.images = append(p.images, image{w: pw, h: ph, jpeg: data, rgb: rgb})
}

// Bytes returns the finished file.
func (d *Doc) Bytes() []byte {
	var out bytes.Buffer
	var offsets []int
	obj := func(body string) int {
		offsets = append(offsets, out.Len())
		fmt.Fprintf(&out, "%d 0 obj\n%s\nendobj\n", len(offsets), body)
		return len(offsets)
	}
	stream := func(dict string, data []byte) int {
		var z bytes.Buffer
		w := zlib.NewWriter(&z)
		w.Write(data)
		w.Close()
		offsets = append(offsets, out.Len())
		fmt.Fprintf(&out, "%d 0 obj\n<< %s /Filter /FlateDecode /Length %d >>\nstream\n", len(offsets), dict, z.Len())
		out.Write(z.Bytes())
		out.WriteString("\nendstream\nendobj\n")
		return len(offsets)
	}
	out.WriteString("%PDF-1.4\n%\xE2\xE3\xCF\xD3\n")
	obj("<< /Type /Catalog /Pages 2 0 R >>")
	offsets = append(offsets, 0) // 2: the page tree, written last
	var font int
	if d.Identity {
		desc := obj("<< /Type /FontDescriptor /FontName /SimSun /Flags 6 /FontBBox [-8 -145 1000 859] /ItalicAngle 0 /Ascent 859 /Descent -141 /CapHeight 859 /StemV 80 >>")
		cid := obj(fmt.Sprintf("<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor %d 0 R /CIDToGIDMap /Identity /DW 1000 /W [32 126 500] >>", desc))
		toUnicode := stream("", []byte(identityToUnicode))
		font = obj(fmt.Sprintf("<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H /DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>", cid, toUnicode))
	} else {
		desc := obj("<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>")
		cid := obj(fmt.Sprintf("<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> /FontDescriptor %d 0 R /DW 1000 /W [1 95 500 814 939 500] >>", desc))
		font = obj(fmt.Sprintf("<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light-GBK-EUC-H /Encoding /GBK-EUC-H /DescendantFonts [%d 0 R] >>", cid))
	}
	var kids []string
	for _, p := range d.pages {
		var xobjects []string
		for i, im := range p.images {
			space := "DeviceGray"
			if im.rgb {
				space = "DeviceRGB"
			}
			dict := fmt.Sprintf("/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /%s /BitsPerComponent 8", im.w, im.h, space)
			var n int
			if im.jpeg != nil {
				offsets = append(offsets, out.Len())
				n = len(offsets)
				fmt.Fprintf(&out, "%d 0 obj\n<< %s /Filter /DCTDecode /Length %d >>\nstream\n", n, dict, len(im.jpeg))
				out.Write(im.jpeg)
				out.WriteString("\nendstream\nendobj\n")
			} else {
				n = stream(dict, im.gray)
			}
			xobjects = append(xobjects, fmt.Sprintf("/Im%d %d 0 R", i, n))
		}
		content := stream("", p.content.Bytes())
		page := obj(fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.1f %.1f] /Resources << /Font << /F1 %d 0 R >> /XObject << %s >> >> /Contents %d 0 R >>",
			p.W, p.H, font, strings.Join(xobjects, " "), content))
		kids = append(kids, fmt.Sprintf("%d 0 R", page))
	}
	offsets[1] = out.Len()
	fmt.Fprintf(&out, "2 0 obj\n<< /Type /Pages /Kids [%s] /Count %d >>\nendobj\n", strings.Join(kids, " "), len(kids))
	xref := out.Len()
	fmt.Fprintf(&out, "xref\n0 %d\n0000000000 65535 f \n", len(offsets)+1)
	for _, o := range offsets {
		fmt.Fprintf(&out, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&out, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offsets)+1, xref)
	return out.Bytes()
}

// identityToUnicode maps every two-byte code to the same code point: codes are
// Unicode, as fpdf writes them.
const identityToUnicode = `/CIDInit /ProcSet findresource begin
12 dict begin
begincmap
/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
/CMapName /Adobe-Identity-UCS def
/CMapType 2 def
1 begincodespacerange
<0000> <FFFF>
endcodespacerange
1 beginbfrange
<0000> <FFFF> <0000>
endbfrange
endcmap
CMapName currentdict /CMap defineresource pop
end
end
`
