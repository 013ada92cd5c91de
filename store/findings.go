package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"gongkai/report"
)

// Findings are checks across reports, kept in the findings table and recomputed for
// a report whenever its latest version, the same organ's previous or next year, or
// a similar report changes. Polarity: ok = false means the finding holds against
// the report (the chain is broken, it was late, its text is copied).
//
//	carry_chain:total              table3 carried_over.total = last year's carried_forward.total
//	in_force_chain:rules           (2021 format, both years) in_force = last year's in_force + issued − repealed
//	in_force_chain:normative_docs  the same for 行政规范性文件
//	timeliness                     published by the deadline of the law in force for the year (report.Timeliness)
//	copied_text:previous           share of the body found in the same organ's previous report < report.CopiedThreshold
//	copied_text:peers              share of the body found in any other organ's report of the same year < report.CopiedThreshold
//
// "Last year" is the latest version of the report of the same organ (whitespace
// removed) for the year before. A blank, dash or text cell counts as 0, as the spec
// says, and the detail says so; a cell the report does not print at all leaves the
// finding out. Cells of the other report are referenced as REPORT_ID:table.row.column.
const (
	RuleCarryChain     = "carry_chain:total"
	RuleInForceChain   = "in_force_chain:" // + rules, normative_docs
	RuleTimeliness     = report.RuleTimeliness
	RuleCopiedPrevious = "copied_text:previous"
	RuleCopiedPeers    = "copied_text:peers"
)

// finding is one row of the findings table.
type finding struct {
	report.Check
	otherReport int64
	share       float64
	hasShare    bool
}

// facts are what the findings read of a report's latest version.
type facts struct {
	versionID, reportID int64
	organ               string // normalised; empty for a report keyed by URI
	printedOrgan        string
	region, department  string
	regionCode          string
	year                int
	published, format   string
	sig                 signature
	shingles            int // distinct shingles of the body
	cells               map[string]cellFact
}

type cellFact struct {
	kind  string
	value float64
}

// findingCells are the cells the chains read.
var findingCells = []string{
	"table3.carried_over.total", "table3.carried_forward.total",
	"table2.rules.issued", "table2.rules.repealed", "table2.rules.in_force",
	"table2.normative_docs.issued", "table2.normative_docs.repealed", "table2.normative_docs.in_force",
}

// scope says which findings of a report are to be recomputed.
type scope uint8

const (
	scopeOwn      scope = 1 << iota // timeliness: the report alone
	scopePrevious                   // chains and copied text against last year's report
	scopePeers                      // copied text against other organs' reports
	scopeAll      = scopeOwn | scopePrevious | scopePeers
)

// rules lists the finding rules a scope recomputes.
func (sc scope) rules() []any {
	var rules []any
	if sc&scopeOwn != 0 {
		rules = append(rules, RuleTimeliness)
	}
	if sc&scopePrevious != 0 {
		rules = append(rules, RuleCarryChain, RuleInForceChain+"rules", RuleInForceChain+"normative_docs", RuleCopiedPrevious)
	}
	if sc&scopePeers != 0 {
		rules = append(rules, RuleCopiedPeers)
	}
	return rules
}

func (w *writer) mark(reportID int64, sc scope) { w.affected[reportID] |= sc }

// factsOf takes the facts of a version being written from its record.
func factsOf(p *prepared, versionID int64) *facts {
	rec := p.rec
	f := &facts{versionID: versionID, organ: p.organ, printedOrgan: rec.Organ, region: rec.Region,
		regionCode: rec.RegionCode, department: rec.Department, year: rec.Year, published: rec.Published, format: rec.Format, sig: p.sig,
		shingles: p.shingles, cells: map[string]cellFact{}}
	for _, c := range rec.Cells {
		ref := c.Ref()
		if _, dup := f.cells[ref]; dup || !slices.Contains(findingCells, ref) {
			continue
		}
		var v float64
		if c.Value != nil {
			v = *c.Value
		}
		f.cells[ref] = cellFact{c.Kind, v}
	}
	return f
}

