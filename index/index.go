// Package index keeps a Chinese-aware full-text index (bleve, cjk bigrams with
// term vectors) of the reports in the store, and answers searches with facets and
// highlights. The store is the truth: the index is brought up to date from it and
// never shows a report the store no longer holds.
package index

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"
)

// Doc is what the index holds of a report's latest version.
type Doc struct {
	ReportID   int64
	VersionID  int64
	Title      string
	Organ      string
	Region     string
	Department string
	Year       int
	Published  string // YYYY-MM-DD, or ""
	Format     string
	Body       string
	Labels     string   // the labels of its tables, as printed
	Failed     []string // rules of failed checks and of findings that hold against it
}

// Source is the store as the index reads it.
type Source interface {
	// Latest returns every report's id and the id of its latest version.
	Latest(ctx context.Context) (map[int64]int64, error)
	// Docs calls fn with the latest version of each of the given reports.
	Docs(ctx context.Context, reportIDs []int64, fn func(Doc) error) error
}

// Index is an open bleve index.
type Index struct {
	b bleve.Index
}

// fields of the bleve documents.
const (
	fTitle      = "title"
	fBody       = "body"
	fLabels     = "labels"
	fOrgan      = "organ"
	fOrganText  = "organ_text"
	fRegion     = "region"
	fRegionText = "region_text"
	fDepartment = "department"
	fYear       = "year"
	fYearFacet  = "year_facet"
	fPublished  = "published"
	fFormat     = "format"
	fFailed     = "failed"
	fVersion    = "version_id"
)

// bleveDoc is a Doc as bleve indexes it.
type bleveDoc struct {
	Title      string   `json:"title"`
	Body       string   `json:"body"`
	Labels     string   `json:"labels"`
	Organ      string   `json:"organ"`
	OrganText  string   `json:"organ_text"`
	Region     string   `json:"region"`
	RegionText string   `json:"region_text"`
	Department string   `json:"department"`
	Year       float64  `json:"year,omitempty"`
	YearFacet  string   `json:"year_facet"`
	Published  any      `json:"published,omitempty"`
	Format     string   `json:"format"`
	Failed     []string `json:"failed"`
	Version    string   `json:"version_id"`
}

func newMapping() *mapping.IndexMappingImpl {
	// Chinese text: cjk bigrams, with term vectors (phrase queries return nothing
	// without them) and stored (highlights are cut from the stored text).
	text := func(store bool) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = cjk.AnalyzerName
		f.IncludeTermVectors = true
		f.Store = store
		f.IncludeInAll = false
		return f
	}
	kw := func() *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Analyzer = keyword.Name
		f.Store = true
		f.DocValues = true
		f.IncludeInAll = false
		return f
	}
	doc := bleve.NewDocumentStaticMapping()
	doc.AddFieldMappingsAt(fTitle, text(true))
	doc.AddFieldMappingsAt(fBody, text(true))
	doc.AddFieldMappingsAt(fLabels, text(false))
	doc.AddFieldMappingsAt(fOrganText, text(false))
	doc.AddFieldMappingsAt(fRegionText, text(false))
	doc.AddFieldMappingsAt(fOrgan, kw())
	doc.AddFieldMappingsAt(fRegion, kw())
	doc.AddFieldMappingsAt(fDepartment, kw())
	doc.AddFieldMappingsAt(fFormat, kw())
	doc.AddFieldMappingsAt(fFailed, kw())
	doc.AddFieldMappingsAt(fYearFacet, kw())
	doc.AddFieldMappingsAt(fVersion, kw())
	year := bleve.NewNumericFieldMapping()
	year.Store, year.DocValues, year.IncludeInAll = true, true, false
	doc.AddFieldMappingsAt(fYear, year)
	pub := bleve.NewDateTimeFieldMapping()
	pub.Store, pub.DocValues, pub.IncludeInAll = true, true, false
	doc.AddFieldMappingsAt(fPublished, pub)

	m := bleve.NewIndexMapping()
	m.DefaultMapping = doc
	m.DefaultAnalyzer = cjk.AnalyzerName
	// Without a default field a bare query string searches _all, which is off.
	m.DefaultField = fBody
	m.ScoringModel = "bm25"
	return m
}

// Open opens the index folder, creating the index when there is none.
func Open(dir string) (*Index, error) {
	b, err := bleve.Open(dir)
	if errors.Is(err, bleve.ErrorIndexMetaMissing) && emptyDir(dir) {
		// An empty folder (made by hand, or by a run killed before the index's
		// first write) holds no index yet.
		if err = os.Remove(dir); err == nil {
			err = bleve.ErrorIndexPathDoesNotExist
		}
	}
	if errors.Is(err, bleve.ErrorIndexPathDoesNotExist) {
		b, err = bleve.New(dir, newMapping())
	}
	if err != nil {
		return nil, fmt.Errorf("search index %s: %w", dir, err)
	}
	return &Index{b: b}, nil
}

