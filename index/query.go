package index

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"gongkai/report"
)

// The query language (README.md documents it):
//
//	行政复议 信访             both words (AND is implied; AND may be written)
//	"不予公开 国家秘密"        a phrase; “” work as quotes too
//	行政复议 OR 行政诉讼       either (AND binds tighter than OR)
//	行政复议 NOT 信访          -信访 works too, and -(…) or -"…"; +word requires a word
//	(复议 OR 诉讼) 纠正       grouping
//	year:2022  year:2020-2022  year:>=2021
//	region:株洲市  region:4302  organ:金融办  department:教育局  format:2019
//	failed:t3_balance (a report's own check)  finding:copied_text (a finding across reports)
//	title:金融办  body:信访  labels:不予处理
//
// Chinese is matched as phrases (of n-grams, single characters or bigrams), so
// 行政复议 finds 行政复议 and not 行政…复议; a single character (县, 镇) finds
// the character wherever it stands.
//
// What the parser cannot read is a *SyntaxError, said in Chinese and English.

// compiled is a parsed query: the bleve query, and what highlights mark: the
// words searched for (not those after NOT) as the index matches them.
type compiled struct {
	q     query.Query
	marks []*regexp.Regexp
}

// dictionary lists a text field's indexed terms of a kind that match a regular
// expression.
type dictionary func(field, kind byte, pattern string) ([]string, error)

type parser struct {
	toks  []string
	pos   int
	words []string
	neg   int // how many NOTs the term being parsed is under
	parts int // words, phrases and field:value terms parsed so far
	dict  dictionary
}

var (
	tokenRE = regexp.MustCompile(`[+-]?"[^"]*"?|\(|\)|[^\s()"]+(?:"[^"]*"?)?`)
	quotes  = strings.NewReplacer("“", `"`, "”", `"`)
)

func newParser(dict dictionary) *parser {
	return &parser{dict: dict}
}

func (p *parser) compile(s string) (*compiled, error) {
	p.toks = tokenRE.FindAllString(quotes.Replace(s), -1)
	if len(p.toks) == 0 {
		return &compiled{q: query.NewMatchAllQuery()}, nil
	}
	q, err := p.or()
	if err != nil {
		return nil, err
	}
	if p.pos < len(p.toks) {
		// or() stops early only at a ) that opens nothing.
		return nil, syntaxError(p.toks[p.pos], "多了一个“)”，前面没有对应的“(”", "a ) that closes no (: remove it or add the ( it closes")
	}
	c := &compiled{q: q}
	for _, w := range p.words {
		c.marks = append(c.marks, wordPattern(w))
	}
	return c, nil
}

func (p *parser) peek() string {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return ""
}

func (p *parser) or() (query.Query, error) {
	first, err := p.and()
	if err != nil {
		return nil, err
	}
	qs := []query.Query{first}
	for p.peek() == "OR" {
		p.pos++
		if t := p.peek(); t == "" || t == ")" || t == "OR" {
			return nil, syntaxError(t, "OR 后面缺少词语：OR 两边都要有要找的词", "OR needs a word after it (行政复议 OR 行政诉讼)")
		}
		q, err := p.and()
		if err != nil {
			return nil, err
		}
		qs = append(qs, q)
	}
	if len(qs) == 1 {
		return first, nil
	}
	return query.NewDisjunctionQuery(qs), nil
}

func (p *parser) and() (query.Query, error) {
	var must, mustNot []query.Query
	for {
		t := p.peek()
		if t == "" || t == ")" || t == "OR" {
			break
		}
		if t == "AND" {
			p.pos++
			continue
		}
		neg := false
		switch {
		case t == "NOT" || t == "-":
			neg = true
			p.pos++
		case t == "+":
			p.pos++
		case strings.HasPrefix(t, "-"):
			neg = true
			p.toks[p.pos] = t[1:]
		case strings.HasPrefix(t, "+"):
			p.toks[p.pos] = t[1:]
		}
		if neg {
			p.neg++
		}
		q, err := p.primary()
		if neg {
			p.neg--
		}
		if err != nil {
			return nil, err
		}
		if neg {
			mustNot = append(mustNot, q)
		} else {
			must = append(must, q)
		}
	}
	if len(must) == 0 && len(mustNot) == 0 {
		switch t := p.peek(); t {
		case "OR":
			return nil, syntaxError(t, "OR 前面缺少词语：OR 两边都要有要找的词", "OR needs a word before it (行政复议 OR 行政诉讼)")
		case ")":
			return nil, syntaxError(t, "括号里没有词语", "nothing between ( and )")
		default:
			return nil, syntaxError(t, "只有 AND，没有要找的词", "AND joins words, and there is none to search for")
		}
	}
	if len(mustNot) == 0 && len(must) == 1 {
		return must[0], nil
	}
	b := query.NewBooleanQuery(nil, nil, nil)
	if len(must) == 0 {
		must = []query.Query{query.NewMatchAllQuery()}
	}
	b.AddMust(must...)
	b.AddMustNot(mustNot...)
	return b, nil
}

