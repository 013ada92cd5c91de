package parse

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ErrNoOCR is wrapped by the error for a scanned document (an image-only PDF, a
// picture) when no OCR engine is installed; the document stays archived and can be
// parsed again once one is.
var ErrNoOCR = errors.New("a scan, and Tesseract (the OCR engine that reads it) is not installed")

// installOCR says what to install; the message of every ErrNoOCR ends with it.
const installOCR = "apt-get install tesseract-ocr tesseract-ocr-chi-sim, then run gongkai reparse: the document stays archived"

// ocrCallTimeout caps one run of Tesseract (a page's text, or a page's cells).
const ocrCallTimeout = 90 * time.Second

// tesseract is the OCR engine found at run time, like LibreOffice: Debian's
// tesseract-ocr with the chi_sim model for the text and eng for the digits.
type tesseract struct {
	path string
}

var tesseractFound struct {
	mu   sync.Mutex
	path string // the program last checked, and its languages
	err  error
}

// findTesseract finds the program and checks that it has the models the reports
// need. The answer is kept for the program found, so that installing it while a
// crawl runs takes effect at the next document.
func findTesseract() (*tesseract, error) {
	path := findProgram("tesseract")
	if path == "" {
		return nil, fmt.Errorf("%w; %s", ErrNoOCR, installOCR)
	}
	tesseractFound.mu.Lock()
	defer tesseractFound.mu.Unlock()
	if tesseractFound.path != path {
		tesseractFound.path, tesseractFound.err = path, checkLanguages(path)
	}
	if tesseractFound.err != nil {
		return nil, tesseractFound.err
	}
	return &tesseract{path: path}, nil
}

func checkLanguages(path string) error {
	out, err := runProgram(30*time.Second, ocrEnv, path, "--list-langs")
	if err != nil {
		return fmt.Errorf("%w: %s --list-langs: %v; %s", ErrNoOCR, path, err, installOCR)
	}
	have := map[string]bool{}
	for _, l := range strings.Split(string(out), "\n") {
		have[strings.TrimSpace(l)] = true
	}
	for _, lang := range []string{"chi_sim", "eng"} {
		if !have[lang] {
			return fmt.Errorf("%w: Tesseract has no %s model; %s", ErrNoOCR, lang, installOCR)
		}
	}
	return nil
}

// ocrEnv keeps Tesseract to one thread: pages are read one after another beside
// a crawl on a small machine, and its threads gain little on small images.
var ocrEnv = []string{"OMP_THREAD_LIMIT=1"}

// ocrWord is a word as Tesseract read it: its text, box in pixels of the image it
// was read from, and confidence (0–100).
type ocrWord struct {
	text       string
	box        image.Rectangle
	conf       float64
	line       int // words of one line share the number, within their image
	lineHeight int
}

// ocrPass is how Tesseract is to read images.
type ocrPass struct {
	lang   string
	psm    int    // page segmentation mode: 3 a page, 6 a block, 7 a line
	digits string // the only characters it may read, for figures; "" for text
	dpi    int    // the images' resolution, which sizes what Tesseract expects of a letter
}

// read runs Tesseract once over the images (a list file names them, so the
// models load once) and returns each image's words. Each image is one "page" of
// the run, which is how its words are told apart.
func (t *tesseract) read(images []*image.Gray, pass ocrPass) ([][]ocrWord, error) {
	out := make([][]ocrWord, len(images))
	if len(images) == 0 {
		return out, nil
	}
	dir, err := os.MkdirTemp("", "gongkai-ocr-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	var list bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	for i, img := range images {
		name := filepath.Join(dir, fmt.Sprintf("%04d.png", i))
		f, err := os.Create(name)
		if err != nil {
			return nil, err
		}
		err = enc.Encode(f, img)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return nil, err
		}
		list.WriteString(name + "\n")
	}
	listFile := filepath.Join(dir, "images.txt")
	if err := os.WriteFile(listFile, list.Bytes(), 0o600); err != nil {
		return nil, err
	}
	args := []string{listFile, "stdout", "-l", pass.lang, "--psm", strconv.Itoa(pass.psm), "--dpi", strconv.Itoa(pass.dpi)}
	if pass.digits != "" {
		args = append(args, "-c", "tessedit_char_whitelist="+pass.digits)
	}
	args = append(args, "tsv")
	tsv, err := runProgram(ocrCallTimeout, ocrEnv, t.path, args...)
	if err != nil {
		return nil, fmt.Errorf("Tesseract: %w", err)
	}
	return parseTSV(tsv, len(images))
}

// parseTSV reads Tesseract's TSV output: level 5 rows are words, with the page
// (here, the image) they are on, their line and their box.
func parseTSV(tsv []byte, images int) ([][]ocrWord, error) {
	out := make([][]ocrWord, images)
	sc := bufio.NewScanner(bytes.NewReader(tsv))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	lineHeights := map[[2]int]int{}
	for sc.Scan() {
		f := strings.Split(sc.Text(), "\t")
		if len(f) < 12 || f[0] == "level" {
			continue
		}
		n := make([]int, 10)
		for i := range n {
			n[i], _ = strconv.Atoi(f[i])
		}
		level, page := n[0], n[1]-1
		if page < 0 || page >= images {
			continue
		}
		line := n[2]<<20 | n[3]<<10 | n[4] // block, paragraph, line
		switch level {
		case 4:
			lineHeights[[2]int{page, line}] = n[9]
		case 5:
			text := strings.TrimSpace(f[11])
			if text == "" {
				continue
			}
			conf, _ := strconv.ParseFloat(f[10], 64)
			out[page] = append(out[page], ocrWord{
				text: text, box: image.Rect(n[6], n[7], n[6]+n[8], n[7]+n[9]), conf: conf,
				line: line, lineHeight: lineHeights[[2]int{page, line}],
			})
		}
	}
	return out, sc.Err()
}
