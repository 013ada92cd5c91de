package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// twoYears writes the 株洲 report for 2022 (published late, on 2023-03-02) and a
// 2021 report of the same office that carried 2 requests forward, which the 2022
// report does not carry over.
func twoYears(t *testing.T, dir string) {
	t.Helper()
	src, err := os.ReadFile(corpusFile(t, "zhuzhou-tianyuan-jinrongban-2022.txt"))
	if err != nil {
		t.Fatal(err)
	}
	title := "株洲市天元区金融办2022年政府信息公开工作年度报告\n"
	writeFile(t, dir, "2022.txt", strings.Replace(string(src), title, title+"发布日期：2023-03-02\n", 1))
	prev := strings.NewReplacer(
		"2022", "2021",
		"一、本年新收政府信息公开申请数量 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |", "一、本年新收政府信息公开申请数量 | 2 | 0 | 0 | 0 | 0 | 0 | 2 |",
		"四、结转下年度继续办理 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |", "四、结转下年度继续办理 | 2 | 0 | 0 | 0 | 0 | 0 | 2 |",
	).Replace(string(src))
	writeFile(t, dir, "2021.txt", prev)
}

func TestChecksListsFindings(t *testing.T) {
	dir := t.TempDir()
	in, data := filepath.Join(dir, "in"), filepath.Join(dir, "data")
	os.MkdirAll(in, 0o755)
	twoYears(t, in)
	if _, errs, status := gongkai(t, "ingest", "--data", data, in); status != exitOK {
		t.Fatalf("ingest: %s", errs)
	}
	out, errs, status := gongkai(t, "checks", "--data", data, "--failed")
	if status != exitOK || errs != "" {
		t.Fatalf("checks: %d %s", status, errs)
	}
	for _, want := range []string{
		"2      株洲市天元区金融办        2022  carry_chain:total                 ✗ 总计：二、上年结转政府信息公开申请数量 0 ≠ 四、结转下年度继续办理 2 in the 2021 report (report 1)",
		"2      株洲市天元区金融办        2022  timeliness                        ✗ published 2023-03-02, 30 days after the 2023-01-31 deadline for a department",
		"2      株洲市天元区金融办        2022  copied_text:previous              ✗ 98% of the body text appears word for word in the 2021 report (report 1), at or above the 80% threshold",
		"3 checks, 3 ✗",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("checks --failed lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "✓") {
		t.Errorf("--failed lists checks that hold:\n%s", out)
	}

	out, _, _ = gongkai(t, "checks", "--data", data, "--rule", "carry_chain", "--json")
	var c checkJSON
	if err := json.Unmarshal([]byte(out), &c); err != nil {
		t.Fatalf("%v: %q", err, out)
	}
	if c.ReportID != 2 || c.Scope != "archive" || c.OK || c.OtherReportID != 1 ||
		strings.Join(c.Cells, " ") != "table3.carried_over.total 1:table3.carried_forward.total" ||
		c.Detail != "carried_over 0 ≠ carried_forward 2 in the 2021 report (report 1)" ||
		c.DetailLabelled != "总计：二、上年结转政府信息公开申请数量 0 ≠ 四、结转下年度继续办理 2 in the 2021 report (report 1)" {
		t.Errorf("carry chain as JSON: %+v", c)
	}
	out, _, _ = gongkai(t, "checks", "--data", data, "--year", "2021", "--rule", "t3_balance:total")
	if !strings.Contains(out, "✓ 总计：一、本年新收政府信息公开申请数量 2 + 二、上年结转政府信息公开申请数量 0 (= 2) = （七）总计 0 + 四、结转下年度继续办理 2 (= 2)") || !strings.HasSuffix(out, "1 checks, 0 ✗\n") {
		t.Errorf("2021 balance:\n%s", out)
	}
}
