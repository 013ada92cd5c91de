package report

import (
	"regexp"
	"slices"
	"strings"
)

// keyWord is a key as a check's detail names it (new_received, natural_person).
var keyWord = regexp.MustCompile(`\b[a-z][a-z0-9]*(?:_[a-z0-9]+)*\b`)

// LabelledDetail is a check's or finding's detail for a reader: the keys it names
// written as the official format prints the rows and columns (一、本年新收政府信息
// 公开申请数量, 自然人), after the row or column the rule is about:
//
//	t3_balance:natural_person  new_received 48 + carried_over 0 (= 48) ≠ …
//	→ 自然人：一、本年新收政府信息公开申请数量 48 + 二、上年结转政府信息公开申请数量 0 (= 48) ≠ …
//
// A detail of any other rule is returned as it is.
func LabelledDetail(rule, detail string) string {
	base, about, _ := strings.Cut(rule, ":")
	var subject string
	labels := map[string]string{}
	switch base {
	case "t3_balance", "t3_outcomes", "carry_chain":
		subject = keyLabel(Table3Columns, about)
		addTable3Rows(labels)
	case "t3_row_total":
		subject = table3RowLabel(about)
		addKeys(labels, Table3Columns)
		labels[about] = "总计"
	case "t4_sum":
		subject = keyLabel(Table4Groups, about)
		addKeys(labels, Table4Columns)
		labels[about] = "总计"
	case "in_force_chain":
		for _, row := range Table2Rows2021 {
			if row.Key.Key == about {
				subject = row.Key.Label
				addKeys(labels, row.Fields)
			}
		}
	default:
		return detail
	}
	out := keyWord.ReplaceAllStringFunc(detail, func(w string) string {
		if l, ok := labels[w]; ok {
			return l
		}
		return w
	})
	if subject == "" {
		return out
	}
	return subject + "：" + out
}

func addKeys(labels map[string]string, keys []Key) {
	for _, k := range keys {
		labels[k.Key] = k.Label
	}
}

// addTable3Rows labels table 3's rows, a row of an outcome group after its
// group's heading (（三）不予公开 1.属于国家秘密): the numbers restart in each group.
func addTable3Rows(labels map[string]string) {
	for _, r := range Table3Rows {
		labels[r.Key.Key] = table3RowLabel(r.Key.Key)
	}
}

// GroupHeadings are the stub headings of table 3's outcome groups.
var GroupHeadings = map[string]string{
	GroupWithheld: "（三）不予公开",
	GroupUnable:   "（四）无法提供",
	GroupRejected: "（五）不予处理",
	GroupOther:    "（六）其他处理",
}

func table3RowLabel(key string) string {
	for _, r := range Table3Rows {
		if r.Key.Key == key {
			if h := GroupHeadings[r.Group]; h != "" {
				return h + " " + r.Key.Label
			}
			return r.Key.Label
		}
	}
	return key
}

func keyLabel(keys []Key, key string) string {
	for _, k := range keys {
		if k.Key == key {
			return k.Label
		}
	}
	return key
}

// tableNames name the tables as the format's sections do.
var tableNames = map[string]string{T2: "二、主动公开", T3: "三、申请情况", T4: "四、复议诉讼"}

// CellLabel names a cell reference (table.row.column, perhaps with #2 for a
// second printing) as the format prints it: 三、申请情况 · 一、本年新收政府信息公开
// 申请数量 / 自然人. A key the format does not know is left as it is.
func CellLabel(ref string) string {
	base, nth, _ := strings.Cut(ref, "#")
	parts := strings.SplitN(base, ".", 3)
	if len(parts) != 3 {
		return ref
	}
	table, row, col := parts[0], parts[1], parts[2]
	rowLabel, colLabel := row, col
	switch table {
	case T3:
		rowLabel, colLabel = table3RowLabel(row), keyLabel(append(slices.Clone(Table3Columns), Key{ColOrgSubtotal, "法人或其他组织小计"}), col)
	case T4:
		rowLabel, colLabel = keyLabel(Table4Groups, row), keyLabel(Table4Columns, col)
	case T2:
		// The 2021 format's label, unless only the 2019 format has the field.
		found := false
		for _, rows := range [][]Table2Row{Table2Rows2021, Table2Rows2019} {
			for _, r := range rows {
				if l := keyLabel(r.Fields, col); r.Key.Key == row && l != col && !found {
					rowLabel, colLabel, found = r.Key.Label, l, true
				}
			}
		}
	}
	label := tableNames[table] + " · " + rowLabel + " / " + colLabel
	if tableNames[table] == "" {
		label = table + " · " + rowLabel + " / " + colLabel
	}
	if nth != "" {
		label += "（第 " + nth + " 处 printed again）"
	}
	return label
}