// loadFacts reads the latest version of the report the condition on logical_reports
// r selects; found is false when there is none.
func (w *writer) loadFacts(ctx context.Context, where string, args ...any) (f facts, found bool, err error) {
	var reportID int64
	var versionID sql.NullInt64
	var organ string
	err = w.queryRow(ctx, `SELECT r.id, r.latest_version_id, coalesce(r.organ, '') FROM logical_reports r `+where, args...).
		Scan(&reportID, &versionID, &organ)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !versionID.Valid) {
		return f, false, nil
	}
	if err != nil {
		return f, false, err
	}
	if fresh, ok := w.fresh[versionID.Int64]; ok {
		f = *fresh
		f.reportID, f.organ = reportID, organ
		return f, true, nil
	}
	f.versionID, f.reportID, f.organ = versionID.Int64, reportID, organ
	var sig []byte
	err = w.queryRow(ctx, `SELECT coalesce(v.organ, ''), coalesce(v.region, ''), coalesce(v.region_code, ''), coalesce(v.department, ''),
		coalesce(v.year, 0), coalesce(v.published, ''), v.format, s.signature, coalesce(s.shingles, 0)
		FROM versions v LEFT JOIN text_signatures s ON s.version_id = v.id WHERE v.id = ?`, f.versionID).
		Scan(&f.printedOrgan, &f.region, &f.regionCode, &f.department, &f.year, &f.published, &f.format, &sig, &f.shingles)
	if err != nil {
		return f, false, err
	}
	f.sig = signatureFrom(sig)
	f.cells = map[string]cellFact{}
	refOf := map[int64]string{}
	var ids []any
	for _, ref := range findingCells {
		id, err := w.existingKeyID(ctx, ref)
		if err != nil {
			return f, false, err
		}
		if id != 0 {
			refOf[id] = ref
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return f, true, nil
	}
	rows, err := w.QueryContext(ctx, `SELECT key_id, kind, value FROM version_cells
		WHERE version_id = ? AND key_id IN (`+placeholders(len(ids))+`) ORDER BY ord`, append([]any{f.versionID}, ids...)...)
	if err != nil {
		return f, false, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var kind string
		var value sql.NullFloat64
		if err := rows.Scan(&id, &kind, &value); err != nil {
			return f, false, err
		}
		if _, dup := f.cells[refOf[id]]; !dup {
			f.cells[refOf[id]] = cellFact{kind, value.Float64}
		}
	}
	return f, true, rows.Err()
}

// existingKeyID returns the cell_keys id of a cell reference, 0 if no cell of the
// archive has it.
func (w *writer) existingKeyID(ctx context.Context, ref string) (int64, error) {
	tbl, rest, _ := strings.Cut(ref, ".")
	row, col, _ := strings.Cut(rest, ".")
	id, _, err := w.findKey(ctx, cellKey{tbl, row, col})
	return id, err
}

// markAffected marks a report for all its findings, and the same organ's report of
// the next year (whose chains read this one) for those against the previous year,
// and offers the version's text to the reports it resembles.
func (w *writer) markAffected(ctx context.Context, reportID, versionID int64) error {
	w.mark(reportID, scopeAll)
	ids, err := queryInts(ctx, w, `SELECT n.id FROM logical_reports r
		JOIN logical_reports n ON n.organ = r.organ AND n.year = r.year + 1 WHERE r.id = ?`, reportID)
	for _, id := range ids {
		w.mark(id, scopePrevious)
	}
	if err != nil {
		return err
	}
	return w.offerToPeers(ctx, versionID)
}

// markReferrers marks for new findings the reports whose copied-text finding names
// this report: its text is about to change.
func (w *writer) markReferrers(ctx context.Context, reportID int64) error {
	ids, err := queryInts(ctx, w, `SELECT v.report_id FROM findings f JOIN versions v ON v.id = f.version_id
		WHERE f.other_report_id = ? AND f.rule = ?`, reportID, RuleCopiedPeers)
	for _, id := range ids {
		w.mark(id, scopePeers)
	}
	return err
}

// offerToPeers updates the copied-text finding of each report whose body the
// version's body holds more of than the report's recorded most similar peer does.
// Recomputing those reports' findings instead would cost, for a cluster of n
// copies, n peer searches for each new copy.
func (w *writer) offerToPeers(ctx context.Context, versionID int64) error {
	peers, err := w.peers(ctx, versionID)
	if err != nil || len(peers) == 0 {
		return err
	}
	var self facts
	if err := w.queryRow(ctx, `SELECT v.report_id, coalesce(v.organ, ''), coalesce(v.year, 0) FROM versions v WHERE v.id = ?`,
		versionID).Scan(&self.reportID, &self.printedOrgan, &self.year); err != nil {
		return err
	}
	for _, p := range peers {
		if p.reverse < report.CopiedThreshold {
			continue
		}
		c := copiedPeers(facts{year: self.year}, []peer{{reportID: self.reportID, printedOrgan: self.printedOrgan, share: p.reverse}})
		res, err := w.exec(ctx, `UPDATE findings SET ok = ?, detail = ?, other_report_id = ?, share = ?, computed_at = ?
			WHERE rule = ? AND version_id = (SELECT latest_version_id FROM logical_reports WHERE id = ?) AND coalesce(share, 0) < ?`,
			c.OK, c.Detail, c.otherReport, c.share, w.now, RuleCopiedPeers, p.reportID, p.reverse)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n > 0 {
			w.changed[p.reportID] = true
		}
	}
	return nil
}

