package parse

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"gongkai/report"
)

// The variants test takes every report of the corpus, and every report fixture,
// and renders its text the ways that lose its layout, chosen by a seeded random
// generator: the record read from each rendering must be the record of the
// original, as far as the text allows, and whatever it leaves out must be named in
// its warnings. A failure prints the seed and the variant, so it can be replayed
// with -flowseed.
var variantSeed = flag.Uint64("flowseed", 12, "seed of TestFlowingCorpusVariants")

// readerLine is a line of a report as a reader sees it: a line of text (one cell), or
// a table row with its cells.
type readerLine struct {
	cells []string
	row   bool
}

// reportLines reads a report file as its lines: a page's article blocks (each table
// row with its printed cells), or a text file's lines (pipe rows cut into cells).
func reportLines(data []byte) []readerLine {
	text := decode(data, "").Text
	var out []readerLine
	if looksHTML(text) {
		d, err := readHTML(embeddedArticle(text))
		if err != nil {
			return nil
		}
		for _, b := range d.blocks {
			if b.table > 0 {
				out = append(out, readerLine{cells: strings.Split(b.text, " | "), row: true})
			} else {
				out = append(out, readerLine{cells: b.cells[:1]})
			}
		}
		return out
	}
	for _, l := range readText(text).blocks {
		s := l.cells[0]
		if hasPipe(s) {
			if splitLine(s) == nil {
				continue // a Markdown table's rule, which a reader does not see
			}
			var cells []string
			for _, c := range strings.Split(strings.ReplaceAll(s, "｜", "|"), "|") {
				cells = append(cells, strings.TrimSpace(c))
			}
			out = append(out, readerLine{cells: cells, row: true})
			continue
		}
		out = append(out, readerLine{cells: []string{s}})
	}
	return out
}

// variantReports lists the reports the variants are made from: the corpus's, and
// the fixtures that are reports, in HTML or text.
func variantReports(t *testing.T) []string {
	var paths []string
	dir := filepath.Join("..", "..", "shared", "corpus")
	entries, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !e.IsDir() && e.Name() != "README.md" {
			paths = append(paths, filepath.Join(dir, e.Name()))
		}
	}
	for _, name := range sortedKeys(fixtures(t)) {
		path := fixtures(t)[name]
		switch filepath.Ext(path) {
		case ".html", ".txt", ".md":
		default:
			continue
		}
		if readWant(t, filepath.Join("testdata", name+".want.json")).NotReport {
			continue
		}
		paths = append(paths, path)
	}
	return paths
}

// flowVariant is one way of rendering a report's lines as flowing text.
type flowVariant struct {
	cellSep    string // between a row's cells: " ", "\t", " | ", "" or "mixed" (each gap "" or " ")
	lines      string // "one line", "few lines" or "kept"
	joiner     string // between lines joined into one: "" or " "
	tableLine  bool   // each table's rows on one line, the rest kept
	glueTitle  bool   // the title run into the first sentence
	titleGaps  bool   // Word-span spaces inside the title
	chrome     int    // 0 none; 1 menu and breadcrumb; 2 and the source/date line; 3 and the footer
	metaFirst  bool   // the source/date line before the title (after it otherwise)
	breadcrumb string
	halfWidth  bool // numbering in half-width forms: (三), 一. for （三）, 一、
	wide       bool // the tables' figures in full-width digits
	repeat     bool // table 3's header repeated in the middle of the table, as after a page break
}

func (v flowVariant) String() string {
	return fmt.Sprintf("cells %q, lines %s joined by %q, tables on one line %v, title glued %v, title gaps %v, chrome %d (meta first %v, %q), half-width %v, wide figures %v, header repeated %v",
		v.cellSep, v.lines, v.joiner, v.tableLine, v.glueTitle, v.titleGaps, v.chrome, v.metaFirst, v.breadcrumb, v.halfWidth, v.wide, v.repeat)
}

var breadcrumbs = []string{
	"首页 > 政务公开 > 政府信息公开年报 > ",
	"当前位置：首页 > 政务公开 > 政府信息公开 > 政府信息公开年报",
	"您当前的位置：首页 » 信息公开 » 年度报告",
	"当前位置：首页›政务公开›政府信息公开年报›正文",
	"首页>政务公开>政府信息公开年度报告>",
}

