package report

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSplitOrgan(t *testing.T) {
	tests := []struct {
		organ, region, code, department string
	}{
		// The spec's example and the forms around it.
		{"株洲市天元区金融办", "株洲市天元区", "430211", "金融办"},
		{"湖南省株洲市天元区人民政府", "湖南省株洲市天元区", "430211", "人民政府"},
		{"株洲市天元区人民政府办公室", "株洲市天元区", "430211", "人民政府办公室"},
		{"天元区市场监督管理局", "天元区", "430211", "市场监督管理局"}, // one 天元区 in the table
		{"湖南株洲天元区人民政府", "湖南株洲天元区", "430211", "人民政府"},
		{"株洲天元区", "株洲天元区", "430211", ""},

		// Province and city bodies.
		{"湖南省教育厅", "湖南省", "430000", "教育厅"},
		{"株洲市人民政府", "株洲市", "430200", "人民政府"},
		{"北京市人民政府", "北京市", "110000", "人民政府"},
		{"广西南宁市人民政府", "广西南宁市", "450100", "人民政府"},
		{"内蒙古自治区呼和浩特市新城区人民政府", "内蒙古自治区呼和浩特市新城区", "150102", "人民政府"},

		// Words that look like places inside departments.
		{"北京市海淀区城市管理委员会", "北京市海淀区", "110108", "城市管理委员会"},
		{"株洲市市场监督管理局", "株洲市", "430200", "市场监督管理局"},
		{"株洲市天元区社区建设办公室", "株洲市天元区", "430211", "社区建设办公室"},
		{"株洲市天元区园区办", "株洲市天元区", "430211", "园区办"},
		{"株洲市天元区景区管理处", "株洲市天元区", "430211", "景区管理处"},
		{"株洲市市区道路管理处", "株洲市", "430200", "市区道路管理处"},
		{"株洲市天元区辖区治安办", "株洲市天元区", "430211", "辖区治安办"},
		{"株洲市天元区住房和城乡建设局", "株洲市天元区", "430211", "住房和城乡建设局"},
		{"株洲市天元区城乡规划局", "株洲市天元区", "430211", "城乡规划局"},
		{"株洲市天元区乡村振兴局", "株洲市天元区", "430211", "乡村振兴局"},
		{"株洲市天元区乡镇企业局", "株洲市天元区", "430211", "乡镇企业局"},
		{"株洲市天元区新型城镇化工作领导小组办公室", "株洲市天元区", "430211", "新型城镇化工作领导小组办公室"},
		{"株洲市天元区统筹城乡发展办公室", "株洲市天元区", "430211", "统筹城乡发展办公室"},
		{"株洲市天元区扶贫开发办公室", "株洲市天元区", "430211", "扶贫开发办公室"},
		{"城区管理局", "", "", "城区管理局"},
		{"阳泉市城区人民政府", "阳泉市城区", "140302", "人民政府"},

		// Townships: the region reaches them, with their NBS codes where the table
		// lists them under the county; one it does not list rolls up to the county.
		{"雄县米家务镇人民政府", "雄县米家务镇", "130638105", "人民政府"},
		{"河北省保定市雄县米家务镇人民政府", "河北省保定市雄县米家务镇", "130638105", "人民政府"},
		{"天元区嵩山路街道办事处", "天元区嵩山路街道", "430211001", "办事处"},
		{"北京市东城区东华门街道办事处", "北京市东城区东华门街道", "110101001", "办事处"},
		{"道县洪塘营瑶族乡人民政府", "道县洪塘营瑶族乡", "431124213", "人民政府"},
		{"锡林郭勒盟阿巴嘎旗那仁宝拉格苏木人民政府", "锡林郭勒盟阿巴嘎旗那仁宝拉格苏木", "152522200", "人民政府"},
		{"东莞市虎门镇人民政府", "东莞市虎门镇", "441900121", "人民政府"},
		{"雄县古城乡", "雄县古城乡", "130638", ""}, // not in the NBS table
		{"雄县米家务镇党委", "雄县米家务镇", "130638105", "党委"},
		{"清新区太和镇人民政府", "清新区太和镇", "441803102", "人民政府"}, // 和 is no department's here
		{"米家务镇人民政府", "", "", "米家务镇人民政府"},              // a township needs its county

		// Zones that GB/T 2260 lacks: they roll up to the area named before them.
		{"平潭综合实验区", "平潭综合实验区", "", ""},
		{"平潭综合实验区管委会", "平潭综合实验区", "", "管委会"},
		{"河北雄安新区管理委员会", "河北雄安新区", "", "管理委员会"},
		{"株洲高新区管委会", "株洲高新区", "", "管委会"},
		{"株洲市高新区管委会", "株洲市高新区", "430200", "管委会"},
		{"湘潭经济技术开发区管理委员会", "湘潭经济技术开发区", "", "管理委员会"},
		{"苏州工业园区管理委员会", "苏州工业园区", "320500", "管理委员会"}, // in the table under 苏州市, without a code
		{"江苏省苏州工业园区管委会", "江苏省苏州工业园区", "320500", "管委会"},
		{"中国（上海）自由贸易试验区管理委员会", "中国（上海）自由贸易试验区", "", "管理委员会"},
		{"株洲市天元区马家河街道", "株洲市天元区马家河街道", "430211004", ""},
		{"株洲高新区群丰镇人民政府", "株洲高新区群丰镇", "", "人民政府"},
		{"清华大学科技园区", "", "", "清华大学科技园区"},
		// 新区 that are in GB/T 2260 keep their code.
		{"上海市浦东新区人民政府", "上海市浦东新区", "310115", "人民政府"},
		{"天津市滨海新区", "天津市滨海新区", "120116", ""},

		// No region.
		{"国家统计局", "", "", "国家统计局"},
		{"金融办", "", "", "金融办"},
		{"湖南大学", "", "", "湖南大学"},
		{"中山大学", "", "", "中山大学"},
		{"株洲县人民政府", "", "", "株洲县人民政府"}, // abolished in 2018
		{"", "", "", ""},

		// White space.
		{" 株洲市 天元区\u3000金融办 ", "株洲市天元区", "430211", "金融办"},
		{"株洲市\t天元区\n人民政府\u200b", "株洲市天元区", "430211", "人民政府"},

		// Ambiguous names, and what settles them.
		{"鼓楼区人民政府", "鼓楼区", "", "人民政府"},
		{"南京市鼓楼区人民政府", "南京市鼓楼区", "320106", "人民政府"},
		{"福州市鼓楼区", "福州市鼓楼区", "350102", ""},
		{"江苏省鼓楼区", "江苏省鼓楼区", "", ""}, // 南京 and 徐州 both have one
		{"朝阳区人民政府", "朝阳区", "", "人民政府"},
		{"北京市朝阳区人民政府", "北京市朝阳区", "110105", "人民政府"},
		{"吉林省吉林市船营区", "吉林省吉林市船营区", "220204", ""},
		{"济南市中区人民政府", "济南市中区", "370103", "人民政府"},
		{"济南市市中区人民政府", "济南市市中区", "370103", "人民政府"},
		{"株洲市长沙县", "株洲市", "430200", "长沙县"}, // 长沙县 is not in 株洲市

		// Names outside the plain pattern.
		{"湘西州人民政府", "湘西州", "433100", "人民政府"},
		{"湘西土家族苗族自治州人民政府", "湘西土家族苗族自治州", "433100", "人民政府"},
		{"长阳县人民政府", "长阳县", "420528", "人民政府"},
		{"湖北省仙桃市人民政府", "湖北省仙桃市", "429004", "人民政府"},
		{"重庆市城口县", "重庆市城口县", "500229", ""},
		{"嘉峪关市人民政府", "嘉峪关市", "620200", "人民政府"},

		// Party committees written with the region's last character.
		{"株洲市委宣传部", "株洲市", "430200", "市委宣传部"},
		{"湖南省委组织部", "湖南省", "430000", "省委组织部"},
		{"天元区委办公室", "天元区", "430211", "区委办公室"},
		{"株洲市天元区委员会", "株洲市天元区", "430211", "委员会"},

		// Vertical bodies: the whole name is the department.
		{"国家税务总局株洲市天元区税务局", "株洲市天元区", "430211", "国家税务总局株洲市天元区税务局"},
		{"国家税务总局湖南省税务局", "湖南省", "430000", "国家税务总局湖南省税务局"},
		{"国家统计局株洲调查队", "株洲", "430200", "国家统计局株洲调查队"},
		{"中国人民银行长沙中心支行", "长沙", "430100", "中国人民银行长沙中心支行"},
		{"国家金融监督管理总局株洲监管分局", "株洲", "430200", "国家金融监督管理总局株洲监管分局"},
		{"中共株洲市天元区委员会", "株洲市天元区", "430211", "中共株洲市天元区委员会"},
		{"中共湖南省委组织部", "湖南省", "430000", "中共湖南省委组织部"},
		{"政协株洲市委员会", "株洲市", "430200", "政协株洲市委员会"},
		{"共青团株洲市委", "株洲市", "430200", "共青团株洲市委"},
		{"中共中央办公厅", "", "", "中共中央办公厅"},
		{"中华人民共和国长沙海关", "", "", "中华人民共和国长沙海关"},
	}
	if n := len(regions().full["天元区"]); n != 1 {
		t.Fatalf("%d areas named 天元区: its code is ambiguous", n)
	}
	for _, tc := range tests {
		region, code, dept := SplitOrgan(tc.organ)
		if region != tc.region || code != tc.code || dept != tc.department {
			t.Errorf("SplitOrgan(%q) = (%q, %q, %q), want (%q, %q, %q)",
				tc.organ, region, code, dept, tc.region, tc.code, tc.department)
		}
	}
}

