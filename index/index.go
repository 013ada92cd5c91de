// Package index keeps a Chinese-aware full-text index (bleve: cjk bigrams, and
// for titles and bodies single characters, trigrams and 4-grams too; ngram.go) of
// the reports in the store, and answers searches with facets and highlights
// (evaluate.go, collect.go). The store is the truth: the index is brought up to date from it and
// never shows a report the store no longer holds.
package index

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"iter"
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/index/scorch/mergeplan"
	"github.com/blevesearch/bleve/v2/mapping"
	bolterrors "go.etcd.io/bbolt/errors"

	"gongkai/report"
	"gongkai/store"
)

// Doc is what the index holds of a report. The store defines it: the index reads
// the store's documents as they are, and the store need not know the index.
type Doc = store.SearchDoc

// Source is the store as the index reads it; *store.DB is one.
type Source interface {
	// SearchStamps returns every report's id and the stamp of its document.
	SearchStamps(ctx context.Context) (map[int64]string, error)
	// SearchDocs calls fn with the document of each of the given reports that the
	// store holds.
	SearchDocs(ctx context.Context, reportIDs []int64, fn func(Doc) error) error
}

// Index is an open index: bleve's (the reports' metadata, stored titles and
// bodies, filters and facets) and the text index of their words (text.go). It
// is safe for concurrent use.
type Index struct {
	b    bleve.Index
	text *textIndex
	// Progress, if set, is told how many of the documents a Sync indexes are done.
	Progress func(done, total int)

	mu   sync.Mutex
	cols *columns // of the latest snapshot searched
}

// fields of the bleve documents.
const (
	fTitle       = "title"
	fBody        = "body"
	fLabels      = "labels"
	fOrgan       = "organ"
	fRegion      = "region"
	fRegionNames = "region_names" // the region as the report gives it, and its full name
	fRegionCode  = "region_code"
	fDepartment  = "department"
	fYear        = "year"
	fYearFacet   = "year_facet"
	fPublished   = "published"
	fFormat      = "format"
	fFailed      = "failed"
	fAnyFailed   = "any_failed" // "true" for a report with a failed check: one term to filter on
	fStamp       = "stamp"
)

func newMapping() *mapping.IndexMappingImpl {
	kw := func() *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Analyzer = keyword.Name
		f.Store = true
		f.DocValues = true
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		return f
	}
	doc := bleve.NewDocumentStaticMapping()
	// Titles and bodies are stored for hits and highlights; their words are
	// in the text index.
	for _, f := range []string{fTitle, fBody} {
		m := bleve.NewTextFieldMapping()
		m.Index, m.Store, m.IncludeInAll, m.IncludeTermVectors, m.DocValues = false, true, false, false, false
		doc.AddFieldMappingsAt(f, m)
	}
	for _, f := range []string{fOrgan, fRegion, fRegionCode, fDepartment, fFormat, fFailed, fAnyFailed, fYearFacet, fStamp} {
		doc.AddFieldMappingsAt(f, kw())
	}
	names := kw()
	names.Store, names.DocValues = false, false
	doc.AddFieldMappingsAt(fRegionNames, names)
	year := bleve.NewNumericFieldMapping()
	year.Store, year.DocValues, year.IncludeInAll = true, true, false
	doc.AddFieldMappingsAt(fYear, year)
	pub := bleve.NewDateTimeFieldMapping()
	pub.Store, pub.DocValues, pub.IncludeInAll = true, true, false
	doc.AddFieldMappingsAt(fPublished, pub)

	m := bleve.NewIndexMapping()
	m.DefaultMapping = doc
	m.DefaultAnalyzer = keyword.Name
	m.DefaultField = fRegionNames
	m.ScoringModel = "bm25"
	return m
}

// schemaKey and schemaVersion mark the index layout: an index of another layout is
// rebuilt rather than updated, since a bleve index keeps the mapping it was made with.
var (
	schemaKey     = []byte("gongkai_schema")
	schemaVersion = []byte("8") // 2: the region facet names each coded region once; 3: n-gram fields; 4: single characters; 5: region names; 6: bigrams without positions; 7: the words in the text index; 8: postings hold their positions after their reports
)

// Layout is the index layout this code writes; an index of another is rebuilt.
func Layout() string { return string(schemaVersion) }

