package report

import (
	"regexp"
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