func (p *parser) primary() (query.Query, error) {
	t := p.peek()
	switch t {
	case "", "OR", "AND", "NOT", ")":
		// Only NOT, - and + come before a term the way that reaches here.
		return nil, syntaxError(t, "NOT（或 -、+）后面缺少词语", "NOT, - or + needs a word after it (行政复议 -信访)")
	}
	p.pos++
	if t != "(" {
		if p.parts++; p.parts > MaxQueryParts {
			return nil, tooManyParts(t)
		}
	}
	if t == "(" {
		q, err := p.or()
		if err != nil {
			return nil, err
		}
		if p.peek() != ")" {
			return nil, syntaxError(p.peek(), "“(”没有闭合：请补上“)”", "a ( is not closed: add its )")
		}
		p.pos++
		return q, nil
	}
	if field, value, ok := strings.Cut(t, ":"); ok && !strings.HasPrefix(field, `"`) {
		if q, ok, err := p.fieldQuery(t, strings.ToLower(field), strings.Trim(value, `"`)); ok || err != nil {
			return q, err
		}
	}
	return p.text(strings.Trim(t, `"`), textFields)
}

var (
	// A word without a field is looked for in the title and the body, which
	// holds the organ's name and the tables' labels too (organ:, region: and
	// labels: search those fields alone).
	textFields = []string{fTitle, fBody}
	yearRange  = regexp.MustCompile(`^(\d{4})\s*[-–~]\s*(\d{4})$`)
	yearCmp    = regexp.MustCompile(`^(>=|<=|>|<)(\d{4})$`)
	digits     = regexp.MustCompile(`^\d+$`)
)

// analyzer is the cjk analyzer the text fields are indexed with, for queries;
// ngramAnalyzers those of their n-gram fields, by n.
var (
	analyzer = sync.OnceValue(func() analysis.Analyzer {
		return bleve.NewIndexMapping().AnalyzerNamed(cjk.AnalyzerName)
	})
	ngramAnalyzers = sync.OnceValue(func() map[int]analysis.Analyzer {
		m := bleve.NewIndexMapping()
		if err := addNgramAnalyzers(m); err != nil {
			panic(err)
		}
		out := map[int]analysis.Analyzer{}
		for _, n := range []int{1, 3, 4} {
			out[n] = m.AnalyzerNamed(ngramAnalyzer(n))
		}
		return out
	})
)

// text matches s in any of the given fields, as a phrase of the tokens the
// index has: for the title and the body a run of Chinese characters as n-grams,
// two characters as their bigram, and anything else (县, 2022年, "不予公开 国家秘密")
// as single characters and words; for the other fields bigrams of Chinese and
// words of letters and digits.
func (p *parser) text(s string, fields []string) (query.Query, error) {
	if p.neg == 0 {
		p.words = append(p.words, strings.Fields(s)...)
	}
	toks := analyzer().Analyze([]byte(s))
	if len(toks) == 0 {
		return query.NewMatchNoneQuery(), nil
	}
	grams := hanGrams(s)
	lone := slices.ContainsFunc(toks, func(t *analysis.Token) bool { return t.Type == analysis.Single })
	var perField []query.Query
	for _, name := range fields {
		f := textFieldOf[name]
		hasGrams := f != tfLabels
		var q *textQuery
		var err error
		switch {
		case hasGrams && grams != nil:
			q = gramQuery(f, grams)
		case hasGrams && (lone || len(toks) > 1):
			q = unigramQuery(f, s)
		case len(toks) == 1 && lone:
			q, err = p.loneChar(f, string(toks[0].Term))
		default:
			q, err = p.phrase(f, toks)
		}
		if err != nil {
			return nil, err
		}
		if q == nil {
			perField = append(perField, query.NewMatchNoneQuery())
			continue
		}
		if f == tfTitle {
			q.SetBoost(3)
		}
		perField = append(perField, q)
	}
	if len(perField) == 1 {
		return perField[0], nil
	}
	return query.NewDisjunctionQuery(perField), nil
}