// TestSplitOrganEveryDivision runs every coded division through SplitOrgan, by its
// full chain and by its name alone: the table and the matcher must agree on all of them.
func TestSplitOrganEveryDivision(t *testing.T) {
	tab := regions()
	for i, d := range tab.divs {
		if d.code == "" {
			continue
		}
		_, full, _ := RegionName(d.code)
		if r, c, dept := SplitOrgan(full + "人民政府"); r != full || c != d.code || dept != "人民政府" {
			t.Errorf("%s: got (%q, %q, %q)", full, r, c, dept)
		}
		if commonWord(d.name) {
			continue
		}
		want := ""
		if len(tab.full[d.name]) == 1 {
			want = d.code
		}
		if r, c, _ := SplitOrgan(d.name + "人民政府"); r != d.name || c != want {
			t.Errorf("%s (%d): got region %q code %q, want code %q", d.name, i, r, c, want)
		}
	}
}

func TestRegionName(t *testing.T) {
	tests := []struct {
		code, name, full string
		ok               bool
	}{
		{"430211", "天元区", "湖南省株洲市天元区", true},
		{"430200", "株洲市", "湖南省株洲市", true},
		{"430000", "湖南省", "湖南省", true},
		{"110108", "海淀区", "北京市海淀区", true}, // no 市辖区 in between
		{"429004", "仙桃市", "湖北省仙桃市", true},
		{"469001", "五指山市", "海南省五指山市", true},
		{"130638", "雄县", "河北省保定市雄县", true},
		{"441900", "东莞市", "广东省东莞市", true},
		{"110100", "", "", false}, // NBS's 市辖区, not a GB/T 2260 area
		{"320576", "", "", false}, // 苏州工业园区: an NBS-only code
		{"430299", "", "", false},
		{"4302", "", "", false},
		{"", "", "", false},
	}
	for _, tc := range tests {
		name, full, ok := RegionName(tc.code)
		if name != tc.name || full != tc.full || ok != tc.ok {
			t.Errorf("RegionName(%q) = (%q, %q, %v), want (%q, %q, %v)",
				tc.code, name, full, ok, tc.name, tc.full, tc.ok)
		}
	}
}

