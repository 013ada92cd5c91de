// Package report is the project's shared vocabulary: the canonical record of an
// annual government information disclosure report (政府信息公开工作年度报告), the keys of
// its three statistical tables in both national formats, and the accounting checks.
// The keys are those of ../shared/spec/report-schema.md; tools outside the project read
// them, so they only ever grow.
package report

// Formats of the statistical part of a report.
const (
	Format2019   = "2019"   // 国办公开办函〔2019〕60号, used for 2019 and 2020 reports (and some 2021 ones)
	Format2021   = "2021"   // 国办公开办函〔2021〕30号, used from 2021 on
	FormatLegacy = "legacy" // free-form reports up to 2018
)

// Table names as used in cell references and in the store.
const (
	T2 = "table2"
	T3 = "table3"
	T4 = "table4"
)

// Key is a stable machine key with the label the official format prints for it.
type Key struct {
	Key   string
	Label string
}

// Table3Columns are the applicant columns (申请人情况) in the order the format prints them.
var Table3Columns = []Key{
	{"natural_person", "自然人"},
	{"commercial", "商业企业"},
	{"research", "科研机构"},
	{"social_org", "社会公益组织"},
	{"legal_service", "法律服务机构"},
	{"other_org", "其他"},
	{"total", "总计"},
}

// ColOrgSubtotal is the column some reports add for 法人或其他组织小计. It is kept
// because dropping it would shift every column after it, but no check uses it.
const ColOrgSubtotal = "org_subtotal"

// Table3Row is a row of table 3. Group says which outcome group the row belongs to,
// and Only names the format the row exists in ("" for both).
type Table3Row struct {
	Key
	Group string
	Only  string
}

// Outcome groups of table 3 (三、本年度办理结果).
const (
	GroupWithheld = "withheld"
	GroupUnable   = "unable"
	GroupRejected = "rejected"
	GroupOther    = "other"
)

// Table3Rows lists every row of table 3 in the official order; other_total stands
// after its 2021 sub-rows because in 2021 it is their sum.
var Table3Rows = []Table3Row{
	{Key{"new_received", "一、本年新收政府信息公开申请数量"}, "", ""},
	{Key{"carried_over", "二、上年结转政府信息公开申请数量"}, "", ""},
	{Key{"granted", "（一）予以公开"}, "", ""},
	{Key{"partially_granted", "（二）部分公开"}, "", ""},
	{Key{"withheld_state_secret", "1.属于国家秘密"}, GroupWithheld, ""},
	{Key{"withheld_law_prohibited", "2.其他法律行政法规禁止公开"}, GroupWithheld, ""},
	{Key{"withheld_three_safety", "3.危及“三安全一稳定”"}, GroupWithheld, ""},
	{Key{"withheld_third_party", "4.保护第三方合法权益"}, GroupWithheld, ""},
	{Key{"withheld_internal_affairs", "5.属于三类内部事务信息"}, GroupWithheld, ""},
	{Key{"withheld_process_info", "6.属于四类过程性信息"}, GroupWithheld, ""},
	{Key{"withheld_enforcement_file", "7.属于行政执法案卷"}, GroupWithheld, ""},
	{Key{"withheld_admin_query", "8.属于行政查询事项"}, GroupWithheld, ""},
	{Key{"unable_not_held", "1.本机关不掌握相关政府信息"}, GroupUnable, ""},
	{Key{"unable_need_creation", "2.没有现成信息需要另行制作"}, GroupUnable, ""},
	{Key{"unable_unclear", "3.补正后申请内容仍不明确"}, GroupUnable, ""},
	{Key{"rejected_petition", "1.信访举报投诉类申请"}, GroupRejected, ""},
	{Key{"rejected_duplicate", "2.重复申请"}, GroupRejected, ""},
	{Key{"rejected_publication", "3.要求提供公开出版物"}, GroupRejected, ""},
	{Key{"rejected_mass_repeat", "4.无正当理由大量反复申请"}, GroupRejected, ""},
	{Key{"rejected_confirmation", "5.要求行政机关确认或重新出具已获取信息"}, GroupRejected, ""},
	{Key{"other_overdue_correction", "1.申请人无正当理由逾期不补正"}, GroupOther, Format2021},
	{Key{"other_unpaid_fee", "2.申请人逾期未按收费通知要求缴纳费用"}, GroupOther, Format2021},
	{Key{"other_misc", "3.其他"}, GroupOther, Format2021},
	{Key{"other_total", "（六）其他处理"}, "", ""},
	{Key{"total_handled", "（七）总计"}, "", ""},
	{Key{"carried_forward", "四、结转下年度继续办理"}, "", ""},
}

