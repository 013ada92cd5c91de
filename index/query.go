package index

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// The query language (README.md documents it):
//
//	行政复议 信访          both words (AND is implied)
//	"不予公开 国家秘密"     a phrase
//	行政复议 OR 行政诉讼    either
//	行政复议 NOT 信访       -信访 works too; +word requires a word
//	(复议 OR 诉讼) 纠正    grouping
//	year:2022  year:2020-2022  year:>=2021
//	region:株洲市  organ:金融办  department:教育局  format:2019  failed:t3_balance
//	title:金融办  body:信访
//
// Chinese is matched as phrases of character bigrams, so 行政复议 finds 行政复议
// and not 行政…复议. A single Chinese character (县, 镇) has no bigram: such a
// term is answered from the store's text, by substring.

// compiled is a parsed query: the bleve query, and the single characters that need
// the substring fallback, each with the placeholder condition that the ids the
// store finds fill in.
type compiled struct {
	q      query.Query
	single []string
	holes  map[string]*query.DocIDQuery
}

type parser struct {
	toks   []string
	pos    int
	single []string
	holes  map[string]*query.DocIDQuery
}

var tokenRE = regexp.MustCompile(`"[^"]*"?|\(|\)|[^\s()"]+(?:"[^"]*"?)?`)

func compile(s string) (*compiled, error) {
	p := &parser{toks: tokenRE.FindAllString(s, -1), holes: map[string]*query.DocIDQuery{}}
	if len(p.toks) == 0 {
		return &compiled{q: query.NewMatchAllQuery()}, nil
	}
	q, err := p.or()
	if err != nil {
		return nil, err
	}
	if p.pos < len(p.toks) {
		return nil, fmt.Errorf("unexpected %q", p.toks[p.pos])
	}
	return &compiled{q: q, single: p.single, holes: p.holes}, nil
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
	for p.peek() == "OR" || p.peek() == "|" {
		p.pos++
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
		if t == "" || t == ")" || t == "OR" || t == "|" {
			break
		}
		if t == "AND" || t == "&" {
			p.pos++
			continue
		}
		neg := false
		switch {
		case t == "NOT":
			neg = true
			p.pos++
		case strings.HasPrefix(t, "-") && len(t) > 1:
			neg = true
			p.toks[p.pos] = t[1:]
		case strings.HasPrefix(t, "+") && len(t) > 1:
			p.toks[p.pos] = t[1:]
		}
		q, err := p.primary()
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
		return nil, fmt.Errorf("empty query")
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
	if t == "" {
		return nil, fmt.Errorf("query ends too soon")
	}
	p.pos++
	if t == "(" {
		q, err := p.or()
		if err != nil {
			return nil, err
		}
		if p.peek() != ")" {
			return nil, fmt.Errorf("a ( is not closed")
		}
		p.pos++
		return q, nil
	}
	if t == ")" {
		return nil, fmt.Errorf("a ) without its (")
	}
	if field, value, ok := strings.Cut(t, ":"); ok && value != "" {
		if q, ok := p.fieldQuery(strings.ToLower(field), strings.Trim(value, `"`)); ok {
			return q, nil
		}
	}
	return p.text(strings.Trim(t, `"`), textFields), nil
}

var (
	textFields = []string{fTitle, fBody, fLabels, fOrganText, fRegionText}
	yearRange  = regexp.MustCompile(`^(\d{4})\s*[-–~]\s*(\d{4})$`)
	yearCmp    = regexp.MustCompile(`^(>=|<=|>|<)(\d{4})$`)
)

// text matches words in the given fields: each Chinese run as a phrase, other
// words as terms; a lone Chinese character through the substring fallback.
func (p *parser) text(s string, fields []string) query.Query {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) == 1 && isHan(firstRune(s)) {
		return p.singleChar(s)
	}
	var perField []query.Query
	for _, f := range fields {
		var q query.Query
		if hasHan(s) || strings.ContainsAny(s, " ") {
			mp := query.NewMatchPhraseQuery(s)
			mp.SetField(f)
			q = mp
		} else {
			m := query.NewMatchQuery(s)
			m.SetField(f)
			m.SetOperator(query.MatchQueryOperatorAnd)
			q = m
		}
		if f == fTitle {
			q.(query.BoostableQuery).SetBoost(3)
		}
		perField = append(perField, q)
	}
	if len(perField) == 1 {
		return perField[0]
	}
	return query.NewDisjunctionQuery(perField)
}

func (p *parser) singleChar(c string) query.Query {
	h, ok := p.holes[c]
	if !ok {
		h = query.NewDocIDQuery(nil)
		p.holes[c] = h
		p.single = append(p.single, c)
	}
	return h
}

func (p *parser) fieldQuery(field, v string) (query.Query, bool) {
	switch field {
	case "year", "年度", "年":
		q, ok := yearQuery(v)
		return q, ok
	case "region", "地区":
		return prefixOrPhrase(fRegion, fRegionText, v), true
	case "organ", "机关":
		return prefixOrPhrase(fOrgan, fOrganText, v), true
	case "department", "dept", "部门":
		t := query.NewTermQuery(v)
		t.SetField(fDepartment)
		return t, true
	case "format", "格式":
		t := query.NewTermQuery(v)
		t.SetField(fFormat)
		return t, true
	case "failed", "check":
		q := query.NewPrefixQuery(v)
		q.SetField(fFailed)
		return q, true
	case "title", "标题":
		return p.text(v, []string{fTitle}), true
	case "body", "text", "正文":
		return p.text(v, []string{fBody}), true
	}
	return nil, false
}

// prefixOrPhrase matches a keyword field by prefix (株洲市 → 株洲市天元区) or its
// analysed twin by phrase (天元区 → 株洲市天元区).
func prefixOrPhrase(kw, text, v string) query.Query {
	pq := query.NewPrefixQuery(v)
	pq.SetField(kw)
	if utf8.RuneCountInString(v) < 2 {
		return pq
	}
	mp := query.NewMatchPhraseQuery(v)
	mp.SetField(text)
	return query.NewDisjunctionQuery([]query.Query{pq, mp})
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

func isHan(r rune) bool { return unicode.Is(unicode.Han, r) }

func hasHan(s string) bool {
	for _, r := range s {
		if isHan(r) {
			return true
		}
	}
	return false
}

func firstRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}
