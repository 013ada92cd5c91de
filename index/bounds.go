package index

import (
	"errors"
	"fmt"
	"unicode/utf8"
)

// ErrBadQuery is what every error in a request's query or filters wraps: the
// search cannot run as asked, and asking again the same way will not help (the
// API answers 400, the CLI exits with its usage status). Its text starts the
// message, so that the message reads "query …".
var ErrBadQuery = errors.New("query")

// What one search may ask for. A query is typed or pasted by a person: a few
// words, a phrase copied from a report. Without bounds a pasted page (a word of
// 22,000 characters) would compile into a pattern too large for the regexp
// package, and hundreds of lone characters would each scan a field's terms.
const (
	MaxQueryChars  = 500 // characters in the query
	MaxQueryParts  = 32  // words, phrases and field:value terms in the query
	MaxFilterChars = 200 // characters in a region, organ, department or format filter
)

// checkBounds refuses a request larger than a search may be, before any of it
// is parsed.
func (r Request) checkBounds() error {
	if n := utf8.RuneCountInString(r.Query); n > MaxQueryChars {
		return fmt.Errorf("%w 过长：%d 个字符，最多 %d 个 (the query is %d characters long; at most %d)",
			ErrBadQuery, n, MaxQueryChars, n, MaxQueryChars)
	}
	for _, f := range []struct{ name, v string }{
		{"region", r.Region}, {"organ", r.Organ}, {"department", r.Department}, {"format", r.Format},
	} {
		if n := utf8.RuneCountInString(f.v); n > MaxFilterChars {
			return fmt.Errorf("%w: %s 过长：%d 个字符，最多 %d 个 (the %s filter is %d characters long; at most %d)",
				ErrBadQuery, f.name, n, MaxFilterChars, f.name, n, MaxFilterChars)
		}
	}
	return nil
}

// tooManyParts is the parser's error past MaxQueryParts terms.
func tooManyParts(near string) *SyntaxError {
	return syntaxError(near, fmt.Sprintf("词语过多：最多 %d 个", MaxQueryParts),
		fmt.Sprintf("too many words, phrases and field:value terms: at most %d", MaxQueryParts))
}

// SyntaxError is a query the parser cannot read, said in Chinese and in English,
// with the token where it went wrong (empty at the query's end), so that a page can
// show it beside the query the person typed.
type SyntaxError struct {
	Query  string
	Near   string
	Zh, En string
}

func (e *SyntaxError) Error() string {
	at := "（在查询末尾 at the end of the query）"
	if e.Near != "" {
		at = fmt.Sprintf("（在“%s”处 at %q）", e.Near, e.Near)
	}
	return fmt.Sprintf("%s %q: %s%s %s", ErrBadQuery, e.Query, e.Zh, at, e.En)
}

// Unwrap makes every syntax error an ErrBadQuery.
func (e *SyntaxError) Unwrap() error { return ErrBadQuery }

func syntaxError(near, zh, en string) *SyntaxError {
	return &SyntaxError{Near: near, Zh: zh, En: en}
}
