package web

import (
	"strings"

	"gongkai/report"
	"gongkai/store"
)

// place is a region as the pages group and name it: by code, a township rolled
// up to its county, under the code's full official name; a report without a code
// by the region it writes.
type place struct {
	Key  string // the code, or "name:" and the region as written
	Code string
	Name string
}

func placeOf(code, region string) place {
	if code != "" {
		code = report.County(code)
		if full := report.RegionFullName(code); full != "" {
			return place{Key: code, Code: code, Name: full}
		}
	}
	return place{Key: "name:" + region, Name: region}
}

// Filter is the region filter of the place's links: its code, else its name.
func (p place) Filter() string {
	if p.Code != "" {
		return p.Code
	}
	return p.Name
}

// regionTitle names a region filter as given (a code or a name) for headings.
func regionTitle(filter string) string {
	if full := report.RegionFullName(filter); full != "" {
		return full
	}
	if code, ok := report.LookupRegion(filter); ok {
		return report.RegionFullName(code)
	}
	return filter
}

// matchesRegion applies a region filter to a place as the store does: digits are
// the start of the code; a name that names a region with a code selects every
// place inside it; another name, places whose name contains it.
func matchesRegion(ry store.RegionYear, filter string) bool {
	if filter == "" {
		return true
	}
	if strings.Trim(filter, "0123456789") == "" {
		return strings.HasPrefix(ry.RegionCode, filter)
	}
	if code, ok := report.LookupRegion(filter); ok && ry.RegionCode != "" {
		return strings.HasPrefix(ry.RegionCode, report.RegionPrefix(code))
	}
	return strings.Contains(ry.Region, filter)
}