// Table3RowsFor returns the rows a table of the given format prints, in printed order:
// in 2021 other_total is derived from its sub-rows, so it is not printed.
func Table3RowsFor(format string) []Table3Row {
	var rows []Table3Row
	for _, r := range Table3Rows {
		if r.Only != "" && r.Only != format {
			continue
		}
		if format == Format2021 && r.Key.Key == "other_total" {
			continue
		}
		rows = append(rows, r)
	}
	return rows
}

// Table4Groups are the three case groups of table 4 in printed order.
var Table4Groups = []Key{
	{"review", "行政复议"},
	{"suit_direct", "行政诉讼·未经复议直接起诉"},
	{"suit_after_review", "行政诉讼·复议后起诉"},
}

// Table4Columns are the results of each table 4 group in printed order.
var Table4Columns = []Key{
	{"upheld", "结果维持"},
	{"corrected", "结果纠正"},
	{"other", "其他结果"},
	{"pending", "尚未审结"},
	{"total", "总计"},
}

// Table2Row is a row of table 2 with the fields (columns) it prints.
type Table2Row struct {
	Key
	Section string // the 条例 article the sub-table reports on, e.g. 第二十条第（一）项
	Fields  []Key
}

var (
	fields2021Docs     = []Key{{"issued", "本年制发件数"}, {"repealed", "本年废止件数"}, {"in_force", "现行有效件数"}}
	fields2021Decision = []Key{{"decisions", "本年处理决定数量"}}
	fields2019Docs     = []Key{{"made", "本年新制作数量"}, {"published", "本年新公开数量"}, {"total_published", "对外公开总数量"}}
	fields2019Items    = []Key{{"previous", "上一年项目数量"}, {"change", "本年增/减"}, {"decisions", "处理决定数量"}}
)

// Table2Rows2021 is table 2 of the 2021 format.
var Table2Rows2021 = []Table2Row{
	{Key{"rules", "规章"}, "第二十条第（一）项", fields2021Docs},
	{Key{"normative_docs", "行政规范性文件"}, "第二十条第（一）项", fields2021Docs},
	{Key{"licensing", "行政许可"}, "第二十条第（五）项", fields2021Decision},
	{Key{"punishment", "行政处罚"}, "第二十条第（六）项", fields2021Decision},
	{Key{"coercion", "行政强制"}, "第二十条第（六）项", fields2021Decision},
	{Key{"fees", "行政事业性收费"}, "第二十条第（八）项", []Key{{"amount_wan", "本年收费金额（万元）"}}},
}

// Table2Rows2019 is table 2 of the 2019 format.
var Table2Rows2019 = []Table2Row{
	{Key{"rules", "规章"}, "第二十条第（一）项", fields2019Docs},
	{Key{"normative_docs", "规范性文件"}, "第二十条第（一）项", fields2019Docs},
	{Key{"licensing", "行政许可"}, "第二十条第（五）项", fields2019Items},
	{Key{"other_services", "其他对外管理服务事项"}, "第二十条第（五）项", fields2019Items},
	{Key{"punishment", "行政处罚"}, "第二十条第（六）项", fields2019Items},
	{Key{"coercion", "行政强制"}, "第二十条第（六）项", fields2019Items},
	{Key{"fees", "行政事业性收费"}, "第二十条第（八）项", fields2019Items[:2]},
	{Key{"procurement", "政府集中采购"}, "第二十条第（九）项", []Key{{"projects", "采购项目数量"}, {"amount", "采购总金额"}}},
}

// Table2RowsFor returns table 2's rows for a format (nil for legacy).
func Table2RowsFor(format string) []Table2Row {
	switch format {
	case Format2021:
		return Table2Rows2021
	case Format2019:
		return Table2Rows2019
	}
	return nil
}

// FieldAmountUnit is the extra table 2 field holding the unit of procurement.amount as written.
const FieldAmountUnit = "amount_unit"