// peer is another organ's report of the same year whose body resembles a version's.
type peer struct {
	reportID     int64
	organ        string
	printedOrgan string
	// share is the part of the version's body found in the peer's, reverse the
	// part of the peer's body found in the version's (report.CopiedShare).
	share, reverse float64
}

// peers returns the latest versions of other organs' reports of the same year that
// share an LSH bucket with the version, the one holding most of its body first.
func (w *writer) peers(ctx context.Context, versionID int64) ([]peer, error) {
	if cached, ok := w.peerCache[versionID]; ok {
		return cached, nil
	}
	out, err := w.findPeers(ctx, versionID)
	if err == nil {
		w.peerCache[versionID] = out
	}
	return out, err
}

func (w *writer) findPeers(ctx context.Context, versionID int64) ([]peer, error) {
	var self facts
	var sig []byte
	err := w.queryRow(ctx, `SELECT v.report_id, coalesce(r.organ, ''), s.signature, coalesce(s.shingles, 0) FROM versions v
		JOIN logical_reports r ON r.id = v.report_id LEFT JOIN text_signatures s ON s.version_id = v.id WHERE v.id = ?`,
		versionID).Scan(&self.reportID, &self.organ, &sig, &self.shingles)
	if err != nil {
		return nil, err
	}
	if self.sig = signatureFrom(sig); self.sig == nil {
		return nil, nil
	}
	rows, err := w.QueryContext(ctx, `SELECT v.report_id, coalesce(r.organ, ''), coalesce(v.organ, ''), s.signature, s.shingles
		FROM (SELECT DISTINCT o.version_id FROM text_bands me
			JOIN text_bands o ON o.year = me.year AND o.band = me.band AND o.bucket = me.bucket
			WHERE me.version_id = ?1 AND o.version_id <> ?1 LIMIT ?2) candidate
		JOIN versions v ON v.id = candidate.version_id
		JOIN logical_reports r ON r.id = v.report_id
		JOIN text_signatures s ON s.version_id = v.id`, versionID, maxPeerSamples)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []peer
	for rows.Next() {
		var p peer
		var shingles int
		if err := rows.Scan(&p.reportID, &p.organ, &p.printedOrgan, &sig, &shingles); err != nil {
			return nil, err
		}
		if p.reportID == self.reportID || (self.organ != "" && p.organ == self.organ) {
			continue // the same organ's report filed twice is not a peer's copy
		}
		j := self.sig.similarity(signatureFrom(sig))
		p.share, p.reverse = report.CopiedShare(j, self.shingles, shingles), report.CopiedShare(j, shingles, self.shingles)
		out = append(out, p)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].share > out[j].share })
	return out, rows.Err()
}

// indexBands files a latest version's signature into the LSH buckets of its year.
func (w *writer) indexBands(ctx context.Context, versionID int64) error {
	var year int
	var sig signature
	if fresh, ok := w.fresh[versionID]; ok {
		year, sig = fresh.year, fresh.sig
	} else {
		var blob []byte
		err := w.queryRow(ctx, `SELECT coalesce(v.year, 0), s.signature FROM versions v
			JOIN text_signatures s ON s.version_id = v.id WHERE v.id = ?`, versionID).Scan(&year, &blob)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		sig = signatureFrom(blob)
	}
	if year == 0 || sig == nil {
		return nil
	}
	args := make([]any, 0, 4*bandCount)
	for band, bucket := range sig.buckets() {
		args = append(args, year, band, bucket, versionID)
	}
	w.texts = append(w.texts, versionID)
	return w.insertMany(ctx, "text_bands (year, band, bucket, version_id)", 4, bandCount, args)
}

