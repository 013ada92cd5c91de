package report

import (
	"fmt"
	"time"
)

// RuleTimeliness is the finding that compares a report's publication date with
// the deadline of the law in force for its year.
const RuleTimeliness = "timeliness"

// The provisions that set the deadlines.
const (
	// Law2008 is 《中华人民共和国政府信息公开条例》 (2007, 国务院令第492号, in force
	// 2008-05-01) 第三十一条: every administrative body publishes its report by
	// 31 March.
	Law2008 = "2008 条例 第三十一条"
	// Law2019 is the revised 条例 (国务院令第711号, in force 2019-05-15) 第四十九条:
	// the departments of governments at county level and above by 31 January, the
	// governments at county level and above by 31 March.
	Law2019 = "2019 条例 第四十九条"
)

// Deadline is the last day a report may be published on, and the provision
// that sets it.
type Deadline struct {
	Date time.Time
	Law  string
	Who  string // "a department", "a government", "every body"
}

// DeadlineFor returns the deadline of the report of a body for a year: reports
// for years up to 2018 fall under the 2008 条例 (every body by 31 March of the
// next year), later ones under the 2019 条例 (departments by 31 January,
// governments by 31 March). The 2019 条例 sets no date for township bodies
// (township is true: a 9-digit region code), so none applies to them then.
func DeadlineFor(year int, government, township bool) (Deadline, bool) {
	switch {
	case year <= 0:
		return Deadline{}, false
	case year <= 2018:
		return Deadline{time.Date(year+1, time.March, 31, 0, 0, 0, 0, time.UTC), Law2008, "every body"}, true
	case township:
		return Deadline{}, false
	case government:
		return Deadline{time.Date(year+1, time.March, 31, 0, 0, 0, 0, time.UTC), Law2019, "a government"}, true
	}
	return Deadline{time.Date(year+1, time.January, 31, 0, 0, 0, 0, time.UTC), Law2019, "a department"}, true
}

// Lateness is how a report's publication date stands against its deadline.
type Lateness struct {
	Deadline
	Published time.Time
	// DaysLate counts the days after the deadline it was published (0 on time).
	DaysLate int
}

// LatenessOf judges a report's publication date (YYYY-MM-DD) against the deadline
// for its year and body. ok is false where no judgement can be made: no year or
// date, a body whose kind the record does not tell where the law tells kinds
// apart, or no deadline in force.
func LatenessOf(year int, published, organ, region, regionCode, department string) (Lateness, bool) {
	date, err := time.Parse(time.DateOnly, published)
	if year == 0 || err != nil {
		return Lateness{}, false
	}
	government, known := bodyKind(organ, region, department)
	if !known && year > 2018 {
		return Lateness{}, false
	}
	d, ok := DeadlineFor(year, government, len(regionCode) == 9)
	if !ok {
		return Lateness{}, false
	}
	l := Lateness{Deadline: d, Published: date}
	if date.After(d.Date) {
		l.DaysLate = int(date.Sub(d.Date).Hours() / 24)
	}
	return l, true
}

// Timeliness is the finding of LatenessOf: its detail cites the provision.
func Timeliness(year int, published, organ, region, regionCode, department string) (Check, bool) {
	l, ok := LatenessOf(year, published, organ, region, regionCode, department)
	if !ok {
		return Check{}, false
	}
	if l.DaysLate > 0 {
		return Check{Rule: RuleTimeliness, OK: false, Detail: fmt.Sprintf("published %s, %d days after the %s deadline for %s (%s)",
			published, l.DaysLate, l.Date.Format(time.DateOnly), l.Who, l.Law)}, true
	}
	return Check{Rule: RuleTimeliness, OK: true, Detail: fmt.Sprintf("published %s, by the %s deadline for %s (%s)",
		published, l.Date.Format(time.DateOnly), l.Who, l.Law)}, true
}

// bodyKind tells a government's own report from a department's: the department
// is the government itself (IsGovernment), or there is none and the organ is its
// region. known is false when the record does not say.
func bodyKind(organ, region, department string) (government, known bool) {
	switch {
	case department != "":
		return IsGovernment(department), true
	case region != "" && normalizeOrgan(organ) == normalizeOrgan(region):
		return true, true
	}
	return false, false
}