// ErrNoIndex says the folder holds no index yet; ErrOutdated that it holds one of
// another layout: either way Rebuild makes a new one. ErrBusy says another process keeps it open for writing (a sync, a server).
var (
	ErrNoIndex  = errors.New("no search index")
	ErrOutdated = errors.New("the search index was made by another version of gongkai")
	ErrBusy     = errors.New("in use by another gongkai command (a sync, or a server that keeps it open)")
)

// How long opening waits for another process that has the index open: a reader
// for a writer's sync, a writer for a search or another sync. A server that keeps
// the index open holds it for good: waiting longer would not help.
const (
	readerWait = "5s"
	writerWait = "10s"
)

// Open opens the index folder for reading and writing, creating the index when
// there is none (or the folder is empty). It returns an error wrapping
// ErrOutdated for an index of another layout.
func Open(dir string) (*Index, error) {
	ix, err := open(dir, false)
	if errors.Is(err, ErrNoIndex) {
		if err := create(dir); err != nil {
			return nil, fmt.Errorf("search index %s: %w", dir, err)
		}
		ix, err = open(dir, false)
	}
	return ix, err
}

// OpenReadOnly opens the index folder for searching. It returns an error wrapping
// ErrNoIndex when there is no index, ErrOutdated for one of another layout.
func OpenReadOnly(dir string) (*Index, error) { return open(dir, true) }

func open(dir string, readOnly bool) (*Index, error) {
	wait := writerWait
	if readOnly {
		wait = readerWait
	}
	b, err := bleve.OpenUsing(dir, map[string]any{"bolt_timeout": wait, "read_only": readOnly})
	switch {
	case errors.Is(err, bleve.ErrorIndexPathDoesNotExist) ||
		errors.Is(err, bleve.ErrorIndexMetaMissing) && emptyDir(dir):
		return nil, fmt.Errorf("search index %s: %w", dir, ErrNoIndex)
	case errors.Is(err, bolterrors.ErrTimeout):
		return nil, fmt.Errorf("search index %s: %w", dir, ErrBusy)
	case err != nil:
		return nil, fmt.Errorf("search index %s: %w", dir, err)
	}
	if v, err := b.GetInternal(schemaKey); err != nil || string(v) != string(schemaVersion) {
		b.Close()
		return nil, fmt.Errorf("search index %s: %w", dir, ErrOutdated)
	}
	text, err := openText(dir, readOnly)
	if err != nil {
		b.Close()
		return nil, fmt.Errorf("search index %s: %w", dir, err)
	}
	return &Index{b: b, text: text}, nil
}

func emptyDir(dir string) bool {
	entries, err := os.ReadDir(dir)
	return err == nil && len(entries) == 0
}

// create makes an empty index at dir. It is made beside it and renamed into
// place, so that a run killed while creating leaves no half-made index.
func create(dir string) error {
	tmp := dir + ".new"
	if err := os.RemoveAll(tmp); err != nil {
		return err
	}
	b, err := newAt(tmp)
	if err != nil {
		return err
	}
	if err := b.Close(); err != nil {
		return err
	}
	if emptyDir(dir) {
		if err := os.Remove(dir); err != nil {
			return err
		}
	}
	return os.Rename(tmp, dir)
}

func newAt(dir string) (bleve.Index, error) {
	b, err := bleve.New(dir, newMapping())
	if err != nil {
		return nil, err
	}
	if err := b.SetInternal(schemaKey, schemaVersion); err != nil {
		b.Close()
		return nil, err
	}
	return b, nil
}

// Close closes the index.
func (ix *Index) Close() error {
	ix.mu.Lock()
	if ix.cols != nil {
		ix.cols.text.release()
		ix.cols = nil
	}
	ix.mu.Unlock()
	ix.text.close()
	return ix.b.Close()
}

// Count returns the number of reports indexed.
func (ix *Index) Count() (uint64, error) { return ix.b.DocCount() }

// SyncStats says what a Sync did.
type SyncStats struct {
	Added, Updated, Removed, Unchanged int
	Bytes                              int64 // text indexed: title, body and labels
}

// batchSize documents go into one bleve batch: each batch is applied whole, so a
// killed sync leaves an index that holds whole documents and is caught up next
// time. bleve holds their metadata and stored title and body only (the words
// are in the text index), a few megabytes a batch; smaller batches make more
// segments for bleve to merge.
const batchSize = 250