func randomVariant(rng *rand.Rand) flowVariant {
	pick := func(s ...string) string { return s[rng.IntN(len(s))] }
	return flowVariant{
		cellSep:    pick(" ", "\t", " | ", "", "mixed", "\u00a0", "\u3000"),
		lines:      pick("one line", "few lines", "kept"),
		joiner:     pick("", " "),
		tableLine:  rng.IntN(3) == 0,
		glueTitle:  rng.IntN(2) == 0,
		titleGaps:  rng.IntN(3) == 0,
		chrome:     rng.IntN(4),
		metaFirst:  rng.IntN(2) == 0,
		breadcrumb: breadcrumbs[rng.IntN(len(breadcrumbs))],
		halfWidth:  rng.IntN(4) == 0,
		wide:       rng.IntN(6) == 0,
		repeat:     rng.IntN(4) == 0,
	}
}

// halfNumbering writes the numbering of headings and labels in half-width forms.
var halfNumbering = strings.NewReplacer("（", "(", "）", ")", "一、", "一.", "二、", "二.", "三、", "三.", "四、", "四.", "五、", "五.", "六、", "六.")

func wideDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return '０' + r - '0'
		}
		return r
	}, s)
}

// repeatHeader puts a copy of table 3's header rows among its rows (after the
// first, before 结转下年度继续办理), as a table broken over two pages prints it.
func repeatHeader(rng *rand.Rand, lines []readerLine) []readerLine {
	head, first, last := -1, -1, -1
	for i, l := range lines {
		text := strings.Join(l.cells, "")
		switch {
		case !l.row:
		case head < 0 && (strings.Contains(text, "勾稽关系") || strings.Contains(text, "申请人情况")):
			head = i
		case head >= 0 && first < 0 && strings.Contains(text, "本年新收"):
			first = i
		case first >= 0 && last < 0 && strings.Contains(text, "结转下年"):
			last = i
		}
	}
	if head < 0 || first < 0 || last < first+2 {
		return lines
	}
	at := first + 1 + rng.IntN(last-first-1)
	out := append([]readerLine(nil), lines[:at]...)
	out = append(out, lines[head:first]...)
	return append(out, lines[at:]...)
}

// spacedTitle puts the spaces of Word's spans into a title: around its year and
// inside its words.
func spacedTitle(rng *rand.Rand, title string) string {
	rs := []rune(title)
	var b strings.Builder
	for i, r := range rs {
		if i > 0 {
			digitEdge := isDigitRune(r) != isDigitRune(rs[i-1])
			if digitEdge && rng.IntN(2) == 0 || isCJK(r) && isCJK(rs[i-1]) && rng.IntN(12) == 0 {
				b.WriteByte(' ')
			}
		}
		b.WriteRune(r)
	}
	return b.String()
}

// render writes a report's lines as the variant's flowing text. The title is the
// original record's; date is the one the chrome's source line gives.
func (v flowVariant) render(rng *rand.Rand, lines []readerLine, title, date string) string {
	var texts []string
	var rows []bool
	titleAt := -1
	if v.repeat {
		lines = repeatHeader(rng, lines)
	}
	for i, l := range lines {
		s := l.cells[0]
		if l.row {
			cells := l.cells
			if v.wide {
				cells = make([]string, len(l.cells))
				for j, c := range l.cells {
					if isValueCell(c) {
						c = wideDigits(c)
					}
					cells[j] = c
				}
			}
			s = joinCells(rng, cells, v.cellSep)
		}
		if v.halfWidth && s != title {
			s = halfNumbering.Replace(s)
		}
		if titleAt < 0 && !l.row && title != "" && strings.ReplaceAll(s, " ", "") == title {
			titleAt = i
		}
		texts, rows = append(texts, s), append(rows, l.row)
	}
	if titleAt < 0 && title != "" {
		// A page's title stands above its article, in the heading.
		texts, rows = append([]string{title}, texts...), append([]bool{false}, rows...)
		titleAt = 0
	}
	meta := "来源：区人民政府办公室 发布时间：" + date + " 10:30 浏览次数：126 【字体：大 中 小】"
	if titleAt >= 0 {
		t := texts[titleAt]
		if v.titleGaps && strings.TrimSpace(t) == title {
			t = spacedTitle(rng, title)
		}
		if v.chrome >= 2 {
			if v.metaFirst {
				t = meta + " " + t
			} else {
				t = t + " " + meta
			}
		}
		texts[titleAt] = t
	}
	var head, tail []string
	if v.chrome >= 1 {
		head = []string{"网站首页 机构概况 政务公开 互动交流", v.breadcrumb}
	}
	if titleAt < 0 && v.chrome >= 2 {
		head = append(head, meta)
	}
	if v.chrome >= 3 {
		tail = []string{"【打印本页】 【关闭窗口】", "相关链接：政府信息公开指南 政府信息公开制度", "版权所有：区人民政府 网站标识码：4302110001"}
	}
	texts = append(append(head, texts...), tail...)
	rows = append(append(make([]bool, len(head)), rows...), make([]bool, len(tail))...)
	titleAt += len(head)

	var b strings.Builder
	for i, s := range texts {
		if i > 0 {
			b.WriteString(v.lineBreak(rng, i == titleAt+1 && v.glueTitle, rows[i-1] && rows[i]))
		}
		b.WriteString(s)
	}
	return b.String()
}

