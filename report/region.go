package report

import (
	_ "embed"
	"fmt"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// regionsTSV is the GB/T 2260 table: code, name, parent code; townsTSV the
// townships and streets of each county, with their NBS codes. Both are rebuilt by
// ./internal/gendivisions, whose doc comment says where the data comes from.
//
//go:embed regions.tsv
var regionsTSV string

//go:embed towns.tsv
var townsTSV string

// SplitOrgan splits an issuing body's name into its region (the administrative-area
// prefix, as written), the region's GB/T 2260 code when the name identifies one area
// unambiguously, and the department (the rest). Parts that cannot be found are "".
//
// White space and zero-width characters are removed first; "as written" means after
// that. The region is a chain of province, city and county names, each inside the one
// before (湖南省株洲市天元区). A province or city name without its 省/市 counts only
// when more of the chain follows (株洲天元区, but not 湖南大学), and the district
// names that are everyday words (城区, 郊区, 矿区, 东区, 西区) only after their city.
// The chain may go on with a zone that GB/T 2260 lacks (平潭综合实验区, 株洲高新区)
// and then a township (雄县米家务镇, …街道, …苏木). A township the NBS table lists
// under the area before it gets its 9-digit NBS code (雄县米家务镇: 130638104); a
// zone, or a township the table does not list there, gets the code of the area it
// lies in (株洲高新区: 430200), and a zone standing alone gets none. A county name
// shared by several areas (鼓楼区) has no code unless the chain narrows it to one.
//
// When the department begins with a word written with the region's last character
// (株洲市委宣传部, 株洲市场监督管理局), it keeps that character: 市委宣传部,
// 市场监督管理局.
//
// Vertical bodies, whose names start with a national body or with 中共, 政协 or 共青团
// and only then name a region (国家税务总局株洲市天元区税务局, 中共株洲市委), get the
// region named inside and the whole name as department, because the bare rest
// (税务局) would read as a local government's own department, which it is not. There
// a province or city name without its 省/市 may end the region (国家统计局株洲调查队).
func SplitOrgan(organ string) (region, code, department string) {
	s := normalizeOrgan(organ)
	t := regions()
	if start, end, c, ok := t.vertical(s); ok {
		return s[start:end], c, s
	}
	end, c := t.region(s, 0, false)
	region, department = s[:end], s[end:]
	if shared(region, department) {
		r, _ := utf8.DecodeLastRuneInString(region)
		department = string(r) + department
	}
	return region, c, department
}

// RegionName returns the official name for a GB/T 2260 code ("430211" → "天元区")
// or a township's NBS code ("430211101" → "群丰镇"), and its full chain
// ("湖南省株洲市天元区", "湖南省株洲市天元区群丰镇").
func RegionName(code string) (name, full string, ok bool) {
	t := regions()
	if len(code) == 9 {
		name, ok = towns().name[code]
		if !ok {
			return "", "", false
		}
		_, full, ok = RegionName(code[:6])
		return name, full + name, ok
	}
	i, ok := t.byCode[code]
	if !ok {
		return "", "", false
	}
	name = t.divs[i].name
	full = name
	for p := t.divs[i].parent; p >= 0; p = t.divs[p].parent {
		full = t.divs[p].name + full
	}
	return name, full, true
}

// RegionParent returns the code of the area a region lies in: a township's county,
// a county's city (or province), a city's province; "" for a province or an
// unknown code.
func RegionParent(code string) string {
	if len(code) == 9 {
		return code[:6]
	}
	t := regions()
	if i, ok := t.byCode[code]; ok {
		for p := t.divs[i].parent; p >= 0; p = t.divs[p].parent {
			if t.divs[p].code != "" {
				return t.divs[p].code
			}
		}
	}
	return ""
}

// RegionLevel says what a region is: "province", "city", "county" or "township";
// "" for an unknown code.
func RegionLevel(code string) string {
	if len(code) == 9 {
		if _, ok := towns().name[code]; ok {
			return "township"
		}
		return ""
	}
	if _, ok := regions().byCode[code]; !ok {
		return ""
	}
	switch {
	case strings.HasSuffix(code, "0000"):
		return "province"
	case strings.HasSuffix(code, "00"):
		return "city" // also a city without counties (东莞市)
	}
	return "county"
}

// LookupRegion returns the code of the place a name or code denotes as a whole:
// a GB/T 2260 or NBS township code that exists, or a name that SplitOrgan reads
// entirely as one region with a code (湖南省株洲市天元区, 雄县米家务镇). ok is false
// for anything else, such as a misspelt name (株洲市天园区).
func LookupRegion(s string) (code string, ok bool) {
	s = normalizeOrgan(s)
	if s != "" && strings.Trim(s, "0123456789") == "" {
		_, _, ok = RegionName(s)
		return s, ok
	}
	region, code, department := SplitOrgan(s)
	if region == s && department == "" && code != "" {
		return code, true
	}
	return "", false
}

// townTable indexes the townships by code and by name.
type townTable struct {
	name     map[string]string   // code → name
	byName   map[string][]string // name → codes, ascending
	byCounty map[string][]string // county code → its townships' codes
}

// towns parses the embedded table on first use. It is read by every process that
// parses a report (a one-off cost of each gongkai parse), so the maps are sized
// from the start and the 9-digit codes are cut out of one string built for them.
var towns = sync.OnceValue(func() *townTable {
	entries := strings.Count(townsTSV, " ") + strings.Count(townsTSV, "\n")
	tt := &townTable{name: make(map[string]string, entries), byName: make(map[string][]string, entries), byCounty: make(map[string][]string, 4096)}
	var codes strings.Builder
	codes.Grow(entries * 9)
	at := make([]int, 0, entries) // where each entry's code starts in codes
	names := make([]string, 0, entries)
	var counties []string
	var countyOf []int
	for n, line := range strings.Split(townsTSV, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		county, list, ok := strings.Cut(line, "\t")
		if !ok || len(county) != 6 {
			panic(fmt.Sprintf("report: towns.tsv line %d: %q", n+1, line))
		}
		counties = append(counties, county)
		for list != "" {
			e, rest, _ := strings.Cut(list, " ")
			list = rest
			if len(e) <= 3 {
				panic(fmt.Sprintf("report: towns.tsv line %d: entry %q", n+1, e))
			}
			at = append(at, codes.Len())
			codes.WriteString(county)
			codes.WriteString(e[:3])
			names = append(names, e[3:])
			countyOf = append(countyOf, len(counties)-1)
		}
	}
	all := codes.String()
	for i, name := range names {
		code, county := all[at[i]:at[i]+9], counties[countyOf[i]]
		tt.name[code] = name
		tt.byName[name] = append(tt.byName[name], code)
		tt.byCounty[county] = append(tt.byCounty[county], code)
	}
	return tt
})

// town returns the NBS code of the township of this name that lies in the area of
// code (a county, city or province), or "" when there is none or more than one.
func (t *regionTable) town(code, name string) string {
	if code == "" {
		return ""
	}
	prefix := RegionPrefix(code)
	found := ""
	for _, c := range towns().byName[name] {
		if strings.HasPrefix(c, prefix) {
			if found != "" {
				return ""
			}
			found = c
		}
	}
	return found
}

// townAt finds a township of the county of code that the NBS table lists, written
// at s[i:] (the longest such name): its end and code, or i and "". It finds names
// the shape of a township's name does not tell (太和镇: 和 is also a department's).
func (t *regionTable) townAt(code, s string, i int) (int, string) {
	end, found := i, ""
	tt := towns()
	for _, c := range tt.byCounty[code] {
		if name := tt.name[c]; i+len(name) > end && strings.HasPrefix(s[i:], name) {
			end, found = i+len(name), c
		}
	}
	return end, found
}

// codeOf is a division's code, or, for a zone the table lists without one, the
// code of the area it lies in.
func (t *regionTable) codeOf(i int) string {
	for ; i >= 0; i = t.divs[i].parent {
		if t.divs[i].code != "" {
			return t.divs[i].code
		}
	}
	return ""
}

// division is one row of the table.
type division struct {
	code, name string
	parent     int // index of the enclosing division; -1 for a province
}

// regionTable indexes the divisions by code and by the names an organ may use.
type regionTable struct {
	divs   []division
	byCode map[string]int
	// full holds official names and the usual short forms of autonomous areas
	// (湘西州, 长阳县): each is a region by itself.
	full map[string][]int
	// bare holds province and city names without their suffix (湖南, 株洲, 湘西):
	// common in front of another name, but also the start of many other words.
	bare   map[string][]int
	maxLen int // longest key of full or bare, in bytes
}

var (
	regionOnce  sync.Once
	regionTab   *regionTable
	regionError error
)

// regions parses the embedded table on first use.
func regions() *regionTable {
	regionOnce.Do(func() { regionTab, regionError = parseRegions(regionsTSV) })
	if regionError != nil {
		// The table is embedded, so this is a build defect, not bad input.
		panic(regionError)
	}
	return regionTab
}

func parseRegions(tsv string) (*regionTable, error) {
	t := &regionTable{byCode: map[string]int{}, full: map[string][]int{}, bare: map[string][]int{}}
	var parents []string
	for n, line := range strings.Split(tsv, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 3 || f[1] == "" {
			return nil, fmt.Errorf("report: regions.tsv line %d: %q", n+1, line)
		}
		if f[0] != "" {
			if _, dup := t.byCode[f[0]]; dup {
				return nil, fmt.Errorf("report: regions.tsv line %d: code %s twice", n+1, f[0])
			}
			t.byCode[f[0]] = len(t.divs)
		}
		t.divs = append(t.divs, division{code: f[0], name: f[1], parent: -1})
		parents = append(parents, f[2])
	}
	for i, pc := range parents {
		if pc == "" {
			continue
		}
		p, ok := t.byCode[pc]
		if !ok {
			return nil, fmt.Errorf("report: regions.tsv: %s has unknown parent %s", t.divs[i].name, pc)
		}
		t.divs[i].parent = p
	}
	for i, d := range t.divs {
		t.add(t.full, d.name, i)
		strong, bare := shortForms(d.name, t.depth(i))
		t.add(t.full, strong, i)
		t.add(t.bare, bare, i)
	}
	return t, nil
}

func (t *regionTable) add(m map[string][]int, name string, i int) {
	if name == "" {
		return
	}
	m[name] = append(m[name], i)
	t.maxLen = max(t.maxLen, len(name))
}

// depth is 0 for a province, 1 for a city, 2 for a county or zone.
func (t *regionTable) depth(i int) int {
	d := 0
	for p := t.divs[i].parent; p >= 0; p = t.divs[p].parent {
		d++
	}
	return d
}

// ethnicNames are the peoples named in autonomous areas, as the names write them.
var ethnicNames = []string{
	"满族", "蒙古", "回族", "达斡尔族", "朝鲜族", "畲族", "土家族", "苗族", "瑶族", "侗族",
	"壮族", "各族", "仫佬族", "毛南族", "黎族", "羌族", "彝族", "藏族", "仡佬族", "布依族",
	"水族", "傣族", "哈尼族", "纳西族", "拉祜族", "佤族", "布朗族", "白族", "景颇族",
	"傈僳族", "独龙族", "怒族", "普米族", "裕固族", "哈萨克", "东乡族", "保安族", "撒拉族",
	"土族", "柯尔克孜", "塔吉克", "锡伯", "维吾尔",
}

// shortForms returns the short names a division goes by: strong ones stand alone
// (湘西州 for 湘西土家族苗族自治州, 长阳县 for 长阳土家族自治县), bare ones only lead
// a longer name (湖南, 株洲, 广西, 湘西).
func shortForms(name string, depth int) (strong, bare string) {
	for _, suf := range []string{"自治区", "自治州", "自治县", "自治旗"} {
		stem, ok := strings.CutSuffix(name, suf)
		if !ok {
			continue
		}
		base := autonomyBase(stem)
		if utf8.RuneCountInString(base) < 2 || strings.HasSuffix(base, "族") {
			return "", ""
		}
		switch suf {
		case "自治区":
			return "", base
		case "自治州":
			return base + "州", base
		default:
			return base + strings.TrimPrefix(suf, "自治"), ""
		}
	}
	if depth > 1 {
		return "", ""
	}
	for _, suf := range []string{"省", "市", "地区", "盟"} {
		if base, ok := strings.CutSuffix(name, suf); ok && utf8.RuneCountInString(base) >= 2 {
			return "", base
		}
	}
	return "", ""
}

// autonomyBase cuts the peoples off an autonomous area's name: 恩施土家族苗族 → 恩施.
// The place keeps at least two characters, so 东乡族 stays whole.
func autonomyBase(stem string) string {
	for i, n := 0, 0; i < len(stem); n++ {
		if n >= 2 {
			for _, e := range ethnicNames {
				if strings.HasPrefix(stem[i:], e) {
					return stem[:i]
				}
			}
		}
		_, w := utf8.DecodeRuneInString(stem[i:])
		i += w
	}
	return stem
}

// within reports whether division a strictly encloses division c.
func (t *regionTable) within(c, a int) bool {
	for p := t.divs[c].parent; p >= 0; p = t.divs[p].parent {
		if p == a {
			return true
		}
	}
	return false
}

// inside keeps the candidates that lie inside one of prev (all of them when prev is nil).
func (t *regionTable) inside(cands, prev []int) []int {
	if prev == nil {
		return cands
	}
	var out []int
	for _, c := range cands {
		for _, p := range prev {
			if t.within(c, p) {
				out = append(out, c)
				break
			}
		}
	}
	return out
}

// chain finds the longest chain of names at s[i:], each inside the one before it
// and the first inside prev, and returns its end and the divisions its last name
// may be (i and prev when there is none). Trying every name rather than the
// longest first matters where names overlap: 济南市中区 is 济南 and 市中区. A bare
// name counts only when another name follows it, or, when bareEnd is set, also at
// the end. Each name lies inside the one before, so the recursion is at most three
// deep.
func (t *regionTable) chain(s string, i int, prev []int, bareEnd bool) (end int, last []int) {
	end, last = i, prev
	for j := min(len(s), i+t.maxLen); j > i; j-- {
		key := s[i:j]
		if prev == nil && commonWord(key) {
			continue
		}
		if c := t.inside(t.full[key], prev); len(c) > 0 {
			if e, l := t.chain(s, j, c, bareEnd); e > end {
				end, last = e, l
			}
		}
		if c := t.inside(t.bare[key], prev); len(c) > 0 {
			if e, l := t.chain(s, j, c, bareEnd); e > end && (e > j || bareEnd) {
				end, last = e, l
			}
		}
	}
	return end, last
}

// commonWord reports whether a district's name is also an everyday word (城区, 郊区,
// 矿区, 东区, 西区), which names a place only inside a city named before it.
func commonWord(name string) bool {
	return utf8.RuneCountInString(name) == 2 && strings.HasSuffix(name, "区")
}

// region finds the region that starts at s[start:] and returns its end and code.
func (t *regionTable) region(s string, start int, bareEnd bool) (end int, code string) {
	end, cands := t.chain(s, start, nil, bareEnd)
	return t.rest(s, start, end, cands)
}

// rest goes on from a chain of names that ends at end, whose last name may be
// any of cands: over a zone (which rolls up to the area before it) and a township
// (its own code when the table lists it there).
func (t *regionTable) rest(s string, start, end int, cands []int) (int, string) {
	code := ""
	if len(cands) == 1 {
		code = t.codeOf(cands[0])
	}
	if e := zoneEnd(s, end, end > start); e > end {
		end = e
	}
	if e, c := t.townAt(code, s, end); e > end && end > start {
		return e, c
	}
	if end > start {
		if e := townEnd(s, end); e > end {
			name := s[end:e]
			if c := t.town(code, name); c != "" {
				code = c
			} else if code == "" && len(cands) > 1 {
				// The township may tell which of several same-named counties it is.
				for _, i := range cands {
					if c := t.town(t.codeOf(i), name); c != "" {
						if code != "" {
							code = ""
							break
						}
						code = c
					}
				}
			}
			end = e
		}
	}
	return end, code
}

// SplitOrganIn is SplitOrgan for a body known to lie in the region of code (a
// portal's configured region): when the name itself names no region with a
// code, a place inside that region may begin it (米家务镇 in 雄县, 鼓楼区 in 福州市),
// and otherwise the region is code's. region is then the place as written, or,
// when the name names none, "". code is "" only when the given one is unknown.
func SplitOrganIn(organ, code string) (region, regionCode, department string) {
	region, regionCode, department = SplitOrgan(organ)
	if regionCode != "" {
		return region, regionCode, department
	}
	t := regions()
	s := normalizeOrgan(organ)
	within := code
	if len(within) == 9 {
		within = within[:6]
	}
	ctx, known := t.byCode[within]
	if !known {
		return region, "", department
	}
	if end, cands := t.chain(s, 0, []int{ctx}, true); end > 0 {
		e, c := t.rest(s, 0, end, cands)
		if c == "" {
			c = code
		}
		return s[:e], c, s[e:]
	}
	if region != "" {
		// The name names a place without a code: a zone standing alone, or a
		// township of a county the table does not tell. The context gives it.
		if c := t.town(code, townName(region)); c != "" {
			return region, c, department
		}
		return region, code, department
	}
	if e, c := t.townAt(within, s, 0); e > 0 {
		return s[:e], c, s[e:]
	}
	if e := townEnd(s, 0); e > 0 {
		if c := t.town(code, s[:e]); c != "" {
			return s[:e], c, s[e:]
		}
	}
	return "", code, department
}

// townName is the township at the end of a region as SplitOrgan wrote it, or "".
func townName(region string) string {
	for i := len(region) - 1; i > 0; i-- {
		if utf8.RuneStart(region[i]) && townEnd(region, i) == len(region) {
			return region[i:] // the shortest: 群丰镇 of 株洲高新区群丰镇
		}
	}
	return ""
}

// verticalHeads are bodies written before the region they serve (中共株洲市委).
var verticalHeads = []string{"中国共产党", "中共", "中国人民政治协商会议", "政协", "中国共产主义青年团", "共青团"}

// vertical finds the region inside a vertical body's name: after one of
// verticalHeads, or after a national body (国家…局, 中国…银行, …委员会, …署).
func (t *regionTable) vertical(s string) (start, end int, code string, ok bool) {
	for _, h := range verticalHeads {
		if strings.HasPrefix(s, h) {
			if e, c := t.region(s, len(h), true); e > len(h) {
				return len(h), e, c, true
			}
			return 0, 0, "", false
		}
	}
	if !strings.HasPrefix(s, "国家") && !strings.HasPrefix(s, "中国") && !strings.HasPrefix(s, "中华人民共和国") {
		return 0, 0, "", false
	}
	for p := range s {
		head := s[:p]
		if !strings.HasSuffix(head, "局") && !strings.HasSuffix(head, "署") &&
			!strings.HasSuffix(head, "委员会") && !strings.HasSuffix(head, "银行") {
			continue
		}
		if e, c := t.region(s, p, true); e > p {
			return p, e, c, true
		}
	}
	return 0, 0, "", false
}

// zoneSuffixes end the names of development zones and the like, which GB/T 2260
// does not list.
var zoneSuffixes = []string{
	"开发区", "高新区", "经开区", "新区", "实验区", "试验区", "示范区", "园区", "保税区",
	"保税港区", "自贸区", "管理区", "风景名胜区", "风景区", "度假区", "合作区", "集聚区",
}

// deptMarks never occur in the name of a zone or township, but in department names
// that happen to contain 新区, 镇 and the like (住房和城乡建设局).
var deptMarks = []string{
	"局", "厅", "委", "办", "部", "处", "所", "院", "司", "署", "室", "站", "队", "会",
	"中心", "政府", "大学", "和", "与", "及",
}

func hasAny(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// Limits on the characters before a zone's or township's suffix: names are short,
// and a longer run is a department's name. The loops below look that far plus the
// longest suffix (风景名胜区, 街道).
const (
	maxZoneStem = 16
	maxTownStem = 8
)

// stemFits reports whether a name's part before its suffix has 2 to most characters
// (or none, when empty is set: 株洲市高新区).
func stemFits(stem string, empty bool, most int) bool {
	n := utf8.RuneCountInString(stem)
	return n <= most && (n >= 2 || empty && n == 0)
}

// zoneEnd returns the end of a zone's name at s[i:], or i. With no region before
// it, the zone needs a name of its own (平潭综合实验区); after one, 高新区 will do.
func zoneEnd(s string, i int, afterRegion bool) int {
	for j, n := i, 1; j < len(s) && n <= maxZoneStem+5; n++ {
		_, w := utf8.DecodeRuneInString(s[j:])
		j += w
		zone := s[i:j]
		if hasAny(zone, deptMarks) {
			break
		}
		for _, suf := range zoneSuffixes {
			if stem, ok := strings.CutSuffix(zone, suf); ok && n >= 3 && stemFits(stem, afterRegion, maxZoneStem) {
				return j
			}
		}
	}
	return i
}

// townSuffixes end the names of townships (乡, 民族乡, 镇, 街道, 苏木).
var townSuffixes = []string{"街道", "苏木", "镇", "乡"}

// townStops are words that hold 乡 or 镇 without naming a township (统筹城乡发展,
// 特色小镇); townNext are characters that, after 乡 or 镇, show the same (乡村振兴,
// 乡镇企业, 城镇化, 城乡一体化).
var (
	townStops = append([]string{"统筹", "特色", "农村", "美丽"}, deptMarks...)
	townNext  = "村镇化一"
)

// townEnd returns the end of a township's name at s[i:], or i.
func townEnd(s string, i int) int {
	for j, n := i, 1; j < len(s) && n <= maxTownStem+2; n++ {
		_, w := utf8.DecodeRuneInString(s[j:])
		j += w
		town := s[i:j]
		if hasAny(town, townStops) {
			break
		}
		next, _ := utf8.DecodeRuneInString(s[j:])
		for _, suf := range townSuffixes {
			if stem, ok := strings.CutSuffix(town, suf); ok && stemFits(stem, false, maxTownStem) && !strings.ContainsRune(townNext, next) {
				return j
			}
		}
	}
	return i
}

// shared reports whether the department starts with a committee written with the
// region's last character: 株洲市委 is 株洲市 and 市委, not 委.
func shared(region, department string) bool {
	if region == "" {
		return false
	}
	last, _ := utf8.DecodeLastRuneInString(region)
	switch {
	case strings.HasPrefix(department, "委") && !strings.HasPrefix(department, "委员会"):
		return strings.ContainsRune("省市区县州旗盟镇乡", last)
	case strings.HasPrefix(department, "场"): // 株洲市场监督管理局
		return last == '市'
	}
	return false
}

// normalizeOrgan removes white space and zero-width characters, which titles
// scatter through names (株洲市 天元区).
func normalizeOrgan(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '\u200b' || r == '\u200c' || r == '\u200d' || r == '\ufeff' {
			return -1
		}
		return r
	}, s)
}