// recheckPeers looks again, once a batch is committed, for the copied text of
// the latest versions it filed in LSH buckets (texts). Writers that overlap
// (Engine.Overlaps) do not see each other's uncommitted texts: two organs'
// copies stored at once would each find no peer. Of two such batches, the one
// that rechecks second sees both texts committed. A recheck only adds what a
// batch could not see, so it changes a finding only to a closer copy than the
// one recorded: a recheck that saw less never undoes what another found, and
// rechecks need no lock of their own. A finding is written, and its report
// numbered in the change sequence, only where it changes.
func (s *DB) recheckPeers(ctx context.Context, texts []int64) error {
	for attempt := 1; ; attempt++ {
		err := s.recheck(ctx, texts)
		if err == nil || !s.e.Retry(err) || attempt == maxAttempts {
			return err
		}
	}
}

func (s *DB) recheck(ctx context.Context, texts []int64) error {
	w, err := s.begin(ctx, nil, false)
	if err != nil {
		return err
	}
	defer w.rollback()
	for _, v := range texts {
		var f facts
		err := w.queryRow(ctx, `SELECT r.id, coalesce(v.year, 0) FROM versions v JOIN logical_reports r ON r.id = v.report_id
			WHERE v.id = ?1 AND r.latest_version_id = ?1`, v).Scan(&f.reportID, &f.year)
		if errors.Is(err, sql.ErrNoRows) {
			continue // no longer the latest (a later batch stored another)
		}
		if err != nil {
			return err
		}
		peers, err := w.peers(ctx, v)
		if err != nil {
			return err
		}
		if c := copiedPeers(f, peers); c.hasShare {
			res, err := w.exec(ctx, `UPDATE findings SET ok = ?, detail = ?, other_report_id = ?, share = ?, computed_at = ?
				WHERE version_id = ? AND rule = ? AND coalesce(share, -1) < ?`,
				c.OK, c.Detail, c.otherReport, c.share, w.now, v, RuleCopiedPeers, c.share)
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil || n > 0 {
				w.changed[f.reportID] = true
			}
		}
		if err := w.offerToPeers(ctx, v); err != nil {
			return err
		}
	}
	return w.commit(ctx)
}

// refreshFindings recomputes the findings of every report marked affected.
func (w *writer) refreshFindings(ctx context.Context) error {
	ids := make([]int64, 0, len(w.affected))
	for id := range w.affected {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		if err := w.refreshReport(ctx, id, w.affected[id]); err != nil {
			return fmt.Errorf("findings of report %d: %w", id, err)
		}
	}
	clear(w.affected)
	return nil
}

func (w *writer) refreshReport(ctx context.Context, reportID int64, sc scope) error {
	f, found, err := w.loadFacts(ctx, `WHERE r.id = ?`, reportID)
	if err != nil || !found {
		return err
	}
	var list []finding
	if sc&scopePrevious != 0 && f.organ != "" && f.year != 0 {
		prev, hasPrev, err := w.loadFacts(ctx, `WHERE r.organ = ? AND r.year = ?`, f.organ, f.year-1)
		if err != nil {
			return err
		}
		if hasPrev {
			if c, ok := carryChain(f, prev); ok {
				list = append(list, c)
			}
			for _, row := range []string{"rules", "normative_docs"} {
				if c, ok := inForceChain(f, prev, row); ok {
					list = append(list, c)
				}
			}
			if f.sig != nil && prev.sig != nil {
				list = append(list, copiedPrevious(f, prev))
			}
		}
	}
	if sc&scopeOwn != 0 {
		if c, ok := timeliness(f); ok {
			list = append(list, c)
		}
	}
	if sc&scopePeers != 0 && f.sig != nil && f.year != 0 {
		peers, err := w.peers(ctx, f.versionID)
		if err != nil {
			return err
		}
		list = append(list, copiedPeers(f, peers))
	}
	w.changed[reportID] = true
	rules := sc.rules()
	if _, err := w.exec(ctx, `DELETE FROM findings WHERE version_id = ? AND rule IN (`+placeholders(len(rules))+`)`,
		append([]any{f.versionID}, rules...)...); err != nil {
		return err
	}
	if len(list) == 0 {
		return nil
	}
	args := make([]any, 0, 8*len(list))
	for _, c := range list {
		var cells, other, share any
		if len(c.Cells) > 0 {
			cells = refsJSON(c.Cells)
		}
		if c.otherReport != 0 {
			other = c.otherReport
		}
		if c.hasShare {
			share = c.share
		}
		args = append(args, f.versionID, c.Rule, c.OK, c.Detail, cells, other, share, w.now)
	}
	return w.insertMany(ctx, "findings (version_id, rule, ok, detail, cells, other_report_id, share, computed_at)", 8, len(list), args)
}