func emptyDir(dir string) bool {
	entries, err := os.ReadDir(dir)
	return err == nil && len(entries) == 0
}

// Close closes the index.
func (ix *Index) Close() error { return ix.b.Close() }

// Count returns the number of reports indexed.
func (ix *Index) Count() (uint64, error) { return ix.b.DocCount() }

// SyncStats says what a Sync did.
type SyncStats struct {
	Added, Updated, Removed, Unchanged int
}

// batchSize documents go into one bleve batch: each batch is applied whole, so a
// killed sync leaves an index that holds whole documents and is caught up next time.
const batchSize = 500

// Sync brings the index up to date with the store: new reports and new versions
// are indexed, reports the store no longer holds are removed.
func (ix *Index) Sync(ctx context.Context, src Source) (SyncStats, error) {
	var st SyncStats
	latest, err := src.Latest(ctx)
	if err != nil {
		return st, err
	}
	indexed, err := ix.versions()
	if err != nil {
		return st, err
	}
	var todo []int64
	for id, v := range latest {
		have, ok := indexed[id]
		switch {
		case !ok:
			st.Added++
			todo = append(todo, id)
		case have != v:
			st.Updated++
			todo = append(todo, id)
		default:
			st.Unchanged++
		}
	}
	b := ix.b.NewBatch()
	for id := range indexed {
		if _, ok := latest[id]; !ok {
			b.Delete(docID(id))
			st.Removed++
		}
	}
	flush := func() error {
		if b.Size() == 0 {
			return nil
		}
		if err := ix.b.Batch(b); err != nil {
			return err
		}
		b.Reset()
		return nil
	}
	for start := 0; start < len(todo); start += batchSize {
		chunk := todo[start:min(start+batchSize, len(todo))]
		err := src.Docs(ctx, chunk, func(d Doc) error {
			return b.Index(docID(d.ReportID), toBleve(d))
		})
		if err != nil {
			return st, err
		}
		if err := flush(); err != nil {
			return st, err
		}
		if err := ctx.Err(); err != nil {
			return st, err
		}
	}
	return st, flush()
}

// Rebuild empties the index and indexes every report again.
func (ix *Index) Rebuild(ctx context.Context, dir string, src Source) (*Index, SyncStats, error) {
	if err := ix.b.Close(); err != nil {
		return nil, SyncStats{}, err
	}
	if err := os.RemoveAll(dir); err != nil {
		return nil, SyncStats{}, err
	}
	fresh, err := Open(dir)
	if err != nil {
		return nil, SyncStats{}, err
	}
	st, err := fresh.Sync(ctx, src)
	return fresh, st, err
}

func docID(reportID int64) string { return strconv.FormatInt(reportID, 10) }

func toBleve(d Doc) bleveDoc {
	b := bleveDoc{
		Title: d.Title, Body: d.Body, Labels: d.Labels, Organ: d.Organ, OrganText: d.Organ,
		Region: d.Region, RegionText: d.Region, Department: d.Department, Format: d.Format,
		Failed: d.Failed, Version: strconv.FormatInt(d.VersionID, 10),
	}
	if d.Year > 0 {
		b.Year = float64(d.Year)
		b.YearFacet = strconv.Itoa(d.Year)
	}
	if t, err := time.Parse(time.DateOnly, d.Published); err == nil {
		b.Published = t
	}
	if len(b.Failed) == 0 {
		b.Failed = nil
	}
	return b
}

// versions returns report id → indexed version id for every indexed report.
func (ix *Index) versions() (map[int64]int64, error) {
	n, err := ix.b.DocCount()
	if err != nil {
		return nil, err
	}
	out := make(map[int64]int64, n)
	const page = 10_000
	var after []string
	for {
		req := bleve.NewSearchRequestOptions(query.NewMatchAllQuery(), page, 0, false)
		req.Fields = []string{fVersion}
		req.SortBy([]string{"_id"})
		req.SearchAfter = after
		res, err := ix.b.Search(req)
		if err != nil {
			return nil, err
		}
		for _, h := range res.Hits {
			id, err := strconv.ParseInt(h.ID, 10, 64)
			if err != nil {
				continue
			}
			v, _ := h.Fields[fVersion].(string)
			vid, _ := strconv.ParseInt(v, 10, 64)
			out[id] = vid
		}
		if len(res.Hits) < page {
			return out, nil
		}
		after = res.Hits[len(res.Hits)-1].Sort
	}
}