// textFieldOf names the text fields as the text index does.
var textFieldOf = map[string]byte{fTitle: tfTitle, fBody: tfBody, fLabels: tfLabels}

// phrase matches the bigram field's tokens at consecutive positions (in the
// labels; a title or body is asked for one token only). A lone Chinese
// character at either end of them (2022年, 第3) stands beside a letter or digit in
// the query, but in the text it may be half of a bigram with the character after
// it (2022年度) or before it (年第3): it matches any indexed term that begins (or
// ends) with it. Between two words of letters or digits it is a lone character
// in the text too. nil matches nothing.
func (p *parser) phrase(field byte, toks analysis.TokenStream) (*textQuery, error) {
	terms := make([][]string, len(toks))
	for i, t := range toks {
		term := string(t.Term)
		terms[i] = []string{term}
		if len(toks) == 1 || t.Type != analysis.Single || (i > 0 && i < len(toks)-1) {
			continue
		}
		pattern := regexp.QuoteMeta(term) + ".?"
		if i == 0 {
			pattern = ".?" + regexp.QuoteMeta(term)
		}
		alts, err := p.dict(field, '2', pattern)
		if err != nil {
			return nil, err
		}
		if len(alts) == 0 {
			return nil, nil
		}
		terms[i] = alts
	}
	return newTextQuery(field, '2', terms...), nil
}

// hanGrams returns the 4-grams of s, or its trigram, when s is one run of three
// or more Chinese characters, which the title and the body have as n-grams (see
// ngram.go); nil otherwise.
func hanGrams(s string) analysis.TokenStream {
	n := utf8.RuneCountInString(s)
	if n < 3 || strings.IndexFunc(s, func(r rune) bool { return !isHan(r) }) >= 0 {
		return nil
	}
	grams := ngramAnalyzers()[min(n, 4)].Analyze([]byte(s))
	if len(grams) != n-min(n, 4)+1 {
		return nil // the tokenizer cut the run
	}
	return grams
}

// gramQuery matches a run of Chinese characters in a text field's n-grams:
// its trigram or 4-gram as a term, a longer run as a phrase of 4-grams that
// cover it (依申请公开: 依申请公 and 申请公开, one position apart).
func gramQuery(field byte, grams analysis.TokenStream) *textQuery {
	n := utf8.RuneCount(grams[0].Term)
	kind := byte('0' + n)
	if len(grams) == 1 {
		return newTextQuery(field, kind, []string{string(grams[0].Term)})
	}
	q := newTextQuery(field, kind)
	for i := 0; ; i += n {
		i = min(i, len(grams)-1)
		q.terms = append(q.terms, []string{string(grams[i].Term)})
		q.offsets = append(q.offsets, i)
		if i == len(grams)-1 {
			break
		}
	}
	return q
}

// loneChar matches a Chinese character in a field indexed as bigrams only (the
// labels): the character alone, or any bigram that begins or ends with it; nil
// when there is none.
func (p *parser) loneChar(field byte, c string) (*textQuery, error) {
	terms, err := p.dict(field, '2', regexp.QuoteMeta(c)+".?|."+regexp.QuoteMeta(c))
	if err != nil || len(terms) == 0 {
		return nil, err
	}
	return newTextQuery(field, '2', terms), nil
}

// anyTerm matches any of the terms in a keyword field; nothing when there are none.
func anyTerm(field string, terms []string) query.Query {
	if len(terms) == 0 {
		return query.NewMatchNoneQuery()
	}
	qs := make([]query.Query, len(terms))
	for i, t := range terms {
		q := query.NewTermQuery(t)
		q.SetField(field)
		qs[i] = q
	}
	return query.NewDisjunctionQuery(qs)
}

// unigramQuery matches s in a field's single characters and words: as a term,
// or a phrase of them at the positions they have in s.
func unigramQuery(field byte, s string) *textQuery {
	toks := ngramAnalyzers()[1].Analyze([]byte(s))
	q := newTextQuery(field, '1')
	for _, t := range toks {
		q.terms = append(q.terms, []string{string(t.Term)})
		q.offsets = append(q.offsets, t.Position-toks[0].Position)
	}
	return q
}