// TestRegionTable checks the embedded table's shape: GB/T 2260 codes whose levels
// match their parents.
func TestRegionTable(t *testing.T) {
	tab := regions()
	if n := len(tab.byCode); n < 3000 || n > 3500 {
		t.Errorf("%d coded divisions; GB/T 2260 has about 3,200", n)
	}
	sixDigits := regexp.MustCompile(`^\d{6}$`)
	type sibling struct {
		parent int
		name   string
	}
	seen := map[sibling]bool{}
	for i, d := range tab.divs {
		depth := tab.depth(i)
		if d.code == "" {
			if depth != 2 {
				t.Errorf("%s: uncoded division at depth %d", d.name, depth)
			}
			continue
		}
		if !sixDigits.MatchString(d.code) {
			t.Errorf("%s: code %q", d.name, d.code)
			continue
		}
		// The code's zeros give its level; a county may hang on its province when
		// NBS groups it under a placeholder city (北京市海淀区, 湖北省仙桃市).
		if (depth == 0) != (level(d.code) == 0) {
			t.Errorf("%s %s at depth %d", d.code, d.name, depth)
		}
		if depth > 0 {
			p := tab.divs[d.parent]
			if !strings.HasPrefix(d.code, strings.TrimRight(p.code, "0")) || level(d.code) <= level(p.code) {
				t.Errorf("%s %s under %s %s", d.code, d.name, p.code, p.name)
			}
		}
		key := sibling{d.parent, d.name}
		if seen[key] {
			t.Errorf("%s twice under the same parent", d.name)
		}
		seen[key] = true
	}
}

