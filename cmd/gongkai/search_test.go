package main

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gongkai/index"
	"gongkai/report"
)

// storedReport is a report as the archive holds it, read without the index: what
// the search quality cases derive their expected results from.
type storedReport struct {
	id                                                        int64
	key                                                       string // organ/year, as keys of the testsite's Truth
	title, organ, region, regionCode, department, format, pub string
	text                                                      string
	year                                                      int
	failed, finding                                           bool // a failed check; a finding against it
}

// contains is the ground truth of a word: a substring of what the index searches
// for a word without a field (the title and the text).
func (r storedReport) contains(w string) bool {
	return strings.Contains(r.title+"\n"+r.text, w)
}

func storedReports(t *testing.T, data string) []storedReport {
	t.Helper()
	rows, err := openDB(t, data).Query(`SELECT r.id, coalesce(r.title, ''), coalesce(r.organ, ''), coalesce(r.region, ''),
		coalesce(r.region_code, ''), coalesce(r.department, ''), r.format, coalesce(r.published, ''),
		coalesce(json_extract(v.record_json, '$.text'), ''), coalesce(r.year, 0), r.n_failed_checks > 0, r.n_findings > 0
		FROM reports r JOIN versions v ON v.id = r.version_id ORDER BY r.id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []storedReport
	for rows.Next() {
		var r storedReport
		if err := rows.Scan(&r.id, &r.title, &r.organ, &r.region, &r.regionCode, &r.department, &r.format, &r.pub, &r.text, &r.year, &r.failed, &r.finding); err != nil {
			t.Fatal(err)
		}
		r.key = fmt.Sprintf("%s/%d", r.organ, r.year)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func searchJSON(t *testing.T, data string, args ...string) index.Result {
	t.Helper()
	out, errs, status := gongkai(t, append([]string{"search", "--data", data, "--json", "--limit", "500"}, args...)...)
	if status != exitOK || errs != "" {
		t.Fatalf("search %q: status %d, stderr %q", args, status, errs)
	}
	var res index.Result
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("search %q printed %q: %v", args, out, err)
	}
	return res
}

type qualityCase struct {
	args []string // flags and QUERY, as typed
	want func(storedReport) bool
	// must and mustNot name reports of the testsite's Truth (organ/year) that the
	// search must and must not return, whatever want says.
	must, mustNot []string
}

func has(words ...string) func(storedReport) bool {
	return func(r storedReport) bool {
		for _, w := range words {
			if !r.contains(w) {
				return false
			}
		}
		return true
	}
}

func and(fs ...func(storedReport) bool) func(storedReport) bool {
	return func(r storedReport) bool {
		for _, f := range fs {
			if !f(r) {
				return false
			}
		}
		return true
	}
}

func not(f func(storedReport) bool) func(storedReport) bool {
	return func(r storedReport) bool { return !f(r) }
}

func years(from, to int) func(storedReport) bool {
	return func(r storedReport) bool { return r.year >= from && r.year <= to }
}

// qualityCases are the labelled queries over the testsite's night-1 corpus.
var qualityCases = []qualityCase{
	// Place names.
	{[]string{"株洲市天元区"}, has("株洲市天元区"), []string{"株洲市天元区财政局/2022", "株洲市天元区教育局/2021"}, []string{"雄县财政局/2022", "榆社县教育科技局/2018"}},
	{[]string{"雄县"}, has("雄县"), []string{"雄县财政局/2022", "大营镇/2021"}, []string{"株洲市天元区财政局/2022", "榆社县教育科技局/2018"}},
	{[]string{"榆社"}, has("榆社"), []string{"榆社县教育科技局/2018", "山西省晋中市榆社县/2021"}, []string{"雄县/2020"}},
	{[]string{"清新区"}, has("清新区"), []string{"清新区财政局/2024"}, []string{"雄县财政局/2024"}},
	{[]string{"雷打石镇"}, has("雷打石镇"), []string{"雷打石镇/2021"}, []string{"群丰镇/2022"}},
	// Organ names.
	{[]string{"财政局"}, has("财政局"), []string{"雄县财政局/2023", "清新区财政局/2021"}, []string{"雄县卫生健康局/2023"}},
	{[]string{"教育局"}, has("教育局"), []string{"天元区教育局/2022"}, []string{"榆社县教育科技局/2017"}},
	{[]string{"卫生健康局"}, has("卫生健康局"), []string{"雄县卫生健康局/2022"}, []string{"雄县财政局/2022"}},
	// Two-character words.
	{[]string{"复议"}, has("复议"), []string{"榆社县教育科技局/2016"}, nil},
	{[]string{"信访"}, has("信访"), []string{"雄县财政局/2022"}, []string{"榆社县教育科技局/2016"}},
	{[]string{"诉讼"}, has("诉讼"), []string{"天元区/2016"}, nil},
	// Phrases.
	{[]string{`"不予公开"`}, has("不予公开"), []string{"雄县财政局/2022"}, []string{"株洲市天元区/2017"}},
	{[]string{`"三安全一稳定"`}, has("三安全一稳定"), []string{"群丰镇/2022"}, []string{"天元区/2016"}},
	{[]string{`“政府信息公开申请”`}, has("政府信息公开申请"), []string{"榆社县教育科技局/2018"}, nil},
	// Chinese with digits.
	{[]string{"2022年"}, has("2022年"), []string{"雄县财政局/2022", "天元区教育局/2022"}, []string{"雄县财政局/2020"}},
	{[]string{"2019年度"}, has("2019年度"), nil, []string{"雄县财政局/2022"}},
	{[]string{"12月31日"}, has("12月31日"), []string{"雄县财政局/2022"}, nil}, // 日 only in the bigram 日止
	{[]string{"国办公开办函〔2021〕30号"}, has("国办公开办函〔2021〕30号"), []string{"雄县财政局/2022"}, []string{"雄县财政局/2020"}},
	// One character, wherever it stands.
	{[]string{"县"}, has("县"), []string{"雄县财政局/2022", "榆社县教育科技局/2016"}, []string{"天元区财政局/2023"}},
	{[]string{"镇"}, has("镇"), []string{"大营镇/2021", "雷打石镇/2021"}, []string{"雄县财政局/2022"}},
	{[]string{"镇", "信访"}, has("镇", "信访"), []string{"大营镇/2021"}, []string{"雄县财政局/2022"}},
	// Filters.
	{[]string{"--year", "2021-2022", "复议"}, and(has("复议"), years(2021, 2022)), []string{"雄县财政局/2022", "株洲市天元区教育局/2021"},
		[]string{"雄县财政局/2023", "雄县财政局/2021"}}, // the 2021 report is in an attachment that holds no text
	{[]string{"复议", "--year", "2020"}, and(has("复议"), years(2020, 2020)), []string{"雄县财政局/2020"}, []string{"雄县财政局/2021"}},
	{[]string{"--region", "雄县", "公开"}, func(r storedReport) bool {
		return strings.Contains(r.region+" "+report.RegionFullName(r.regionCode), "雄县") && r.contains("公开")
	},
		[]string{"雄县财政局/2022"}, []string{"榆社县教育科技局/2018"}},
	{[]string{"--region", "4302"}, func(r storedReport) bool { return strings.HasPrefix(r.regionCode, "4302") },
		[]string{"株洲市天元区财政局/2022"}, []string{"雄县财政局/2022"}},
	{[]string{"--format", "2019"}, func(r storedReport) bool { return r.format == "2019" }, []string{"雄县财政局/2020"}, []string{"雄县财政局/2021"}},
	{[]string{"--failed-checks", "信访"}, func(r storedReport) bool { return r.failed && r.contains("信访") }, nil, []string{"榆社县教育科技局/2016"}},
	{[]string{"--findings", "信访"}, func(r storedReport) bool { return r.finding && r.contains("信访") }, nil, nil},
	{[]string{"--organ", "财政局", "--year", "2023"}, func(r storedReport) bool { return strings.Contains(r.organ, "财政局") && r.year == 2023 },
		[]string{"雄县财政局/2023", "天元区财政局/2023"}, []string{"雄县财政局/2022"}},
	{[]string{"region:4418", "诉讼"}, func(r storedReport) bool { return strings.HasPrefix(r.regionCode, "4418") && r.contains("诉讼") },
		[]string{"清远市清新区/2021"}, []string{"雄县/2020"}},
	{[]string{"year:2020-2021", "format:2019"}, func(r storedReport) bool { return r.year >= 2020 && r.year <= 2021 && r.format == "2019" },
		[]string{"雄县财政局/2020"}, []string{"雄县财政局/2021"}},
	{[]string{"department:教育局"}, func(r storedReport) bool { return r.department == "教育局" }, []string{"天元区教育局/2022"}, []string{"榆社县教育科技局/2018"}},
	// NOT, OR, grouping.
	{[]string{"雄县", "NOT", "财政局"}, and(has("雄县"), not(has("财政局"))), []string{"雄县卫生健康局/2022"}, []string{"雄县财政局/2022"}},
	{[]string{"信访", "-复议"}, and(has("信访"), not(has("复议"))), nil, []string{"雄县财政局/2022"}},
	{[]string{"雄县", "OR", "榆社"}, func(r storedReport) bool { return r.contains("雄县") || r.contains("榆社") },
		[]string{"雄县财政局/2022", "榆社县教育科技局/2018"}, []string{"天元区财政局/2023"}},
	{[]string{"(财政局", "OR", "教育局)", "-2022年"}, and(func(r storedReport) bool { return r.contains("财政局") || r.contains("教育局") }, not(has("2022年"))),
		[]string{"雄县财政局/2023"}, []string{"雄县财政局/2022", "天元区教育局/2022"}},
	// Nothing.
	{[]string{"复议纠错"}, has("复议纠错"), nil, []string{"雄县财政局/2022"}},
	{[]string{"榆社", "--format", "2021"}, func(r storedReport) bool { return r.contains("榆社") && r.format == "2021" }, nil, []string{"山西省晋中市榆社县/2021"}},
}

// TestSearchQuality crawls the simulated portals (the crawl brings the index up to
// date), then checks every labelled query against the archive's texts: exactly
// the reports whose text has the words, and the named reports in or out.
func TestSearchQuality(t *testing.T) {
	if testing.Short() {
		t.Skip("crawls the simulated portals")
	}
	site, run := startSite(t)
	cfg := crawlConfig(t, run, "")
	data := t.TempDir()
	runCrawlJSON(t, cfg, data)

	truth := map[string]bool{}
	for _, e := range site.Truth() {
		truth[fmt.Sprintf("%s/%d", e.Record.Organ, e.Record.Year)] = true
	}
	reports := storedReports(t, data)
	byKey := map[string]int64{}
	for _, r := range reports {
		byKey[r.key] = r.id
	}
	if len(qualityCases) < 30 {
		t.Errorf("%d labelled queries, want at least 30", len(qualityCases))
	}
	for _, c := range qualityCases {
		name := strings.Join(c.args, " ")
		var want []int64
		for _, r := range reports {
			if c.want(r) {
				want = append(want, r.id)
			}
		}
		res := searchJSON(t, data, c.args...)
		var got []int64
		for _, h := range res.Hits {
			got = append(got, h.ID)
		}
		slices.Sort(got)
		if !slices.Equal(got, want) || res.Total != uint64(len(want)) {
			t.Errorf("%s: %d reports %v (total %d), want %d %v", name, len(got), got, res.Total, len(want), want)
		}
		for _, k := range c.must {
			if !truth[k] {
				t.Errorf("%s: %s is not a report of the testsite", name, k)
			} else if !slices.Contains(got, byKey[k]) {
				t.Errorf("%s: %s (report %d) not found", name, k, byKey[k])
			}
		}
		for _, k := range c.mustNot {
			if !truth[k] {
				t.Errorf("%s: %s is not a report of the testsite", name, k)
			} else if slices.Contains(got, byKey[k]) {
				t.Errorf("%s: %s (report %d) found", name, k, byKey[k])
			}
		}
	}

	checkFacetsAndOrder(t, data, reports)

	// The next night corrects 财政局's 2023 report: the crawl stores a new version
	// and brings the index up to date with it.
	site.SetNight(2)
	runCrawlJSON(t, cfg, data)
	var corrected []int64
	for _, r := range storedReports(t, data) {
		if r.contains("更正") {
			corrected = append(corrected, r.id)
		}
	}
	res := searchJSON(t, data, "更正")
	if len(corrected) == 0 || len(res.Hits) != len(corrected) || res.Hits[0].ID != corrected[0] {
		t.Errorf("after night 2, 更正 finds %+v, want reports %v", res.Hits, corrected)
	}
}

// checkFacetsAndOrder checks the facets of a query against the archive's counts,
// and the order and paging of a search by date.
func checkFacetsAndOrder(t *testing.T, data string, reports []storedReport) {
	t.Helper()
	res := searchJSON(t, data, "信访")
	want := map[string]map[string]int{"year": {}, "region": {}, "department": {}, "format": {}}
	for _, r := range reports {
		if !r.contains("信访") {
			continue
		}
		region := r.region
		if _, full, ok := report.RegionName(r.regionCode); ok {
			region = full // the facet counts one region once, however titles spell it
		}
		for name, v := range map[string]string{"year": strconv.Itoa(r.year), "region": region, "department": r.department, "format": r.format} {
			if v != "" && v != "0" {
				want[name][v]++
			}
		}
	}
	for name, counts := range want {
		if len(counts) > 50 {
			continue // a facet lists its 50 most frequent values
		}
		if !maps.Equal(res.Facets[name], counts) {
			t.Errorf("信访: facet %s %v, want %v", name, res.Facets[name], counts)
		}
	}

	all := searchJSON(t, data, "--sort", "date", "公开")
	if !slices.IsSortedFunc(all.Hits, func(a, b index.Hit) int { return strings.Compare(b.Published, a.Published) }) {
		t.Error("--sort date: not newest first")
	}
	out, _, _ := gongkai(t, "search", "--data", data, "--json", "--sort", "date", "--limit", "5", "--page", "2", "公开")
	var page2 index.Result
	if err := json.Unmarshal([]byte(out), &page2); err != nil {
		t.Fatal(err)
	}
	if len(all.Hits) < 10 || len(page2.Hits) != 5 || page2.Hits[0].ID != all.Hits[5].ID || page2.Hits[4].ID != all.Hits[9].ID {
		t.Errorf("page 2 of 5: %+v, want reports 6 to 10 of %d", page2.Hits, len(all.Hits))
	}
}
