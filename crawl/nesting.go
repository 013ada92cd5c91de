package crawl

import (
	"github.com/PuerkitoBio/goquery"

	"gongkai/parse"
)

// readDeepPage reads a page that colly could not parse, because its markup nests
// deeper than html.Parse takes, as the parser reads it (flattened), so that its
// links are followed all the same.
func (c *Crawler) readDeepPage(it Item, log *fetchLog) {
	doc, err := c.readPage(it, decodePage(log.body, log.contentType))
	if err != nil {
		c.opts.Logger.Warn("crawl: a page that cannot be parsed; its links are not followed", "url", it.URL, "err", err)
		return
	}
	log.doc = doc
}

// readPage parses a page for its links, through the parser's reading of pages
// nested too deep for html.Parse; it logs when it had to flatten one.
func (c *Crawler) readPage(it Item, text string) (*goquery.Selection, error) {
	root, warning, err := parse.ParseHTML(text)
	if err != nil {
		return nil, err
	}
	if warning != "" {
		c.opts.Logger.Warn("crawl: "+warning, "url", it.URL)
	}
	return goquery.NewDocumentFromNode(root).Selection, nil
}