// operand reads a cell for a chain: its value, 0 for a blank, dash or text cell
// (said in the description), and whether the report prints the cell at all.
func operand(f facts, ref string) (float64, string, bool) {
	c, ok := f.cells[ref]
	if !ok {
		return 0, "", false
	}
	if c.kind != report.KindNumber {
		return 0, "0 (" + c.kind + ")", true
	}
	return c.value, formatNumber(c.value), true
}

func formatNumber(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

func otherRef(reportID int64, ref string) string {
	return strconv.FormatInt(reportID, 10) + ":" + ref
}

func relation(equal bool) string {
	if equal {
		return "="
	}
	return "≠"
}

func carryChain(f, prev facts) (finding, bool) {
	const thisRef, prevRef = "table3.carried_over.total", "table3.carried_forward.total"
	now, nowText, ok1 := operand(f, thisRef)
	before, beforeText, ok2 := operand(prev, prevRef)
	if !ok1 || !ok2 {
		return finding{}, false
	}
	equal := now == before
	return finding{Check: report.Check{
		Rule: RuleCarryChain, OK: equal,
		Detail: fmt.Sprintf("carried_over %s %s carried_forward %s in the %d report (report %d)",
			nowText, relation(equal), beforeText, prev.year, prev.reportID),
		Cells: []string{thisRef, otherRef(prev.reportID, prevRef)},
	}, otherReport: prev.reportID}, true
}

func inForceChain(f, prev facts, row string) (finding, bool) {
	if f.format != report.Format2021 || prev.format != report.Format2021 {
		return finding{}, false
	}
	ref := func(field string) string { return "table2." + row + "." + field }
	inForce, inForceText, ok1 := operand(f, ref("in_force"))
	before, beforeText, ok2 := operand(prev, ref("in_force"))
	issued, issuedText, ok3 := operand(f, ref("issued"))
	repealed, repealedText, ok4 := operand(f, ref("repealed"))
	if !ok1 || !ok2 || !ok3 || !ok4 {
		return finding{}, false
	}
	want := before + issued - repealed
	equal := math.Abs(inForce-want) < 1e-9
	return finding{Check: report.Check{
		Rule: RuleInForceChain + row, OK: equal,
		Detail: fmt.Sprintf("in_force %s %s in_force %s in the %d report (report %d) + issued %s − repealed %s (= %s)",
			inForceText, relation(equal), beforeText, prev.year, prev.reportID, issuedText, repealedText, formatNumber(want)),
		Cells: []string{ref("in_force"), otherRef(prev.reportID, ref("in_force")), ref("issued"), ref("repealed")},
	}, otherReport: prev.reportID}, true
}

// timeliness judges the publication date by the law in force for the report's
// year (report.Timeliness).
func timeliness(f facts) (finding, bool) {
	c, ok := report.Timeliness(f.year, f.published, f.printedOrgan, f.region, f.regionCode, f.department)
	return finding{Check: c}, ok
}

func copiedPrevious(f, prev facts) finding {
	share := report.CopiedShare(f.sig.similarity(prev.sig), f.shingles, prev.shingles)
	return finding{Check: report.Check{Rule: RuleCopiedPrevious, OK: share < report.CopiedThreshold,
		Detail: report.CopiedDetail(share, fmt.Sprintf("the %d report", prev.year), prev.reportID),
	}, otherReport: prev.reportID, share: share, hasShare: true}
}

func copiedPeers(f facts, peers []peer) finding {
	c := finding{Check: report.Check{Rule: RuleCopiedPeers, OK: true}}
	if len(peers) == 0 {
		c.Detail = fmt.Sprintf("no other organ's %d report comes near the %s threshold (no LSH candidate)", f.year, report.Percent(report.CopiedThreshold))
		return c
	}
	best := peers[0]
	c.otherReport, c.share, c.hasShare = best.reportID, best.share, true
	c.OK = best.share < report.CopiedThreshold
	c.Detail = report.CopiedDetail(best.share, fmt.Sprintf("%s's %d report", best.printedOrgan, f.year), best.reportID)
	return c
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}