// Changes is a Source that numbers its writes (*store.DB is one): an index
// notes the number it was brought up to date at, and the next Sync reads only
// the reports changed after it.
type Changes interface {
	Source
	// ChangeCursor is the latest number of the source's change sequence.
	ChangeCursor(ctx context.Context) (int64, error)
	// SearchChanges returns the reports changed after number since (some may be
	// gone since) and the number to ask from next.
	SearchChanges(ctx context.Context, since int64) (ids []int64, next int64, err error)
}

// cursorKey holds the change number of a Changes source the index is up to date with.
var cursorKey = []byte("gongkai_change_cursor")

// Sync brings the index up to date with the store: new reports and reports whose
// stamp changed are indexed, reports the store no longer holds are removed. A
// source that numbers its changes (Changes) is asked only for the reports
// changed since the index's last Sync; otherwise, and the first time, every
// report's stamp is compared.
func (ix *Index) Sync(ctx context.Context, src Source) (SyncStats, error) {
	c, ok := src.(Changes)
	if !ok {
		return ix.syncAll(ctx, src)
	}
	// The number is read before the stamps: what changes meanwhile is read again
	// next time, not missed.
	now, err := c.ChangeCursor(ctx)
	if err != nil {
		return SyncStats{}, err
	}
	var st SyncStats
	since, known, err := ix.cursor()
	switch {
	case err != nil:
		return st, err
	case known && since == now:
		return ix.unchanged()
	case known && since < now:
		st, now, err = ix.syncChanges(ctx, c, since)
	default:
		// A first sync, or a source behind the index (another archive put in
		// its place): every stamp is compared.
		st, err = ix.syncAll(ctx, src)
	}
	if err != nil {
		return st, err
	}
	return st, ix.b.SetInternal(cursorKey, strconv.AppendInt(nil, now, 10))
}

// cursor returns the change number the index is up to date with, if it has one.
func (ix *Index) cursor() (int64, bool, error) {
	v, err := ix.b.GetInternal(cursorKey)
	if err != nil || v == nil {
		return 0, false, err
	}
	n, err := strconv.ParseInt(string(v), 10, 64)
	if err != nil {
		return 0, false, fmt.Errorf("search index: change number %q: %w", v, err)
	}
	return n, true, nil
}

// unchanged are the stats of a sync that found nothing to do.
func (ix *Index) unchanged() (SyncStats, error) {
	n, err := ix.b.DocCount()
	return SyncStats{Unchanged: int(n)}, err
}

