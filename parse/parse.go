// Package parse turns a published report (an HTML page or a text rendering of one)
// into the canonical record of package report.
package parse

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"gongkai/report"
)

// Version names the parser that produced a record; it changes whenever the parser's
// output for the same input may change.
const Version = "0.1.0"

// MaxInput is the largest document read: the crawler's page limit. A report page
// is rarely over 1 MB; anything far larger is not a report page.
const MaxInput = 20 << 20

// Input is one document as it was published.
type Input struct {
	Name        string // file path or URL, recorded as the record's source
	Data        []byte
	ContentType string // the server's Content-Type header, if any
}

// NotReportError says the input is readable but is not an annual report.
type NotReportError struct {
	Name   string
	Reason string
}

func (e *NotReportError) Error() string { return e.Name + ": not an annual report: " + e.Reason }

// IsNotReport reports whether err says the input is not an annual report.
func IsNotReport(err error) bool {
	var nr *NotReportError
	return errors.As(err, &nr)
}

// Parse reads one document and returns its record. An error names the input; a
// *NotReportError means the document is readable but is not an annual report.
func Parse(in Input) (rec *report.Record, err error) {
	// Whatever a portal serves must not stop a crawl or an ingest of thousands of
	// files: a fault in the parser becomes an error naming the input. The fuzz
	// targets call parseDocument directly, so such faults are still found.
	defer func() {
		if p := recover(); p != nil {
			rec, err = nil, unreadable(report.UnreadFault, fmt.Errorf("%s: parser fault: %v", in.Name, p))
		}
	}()
	return parseDocument(in)
}