// level is 0 for a province's code (430000), 1 for a city's (430200), 2 for a county's.
func level(code string) int {
	switch {
	case strings.HasSuffix(code, "0000"):
		return 0
	case strings.HasSuffix(code, "00"):
		return 1
	}
	return 2
}

func TestShortForms(t *testing.T) {
	tests := []struct {
		name         string
		depth        int
		strong, bare string
	}{
		{"湖南省", 0, "", "湖南"},
		{"北京市", 0, "", "北京"},
		{"新疆维吾尔自治区", 0, "", "新疆"},
		{"内蒙古自治区", 0, "", "内蒙古"},
		{"株洲市", 1, "", "株洲"},
		{"大兴安岭地区", 1, "", "大兴安岭"},
		{"锡林郭勒盟", 1, "", "锡林郭勒"},
		{"恩施土家族苗族自治州", 1, "恩施州", "恩施"},
		{"克孜勒苏柯尔克孜自治州", 1, "克孜勒苏州", "克孜勒苏"},
		{"河南蒙古族自治县", 2, "河南县", ""},
		{"积石山保安族东乡族撒拉族自治县", 2, "积石山县", ""},
		{"鄂伦春自治旗", 2, "鄂伦春旗", ""},
		{"东乡族自治县", 2, "", ""}, // the people's name is the place's
		{"醴陵市", 2, "", ""},    // county-level names stay whole
		{"天元区", 2, "", ""},
	}
	for _, tc := range tests {
		strong, bare := shortForms(tc.name, tc.depth)
		if strong != tc.strong || bare != tc.bare {
			t.Errorf("shortForms(%q, %d) = (%q, %q), want (%q, %q)", tc.name, tc.depth, strong, bare, tc.strong, tc.bare)
		}
	}
}

func TestParseRegionsRejects(t *testing.T) {
	for _, tsv := range []string{
		"430000\t湖南省\n430200\t株洲市\n",           // two fields
		"430000\t湖南省\t\n430200\t株洲市\t439900\n", // unknown parent
		"430000\t湖南省\t\n430000\t湖南\t\n",        // code twice
		"430000\t\t\n", // no name
	} {
		if _, err := parseRegions(tsv); err == nil {
			t.Errorf("parseRegions(%q) succeeded", tsv)
		}
	}
}

func FuzzSplitOrgan(f *testing.F) {
	for _, s := range []string{
		"株洲市天元区金融办", "国家税务总局株洲市天元区税务局", "雄县米家务镇人民政府",
		"平潭综合实验区管委会", "株洲市委宣传部", "湖南株洲天元区", "中共湖南省委",
		"吉林吉林吉林", "株洲市场", "城区", "\xff株洲市", "鼓楼区", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, organ string) {
		region, code, dept := SplitOrgan(organ)
		s := normalizeOrgan(organ)
		switch {
		case dept == s:
			// No region, or a vertical body's region named inside it.
			if !strings.Contains(s, region) {
				t.Fatalf("region %q not in %q", region, s)
			}
		case region+dept == s:
		default:
			// The department shares the region's last character (株洲市 / 市委).
			last, n := utf8.DecodeLastRuneInString(region)
			first, _ := utf8.DecodeRuneInString(dept)
			if region == "" || first != last || region+dept[n:] != s {
				t.Fatalf("%q split into %q and %q", s, region, dept)
			}
		}
		if code != "" {
			if region == "" {
				t.Fatalf("%q: code %s without a region", s, code)
			}
			if _, _, ok := RegionName(code); !ok {
				t.Fatalf("%q: code %q is not in the table", s, code)
			}
		}
	})
}