// syncChanges indexes again the reports changed after since, and removes those
// gone: its reads of the source and of the index grow with the changes, not
// with the archive.
func (ix *Index) syncChanges(ctx context.Context, src Changes, since int64) (SyncStats, int64, error) {
	var st SyncStats
	ids, next, err := src.SearchChanges(ctx, since)
	if err != nil {
		return st, since, err
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	has, done, err := ix.holds()
	if err != nil {
		return st, since, err
	}
	defer done()
	changed := map[uint32]bool{}
	for _, id := range ids {
		if id > math.MaxUint32 {
			return st, since, fmt.Errorf("search index: report id %d is beyond what the index holds", id)
		}
		changed[uint32(id)] = true
		if has(uint32(id)) {
			st.Updated++
		} else {
			st.Added++
		}
	}
	// What the index held before this sync, but for the reports it writes now.
	live := func(id uint32) bool { return changed[id] || has(id) }
	err = ix.apply(ctx, src, ids, func(id int64) bool { return has(uint32(id)) }, live, ix.b.NewBatch(), &st)
	if err != nil {
		return st, since, err
	}
	n, err := ix.b.DocCount()
	st.Unchanged = int(n) - st.Added - st.Updated
	return st, next, err
}

// holds returns whether the index held a report when it was called, asking
// bleve for each report once; done releases what it read from.
func (ix *Index) holds() (has func(uint32) bool, done func(), err error) {
	adv, err := ix.b.Advanced()
	if err != nil {
		return nil, nil, err
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, nil, err
	}
	seen := map[uint32]bool{}
	has = func(id uint32) bool {
		if held, ok := seen[id]; ok {
			return held
		}
		n, err := r.InternalID(docID(int64(id)))
		// A report bleve cannot say it holds is taken as held: its postings
		// stay until a later merge, and are shown only for a report bleve has.
		held := err != nil || n != nil
		seen[id] = held
		return held
	}
	return has, func() { r.Close() }, nil
}

// syncAll compares every report's stamp in the store with the index's.
func (ix *Index) syncAll(ctx context.Context, src Source) (SyncStats, error) {
	var st SyncStats
	latest, err := src.SearchStamps(ctx)
	if err != nil {
		return st, err
	}
	indexed, err := ix.stamps()
	if err != nil {
		return st, err
	}
	var todo []int64
	for id, stamp := range latest {
		have, ok := indexed[id]
		switch {
		case !ok:
			st.Added++
			todo = append(todo, id)
		case have != stamp:
			st.Updated++
			todo = append(todo, id)
		default:
			st.Unchanged++
		}
	}
	sort.Slice(todo, func(i, j int) bool { return todo[i] < todo[j] })
	if len(todo) > 0 && todo[len(todo)-1] > math.MaxUint32 {
		return st, fmt.Errorf("search index: report id %d is beyond what the index holds", todo[len(todo)-1])
	}
	b := ix.b.NewBatch()
	for id := range indexed {
		if _, ok := latest[id]; !ok {
			b.Delete(docID(id))
			st.Removed++
		}
	}
	had := func(id int64) bool { _, ok := indexed[id]; return ok }
	live := func(id uint32) bool { _, ok := latest[int64(id)]; return ok }
	return st, ix.apply(ctx, src, todo, had, live, b, &st)
}

// apply indexes the documents of the reports todo (sorted) after what batch b
// holds already, and removes those of them the store no longer holds but the
// index had; live says which reports the text index keeps when it merges.
func (ix *Index) apply(ctx context.Context, src Source, todo []int64, had func(int64) bool, live func(uint32) bool, b *bleve.Batch, st *SyncStats) error {
	// The reports go in chunks: a chunk's text is written as a segment of the
	// text index, then its documents go into bleve batch by batch.
	done := 0
	for c, err := range ix.collect(ctx, src, todo) {
		if err != nil {
			return err
		}
		st.Bytes += c.bytes
		if err := ix.text.add(c.builder); err != nil {
			return err
		}
		if err := ix.text.compact(live); err != nil {
			return err
		}
		found := map[int64]bool{}
		for i, d := range c.docs {
			found[d.ReportID] = true
			if err := b.Index(docID(d.ReportID), toBleve(d)); err != nil {
				return err
			}
			if (i+1)%batchSize == 0 || i == len(c.docs)-1 {
				if err := ix.b.Batch(b); err != nil {
					return err
				}
				// A new batch rather than b.Reset(): bleve's analysis goroutine may
				// still be ranging over the old one's map.
				b = ix.b.NewBatch()
			}
			done++
			if ix.Progress != nil && (done%batchSize == 0 || i == len(c.docs)-1) {
				ix.Progress(done, len(todo))
			}
		}
		// A report the store dropped since it was listed (Reparse moved its only
		// version) is not indexed, and goes if it was.
		for _, id := range c.ids {
			if found[id] {
				continue
			}
			done++
			if had(id) {
				st.Updated--
				st.Removed++
				b.Delete(docID(id))
			} else {
				st.Added--
			}
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	if b.Size() > 0 {
		if err := ix.b.Batch(b); err != nil {
			return err
		}
	}
	// The text index is merged also after a sync that changed nothing, when an
	// earlier one was stopped before its merges were done.
	err := ix.text.compact(live)
	if err == nil && st.Added+st.Updated+st.Removed > 0 {
		err = ix.compact(ctx)
	}
	return err
}

// textChunkBytes is how much text goes into one segment of the text index as a
// sync writes it: its postings take about three times as much memory while
// they are collected.
var textChunkBytes = 16 << 20

// chunkBytes is textChunkBytes, or less under a soft memory limit
// (debug.SetMemoryLimit, GOMEMLIMIT): a sixteenth of it, so that the chunks in
// the pipeline hold well under half of it in postings and the garbage
// collector can keep the process under the limit.
func chunkBytes() int {
	return int(min(int64(textChunkBytes), debug.SetMemoryLimit(-1)/16))
}

// chunk is a segment's worth of reports: their documents, the text index's
// builder that holds their postings, the ids of todo they were read for (a
// report the store no longer holds is among the ids but not the documents) and
// their text's size.
type chunk struct {
	docs    []Doc
	builder *segmentBuilder
	ids     []int64
	bytes   int64
}

// collect reads the documents of todo from the store and analyzes them, and
// yields them in chunks of about chunkBytes of text. Reading and analysis
// (on every processor), the collection of postings and what the caller does
// with a chunk are stages of a pipeline: each works on the next group or chunk
// while the next stage works on the one before, so that a rebuild keeps every
// processor busy. At most a chunk and a few groups are read ahead of the one
// yielded.
func (ix *Index) collect(ctx context.Context, src Source, todo []int64) iter.Seq2[*chunk, error] {
	type group struct {
		ids  []int64
		docs []Doc
		an   []*analyzed
	}
	return func(yield func(*chunk, error) bool) {
		ctx, cancel := context.WithCancel(ctx)
		var wg sync.WaitGroup
		defer wg.Wait()
		defer cancel()
		groups := make(chan group, 1)
		chunks := make(chan *chunk)
		var readErr error // set before groups is closed
		wg.Add(2)
		go func() {
			defer wg.Done()
			defer close(groups)
			for at := 0; at < len(todo); at += analysisGroup {
				g := group{ids: todo[at:min(at+analysisGroup, len(todo))]}
				readErr = src.SearchDocs(ctx, g.ids, func(d Doc) error {
					g.docs = append(g.docs, d)
					return nil
				})
				if readErr == nil {
					readErr = ctx.Err()
				}
				if readErr != nil {
					return
				}
				g.an = analyzeAll(g.docs)
				select {
				case groups <- g:
				case <-ctx.Done():
					return
				}
			}
		}()
		go func() {
			defer wg.Done()
			defer close(chunks)
			c := &chunk{builder: newSegmentBuilder()}
			limit := chunkBytes()
			send := func() bool {
				select {
				case chunks <- c:
					c = &chunk{builder: newSegmentBuilder()}
					return true
				case <-ctx.Done():
					return false
				}
			}
			for g := range groups {
				for i, a := range g.an {
					c.builder.add(a)
					d := g.docs[i]
					c.bytes += int64(len(d.Title) + len(d.Text) + len(strings.Join(d.Labels, "\n")))
				}
				c.docs = append(c.docs, g.docs...)
				c.ids = append(c.ids, g.ids...)
				if c.builder.bytes >= limit && !send() {
					return
				}
			}
			if readErr == nil && len(c.ids) > 0 {
				send()
			}
		}()
		for c := range chunks {
			if !yield(c, nil) {
				return
			}
		}
		// A stage stopped by the caller's context may have dropped a chunk.
		if readErr == nil {
			readErr = ctx.Err()
		}
		if readErr != nil {
			yield(nil, readErr)
		}
	}
}

// analysisGroup reports are read from the store and analyzed at once, on every
// processor.
const analysisGroup = 64

func analyzeAll(docs []Doc) []*analyzed {
	out := make([]*analyzed, len(docs))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(docs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st := newAnalysisState()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(docs) {
					return
				}
				d := docs[i]
				out[i] = st.analyze(uint32(d.ReportID), d.Title, d.Text, strings.Join(d.Labels, "\n"))
			}
		}()
	}
	wg.Wait()
	return out
}

// compact merges the index's segments as bleve's merger plans it, and waits for
// the merges: the merger works in the background and stops when the index is
// closed, and an index left in a hundred small segments searches each of them
// (a search's every term opens every segment's dictionary).
func (ix *Index) compact(ctx context.Context) error {
	adv, err := ix.b.Advanced()
	if err != nil {
		return err
	}
	s, ok := adv.(*scorch.Scorch)
	if !ok {
		return nil
	}
	opts := mergeplan.DefaultMergePlanOptions
	return s.ForceMerge(ctx, &opts)
}

// Rebuild makes a new index of every report at dir and puts it in place of the
// old one, which serves searches until then. A rebuild that fails leaves the
// old index as it was; one that is interrupted (ctx ends) also keeps what it
// built, beside it, and the next Rebuild goes on from there.
func Rebuild(ctx context.Context, dir string, src Source, progress func(done, total int)) (SyncStats, error) {
	if err := notBusy(dir); err != nil {
		return SyncStats{}, err
	}
	tmp := dir + ".new"
	fresh, err := open(tmp, false)
	if err != nil {
		// Nothing to go on from (or of another layout): start anew.
		if err := os.RemoveAll(tmp); err != nil {
			return SyncStats{}, err
		}
		b, err := newAt(tmp)
		if err == nil {
			err = b.Close()
		}
		if err == nil {
			fresh, err = open(tmp, false)
		}
		if err != nil {
			return SyncStats{}, fmt.Errorf("search index %s: %w", tmp, err)
		}
	}
	fresh.Progress = progress
	st, err := fresh.Sync(ctx, src)
	if cerr := fresh.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		if ctx.Err() == nil {
			os.RemoveAll(tmp)
		}
		return st, err
	}
	// A process that has the old index open would go on using it after the swap.
	if err := notBusy(dir); err != nil {
		os.RemoveAll(tmp)
		return st, err
	}
	old := dir + ".old"
	if err := os.RemoveAll(old); err != nil {
		return st, err
	}
	if err := os.Rename(dir, old); err != nil && !errors.Is(err, os.ErrNotExist) {
		return st, err
	}
	if err := os.Rename(tmp, dir); err != nil {
		return st, err
	}
	if err := os.RemoveAll(old); err != nil {
		return st, err
	}
	// What the store took in while the new index was being built, and what a
	// sync of the old index did meanwhile, is caught up now.
	ix, err := open(dir, false)
	if err != nil {
		return st, err
	}
	defer ix.Close()
	more, err := ix.Sync(ctx, src)
	st.Added += more.Added
	st.Updated += more.Updated
	st.Removed += more.Removed
	st.Bytes += more.Bytes
	return st, err
}

