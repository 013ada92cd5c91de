package store

import (
	"strings"
	"testing"

	"gongkai/report"
)

type findingRow struct {
	ok     bool
	detail string
	cells  string
	other  int64
	share  any
}

func findingOf(t *testing.T, s *DB, reportID int64, rule string) (findingRow, bool) {
	t.Helper()
	rows := queryRows(t, s.db, `SELECT ok, detail, cells, other_report_id, share FROM checks
		WHERE report_id = ? AND scope = 'archive' AND rule = ?`, reportID, rule)
	if len(rows) == 0 {
		return findingRow{}, false
	}
	r := rows[0]
	f := findingRow{ok: r["ok"] == int64(1), detail: str(r["detail"]), cells: str(r["cells"]), share: r["share"]}
	if id, ok := r["other_report_id"].(int64); ok {
		f.other = id
	}
	return f, true
}

// lastYear makes the same organ's report for the year before from a record.
func lastYear(t *testing.T, rec *report.Record) *report.Record {
	t.Helper()
	prev := clone(t, rec)
	prev.Year--
	prev.Title = strings.Replace(prev.Title, "2022年", "2021年", 1)
	prev.Published = "2022-01-25"
	return prev
}

func TestCarryChain(t *testing.T) {
	s := newStore(t)
	this := fixture(t, "xiling-education-2022") // 二、上年结转 total 3
	// This year's report is stored first: storing last year's then recomputes it.
	thisID := ingest(t, s, item(this, xilingURL, "2022"))[0].ReportID
	if _, ok := findingOf(t, s, thisID, RuleCarryChain); ok {
		t.Fatal("carry chain without last year's report")
	}
	prev := lastYear(t, this)
	setCell(t, prev, report.T3, "carried_forward", "total", 3)
	prevID := ingest(t, s, item(prev, "http://www.xiling.gov.cn/2021.html", "2021"))[0].ReportID
	f, ok := findingOf(t, s, thisID, RuleCarryChain)
	if !ok || !f.ok || f.other != prevID {
		t.Fatalf("carry chain 3 = 3: %+v (found %v)", f, ok)
	}
	wantDetail := "carried_over 3 = carried_forward 3 in the 2021 report (report 2)"
	if f.detail != wantDetail {
		t.Errorf("detail %q, want %q", f.detail, wantDetail)
	}
	if f.cells != `["table3.carried_over.total","2:table3.carried_forward.total"]` {
		t.Errorf("cells %s", f.cells)
	}

	// Last year's report is corrected to 5 carried forward: the chain breaks.
	setCell(t, prev, report.T3, "carried_forward", "total", 5)
	ingest(t, s, item(prev, "http://www.xiling.gov.cn/2021.html", "2021 corrected"))
	f, _ = findingOf(t, s, thisID, RuleCarryChain)
	if f.ok || f.detail != "carried_over 3 ≠ carried_forward 5 in the 2021 report (report 2)" {
		t.Errorf("broken chain: %+v", f)
	}
	failed := queryInt(t, s.db, `SELECT n_findings FROM reports WHERE id = ?`, thisID)
	if failed < 1 {
		t.Errorf("reports.n_findings = %d, want the broken chain counted", failed)
	}
}

func TestInForceChain(t *testing.T) {
	s := newStore(t)
	this := fixture(t, "xiling-education-2022") // 行政规范性文件: issued 3, repealed 1, in force 17
	prev := lastYear(t, this)
	setCell(t, prev, report.T2, "normative_docs", "in_force", 15)
	ids := ingest(t, s, item(prev, "u2021", "2021"), item(this, "u2022", "2022"))
	thisID := ids[1].ReportID
	f, ok := findingOf(t, s, thisID, RuleInForceChain+"normative_docs")
	if !ok || !f.ok {
		t.Fatalf("17 = 15 + 3 − 1: %+v (found %v)", f, ok)
	}
	if want := "in_force 17 = in_force 15 in the 2021 report (report 1) + issued 3 − repealed 1 (= 17)"; f.detail != want {
		t.Errorf("detail %q, want %q", f.detail, want)
	}
	if f, _ := findingOf(t, s, thisID, RuleInForceChain+"rules"); !f.ok {
		t.Errorf("rules 0 = 0 + 0 − 0: %+v", f)
	}

	setCell(t, prev, report.T2, "normative_docs", "in_force", 16)
	ingest(t, s, item(prev, "u2021", "2021 v2"))
	f, _ = findingOf(t, s, thisID, RuleInForceChain+"normative_docs")
	if f.ok || !strings.Contains(f.detail, "in_force 17 ≠ in_force 16") || !strings.Contains(f.detail, "(= 18)") {
		t.Errorf("17 ≠ 16 + 3 − 1: %+v", f)
	}
	// The 2019 format has no in-force count: no chain.
	township := fixture(t, "xiongxian-township-2019")
	township.Organ, township.Year = "雄县某乡人民政府", 2020
	prevTownship := clone(t, township)
	prevTownship.Year = 2019
	res := ingest(t, s, item(prevTownship, "t2019", "t2019"), item(township, "t2020", "t2020"))
	if _, ok := findingOf(t, s, res[1].ReportID, RuleInForceChain+"rules"); ok {
		t.Error("in-force chain computed for the 2019 format")
	}
	// The carry chain reads blank cells as 0 and says so.
	if f, ok := findingOf(t, s, res[1].ReportID, RuleCarryChain); !ok || !f.ok || !strings.HasPrefix(f.detail, "carried_over 0 (blank) = carried_forward 0 (blank)") {
		t.Errorf("carry chain over blank cells: %+v (found %v)", f, ok)
	}
}