func parseDocument(in Input) (*report.Record, error) {
	if len(in.Data) == 0 {
		return nil, unreadable(report.UnreadDamaged, fmt.Errorf("%s: empty file", in.Name))
	}
	var d *document
	medium := Sniff(in.Data)
	switch kind := medium; kind {
	case KindOther:
		what, why := otherKind(in.Data)
		return nil, unreadable(why, fmt.Errorf("%s: %s, not a page, text or document the parser reads", in.Name, what))
	case KindText:
		if len(in.Data) > MaxInput {
			return nil, unreadable(report.UnreadTooLarge, fmt.Errorf("%s: %d MB is more than the %d MB a report page may have; not read", in.Name, len(in.Data)>>20, MaxInput>>20))
		}
		decoded := decode(in.Data, in.ContentType)
		text := decoded.Text
		if garbled(text) {
			return nil, unreadable(report.UnreadUnsupported, fmt.Errorf("%s: not text (binary or undecodable data)", in.Name))
		}
		if t := strings.TrimSpace(text); (strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[")) && json.Valid([]byte(t)) {
			// Data (an API's answer, a record we wrote), which may quote a report's
			// words without being one.
			return nil, &NotReportError{Name: in.Name, Reason: "JSON data, not a report"}
		}
		medium = "text"
		text = embeddedArticle(text)
		if looksHTML(text) {
			medium = "html"
			var err error
			if d, err = readHTML(text); err != nil {
				return nil, fmt.Errorf("%s: %v", in.Name, err)
			}
		} else {
			d = readText(text)
		}
		if decoded.Conflict != "" {
			d.warnings = append(d.warnings, decoded.Conflict)
		}
	default:
		if len(in.Data) > MaxDocument {
			return nil, unreadable(report.UnreadTooLarge, fmt.Errorf("%s: %d MB is more than the %d MB a report document may have; not read", in.Name, len(in.Data)>>20, MaxDocument>>20))
		}
		var err error
		if d, err = readDocument(kind, in); err != nil {
			return nil, err
		}
	}
	d.blocks = reflow(d.blocks)
	lines := make([]string, 0, len(d.blocks))
	for _, b := range d.blocks {
		lines = append(lines, b.line())
	}

	if d.ocrPages > 0 {
		medium = report.MediumScan
	}
	rec := &report.Record{Source: in.Name, Medium: medium, Checks: []report.Check{}}
	warnings := append([]string(nil), d.warnings...)
	warnings = append(warnings, fillMetadata(rec, d, lines)...)
	if reason := report.LookAlike(rec.Title); reason != "" && !report.IsReportTitle(rec.Title) {
		return nil, &NotReportError{Name: in.Name, Reason: reason}
	}
	sr := sortRows(d.blocks)
	if standardEvidence(sr) >= 3 {
		format, w := detectFormat(sr, rec.Year)
		if w != "" {
			warnings = append(warnings, w)
		}
		rec.Format = format
		tr := &tableReader{rec: rec, ocr: d.ocrPages > 0}
		tr.readTable2(sr.t2, format)
		tr.readTable3(sr.t3, format)
		tr.readTable4(sr.t4)
		tr.tidyLeftOut()
		if len(tr.unseparated) > 0 {
			tr.warn("figures printed without separators, each cut into cells the only way they can be: %s", strings.Join(tr.unseparated, ", "))
		}
		warnings = append(warnings, tr.warnings...)
		if rec.Table2 == nil {
			warnings = append(warnings, "table 2 (主动公开政府信息情况) not found")
		}
		if rec.Table3 == nil {
			warnings = append(warnings, "table 3 (收到和处理政府信息公开申请情况) not found")
		}
		if rec.Table4 == nil {
			warnings = append(warnings, "table 4 (行政复议、行政诉讼情况) not found")
		}
	} else {
		if !report.IsReportTitle(rec.Title) {
			reason := "no report title and none of the statistical tables"
			if rec.Title != "" {
				reason = fmt.Sprintf("the title %q does not name an annual report, and none of the statistical tables is there", rec.Title)
			}
			return nil, &NotReportError{Name: in.Name, Reason: reason}
		}
		if listsReports(lines, rec.Title) {
			return nil, &NotReportError{Name: in.Name, Reason: fmt.Sprintf("a page that lists reports (%q among them), not a report", rec.Title)}
		}
		if !reportBody(lines, rec.Title) && !pointsToAttachment(lines) {
			return nil, &NotReportError{Name: in.Name, Reason: fmt.Sprintf("the page is named %q but holds neither a report's text nor its tables, nor points to an attachment (a column page?)", rec.Title)}
		}
		switch {
		case rec.Year >= 2021:
			// Since 2019 every report has the tables; a page without them in its
			// text shows them as images or carries them in an attachment.
			rec.Format = report.Format2021
			warnings = append(warnings, "the statistical tables are not in the page's text (images, or an attachment?); format 2021 assumed from the year")
		case rec.Year >= 2019:
			rec.Format = report.Format2019
			warnings = append(warnings, "the statistical tables are not in the page's text (images, or an attachment?); format 2019 assumed from the year")
		default:
			rec.Format = report.FormatLegacy
			rec.LegacyFigures = legacyFigures(d.blocks)
		}
	}
	if rec.Year == 0 {
		warnings = append(warnings, "the year the report covers is not stated")
	}
	rec.Checks = report.ComputeChecks(rec)
	rec.Unchecked = report.UncheckedChecks(rec)
	if rec.Checks == nil {
		rec.Checks = []report.Check{}
	}
	if warnings == nil {
		warnings = []string{}
	}
	rec.Warnings = warnings
	rec.Text = strings.Join(lines, "\n")
	return rec, nil
}

var magic = []struct {
	prefix []byte
	kind   string
}{
	{[]byte("%PDF"), "a PDF document"},
	{[]byte("PK\x03\x04"), "a ZIP container (DOCX, XLSX or an archive)"},
	{[]byte{0xD0, 0xCF, 0x11, 0xE0}, "an OLE2 document (DOC, WPS or XLS)"},
	{[]byte("\x89PNG"), "a PNG image"},
	{[]byte("GIF8"), "a GIF image"},
	{[]byte{0xFF, 0xD8, 0xFF}, "a JPEG image"},
	{[]byte("Rar!"), "a RAR archive"},
	{[]byte{0x1F, 0x8B}, "gzip-compressed data"},
	{[]byte("{\\rtf"), "an RTF document"},
}

// binaryKind names data that is a known binary format, or that holds NUL bytes
// outside a UTF-16 text.
func binaryKind(data []byte) string {
	for _, m := range magic {
		if bytes.HasPrefix(data, m.prefix) {
			return m.kind
		}
	}
	if bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}) {
		return ""
	}
	head := data[:min(len(data), 8192)]
	if bytes.IndexByte(head, 0) >= 0 {
		return "binary data"
	}
	return ""
}

