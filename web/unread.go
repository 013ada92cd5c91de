package web

import (
	"strings"

	"gongkai/report"
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

// readers say what would read a document, by why the parser could not.
var readers = map[report.Unread]reader{
	report.UnreadNeedsOCR: {
		Zh:      "这是扫描件（图片），需要文字识别（OCR）才能读出数字。",
		En:      "A scan (pictures of pages): its figures need OCR.",
		Install: "apt-get install tesseract-ocr tesseract-ocr-chi-sim",
	},
	report.UnreadNeedsConverter: {
		Zh:      "这是旧版 Word、WPS 或 Excel 文件，需要 LibreOffice（或 antiword）才能读出。",
		En:      "A legacy Word, WPS or Excel file: LibreOffice (or antiword) reads it.",
		Install: "apt-get install libreoffice-writer-nogui libreoffice-calc-nogui antiword",
	},
	report.UnreadDamaged: {
		Zh: "文件已损坏或不完整（下载中断、或门户发布的就是坏文件），本机的阅读器都读不了：请打开原网址核对。",
		En: "The file is damaged or incomplete (a download cut short, or a broken file as the portal publishes it): no reader here opens it; check it at its URL.",
	},
	report.UnreadUnsupported: {
		Zh: "这种文件（压缩包或其他格式）本工具不读：请下载存档原件查看。",
		En: "A kind of file gongkai does not read (an archive or another format): open the archived copy.",
	},
	report.UnreadTooLarge: {
		Zh: "文件超过本工具读取的大小上限：请下载存档原件查看。",
		En: "Larger than gongkai reads: open the archived copy.",
	},
	report.UnreadFault: {
		Zh: "本工具读取时出错（程序的问题，已记录）：修复后 gongkai reparse 会重新读取。",
		En: "gongkai failed on it (a fault of ours, logged): gongkai reparse reads it again once mended.",
	},
}

// readerUnrecorded is for a document stored before the reason was recorded.
var readerUnrecorded = reader{
	Zh: "存档时的旧版本没有记录原因：运行 gongkai reparse 重新读取后会说明。",
	En: "Archived by an older gongkai that did not record why: gongkai reparse reads it again and says.",
}

// readerFor tells what would read a document.
func readerFor(u store.UnreadDocument) reader {
	if r, ok := readers[u.Unread]; ok {
		return r
	}
	return readerUnrecorded
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
