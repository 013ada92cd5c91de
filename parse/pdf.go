package parse

import (
	"errors"
	"fmt"
	"image"
	"io"
	"math"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/klippa-app/go-pdfium"
	"github.com/klippa-app/go-pdfium/enums"
	"github.com/klippa-app/go-pdfium/references"
	"github.com/klippa-app/go-pdfium/requests"
	"github.com/klippa-app/go-pdfium/structs"
	"github.com/klippa-app/go-pdfium/webassembly"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"

	"gongkai/parse/internal/scan"
	"gongkai/report"
)

// PDFs are read by pdfium compiled to WebAssembly and run by wazero: it needs no
// cgo and no system library, and of the extractors tried on the fixtures it alone
// decoded the GBK-EUC-H and the Identity-H (one-range ToUnicode) fonts correctly;
// the pure-Go ledongthuc/pdf garbled both. These caps keep a hostile file from
// costing more than a report does.
const (
	maxPDFPages     = 200              // pages read; a report has 5 to 40
	pdfTimeout      = 60 * time.Second // for the whole document
	pdfMemoryPages  = 4096             // WebAssembly pages of 64 KiB: 256 MiB per instance
	pdfInstances    = 1                // documents read at once: a crawl's memory stays bounded
	maxPageChars    = 50_000           // characters read from one page
	maxPageObjects  = 20_000           // page objects (paths, images, forms) examined
	maxPageSegments = 5_000            // ruling-line segments kept from one page
	maxFormDepth    = 4                // form XObjects within form XObjects
)

// pdfPool is the process's one pdfium pool, made on the first PDF: compiling the
// module takes seconds, which a run that reads no PDF must not pay.
var pdfPool struct {
	mu      sync.Mutex
	reading sync.RWMutex // held by each read, so that ReleasePDFium waits for them
	pool    pdfium.Pool
	err     error
	init    time.Duration // how long making it took, for benchmarks
}

func pdfiumPool() (pdfium.Pool, error) {
	pdfPool.mu.Lock()
	defer pdfPool.mu.Unlock()
	if pdfPool.pool == nil && pdfPool.err == nil {
		start := time.Now()
		cfg := wazero.NewRuntimeConfig().
			WithCoreFeatures(api.CoreFeaturesV2 | experimental.CoreFeaturesExceptionHandling).
			WithMemoryLimitPages(pdfMemoryPages).
			WithCloseOnContextDone(true) // so that Kill stops a runaway call
		// A compilation cache on disk turns the next process's start from seconds
		// into a fraction of one; without a writable cache folder it compiles anew.
		if dir, err := os.UserCacheDir(); err == nil {
			if cache, err := wazero.NewCompilationCacheWithDir(filepath.Join(dir, "gongkai", "wazero")); err == nil {
				cfg = cfg.WithCompilationCache(cache)
			}
		}
		pdfPool.pool, pdfPool.err = webassembly.Init(webassembly.Config{
			MinIdle:       1,
			MaxIdle:       pdfInstances, // instances kept warm: making one costs about 10 ms
			MaxTotal:      pdfInstances,
			FSConfig:      wazero.NewFSConfig().WithReadOnlyDirMount("/usr/share/fonts", "/usr/share/fonts"),
			RuntimeConfig: cfg,
			Stdout:        io.Discard,
			Stderr:        io.Discard,
		})
		pdfPool.init = time.Since(start)
	}
	return pdfPool.pool, pdfPool.err
}

// ReleasePDFium closes the process's pdfium pool, if it has one, once the
// PDFs being read are read: its compiled module and its instance's memory (some 50 MB)
// go back to the system, and a later PDF makes a new pool. A command calls it
// when it has read its documents and goes on to other work (a crawl before it
// updates the search index).
func ReleasePDFium() {
	pdfPool.reading.Lock()
	defer pdfPool.reading.Unlock()
	pdfPool.mu.Lock()
	defer pdfPool.mu.Unlock()
	if pdfPool.pool != nil {
		pdfPool.pool.Close()
	}
	pdfPool.pool, pdfPool.err = nil, nil
}

// pdfChar is a character with its box in points, y growing downwards from the top
// of the page.
type pdfChar struct {
	r              rune
	x0, y0, x1, y1 float64
}

// pdfSeg is a horizontal or vertical stroke, a candidate ruling line.
type pdfSeg struct {
	x0, y0, x1, y1 float64
}

// pdfPage is what the layout reads of a page.
type pdfPage struct {
	w, h   float64
	chars  []pdfChar
	segs   []pdfSeg
	images int
}

