package web

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"gongkai/report"
	"gongkai/store"
)

// A lead is a question a journalist asks of one year's reports, answered by a
// ranked list: every row names the body and the report, and the list downloads
// as CSV and JSON. The figures come from report (rates, deadlines, copied text),
// the one definition the rest of the archive uses.
type lead struct {
	Name     string // in /leads/{name}
	Question string
	English  string
	// How says how the list is made, on the page and in the JSON.
	How   func(d *leadData) string
	build func(d *leadData) []leadRow
	cols  []leadColumn
	// brief are the columns the start page shows.
	brief []string
}

type leadColumn struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	Num   bool   `json:"-"`
}

// leadRow is a row of a lead: the report it is about (0 when the body has no
// report that year) and one value per column (string, float64, int or nil).
type leadRow struct {
	ReportID int64
	Organ    string
	OrganKey string
	Values   []any
}

// leadResult is a lead's list as /leads/{name}.json gives it.
type leadResult struct {
	Lead     string       `json:"lead"`
	Question string       `json:"question"`
	English  string       `json:"question_en"`
	Year     int          `json:"year"`
	Region   string       `json:"region"`
	How      string       `json:"how"`
	Columns  []leadColumn `json:"columns"`
	Total    int          `json:"total"`
	Rows     []leadRow    `json:"-"`
	brief    []string
}

