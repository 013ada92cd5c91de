package report

import (
	"slices"
	"strings"
)

// PlaceIn gives a record whose own text names no region with a code the region
// it was published for: code is a portal's configured region or the one given
// to ingest (a GB/T 2260 or NBS township code). A place inside that region that
// begins the organ's name is found (米家务镇 in 雄县 is 雄县米家务镇, 130638105);
// otherwise the record gets the region itself, under its full official name, and
// a warning says where it came from. A record that names its region keeps it.
func (r *Record) PlaceIn(code string) {
	if code == "" || r.RegionCode != "" {
		return
	}
	_, full, ok := RegionName(code)
	if !ok {
		return
	}
	region, regionCode, department := SplitOrganIn(r.Organ, code)
	if regionCode == "" {
		return
	}
	r.RegionCode, r.Department = regionCode, department
	if region == "" {
		region = full
		if r.Organ == "" {
			r.Department = ""
		}
	}
	r.Region = region
	r.Warnings = append(slices.Clip(r.Warnings),
		"地区取自发布该报告的门户配置 region from the portal it was published on: "+full+" ("+code+")")
}

// governmentItself are the department names of a government's own report: the
// government (人民政府, a street's 办事处) or no department at all.
var governmentItself = []string{"", "人民政府", "办事处", "街道办事处"}

// IsGovernment reports whether a department is the government of its region
// itself, or its general office (人民政府办公室), which reports as the government.
func IsGovernment(department string) bool {
	return slices.Contains(governmentItself, department) || department == "人民政府办公室"
}

// OrganKey names one body the same way every year, however each title spells it:
// the full official name of its region and its department, the government itself
// as 人民政府 (株洲市天元区住房和城乡建设局 and 天元区住房和城乡建设局 are both
// 湖南省株洲市天元区住房和城乡建设局; 米家务镇 placed in 雄县 and 雄县米家务镇人民政府
// are both 河北省保定市雄县米家务镇人民政府). The region is the one the organ's name
// gives, else regionCode and department (a record placed by PlaceIn). A body
// without a region code keeps its name, without white space.
func OrganKey(organ, regionCode, department string) string {
	if _, code, dept := SplitOrgan(organ); code != "" {
		regionCode, department = code, dept
	}
	if _, full, ok := RegionName(regionCode); ok {
		department = normalizeOrgan(department)
		if slices.Contains(governmentItself, department) {
			department = "人民政府"
		}
		return full + department
	}
	return normalizeOrgan(organ)
}

// RegionFullName is the full official name of a code ("" when unknown).
func RegionFullName(code string) string {
	_, full, _ := RegionName(code)
	return full
}

// RegionPrefix is the part of a code that every region inside it begins with:
// 4302 for 株洲市 (430200), 430211 for 天元区: a filter selects a region and
// everything in it by this prefix of region_code.
func RegionPrefix(code string) string {
	if len(code) != 6 {
		return code
	}
	for strings.HasSuffix(code, "00") {
		code = strings.TrimSuffix(code, "00")
	}
	return code
}

// County is the county a township's code rolls up to (its first six digits); any
// other code is its own.
func County(code string) string {
	if len(code) == 9 {
		return code[:6]
	}
	return code
}