var benchOrgans = []string{
	"株洲市天元区金融办",
	"湖南省株洲市天元区人民政府",
	"北京市海淀区城市管理委员会",
	"雄县米家务镇人民政府",
	"平潭综合实验区",
	"国家税务总局株洲市天元区税务局",
	"国家统计局",
	"南京市鼓楼区人民政府办公室",
}

func BenchmarkSplitOrgan(b *testing.B) {
	regions()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		SplitOrgan(benchOrgans[i%len(benchOrgans)])
	}
}

func TestTownships(t *testing.T) {
	for _, c := range []struct{ code, name, full, parent, level string }{
		{"430211101", "群丰镇", "湖南省株洲市天元区群丰镇", "430211", "township"},
		{"441900121", "虎门镇", "广东省东莞市虎门镇", "441900", "township"},
		{"430211", "天元区", "湖南省株洲市天元区", "430200", "county"},
		{"430200", "株洲市", "湖南省株洲市", "430000", "city"},
		{"430000", "湖南省", "湖南省", "", "province"},
		{"429004", "仙桃市", "湖北省仙桃市", "420000", "county"}, // a county-level city under its province
	} {
		name, full, ok := RegionName(c.code)
		if !ok || name != c.name || full != c.full || RegionParent(c.code) != c.parent || RegionLevel(c.code) != c.level {
			t.Errorf("%s: %q %q %v, parent %q, level %q; want %q %q, %q, %q", c.code, name, full, ok,
				RegionParent(c.code), RegionLevel(c.code), c.name, c.full, c.parent, c.level)
		}
	}
	if _, _, ok := RegionName("430211999"); ok {
		t.Error("RegionName knows a township code the table lacks")
	}
	if n := len(towns().name); n < 40000 {
		t.Errorf("%d townships in the table, want the NBS table's 41,000", n)
	}
}

func TestLookupRegion(t *testing.T) {
	for _, c := range []struct{ in, code string }{
		{"湖南省株洲市天元区", "430211"}, {"株洲市天元区", "430211"}, {"天元区", "430211"},
		{"河北省保定市雄县", "130638"}, {"雄县米家务镇", "130638105"}, {"430211", "430211"},
		{"430211101", "430211101"}, {" 湖南省 株洲市 ", "430200"},
		{"株洲市天园区", ""}, {"天元区财政局", ""}, {"鼓楼区", ""}, {"430299", ""}, {"", ""}, {"北京", ""},
	} {
		code, ok := LookupRegion(c.in)
		if code != c.code && !(c.code == "" && !ok) || ok != (c.code != "") {
			t.Errorf("LookupRegion(%q) = %q, %v; want %q", c.in, code, ok, c.code)
		}
	}
}

func TestSplitOrganIn(t *testing.T) {
	for _, c := range []struct{ organ, within, region, code, department string }{
		{"米家务镇", "130638", "米家务镇", "130638105", ""},
		{"米家务镇人民政府", "130638", "米家务镇", "130638105", "人民政府"},
		{"嵩山路街道", "430211", "嵩山路街道", "430211001", ""},
		{"太和镇", "441803", "太和镇", "441803102", ""},
		{"群丰镇", "430200", "群丰镇", "430211101", ""}, // a city's township: the county is found too
		{"鼓楼区人民政府", "350100", "鼓楼区", "350102", "人民政府"},
		{"财政局", "430211", "", "430211", "财政局"},
		{"平潭综合实验区管委会", "350128", "平潭综合实验区", "350128", "管委会"},
		{"株洲市天元区财政局", "130638", "株洲市天元区", "430211", "财政局"}, // its own text wins
		{"财政局", "999999", "", "", "财政局"},
		{"大学城管委会", "430211", "", "430211", "大学城管委会"},
	} {
		region, code, dept := SplitOrganIn(c.organ, c.within)
		if region != c.region || code != c.code || dept != c.department {
			t.Errorf("SplitOrganIn(%q, %s) = (%q, %q, %q), want (%q, %q, %q)", c.organ, c.within, region, code, dept, c.region, c.code, c.department)
		}
	}
}
