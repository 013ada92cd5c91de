package parse

import (
	"fmt"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// ParseHTML parses a page as html.Parse does, and also a page nested deeper
// than html.Parse takes: it refuses any document whose open elements pass 512
// ("open stack of elements exceeds 512 nodes"), and portals' templates and
// editors leave pages with hundreds of <div>s and <font>s that are never
// closed. Such a page is parsed again without the elements it never closes;
// failing that, without the elements past a depth (see flatten). warning then
// says so. The parser and the crawler's link discovery both read pages through
// it, so that neither loses a page the other reads.
func ParseHTML(text string) (root *html.Node, warning string, err error) {
	root, err = html.Parse(strings.NewReader(text))
	if err == nil {
		return root, "", nil
	}
	for _, how := range []flattening{dropUnclosed, dropDeep, dropDeepTables} {
		flat, dropped, depth := flatten(text, how)
		if root, ferr := html.Parse(strings.NewReader(flat)); ferr == nil {
			return root, fmt.Sprintf("the page's markup nests %d elements deep, more than the HTML parser takes (%v); read without %d %s",
				depth, err, dropped, how), nil
		}
	}
	return nil, "", err
}

// flattening is a way to make a page shallower.
type flattening int

const (
	dropUnclosed   flattening = iota // drop the elements no end tag of theirs closes
	dropDeep                         // drop the elements that open past flattenDepth, tables kept
	dropDeepTables                   // drop the elements that open past flattenDepth, tables too
)

func (f flattening) String() string {
	switch f {
	case dropUnclosed:
		return "elements it never closes"
	case dropDeep:
		return fmt.Sprintf("layout elements whose content nests more than %d deep (tables kept)", flattenDepth)
	}
	return fmt.Sprintf("layout and table elements whose content nests more than %d deep", flattenDepth)
}

// flattenDepth is the depth past which flatten drops elements: far below the
// parser's 512, so that the elements the tree builder opens on its own (html,
// body, tbody, reopened formatting) stay under it.
const flattenDepth = 200

// flatten rewrites a page without some of its elements (how says which): a
// dropped element loses its start and end tags, not its content, and a block
// element (<div>, <p>) leaves a <br> where each of its tags stood so that its
// text stays on lines of its own. Only elements that shape the layout
// (droppable) are dropped: links, forms and the page's frame stay, and tables
// stay unless how is dropDeepTables. Past a depth, the elements dropped are the
// outer ones, whose content nests more than flattenDepth deep: what is inside
// (the report's own markup, the innermost table that holds the figures) keeps
// its shape. It returns the page, how many elements it dropped and the deepest
// nesting it saw.
//
// The nesting is read from the tags as written, with the implied ends HTML
// gives <p>, <li>, <td> and their kind; where the tree builder nests a little
// differently, a page that failed to parse anyway is flattened a little more.
func flatten(text string, how flattening) (out string, dropped, deepest int) {
	closed, height := shape(text)
	var b strings.Builder
	b.Grow(len(text))
	n := 0 // start tags seen
	walkTags(text, func(raw []byte, start bool, a atom.Atom, k *openElement) {
		switch {
		case k == nil: // text, comments, void elements, stray end tags
			b.Write(raw)
			return
		case start:
			deepest = max(deepest, k.depth)
			drop := droppable[a] || how == dropDeepTables && tableElements[a]
			if how == dropUnclosed {
				drop = drop && !closed[n]
			} else {
				drop = drop && height[n] > flattenDepth
			}
			n++
			k.kept = !drop
			if drop {
				dropped++
			}
		}
		switch {
		case k.kept:
			b.Write(raw)
		case blockElements[a]:
			b.WriteString("<br>")
		}
	}, func(*openElement) {})
	return b.String(), dropped, deepest
}

// shape says, for each start tag in order, whether an end tag of its own closes
// it (or the start of a sibling it ends, as for <li>) rather than the end of an
// element around it or of the page, and how deep its content nests.
func shape(text string) (closed []bool, height []int) {
	walkTags(text, func(raw []byte, start bool, a atom.Atom, k *openElement) {
		switch {
		case k == nil:
		case start:
			k.ordinal = len(closed)
			closed = append(closed, false)
			height = append(height, 0)
		default:
			closed[k.ordinal] = true
		}
	}, func(k *openElement) {
		if k.implied {
			closed[k.ordinal] = true
		}
		height[k.ordinal] = k.height
	})
	return closed, height
}

// openElement is an element walkTags holds open.
type openElement struct {
	name    string
	atom    atom.Atom
	depth   int
	height  int  // how deep the elements inside it nest, so far
	implied bool // closed by the start of a sibling
	kept    bool // for flatten
	ordinal int  // for shape
}

// walkTags tokenizes a page and keeps the stack of its open elements as the tags
// say. token receives every token: start tags and the end tags that close an
// open element with that element (k), anything else with k nil. closing receives
// each element as it leaves the stack, after the token that closed it.
func walkTags(text string, token func(raw []byte, start bool, a atom.Atom, k *openElement), closing func(k *openElement)) {
	z := html.NewTokenizer(strings.NewReader(text))
	var stack []*openElement
	byName := map[string][]int{} // the stack positions of each open element's name
	pop := func(to int) {
		for len(stack) > to {
			top := stack[len(stack)-1]
			ix := byName[top.name]
			byName[top.name] = ix[:len(ix)-1]
			stack = stack[:len(stack)-1]
			if len(stack) > 0 {
				parent := stack[len(stack)-1]
				parent.height = max(parent.height, top.height+1)
			}
			closing(top)
		}
	}
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break // the end of the page: the tokenizer reads from a string
		}
		raw := z.Raw()
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken && tt != html.EndTagToken {
			token(raw, false, 0, nil)
			continue
		}
		nameBytes, _ := z.TagName()
		name := string(nameBytes)
		a := atom.Lookup(nameBytes)
		if tt == html.EndTagToken {
			ix := byName[name]
			if len(ix) == 0 {
				token(raw, false, a, nil) // an end tag of nothing open: the tree builder ignores it too
				continue
			}
			at := ix[len(ix)-1]
			token(raw, false, a, stack[at])
			pop(at)
			continue
		}
		if voidElements[a] {
			token(raw, true, a, nil)
			continue
		}
		// An open <p>, <li> or <td> ends where its next sibling starts.
		for len(stack) > 0 {
			top := stack[len(stack)-1]
			if !impliedEnd[top.atom][a] && !(top.atom == atom.P && blockElements[a]) {
				break
			}
			top.implied = true
			pop(len(stack) - 1)
		}
		k := &openElement{name: name, atom: a, depth: len(stack) + 1}
		byName[name] = append(byName[name], len(stack))
		stack = append(stack, k)
		token(raw, true, a, k)
	}
	pop(0)
}

