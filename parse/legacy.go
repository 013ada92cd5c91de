package parse

import (
	"strconv"
	"strings"

	"gongkai/report"
)

// legacyFigures reads the statistics tables of a pre-2019 report, whose rows and
// columns each organ chose itself: the first all-label row of a table is its
// header, and every later row with figures gives label → header → figure. A
// column whose header is a unit (计量单位) gives the row's unit.
func legacyFigures(blocks []block) map[string]map[string]any {
	out := map[string]map[string]any{}
	var header []string
	table := -1
	for _, b := range blocks {
		cells := b.cells
		if b.table == 0 {
			if !hasPipe(cells[0]) && strings.IndexByte(cells[0], '\t') < 0 {
				continue
			}
			cells = splitLine(cells[0])
		}
		if b.table != table {
			table, header = b.table, nil
		}
		if len(cells) < 2 {
			continue
		}
		labels, values := splitRow(cells)
		if len(values) == 0 || !hasFigure(values) {
			if header == nil && len(labels) >= 2 {
				header = cells
			}
			continue
		}
		if len(labels) == 0 {
			continue
		}
		name := normLabel(labels[0])
		fields := map[string]any{}
		if len(header) == len(cells) {
			for i, c := range cells[1:] {
				h := normLabel(header[i+1])
				v := readValue(c)
				switch {
				case strings.Contains(h, "单位"):
					fields["单位"] = c
				case v.kind == report.KindNumber:
					fields[h] = v.num
				}
			}
		} else {
			if len(labels) > 1 {
				fields["单位"] = labels[len(labels)-1]
			}
			for i, c := range values {
				if v := readValue(c); v.kind == report.KindNumber {
					fields[strconv.Itoa(i+1)] = v.num
				}
			}
		}
		if len(fields) > 0 {
			out[name] = fields
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