// MarshalJSON writes the rows as objects whose keys follow the columns' order.
func (l leadResult) MarshalJSON() ([]byte, error) {
	type plain leadResult
	head, err := json.Marshal(plain(l))
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.Write(head[:len(head)-1])
	b.WriteString(`,"rows":[`)
	for i, row := range l.Rows {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"report_id":`)
		b.WriteString(strconv.FormatInt(row.ReportID, 10))
		for j, c := range l.Columns {
			k, _ := json.Marshal(c.Key)
			v, err := json.Marshal(row.Values[j])
			if err != nil {
				return nil, err
			}
			b.WriteByte(',')
			b.Write(k)
			b.WriteByte(':')
			b.Write(v)
		}
		b.WriteByte('}')
	}
	b.WriteString("]}")
	return b.Bytes(), nil
}

// table is the lead as the page and the CSV file show it.
func (l leadResult) table() ([]string, [][]string) {
	header := []string{}
	for _, c := range l.Columns {
		header = append(header, c.Label)
	}
	header = append(header, "报告 report")
	var rows [][]string
	for _, r := range l.Rows {
		row := make([]string, 0, len(r.Values)+1)
		for _, v := range r.Values {
			row = append(row, cellText(v))
		}
		report := ""
		if r.ReportID != 0 {
			report = strconv.FormatInt(r.ReportID, 10)
		}
		rows = append(rows, append(row, report))
	}
	return header, rows
}

func cellText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case int:
		return strconv.Itoa(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case share:
		return report.Percent(float64(x))
	case rate:
		return report.Value{V: float64(x), OK: true, Ratio: true}.Text()
	}
	return fmt.Sprint(v)
}

// share is a copied-text share and rate a figure's rate: fractions in the JSON,
// percentages on the page and in the CSV file.
type (
	share float64
	rate  float64
)

func (s share) MarshalJSON() ([]byte, error) { return json.Marshal(math.Round(float64(s)*1e4) / 1e4) }
func (r rate) MarshalJSON() ([]byte, error)  { return json.Marshal(math.Round(float64(r)*1e6) / 1e6) }

// leadData is what the leads read of a year: the year's reports and the year
// before's with the figures' cells, the bodies of the three years before that,
// the failed checks and findings of the year, and its copied-text findings.
type leadData struct {
	Year, MinRequests int
	Region            string
	this, last        []store.ReportCells
	earlier           []store.ReportCells
	failed            []store.CheckRow
	copied            []store.CheckRow
	portals           []Portal
	byID              map[int64]store.ReportInfo
}

// Portal is a configured portal, for the bodies that published nothing at all.
type Portal struct {
	Name       string
	RegionCode string
	URL        string
}

func (s *server) loadLeadData(ctx context.Context, year int, region string) (*leadData, error) {
	d := &leadData{Year: year, Region: region, MinRequests: s.MinRequests, portals: s.Portals, byID: map[int64]store.ReportInfo{}}
	var err error
	if d.this, err = s.Store.ReportCells(ctx, store.CellQuery{Years: []int{year}, Region: region, Refs: report.FigureRefs}); err != nil {
		return nil, err
	}
	if d.last, err = s.Store.ReportCells(ctx, store.CellQuery{Years: []int{year - 1}, Region: region, Refs: report.FigureRefs}); err != nil {
		return nil, err
	}
	if d.earlier, err = s.Store.ReportCells(ctx, store.CellQuery{Years: []int{year - 3, year - 2}, Region: region}); err != nil {
		return nil, err
	}
	for _, list := range [][]store.ReportCells{d.this, d.last, d.earlier} {
		for _, rc := range list {
			d.byID[rc.ID] = rc.ReportInfo
		}
	}
	err = s.Store.Checks(ctx, store.Filter{Year: year, Region: region, Failed: true}, func(c store.CheckRow) error {
		d.failed = append(d.failed, c)
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = s.Store.Checks(ctx, store.Filter{Year: year, Region: region, Rule: "copied_text"}, func(c store.CheckRow) error {
		d.copied = append(d.copied, c)
		return nil
	})
	return d, err
}

// leadsTTL is how long a year's leads are reused: they read every report of two
// years, and the start page shows them all.
const leadsTTL = time.Minute

type leadsCache struct {
	mu      sync.Mutex
	entries map[leadKey]leadEntry
}

type leadKey struct {
	year   int
	region string
}

type leadEntry struct {
	data *leadData
	at   time.Time
}

// leadData returns the year's lead data, read again when older than leadsTTL.
func (s *server) leadData(ctx context.Context, year int, region string) (*leadData, error) {
	key := leadKey{year, region}
	s.leads.mu.Lock()
	if e, ok := s.leads.entries[key]; ok && time.Since(e.at) < leadsTTL {
		s.leads.mu.Unlock()
		return e.data, nil
	}
	s.leads.mu.Unlock()
	d, err := s.loadLeadData(ctx, year, region)
	if err != nil {
		return nil, err
	}
	s.leads.mu.Lock()
	defer s.leads.mu.Unlock()
	if s.leads.entries == nil || len(s.leads.entries) > 64 {
		s.leads.entries = map[leadKey]leadEntry{}
	}
	s.leads.entries[key] = leadEntry{d, time.Now()}
	return d, nil
}

func (d *leadData) result(l lead) leadResult {
	res := leadResult{Lead: l.Name, Question: l.Question, English: l.English, Year: d.Year, Region: d.Region,
		How: l.How(d), Columns: l.cols, Rows: l.build(d), brief: l.brief}
	if res.Rows == nil {
		res.Rows = []leadRow{}
	}
	res.Total = len(res.Rows)
	return res
}

func figureValue(key string, rc store.ReportCells, minRequests int) report.Value {
	f, _ := report.FigureByKey(key)
	return f.Compute(rc.Cells, minRequests)
}

func count(key string, rc store.ReportCells) any {
	if v := figureValue(key, rc, 0); v.OK {
		return v.V
	}
	return nil
}

func row(rc store.ReportInfo, values ...any) leadRow {
	return leadRow{ReportID: rc.ID, Organ: rc.Organ, OrganKey: rc.OrganKey, Values: append([]any{rc.Organ, rc.Place()}, values...)}
}

var organColumns = []leadColumn{{"organ", "机关 body", false}, {"region", "地区 region", false}}

func columns(cs ...leadColumn) []leadColumn { return append(slices.Clone(organColumns), cs...) }

// leads lists the questions in the order the start page asks them.
var leads = []lead{
	{
		Name: "late", Question: "谁迟交了年报？", English: "Who published late?",
		How: func(d *leadData) string {
			return fmt.Sprintf("%d 年度报告的发布日期晚于法定期限（2018年度及以前：2008 条例 第三十一条，3月31日；2019年度起：2019 条例 第四十九条，部门1月31日、政府3月31日；乡镇街道无法定日期）。按逾期天数排列。"+
				"Published after the deadline of the law in force; most days late first.", d.Year)
		},
		cols: columns(leadColumn{"published", "发布 published", false}, leadColumn{"deadline", "期限 deadline", false},
			leadColumn{"days_late", "逾期天数 days late", true}, leadColumn{"law", "依据 law", false}),
		brief: []string{"organ", "published", "days_late"},
		build: func(d *leadData) []leadRow {
			var out []leadRow
			for _, c := range d.failed {
				ri, ok := d.byID[c.ReportID]
				if c.Rule != report.RuleTimeliness || !ok {
					continue
				}
				l, ok := report.LatenessOf(ri.Year, ri.Published, ri.Organ, ri.Region, ri.RegionCode, ri.Department)
				if !ok || l.DaysLate == 0 {
					continue
				}
				out = append(out, row(ri, ri.Published, l.Date.Format(time.DateOnly), l.DaysLate, l.Law))
			}
			sortRows(out, 4, true)
			return out
		},
	},
	{
		Name: "missing", Question: "谁没有发布？", English: "Who did not publish?",
		How: func(d *leadData) string {
			return fmt.Sprintf("在 %d–%d 年度有报告、%d 年度没有报告的机关；以及配置的门户所在地区 %d 年度一份报告也没有的。按最近一份报告的年度排列。"+
				"Bodies with a report in %d–%d and none for %d, and configured portals whose region has none at all.", d.Year-3, d.Year-1, d.Year, d.Year, d.Year-3, d.Year-1, d.Year)
		},
		cols:  columns(leadColumn{"last_year", "最近报告年度 last report", true}, leadColumn{"last_report_id", "最近报告 last report id", true}),
		brief: []string{"organ", "last_year"},
		build: func(d *leadData) []leadRow {
			published := map[string]bool{}
			regions := map[string]bool{}
			for _, rc := range d.this {
				published[rc.OrganKey] = true
				if rc.RegionCode != "" {
					regions[report.County(rc.RegionCode)] = true
				}
			}
			latest := map[string]store.ReportInfo{}
			for _, list := range [][]store.ReportCells{d.last, d.earlier} {
				for _, rc := range list {
					if rc.OrganKey == "" || published[rc.OrganKey] {
						continue
					}
					if have, ok := latest[rc.OrganKey]; !ok || rc.Year > have.Year {
						latest[rc.OrganKey] = rc.ReportInfo
					}
				}
			}
			var out []leadRow
			for _, ri := range latest {
				r := row(ri, ri.Year, int(ri.ID))
				r.ReportID = 0 // no report this year
				out = append(out, r)
			}
			for _, p := range d.portals {
				county := report.County(p.RegionCode)
				if county == "" || regions[county] || d.Region != "" && !strings.HasPrefix(county, d.Region) && !strings.Contains(report.RegionFullName(county), d.Region) {
					continue
				}
				out = append(out, leadRow{Organ: p.Name, Values: []any{"门户 portal " + p.Name, report.RegionFullName(county), nil, nil}})
			}
			slices.SortStableFunc(out, func(a, b leadRow) int {
				ya, _ := a.Values[2].(int)
				yb, _ := b.Values[2].(int)
				return cmp.Or(cmp.Compare(yb, ya), cmp.Compare(a.Organ, b.Organ))
			})
			return out
		},
	},
	{
		Name: "withheld", Question: "谁不予公开最多？", English: "Who withholds most?",
		How: func(d *leadData) string {
			return fmt.Sprintf("%d 年度不予公开率 = Σ（三）不予公开 ÷（本年新收 + 上年结转），只计申请数不少于 %d 件的机关。按不予公开率排列。"+
				"Share of requests withheld, for bodies with at least %d requests; highest first.", d.Year, d.MinRequests, d.MinRequests)
		},
		cols: columns(leadColumn{"requests", "申请数 requests", true}, leadColumn{"withheld", "不予公开 withheld", true},
			leadColumn{"withheld_rate", "不予公开率 share withheld", true}, leadColumn{"disclosure_rate", "实质公开率 share granted", true}),
		brief: []string{"organ", "requests", "withheld_rate"},
		build: func(d *leadData) []leadRow {
			var out []leadRow
			for _, rc := range d.this {
				v := figureValue("withheld_rate", rc, d.MinRequests)
				if !v.OK {
					continue
				}
				var granted any
				if g := figureValue("disclosure_rate", rc, d.MinRequests); g.OK {
					granted = rate(g.V)
				}
				out = append(out, row(rc.ReportInfo, count("requests", rc), count("withheld", rc), rate(v.V), granted))
			}
			sortRows(out, 4, true)
			return out
		},
	},
	{
		Name: "sued", Question: "谁被复议、起诉、纠错最多？", English: "Who is challenged and corrected most?",
		How: func(d *leadData) string {
			return fmt.Sprintf("%d 年度因政府信息公开被申请行政复议和提起行政诉讼的案件（表四总计），以及其中结果纠正的。按案件数排列，再按纠正数。"+
				"Administrative reviews and lawsuits over disclosure (table 4 totals) and how many ended corrected; most cases first.", d.Year)
		},
		cols: columns(leadColumn{"reviews", "行政复议 reviews", true}, leadColumn{"suits", "行政诉讼 lawsuits", true},
			leadColumn{"cases", "合计 cases", true}, leadColumn{"corrected", "结果纠正 corrected", true}),
		brief: []string{"organ", "cases", "corrected"},
		build: func(d *leadData) []leadRow {
			var out []leadRow
			for _, rc := range d.this {
				reviews, _ := report.SumCells(rc.Cells, mustFigure("review_total").Num)
				suits, _ := report.SumCells(rc.Cells, mustFigure("suits_total").Num)
				corrected, _ := report.SumCells(rc.Cells, append(mustFigure("review_corrected").Num, mustFigure("suits_corrected").Num...))
				if reviews+suits == 0 {
					continue
				}
				out = append(out, row(rc.ReportInfo, reviews, suits, reviews+suits, corrected))
			}
			slices.SortStableFunc(out, func(a, b leadRow) int {
				return cmp.Or(cmp.Compare(b.Values[4].(float64), a.Values[4].(float64)), cmp.Compare(b.Values[5].(float64), a.Values[5].(float64)),
					cmp.Compare(a.Organ, b.Organ))
			})
			return out
		},
	},
	{
		Name: "changed", Question: "谁与上年相比变化最大？", English: "Who changed most since last year?",
		How: func(d *leadData) string {
			return fmt.Sprintf("同一机关 %d 与 %d 年度的本年新收申请数之差，以及不予公开率的变化。按申请数变化的绝对值排列。"+
				"Requests received this year against last year for the same body, and the change in the share withheld; largest change first.", d.Year, d.Year-1)
		},
		cols: columns(leadColumn{"last_year_requests", "上年新收 last year", true}, leadColumn{"requests", "本年新收 this year", true},
			leadColumn{"change", "变化 change", true}, leadColumn{"change_pct", "变化率 change %", false},
			leadColumn{"withheld_rate_change", "不予公开率变化 change in share withheld", false}, leadColumn{"last_report_id", "上年报告 last year's report", true}),
		brief: []string{"organ", "last_year_requests", "requests", "change_pct"},
		build: func(d *leadData) []leadRow {
			lastBy := map[string]store.ReportCells{}
			for _, rc := range d.last {
				if rc.OrganKey != "" {
					lastBy[rc.OrganKey] = rc
				}
			}
			var out []leadRow
			for _, rc := range d.this {
				prev, ok := lastBy[rc.OrganKey]
				now, okNow := report.SumCells(rc.Cells, mustFigure("new_received").Num)
				before, okBefore := report.SumCells(prev.Cells, mustFigure("new_received").Num)
				if !ok || rc.OrganKey == "" || !okNow || !okBefore {
					continue
				}
				pct := ""
				if before > 0 {
					pct = fmt.Sprintf("%+.0f%%", (now-before)/before*100)
				}
				withheld := ""
				a, b := figureValue("withheld_rate", prev, d.MinRequests), figureValue("withheld_rate", rc, d.MinRequests)
				if a.OK && b.OK {
					withheld = fmt.Sprintf("%s → %s", a.Text(), b.Text())
				}
				out = append(out, row(rc.ReportInfo, before, now, now-before, pct, withheld, int(prev.ID)))
			}
			slices.SortStableFunc(out, func(a, b leadRow) int {
				return cmp.Or(cmp.Compare(math.Abs(b.Values[4].(float64)), math.Abs(a.Values[4].(float64))), cmp.Compare(a.Organ, b.Organ))
			})
			return out
		},
	},
	{
		Name: "figures", Question: "谁的数字对不上？", English: "Whose figures do not add up?",
		How: func(d *leadData) string {
			return fmt.Sprintf("%d 年度报告中不成立的表内勾稽关系（表三：新收＋结转＝办理＋结转下年、行合计、办理结果合计；表四合计）。数字按报告原样，不作更正。按不成立的项数排列。"+
				"Reports whose own tables contradict themselves (accounting identities that fail); figures as printed; most failures first.", d.Year)
		},
		cols:  columns(leadColumn{"failed_checks", "不成立的检查 failed checks", true}, leadColumn{"rules", "检查 rules", false}),
		brief: []string{"organ", "failed_checks"},
		build: func(d *leadData) []leadRow {
			rules := map[int64][]string{}
			var order []int64
			for _, c := range d.failed {
				if report.IsFinding(c.Rule) {
					continue
				}
				if rules[c.ReportID] == nil {
					order = append(order, c.ReportID)
				}
				rules[c.ReportID] = append(rules[c.ReportID], c.Rule)
			}
			var out []leadRow
			for _, id := range order {
				if ri, ok := d.byID[id]; ok {
					out = append(out, row(ri, len(rules[id]), strings.Join(rules[id], " ")))
				}
			}
			sortRows(out, 2, true)
			return out
		},
	},
	{
		Name: "copied", Question: "谁的文字照抄？", English: "Whose text is copied?",
		How: func(d *leadData) string {
			return fmt.Sprintf("%d 年度报告正文（不含标题、格式规定的模板文字、表格和数字）逐字出现在本机关上年报告、或其他机关同年报告中的比例，取较高者；达到 %s 为文字雷同（✗）。按比例排列。"+
				"The share of a report's own prose found word for word in the body's previous report or in another body's report of the year, the higher of the two; from %s it counts as copied.",
				d.Year, report.Percent(report.CopiedThreshold), report.Percent(report.CopiedThreshold))
		},
		cols: columns(leadColumn{"share", "相同比例 share", true}, leadColumn{"copied", "雷同 copied", false},
			leadColumn{"compared_with", "对照 compared with", false}, leadColumn{"other_report_id", "对照报告 other report", true}),
		brief: []string{"organ", "share", "copied", "compared_with"},
		build: func(d *leadData) []leadRow {
			type best struct {
				share float64
				other int64
				rule  string
			}
			top := map[int64]best{}
			var order []int64
			for _, c := range d.copied {
				if c.Share == nil {
					continue
				}
				b, seen := top[c.ReportID]
				if !seen {
					order = append(order, c.ReportID)
				}
				if !seen || *c.Share > b.share {
					top[c.ReportID] = best{*c.Share, c.OtherReportID, c.Rule}
				}
			}
			var out []leadRow
			for _, id := range order {
				ri, ok := d.byID[id]
				if !ok {
					continue
				}
				b := top[id]
				mark := ""
				if b.share >= report.CopiedThreshold {
					mark = "✗"
				}
				with := fmt.Sprintf("本机关 %d 年度报告 the body's %d report", ri.Year-1, ri.Year-1)
				if b.rule == store.RuleCopiedPeers {
					with = "其他机关同年报告 another body's report"
					if o, ok := d.byID[b.other]; ok {
						with = o.Organ + " " + strconv.Itoa(o.Year)
					}
				}
				out = append(out, row(ri, share(b.share), mark, with, int(b.other)))
			}
			slices.SortStableFunc(out, func(a, b leadRow) int {
				return cmp.Or(cmp.Compare(b.Values[2].(share), a.Values[2].(share)), cmp.Compare(a.Organ, b.Organ))
			})
			return out
		},
	},
}

func mustFigure(key string) report.Figure {
	f, ok := report.FigureByKey(key)
	if !ok {
		panic("web: no figure " + key)
	}
	return f
}

// sortRows orders rows by a numeric column (descending when desc), then by body.
func sortRows(rows []leadRow, col int, desc bool) {
	num := func(v any) float64 {
		switch x := v.(type) {
		case int:
			return float64(x)
		case float64:
			return x
		case rate:
			return float64(x)
		case share:
			return float64(x)
		}
		return math.Inf(-1)
	}
	slices.SortStableFunc(rows, func(a, b leadRow) int {
		c := cmp.Compare(num(a.Values[col]), num(b.Values[col]))
		if desc {
			c = -c
		}
		return cmp.Or(c, cmp.Compare(a.Organ, b.Organ))
	})
}

func leadByName(name string) (lead, bool) {
	for _, l := range leads {
		if l.Name == name {
			return l, true
		}
	}
	return lead{}, false
}

// leadYear reads the year and region of a lead request: the latest year the
// archive holds reports of, unless the request names one.
func (s *server) leadYear(r *http.Request) (int, string, error) {
	v := r.URL.Query()
	region := v.Get("region")
	if y := v.Get("year"); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil || n < 1 {
			return 0, region, fmt.Errorf("%w: year %q", errBadQuery, y)
		}
		return n, region, nil
	}
	o, err := s.archiveOverview(r.Context())
	if err != nil {
		return 0, region, err
	}
	for _, y := range o.Years {
		if y.Year > 0 {
			return y.Year, region, nil
		}
	}
	return 0, region, nil
}

type leadPage struct {
	page
	L     leadResult
	Table leadTable
	Years []int
	Leads []lead
}

// leadPage is /leads/{name}: the whole list, as a page, a CSV file or JSON.
func (s *server) leadPage(w http.ResponseWriter, r *http.Request) {
	name, f := splitFormat(r.PathValue("name"))
	l, ok := leadByName(name)
	if !ok {
		s.notFound(w, r, fmt.Sprintf("没有这个线索 No lead %q", name))
		return
	}
	year, region, err := s.leadYear(r)
	if err != nil {
		s.failQuery(w, r, err)
		return
	}
	d, err := s.leadData(r.Context(), year, region)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	res := d.result(l)
	if sendData(w, f, res, fmt.Sprintf("lead-%s-%d%s", l.Name, year, regionSuffix(region)), func() ([]string, [][]string) { return res.table() }) {
		return
	}
	o, err := s.archiveOverview(r.Context())
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	p := leadPage{page: page{Title: fmt.Sprintf("%s %d · 线索 Leads", l.Question, year)}, L: res, Table: res.view(false), Leads: leads}
	for _, y := range o.Years {
		if y.Year > 0 {
			p.Years = append(p.Years, y.Year)
		}
	}
	p.Downloads = []link{{"CSV", withFormat(r, ".csv")}, {"JSON", withFormat(r, ".json")}}
	s.render(w, r, http.StatusOK, "lead", p)
}

func regionSuffix(region string) string {
	if region == "" {
		return ""
	}
	return "-" + region
}

// leadTable is a lead's list laid out for a page: its header and its cells, each
// with the link it opens.
type leadTable struct {
	Header []leadCell
	Rows   [][]leadCell
}

type leadCell struct {
	Text  string
	URL   string
	Num   bool
	Bad   bool   // a finding that holds (✗)
	Place bool   // the region column, which a phone shows under the body instead
	Ref   bool   // the report column, which a phone leaves to the body's link
	Under string // the organ's region, shown under it on a phone
}

// view lays the lead out for a page: all its rows and columns, or (brief) the
// first rows with the start page's columns.
func (l leadResult) view(brief bool) leadTable {
	header, rows := l.table()
	// A list without any report (who did not publish) has no report column to show.
	anyReport := slices.ContainsFunc(l.Rows, func(r leadRow) bool { return r.ReportID != 0 })
	shown := func(j int) bool {
		if j == len(l.Columns) && !anyReport {
			return false
		}
		return !brief || j < len(l.Columns) && slices.Contains(l.brief, l.Columns[j].Key)
	}
	region := slices.IndexFunc(l.Columns, func(c leadColumn) bool { return c.Key == "region" })
	var t leadTable
	var cols []int
	for j, h := range header {
		if shown(j) {
			cols = append(cols, j)
			t.Header = append(t.Header, leadCell{Text: h, Num: j < len(l.Columns) && l.Columns[j].Num || j == len(l.Columns), Place: j == region, Ref: j == len(l.Columns)})
		}
	}
	for i, r := range l.Rows {
		if brief && i == homeLeadRows {
			break
		}
		var cells []leadCell
		for k, j := range cols {
			text := rows[i][j]
			c := leadCell{Text: text, Num: t.Header[k].Num, Bad: text == "✗", Place: j == region, Ref: j == len(l.Columns)}
			switch {
			case j < len(l.Columns) && l.Columns[j].Key == "organ":
				if region >= 0 && slices.Contains(cols, region) {
					c.Under = rows[i][region]
				}
				if r.ReportID != 0 {
					c.URL = reportURL(r.ReportID)
				} else if r.OrganKey != "" {
					c.URL = organURL(r.Organ)
				}
			case j == len(l.Columns) && text != "":
				c.URL = reportURL(r.ReportID)
			case j < len(l.Columns) && strings.HasSuffix(l.Columns[j].Key, "report_id") && text != "" && text != "0":
				c.URL = "/reports/" + text
			}
			cells = append(cells, c)
		}
		t.Rows = append(t.Rows, cells)
	}
	return t
}
