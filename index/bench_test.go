package index

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"gongkai/report"
)

// The search benchmark builds a bleve index and, as the baseline, a SQLite FTS5
// trigram table of the same generated reports, and times a fixed query mix with
// facets on both:
//
//	GONGKAI_SEARCH_BENCH=100000 go test ./index/ -run TestSearchBenchmark -v -timeout 3h
//
// GONGKAI_SEARCH_BENCH_DIR=DIR keeps the index and the database in DIR, and a later
// run with the same DIR times the queries without building again.
func TestSearchBenchmark(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("GONGKAI_SEARCH_BENCH"))
	if n <= 0 {
		t.Skip("set GONGKAI_SEARCH_BENCH to the number of reports (100000) to run the search benchmark")
	}
	dir := os.Getenv("GONGKAI_SEARCH_BENCH_DIR")
	if dir == "" {
		dir = t.TempDir()
	}
	c := newCorpus(t, n)
	ctx := context.Background()
	ixDir, dbPath := filepath.Join(dir, "index"), filepath.Join(dir, "fts.db")
	built := filepath.Join(dir, fmt.Sprintf("built-%d", n))
	if _, err := os.Stat(built); err != nil {
		os.RemoveAll(ixDir)
		os.Remove(dbPath)
		ix, err := Open(ixDir)
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		st, err := ix.Sync(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		if err := ix.Close(); err != nil {
			t.Fatal(err)
		}
		took := time.Since(start)
		fmt.Printf("bleve build: %d reports, %.1f MB of text in %s: %.0f reports/s, %.2f MB/s; index %.0f MB (%.1f× the text)\n",
			st.Added, float64(st.Bytes)/1e6, took.Round(time.Second), float64(st.Added)/took.Seconds(),
			float64(st.Bytes)/1e6/took.Seconds(), float64(dirSize(t, ixDir))/1e6, float64(dirSize(t, ixDir))/float64(st.Bytes))
		buildFTS(t, c, dbPath)
		if err := os.WriteFile(built, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	// What one gongkai search pays before its query: opening the index and
	// reading the facet columns of its snapshot.
	start := time.Now()
	ro, err := OpenReadOnly(ixDir)
	if err != nil {
		t.Fatal(err)
	}
	opened := time.Since(start)
	if _, err := ro.Search(ctx, Request{Query: "财政局"}); err != nil {
		t.Fatal(err)
	}
	fmt.Printf("cold search (财政局): open %s, open and first search %s\n", ms(opened), ms(time.Since(start)))
	ro.Close()

	ix, err := Open(ixDir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	start = time.Now()
	st, err := ix.Sync(ctx, c)
	if err != nil || st.Unchanged != n {
		t.Fatalf("sync of an index that is up to date: %+v %v", st, err)
	}
	fmt.Printf("sync with nothing to do: %s (reads the %d indexed stamps)\n", time.Since(start).Round(time.Millisecond), n)
	db, err := sql.Open("sqlite", dbPath+"?_pragma=cache_size(-262144)&_pragma=query_only(1)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	runMix(t, ix, db)
}

// ---- the generated corpus ----

type county struct{ code, name, full string }

// corpus generates n reports like the testsite's (length, wording, tables as the
// parser prints them), over every county of report's region table, 2016–2025.
// Report i is the same on every call.
type corpus struct {
	n        int
	counties []county
}

func newCorpus(t *testing.T, n int) *corpus {
	f, err := os.Open(filepath.Join("..", "report", "regions.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c := &corpus{n: n}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		code, _, _ := strings.Cut(sc.Text(), "\t")
		if len(code) != 6 || strings.HasSuffix(code, "00") {
			continue
		}
		if name, full, ok := report.RegionName(code); ok {
			c.counties = append(c.counties, county{code, name, full})
		}
	}
	if len(c.counties) < 1000 {
		t.Fatalf("%d counties in regions.tsv", len(c.counties))
	}
	return c
}

func (c *corpus) SearchStamps(context.Context) (map[int64]string, error) {
	out := make(map[int64]string, c.n)
	for i := range c.n {
		out[int64(i+1)] = "1"
	}
	return out, nil
}

func (c *corpus) SearchDocs(_ context.Context, ids []int64, fn func(Doc) error) error {
	for _, id := range ids {
		if err := fn(c.doc(id)); err != nil {
			return err
		}
	}
	return nil
}

var (
	benchDepartments = []string{"财政局", "教育局", "卫生健康局", "公安局", "民政局", "司法局", "人力资源和社会保障局", "自然资源局",
		"生态环境局", "住房和城乡建设局", "交通运输局", "水利局", "农业农村局", "商务局", "文化和旅游局", "应急管理局", "审计局",
		"市场监督管理局", "统计局", "医疗保障局", "信访局", "退役军人事务局", "发展和改革局", "工业和信息化局", "林业局",
		"城市管理综合执法局", "行政审批服务局", "人民政府办公室", "档案馆", "地方志编纂中心"}
	benchTownChars = []rune("东西南北中新安平和兴太大小长青红白金石山河湖桥水龙凤马牛杨柳松李王张刘陈黄周吴高林罗梁宋唐许韩冯邓曹彭曾")
	benchTopics    = []string{
		"全年共受理群众信访事项%d件，均已按期办结。",
		"因政府信息公开工作被申请行政复议%d件，被提起行政诉讼%d件。",
		"围绕征地拆迁、棚户区改造等群众关注的事项，主动公开相关信息%d条。",
		"及时公开疫情防控、复工复产相关政策文件%d件。",
		"持续优化营商环境，公开行政许可事项办理情况%d项。",
		"做好乡村振兴领域信息公开，发布惠民惠农补贴资金发放信息%d条。",
		"公开政府采购项目%d个，财政预决算信息按时公开。",
		"组织政务公开业务培训%d次，参训人员%d人次。",
		"开展政府开放日活动%d场，邀请人大代表、政协委员参与。",
		"加强政策解读，发布图文解读%d篇，视频解读%d个。",
		"依法办理人大代表建议%d件、政协提案%d件，办理结果全部公开。",
		"规范依申请公开答复文书，对不予公开的%d件申请均说明理由和依据。",
		"落实重大行政决策预公开制度，公开征求意见%d次。",
		"政务服务热线受理群众诉求%d件，办结率100%%。",
		"教育收费、医疗服务价格等民生信息%d条已在专栏公开。",
		"安全生产、食品药品监管等执法信息公示%d条。",
	}
	benchProblems = []string{
		"一是信息公开的及时性和规范性有待提高；二是政策解读形式较为单一。",
		"部分栏目更新不够及时，公开内容的完整性有待加强。",
		"工作人员业务能力有待提升，依申请公开答复的规范化水平还需提高。",
		"基层政务公开标准化规范化建设推进不够平衡。",
	}
	benchRules = []string{"timeliness", "copied_text:peers", "copied_text:previous", "carry_chain:total", "t3_balance:total", "t3_row_total:granted"}
)

func (c *corpus) doc(id int64) Doc {
	r := rand.New(rand.NewPCG(uint64(id), 0x9e3779b97f4a7c15))
	co := c.counties[r.IntN(len(c.counties))]
	place := co.full
	if r.IntN(2) == 0 {
		place = co.name
	}
	year := 2016 + r.IntN(10)
	var organ string
	switch k := r.IntN(20); {
	case k < 3:
		organ = place
	case k < 15:
		organ = place + benchDepartments[r.IntN(len(benchDepartments))]
	default:
		town := string([]rune{benchTownChars[r.IntN(len(benchTownChars))], benchTownChars[r.IntN(len(benchTownChars))]})
		organ = place + []string{town + "镇人民政府", town + "乡人民政府", town + "街道办事处"}[r.IntN(3)]
	}
	format := report.Format2021
	switch {
	case year <= 2018:
		format = report.FormatLegacy
	case year <= 2020 || r.IntN(10) == 0:
		format = report.Format2019
	}
	title := []string{organ + strconv.Itoa(year) + "年政府信息公开工作年度报告", strconv.Itoa(year) + "年" + organ + "政府信息公开工作年度报告",
		organ + strconv.Itoa(year) + "年度政府信息公开工作年度报告", organ + strconv.Itoa(year) + "年政府信息公开工作报告"}[r.IntN(4)]
	published := time.Date(year+1, time.Month(1+r.IntN(3)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC)
	d := Doc{ReportID: id, Stamp: "1", Title: title, Organ: organ, Year: year, Format: format, Published: published.Format(time.DateOnly)}
	d.Region, d.RegionCode, d.Department = report.SplitOrgan(organ)
	d.Text, d.Labels = benchText(r, d, published)
	if r.IntN(12) == 0 {
		d.Failed = []string{benchRules[r.IntN(len(benchRules))]}
	}
	return d
}

// benchText writes a report's text as the parser keeps it: paragraphs, and the
// tables as lines of cells separated by " | ".
func benchText(r *rand.Rand, d Doc, published time.Time) (string, []string) {
	var b strings.Builder
	p := func(format string, a ...any) { fmt.Fprintf(&b, format+"\n", a...) }
	n := func(scale int) int { return r.IntN(scale + 1) }
	p("%s", d.Title)
	p("发布日期：%s 信息来源：%s", published.Format("2006-01-02 15:04"), d.Organ)
	if r.IntN(20) == 0 {
		p("根据《中华人民共和国政府信息公开条例》规定，现将%s予以公布，详见附件。", d.Title)
		return b.String(), nil
	}
	period := fmt.Sprintf("本报告中所列数据的统计期限自%d年1月1日起至%d年12月31日止。", d.Year, d.Year)
	contact := "如对本报告有任何疑问，请与" + d.Organ + "办公室联系。"
	topics := func() {
		for range 1 + r.IntN(4) {
			t := benchTopics[r.IntN(len(benchTopics))]
			args := make([]any, strings.Count(t, "%d"))
			for i := range args {
				args[i] = n(300)
			}
			p(t, args...)
		}
	}
	var labels []string
	if d.Format == report.FormatLegacy {
		p("根据《中华人民共和国政府信息公开条例》（以下简称《条例》）要求，特向社会公布%s。本报告由概述、主动公开政府信息情况、依申请公开政府信息情况、政府信息公开的收费及减免情况、因政府信息公开申请行政复议和提起行政诉讼的情况、存在的主要问题及改进措施等部分组成。%s%s", d.Title, period, contact)
		p("一、概述")
		p("%d年，%s高度重视政府信息公开工作，健全工作机制，拓宽公开渠道。", d.Year, d.Organ)
		topics()
		p("二、主动公开政府信息情况")
		p("全年主动公开政府信息%d条，其中规范性文件%d条。", 50+n(900), n(12))
		p("三、依申请公开政府信息情况")
		p("全年共受理政府信息公开申请%d件，均已按期答复。", n(40))
		p("四、政府信息公开的收费及减免情况")
		p("本年度未收取任何费用。")
		p("五、因政府信息公开申请行政复议、提起行政诉讼的情况")
		p("本年度未发生因政府信息公开申请行政复议、提起行政诉讼的情况。")
		p("六、存在的主要问题及改进措施")
		p("%s下一步将进一步规范公开程序。", benchProblems[r.IntN(len(benchProblems))])
		p("附表：政府信息公开情况统计表")
		p("统计指标 | 单位 | 数量")
		for _, row := range []string{"主动公开政府信息数", "其中：主动公开规范性文件数", "收到政府信息公开申请数", "其中：当面申请数",
			"网络申请数", "对申请的答复总数", "被申请行政复议数", "被提起行政诉讼数", "依申请公开信息收取的费用"} {
			p("%s | 件 | %d", row, n(50))
			labels = append(labels, row)
		}
	} else {
		basis := "《中华人民共和国政府信息公开条例》（以下简称《条例》）和《国务院办公厅政府信息与政务公开办公室关于印发〈中华人民共和国政府信息公开工作年度报告格式〉的通知》（国办公开办函〔2021〕30号）"
		if d.Format == report.Format2019 {
			basis = "《中华人民共和国政府信息公开条例》（以下简称《条例》）和《国务院办公厅政府信息与政务公开办公室关于政府信息公开工作年度报告有关事项的通知》（国办公开办函〔2019〕60号）"
		}
		p("本报告依据%s要求编制。全文包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项。%s%s", basis, period, contact)
		p("一、总体情况")
		p("%d年，%s认真贯彻落实《条例》和上级政务公开工作部署，全年主动公开政府信息%d条，依法规范办理政府信息公开申请，持续提升政务公开工作质量。", d.Year, d.Organ, 40+n(700))
		p("（一）主动公开。通过门户网站政府信息公开专栏及时发布机构职能、政策文件、财政预决算等信息。（二）依申请公开。严格登记、审核、办理、答复、归档流程，均在法定期限内答复。（三）政府信息管理。落实信息发布“三审”制度。（四）平台建设。及时更新政府信息公开指南和目录。（五）监督保障。将政务公开纳入年度目标考核。")
		topics()
		p("二、主动公开政府信息情况")
		for _, row := range report.Table2RowsFor(d.Format) {
			cells := []string{row.Label}
			for range row.Fields {
				cells = append(cells, strconv.Itoa(n(30)))
			}
			p("%s", strings.Join(cells, " | "))
			labels = append(labels, row.Label)
		}
		p("三、收到和处理政府信息公开申请情况")
		p("申请人情况 | 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | 总计")
		for _, row := range report.Table3RowsFor(d.Format) {
			cells := []string{row.Label}
			for range 7 {
				cells = append(cells, []string{"0", "无", "", strconv.Itoa(n(9))}[r.IntN(4)])
			}
			p("%s", strings.Join(cells, " | "))
			labels = append(labels, row.Label)
		}
		p("四、政府信息公开行政复议、行政诉讼情况")
		p("行政复议 | 行政诉讼")
		p("结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 未经复议直接起诉 | 复议后起诉")
		cells := make([]string, 15)
		for i := range cells {
			cells[i] = strconv.Itoa(n(2))
		}
		p("%s", strings.Join(cells, " | "))
		for _, g := range report.Table4Groups {
			labels = append(labels, g.Label)
		}
		p("五、存在的主要问题及改进情况")
		p("%s下一步，将完善信息发布审核流程，丰富政策解读形式，加强业务培训。", benchProblems[r.IntN(len(benchProblems))])
		p("六、其他需要报告的事项")
		p("本年度未收取信息处理费。%d年度政务公开工作要点落实情况良好。", d.Year)
	}
	p("%s", d.Organ)
	p("%d年%d月%d日", published.Year(), int(published.Month()), published.Day())
	return b.String(), labels
}

// ---- the FTS5 baseline ----

func buildFTS(t *testing.T, c *corpus, path string) {
	db, err := sql.Open("sqlite", path+"?_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=cache_size(-262144)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.Exec(q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec(`CREATE TABLE docs (id INTEGER PRIMARY KEY, title TEXT, body TEXT, year INTEGER, region TEXT, region_code TEXT,
		organ TEXT, department TEXT, format TEXT, published TEXT, failed INTEGER)`)
	start := time.Now()
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	ins, err := tx.Prepare(`INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		t.Fatal(err)
	}
	var bytes int64
	for i := range c.n {
		d := c.doc(int64(i + 1))
		bytes += int64(len(d.Title) + len(d.Text))
		if _, err := ins.Exec(d.ReportID, d.Title, d.Text, d.Year, d.Region, d.RegionCode, d.Organ, d.Department, d.Format, d.Published, len(d.Failed) > 0); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	loaded := time.Since(start)
	start = time.Now()
	exec(`CREATE VIRTUAL TABLE docs_fts USING fts5(title, body, content='docs', content_rowid='id', tokenize='trigram')`)
	exec(`INSERT INTO docs_fts(docs_fts) VALUES ('rebuild')`)
	exec(`CREATE INDEX docs_year ON docs (year)`)
	took := time.Since(start)
	exec(`PRAGMA wal_checkpoint(TRUNCATE)`)
	var pages, pageSize int64
	db.QueryRow(`SELECT (SELECT page_count FROM pragma_page_count), (SELECT page_size FROM pragma_page_size)`).Scan(&pages, &pageSize)
	fmt.Printf("FTS5 trigram build: %.1f MB of text loaded in %s, indexed in %s: %.0f reports/s, %.2f MB/s; database %.0f MB with the text\n",
		float64(bytes)/1e6, loaded.Round(time.Second), took.Round(time.Second), float64(c.n)/took.Seconds(),
		float64(bytes)/1e6/took.Seconds(), float64(pages*pageSize)/1e6)
}

// ---- the query mix ----

// mixQuery is one query of the mix: as gongkai search takes it, and as SQL on
// the FTS5 table: match is an FTS5 MATCH expression (terms of three characters
// or more), like are words it cannot match (fewer than three characters: LIKE
// over title and body, a full scan), where filters the docs table d.
type mixQuery struct {
	name  string
	req   Request
	match string
	like  []string
	where string
}

var queryMix = []mixQuery{
	{name: "县 (1 char)", req: Request{Query: "县"}, like: []string{"县"}},
	{name: "复议 (2 chars)", req: Request{Query: "复议"}, like: []string{"复议"}},
	{name: "信访 (2 chars)", req: Request{Query: "信访"}, like: []string{"信访"}},
	{name: "雄县 (2 chars, place)", req: Request{Query: "雄县"}, like: []string{"雄县"}},
	{name: "解读 (2 chars)", req: Request{Query: "解读"}, like: []string{"解读"}},
	{name: "疫情 (2 chars)", req: Request{Query: "疫情"}, like: []string{"疫情"}},
	{name: "行政复议", req: Request{Query: "行政复议"}, match: `"行政复议"`},
	{name: "不予公开", req: Request{Query: "不予公开"}, match: `"不予公开"`},
	{name: "财政局", req: Request{Query: "财政局"}, match: `"财政局"`},
	{name: "教育局", req: Request{Query: "教育局"}, match: `"教育局"`},
	{name: "株洲市", req: Request{Query: "株洲市"}, match: `"株洲市"`},
	{name: "河北省保定市", req: Request{Query: "河北省保定市"}, match: `"河北省保定市"`},
	{name: "棚户区改造", req: Request{Query: "棚户区改造"}, match: `"棚户区改造"`},
	{name: `"信访举报投诉类申请"`, req: Request{Query: `"信访举报投诉类申请"`}, match: `"信访举报投诉类申请"`},
	{name: `"本机关不掌握相关政府信息"`, req: Request{Query: `"本机关不掌握相关政府信息"`}, match: `"本机关不掌握相关政府信息"`},
	{name: "2022年 (digits)", req: Request{Query: "2022年"}, match: `"2022年"`},
	{name: "行政复议 信访", req: Request{Query: "行政复议 信访"}, match: `"行政复议"`, like: []string{"信访"}},
	{name: "不予公开 -国家秘密", req: Request{Query: "不予公开 -国家秘密"}, match: `"不予公开" NOT "国家秘密"`},
	{name: "财政局 OR 教育局", req: Request{Query: "财政局 OR 教育局"}, match: `"财政局" OR "教育局"`},
	{name: "行政复议 --year 2021-2022", req: Request{Query: "行政复议", YearFrom: 2021, YearTo: 2022}, match: `"行政复议"`, where: "d.year BETWEEN 2021 AND 2022"},
	{name: "政府信息公开 --region 河北省", req: Request{Query: "政府信息公开", Region: "河北省"}, match: `"政府信息公开"`, where: "(d.region_code LIKE '13%' OR instr(d.region, '河北省') > 0)"}, // by its code or as printed
	{name: "财政局 --format 2019", req: Request{Query: "财政局", Format: "2019"}, match: `"财政局"`, where: "d.format = '2019'"},
	{name: "依申请公开 --failed-checks", req: Request{Query: "依申请公开", FailedChecks: true}, match: `"依申请公开"`, where: "d.failed"},
	{name: "政府采购 --year 2022 --sort date", req: Request{Query: "政府采购", YearFrom: 2022, YearTo: 2022, Sort: "date"}, match: `"政府采购"`, where: "d.year = 2022"},
	{name: "乡村振兴 --region 4301", req: Request{Query: "乡村振兴", Region: "4301"}, match: `"乡村振兴"`, where: "d.region_code LIKE '4301%'"},
}

const mixRuns = 10 // timed runs of each query, after one untimed

// A query is timed cold, each run evaluated from the index alone (the lists a
// search keeps for the snapshot dropped before it), and warm, as a server
// answers a search whose words and filters earlier searches used.
func runMix(t *testing.T, ix *Index, db *sql.DB) {
	ctx := context.Background()
	var cold, warm, fts, coldMulti, warmMulti, ftsMulti []time.Duration
	search := func(q mixQuery, forget bool) (uint64, time.Duration) {
		if forget {
			ix.mu.Lock()
			if ix.cols != nil {
				ix.cols.kept = newKeptLists(keptBytes)
			}
			ix.mu.Unlock()
		}
		start := time.Now()
		res, err := ix.Search(ctx, q.req)
		took := time.Since(start)
		if err != nil {
			t.Fatalf("%s: %v", q.name, err)
		}
		return res.Total, took
	}
	fmt.Println()
	fmt.Println("| query | bleve hits | cold p50 | cold p95 | warm p50 | warm p95 | FTS5 hits | FTS5 p50 | FTS5 p95 |")
	fmt.Println("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, q := range queryMix {
		total, _ := search(q, true)
		ftsTotal := ftsSearch(t, db, q)
		var c, w, f []time.Duration
		for range mixRuns {
			_, took := search(q, true)
			c = append(c, took)
		}
		for range mixRuns {
			_, took := search(q, false)
			w = append(w, took)
			start := time.Now()
			ftsSearch(t, db, q)
			f = append(f, time.Since(start))
		}
		fmt.Printf("| %s | %d | %s | %s | %s | %s | %d | %s | %s |\n", q.name, total, ms(pct(c, 50)), ms(pct(c, 95)),
			ms(pct(w, 50)), ms(pct(w, 95)), ftsTotal, ms(pct(f, 50)), ms(pct(f, 95)))
		cold, warm, fts = append(cold, c...), append(warm, w...), append(fts, f...)
		if !strings.Contains(q.name, " char") {
			coldMulti, warmMulti, ftsMulti = append(coldMulti, c...), append(warmMulti, w...), append(ftsMulti, f...)
		}
	}
	fmt.Println()
	fmt.Printf("mix of %d queries × %d runs: bleve cold p50 %s p95 %s, warm p50 %s p95 %s; FTS5 p50 %s p95 %s\n", len(queryMix), mixRuns,
		ms(pct(cold, 50)), ms(pct(cold, 95)), ms(pct(warm, 50)), ms(pct(warm, 95)), ms(pct(fts, 50)), ms(pct(fts, 95)))
	fmt.Printf("without the 1- and 2-character queries (which FTS5 answers by LIKE): bleve cold p50 %s p95 %s, warm p50 %s p95 %s; FTS5 p50 %s p95 %s\n",
		ms(pct(coldMulti, 50)), ms(pct(coldMulti, 95)), ms(pct(warmMulti, 50)), ms(pct(warmMulti, 95)), ms(pct(ftsMulti, 50)), ms(pct(ftsMulti, 95)))
}

// ftsSearch answers a query of the mix as the baseline: the first 20 matches by
// rank with their titles, the total and the four facets, from one materialised
// match set. (No snippets: bleve's side also reads each hit's text and marks it.)
func ftsSearch(t *testing.T, db *sql.DB, q mixQuery) uint64 {
	var conds []string
	var args []any
	from, rank := "docs d", "d.id"
	if q.match != "" {
		from, rank = "docs_fts f JOIN docs d ON d.id = f.rowid", "f.rank"
		conds = append(conds, "docs_fts MATCH ?")
		args = append(args, q.match)
	}
	for _, w := range q.like {
		conds = append(conds, "(d.title LIKE ? OR d.body LIKE ?)")
		args = append(args, "%"+w+"%", "%"+w+"%")
	}
	if q.where != "" {
		conds = append(conds, q.where)
	}
	order := "rank"
	if q.req.Sort == "date" {
		order = "published DESC"
	}
	query := `WITH m AS MATERIALIZED (SELECT d.id, d.year, d.region, d.department, d.format, d.published, ` + rank + ` AS rank
		FROM ` + from + ` WHERE ` + strings.Join(conds, " AND ") + `)
		SELECT 'hit', h.id, d.title FROM (SELECT id FROM m ORDER BY ` + order + ` LIMIT 20) h JOIN docs d ON d.id = h.id
		UNION ALL SELECT 'year', year, count(*) FROM m GROUP BY year
		UNION ALL SELECT 'region', region, count(*) FROM m GROUP BY region
		UNION ALL SELECT 'department', department, count(*) FROM m GROUP BY department
		UNION ALL SELECT 'format', format, count(*) FROM m GROUP BY format`
	rows, err := db.Query(query, args...)
	if err != nil {
		t.Fatalf("%s: %v", q.name, err)
	}
	defer rows.Close()
	var total uint64
	for rows.Next() {
		var kind string
		var value, count any
		if err := rows.Scan(&kind, &value, &count); err != nil {
			t.Fatal(err)
		}
		if n, ok := count.(int64); ok && kind == "format" {
			total += uint64(n)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return total
}

func pct(ds []time.Duration, p int) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, (len(s)*p+99)/100-1)]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

func dirSize(t *testing.T, dir string) int64 {
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err == nil {
			n += info.Size()
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}