func TestTimeliness(t *testing.T) {
	s := newStore(t)
	department := fixture(t, "xiling-education-2022") // 教育局, published 2023-01-28
	late := fixture(t, "zhuzhou-jinrongban-2022")     // 金融办, no date printed
	late.Published = "2023-03-02"
	government := fixture(t, "pingtan-2016-legacy") // organ = region, published 2017-01-18
	lateGovernment := clone(t, government)
	lateGovernment.Organ, lateGovernment.Region = "平潭县", "平潭县"
	lateGovernment.Published = "2017-04-05"
	cityGovernment := fixture(t, "xiling-education-2022")
	cityGovernment.Organ, cityGovernment.Department, cityGovernment.Published = "宜昌市西陵区人民政府", "人民政府", "2023-03-20"
	undated := fixture(t, "zhuzhou-jinrongban-2022")
	undated.Organ = "株洲市天元区财政局"

	res := ingest(t, s, item(department, "d", "d"), item(late, "l", "l"), item(government, "g", "g"),
		item(lateGovernment, "lg", "lg"), item(cityGovernment, "cg", "cg"), item(undated, "u", "u"))
	for i, want := range []struct {
		ok     bool
		detail string
	}{
		{true, "published 2023-01-28, by the 2023-01-31 deadline for a department (2019 条例 第四十九条)"},
		{false, "published 2023-03-02, 30 days after the 2023-01-31 deadline for a department (2019 条例 第四十九条)"},
		{true, "published 2017-01-18, by the 2017-03-31 deadline for every body (2008 条例 第三十一条)"},
		{false, "published 2017-04-05, 5 days after the 2017-03-31 deadline for every body (2008 条例 第三十一条)"},
		{true, "published 2023-03-20, by the 2023-03-31 deadline for a government (2019 条例 第四十九条)"},
	} {
		f, ok := findingOf(t, s, res[i].ReportID, RuleTimeliness)
		if !ok || f.ok != want.ok || f.detail != want.detail {
			t.Errorf("report %d: %+v (found %v), want %+v", i, f, ok, want)
		}
	}
	if _, ok := findingOf(t, s, res[5].ReportID, RuleTimeliness); ok {
		t.Error("timeliness judged for a report that states no publication date")
	}
}

func TestCopiedText(t *testing.T) {
	s := newStore(t)
	original := fixture(t, "xiling-education-2022")
	// Another department's report of the same year: the same prose with the name
	// and the figures changed (the copy a journalist looks for).
	copied := clone(t, original)
	copied.Organ, copied.Department, copied.Title = "宜昌市西陵区卫生健康局", "卫生健康局", "宜昌市西陵区卫生健康局2022年政府信息公开工作年度报告"
	copied.Text = strings.NewReplacer("教育局", "卫生健康局", "268", "97", "招生入学信息46条", "医疗服务信息21条").Replace(copied.Text)
	unrelated := fixture(t, "zhuzhou-jinrongban-2022")
	// The same organ's report of the year before, copied as a whole.
	previous := lastYear(t, original)

	res := ingest(t, s, item(original, "o", "o"), item(unrelated, "u", "u"), item(copied, "c", "c"), item(previous, "p", "p"))
	originalID, unrelatedID, copiedID, previousID := res[0].ReportID, res[1].ReportID, res[2].ReportID, res[3].ReportID

	f, ok := findingOf(t, s, originalID, RuleCopiedPeers)
	if !ok || f.ok || f.other != copiedID {
		t.Fatalf("original vs the copy: %+v (found %v)", f, ok)
	}
	if share := f.share.(float64); share < 0.6 {
		t.Errorf("share %v for a near-copy", share)
	}
	if !strings.Contains(f.detail, "宜昌市西陵区卫生健康局's 2022 report (report 3)") {
		t.Errorf("detail %q", f.detail)
	}
	// The copy found the original as well (it was stored after it).
	if f, _ := findingOf(t, s, copiedID, RuleCopiedPeers); f.ok || f.other != originalID {
		t.Errorf("copy vs the original: %+v", f)
	}
	// An unrelated report of the same year is not flagged.
	if f, ok := findingOf(t, s, unrelatedID, RuleCopiedPeers); !ok || !f.ok {
		t.Errorf("unrelated report: %+v (found %v)", f, ok)
	}
	// Last year's report of the same organ is not a peer but the previous report.
	f, ok = findingOf(t, s, originalID, RuleCopiedPrevious)
	if !ok || f.ok || f.other != previousID || f.share.(float64) < 0.95 {
		t.Errorf("copied from last year: %+v (found %v)", f, ok)
	}
	if want := "of the body text appears word for word in the 2021 report (report 4), at or above the 80% threshold"; !strings.Contains(f.detail, want) {
		t.Errorf("detail %q lacks %q", f.detail, want)
	}
}

