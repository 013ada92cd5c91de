package parse

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"encoding/xml"
	"io"
	"strings"
	"unicode/utf16"

	"gongkai/report"
)

// Kinds of input, as Sniff tells them by content.
const (
	KindText  = "text" // an HTML page or a text rendering of one
	KindPDF   = "pdf"
	KindDOCX  = "docx"  // Office Open XML word processing (DOCX, DOCM, and WPS's DOCX)
	KindXLSX  = "xlsx"  // Office Open XML spreadsheet (XLSX, XLSM)
	KindDOC   = "doc"   // legacy binary Word in an OLE2 file; WPS writes the same
	KindXLS   = "xls"   // legacy binary Excel in an OLE2 file; WPS's ET writes the same
	KindImage = "image" // a picture (JPEG, PNG, TIFF, GIF, BMP, WebP): a scanned or photographed page
	KindOther = "other"
)

// Sniff tells what a document is from its bytes alone: a server's Content-Type and
// a file's name are often wrong (attachments served as application/octet-stream,
// .doc files that are DOCX inside). KindOther is a binary format the parser does
// not read.
func Sniff(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte("%PDF")) || pdfAfterJunk(data):
		return KindPDF
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return sniffZip(data)
	case bytes.HasPrefix(data, oleMagic):
		return sniffOLE(data)
	case isImage(data):
		return KindImage
	case binaryKind(data) != "":
		return KindOther
	}
	return KindText
}

// pdfAfterJunk accepts the %PDF header within the first KB, as PDF readers do:
// some servers and producers put a few bytes before it.
func pdfAfterJunk(data []byte) bool {
	i := bytes.Index(data[:min(len(data), 1024)], []byte("%PDF-"))
	return i > 0 && bytes.IndexByte(data[:i], '<') < 0 // not an HTML page that mentions %PDF-
}

// sniffZip reads an Office Open XML package's [Content_Types].xml for the type of
// its main part. A package cut off before its central directory is told by the
// part names in its first local headers.
func sniffZip(data []byte) string {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		head := data[:min(len(data), 64<<10)]
		switch {
		case bytes.Contains(head, []byte("word/document.xml")):
			return KindDOCX
		case bytes.Contains(head, []byte("xl/workbook.xml")):
			return KindXLSX
		}
		return KindOther
	}
	for _, f := range zr.File {
		if f.Name != "[Content_Types].xml" {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return KindOther
		}
		defer rc.Close()
		var types struct {
			Overrides []struct {
				ContentType string `xml:"ContentType,attr"`
			} `xml:"Override"`
		}
		if xml.NewDecoder(io.LimitReader(rc, 1<<20)).Decode(&types) != nil {
			return KindOther
		}
		for _, o := range types.Overrides {
			ct := strings.ToLower(o.ContentType)
			switch {
			case strings.Contains(ct, "wordprocessingml.document.main") || strings.Contains(ct, "wordprocessingml.template.main") ||
				strings.Contains(ct, "ms-word.document.macroenabled.main") || strings.Contains(ct, "ms-word.template.macroenabled"):
				return KindDOCX
			case strings.Contains(ct, "spreadsheetml.sheet.main") || strings.Contains(ct, "spreadsheetml.template.main") ||
				strings.Contains(ct, "ms-excel.sheet.macroenabled.main") || strings.Contains(ct, "ms-excel.template.macroenabled"):
				return KindXLSX
			}
		}
	}
	return KindOther
}

var oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// sniffOLE looks for the stream that makes an OLE2 compound file a Word or an
// Excel document. Directory entries are 128 bytes and sectors 512 or 4096, so every
// entry starts at a multiple of 128 in the file; reading them where they lie, rather
// than following the sector chains, also works on a file cut off part-way.
func sniffOLE(data []byte) string {
	kind := KindOther
	for off := 512; off+128 <= len(data); off += 128 {
		e := data[off : off+128]
		if e[66] != 2 { // a stream
			continue
		}
		n := int(binary.LittleEndian.Uint16(e[64:66]))
		if n < 4 || n > 64 || n%2 != 0 {
			continue
		}
		u := make([]uint16, n/2-1)
		for i := range u {
			u[i] = binary.LittleEndian.Uint16(e[2*i:])
		}
		switch string(utf16.Decode(u)) {
		case "WordDocument":
			return KindDOC
		case "Workbook", "Book":
			kind = KindXLS // an Excel sheet embedded in a Word file does not make it a workbook
		}
	}
	return kind
}

// otherKind names a binary input the parser does not read, saying why where the
// container is one it reads, and whether it is one cut off.
func otherKind(data []byte) (string, report.Unread) {
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		if _, err := zip.NewReader(bytes.NewReader(data), int64(len(data))); err != nil {
			// The directory sits at the end of a ZIP file: without it, the
			// package (a DOCX, an XLSX or an archive) was cut off.
			return "a ZIP package with no readable directory (cut off by an interrupted download, or damaged)", report.UnreadDamaged
		}
		return "a ZIP container that is neither a DOCX nor an XLSX package (an archive of files)", report.UnreadUnsupported
	case bytes.HasPrefix(data, oleMagic):
		if len(data) >= 512 {
			if dir := (int64(binary.LittleEndian.Uint32(data[0x30:])) + 1) << (binary.LittleEndian.Uint16(data[0x1E:]) & 15); dir >= int64(len(data)) {
				return "an OLE2 document (DOC, WPS or XLS) cut off before its directory (an interrupted download?)", report.UnreadDamaged
			}
		}
		return "an OLE2 file with no Word or Excel stream (damaged, or another Office format)", report.UnreadUnsupported
	}
	return binaryKind(data), report.UnreadUnsupported
}

// imageMagic are the signatures of the pictures the OCR reads.
var imageMagic = [][]byte{
	{0xFF, 0xD8, 0xFF}, []byte("\x89PNG\r\n\x1a\n"), []byte("II*\x00"), []byte("MM\x00*"),
	[]byte("GIF87a"), []byte("GIF89a"), []byte("BM"),
}

func isImage(data []byte) bool {
	for _, m := range imageMagic {
		if bytes.HasPrefix(data, m) {
			return m[0] != 'B' || len(data) > 26 && data[14] >= 12 // a BMP's header size, not text that starts with BM
		}
	}
	return len(data) > 12 && bytes.HasPrefix(data, []byte("RIFF")) && bytes.Equal(data[8:12], []byte("WEBP"))
}
