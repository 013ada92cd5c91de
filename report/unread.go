package report

// Unread says why a document that was archived could not be read, and so what
// would read it. Parse decides it; the store keeps it beside the parser's
// message; the crawl's summary and the report page tell people from it what to
// do.
type Unread string

const (
	// UnreadNeedsOCR: a scan, and no OCR engine (Tesseract with its Chinese
	// model) is installed. gongkai reparse reads it once one is.
	UnreadNeedsOCR Unread = "needs OCR"
	// UnreadNeedsConverter: a legacy Word, WPS or Excel file, and neither
	// LibreOffice nor antiword is installed. gongkai reparse reads it once one is.
	UnreadNeedsConverter Unread = "needs a converter"
	// UnreadDamaged: a kind of file the parser reads, but this one is empty, cut
	// off or broken, so no reader opens it. Only the portal can mend it.
	UnreadDamaged Unread = "damaged"
	// UnreadUnsupported: a kind of file the parser does not read, such as an
	// archive or an unknown binary format.
	UnreadUnsupported Unread = "unsupported"
	// UnreadTooLarge: larger than the parser reads (a page or a document).
	UnreadTooLarge Unread = "too large"
	// UnreadFault: gongkai failed on the file (its parser, or reading back its
	// own archived copy): a fault of ours, which gongkai reparse retries once
	// mended.
	UnreadFault Unread = "gongkai fault"
)

// Readable says whether installing a reader would let gongkai reparse read the
// document.
func (u Unread) Readable() bool { return u == UnreadNeedsOCR || u == UnreadNeedsConverter }
