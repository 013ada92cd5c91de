package web

import (
	"strings"

	"gongkai/store"
)

// unreadView is an attachment that could not be read, as the report page shows
// it: its name, the archived copy, the original URL and what would read it.
type unreadView struct {
	store.UnreadDocument
	Name, Archive, Link string
	Reader              reader
}

// reader says, in Chinese and English, what would read a document, and the
// command that installs it.
type reader struct {
	Zh, En, Install string
}

var (
	readerOCR = reader{
		Zh:      "这是扫描件（图片），需要文字识别（OCR）才能读出数字。",
		En:      "A scan (pictures of pages): its figures need OCR.",
		Install: "apt-get install tesseract-ocr tesseract-ocr-chi-sim",
	}
	readerOffice = reader{
		Zh:      "这是旧版 Word、WPS 或 Excel 文件，需要 LibreOffice（或 antiword）才能读出。",
		En:      "A legacy Word, WPS or Excel file: LibreOffice (or antiword) reads it.",
		Install: "apt-get install libreoffice-writer-nogui libreoffice-calc-nogui antiword",
	}
	readerDamaged = reader{
		Zh: "文件已损坏或不完整（下载中断、或门户发布的就是坏文件），本机的阅读器都读不了：请打开原网址核对。",
		En: "The file is damaged or incomplete (a download cut short, or a broken file as the portal publishes it): no reader here opens it; check it at its URL.",
	}
	readerUnknown = reader{
		Zh: "本机没有能读这种文件的阅读器。",
		En: "No reader here reads this kind of file.",
	}
)

// readerFor tells what would read a document from why the parser could not and
// what kind of file it is.
func readerFor(u store.UnreadDocument) reader {
	reason := strings.ToLower(u.Reason)
	name := strings.ToLower(u.URI)
	has := func(words ...string) bool {
		for _, w := range words {
			if strings.Contains(reason, w) {
				return true
			}
		}
		return false
	}
	switch {
	case has("tesseract", "ocr", "a scan"):
		return readerOCR
	case has("converter", "libreoffice", "antiword"):
		return readerOffice
	case has("cut off", "cannot be read", "damaged", "incorrect format", "truncated", "corrupt"):
		return readerDamaged
	}
	for _, ext := range []string{".doc", ".wps", ".xls", ".et"} {
		if strings.Contains(name, ext) {
			return readerOffice
		}
	}
	for _, ext := range []string{".pdf", ".jpg", ".jpeg", ".png", ".tif", ".tiff"} {
		if strings.Contains(name, ext) || strings.Contains(u.MediaType, "image/") {
			return readerOCR
		}
	}
	return readerUnknown
}

func unreadViews(docs []store.UnreadDocument) []unreadView {
	var out []unreadView
	for _, u := range docs {
		o := &store.Original{URI: u.URI, SHA256: u.SHA256, MediaType: u.MediaType}
		v := unreadView{UnreadDocument: u, Name: originalName(o, nil), Archive: archiveURL(u.SHA256), Link: followable(u.URI), Reader: readerFor(u)}
		v.Reason = strings.TrimPrefix(v.Reason, u.URI+": ") // the parser's errors begin with the document
		out = append(out, v)
	}
	return out
}
