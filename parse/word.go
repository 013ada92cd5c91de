package parse

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Time caps on the converters: LibreOffice starts in about a second and converts a
// report in a few more; antiword takes milliseconds.
const (
	sofficeTimeout  = 2 * time.Minute
	antiwordTimeout = 30 * time.Second
	maxConverted    = 64 << 20 // the largest converted output read
)

// readLegacyOffice reads a legacy binary Word (or WPS) or Excel file through a
// converter found at run time. LibreOffice comes first because it keeps tables
// whole (merged cells included), so the result goes through the same HTML or
// workbook reader as a page; antiword, for Word files only, prints tables as
// pipe-delimited rows but loses rows of cells merged across rows, so it is the
// fallback.
func readLegacyOffice(kind string, data []byte) (*document, error) {
	if soffice := findProgram("soffice", "libreoffice"); soffice != "" {
		return viaLibreOffice(soffice, kind, data)
	}
	if kind == KindDOC {
		if antiword := findProgram("antiword"); antiword != "" {
			return viaAntiword(antiword, data)
		}
		return nil, fmt.Errorf("%s: %w; apt-get install libreoffice-writer-nogui (or antiword), then run gongkai reparse: the document stays archived", kindNames[kind], ErrNoConverter)
	}
	return nil, fmt.Errorf("%s: %w; apt-get install libreoffice-calc-nogui, then run gongkai reparse: the document stays archived", kindNames[kind], ErrNoConverter)
}

func findProgram(names ...string) string {
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	return ""
}

// viaLibreOffice converts a Word file to HTML, or an Excel file to XLSX, in a
// private temporary folder (its own LibreOffice profile too, so conversions may run
// side by side).
func viaLibreOffice(soffice, kind string, data []byte) (*document, error) {
	dir, err := os.MkdirTemp("", "gongkai-convert-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	in := filepath.Join(dir, "in."+kind)
	if err := os.WriteFile(in, data, 0o600); err != nil {
		return nil, err
	}
	target, ext := "html:HTML (StarWriter)", "html"
	if kind == KindXLS {
		target, ext = "xlsx:Calc MS Excel 2007 XML", "xlsx"
	}
	out := filepath.Join(dir, "out")
	if _, err := runConverter(sofficeTimeout, soffice, "--headless", "--norestore", "--nologo", "--nolockcheck",
		"-env:UserInstallation=file://"+filepath.Join(dir, "profile"), "--convert-to", target, "--outdir", out, in); err != nil {
		return nil, fmt.Errorf("LibreOffice: %w", err)
	}
	converted, err := readCapped(filepath.Join(out, "in."+ext))
	if err != nil {
		return nil, fmt.Errorf("LibreOffice converted nothing (not a document it reads?): %w", err)
	}
	if kind == KindXLS {
		return readXLSX(converted)
	}
	return readConvertedHTML(string(repairCESU8(converted)))
}

// readConvertedHTML reads a document converted to HTML. All of its body is the
// document: there is no portal chrome to find the article in, and the scorer
// would take the converter's section <div> for the article and leave out the
// title above it.
func readConvertedHTML(text string) (*document, error) {
	root, err := html.Parse(strings.NewReader(text))
	if err != nil {
		return nil, err
	}
	body := root
	var find func(*html.Node)
	find = func(n *html.Node) {
		for c := n.FirstChild; c != nil && body == root; c = c.NextSibling {
			if c.Type == html.ElementNode && c.DataAtom == atom.Body {
				body = c
				return
			}
			find(c)
		}
	}
	find(root)
	d := &document{meta: map[string]string{}}
	w := &walker{d: d, article: body}
	w.walk(body, true)
	w.flush()
	return d, nil
}

// viaAntiword prints a Word file as UTF-8 text: -w 0 keeps paragraphs on one line.
func viaAntiword(antiword string, data []byte) (*document, error) {
	f, err := os.CreateTemp("", "gongkai-*.doc")
	if err != nil {
		return nil, err
	}
	defer os.Remove(f.Name())
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	text, err := runConverter(antiwordTimeout, antiword, "-w", "0", "-m", "UTF-8.txt", f.Name())
	if err != nil {
		return nil, fmt.Errorf("antiword: %w", err)
	}
	return readText(string(repairCESU8(text))), nil
}

// runConverter runs a program with a time cap, killing its whole process group
// (LibreOffice's launcher starts another process) when the cap is reached, and
// returns what it printed, within maxConverted.
func runConverter(timeout time.Duration, name string, args ...string) ([]byte, error) {
	return runProgram(timeout, nil, name, args...)
}

// runProgram is runConverter with variables added to the environment.
func runProgram(timeout time.Duration, env []string, name string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	if env != nil {
		cmd.Env = append(os.Environ(), env...)
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr cappedBuffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		return nil, fmt.Errorf("stopped after %v", timeout)
	}
	if err != nil {
		return nil, fmt.Errorf("%v: %s", err, firstRunes(strings.TrimSpace(stderr.String()), 200))
	}
	if stdout.full {
		return nil, fmt.Errorf("printed more than %d MB", maxConverted>>20)
	}
	return stdout.Bytes(), nil
}

// cappedBuffer keeps the first maxConverted bytes written to it.
type cappedBuffer struct {
	bytes.Buffer
	full bool
}

func (b *cappedBuffer) Write(p []byte) (int, error) {
	if room := maxConverted - b.Len(); len(p) > room {
		b.full = true
		b.Buffer.Write(p[:max(room, 0)])
		return len(p), nil
	}
	return b.Buffer.Write(p)
}

func readCapped(path string) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.Size() > maxConverted {
		return nil, fmt.Errorf("the converted file has %d MB, more than %d MB", st.Size()>>20, maxConverted>>20)
	}
	return os.ReadFile(path)
}

// repairCESU8 joins the surrogate halves that converters write as two three-byte
// sequences (CESU-8) for a character outside the BMP, such as 𠀾, into the one
// four-byte UTF-8 sequence; a lone half becomes U+FFFD.
func repairCESU8(b []byte) []byte {
	if !bytes.Contains(b, []byte{0xED}) {
		return b
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); {
		if hi, ok := surrogateAt(b, i); ok {
			if lo, ok := surrogateAt(b, i+3); ok && hi < 0xDC00 && lo >= 0xDC00 {
				out = utf8.AppendRune(out, 0x10000+(hi-0xD800)<<10+(lo-0xDC00))
				i += 6
				continue
			}
			out = utf8.AppendRune(out, utf8.RuneError)
			i += 3
			continue
		}
		out = append(out, b[i])
		i++
	}
	return out
}

// surrogateAt decodes a surrogate half written as three bytes (ED A0–BF xx).
func surrogateAt(b []byte, i int) (rune, bool) {
	if i+3 > len(b) || b[i] != 0xED || b[i+1] < 0xA0 || b[i+1] > 0xBF || b[i+2]&0xC0 != 0x80 {
		return 0, false
	}
	return rune(b[i]&0x0F)<<12 | rune(b[i+1]&0x3F)<<6 | rune(b[i+2]&0x3F), true
}