// lineBreak is what stands between two lines: a line break, or what the variant
// joins them with.
func (v flowVariant) lineBreak(rng *rand.Rand, glue, inTable bool) string {
	switch {
	case glue:
		return ""
	case v.lines == "one line", v.tableLine && inTable:
		return v.joiner
	case v.lines == "few lines" && rng.IntN(8) != 0:
		return v.joiner
	}
	return "\n"
}

func joinCells(rng *rand.Rand, cells []string, sep string) string {
	var b strings.Builder
	for i, c := range cells {
		if i > 0 {
			switch sep {
			case "mixed":
				if rng.IntN(2) == 0 {
					b.WriteByte(' ')
				}
			case "":
			default:
				b.WriteString(sep)
			}
		}
		b.WriteString(c)
	}
	if sep == "" || sep == "mixed" || sep == " " {
		return strings.Join(strings.Fields(b.String()), " ")
	}
	return b.String()
}

func TestFlowingCorpusVariants(t *testing.T) {
	paths := variantReports(t)
	const total = 600
	per := (total + len(paths) - 1) / len(paths)
	rng := rand.New(rand.NewPCG(*variantSeed, 0))
	var variants, cells, leftOut int
	defer func() { t.Logf("%d variants: %d cells read, %d rows left out and named", variants, cells, leftOut) }()
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		page, err := Parse(Input{Name: path, Data: data})
		if err != nil {
			t.Fatal(err)
		}
		lines := reportLines(data)
		if len(lines) == 0 {
			t.Fatalf("%s: no lines", path)
		}
		// The text as its lines print it, for the date they give.
		plain, err := Parse(Input{Name: path + ".txt", Data: []byte(flowVariant{cellSep: " | ", lines: "kept"}.render(rng, lines, page.Title, ""))})
		if err != nil {
			t.Fatalf("%s as text: %v", path, err)
		}
		for i := range per {
			v := randomVariant(rng)
			date := page.Published
			if date == "" {
				date = "2023-01-20"
			}
			text := v.render(rng, lines, page.Title, date)
			ok := t.Run(fmt.Sprintf("%s/%d", filepath.Base(path), i), func(t *testing.T) {
				flow, err := Parse(Input{Name: path + ".txt", Data: []byte(text)})
				if err != nil {
					t.Fatalf("%v", err)
				}
				// The page's date may be in its metadata, which the text lost: the
				// text gives the chrome's date, or the one its own lines print.
				want := date
				if v.chrome < 2 {
					want = plain.Published
				}
				undated := *page
				undated.Published = ""
				variants++
				cells += len(flow.Cells)
				left := compareFlowing(t, &undated, flow)
				leftOut += len(left)
				for _, row := range left {
					if !quotedIn(flow.Warnings, row) {
						t.Errorf("%s is left out and no warning quotes what the text prints for it: %q", row, flow.Warnings)
					}
				}
				if flow.Published != want {
					t.Errorf("published %q, want %q", flow.Published, want)
				}
				if page.Format == report.FormatLegacy && utf8.RuneCountInString(flow.Text) < utf8.RuneCountInString(text)/2 {
					t.Errorf("legacy report without its body: %d of %d bytes", len(flow.Text), len(text))
				}
			})
			if !ok {
				t.Logf("seed %d, %s variant %d: %s\n%s", *variantSeed, filepath.Base(path), i, v, firstRunes(text, 1500))
			}
		}
	}
}

// quotedIn says whether a warning names a row left out (table3.granted: granted)
// together with the text it printed, in quotes.
func quotedIn(warnings []string, ref string) bool {
	key := ref[strings.IndexByte(ref, '.')+1:]
	if ref == "table4" {
		key = "table 4"
	}
	for _, w := range warnings {
		if strings.Contains(w, key) && strings.Contains(w, `"`) {
			return true
		}
	}
	return false
}
