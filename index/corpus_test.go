package index

import (
	"bufio"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"gongkai/report"
)

// The generated corpus of the search benchmark and of the results check
// (golden_test.go): reports as the parser keeps them, written with the words of
// real ones. Their prose is drawn sentence by sentence from the prose of real
// reports (testdata/prose.txt: the 总体情况 and other sections of the corpus's
// 株洲市天元区金融办 2022 and 平潭综合实验区 2016 reports, their names replaced by
// the generated organ's) and from sentences of the testsite's kind; their tables
// are the official tables with their labels as printed. Lengths follow real
// reports: 6–15 KB of text for most (the corpus's tabled 2022 report holds 7 KB,
// the 2016 one 15 KB), median 9 KB, a long tail to 30 KB, and one in twenty a
// stub that points to an attachment.

type county struct{ code, name, full string }

// corpus generates n reports over every county of report's region table,
// 2016–2025. Report i is the same on every call and in every run.
type corpus struct {
	n        int
	counties []county
	prose    []string
}

func newCorpus(t testing.TB, n int) *corpus {
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
	prose, err := os.ReadFile(filepath.Join("testdata", "prose.txt"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range strings.Split(string(prose), "\n") {
		if s = strings.TrimSpace(s); s != "" {
			c.prose = append(c.prose, s)
		}
	}
	if len(c.prose) < 50 {
		t.Fatalf("%d sentences in testdata/prose.txt", len(c.prose))
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
	// proseYears are the years the real sentences name: a report names its own.
	proseYears = regexp.MustCompile(`20(1[5-9]|2[0-3])`)
)

// textLength draws the length in bytes of a report's text: log-normal, median
// 9 KB, four in five between 6 and 15 KB, at most 30 KB.
func textLength(r *rand.Rand) int {
	return int(min(max(9000*math.Exp(0.38*r.NormFloat64()), 3000), 30000))
}

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
	d.Text, d.Labels = c.text(r, d, place, published)
	if r.IntN(12) == 0 {
		d.Failed = []string{benchRules[r.IntN(len(benchRules))]}
	}
	return d
}

// text writes a report's text as the parser keeps it: paragraphs, and the
// tables as lines of cells separated by " | ".
func (c *corpus) text(r *rand.Rand, d Doc, place string, published time.Time) (string, []string) {
	length := textLength(r)
	var b strings.Builder
	b.Grow(length + 1024)
	p := func(format string, a ...any) { fmt.Fprintf(&b, format+"\n", a...) }
	n := func(scale int) int { return r.IntN(scale + 1) }
	p("%s", d.Title)
	p("发布日期：%s 信息来源：%s", published.Format("2006-01-02 15:04"), d.Organ)
	if r.IntN(20) == 0 {
		p("根据《中华人民共和国政府信息公开条例》规定，现将%s予以公布，详见附件。", d.Title)
		return b.String(), nil
	}
	names := strings.NewReplacer("平潭综合实验区", place, "株洲市天元区", place, "中国平潭", place, "平潭", place,
		"区金融办", d.Organ, "金融办", "本机关", "我办", "我单位", "我区", "我"+string([]rune(place)[len([]rune(place))-1:]))
	year := strconv.Itoa(d.Year)
	sentence := func() string {
		if r.IntN(4) == 0 {
			t := benchTopics[r.IntN(len(benchTopics))]
			args := make([]any, strings.Count(t, "%d"))
			for i := range args {
				args[i] = n(300)
			}
			return fmt.Sprintf(t, args...)
		}
		return proseYears.ReplaceAllString(names.Replace(c.prose[r.IntN(len(c.prose))]), year)
	}
	// paragraph writes sentences until the text holds share of what is left
	// to write before the end (the tables and closing lines take about tail).
	paragraph := func(share float64, tail int) {
		want := b.Len() + int(share*float64(length-tail-b.Len()))
		var para strings.Builder
		for b.Len()+para.Len() < want || para.Len() == 0 {
			para.WriteString(sentence())
		}
		p("%s", para.String())
	}
	period := fmt.Sprintf("本报告中所列数据的统计期限自%d年1月1日起至%d年12月31日止。", d.Year, d.Year)
	contact := "如对本报告有任何疑问，请与" + d.Organ + "办公室联系。"
	var labels []string
	if d.Format == report.FormatLegacy {
		const tail = 900
		p("根据《中华人民共和国政府信息公开条例》（以下简称《条例》）要求，特向社会公布%s。本报告由概述、主动公开政府信息情况、依申请公开政府信息情况、政府信息公开的收费及减免情况、因政府信息公开申请行政复议和提起行政诉讼的情况、存在的主要问题及改进措施等部分组成。%s%s", d.Title, period, contact)
		p("一、概述")
		p("%d年，%s高度重视政府信息公开工作，健全工作机制，拓宽公开渠道。", d.Year, d.Organ)
		for _, head := range []string{"（一）组织机构方面", "（二）工作制度方面", "（三）队伍建设方面", "（四）重点领域信息公开情况"} {
			p("%s", head)
			paragraph(0.3, tail)
		}
		p("二、主动公开政府信息情况")
		p("全年主动公开政府信息%d条，其中规范性文件%d条。", 50+n(900), n(12))
		paragraph(0.4, tail)
		p("三、依申请公开政府信息情况")
		p("全年共受理政府信息公开申请%d件，均已按期答复。", n(40))
		p("四、政府信息公开的收费及减免情况")
		p("本年度未收取任何费用。")
		p("五、因政府信息公开申请行政复议、提起行政诉讼的情况")
		p("本年度未发生因政府信息公开申请行政复议、提起行政诉讼的情况。")
		p("六、存在的主要问题及改进措施")
		p("%s下一步将进一步规范公开程序。", benchProblems[r.IntN(len(benchProblems))])
		paragraph(1, tail)
		p("附表：政府信息公开情况统计表")
		p("统计指标 | 单位 | 数量")
		for _, row := range []string{"主动公开政府信息数", "其中：主动公开规范性文件数", "收到政府信息公开申请数", "其中：当面申请数",
			"网络申请数", "对申请的答复总数", "被申请行政复议数", "被提起行政诉讼数", "依申请公开信息收取的费用"} {
			p("%s | 件 | %d", row, n(50))
			labels = append(labels, row)
		}
	} else {
		const tail = 4500 // the three tables and the last sections
		basis := "《中华人民共和国政府信息公开条例》（以下简称《条例》）和《国务院办公厅政府信息与政务公开办公室关于印发〈中华人民共和国政府信息公开工作年度报告格式〉的通知》（国办公开办函〔2021〕30号）"
		if d.Format == report.Format2019 {
			basis = "《中华人民共和国政府信息公开条例》（以下简称《条例》）和《国务院办公厅政府信息与政务公开办公室关于政府信息公开工作年度报告有关事项的通知》（国办公开办函〔2019〕60号）"
		}
		p("本报告依据%s要求编制。全文包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项。%s%s", basis, period, contact)
		p("一、总体情况")
		p("%d年，%s认真贯彻落实《条例》和上级政务公开工作部署，全年主动公开政府信息%d条，依法规范办理政府信息公开申请，持续提升政务公开工作质量。", d.Year, d.Organ, 40+n(700))
		for i, head := range []string{"（一）主动公开", "（二）依申请公开", "（三）政府信息管理", "（四）平台建设", "（五）监督保障"} {
			p("%s", head)
			paragraph(1/float64(6-i), tail)
		}
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
		paragraph(1, 300)
		p("六、其他需要报告的事项")
		p("本年度未收取信息处理费。%d年度政务公开工作要点落实情况良好。", d.Year)
	}
	p("%s", d.Organ)
	p("%d年%d月%d日", published.Year(), int(published.Month()), published.Day())
	return b.String(), labels
}

// A generated corpus has the lengths of real reports.
func TestCorpusLengths(t *testing.T) {
	c := newCorpus(t, 2000)
	var lens []int
	var total int
	for i := range c.n {
		d := c.doc(int64(i + 1))
		lens = append(lens, len(d.Text))
		total += len(d.Text)
	}
	slices.Sort(lens)
	median, p10, p90 := lens[len(lens)/2], lens[len(lens)/10], lens[len(lens)*9/10]
	t.Logf("text length: p10 %d, median %d, p90 %d, mean %d bytes", p10, median, p90, total/len(lens))
	if median < 8000 || median > 11000 || p10 < 3000 || p90 > 17000 {
		t.Errorf("text length p10 %d, median %d, p90 %d bytes: not those of real reports", p10, median, p90)
	}
}