// readPDF extracts the pages' characters and ruling lines within the time cap and
// lays them out as lines and table rows.
// Pages without a text layer (a scan) are rendered one at a time and read by
// OCR.
func readPDF(data []byte) (*document, error) {
	var pages []pdfPage
	var total int
	var title string
	err := withPDFium(func(inst pdfium.Pdfium) (err error) {
		pages, total, title, err = extractPDF(inst, data)
		return err
	})
	if err != nil {
		return nil, err
	}
	return layoutPDF(pages, total, title, func(i int) (*image.Gray, float64, error) {
		return renderPDFPage(data, i, report.ScanDPI, requests.RenderImageFormatRGBA)
	})
}

// withPDFium runs f on an instance of the pool within the time cap.
func withPDFium(f func(pdfium.Pdfium) error) error {
	pdfPool.reading.RLock()
	defer pdfPool.reading.RUnlock()
	pool, err := pdfiumPool()
	if err != nil {
		return fmt.Errorf("pdfium: %w", err)
	}
	inst, err := pool.GetInstance(pdfTimeout)
	if err != nil {
		return fmt.Errorf("pdfium: %w", err)
	}
	done := make(chan error, 1)
	go func() {
		var err error
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("pdfium fault: %v", p)
			}
			done <- err
		}()
		err = f(inst)
	}()
	select {
	case err = <-done:
		inst.Close()
		return err
	case <-time.After(pdfTimeout):
		inst.Kill() // stops the call in flight and drops the instance from the pool
		return fmt.Errorf("not read within %v", pdfTimeout)
	}
}

// renderPDFPage renders page i (from 0) at dpi, or less for a page so large
// that it would pass maxScanPixels, and returns it in grey with its resolution.
// A scan is read from the page in colour (RenderImageFormatRGBA) made grey by
// scan.Gray, so that a red seal over the print can be told from it; a page
// rendered as a greyscale scanner would see it is RenderImageFormatGrayscale.
func renderPDFPage(data []byte, i int, at float64, format requests.RenderImageFormat) (*image.Gray, float64, error) {
	var img *image.Gray
	var dpi float64
	err := withPDFium(func(inst pdfium.Pdfium) error {
		doc, err := inst.FPDF_LoadMemDocument(&requests.FPDF_LoadMemDocument{Data: &data})
		if err != nil {
			return err
		}
		defer inst.FPDF_CloseDocument(&requests.FPDF_CloseDocument{Document: doc.Document})
		page := requests.Page{ByIndex: &requests.PageByIndex{Document: doc.Document, Index: i}}
		size, err := inst.GetPageSize(&requests.GetPageSize{Page: page})
		if err != nil {
			return err
		}
		dpi = at
		if px := size.Width * size.Height / (72 * 72) * dpi * dpi; px > maxScanPixels {
			dpi = math.Floor(dpi * math.Sqrt(maxScanPixels/px))
		}
		r, err := inst.RenderPageInDPI(&requests.RenderPageInDPI{Page: page, DPI: int(dpi), ImageFormat: format})
		if err != nil {
			return err
		}
		defer r.Cleanup()
		// The pixels live in the WebAssembly memory until Cleanup: they are
		// copied out.
		switch m := r.Result.RenderedImage.(type) {
		case *image.RGBA:
			img = scan.Gray(m)
		case *image.Gray:
			img = image.NewGray(image.Rect(0, 0, m.Rect.Dx(), m.Rect.Dy()))
			for y := 0; y < img.Rect.Dy(); y++ {
				copy(img.Pix[y*img.Stride:(y+1)*img.Stride], m.Pix[y*m.Stride:])
			}
		default:
			return fmt.Errorf("pdfium rendered a %T", r.Result.RenderedImage)
		}
		return nil
	})
	return img, dpi, err
}

// extractPDF reads up to maxPDFPages pages; it returns them, the document's page
// count and its Title.
func extractPDF(inst pdfium.Pdfium, data []byte) ([]pdfPage, int, string, error) {
	doc, err := inst.FPDF_LoadMemDocument(&requests.FPDF_LoadMemDocument{Data: &data})
	if err != nil {
		return nil, 0, "", err
	}
	defer inst.FPDF_CloseDocument(&requests.FPDF_CloseDocument{Document: doc.Document})
	count, err := inst.FPDF_GetPageCount(&requests.FPDF_GetPageCount{Document: doc.Document})
	if err != nil {
		return nil, 0, "", err
	}
	title := ""
	if t, err := inst.FPDF_GetMetaText(&requests.FPDF_GetMetaText{Document: doc.Document, Tag: "Title"}); err == nil {
		title = t.Value
	}
	pages := make([]pdfPage, 0, min(count.PageCount, maxPDFPages))
	for i := 0; i < count.PageCount && i < maxPDFPages; i++ {
		p, err := extractPage(inst, requests.Page{ByIndex: &requests.PageByIndex{Document: doc.Document, Index: i}})
		if err != nil {
			return nil, 0, "", fmt.Errorf("page %d: %w", i+1, err)
		}
		pages = append(pages, p)
	}
	return pages, count.PageCount, title, nil
}

