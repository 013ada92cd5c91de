package parse

import (
	"strings"
	"unicode/utf8"
)

// Row labels are recognised by cores: the words of the official label that no other
// row shares. A label matches a core when it contains it, or, for cores of four or
// more characters, when a stretch of it differs from the core by about one character
// (a typo or a truncation); shorter cores must appear as printed.

var table3Cores = map[string][]string{
	"new_received":              {"本年新收", "新收"},
	"carried_over":              {"上年结转"},
	"granted":                   {"予以公开"},
	"partially_granted":         {"部分公开"},
	"withheld_state_secret":     {"国家秘密"},
	"withheld_law_prohibited":   {"法律行政法规禁止", "禁止公开"},
	"withheld_three_safety":     {"三安全一稳定", "危及"},
	"withheld_third_party":      {"第三方合法权益", "第三方"},
	"withheld_internal_affairs": {"三类内部事务", "内部事务"},
	"withheld_process_info":     {"四类过程性信息", "过程性信息"},
	"withheld_enforcement_file": {"行政执法案卷", "执法案卷"},
	"withheld_admin_query":      {"行政查询事项", "行政查询"},
	"unable_not_held":           {"本机关不掌握", "不掌握"},
	"unable_need_creation":      {"另行制作", "没有现成信息"},
	"unable_unclear":            {"仍不明确", "不明确"},
	"rejected_petition":         {"信访举报投诉", "信访"},
	"rejected_duplicate":        {"重复申请"},
	"rejected_publication":      {"公开出版物", "出版物"},
	"rejected_mass_repeat":      {"大量反复申请", "大量反复"},
	"rejected_confirmation":     {"确认或重新出具", "重新出具"},
	"other_overdue_correction":  {"逾期不补正", "不补正"},
	"other_unpaid_fee":          {"按收费通知", "缴纳费用"},
	"other_misc":                {"其他"},
	"other_total":               {"其他处理"},
	"total_handled":             {"总计", "合计"},
	"carried_forward":           {"结转下年"},
}

var table2Cores = map[string][]string{
	"rules":          {"规章"},
	"normative_docs": {"规范性文件"},
	"licensing":      {"行政许可"},
	"other_services": {"其他对外管理服务事项", "对外管理服务"},
	"punishment":     {"行政处罚"},
	"coercion":       {"行政强制"},
	"fees":           {"行政事业性收费", "事业性收费"},
	"procurement":    {"政府集中采购", "集中采购"},
}

// matchScore rates how well a normalised label names a row: 0 for not at all, up to
// 1 for containing one of its cores, a little more for longer cores so that the most
// specific row wins (其他法律行政法规禁止公开 contains 其他 too).
func matchScore(label string, cores []string) float64 {
	if s := exactScore(label, cores); s > 0 {
		return s
	}
	return fuzzyScore(label, cores)
}

func exactScore(label string, cores []string) float64 {
	best := 0.0
	for _, core := range cores {
		if strings.Contains(label, core) {
			best = max(best, 1+float64(utf8.RuneCountInString(core))/100)
		}
	}
	return best
}

func fuzzyScore(label string, cores []string) float64 {
	best := 0.0
	for _, core := range cores {
		if utf8.RuneCountInString(core) >= 4 && sharesMost(label, core) {
			if s := fuzzyContains(label, core); s >= 0.75 {
				best = max(best, s)
			}
		}
	}
	return best
}

// bestMatch returns the key whose cores the label matches best, and the score. A
// label that contains some row's core exactly is not tested for near misses.
func bestMatch(label string, keys []string, cores map[string][]string) (int, float64) {
	best, bestScore := -1, 0.0
	for i, k := range keys {
		if s := exactScore(label, cores[k]); s > bestScore {
			best, bestScore = i, s
		}
	}
	if best >= 0 {
		return best, bestScore
	}
	for i, k := range keys {
		if s := fuzzyScore(label, cores[k]); s > bestScore {
			best, bestScore = i, s
		}
	}
	return best, bestScore
}

// sharesMost is the cheap test before fuzzyContains: the label must hold at least
// three quarters of the core's characters somewhere.
func sharesMost(label, core string) bool {
	n, have := 0, 0
	for _, r := range core {
		n++
		if strings.ContainsRune(label, r) {
			have++
		}
	}
	return have*4 >= n*3
}

// fuzzyContains returns the best share of the core's characters found in order in
// any stretch of the label about as long as the core.
func fuzzyContains(label, core string) float64 {
	l, c := []rune(label), []rune(core)
	if len(l) == 0 || len(c) == 0 || len(l) > 200 {
		return 0
	}
	w := len(c) + 1
	best := 0
	prev := make([]int, len(c)+1)
	cur := make([]int, len(c)+1)
	for start := 0; start < len(l); start++ {
		end := min(start+w, len(l))
		if end-start < len(c)-1 {
			break
		}
		clear(prev)
		for i := start; i < end; i++ {
			for j := 1; j <= len(c); j++ {
				switch {
				case l[i] == c[j-1]:
					cur[j] = prev[j-1] + 1
				case prev[j] >= cur[j-1]:
					cur[j] = prev[j]
				default:
					cur[j] = cur[j-1]
				}
			}
			prev, cur = cur, prev
		}
		best = max(best, prev[len(c)])
	}
	return float64(best) / float64(len(c))
}