func atoms(as ...atom.Atom) map[atom.Atom]bool {
	m := make(map[atom.Atom]bool, len(as))
	for _, a := range as {
		m[a] = true
	}
	return m
}

var (
	voidElements = atoms(atom.Area, atom.Base, atom.Br, atom.Col, atom.Embed, atom.Hr, atom.Img, atom.Input,
		atom.Link, atom.Meta, atom.Source, atom.Track, atom.Wbr, atom.Param, atom.Keygen)
	tableElements = atoms(atom.Table, atom.Caption, atom.Colgroup, atom.Thead, atom.Tbody, atom.Tfoot, atom.Tr, atom.Td, atom.Th)
	blockElements = atoms(atom.Div, atom.P, atom.Section, atom.Article, atom.Center, atom.Blockquote, atom.Ul, atom.Ol,
		atom.Li, atom.Dl, atom.Dt, atom.Dd, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Pre, atom.Form,
		atom.Header, atom.Footer, atom.Nav, atom.Aside, atom.Main, atom.Table, atom.Tr, atom.Fieldset, atom.Address)
	// droppable are the elements that shape only the layout: blocks and
	// inline formatting, whose text stays when they go.
	droppable = atoms(atom.Div, atom.P, atom.Section, atom.Article, atom.Center, atom.Blockquote, atom.Ul, atom.Ol,
		atom.Li, atom.Dl, atom.Dt, atom.Dd, atom.Pre, atom.Header, atom.Footer, atom.Nav, atom.Aside, atom.Main,
		atom.Fieldset, atom.Address, atom.Span, atom.Font, atom.B, atom.I, atom.U, atom.S, atom.Strong, atom.Em,
		atom.Small, atom.Big, atom.Sub, atom.Sup, atom.Label, atom.Abbr, atom.Cite, atom.Code, atom.Q, atom.Strike, atom.Tt)
	// impliedEnd says which open element a start tag ends: the sibling it starts.
	impliedEnd = map[atom.Atom]map[atom.Atom]bool{
		atom.Li:     atoms(atom.Li),
		atom.Dt:     atoms(atom.Dt, atom.Dd),
		atom.Dd:     atoms(atom.Dt, atom.Dd),
		atom.Option: atoms(atom.Option),
		atom.Td:     atoms(atom.Td, atom.Th, atom.Tr),
		atom.Th:     atoms(atom.Td, atom.Th, atom.Tr),
		atom.Tr:     atoms(atom.Tr),
	}
)