// fieldExamples show each field's values in its error.
var fieldExamples = map[string]string{
	"year": "year:2022、year:2020-2022、year:>=2021", "region": "region:株洲市、region:4302", "organ": "organ:金融办",
	"department": "department:教育局", "format": "format:2021、format:2019、format:legacy",
	"failed": "failed:t3_balance、failed:t4", "finding": "finding:copied_text、finding:timeliness、finding:carry_chain",
	"title": "title:金融办", "body": "body:信访", "labels": "labels:不予处理",
}

// fieldNames maps each name a field may be written with to its name in the
// examples; a name not here is no field (行政复议:2022 is searched as text).
var fieldNames = map[string]string{
	"year": "year", "年度": "year", "年": "year", "region": "region", "地区": "region", "organ": "organ", "机关": "organ",
	"department": "department", "dept": "department", "部门": "department", "format": "format", "格式": "format",
	"failed": "failed", "check": "failed", "finding": "finding", "findings": "finding", "线索": "finding",
	"title": "title", "标题": "title", "body": "body", "text": "body", "正文": "body", "labels": "labels", "label": "labels",
}

// fieldQuery is the term t, field:value; ok is false for a field the language
// does not know (the term is then searched as text).
func (p *parser) fieldQuery(t, field, v string) (q query.Query, ok bool, err error) {
	name, known := fieldNames[field]
	if !known {
		return nil, false, nil
	}
	if v == "" {
		return nil, true, syntaxError(t, field+": 后面缺少要找的内容，如 "+fieldExamples[name],
			field+": needs a value, as in "+fieldExamples[name])
	}
	switch name {
	case "year":
		if q, ok = yearQuery(v); !ok {
			return nil, true, syntaxError(t, "year: 后面应是年度，如 "+fieldExamples[name], "year: takes a year or a range, as in "+fieldExamples[name])
		}
	case "region":
		q = place(fRegionNames, v)
	case "organ":
		q = place(fOrgan, v)
	case "department":
		q = keywordQuery(fDepartment, v)
	case "format":
		q = keywordQuery(fFormat, v)
	case "failed", "finding":
		// failed: is a report's own figures that do not add up, finding: a lead
		// across reports; each says so when given the other's rule.
		swap := map[string]string{"failed": "finding", "finding": "failed"}[name]
		rules := ruleQuery(ruleKinds[name].prefixes, v)
		if rules != nil {
			return rules, true, nil
		}
		if other := ruleKinds[swap]; ruleQuery(other.prefixes, v) != nil {
			return nil, true, syntaxError(t, fmt.Sprintf("%s 是%s，请写 %s:%s", v, other.zh, swap, v),
				fmt.Sprintf("%s is one of %s: write %s:%s", v, other.en, swap, v))
		}
		return nil, true, syntaxError(t, fmt.Sprintf("没有以 %s 开头的%s规则，如 %s", v, ruleKinds[name].zh, fieldExamples[name]),
			fmt.Sprintf("no rule of %s begins with %s; rules are named as in %s", ruleKinds[name].en, v, fieldExamples[name]))
	case "title":
		q, err = p.text(v, []string{fTitle})
	case "body":
		q, err = p.text(v, []string{fBody})
	case "labels":
		q, err = p.text(v, []string{fLabels})
	}
	return q, true, err
}

// ruleKinds are the two kinds of rule the failed: and finding: fields name.
var ruleKinds = map[string]struct {
	prefixes []string
	zh, en   string
}{
	"failed":  {report.CheckRules, "报告自身的检查", "a report's own checks"},
	"finding": {report.FindingRules, "跨报告线索", "the findings across reports"},
}

// ruleQuery matches the rules of a kind (by their prefixes) that begin with v:
// v itself when it names rules inside one of the kind's prefixes
// (t3_balance:total), else the kind's prefixes that begin with v (t for t3_ and
// t4_, not timeliness); nil when v names none of the kind's rules.
func ruleQuery(prefixes []string, v string) query.Query {
	var qs []query.Query
	for _, p := range prefixes {
		if strings.HasPrefix(v, p) {
			qs = []query.Query{query.NewPrefixQuery(v)}
			break
		}
		if strings.HasPrefix(p, v) {
			qs = append(qs, query.NewPrefixQuery(p))
		}
	}
	for _, q := range qs {
		q.(*query.PrefixQuery).SetField(fFailed)
	}
	switch len(qs) {
	case 0:
		return nil
	case 1:
		return qs[0]
	}
	return query.NewDisjunctionQuery(qs)
}