func extractPage(inst pdfium.Pdfium, page requests.Page) (pdfPage, error) {
	var p pdfPage
	w, err := inst.FPDF_GetPageWidthF(&requests.FPDF_GetPageWidthF{Page: page})
	if err != nil {
		return p, err
	}
	h, err := inst.FPDF_GetPageHeightF(&requests.FPDF_GetPageHeightF{Page: page})
	if err != nil {
		return p, err
	}
	p.w, p.h = float64(w.PageWidth), float64(h.PageHeight)
	if err := extractChars(inst, page, &p); err != nil {
		return p, err
	}
	objects, err := inst.FPDFPage_CountObjects(&requests.FPDFPage_CountObjects{Page: page})
	if err != nil {
		return p, err
	}
	budget := maxPageObjects
	for i := 0; i < objects.Count && budget > 0; i++ {
		o, err := inst.FPDFPage_GetObject(&requests.FPDFPage_GetObject{Page: page, Index: i})
		if err != nil {
			return p, err
		}
		if err := extractObject(inst, o.PageObject, identity, 0, &p, &budget); err != nil {
			return p, err
		}
	}
	return p, nil
}

// extractChars reads the text layer. Spaces and line breaks are left out: the
// layout puts them back from the characters' positions.
func extractChars(inst pdfium.Pdfium, page requests.Page, p *pdfPage) error {
	tp, err := inst.FPDFText_LoadPage(&requests.FPDFText_LoadPage{Page: page})
	if err != nil {
		return err
	}
	defer inst.FPDFText_ClosePage(&requests.FPDFText_ClosePage{TextPage: tp.TextPage})
	n, err := inst.FPDFText_CountChars(&requests.FPDFText_CountChars{TextPage: tp.TextPage})
	if err != nil {
		return err
	}
	var high rune // a UTF-16 high surrogate waiting for its low half
	for i := 0; i < n.Count && i < maxPageChars; i++ {
		u, err := inst.FPDFText_GetUnicode(&requests.FPDFText_GetUnicode{TextPage: tp.TextPage, Index: i})
		if err != nil {
			return err
		}
		r := rune(u.Unicode)
		switch {
		case r >= 0xD800 && r < 0xDC00:
			high = r
			continue
		case r >= 0xDC00 && r < 0xE000 && high != 0:
			r = 0x10000 + (high-0xD800)<<10 + (r - 0xDC00)
		case r == 0 || r == 0xFFFE || r == 0xFFFF || r >= 0xD800 && r < 0xE000:
			r = '\uFFFD' // a glyph pdfium has no character for
		}
		high = 0
		if isSpace(r) || r < 0x20 || r == '\u00ad' {
			continue
		}
		box, err := inst.FPDFText_GetLooseCharBox(&requests.FPDFText_GetLooseCharBox{TextPage: tp.TextPage, Index: i})
		if err != nil {
			return err
		}
		b := box.Rect
		c := pdfChar{r: r, x0: float64(b.Left), x1: float64(b.Right), y0: p.h - float64(b.Top), y1: p.h - float64(b.Bottom)}
		if c.x1 < c.x0 {
			c.x0, c.x1 = c.x1, c.x0
		}
		if c.y1 < c.y0 {
			c.y0, c.y1 = c.y1, c.y0
		}
		if finite(c.x0, c.x1, c.y0, c.y1) {
			p.chars = append(p.chars, c)
		}
	}
	return nil
}

func finite(vs ...float64) bool {
	for _, v := range vs {
		if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > 1e6 {
			return false
		}
	}
	return true
}

// matrix is an affine transform [a b c d e f] as PDF writes it.
type matrix [6]float64

var identity = matrix{1, 0, 0, 1, 0, 0}

func (m matrix) apply(x, y float64) (float64, float64) {
	return m[0]*x + m[2]*y + m[4], m[1]*x + m[3]*y + m[5]
}

// then is m followed by n.
func (m matrix) then(n matrix) matrix {
	return matrix{
		m[0]*n[0] + m[1]*n[2], m[0]*n[1] + m[1]*n[3],
		m[2]*n[0] + m[3]*n[2], m[2]*n[1] + m[3]*n[3],
		m[4]*n[0] + m[5]*n[2] + n[4], m[4]*n[1] + m[5]*n[3] + n[5],
	}
}

func toMatrix(m structs.FPDF_FS_MATRIX) matrix {
	return matrix{float64(m.A), float64(m.B), float64(m.C), float64(m.D), float64(m.E), float64(m.F)}
}

