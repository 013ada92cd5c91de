package report

import "testing"

func TestLabelledDetail(t *testing.T) {
	for _, c := range []struct{ rule, detail, want string }{
		{"t3_balance:natural_person", "new_received 48 + carried_over 0 (= 48) ≠ total_handled 44 + carried_forward 5 (= 49)",
			"自然人：一、本年新收政府信息公开申请数量 48 + 二、上年结转政府信息公开申请数量 0 (= 48) ≠ （七）总计 44 + 四、结转下年度继续办理 5 (= 49)"},
		{"t3_row_total:granted", "granted 89 ≠ natural_person 31 + commercial 21 + research 3 + social_org 6 + legal_service 3 + other_org 24 (= 88)",
			"（一）予以公开：总计 89 ≠ 自然人 31 + 商业企业 21 + 科研机构 3 + 社会公益组织 6 + 法律服务机构 3 + 其他 24 (= 88)"},
		{"t3_outcomes:total", "total_handled 172 ≠ granted 89 + withheld_state_secret 1 + unable_not_held 27 (= 117)",
			"总计：（七）总计 172 ≠ （一）予以公开 89 + （三）不予公开 1.属于国家秘密 1 + （四）无法提供 1.本机关不掌握相关政府信息 27 (= 117)"},
		{"t4_sum:review", "review 1 ≠ upheld 0 + corrected 0 + other 0 + pending 0 (= 0)",
			"行政复议：总计 1 ≠ 结果维持 0 + 结果纠正 0 + 其他结果 0 + 尚未审结 0 (= 0)"},
		{"carry_chain:total", "carried_over 3 ≠ carried_forward 21 in the 2023 report (report 3)",
			"总计：二、上年结转政府信息公开申请数量 3 ≠ 四、结转下年度继续办理 21 in the 2023 report (report 3)"},
		{"in_force_chain:normative_docs", "in_force 70 ≠ in_force 68 in the 2023 report (report 4) + issued 1 − repealed 1 (= 68)",
			"行政规范性文件：现行有效件数 70 ≠ 现行有效件数 68 in the 2023 report (report 4) + 本年制发件数 1 − 本年废止件数 1 (= 68)"},
		{"timeliness", "published 2025-02-08, 8 days after the 2025-01-31 deadline for a department (2019 条例 第四十九条)",
			"published 2025-02-08, 8 days after the 2025-01-31 deadline for a department (2019 条例 第四十九条)"},
	} {
		if got := LabelledDetail(c.rule, c.detail); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.rule, got, c.want)
		}
	}
}

func TestCellLabel(t *testing.T) {
	for ref, want := range map[string]string{
		"table3.new_received.natural_person": "三、申请情况 · 一、本年新收政府信息公开申请数量 / 自然人",
		"table3.withheld_state_secret.total": "三、申请情况 · （三）不予公开 1.属于国家秘密 / 总计",
		"table4.suit_direct.corrected":       "四、复议诉讼 · 行政诉讼·未经复议直接起诉 / 结果纠正",
		"table2.normative_docs.in_force":     "二、主动公开 · 行政规范性文件 / 现行有效件数",
		"table2.procurement.amount":          "二、主动公开 · 政府集中采购 / 采购总金额",
		"table3.granted.total#2":             "三、申请情况 · （一）予以公开 / 总计（第 2 处 printed again）",
		"table9.x.y":                         "table9 · x / y",
		"not a reference":                    "not a reference",
	} {
		if got := CellLabel(ref); got != want {
			t.Errorf("%s: %s, want %s", ref, got, want)
		}
	}
}