func keywordQuery(field, v string) query.Query {
	t := query.NewTermQuery(v)
	t.SetField(field)
	return t
}

// place matches an organ or region by a name of it: the organ's name, the region
// as the report gives it and its full name (天元区, 湖南省株洲市天元区), anywhere
// in it (株洲市 and 天元区 both find 株洲市天元区); a region given in digits
// matches the beginning of the region code (4302 → 430211).
func place(field, v string) query.Query {
	if field == fRegionNames && digits.MatchString(v) {
		q := query.NewPrefixQuery(v)
		q.SetField(fRegionCode)
		return q
	}
	return &containsQuery{field: field, sub: v}
}

func yearQuery(v string) (query.Query, bool) {
	lo, hi := 0.0, 0.0
	incLo, incHi := true, true
	switch {
	case yearRange.MatchString(v):
		m := yearRange.FindStringSubmatch(v)
		a, _ := strconv.Atoi(m[1])
		b, _ := strconv.Atoi(m[2])
		lo, hi = float64(min(a, b)), float64(max(a, b))
	case yearCmp.MatchString(v):
		m := yearCmp.FindStringSubmatch(v)
		y, _ := strconv.Atoi(m[2])
		switch m[1] {
		case ">=":
			lo, hi = float64(y), 9999
		case ">":
			lo, hi, incLo = float64(y), 9999, false
		case "<=":
			lo, hi = 0, float64(y)
		case "<":
			lo, hi, incHi = 0, float64(y), false
		}
	default:
		y, err := strconv.Atoi(strings.TrimSuffix(v, "年"))
		if err != nil {
			return nil, false
		}
		lo, hi = float64(y), float64(y)
	}
	q := bleve.NewNumericRangeInclusiveQuery(&lo, &hi, &incLo, &incHi)
	q.SetField(fYear)
	return q, true
}

// wordPattern finds a word in a text as a phrase query finds it: letters and
// digits in any case, and where Chinese meets Chinese or other letters or digits
// anything between them that is not a letter or digit (行政、复议 for 行政复议:
// the index keeps no punctuation).
func wordPattern(w string) *regexp.Regexp {
	patterns.Lock()
	defer patterns.Unlock()
	if re, ok := patterns.byWord[w]; ok {
		return re
	}
	if len(patterns.byWord) >= 4096 {
		clear(patterns.byWord) // the words of a server's searches are not kept without end
	}
	re := compileWordPattern(w)
	patterns.byWord[w] = re
	return re
}

// patterns are the words' compiled patterns: compiling one costs more than
// marking the hits of a search.
var patterns = struct {
	sync.Mutex
	byWord map[string]*regexp.Regexp
}{byWord: map[string]*regexp.Regexp{}}

func compileWordPattern(w string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("(?i)")
	prev := rune(-1)
	for _, r := range w {
		if prev >= 0 && (isHan(prev) || isHan(r)) {
			b.WriteString(`[^\p{L}\p{N}]*`)
		}
		b.WriteString(regexp.QuoteMeta(string(r)))
		prev = r
	}
	return regexp.MustCompile(b.String())
}

func isHan(r rune) bool { return unicode.Is(unicode.Han, r) }

// dictionary lists the terms of a text field and kind that match a regular
// expression.
func (ix *Index) dictionary(field, kind byte, pattern string) ([]string, error) {
	ts := ix.text.snapshot()
	defer ts.release()
	return ts.terms(field, kind, pattern)
}

// termsMatching lists the terms of a field in a snapshot that match a regular
// expression.
func termsMatching(r index.IndexReader, field, pattern string) ([]string, error) {
	rr, ok := r.(index.IndexReaderRegexp)
	if !ok {
		return nil, fmt.Errorf("the index cannot list its terms")
	}
	d, err := rr.FieldDictRegexp(field, pattern)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	var out []string
	for {
		e, err := d.Next()
		if err != nil || e == nil {
			return out, err
		}
		out = append(out, e.Term)
	}
}
