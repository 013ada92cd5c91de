package report

import (
	"reflect"
	"testing"
)

func TestDiff(t *testing.T) {
	one := func(v float64) *float64 { return &v }
	a := &Record{Title: "雄县财政局2023年政府信息公开工作年度报告", Organ: "雄县财政局", Year: 2023, Published: "2024-01-20", Format: Format2021,
		Cells: []Cell{
			{Table: T3, Row: "new_received", Column: "total", Raw: "12", Kind: KindNumber, Value: one(12)},
			{Table: T3, Row: "granted", Column: "total", Raw: "7", Kind: KindNumber, Value: one(7)},
			{Table: T4, Row: "review", Column: "total", Raw: "/", Kind: KindDash},
		},
		Text: "一、总体情况\n2023年，县财政局公开预算信息。\n二、主动公开政府信息情况\n表格\n三、收到和处理政府信息公开申请情况\n五、存在的主要问题\n信息更新不够及时。"}
	b := &Record{Title: a.Title, Organ: a.Organ, Year: 2023, Published: "2024-02-03", Format: Format2021,
		Cells: []Cell{
			{Table: T3, Row: "new_received", Column: "total", Raw: "13", Kind: KindNumber, Value: one(13)},
			{Table: T3, Row: "granted", Column: "total", Raw: "7", Kind: KindNumber, Value: one(7)},
			{Table: T3, Row: "carried_over", Column: "total", Raw: "1", Kind: KindNumber, Value: one(1)},
		},
		Text: "（2024年2月3日更正：原报告第三部分数据有误。）\n一、总体情况\n2023年，县财政局公开预算信息。\n二、主动公开政府信息情况\n表格\n三、收到和处理政府信息公开申请情况\n五、存在的主要问题\n政策解读形式单一。"}
	d := Diff(a, b)
	if want := []FieldChange{{"published", "2024-01-20", "2024-02-03"}}; !reflect.DeepEqual(d.Fields, want) {
		t.Errorf("fields %v", d.Fields)
	}
	wantCells := []CellChange{
		{Ref: "table3.new_received.total", Before: "12", BeforeKind: KindNumber, After: "13", AfterKind: KindNumber},
		{Ref: "table3.carried_over.total", BeforeKind: KindAbsent, After: "1", AfterKind: KindNumber},
		{Ref: "table4.review.total", Before: "/", BeforeKind: KindDash, AfterKind: KindAbsent},
	}
	if !reflect.DeepEqual(d.Cells, wantCells) {
		t.Errorf("cells %+v", d.Cells)
	}
	wantText := []TextChange{
		{Op: "+", Line: "（2024年2月3日更正：原报告第三部分数据有误。）"},
		{Op: "=", Line: "一、总体情况"},
		{Op: "=", Gap: 4},
		{Op: "=", Line: "五、存在的主要问题"},
		{Op: "-", Line: "信息更新不够及时。"},
		{Op: "+", Line: "政策解读形式单一。"},
	}
	if !reflect.DeepEqual(d.Text, wantText) || d.LinesAdded != 2 || d.LinesRemoved != 1 {
		t.Errorf("text %+v (+%d −%d)", d.Text, d.LinesAdded, d.LinesRemoved)
	}
	if same := Diff(a, a); len(same.Fields)+len(same.Cells)+len(same.Text) != 0 {
		t.Errorf("a record against itself: %+v", same)
	}
}