// TestCopiedTextKeepsWhatABodyRewrote: a body that kept half of last year's
// paragraphs and rewrote the rest did not copy its report; the share says how
// much it kept.
func TestCopiedTextKeepsWhatABodyRewrote(t *testing.T) {
	s := newStore(t)
	this := fixture(t, "zhuzhou-jinrongban-2022")
	prev := lastYear(t, this)
	var lines []string
	prose := 0
	for _, line := range strings.Split(this.Text, "\n") {
		if len([]rune(line)) > 40 && !strings.Contains(line, "|") {
			prose++
			if prose%2 == 0 {
				// Rewritten: the same subject, other words.
				line = "这一年里围绕群众关切的事项，第" + strings.Repeat("新", prose%5+1) + "轮修订了工作制度，逐项明确办理时限和责任人员，并定期组织回头看，确保制度落到实处。"
			}
		}
		lines = append(lines, line)
	}
	prev.Text = strings.Join(lines, "\n")
	res := ingest(t, s, item(prev, "p", "p"), item(this, "t", "t"))
	f, ok := findingOf(t, s, res[1].ReportID, RuleCopiedPrevious)
	if !ok || !f.ok {
		t.Fatalf("half kept, half rewritten: %+v (found %v)", f, ok)
	}
	if share := f.share.(float64); share < 0.3 || share > 0.75 {
		t.Errorf("share %v for a report that kept about half of last year's prose", share)
	}
	if !strings.Contains(f.detail, "below the 80% threshold") {
		t.Errorf("detail %q", f.detail)
	}
}

func TestBodyTextDropsBoilerplate(t *testing.T) {
	text := strings.Join([]string{
		"宜昌市西陵区教育局2022年政府信息公开工作年度报告",
		"本报告依据《中华人民共和国政府信息公开条例》（以下简称《条例》）要求编制。本报告中所列数据的统计期限自2022年1月1日起至2022年12月31日止。",
		"一、总体情况",
		"（一）主动公开。全年通过区政府门户网站主动公开政府信息268条。",
		"行政规范性文件 | 3 | 1 | 17",
		"宜昌市西陵区教育局",
	}, "\n")
	if got, want := string(report.BodyText(text)), "全年通过区政府门户网站主动公开政府信息#条。"; got != want {
		t.Errorf("body %q, want %q", got, want)
	}
}

// TestRulesAreFindingsOrChecks: every rule the archive writes is counted as a
// finding, and none of a record's own checks is.
func TestRulesAreFindingsOrChecks(t *testing.T) {
	for _, rule := range []string{RuleCarryChain, RuleInForceChain + "rules", RuleInForceChain + "normative_docs", RuleTimeliness,
		RuleCopiedPrevious, RuleCopiedPeers, RuleSourcesDisagree} {
		if !report.IsFinding(rule) {
			t.Errorf("%s is not among report.FindingRules", rule)
		}
	}
	rec := fixture(t, "xiling-education-2022")
	for _, c := range report.ComputeChecks(rec) {
		if report.IsFinding(c.Rule) || !strings.HasPrefix(c.Rule, "t3_") && !strings.HasPrefix(c.Rule, "t4_") {
			t.Errorf("check %s: IsFinding %v, not under report.CheckRules %v", c.Rule, report.IsFinding(c.Rule), report.CheckRules)
		}
	}
}