// notBusy returns ErrBusy if another process has the index at dir open.
func notBusy(dir string) error {
	ix, err := open(dir, false)
	if errors.Is(err, ErrBusy) {
		return err
	}
	if err == nil {
		ix.Close()
	}
	return nil
}

func docID(reportID int64) string { return strconv.FormatInt(reportID, 10) }

// toBleve is a Doc as bleve indexes it. Empty values are left out, so that
// facets do not count them.
func toBleve(d Doc) map[string]any {
	doc := map[string]any{fStamp: docID(d.ReportID) + " " + d.Stamp}
	region, names := d.Region, []string{}
	if d.Region != "" {
		names = append(names, d.Region)
	}
	if _, full, ok := report.RegionName(d.RegionCode); ok {
		// One region, one facet value, however titles spell it (雄县, 保定市雄县);
		// both spellings stay searchable.
		region = full
		if full != d.Region {
			names = append(names, full)
		}
	}
	if len(names) > 0 {
		doc[fRegionNames] = names
	}
	for f, v := range map[string]string{
		fTitle: d.Title, fBody: d.Text, fLabels: strings.Join(d.Labels, "\n"), fOrgan: d.Organ,
		fRegion: region, fRegionCode: d.RegionCode, fDepartment: d.Department, fFormat: d.Format,
	} {
		if v != "" {
			doc[f] = v
		}
	}
	delete(doc, fLabels) // only in the text index
	if d.Year > 0 {
		doc[fYear] = float64(d.Year)
		doc[fYearFacet] = strconv.Itoa(d.Year)
	}
	if t, err := time.Parse(time.DateOnly, d.Published); err == nil {
		doc[fPublished] = t
	}
	if len(d.Failed) > 0 {
		doc[fFailed] = d.Failed
		doc[fAnyFailed] = "true"
	}
	return doc
}

// stamps returns report id → indexed stamp for every indexed report. The stamp
// field holds "ID STAMP" in its doc values, which are read document by
// document without the stored fields (which hold the text); a facet on the
// field, as before, held every value twice more while it counted and sorted
// them (hundreds of megabytes at a million reports).
func (ix *Index) stamps() (map[int64]string, error) {
	n, err := ix.b.DocCount()
	if err != nil {
		return nil, err
	}
	adv, err := ix.b.Advanced()
	if err != nil {
		return nil, err
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	out := make(map[int64]string, n)
	err = eachDocValues(r, []string{fStamp}, func(_ string, term []byte) {
		idText, stamp, _ := bytes.Cut(term, []byte(" "))
		if rid, err := strconv.ParseInt(string(idText), 10, 64); err == nil {
			out[rid] = string(stamp)
		}
	}, func(uint64) {})
	return out, err
}