// garbled tells text from bytes that no encoding made sense of: many control
// characters or replacement characters in its first part.
func garbled(text string) bool {
	n, bad := 0, 0
	for _, r := range text {
		n++
		if r == '\uFFFD' || (r < 0x20 && r != '\n' && r != '\r' && r != '\t' && r != '\f') {
			bad++
		}
		if n >= 4096 {
			break
		}
	}
	return n > 0 && bad*10 > n
}

var htmlStart = regexp.MustCompile(`(?i)<(?:!doctype\s+html|html|head|body|meta|table|div|p|title|span|br)[\s>/]`)

func looksHTML(text string) bool {
	return htmlStart.MatchString(text[:min(len(text), 4096)])
}

// readText reads a text rendering: each non-empty line is a block.
func readText(text string) *document {
	d := &document{meta: map[string]string{}}
	for _, l := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		l = strings.TrimSpace(strings.ReplaceAll(l, "\r", ""))
		if l == "" {
			continue
		}
		d.blocks = append(d.blocks, block{cells: []string{l}})
	}
	return d
}

// listsReports tells a page that lists several reports (a column page, an index)
// from a report page, which may hold little text of its own when the report is in
// an attachment or in images: a list names two or more reports besides its title,
// in lines that are not sentences (a report's prose may name other reports).
func listsReports(lines []string, title string) bool {
	others := 0
	for _, l := range lines {
		if l = strings.TrimSpace(l); l != title && !strings.ContainsAny(l, "。，；,;") {
			others += report.CountReportNames(l)
			// Flowing text keeps the chrome: the title again, the column's name.
			for _, t := range titlesIn(l, 20) {
				if t == title {
					others--
				}
			}
		}
	}
	return others >= 2 && sentences(lines) < 8
}

// sentences counts the full stops of a text, up to 8: a list of reports has none,
// a report's body dozens.
func sentences(lines []string) int {
	n := 0
	for _, l := range lines {
		if n += strings.Count(l, "。"); n >= 8 {
			return 8
		}
	}
	return n
}

// reportTopics are what every annual report, of any year or format, gives an
// account of.
var reportTopics = []string{"主动公开", "依申请", "行政复议", "行政诉讼", "收费", "存在的主要问题", "改进", "申请"}

// reportBody says whether the text beyond the title reads as a report: it runs to
// some length and speaks of at least two of the report's topics.
func reportBody(lines []string, title string) bool {
	var b strings.Builder
	for _, l := range lines {
		if strings.TrimSpace(l) != title {
			b.WriteString(l)
		}
	}
	text := b.String()
	if utf8.RuneCountInString(text) < 200 {
		return false
	}
	topics := 0
	for _, t := range reportTopics {
		if strings.Contains(text, t) {
			topics++
		}
	}
	return topics >= 2
}

// pointsToAttachment says whether a page hands its report on to a file: 详见附件,
// 附件：…, a download link.
func pointsToAttachment(lines []string) bool {
	for _, l := range lines {
		if strings.Contains(l, "附件") || strings.Contains(l, "下载") || strings.Contains(l, "附表") {
			return true
		}
	}
	return false
}