// extractObject counts images and collects the straight horizontal and vertical
// edges of paths, looking into form XObjects. A path only filled (not stroked)
// counts only if it is thin, as a rule drawn as a filled rectangle is: a filled
// area (shading, a page background) is no ruling.
func extractObject(inst pdfium.Pdfium, obj references.FPDF_PAGEOBJECT, outer matrix, depth int, p *pdfPage, budget *int) error {
	*budget--
	t, err := inst.FPDFPageObj_GetType(&requests.FPDFPageObj_GetType{PageObject: obj})
	if err != nil {
		return err
	}
	switch t.Type {
	case enums.FPDF_PAGEOBJ_IMAGE:
		p.images++
	case enums.FPDF_PAGEOBJ_FORM:
		if depth >= maxFormDepth {
			return nil
		}
		m, err := inst.FPDFPageObj_GetMatrix(&requests.FPDFPageObj_GetMatrix{PageObject: obj})
		if err != nil {
			return err
		}
		n, err := inst.FPDFFormObj_CountObjects(&requests.FPDFFormObj_CountObjects{PageObject: obj})
		if err != nil {
			return err
		}
		inner := toMatrix(m.Matrix).then(outer)
		for i := 0; i < n.Count && *budget > 0; i++ {
			o, err := inst.FPDFFormObj_GetObject(&requests.FPDFFormObj_GetObject{PageObject: obj, Index: uint64(i)})
			if err != nil {
				return err
			}
			if err := extractObject(inst, o.PageObject, inner, depth+1, p, budget); err != nil {
				return err
			}
		}
	case enums.FPDF_PAGEOBJ_PATH:
		mode, err := inst.FPDFPath_GetDrawMode(&requests.FPDFPath_GetDrawMode{PageObject: obj})
		if err != nil {
			return err
		}
		if !mode.Stroke && mode.FillMode == enums.FPDF_FILLMODE_NONE {
			return nil // a clipping or invisible path
		}
		m, err := inst.FPDFPageObj_GetMatrix(&requests.FPDFPageObj_GetMatrix{PageObject: obj})
		if err != nil {
			return err
		}
		return extractPath(inst, obj, toMatrix(m.Matrix).then(outer), mode.Stroke, p)
	}
	return nil
}

// thinFill is the widest filled rectangle read as a line.
const thinFill = 3.0

func extractPath(inst pdfium.Pdfium, obj references.FPDF_PAGEOBJECT, m matrix, stroked bool, p *pdfPage) error {
	n, err := inst.FPDFPath_CountSegments(&requests.FPDFPath_CountSegments{PageObject: obj})
	if err != nil {
		return err
	}
	var segs []pdfSeg
	var startX, startY, curX, curY float64
	add := func(x0, y0, x1, y1 float64) {
		ax, ay := m.apply(x0, y0)
		bx, by := m.apply(x1, y1)
		ay, by = p.h-ay, p.h-by
		if finite(ax, ay, bx, by) && (math.Abs(ax-bx) < 0.5 || math.Abs(ay-by) < 0.5) {
			segs = append(segs, pdfSeg{min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)})
		}
	}
	for i := 0; i < n.Count && len(p.segs)+len(segs) < maxPageSegments; i++ {
		s, err := inst.FPDFPath_GetPathSegment(&requests.FPDFPath_GetPathSegment{PageObject: obj, Index: i})
		if err != nil {
			return err
		}
		pt, err := inst.FPDFPathSegment_GetPoint(&requests.FPDFPathSegment_GetPoint{PathSegment: s.PathSegment})
		if err != nil {
			return err
		}
		typ, err := inst.FPDFPathSegment_GetType(&requests.FPDFPathSegment_GetType{PathSegment: s.PathSegment})
		if err != nil {
			return err
		}
		x, y := float64(pt.X), float64(pt.Y)
		switch typ.Type {
		case enums.FPDF_SEGMENT_MOVETO:
			startX, startY = x, y
		case enums.FPDF_SEGMENT_LINETO:
			add(curX, curY, x, y)
		}
		curX, curY = x, y
		cl, err := inst.FPDFPathSegment_GetClose(&requests.FPDFPathSegment_GetClose{PathSegment: s.PathSegment})
		if err != nil {
			return err
		}
		if cl.IsClose {
			add(curX, curY, startX, startY)
			curX, curY = startX, startY
		}
	}
	if !stroked {
		// Keep a filled shape only if its extent is a line's.
		x0, y0, x1, y1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
		for _, s := range segs {
			x0, y0, x1, y1 = min(x0, s.x0), min(y0, s.y0), max(x1, s.x1), max(y1, s.y1)
		}
		if len(segs) == 0 || (x1-x0 > thinFill && y1-y0 > thinFill) {
			return nil
		}
	}
	p.segs = append(p.segs, segs...)
	return nil
}

// errNoText is returned by the layout for a PDF with neither text nor images.
var errNoText = errors.New("the PDF has no text")
