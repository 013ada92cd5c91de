package textfmt

import "testing"

func TestBytesAndCount(t *testing.T) {
	for n, want := range map[int64]string{20 << 20: "20 MB", 64 << 10: "64 KB", 3 << 29: "1.5 GB", 65<<20 + 1: "65 MB", 512: "512 bytes"} {
		if got := Bytes(n); got != want {
			t.Errorf("Bytes(%d) = %q, want %q", n, got, want)
		}
	}
	if a, b := Count(1, "document"), Count(8, "document"); a != "1 document" || b != "8 documents" {
		t.Errorf("%q, %q", a, b)
	}
}
