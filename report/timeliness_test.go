package report

import "testing"

func TestTimelinessByTheLawInForce(t *testing.T) {
	for _, c := range []struct {
		year                                       int
		published, organ, region, code, department string
		ok                                         bool
		detail                                     string
	}{
		// A department's 2017 report in February: late under the 2019 条例's 31
		// January, in time under the 2008 条例 that governs it.
		{2017, "2018-02-20", "株洲市天元区财政局", "株洲市天元区", "430211", "财政局", true,
			"published 2018-02-20, by the 2018-03-31 deadline for every body (2008 条例 第三十一条)"},
		{2018, "2019-04-02", "株洲市天元区财政局", "株洲市天元区", "430211", "财政局", false,
			"published 2019-04-02, 2 days after the 2019-03-31 deadline for every body (2008 条例 第三十一条)"},
		{2019, "2020-02-20", "株洲市天元区财政局", "株洲市天元区", "430211", "财政局", false,
			"published 2020-02-20, 20 days after the 2020-01-31 deadline for a department (2019 条例 第四十九条)"},
		{2022, "2023-03-20", "株洲市天元区人民政府", "株洲市天元区", "430211", "人民政府", true,
			"published 2023-03-20, by the 2023-03-31 deadline for a government (2019 条例 第四十九条)"},
		{2022, "2023-03-20", "株洲市天元区人民政府办公室", "株洲市天元区", "430211", "人民政府办公室", true,
			"published 2023-03-20, by the 2023-03-31 deadline for a government (2019 条例 第四十九条)"},
		{2016, "2017-04-01", "平潭综合实验区", "平潭综合实验区", "", "", false,
			"published 2017-04-01, 1 days after the 2017-03-31 deadline for every body (2008 条例 第三十一条)"},
		// A body of unknown kind: the 2008 条例 needs no kind, the 2019 条例 does.
		{2017, "2018-02-01", "某机关", "", "", "", true,
			"published 2018-02-01, by the 2018-03-31 deadline for every body (2008 条例 第三十一条)"},
	} {
		got, ok := Timeliness(c.year, c.published, c.organ, c.region, c.code, c.department)
		if !ok || got.Rule != RuleTimeliness || got.OK != c.ok || got.Detail != c.detail {
			t.Errorf("%d %s %s: %+v %v, want ok %v %q", c.year, c.organ, c.published, got, ok, c.ok, c.detail)
		}
	}
	for _, c := range []struct {
		year                              int
		published, organ, region, code, d string
	}{
		{2022, "2023-05-01", "某机关", "", "", ""},                   // the 2019 条例 tells kinds apart
		{2022, "2023-05-01", "雄县米家务镇", "雄县米家务镇", "130638105", ""}, // it sets no date for townships
		{2022, "", "株洲市天元区财政局", "株洲市天元区", "430211", "财政局"},        // no date
		{0, "2023-05-01", "株洲市天元区财政局", "株洲市天元区", "430211", "财政局"},
	} {
		if got, ok := Timeliness(c.year, c.published, c.organ, c.region, c.code, c.d); ok {
			t.Errorf("%d %s: a finding where no deadline applies: %+v", c.year, c.organ, got)
		}
	}
}
